/**
 * The dashboard's server side (issue 17): owner-only access (sign-in, control secret, cross-site refusals, CSRF
 * header), API keys (create, show once, rotate with a grace period on the platform clock, revoke, usage), OAuth
 * grants (listed per member, revoked), secrets (names and read times, never values), the usage monitor (spike and
 * new-caller flags in the monitor and in the request log), members, and the item browser's act-as tokens meeting
 * the real Data API's permissions. Keys and tokens are exercised through the official @wix/sdk + @wix/data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { DEMO_MEMBER, DEMO_OWNER } from '../../demo/seed/index.ts';
import { CONTROL_SECRET_HEADER, DASHBOARD_HEADER, hostProblem, isDashboardHost, routeOf, SESSION_COOKIE, UsageMonitor } from '../../platform/index.ts';
import { apiKeyClient, memberClient, startTestPlatform, tokenClient, type TestPlatform } from '../platform/helpers.ts';
import { browserAuthorize, exchangeCode, ORIGIN } from '../platform/oauth-helpers.ts';
import { dashboardFetch, type DashboardFetch } from './dashboard-fetch.ts';

let p: TestPlatform;
let cookie: string;
/** fetch on the dashboard's own origin, https://dashboard.localhost:<port>. */
let dashFetch: DashboardFetch;

before(async () => {
  p = await startTestPlatform({ seed: 'demo' });
  dashFetch = dashboardFetch(p);
  const signIn = await dash('/session', { method: 'POST', body: { email: DEMO_OWNER.email, password: DEMO_OWNER.password }, cookie: '' });
  assert.equal(signIn.status, 200, signIn.text);
  const set = signIn.headers.get('set-cookie') ?? '';
  cookie = set.split(';')[0]!;
});
after(() => p.stop());

interface Answer {
  status: number;
  json: Record<string, any>;
  text: string;
  headers: Headers;
}

/** A dashboard API call as the dashboard page makes it: the session cookie and the dashboard header. */
async function dash(
  path: string,
  init: { method?: string; body?: unknown; cookie?: string; headers?: Record<string, string>; rawBody?: string } = {},
): Promise<Answer> {
  const method = init.method ?? (init.body === undefined && init.rawBody === undefined ? 'GET' : 'POST');
  const response = await dashFetch(`/_dashboard/api${path}`, {
    method,
    headers: {
      [DASHBOARD_HEADER]: '1',
      ...(method === 'GET' || method === 'DELETE' ? {} : { 'content-type': 'application/json' }),
      ...((init.cookie ?? cookie) ? { cookie: init.cookie ?? cookie } : {}),
      ...init.headers,
    },
    ...(init.rawBody !== undefined ? { body: init.rawBody } : init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await response.text();
  let json: Record<string, any> = {};
  try {
    json = JSON.parse(text) as Record<string, any>;
  } catch {
    // not JSON (the HTML pages)
  }
  return { status: response.status, json, text, headers: response.headers };
}

async function queryWithKey(key: string, userAgent?: string) {
  return fetch(`${ORIGIN}/wix-data/v2/items/query`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: key, 'wix-site-id': p.siteId, ...(userAgent ? { 'user-agent': userAgent } : {}) },
    body: JSON.stringify({ dataCollectionId: 'Products', query: { paging: { limit: 1 } } }),
  });
}

describe('dashboard access: the owner only, never cross-site', () => {
  it('signs the owner in with an HttpOnly, Secure, SameSite=Strict host cookie; refuses a wrong password and a member', async () => {
    const ok = await dash('/session', { method: 'POST', body: { email: DEMO_OWNER.email, password: DEMO_OWNER.password }, cookie: '' });
    const set = ok.headers.get('set-cookie') ?? '';
    assert.match(set, new RegExp(`^${SESSION_COOKIE}=`));
    for (const attr of ['HttpOnly', 'Secure', 'SameSite=Strict', 'Path=/']) assert.ok(set.includes(attr), `${attr} in ${set}`);
    assert.equal((await dash('/session', { method: 'POST', body: { email: DEMO_OWNER.email, password: 'wrong-password' }, cookie: '' })).status, 401);
    const member = await dash('/session', { method: 'POST', body: { email: DEMO_MEMBER.email, password: DEMO_MEMBER.password }, cookie: '' });
    assert.equal(member.status, 403);
    assert.equal(member.headers.get('set-cookie'), null);
  });

  it('answers 401 without a session, and lets the control secret in (tools, the CLI)', async () => {
    assert.equal((await dash('/overview', { cookie: '' })).status, 401);
    assert.equal((await dash('/overview', { cookie: 'x=1; ' + SESSION_COOKIE + '=forged' })).status, 401);
    const viaSecret = await dash('/overview', { cookie: '', headers: { [CONTROL_SECRET_HEADER]: p.controlSecret } });
    assert.equal(viaSecret.status, 200);
    assert.equal((await dash('/overview', { cookie: '', headers: { [CONTROL_SECRET_HEADER]: 'not-the-secret-at-all' } })).status, 401);
    const bySecret = await dash('/session', { method: 'POST', body: { controlSecret: p.controlSecret }, cookie: '' });
    assert.equal(bySecret.status, 200);
    assert.ok(bySecret.headers.get('set-cookie'));
  });

  it('refuses cross-site and cross-origin requests even with the session, and sends no CORS header', async () => {
    for (const headers of [{ 'sec-fetch-site': 'cross-site' }, { 'sec-fetch-site': 'same-site' }, { origin: 'https://evil.example' }] as Record<
      string,
      string
    >[]) {
      const answer = await dash('/keys', { headers });
      assert.equal(answer.status, 403, JSON.stringify(headers));
      assert.equal(answer.headers.get('access-control-allow-origin'), null);
    }
    const write = await dash('/keys', { body: { name: 'csrf', permissions: ['WIX_DATA.READ_ITEMS'] }, headers: { 'sec-fetch-site': 'cross-site' } });
    assert.equal(write.status, 403);
    // Without the dashboard header (a form post or a simple fetch from another page): refused, nothing created.
    const simple = await dashFetch(`/_dashboard/api/keys`, {
      method: 'POST',
      headers: { cookie, 'content-type': 'text/plain' },
      body: JSON.stringify({ name: 'csrf', permissions: ['WIX_DATA.READ_ITEMS'] }),
    });
    assert.equal(simple.status, 403);
    const keys = await dash('/keys');
    assert.ok(!keys.json['keys'].some((k: { name: string }) => k.name === 'csrf'));
    const preflight = await dashFetch(`/_dashboard/api/keys`, { method: 'OPTIONS', headers: { origin: 'https://evil.example' } });
    assert.notEqual(preflight.status, 204);
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
  });

  it('lives on its own origin: the site’s origin redirects its pages there and refuses its API, whatever credentials come along', async () => {
    const site = dashboardFetch(p, `localhost:${p.port}`);
    const moved = await site('/_dashboard/?from=demo');
    assert.equal(moved.status, 308);
    assert.equal(moved.headers.get('location'), `https://dashboard.localhost:${p.port}/_dashboard/?from=demo`);
    assert.equal(p.dashboardUrl, `https://dashboard.localhost:${p.port}`);
    // A script of a site page (HTML from an HTTP function) sends the dashboard header; give it the owner's cookie and
    // the control secret too, as if the browser had sent them: the site's origin still has no dashboard API.
    const keysBefore = p.services.directory.listApiKeys().length;
    for (const credentials of [{ cookie }, { [CONTROL_SECRET_HEADER]: p.controlSecret }] as Record<string, string>[]) {
      const headers = { ...credentials, [DASHBOARD_HEADER]: '1', 'content-type': 'application/json' };
      const write = await site('/_dashboard/api/keys', { headers, body: JSON.stringify({ name: 'from-the-site', permissions: ['WIX_DATA.READ_ITEMS'] }) });
      assert.equal(write.status, 421);
      const read = await site('/_dashboard/api/keys', { headers });
      assert.equal(read.status, 421);
      assert.match(await read.text(), /dashboard\.localhost/);
      const signIn = await site('/_dashboard/api/session', { headers, body: JSON.stringify({ email: DEMO_OWNER.email, password: DEMO_OWNER.password }) });
      assert.equal(signIn.status, 421);
      assert.equal(signIn.headers.get('set-cookie'), null);
    }
    assert.equal(p.services.directory.listApiKeys().length, keysBefore);
    // The dashboard's origin serves nothing of the site: no HTTP function, control route, OAuth endpoint or page.
    for (const path of ['/_functions/anything', '/_webMethods/x', '/wix-data/v2/items/query', '/_platform/requests', '/oauth2/token', '/index.html']) {
      const answer = await dashFetch(path, { headers: { cookie } });
      assert.equal(answer.status, 404, path);
      assert.match(await answer.text(), /Only the dashboard/, path);
    }
    // …but the item browser's Data Items calls, with an act-as token.
    const token = (await dash('/act-as', { body: { as: 'owner' } })).json['accessToken'] as string;
    const items = await dashFetch('/_api/cloud-data/v2/items/query', {
      headers: { authorization: token, 'content-type': 'application/json' },
      body: JSON.stringify({ dataCollectionId: 'Products', query: { paging: { limit: 2 } } }),
    });
    assert.equal(items.status, 200);
    assert.equal(((await items.json()) as { dataItems: unknown[] }).dataItems.length, 2);
  });

  it('answers nothing to a host name that is not a loopback one (no DNS rebinding), before any credential is looked at', async () => {
    for (const host of ['evil.example', 'evil.example:443', 'localhost.evil.example', '127.0.0.1.nip.io', 'dashboard.localhost.evil.example']) {
      const other = dashboardFetch(p, host);
      assert.equal((await other('/_dashboard/')).status, 421, host);
      const signIn = await other('/_dashboard/api/session', {
        headers: { 'content-type': 'application/json', [DASHBOARD_HEADER]: '1' },
        body: JSON.stringify({ email: DEMO_OWNER.email, password: DEMO_OWNER.password }),
      });
      assert.equal(signIn.status, 421, host);
      assert.equal(signIn.headers.get('set-cookie'), null);
    }
    assert.equal((await dashboardFetch(p, `127.0.0.1:${p.port}`)('/_dashboard/')).headers.get('location'), `https://dashboard.localhost:${p.port}/_dashboard/`);
    assert.equal(hostProblem('localhost:8443'), undefined);
    assert.equal(hostProblem('[::1]:5173'), undefined);
    assert.ok(hostProblem('example.com'));
    assert.ok(isDashboardHost('dashboard.localhost:5173'));
    assert.ok(isDashboardHost('Dashboard.LocalHost'));
    for (const host of ['localhost:5173', 'x.dashboard.localhost', 'dashboard.localhost.evil.example', 'dashboard.localhost:5173:1', '127.0.0.1']) {
      assert.equal(isDashboardHost(host), false, host);
    }
  });

  it('answers its API only on its own host name, whatever Host a hostile caller sends (property)', async () => {
    const piece = fc.constantFrom(
      'dashboard',
      'DASHBOARD',
      'localhost',
      'evil',
      '127.0.0.1',
      '[::1]',
      'xn--dshboard-9za',
      '.',
      '..',
      ':',
      `:${p.port}`,
      ':0',
      ':99999',
      '@',
      '%2e',
      ' ',
      '\t',
    );
    const hosts = fc.array(piece, { minLength: 1, maxLength: 6 }).map((parts) => parts.join(''));
    await fc.assert(
      fc.asyncProperty(fc.oneof(hosts, fc.string({ maxLength: 40 })), async (host) => {
        if (!/^[\x21-\x7e]+$/.test(host)) return; // not a value Node (or a browser) sends as a Host
        const answer = await dashboardFetch(p, host)('/_dashboard/api/session', {
          headers: { [DASHBOARD_HEADER]: '1', [CONTROL_SECRET_HEADER]: p.controlSecret },
        });
        if (isDashboardHost(host)) assert.equal(answer.status, 200, host);
        else assert.ok([400, 421].includes(answer.status), `${host}: ${answer.status}`);
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 200), examples: [['dashboard.localhost'], [`DASHBOARD.localhost:${p.port}`], [`localhost:${p.port}`]] },
    );
  });

  it('serves the page with a strict CSP to a typed-in URL or a link, and refuses it to frames and other cross-site loads', async () => {
    const page = await dashFetch(`/`, { headers: { 'sec-fetch-site': 'none', 'sec-fetch-mode': 'navigate' } });
    assert.equal(page.status, 200);
    const csp = page.headers.get('content-security-policy') ?? '';
    assert.match(csp, /default-src 'none'/);
    assert.match(csp, /frame-ancestors 'none'/);
    assert.doesNotMatch(csp, /unsafe-inline|unsafe-eval/);
    assert.equal(page.headers.get('x-frame-options'), 'DENY');
    assert.match(await page.text(), /<wl-dashboard>/);
    // A top-level navigation from another site (the demo's link, redirected from the site's origin) gets the page; the
    // browser sends no SameSite=Strict cookie with it, and the linking page gets no handle on it (COOP).
    const linked = await dashFetch(`/_dashboard/`, { headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'document' } });
    assert.equal(linked.status, 200);
    assert.match(await linked.text(), /<wl-dashboard>/);
    for (const headers of [
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'navigate', 'sec-fetch-dest': 'iframe' },
      { 'sec-fetch-site': 'same-site', 'sec-fetch-mode': 'no-cors', 'sec-fetch-dest': 'script' },
      { 'sec-fetch-site': 'cross-site', 'sec-fetch-mode': 'cors', 'sec-fetch-dest': 'empty' },
    ]) {
      const refused = await dashFetch(`/_dashboard/`, { headers });
      assert.equal(refused.status, 403, JSON.stringify(headers));
      assert.doesNotMatch(await refused.text(), /wl-dashboard/);
    }
    assert.equal((await dashFetch(`/_dashboard/ui/app.ts`, { headers: { 'sec-fetch-site': 'cross-site', 'sec-fetch-dest': 'script' } })).status, 403);
  });

  it('serves its modules and Lit from the installed packages, and nothing outside them', async () => {
    assert.equal((await dashFetch(`/_dashboard/ui/app.ts`)).status, 200);
    assert.equal((await dashFetch(`/_dashboard/vendor/lit/index.js`)).status, 200);
    for (const path of [
      '/_dashboard/vendor/lit/../package.json',
      '/_dashboard/vendor/lit/%2e%2e/x.js',
      '/_dashboard/vendor/evil/x.js',
      '/_dashboard/ui/../server.ts',
    ]) {
      assert.equal((await dashFetch(path)).status, 404, path);
    }
  });
});

describe('API keys from the dashboard', () => {
  it('creates a key with chosen permissions, shows it once, and the key works through @wix/sdk with exactly them', async () => {
    const created = await dash('/keys', { body: { name: 'Read only', permissions: ['WIX_DATA.READ_ITEMS'] } });
    assert.equal(created.status, 200, created.text);
    const key = created.json['key'] as string;
    assert.match(key, /^IST\./);
    const list = await dash('/keys');
    assert.ok(!list.text.includes(key), 'the key is never listed');
    const row = list.json['keys'].find((k: { id: string }) => k.id === created.json['id']);
    assert.deepEqual(row.permissions, ['WIX_DATA.READ_ITEMS']);

    const client = apiKeyClient(p, key);
    const found = await client.items.query('Products').limit(2).find();
    assert.equal(found.items.length, 2);
    await assert.rejects(client.items.insert('Products', { title: 'Nope' }), /permission|denied|forbidden/i);
    const usage = (await dash('/keys')).json['keys'].find((k: { id: string }) => k.id === created.json['id']).usage;
    assert.ok(usage.count >= 2, JSON.stringify(usage));
    assert.ok(usage.lastUsedAt);
  });

  it('rotates: the new key works, the old one keeps working for the grace period, then it is refused; revoke stops a key at once', async () => {
    const created = await dash('/keys', { body: { name: 'Rotating', permissions: ['WIX_DATA.READ_ITEMS', 'WIX_DATA.WRITE_ITEMS'] } });
    const oldKey = created.json['key'] as string;
    const rotated = await dash(`/keys/${created.json['id']}/rotate`, { body: { graceSeconds: 120 } });
    assert.equal(rotated.status, 200, rotated.text);
    const newKey = rotated.json['key'] as string;
    assert.notEqual(newKey, oldKey);
    assert.equal((await queryWithKey(newKey)).status, 200);
    assert.equal((await queryWithKey(oldKey)).status, 200, 'the old key works during the grace period');
    const listed = (await dash('/keys')).json['keys'] as { id: string; expiresAt?: string; rotatedFrom?: string }[];
    assert.ok(listed.find((k) => k.id === created.json['id'])!.expiresAt);
    assert.equal(listed.find((k) => k.id === rotated.json['id'])!.rotatedFrom, created.json['id']);

    p.advanceClock(121_000);
    const refused = await queryWithKey(oldKey);
    assert.equal(refused.status, 401);
    assert.equal((await queryWithKey(newKey)).status, 200);
    assert.ok(!(await dash('/keys')).json['keys'].some((k: { id: string }) => k.id === created.json['id']), 'a retired key is no longer listed');
    assert.equal((await dash(`/keys/${created.json['id']}/rotate`, { body: { graceSeconds: 0 } })).status, 404, 'a retired key cannot be rotated');

    assert.equal((await dash(`/keys/${rotated.json['id']}`, { method: 'DELETE' })).status, 200);
    assert.equal((await queryWithKey(newKey)).status, 401);
  });

  it('refuses bad key requests with typed 400s and creates nothing', async () => {
    const before = (await dash('/keys')).json['keys'].length;
    for (const body of [
      { name: '', permissions: ['WIX_DATA.READ_ITEMS'] },
      { name: 'x', permissions: [] },
      { name: 'x', permissions: ['WIX_DATA.EVERYTHING'] },
      { name: 'x'.repeat(101), permissions: ['WIX_DATA.READ_ITEMS'] },
      { name: 'x', permissions: 'WIX_DATA.READ_ITEMS' },
      JSON.parse('{"name":"x","permissions":["WIX_DATA.READ_ITEMS"],"__proto__":{"admin":true}}'),
    ]) {
      const answer = await dash('/keys', { body });
      assert.equal(answer.status, 400, JSON.stringify(body));
      assert.ok(answer.json['details']?.['validationError'] || answer.json['details']?.['applicationError'], answer.text);
    }
    assert.equal((await dash('/keys', { rawBody: '{"name":' })).status, 400);
    assert.equal((await dash('/keys', { rawBody: JSON.stringify({ name: 'x'.repeat(20_000), permissions: [] }) })).status, 413);
    assert.equal((await dash('/keys/no-such-key/rotate', { body: { graceSeconds: 10 } })).status, 404);
    assert.equal((await dash('/keys/__proto__/rotate', { body: { graceSeconds: 10 } })).status, 404);
    assert.equal((await dash('/keys/x/rotate', { body: { graceSeconds: -1 } })).status, 400);
    assert.equal((await dash('/keys/x/rotate', { body: { graceSeconds: 1e12 } })).status, 400);
    assert.equal((await dash('/keys')).json['keys'].length, before);
  });

  it('never answers 500 and never creates a key from an arbitrary body (property)', async () => {
    const before = (await dash('/keys')).json['keys'].length;
    await fc.assert(
      fc.asyncProperty(fc.anything({ withNullPrototype: true, maxDepth: 3 }), async (body) => {
        const answer = await dash('/keys', { rawBody: JSON.stringify(body) ?? 'null' });
        assert.ok(answer.status === 400 || answer.status === 413, `${answer.status} ${answer.text}`);
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 60) },
    );
    assert.equal((await dash('/keys')).json['keys'].length, before);
  });
});

describe('the whole dashboard API against arbitrary requests', () => {
  it('answers every method, path and body with a typed status, never a 500, and the process keeps serving (property)', async () => {
    const segment = fc.oneof(
      fc.constantFrom('keys', 'members', 'secrets', 'apps', 'grants', 'usage', 'requests', 'faults', 'monitor', 'act-as', 'overview', 'session', 'rotate'),
      fc.constantFrom('__proto__', 'constructor', 'prototype', '..', '%2e%2e', 'toString'),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,12}$/),
    );
    const body = fc.oneof(fc.anything({ maxDepth: 3 }), fc.constant(undefined));
    // A session of its own: a random DELETE /session may sign it out (then the answers are typed 401s), not the suite's.
    const own = await dash('/session', { method: 'POST', body: { controlSecret: p.controlSecret }, cookie: '' });
    const fuzzCookie = (own.headers.get('set-cookie') ?? '').split(';')[0]!;
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('GET', 'POST', 'PUT', 'DELETE', 'PATCH'),
        fc.array(segment, { minLength: 1, maxLength: 3 }),
        body,
        async (method, parts, b) => {
          const answer = await dash(`/${parts.join('/')}`, {
            method,
            cookie: fuzzCookie,
            ...(method === 'GET' || method === 'DELETE' ? {} : { rawBody: JSON.stringify(b) ?? '' }),
          });
          assert.ok(
            [200, 400, 401, 403, 404, 405, 409, 413, 415].includes(answer.status),
            `${method} /${parts.join('/')}: ${answer.status} ${answer.text.slice(0, 200)}`,
          );
          if (answer.status >= 400) assert.ok(answer.json['message'], answer.text.slice(0, 200));
        },
      ),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 150) },
    );
    assert.equal((await dash('/overview')).status, 200);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
    // Whatever a random body may have set, the spike test below starts from the defaults.
    assert.equal((await dash('/monitor', { method: 'PUT', body: { spikeMultiple: 5, spikeMinRequests: 30, baselineMinutes: 10 } })).status, 200);
  });
});

describe('OAuth apps and grants', () => {
  it('lists the apps with their redirect URIs and scopes and each member’s grant; revoking one stops its tokens', async () => {
    const app = p.oauthApps.register({
      name: 'Dashboard Test App',
      redirectUris: ['https://localhost/_functions/oauthCallback'],
      scopes: ['wix-data.items.read'],
    });
    const flow = await browserAuthorize(app.clientId, { user: DEMO_MEMBER, query: { scope: 'wix-data.items.read' } });
    const tokens = await exchangeCode(app, flow);
    assert.equal(tokens.status, 200, tokens.text);
    const accessToken = tokens.json!['access_token'] as string;
    const sdk = tokenClient(`Bearer ${accessToken}`);
    assert.ok((await sdk.items.query('Products').limit(1).find()).items.length === 1);

    const listed = (await dash('/apps')).json['apps'].find((a: { clientId: string }) => a.clientId === app.clientId);
    assert.deepEqual(listed.redirectUris, ['https://localhost/_functions/oauthCallback']);
    assert.deepEqual(listed.scopes, ['wix-data.items.read']);
    assert.equal(listed.grants.length, 1);
    assert.equal(listed.grants[0].memberEmail, DEMO_MEMBER.email);
    assert.ok(!JSON.stringify(listed).includes(app.clientSecret), 'no client secret');

    assert.equal((await dash(`/grants/${listed.grants[0].id}`, { method: 'DELETE' })).status, 200);
    await assert.rejects(sdk.items.query('Products').limit(1).find(), /revoked|unauthor|401/i);
    const refreshed = await fetch(`${ORIGIN}/oauth2/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        grant_type: 'refresh_token',
        refresh_token: tokens.json!['refresh_token'],
        client_id: app.clientId,
        client_secret: app.clientSecret,
      }),
    });
    assert.ok(refreshed.status >= 400, 'the refresh token dies with the grant');
    assert.equal((await dash('/apps')).json['apps'].find((a: { clientId: string }) => a.clientId === app.clientId).grants.length, 0);
    assert.equal((await dash(`/grants/${listed.grants[0].id}`, { method: 'DELETE' })).status, 404);
  });
});

describe('secrets: names and read times, never values', () => {
  it('sets a value, lists the name and when it was last read, and never returns a value', async () => {
    const value = 'sk_live_dashboard_value_0123456789';
    const set = await dash('/secrets/DASH_TEST_SECRET', { method: 'PUT', body: { value } });
    assert.equal(set.status, 200, set.text);
    assert.ok(!set.text.includes(value));
    let row = (await dash('/secrets')).json['secrets'].find((s: { name: string }) => s.name === 'DASH_TEST_SECRET');
    assert.equal(row.lastReadAt, undefined);
    assert.equal(p.secrets.read('DASH_TEST_SECRET'), value);
    const list = await dash('/secrets');
    assert.ok(!list.text.includes(value));
    for (const v of p.secrets.values()) assert.ok(!list.text.includes(v), 'no secret value in the list');
    row = list.json['secrets'].find((s: { name: string }) => s.name === 'DASH_TEST_SECRET');
    assert.ok(row.lastReadAt);
    assert.deepEqual(Object.keys(row).sort(), ['lastReadAt', 'name', 'source']);
  });

  it('a name with + = @ # $, sent percent-encoded as the page sends it, is stored under that name (it was refused)', async () => {
    for (const name of ['api+key', 'a=b', 'team@ops', 'n#1', 'cost$']) {
      const set = await dash(`/secrets/${encodeURIComponent(name)}`, { method: 'PUT', body: { value: 'v-' + name } });
      assert.equal(set.status, 200, `${name}: ${set.text.slice(0, 200)}`);
      assert.equal(set.json['name'], name);
      assert.equal(p.secrets.read(name), 'v-' + name);
    }
    assert.equal((await dash('/secrets/%E0%A4%A', { method: 'PUT', body: { value: 'x' } })).status, 400, 'a malformed escape');
  });

  it('refuses bad names and values and writes nothing', async () => {
    const names = p.secrets.names();
    for (const [name, body] of [
      ['wixReserved', { value: 'x' }],
      ['has%20space', { value: 'x' }],
      ['OK_NAME', { value: '' }],
      ['OK_NAME', { value: 'x'.repeat(3501) }],
      ['OK_NAME', { value: 42 }],
    ] as const) {
      const answer = await dash(`/secrets/${name}`, { method: 'PUT', body });
      assert.equal(answer.status, 400, `${name} ${JSON.stringify(body).slice(0, 50)}: ${answer.text.slice(0, 200)}`);
    }
    assert.deepEqual(p.secrets.names(), names);
  });

  it('a secret named __proto__ is just a name (Wix’s name rule allows it): stored in a Map, nothing polluted', async () => {
    assert.equal((await dash('/secrets/__proto__', { method: 'PUT', body: { value: 'proto-value' } })).status, 200);
    assert.ok((await dash('/secrets')).json['secrets'].some((s: { name: string }) => s.name === '__proto__'));
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
  });
});

describe('the usage monitor', () => {
  it('counts requests per minute by caller kind, key, app and route, with error and denial rates', async () => {
    const usage = await dash('/usage?dimension=kind');
    assert.equal(usage.status, 200);
    assert.equal(usage.json['minutes'].length, 60);
    assert.ok(usage.json['total'] > 0);
    assert.ok(usage.json['denialRate'] > 0, 'the refused keys above count as denials');
    assert.ok(usage.json['series'].some((s: { name: string }) => s.name === 'apiKey'));
    const routes = await dash('/usage?dimension=route');
    assert.ok(
      routes.json['series'].some((s: { name: string }) => s.name === 'POST /wix-data/v2/items/query'),
      JSON.stringify(routes.json['series']),
    );
    assert.equal((await dash('/usage?dimension=__proto__')).status, 400);
  });

  it('reads the usage and request-log filters strictly: a parameter twice, an unknown one or a bad value is a 400 naming it', async () => {
    const refused: [string, RegExp][] = [
      ['/usage?dimension=key&dimension=kind', /dimension is given 2 times/],
      ['/usage?dimesion=key', /Unknown parameter "dimesion"/],
      ['/requests?status=error&status=ok', /status is given 2 times/],
      ['/requests?status=teapot', /status is ok, error or an HTTP status/],
      ['/requests?status=600', /status is ok, error/],
      ['/requests?since=-1', /since is a request sequence number/],
      ['/requests?since=1e3', /since is a request sequence number/],
      ['/requests?flagged=yes', /flagged is true or false/],
      [`/requests?path=${'x'.repeat(201)}`, /path is at most 200/],
      ['/requests?__proto__=1', /Unknown parameter "__proto__"/],
    ];
    for (const [path, message] of refused) {
      const answer = await dash(path);
      assert.equal(answer.status, 400, path);
      assert.match(answer.json['message'], message, path);
    }
    // What the views send is read as before; empty is absent.
    const errorsOnly = await dash('/requests?status=error&flagged=false&role=&since=0');
    assert.equal(errorsOnly.status, 200, errorsOnly.text);
    assert.ok((errorsOnly.json['requests'] as { status: number }[]).every((r) => r.status >= 400));
    assert.ok((errorsOnly.json['requests'] as unknown[]).length > 0);
    const last = (await dash('/requests')).json['lastSeq'] as number;
    assert.deepEqual((await dash(`/requests?since=${last + 1000}`)).json['requests'], []);
  });

  it('flags a burst from one key as a spike, and a second client of a key as a new caller, in the monitor and the request log', async () => {
    const created = await dash('/keys', { body: { name: 'Bursty', permissions: ['WIX_DATA.READ_ITEMS'] } });
    const key = created.json['key'] as string;
    const id = created.json['id'] as string;
    assert.equal((await queryWithKey(key, 'backend/1.0')).status, 200);
    // 70: however a minute boundary splits the burst, one side has at least 35 (the spike floor is 30).
    const burst = 70;
    for (let i = 0; i < burst; i++) await queryWithKey(key, 'backend/1.0');
    const usage = await dash('/usage?dimension=key');
    const spike = usage.json['flags'].find((f: { kind: string; callerId: string }) => f.kind === 'spike' && f.callerId === id);
    assert.ok(spike, JSON.stringify(usage.json['flags']));
    assert.equal(usage.json['series'].find((s: { name: string }) => s.name === id).count, burst + 1);

    await queryWithKey(key, 'somebody-else/2.0');
    const flags = (await dash('/usage?dimension=key')).json['flags'].filter((f: { callerId: string }) => f.callerId === id);
    assert.ok(flags.some((f: { kind: string }) => f.kind === 'new-caller'));

    const flagged = (await dash('/requests?flagged=true')).json['requests'] as { flags: string[]; callerId: string }[];
    assert.ok(flagged.some((e) => e.callerId === id && e.flags.includes('spike')));
    assert.ok(flagged.some((e) => e.callerId === id && e.flags.includes('new-caller')));
    const text = JSON.stringify(flagged);
    assert.ok(!text.includes(key), 'the log holds the key id, never the key');
  });

  it('a steady caller is not a spike (unit): the threshold is a multiple of its recent average', () => {
    let now = Date.UTC(2026, 0, 1);
    const monitor = new UsageMonitor(() => now, { spikeMultiple: 5, spikeMinRequests: 25, baselineMinutes: 10 });
    let seq = 0;
    const hit = () =>
      monitor.observe({ seq: ++seq, time: new Date(now).toISOString(), method: 'GET', path: '/x', status: 200, role: 'apiKey', callerId: 'k', durationMs: 1 });
    // Ten minutes at 20 a minute: below the floor at first, then never 5× its own average.
    for (let m = 0; m < 10; m++, now += 60_000) for (let i = 0; i < 20; i++) assert.equal(hit(), undefined);
    // Then 100 in one minute (5× 20): flagged once.
    const flags = [];
    for (let i = 0; i < 120; i++) flags.push(hit());
    assert.equal(flags.filter((f) => f?.includes('spike')).length, 1);
    assert.equal(
      flags.findIndex((f) => f?.includes('spike')),
      99,
    );
  });

  it('keeps its series bounded and names routes without ids', () => {
    assert.equal(routeOf('/wix-data/v2/items/3f2c9a1e-0000-4000-8000-000000000001'), '/wix-data/v2/items/:id');
    assert.equal(routeOf('/_api/cloud-data/v2/items/query'), '/_api/cloud-data/v2/items/query');
    const now = Date.UTC(2026, 0, 1);
    const monitor = new UsageMonitor(() => now);
    for (let i = 0; i < 5000; i++)
      monitor.observe({
        seq: i,
        time: new Date(now).toISOString(),
        method: 'GET',
        path: `/r${i}`,
        status: 200,
        role: 'apiKey',
        callerId: `k${i}`,
        durationMs: 1,
      });
    const usage = monitor.usage('route');
    assert.ok(usage.series.length <= 20);
    assert.ok(Object.keys(usage.minutes.at(-1)!.series).length <= 7);
    assert.equal(usage.total, 5000);
  });
});

describe('members and the item browser', () => {
  it('lists members with roles and sign-in status, and creates a member who can then sign in', async () => {
    const created = await dash('/members', { body: { email: 'new.member@example.com', password: 'new-member-pass', nickname: 'New Member' } });
    assert.equal(created.status, 200, created.text);
    assert.equal(created.json['member'].role, 'member');
    assert.ok(!created.text.includes('new-member-pass'));
    assert.equal((await dash('/members', { body: { email: 'NEW.member@example.com', password: 'another-pass' } })).status, 409);
    assert.equal((await dash('/members', { body: { email: 'x@example.com', password: 'short' } })).status, 400);
    assert.equal((await dash('/members', { body: { email: 'x@example.com', password: 'long-enough', role: 'owner' } })).status, 400, 'no other owner');

    let members = (await dash('/members')).json['members'] as { email: string; role: string; status: string }[];
    assert.equal(members.find((m) => m.email === 'new.member@example.com')!.status, 'signed-out');
    assert.equal(members.find((m) => m.email === DEMO_OWNER.email)!.role, 'owner');
    await memberClient(p, 'new.member@example.com', 'new-member-pass');
    members = (await dash('/members')).json['members'];
    assert.equal(members.find((m) => m.email === 'new.member@example.com')!.status, 'signed-in');
  });

  it('one email created three times at once: one member, the others 409, never a 500 (the check ran before the hash)', async () => {
    const body = { email: 'race@example.com', password: 'race-password' };
    const statuses = (await Promise.all([1, 2, 3].map(() => dash('/members', { body })))).map((a) => a.status).sort();
    assert.deepEqual(statuses, [200, 409, 409]);
    assert.equal((await dash('/members')).json['members'].filter((m: { email: string }) => m.email === 'race@example.com').length, 1);
  });

  it('a body that is not valid UTF-8 or holds a lone surrogate is a 400 and creates nothing (it was stored mangled)', async () => {
    const before = (await dash('/members')).json['members'].length;
    const surrogate = '{"email":"surrogate@example.com","password":"long-enough","nickname":"\\ud800x"}';
    assert.equal((await dash('/members', { rawBody: surrogate })).status, 400);
    const head = Buffer.from('{"email":"bytes@example.com","password":"long-enough","nickname":"a');
    const bytes = Buffer.concat([head, Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    const response = await dashFetch(`/_dashboard/api/members`, {
      method: 'POST',
      headers: { [DASHBOARD_HEADER]: '1', 'content-type': 'application/json', cookie },
      body: bytes,
    });
    assert.equal(response.status, 400, await response.text());
    assert.equal((await dash('/members')).json['members'].length, before);
  });

  it('describes every site and collection: item counts, fields and types, permissions per operation', async () => {
    const overview = await dash('/overview');
    const primary = overview.json['sites'].find((s: { primary: boolean }) => s.primary);
    const products = primary.collections.find((c: { id: string }) => c.id === 'Products');
    assert.ok(products.count > 0);
    assert.deepEqual(products.permissions, { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' });
    assert.ok(products.fields.some((f: { key: string; type: string }) => f.key === 'title' && f.type === 'TEXT'));
    assert.ok(overview.json['sites'].length >= 2, 'the seed’s second site is there too');
  });

  it('act-as tokens go through the real Data API: the owner edits, a member is refused by the collection’s permissions', async () => {
    const asOwner = await dash('/act-as', { body: { as: 'owner' } });
    const owner = tokenClient(asOwner.json['accessToken'] as string);
    const [first] = (await owner.items.query('Products').limit(1).find()).items;
    const updated = await owner.items.update('Products', { ...first!, title: 'Edited from the dashboard' });
    assert.equal(updated.title, 'Edited from the dashboard');

    const memberId = p.services.directory.findMemberByEmail(DEMO_MEMBER.email)!.id;
    const asMember = await dash('/act-as', { body: { as: 'member', memberId } });
    assert.equal(asMember.json['role'], 'member');
    const member = tokenClient(asMember.json['accessToken'] as string);
    await assert.rejects(member.items.update('Products', { ...first!, title: 'Not allowed' }), /permission|denied|forbidden/i);
    assert.equal((await owner.items.get('Products', first!._id!))!.title, 'Edited from the dashboard');
    assert.equal((await dash('/act-as', { body: { as: 'member', memberId: '__proto__' } })).status, 404);
    assert.equal((await dash('/act-as', { body: { as: 'owner', siteId: 'not-a-site' } })).status, 404);
    assert.equal((await dash('/act-as', { body: { as: 'admin' } })).status, 400);
  });

  it('lists faults with their hits and clears them all', async () => {
    p.services.faults.add({ path: '/_api/nowhere', status: 503 });
    await fetch(`${ORIGIN}/_api/nowhere`);
    const faults = (await dash('/faults')).json['faults'] as { hits: number }[];
    assert.equal(faults.length, 1);
    assert.equal(faults[0]!.hits, 1);
    assert.equal((await dash('/faults', { method: 'DELETE' })).status, 200);
    assert.equal((await dash('/faults')).json['faults'].length, 0);
  });
});
