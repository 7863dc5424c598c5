import { register } from 'node:module';
import { MessageChannel, type MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { resolve } from 'node:path';
// Imported for the build only (tsc compiles what is imported): Node loads it again on its loader thread, by URL.
import type {} from './resolve-hooks.ts';

/**
 * The module names a Wix site's backend imports and the platform module that answers each. `@wix/data` and
 * `@wix/sdk` are not here: the real packages run (their calls reach the platform), resolved from the platform's
 * own dependencies when the site has not installed them.
 */
export const VELO_MODULE_FILES: ReadonlyMap<string, string> = new Map([
  ['wix-web-module', 'wix-web-module'],
  ['@wix/web-methods', 'wix-web-module'],
  ['wix-data', 'wix-data'],
  ['wix-secrets-backend', 'wix-secrets-backend'],
  ['wix-secrets-backend.v2', 'wix-secrets-backend.v2'],
  ['@wix/secrets', 'wix-sdk-secrets'],
  ['wix-auth', 'wix-auth'],
  ['@wix/essentials', 'wix-essentials'],
  ['wix-fetch', 'wix-fetch'],
  ['wix-http-functions', 'wix-http-functions'],
  ['wix-members-backend', 'wix-members-backend'],
]);

const modulesDir = new URL('./modules/', import.meta.url);
// The sources in the repository (tsx), the compiled files in the built package.
const EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

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
  const names = [...VELO_MODULE_FILES].map(([name, file]) => [name, new URL(`${file}${EXTENSION}`, modulesDir).href]);
  register(new URL(`./resolve-hooks${EXTENSION}`, import.meta.url), {
    data: { names, roots: [root], platformParent: import.meta.url, port: port2 },
    transferList: [port2],
  });
  holder[KEY] = { port: port1, roots: new Set([root]) };
}
