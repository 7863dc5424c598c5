/**
 * End to end: the demo page served by `vite` (the same config `npm run dev` uses), with the platform mounted,
 * driven by Playwright in Chromium. A visitor sees products; signing in reveals member notes; orders stay denied.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import { assertNoSidewaysScroll, startDemo, type DemoServer } from './serve-demo.ts';

let demo: DemoServer;
before(async () => {
  demo = await startDemo();
});
after(async () => {
  await demo?.close();
});

const openDemo = (): Promise<Page> => demo.open('/');

const itemsOf = (page: Page, id: string) => page.locator(`#${id}`).locator('[part="item"]');

describe('the demo page', () => {
  it('a visitor sees products, is denied member notes and admin orders with readable messages', async () => {
    const page = await openDemo();
    await assert.doesNotReject(itemsOf(page, 'catalogue').first().waitFor());
    assert.equal(await itemsOf(page, 'catalogue').count(), 6);
    await page.locator('#catalogue').getByText('Page 1 of 67 · 400 items').waitFor();
    await page.locator('#notes').getByText('Access denied').waitFor();
    await page.locator('#orders').getByText('Access denied').waitFor();
    await page.locator('#orders').getByText('You do not have permission to see this content.').waitFor();
    await page.locator('wix-member-gate[state="visitor"]').waitFor({ state: 'attached' });
    await page.getByText('Sign in to see your notes and connect your account.').waitFor();
    await page.context().close();
  });

  it('filters and pages the catalogue from the page controls', async () => {
    const page = await openDemo();
    await itemsOf(page, 'catalogue').first().waitFor();
    await page.getByRole('button', { name: 'Footwear', exact: true }).click();
    // The pager changes from the unfiltered 400 once the filtered page has painted.
    await page
      .locator('#catalogue')
      .getByText(/Page 1 of \d+ · (?!400 )\d+ items/)
      .waitFor();
    const texts = await itemsOf(page, 'catalogue').allTextContents();
    assert.ok(texts.length > 0);
    assert.ok(
      texts.every((t) => t.includes('Footwear')),
      'every row is footwear',
    );
    await page.locator('#catalogue').getByRole('button', { name: 'Next' }).click();
    await page
      .locator('#catalogue')
      .getByText(/Page 2 of/)
      .waitFor();
    await page.context().close();
  });

  it('signing in as the demo member reveals their notes; orders stay denied; signing out hides them again', async () => {
    const page = await openDemo();
    await itemsOf(page, 'catalogue').first().waitFor();
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as member@example.com').waitFor();
    await itemsOf(page, 'notes').first().waitFor();
    await page.locator('wix-member-gate[state="member"]').waitFor({ state: 'attached' });
    await page.getByText('Welcome back! Your notes are below.').waitFor();
    assert.equal(await page.getByText('Sign in to see your notes and connect your account.').isVisible(), false);
    await page
      .locator('#notes')
      .getByText(/Page 1 of \d+ · 23 items/)
      .waitFor();
    await page.locator('#orders').getByText('Access denied').waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('Browsing as a visitor').waitFor();
    await page.locator('#notes').getByText('Access denied').waitFor();
    await page.context().close();
  });

  it('selecting an item with the keyboard shows it, and the request log never shows a token', async () => {
    const page = await openDemo();
    await itemsOf(page, 'catalogue').first().waitFor();
    await itemsOf(page, 'catalogue').nth(1).focus();
    await page.keyboard.press('Enter');
    await page
      .locator('#selected')
      .getByText(/\(prod-\d+\)/)
      .waitFor();
    await page.locator('#log tbody tr').first().waitFor();
    const logText = await page.locator('#log').textContent();
    assert.match(logText ?? '', /oauth2\/token/);
    assert.doesNotMatch(logText ?? '', /OauthNG|JWS\.|eyJ/);
    await page.context().close();
  });

  it("with Wix's quota switched on, the catalogue says it is throttled (WDE0014) and recovers once faults are cleared", async () => {
    const page = await openDemo();
    await itemsOf(page, 'catalogue').first().waitFor();
    await page.getByRole('button', { name: 'Wix quota: 5 reads a minute' }).click();
    try {
      // Each chip is one query; the sixth read within the minute is over the quota.
      for (const name of ['Tents', 'Footwear', 'Tents', 'Footwear', 'Tents', 'Footwear']) {
        await page.getByRole('button', { name, exact: true }).click();
      }
      await page.locator('#catalogue').getByText('Too many requests. Try again in a moment.').waitFor();
      await page.locator('#log td', { hasText: '429' }).first().waitFor();
    } finally {
      await page.getByRole('button', { name: 'Clear faults' }).click();
    }
    await page.getByRole('button', { name: 'All', exact: true }).click();
    await page.locator('#catalogue').getByText('Page 1 of 67 · 400 items').waitFor();
    await page.context().close();
  });

  it('a member likes a product once (a patch increment behind a web method); a visitor is asked to sign in', async () => {
    const page = await openDemo();
    await itemsOf(page, 'catalogue').first().waitFor();
    await itemsOf(page, 'catalogue').nth(2).click();
    const status = page.locator('#like-status');
    await status.getByText(/^\d+ likes?$/).waitFor();
    await page.getByRole('button', { name: 'Like', exact: true }).click();
    await status.getByText('Sign in as a member to like products.').waitFor();

    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as member@example.com').waitFor();
    await itemsOf(page, 'catalogue').nth(2).click();
    const before = Number(/^(\d+)/.exec((await status.getByText(/^\d+ likes?$/).textContent()) ?? '')?.[1]);
    await page.getByRole('button', { name: 'Like', exact: true }).click();
    await status.getByText(`Liked · ${before + 1} ${before + 1 === 1 ? 'like' : 'likes'}`).waitFor();
    await page.getByRole('button', { name: 'Like', exact: true }).click();
    await status.getByText(`You already like this · ${before + 1} ${before + 1 === 1 ? 'like' : 'likes'}`).waitFor();
    await page.context().close();
  });

  it('an expired access token is renewed once, and the list keeps working', async () => {
    const page = await openDemo();
    await itemsOf(page, 'catalogue').first().waitFor();
    await page.getByRole('button', { name: 'Expire access tokens' }).click();
    await page.getByRole('button', { name: 'Tents', exact: true }).click();
    await page
      .locator('#catalogue')
      .getByText(/Page 1 of \d+ · (?!400 )\d+ items/)
      .waitFor();
    const texts = await itemsOf(page, 'catalogue').allTextContents();
    assert.ok(texts.every((t) => t.includes('Tents')));
    await page.locator('#log').getByText('token renewed').waitFor();
    await page.context().close();
  });
});

describe('the demo host (issue 16)', () => {
  const SESSION_COOKIE = '__Host-wix-demo-session';
  const keptSession = async (page: Page) => (await page.context().cookies()).find((c) => c.name === SESSION_COOKIE);
  async function signInMember(page: Page) {
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as member@example.com').waitFor();
  }

  it('a signed-in member stays signed in across reloads (the server keeps the session; the browser only an HttpOnly cookie naming it, never a token); signing out forgets it', async () => {
    const page = await openDemo();
    await itemsOf(page, 'catalogue').first().waitFor();
    assert.equal(await keptSession(page), undefined, 'a visitor keeps nothing');
    await signInMember(page);
    await itemsOf(page, 'notes').first().waitFor();
    const kept = await keptSession(page);
    assert.ok(kept, 'the member session is kept');
    assert.equal(kept.secure, true);
    assert.equal(kept.httpOnly, true, 'script cannot read the session cookie');
    assert.equal(kept.sameSite, 'Strict');
    assert.match(kept.value, /^[A-Za-z0-9_-]{43}$/, 'the cookie names the session; it holds no token');
    assert.equal(await page.evaluate(() => document.cookie), '', 'no cookie is visible to script');

    await page.reload();
    await page.getByText('Signed in as member@example.com').waitFor();
    await itemsOf(page, 'notes').first().waitFor();
    await page.getByText('Welcome back! Your notes are below.').waitFor();
    assert.equal(await page.locator('#login').isVisible(), false, 'no sign-in form for a signed-in member');
    assert.ok(await keptSession(page), 'the session is still kept (rewritten whenever the platform rotates the refresh token)');
    const storage = await page.evaluate(() => JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage }));
    assert.doesNotMatch(storage, /OauthNG|JWS\.|eyJ/, 'no token in web storage');

    // A second reload works with the rotated token (the first one is spent: reuse would revoke the family).
    await page.reload();
    await page.getByText('Signed in as member@example.com').waitFor();
    await itemsOf(page, 'notes').first().waitFor();

    await page.getByRole('button', { name: 'Sign out' }).click();
    await page.getByText('Browsing as a visitor').waitFor();
    // The page shows the visitor only once the server has forgotten the session, after any keep still on its way.
    assert.equal(await keptSession(page), undefined, 'signing out forgets the session');
    await page.reload();
    await page.getByText('Browsing as a visitor').waitFor();
    await page.locator('#notes').getByText('Access denied').waitFor();
    await page.context().close();
  });

  it('a session cookie the server does not know (forged or expired) leaves a visitor, and is forgotten', async () => {
    const page = await openDemo();
    await itemsOf(page, 'catalogue').first().waitFor();
    for (const value of ['A'.repeat(43), '%E0%A4%A', '__proto__', `JWS.${'x'.repeat(3000)}`]) {
      await page.context().addCookies([{ name: SESSION_COOKIE, value, url: `${demo.baseUrl}/`, secure: true, httpOnly: true, sameSite: 'Strict' }]);
      await page.reload();
      await page.getByText('Browsing as a visitor').waitFor();
      await itemsOf(page, 'catalogue').first().waitFor();
      await page.locator('#notes').getByText('Access denied').waitFor();
      assert.equal(await page.locator('#login').isVisible(), true);
    }
    assert.equal(await keptSession(page), undefined, 'the refused session was forgotten');
    await page.context().close();
  });

  it('every matching fault applies ("Next query: 429" fires while latency is on), and the buttons show what is active', async () => {
    const page = await openDemo();
    await itemsOf(page, 'catalogue').first().waitFor();
    const button = (name: string) => page.getByRole('button', { name, exact: true });
    const status = page.locator('#fault-status');
    await status.getByText('No fault is active.').waitFor();
    try {
      await button('400 ms latency').click();
      await page.locator('[data-fault="latency"][aria-pressed="true"]').waitFor();
      await status.getByText(/400 ms latency/).waitFor();
      await button('Next query: 429').click();
      await page.locator('[data-fault="429"][aria-pressed="true"]').waitFor();
      await status.getByText(/400 ms latency on every data call; the next query answers 429/).waitFor();

      await button('Tents').click();
      await page.locator('#catalogue').getByText('Too many requests. Try again in a moment.').waitFor();
      await page.locator('#log td', { hasText: '429' }).first().waitFor();
      // The 429 wore out; the latency goes on, and the buttons say so.
      await page.locator('[data-fault="429"][aria-pressed="false"]').waitFor();
      assert.equal(await page.locator('[data-fault="latency"]').getAttribute('aria-pressed'), 'true');
      await button('Footwear').click();
      await page
        .locator('#catalogue')
        .getByText(/Page 1 of \d+ · (?!400 )\d+ items/)
        .waitFor();
      await page.locator('#log td', { hasText: 'latency 400ms' }).first().waitFor();

      await button('400 ms latency').click(); // a toggle: off again
      await page.locator('[data-fault="latency"][aria-pressed="false"]').waitFor();
      await status.getByText('No fault is active.').waitFor();
    } finally {
      await button('Clear faults').click();
    }
    await page.context().close();
  });

  it('no page scrolls sideways at any width from 360 px up, signed out or in; a cut log cell keeps its full text as a title', async () => {
    const page = await demo.open('/', { width: 1280, height: 900 });
    await itemsOf(page, 'catalogue').first().waitFor();
    await page.locator('#log tbody tr').nth(3).waitFor();
    for (const signedIn of [false, true]) {
      if (signedIn) {
        await signInMember(page);
        await itemsOf(page, 'notes').first().waitFor();
        await page.locator('#log tbody tr td', { hasText: 'member' }).first().waitFor();
      }
      for (const width of [360, 390, 414, 600, 768, 900, 1024, 1280, 1440]) {
        await assertNoSidewaysScroll(page, width, signedIn ? 'signed in' : 'signed out');
      }
    }
    const cut = await page
      .locator('#log td')
      .evaluateAll((cells) => cells.filter((c) => c.scrollWidth > c.clientWidth).map((c) => ({ text: c.textContent, title: c.getAttribute('title') })));
    for (const c of cut) assert.equal(c.title, c.text, 'a cut cell can be read in full');
    await page.context().close();
  });
});

describe('the control routes under the dev server (issue 10, finding 4)', () => {
  it('the demo page gets the secret in its own HTML; no other origin can read the page or use /_platform/*', async () => {
    const page = await openDemo();
    assert.equal(await page.locator('meta[name="wix-local-control-secret"]').getAttribute('content'), demo.controlSecret);
    await itemsOf(page, 'catalogue').first().waitFor();
    // Another local origin (a second dev server on localhost) and a cross-site one.
    for (const origin of ['https://localhost:1', 'https://evil.example']) {
      const html = await page.request.get(`${demo.baseUrl}/`, { headers: { origin } });
      assert.equal(html.headers()['access-control-allow-origin'], undefined, `the demo HTML is readable from ${origin}`);
      const preflight = await page.request.fetch(`${demo.baseUrl}/_platform/faults`, {
        method: 'OPTIONS',
        headers: { origin, 'access-control-request-method': 'POST', 'access-control-request-headers': 'content-type, x-wix-local-control-secret' },
      });
      assert.ok(!Object.keys(preflight.headers()).some((h) => h.startsWith('access-control-allow')), `a preflight from ${origin} was allowed`);
      const noSecret = await page.request.post(`${demo.baseUrl}/_platform/clock`, {
        headers: { origin, 'content-type': 'text/plain' },
        data: '{"advanceMs":86400000}',
      });
      assert.equal(noSecret.status(), 401);
    }
    const withSecret = await page.request.get(`${demo.baseUrl}/_platform/faults`, { headers: demo.controlHeaders });
    assert.equal(withSecret.status(), 200);
    await page.context().close();
  });
});

describe('the Velo site section (no token: page code, the bridge, web methods)', () => {
  async function signIn(page: Page, email: string, password: string) {
    await page.fill('input[name=email]', email);
    await page.fill('input[name=password]', password);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText(`Signed in as ${email}`).waitFor();
  }

  it('a visitor gets products through the bridge, and clear denials from Admin and member web methods', async () => {
    const page = await openDemo();
    const velo = page.frameLocator('#velo-site');
    await velo.locator('#productList [part="item"]').first().waitFor();
    assert.equal(await velo.locator('#productList [part="item"]').count(), 4);
    await velo.locator('#adminOrders').getByText('Access denied').waitFor();
    await velo.getByRole('button', { name: 'Show my orders' }).click();
    await velo.locator('#mineResult').getByText('Denied: Sign in as a site member to do this.').waitFor();
    // Denials name no backend file or method ("data-admin.web/updateOrderStatus"): those are for the developer.
    const shown = (await velo.locator('[role=status], [role=alert]').allInnerTexts()).join('\n');
    assert.match(shown, /Denied: Sign in as a site member to do this\./);
    assert.doesNotMatch(shown, /\.web\/|data-admin|requires the \w+ permission/);
    await velo.getByRole('button', { name: 'Count products' }).click();
    await velo
      .locator('#counts')
      .getByText(/Tents: \d+/)
      .waitFor();
    // No token or secret is anywhere in the Velo frame's DOM.
    const html = await velo.locator('html').evaluate((root) => {
      const all = [root.outerHTML];
      for (const el of root.querySelectorAll('*')) if (el.shadowRoot) all.push(el.shadowRoot.innerHTML);
      return all.join('\n');
    });
    assert.doesNotMatch(html, /OauthNG|IST\.|JWS\.|eyJ[\w-]+\./);
    // Nor is any value of the local Secrets Manager, in either frame.
    const secrets = Object.values(demo.secrets());
    const topHtml = await page.evaluate(() => document.documentElement.outerHTML);
    for (const secret of secrets) assert.ok(!html.includes(secret) && !topHtml.includes(secret), 'a secret reached the DOM');
    await page.context().close();
  });

  it('the member sees their own orders from the SiteMember web method', async () => {
    const page = await openDemo();
    await signIn(page, 'member@example.com', 'demo-member-pass');
    const velo = page.frameLocator('#velo-site');
    await velo.locator('#productList [part="item"]').first().waitFor();
    await velo.getByRole('button', { name: 'Show my orders' }).click();
    await velo.locator('#mineResult').getByText('5 orders.').waitFor();
    assert.equal(await velo.locator('#mine li').count(), 5);
    await velo.locator('#adminOrders').getByText('Access denied').waitFor();
    await page.context().close();
  });

  it('the site owner sees the orders through the bridge and updates one with an Admin web method', async () => {
    const page = await openDemo();
    await signIn(page, 'owner@example.com', 'demo-owner-pass');
    const velo = page.frameLocator('#velo-site');
    await velo.locator('#adminOrders [part="item"]').first().waitFor();
    const row = velo.locator('#adminOrders [part="item"]').nth(1);
    const status = (await row.textContent())?.includes('DELIVERED') ? 'REFUNDED' : 'DELIVERED';
    await row.click();
    await velo.locator('#newStatus').selectOption(status);
    await velo.getByRole('button', { name: 'Update the selected order' }).click();
    await velo
      .locator('#adminResult')
      .getByText(new RegExp(`^Order \\d+ is now ${status}\\.$`))
      .waitFor();
    // The list shows the new status too (it was stale before: the row kept the old one).
    await velo.locator('#adminOrders [part="item"]').nth(1).filter({ hasText: status }).waitFor();
    await page.context().close();
  });
});

describe('OAuth: connecting a member account', () => {
  async function signInMember(page: Page) {
    await page.fill('input[name=email]', 'member@example.com');
    await page.fill('input[name=password]', 'demo-member-pass');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByText('Signed in as member@example.com').waitFor();
  }
  const connectBox = (page: Page) => page.locator('#oauth');

  async function connectThroughPopup(page: Page) {
    const [popup] = await Promise.all([
      page.waitForEvent('popup'),
      connectBox(page)
        .getByRole('button', { name: /^Connect/ })
        .click(),
    ]);
    await popup.getByText('Northwind Insights').first().waitFor();
    if (await popup.locator('input[name=password]').count()) {
      await popup.fill('input[name=email]', 'member@example.com');
      await popup.fill('input[name=password]', 'demo-member-pass');
    }
    // Listen before clicking: the callback page closes itself as soon as it loads, which can be before click() returns.
    const closed = popup.waitForEvent('close');
    await popup.getByRole('button', { name: 'Allow' }).click();
    await closed;
    await connectBox(page).getByText('Connected to Northwind HQ').waitFor();
  }

  it('connect with consent, a data call, expiry then refresh, revoke, then the revoked state', async () => {
    const page = await openDemo();
    // Everything the page and its popups print, to check that no secret or token is ever logged in the browser.
    const consoleLines: string[] = [];
    page.context().on('console', (message) => consoleLines.push(message.text()));
    await signInMember(page);
    await connectBox(page).getByText('No Wix site connected').waitFor();
    await connectThroughPopup(page);
    // The preview is a data call the backend makes with the member's grant (Bearer + wix-site-id).
    await connectBox(page).locator('[part="preview-item"]').first().waitFor();
    assert.equal(await connectBox(page).locator('[part="preview-item"]').count(), 3);

    // Move the platform clock past the 900 s access-token lifetime; the next data call refreshes once.
    const control = { headers: demo.controlHeaders };
    const since =
      ((await (await page.request.get(`${demo.baseUrl}/_platform/requests`, control)).json()) as { requests: { seq: number }[] }).requests.at(-1)?.seq ?? 0;
    await page.request.post(`${demo.baseUrl}/_platform/clock`, { ...control, data: { advanceMs: 901_000 } });
    await page.reload();
    await page.getByText('Signed in as member@example.com').waitFor(); // the member stays signed in across a reload
    await connectBox(page).locator('[part="preview-item"]').first().waitFor();
    const after = (
      (await (await page.request.get(`${demo.baseUrl}/_platform/requests?since=${since}`, control)).json()) as {
        requests: { path: string; grant?: string; role: string }[];
      }
    ).requests;
    assert.ok(
      after.some((e) => e.path === '/oauth2/token' && e.grant === 'refresh_token'),
      'the backend refreshed the access token',
    );

    // Revoke from the platform's Connected apps page (as the member would on Wix).
    const manage = await page.context().newPage();
    await manage.goto(`${demo.baseUrl}/oauth2/connected-apps`);
    if (await manage.locator('input[name=password]').count()) {
      await manage.fill('input[name=email]', 'member@example.com');
      await manage.fill('input[name=password]', 'demo-member-pass');
      await manage.getByRole('button', { name: 'Sign in' }).click();
    }
    await manage.getByRole('button', { name: 'Revoke' }).click();
    await manage.getByText('No app is connected.').waitFor();
    await manage.close();
    await page.request.post(`${demo.baseUrl}/_platform/clock`, { ...control, data: { advanceMs: 901_000 } });
    await page.reload();
    await page.getByText('Signed in as member@example.com').waitFor(); // the member stays signed in across a reload
    // The backend finds the grant revoked when it next refreshes, and says so.
    await connectBox(page)
      .getByText(/revoked/i)
      .first()
      .waitFor();
    await page.request.delete(`${demo.baseUrl}/_platform/clock`, { ...control, data: {} });

    // Connect again, then disconnect from the element: back to "No Wix site connected".
    await page.reload();
    await page.getByText('Signed in as member@example.com').waitFor(); // the member stays signed in across a reload
    await connectThroughPopup(page);
    await connectBox(page).getByRole('button', { name: 'Disconnect' }).click();
    await connectBox(page).getByText('No Wix site connected').waitFor();
    // No token or client secret in the page.
    const html = await page.evaluate(() => {
      const all = [document.documentElement.outerHTML];
      for (const el of document.querySelectorAll('*')) if (el.shadowRoot) all.push(el.shadowRoot.innerHTML);
      return all.join('\n') + JSON.stringify({ ...localStorage }) + JSON.stringify({ ...sessionStorage });
    });
    const secrets = demo.secrets();
    assert.ok(!html.includes(secrets['OAUTH_CLIENT_SECRET']!), 'the client secret is not in the page');
    assert.doesNotMatch(html, /OauthNG\.RT\.|OauthNG\.JWS\./);
    const printed = consoleLines.join('\n');
    assert.ok(!printed.includes(secrets['OAUTH_CLIENT_SECRET']!), 'the client secret is not in the console');
    assert.doesNotMatch(printed, /OauthNG\.RT\.|OauthNG\.JWS\./, 'no token in the console');
    await page.context().close();
  });
});
