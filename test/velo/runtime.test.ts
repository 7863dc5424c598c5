/** The local Velo runtime: the RPC endpoint, permissions, JSON, the 14 s cut-off, the rate limit, secrets and elevation, HTTP functions. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { callWebMethod, startVeloPlatform, tokenFor, type VeloTestPlatform } from './helpers.ts';

let probe: VeloTestPlatform;

before(async () => {
  probe = await startVeloPlatform({ seed: 'none', velo: { backendDir: 'test/velo/fixtures/backend', timeoutMs: 300, rateLimitPerMinute: 40 } });
  probe.secrets.set('PROBE_SECRET', 'probe-secret-value-0123456789');
});
after(async () => {
  await probe.stop();
});

describe('web methods over the local RPC endpoint', () => {
  it('passes arguments and results as JSON (a Date arrives as an ISO string)', async () => {
    const r = await callWebMethod(probe, await tokenFor(probe, 'visitor'), 'probe.web', 'echo', { n: 1, s: 'x', list: [true, null] });
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.result, { value: { n: 1, s: 'x', list: [true, null] }, at: '2024-01-02T03:04:05.000Z' });
  });

  it('loads a JavaScript web module (.web.js, as on a Wix site) when there is no .ts one', async () => {
    const r = await callWebMethod(probe, await tokenFor(probe, 'visitor'), 'plain.web', 'greet', 'Ada');
    assert.equal(r.status, 200);
    assert.equal(r.body.result, 'Hello, Ada');
  });

  it('cuts a call off at the time limit with a 504', async () => {
    const r = await callWebMethod(probe, await tokenFor(probe, 'visitor'), 'probe.web', 'slow');
    assert.equal(r.status, 504);
    assert.equal(r.body.details.applicationError.code, 'DEADLINE_EXCEEDED');
  });

  it('refuses exports that are not web methods, unknown modules and missing sessions', async () => {
    const token = await tokenFor(probe, 'visitor');
    assert.equal((await callWebMethod(probe, token, 'probe.web', 'notAWebMethod')).status, 404);
    assert.equal((await callWebMethod(probe, token, 'nope.web', 'x')).status, 404);
    assert.equal((await callWebMethod(probe, token, '..%2Fsecret.web', 'x')).status, 404);
    assert.equal((await callWebMethod(probe, undefined, 'probe.web', 'echo', 1)).status, 401);
    assert.equal((await callWebMethod(probe, probe.apiKey, 'probe.web', 'echo', 1)).status, 403, 'an API key is no site session');
  });

  it('a thrown error is a 500 whose detail is redacted', async () => {
    const r = await callWebMethod(probe, await tokenFor(probe, 'visitor'), 'probe.web', 'throws');
    assert.equal(r.status, 500);
    assert.doesNotMatch(r.text, /IST\.secretlooking/);
  });
});

describe('secrets and elevation', () => {
  it('a visitor-triggered web method cannot read a secret without elevate()', async () => {
    const r = await callWebMethod(probe, await tokenFor(probe, 'visitor'), 'probe.web', 'readWithoutElevation');
    assert.equal(r.status, 500);
    assert.match(r.body.details.applicationError.data.reason, /requires elevated permissions/);
    assert.doesNotMatch(r.text, /probe-secret-value/);
  });

  it('with elevate() it can', async () => {
    const r = await callWebMethod(probe, await tokenFor(probe, 'visitor'), 'probe.web', 'readElevatedLength');
    assert.equal(r.body.result, 'probe-secret-value-0123456789'.length);
  });

  it('answers in both shapes: a string (Velo v2) and { value } (@wix/secrets)', async () => {
    const r = await callWebMethod(probe, await tokenFor(probe, 'visitor'), 'probe.web', 'secretShapes');
    assert.deepEqual(r.body.result, { v2: 'string', sdk: 'object', sdkHasValue: true });
  });

  it('reads secrets from WIX_SECRET_<NAME> environment variables too, which win over the file', async () => {
    const { SecretsVault } = await import('../../platform/index.ts');
    const vault = new SecretsVault(undefined, { WIX_SECRET_FROM_ENV: 'env-value', WIX_SECRET_wixNope: 'refused' });
    assert.equal(vault.read('FROM_ENV'), 'env-value');
    assert.equal(vault.has('wixNope'), false, 'names may not start with "wix"');
  });
});

describe('the rate limit', () => {
  it('answers 429 past the per-minute limit, and works again the next minute', async () => {
    const token = await tokenFor(probe, 'visitor');
    const statuses: number[] = [];
    for (let i = 0; i < 45; i++) statuses.push((await callWebMethod(probe, token, 'probe.web', 'echo', i)).status);
    assert.ok(statuses.includes(429), 'some calls were throttled');
    assert.ok(statuses.filter((s) => s === 200).length <= 40);
    probe.advanceClock(61_000);
    assert.equal((await callWebMethod(probe, token, 'probe.web', 'echo', 'again')).status, 200);
  });
});
