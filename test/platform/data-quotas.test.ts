/**
 * Wix Data's quotas (WDE0014) and operation time limit (WDE0028) as switchable platform behaviour: off by default,
 * on with the `dataQuotas` option or `/_platform/data-quotas`, counted per site and per kind in a one-minute window.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { apiKeyClient, controlCall, rawCall, startTestPlatform, type TestPlatform } from './helpers.ts';

let p: TestPlatform;
let admin: ReturnType<typeof apiKeyClient>;
const C = 'Products';

before(async () => {
  p = await startTestPlatform({ seed: 'demo' });
  admin = apiKeyClient(p);
});
after(async () => {
  await p.stop();
});
beforeEach(async () => {
  p.dataQuotas.configure({});
  await controlCall(p, '/_platform/faults', { method: 'DELETE' });
});

const asKey = (siteId: string) => ({ authorization: p.apiKey, 'wix-site-id': siteId });
const rawQuery = (siteId = p.siteId) =>
  rawCall(p, '/wix-data/v2/items/query', { headers: asKey(siteId), body: JSON.stringify({ dataCollectionId: siteId === p.siteId ? C : 'Stores', query: {} }) });

/** How many items with this id the collection holds (0 or 1), read as the admin. */
const stored = async (id: string) => (await admin.items.query(C).eq('_id', id).find()).items.length;

/** The SDK's error for a refused call: its applicationError code. */
async function sdkCode(call: () => Promise<unknown>): Promise<string> {
  try {
    await call();
  } catch (error) {
    const e = error as { details?: { applicationError?: { code?: string } }; message?: string };
    return String(e.details?.applicationError?.code ?? e.message);
  }
  assert.fail('the call was expected to fail');
}

describe('data quotas', () => {
  it('are off by default: 60 reads in a row all succeed', async () => {
    for (let i = 0; i < 60; i++) assert.equal((await rawQuery()).status, 200);
  });

  it('a site over its reads-per-minute quota gets 429 WDE0014 through the SDK; writes have their own quota', async () => {
    p.dataQuotas.configure({ readsPerMinute: 3 });
    for (let i = 0; i < 3; i++) await admin.items.query(C).limit(1).find();
    assert.equal(await sdkCode(() => admin.items.query(C).limit(1).find()), 'WDE0014');
    assert.equal(await sdkCode(() => admin.items.get(C, 'p-1')), 'WDE0014', 'a get is a read too');
    // Writes are not reads: an insert still lands.
    const inserted = await admin.items.insert(C, { _id: 'quota-write-1', name: 'Quota write', price: 1 });
    assert.equal(inserted._id, 'quota-write-1');
    await admin.items.remove(C, 'quota-write-1');
  });

  it('the refusal says the limit and when to retry; a minute later the site may read again', async () => {
    p.dataQuotas.configure({ readsPerMinute: 2 });
    await rawQuery();
    await rawQuery();
    const refused = await rawQuery();
    assert.equal(refused.status, 429);
    const appError = refused.json?.['details'].applicationError;
    assert.equal(appError.code, 'WDE0014');
    assert.equal(appError.data.limitPerMinute, 2);
    assert.ok(appError.data.retryAfterMs > 0 && appError.data.retryAfterMs <= 60_000);
    p.advanceClock(60_001);
    assert.equal((await rawQuery()).status, 200);
  });

  it('a write over the writes quota is refused and writes nothing', async () => {
    p.dataQuotas.configure({ writesPerMinute: 1 });
    await admin.items.insert(C, { _id: 'quota-w-a', name: 'A', price: 1 });
    assert.equal(await sdkCode(() => admin.items.insert(C, { _id: 'quota-w-b', name: 'B', price: 1 })), 'WDE0014');
    p.dataQuotas.configure({});
    assert.equal(await stored('quota-w-b'), 0, 'the refused insert left nothing behind');
    await admin.items.remove(C, 'quota-w-a');
  });

  it('quotas are per site: one site over its quota does not throttle another', async () => {
    const second = p.secondSiteId!;
    p.dataQuotas.configure({ readsPerMinute: 1 });
    assert.equal((await rawQuery()).status, 200);
    assert.equal((await rawQuery()).status, 429);
    assert.equal((await rawQuery(second)).status, 200, 'the second site has its own window');
  });

  it('one window per site, whoever calls: an API key naming the site and a visitor of it share the quota', async () => {
    p.dataQuotas.configure({ readsPerMinute: 1 });
    assert.equal((await rawQuery()).status, 200, 'the API key with wix-site-id of the primary site');
    const visitor = await rawCall(p, '/oauth2/token', { body: JSON.stringify({ clientId: p.clientId, grantType: 'anonymous' }) });
    const token = String(visitor.json?.['access_token']);
    const asVisitor = await rawCall(p, '/wix-data/v2/items/query', { headers: { authorization: token }, body: JSON.stringify({ dataCollectionId: C }) });
    assert.equal(asVisitor.status, 429, 'the visitor of the same site is over the same quota');
  });

  it('a refused (unauthenticated) request is not counted against the site', async () => {
    p.dataQuotas.configure({ readsPerMinute: 1 });
    const anonymous = await rawCall(p, '/wix-data/v2/items/query', {
      headers: { authorization: 'not-a-token' },
      body: JSON.stringify({ dataCollectionId: C }),
    });
    assert.equal(anonymous.status, 401);
    assert.equal((await rawQuery()).status, 200);
  });
});

describe('the data time limit', () => {
  it('a read that cannot start within the limit answers WDE0028', async () => {
    p.dataQuotas.configure({ timeoutMs: 50 });
    await controlCall(p, '/_platform/faults', { body: { path: '/wix-data/v2/items/query', latencyMs: 120, times: 1 } });
    const slow = await rawQuery();
    assert.equal(slow.status, 504);
    assert.equal(slow.json?.['details'].applicationError.code, 'WDE0028');
    assert.equal((await rawQuery()).status, 200, 'the next read, without latency, is served');
  });

  it('a write that cannot start within the limit writes nothing', async () => {
    p.dataQuotas.configure({ timeoutMs: 50 });
    await controlCall(p, '/_platform/faults', { body: { path: '/wix-data/v2/items', latencyMs: 120, times: 1 } });
    const slow = await rawCall(p, '/wix-data/v2/items', {
      headers: asKey(p.siteId),
      body: JSON.stringify({ dataCollectionId: C, dataItem: { data: { _id: 'quota-slow', name: 'Slow', price: 1 } } }),
    });
    assert.equal(slow.json?.['details'].applicationError.code, 'WDE0028');
    p.dataQuotas.configure({});
    assert.equal(await stored('quota-slow'), 0);
  });

  it('without a limit, the same latency is only latency', async () => {
    await controlCall(p, '/_platform/faults', { body: { path: '/wix-data/v2/items/query', latencyMs: 120, times: 1 } });
    assert.equal((await rawQuery()).status, 200);
  });
});

describe('/_platform/data-quotas', () => {
  it('switches quotas at run time and reports them; {} turns them off', async () => {
    const set = await controlCall(p, '/_platform/data-quotas', { method: 'PUT', body: { readsPerMinute: 1, timeoutMs: 5000 } });
    assert.equal(set.status, 200);
    assert.deepEqual(set.json?.['dataQuotas'], { readsPerMinute: 1, timeoutMs: 5000 });
    assert.equal((await rawQuery()).status, 200);
    assert.equal((await rawQuery()).status, 429);
    assert.equal((await controlCall(p, '/_platform/data-quotas', { method: 'PUT', body: {} })).status, 200);
    assert.equal((await rawQuery()).status, 200);
    assert.deepEqual((await controlCall(p, '/_platform/data-quotas')).json?.['dataQuotas'], {});
  });

  it('needs the control secret', async () => {
    const r = await rawCall(p, '/_platform/data-quotas', { method: 'PUT', body: JSON.stringify({ readsPerMinute: 1 }) });
    assert.equal(r.status, 401);
    assert.deepEqual(p.dataQuotas.current(), {});
  });

  it('refuses hostile settings with a 400 and keeps the current ones', async () => {
    p.dataQuotas.configure({ writesPerMinute: 7 });
    const bodies = [
      { readsPerMinute: 0 },
      { readsPerMinute: 1.5 },
      { readsPerMinute: 1e12 },
      { readsPerMinute: '5' },
      { timeoutMs: -1 },
      { timeoutMs: 3_600_000 },
      JSON.parse('{"__proto__":{"readsPerMinute":1}}'),
      { constructor: { prototype: { polluted: 1 } } },
      { readsPerMinute: 5, extra: true },
    ];
    for (const body of bodies) {
      const r = await controlCall(p, '/_platform/data-quotas', { method: 'PUT', body });
      assert.equal(r.status, 400, `${JSON.stringify(body)} → ${r.text}`);
    }
    assert.deepEqual(p.dataQuotas.current(), { writesPerMinute: 7 });
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(({} as Record<string, unknown>)['readsPerMinute'], undefined);
  });

  it('property: with a reads quota of n, exactly n of any burst of reads succeed and the rest answer WDE0014', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 1, max: 6 }), fc.integer({ min: 0, max: 6 }), async (limit, extra) => {
        p.dataQuotas.configure({ readsPerMinute: limit });
        const statuses: number[] = [];
        for (let i = 0; i < limit + extra; i++) statuses.push((await rawQuery()).status);
        assert.deepEqual(statuses, [...Array(limit).fill(200), ...Array(extra).fill(429)]);
      }),
      { numRuns: 15 },
    );
  });
});
