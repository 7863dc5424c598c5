/**
 * The package as a user gets it: `npm run build:package`, `npm pack`, `npm install <tarball>` into a fresh project
 * in a temporary folder, and there, with nothing from this repository on the module path:
 * - the tarball holds the built package only (no tests, benchmarks, demo, sources or .wix-local);
 * - `import 'wix-session-elements'` registers no tag, and `wix-session-elements/data-list` registers its own;
 * - page code using `bindElements` from `wix-session-elements/velo` type-checks, and a wrong binding does not;
 * - `npx wix-local --help` lists the flags; `npx wix-local --port 0 --db :memory: --seed none --json` serves
 *   `/_platform/info` to the control secret only, and runs a TypeScript web method that imports `wix-web-module`;
 * - `wix-session-elements/testing` runs the example site's backend, unmodified, as a visitor and as a member.
 * The install reads npm's cache first (--prefer-offline); the registry is only asked for what the cache lacks.
 */
import { execFile, execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import { after, before, describe, it } from 'node:test';
import { promisify } from 'node:util';
import assert from 'node:assert/strict';
import { buildPackage } from '../../scripts/build-package.ts';

const run = promisify(execFile);
const REPO = resolve(import.meta.dirname, '../..');
const TSC = join(REPO, 'node_modules/typescript/bin/tsc');
const TYPESCRIPT_VERSION = (JSON.parse(readFileSync(join(REPO, 'node_modules/typescript/package.json'), 'utf8')) as { version: string }).version;
const NPM_QUIET = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
const TAGS = ['wix-data-list', 'wix-data-table', 'wix-data-form', 'wix-member-gate', 'wix-backend-action', 'wix-oauth-connect'];

let work: string;
let project: string;
let packedFiles: string[];
const children: ChildProcess[] = [];

/** Runs a command in the consumer project; resolves with its output, rejects (with the output) on a non-zero exit. */
async function inProject(file: string, args: string[], timeout = 60_000) {
  return run(file, args, { cwd: project, timeout, env: { ...process.env, NODE_OPTIONS: '' }, maxBuffer: 8 * 1024 * 1024 });
}

/** Runs an ES module in the consumer project with plain node and parses the JSON it prints. */
async function nodeEval(source: string): Promise<Record<string, unknown>> {
  const { stdout } = await inProject(process.execPath, ['--input-type=module', '-e', source]);
  return JSON.parse(stdout.trim().split('\n').at(-1)!) as Record<string, unknown>;
}

/** One HTTPS request to the platform, trusting its self-signed certificate. */
function call(
  url: string,
  ca: string,
  init: { method?: string; headers?: Record<string, string>; body?: unknown } = {},
): Promise<{ status: number; body: unknown }> {
  return new Promise((resolveCall, reject) => {
    const payload = init.body === undefined ? undefined : JSON.stringify(init.body);
    const req = request(
      url,
      { method: init.method ?? 'GET', ca, headers: { ...(payload ? { 'content-type': 'application/json' } : {}), ...init.headers } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolveCall({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as unknown) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/**
 * better-sqlite3 installs with prebuild-install, which downloads a binary from GitHub or else compiles one with
 * node-gyp (about 2 minutes on 2 cores). Offline, the test hands it this repository's own binary as a local
 * prebuild (prebuild-install's `local-prebuilds` option, the mechanism for mirrors), under the name it looks for.
 * If the consumer resolves another version, the name does not match and it compiles: slower, same result.
 */
function localPrebuilds(): string {
  const dir = join(work, 'prebuilds');
  mkdirSync(dir);
  const sqlite = join(REPO, 'node_modules/better-sqlite3');
  const { version } = JSON.parse(readFileSync(join(sqlite, 'package.json'), 'utf8')) as { version: string };
  const name = `better-sqlite3-v${version}-node-v${process.versions.modules}-${process.platform}-${process.arch}.tar.gz`;
  execFileSync('tar', ['-czf', join(dir, name), '-C', sqlite, 'build/Release/better_sqlite3.node']);
  return dir;
}

describe('the installed package (npm pack → npm install in a fresh project)', { timeout: 240_000 }, () => {
  before(async () => {
    buildPackage();
    work = mkdtempSync(join(tmpdir(), 'wse-consumer-'));
    const { stdout } = await run('npm', ['pack', '--json', '--pack-destination', work, '--loglevel=error'], { cwd: REPO, maxBuffer: 16 * 1024 * 1024 });
    const [packed] = JSON.parse(stdout) as [{ filename: string; files: { path: string }[] }];
    packedFiles = packed.files.map((f) => f.path);
    project = join(work, 'site');
    mkdirSync(project);
    writeFileSync(
      join(project, 'package.json'),
      // better-sqlite3 (the platform's storage) builds or downloads its native binding in an install script, which npm 11 runs only when allowed.
      JSON.stringify({ name: 'consumer-site', version: '1.0.0', private: true, type: 'module', allowScripts: { 'better-sqlite3': true } }, null, 2),
    );
    await run('npm', ['install', join(work, packed.filename), `typescript@${TYPESCRIPT_VERSION}`, ...NPM_QUIET], {
      cwd: project,
      timeout: 180_000,
      env: { ...process.env, NODE_OPTIONS: '', npm_config_better_sqlite3_local_prebuilds: localPrebuilds() },
    });
  });

  after(() => {
    for (const child of children) child.kill('SIGKILL');
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('ships the built package only: no tests, benchmarks, demo, TypeScript sources or .wix-local', () => {
    const outside = packedFiles.filter(
      (path) => !/^dist\/(bin|elements|platform)\//.test(path) && !['dist/custom-elements.json', 'package.json', 'README.md', 'LICENSE'].includes(path),
    );
    assert.deepEqual(outside, []);
    assert.deepEqual(
      packedFiles.filter((path) => /(^|\/)(test|bench|demo|\.wix-local)\//.test(path) || (path.endsWith('.ts') && !path.endsWith('.d.ts'))),
      [],
    );
    for (const entry of [
      'dist/elements/index.js',
      'dist/elements/index.d.ts',
      'dist/elements/velo/page.d.ts',
      'dist/platform/index.d.ts',
      'dist/bin/wix-local.js',
      'dist/bin/velo-modules.json',
    ]) {
      assert.ok(packedFiles.includes(entry), `${entry} is in the tarball`);
    }
  });

  it('the main entry exports the classes and the session layer and registers no tag; an element entry registers its own', async () => {
    const seen = await nodeEval(`
      const tags = ${JSON.stringify(TAGS)};
      const main = await import('wix-session-elements');
      const afterMain = tags.filter((tag) => customElements.get(tag));
      const entry = await import('wix-session-elements/data-list');
      console.log(JSON.stringify({
        exports: Object.keys(main).sort(),
        afterMain,
        afterEntry: tags.filter((tag) => customElements.get(tag)),
        sameClass: customElements.get('wix-data-list') === entry.WixDataList && entry.WixDataList === main.WixDataList,
      }));
    `);
    for (const name of [
      'Session',
      'createSessionClient',
      'SessionError',
      'BridgeClient',
      'bindElements',
      'WixDataList',
      'WixDataTable',
      'WixDataForm',
      'WixMemberGate',
      'WixBackendAction',
      'WixOAuthConnect',
    ]) {
      assert.ok((seen['exports'] as string[]).includes(name), `the main entry exports ${name}`);
    }
    assert.deepEqual(seen['afterMain'], []);
    assert.deepEqual(seen['afterEntry'], ['wix-data-list']);
    assert.equal(seen['sameClass'], true);
    const manifest = await nodeEval(`
      import { createRequire } from 'node:module';
      const require = createRequire(import.meta.url);
      const manifest = require('wix-session-elements/custom-elements.json');
      const pkg = require('wix-session-elements/package.json');
      console.log(JSON.stringify({ field: pkg.customElements, tags: manifest.modules.flatMap((m) => m.exports ?? []).filter((e) => e.kind === 'custom-element-definition').map((e) => e.name).sort() }));
    `);
    assert.equal(manifest['field'], './dist/custom-elements.json');
    assert.deepEqual(manifest['tags'], [...TAGS].sort());
  });

  it('page code using bindElements from wix-session-elements/velo type-checks; a wrong binding is a type error', async () => {
    mkdirSync(join(project, 'src'));
    writeFileSync(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          lib: ['ES2023', 'DOM'],
          types: [],
        },
        include: ['src'],
      }),
    );
    writeFileSync(
      join(project, 'src/page.ts'),
      `import { bindElements, type DollarW, type ItemsLike } from 'wix-session-elements/velo';
import { WixDataList } from 'wix-session-elements';
import 'wix-session-elements/data-list';

declare const $w: DollarW & { onReady(callback: () => void): void };
declare const items: ItemsLike;

$w.onReady(() => bindElements($w, { '#products': { items } }));
const list: WixDataList = document.createElement('wix-data-list');
list.setAttribute('collection', 'Products');
`,
    );
    await inProject(process.execPath, [TSC, '-p', 'tsconfig.json']);

    writeFileSync(
      join(project, 'src/wrong.ts'),
      `import { bindElements, type DollarW } from 'wix-session-elements/velo';\ndeclare const $w: DollarW;\nbindElements($w, { '#products': { items: 42 } });\n`,
    );
    const failed = await inProject(process.execPath, [TSC, '-p', 'tsconfig.json']).then(
      () => undefined,
      (error: { stdout: string }) => error.stdout,
    );
    rmSync(join(project, 'src/wrong.ts'));
    assert.match(failed ?? 'tsc accepted a number as items', /src\/wrong\.ts\(3,\d+\): error TS2322/);
  });

  it('npx wix-local --help exits 0 and lists its flags', async () => {
    const { stdout } = await inProject('npx', ['--no-install', 'wix-local', '--help']);
    for (const flag of ['--port', '--db', '--seed', '--control-secret', '--json']) assert.ok(stdout.includes(flag), `--help lists ${flag}`);
  });

  it("the testing kit from the installed package runs the example site's unmodified backend as a visitor and as a member", async () => {
    cpSync(join(REPO, 'demo/example-site/backend'), join(project, 'kit/backend'), { recursive: true });
    cpSync(join(REPO, 'demo/example-site/fixtures'), join(project, 'kit/fixtures'), { recursive: true });
    const outcome = await nodeEval(`
      import { startSiteKit, visitor, member } from 'wix-session-elements/testing';
      const kit = await startSiteKit({ backend: 'kit/backend', fixtures: 'kit/fixtures' });
      try {
        const count = await kit.as(visitor()).call('backend/books.web', 'countBooks');
        const refused = await kit.as(visitor()).call('backend/books.web', 'addBook', 'Dune').then(() => 'allowed', (e) => e.status);
        const added = await kit.as(member('ana')).call('backend/books.web', 'addBook', 'Consumer Book');
        const after = await kit.as(visitor()).call('backend/books.web', 'countBooks');
        console.log(JSON.stringify({ count, refused, added: typeof added?._id === 'string', after }));
      } finally {
        await kit.stop();
      }
    `);
    assert.equal(typeof outcome['count'], 'number');
    assert.equal(outcome['refused'], 403, 'a visitor may not call a SiteMember web method');
    assert.equal(outcome['added'], true);
    assert.equal(outcome['after'], (outcome['count'] as number) + 1);
  });

  it('npx wix-local starts the platform: control routes need the secret, a TypeScript web method imports wix-web-module', async () => {
    mkdirSync(join(project, 'velo-backend'));
    writeFileSync(
      join(project, 'velo-backend/hello.web.ts'),
      `import { Permissions, webMethod } from 'wix-web-module';\n\nexport const greet = webMethod(Permissions.Anyone, (name: string): string => \`Hello, \${name}\`);\n`,
    );
    const child = spawn('npx', ['--no-install', 'wix-local', '--port', '0', '--db', ':memory:', '--seed', 'none', '--json'], {
      cwd: project,
      env: { ...process.env, NODE_OPTIONS: '' },
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    try {
      const line = await Promise.race([
        new Promise<string>((r) => createInterface({ input: child.stdout! }).once('line', r)),
        exited.then((code) => Promise.reject(new Error(`wix-local exited (${code}) before printing its JSON line: ${stderr}`))),
      ]);
      const summary = JSON.parse(line) as { url: string; siteId: string; clientId: string; controlSecret: string };
      assert.match(summary.url, /^https:\/\/localhost:\d+$/);
      const ca = readFileSync(join(project, '.wix-local/tls/cert.pem'), 'utf8');

      const info = await call(`${summary.url}/_platform/info`, ca, { headers: { 'x-wix-local-control-secret': summary.controlSecret } });
      assert.equal(info.status, 200);
      assert.equal((info.body as { siteId: string }).siteId, summary.siteId);
      const refused = await call(`${summary.url}/_platform/info`, ca);
      assert.ok(refused.status === 401 || refused.status === 403, `no secret: ${refused.status}`);

      const token = await call(`${summary.url}/oauth2/token`, ca, { method: 'POST', body: { grantType: 'anonymous', clientId: summary.clientId } });
      assert.equal(token.status, 200);
      const greeting = await call(`${summary.url}/_webMethods/hello.web/greet`, ca, {
        method: 'POST',
        headers: { authorization: (token.body as { access_token: string }).access_token },
        body: { args: ['Ada'] },
      });
      assert.deepEqual(greeting, { status: 200, body: { result: 'Hello, Ada' } });
    } finally {
      // npx runs the bin in a child of its own: end the whole group (the one started here, by its id).
      process.kill(-child.pid!, 'SIGTERM');
      const code = await Promise.race([exited, new Promise<'timeout'>((r) => setTimeout(() => r('timeout'), 5_000))]);
      assert.notEqual(code, 'timeout', 'wix-local stops on SIGTERM');
    }
  });
});
