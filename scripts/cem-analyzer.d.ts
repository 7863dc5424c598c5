// Types the custom-elements-manifest analyzer does not ship: its programmatic `create` and its TypeScript.
// The analyzer runs its own TypeScript (5.4); its nodes are typed here with the project's, whose node shapes match.
import type { Package } from 'custom-elements-manifest/schema.d.ts';
import type { Plugin } from '@custom-elements-manifest/analyzer';
import type * as TS from 'typescript';

declare module '@custom-elements-manifest/analyzer' {
  /** The analyzer's own TypeScript: source files must be created with it. */
  export const ts: typeof TS;
  export function create(options: { modules: TS.SourceFile[]; plugins?: Plugin[]; context?: Record<string, unknown> }): Package;
}
