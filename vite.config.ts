import { readFileSync } from 'node:fs';
import { defineConfig, type Plugin, type ViteDevServer } from 'vite';
import { CONTROL_SECRET_HEADER, ensureTls, wixLocalPlatform } from './platform/index.ts';
import { DEMO_MEMBER, DEMO_OWNER, DEMO_SITE_NAME, demoSeed } from './demo/seed/index.ts';
import { memberSessions } from './demo/server/member-sessions.ts';

/** The Velo module names the backend imports, resolved to the local platform's implementations (as tsconfig paths do for Node). */
const VELO_ALIASES = Object.fromEntries(
  Object.entries((JSON.parse(readFileSync('tsconfig.json', 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions.paths)
    .filter(([name]) => !name.includes('*'))
    .map(([name, [target]]) => [name, new URL(target!, import.meta.url).pathname]),
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
      const methods = Object.entries(mod)
        .filter(([, value]) => typeof value === 'function' && 'permission' in (value as object))
        .map(([key]) => key);
      return [
        `import { callWebMethod } from '/velo-page/web-method-client.ts';`,
        ...methods.map((m) => `export const ${m} = (...args) => callWebMethod(${JSON.stringify(name)}, ${JSON.stringify(m)}, args);`),
      ].join('\n');
    },
  };
}

let devServer: ViteDevServer | undefined;

/** The dev server's root is demo/, so backend modules are loaded by absolute path. */
const backendModule = (name: string) => `/@fs${new URL(`./velo-backend/${name}.ts`, import.meta.url).pathname}`;

/**
 * The local Wix platform on the dev server (platform/vite.ts), with the Northwind seed. The demo pages drive the
 * control routes (faults, request log): they get the run's secret in their own HTML, which no other origin can read
 * (no CORS on this server, see below), never in a module script. The control secret: $WIX_LOCAL_CONTROL_SECRET
 * when set (the e2e tests set it), else a random one.
 */
const localWixPlatform = () =>
  wixLocalPlatform({
    dataDir: DATA_DIR,
    seed: demoSeed,
    siteName: DEMO_SITE_NAME,
    controlSecretMeta: true,
    banner: false,
    velo: { backendDir: new URL('./velo-backend', import.meta.url).pathname },
    onListening(p, origin, server) {
      // The OAuth backend's redirect URI and the authorize page the browser opens are on this server.
      p.secrets.set('OAUTH_SITE_URL', origin);
      p.secrets.set('OAUTH_ISSUER', origin);
      server.config.logger.info(
        `\n  Local Wix platform mounted (site ${p.siteId}).\n  Owner ${DEMO_OWNER.email} / ${DEMO_OWNER.password}; member ${DEMO_MEMBER.email} / ${DEMO_MEMBER.password}\n  Admin API key: ${p.apiKey}\n  Control secret (${CONTROL_SECRET_HEADER} on /_platform/*): ${p.controlSecret}\n`,
      );
    },
  });

/** Keeps the dev server for the web-method proxies. */
const rememberServer = (): Plugin => ({
  name: 'remember-dev-server',
  apply: 'serve',
  configureServer(server) {
    devServer = server;
  },
});

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
    plugins: [rememberServer(), memberSessions(), localWixPlatform(), veloWebMethodProxies(() => devServer)],
    build: { outDir: '../dist/demo', emptyOutDir: true },
  };
});
