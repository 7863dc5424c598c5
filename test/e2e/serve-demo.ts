/**
 * The demo as `npm run dev` serves it (same vite config, platform mounted), with Chromium, for end-to-end tests.
 * `startDemo({ chromium: false })` serves it alone, for a test that drives another engine (gallery-firefox.test.ts).
 */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright';
import { createServer, type ViteDevServer } from 'vite';

const CHROME = process.env['CHROME_PATH'] ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export interface DemoServer {
  baseUrl: string;
  browser: Browser;
  open(path?: string, viewport?: { width: number; height: number }): Promise<Page>;
  /** This run's control secret (the dev server takes it from WIX_LOCAL_CONTROL_SECRET). */
  controlSecret: string;
  /** Headers for a `/_platform/*` request: the secret and a JSON content type. */
  controlHeaders: Record<string, string>;
  /** The local Secrets Manager's values (to check that none reaches a page). */
  secrets(): Record<string, string>;
  close(): Promise<void>;
}

export async function startDemo(options: { chromium?: boolean } = {}): Promise<DemoServer> {
  // A scratch data directory: an e2e run never touches the developer's .wix-local database.
  const dataDir = mkdtempSync(join(tmpdir(), 'wix-e2e-'));
  process.env['WIX_LOCAL_DATA_DIR'] = dataDir;
  const controlSecret = randomBytes(24).toString('base64url');
  process.env['WIX_LOCAL_CONTROL_SECRET'] = controlSecret;
  const server: ViteDevServer = await createServer({ configFile: 'vite.config.ts', server: { port: 0, strictPort: false }, logLevel: 'silent' });
  await server.listen();
  const baseUrl = server.resolvedUrls!.local[0]!.replace(/\/$/, '');
  const browser =
    options.chromium === false ? (undefined as unknown as Browser) : await chromium.launch({ ...(CHROME ? { executablePath: CHROME } : {}), args: ARGS });
  return {
    baseUrl,
    browser,
    controlSecret,
    controlHeaders: { 'x-wix-local-control-secret': controlSecret, 'content-type': 'application/json' },
    async open(path = '/', viewport = { width: 1280, height: 1400 }) {
      const context = await browser.newContext({ ignoreHTTPSErrors: true, viewport });
      const page = await context.newPage();
      await page.goto(baseUrl + path);
      return page;
    },
    secrets: () => JSON.parse(readFileSync(join(dataDir, 'secrets.json'), 'utf8')) as Record<string, string>,
    async close() {
      await browser?.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * Fails when the page, or any same-origin frame in it, is wider than its viewport at `width` px (sideways scroll).
 * Measured after a frame, so a layout the resize started has landed.
 */
export async function assertNoSidewaysScroll(page: Page, width: number, what: string): Promise<void> {
  await page.setViewportSize({ width, height: 900 });
  const { scroll, client } = await page.evaluate(
    () =>
      new Promise<{ scroll: number; client: number }>((resolve) =>
        requestAnimationFrame(() => resolve({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth })),
      ),
  );
  // Nor does any frame (the Velo sections): their documents fit their width too.
  const frames = await page.evaluate(() =>
    [...document.querySelectorAll('iframe')].map((f) => ({
      src: f.getAttribute('src'),
      scroll: f.contentDocument?.documentElement.scrollWidth ?? 0,
      client: f.contentDocument?.documentElement.clientWidth ?? 0,
    })),
  );
  for (const f of frames) assert.ok(f.scroll <= f.client, `${what} at ${width} px ${f.src} is ${f.scroll} px in ${f.client} px`);
  assert.ok(scroll <= client, `${what} at ${width} px the page is ${scroll} px wide`);
}
