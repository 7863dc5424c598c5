/**
 * The backend OAuth client (velo-backend/oauth.web.ts + lib/oauth.ts) against the platform's authorization
 * server: connect with consent, the callback, Bearer data calls, refresh on expiry (single-flight), state
 * attacks, revoke, and no secret or refresh token outside the backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_MEMBER, SECOND_MEMBER } from '../../demo/seed/index.ts';
import { forgetAccessTokens } from '../../velo-backend/lib/oauth.ts';
import { forgetSecrets } from '../../velo-backend/lib/secrets.ts';
import { callWebMethod, startVeloPlatform, tokenFor, type VeloTestPlatform } from './helpers.ts';

let p: VeloTestPlatform;
let member: string;
const SITE = 'https://localhost:8443';

const call = (method: string, input?: unknown) => callWebMethod(p, member, 'oauth.web', method, input);

/**
 * The launch link startConnect returns (page code cannot set cookies): opening it in a browser sets the binding
 * cookie there and sends the browser on to the authorize URL. Served by the platform in these tests.
 */
async function openLaunch(launchUrl: string): Promise<{ authorizeUrl: string; cookie: string; setCookie: string }> {
  const launch = new URL(launchUrl);
  assert.equal(launch.origin, SITE);
  assert.equal(launch.pathname, '/_functions/oauthLaunch');
  const answer = await fetch(`https://www.wixapis.com${launch.pathname}${launch.search}`, { redirect: 'manual' });
  assert.equal(answer.status, 302, await answer.text());
  const setCookie = answer.headers.get('set-cookie') ?? '';
  assert.match(setCookie, /^wix_oauth_binding=[\w-]{43}; /);
  return { authorizeUrl: answer.headers.get('location')!, cookie: setCookie.split(';')[0]!, setCookie };
}

/** What the browser does between startConnect and the callback: sign in and allow on the consent page. */
async function consent(authorizeUrl: string, decision: 'allow' | 'deny' = 'allow', user: { email: string; password: string } = DEMO_MEMBER): Promise<URL> {
  const form = await fetch(authorizeUrl);
  assert.equal(form.status, 200);
  assert.match(await form.text(), /Northwind Insights/);
  const answer = await fetch(authorizeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: user.email, password: user.password, decision }).toString(),
    redirect: 'manual',
  });
  assert.equal(answer.status, 302);
  return new URL(answer.headers.get('location')!);
}

/** The redirect lands on the site's HTTP function, in a browser holding `cookie`; here it is served by the platform. */
const callback = (redirect: URL, cookie?: string) =>
  fetch(`https://www.wixapis.com${redirect.pathname}${redirect.search}`, { headers: cookie ? { cookie } : {} });

/** startConnect through page code, in one browser: launch, consent, callback. */
async function startAndConsent(decision: 'allow' | 'deny' = 'allow'): Promise<{ redirect: URL; cookie: string }> {
  const started = await call('startConnect', { mode: 'popup' });
  assert.equal(started.body.result.ok, true, started.text);
  const { authorizeUrl, cookie } = await openLaunch(started.body.result.data.authorizeUrl);
  return { redirect: await consent(authorizeUrl, decision), cookie };
}

async function connect(): Promise<void> {
  const { redirect, cookie } = await startAndConsent();
  const page = await callback(redirect, cookie);
  assert.equal(page.status, 200);
}

before(async () => {
  p = await startVeloPlatform();
  forgetSecrets();
  forgetAccessTokens();
  p.secrets.set('OAUTH_SITE_URL', SITE);
  member = await tokenFor(p, { email: DEMO_MEMBER.email });
});
after(async () => {
  await p.stop();
});

describe('connecting', () => {
  it('starts with a consent URL for S256 PKCE and a state, and the callback answers the opener at the exact site origin', async () => {
    const started = await call('startConnect', {});
    const { authorizeUrl, cookie, setCookie } = await openLaunch(started.body.result.data.authorizeUrl);
    assert.match(setCookie, /; Path=\/_functions\/oauthCallback; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/);
    const url = new URL(authorizeUrl);
    assert.equal(url.origin, 'https://www.wixapis.com', 'the authorize endpoint is the issuer’s');
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('redirect_uri'), `${SITE}/_functions/oauthCallback`);
    const redirect = await consent(url.toString());
    assert.equal(redirect.origin, SITE);
    const page = await callback(redirect, cookie);
    assert.match(page.headers.get('set-cookie') ?? '', /^wix_oauth_binding=; Path=\/_functions\/oauthCallback; Max-Age=0/, 'the binding cookie is cleared');
    const html = await page.text();
    assert.match(html, /postMessage\(\{"type":"wix-oauth-connect","ok":true\}, "https:\/\/localhost:8443"\)/);
    assert.doesNotMatch(html, /OauthNG|code=/);
    const status = await call('connectionStatus');
    assert.equal(status.body.result.data.status, 'connected');
    assert.equal(status.body.result.data.siteId, p.secondSiteId, 'connected to the second site, Northwind HQ');
    assert.deepEqual(status.body.result.data.scopes, ['wix-data.items.read']);
  });

  it('reads the connected site with Bearer and wix-site-id, as the consenting member', async () => {
    const stores = await call('callConnected', { collection: 'Stores', limit: 3 });
    assert.equal(stores.body.result.data.items.length, 3);
    assert.match(String(stores.body.result.data.items[0].title), /^Northwind /);
    const inventory = await call('callConnected', { collection: 'Inventory' });
    assert.deepEqual(
      { ok: inventory.body.result.ok, code: inventory.body.result.code },
      { ok: false, code: 'PERMISSION_DENIED' },
      'a member’s grant never reaches admin-only data',
    );
  });

  it('stores the refresh token encrypted, and never returns the client secret or a token', async () => {
    const owner = { kind: 'owner' as const, id: p.owner.id };
    const record = p.services.items.get(owner, 'OAuthConnections', p.services.directory.findMemberByEmail(DEMO_MEMBER.email)!.id).data;
    assert.match(String(record['refreshToken']), /^v1\./);
    assert.doesNotMatch(JSON.stringify(record), /OauthNG/);
    const secret = p.secrets.read('OAUTH_CLIENT_SECRET')!;
    for (const method of ['connectionStatus', 'callConnected']) {
      const r = await call(method, method === 'callConnected' ? { collection: 'Stores' } : undefined);
      assert.ok(!r.text.includes(secret));
      assert.doesNotMatch(r.text, /OauthNG\.|JWS\./);
    }
  });
});

describe('refresh', () => {
  it('after expiry, 50 concurrent calls make exactly 1 refresh, and the rotated token keeps working', async () => {
    p.advanceClock(901_000);
    const refreshesBefore = p.oauthAudit.filter((e) => e.event === 'refresh').length;
    const results = await Promise.all(Array.from({ length: 50 }, () => call('callConnected', { collection: 'Stores', limit: 1 })));
    assert.ok(
      results.every((r) => r.body.result.ok === true),
      'every call succeeded after one refresh',
    );
    assert.equal(p.oauthAudit.filter((e) => e.event === 'refresh').length - refreshesBefore, 1);
    p.advanceClock(901_000);
    forgetAccessTokens();
    const again = await call('callConnected', { collection: 'Stores', limit: 1 });
    assert.equal(again.body.result.ok, true, 'the rotated refresh token was saved and works');
  });
});

describe('attacks on the callback', () => {
  it('a replayed state is refused and audited', async () => {
    const { redirect, cookie } = await startAndConsent();
    assert.equal((await callback(redirect, cookie)).status, 200);
    const replay = await callback(redirect, cookie);
    assert.equal(replay.status, 400);
    assert.match(await replay.text(), /"ok":false,"error":"invalid_state"/);
  });

  it('a missing or unknown state is refused', async () => {
    const { redirect, cookie } = await startAndConsent();
    const forged = new URL(redirect);
    forged.searchParams.set('state', 'forged-state');
    assert.equal((await callback(forged, cookie)).status, 400);
    forged.searchParams.delete('state');
    assert.equal((await callback(forged, cookie)).status, 400);
    const owner = { kind: 'owner' as const, id: p.owner.id };
    const audits = p.services.items.query(owner, 'AuditLog', { filter: { what: 'oauth callback', outcome: 'denied' }, paging: { limit: 100 } }, true);
    assert.ok((audits.pagingMetadata['total'] as number) >= 3);
  });

  it('a denied consent is reported, not connected', async () => {
    const { redirect, cookie } = await startAndConsent('deny');
    assert.equal(redirect.searchParams.get('error'), 'access_denied');
    const page = await callback(redirect, cookie);
    assert.equal(page.status, 400);
    assert.match(await page.text(), /"ok":false,"error":"access_denied"/);
  });

  it('visitors cannot start a connection', async () => {
    const r = await callWebMethod(p, await tokenFor(p, 'visitor'), 'oauth.web', 'startConnect', {});
    assert.equal(r.status, 403);
  });
});

describe('disconnect', () => {
  it('revokes at the server; the connection is gone and its tokens stop working', async () => {
    await connect();
    const revokedBefore = p.oauthAudit.filter((e) => e.event === 'revoked').length;
    const r = await call('disconnect');
    assert.equal(r.body.result.data.disconnected, true);
    assert.equal(p.oauthAudit.filter((e) => e.event === 'revoked').length - revokedBefore, 1);
    assert.equal((await call('connectionStatus')).body.result.data.status, 'not-connected');
    const after = await call('callConnected', { collection: 'Stores' });
    assert.equal(after.body.result.code, 'NOT_FOUND');
  });
});

describe('a grant revoked elsewhere', () => {
  it('connectionStatus asks the server: after a revoke on the Connected apps page it says revoked, not connected', async () => {
    await connect();
    assert.equal((await call('connectionStatus')).body.result.data.status, 'connected');
    const memberId = p.services.directory.findMemberByEmail(DEMO_MEMBER.email)!.id;
    const grants = p.services.oauth.apps.grantsOf(memberId).filter((g) => !g.revokedAt);
    assert.ok(grants.length > 0, 'the member has a live grant');
    for (const g of grants) p.services.oauth.apps.revokeGrant(g.id); // what the Connected apps page does
    const status = (await call('connectionStatus')).body.result.data;
    assert.deepEqual([status.status, status.connected], ['revoked', false]);
    assert.equal((await call('callConnected', { collection: 'Stores' })).body.result.code, 'NOT_FOUND');
    await call('disconnect');
    assert.equal((await call('connectionStatus')).body.result.data.status, 'not-connected');
  });
});

describe('the same actions over HTTP, for site widgets', () => {
  const post = (action: string, token: string | undefined, body?: unknown) =>
    fetch(`https://www.wixapis.com/_functions/oauth/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  it('answers the envelope of each action for the member whose session token is sent', async () => {
    const status = await post('connectionStatus', member);
    assert.equal(status.status, 200);
    assert.equal(((await status.json()) as { ok: boolean }).ok, true);
    const started = (await (await post('startConnect', member, { mode: 'redirect' })).json()) as { ok: boolean; data: { authorizeUrl: string } };
    assert.match(started.data.authorizeUrl, /code_challenge_method=S256/);
  });

  it('a call without a session is an anonymous visitor, and is refused', async () => {
    const r = (await (await post('connectionStatus', undefined)).json()) as { ok: boolean; code: string };
    assert.deepEqual({ ok: r.ok, code: r.code }, { ok: false, code: 'UNAUTHENTICATED' });
  });

  it('refuses unknown actions (including inherited names) and bad JSON', async () => {
    assert.equal((await post('constructor', member)).status, 404);
    assert.equal((await post('nope', member)).status, 404);
    const bad = await fetch('https://www.wixapis.com/_functions/oauth/connectionStatus', {
      method: 'POST',
      headers: { authorization: member },
      body: '{not json',
    });
    assert.equal(((await bad.json()) as { code: string }).code, 'VALIDATION');
  });
});

describe('the connect is bound to the browser and the member that started it (issue 10, finding 5)', () => {
  const owner = () => ({ kind: 'owner' as const, id: p.owner.id });
  const deniedAudits = (pattern: RegExp) =>
    p.services.items
      .query(owner(), 'AuditLog', { filter: { what: 'oauth callback', outcome: 'denied' }, paging: { limit: 1000 } }, true)
      .dataItems.filter((e) => pattern.test(String((e as { data?: { detail?: unknown } }).data?.detail)));
  const startOverHttp = async () => {
    const r = await fetch('https://www.wixapis.com/_functions/oauth/startConnect', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: member },
      body: '{"mode":"popup"}',
    });
    const body = (await r.json()) as { ok: boolean; data: { authorizeUrl: string } };
    assert.equal(body.ok, true);
    const setCookie = r.headers.get('set-cookie') ?? '';
    assert.match(setCookie, /^wix_oauth_binding=[\w-]{43}; Path=\/_functions\/oauthCallback; Max-Age=600; HttpOnly; Secure; SameSite=Lax$/);
    return { authorizeUrl: body.data.authorizeUrl, cookie: setCookie.split(';')[0]! };
  };
  const status = async () => (await call('connectionStatus')).body.result.data.status as string;

  before(async () => {
    await call('disconnect');
    assert.equal(await status(), 'not-connected');
  });

  it('site widget: A starts (the answer binds A’s browser), B consents in another browser → refused before any exchange, audited, A not connected; A’s own flow works', async () => {
    const a = await startOverHttp();
    assert.equal(new URL(a.authorizeUrl).origin, 'https://www.wixapis.com');
    const issuedBefore = p.oauthAudit.filter((e) => e.event === 'token_issued').length;
    const deniedBefore = deniedAudits(/not bound to this browser/).length;
    // B's browser: no binding cookie. B signs in as B and allows.
    const redirect = await consent(a.authorizeUrl, 'allow', SECOND_MEMBER);
    const page = await callback(redirect);
    assert.equal(page.status, 400);
    assert.match(await page.text(), /"ok":false,"error":"invalid_state"/);
    assert.equal(p.oauthAudit.filter((e) => e.event === 'token_issued').length, issuedBefore, 'the code was never exchanged: no grant exists');
    assert.equal(deniedAudits(/not bound to this browser/).length, deniedBefore + 1, 'the refusal is audited');
    assert.equal(await status(), 'not-connected');
    // Even A's own cookie cannot finish it now: the state was used up by B's attempt.
    assert.equal((await callback(redirect, a.cookie)).status, 400);

    const again = await startOverHttp();
    const mine = await consent(again.authorizeUrl);
    assert.equal((await callback(mine, again.cookie)).status, 200);
    assert.equal(await status(), 'connected');
    await call('disconnect');
  });

  it('page code: A’s launch link opened by B, who consents → wrong account, the grant is revoked and audited, A not connected; A’s own flow works', async () => {
    const started = await call('startConnect', { mode: 'popup' });
    const b = await openLaunch(started.body.result.data.authorizeUrl); // B's browser gets the cookie
    const redirect = await consent(b.authorizeUrl, 'allow', SECOND_MEMBER);
    const since = p.oauthAudit.length;
    const page = await callback(redirect, b.cookie);
    assert.equal(page.status, 400);
    assert.match(await page.text(), /"ok":false,"error":"wrong_account"/);
    const issued = p.oauthAudit.slice(since).find((e) => e.event === 'token_issued');
    assert.ok(issued?.grantId, 'the code was exchanged (to learn whose grant it is)');
    const grant = p.services.oauth.apps.grant(issued.grantId);
    assert.equal(grant?.subjectId, p.services.directory.findMemberByEmail(SECOND_MEMBER.email)!.id);
    assert.ok(grant?.revokedAt, 'B’s grant was revoked');
    assert.ok(p.oauthAudit.slice(since).some((e) => e.event === 'revoked' && e.grantId === issued.grantId));
    assert.equal(deniedAudits(/another user than the member who started/).length >= 1, true, 'the refusal is audited');
    assert.equal(await status(), 'not-connected');

    await connect();
    assert.equal(await status(), 'connected');
    await call('disconnect');
  });

  it('a launch link works once; a forged ticket gets nothing', async () => {
    const started = await call('startConnect', {});
    const link = new URL(started.body.result.data.authorizeUrl);
    const open = () => fetch(`https://www.wixapis.com${link.pathname}${link.search}`, { redirect: 'manual' });
    assert.equal((await open()).status, 302);
    const second = await open();
    assert.equal(second.status, 400, 'used');
    assert.equal(second.headers.get('set-cookie'), null);
    const forged = new URL(link);
    forged.searchParams.set('ticket', 'A'.repeat(43));
    assert.equal((await fetch(`https://www.wixapis.com${forged.pathname}${forged.search}`, { redirect: 'manual' })).status, 400);
  });

  it('the launch link passes one plain login_hint on to the authorize URL, and drops a hint that is long, repeated or has control characters', async () => {
    const hintAfterLaunch = async (...hints: string[]): Promise<string[]> => {
      const started = await call('startConnect', {});
      const link = new URL(started.body.result.data.authorizeUrl);
      for (const hint of hints) link.searchParams.append('login_hint', hint);
      const { authorizeUrl } = await openLaunch(link.toString());
      const form = await fetch(authorizeUrl);
      assert.equal(form.status, 200);
      const prefilled = /name="email"[^>]*value="([^"]*)"/.exec(await form.text())?.[1];
      return [...new URL(authorizeUrl).searchParams.getAll('login_hint'), `page:${prefilled ?? ''}`];
    };
    assert.deepEqual(await hintAfterLaunch(DEMO_MEMBER.email), [DEMO_MEMBER.email, `page:${DEMO_MEMBER.email}`]);
    assert.deepEqual(await hintAfterLaunch('a'.repeat(255)), ['page:']);
    assert.deepEqual(await hintAfterLaunch('a@example.com', 'b@example.com'), ['page:']);
    assert.deepEqual(await hintAfterLaunch('a@example.com\r\nSet-Cookie: x=1'), ['page:']);
    assert.deepEqual(await hintAfterLaunch(), ['page:']);
  });

  it('a callback with the right state but another browser’s binding cookie is refused', async () => {
    const mine = await startOverHttp();
    const other = await startOverHttp(); // a second flow: its cookie is not the first flow's
    const redirect = await consent(mine.authorizeUrl);
    assert.equal((await callback(redirect, other.cookie)).status, 400);
    assert.equal(await status(), 'not-connected');
  });
});

describe('every endpoint comes from the configured issuer (issue 10, finding 8)', () => {
  const ISSUER = 'https://auth.issuer.test';
  const ISSUER_HOST = new URL(ISSUER).host;
  const OAUTH_PATHS = ['/oauth2/token', '/oauth2/token-info', '/oauth2/revoke', '/wix-data/v2/items/query'];
  let seen: { host: string; path: string; text: string }[] = [];
  let saved: typeof globalThis.fetch;

  before(() => {
    p.secrets.set('OAUTH_ISSUER', ISSUER);
    forgetSecrets();
    forgetAccessTokens();
    saved = globalThis.fetch;
    // The issuer's host is served by the platform too; every request is recorded with its body and headers.
    globalThis.fetch = async (input: Parameters<typeof fetch>[0], init?: RequestInit) => {
      const request = new Request(input, init);
      const url = new URL(request.url);
      const body = request.body ? await request.text() : undefined;
      seen.push({ host: url.host, path: url.pathname, text: `${body ?? ''} ${[...request.headers].map((h) => h.join(': ')).join('\n')}` });
      const target = url.host === ISSUER_HOST ? `https://www.wixapis.com${url.pathname}${url.search}` : url.href;
      return saved(target, { method: request.method, headers: request.headers, redirect: request.redirect, ...(body !== undefined ? { body } : {}) });
    };
  });
  after(() => {
    globalThis.fetch = saved;
    p.secrets.set('OAUTH_ISSUER', 'https://www.wixapis.com');
    forgetSecrets();
    forgetAccessTokens();
  });

  it('connect, call, refresh and disconnect send the client secret and the tokens only to the issuer’s host', async () => {
    await call('disconnect');
    const logStart = p.log.since(0).at(-1)?.seq ?? 0;
    seen = [];
    const started = await call('startConnect', {});
    const { authorizeUrl, cookie } = await openLaunch(started.body.result.data.authorizeUrl);
    assert.equal(new URL(authorizeUrl).origin, ISSUER, 'the consent page is the issuer’s');
    assert.equal((await callback(await consent(authorizeUrl), cookie)).status, 200);
    assert.equal((await call('callConnected', { collection: 'Stores', limit: 1 })).body.result.ok, true);
    p.advanceClock(901_000);
    forgetAccessTokens();
    assert.equal((await call('callConnected', { collection: 'Stores', limit: 1 })).body.result.ok, true, 'refreshed at the issuer');
    assert.equal((await call('disconnect')).body.result.data.disconnected, true);

    const secret = p.secrets.read('OAUTH_CLIENT_SECRET')!;
    const toIssuer = seen.filter((r) => r.host === ISSUER_HOST);
    for (const path of OAUTH_PATHS)
      assert.ok(
        toIssuer.some((r) => r.path === path),
        `${path} was called at the issuer`,
      );
    // Whatever reached the platform's OAuth endpoints came through the issuer's host: none went to another host.
    const atPlatform = p.log.since(logStart).filter((e) => OAUTH_PATHS.slice(0, 3).includes(e.path));
    assert.equal(atPlatform.length, toIssuer.filter((r) => OAUTH_PATHS.slice(0, 3).includes(r.path)).length, JSON.stringify(atPlatform.map((e) => e.path)));
    const withSecret = seen.filter((r) => r.text.includes(secret));
    assert.ok(withSecret.length >= 3, 'code exchange, refresh and revoke authenticate with the secret');
    assert.deepEqual([...new Set(withSecret.map((r) => r.host))], [ISSUER_HOST], 'the client secret went to the issuer only');
    // (The member's own site session, which the test sends to its web methods, is not an app token.)
    const tokenLeaks = seen.filter((r) => /OauthNG\./.test(r.text.replaceAll(member, '')) && r.host !== ISSUER_HOST);
    assert.deepEqual(
      tokenLeaks.map((r) => `${r.host}${r.path} ${r.text.slice(0, 300)}`),
      [],
      'app tokens went to the issuer only',
    );
  });

  it('refuses an issuer that is not plain https', async () => {
    for (const bad of ['http://auth.issuer.test', 'https://auth.issuer.test/?x=1', 'https://user:pw@auth.issuer.test']) {
      p.secrets.set('OAUTH_ISSUER', bad);
      forgetSecrets();
      const r = await call('startConnect', {});
      assert.deepEqual({ ok: r.body.result.ok, code: r.body.result.code }, { ok: false, code: 'UNAVAILABLE' }, bad);
    }
    p.secrets.set('OAUTH_ISSUER', ISSUER);
    forgetSecrets();
  });
});
