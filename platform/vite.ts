import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Plugin, ViteDevServer } from 'vite';
import { CONTROL_SECRET_HEADER } from './http/handler.ts';
import { routeOwnOrigin } from './http/node-routing.ts';
import { createPlatform, DASHBOARD_HOST, type Platform, type PlatformOptions } from './index.ts';
import { nodeModuleLoader } from './velo/runtime.ts';

/** Options of the Vite plugin: the platform's own (no port or host: it lives on the dev server) plus these. */
export interface WixLocalPlatformOptions extends Omit<PlatformOptions, 'port' | 'host'> {
  /**
   * Put this run's control secret in every HTML page Vite serves, as `<meta name="wix-local-control-secret">`,
   * for pages that drive `/_platform/*` (fault injection, request log). Same-origin only: keep Vite's `cors` off.
   * Default false.
   */
  controlSecretMeta?: boolean;
  /** Called once the dev server listens, with its origin (for example to point OAuth redirect secrets at it). */
  onListening?: (platform: Platform, origin: string, server: ViteDevServer) => void;
  /** Print the site, the owner, the admin key and the control secret when the server starts. Default true. */
  banner?: boolean;
}

/** The meta tag that carries the control secret (see `controlSecretMeta`). */
export const CONTROL_SECRET_META = 'wix-local-control-secret';

/**
 * A Vite plugin that mounts the local Wix platform on the dev server (`vite serve` only): its paths (`/_api`,
 * `/wix-data`, `/oauth2`, `/_functions`, `/_webMethods`, `/_platform` …) are answered in-process, everything else
 * goes on to Vite. The Velo backend (default `velo-backend/` in the working directory) is loaded through Vite's
 * SSR loader, so `resolve.alias` maps the Velo module names; its calls to https://www.wixapis.com and to the dev
 * server's own origin are answered by this platform in-process. `plugin.api.platform` is the running platform.
 *
 *     import { wixLocalPlatform } from 'wix-session-elements/platform';
 *     export default defineConfig({ server: { https: … }, plugins: [wixLocalPlatform({ seed: mySeed })] });
 */
export function wixLocalPlatform(options: WixLocalPlatformOptions = {}): Plugin & { api: { readonly platform: Platform | undefined } } {
  const { controlSecretMeta = false, onListening, banner = true, ...platformOptions } = options;
  let platform: Platform | undefined;
  const backendDir = resolve(platformOptions.velo?.backendDir ?? 'velo-backend');
  return {
    name: 'wix-local-platform',
    apply: 'serve',
    api: {
      get platform() {
        return platform;
      },
    },
    configureServer(server: ViteDevServer) {
      // TypeScript modules through Vite (its aliases, reloaded on change); a site's JavaScript backend (.web.js,
      // http-functions.js, data.js, anywhere) through Node with the Velo module resolution, as the CLI loads it.
      const nodeLoad = nodeModuleLoader(backendDir);
      const loadModule =
        platformOptions.velo?.loadModule ??
        ((name: string) => (existsSync(join(backendDir, `${name}.ts`)) ? server.ssrLoadModule(`/@fs${join(backendDir, `${name}.ts`)}`) : nodeLoad(name)));
      const p = createPlatform({ ...platformOptions, velo: { ...platformOptions.velo, backendDir, loadModule } });
      platform = p;
      // handle() never rejects; the catch only keeps a broken promise from becoming an unhandled rejection.
      server.middlewares.use((req, res, next) => {
        p.handle(req, res, next).catch((error: unknown) => server.config.logger.error(String(error)));
      });
      server.httpServer?.once('listening', () => {
        const address = server.httpServer?.address();
        let dashboardUrl = `https://${DASHBOARD_HOST}`;
        if (address && typeof address === 'object') {
          dashboardUrl = `https://${DASHBOARD_HOST}:${address.port}`;
          const origin = `https://localhost:${address.port}`;
          // The backend's calls to the dev server's own origin (the OAuth issuer's endpoints) are answered in-process.
          routeOwnOrigin(origin);
          onListening?.(p, origin, server);
        }
        if (banner) {
          server.config.logger.info(
            `\n  Local Wix platform mounted (site ${p.siteId}).\n  Owner ${p.owner.email}\n  Admin API key: ${p.apiKey}\n  Control secret (${CONTROL_SECRET_HEADER} on /_platform/*): ${p.controlSecret}\n  Dashboard: ${dashboardUrl}/#secret=${p.controlSecret}\n`,
          );
        }
      });
      server.httpServer?.once('close', () => p.close());
    },
    transformIndexHtml() {
      if (!platform || !controlSecretMeta) return [];
      return [{ tag: 'meta', attrs: { name: CONTROL_SECRET_META, content: platform.controlSecret }, injectTo: 'head-prepend' }];
    },
  };
}
