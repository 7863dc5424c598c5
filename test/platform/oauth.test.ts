/**
 * The local OAuth 2.0 authorization server for third-party apps, against platform/oauth/CONTRACT.md:
 * the authorization-code flow with PKCE done the way a browser does it (sign-in form, consent, 302 back),
 * both client authentication methods, code replay, exact redirect-URI matching, refresh rotation with reuse
 * detection, scopes on refresh and on the Data API, revocation, client_credentials, the legacy /oauth/access
 * endpoint, expiry on the platform clock, the connected-apps page, and the audit trail (every refusal is in
 * it; no token or secret ever is).
 */
import assert from 'node:assert/strict';
import { randomBytes, randomUUID } from 'node:crypto';
import { after, afterEach, before, describe, it } from 'node:test';
import { DEMO_MEMBER, DEMO_OWNER, SECOND_MEMBER } from '../../demo/seed/index.ts';
import { errorCode, startTestPlatform, type TestPlatform } from './helpers.ts';
import {
  BOTH,
  CALLBACK,
  ORIGIN,
  READ,
  WRITE,
  appErrorCode,
  assertOAuthError,
  authorizeUrl,
  browserAuthorize,
  browserGet,
  browserPost,
  dataCall,
  dataInsert,
  dataQuery,
  exchangeCode,
  isSignInForm,
  oauthPost,
  parseForms,
  pkce,
  refresh,
  sdkWithToken,
  tokenInfo,
  tokenRequest,
  type Answer,
  type AppCredentials,
  type AuthorizeOptions,
  type AuthorizeResult,
  type User,
} from './oauth-helpers.ts';

let p: TestPlatform;

before(async () => {
  p = await startTestPlatform({ seed: 'demo' });
});
after(async () => {
  await p?.stop();
});
// A test that moved the clock and failed half-way must not expire the next test's tokens.
afterEach(() => p?.services.clock.reset());

// ---------------------------------------------------------------------------------------------------------------
// Apps, grants, and everything secret the tests see (none of it may ever reach the audit trail).

interface App extends AppCredentials {
  name: string;
}

const secrets = new Set<string>();
function remember(...values: (string | null | undefined)[]): void {
  for (const v of values) {
    if (typeof v !== 'string' || v.length < 8) continue;
    secrets.add(v);
    // A token's signature alone is as good as a secret: a truncated token must not leak it either.
    const signature = v.split('.').pop();
    if (signature && signature.length >= 16 && signature !== v) secrets.add(signature);
  }
}
remember(DEMO_MEMBER.password, DEMO_OWNER.password, SECOND_MEMBER.password);

function newApp(label: string, kind: 'full' | 'read' = 'full'): App {
  const name = `${label} ${randomBytes(3).toString('hex')}`;
  const credentials =
    kind === 'full'
      ? p.oauthApps.register({ name, redirectUris: [CALLBACK], scopes: ['wix-data.items.read', 'wix-data.items.write'] })
      : p.oauthApps.register({ name, redirectUris: [CALLBACK], scopes: ['wix-data.items.read'] });
  assert.equal(typeof credentials.clientId, 'string');
  assert.equal(typeof credentials.clientSecret, 'string');
  remember(credentials.clientSecret);
  return { name, clientId: credentials.clientId, clientSecret: credentials.clientSecret };
}

async function authorize(app: App, options: AuthorizeOptions = {}): Promise<AuthorizeResult> {
  const flow = await browserAuthorize(app.clientId, { user: DEMO_MEMBER, ...options });
  remember(flow.code, flow.verifier, flow.cookie);
  return flow;
}

interface Tokens {
  access: string;
  refresh: string;
  answer: Answer;
}

function tokensOf(a: Answer, what: string): Tokens {
  assert.equal(a.status, 200, `${what}: expected 200, got ${a.status} ${a.text.slice(0, 300)}`);
  const access = a.json?.['access_token'];
  const refreshToken = a.json?.['refresh_token'];
  assert.equal(typeof access, 'string', `${what}: access_token`);
  remember(access, refreshToken);
  return { access, refresh: refreshToken, answer: a };
}

/** The whole flow: browser dance, then the code exchanged for tokens (client_secret_basic). */
async function grant(app: App, options: AuthorizeOptions = {}): Promise<Tokens & { flow: AuthorizeResult }> {
  const flow = await authorize(app, options);
  assert.equal(flow.error, null, `authorize answered error=${flow.error}`);
  assert.ok(flow.code, 'a code came back');
  const tokens = tokensOf(await exchangeCode(app, flow), 'code exchange');
  assert.equal(typeof tokens.refresh, 'string', 'the authorization_code grant issues a refresh token');
  return { ...tokens, flow };
}

const member = () => {
  const m = p.services.directory.findMemberByEmail(DEMO_MEMBER.email);
  assert.ok(m);
  return m;
};

const scopeSet = (scope: unknown) =>
  new Set(
    String(scope ?? '')
      .split(/\s+/)
      .filter(Boolean),
  );

async function assertTokenDead(access: string, what: string): Promise<void> {
  const r = await dataQuery(access, 'Products');
  assert.equal(r.status, 401, `${what}: the access token should answer 401 on the Data API, got ${r.status} ${r.text.slice(0, 200)}`);
  const info = await tokenInfo(access);
  assert.equal(info.json?.['active'], false, `${what}: token-info should say active:false, got ${info.text.slice(0, 200)}`);
}

async function assertTokenAlive(access: string, what: string): Promise<void> {
  const r = await dataQuery(access, 'Products');
  assert.equal(r.status, 200, `${what}: the access token should still read Products, got ${r.status} ${r.text.slice(0, 200)}`);
}

// ---------------------------------------------------------------------------------------------------------------
// The audit trail.

type AuditEntry = Record<string, unknown>;
const auditEntries = (): AuditEntry[] => [...(p.oauthAudit as readonly unknown[])] as AuditEntry[];
const mark = () => auditEntries().length;

function assertNoSecretsIn(entries: AuditEntry[]): void {
  for (const entry of entries) {
    const text = JSON.stringify(entry);
    for (const s of secrets) assert.ok(!text.includes(s), `an audit entry holds a token or secret: ${text.slice(0, 300)}`);
  }
}

/** Since `since`, the audit has an entry with one of `events` (for this client when it names one), and no secrets. */
function assertAudited(since: number, events: readonly string[], clientId: string | undefined, what: string): AuditEntry {
  const fresh = auditEntries().slice(since);
  assertNoSecretsIn(fresh);
  const hit = fresh.find((e) => events.includes(String(e['event'])) && (clientId === undefined || e['clientId'] === undefined || e['clientId'] === clientId));
  assert.ok(hit, `${what}: expected an audit entry ${events.join('|')}; new entries: ${JSON.stringify(fresh).slice(0, 600)}`);
  if (events.includes('refused') || events.includes('reuse_detected')) {
    assert.equal(typeof hit['reason'], 'string', `${what}: a refusal says why`);
  }
  return hit;
}

const grantIdOf = (clientId: string): string | undefined => {
  const withGrant = auditEntries().filter((e) => e['clientId'] === clientId && typeof e['grantId'] === 'string');
  return withGrant.at(-1)?.['grantId'] as string | undefined;
};

// ---------------------------------------------------------------------------------------------------------------

describe('authorization code flow: the happy path', () => {
  let app: App;
  before(() => {
    app = newApp('Happy Path App');
  });

  it('sign-in form → allow → 302 with code and state; the code buys Bearer tokens, never cached', async () => {
    const since = mark();
    const page = await browserGet(authorizeUrl(app.clientId, { code_challenge: pkce().challenge }));
    assert.equal(page.status, 200);
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    assert.ok(isSignInForm(page.text), 'without a cookie the page is a sign-in form');

    const flow = await authorize(app);
    assert.equal(flow.oneStep, true, 'POST /oauth2/authorize with email, password and decision=allow answers 302 at once');
    assert.equal(`${flow.location.origin}${flow.location.pathname}`, CALLBACK);
    assert.equal(flow.state, flow.sentState);
    assert.ok(flow.code);
    assert.equal(flow.error, null);

    const r = await exchangeCode(app, flow);
    assert.equal(r.status, 200, r.text);
    assert.match(r.headers.get('cache-control') ?? '', /no-store/);
    assert.match(r.json?.['access_token'], /^OauthNG\.JWS\./);
    assert.equal(r.json?.['token_type'], 'Bearer');
    assert.equal(r.json?.['expires_in'], 900);
    assert.equal(typeof r.json?.['refresh_token'], 'string');
    assert.ok((r.json?.['refresh_token'] as string).length > 20);
    assert.deepEqual(scopeSet(r.json?.['scope']), new Set([READ, WRITE]));
    remember(r.json?.['access_token'], r.json?.['refresh_token']);

    assertAudited(since, ['code_issued'], app.clientId, 'code issued');
    assertAudited(since, ['token_issued'], app.clientId, 'token issued');
  });

  it('signing in sets wix_local_session: HttpOnly, Secure, SameSite=Lax', async () => {
    const flow = await authorize(app);
    assert.ok(flow.setCookie, 'the sign-in POST sets the platform session cookie');
    assert.match(flow.setCookie, /;\s*HttpOnly/i);
    assert.match(flow.setCookie, /;\s*Secure/i);
    assert.match(flow.setCookie, /;\s*SameSite=Lax/i);
  });

  it('the access token reads Products through the official SDK and by raw fetch (Bearer or raw, wix-site-id checked)', async () => {
    const { access } = await grant(app);
    const viaSdk = await sdkWithToken(access).items.query('Products').limit(3).find();
    assert.equal(viaSdk.items.length, 3);

    const withSite = await dataQuery(access, 'Products', { siteId: p.siteId });
    assert.equal(withSite.status, 200, withSite.text);
    assert.equal(withSite.json?.['dataItems']?.length, 5);
    const rawForm = await dataQuery(access, 'Products', { bearer: false });
    assert.equal(rawForm.status, 200, `the raw Authorization form works too: ${rawForm.text.slice(0, 200)}`);
    const otherSite = await dataQuery(access, 'Products', { siteId: randomUUID() });
    assert.ok(otherSite.status === 401 || otherSite.status === 403, `a wix-site-id of another site is refused, got ${otherSite.status}`);
  });

  it('token-info describes an app token: APP, the consenting user, client, scope, 900 s', async () => {
    const { access } = await grant(app);
    const info = await tokenInfo(access);
    assert.equal(info.status, 200);
    assert.equal(info.json?.['active'], true);
    assert.equal(info.json?.['subjectType'], 'APP');
    assert.equal(info.json?.['subjectId'], member().id);
    assert.equal(info.json?.['clientId'], app.clientId);
    assert.equal(info.json?.['siteId'], p.siteId);
    assert.deepEqual(scopeSet(info.json?.['scope']), new Set([READ, WRITE]));
    assert.equal(info.json?.['exp'] - info.json?.['iat'], 900);
  });

  it('signed in (cookie), authorize shows a consent page naming the app with Allow and Deny; allow issues a code', async () => {
    const first = await authorize(app);
    assert.ok(first.cookie);
    const page = await browserGet(authorizeUrl(app.clientId, { code_challenge: pkce().challenge }), first.cookie);
    assert.equal(page.status, 200);
    assert.ok(!isSignInForm(page.text), 'with a valid cookie there is no sign-in form');
    assert.ok(page.text.includes(app.name), 'the consent page names the app');
    assert.match(page.text, /allow/i);
    assert.match(page.text, /deny/i);
    const words = page.text.replace(/wix-data\.items\.\w+/g, '');
    assert.match(words, /read|view|see/i, 'the read scope is described in words');
    assert.match(words, /write|change|edit|add|modify|create|update/i, 'the write scope is described in words');

    const second = await authorize(app, { cookie: first.cookie });
    assert.ok(second.code);
    tokensOf(await exchangeCode(app, second), 'exchange after consent with the cookie');
  });

  it('the sign-in form is also the consent: it names the app, says the scopes in words, offers Allow and Deny', async () => {
    const page = await browserGet(authorizeUrl(app.clientId, { code_challenge: pkce().challenge }));
    assert.equal(page.status, 200);
    assert.ok(isSignInForm(page.text));
    assert.ok(page.text.includes(app.name), 'the page names the app');
    const words = page.text.replace(/wix-data\.items\.\w+/g, '');
    assert.match(words, /read|view|see/i, 'the read scope is described in words');
    assert.match(words, /write|change|edit|add|modify|create|update/i, 'the write scope is described in words');
    assert.match(page.text, /name="decision"[^>]*value="allow"|value="allow"[^>]*name="decision"/);
    assert.match(page.text, /name="decision"[^>]*value="deny"|value="deny"[^>]*name="decision"/);
  });

  it('signing in without decision=allow issues no code', async () => {
    const url = authorizeUrl(app.clientId, { code_challenge: pkce().challenge });
    const posted = await browserPost(url, { email: DEMO_MEMBER.email, password: DEMO_MEMBER.password });
    const location = posted.headers.get('location');
    if (posted.status === 302) {
      assert.ok(location);
      assert.equal(new URL(location).searchParams.get('code'), null, 'no code without an explicit allow');
    } else {
      assert.equal(posted.status, 200, `consent page or a redirect without a code, got ${posted.status}`);
      assert.ok(posted.text.includes(app.name), 'the consent page names the app');
    }
  });

  it('a wrong password shows the form again: no code, no session cookie', async () => {
    const url = authorizeUrl(app.clientId, { code_challenge: pkce().challenge });
    const posted = await browserPost(url, { email: DEMO_MEMBER.email, password: 'not-the-password', decision: 'allow' });
    assert.notEqual(posted.status, 302);
    assert.equal(posted.headers.get('location'), null);
    assert.ok(!/wix_local_session=[^;\s]/.test(posted.headers.get('set-cookie') ?? ''), 'no session cookie for a failed sign-in');
    assert.ok(isSignInForm(posted.text));
  });

  it('a forged session cookie gets the sign-in form, not consent', async () => {
    const page = await browserGet(authorizeUrl(app.clientId, { code_challenge: pkce().challenge }), 'wix_local_session=forged.value.here');
    assert.equal(page.status, 200);
    assert.ok(isSignInForm(page.text));
    const posted = await browserPost(
      authorizeUrl(app.clientId, { code_challenge: pkce().challenge }),
      { decision: 'allow' },
      { cookie: 'wix_local_session=forged.value.here' },
    );
    assert.ok(!posted.headers.get('location')?.includes('code='), 'no code for a forged cookie');
  });

  it('the demo seed registers "Northwind Insights" with its credentials in the secrets vault', async () => {
    const clientId = p.secrets.read('OAUTH_CLIENT_ID');
    const clientSecret = p.secrets.read('OAUTH_CLIENT_SECRET');
    assert.ok(clientId && clientSecret);
    remember(clientSecret);
    const page = await browserGet(authorizeUrl(clientId, { code_challenge: pkce().challenge }));
    assert.equal(page.status, 200);
    assert.ok(page.text.includes('Northwind Insights'));
    const demo: App = { name: 'Northwind Insights', clientId, clientSecret };
    await grant(demo);
  });

  it('the app name is HTML-escaped on the consent page', async () => {
    const evil = newApp('<img src=x onerror=alert(1)>');
    const first = await authorize(app);
    const page = await browserGet(authorizeUrl(evil.clientId, { code_challenge: pkce().challenge }), first.cookie);
    assert.equal(page.status, 200);
    assert.ok(!page.text.includes('<img src=x onerror=alert(1)>'), 'markup in an app name is not rendered');
    assert.ok(page.text.includes('&lt;img'), 'the name is shown escaped');
  });

  it('the token endpoint accepts a JSON body in camelCase', async () => {
    const flow = await authorize(app);
    const r = await tokenRequest(
      undefined,
      {
        grantType: 'authorization_code',
        code: flow.code!,
        redirectUri: flow.redirectUri,
        codeVerifier: flow.verifier,
        clientId: app.clientId,
        clientSecret: app.clientSecret,
      },
      { json: true },
    );
    tokensOf(r, 'camelCase JSON exchange');
  });
});

describe('client authentication at the token endpoint', () => {
  let app: App;
  let other: App;
  before(() => {
    app = newApp('Client Auth App');
    other = newApp('Client Auth Other');
  });

  it('client_secret_basic works', async () => {
    const flow = await authorize(app);
    tokensOf(await exchangeCode(app, flow, { auth: 'basic' }), 'basic');
  });

  it('client_secret_post works', async () => {
    const flow = await authorize(app);
    tokensOf(await exchangeCode(app, flow, { auth: 'post' }), 'post');
  });

  for (const auth of ['basic', 'post'] as const) {
    it(`a wrong client secret (${auth}) → 401 invalid_client, audited`, async () => {
      const flow = await authorize(app);
      const since = mark();
      const r = await exchangeCode({ clientId: app.clientId, clientSecret: app.clientSecret + 'x' }, flow, { auth });
      assertOAuthError(r, 401, 'invalid_client', `wrong secret (${auth})`);
      assert.equal(r.json?.['access_token'], undefined);
      assertAudited(since, ['refused'], app.clientId, 'wrong secret');
    });
  }

  it('no client secret at all → 401 invalid_client (apps are confidential clients)', async () => {
    const flow = await authorize(app);
    const since = mark();
    const r = await tokenRequest(undefined, {
      grant_type: 'authorization_code',
      code: flow.code!,
      redirect_uri: flow.redirectUri,
      code_verifier: flow.verifier,
      client_id: app.clientId,
    });
    assertOAuthError(r, 401, 'invalid_client', 'no secret');
    assertAudited(since, ['refused'], app.clientId, 'no secret');
  });

  it('an unknown client id → 401 invalid_client', async () => {
    const since = mark();
    const r = await tokenRequest({ clientId: randomUUID(), clientSecret: 'nope-nope-nope' }, { grant_type: 'client_credentials' });
    assertOAuthError(r, 401, 'invalid_client', 'unknown client');
    assertAudited(since, ['refused'], undefined, 'unknown client');
  });

  it("an app's code cannot be redeemed through the site's own client (no secret)", async () => {
    const flow = await authorize(app);
    const r = await tokenRequest(undefined, {
      grant_type: 'authorization_code',
      code: flow.code!,
      redirect_uri: flow.redirectUri,
      code_verifier: flow.verifier,
      client_id: p.clientId,
    });
    assert.ok(r.status === 400 || r.status === 401, `got ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(r.json?.['access_token'], undefined);
  });

  it("an app's refresh token cannot be used without any client id (the site-session refresh path)", async () => {
    const g = await grant(app);
    const r = await tokenRequest(undefined, { grant_type: 'refresh_token', refresh_token: g.refresh });
    assert.ok(r.status === 400 || r.status === 401, `got ${r.status} ${r.text.slice(0, 200)}`);
    assert.equal(r.json?.['access_token'], undefined);
    const camel = await tokenRequest(undefined, { grantType: 'refresh_token', refreshToken: g.refresh }, { json: true });
    assert.equal(camel.json?.['access_token'], undefined, `camelCase JSON without a client: ${camel.text.slice(0, 200)}`);
  });

  it("a code issued to one app cannot be redeemed by another app's valid credentials", async () => {
    const flow = await authorize(app);
    const since = mark();
    const r = await exchangeCode(other, flow);
    assertOAuthError(r, 400, 'invalid_grant', 'code of another client');
    assertAudited(since, ['refused'], undefined, 'code of another client');
  });
});

describe('authorization code replay', () => {
  let app: App;
  before(() => {
    app = newApp('Replay App');
  });

  it('a replayed code → invalid_grant, and the grant made from it is revoked', async () => {
    const flow = await authorize(app);
    const first = tokensOf(await exchangeCode(app, flow), 'first exchange');
    await assertTokenAlive(first.access, 'before the replay');
    const since = mark();
    const replay = await exchangeCode(app, flow);
    assertOAuthError(replay, 400, 'invalid_grant', 'replayed code');
    assert.equal(replay.json?.['access_token'], undefined);
    assertAudited(since, ['reuse_detected', 'refused'], app.clientId, 'replayed code');
    await assertTokenDead(first.access, 'access token from the replayed code');
    assertOAuthError(await refresh(app, first.refresh), 400, 'invalid_grant', 'refresh token from the replayed code');
  });
});

describe('redirect URI matching', () => {
  let app: App;
  before(() => {
    app = newApp('Redirect App');
  });

  const variants: [string, string][] = [
    ['one character', 'https://localhost/_functions/oauthCallbacK'],
    ['one character appended', 'https://localhost/_functions/oauthCallbackx'],
    ['a trailing slash', 'https://localhost/_functions/oauthCallback/'],
    ['scheme (http)', 'http://localhost/_functions/oauthCallback'],
    ['host', 'https://evil.example/_functions/oauthCallback'],
    ['host (another loopback name)', 'https://127.0.0.1/_functions/oauthCallback'],
    ['host (userinfo trick)', 'https://localhost@evil.example/_functions/oauthCallback'],
    ['path', 'https://localhost/_functions/otherCallback'],
    ['an added query', 'https://localhost/_functions/oauthCallback?next=https://evil.example'],
    ['a fragment', 'https://localhost/_functions/oauthCallback#frag'],
    ['scheme on another loopback port', 'http://localhost:8443/_functions/oauthCallback'],
    ['path on another loopback port', 'https://localhost:8443/_functions/otherCallback'],
  ];

  for (const [name, uri] of variants) {
    it(`at authorize, a redirect_uri differing by ${name} gets a 400 page and never a redirect`, async () => {
      const since = mark();
      const url = authorizeUrl(app.clientId, { redirect_uri: uri, code_challenge: pkce().challenge });
      const page = await browserGet(url);
      assert.equal(page.status, 400, `${uri}: expected 400, got ${page.status} ${page.headers.get('location') ?? ''}`);
      assert.equal(page.headers.get('location'), null);
      assert.match(page.headers.get('content-type') ?? '', /text\/html/);
      assert.ok(!isSignInForm(page.text), 'no sign-in form for an unregistered redirect URI');
      // Posting credentials anyway gets no code either.
      const posted = await browserPost(url, { email: DEMO_MEMBER.email, password: DEMO_MEMBER.password, decision: 'allow' });
      assert.equal(posted.status, 400);
      assert.equal(posted.headers.get('location'), null);
      assertAudited(since, ['refused'], app.clientId, `redirect_uri ${name}`);
    });
  }

  for (const [name, uri] of variants) {
    it(`at the token endpoint, a redirect_uri differing by ${name} → invalid_grant`, async () => {
      const flow = await authorize(app);
      const since = mark();
      const r = await exchangeCode(app, flow, { redirectUri: uri });
      assertOAuthError(r, 400, 'invalid_grant', `token redirect_uri ${name}`);
      assertAudited(since, ['refused'], app.clientId, `token redirect_uri ${name}`);
    });
  }

  it('at the token endpoint, a missing redirect_uri is refused', async () => {
    const flow = await authorize(app);
    const r = await tokenRequest(app, { grant_type: 'authorization_code', code: flow.code!, code_verifier: flow.verifier });
    assertOAuthError(r, 400, ['invalid_grant', 'invalid_request'], 'missing redirect_uri');
  });

  it('another loopback port is allowed at authorize, but the token exchange must repeat the same redirect_uri', async () => {
    const ported = 'https://localhost:8443/_functions/oauthCallback';
    const flow = await authorize(app, { redirectUri: ported });
    assert.ok(flow.code, 'a code for the loopback URI on another port');
    assert.equal(`${flow.location.origin}${flow.location.pathname}`, ported, 'sent back to the port asked for');
    const since = mark();
    assertOAuthError(await exchangeCode(app, flow, { redirectUri: CALLBACK }), 400, 'invalid_grant', 'registered URI instead of the one authorized');
    assertAudited(since, ['refused'], app.clientId, 'port mismatch at token');
    const again = await authorize(app, { redirectUri: ported });
    tokensOf(await exchangeCode(app, again, { redirectUri: ported }), 'same ported redirect_uri');
  });

  it('an unregistered redirect_uri wins over later errors: bad PKCE or scope still get the 400 page, not a redirect', async () => {
    for (const extra of [{ code_challenge_method: 'plain' }, { scope: 'wix-data.admin' }, { response_type: 'token' }]) {
      const page = await browserGet(authorizeUrl(app.clientId, { redirect_uri: 'https://evil.example/cb', code_challenge: pkce().challenge, ...extra }));
      assert.equal(page.status, 400, JSON.stringify(extra));
      assert.equal(page.headers.get('location'), null, JSON.stringify(extra));
    }
  });

  it('a redirect_uri in the POSTed form does not override the one in the authorize request', async () => {
    const url = authorizeUrl(app.clientId, { code_challenge: pkce().challenge });
    const posted = await browserPost(url, {
      email: DEMO_MEMBER.email,
      password: DEMO_MEMBER.password,
      decision: 'allow',
      redirect_uri: 'https://evil.example/cb',
      client_id: randomUUID(),
    });
    const location = posted.headers.get('location');
    if (location) assert.equal(`${new URL(location).origin}${new URL(location).pathname}`, CALLBACK);
  });

  it('an unknown client_id gets a 400 page and never a redirect', async () => {
    const since = mark();
    const page = await browserGet(authorizeUrl(randomUUID(), { code_challenge: pkce().challenge }));
    assert.equal(page.status, 400);
    assert.equal(page.headers.get('location'), null);
    assertAudited(since, ['refused'], undefined, 'unknown client at authorize');
  });
});

describe('PKCE and request checks', () => {
  let app: App;
  before(() => {
    app = newApp('PKCE App');
  });

  const errorBack = async (query: Record<string, string | null>, expected: string, what: string) => {
    const since = mark();
    const flow = await authorize(app, { query });
    assert.equal(`${flow.location.origin}${flow.location.pathname}`, CALLBACK, `${what}: the error goes back to the redirect URI`);
    assert.equal(flow.error, expected, `${what}: error=${flow.error}`);
    assert.equal(flow.state, flow.sentState, `${what}: state comes back`);
    assert.equal(flow.code, null, `${what}: no code`);
    assertAudited(since, ['refused'], app.clientId, what);
  };

  it('no code_challenge → redirect with error=invalid_request', () =>
    errorBack({ code_challenge: null, code_challenge_method: null }, 'invalid_request', 'missing PKCE'));

  it('code_challenge_method=plain → redirect with error=invalid_request', async () => {
    const { verifier } = pkce();
    await errorBack({ code_challenge: verifier, code_challenge_method: 'plain' }, 'invalid_request', 'plain PKCE');
  });

  it('response_type=token → redirect with error=unsupported_response_type', () =>
    errorBack({ response_type: 'token' }, 'unsupported_response_type', 'implicit grant'));

  it('a missing code_verifier at the token endpoint is refused', async () => {
    const flow = await authorize(app);
    const since = mark();
    const r = await exchangeCode(app, flow, { verifier: null });
    // The contract does not say which of the two; RFC 7636 §4.6 leans on invalid_grant.
    assertOAuthError(r, 400, ['invalid_grant', 'invalid_request'], 'missing verifier');
    assertAudited(since, ['refused'], app.clientId, 'missing verifier');
  });

  it('a wrong code_verifier at the token endpoint → invalid_grant', async () => {
    const flow = await authorize(app);
    const since = mark();
    const r = await exchangeCode(app, flow, { verifier: pkce().verifier });
    assertOAuthError(r, 400, 'invalid_grant', 'wrong verifier');
    assertAudited(since, ['refused'], app.clientId, 'wrong verifier');
  });

  it('the code_challenge itself is not accepted as the verifier', async () => {
    const flow = await authorize(app);
    assertOAuthError(await exchangeCode(app, flow, { verifier: flow.challenge }), 400, 'invalid_grant', 'challenge as verifier');
  });
});

describe('consent denied', () => {
  let app: App;
  before(() => {
    app = newApp('Deny App');
  });

  it('deny → redirect with error=access_denied and state, no code; audited as consent_denied', async () => {
    const since = mark();
    const flow = await authorize(app, { decision: 'deny' });
    assert.equal(`${flow.location.origin}${flow.location.pathname}`, CALLBACK);
    assert.equal(flow.error, 'access_denied');
    assert.equal(flow.state, flow.sentState);
    assert.equal(flow.code, null);
    assertAudited(since, ['consent_denied'], app.clientId, 'deny');
  });
});

describe('refresh rotation and reuse detection', () => {
  let app: App;
  let other: App;
  before(() => {
    app = newApp('Refresh App');
    other = newApp('Refresh Other');
  });

  it('a refresh gives a new access token and a new refresh token, audited', async () => {
    const first = await grant(app);
    const since = mark();
    const second = tokensOf(await refresh(app, first.refresh), 'refresh');
    assert.match(second.answer.headers.get('cache-control') ?? '', /no-store/);
    assert.equal(typeof second.refresh, 'string', 'rotation: a refresh token comes back');
    assert.notEqual(second.refresh, first.refresh, 'rotation: a NEW refresh token');
    assert.notEqual(second.access, first.access);
    assert.equal(second.answer.json?.['token_type'], 'Bearer');
    assert.deepEqual(scopeSet(second.answer.json?.['scope']), new Set([READ, WRITE]));
    await assertTokenAlive(second.access, 'refreshed access token');
    assertAudited(since, ['refresh'], app.clientId, 'refresh');
  });

  it('presenting a used refresh token → invalid_grant, and the whole grant is revoked', async () => {
    const first = await grant(app);
    const second = tokensOf(await refresh(app, first.refresh), 'rotation 1');
    const third = tokensOf(await refresh(app, second.refresh), 'rotation 2');
    await assertTokenAlive(third.access, 'latest access before reuse');
    const since = mark();
    assertOAuthError(await refresh(app, first.refresh), 400, 'invalid_grant', 'reused refresh token');
    assertAudited(since, ['reuse_detected'], app.clientId, 'refresh reuse');
    assertOAuthError(await refresh(app, third.refresh), 400, 'invalid_grant', 'newest refresh token after reuse');
    await assertTokenDead(third.access, 'latest access token after reuse');
    await assertTokenDead(second.access, 'older access token after reuse');
  });

  it("a refresh token presented with another app's credentials → invalid_grant", async () => {
    const mine = await grant(app);
    const since = mark();
    const r = await refresh(other, mine.refresh);
    assertOAuthError(r, 400, 'invalid_grant', 'refresh token of another client');
    assertAudited(since, ['refused', 'reuse_detected'], undefined, 'refresh token of another client');
  });

  it('a refresh without client authentication → 401 invalid_client', async () => {
    const mine = await grant(app);
    const since = mark();
    const r = await tokenRequest(undefined, { grant_type: 'refresh_token', refresh_token: mine.refresh, client_id: app.clientId });
    assertOAuthError(r, 401, 'invalid_client', 'refresh without secret');
    assertAudited(since, ['refused'], app.clientId, 'refresh without secret');
  });
});

describe('scopes at authorize and on refresh', () => {
  let full: App;
  let readOnly: App;
  before(() => {
    full = newApp('Scopes Full App');
    readOnly = newApp('Scopes Read-only App', 'read');
  });

  it("a read-only app's grant refreshing with read + write → invalid_scope", async () => {
    const g = await grant(readOnly, { query: { scope: READ } });
    assert.deepEqual(scopeSet(g.answer.json?.['scope']), new Set([READ]));
    const since = mark();
    const r = await refresh(readOnly, g.refresh, BOTH);
    assertOAuthError(r, 400, 'invalid_scope', 'escalation on refresh');
    assert.equal(r.json?.['access_token'], undefined);
    assertAudited(since, ['refused'], readOnly.clientId, 'escalation on refresh');
  });

  it('a read-only grant of a full app cannot widen itself on refresh either', async () => {
    const g = await grant(full, { query: { scope: READ } });
    assert.deepEqual(scopeSet(g.answer.json?.['scope']), new Set([READ]));
    const since = mark();
    assertOAuthError(await refresh(full, g.refresh, BOTH), 400, 'invalid_scope', 'widening a narrow grant');
    assertAudited(since, ['refused'], full.clientId, 'widening a narrow grant');
  });

  it('asking at authorize for a scope the app may not have → redirect with error=invalid_scope', async () => {
    const since = mark();
    const flow = await authorize(readOnly, { query: { scope: BOTH } });
    assert.equal(`${flow.location.origin}${flow.location.pathname}`, CALLBACK);
    assert.equal(flow.error, 'invalid_scope');
    assert.equal(flow.state, flow.sentState);
    assert.equal(flow.code, null);
    assertAudited(since, ['refused'], readOnly.clientId, 'scope beyond the app');
  });

  it('an unknown scope at authorize → redirect with error=invalid_scope', async () => {
    const flow = await authorize(full, { query: { scope: `${READ} wix-data.admin` } });
    assert.equal(flow.error, 'invalid_scope');
    assert.equal(flow.code, null);
  });

  it('a refresh may narrow the scope: the narrowed token reads but cannot write', async () => {
    const g = await grant(full);
    const narrowed = tokensOf(await refresh(full, g.refresh, READ), 'narrowing refresh');
    assert.deepEqual(scopeSet(narrowed.answer.json?.['scope']), new Set([READ]));
    await assertTokenAlive(narrowed.access, 'narrowed token');
    const insert = await dataInsert(narrowed.access, 'Notes', { title: 'narrowed' });
    assert.equal(insert.status, 403);
    assert.equal(appErrorCode(insert), 'WDE0027');
  });
});

describe('scopes and item permissions on the Data API', () => {
  let full: App;
  let readOnly: App;
  before(() => {
    full = newApp('Data Full App');
    readOnly = newApp('Data Read-only App', 'read');
  });

  it('a read-only grant reads Products but every insert is 403 WDE0027 (member: Notes; owner: Products, Orders)', async () => {
    const m = await grant(readOnly, { query: { scope: READ } });
    assert.equal((await sdkWithToken(m.access).items.query('Products').limit(2).find()).items.length, 2);
    const notes = await dataInsert(m.access, 'Notes', { title: 'should not land' });
    assert.equal(notes.status, 403, notes.text);
    assert.equal(appErrorCode(notes), 'WDE0027');
    await assert.rejects(sdkWithToken(m.access).items.insert('Notes', { title: 'nope' }), (e) => errorCode(e) === 'WDE0027');

    const o = await grant(readOnly, { user: DEMO_OWNER, query: { scope: READ } });
    for (const collection of ['Products', 'Orders']) {
      const r = await dataInsert(o.access, collection, { title: 'should not land' });
      assert.equal(r.status, 403, `${collection}: ${r.text}`);
      assert.equal(appErrorCode(r), 'WDE0027');
    }
  });

  it("a read-only owner's grant cannot write by any route (update, save, remove, truncate, bulk), and nothing changes", async () => {
    const o = await grant(readOnly, { user: DEMO_OWNER, query: { scope: READ } });
    const admin = { authorization: p.apiKey, 'wix-site-id': p.siteId };
    const snapshot = async () => {
      const r = await fetch(`${ORIGIN}/wix-data/v2/items/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...admin },
        body: JSON.stringify({
          dataCollectionId: 'Products',
          query: { paging: { limit: 1 }, sort: [{ fieldName: '_id', order: 'ASC' }] },
          returnTotalCount: true,
        }),
      });
      const json = (await r.json()) as { dataItems: { id: string; data: Record<string, unknown> }[]; pagingMetadata: { total: number } };
      return { total: json.pagingMetadata.total, first: json.dataItems[0]! };
    };
    const before = await snapshot();
    const id = before.first.id;
    const attempts: [string, string, unknown][] = [
      ['update', '/items/update', { dataCollectionId: 'Products', dataItem: { id, data: { ...before.first.data, title: 'changed by an app' } } }],
      ['save', '/items/save', { dataCollectionId: 'Products', dataItem: { id, data: { ...before.first.data, title: 'saved by an app' } } }],
      ['remove', '/items/remove', { dataCollectionId: 'Products', dataItemId: id }],
      ['truncate', '/items/truncate', { dataCollectionId: 'Products' }],
      ['bulk insert', '/bulk/items/insert', { dataCollectionId: 'Products', dataItems: [{ data: { title: 'bulk by an app' } }] }],
      ['bulk save', '/bulk/items/save', { dataCollectionId: 'Products', dataItems: [{ id, data: { ...before.first.data, title: 'bulk saved' } }] }],
      ['bulk update', '/bulk/items/update', { dataCollectionId: 'Products', dataItems: [{ id, data: { ...before.first.data, title: 'bulk updated' } }] }],
      ['bulk remove', '/bulk/items/remove', { dataCollectionId: 'Products', dataItemIds: [id] }],
    ];
    for (const [name, path, body] of attempts) {
      const r = await dataCall(path, o.access, body);
      const refusedWhole = r.status === 403 && appErrorCode(r) === 'WDE0027';
      const refusedPerItem = r.status === 200 && r.json?.['bulkActionMetadata']?.['totalSuccesses'] === 0;
      assert.ok(refusedWhole || (path.startsWith('/bulk') && refusedPerItem), `${name}: expected 403 WDE0027, got ${r.status} ${r.text.slice(0, 200)}`);
    }
    const afterAll = await snapshot();
    assert.equal(afterAll.total, before.total, 'no item added or removed');
    assert.deepEqual(afterAll.first, before.first, 'the item is unchanged');
  });

  it('an app token does not manage collections (no scope covers it)', async () => {
    const o = await grant(full, { user: DEMO_OWNER });
    const r = await dataCall('/collections', o.access, {
      collection: { id: `AppMade${randomBytes(3).toString('hex')}`, permissions: { read: 'ANYONE', insert: 'ANYONE', update: 'ANYONE', remove: 'ANYONE' } },
    });
    assert.ok(r.status === 401 || r.status === 403, `creating a collection with an app token: ${r.status} ${r.text.slice(0, 200)}`);
  });

  it("a member's full grant writes what the member may, sees only the member's notes, and never admin-only Orders", async () => {
    const m = await grant(full);
    const inserted = await dataInsert(m.access, 'Notes', { title: 'written by an app' });
    assert.equal(inserted.status, 200, inserted.text);
    const notes = await sdkWithToken(m.access).items.query('Notes').limit(100).find();
    assert.ok(notes.items.length > 0);
    assert.ok(
      notes.items.every((n) => n['_owner'] === member().id),
      "only the member's own notes",
    );
    const orders = await dataQuery(m.access, 'Orders');
    assert.equal(orders.status, 403, `a member's grant reaches admin-only data: ${orders.text.slice(0, 200)}`);
    const ordersInsert = await dataInsert(m.access, 'Products', { title: 'member app insert' });
    assert.equal(ordersInsert.status, 403);
  });

  it("an owner's grant reads admin-only Orders", async () => {
    const o = await grant(full, { user: DEMO_OWNER });
    const orders = await sdkWithToken(o.access).items.query('Orders').limit(5).find({ returnTotalCount: true });
    assert.equal(orders.totalCount, 250);
    const info = await tokenInfo(o.access);
    assert.equal(info.json?.['subjectId'], p.owner.id);
  });
});

describe('revocation (RFC 7009)', () => {
  let app: App;
  let other: App;
  before(() => {
    app = newApp('Revoke App');
    other = newApp('Revoke Other');
  });

  it('revoking an access token revokes the grant: 401 on the Data API, token-info inactive; idempotent 200', async () => {
    const g = await grant(app);
    await assertTokenAlive(g.access, 'before revoke');
    const since = mark();
    const r = await oauthPost('/oauth2/revoke', app, { token: g.access });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json, {});
    assertAudited(since, ['revoked'], app.clientId, 'revoke');
    await assertTokenDead(g.access, 'revoked access token');
    assertOAuthError(await refresh(app, g.refresh), 400, 'invalid_grant', 'refresh of a revoked grant');
    const again = await oauthPost('/oauth2/revoke', app, { token: g.access });
    assert.equal(again.status, 200);
    assert.deepEqual(again.json, {});
  });

  it('revoking the refresh token (client_secret_post) kills the access tokens too', async () => {
    const g = await grant(app);
    const r = await oauthPost('/oauth2/revoke', app, { token: g.refresh }, { auth: 'post' });
    assert.equal(r.status, 200, r.text);
    await assertTokenDead(g.access, 'access token after its refresh token was revoked');
  });

  it('an unknown token → 200 {}', async () => {
    const r = await oauthPost('/oauth2/revoke', app, { token: 'OauthNG.JWS.nothing-here' });
    assert.equal(r.status, 200);
    assert.deepEqual(r.json, {});
  });

  it('without client authentication, or by another app, the token is not revoked', async () => {
    const g = await grant(app);
    const anonymous = await oauthPost('/oauth2/revoke', undefined, { token: g.access });
    assert.notEqual(anonymous.status, 500);
    await assertTokenAlive(g.access, 'after an unauthenticated revoke');
    const wrongSecret = await oauthPost('/oauth2/revoke', { clientId: app.clientId, clientSecret: 'wrong-secret-x' }, { token: g.access });
    assert.notEqual(wrongSecret.status, 500);
    await assertTokenAlive(g.access, 'after a revoke with a wrong secret');
    await oauthPost('/oauth2/revoke', other, { token: g.access });
    await assertTokenAlive(g.access, "after another app's revoke");
    await oauthPost('/oauth2/revoke', other, { token: g.refresh });
    tokensOf(await refresh(app, g.refresh), "refresh after another app's revoke");
  });
});

describe('client_credentials', () => {
  let app: App;
  let readOnly: App;
  before(() => {
    app = newApp('Credentials App');
    readOnly = newApp('Credentials Read-only App', 'read');
  });

  it('an app-only access token, no refresh token; it reads Products through the SDK', async () => {
    const r = await tokenRequest(app, { grant_type: 'client_credentials' });
    assert.equal(r.status, 200, r.text);
    remember(r.json?.['access_token']);
    assert.match(r.headers.get('cache-control') ?? '', /no-store/);
    assert.match(r.json?.['access_token'], /^OauthNG\.JWS\./);
    assert.equal(r.json?.['token_type'], 'Bearer');
    assert.equal(r.json?.['expires_in'], 900);
    assert.equal(r.json?.['refresh_token'], undefined, 'no refresh token for client_credentials');
    const found = await sdkWithToken(r.json?.['access_token']).items.query('Products').limit(3).find();
    assert.equal(found.items.length, 3);
    const info = await tokenInfo(r.json?.['access_token']);
    assert.equal(info.json?.['active'], true);
    assert.equal(info.json?.['subjectType'], 'APP');
    assert.equal(info.json?.['subjectId'], app.clientId);
    assert.equal(info.json?.['clientId'], app.clientId);
  });

  it('the app acts as the site admin: it reads admin-only Orders (client_secret_post)', async () => {
    const r = await tokenRequest(app, { grant_type: 'client_credentials' }, { auth: 'post' });
    assert.equal(r.status, 200, r.text);
    remember(r.json?.['access_token']);
    const orders = await dataQuery(r.json?.['access_token'], 'Orders');
    assert.equal(orders.status, 200, orders.text.slice(0, 200));
    assert.equal(orders.json?.['pagingMetadata']?.['total'], 250);
  });

  it('scope=read gives a token that cannot write; a read-only app cannot ask for write', async () => {
    const r = await tokenRequest(app, { grant_type: 'client_credentials', scope: READ });
    assert.equal(r.status, 200, r.text);
    remember(r.json?.['access_token']);
    assert.deepEqual(scopeSet(r.json?.['scope']), new Set([READ]));
    const insert = await dataInsert(r.json?.['access_token'], 'Products', { title: 'nope' });
    assert.equal(insert.status, 403);
    assert.equal(appErrorCode(insert), 'WDE0027');

    const since = mark();
    assertOAuthError(await tokenRequest(readOnly, { grant_type: 'client_credentials', scope: BOTH }), 400, 'invalid_scope', 'read-only app asking for write');
    assertAudited(since, ['refused'], readOnly.clientId, 'client_credentials scope escalation');
    const ro = await tokenRequest(readOnly, { grant_type: 'client_credentials' });
    assert.equal(ro.status, 200);
    remember(ro.json?.['access_token']);
    const roInsert = await dataInsert(ro.json?.['access_token'], 'Products', { title: 'nope' });
    assert.equal(roInsert.status, 403);
    assert.equal(appErrorCode(roInsert), 'WDE0027');
  });

  it('a client_credentials token can be revoked', async () => {
    const r = await tokenRequest(app, { grant_type: 'client_credentials' });
    remember(r.json?.['access_token']);
    await assertTokenAlive(r.json?.['access_token'], 'client_credentials token');
    assert.equal((await oauthPost('/oauth2/revoke', app, { token: r.json?.['access_token'] })).status, 200);
    await assertTokenDead(r.json?.['access_token'], 'revoked client_credentials token');
  });

  it('a wrong secret → 401 invalid_client, audited', async () => {
    const since = mark();
    assertOAuthError(
      await tokenRequest({ clientId: app.clientId, clientSecret: 'not-the-secret' }, { grant_type: 'client_credentials' }),
      401,
      'invalid_client',
      'client_credentials wrong secret',
    );
    assertAudited(since, ['refused'], app.clientId, 'client_credentials wrong secret');
  });

  it('an unknown grant type → 400 unsupported_grant_type', async () => {
    assertOAuthError(await tokenRequest(app, { grant_type: 'password', username: 'x', password: 'y' }), 400, 'unsupported_grant_type', 'password grant');
  });
});

describe('legacy POST /oauth/access', () => {
  let app: App;
  before(() => {
    app = newApp('Legacy App');
  });

  const legacy = async (body: Record<string, string>) => {
    const response = await fetch(`${ORIGIN}/oauth/access`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const text = await response.text();
    let json: Record<string, any> | undefined;
    try {
      json = JSON.parse(text) as Record<string, any>;
    } catch {
      json = undefined;
    }
    return { status: response.status, text, json };
  };

  it('code + client_id + client_secret + code_verifier → access_token and refresh_token that work', async () => {
    const flow = await authorize(app);
    const r = await legacy({
      grant_type: 'authorization_code',
      code: flow.code!,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code_verifier: flow.verifier,
    });
    assert.equal(r.status, 200, r.text);
    remember(r.json?.['access_token'], r.json?.['refresh_token']);
    assert.equal(typeof r.json?.['access_token'], 'string');
    assert.equal(typeof r.json?.['refresh_token'], 'string');
    await assertTokenAlive(r.json?.['access_token'], 'legacy access token');
  });

  it('the refresh variant rotates; the old refresh token is then refused', async () => {
    const flow = await authorize(app);
    // redirect_uri is not in the contract's legacy body; it is added here so this test checks rotation alone.
    const first = await legacy({
      grant_type: 'authorization_code',
      code: flow.code!,
      client_id: app.clientId,
      client_secret: app.clientSecret,
      code_verifier: flow.verifier,
      redirect_uri: flow.redirectUri,
    });
    assert.equal(first.status, 200, first.text);
    remember(first.json?.['access_token'], first.json?.['refresh_token']);
    const second = await legacy({
      grant_type: 'refresh_token',
      refresh_token: first.json?.['refresh_token'],
      client_id: app.clientId,
      client_secret: app.clientSecret,
    });
    assert.equal(second.status, 200, second.text);
    remember(second.json?.['access_token'], second.json?.['refresh_token']);
    assert.equal(typeof second.json?.['refresh_token'], 'string');
    assert.notEqual(second.json?.['refresh_token'], first.json?.['refresh_token'], 'a new refresh token');
    await assertTokenAlive(second.json?.['access_token'], 'legacy refreshed access token');
    const since = mark();
    const reused = await legacy({
      grant_type: 'refresh_token',
      refresh_token: first.json?.['refresh_token'],
      client_id: app.clientId,
      client_secret: app.clientSecret,
    });
    assert.ok(reused.status >= 400 && reused.status < 500, `the used refresh token is refused, got ${reused.status}`);
    assert.equal(reused.json?.['access_token'], undefined);
    assertAudited(since, ['reuse_detected'], app.clientId, 'legacy refresh reuse');
  });

  it('PKCE holds on the legacy endpoint too: no verifier or a wrong one gets no tokens, and neither does another redirect_uri', async () => {
    for (const [name, extra] of [
      ['no code_verifier', {}],
      ['a wrong code_verifier', { code_verifier: pkce().verifier }],
      ['another redirect_uri', { redirect_uri: 'https://evil.example/_functions/oauthCallback' }],
    ] as const) {
      const flow = await authorize(app);
      const since = mark();
      const body: Record<string, string> = { grant_type: 'authorization_code', code: flow.code!, client_id: app.clientId, client_secret: app.clientSecret };
      if (name === 'another redirect_uri') body['code_verifier'] = flow.verifier;
      const r = await legacy({ ...body, ...extra });
      assert.ok(r.status === 400 || r.status === 401, `${name}: got ${r.status} ${r.text.slice(0, 200)}`);
      assert.equal(r.json?.['access_token'], undefined, name);
      assertAudited(since, ['refused'], app.clientId, `legacy ${name}`);
    }
  });

  it('client_credentials is not offered on the legacy endpoint', async () => {
    const r = await legacy({ grant_type: 'client_credentials', client_id: app.clientId, client_secret: app.clientSecret });
    assert.equal(r.json?.['access_token'], undefined);
  });

  it('a wrong client secret is refused and audited', async () => {
    const flow = await authorize(app);
    const since = mark();
    const r = await legacy({
      grant_type: 'authorization_code',
      code: flow.code!,
      client_id: app.clientId,
      client_secret: 'wrong-secret-zz',
      code_verifier: flow.verifier,
    });
    assert.ok(r.status === 400 || r.status === 401, `got ${r.status}`);
    assert.equal(r.json?.['access_token'], undefined);
    assertAudited(since, ['refused'], app.clientId, 'legacy wrong secret');
  });
});

describe('expiry on the platform clock', () => {
  let app: App;
  before(() => {
    app = newApp('Expiry App');
  });

  it('an access token answers 401 after 900 s; the refresh token still renews', async () => {
    const g = await grant(app);
    await assertTokenAlive(g.access, 'fresh token');
    try {
      p.advanceClock(901_000);
      await assertTokenDead(g.access, 'after 901 s');
      const renewed = tokensOf(await refresh(app, g.refresh), 'refresh after expiry');
      await assertTokenAlive(renewed.access, 'renewed token');
    } finally {
      p.services.clock.reset();
    }
  });

  it('an authorization code expires after 10 minutes', async () => {
    const flow = await authorize(app);
    try {
      p.advanceClock(601_000);
      const since = mark();
      assertOAuthError(await exchangeCode(app, flow), 400, 'invalid_grant', 'expired code');
      assertAudited(since, ['refused'], app.clientId, 'expired code');
    } finally {
      p.services.clock.reset();
    }
  });
});

describe('connected apps', () => {
  let app: App;
  before(() => {
    app = newApp('Connected Dashboard');
  });

  async function revokeForm(cookie: string, grantId: string | undefined) {
    const page = await browserGet(`${ORIGIN}/oauth2/connected-apps`, cookie);
    assert.equal(page.status, 200, page.text.slice(0, 300));
    const forms = parseForms(page.text).filter((f) => 'grant_id' in f.hidden);
    const form =
      (grantId && forms.find((f) => f.hidden['grant_id'] === grantId)) ||
      forms.find((f) => {
        const before = page.text.slice(0, f.start);
        return before.lastIndexOf(app.name) > Math.max(...forms.filter((g) => g.end <= f.start).map((g) => g.end), -1);
      });
    return { page, form };
  }

  it("lists the signed-in user's grant by app name; revoking it (same origin) kills its tokens", async () => {
    const g = await grant(app);
    assert.ok(g.flow.cookie);
    const { page, form } = await revokeForm(g.flow.cookie, grantIdOf(app.clientId));
    assert.ok(page.text.includes(app.name), 'the page names the app');
    assert.ok(form, 'a Revoke form with grant_id for the grant');
    const grantId = form.hidden['grant_id']!;
    const since = mark();
    const target = form.action ? new URL(form.action, `${ORIGIN}/oauth2/connected-apps`).toString() : `${ORIGIN}/oauth2/connected-apps/revoke`;
    assert.equal(new URL(target).pathname, '/oauth2/connected-apps/revoke');
    const r = await browserPost(target, { ...form.hidden, grant_id: grantId }, { cookie: g.flow.cookie, origin: ORIGIN });
    assert.ok(r.status >= 200 && r.status < 400, `revoke answered ${r.status} ${r.text.slice(0, 200)}`);
    assertAudited(since, ['revoked'], undefined, 'connected-apps revoke');
    await assertTokenDead(g.access, 'after revoking on the connected-apps page');
    assertOAuthError(await refresh(app, g.refresh), 400, 'invalid_grant', 'refresh after connected-apps revoke');
    const after = await browserGet(`${ORIGIN}/oauth2/connected-apps`, g.flow.cookie);
    assert.ok(!parseForms(after.text).some((f) => f.hidden['grant_id'] === grantId), 'the revoked grant has no Revoke button any more');
  });

  it('without the cookie: the sign-in form, and a revoke POST does nothing', async () => {
    const g = await grant(app);
    const { form } = await revokeForm(g.flow.cookie!, grantIdOf(app.clientId));
    assert.ok(form);
    const expected = grantIdOf(app.clientId);
    if (expected) assert.equal(form.hidden['grant_id'], expected, 'the Revoke form of this very grant');
    const page = await browserGet(`${ORIGIN}/oauth2/connected-apps`);
    assert.equal(page.status, 200);
    assert.ok(isSignInForm(page.text), 'the sign-in form');
    assert.ok(!page.text.includes(app.name));
    const r = await browserPost(`${ORIGIN}/oauth2/connected-apps/revoke`, { ...form.hidden }, { origin: ORIGIN });
    assert.notEqual(r.status, 500);
    await assertTokenAlive(g.access, 'after a revoke without the cookie');
  });

  it('a cross-origin revoke POST (CSRF) does nothing', async () => {
    const g = await grant(app);
    const { form } = await revokeForm(g.flow.cookie!, grantIdOf(app.clientId));
    assert.ok(form);
    const expected = grantIdOf(app.clientId);
    if (expected) assert.equal(form.hidden['grant_id'], expected, 'the Revoke form of this very grant');
    const r = await browserPost(`${ORIGIN}/oauth2/connected-apps/revoke`, { ...form.hidden }, { cookie: g.flow.cookie!, origin: 'https://evil.example' });
    assert.ok(r.status >= 400 && r.status < 500, `cross-origin revoke refused, got ${r.status}`);
    await assertTokenAlive(g.access, 'after a cross-origin revoke');
    tokensOf(await refresh(app, g.refresh), 'refresh after a cross-origin revoke');
  });

  it("another signed-in user cannot revoke someone else's grant", async () => {
    const g = await grant(app);
    const { form } = await revokeForm(g.flow.cookie!, grantIdOf(app.clientId));
    assert.ok(form);
    const expected = grantIdOf(app.clientId);
    if (expected) assert.equal(form.hidden['grant_id'], expected, 'the Revoke form of this very grant');
    const otherUser: User = SECOND_MEMBER;
    const intruder = await authorize(newApp('Intruder Helper'), { user: otherUser });
    assert.ok(intruder.cookie);
    const r = await browserPost(`${ORIGIN}/oauth2/connected-apps/revoke`, { grant_id: form.hidden['grant_id']! }, { cookie: intruder.cookie, origin: ORIGIN });
    assert.notEqual(r.status, 500);
    await assertTokenAlive(g.access, "after another user's revoke");
  });
});

describe('the audit trail', () => {
  it('no request in this file made the platform answer 500', () => {
    const failures = p.log.since().filter((e) => e.status >= 500);
    assert.deepEqual(
      failures.map((e) => `${e.method} ${e.path} ${e.status}`),
      [],
    );
  });

  it('holds no client secret, token, code, verifier, password or session cookie', () => {
    const entries = auditEntries();
    assert.ok(entries.length > 0);
    assertNoSecretsIn(entries);
    const known = new Set(['code_issued', 'token_issued', 'refresh', 'refused', 'reuse_detected', 'revoked', 'consent_denied']);
    for (const e of entries) {
      assert.ok(known.has(String(e['event'])), `unknown audit event ${String(e['event'])}`);
      assert.ok(e['at'] !== undefined, 'every entry has a time');
    }
  });
});

describe('consent by cookie alone', () => {
  it('is accepted only from the platform’s own origin', async () => {
    const app = newApp('Cookie consent');
    const first = await browserAuthorize(app.clientId, { user: { email: DEMO_MEMBER.email, password: DEMO_MEMBER.password } });
    assert.ok(first.cookie, 'signing in set the session cookie');
    const { challenge } = pkce();
    const url = authorizeUrl(app.clientId, { redirect_uri: CALLBACK, state: 'x', code_challenge: challenge });
    const before = p.oauthAudit.length;
    const foreign = await browserPost(url, { decision: 'allow' }, { cookie: first.cookie, origin: 'https://localhost:9999' });
    assert.equal(foreign.status, 403);
    assert.equal(foreign.headers.get('location'), null);
    assert.ok(p.oauthAudit.slice(before).some((e) => e.event === 'refused'));
    const own = await browserPost(url, { decision: 'allow' }, { cookie: first.cookie });
    assert.equal(own.status, 302);
    assert.ok(new URL(own.headers.get('location')!).searchParams.get('code'));
  });
});
