/**
 * The platform as a product (issue 14): one façade that nothing outside platform/ gets around, a CLI that
 * documents and checks its flags and takes a seed module, a Vite plugin that mounts the platform on a dev server,
 * and a test helper.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createServer } from 'vite';
import * as facade from '../../platform/index.ts';
import { CONTROL_SECRET_HEADER, routeWixApisTo, startTestPlatform, wixLocalPlatform } from '../../platform/index.ts';
import { apiKeyClient, visitorClient } from './helpers.ts';

const ROOT = new URL('../..', import.meta.url).pathname;

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    if (['node_modules', 'dist', '.git', '.wix-local', 'platform'].includes(name) && dir === ROOT.replace(/\/$/, '')) return [];
    if (name === 'node_modules' || name.startsWith('.')) return [];
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : /\.(ts|mts|mjs|js)$/.test(name) ? [path] : [];
  });
}

/** platform/ sources that package.json exports (./platform, ./testing, ./testing/vitest ...): public by definition. */
const PUBLIC_ENTRIES = new Set(
  Object.values(JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')).exports as Record<string, string | { default: string }>)
    .map((entry) => (typeof entry === 'string' ? entry : entry.default))
    .filter((target) => target.startsWith('./dist/platform/'))
    .map((target) => target.replace('./dist/', '').replace(/\.js$/, '.ts')),
);

describe('the façade', () => {
  it('is the only way into platform/ from outside it (unit tests of one module under test/platform/ and test/velo/ aside)', () => {
    const offenders: string[] = [];
    for (const file of walk(ROOT.replace(/\/$/, ''))) {
      const path = relative(ROOT, file);
      if (/^test\/(platform|velo|testing)\/[^/]+\.test\.ts$/.test(path)) continue;
      const text = readFileSync(file, 'utf8');
      for (const match of text.matchAll(/(?:from\s*|import\s*\(\s*|import\s+)['"]([^'"]*\bplatform\/[^'"]+)['"]/g)) {
        const target = match[1]!;
        if (!target.startsWith('.')) continue;
        const resolved = relative(ROOT, join(file, '..', target));
        if (!resolved.startsWith('platform/')) continue;
        // The entry points: the façade, the CLI (the bin runs it) and the package's other public entries (the testing kit).
        if (resolved === 'platform/index.ts' || resolved === 'platform/cli.ts' || PUBLIC_ENTRIES.has(resolved)) continue;
        offenders.push(`${path} → ${resolved}`);
      }
    }
    assert.deepEqual(offenders, []);
  });

  it('exports what callers need: start, create, routing, TLS, limits, the control header, the Vite plugin, the test helper', () => {
    for (const name of [
      'startPlatform',
      'createPlatform',
      'routeWixApisTo',
      'routeOwnOrigin',
      'ensureTls',
      'wixLocalPlatform',
      'startTestPlatform',
      'redact',
    ]) {
      assert.equal(typeof (facade as Record<string, unknown>)[name], 'function', name);
    }
    assert.equal(facade.CONTROL_SECRET_HEADER, 'x-wix-local-control-secret');
    assert.equal(facade.HOST_LIMITS.maxBodyBytes > 0, true);
    assert.equal(facade.AUTH_LIMITS.accountFailures > 0, true);
    assert.equal(facade.DATA_LIMITS.MAX_QUERY_LIMIT, 1000);
    assert.ok(facade.PLATFORM_PATH_PREFIXES.includes('/_platform/'));
    // Nothing of the demo.
    for (const name of Object.keys(facade)) assert.doesNotMatch(name, /DEMO|SECOND_MEMBER|BACKEND_/, name);
  });
});

describe('startTestPlatform', () => {
  it('starts in memory on a free port, routes wixapis.com to it for the SDK, and stop() undoes the routing', async () => {
    const before = globalThis.fetch;
    const a = await startTestPlatform();
    assert.notEqual(globalThis.fetch, before, 'www.wixapis.com is routed while it runs');
    assert.notEqual(a.port, 8443);
    assert.match(a.url, /^https:\/\/localhost:\d+$/);
    const token = await visitorClient(a).auth.generateVisitorTokens();
    assert.ok(token.accessToken.value, 'the SDK got a visitor token from this platform');
    await a.stop();
    assert.equal(globalThis.fetch, before, 'stop() puts the global fetch back');
    const b = await startTestPlatform();
    try {
      assert.notEqual(b.port, a.port, 'each gets its own port');
      assert.equal(
        await apiKeyClient(b)
          .items.query('Nothing')
          .find()
          .catch((e: { details?: { applicationError?: { code?: string } } }) => e.details?.applicationError?.code),
        'WDE0025',
      );
    } finally {
      await b.stop();
    }
  });
});

/** Runs the CLI; resolves with its exit code and output (or the first stdout line with `untilLine`). */
function cli(args: string[], untilLine = false): Promise<{ code: number | null; stdout: string; stderr: string; kill(): void }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'platform/cli.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const kill = () => child.kill('SIGTERM');
  return new Promise((resolveRun, reject) => {
    const timer = setTimeout(() => {
      kill();
      reject(new Error(`wix-local ${args.join(' ')} did not finish in 30 s: ${stderr}`));
    }, 30_000);
    if (untilLine) {
      child.stdout.on('data', () => {
        if (stdout.includes('\n')) {
          clearTimeout(timer);
          resolveRun({ code: null, stdout, stderr, kill });
        }
      });
    }
    child.on('exit', (code) => {
      clearTimeout(timer);
      resolveRun({ code, stdout, stderr, kill });
    });
  });
}

describe('wix-local', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wix-local-cli-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('--help documents every flag it accepts, the seed choices among them, and exits 0', async () => {
    const { code, stdout } = await cli(['--help']);
    assert.equal(code, 0);
    const source = readFileSync(join(ROOT, 'platform/cli.ts'), 'utf8');
    const declared = [...source.slice(source.indexOf('options: {')).matchAll(/^\s+'?([a-z-]+)'?: \{ type:/gm)].map((m) => m[1]!);
    assert.ok(declared.length >= 8, `found the declared flags: ${declared.join(', ')}`);
    for (const flag of declared) assert.ok(stdout.includes(`--${flag}`), `--help lists --${flag}`);
    for (const choice of ['none', 'demo', 'PATH', 'SeedApi']) assert.ok(stdout.includes(choice), `--help explains --seed ${choice}`);
  });

  for (const [args, message] of [
    [['--bogus'], /Unknown option '--bogus'/],
    [['--port', '1e3'], /--port must be 0\.\.65535/],
    [['--port', '70000'], /--port must be 0\.\.65535/],
    [['--host', 'a b'], /--host must be/],
    [['stray'], /positional/],
    [['--seed', 'no/such/seed.ts'], /--seed must be demo or none, or the path of a seed module/],
    [['--control-secret', 'short'], /--control-secret must be at least 16/],
  ] as const) {
    it(`exits 2 with the usage on ${args.join(' ')}`, async () => {
      const { code, stderr } = await cli([...args]);
      assert.equal(code, 2);
      assert.match(stderr, message);
      assert.match(stderr, /Usage: wix-local/);
    });
  }

  it('exits 2 on a seed module that exports no function', async () => {
    const module = join(dir, 'not-a-seed.mjs');
    writeFileSync(module, 'export const seed = 42;\n');
    const { code, stderr } = await cli(['--seed', module]);
    assert.equal(code, 2);
    assert.match(stderr, /no default export \(or export named "seed"\) that is a function/);
  });

  it('--seed <module> runs that seed: its collection is served and its site is in the --json line', async () => {
    const module = join(dir, 'my-seed.mjs');
    writeFileSync(
      module,
      `export default function seed(api) {
        api.createCollection({ id: 'Menu', permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } });
        if (!api.hasSecret('SEEDED')) { api.insertItems('Menu', [{ _id: 'm1', dish: 'Soup' }]); api.setSecret('SEEDED', 'yes'); }
        api.addSite({ key: 'kitchen', name: 'Kitchen' });
      }\n`,
    );
    const run = await cli(['--port', '0', '--db', ':memory:', '--data-dir', join(dir, 'data'), '--seed', module, '--json'], true);
    try {
      const summary = JSON.parse(run.stdout.split('\n')[0]!) as {
        url: string;
        siteId: string;
        apiKey: string;
        clientId: string;
        sites: Record<string, string>;
      };
      assert.match(summary.sites['kitchen'] ?? '', /^[0-9a-f-]{36}$/);
      const undo = routeWixApisTo({ url: summary.url, ca: readFileSync(join(dir, 'data/tls/cert.pem'), 'utf8') });
      try {
        const found = await visitorClient(summary).items.query('Menu').find();
        assert.deepEqual(
          found.items.map((i) => i['dish']),
          ['Soup'],
        );
      } finally {
        undo();
      }
    } finally {
      run.kill();
    }
  });
});

describe('wixLocalPlatform (Vite plugin)', () => {
  it('mounts the platform on a dev server: Wix paths answered, control routes behind the secret, the secret in the HTML when asked', async () => {
    const root = mkdtempSync(join(tmpdir(), 'wix-vite-'));
    writeFileSync(join(root, 'index.html'), '<!doctype html><html><head><title>t</title></head><body></body></html>');
    const plugin = wixLocalPlatform({ db: ':memory:', dataDir: join(root, '.wix-local'), controlSecretMeta: true, banner: false, onError: () => {} });
    const server = await createServer({ configFile: false, root, logLevel: 'silent', server: { port: 0, host: '127.0.0.1' }, plugins: [plugin] });
    await server.listen();
    try {
      const address = server.httpServer!.address() as { port: number };
      const base = `http://127.0.0.1:${address.port}`;
      const platform = plugin.api.platform!;
      assert.ok(platform, 'the plugin exposes the running platform');
      const html = await (await fetch(`${base}/`)).text();
      assert.ok(html.includes(`<meta name="wix-local-control-secret" content="${platform.controlSecret}">`), 'the page carries the secret');
      assert.equal((await fetch(`${base}/_platform/info`)).status, 401, 'no secret, no control route');
      const info = await fetch(`${base}/_platform/info`, { headers: { [CONTROL_SECRET_HEADER]: platform.controlSecret } });
      assert.equal(info.status, 200);
      assert.equal(((await info.json()) as { siteId: string }).siteId, platform.siteId);
      const token = await fetch(`${base}/oauth2/token`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ grantType: 'anonymous', clientId: platform.clientId }),
      });
      assert.equal(token.status, 200, 'a Wix path is answered by the platform, not by Vite');
      assert.ok(((await token.json()) as { access_token?: string }).access_token);
      const other = await fetch(`${base}/some/page`);
      assert.match(await other.text(), /<title>t<\/title>/, 'anything else goes on to Vite (its HTML fallback)');
    } finally {
      await server.close();
      rmSync(root, { recursive: true, force: true });
    }
  });
});
