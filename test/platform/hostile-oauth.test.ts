/**
 * The sign-in and OAuth surfaces under attack: what a hostile caller found, each now refused. Memory a caller could
 * fill without a secret, login CSRF, a code or a refresh token used by the wrong party, a header that made a 500, a
 * password form that could be framed, and the platform's own cookies reaching a site's HTTP functions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_MEMBER } from '../../demo/seed/index.ts';
import { siteVisibleHeaders, DASHBOARD_SESSION_COOKIE, ACCOUNT_SESSION_COOKIE } from '../../platform/http/site-headers.ts';
import { CONTROL_SECRET_HEADER } from '../../platform/http/handler.ts';
import { MAX_CODES, pruneCodes } from '../../platform/identity/codes.ts';
import { startTestPlatform, type TestPlatform } from './helpers.ts';
import {
  authorizeUrl,
  browserAuthorize,
  browserGet,
  browserPost,
  exchangeCode,
  ORIGIN,
  pkce,
  READ,
  refresh,
  tokenInfo,
  tokenRequest,
  WRITE,
} from './oauth-helpers.ts';

let p: TestPlatform;
const EVIL = 'https://evil.example';

before(async () => {
  p = await startTestPlatform({ seed: 'demo' });
});
after(async () => {
  await p?.stop();
});

const registerApp = (name: string, scopes = [READ]) =>
  p.oauthApps.register({ name, redirectUris: ['https://localhost/_functions/oauthCallback'], scopes: scopes as never });

describe('memory a caller without credentials could fill', () => {
  it('a token request with a 3 MB client_id and no secret is refused, and the audit keeps 100 characters of it', async () => {
    const huge = 'c'.repeat(3_000_000);
    for (let i = 0; i < 3; i++) {
      const r = await tokenRequest(undefined, { grant_type: 'client_credentials', client_id: huge }, { json: true });
      assert.equal(r.status, 401, r.text.slice(0, 200));
    }
    const kept = p.oauthAudit.filter((entry) => entry.clientId?.startsWith('ccc'));
    assert.ok(kept.length >= 3, 'the refusals are audited');
    for (const entry of kept) assert.ok(entry.clientId!.length <= 100, `an audited client id is ${entry.clientId!.length} characters`);
    assert.ok(p.oauthAudit.every((entry) => entry.reason.length <= 300));
  });

  it('sign-in attempts are throttled per account by the first 320 characters of the email (a 3 MB email per entry could fill memory)', async () => {
    // Different 3 MB "emails" that share their first 320 characters count as one account: the throttle keeps 320.
    const head = `${'a'.repeat(300)}@example.com`.padEnd(320, 'x');
    let throttled = 0;
    for (let i = 0; i < 12; i++) {
      const r = await browserPost(`${ORIGIN}/oauth2/connected-apps`, { email: `${head}${String(i).repeat(1_000_000)}`, password: 'wrong' });
      if (r.status === 429) throttled++;
      else assert.equal(r.status, 401, r.text.slice(0, 200));
    }
    assert.ok(throttled > 0, 'the shared account was locked after repeated failures');
  });
});

describe('authorization codes that are never exchanged', () => {
  it('are dropped once expired for longer than their lifetime, and at most MAX_CODES are kept (unit)', () => {
    const codes = new Map<string, { expiresAt: number }>([
      ['long-gone', { expiresAt: 1_000 }],
      ['recent', { expiresAt: 9_500 }],
      ['live', { expiresAt: 20_000 }],
    ]);
    pruneCodes(codes, 10_000, 1_000);
    assert.deepEqual([...codes.keys()], ['recent', 'live'], 'expired more than the grace ago: dropped; within it: kept for replay detection');
    const full = new Map(Array.from({ length: MAX_CODES + 5 }, (_, i) => [`c${i}`, { expiresAt: 50_000 }] as const));
    pruneCodes(full, 10_000, 1_000);
    assert.equal(full.size, MAX_CODES - 1, 'room for the code about to be added');
    assert.ok(!full.has('c0') && full.has(`c${MAX_CODES + 4}`), 'the oldest go first');
  });

  it('an app code left unexchanged is gone 20 minutes later, once another code is issued', async () => {
    const app = registerApp('Forgetful app');
    const first = await browserAuthorize(app.clientId, { user: DEMO_MEMBER, query: { scope: READ } });
    try {
      p.services.clock.advance(21 * 60 * 1000);
      await browserAuthorize(app.clientId, { user: DEMO_MEMBER, query: { scope: READ } });
      assert.equal((await exchangeCode(app, first)).status, 400);
      assert.equal(p.oauthAudit.at(-1)?.reason, 'token: unknown authorization code', 'pruned, not merely expired');
    } finally {
      p.services.clock.reset();
    }
  });
});

describe('login CSRF: credentials posted from another site are refused', () => {
  it('connected apps, app consent and the site’s own sign-in form: 403 from another origin, no session cookie', async () => {
    const app = registerApp('CSRF target');
    const { challenge } = pkce();
    const appAuthorize = authorizeUrl(app.clientId, { redirect_uri: 'https://localhost/_functions/oauthCallback', code_challenge: challenge, scope: READ });
    const siteAuthorize = authorizeUrl(p.clientId, { redirect_uri: 'https://localhost/callback', code_challenge: challenge, scope: null });
    const credentials = { email: DEMO_MEMBER.email, password: DEMO_MEMBER.password, decision: 'allow' };
    for (const url of [`${ORIGIN}/oauth2/connected-apps`, appAuthorize, siteAuthorize]) {
      const foreign = await browserPost(url, credentials, { origin: EVIL });
      assert.equal(foreign.status, 403, `${url.slice(0, 60)} from ${EVIL}: ${foreign.status} ${foreign.text.slice(0, 200)}`);
      assert.equal(foreign.headers.get('set-cookie'), null, 'no session for the attacker’s account');
      assert.equal(foreign.headers.get('location'), null, 'no code');
    }
    // The platform's own page (its Origin) still signs in.
    const own = await browserPost(`${ORIGIN}/oauth2/connected-apps`, credentials);
    assert.equal(own.status, 200, own.text.slice(0, 200));
    assert.match(own.headers.get('set-cookie') ?? '', /wix_local_session=/);
  });

  it('the site’s sign-in form cannot be framed (the app pages already could not)', async () => {
    const { challenge } = pkce();
    const form = await browserGet(authorizeUrl(p.clientId, { redirect_uri: 'https://localhost/callback', code_challenge: challenge, scope: null }));
    assert.equal(form.status, 200, form.text.slice(0, 200));
    assert.match(form.text, /type="password"/);
    assert.equal(form.headers.get('x-frame-options'), 'DENY');
    assert.match(form.headers.get('content-security-policy') ?? '', /frame-ancestors 'none'/);
  });
});

describe('codes and refresh tokens are bound to their party', () => {
  it('another app presenting a code neither spends it nor, replayed, revokes the grant its rightful app got', async () => {
    const a = registerApp('Rightful app');
    const b = registerApp('Other app');
    const flow = await browserAuthorize(a.clientId, { user: DEMO_MEMBER, query: { scope: READ } });
    assert.ok(flow.code, flow.error ?? 'a code');
    const stolen = await exchangeCode(b, flow);
    assert.equal(stolen.status, 400);
    const mine = await exchangeCode(a, flow);
    assert.equal(mine.status, 200, `the rightful app still exchanges its code: ${mine.text.slice(0, 200)}`);
    const access = String(mine.json?.['access_token']);
    // A replay by the other app, after the rightful exchange, leaves the grant alone.
    assert.equal((await exchangeCode(b, flow, { verifier: 'x'.repeat(43), redirectUri: 'https://evil.example/cb' })).status, 400);
    assert.equal((await tokenInfo(access)).json?.['active'], true, 'the grant is still active');
    // A replay by the rightful app itself still revokes it (RFC 6749 §4.1.2).
    assert.equal((await exchangeCode(a, flow)).status, 400);
    assert.equal((await tokenInfo(access)).json?.['active'], false);
  });

  it('a rotated refresh token sent again with a wider scope is caught as reuse: invalid_grant, and the grant is revoked', async () => {
    const app = registerApp('Refresh app', [READ, WRITE]);
    const flow = await browserAuthorize(app.clientId, { user: DEMO_MEMBER, query: { scope: READ } });
    const first = await exchangeCode(app, flow);
    assert.equal(first.status, 200, first.text.slice(0, 200));
    const old = String(first.json?.['refresh_token']);
    const rotated = await refresh(app, old);
    assert.equal(rotated.status, 200, rotated.text.slice(0, 200));
    const reused = await refresh(app, old, WRITE);
    assert.equal(reused.status, 400);
    assert.equal(reused.json?.['error'], 'invalid_grant', reused.text.slice(0, 200));
    assert.equal((await refresh(app, String(rotated.json?.['refresh_token']))).status, 400, 'the newest refresh token is revoked with the grant');
  });
});

describe('sign-out', () => {
  it('a post_flow_url with characters a header cannot hold is sent back percent-encoded (it was a 500)', async () => {
    for (const next of ['https://localhost/✓', 'https://localhost/a%0D%0Aset-cookie:x=1'.replace('%0D%0A', '\r\n')]) {
      const r = await browserGet(`${ORIGIN}/oauth2/logout?client_id=${p.clientId}&post_flow_url=${encodeURIComponent(next)}`);
      assert.equal(r.status, 302, `${JSON.stringify(next)}: ${r.status} ${r.text.slice(0, 200)}`);
      const location = r.headers.get('location')!;
      assert.equal(new URL(location).origin, 'https://localhost');
      assert.doesNotMatch(location, /[\r\n✓]/);
      assert.equal(r.headers.get('set-cookie'), null);
    }
  });
});

describe('a site’s HTTP functions never see the platform’s own credentials', () => {
  it('the dashboard and account session cookies, the control secret and the authorization header are removed; other cookies stay', () => {
    const seen = siteVisibleHeaders({
      cookie: `site_pref=dark; ${DASHBOARD_SESSION_COOKIE}=owner-session; ${ACCOUNT_SESSION_COOKIE}=member-session; cart=3`,
      authorization: 'Bearer x',
      [CONTROL_SECRET_HEADER]: 'secret',
      'user-agent': 'test',
      'x-forwarded-for': '1.2.3.4',
    });
    assert.deepEqual(seen, { cookie: 'site_pref=dark; cart=3', 'user-agent': 'test', 'x-forwarded-for': '1.2.3.4' });
    assert.deepEqual(siteVisibleHeaders({ cookie: `${DASHBOARD_SESSION_COOKIE}=only` }), {}, 'no cookie header when none is left');
  });
});
