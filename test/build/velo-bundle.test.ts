/** `npm run build:velo`: JavaScript a Wix site can take as it is. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { buildVelo } from '../../scripts/build-velo.ts';

describe('build:velo', () => {
  it('compiles the backend to .js with .js imports and the Velo names left bare, and bundles the page helper', async () => {
    const files = await buildVelo();
    const names = files.map((f) => f.replace('dist/velo/', '')).sort();
    assert.ok(names.includes('backend/data-admin.web.js'));
    assert.ok(names.includes('backend/http-functions.js'));
    assert.ok(names.includes('public/wix-session-elements/page.js'));
    const admin = readFileSync('dist/velo/backend/data-admin.web.js', 'utf8');
    assert.match(admin, /from 'wix-web-module'/);
    assert.match(admin, /from "\.\/lib\/api-key\.js"/);
    for (const file of files) {
      const code = readFileSync(file, 'utf8');
      assert.doesNotMatch(code, /demo\/platform|\.ts['"]/, file);
    }
    const page = readFileSync('dist/velo/public/wix-session-elements/page.js', 'utf8');
    assert.match(page, /export\s*\{[^}]*bindElements/);
    assert.doesNotMatch(page, /^import\s/m, 'the page helper is self-contained');
  });
});
