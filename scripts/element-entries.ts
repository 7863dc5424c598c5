import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ElementEntry {
  /** The tag its define.ts registers. */
  tag: string;
  /** Absolute path of `elements/<dir>/define.ts`. */
  entry: string;
  /** The element's folder name under elements/. */
  dir: string;
}

/** Element folders with a define.ts (every `elements/<dir>/define.ts`, core aside), and the tag each registers, by folder name. */
export function elementEntries(root = 'elements'): ElementEntry[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'core' && existsSync(join(root, d.name, 'define.ts')))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((d) => {
      const entry = join(root, d.name, 'define.ts');
      const tag = /\bdefine\(\s*'([a-z][\w-]*-[\w-]*)'/.exec(readFileSync(entry, 'utf8'))?.[1];
      if (!tag) throw new Error(`${entry} does not register a tag with define('x-y', ...) or customElements.define('x-y', ...)`);
      return { tag, entry: resolve(entry), dir: d.name };
    });
}
