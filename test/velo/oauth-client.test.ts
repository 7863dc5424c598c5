/**
 * The backend OAuth client (velo-backend/oauth.web.ts + lib/oauth.ts) against the platform's authorization
 * server: connect with consent, the callback, Bearer data calls, refresh on expiry (single-flight), state
 * attacks, revoke, and no secret or refresh token outside the backend.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_MEMBER } from '../../demo/platform/index.ts';
import { forgetAccessTokens } from '../../velo-backend/lib/oauth.ts';
import { forgetSecrets } from '../../velo-backend/lib/secrets.ts';
import { callWebMethod, startVeloPlatform, tokenFor, type VeloTestPlatform } from './helpers.ts';

let p: VeloTestPlatform;
let member: string;
const SITE = 'https://localhost:8443';

const call = (method: string, input?: unknown) => callWebMethod(p, member, 'oauth.web', method, input);

/** What the browser does between startConnect and the callback: sign in and allow on the consent page. */
async function consent(authorizeUrl: string, decision: 'allow' | 'deny' = 'allow'): Promise<URL> {
  const form = await fetch(authorizeUrl);
  assert.equal(form.status, 200);
  assert.match(await form.text(), /Northwind Insights/);
  const answer = await fetch(authorizeUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ email: DEMO_MEMBER.email, password: DEMO_MEMBER.password, decision }).toString(),
    redirect: 'manual',
  });
  assert.equal(answer.status, 302);
  return new URL(answer.headers.get('location')!);
}

/** The redirect lands on the site's HTTP function; here it is served by the platform. */
const callback = (redirect: URL) => fetch(`https://www.wixapis.com${redirect.pathname}${redirect.search}`);

async function connect(): Promise<void> {
  const started = await call('startConnect', { mode: 'popup' });
  assert.equal(started.body.result.ok, true, started.text);
  const redirect = await consent(started.body.result.data.authorizeUrl);
  const page = await callback(redirect);
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
    const url = new URL(started.body.result.data.authorizeUrl);
    assert.equal(url.searchParams.get('code_challenge_method'), 'S256');
    assert.equal(url.searchParams.get('redirect_uri'), `${SITE}/_functions/oauthCallback`);
    const redirect = await consent(url.toString());
    assert.equal(redirect.origin, SITE);
    const page = await callback(redirect);
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
    assert.deepEqual({ ok: inventory.body.result.ok, code: inventory.body.result.code }, { ok: false, code: 'PERMISSION_DENIED' }, 'a member’s grant never reaches admin-only data');
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
    assert.ok(results.every((r) => r.body.result.ok === true), 'every call succeeded after one refresh');
    assert.equal(p.oauthAudit.filter((e) => e.event === 'refresh').length - refreshesBefore, 1);
    p.advanceClock(901_000);
    forgetAccessTokens();
    const again = await call('callConnected', { collection: 'Stores', limit: 1 });
    assert.equal(again.body.result.ok, true, 'the rotated refresh token was saved and works');
  });
});

describe('attacks on the callback', () => {
  it('a replayed state is refused and audited', async () => {
    const started = await call('startConnect', {});
    const redirect = await consent(started.body.result.data.authorizeUrl);
    assert.equal((await callback(redirect)).status, 200);
    const replay = await callback(redirect);
    assert.equal(replay.status, 400);
    assert.match(await replay.text(), /"ok":false,"error":"invalid_state"/);
  });

  it('a missing or unknown state is refused', async () => {
    const started = await call('startConnect', {});
    const redirect = await consent(started.body.result.data.authorizeUrl);
    const forged = new URL(redirect);
    forged.searchParams.set('state', 'forged-state');
    assert.equal((await callback(forged)).status, 400);
    forged.searchParams.delete('state');
    assert.equal((await callback(forged)).status, 400);
    const owner = { kind: 'owner' as const, id: p.owner.id };
    const audits = p.services.items.query(owner, 'AuditLog', { filter: { what: 'oauth callback', outcome: 'denied' }, paging: { limit: 100 } }, true);
    assert.ok((audits.pagingMetadata['total'] as number) >= 3);
  });

  it('a denied consent is reported, not connected', async () => {
    const started = await call('startConnect', {});
    const redirect = await consent(started.body.result.data.authorizeUrl, 'deny');
    assert.equal(redirect.searchParams.get('error'), 'access_denied');
    const page = await callback(redirect);
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
    const bad = await fetch('https://www.wixapis.com/_functions/oauth/connectionStatus', { method: 'POST', headers: { authorization: member }, body: '{not json' });
    assert.equal(((await bad.json()) as { code: string }).code, 'VALIDATION');
  });
});
