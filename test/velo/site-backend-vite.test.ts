/** The dev server (Vite plugin) runs a site's JavaScript backend folder from outside the project, as the CLI does. */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { it } from 'node:test';
import { createServer } from 'vite';
import { wixLocalPlatform, type Seed } from '../../platform/index.ts';

it('the Vite plugin loads .web.js, http-functions.js and data.js from a backend folder outside the project', async () => {
  const site = mkdtempSync(join(tmpdir(), 'wix-site-vite-'));
  cpSync(new URL('./fixtures/site/', import.meta.url), site, { recursive: true });
  writeFileSync(join(site, 'index.html'), '<!doctype html><title>t</title>');
  const seed = (await import(pathToFileURL(join(site, 'seed.js')).href)).default as Seed;
  const plugin = wixLocalPlatform({
    db: ':memory:',
    dataDir: join(site, '.wix-local'),
    seed,
    banner: false,
    onError: () => {},
    velo: { backendDir: join(site, 'backend') },
  });
  const server = await createServer({ configFile: false, root: site, logLevel: 'silent', server: { port: 0, host: '127.0.0.1' }, plugins: [plugin] });
  await server.listen();
  try {
    const base = `http://127.0.0.1:${(server.httpServer!.address() as { port: number }).port}`;
    const platform = plugin.api.platform!;
    const token = (
      (await (
        await fetch(`${base}/oauth2/token`, {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ grantType: 'anonymous', clientId: platform.clientId }),
        })
      ).json()) as { access_token: string }
    ).access_token;
    const call = async (method: string, ...args: unknown[]) => {
      const r = await fetch(`${base}/_webMethods/notes.web/${method}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', authorization: token },
        body: JSON.stringify({ args }),
      });
      assert.equal(r.status, 200);
      return ((await r.json()) as { result: any }).result;
    };
    assert.deepEqual(await call('labels', 'x'), ['note: x', 'note: x']);
    assert.equal((await call('addNote', { text: 'v' })).code, 'WDE0027', 'a visitor may not write the Notes');
    assert.equal((await call('addNote', { text: 'v' }, { suppressAuth: true })).stamped, true, 'suppressAuth, and data.js ran');
    assert.deepEqual(await (await fetch(`${base}/_functions/notesCount`)).json(), { count: 1001 });
  } finally {
    await server.close();
    rmSync(site, { recursive: true, force: true });
  }
});
