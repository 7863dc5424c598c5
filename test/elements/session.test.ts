import { expect } from '@open-wc/testing';
import { createSessionClient } from '../../elements/core/client.ts';
import { SessionError, toSessionError } from '../../elements/core/errors.ts';
import { Session } from '../../elements/core/session.ts';
import { addFault, anonymousToken, clearFaults, countingGetter, lastSeq, logSince, QUERY_PATH } from './helpers.ts';

const clientFor = (session: Session) => createSessionClient(session, { apiBaseUrl: location.host });

describe('session layer (real Chromium, real platform)', () => {
  afterEach(clearFaults);

  it('50 concurrent cold calls make exactly 1 token acquisition', async () => {
    const { getter, counter } = countingGetter();
    const session = new Session(getter);
    const client = clientFor(session);
    const since = await lastSeq();
    const results = await Promise.all(Array.from({ length: 50 }, () => client.items.query('Products').limit(1).find()));
    expect(results.every((r) => r.items.length === 1)).to.equal(true);
    expect(counter.calls).to.equal(1);
    expect(session.stats).to.deep.equal({ acquisitions: 1, renewals: 0 });
    const log = await logSince(since);
    expect(log.filter((e) => e.path === '/oauth2/token')).to.have.length(1);
    expect(log.filter((e) => e.path === QUERY_PATH)).to.have.length(50);
  });

  it('an expired token makes exactly 1 renewal, shared by concurrent calls', async () => {
    let now = Date.now();
    const { getter, counter } = countingGetter();
    const session = new Session(getter, { now: () => now });
    const client = clientFor(session);
    await client.items.query('Products').limit(1).find();
    now += 4 * 3600 * 1000; // past the 14400 s lifetime
    await Promise.all(Array.from({ length: 10 }, () => client.items.query('Products').limit(1).find()));
    expect(counter.calls).to.equal(2);
    expect(session.stats.renewals).to.equal(1);
  });

  it('renews before expiry, inside the skew margin', async () => {
    let now = Date.now();
    const { getter } = countingGetter();
    const session = new Session(getter, { now: () => now, skewMs: 60_000 });
    await session.token();
    now += 14_400_000 - 30_000; // 30 s before exp: inside the 60 s margin
    await session.token();
    expect(session.stats).to.deep.equal({ acquisitions: 2, renewals: 1 });
  });

  it('a 401 makes 1 renewal and 1 retry, then a typed error; never a loop', async () => {
    const { getter, counter } = countingGetter();
    const session = new Session(getter);
    const client = clientFor(session);
    await session.token();
    await addFault({ path: QUERY_PATH, status: 401, times: 2 });
    const since = await lastSeq();
    let caught: unknown;
    try {
      await client.items.query('Products').limit(1).find();
    } catch (error) {
      caught = error;
    }
    const typed = toSessionError(caught);
    expect(typed).to.be.instanceOf(SessionError);
    expect(typed.kind).to.equal('unauthenticated');
    expect(counter.calls).to.equal(2);
    expect(session.stats.renewals).to.equal(1);
    expect((await logSince(since)).filter((e) => e.path === QUERY_PATH)).to.have.length(2);
  });

  it('after a single 401 the retry succeeds with the renewed token', async () => {
    const { getter } = countingGetter();
    const session = new Session(getter);
    const client = clientFor(session);
    await session.token();
    await addFault({ path: QUERY_PATH, status: 401, times: 1 });
    const result = await client.items.query('Products').limit(2).find();
    expect(result.items).to.have.length(2);
    expect(session.stats.renewals).to.equal(1);
  });

  it('a refresh failure gives an error, not an anonymous identity', async () => {
    let now = Date.now();
    let fail = false;
    const { getter } = countingGetter(async () => {
      if (fail) throw new Error('refresh token revoked');
      return anonymousToken();
    });
    const session = new Session(getter, { now: () => now });
    const client = clientFor(session);
    await client.items.query('Products').limit(1).find();
    fail = true;
    now += 5 * 3600 * 1000;
    const since = await lastSeq();
    let caught: unknown;
    try {
      await client.items.query('Products').limit(1).find();
    } catch (error) {
      caught = error;
    }
    expect(toSessionError(caught).kind).to.equal('unauthenticated');
    const log = await logSince(since);
    expect(
      log.filter((e) => e.path === '/oauth2/token'),
      'no token of any kind was fetched behind the host’s back',
    ).to.have.length(0);
    expect(
      log.filter((e) => e.path === QUERY_PATH),
      'no request went out without a session',
    ).to.have.length(0);
  });

  it('an acquisition that hangs fails as a network error after the timeout', async () => {
    const session = new Session(() => new Promise<string>(() => {}), { acquireTimeoutMs: 200 });
    let caught: unknown;
    try {
      await session.token();
    } catch (error) {
      caught = error;
    }
    expect(toSessionError(caught).kind).to.equal('network');
  });

  it('maps platform errors to typed kinds', async () => {
    const session = new Session(anonymousToken);
    const client = clientFor(session);
    const kindOf = async (run: () => Promise<unknown>) => {
      try {
        await run();
        return 'none';
      } catch (error) {
        return toSessionError(error).kind;
      }
    };
    expect(await kindOf(() => client.items.query('Orders').find())).to.equal('forbidden');
    expect(await kindOf(() => client.items.query('NoSuchCollection').find())).to.equal('not-found');
    expect(await kindOf(() => client.items.query('Products', { filter: { title: { $regex: 'x' } } }))).to.equal('validation');
    await addFault({ path: QUERY_PATH, status: 429, times: 1 });
    expect(await kindOf(() => client.items.query('Products').find())).to.equal('rate-limited');
    await addFault({ path: QUERY_PATH, status: 500, times: 1 });
    expect(await kindOf(() => client.items.query('Products').find())).to.equal('server');
    await addFault({ path: QUERY_PATH, malformedBody: true, times: 1 });
    expect(await kindOf(() => client.items.query('Products').find())).to.equal('server');
  });
});
