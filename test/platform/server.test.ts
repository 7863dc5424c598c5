/**
 * The platform as a server: persistence across restarts, the CLI's --json line, faults, CORS,
 * the request log, and the wixapis.com routing helper.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { routeWixApisTo } from '../../platform/http/node-routing.ts';
import { redact } from '../../platform/http/redact.ts';
import { startPlatform } from '../../demo/seed/index.ts';
import { apiKeyClient, controlCall, errorCode, rawCall, startTestPlatform, visitorClient } from './helpers.ts';

const scratch = mkdtempSync(join(tmpdir(), 'wix-local-test-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

describe('persistence', () => {
  it('data written before a restart is there after it, with the same site, key and signing key', async () => {
    const dbPath = join(scratch, 'persist.db');
    const first = await startPlatform({ db: dbPath, seed: 'demo', onError: () => {} });
    let undo = routeWixApisTo(first);
    const admin1 = apiKeyClient(first);
    await admin1.items.insert('Products', { _id: 'survivor', title: 'Still here', price: 1 });
    const visitorToken = (await visitorClient(first).auth.generateVisitorTokens()).accessToken.value;
    undo();
    await first.close();

    const second = await startPlatform({ db: dbPath, seed: 'demo', onError: () => {} });
    undo = routeWixApisTo(second);
    try {
      assert.equal(second.siteId, first.siteId);
      assert.equal(second.apiKey, first.apiKey);
      const admin2 = apiKeyClient(second);
      assert.equal((await admin2.items.get('Products', 'survivor'))?.['title'], 'Still here');
      assert.equal(await admin2.items.query('Products').count(), 401, 'the seed ran once, not twice');
      const info = await rawCall(second, '/oauth2/token-info', { body: JSON.stringify({ token: visitorToken }) });
      assert.equal(info.json?.['active'], true, 'tokens signed before the restart still verify');
    } finally {
      undo();
      await second.close();
    }
  });
});

describe('the CLI', () => {
  it('prints { url, siteId, apiKey } as one JSON line with --json, and serves the seeded data', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'platform/cli.ts', '--port', '0', '--db', ':memory:', '--seed', 'demo', '--json'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    try {
      const line = await new Promise<string>((resolveLine, reject) => {
        let out = '';
        child.stdout.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolveLine(out.split('\n')[0]!);
        });
        child.on('exit', (code) => reject(new Error(`cli exited ${code}`)));
        setTimeout(() => reject(new Error('cli did not print within 30 s')), 30_000);
      });
      const summary = JSON.parse(line) as { url: string; siteId: string; apiKey: string; clientId: string; controlSecret: string };
      assert.match(summary.url, /^https:\/\/localhost:\d+$/);
      assert.match(summary.apiKey, /^IST\./);
      assert.ok(summary.controlSecret.length >= 16, "the run's control secret is in the --json line");
      const { readFileSync } = await import('node:fs');
      const undo = routeWixApisTo({ url: summary.url, ca: readFileSync('.wix-local/tls/cert.pem', 'utf8') });
      try {
        const result = await apiKeyClient(summary).items.query('Products').find({ returnTotalCount: true });
        assert.equal(result.totalCount, 400);
        assert.equal((await controlCall(summary, '/_platform/info')).status, 200, 'the printed secret opens the control routes');
        assert.equal((await rawCall(summary, '/_platform/info', { method: 'GET' })).status, 401, 'and nothing else does');
      } finally {
        undo();
      }
    } finally {
      child.kill('SIGTERM');
    }
  });

  it('rejects a bad flag with a usage message and exit code 2', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'platform/cli.ts', '--seed', 'everything'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (c: Buffer) => (err += c.toString()));
    const code = await new Promise<number | null>((r) => child.on('exit', r));
    assert.equal(code, 2);
    assert.match(err, /--seed must be demo or none/);
  });
});

describe('faults, CORS and the request log', () => {
  it('injects latency, forced statuses, malformed bodies, and wears out after `times`', async () => {
    const p = await startTestPlatform({ seed: 'demo' });
    try {
      const admin = apiKeyClient(p);
      p.services.faults.add({ path: '/wix-data/v2/items/query', status: 429, times: 1 });
      await assert.rejects(admin.items.query('Products').find(), (e) => errorCode(e) === 'WDE0014');
      assert.equal((await admin.items.query('Products').limit(1).find()).items.length, 1, 'the fault wore out after one hit');

      p.services.faults.add({ path: '/wix-data/v2/items/query', status: 500, times: 1 });
      await assert.rejects(admin.items.query('Products').find());

      p.services.faults.add({ path: '/wix-data/v2/items/query', status: 401, times: 1 });
      await assert.rejects(admin.items.query('Products').find(), (e) => errorCode(e) === 'UNAUTHENTICATED');

      p.services.faults.add({ path: '/wix-data/*/items/q*', malformedBody: true, times: 1 });
      await assert.rejects(admin.items.query('Products').find());

      p.services.faults.add({ path: '/wix-data/v2/items/query', latencyMs: 150, times: 1 });
      const t0 = performance.now();
      await admin.items.query('Products').limit(1).find();
      assert.ok(performance.now() - t0 >= 140);
      const faults = p.log
        .since()
        .filter((e) => e.fault)
        .map((e) => e.fault);
      assert.deepEqual(faults, ['status 429', 'status 500', 'status 401', 'malformed body', 'latency 150ms']);
    } finally {
      await p.stop();
    }
  });

  it('control routes switch faults on and off over HTTP', async () => {
    const p = await startTestPlatform({ seed: 'demo' });
    try {
      const added = await controlCall(p, '/_platform/faults', { body: { path: '/wix-data/', status: 503 } });
      assert.equal(added.status, 200);
      await assert.rejects(apiKeyClient(p).items.query('Products').find());
      const bad = await controlCall(p, '/_platform/faults', { body: { status: 42 } });
      assert.equal(bad.status, 400);
      await controlCall(p, '/_platform/faults', { method: 'DELETE' });
      assert.equal((await apiKeyClient(p).items.query('Products').limit(1).find()).items.length, 1);
    } finally {
      await p.stop();
    }
  });

  it('answers CORS preflight for the headers the SDK sends', async () => {
    const p = await startTestPlatform();
    try {
      const r = await rawCall(p, '/wix-data/v2/items/query', {
        method: 'OPTIONS',
        headers: { origin: 'https://localhost:5173', 'access-control-request-headers': 'authorization, x-wix-bi-gateway' },
      });
      assert.equal(r.status, 204);
      assert.equal(r.headers.get('access-control-allow-origin'), 'https://localhost:5173');
      for (const h of ['authorization', 'content-type', 'x-wix-bi-gateway', 'x-wix-linguist', 'x-wix-consistent']) {
        assert.ok(r.headers.get('access-control-allow-headers')?.includes(h), h);
      }
    } finally {
      await p.stop();
    }
  });

  it('logs method, path, status and role, never a credential', async () => {
    const p = await startTestPlatform({ seed: 'demo' });
    try {
      await visitorClient(p).items.query('Products').limit(1).find();
      await apiKeyClient(p).items.query('Orders').limit(1).find();
      const log = await controlCall(p, '/_platform/requests');
      const entries = log.json?.['requests'] as { path: string; role: string; status: number }[];
      assert.deepEqual(
        entries.map((e) => [e.path, e.role, e.status]),
        [
          ['/oauth2/token', 'none', 200],
          ['/wix-data/v2/items/query', 'visitor', 200],
          ['/wix-data/v2/items/query', 'apiKey', 200],
        ],
      );
      assert.doesNotMatch(log.text, /OauthNG|IST\.|JWS\./);
    } finally {
      await p.stop();
    }
  });

  it('redacts tokens and keys from log lines', () => {
    const line = 'failed with OauthNG.JWS.eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig and IST.abc123_-x and eyJa.eyJb.c';
    assert.equal(redact(line), 'failed with [redacted] and [redacted] and [redacted]');
  });
});

describe('routing helper', () => {
  it('restores the original fetch when the platform stops', async () => {
    const p = await startTestPlatform();
    const routed = globalThis.fetch;
    await p.stop();
    assert.notEqual(globalThis.fetch, routed, 'stop() restored the original fetch');
  });
});
