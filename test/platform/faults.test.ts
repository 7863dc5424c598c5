// Fault injection: every matching fault applies to a request (issue 16: "Next query: 429" never fired while a latency
// fault was on, because only the first matching rule applied). Latencies add up, the first answering rule answers.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { FaultInjector, MAX_ACTIVE_FAULTS, MAX_TOTAL_LATENCY_MS, type FaultRule } from '../../platform/faults/faults.ts';
import { apiKeyClient, controlCall, errorCode, startTestPlatform } from './helpers.ts';

const QUERY = '/wix-data/v2/items/query';

describe('fault injection: all matching faults apply', () => {
  it('latency and a one-off 429 both apply to the next query, then the latency goes on alone', () => {
    const faults = new FaultInjector();
    const latency = faults.add({ path: '/wix-data/', latencyMs: 800 });
    const once = faults.add({ path: QUERY, status: 429, times: 1 });
    const first = faults.take('POST', QUERY);
    assert.equal(first?.latencyMs, 800);
    assert.equal(first?.status, 429);
    assert.deepEqual(
      first?.rules.map((r) => r.id),
      [latency.id, once.id],
    );
    assert.deepEqual(
      faults.list().map((r) => r.id),
      [latency.id],
      'the one-off fault wore out',
    );
    const second = faults.take('POST', QUERY);
    assert.equal(second?.latencyMs, 800);
    assert.equal(second?.status, undefined);
    assert.equal(latency.hits, 2);
  });

  it('the first answering rule answers; a later one is not used, so it keeps its count', () => {
    const faults = new FaultInjector();
    faults.add({ path: QUERY, status: 503, times: 1 });
    const later = faults.add({ path: QUERY, status: 429, times: 1 });
    assert.equal(faults.take('POST', QUERY)?.status, 503);
    assert.equal(later.hits, 0);
    assert.equal(faults.take('POST', QUERY)?.status, 429, 'the later rule answers the next request');
    assert.equal(faults.take('POST', QUERY), undefined);
  });

  it('a later answering rule applies whole or not at all: not its latency either', () => {
    const faults = new FaultInjector();
    faults.add({ path: QUERY, malformedBody: true, times: 1 });
    const later = faults.add({ path: QUERY, status: 500, latencyMs: 40, times: 1 });
    const applied = faults.take('POST', QUERY);
    assert.equal(applied?.malformedBody, true);
    assert.equal(applied?.status, undefined);
    assert.equal(applied?.latencyMs, undefined);
    assert.equal(later.hits, 0);
    const next = faults.take('POST', QUERY);
    assert.equal(next?.status, 500);
    assert.equal(next?.latencyMs, 40);
  });

  it('rules for other methods or paths do not apply', () => {
    const faults = new FaultInjector();
    faults.add({ method: 'GET', path: QUERY, status: 500 });
    faults.add({ path: '/_functions/**', latencyMs: 100 });
    assert.equal(faults.take('POST', QUERY), undefined);
  });

  it('bounds the number of active faults and the total latency', () => {
    const faults = new FaultInjector();
    for (let i = 0; i < MAX_ACTIVE_FAULTS; i++) faults.add({ path: '/', latencyMs: 60_000 });
    assert.throws(() => faults.add({ path: '/', status: 500 }), RangeError);
    assert.equal(faults.list().length, MAX_ACTIVE_FAULTS);
    assert.equal(faults.take('GET', '/anything')?.latencyMs, MAX_TOTAL_LATENCY_MS);
  });

  it('property: latency is the (capped) sum, the answer is the first answering match, hits count only applied rules', () => {
    const rule = fc.record(
      {
        method: fc.constantFrom('GET', 'POST'),
        path: fc.constantFrom('/a', '/a/b', '/a/*', '/b', '/**'),
        latencyMs: fc.integer({ min: 1, max: 60_000 }),
        status: fc.constantFrom(401, 429, 500),
        malformedBody: fc.constant(true),
        times: fc.integer({ min: 1, max: 3 }),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(fc.array(rule, { maxLength: 12 }), fc.constantFrom('GET', 'POST'), fc.constantFrom('/a', '/a/b', '/b', '/c'), (rules, method, path) => {
        const faults = new FaultInjector();
        const added = rules.map((r) => faults.add(r as FaultRule));
        const matching = added.filter(
          (r) => (!r.method || r.method === method) && (!r.path || (r.path.includes('*') ? globish(r.path, path) : path.startsWith(r.path))),
        );
        const answering = matching.find((r) => r.status !== undefined || r.malformedBody);
        const applied = matching.filter((r) => r === answering || !(r.status !== undefined || r.malformedBody));
        const result = faults.take(method, path);
        if (applied.length === 0) return result === undefined;
        const latency = Math.min(
          applied.reduce((sum, r) => sum + (r.latencyMs ?? 0), 0),
          MAX_TOTAL_LATENCY_MS,
        );
        assert.equal(result?.latencyMs ?? 0, latency);
        assert.equal(result?.status, answering?.status);
        assert.equal(result?.malformedBody ?? false, answering !== undefined && answering.status === undefined);
        for (const r of added) assert.equal(r.hits, applied.includes(r) ? 1 : 0);
        return true;
      }),
      { numRuns: 300 },
    );
  });

  it('over HTTP, with the official client: "next query: 429" fires while latency is on', async () => {
    const p = await startTestPlatform({ seed: 'demo' });
    try {
      const admin = apiKeyClient(p);
      const latency = await controlCall(p, '/_platform/faults', { body: { path: '/wix-data/', latencyMs: 150 } });
      assert.equal(latency.status, 200);
      const once = await controlCall(p, '/_platform/faults', { body: { path: QUERY, status: 429, times: 1 } });
      assert.equal(once.status, 200);
      const t0 = performance.now();
      await assert.rejects(admin.items.query('Products').find(), (e) => errorCode(e) === 'WDE0014');
      assert.ok(performance.now() - t0 >= 140, 'the latency applied to the refused query too');
      const t1 = performance.now();
      assert.equal((await admin.items.query('Products').limit(1).find()).items.length, 1);
      assert.ok(performance.now() - t1 >= 140, 'the latency goes on after the 429 wore out');
      const listed = await controlCall(p, '/_platform/faults');
      assert.deepEqual(
        (listed.json?.['faults'] as { latencyMs?: number; hits: number }[]).map((f) => [f.latencyMs, f.hits]),
        [[150, 2]],
      );
    } finally {
      await p.stop();
    }
  });
});

/** The reference matcher for the patterns the property uses: '/a/*' is one segment under /a, '/**' anything. */
function globish(pattern: string, path: string): boolean {
  if (pattern === '/**') return true;
  if (pattern === '/a/*') return /^\/a\/[^/]*$/.test(path);
  throw new Error(`no reference for ${pattern}`);
}
