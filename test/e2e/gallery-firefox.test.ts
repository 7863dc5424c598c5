/**
 * One end-to-end pass of the element gallery in Firefox (issue 16). Playwright's Firefox is a patched build that
 * cannot be downloaded here, so this drives Debian's firefox-esr with Puppeteer over WebDriver BiDi, as the browser
 * tests do (web-test-runner.config.mjs). The demo's own end-to-end tests stay on Chromium.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { after, before, describe, it } from 'node:test';
import puppeteer, { type Browser, type Frame, type Page } from 'puppeteer';
import { startDemo, type DemoServer } from './serve-demo.ts';

const FIREFOX = process.env['FIREFOX_PATH'] ?? ['/usr/bin/firefox-esr', '/usr/bin/firefox'].find((p) => existsSync(p));

let demo: DemoServer;
let firefox: Browser;
before(async () => {
  if (!FIREFOX) throw new Error('firefox-esr is not installed (apt-get install firefox-esr, or set FIREFOX_PATH): .ci/run installs it');
  demo = await startDemo({ chromium: false });
  firefox = await puppeteer.launch({
    browser: 'firefox',
    protocol: 'webDriverBiDi',
    executablePath: FIREFOX,
    headless: true,
    acceptInsecureCerts: true,
    extraPrefsFirefox: { 'intl.locale.requested': 'en-US', 'intl.accept_languages': 'en-US' },
  });
});
after(async () => {
  await firefox?.close();
  await demo?.close();
});

/** Text of an element and of its shadow root, in a page or a frame. */
const shadowText = (where: Page | Frame, selector: string) =>
  where.evaluate((sel) => {
    const el = document.querySelector(sel);
    return `${el?.textContent ?? ''} ${el?.shadowRoot?.textContent ?? ''}`;
  }, selector);

async function waitForText(where: Page | Frame, selector: string, text: string | RegExp, timeout = 20_000): Promise<void> {
  const deadline = Date.now() + timeout;
  let last = '';
  while (Date.now() < deadline) {
    last = await shadowText(where, selector).catch(() => '');
    if (typeof text === 'string' ? last.includes(text) : text.test(last)) return;
    await new Promise((r) => setTimeout(r, 150));
  }
  assert.fail(`${selector} never showed ${String(text)}; it shows: ${last.replace(/\s+/g, ' ').slice(0, 300)}`);
}

async function veloFrame(page: Page, specimen: string): Promise<Frame> {
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    const frame = page.frames().find((f) => f.url().includes(`specimen=${specimen}`));
    if (frame && (await frame.evaluate(() => document.readyState === 'complete').catch(() => false))) return frame;
    await new Promise((r) => setTimeout(r, 150));
  }
  throw new Error(`no Velo frame for ${specimen}`);
}

const pageWidth = (page: Page) => page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));

describe('the element gallery in Firefox (firefox-esr over WebDriver BiDi)', () => {
  it('every element works in both hosts, sign-in follows and survives a reload, nothing scrolls sideways, the dark theme reaches the frames', async () => {
    const context = await firefox.createBrowserContext();
    const page = await context.newPage();
    await page.setViewport({ width: 1280, height: 900 });
    const errors: string[] = [];
    page.on('pageerror', (error) => errors.push(String(error)));
    await page.goto(`${demo.baseUrl}/gallery/`);
    assert.equal(await page.evaluate(() => navigator.userAgent.includes('Firefox')), true);

    // Every element is defined and on the page, in the site-widget column and in its Velo frame.
    // Polled: on a fresh clone the dev server transforms every module on first request, and Firefox's `load` can come
    // before the gallery's module graph (which has top-level await) has finished defining the elements.
    for (const tag of ['wix-data-table', 'wix-data-list', 'wix-data-form', 'wix-member-gate', 'wix-backend-action', 'wix-oauth-connect']) {
      const shown = await page
        .waitForFunction((t) => !!customElements.get(t) && !!document.querySelector(t), { timeout: 30_000 }, tag)
        .then(
          () => true,
          () => false,
        );
      assert.equal(shown, true, `${tag} in the gallery`);
    }
    await waitForText(page, '#table-widget', '400 items');
    const table = await veloFrame(page, 'table');
    await waitForText(table, '#specimen', '400 items');
    await waitForText(page, '#list-widget', /Page 1 of \d+/);
    await waitForText(await veloFrame(page, 'list'), '#specimen', /Page 1 of \d+/);

    // A server-side search in the widget table.
    await page.locator('#table-widget >>> [part=search]').fill('lantern');
    await waitForText(page, '#table-widget', /\b(?!400 )\d+ items?\b/);

    // The action runs in both hosts.
    await page.locator('#action-widget >>> button').click();
    await waitForText(page, '#action-widget', 'Counted.');
    const action = await veloFrame(page, 'action');
    await action.locator('#specimen >>> button').click();
    await waitForText(action, '#specimen', 'Counted.');

    // Sign in: the gate follows in both hosts, and the OAuth card offers to connect.
    await page.locator('#login button[type=submit]').click();
    await waitForText(page, '#identity', 'Signed in as member@example.com');
    await page.waitForSelector('#gate-widget[state=member]');
    await (await veloFrame(page, 'gate')).waitForSelector('#specimen[state=member]');
    await waitForText(page, '#oauth-widget', 'No Wix site connected');

    // The member stays signed in across a reload.
    await page.reload();
    await waitForText(page, '#identity', 'Signed in as member@example.com');
    await page.waitForSelector('#gate-widget[state=member]');

    // No sideways scroll, from 360 px up.
    for (const width of [360, 390, 768, 1280]) {
      await page.setViewport({ width, height: 900 });
      await new Promise((r) => setTimeout(r, 200));
      const { scroll, client } = await pageWidth(page);
      assert.ok(scroll <= client, `at ${width} px the gallery is ${scroll} px wide in Firefox`);
    }

    // Dark theme: the frames follow.
    await page.locator('#dark').click();
    const backgrounds = await page.evaluate(() =>
      [...document.querySelectorAll('iframe')].map((f) => getComputedStyle(f.contentDocument!.body).backgroundColor),
    );
    assert.deepEqual(new Set(backgrounds), new Set(['rgb(21, 25, 31)']));

    assert.deepEqual(errors, [], 'no uncaught error in the page');
    await context.close();
  });
});
