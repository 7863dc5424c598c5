/** `wix-local --backend DIR` (npm run platform -- --backend DIR): a site's backend folder outside the project, spawned once. */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { routeWixApisTo } from '../../platform/index.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

function runCli(args: string[]) {
  const child = spawn(process.execPath, ['--import', 'tsx', 'platform/cli.ts', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
  let err = '';
  child.stderr.on('data', (c: Buffer) => (err += c.toString()));
  const firstLine = new Promise<string>((resolveLine, reject) => {
    let out = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
      if (out.includes('\n')) resolveLine(out.split('\n')[0]!);
    });
    child.on('exit', (code) => reject(new Error(`cli exited ${code}: ${err}`)));
    setTimeout(() => reject(new Error('cli did not print within 30 s')), 30_000).unref();
  });
  firstLine.catch(() => {}); // a run that only checks the exit code never reads it
  const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
  return { child, firstLine, exited, stderr: () => err };
}

let site: string;
before(() => {
  site = mkdtempSync(join(tmpdir(), 'wix-site-cli-'));
  cpSync(new URL('./fixtures/site/', import.meta.url), site, { recursive: true });
});
after(() => rmSync(site, { recursive: true, force: true }));

describe('wix-local --backend DIR', () => {
  it('loads the site backend from outside the project: HTTP functions, wix-data with suppressAuth, data.js hooks', async () => {
    const cli = runCli([
      '--port',
      '0',
      '--db',
      ':memory:',
      '--data-dir',
      join(site, '.wix-local'),
      '--seed',
      join(site, 'seed.js'),
      '--backend',
      join(site, 'backend'),
      '--json',
    ]);
    try {
      const summary = JSON.parse(await cli.firstLine) as { url: string; apiKey: string; siteId: string };
      const undo = routeWixApisTo({ url: summary.url, ca: readFileSync(join(site, '.wix-local', 'tls', 'cert.pem'), 'utf8') });
      try {
        const insert = await fetch('https://www.wixapis.com/wix-data/v2/items', {
          method: 'POST',
          headers: { 'content-type': 'application/json', authorization: summary.apiKey, 'wix-site-id': summary.siteId },
          body: JSON.stringify({ dataCollectionId: 'Notes', dataItem: { data: { text: 'via the CLI' } } }),
        });
        assert.equal(insert.status, 200);
        assert.equal(((await insert.json()) as { dataItem: { data: { stamped?: boolean } } }).dataItem.data.stamped, true, 'beforeInsert from data.js ran');
        assert.deepEqual(await (await fetch('https://www.wixapis.com/_functions/guestbook')).json(), { count: 0 });
        // A visitor's HTTP function counts the members-only Notes with suppressAuth; afterCount adds 1000.
        assert.deepEqual(await (await fetch('https://www.wixapis.com/_functions/notesCount')).json(), { count: 1001 });
      } finally {
        undo();
      }
    } finally {
      cli.child.kill('SIGTERM');
      await cli.exited;
    }
  });

  it('--backend that is not a folder is a bad flag (exit 2)', async () => {
    const cli = runCli(['--backend', join(site, 'no-such-folder')]);
    assert.equal(await cli.exited, 2);
    assert.match(cli.stderr(), /--backend must be a folder/);
  });
});
