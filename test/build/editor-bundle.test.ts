/**
 * The editor bundles and the leak guard: one self-contained ES module per element with no bare imports, the
 * shared-chunk build (one entry per element, Lit, the SDK and elements/core in chunks loaded once), and builds
 * that fail when browser code imports server code or a secret reaches the output. In Chromium: with a
 * self-contained bundle and the shared build on one page, every element is registered exactly once.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, relative, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { chromium, type Browser } from 'playwright';
import { build } from 'vite';
import { buildEditorBundles, buildSharedBundles, closure, editorConfig, elementEntries, type SharedBuild } from '../../scripts/build-editor.ts';
import { leakGuard } from '../../scripts/leak-guard.ts';

const CHROME = process.env['CHROME_PATH'] ?? ['/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p) => existsSync(p));
const ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

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

/** Every JS file written under a directory, recursively. */
function jsFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.js'))
    .map((f) => join(dir, f))
    .sort();
}

/** The import specifiers of an ES module: static `from`/side-effect imports and dynamic `import()`. */
function specifiers(code: string): string[] {
  return [...code.matchAll(/\b(?:from|import)\s*\(?\s*["'`]([^"'`]+)["'`]/g)].map((m) => m[1]!);
}

/**
 * Whether minified code holds the tag's registration: the tag as a string literal (with any quote). The elements
 * register through the guarded `define()` of elements/core/element.ts, which the minifier may inline or rename, so
 * the call itself is not matched; the page test below counts the real `customElements.define` calls.
 */
const defines = (code: string, tag: string) => new RegExp(`["'\`]${tag}["'\`]`).test(code);

// assert.ok with a message rather than assert.match: a failure names the file instead of printing a 150 KB bundle.
function assertBrowserModule(file: string): void {
  const code = readFileSync(file, 'utf8');
  assert.ok(!/\b(?:from|import)\s*["'`](?![./])[^"'`]+["'`]/.test(code), `${file} has a bare import`);
  assert.ok(!/\bimport\(\s*["'`](?![./])/.test(code), `${file} has a bare dynamic import`);
  assert.ok(existsSync(`${file}.map`), `${file}: a source map is written`);
  assert.ok(!/better-sqlite3|demo\/platform|velo-backend/.test(code), `${file} holds server code`);
}

const selfContainedDir = join(scratch, 'editor');
const sharedDir = join(scratch, 'editor', 'shared');
let selfContained: string[] = [];
let shared: SharedBuild;

describe('editor bundles', () => {
  before(async () => {
    selfContained = await buildEditorBundles(selfContainedDir);
    shared = await buildSharedBundles(sharedDir);
  });

  it('writes one self-contained ES module per element, with Lit inlined and no bare imports', () => {
    assert.deepEqual(
      selfContained.map((f) => basename(f)),
      elementEntries().map((e) => `${e.tag}.js`),
    );
    for (const file of selfContained) {
      assertBrowserModule(file);
      const code = readFileSync(file, 'utf8');
      const tag = basename(file, '.js');
      assert.ok(defines(code, tag), `${file} registers ${tag}`);
      assert.deepEqual(
        specifiers(code).filter((s) => !s.startsWith('data:')),
        [],
        `${file} imports nothing: it is self-contained`,
      );
    }
  });

  it("keeps the theme's light-dark() colours as written: the CSS target has it, so no helper variable nothing sets", () => {
    // With too old a Safari target, Lightning CSS rewrote light-dark() into --lightningcss-light/dark variables that
    // nothing defines, and the default accent and error colours were invalid in every bundle (issue 14).
    for (const file of selfContained) {
      const code = readFileSync(file, 'utf8');
      assert.ok(code.includes('light-dark('), `${basename(file)} keeps light-dark()`);
      assert.doesNotMatch(code, /--lightningcss-/, `${basename(file)} has no Lightning CSS fallback variables`);
    }
  });

  it("ships the table's own row layout, not the virtualizer's default flow layout (which it never uses)", () => {
    const code = readFileSync(join(selfContainedDir, 'wix-data-table.js'), 'utf8');
    // Names the flow layout and its base keep through minification (underscore members are not mangled).
    assert.doesNotMatch(code, /_metricsCache|_estimate|_updateVisibleIndices/, 'no flow layout in the table bundle');
    assert.ok(code.includes('pass a layout to the virtualizer'), 'the default layout is the stub that says so');
  });

  it('writes the shared build: one entry per element, chunks it imports by relative URL, no bare imports', () => {
    assert.deepEqual(
      Object.keys(shared.entries).sort(),
      elementEntries()
        .map((e) => e.tag)
        .sort(),
    );
    for (const [tag, entry] of Object.entries(shared.entries)) {
      assert.equal(entry, join(sharedDir, `${tag}.js`));
      assert.ok(defines(readFileSync(entry, 'utf8'), tag), `${entry} registers ${tag}`);
    }
    const written = jsFiles(sharedDir);
    assert.deepEqual(written, [...Object.values(shared.entries), ...shared.chunks.map((c) => c.file)].sort(), 'every file written is an entry or a chunk');
    for (const file of written) {
      assertBrowserModule(file);
      for (const spec of specifiers(readFileSync(file, 'utf8'))) {
        assert.match(spec, /^\.\.?\//, `${file} imports ${spec} by a relative URL`);
        assert.ok(existsSync(resolve(file, '..', spec)), `${file} imports ${spec}, which was written`);
      }
    }
  });

  it("puts Lit and elements/core in shared chunks (no SDK: issue 15), and no element in another element's files", () => {
    const groups = (group: string) => shared.chunks.filter((c) => c.group === group);
    assert.equal(groups('lit').length, 1, 'one Lit chunk');
    // Issue 15: the elements call Data Items through their light client, so no chunk carries @wix/sdk or @wix/data.
    assert.equal(groups('sdk').length, 0, 'no SDK chunk');
    assert.ok(!shared.chunks.some((c) => c.contents.some((p) => p.startsWith('@wix/'))), 'no @wix package in any chunk');
    assert.ok(groups('core').length >= 1, 'elements/core in chunks');
    const lit = groups('lit')[0]!.file;
    assert.ok(groups('lit')[0]!.contents.includes('lit-html'));
    for (const c of groups('core'))
      assert.ok(
        c.contents.every((f) => f.startsWith('elements/core/')),
        `${c.file} holds only elements/core`,
      );
    for (const [tag, entry] of Object.entries(shared.entries)) {
      const needs = closure(shared, entry);
      assert.ok(needs.includes(lit), `${tag} loads the one Lit chunk`);
      assert.ok(!readFileSync(entry, 'utf8').includes('lit-html'), `${tag}'s entry does not inline Lit`);
      const code = needs.map((f) => readFileSync(f, 'utf8')).join('\n');
      const others = elementEntries().filter((e) => e.tag !== tag);
      for (const other of others) assert.ok(!defines(code, other.tag), `${tag} does not load ${other.tag}`);
    }
    // An element that makes no Data calls does not load the data client through elements/core.
    const gate = shared.entries['wix-member-gate'];
    if (gate)
      assert.ok(!closure(shared, gate).some((f) => readFileSync(f, 'utf8').includes('/_api/cloud-data')), 'wix-member-gate does not load the data client');
  });
});

describe('both builds on one page (Chromium)', () => {
  let browser: Browser;
  before(async () => {
    if (!selfContained.length) selfContained = await buildEditorBundles(selfContainedDir);
    if (!shared) shared = await buildSharedBundles(sharedDir);
    browser = await chromium.launch({ ...(CHROME ? { executablePath: CHROME } : {}), args: ARGS });
  });
  after(async () => {
    await browser?.close();
  });

  /** A page on https://bundles.test/ that loads the given files (paths under the editor output) in order, one module script each. */
  async function load(files: string[]) {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(String(e)));
    page.on('console', (m) => {
      if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text());
    });
    await page.route('https://bundles.test/**', async (route) => {
      const path = new URL(route.request().url()).pathname.slice(1);
      requests.push(path);
      if (path === '') {
        const scripts = files.map((f) => `<script type="module" src="/${relative(selfContainedDir, f)}"></script>`).join('');
        return route.fulfill({
          contentType: 'text/html',
          body: `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>bundles</title>${scripts}</head><body></body></html>`,
        });
      }
      const file = join(selfContainedDir, path);
      if (!existsSync(file)) return route.fulfill({ status: 404, body: 'not found' });
      return route.fulfill({ contentType: 'text/javascript', body: readFileSync(file) });
    });
    // Counts every registration, whichever bundle makes it.
    await page.addInitScript(() => {
      const define = customElements.define.bind(customElements);
      const defined: string[] = [];
      (window as unknown as { defined: string[] }).defined = defined;
      customElements.define = (name, constructor, options) => {
        defined.push(name);
        define(name, constructor, options);
      };
    });
    await page.goto('https://bundles.test/');
    await page.waitForFunction(
      (n) => document.readyState === 'complete' && (window as unknown as { defined: string[] }).defined.length >= n,
      files.length > 0 ? 1 : 0,
    );
    return { page, context, requests, errors };
  }

  it('registers every element exactly once when a self-contained bundle and the shared build both load', async () => {
    const tags = elementEntries().map((e) => e.tag);
    const { page, context, errors } = await load([...selfContained, ...Object.values(shared.entries), ...selfContained.slice(0, 1)]);
    try {
      await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
      const defined = (await page.evaluate('window.defined')) as string[];
      assert.deepEqual([...defined].sort(), [...tags].sort(), 'each tag defined once');
      const upgraded = (await page.evaluate(
        `(${(names: string[]) =>
          names.map((tag) => {
            const el = document.createElement(tag);
            document.body.append(el);
            return el instanceof (customElements.get(tag) as CustomElementConstructor) && !!el.shadowRoot;
          })})(${JSON.stringify(tags)})`,
      )) as boolean[];
      assert.deepEqual(
        upgraded,
        tags.map(() => true),
        'every element upgrades and renders',
      );
      assert.deepEqual(errors, [], 'no error or warning on the page');
    } finally {
      await context.close();
    }
  });

  it('loads Lit and the other common chunks once for a page with every element of the shared build', async () => {
    const { page, context, requests, errors } = await load(Object.values(shared.entries));
    try {
      await page.evaluate(() => new Promise((r) => setTimeout(r, 50)));
      const defined = (await page.evaluate('window.defined')) as string[];
      assert.deepEqual(
        [...defined].sort(),
        elementEntries()
          .map((e) => e.tag)
          .sort(),
      );
      const chunkRequests = requests.filter((r) => r.startsWith('shared/chunks/'));
      assert.equal(chunkRequests.length, new Set(chunkRequests).size, 'no chunk fetched twice');
      assert.equal(chunkRequests.filter((r) => /\/lit-[\w-]+\.js$/.test(r)).length, 1, 'Lit fetched once');
      assert.deepEqual(errors, []);
    } finally {
      await context.close();
    }
  });
});

describe('a planted secret', () => {
  it('never appears in the editor bundles, the shared build or their source maps', async () => {
    const planted = `PLANTED_${Math.random().toString(36).slice(2)}_SECRET_VALUE`;
    const out = join(scratch, 'planted');
    process.env['WIX_SECRET_PLANTED_TEST'] = planted;
    try {
      await buildEditorBundles(out);
      await buildSharedBundles(join(out, 'shared'));
      const files = jsFiles(out);
      assert.ok(
        files.some((f) => f.includes('/shared/chunks/')),
        'the shared build is checked too',
      );
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
    await assert.rejects(buildEntry(`import { startPlatform } from '../platform/index.ts'; console.log(startPlatform);`), /Browser code imports server code/);
  });

  it('fails the build when anything under elements/ imports velo-backend/', async () => {
    await assert.rejects(
      buildEntry(`import { listOrders } from '../velo-backend/data-admin.web.ts'; console.log(listOrders);`),
      /Browser code imports server code/,
    );
    await assert.rejects(buildEntry(`import { getSecret } from '../velo-backend/lib/secrets.ts'; console.log(getSecret);`), /Browser code imports server code/);
  });

  it('fails the build when browser code imports a Node built-in', async () => {
    await assert.rejects(buildEntry(`import { readFileSync } from 'node:fs'; console.log(readFileSync);`), /Browser code imports server code/);
  });

  it('fails the build on a dynamic import of server code too', async () => {
    await assert.rejects(buildEntry(`export const load = () => import('../platform/index.ts');`), /Browser code imports server code/);
  });

  it('fails the build when a secret value reaches the output', async () => {
    const canary = 'CANARY_6f1d2c3b4a5968778899';
    await assert.rejects(buildEntry(`export const key = ${JSON.stringify(canary)};`, [canary]), /A secret value reached/);
  });

  it('fails the build when a credential-shaped value reaches the output', async () => {
    await assert.rejects(buildEntry(`export const key = "IST.abcdefghijklmnopqrstuvwxyz0123";`), /credential/);
  });

  it("checks the chunks of a code-split build too (the shared build's settings)", async () => {
    const canary = 'CANARY_0a1b2c3d4e5f60718293';
    const id = Math.random().toString(36).slice(2);
    const probe = (name: string, source: string) => {
      const file = resolve('elements', `.leak-probe-${id}-${name}.ts`);
      writeFileSync(file, source);
      return file;
    };
    const common = probe('common', `export const key = ${JSON.stringify(canary)};`);
    const a = probe('a', `import { key } from './.leak-probe-${id}-common.ts'; export const a = () => key;`);
    const b = probe('b', `import { key } from './.leak-probe-${id}-common.ts'; export const b = () => key + 'b';`);
    try {
      const config = editorConfig(
        [canary],
        join(scratch, 'split-probe'),
        { entry: { a, b }, formats: ['es'], fileName: (_f, name) => `${name}.js` },
        { chunkFileNames: 'chunks/[name]-[hash].js' },
      );
      await assert.rejects(build({ ...config, logLevel: 'silent' }), /A secret value reached chunks\//);
    } finally {
      for (const f of [common, a, b]) rmSync(f, { force: true });
    }
  });

  it('lets ordinary browser code through', async () => {
    await assert.doesNotReject(buildEntry(`export const hello = (name: string) => 'hello ' + name;`));
  });
});
