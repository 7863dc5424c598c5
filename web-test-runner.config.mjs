// Browser tests in three engines, served over HTTPS with the local Wix platform mounted on the same origin, as the
// demo does: Chromium (Debian's, or CHROME_PATH) through Playwright, Firefox (Debian's firefox-esr, or FIREFOX_PATH)
// through Puppeteer over WebDriver BiDi, and WebKit (Debian's webkit2gtk-driver: WebKitWebDriver driving MiniBrowser,
// or WEBKIT_DRIVER_PATH / WEBKIT_BROWSER_PATH) through WebdriverIO, under Xvfb when there is no display.
// WTR_BROWSERS=chromium,firefox,webkit (the default) selects the engines; `WTR_BROWSERS=firefox npm run test:browser`
// runs one alone. Every engine gets the same locale (en-US), time zone (UTC) and viewport (800x600, the size
// web-test-runner gives Chromium and Firefox pages at every test file), and accepts the self-signed certificate. Run through tsx so this file can import the platform's TypeScript:
// `node --import tsx node_modules/@web/test-runner/dist/bin.js`.
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { playwrightLauncher } from '@web/test-runner-playwright';
import { puppeteerLauncher } from '@web/test-runner-puppeteer';
import { WebdriverLauncher } from '@web/test-runner-webdriver';
import { existsSync } from 'node:fs';
import { startWebKitDriver } from './test/engines/webkit-driver.mjs';
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

const ENGINES = ['chromium', 'firefox', 'webkit'];
const engines = (process.env.WTR_BROWSERS ?? ENGINES.join(','))
  .split(',')
  .map((name) => name.trim().toLowerCase())
  .filter(Boolean);
const unknown = engines.filter((name) => !ENGINES.includes(name));
if (unknown.length > 0 || engines.length === 0)
  throw new Error(`WTR_BROWSERS: expected a comma-separated subset of ${ENGINES.join(',')}, got "${process.env.WTR_BROWSERS}"`);

const LOCALE = 'en-US';
const TIME_ZONE = 'UTC';
const VIEWPORT = { width: 800, height: 600 };
process.env.TZ = TIME_ZONE; // Firefox and WebKit take the time zone from their environment.

const chromium = process.env.CHROME_PATH ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
const firefox = process.env.FIREFOX_PATH ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));

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

const config = {
  files: ['test/elements/**/*.test.ts', 'test/engines/**/*.test.ts', 'test/testing/browser/**/*.test.ts'],
  nodeResolve: true,
  http2: true,
  protocol: 'https:',
  sslKey: '.wix-local/tls/key.pem',
  sslCert: '.wix-local/tls/cert.pem',
  hostname: 'localhost',
  concurrency: 1,
  // One engine at a time: the platform (and its data) is shared, and the machine is small.
  concurrentBrowsers: 1,
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
  browsers: [],
  testFramework: { config: { timeout: 20_000 } },
};

if (engines.includes('chromium')) {
  config.browsers.push(
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
          `--lang=${LOCALE}`,
        ],
      },
      createBrowserContext: ({ browser }) => browser.newContext({ ignoreHTTPSErrors: true, locale: LOCALE, timezoneId: TIME_ZONE, viewport: VIEWPORT }),
    }),
  );
}

if (engines.includes('firefox')) {
  if (!firefox) throw new Error('WTR_BROWSERS includes firefox but no firefox-esr was found (apt-get install firefox-esr, or set FIREFOX_PATH)');
  config.browsers.push(
    puppeteerLauncher({
      launchOptions: {
        browser: 'firefox',
        protocol: 'webDriverBiDi',
        executablePath: firefox,
        headless: true,
        acceptInsecureCerts: true,
        defaultViewport: VIEWPORT,
        env: { ...process.env, TZ: TIME_ZONE, MOZ_CRASHREPORTER_DISABLE: '1' },
        extraPrefsFirefox: {
          'intl.locale.requested': LOCALE,
          'intl.accept_languages': LOCALE,
          'intl.regional_prefs.use_os_locales': false,
          'browser.shell.checkDefaultBrowser': false,
          'app.update.enabled': false,
          'datareporting.policy.dataSubmissionEnabled': false,
          'toolkit.telemetry.enabled': false,
          'network.captive-portal-service.enabled': false,
        },
      },
    }),
  );
}

/** WebdriverIO's launcher, plus the viewport: MiniBrowser opens at 1024x768 with its own window chrome around the page. */
class WebKitLauncher extends WebdriverLauncher {
  async createDriverManager() {
    const manager = await super.createDriverManager();
    const inner = () => this.driver.execute(() => [window.innerWidth, window.innerHeight]);
    await this.driver.setWindowSize(VIEWPORT.width, VIEWPORT.height);
    const [width, height] = await inner();
    await this.driver.setWindowSize(2 * VIEWPORT.width - width, 2 * VIEWPORT.height - height);
    return manager;
  }
}

if (engines.includes('webkit')) {
  // WebKitWebDriver is a WebDriver server; WebdriverIO connects to it. It and Xvfb are this process's children.
  const driver = await startWebKitDriver({ locale: LOCALE, timeZone: TIME_ZONE, viewport: VIEWPORT });
  config.browsers.push(
    new WebKitLauncher({
      hostname: '127.0.0.1',
      port: driver.port,
      path: '/',
      logLevel: 'error',
      capabilities: {
        browserName: 'MiniBrowser',
        acceptInsecureCerts: true,
        // WebKitWebDriver speaks classic WebDriver; WebdriverIO 9 would otherwise ask for a BiDi socket it lacks.
        'wdio:enforceWebDriverClassic': true,
        'webkitgtk:browserOptions': { binary: driver.browser, args: ['--automation'] },
      },
    }),
  );
}

export default config;
