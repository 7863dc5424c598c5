// Browser tests: real Chromium (Debian's, or CHROME_PATH) through Playwright, served over HTTPS with the
// local Wix platform mounted on the same origin, as the demo does. Run through tsx so this file can import
// the platform's TypeScript: `node --import tsx node_modules/@web/test-runner/dist/bin.js`.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { existsSync } from 'node:fs';
import { createPlatform, ensureTls, PLATFORM_PATH_PREFIXES } from './platform/index.ts';
import { DEMO_SITE_NAME, demoSeed } from './demo/seed/index.ts';
import { seedBrowserFixtures } from './test/elements/fixtures/seed.ts';
import { seedTableFixtures } from './test/elements/fixtures/table-seed.ts';
import { seedFormFixtures } from './test/elements/fixtures/form-seed.ts';

await ensureTls('.wix-local');
const platform = createPlatform({ db: ':memory:', seed: demoSeed, siteName: DEMO_SITE_NAME, dataDir: '.wix-local', onError: () => {} });
seedBrowserFixtures(platform);
seedTableFixtures(platform);
seedFormFixtures(platform);

const chromium = process.env.CHROME_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));

/** Koa middleware: platform paths go to the platform, everything else to the test server. handle() never rejects. */
const mountPlatform = async (ctx, next) => {
  if (!PLATFORM_PATH_PREFIXES.some((prefix) => ctx.path.startsWith(prefix))) return next();
  ctx.respond = false;
  await platform.handle(ctx.req, ctx.res);
};

/** The test page carries the run's control secret in its own HTML (test/elements/helpers.ts reads it), as the demo does. */
const escapeAttr = (value) => value.replace(/[&"<>]/g, (c) => `&#${c.charCodeAt(0)};`);
const testRunnerHtml = (testFramework) =>
  `<!doctype html><html><head><meta name="wix-local-control-secret" content="${escapeAttr(platform.controlSecret)}"></head><body><script type="module" src="${testFramework}"></script></body></html>`;

export default {
  files: ['test/elements/**/*.test.ts'],
  nodeResolve: true,
  http2: true,
  protocol: 'https:',
  sslKey: '.wix-local/tls/key.pem',
  sslCert: '.wix-local/tls/cert.pem',
  hostname: 'localhost',
  concurrency: 1,
  testsFinishTimeout: 120_000,
  middleware: [mountPlatform],
  testRunnerHtml,
  plugins: [
    esbuildPlugin({ ts: true, tsconfig: './tsconfig.json', target: 'es2022' }),
    {
      // The backend modules' calls to https://www.wixapis.com are answered by the platform in-process (its Velo
      // runtime routes them); the OAuth backend's redirect URI and authorize page are on this server.
      name: 'oauth-urls-on-test-server',
      serverStart({ config }) {
        const origin = `https://localhost:${config.port}`;
        platform.secrets.set('OAUTH_SITE_URL', origin);
        platform.secrets.set('OAUTH_ISSUER', origin);
      },
    },
  ],
  browsers: [
    playwrightLauncher({
      product: 'chromium',
      launchOptions: {
        ...(chromium ? { executablePath: chromium } : {}),
        args: [
          '--no-sandbox',
          '--disable-gpu',
          '--disable-background-networking',
          '--disable-component-update',
          '--disable-sync',
          '--no-first-run',
          '--disable-quic',
          '--ignore-certificate-errors',
        ],
      },
      createBrowserContext: ({ browser }) => browser.newContext({ ignoreHTTPSErrors: true }),
    }),
  ],
  testFramework: { config: { timeout: 20_000 } },
};
