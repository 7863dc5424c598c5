import { builtinModules } from 'node:module';
import type { Plugin } from 'vite';

const NODE_BUILTINS = new Set(builtinModules);
const isNodeBuiltin = (source: string) => source.startsWith('node:') || NODE_BUILTINS.has(source.split('/')[0]!) || source.includes('__vite-browser-external');

/** Server-side code that the project's browser code must never import. */
const SERVER_ONLY = [
  /[\\/]velo-backend[\\/]/,
  /[\\/]demo[\\/]platform[\\/]/,
  /[\\/]node_modules[\\/](better-sqlite3|selfsigned|oauth4webapi|jose)[\\/]/,
  /^node:/,
  /[\\/]node_modules[\\/]@wix[\\/]secrets[\\/]/,
];
/** Native or Node-only packages that no browser bundle may contain, whoever imports them. */
const NEVER_IN_BROWSER = [/[\\/]node_modules[\\/](better-sqlite3|selfsigned)[\\/]/, /^node:/];

/** Credential shapes the platform issues; none may be baked into a bundle or its source map. */
const CREDENTIAL_SHAPES = [/\bIST\.[\w-]{20,}/, /\bOauthNG\.JWS\.[\w-]+/, /\bJWS\.eyJ[\w-]+\.[\w-]+/];

export interface LeakGuardOptions {
  /** Secret values known at build time (canaries, local secrets); any occurrence in the output fails the build. */
  secrets?: string[];
}

/**
 * Fails a browser build when browser code imports server code (statically or dynamically, like SvelteKit's
 * module guard), and when a secret value or a credential reaches the output or its source maps.
 */
export function leakGuard(options: LeakGuardOptions = {}): Plugin {
  const secrets = (options.secrets ?? []).filter((s) => s.length >= 8);
  return {
    name: 'wix-leak-guard',
    enforce: 'pre',
    async resolveId(source, importer) {
      if (!importer) return null;
      const resolved = await this.resolve(source, importer, { skipSelf: true });
      const id = resolved?.id ?? source;
      // Packages may pull in their own browser builds (the SDK's jose, say); only project code is held to the full list.
      const inPackage = /[\\/]node_modules[\\/]/.test(importer);
      const rules = inPackage ? NEVER_IN_BROWSER : SERVER_ONLY;
      if ((!inPackage && isNodeBuiltin(source)) || rules.some((pattern) => pattern.test(id))) {
        this.error(`Browser code imports server code: "${source}" (${id}) from ${importer}. Server modules stay in velo-backend/ and platform/.`);
      }
      return null;
    },
    generateBundle(_options, bundle) {
      for (const [fileName, output] of Object.entries(bundle)) {
        const text = output.type === 'chunk' ? `${output.code}\n${output.map ? JSON.stringify(output.map) : ''}` : String(output.source);
        for (const secret of secrets) {
          if (text.includes(secret)) this.error(`A secret value reached ${fileName}. Secrets stay server-side.`);
        }
        for (const shape of CREDENTIAL_SHAPES) {
          if (shape.test(text)) this.error(`A credential (${shape.source}) reached ${fileName}.`);
        }
      }
    },
  };
}
