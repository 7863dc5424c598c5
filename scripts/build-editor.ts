/**
 * `npm run build`:
 * - one self-contained ES module per element in dist/editor/<tag>.js (Lit and the SDK inlined, no bare imports),
 *   ready for the Wix Editor's "Custom Element → Server URL";
 * - a shared-chunk ES build in dist/editor/shared/: one entry per element (<tag>.js) and the code several elements
 *   use in chunks/ (Lit, the SDK, elements/core), so a page with several elements loads the common code once;
 * - custom-elements.json and the README's element reference (scripts/manifest.ts).
 * The leak guard runs on every bundle and chunk, and on their source maps.
 */
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';
import { build, type InlineConfig, type LibraryOptions, type Plugin } from 'vite';
import { leakGuard } from './leak-guard.ts';
import minifyHtmlLiterals from '@lit-labs/rollup-plugin-minify-html-literals';
import { minifyLitCss } from './minify-css.ts';
import { elementEntries } from './element-entries.ts';

export { elementEntries };

export const EDITOR_OUT_DIR = 'dist/editor';
/** The shared-chunk build, inside the editor output directory. */
export const SHARED_SUBDIR = 'shared';

/** Known secret values: a fresh canary (set in the environment the build sees), WIX_SECRET_* variables, and the local secrets file. */
function buildSecrets(): string[] {
  const canary = `CANARY_${randomBytes(12).toString('hex')}`;
  process.env['WIX_API_KEY'] = canary;
  process.env['WIX_APP_SECRET'] = canary;
  const secrets = [canary];
  // Local secrets given as WIX_SECRET_<NAME> (the platform's vault reads the same variables).
  for (const [key, value] of Object.entries(process.env)) if (key.startsWith('WIX_SECRET_') && value) secrets.push(value);
  const local = '.wix-local/secrets.json';
  if (existsSync(local)) {
    // Configuration kept beside the secrets (URLs, ids) is public by nature and not scanned for.
    const entries = Object.entries(JSON.parse(readFileSync(local, 'utf8')) as Record<string, unknown>);
    for (const [name, value] of entries) {
      if (typeof value === 'string' && !/(_URL|_ISSUER|_SITE_ID|_CLIENT_ID)$/.test(name)) secrets.push(value);
    }
  }
  return secrets;
}

/**
 * @lit-labs/virtualizer loads its default (flow) layout with a dynamic import when a virtualizer is given no layout;
 * the table always gives its own (elements/data-table/fixed-rows-layout.ts), so that import is never taken, but a
 * single-file build would inline the flow layout anyway (about 2 KB gzip) and the shared build would ship it as a
 * chunk. The import becomes a rejection that says why. The build fails if the virtualizer's code no longer has it.
 */
export function withoutDefaultVirtualizerLayout(): Plugin {
  const lazyImport = "import('./layouts/flow.js')";
  return {
    name: 'without-default-virtualizer-layout',
    enforce: 'pre',
    transform(code, id) {
      if (!id.replaceAll('\\', '/').endsWith('/@lit-labs/virtualizer/Virtualizer.js')) return null;
      if (!code.includes(lazyImport)) throw new Error(`@lit-labs/virtualizer changed: Virtualizer.js no longer has ${lazyImport}`);
      const refusal = "Promise.reject(new Error('wix-session-elements: pass a layout to the virtualizer (the default flow layout is not bundled)'))";
      // The replacement stays on its line, so the module's source map still holds (map: null keeps it).
      return { code: code.replace(lazyImport, refusal), map: null };
    },
  };
}

/** Lightning CSS browser targets (major << 16 | minor << 8) of the editor bundles' CSS. */
export const CSS_TARGETS = { chrome: 123 << 16, firefox: 120 << 16, safari: (17 << 16) | (5 << 8) };

/** The settings every editor build shares (and the bundle-size benchmark's baseline): production Lit, minified ES2022, source maps, the leak guard. */
export function editorConfig(secrets: string[], outDir: string, lib: LibraryOptions, output: Record<string, unknown>): InlineConfig {
  return {
    configFile: false,
    logLevel: 'warn',
    envPrefix: 'VITE_',
    define: { 'process.env.NODE_ENV': JSON.stringify('production') },
    plugins: [
      leakGuard({ secrets }),
      withoutDefaultVirtualizerLayout(),
      minifyLitCss(),
      // Lit's own minifier for the whitespace in html`` (and css``) templates, which the JS minifier leaves alone.
      // CSS targets browsers that have light-dark() and color-mix() (Chromium 123, Firefox 120, Safari 17.5), so both are
      // kept as written: for an older target Lightning CSS rewrites light-dark(a, b) into
      // `var(--lightningcss-light, a) var(--lightningcss-dark, b)`, which needs helper variables the elements never set,
      // and every colour token with a light-dark() default (accent, on-accent, error, success) became invalid.
      minifyHtmlLiterals({ failOnError: true, options: { minifyOptions: { minifyCSS: { targets: CSS_TARGETS } } } }) as never,
    ],
    build: {
      outDir,
      emptyOutDir: false,
      sourcemap: true,
      minify: 'terser',
      terserOptions: { compress: { passes: 2 }, module: true },
      target: 'es2022',
      lib,
      rollupOptions: { output: { ...output } },
    },
  };
}

/** One self-contained ES module per element: `<outDir>/<tag>.js` (and its source map). Empties outDir first. */
export async function buildEditorBundles(outDir = EDITOR_OUT_DIR): Promise<string[]> {
  rmSync(outDir, { recursive: true, force: true });
  const secrets = buildSecrets();
  const written: string[] = [];
  for (const { tag, entry } of elementEntries()) {
    await build(editorConfig(secrets, outDir, { entry, formats: ['es'], fileName: () => `${tag}.js` }, { codeSplitting: false }));
    written.push(join(outDir, `${tag}.js`));
  }
  return written;
}

/** What a shared chunk holds: one of the common groups, or code only some elements share (`other`). */
export type SharedGroup = 'lit' | 'sdk' | 'core' | 'other';

export interface SharedChunk {
  /** Path of the written file. */
  file: string;
  group: SharedGroup;
  /** What is in it: repository-relative source files, and package names for code from node_modules. */
  contents: string[];
  /** Other chunks this one imports, statically or dynamically (paths of written files). */
  imports: string[];
}

export interface SharedBuild {
  /** Per element tag, its entry file `<outDir>/<tag>.js`. */
  entries: Record<string, string>;
  /**
   * Per written file (entries and chunks), the chunks it imports, as written paths: static imports and dynamic ones
   * (the virtualizer loads its layout with `import()`), since an element that uses them loads them too.
   */
  imports: Record<string, string[]>;
  chunks: SharedChunk[];
}

// Lit itself (what every element imports). Directives (repeat, live...) stay with the elements that use them.
const LIT =
  /[\\/]node_modules[\\/](lit[\\/]index\.js|lit-html[\\/](lit-html|is-server)\.js|lit-element[\\/]lit-element\.js|@lit[\\/]reactive-element[\\/](css-tag|reactive-element)\.js)/;
const SDK = /[\\/]node_modules[\\/]@wix[\\/]/;
const CORE = /[\\/]elements[\\/]core[\\/]/;

/** The group a chunk's name says it belongs to (see the codeSplitting groups below). */
export function groupOfChunk(fileName: string): SharedGroup {
  const name = fileName.split('/').pop()!;
  return name.startsWith('lit-') ? 'lit' : name.startsWith('sdk-') ? 'sdk' : name.startsWith('core-') ? 'core' : 'other';
}

/**
 * The shared-chunk build: every element an entry `<outDir>/<tag>.js`, and what they have in common in
 * `<outDir>/chunks/`: `lit-*.js` (Lit), `sdk-*.js` (@wix/sdk, @wix/data, @wix/site and what they import),
 * `core*-*.js` (elements/core, split by which elements use it, so an element that makes no Data calls does not
 * load the SDK through core). Code only some elements share (data-list's parser, say) goes to automatic chunks.
 * The entries import their chunks with relative URLs: host the directory as it is. Empties outDir first.
 */
export async function buildSharedBundles(outDir = join(EDITOR_OUT_DIR, SHARED_SUBDIR)): Promise<SharedBuild> {
  rmSync(outDir, { recursive: true, force: true });
  const secrets = buildSecrets();
  const entries = elementEntries();
  const result = await build(
    editorConfig(
      secrets,
      outDir,
      { entry: Object.fromEntries(entries.map((e) => [e.tag, e.entry])), formats: ['es'], fileName: (_format, name) => `${name}.js` },
      {
        // entriesAware core chunks are named after the entries that share them; the hash is enough to tell them apart.
        chunkFileNames: (chunk: { name: string }) => (chunk.name.startsWith('core~') ? 'chunks/core-[hash].js' : 'chunks/[name]-[hash].js'),
        codeSplitting: {
          groups: [
            { name: 'lit', test: LIT, priority: 3 },
            { name: 'sdk', test: SDK, priority: 2 },
            { name: 'core', test: CORE, priority: 1, entriesAware: true },
          ],
        },
      },
    ),
  );
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => ('output' in r ? r.output : []));
  const chunks = outputs.filter((o) => o.type === 'chunk');
  const path = (fileName: string) => join(outDir, fileName);
  const imports = Object.fromEntries(chunks.map((c) => [path(c.fileName), [...c.imports, ...c.dynamicImports].map(path)]));
  return {
    entries: Object.fromEntries(chunks.filter((c) => c.isEntry).map((c) => [c.name, path(c.fileName)])),
    imports,
    chunks: chunks
      .filter((c) => !c.isEntry)
      .map((c) => ({ file: path(c.fileName), group: groupOfChunk(c.fileName), contents: contentsOf(c.moduleIds), imports: imports[path(c.fileName)]! })),
  };
}

/** Source files (relative to the repository) and, for node_modules, package names; bundler helpers left out. */
function contentsOf(moduleIds: readonly string[]): string[] {
  const names = moduleIds
    .filter((id) => !id.startsWith('\0') && !/[\\/]rolldown[\\/]runtime/.test(id))
    .map((id) => {
      const pkg = /[\\/]node_modules[\\/]((?:@[^\\/]+[\\/])?[^\\/]+)/.exec(id)?.[1];
      return pkg ? pkg.replace(/\\/g, '/') : relative(process.cwd(), id).replace(/\\/g, '/');
    });
  return [...new Set(names)];
}

/** Everything a file needs, itself included: the file and the chunks it imports, transitively. */
export function closure(build: SharedBuild, file: string): string[] {
  const seen = new Set<string>();
  const visit = (f: string) => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const i of build.imports[f] ?? []) visit(i);
  };
  visit(file);
  return [...seen];
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const started = performance.now();
  const files = await buildEditorBundles();
  for (const file of files) console.log(`built ${file} (${readFileSync(file).length} bytes)`);
  const shared = await buildSharedBundles();
  for (const file of [...Object.values(shared.entries), ...shared.chunks.map((c) => c.file)]) console.log(`built ${file} (${readFileSync(file).length} bytes)`);
  console.log(`editor bundles built in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
