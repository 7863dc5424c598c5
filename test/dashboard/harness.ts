/**
 * The dashboard in Chromium: a standalone platform (the demo seed, in memory) as `npm run platform` serves it, the
 * dashboard at the root of its own origin (https://dashboard.localhost:<port>), and helpers to sign in and open a view. Shared by the Chromium tests, the screenshots
 * and bench/dashboard.ts.
 */
import { existsSync } from 'node:fs';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright';
import { DEMO_OWNER, demoPlatformOptions, withDemoExtras, type DemoPlatformOptions } from '../../demo/seed/index.ts';
import { startPlatform, type RunningPlatform } from '../../platform/index.ts';

const CHROME = process.env['CHROME_PATH'] ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
const ARGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'];

export interface DashboardHarness {
  platform: RunningPlatform;
  browser: Browser;
  /** A fresh browser context (its own cookies) on a page at `path`. */
  open(path?: string, options?: { width?: number; height?: number; bypassCSP?: boolean }): Promise<Page>;
  /** Opens the dashboard and signs in as the owner with the password form. */
  signIn(options?: { width?: number; height?: number; bypassCSP?: boolean; view?: string }): Promise<Page>;
  close(): Promise<void>;
}

export async function startDashboard(options: DemoPlatformOptions = {}): Promise<DashboardHarness> {
  const platform = withDemoExtras(
    await startPlatform(demoPlatformOptions({ db: ':memory:', seed: 'demo', onError: () => {}, dataDir: '.wix-local', ...options, port: 0 })),
  );
  const browser = await chromium.launch({ ...(CHROME ? { executablePath: CHROME } : {}), args: ARGS });
  const contexts: BrowserContext[] = [];
  const open: DashboardHarness['open'] = async (path = '/', o = {}) => {
    const context = await browser.newContext({
      ignoreHTTPSErrors: true,
      viewport: { width: o.width ?? 1280, height: o.height ?? 900 },
      ...(o.bypassCSP ? { bypassCSP: true } : {}),
    });
    contexts.push(context);
    const page = await context.newPage();
    await page.goto(platform.dashboardUrl + path);
    return page;
  };
  return {
    platform,
    browser,
    open,
    async signIn(o = {}) {
      const page = await open(`/${o.view ? `#${o.view}` : ''}`, o);
      await page.getByLabel('Email').fill(DEMO_OWNER.email);
      await page.getByLabel('Password', { exact: true }).fill(DEMO_OWNER.password);
      await page.getByRole('button', { name: 'Sign in' }).click();
      await page.getByRole('navigation', { name: 'Dashboard views' }).waitFor();
      return page;
    },
    async close() {
      for (const context of contexts) await context.close().catch(() => undefined);
      await browser.close();
      await platform.close();
    },
  };
}

/** Whether the page scrolls sideways (the document wider than the viewport). */
export function scrollsSideways(page: Page): Promise<boolean> {
  return page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth + 1);
}
