/**
 * `npm run bench -- --only references` (issue 12): at 10k catalogue items, a page of 50 with one single reference
 * (`brandRef` → Brands) and one multi-reference (`tagRefs` ↔ Tags, 1–4 per product) included, against the same page
 * without include, in the same run. Target: include p95 within 2× of the plain page's p95.
 *
 * Both pages are timed end to end (the official SDK over HTTPS: `items.query(...).include('brandRef', 'tagRefs')`)
 * and in-process (ItemsService.query, plus ReferenceService.include for the included page), alternately, so both
 * see the same machine conditions. Prints a `## ` section for BENCHMARKS.md on stdout.
 */
import { loadavg } from 'node:os';
import { benchmarkProducts } from '../demo/seed/index.ts';
import { ReferenceService } from '../platform/index.ts';
import { DEFAULT_LOOP, describeMachine, ms, progress, ratio, summarize, thousands, timePairLoop, untimed, type Summary } from './lib.ts';
import { PRODUCT_FIELDS, startBenchPlatform, toWireData, type BenchPlatform } from './platform-query.ts';

const SIZE = 10_000;
const PAGE = 50;
const TARGET_RATIO = 2;
const PRODUCTS = 'RefBench';
const BRANDS = 'RefBenchBrands';
const TAGS = 'RefBenchTags';

const slug = (s: string) => s.toLowerCase().replace(/[^a-z0-9]+/g, '-');

interface Pair {
  label: string;
  plain: Summary;
  included: Summary;
}

export interface ReferenceBenchResult {
  pairs: Pair[];
  referenceRows: number;
  buildMs: number;
  load: [number, number];
  sqlite: string;
}

function build(bp: BenchPlatform): { referenceRows: number; buildMs: number } {
  const { collections, items, db } = bp.platform.services;
  const t0 = performance.now();
  const products = benchmarkProducts(SIZE).map(toWireData);
  const brands = [...new Set(products.map((p) => String(p['brand'])))];
  const tags = [...new Set(products.flatMap((p) => p['tags'] as string[]))];
  collections.create({ id: BRANDS, fields: [{ key: 'title', displayName: 'Name', type: 'TEXT' }] });
  collections.create({ id: TAGS, fields: [{ key: 'title', displayName: 'Tag', type: 'TEXT' }] });
  collections.create({
    id: PRODUCTS,
    fields: [
      ...PRODUCT_FIELDS,
      { key: 'brandRef', displayName: 'Brand', type: 'REFERENCE', typeMetadata: { reference: { referencedCollectionId: BRANDS } } },
      {
        key: 'tagRefs',
        displayName: 'Tags',
        type: 'MULTI_REFERENCE',
        typeMetadata: { multiReference: { referencedCollectionId: TAGS, referencingFieldKey: 'products', referencingDisplayName: 'Products' } },
      },
    ],
  });
  items.bulkWrite(
    bp.owner,
    BRANDS,
    'insert',
    brands.map((title) => ({ _id: `brand-${slug(title)}`, title })),
  );
  items.bulkWrite(
    bp.owner,
    TAGS,
    'insert',
    tags.map((title) => ({ _id: `tag-${slug(title)}`, title })),
  );
  for (let i = 0; i < products.length; i += 1_000) {
    const batch = products.slice(i, i + 1_000).map((p) => ({ ...p, brandRef: `brand-${slug(String(p['brand']))}` }));
    const result = items.bulkWrite(bp.owner, PRODUCTS, 'insert', batch);
    if (result.bulkActionMetadata.totalFailures) throw new Error('product inserts failed');
  }
  const references = new ReferenceService(db, collections);
  const pairs = products.flatMap((p) =>
    (p['tags'] as string[]).map((t) => ({ referringItemFieldName: 'tagRefs', referringItemId: String(p['_id']), referencedItemId: `tag-${slug(t)}` })),
  );
  for (let i = 0; i < pairs.length; i += 1_000) references.insertReferences(bp.owner, PRODUCTS, pairs.slice(i, i + 1_000));
  return { referenceRows: pairs.length, buildMs: performance.now() - t0 };
}

export async function measureReferences(): Promise<ReferenceBenchResult> {
  const bp = await startBenchPlatform();
  try {
    progress(`building ${thousands(SIZE)} products with a single and a multi-reference`);
    const { referenceRows, buildMs } = build(bp);
    progress(`built in ${(buildMs / 1000).toFixed(2)} s (${thousands(referenceRows)} multi-reference rows)`);
    const { items, collections, db } = bp.platform.services;
    const references = new ReferenceService(db, collections);
    const includes = [{ field: 'brandRef' }, { field: 'tagRefs' }];

    // Correctness first: the included page resolves both references on every item.
    const check = await untimed(() => bp.client.items.query(PRODUCTS).limit(PAGE).include('brandRef', 'tagRefs').find());
    if (check.items.length !== PAGE) throw new Error(`expected ${PAGE} items`);
    for (const item of check.items as { _id: string; brandRef?: { title?: unknown }; tagRefs?: unknown }[]) {
      if (typeof item.brandRef?.title !== 'string' || !Array.isArray(item.tagRefs) || item.tagRefs.length === 0) {
        throw new Error(`item ${item._id} was not resolved: ${JSON.stringify(item).slice(0, 200)}`);
      }
    }

    const load0 = loadavg()[0]!;
    const pairs: Pair[] = [];
    for (const [label, sorted] of [
      ['newest first (default order)', false],
      ['sorted by price, page 3', true],
    ] as const) {
      const base = () => {
        const q = bp.client.items.query(PRODUCTS).limit(PAGE);
        return sorted ? q.ascending('price').skip(2 * PAGE) : q;
      };
      progress(`end to end: ${label}`);
      const [plainHttp, includedHttp] = await timePairLoop(
        () => base().find(),
        () => base().include('brandRef', 'tagRefs').find(),
        DEFAULT_LOOP,
      );
      pairs.push({ label: `SDK over HTTPS, ${label}`, plain: summarize(plainHttp), included: summarize(includedHttp) });
      const input = {
        ...(sorted ? { sort: [{ fieldName: 'price', order: 'ASC' as const }], paging: { limit: PAGE, offset: 2 * PAGE } } : { paging: { limit: PAGE } }),
      };
      progress(`in-process: ${label}`);
      const [plainSvc, includedSvc] = await timePairLoop(
        () => items.query(bp.owner, PRODUCTS, input, false),
        () => references.include(bp.owner, PRODUCTS, items.query(bp.owner, PRODUCTS, input, false).dataItems, includes),
        DEFAULT_LOOP,
      );
      pairs.push({ label: `in-process, ${label}`, plain: summarize(plainSvc), included: summarize(includedSvc) });
    }
    const sqlite = (db.prepare('SELECT sqlite_version() AS v').get() as { v: string }).v;
    return { pairs, referenceRows, buildMs, load: [load0, loadavg()[0]!], sqlite };
  } finally {
    await bp.stop();
  }
}

export function renderReferenceReport(result: ReferenceBenchResult): string {
  const machine = describeMachine(result.sqlite);
  // The target is the page as a client gets it (end to end); the in-process rows show what include itself adds.
  const rows = result.pairs.map((p) => {
    const verdict = p.label.startsWith('SDK')
      ? p.included.p95 / p.plain.p95 <= TARGET_RATIO
        ? 'PASS'
        : 'FAIL'
      : `+${ms(p.included.p50 - p.plain.p50)} ms at p50 (not the target)`;
    return `| ${p.label} | ${ms(p.plain.p50)} | ${ms(p.plain.p95)} | ${ms(p.included.p50)} | ${ms(p.included.p95)} | ${ratio(p.included.p95, p.plain.p95)} | ${verdict} |`;
  });
  return [
    '## References: a page of 50 with include (issue 12)',
    '',
    `${thousands(SIZE)} products, each with a single reference (\`brandRef\` → a 10-item Brands collection) and a multi-reference (\`tagRefs\` ↔ Tags, ${thousands(result.referenceRows)} rows in all, 1–4 per product). A page of ${PAGE} with \`.include('brandRef', 'tagRefs')\` against the same page without include, timed alternately in the same run. Target: through the SDK, the included page's p95 within ${TARGET_RATIO}× of the plain page's p95. The in-process rows (ItemsService.query, plus ReferenceService.include) show the time include itself adds: two indexed reads (the reference rows of the page, the referenced items by ID) and one JSON parse per distinct referenced item.`,
    '',
    `Machine: ${machine.cpuModel} (${machine.cpuCount} cores), ${machine.os}, Node ${machine.node}, SQLite ${machine.sqlite}, commit ${machine.commit}; one-minute load ${result.load[0].toFixed(2)} → ${result.load[1].toFixed(2)} (other work was running on the machine: the numbers are noisy). Build: ${(result.buildMs / 1000).toFixed(2)} s.`,
    '',
    '| Path | plain p50 (ms) | plain p95 (ms) | include p50 (ms) | include p95 (ms) | p95 ratio | ≤ 2× (SDK) |',
    '| --- | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rows,
    '',
  ].join('\n');
}

/** What `--only references` runs: measures and returns the Markdown section. */
export async function runReferenceBenchmarks(): Promise<string> {
  return renderReferenceReport(await measureReferences());
}
