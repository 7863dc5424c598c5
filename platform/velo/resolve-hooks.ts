// Node module-resolution hooks for a Wix site's backend folder (registered by module-resolution.ts with
// module.register; they run on Node's loader thread, loaded through the hooks already registered there: tsx in the
// repository, plain JavaScript in the built package).
//
// - The Velo module names (`wix-data`, `wix-web-module`, `@wix/essentials` …) resolve to the platform's
//   implementations, whoever imports them: none of them is a package a project installs.
// - `backend/<path>` (how Velo backend files import each other) resolves inside the backend folder that imports it.
// - `@wix/*` packages a site's backend imports but has not installed (`@wix/data`, `@wix/sdk` …) resolve from the
//   platform's own dependencies, as on Wix, where the site does not install them either.

import type { MessagePort } from 'node:worker_threads';

interface ResolveContext {
  conditions: string[];
  importAttributes: Record<string, string>;
  parentURL?: string | undefined;
}
interface ResolveResult {
  url: string;
  format?: string | null | undefined;
  shortCircuit?: boolean | undefined;
}
type NextResolve = (specifier: string, context: ResolveContext) => Promise<ResolveResult>;
export interface ResolveHooksData {
  names: [string, string][];
  roots: string[];
  platformParent: string;
  port?: MessagePort;
}

/** Module name → file URL. */
let names = new Map<string, string>();
/** Backend folders as file URLs ending in '/'. */
let roots: string[] = [];
/** A file URL inside the platform, to resolve its own dependencies from. */
let platformParent = '';

export async function initialize(data: ResolveHooksData): Promise<void> {
  names = new Map(data.names);
  roots = [...data.roots];
  platformParent = data.platformParent;
  if (data.port) {
    const port = data.port;
    port.on('message', (message: { root?: unknown } | null) => {
      const root = message?.root;
      if (typeof root !== 'string') return;
      if (!roots.includes(root)) roots.push(root);
      port.postMessage({ ack: root });
    });
    data.port.unref();
  }
}

const rootOf = (url: string | undefined) => (url ? roots.find((root) => url.startsWith(root)) : undefined);
const inNodeModules = (url: string | undefined) => typeof url === 'string' && url.includes('/node_modules/');
const EXTENSIONS = ['', '.js', '.ts', '.web.js', '.web.ts', '.jsw', '/index.js', '/index.ts'];

/** A site's backend `.js` files are ES modules (Wix writes them so), whatever package.json is, or is not, around them. */
function asModule(result: ResolveResult): ResolveResult {
  const url = result.url;
  if (typeof url === 'string' && /\.(js|jsw)$/.test(url) && rootOf(url) && !inNodeModules(url)) return { ...result, format: 'module' };
  return result;
}

export async function resolve(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  return asModule(await resolveName(specifier, context, nextResolve));
}

async function resolveName(specifier: string, context: ResolveContext, nextResolve: NextResolve): Promise<ResolveResult> {
  const mapped = names.get(specifier);
  // Through the rest of the chain, so a TypeScript loader (tsx) sees the platform's .ts module as its own.
  if (mapped && !inNodeModules(context.parentURL)) return nextResolve(mapped, context);

  const root = rootOf(context.parentURL);
  if (root && specifier.startsWith('backend/') && !specifier.includes('..')) {
    const rest = specifier.slice('backend/'.length);
    let lastError: unknown;
    for (const extension of EXTENSIONS) {
      try {
        return await nextResolve(new URL(rest + extension, root).href, context);
      } catch (error) {
        lastError = error;
      }
    }
    throw lastError;
  }

  try {
    return await nextResolve(specifier, context);
  } catch (error) {
    if (root && specifier.startsWith('@wix/') && (error as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND') {
      return nextResolve(specifier, { ...context, parentURL: platformParent });
    }
    throw error;
  }
}
