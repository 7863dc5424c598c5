import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin, type ViteDevServer } from 'vite';
import { routeOwnOrigin } from './platform/http/node-routing.ts';
import { ensureTls } from './platform/http/tls.ts';
import { CONTROL_SECRET_HEADER, createPlatform, DEMO_MEMBER, DEMO_OWNER, type Platform } from './platform/index.ts';

/** The Velo module names the backend imports, resolved to the local platform's implementations (as tsconfig paths do for Node). */
const VELO_ALIASES = Object.fromEntries(
  Object.entries((JSON.parse(readFileSync('tsconfig.json', 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions.paths)
    .filter(([name]) => !name.includes('*'))
    .map(([name, [target]]) => [
    name,
    new URL(target!, import.meta.url).pathname,
  ]),
);

/** Where the certificate and the demo database live; tests point it at a scratch folder. */
const DATA_DIR = process.env['WIX_LOCAL_DATA_DIR'] ?? '.wix-local';

/**
 * Page code imports web methods as `backend/<name>.web`. On Wix that is a proxy to the backend; here too: each
 * exported web method becomes a call to the local runtime's RPC endpoint. Only web methods are exported.
 */
function veloWebMethodProxies(getServer: () => ViteDevServer | undefined): Plugin {
  const PREFIX = '\0velo-web:';
  return {
    name: 'wix-velo-web-method-proxies',
    apply: 'serve',
    resolveId(source) {
      const match = /^backend\/([a-z0-9-]+\.web)(\.js|\.ts)?$/.exec(source);
      return match ? `${PREFIX}${match[1]}` : null;
    },
    async load(id) {
      if (!id.startsWith(PREFIX)) return null;
      const name = id.slice(PREFIX.length);
      const server = getServer();
      if (!server) throw new Error('web-method proxies need the dev server');
      const mod = await server.ssrLoadModule(backendModule(name));
      const methods = Object.entries(mod).filter(([, value]) => typeof value === 'function' && 'permission' in (value as object)).map(([key]) => key);
      return [
        `import { callWebMethod } from '/velo-page/web-method-client.ts';`,
        ...methods.map((m) => `export const ${m} = (...args) => callWebMethod(${JSON.stringify(name)}, ${JSON.stringify(m)}, args);`),
      ].join('\n');
    },
  };
}

/** Mounts the local Wix platform on the dev server: its paths (/_api, /wix-data, /oauth2, ...) are answered in-process. */
let devServer: ViteDevServer | undefined;

/** The dev server's root is demo/, so backend modules are loaded by absolute path. */
const backendModule = (name: string) => `/@fs${new URL(`./velo-backend/${name}.ts`, import.meta.url).pathname}`;

/** The meta tag through which the demo pages (same origin only) get the control secret. */
const CONTROL_SECRET_META = 'wix-local-control-secret';

function localWixPlatform(): Plugin {
  let platform: Platform | undefined;
  return {
    name: 'wix-local-platform',
    apply: 'serve',
    configureServer(server) {
      devServer = server;
      // Backend modules load through Vite's SSR loader, so the Velo aliases above apply to them. The backend's
      // Wix API calls (ApiKeyStrategy on https://www.wixapis.com) are answered by this platform in-process.
      // The control secret: $WIX_LOCAL_CONTROL_SECRET when set (the e2e tests set it), else a random one.
      platform = createPlatform({ dataDir: DATA_DIR, seed: 'demo', velo: { loadModule: (name) => server.ssrLoadModule(backendModule(name)) } });
      const p = platform;
      // handle() never rejects; the catch only keeps a broken promise from becoming an unhandled rejection.
      server.middlewares.use((req, res, next) => {
        p.handle(req, res, next).catch((error: unknown) => server.config.logger.error(String(error)));
      });
      server.httpServer?.once('listening', () => {
        const address = server.httpServer?.address();
        if (address && typeof address === 'object') {
          const origin = `https://localhost:${address.port}`;
          // The OAuth backend's redirect URI and the authorize page the browser opens are on this server.
          p.secrets.set('OAUTH_SITE_URL', origin);
          p.secrets.set('OAUTH_ISSUER', origin);
          // The backend calls the issuer's token, revoke and token-info endpoints: answered in-process, as wixapis.com is.
          routeOwnOrigin(origin);
        }
        server.config.logger.info(
          `\n  Local Wix platform mounted (site ${p.siteId}).\n  Owner ${DEMO_OWNER.email} / ${DEMO_OWNER.password}; member ${DEMO_MEMBER.email} / ${DEMO_MEMBER.password}\n  Admin API key: ${p.apiKey}\n  Control secret (${CONTROL_SECRET_HEADER} on /_platform/*): ${p.controlSecret}\n`,
        );
      });
      server.httpServer?.once('close', () => p.close());
    },
    // The demo pages drive the control routes (faults, request log): they get the run's secret in their own HTML,
    // which no other origin can read (no CORS on this server, see below), never in a module script.
    transformIndexHtml() {
      if (!platform) return [];
      return [{ tag: 'meta', attrs: { name: CONTROL_SECRET_META, content: platform.controlSecret }, injectTo: 'head-prepend' }];
    },
  };
}

export default defineConfig(async () => {
  const tls = await ensureTls(DATA_DIR);
  return {
    root: 'demo',
    // cors: false. Vite's default lets any localhost origin read every response, the demo HTML (which holds the
    // control secret) included; the demo is same-origin, and the platform sends its own CORS headers on the Wix
    // API paths (never on /_platform/*).
    server: { https: { cert: tls.cert, key: tls.key }, port: 5173, strictPort: false, host: 'localhost', cors: false },
    preview: { https: { cert: tls.cert, key: tls.key } },
    envPrefix: 'VITE_',
    resolve: { alias: VELO_ALIASES },
    plugins: [localWixPlatform(), veloWebMethodProxies(() => devServer)],
    build: { outDir: '../dist/demo', emptyOutDir: true },
  };
});
