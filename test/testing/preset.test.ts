/**
 * The Vitest preset on a site repository outside this project (os.tmpdir(): no node_modules, no tsconfig, no
 * package.json): its backend files, unmodified, import `wix-web-module`, `wix-data`, `@wix/data` (not installed by
 * the site: the preset resolves the platform's), `@wix/essentials` and `backend/...`; its data.js hooks run; a test
 * imports a backend module and sees the same instance the platform runs. Vitest runs as a child process, as in CI.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const site = mkdtempSync(join(tmpdir(), 'wix-site-preset-'));
after(() => rmSync(site, { recursive: true, force: true }));

const files: Record<string, string> = {
  'src/backend/notes.web.js': `import { Permissions, webMethod } from 'wix-web-module';
import wixData from 'wix-data';
import { items } from '@wix/data';
import { auth } from '@wix/essentials';
import { shout } from 'backend/util/text';
export const addNote = webMethod(Permissions.SiteMember, (text) => wixData.insert('Notes', { text: shout(text) }));
export const countAll = webMethod(Permissions.Anyone, () => auth.elevate(items.query)('Notes').find().then((r) => r.items.length));
export const countMine = webMethod(Permissions.Anyone, () => items.query('Notes').find().then((r) => r.items.length));
`,
  'src/backend/util/text.js': `export const shout = (s) => String(s).toUpperCase();\n`,
  'src/backend/data.js': `export const seen = [];
export function Notes_beforeInsert(item, context) {
  seen.push(context.userRole);
  return { ...item, stamped: true };
}
`,
  'fixtures/site.json': JSON.stringify({
    collections: [{ id: 'Notes', permissions: { read: 'SITE_MEMBER_AUTHOR', insert: 'SITE_MEMBER', update: 'SITE_MEMBER_AUTHOR', remove: 'ADMIN' } }],
    members: [{ name: 'ana' }, { name: 'ben' }],
  }),
  'vitest.config.mjs': `import { wixVitestPreset } from ${JSON.stringify(join(ROOT, 'platform/testing/vitest.ts'))};
const preset = wixVitestPreset({ root: ${JSON.stringify(site)}, backend: 'src/backend', fixtures: 'fixtures' });
export default { ...preset, test: { ...preset.test, globals: true } };
`,
  'tests/notes.test.js': `import { as, member, visitor } from ${JSON.stringify(join(ROOT, 'platform/testing/index.ts'))};
import { seen } from '../src/backend/data.js';
it('runs the backend unmodified, as each caller', async () => {
  await expect(as(visitor()).call('backend/notes.web', 'addNote', 'hi')).rejects.toMatchObject({ status: 403 });
  const note = await as(member('ana')).call('backend/notes.web', 'addNote', 'hi');
  expect(note).toMatchObject({ text: 'HI', stamped: true });
  expect(seen).toEqual(['siteMember']);
  await as(member('ben')).call('backend/notes.web', 'addNote', 'yo');
  expect(await as(member('ben')).call('backend/notes.web', 'countMine')).toBe(1);
  // Notes are read by their author only: a visitor's own query is refused, and the web method fails with it.
  const refused = await as(visitor()).call('backend/notes.web', 'countMine').catch((e) => e);
  expect(refused.status).toBe(500);
  expect(JSON.stringify(refused.body)).toMatch(/WDE0027|permission/i);
  expect(await as(visitor()).call('backend/notes.web', 'countAll')).toBe(2);
});
`,
};

describe('wixVitestPreset on a site outside the project', () => {
  it('runs the site tests green in a vitest child process', () => {
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(join(site, path, '..'), { recursive: true });
      writeFileSync(join(site, path), text);
    }
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(site, 'vitest.config.mjs')], {
      cwd: site,
      encoding: 'utf8',
      env: { ...process.env, NODE_TEST_CONTEXT: '' },
      timeout: 120_000,
    });
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
    assert.match(r.stdout, /1 passed/);
  });

  it('a broken fixture fails the run before any test, naming the file and the bad value', () => {
    writeFileSync(join(site, 'fixtures/site.json'), JSON.stringify({ collections: [{ id: 'Notes', permissions: { read: 'NOBODY' } }] }));
    const r = spawnSync(process.execPath, [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(site, 'vitest.config.mjs')], {
      cwd: site,
      encoding: 'utf8',
      env: { ...process.env, NODE_TEST_CONTEXT: '' },
      timeout: 120_000,
    });
    assert.notEqual(r.status, 0);
    assert.match(`${r.stdout}${r.stderr}`, /site\.json: collections\.0\.permissions\.read: must be one of ANYONE/);
  });
});
