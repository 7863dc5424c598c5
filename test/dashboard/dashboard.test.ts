/**
 * The dashboard in Chromium (issue 17, "Done when"): browse and edit an item (and a member's edit refused by the
 * Data API, shown), create / rotate / revoke an API key and see the old key refused after the grace period, revoke
 * an OAuth grant, see a spike flagged after a burst, the dashboard (on its own origin) refused from other origins, every view at 1280
 * and 390 px without horizontal scrolling, and axe on every view.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { APIRequestContext, Page } from 'playwright';
import { DEMO_MEMBER } from '../../demo/seed/index.ts';
import { SESSION_COOKIE } from '../../platform/index.ts';
import { scrollsSideways, startDashboard, type DashboardHarness } from './harness.ts';

const VIEWS = ['data', 'members', 'keys', 'apps', 'secrets', 'usage', 'requests', 'faults'] as const;
const AXE = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

/**
 * A page that tries everything against the dashboard named in its `?dashboard=` parameter: framing it, reading its
 * API with the session cookie, a simple POST that needs no preflight, and the dashboard API on its own origin.
 */
const ATTACK_PAGE = `<!doctype html><html lang="en"><title>evil</title><body><script>
const dashboard = new URLSearchParams(location.search).get('dashboard');
const said = (key, value) => { document.body.dataset[key] = value; };
const frame = Object.assign(document.createElement('iframe'), { title: 'framed', src: dashboard + '/' });
const link = Object.assign(document.createElement('a'), { id: 'link', href: dashboard + '/', textContent: 'open' });
document.body.append(frame, link);
fetch(dashboard + '/_dashboard/api/keys', { credentials: 'include', headers: { 'x-wix-local-dashboard': '1' } })
  .then((r) => r.text()).then((t) => said('cross', 'read:' + t.slice(0, 40)), (e) => said('cross', 'blocked:' + e.name));
fetch('/_dashboard/api/keys', { credentials: 'include', headers: { 'x-wix-local-dashboard': '1' } })
  .then((r) => said('own', String(r.status)), (e) => said('own', 'blocked:' + e.name));
fetch(dashboard + '/_dashboard/api/keys', { method: 'POST', mode: 'no-cors', credentials: 'include', headers: { 'content-type': 'text/plain' },
  body: JSON.stringify({ name: 'csrf-from-evil', permissions: ['WIX_DATA.READ_ITEMS'] }) }).catch(() => undefined);
</script></body></html>`;

let h: DashboardHarness;
let backend: string;
before(async () => {
  // A site backend with one HTTP function: it serves ATTACK_PAGE from the site's own origin.
  backend = mkdtempSync(join(tmpdir(), 'dashboard-backend-'));
  writeFileSync(
    join(backend, 'http-functions.js'),
    `import { response } from 'wix-http-functions';
export const get_attack = () => response({ status: 200, body: ${JSON.stringify(ATTACK_PAGE)}, headers: { 'content-type': 'text/html; charset=utf-8' } });
`,
  );
  h = await startDashboard({ velo: { backendDir: backend } });
});
after(async () => {
  await h?.close();
  rmSync(backend, { recursive: true, force: true });
});

async function query(request: APIRequestContext, key: string, userAgent = 'dashboard-test') {
  const answer = await request.post(`${h.platform.url}/_api/cloud-data/v2/items/query`, {
    headers: { authorization: key, 'wix-site-id': h.platform.siteId, 'user-agent': userAgent },
    data: { dataCollectionId: 'Products', query: { paging: { limit: 1 } } },
  });
  return answer.status();
}

async function goTo(page: Page, view: string) {
  await page
    .getByRole('navigation', { name: 'Dashboard views' })
    .getByRole('link', { name: new RegExp(`^${view}$`, 'i') })
    .click();
}

describe('the dashboard in Chromium', () => {
  it('browses and edits an item through the Data API; a member’s edit is refused and the refusal is shown', async () => {
    const page = await h.signIn();
    await page.getByRole('button', { name: /^Browse Product catalogue/ }).click();
    await page.getByText('1–25 of 400 items').waitFor();
    // Sort by price (server-side, the query contract's sort) and filter by category.
    await page.getByRole('button', { name: /^Price/ }).click();
    await page.locator('th[aria-sort=ascending]').waitFor();
    const prices = (await page.locator('tbody tr[data-item] td:nth-child(5)').allTextContents()).map(Number);
    assert.deepEqual(
      prices,
      [...prices].sort((a, b) => a - b),
    );
    const form = page.getByRole('form', { name: 'Filter' });
    await form.getByLabel('Field').selectOption('category');
    await form.getByLabel('Value').fill('Tents');
    await form.getByRole('button', { name: 'Filter' }).click();
    await page.getByText(/1–\d+ of (?!400 )\d+ items/).waitFor();
    const categories = await page.locator('tbody tr[data-item] td:nth-child(3)').allTextContents();
    assert.ok(categories.length > 0 && categories.every((c) => c === 'Tents'), categories.join());
    await page.getByRole('button', { name: 'Next' }).isDisabled();

    const row = page.locator('tbody tr[data-item]').first();
    const id = (await row.getAttribute('data-item'))!;
    const before = h.platform.services.items.get({ kind: 'owner', id: h.platform.owner.id }, 'Products', id).data;
    await row.getByRole('button', { name: /^Edit/ }).click();
    const edit = page.getByRole('form', { name: 'Edit item' });
    await edit.getByLabel('Title (TEXT)').fill('Edited in the dashboard');
    await edit.getByLabel('Price (NUMBER)').fill('123.45');
    await edit.getByLabel('In stock (BOOLEAN)').setChecked(false);
    await edit.getByRole('button', { name: 'Save' }).click();
    await page.getByText(`Saved ${id}.`).waitFor();
    const { data } = h.platform.services.items.get({ kind: 'owner', id: h.platform.owner.id }, 'Products', id);
    assert.equal(data['title'], 'Edited in the dashboard');
    assert.equal(data['price'], 123.45);
    assert.equal(data['inStock'], false);
    // Untouched fields are not rewritten through their inputs: the date keeps its milliseconds, the tags their order.
    assert.deepEqual(data['releaseDate'], before['releaseDate']);
    assert.deepEqual(data['tags'], before['tags']);

    // As a member: Products is readable by anyone but only the admin updates it: the Data API refuses, shown as such.
    await page.getByLabel('Act as').selectOption({ label: `Member ${DEMO_MEMBER.email}` });
    await page.locator('tbody tr[data-item]').first().waitFor();
    await page.locator('tbody tr[data-item]').first().getByRole('button', { name: /^Edit/ }).click();
    await page.getByRole('form', { name: 'Edit item' }).getByLabel('Title (TEXT)').fill('A member tries');
    await page.getByRole('form', { name: 'Edit item' }).getByRole('button', { name: 'Save' }).click();
    const refusal = page.getByRole('alert').filter({ hasText: 'The Data API refused the change' });
    await refusal.waitFor();
    assert.match((await refusal.textContent())!, /permission|denied|not allowed/i);
    await page.context().close();
  });

  it('keeps browsing after its act-as token expires (4 h on the platform clock): a fresh token, no error, no reload', async () => {
    const page = await h.signIn();
    await page.getByRole('button', { name: /^Browse Product catalogue/ }).click();
    await page.getByText('1–25 of 400 items').waitFor();
    h.platform.services.clock.advance(5 * 60 * 60 * 1000);
    try {
      await page.getByRole('button', { name: 'Next' }).click();
      await page.getByText('26–50 of 400 items').waitFor();
      assert.equal(await page.getByRole('alert').count(), 0, 'no error shown');
    } finally {
      h.platform.services.clock.reset();
    }
    await page.context().close();
  });

  it('creates a key (shown once), rotates it (the old key works until the grace period ends, then is refused) and revokes it', async () => {
    const page = await h.signIn({ view: 'keys' });
    const create = page.getByRole('form', { name: 'Create an API key' });
    await create.getByLabel('Name').fill('Chromium key');
    await create.getByLabel('WIX_DATA.READ_ITEMS').check();
    await create.getByRole('button', { name: 'Create key' }).click();
    const shown = page.locator('[data-new-key]');
    await shown.waitFor();
    const first = (await shown.textContent())!.trim();
    assert.match(first, /^IST\./);
    assert.equal(await query(page.request, first), 200);

    const row = page.locator('tr', { hasText: 'Chromium key' });
    await row.getByLabel('Grace (s)').fill('60');
    await row.getByRole('button', { name: 'Rotate' }).click();
    await page.getByText(/The old key works until/).waitFor();
    const second = (await page.locator('[data-new-key]').textContent())!.trim();
    assert.notEqual(second, first);
    assert.equal(await query(page.request, second), 200);
    assert.equal(await query(page.request, first), 200, 'the old key works during the grace period');
    await page.locator('tr', { hasText: 'Chromium key' }).filter({ hasText: 'retiring' }).waitFor();

    h.platform.advanceClock(61_000);
    assert.equal(await query(page.request, first), 401, 'refused once the grace period is over');
    assert.equal(await query(page.request, second), 200);
    await page.reload();
    await page.locator('tr', { hasText: 'Chromium key' }).first().waitFor();
    assert.equal(await page.locator('tr', { hasText: 'Chromium key' }).count(), 1, 'the retired key is gone from the list');
    const usage = await page.locator('tr', { hasText: 'Chromium key' }).locator('td').nth(2).textContent();
    assert.ok(Number.parseInt(usage!, 10) >= 1, `usage ${usage}`);

    await page.locator('tr', { hasText: 'Chromium key' }).getByRole('button', { name: 'Revoke' }).click();
    await page.getByText('Revoked Chromium key.').waitFor();
    assert.equal(await query(page.request, second), 401);
    assert.equal(await page.locator('tr', { hasText: 'Chromium key' }).count(), 0);
    await page.context().close();
  });

  it('lists an app’s grant per member and revokes it: the app’s token stops working', async () => {
    const { platform } = h;
    const app = platform.oauthApps.register({ name: 'Grant Test App', redirectUris: ['https://localhost/_functions/cb'], scopes: ['wix-data.items.read'] });
    const member = platform.services.directory.findMemberByEmail(DEMO_MEMBER.email)!;
    const grant = platform.services.oauth.apps.createGrant({
      clientId: app.clientId,
      subjectId: member.id,
      subjectRole: 'member',
      scopes: ['wix-data.items.read'],
    });
    const { token } = await platform.services.tokens.issueAppAccess({
      clientId: app.clientId,
      grantId: grant.id,
      subjectId: member.id,
      scopes: ['wix-data.items.read'],
      ttlSeconds: 900,
    });
    const page = await h.signIn({ view: 'apps' });
    assert.equal(await query(page.request, `Bearer ${token}`), 200);
    const section = page.getByRole('region', { name: 'App Grant Test App' });
    await section.getByText('https://localhost/_functions/cb').waitFor();
    const grantRow = section.locator(`tr[data-grant="${grant.id}"]`);
    await grantRow.getByText(DEMO_MEMBER.email).waitFor();
    await grantRow.getByRole('button', { name: 'Revoke' }).click();
    await page.getByText(/Revoked Grant Test App’s grant/).waitFor();
    await section.getByText('No active grants.').waitFor();
    assert.equal(await query(page.request, `Bearer ${token}`), 401);
    await page.context().close();
  });

  it('flags a burst from one key as a spike in the usage view and in the request log', async () => {
    const key = h.platform.createApiKey({ name: 'Burst key', permissions: ['WIX_DATA.READ_ITEMS'] });
    const page = await h.signIn({ view: 'usage' });
    const statuses = [];
    // 70: however a minute boundary splits the burst, one side has at least 35 (the spike floor is 30).
    for (let i = 0; i < 70; i++) statuses.push(await query(page.request, key, 'burst-client'));
    assert.ok(statuses.every((s) => s === 200));
    await page.locator('[data-flag=spike]').first().waitFor({ timeout: 10_000 });
    assert.match((await page.locator('[data-flag=spike]').first().textContent())!, /apiKey/);
    await goTo(page, 'Requests');
    await page.getByLabel('Flagged only').check();
    const flagged = page.locator('tbody tr', { has: page.locator('.badge.flag', { hasText: 'spike' }) });
    await flagged.first().waitFor({ timeout: 10_000 });
    assert.match((await flagged.first().textContent())!, /POST \/_api\/cloud-data\/v2\/items\/query/);
    await page.context().close();
  });

  it('is refused from other origins, the site’s own included: no framing, no API call or form post, no cookie sent there', async () => {
    const signedIn = await h.signIn();
    const context = signedIn.context();
    const dashboard = h.platform.dashboardUrl;
    assert.equal(new URL(signedIn.url()).origin, dashboard);
    // The session cookie is the dashboard host's alone: the site's origin (and any other localhost port) never gets it.
    assert.ok((await context.cookies(dashboard)).some((c) => c.name === SESSION_COOKIE));
    assert.deepEqual(
      (await context.cookies(h.platform.url)).map((c) => c.name).filter((n) => n === SESSION_COOKIE),
      [],
    );
    // The attack page (ATTACK_PAGE) from another site on this machine, and from the site's own origin, as a real
    // HTTP function of the site's backend serves it: HTML written by whoever wrote that backend.
    const evilServer = createServer((req, res) =>
      req.url?.startsWith('/?') ? res.writeHead(200, { 'content-type': 'text/html' }).end(ATTACK_PAGE) : res.writeHead(404).end(),
    );
    await new Promise<void>((resolve) => evilServer.listen(0, '127.0.0.1', resolve));
    const site = h.platform.url;
    const pages = [`http://127.0.0.1:${(evilServer.address() as AddressInfo).port}/`, `${site}/_functions/attack`].map(
      (u) => `${u}?dashboard=${encodeURIComponent(dashboard)}`,
    );
    try {
      for (const page of pages) {
        const evil = await context.newPage();
        const framed = evil.waitForResponse((r) => r.url() === `${dashboard}/`);
        await evil.goto(page);
        await evil.waitForFunction(() => document.body.dataset['cross'] && document.body.dataset['own']);
        assert.match((await evil.locator('body').getAttribute('data-cross'))!, /^blocked:TypeError/, page);
        // On the site's origin the dashboard API is not there (421); elsewhere there is no such path at all.
        assert.equal(await evil.locator('body').getAttribute('data-own'), page.startsWith(site) ? '421' : '404', page);
        // The frame: the platform answered 403 (Sec-Fetch-Dest: iframe), and the page would not be framed anyway.
        assert.equal((await framed).status(), 403, page);
        const frame = evil.frames().find((f) => f.url().startsWith(dashboard));
        if (frame) assert.equal(await frame.locator('wl-dashboard').count(), 0);
        await evil.waitForTimeout(300);
        assert.ok(!h.platform.services.directory.listApiKeys().some((k) => k.name === 'csrf-from-evil'), page);
        await evil.close();
      }
      // A link in is a plain top-level navigation: the dashboard opens as itself, and the linking page keeps no handle.
      const evil = await context.newPage();
      await evil.goto(pages[1]!);
      await evil.click('#link');
      await evil.waitForURL(`${dashboard}/`);
      await evil.getByRole('navigation', { name: 'Dashboard views' }).waitFor();
      await evil.close();
    } finally {
      await context.close();
      evilServer.close();
    }
  });

  for (const width of [1280, 390]) {
    it(`every view fits ${width} px without horizontal scrolling and passes axe`, async () => {
      const page = await h.signIn({ width, height: 900, bypassCSP: true });
      await page.addScriptTag({ path: AXE });
      for (const view of VIEWS) {
        await page.evaluate((v) => (location.hash = v), view);
        await page.locator(`wl-${view === 'keys' ? 'keys' : view}-view`).waitFor();
        await page.waitForFunction((v) => {
          const el = document.querySelector('wl-dashboard')?.shadowRoot?.querySelector(`wl-${v}-view`);
          return el?.shadowRoot && !el.shadowRoot.textContent?.includes('Loading…') && el.shadowRoot.querySelector('h2');
        }, view);
        if (view === 'data') {
          await page.getByRole('button', { name: /^Browse Product catalogue/ }).click();
          await page.getByText(/of 400 items/).waitFor();
        }
        assert.equal(await scrollsSideways(page), false, `${view} at ${width} px scrolls sideways`);
        const violations = await page.evaluate(async () => {
          const axe = (window as unknown as { axe: { run(ctx: Document, o: object): Promise<{ violations: { id: string; nodes: { target: unknown }[] }[] }> } })
            .axe;
          const result = await axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
          return result.violations.map((v) => `${v.id}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
        });
        assert.deepEqual(violations, [], `${view} at ${width} px`);
      }
      await page.context().close();
    });
  }
});
