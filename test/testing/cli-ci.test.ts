/**
 * `wix-local --ci`: spawned with no TTY (stdin ignored, stdout a pipe), it prints one readiness line, runs a
 * command against the platform and exits with its code, stops on SIGTERM with 0, honours --timeout with 124, and
 * refuses bad flags and invalid fixtures with 2 before starting anything.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;
const dataDir = mkdtempSync(join(tmpdir(), 'wix-local-ci-'));
after(() => rmSync(dataDir, { recursive: true, force: true }));
const SITE = join(ROOT, 'demo/example-site');

// The CLI's own environment, as a CI job gives it: without the test runner's control secret, CA file, or
// NODE_TEST_CONTEXT (with which node:test's child mode ends a process on SIGTERM before its own handler runs).
const HIDDEN = new Set(['WIX_LOCAL_CONTROL_SECRET', 'NODE_EXTRA_CA_CERTS', 'NODE_TEST_CONTEXT']);
const childEnv = Object.fromEntries(Object.entries(process.env).filter(([k]) => !HIDDEN.has(k)));

function runCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'platform/cli.ts', '--data-dir', dataDir, '--seed', 'none', '--port', '0', ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: childEnv,
  });
  let out = '';
  let err = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const exited = new Promise<number | null>((r) => child.on('exit', (code, signal) => r(code ?? (signal ? -1 : null))));
  const firstLine = new Promise<string>((resolveLine, reject) => {
    const check = () => (out.includes('\n') ? resolveLine(out.split('\n')[0]!) : undefined);
    child.stdout.on('data', check);
    void exited.then(() => (out.includes('\n') ? resolveLine(out.split('\n')[0]!) : reject(new Error(`exited without a line: ${err}`))));
  });
  firstLine.catch(() => {});
  return { child, exited, firstLine, out: () => out, err: () => err };
}

describe('wix-local --ci', () => {
  it('prints the readiness line, runs the command with the platform in its environment, and exits with its code', async () => {
    const probe = [
      'const r = await fetch(process.env.WIX_LOCAL_URL + "/_platform/info", { headers: { "x-wix-local-control-secret": process.env.WIX_LOCAL_CONTROL_SECRET } });',
      'const info = await r.json();',
      'console.log("site=" + (info.siteId === process.env.WIX_LOCAL_SITE_ID) + " books=" + info.collections.some((c) => c.id === "Books"));',
      'process.exit(7);',
    ].join(' ');
    const cli = runCli([
      '--ci',
      '--fixtures',
      join(SITE, 'fixtures'),
      '--backend',
      join(SITE, 'backend'),
      '--',
      process.execPath,
      '--input-type=module',
      '-e',
      probe,
    ]);
    // The probe trusts the self-signed certificate through the NODE_EXTRA_CA_CERTS the CLI gives the command.
    const ready = JSON.parse(await cli.firstLine) as { ready: boolean; url: string; siteId: string };
    assert.equal(ready.ready, true);
    assert.match(ready.url, /^https:\/\/(localhost|127\.0\.0\.1):\d+$/);
    assert.equal(await cli.exited, 7, cli.err());
    assert.match(cli.out(), /site=true books=true/, cli.err());
  });

  it('without a command it runs until SIGTERM and exits 0', async () => {
    const cli = runCli(['--ci']);
    const ready = JSON.parse(await cli.firstLine) as { ready: boolean };
    assert.equal(ready.ready, true);
    cli.child.kill('SIGTERM');
    assert.equal(await cli.exited, 0, cli.err());
  });

  it('--timeout stops it with 124', async () => {
    const cli = runCli(['--ci', '--timeout', '1']);
    assert.equal(await cli.exited, 124);
    assert.match(cli.err(), /--timeout 1 s ran out/);
  });

  it('a command that cannot start exits 127', async () => {
    const cli = runCli(['--ci', '--', join(dataDir, 'no-such-command')]);
    assert.equal(await cli.exited, 127);
  });

  it('bad flags and invalid fixtures exit 2 before anything starts, with the reason on stderr', async () => {
    const bad = join(dataDir, 'bad.json');
    writeFileSync(bad, JSON.stringify({ members: [{ name: 'Ana' }] }));
    for (const [args, reason] of [
      [['--ci', '--fixtures', bad], /--fixtures: \S*bad\.json: members\.0\.name: must be a lowercase name/],
      [['--timeout', '5'], /--timeout needs --ci/],
      [['--ci', '--timeout', '0'], /--timeout must be 1\.\.86400/],
      [['--json', '--', 'true'], /a command after "--" needs --ci/],
    ] as const) {
      const cli = runCli([...args]);
      assert.equal(await cli.exited, 2, args.join(' '));
      assert.match(cli.err(), reason);
      assert.equal(cli.out(), '', 'nothing on stdout');
    }
  });
});

describe('wix-local --fixtures on a database file', () => {
  it('seeds once: a second start on the same file finds the fixtures and adds nothing twice', async () => {
    const db = join(dataDir, 'site.db');
    for (let start = 0; start < 2; start++) {
      const cli = runCli(['--ci', '--db', db, '--fixtures', join(SITE, 'fixtures'), '--', 'true']);
      assert.equal(await cli.exited, 0, cli.err());
    }
  });
});
