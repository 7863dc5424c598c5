// Node module-resolution hooks for a Wix site's backend folder (registered by module-resolution.ts with
// module.register; they run on Node's loader thread, so this file is plain JavaScript).
//
// - The Velo module names (`wix-data`, `wix-web-module`, `@wix/essentials` …) resolve to the platform's
//   implementations, whoever imports them: none of them is a package a project installs.
// - `backend/<path>` (how Velo backend files import each other) resolves inside the backend folder that imports it.
// - `@wix/*` packages a site's backend imports but has not installed (`@wix/data`, `@wix/sdk` …) resolve from the
//   platform's own dependencies, as on Wix, where the site does not install them either.

/** @type {Map<string, string>} module name → file URL */
let names = new Map();
/** @type {string[]} backend folders as file URLs ending in '/' */
let roots = [];
/** @type {string} a file URL inside the platform, to resolve its own dependencies from */
let platformParent = '';

export async function initialize(data) {
  names = new Map(data.names);
  roots = [...data.roots];
  platformParent = data.platformParent;
  if (data.port) {
    data.port.on('message', (message) => {
      if (message && typeof message.root === 'string' && !roots.includes(message.root)) roots.push(message.root);
      data.port.postMessage({ ack: message.root });
    });
    data.port.unref();
  }
}

const rootOf = (parentURL) => (parentURL ? roots.find((root) => parentURL.startsWith(root)) : undefined);
const inNodeModules = (parentURL) => typeof parentURL === 'string' && parentURL.includes('/node_modules/');
const EXTENSIONS = ['', '.js', '.ts', '.web.js', '.web.ts', '.jsw', '/index.js', '/index.ts'];

/** A site's backend `.js` files are ES modules (Wix writes them so), whatever package.json is, or is not, around them. */
function asModule(result) {
  const url = result && result.url;
  if (typeof url === 'string' && /\.(js|jsw)$/.test(url) && rootOf(url) && !inNodeModules(url)) return { ...result, format: 'module' };
  return result;
}

export async function resolve(specifier, context, nextResolve) {
  return asModule(await resolveName(specifier, context, nextResolve));
}

async function resolveName(specifier, context, nextResolve) {
  const mapped = names.get(specifier);
  // Through the rest of the chain, so a TypeScript loader (tsx) sees the platform's .ts module as its own.
  if (mapped && !inNodeModules(context.parentURL)) return nextResolve(mapped, context);

  const root = rootOf(context.parentURL);
  if (root && specifier.startsWith('backend/') && !specifier.includes('..')) {
    const rest = specifier.slice('backend/'.length);
    let lastError;
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
    if (root && specifier.startsWith('@wix/') && error && error.code === 'ERR_MODULE_NOT_FOUND') {
      return nextResolve(specifier, { ...context, parentURL: platformParent });
    }
    throw error;
  }
}
