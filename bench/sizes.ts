/**
 * Bundle sizes per element, against the bare official SDK path built with the same settings:
 * - self-contained: `dist/editor/<tag>.js` (Lit and what the element needs inlined), targets (issue 15, gzip):
 *   wix-data-list ≤ 0.5× the bare path, every element ≤ 0.8×;
 * - what each self-contained bundle is made of: bytes per source module, read from its source map
 *   (bench/module-costs.ts, in the manner of source-map-explorer);
 * - shared-chunk build: what each element adds on a page that already loads the common chunks (Lit, the SDK,
 *   elements/core), target ≤ 8 KB gzip.
 * gzip at level 9, each file on its own (as a server sends them).
 * - does not grow: the same run also builds the self-contained bundles of the baseline commit (BASELINE_COMMIT, the
 *   elements before issue 14's refactor) in a temporary git worktree, with this checkout's build settings, and
 *   compares each element's gzip size with its baseline (target: now ≤ baseline). The worktree borrows this
 *   checkout's node_modules (a symlink; no `npm ci`) and is removed afterwards.
 *
 * `npm run bench -- --only sizes` runs this section alone and prints it.
 */
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'vite';
import { buildEditorBundles, buildSharedBundles, closure, editorConfig, type SharedBuild, type SharedGroup } from '../scripts/build-editor.ts';
import { progress } from './lib.ts';
import { moduleCosts, type ModuleCost } from './module-costs.ts';

/** Every element's self-contained bundle, as a multiple of the bare official path (gzip). */
export const SELF_CONTAINED_TARGET = 0.8;
/** wix-data-list's self-contained bundle, as a multiple of the bare official path (gzip): the data element closest to it. */
export const LIST_TARGET = 0.5;
const targetOf = (tag: string) => (tag === 'wix-data-list' ? LIST_TARGET : SELF_CONTAINED_TARGET);
export const SHARED_ADDED_TARGET_BYTES = 8 * 1024;
/** The elements before issue 14's refactor (WixElement, shared core): the self-contained bundles must not grow past it. */
export const BASELINE_COMMIT = '9ffa6c4';
const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const BASELINE_GROUPS: SharedGroup[] = ['lit', 'sdk', 'core'];

export interface Size {
  raw: number;
  gzip: number;
}

export interface ElementSize {
  tag: string;
  selfContained: Size;
  /** The self-contained bundle's bytes by source module (largest first). */
  modules: ModuleCost[];
  /** Entry plus the chunks it needs that the common chunks do not provide. */
  sharedAdded: Size;
  sharedAddedFiles: string[];
  /** Everything the element loads from the shared build on a page of its own (entry and every chunk it imports). */
  sharedAlone: Size;
}

/** One element's self-contained bundle at the baseline commit and now, built in the same run with the same settings. */
export interface GrowthRow {
  tag: string;
  baseline: Size | undefined;
  now: Size;
}

export interface Growth {
  baselineCommit: string;
  currentCommit: string;
  rows: GrowthRow[];
}

export interface SizeResults {
  bare: Size;
  growth?: Growth;
  elements: ElementSize[];
  /** The common chunks (and what they import), with their group. */
  common: { file: string; group: SharedGroup; contents: string[]; size: Size }[];
  commonTotal: Size;
}

function sizeOf(file: string): Size {
  const raw = readFileSync(file);
  return { raw: raw.length, gzip: gzipSync(raw, { level: 9 }).length };
}

const sum = (sizes: Size[]): Size => sizes.reduce((a, b) => ({ raw: a.raw + b.raw, gzip: a.gzip + b.gzip }), { raw: 0, gzip: 0 });

/** The common chunks: every chunk of the lit, sdk and core groups, and the chunks they import (the bundler's runtime). */
export function commonFiles(shared: SharedBuild): Set<string> {
  const roots = shared.chunks.filter((c) => BASELINE_GROUPS.includes(c.group)).map((c) => c.file);
  return new Set(roots.flatMap((file) => closure(shared, file)));
}

export async function measureSizes(): Promise<SizeResults> {
  const out = mkdtempSync(join(tmpdir(), 'wix-bench-sizes-'));
  try {
    const selfContained = await buildEditorBundles(join(out, 'editor'));
    const shared = await buildSharedBundles(join(out, 'shared'));
    // The bare path through the same build settings as each self-contained bundle (a source map too, so the same
    // `sourceMappingURL` comment is counted on both sides).
    const bareEntry = resolve('bench/fixtures/bare-official.ts');
    await build(editorConfig([], join(out, 'bare'), { entry: bareEntry, formats: ['es'], fileName: () => 'bare.js' }, { codeSplitting: false }));
    const bare = sizeOf(join(out, 'bare', 'bare.js'));

    const common = commonFiles(shared);
    const chunkOf = (file: string) => shared.chunks.find((c) => c.file === file);
    const elements = Object.entries(shared.entries)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([tag, entry]): ElementSize => {
        const file = selfContained.find((f) => basename(f) === `${tag}.js`);
        if (!file) throw new Error(`no self-contained bundle for ${tag}`);
        const needs = closure(shared, entry);
        const added = needs.filter((f) => !common.has(f));
        return {
          tag,
          selfContained: sizeOf(file),
          modules: moduleCosts(file),
          sharedAdded: sum(added.map(sizeOf)),
          sharedAddedFiles: added.map((f) => relative(join(out, 'shared'), f)),
          sharedAlone: sum(needs.map(sizeOf)),
        };
      });
    const order: SharedGroup[] = ['lit', 'sdk', 'core', 'other'];
    const commonList = [...common]
      .map((file) => ({
        file: relative(join(out, 'shared'), file),
        group: chunkOf(file)?.group ?? 'other',
        contents: chunkOf(file)?.contents ?? [],
        size: sizeOf(file),
      }))
      .sort((a, b) => order.indexOf(a.group) - order.indexOf(b.group) || b.size.raw - a.size.raw);
    const baseline = await measureBaseline();
    const growth: Growth = {
      ...baseline,
      rows: elements.map((e) => ({ tag: e.tag, baseline: baseline.sizes.get(e.tag), now: e.selfContained })),
    };
    return { bare, growth, elements, common: commonList, commonTotal: sum(commonList.map((c) => c.size)) };
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
}

function git(args: string[], cwd = ROOT): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** Builds every element's self-contained bundle from the current directory's elements/ and writes `{tag: Size}` to `<outDir>/sizes.json`. */
async function printSelfContainedSizes(outDir: string): Promise<void> {
  const files = await buildEditorBundles(outDir);
  writeFileSync(join(outDir, 'sizes.json'), JSON.stringify(Object.fromEntries(files.map((f) => [basename(f, '.js'), sizeOf(f)]))));
}

/**
 * The baseline commit's self-contained bundles: a temporary worktree (this checkout's node_modules symlinked in), built
 * by this file's build settings in a child process whose working directory is the worktree (so `elements/` is the
 * baseline's). The worktree is removed afterwards, whatever happens.
 */
async function measureBaseline(): Promise<{ baselineCommit: string; currentCommit: string; sizes: Map<string, Size> }> {
  const worktree = mkdtempSync(join(tmpdir(), 'wix-sizes-baseline-'));
  rmSync(worktree, { recursive: true, force: true });
  progress(`sizes: git worktree add ${worktree} ${BASELINE_COMMIT}`);
  git(['worktree', 'add', '--detach', worktree, BASELINE_COMMIT]);
  try {
    symlinkSync(join(ROOT, 'node_modules'), join(worktree, 'node_modules'), 'dir');
    const out = join(worktree, 'dist-sizes');
    execFileSync(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--self-contained', out], {
      cwd: worktree,
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const parsed = JSON.parse(readFileSync(join(out, 'sizes.json'), 'utf8')) as Record<string, Size>;
    return {
      baselineCommit: git(['rev-parse', '--short', BASELINE_COMMIT]),
      currentCommit: git(['rev-parse', '--short', 'HEAD']) + (git(['status', '--porcelain', '--', 'elements']) ? ' + uncommitted elements/ changes' : ''),
      sizes: new Map(Object.entries(parsed)),
    };
  } finally {
    try {
      git(['worktree', 'remove', '--force', worktree]);
    } catch (error) {
      progress(`sizes: could not remove the worktree: ${(error as Error).message}`);
      rmSync(worktree, { recursive: true, force: true });
      git(['worktree', 'prune']);
    }
  }
}

/** Whether the element's gzip bundle grew past its baseline (or has none). */
export const grew = (row: GrowthRow): boolean => row.baseline === undefined || row.now.gzip > row.baseline.gzip;

export function renderGrowth(g: Growth): string {
  const rows = g.rows.map((r) => {
    const b = r.baseline;
    if (!b) return `| \`${r.tag}.js\` | (not at ${g.baselineCommit}) | | ${r.now.raw} | ${r.now.gzip} | | **FAIL** |`;
    const d = r.now.gzip - b.gzip;
    return `| \`${r.tag}.js\` | ${b.raw} | ${b.gzip} | ${r.now.raw} | ${r.now.gzip} | ${d > 0 ? '+' : ''}${d} (${(r.now.gzip / b.gzip).toFixed(3)}×) | **${grew(r) ? 'FAIL' : 'PASS'}** |`;
  });
  const failing = g.rows.filter(grew).map((r) => r.tag);
  return [
    '#### Does not grow (same run, baseline commit)',
    '',
    `Same run, same build settings (this checkout's \`scripts/build-editor.ts\`, which is unchanged since the baseline apart from the tag pattern and the CSS target, Safari 17.5, which keeps \`light-dark()\` as written): ` +
      `each element's self-contained bundle built from ${g.baselineCommit} (before issue 14's refactor, in a temporary git worktree) and from ${g.currentCommit}. ` +
      'Bytes; gzip at level 9. Target: now ≤ baseline (gzip).',
    '',
    `| bundle | raw ${g.baselineCommit} | gzip ${g.baselineCommit} | raw now | gzip now | gzip change (ratio) | does not grow |`,
    '| :--- | ---: | ---: | ---: | ---: | ---: | :---: |',
    ...rows,
    '',
    `Does not grow: **${failing.length === 0 ? 'PASS' : `FAIL`}**${failing.length ? ` (grew: ${failing.map((t) => `\`${t}\``).join(', ')})` : ''}.`,
    '',
  ].join('\n');
}

const kb = (n: number) => `${(n / 1024).toFixed(1)} KB`;
/** Chunk file names without their content hash, so the report does not change when only a hash does. */
const unhashed = (file: string) => file.replace(/-[\w-]{8}\.js$/, '-*.js');

export function renderSizes(r: SizeResults): string {
  const selfRows = r.elements.map((e) => {
    const ratioRaw = e.selfContained.raw / r.bare.raw;
    const ratioGzip = e.selfContained.gzip / r.bare.gzip;
    const target = targetOf(e.tag);
    return `| \`${e.tag}.js\` | ${kb(e.selfContained.raw)} | ${kb(e.selfContained.gzip)} | ${ratioRaw.toFixed(3)}× | ${ratioGzip.toFixed(3)}× | ≤ ${target}× | **${ratioGzip <= target ? 'PASS' : 'FAIL'}** |`;
  });
  const sharedRows = r.elements.map((e) => {
    const files = e.sharedAddedFiles.map((f) => `\`${unhashed(f)}\``).join(' + ');
    return `| \`${e.tag}\` | ${files} | ${kb(e.sharedAdded.raw)} | ${kb(e.sharedAdded.gzip)} | ${kb(e.sharedAlone.gzip)} | **${e.sharedAdded.gzip <= SHARED_ADDED_TARGET_BYTES ? 'PASS' : 'FAIL'}** |`;
  });
  const contents = (c: SizeResults['common'][number]) => {
    if (c.group === 'core') return c.contents.map((f) => `\`${f.replace(/^elements\/core\//, '')}\``).join(', ');
    return c.contents.length > 6
      ? `${c.contents
          .slice(0, 5)
          .map((f) => `\`${f}\``)
          .join(', ')} and ${c.contents.length - 5} more packages`
      : c.contents.map((f) => `\`${f}\``).join(', ') || 'bundler runtime';
  };
  const commonRows = r.common.map((c) => `| \`${unhashed(c.file)}\` | ${c.group} | ${contents(c)} | ${kb(c.size.raw)} | ${kb(c.size.gzip)} |`);
  const allSelf = r.elements.every((e) => e.selfContained.gzip / r.bare.gzip <= targetOf(e.tag));
  const allShared = r.elements.every((e) => e.sharedAdded.gzip <= SHARED_ADDED_TARGET_BYTES);
  const worstSelf = Math.max(...r.elements.map((e) => e.selfContained.gzip / r.bare.gzip));
  const worstShared = Math.max(...r.elements.map((e) => e.sharedAdded.gzip));
  return [
    '### Bundle sizes per element',
    '',
    'Every bundle is built by the same Vite library build as `npm run build` (ES2022, minified, `NODE_ENV=production`, Lit CSS minified, a source map beside it). ' +
      'The baseline is the bare official SDK path, built with the same settings: a trivial Lit element plus `createClient` + `site.host()`/`site.auth()` + `items.query().find()` ' +
      '(`bench/fixtures/bare-official.ts`). gzip at level 9, each file on its own.',
    '',
    `**Self-contained** (\`dist/editor/<tag>.js\`, Lit and everything the element needs inlined; the file the Wix Editor loads). Bare official path: ${kb(r.bare.raw)} raw, ${kb(r.bare.gzip)} gzip. ` +
      `Targets (gzip, issue 15): \`wix-data-list\` ≤ ${LIST_TARGET}× the bare path, every element ≤ ${SELF_CONTAINED_TARGET}×.`,
    '',
    '| bundle | raw | gzip | ratio raw | ratio gzip | target | passes |',
    '| :--- | ---: | ---: | ---: | ---: | ---: | :---: |',
    ...selfRows,
    '',
    `**Shared-chunk build** (\`dist/editor/shared/\`). *Added gzip per element* = the gzip sizes, summed, of the files that element loads beyond the common chunks: ` +
      'its entry, and any chunk it imports that is neither a common chunk nor imported by one (code shared by only some elements). ' +
      `The common chunks are the Lit, SDK and elements/core chunks and what they import; a page with several elements loads them once. Target: each element adds ≤ ${SHARED_ADDED_TARGET_BYTES / 1024} KB gzip. ` +
      '"Alone" is everything that element loads from the shared build on a page of its own (for comparison with its self-contained bundle).',
    '',
    '| element | added files | added raw | added gzip | alone gzip | ≤ 8 KB |',
    '| :--- | :--- | ---: | ---: | ---: | :---: |',
    ...sharedRows,
    '',
    `Common chunks: ${kb(r.commonTotal.raw)} raw, ${kb(r.commonTotal.gzip)} gzip in all (core is split by which elements use it, so an element that makes no Data calls does not load the data client).`,
    '',
    '| common chunk | group | contents | raw | gzip |',
    '| :--- | :--- | :--- | ---: | ---: |',
    ...commonRows,
    '',
    `Self-contained targets: **${allSelf ? 'PASS' : 'FAIL'}** (largest ${worstSelf.toFixed(3)}×). Shared-build target: **${allShared ? 'PASS' : 'FAIL'}** (largest added ${kb(worstShared)} gzip).`,
    '',
    renderModules(r),
    ...(r.growth ? [renderGrowth(r.growth)] : []),
  ].join('\n');
}

/** The largest modules of a bundle shown one per row; the rest are summed in one row. */
const MODULE_ROWS = 12;

/** Per element, what its self-contained bundle is made of (source-map-explorer style). */
export function renderModules(r: SizeResults): string {
  const sections = r.elements.map((e) => {
    const shown = e.modules.slice(0, MODULE_ROWS);
    const rest = e.modules.slice(MODULE_ROWS);
    const row = (name: string, m: { raw: number; gzipShare: number; gzipMarginal: number }) =>
      `| ${name} | ${m.raw} | ${((m.raw / e.selfContained.raw) * 100).toFixed(1)}% | ${m.gzipShare} | ${m.gzipMarginal} |`;
    const restSum = rest.reduce((a, m) => ({ raw: a.raw + m.raw, gzipShare: a.gzipShare + m.gzipShare, gzipMarginal: a.gzipMarginal + m.gzipMarginal }), {
      raw: 0,
      gzipShare: 0,
      gzipMarginal: 0,
    });
    return [
      `**\`${e.tag}.js\`** (${e.selfContained.raw} bytes raw, ${e.selfContained.gzip} gzip)`,
      '',
      '| module | raw bytes | share | gzip (share) | gzip (marginal) |',
      '| :--- | ---: | ---: | ---: | ---: |',
      ...shown.map((m) => row(`\`${m.module}\``, m)),
      ...(rest.length ? [row(`${rest.length} more`, restSum)] : []),
      '',
    ].join('\n');
  });
  return [
    '#### What each bundle is made of',
    '',
    "Bytes of each self-contained bundle by source module, read from the bundle's source map (every mapped segment counts for the module it comes from; " +
      "`(unmapped)` is the bundler's glue). Packages are grouped by name. gzip does not split by module, so two estimates: *share* is the module's share of the raw " +
      "bytes applied to the bundle's gzip size, *marginal* what the gzip size drops by when the module's bytes are cut out (text repeated elsewhere costs little).",
    '',
    ...sections,
  ].join('\n');
}

export async function runSizeBenchmarks(): Promise<string> {
  progress(`elements: bundle sizes (self-contained, shared-chunk, bare official path, baseline ${BASELINE_COMMIT})`);
  return renderSizes(await measureSizes());
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `--self-contained <dir>`: the baseline's child process (measureBaseline).
  if (process.argv[2] === '--self-contained') await printSelfContainedSizes(resolve(process.argv[3] ?? 'dist-sizes'));
  else console.log(await runSizeBenchmarks());
}
