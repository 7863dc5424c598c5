import { register } from 'node:module';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';

/**
 * The module names a Wix site's backend imports and the platform module that answers each. `@wix/data` and
 * `@wix/sdk` are not here: the real packages run (their calls reach the platform), resolved from the platform's
 * own dependencies when the site has not installed them.
 */
export const VELO_MODULE_FILES: ReadonlyMap<string, string> = new Map([
  ['wix-web-module', 'wix-web-module.ts'],
  ['@wix/web-methods', 'wix-web-module.ts'],
  ['wix-data', 'wix-data.ts'],
  ['wix-secrets-backend', 'wix-secrets-backend.ts'],
  ['wix-secrets-backend.v2', 'wix-secrets-backend.v2.ts'],
  ['@wix/secrets', 'wix-sdk-secrets.ts'],
  ['wix-auth', 'wix-auth.ts'],
  ['@wix/essentials', 'wix-essentials.ts'],
  ['wix-fetch', 'wix-fetch.ts'],
  ['wix-http-functions', 'wix-http-functions.ts'],
  ['wix-members-backend', 'wix-members-backend.ts'],
]);

const modulesDir = new URL('./modules/', import.meta.url);

// One registration per process (a second platform in the same process only adds its folder); on globalThis,
// like the call context, because Vite may evaluate a second copy of this file.
const KEY = Symbol.for('wix-session-elements.velo-module-resolution');
const holder = globalThis as unknown as Record<symbol, { port: MessagePort; roots: Set<string> } | undefined>;

/** The folder as a file URL ending in '/', the form the hooks compare importers against. */
function rootUrl(dir: string): string {
  const href = pathToFileURL(resolve(dir)).href;
  return href.endsWith('/') ? href : `${href}/`;
}

/**
 * Makes Node resolve the Velo module names for code in `backendDir` (and anywhere outside node_modules), and
 * `backend/<path>` inside that folder, without any tsconfig of the site's. Idempotent; cheap after the first call.
 */
export async function registerVeloModuleResolution(backendDir: string): Promise<void> {
  const root = rootUrl(backendDir);
  const existing = holder[KEY];
  if (existing) {
    if (existing.roots.has(root)) return;
    existing.roots.add(root);
    // The hooks run on the loader thread: wait until it has the folder before anything imports from it.
    const acknowledged = new Promise<void>((done) => {
      const onMessage = (message: { ack?: string }) => {
        if (message?.ack !== root) return;
        existing.port.off('message', onMessage);
        existing.port.unref();
        done();
      };
      existing.port.on('message', onMessage);
    });
    existing.port.postMessage({ root });
    return acknowledged;
  }
  const { port1, port2 } = new MessageChannel();
  port1.unref();
  const names = [...VELO_MODULE_FILES].map(([name, file]) => [name, new URL(file, modulesDir).href]);
  register(new URL('./resolve-hooks.mjs', import.meta.url), {
    data: { names, roots: [root], platformParent: import.meta.url, port: port2 },
    transferList: [port2],
  });
  holder[KEY] = { port: port1, roots: new Set([root]) };
}
