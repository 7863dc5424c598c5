/**
 * The editor bundles and the leak guard: one self-contained ES module per element with no bare imports, and
 * builds that fail when browser code imports server code or a secret reaches the output.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { build } from 'vite';
import { buildEditorBundles, elementEntries } from '../../scripts/build-editor.ts';
import { leakGuard } from '../../scripts/leak-guard.ts';

const scratch = mkdtempSync(join(tmpdir(), 'wix-build-'));
after(() => rmSync(scratch, { recursive: true, force: true }));

async function buildEntry(source: string, secrets: string[] = []) {
  const entry = resolve('elements', `.leak-probe-${Math.random().toString(36).slice(2)}.ts`);
  writeFileSync(entry, source);
  try {
    await build({
      configFile: false,
      logLevel: 'silent',
      plugins: [leakGuard({ secrets })],
      build: { outDir: join(scratch, 'probe'), write: false, lib: { entry, formats: ['es'], fileName: () => 'probe.js' } },
    });
  } finally {
    rmSync(entry, { force: true });
  }
}

describe('editor bundles', () => {
  it('writes one self-contained ES module per element, with Lit inlined and no bare imports', async () => {
    const out = join(scratch, 'editor');
    const files = await buildEditorBundles(out);
    assert.deepEqual(files.map((f) => f.split('/').pop()), elementEntries().map((e) => `${e.tag}.js`));
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      assert.doesNotMatch(code, /\b(?:from|import)\s*["'`](?![./])[^"'`]+["'`]/, `${file} has a bare import`);
      assert.doesNotMatch(code, /\bimport\(\s*["'`](?![./])/, `${file} has a bare dynamic import`);
      assert.match(code, /customElements\.define/);
      assert.ok(existsSync(`${file}.map`), 'a source map is written');
      assert.doesNotMatch(code, /better-sqlite3|demo\/platform|velo-backend/);
    }
  });
});

describe('a planted secret', () => {
  it('never appears in the editor bundles or their source maps', async () => {
    const planted = `PLANTED_${Math.random().toString(36).slice(2)}_SECRET_VALUE`;
    const out = join(scratch, 'planted');
    process.env['WIX_SECRET_PLANTED_TEST'] = planted;
    try {
      const files = await buildEditorBundles(out);
      for (const file of files) {
        assert.ok(!readFileSync(file, 'utf8').includes(planted));
        assert.ok(!readFileSync(`${file}.map`, 'utf8').includes(planted));
      }
    } finally {
      delete process.env['WIX_SECRET_PLANTED_TEST'];
    }
  });
});

describe('leak guard', () => {
  it('fails the build when browser code imports the platform', async () => {
    await assert.rejects(buildEntry(`import { startPlatform } from '../demo/platform/index.ts'; console.log(startPlatform);`), /Browser code imports server code/);
  });

  it('fails the build when anything under elements/ imports velo-backend/', async () => {
    await assert.rejects(buildEntry(`import { listOrders } from '../velo-backend/data-admin.web.ts'; console.log(listOrders);`), /Browser code imports server code/);
    await assert.rejects(buildEntry(`import { getSecret } from '../velo-backend/lib/secrets.ts'; console.log(getSecret);`), /Browser code imports server code/);
  });

  it('fails the build when browser code imports a Node built-in', async () => {
    await assert.rejects(buildEntry(`import { readFileSync } from 'node:fs'; console.log(readFileSync);`), /Browser code imports server code/);
  });

  it('fails the build on a dynamic import of server code too', async () => {
    await assert.rejects(buildEntry(`export const load = () => import('../demo/platform/index.ts');`), /Browser code imports server code/);
  });

  it('fails the build when a secret value reaches the output', async () => {
    const canary = 'CANARY_6f1d2c3b4a5968778899';
    await assert.rejects(buildEntry(`export const key = ${JSON.stringify(canary)};`, [canary]), /A secret value reached/);
  });

  it('fails the build when a credential-shaped value reaches the output', async () => {
    await assert.rejects(buildEntry(`export const key = "IST.abcdefghijklmnopqrstuvwxyz0123";`), /credential/);
  });

  it('lets ordinary browser code through', async () => {
    await assert.doesNotReject(buildEntry(`export const hello = (name: string) => 'hello ' + name;`));
  });
});
