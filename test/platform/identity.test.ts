/**
 * Identity: visitor, member and owner sessions through the SDK's own strategies, refresh, expiry on
 * the platform clock, token-info, the member login flow (PKCE), and the authorize endpoint's guards.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { after, before, describe, it } from 'node:test';
import { createClient, OAuthStrategy } from '@wix/sdk';
import { SiteSessionAuth } from '@wix/sdk/auth/site-session';
import { items } from '@wix/data';
import { DEMO_MEMBER, DEMO_OWNER } from '../../demo/seed/index.ts';
import { redirectUriAllowed } from '../../platform/identity/clients.ts';
import { errorCode, memberClient, rawCall, startTestPlatform, tokenClient, visitorClient, type TestPlatform } from './helpers.ts';

let p: TestPlatform;

const tokenRequest = (body: unknown, contentType = 'application/json') =>
  rawCall(p, '/oauth2/token', { headers: { 'content-type': contentType }, body: typeof body === 'string' ? body : JSON.stringify(body) });

before(async () => {
  p = await startTestPlatform({ seed: 'demo' });
});
after(async () => {
  await p.stop();
});

describe('visitor tokens', () => {
  it('anonymous grant answers the Wix token shape, with a 14400 s lifetime', async () => {
    const r = await tokenRequest({ clientId: p.clientId, grantType: 'anonymous' });
    assert.equal(r.status, 200);
    assert.match(r.json?.['access_token'], /^OauthNG\.JWS\./);
    assert.match(r.json?.['refresh_token'], /^JWS\./);
    assert.equal(r.json?.['expires_in'], 14400);
    assert.equal(r.json?.['token_type'], 'Bearer');
    assert.equal(r.headers.get('cache-control'), 'no-store');
  });

  it('accepts snake_case and form encoding', async () => {
    const r = await tokenRequest(`client_id=${p.clientId}&grant_type=anonymous`, 'application/x-www-form-urlencoded');
    assert.equal(r.status, 200);
  });

  it('rejects an unknown client and an unknown grant in RFC 6749 form', async () => {
    const unknownClient = await tokenRequest({ clientId: 'nope', grantType: 'anonymous' });
    assert.equal(unknownClient.status, 401);
    assert.equal(unknownClient.json?.['error'], 'invalid_client');
    const unknownGrant = await tokenRequest({ clientId: p.clientId, grantType: 'password' });
    assert.equal(unknownGrant.status, 400);
    assert.equal(unknownGrant.json?.['error'], 'unsupported_grant_type');
  });

  it('refresh gives a new access token for the same visitor (SiteSessionAuth omits clientId)', async () => {
    const first = await tokenRequest({ clientId: p.clientId, grantType: 'anonymous' });
    const refreshed = await tokenRequest({ refreshToken: first.json?.['refresh_token'], grantType: 'refresh_token' });
    assert.equal(refreshed.status, 200);
    const a = await rawCall(p, '/oauth2/token-info', { body: JSON.stringify({ token: first.json?.['access_token'] }) });
    const b = await rawCall(p, '/oauth2/token-info', { body: JSON.stringify({ token: refreshed.json?.['access_token'] }) });
    assert.equal(a.json?.['subjectId'], b.json?.['subjectId']);
    assert.equal(b.json?.['subjectType'], 'VISITOR');
  });

  it('OAuthStrategy and SiteSessionAuth get visitor sessions and read public data', async () => {
    const viaOAuth = await visitorClient(p).items.query('Products').limit(3).find();
    assert.equal(viaOAuth.items.length, 3);
    const site = createClient({ modules: { items }, auth: SiteSessionAuth({ clientId: p.clientId }) });
    const viaSite = await site.items.query('Products').eq('category', 'Tents').limit(1).find();
    assert.equal(viaSite.items.length, 1);
  });

  it('a visitor is denied admin-only data with WDE0027', async () => {
    await assert.rejects(visitorClient(p).items.query('Orders').find(), (e) => errorCode(e) === 'WDE0027');
  });
});

describe('expiry on the platform clock', () => {
  it('an access token works until exp, then answers 401; the refresh token still renews', async () => {
    const t = await tokenRequest({ clientId: p.clientId, grantType: 'anonymous' });
    const client = tokenClient(t.json?.['access_token']);
    assert.equal((await client.items.query('Products').limit(1).find()).items.length, 1);
    p.advanceClock(14_400 * 1000 + 1000);
    try {
      await assert.rejects(client.items.query('Products').limit(1).find(), (e) => {
        const details = (e as { details?: { applicationError?: { description?: string } } }).details;
        return errorCode(e) === 'UNAUTHENTICATED' && /expired/.test(details?.applicationError?.description ?? '');
      });
      const renewed = await tokenRequest({ refreshToken: t.json?.['refresh_token'], grantType: 'refresh_token' });
      assert.equal(renewed.status, 200);
      assert.equal((await tokenClient(renewed.json?.['access_token']).items.query('Products').limit(1).find()).items.length, 1);
    } finally {
      p.services.clock.reset();
    }
  });

  it('the SDK renews by itself when its token has expired on the client side', async () => {
    const client = visitorClient(p);
    await client.items.query('Products').limit(1).find();
    const tokens = client.auth.getTokens();
    client.auth.setTokens({ ...tokens, accessToken: { ...tokens.accessToken, expiresAt: 0 } });
    const before = p.log.lastSeq;
    await client.items.query('Products').limit(1).find();
    const grants = p.log
      .since(before)
      .filter((e) => e.path === '/oauth2/token')
      .map((e) => e.grant);
    assert.deepEqual(grants, ['refresh_token']);
  });

  it('expireTokens() makes every issued access token fail with 401; refresh still works', async () => {
    const t = await tokenRequest({ clientId: p.clientId, grantType: 'anonymous' });
    p.expireTokens();
    await assert.rejects(tokenClient(t.json?.['access_token']).items.query('Products').find(), (e) => errorCode(e) === 'UNAUTHENTICATED');
    const renewed = await tokenRequest({ refreshToken: t.json?.['refresh_token'], grantType: 'refresh_token' });
    assert.equal((await tokenClient(renewed.json?.['access_token']).items.query('Products').limit(1).find()).items.length, 1);
  });
});

describe('members and the owner', () => {
  it('a member logs in through the SDK (login → authorize → PKCE code exchange) and sees only their notes', async () => {
    const { client, tokens } = await memberClient(p, DEMO_MEMBER.email, DEMO_MEMBER.password);
    assert.equal(tokens.refreshToken.role, 'member');
    assert.equal(client.auth.loggedIn(), true);
    const notes = await client.items.query('Notes').limit(100).find({ returnTotalCount: true });
    assert.ok(notes.totalCount! > 0);
    const member = p.services.directory.findMemberByEmail(DEMO_MEMBER.email)!;
    assert.ok(notes.items.every((n) => n._owner === member.id));
    const info = await rawCall(p, '/oauth2/token-info', { body: JSON.stringify({ token: tokens.accessToken.value }) });
    assert.equal(info.json?.['subjectType'], 'MEMBER');
    assert.equal(info.json?.['subjectId'], member.id);
    assert.equal(info.json?.['siteId'], p.siteId);
  });

  it('a wrong password is a login failure, not a session', async () => {
    const client = createClient({ modules: { items }, auth: OAuthStrategy({ clientId: p.clientId }) });
    const result = await client.auth.login({ email: DEMO_MEMBER.email, password: 'wrong' });
    assert.equal(result.loginState, 'FAILURE');
  });

  it('the owner is the admin identity: reads admin-only orders; token-info says USER', async () => {
    const { client, tokens } = await memberClient(p, DEMO_OWNER.email, DEMO_OWNER.password);
    const orders = await client.items.query('Orders').limit(5).find({ returnTotalCount: true });
    assert.equal(orders.totalCount, 250);
    const info = await rawCall(p, '/oauth2/token-info', { body: JSON.stringify({ token: tokens.accessToken.value }) });
    assert.equal(info.json?.['subjectType'], 'USER');
  });

  it('token-info answers active:false for garbage and for tokens of another key', async () => {
    const garbage = await rawCall(p, '/oauth2/token-info', { body: JSON.stringify({ token: 'OauthNG.JWS.not-a-jwt' }) });
    assert.deepEqual(garbage.json, { active: false });
  });
});

describe('the authorize endpoint', () => {
  const verifier = randomBytes(32).toString('base64url');
  const challenge = createHash('sha256').update(verifier).digest('base64url');
  const authorizeUrl = (extra: Record<string, string>) =>
    `https://www.wixapis.com/oauth2/authorize?${new URLSearchParams({ client_id: p.clientId, response_type: 'code', code_challenge: challenge, code_challenge_method: 'S256', state: 's1', ...extra })}`;

  it('an unregistered redirect URI gets an error page and never a redirect', async () => {
    const r = await fetch(authorizeUrl({ redirect_uri: 'https://evil.example/cb' }), { redirect: 'manual' });
    assert.equal(r.status, 400);
    assert.equal(r.headers.get('location'), null);
    assert.match(await r.text(), /not registered/);
  });

  it('prompt=none without a session redirects back with login_required', async () => {
    const r = await fetch(authorizeUrl({ redirect_uri: 'https://localhost/callback', prompt: 'none' }), { redirect: 'manual' });
    assert.equal(r.status, 302);
    const location = new URL(r.headers.get('location')!);
    assert.equal(location.searchParams.get('error'), 'login_required');
    assert.equal(location.searchParams.get('state'), 's1');
  });

  it('without prompt=none it shows a sign-in form; posting credentials gives a one-time code bound to the verifier', async () => {
    const page = await fetch(authorizeUrl({ redirect_uri: 'https://localhost:9999/callback' }));
    assert.equal(page.status, 200);
    assert.match(await page.text(), /<form method="post"/);
    const posted = await fetch(authorizeUrl({ redirect_uri: 'https://localhost:9999/callback' }), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: DEMO_MEMBER.email, password: DEMO_MEMBER.password }).toString(),
      redirect: 'manual',
    });
    assert.equal(posted.status, 302);
    const code = new URL(posted.headers.get('location')!).searchParams.get('code')!;
    const wrongVerifier = await tokenRequest({
      clientId: p.clientId,
      grantType: 'authorization_code',
      code,
      codeVerifier: 'x'.repeat(43),
      redirectUri: 'https://localhost:9999/callback',
    });
    assert.equal(wrongVerifier.status, 400);
    assert.equal(wrongVerifier.json?.['error'], 'invalid_grant');
    // The failed attempt burned the code: it is single-use whatever happens.
    const replay = await tokenRequest({
      clientId: p.clientId,
      grantType: 'authorization_code',
      code,
      codeVerifier: verifier,
      redirectUri: 'https://localhost:9999/callback',
    });
    assert.equal(replay.status, 400);
  });

  it('web_message answers post only to the framing page when it is the platform or a registered origin', async () => {
    const login = await rawCall(p, '/_api/iam/authentication/v2/login', {
      body: JSON.stringify({ loginId: { email: DEMO_MEMBER.email }, password: DEMO_MEMBER.password }),
    });
    const url = authorizeUrl({ response_mode: 'web_message', prompt: 'none', sessionToken: login.json?.['sessionToken'] });
    const evil = await fetch(url, { headers: { referer: 'https://evil.example/page' } });
    assert.equal(evil.status, 400);
    assert.doesNotMatch(await evil.text(), /postMessage/);
    const login2 = await rawCall(p, '/_api/iam/authentication/v2/login', {
      body: JSON.stringify({ loginId: { email: DEMO_MEMBER.email }, password: DEMO_MEMBER.password }),
    });
    const good = await fetch(authorizeUrl({ response_mode: 'web_message', prompt: 'none', sessionToken: login2.json?.['sessionToken'] }), {
      headers: { referer: 'https://localhost:5173/shop' },
    });
    assert.equal(good.status, 200);
    assert.match(await good.text(), /postMessage\(\{"code":"[\w-]+","state":"s1"\}, "https:\/\/localhost:5173"\)/);
  });

  it('wrong credentials on the form show an error and issue no code', async () => {
    const posted = await fetch(authorizeUrl({ redirect_uri: 'https://localhost/callback' }), {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ email: DEMO_MEMBER.email, password: 'nope' }).toString(),
      redirect: 'manual',
    });
    assert.equal(posted.status, 401);
    assert.equal(posted.headers.get('location'), null);
    assert.match(await posted.text(), /Wrong email or password/);
  });
});

describe('redirect URIs match as exact strings (RFC 9700 §4.1.3), loopback port aside (RFC 8252 §7.3)', () => {
  const client = { clientId: 'c', name: 'c', kind: 'site' as const, redirectUris: ['https://localhost/callback', 'https://app.example/cb?x=1'] };
  it('accepts the registered URI, and a loopback one on any port', () => {
    for (const ok of ['https://localhost/callback', 'https://localhost:5173/callback', 'https://localhost:1/callback', 'https://app.example/cb?x=1']) {
      assert.equal(redirectUriAllowed(client, ok), true, ok);
    }
  });
  it('refuses case, whitespace, port, path and query variants, fragments and other hosts', () => {
    for (const bad of [
      ' https://localhost/callback',
      'https://localhost/callback ',
      'https://LOCALHOST/callback',
      'HTTPS://localhost/callback',
      'https://localhost/Callback',
      'https://localhost/callback/',
      'https://localhost/callback?x=1',
      'https://localhost/callback#f',
      'http://localhost/callback',
      'https://localhost.evil.example/callback',
      'https://localhost:5173@evil.example/callback',
      'https://app.example:443/cb?x=1',
      'https://app.example/cb?x=1&y=2',
      'https://app.example/cb',
    ]) {
      assert.equal(redirectUriAllowed(client, bad), false, JSON.stringify(bad));
    }
  });
});
