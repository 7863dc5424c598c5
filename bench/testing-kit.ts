/**
 * Issue 18's benchmark: one Vitest file of 50 backend tests for the example site (demo/example-site), run twice
 * side by side, each as a fresh `vitest run` process (start-up, transform and, for the preset, the platform's start
 * included):
 *
 * - with the preset: the site's real backend on the in-process platform, as visitor / member / owner;
 * - with hand-written mocks: the same scenarios, with `vi.mock('wix-data')` & co. as Velo projects write them today.
 *
 * Target: the preset's file under 5 s on this machine. `npm run bench -- --only testing-kit` prints the section.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../', import.meta.url));
const SITE = join(ROOT, 'demo/example-site');
const KIT = join(ROOT, 'platform/testing');
const TESTS = 50;
const RUNS = 3;

/** Five scenarios, ten times each: 50 tests. */
const SCENARIOS = ['list', 'add', 'refused', 'count', 'slug'] as const;

function presetFile(): string {
  const body = Array.from({ length: TESTS }, (_, i) => {
    const kind = SCENARIOS[i % SCENARIOS.length]!;
    const title = `Book ${i}`;
    const test = {
      list: `expect((await as(visitor()).call('books.web', 'listBooks')).map((b) => b.title)).toEqual(['Dune', 'Kindred']);`,
      add: `expect((await as(member('ben')).call('books.web', 'addBook', '${title}')).slug).toBe('book-${i}');`,
      refused: `await expect(as(visitor()).call('books.web', 'addBook', '${title}')).rejects.toMatchObject({ status: 403 });`,
      count: `expect(await as(visitor()).call('books.web', 'countBooks')).toBe(2);`,
      slug: `expect(await as(visitor()).call('books.web', 'previewSlug', '${title}')).toBe('book-${i}');`,
    }[kind];
    return `  it('${kind} ${i}', async () => {\n    ${test}\n  });`;
  }).join('\n');
  return `import { as, member, site, visitor } from '${KIT}/index.ts';
beforeEach(() => site().reset());
describe('books (preset)', () => {
${body}
});
`;
}

/** The hand-written mocks a Velo project keeps today, and the same scenarios against them. */
function mockFile(): string {
  const body = Array.from({ length: TESTS }, (_, i) => {
    const kind = SCENARIOS[i % SCENARIOS.length]!;
    const title = `Book ${i}`;
    const test = {
      list: `expect((await books.listBooks()).map((b) => b.title)).toEqual(['Dune', 'Kindred']);`,
      add: `expect((await books.addBook('${title}'))._id).toBeTruthy();`,
      refused: `expect(books.addBook.permission).toBe('SiteMember');`,
      count: `expect(await books.countBooks()).toBe(2);`,
      slug: `expect(await books.previewSlug('${title}')).toBe('book-${i}');`,
    }[kind];
    return `  it('${kind} ${i}', async () => {\n    ${test}\n  });`;
  }).join('\n');
  return `const store = vi.hoisted(() => ({ items: [] }));
vi.mock('wix-web-module', () => ({
  Permissions: { Anyone: 'Anyone', SiteMember: 'SiteMember', Admin: 'Admin' },
  webMethod: (permission, fn) => Object.assign(fn, { permission }),
}));
vi.mock('wix-data', () => {
  const query = () => {
    const filters = [];
    let sort;
    const q = {
      eq: (f, v) => (filters.push((i) => i[f] === v), q),
      ne: (f, v) => (filters.push((i) => i[f] !== v), q),
      ascending: (f) => ((sort = f), q),
      find: async () => {
        const items = store.items.filter((i) => !i.draft && filters.every((t) => t(i)));
        if (sort) items.sort((a, b) => String(a[sort]).localeCompare(String(b[sort])));
        return { items };
      },
      count: async () => store.items.filter((i) => !i.draft && filters.every((t) => t(i))).length,
    };
    return q;
  };
  return {
    default: {
      query: () => query(),
      insert: async (_c, item) => {
        const saved = { ...item, _id: String(store.items.length + 1) };
        store.items.push(saved);
        return saved;
      },
      get: async (_c, id) => store.items.find((i) => i._id === id) ?? null,
      update: async (_c, item) => item,
      remove: async () => null,
    },
  };
});
vi.mock('wix-members-backend', () => ({ currentMember: { getRoles: async () => [] } }));
vi.mock('wix-secrets-backend', () => ({ getSecret: async () => 'ck_test' }));
import * as books from '${SITE}/backend/books.web.js';
beforeEach(() => {
  store.items = [
    { _id: 'b1', title: 'Dune', year: 1965 },
    { _id: 'b2', title: 'Kindred', year: 1979 },
    { _id: 'b3', title: 'Unfinished', draft: true },
  ];
});
describe('books (mocks)', () => {
${body}
});
`;
}

function write(dir: string, preset: boolean): void {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'books.test.js'), preset ? presetFile() : mockFile());
  if (preset) {
    writeFileSync(
      join(dir, 'vitest.config.mjs'),
      `import { wixVitestPreset } from '${KIT}/vitest.ts';
const preset = wixVitestPreset({ root: ${JSON.stringify(dir)}, backend: ${JSON.stringify(join(SITE, 'backend'))}, fixtures: ${JSON.stringify(join(SITE, 'fixtures'))} });
export default { ...preset, test: { ...preset.test, globals: true, include: ['books.test.js'] } };
`,
    );
  } else {
    // Like jest's moduleNameMapper: the Velo names point at empty stand-ins, which vi.mock replaces.
    const stubs = join(dir, 'stubs');
    mkdirSync(stubs);
    const names = ['wix-web-module', 'wix-data', 'wix-members-backend', 'wix-secrets-backend'];
    for (const name of names) writeFileSync(join(stubs, `${name}.js`), 'export default {};\n');
    writeFileSync(
      join(dir, 'vitest.config.mjs'),
      `export default {
  root: ${JSON.stringify(dir)},
  resolve: { alias: [${names.map((n) => `{ find: /^${n}$/, replacement: ${JSON.stringify(join(stubs, `${n}.js`))} }`).join(', ')}, { find: /^backend\\//, replacement: ${JSON.stringify(`${join(SITE, 'backend')}/`)} }] },
  test: { globals: true, include: ['books.test.js'], environment: 'node' },
};
`,
    );
  }
}

interface Run {
  wallMs: number;
  passed: number;
  failed: number;
}

function run(dir: string): Run {
  const started = performance.now();
  const result = spawnSync(
    process.execPath,
    [join(ROOT, 'node_modules/vitest/vitest.mjs'), 'run', '--config', join(dir, 'vitest.config.mjs'), '--reporter=json'],
    {
      cwd: ROOT,
      encoding: 'utf8',
      maxBuffer: 32 * 1024 * 1024,
    },
  );
  const wallMs = performance.now() - started;
  const json = result.stdout.slice(result.stdout.indexOf('{'));
  let report: { numPassedTests?: number; numFailedTests?: number };
  try {
    report = JSON.parse(json) as typeof report;
  } catch {
    throw new Error(`vitest printed no JSON report (exit ${result.status}): ${result.stderr.slice(-2000)}`);
  }
  return { wallMs, passed: report.numPassedTests ?? 0, failed: report.numFailedTests ?? 0 };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

export async function runTestingKitBenchmarks(): Promise<string> {
  const base = mkdtempSync(join(tmpdir(), 'wix-kit-bench-'));
  try {
    const presetDir = join(base, 'preset');
    const mockDir = join(base, 'mocks');
    write(presetDir, true);
    write(mockDir, false);
    const preset: Run[] = [];
    const mocks: Run[] = [];
    for (let i = 0; i < RUNS; i++) {
      process.stderr.write(`testing-kit: run ${i + 1}/${RUNS}\n`);
      preset.push(run(presetDir));
      mocks.push(run(mockDir));
    }
    for (const [name, runs] of [
      ['preset', preset],
      ['mocks', mocks],
    ] as const) {
      const bad = runs.find((r) => r.passed !== TESTS || r.failed !== 0);
      if (bad) throw new Error(`${name}: ${bad.passed} passed, ${bad.failed} failed of ${TESTS}`);
    }
    const p = median(preset.map((r) => r.wallMs));
    const m = median(mocks.map((r) => r.wallMs));
    const verdict = p < 5_000 ? 'PASS' : 'FAIL';
    return `## Testing kit (issue 18)

One Vitest file of ${TESTS} backend tests for demo/example-site, each run a fresh \`vitest run\` process (wall time
from spawn to exit: Vitest's start-up, transforms and, for the preset, the platform's start and fixture seeding), median of ${RUNS}.

| file | median wall time | runs (ms) | tests |
| --- | ---: | --- | ---: |
| preset: the real backend on the in-process platform, as visitor / member | ${Math.round(p)} ms | ${preset.map((r) => Math.round(r.wallMs)).join(', ')} | ${TESTS} passed |
| hand-written mocks (\`vi.mock('wix-data')\` …), the same scenarios | ${Math.round(m)} ms | ${mocks.map((r) => Math.round(r.wallMs)).join(', ')} | ${TESTS} passed |

Target: the preset's file under 5 s: **${verdict}** (${(p / 1000).toFixed(2)} s; the preset costs ${Math.round(p - m)} ms more than the mocks,
and its tests check permissions, hooks and the JSON round trip that the mocks cannot).
`;
  } finally {
    rmSync(base, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  process.stdout.write(await runTestingKitBenchmarks());
}
