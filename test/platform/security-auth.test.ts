/**
 * Issue 10, finding 6: password checks never block the event loop, and every credential check is limited per
 * account and per client with a lockout, answered 429 in Wix's error shape with Retry-After.
 * Time moves on the platform clock; nothing here sleeps or asserts a duration.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { Agent, request as httpsRequest } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { DEMO_MEMBER, DEMO_OWNER } from '../../demo/seed/index.ts';
import { AUTH_LIMITS } from '../../platform/identity/limits.ts';
import { HashPool, HashPoolBusy, hashPassword, hashPool, verifyPassword } from '../../platform/identity/passwords.ts';
import { authGuard, AuthGuard, Throttled, throttleClient } from '../../platform/identity/throttle.ts';
import { memberClient, rawCall, startTestPlatform, type TestPlatform } from './helpers.ts';
import { authorizeUrl, browserGet, browserPost, CALLBACK, pkce, READ, tokenRequest } from './oauth-helpers.ts';

const LOGIN = '/_api/iam/authentication/v2/login';
const login = (email: string, password: string) => rawCall({ url: '' }, LOGIN, { body: JSON.stringify({ loginId: { email }, password }) });

/** A 429 as the Wix REST docs describe it: applicationError RESOURCE_EXHAUSTED, and a Retry-After in seconds. */
function assertThrottled(r: { status: number; json: Record<string, any> | undefined; headers: Headers; text: string }, what: string): number {
  assert.equal(r.status, 429, `${what}: expected 429, got ${r.status} ${r.text.slice(0, 200)}`);
  const error = r.json?.['details']?.['applicationError'];
  assert.equal(error?.code, 'RESOURCE_EXHAUSTED', `${what}: Wix's code`);
  assert.equal(typeof r.json?.['message'], 'string');
  assert.equal(error?.description, r.json?.['message']);
  const retryAfter = Number(r.headers.get('retry-after'));
  assert.ok(
    Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= AUTH_LIMITS.lockoutMs / 1000,
    `${what}: Retry-After ${r.headers.get('retry-after')}`,
  );
  assert.equal(error?.data?.retryAfterSeconds, retryAfter);
  return retryAfter;
}

const objectPrototypeKeys = () => Object.getOwnPropertyNames(Object.prototype).sort().join();

describe('SDK login: per-account lockout', () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform({ seed: 'demo' });
  });
  after(async () => {
    await p.stop();
  });

  it('200 wrong owner passwords: 400 up to the limit, then 429; the right password is refused during the lockout and accepted after it', async () => {
    const statuses: number[] = [];
    let lastRetryAfter = 0;
    for (let i = 0; i < 200; i++) {
      const r = await login(DEMO_OWNER.email, `wrong-${i}`);
      statuses.push(r.status);
      if (r.status === 400) assert.equal(r.json?.['details']?.['applicationError']?.['code'], '-19976');
      else lastRetryAfter = assertThrottled(r, `attempt ${i + 1}`);
    }
    assert.deepEqual(statuses.slice(0, AUTH_LIMITS.accountFailures), Array(AUTH_LIMITS.accountFailures).fill(400), 'wrong passwords are 400 until the limit');
    assert.ok(
      statuses.slice(AUTH_LIMITS.accountFailures).every((s) => s === 429),
      'every attempt after the limit is 429',
    );
    assert.ok(lastRetryAfter > 0);

    const right = await login(DEMO_OWNER.email, DEMO_OWNER.password);
    assertThrottled(right, 'the right password during the lockout');
    assert.equal(right.json?.['sessionToken'], undefined);

    // The SDK's login() reports it as a failure with the message, never as a session.
    const { createClient, OAuthStrategy } = await import('@wix/sdk');
    const sdk = createClient({ auth: OAuthStrategy({ clientId: p.clientId }) });
    const sdkLogin = await sdk.auth.login({ email: DEMO_OWNER.email, password: DEMO_OWNER.password });
    assert.equal(sdkLogin.loginState, 'FAILURE');
    assert.match(String((sdkLogin as { error?: string }).error), /Too many/);

    p.advanceClock(AUTH_LIMITS.lockoutMs + 1000);
    const later = await login(DEMO_OWNER.email, DEMO_OWNER.password);
    assert.equal(later.status, 200, later.text);
    assert.equal(later.json?.['state'], 'SUCCESS');
  });

  it('the account lockout is not extended by attempts during it (no endless lockout by a stream of guesses)', async () => {
    for (let i = 0; i < AUTH_LIMITS.accountFailures; i++) assert.equal((await login(DEMO_MEMBER.email, `nope-${i}`)).status, 400);
    const first = assertThrottled(await login(DEMO_MEMBER.email, 'nope'), 'locked');
    p.advanceClock((first - 2) * 1000);
    const second = assertThrottled(await login(DEMO_MEMBER.email, DEMO_MEMBER.password), 'still locked');
    assert.ok(second <= 3, `Retry-After counts down (${second})`);
    p.advanceClock(3000);
    assert.equal((await login(DEMO_MEMBER.email, DEMO_MEMBER.password)).status, 200);
  });
});

describe('per-client limit', () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform({ seed: 'demo' });
  });
  after(async () => {
    await p.stop();
  });

  it('one client guessing across many accounts is stopped, and then another account from that client is refused too', async () => {
    // Each account fails once: no account limit is reached, the client's is.
    for (let i = 0; i < AUTH_LIMITS.clientFailures; i++) {
      const r = await login(`nobody-${i}@example.com`, 'guess');
      assert.equal(r.status, 400, `guess ${i + 1}`);
    }
    assertThrottled(await login('someone-else@example.com', 'guess'), 'a new account from the same client');
    assertThrottled(await login(DEMO_MEMBER.email, DEMO_MEMBER.password), 'a real account with its right password, same client');
    p.advanceClock(AUTH_LIMITS.lockoutMs + 1000);
    assert.equal((await login(DEMO_MEMBER.email, DEMO_MEMBER.password)).status, 200);
  });

  it('the per-client limit is per remote address: another address is not locked by this one', async () => {
    p.advanceClock(AUTH_LIMITS.lockoutMs + 1000);
    for (let i = 0; i < AUTH_LIMITS.clientFailures; i++) assert.equal((await login(`stranger-${i}@example.com`, 'guess')).status, 400);
    assertThrottled(await login(DEMO_MEMBER.email, DEMO_MEMBER.password), '127.0.0.1 is locked');
    // The same platform reached from 127.0.0.2 (the whole 127/8 is loopback): a client of its own.
    const fromOther = await new Promise<number>((resolve, reject) => {
      const payload = JSON.stringify({ loginId: { email: DEMO_MEMBER.email }, password: DEMO_MEMBER.password });
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          localAddress: '127.0.0.2',
          port: new URL(p.url).port,
          servername: 'localhost',
          ca: p.ca,
          path: LOGIN,
          method: 'POST',
          headers: { host: 'www.wixapis.com', 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
    assert.equal(fromOther, 200, 'the member signs in from another address');
  });

  it('a web page guessing across accounts locks only itself (its Origin): the site and its backend, on the same loopback address, still sign in', async () => {
    p.advanceClock(AUTH_LIMITS.lockoutMs + 1000);
    const from = (origin: string | undefined, email: string, password: string) =>
      rawCall({ url: '' }, LOGIN, { headers: origin ? { origin } : {}, body: JSON.stringify({ loginId: { email }, password }) });
    for (let i = 0; i < AUTH_LIMITS.clientFailures; i++) assert.equal((await from('https://evil.example', `spray-${i}@example.com`, 'guess')).status, 400);
    assertThrottled(await from('https://evil.example', DEMO_MEMBER.email, DEMO_MEMBER.password), 'the page is locked');
    assert.equal((await from(undefined, DEMO_MEMBER.email, DEMO_MEMBER.password)).status, 200, 'a backend (no Origin) signs in');
    assert.equal((await from(new URL(p.url).origin, DEMO_MEMBER.email, DEMO_MEMBER.password)).status, 200, 'the site’s own pages sign in');
    // Another site's page is a client of its own too; the lock is the page's, not the address's.
    assert.equal((await from('https://other.example', DEMO_MEMBER.email, DEMO_MEMBER.password)).status, 200);
  });

  it('counts a loopback caller per browser origin, any other address as itself', () => {
    assert.equal(throttleClient('127.0.0.1', { origin: 'https://evil.example' }), '127.0.0.1 https://evil.example');
    assert.equal(throttleClient('::1', { origin: 'null' }), '::1 null');
    assert.equal(throttleClient('::ffff:127.0.0.1', { origin: 'https://a.example' }), '::ffff:127.0.0.1 https://a.example');
    assert.equal(throttleClient('127.0.0.1', {}), '127.0.0.1');
    // From another machine an Origin is the caller's to choose: it must not buy fresh attempts.
    assert.equal(throttleClient('192.168.1.20', { origin: 'https://evil.example' }), '192.168.1.20');
    assert.equal(throttleClient('::ffff:10.0.0.1', { origin: 'https://evil.example' }), '::ffff:10.0.0.1');
    assert.equal(throttleClient('127.0.0.1', { origin: 'x'.repeat(10_000) })!.length, '127.0.0.1 '.length + 200);
    assert.equal(throttleClient(undefined, { origin: 'https://evil.example' }), undefined);
  });

  it('the /oauth2/authorize sign-in form (site client) counts too: a 429 page with Retry-After, no code', async () => {
    p.advanceClock(AUTH_LIMITS.lockoutMs + 1000);
    const { challenge } = pkce();
    const url = `https://www.wixapis.com/oauth2/authorize?${new URLSearchParams({ client_id: p.clientId, response_type: 'code', redirect_uri: 'https://localhost/callback', code_challenge: challenge, code_challenge_method: 'S256', state: 's' })}`;
    let last;
    for (let i = 0; i <= AUTH_LIMITS.accountFailures; i++) last = await browserPost(url, { email: DEMO_OWNER.email, password: `x${i}` }, { origin: null });
    assert.equal(last!.status, 429);
    assert.match(last!.headers.get('content-type') ?? '', /text\/html/);
    assert.ok(Number(last!.headers.get('retry-after')) > 0);
    assert.match(last!.text, /Too many failed sign-in attempts/);
    const right = await browserPost(url, { email: DEMO_OWNER.email, password: DEMO_OWNER.password }, { origin: null });
    assert.equal(right.status, 429, 'the right password is refused while locked');
    assert.equal(right.headers.get('location'), null);
  });
});

describe('apps: consent-page sign-in and client secrets', () => {
  let p: TestPlatform;
  let app: { clientId: string; clientSecret: string };
  before(async () => {
    p = await startTestPlatform({ seed: 'demo' });
    app = p.oauthApps.register({ name: 'Throttle test app', redirectUris: [CALLBACK], scopes: [READ] });
  });
  after(async () => {
    await p.stop();
  });

  it('wrong client secrets lock the guessing client, never the client id: 401 up to the limit, then 429 (Wix shape, slow_down, Retry-After) for that client alone; audited', async () => {
    // A web page in the developer's browser (its Origin) guessing the app's secret: every caller of a local platform
    // is loopback, so the page is a client of its own, not the whole address.
    const evil = 'https://evil.example';
    const statuses: number[] = [];
    for (let i = 0; i < AUTH_LIMITS.clientFailures + 5; i++) {
      const r = await tokenRequest({ clientId: app.clientId, clientSecret: `wrong-${i}` }, { grant_type: 'client_credentials' }, { origin: evil });
      statuses.push(r.status);
      if (r.status === 429) {
        assertThrottled({ ...r, json: r.json }, `secret ${i + 1}`);
        assert.equal(r.json?.['error'], 'slow_down');
        assert.match(r.headers.get('cache-control') ?? '', /no-store/);
      }
    }
    assert.deepEqual(statuses, [...Array(AUTH_LIMITS.clientFailures).fill(401), ...Array(5).fill(429)]);
    const fromEvil = await tokenRequest(app, { grant_type: 'client_credentials' }, { origin: evil });
    assert.equal(fromEvil.status, 429, 'the right secret is refused to the locked client');
    assert.equal(fromEvil.json?.['access_token'], undefined);
    // The app's backend (same address, no browser Origin) is not locked out, though the page knew its client id.
    const backend = await tokenRequest(app, { grant_type: 'client_credentials' });
    assert.equal(backend.status, 200, backend.text);
    // Past the account limit from the backend's own client: the client id is still not locked.
    for (let i = 0; i < AUTH_LIMITS.accountFailures + 2; i++) {
      assert.equal((await tokenRequest({ clientId: app.clientId, clientSecret: `typo-${i}` }, { grant_type: 'client_credentials' })).status, 401);
    }
    assert.equal((await tokenRequest(app, { grant_type: 'client_credentials' })).status, 200);
    assert.ok(p.oauthAudit.some((e) => e.event === 'refused' && /throttled/.test(e.reason) && e.clientId === app.clientId));
    assert.ok(!JSON.stringify(p.oauthAudit).includes(app.clientSecret));
    p.advanceClock(AUTH_LIMITS.lockoutMs + 1000);
    const later = await tokenRequest(app, { grant_type: 'client_credentials' }, { origin: evil });
    assert.equal(later.status, 200, later.text);
    assert.equal(typeof later.json?.['access_token'], 'string');
  });

  it('the consent page sign-in locks the account: 429 page, no code, no session cookie', async () => {
    p.advanceClock(AUTH_LIMITS.lockoutMs + 1000);
    const { challenge } = pkce();
    const url = authorizeUrl(app.clientId, { scope: READ, code_challenge: challenge });
    assert.equal((await browserGet(url)).status, 200);
    let last;
    for (let i = 0; i <= AUTH_LIMITS.accountFailures; i++) last = await browserPost(url, { email: DEMO_MEMBER.email, password: `bad-${i}`, decision: 'allow' });
    assert.equal(last!.status, 429);
    assert.ok(Number(last!.headers.get('retry-after')) > 0);
    const right = await browserPost(url, { email: DEMO_MEMBER.email, password: DEMO_MEMBER.password, decision: 'allow' });
    assert.equal(right.status, 429);
    assert.equal(right.headers.get('location'), null, 'no code');
    assert.equal(right.headers.get('set-cookie'), null, 'no session cookie');
    assert.equal(right.headers.get('x-frame-options'), 'DENY', 'still never framed');
  });
});

describe('a login flood does not stall the server', () => {
  let p: TestPlatform;
  before(async () => {
    p = await startTestPlatform({ seed: 'demo' });
  });
  after(async () => {
    await p.stop();
  });

  const FLOOD_SOCKETS = 16;
  /** A POST straight to the platform over `agent`'s connections (a few keep-alive sockets, not 300 TLS handshakes). */
  const post = (agent: Agent, path: string, body: unknown) =>
    new Promise<{ status: number; json: Record<string, any> | undefined; headers: Headers; text: string }>((resolve, reject) => {
      const url = new URL(p.url);
      const payload = JSON.stringify(body);
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: url.port,
          servername: 'localhost',
          path,
          method: 'POST',
          agent,
          headers: { host: 'www.wixapis.com', 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (typeof v === 'string') headers.set(k, v);
            let json: Record<string, any> | undefined;
            try {
              json = JSON.parse(text) as Record<string, any>;
            } catch {
              json = undefined;
            }
            resolve({ status: res.statusCode ?? 0, json, headers, text });
          });
        },
      );
      req.on('error', reject);
      req.end(payload);
    });

  it('an unrelated request is answered while 300 logins are in flight; every login gets a typed 400 or 429, none a 500', async () => {
    const before = objectPrototypeKeys();
    // Lockouts out of the way (300 clients' worth of guesses), so that the hashing itself is what is under test.
    const guard = authGuard(p.services.directory, p.services.clock);
    const saved = { ...guard.limits };
    Object.assign(guard.limits, { accountFailures: 1_000, clientFailures: 1_000 });
    const flood = new Agent({ keepAlive: true, maxSockets: FLOOD_SOCKETS, ca: p.ca });
    const other = new Agent({ keepAlive: false, ca: p.ca });
    let settled = 0;
    const logins = Array.from({ length: 300 }, (_, i) =>
      post(flood, LOGIN, { loginId: { email: i % 2 ? DEMO_OWNER.email : `flood-${i}@example.com` }, password: `flood-${i}` }).finally(() => {
        settled++;
      }),
    );
    // Wait until password checks are really running on the server (or, were hashing synchronous, one is done).
    while (hashPool.inFlight === 0 && settled === 0) await new Promise((r) => setImmediate(r));
    // Unrelated: a visitor token, on a connection of its own.
    const unrelated = await post(other, '/oauth2/token', { clientId: p.clientId, grantType: 'anonymous' });
    const settledWhenAnswered = settled;
    // The rest of the flood is refused from here on (it ends quickly); the real limits come back after it.
    Object.assign(guard.limits, { clientFailures: 0 });
    assert.equal(unrelated.status, 200, unrelated.text);
    // Not a time: a count. With scrypt on the event loop, the unrelated request waits behind whole batches of
    // password hashes (96 logins were answered first when measured); off the loop it overtakes them.
    assert.ok(settledWhenAnswered < FLOOD_SOCKETS, `the unrelated request was answered while logins were in flight (${settledWhenAnswered}/300 done)`);
    const results = await Promise.all(logins);
    Object.assign(guard.limits, saved);
    flood.destroy();
    other.destroy();
    const counts = new Map<number, number>();
    for (const r of results) counts.set(r.status, (counts.get(r.status) ?? 0) + 1);
    assert.ok(
      [...counts.keys()].every((s) => s === 400 || s === 429),
      `statuses: ${JSON.stringify([...counts])}`,
    );
    for (const r of results.filter((x) => x.status === 429)) assertThrottled(r, 'flood (hash pool full)');
    assert.equal(objectPrototypeKeys(), before);
    // The server is alive and the owner can still log in once the window has passed.
    p.advanceClock(AUTH_LIMITS.lockoutMs + 1000);
    await memberClient(p, DEMO_OWNER.email, DEMO_OWNER.password);
  });
});

describe('AuthGuard and HashPool (unit)', () => {
  const clock = () => {
    let now = 1_000_000;
    return { now: () => now, advance: (ms: number) => (now += ms) };
  };
  const wrong = async () => undefined;
  const right = async () => 'member';

  it('an account is locked whatever client it is tried from; other clients and accounts are unaffected', async () => {
    const c = clock();
    const guard = new AuthGuard(c);
    for (let i = 0; i < AUTH_LIMITS.accountFailures; i++) {
      assert.equal(await guard.attempt({ kind: 'password', account: 'Owner@Example.com', client: `10.0.0.${i}` }, wrong), undefined);
    }
    await assert.rejects(
      guard.attempt({ kind: 'password', account: 'owner@example.com', client: '10.9.9.9' }, right),
      (e) => e instanceof Throttled && e.reason === 'account',
    );
    assert.equal(await guard.attempt({ kind: 'password', account: 'other@example.com', client: '10.0.0.1' }, right), 'member');
    // A client secret for a client id spelled like the email is another kind of account.
    assert.equal(await guard.attempt({ kind: 'client-secret', account: 'owner@example.com', client: '10.0.0.1' }, right), 'member');
    c.advance(AUTH_LIMITS.lockoutMs);
    assert.equal(await guard.attempt({ kind: 'password', account: 'owner@example.com', client: '10.9.9.9' }, right), 'member');
  });

  it('failures older than the window are forgotten; a success clears the account', async () => {
    const c = clock();
    const guard = new AuthGuard(c);
    const key = { kind: 'password' as const, account: 'a@example.com', client: 'x' };
    for (let i = 0; i < AUTH_LIMITS.accountFailures - 1; i++) await guard.attempt(key, wrong);
    c.advance(AUTH_LIMITS.windowMs);
    for (let i = 0; i < AUTH_LIMITS.accountFailures - 1; i++) await guard.attempt({ ...key, client: 'y' }, wrong);
    assert.equal(await guard.attempt({ ...key, client: 'z' }, right), 'member');
    for (let i = 0; i < AUTH_LIMITS.accountFailures - 1; i++) await guard.attempt({ ...key, client: 'w' }, wrong);
    assert.equal(await guard.attempt({ ...key, client: 'v' }, right), 'member', 'never locked: each run stayed under the limit');
  });

  it('a burst of parallel guesses cannot overshoot the account limit', async () => {
    const guard = new AuthGuard(clock());
    let ran = 0;
    const slowWrong = async () => {
      ran++;
      await new Promise((r) => setImmediate(r));
      return undefined;
    };
    const results = await Promise.allSettled(
      Array.from({ length: 100 }, (_, i) => guard.attempt({ kind: 'password', account: 'x@example.com', client: `c${i}` }, slowWrong)),
    );
    assert.equal(ran, AUTH_LIMITS.accountFailures);
    assert.equal(results.filter((r) => r.status === 'rejected' && r.reason instanceof Throttled).length, 100 - AUTH_LIMITS.accountFailures);
  });

  it('remembers at most maxTracked accounts and clients', async () => {
    const guard = new AuthGuard(clock(), { ...AUTH_LIMITS, maxTracked: 50, clientFailures: 1_000_000 });
    for (let i = 0; i < 500; i++) await guard.attempt({ kind: 'password', account: `${i}@example.com`, client: `c${i % 3}` }, wrong);
    assert.ok(guard.size <= 50, `tracked ${guard.size}`);
  });

  it('the hash pool runs at most `concurrency` jobs, queues at most `queue`, and refuses the rest at once', async () => {
    const pool = new HashPool(2, 3);
    let running = 0;
    let peak = 0;
    const releases: (() => void)[] = [];
    const job = () =>
      pool.run(async () => {
        running++;
        peak = Math.max(peak, running);
        await new Promise<void>((r) => releases.push(r));
        running--;
      });
    const jobs = Array.from({ length: 5 }, job);
    await assert.rejects(job(), HashPoolBusy);
    assert.equal(pool.inFlight, 5);
    while (releases.length || running) {
      releases.shift()?.();
      await new Promise((r) => setImmediate(r));
    }
    await Promise.all(jobs);
    assert.equal(peak, 2);
    assert.equal(pool.inFlight, 0);
  });

  it('hashes verify, in constant-time comparison, and a malformed or missing hash is simply false', async () => {
    const stored = await hashPassword('correct horse');
    assert.match(stored, /^scrypt\$[\w-]{22}\$[\w-]{43}$/);
    assert.equal(await verifyPassword('correct horse', stored), true);
    assert.equal(await verifyPassword('correct horsf', stored), false);
    assert.equal(await verifyPassword('correct horse', undefined), false);
    assert.equal(await verifyPassword('x', 'plain$$'), false);
    assert.equal(await verifyPassword('x', `scrypt$${randomUUID()}`), false);
  });
});
