import { defineConfig, type Plugin } from 'vite';
import { ensureTls } from './demo/platform/host/tls.ts';
import { createPlatform, DEMO_MEMBER, DEMO_OWNER, type Platform } from './demo/platform/index.ts';

/** Where the certificate and the demo database live; tests point it at a scratch folder. */
const DATA_DIR = process.env['WIX_LOCAL_DATA_DIR'] ?? '.wix-local';

/** Mounts the local Wix platform on the dev server: its paths (/_api, /wix-data, /oauth2, ...) are answered in-process. */
function localWixPlatform(): Plugin {
  let platform: Platform | undefined;
  return {
    name: 'wix-local-platform',
    apply: 'serve',
    configureServer(server) {
      platform = createPlatform({ dataDir: DATA_DIR, seed: 'demo' });
      const p = platform;
      server.middlewares.use((req, res, next) => void p.handle(req, res, next));
      server.httpServer?.once('listening', () => {
        server.config.logger.info(
          `\n  Local Wix platform mounted (site ${p.siteId}).\n  Owner ${DEMO_OWNER.email} / ${DEMO_OWNER.password}; member ${DEMO_MEMBER.email} / ${DEMO_MEMBER.password}\n  Admin API key: ${p.apiKey}\n`,
        );
      });
      server.httpServer?.once('close', () => p.close());
    },
  };
}

export default defineConfig(async () => {
  const tls = await ensureTls(DATA_DIR);
  return {
    root: 'demo',
    server: { https: { cert: tls.cert, key: tls.key }, port: 5173, strictPort: false, host: 'localhost' },
    preview: { https: { cert: tls.cert, key: tls.key } },
    envPrefix: 'VITE_',
    plugins: [localWixPlatform()],
    build: { outDir: '../dist/demo', emptyOutDir: true },
  };
});
