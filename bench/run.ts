/**
 * `npm run bench`: query latency and insert throughput of the local platform, written to BENCHMARKS.md.
 *
 * Collections of 1k, 10k and 100k catalogue items, each twice: with the demo Products' declared fields
 * (expression indexes) and, as the baseline measured in the same run, with no declared fields.
 * Progress goes to stderr. Runs in a few minutes on a 2-core machine.
 * `npm run bench -- --only sizes` replaces the bundle-size subsection of BENCHMARKS.md (seconds).
 * `npm run bench -- --only NAME` (security, indexes, references, dashboard, testing-kit) runs one section alone and
 * replaces that section in BENCHMARKS.md.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import type { CollectionField } from '../platform/index.ts';
import { benchmarkProducts } from '../demo/seed/index.ts';
import { DEFAULT_LOOP, describeMachine, progress, rate, summarize, thousands, timeLoop, timePairLoop, untimed, type LoopOptions } from './lib.ts';
import { CORRELATED_CASE, PRODUCT_FIELDS, QUERY_CASES, startBenchPlatform, toWireData, type BenchPlatform, type QueryCase } from './platform-query.ts';
import { runElementBenchmarks } from './elements.ts';
import { runVeloBenchmarks } from './velo.ts';
import { runOAuthBenchmarks } from './oauth.ts';
import { runSizeBenchmarks } from './sizes.ts';
import { runSecurityBenchmarks } from './security.ts';
import { runIndexBenchmarks } from './platform-indexes.ts';
import { runReferenceBenchmarks } from './platform-references.ts';
import { runDashboardBenchmarks } from './dashboard.ts';
import { runTestingKitBenchmarks } from './testing-kit.ts';
import { renderTableScroll, tableScroll } from './table-scroll.ts';
import { runBrowserEngineBenchmarks } from './browser-engines.ts';
import { renderReport, replaceSection, type BulkBuild, type InsertLoop, type QueryMeasurement, type Results, type WhatIf } from './report.ts';

const SIZES = [1_000, 10_000, 100_000];
const BATCH = 1_000;
const SINGLE_INSERTS = 2_000;
const SDK_SINGLE_INSERTS = 300;
const SDK_BULK_BATCHES = 10;
const OUTPUT = new URL('../BENCHMARKS.md', import.meta.url);

const sizeLabel = (n: number) => `${n / 1000}k`;
const collectionName = (size: number, indexed: boolean) => `Bench${sizeLabel(size)}${indexed ? '' : 'NoIdx'}`;

function build(bp: BenchPlatform, id: string, fields: CollectionField[], data: Record<string, unknown>[]): BulkBuild {
  const { collections, items } = bp.platform.services;
  collections.create({ id, fields });
  const batchMs: number[] = [];
  for (let i = 0; i < data.length; i += BATCH) {
    const batch = data.slice(i, i + BATCH);
    const t0 = performance.now();
    const result = items.bulkWrite(bp.owner, id, 'insert', batch);
    batchMs.push(performance.now() - t0);
    if (result.bulkActionMetadata.totalFailures !== 0) throw new Error(`${id}: ${result.bulkActionMetadata.totalFailures} inserts failed`);
  }
  const total = batchMs.reduce((a, b) => a + b, 0);
  const out: BulkBuild = { collectionId: id, size: data.length, indexed: fields.length > 0, ms: total, perSecond: rate(data.length, total) };
  if (batchMs.length >= 20) {
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    out.firstBatchesPerSecond = rate(10 * BATCH, sum(batchMs.slice(0, 10)));
    out.lastBatchesPerSecond = rate(10 * BATCH, sum(batchMs.slice(-10)));
  }
  return out;
}

async function insertLoop(label: string, path: string, itemsPerCall: number, calls: number, call: (i: number) => unknown): Promise<InsertLoop> {
  const perCall: number[] = [];
  for (let i = 0; i < calls; i++) {
    const t0 = performance.now();
    await call(i);
    perCall.push(performance.now() - t0);
  }
  const total = perCall.reduce((a, b) => a + b, 0);
  return { label, path, items: itemsPerCall * calls, calls, ms: total, perSecond: rate(itemsPerCall * calls, total), perCall: summarize(perCall) };
}

function sameIds(a: string[], b: string[]): boolean {
  return a.length === b.length && a.every((id, i) => id === b[i]);
}

/** Times one query case on one collection: in-process first, then end to end through the SDK. */
async function measureQuery(bp: BenchPlatform, c: QueryCase, size: number, indexed: boolean, loop: LoopOptions = DEFAULT_LOOP): Promise<QueryMeasurement> {
  const id = collectionName(size, indexed);
  const { items } = bp.platform.services;

  // One SDK call to learn the exact request body, and to check both paths agree.
  const viaSdk = await untimed(() => c.run(bp.client, id));
  const body = bp.lastQueryBody();
  if (body.dataCollectionId !== id) throw new Error(`captured a query for ${body.dataCollectionId}, expected ${id}`);
  const input = body.query ?? {};
  const withTotal = body.returnTotalCount ?? false;
  const direct = items.query(bp.owner, id, input, withTotal);
  const directIds = direct.dataItems.map((item) => item.id);
  if (!sameIds(viaSdk.ids, directIds)) throw new Error(`${c.id} on ${id}: SDK and service returned different items`);
  if (withTotal && viaSdk.total !== direct.pagingMetadata['total']) throw new Error(`${c.id} on ${id}: totals differ`);
  const matching = items.count(bp.owner, id, input.filter);

  const plans = bp.probeSql(id, body).map((executed) => ({ sql: executed.sql, plan: bp.explain(executed) }));

  // In-process and end-to-end calls alternate, so both see the same conditions and no keep-alive socket idles.
  const [serviceSamples, httpSamples] = await timePairLoop(
    () => items.query(bp.owner, id, input, withTotal),
    () => c.run(bp.client, id),
    loop,
    () => {
      bp.serverTimes.samples = [];
      bp.serverTimes.collecting = true;
    },
  );
  const service = summarize(serviceSamples);
  const http = summarize(httpSamples);
  bp.serverTimes.collecting = false;
  const server = summarize(bp.serverTimes.samples);
  return { caseId: c.id, size, indexed, collectionId: id, matching, returned: viaSdk.ids.length, http, server, service, plans };
}

async function fillCollections(bp: BenchPlatform, largest: number): Promise<{ builds: BulkBuild[]; inserts: InsertLoop[] }> {
  const { collections, items } = bp.platform.services;
  progress(`generating ${thousands(largest)} benchmark products`);
  const products = benchmarkProducts(largest);
  const wire = products.map(toWireData);

  // --- Build the collections (bulk insert throughput) -------------------------------------
  const builds: BulkBuild[] = [];
  for (const size of SIZES) {
    for (const indexed of [true, false]) {
      const id = collectionName(size, indexed);
      const result = build(bp, id, indexed ? PRODUCT_FIELDS : [], wire.slice(0, size));
      builds.push(result);
      progress(`built ${id}: ${thousands(size)} items in ${(result.ms / 1000).toFixed(2)} s (${thousands(result.perSecond)} items/s)`);
    }
  }

  // --- Single-item and SDK insert loops -----------------------------------------------------
  const inserts: InsertLoop[] = [];
  for (const indexed of [true, false]) {
    const id = indexed ? 'SingleIdx' : 'SingleNoIdx';
    collections.create({ id, fields: indexed ? PRODUCT_FIELDS : [] });
    const result = await insertLoop(
      `single inserts, ${indexed ? 'declared fields' : 'no declared fields'}`,
      '`services.items.insert` (in-process, one transaction each)',
      1,
      SINGLE_INSERTS,
      (i) => items.insert(bp.owner, id, wire[i]),
    );
    inserts.push(result);
    progress(`${id}: ${SINGLE_INSERTS} single inserts, ${thousands(result.perSecond)} items/s`);
  }
  collections.create({ id: 'SdkSingle', fields: PRODUCT_FIELDS });
  await bp.client.items.insert('SdkSingle', products[largest - 1]!); // warm the connection and the statement cache
  const sdkSingle = await insertLoop('SDK single inserts, declared fields', '`items.insert` (SDK over HTTPS)', 1, SDK_SINGLE_INSERTS, (i) =>
    bp.client.items.insert('SdkSingle', products[i]!),
  );
  inserts.push(sdkSingle);
  progress(`SdkSingle: ${SDK_SINGLE_INSERTS} SDK inserts, ${thousands(sdkSingle.perSecond)} items/s`);
  collections.create({ id: 'SdkBulk', fields: PRODUCT_FIELDS });
  const sdkBulk = await insertLoop('SDK bulk inserts, declared fields', '`items.bulkInsert` of 1000 (SDK over HTTPS)', BATCH, SDK_BULK_BATCHES, async (i) => {
    const result = await bp.client.items.bulkInsert('SdkBulk', products.slice(i * BATCH, (i + 1) * BATCH));
    if (result.errors.length) throw new Error(`SDK bulkInsert: ${result.errors.length} errors`);
  });
  inserts.push(sdkBulk);
  progress(`SdkBulk: ${SDK_BULK_BATCHES} × ${BATCH} via SDK, ${thousands(sdkBulk.perSecond)} items/s`);
  return { builds, inserts };
}

async function main(): Promise<void> {
  const started = performance.now();
  const date = new Date();
  progress('starting the platform (in-memory SQLite, HTTPS on loopback)');
  const bp = await startBenchPlatform();
  let platformReport: string;
  try {
    const sqlite = (bp.db.prepare('select sqlite_version() AS v').get() as { v: string }).v;
    const machine = describeMachine(sqlite);
    progress(`${machine.cpuModel} × ${machine.cpuCount}, Node ${machine.node}, SQLite ${sqlite}`);

    const largest = SIZES[SIZES.length - 1]!;
    // The generated items are dropped once written, so the JS heap is small again while queries are timed.
    const { builds, inserts } = await fillCollections(bp, largest);

    // --- HTTP floor ---------------------------------------------------------------------------
    const floorId = collectionName(SIZES[0]!, true);
    const httpFloor = summarize(await timeLoop(() => bp.client.items.query(floorId).limit(1).find()));
    progress(`HTTP floor (limit 1, no filter): p50 ${httpFloor.p50.toFixed(2)} ms`);

    // --- Query latency ------------------------------------------------------------------------
    const queries: QueryMeasurement[] = [];
    for (const size of SIZES) {
      for (const indexed of [true, false]) {
        for (const c of QUERY_CASES) {
          const q = await measureQuery(bp, c, size, indexed);
          queries.push(q);
          progress(
            `${q.collectionId} ${c.id}: HTTP p50 ${q.http.p50.toFixed(2)} p95 ${q.http.p95.toFixed(2)} ms (n=${q.http.n}); service p50 ${q.service.p50.toFixed(2)} ms (n=${q.service.n})`,
          );
        }
      }
    }

    // --- What-if: ANALYZE on the largest indexed table (last, so nothing above sees the statistics) ---
    const whatIfAnalyze: WhatIf[] = [];
    const correlatedBefore = await measureQuery(bp, CORRELATED_CASE, largest, true);
    progress(
      `before ANALYZE ${CORRELATED_CASE.id}: HTTP p50 ${correlatedBefore.http.p50.toFixed(2)} ms; service p50 ${correlatedBefore.service.p50.toFixed(2)} ms`,
    );
    const largeTable = bp.platform.services.collections.require(collectionName(largest, true)).table;
    const analyzeStarted = performance.now();
    bp.db.exec(`ANALYZE ${largeTable}`);
    const analyzeMs = performance.now() - analyzeStarted;
    progress(`what-if: ANALYZE ${largeTable} took ${analyzeMs.toFixed(0)} ms`);
    for (const c of [...QUERY_CASES, CORRELATED_CASE]) {
      const before = c === CORRELATED_CASE ? correlatedBefore : queries.find((q) => q.caseId === c.id && q.size === largest && q.indexed)!;
      const after = await measureQuery(bp, c, largest, true);
      whatIfAnalyze.push({ caseId: c.id, before, http: after.http, service: after.service, plans: after.plans });
      progress(
        `after ANALYZE ${c.id}: HTTP p50 ${after.http.p50.toFixed(2)} p95 ${after.http.p95.toFixed(2)} ms; service p50 ${after.service.p50.toFixed(2)} ms`,
      );
    }

    const results: Results = {
      date,
      durationS: (performance.now() - started) / 1000,
      machine,
      sizes: SIZES,
      builds,
      inserts,
      queries,
      whatIfAnalyze,
      analyzeMs,
      httpFloor,
    };
    platformReport = renderReport(results);
    progress(`platform benchmarks done in ${results.durationS.toFixed(0)} s`);
  } finally {
    await bp.stop();
  }
  // Element benchmarks run after the platform's server is stopped, so they do not share the event loop with it.
  const elementsReport = await runElementBenchmarks();
  const veloReport = await runVeloBenchmarks();
  const oauthReport = await runOAuthBenchmarks();
  writeFileSync(OUTPUT, `${platformReport.trimEnd()}\n\n${elementsReport.trimEnd()}\n\n${veloReport.trimEnd()}\n\n${oauthReport.trimEnd()}\n`);
  progress(`wrote ${OUTPUT.pathname}`);
  // Then each section that also runs alone, in its own place at the end.
  for (const [name, run] of SECTIONS) await writeSection(name, run);
}

/** Sections that also run alone (`--only NAME`), each replacing its own `## ` section of BENCHMARKS.md. */
const SECTIONS: ReadonlyMap<string, () => Promise<string>> = new Map([
  ['security', runSecurityBenchmarks],
  ['indexes', runIndexBenchmarks], // issue 11
  ['references', runReferenceBenchmarks], // issue 12
  ['dashboard', runDashboardBenchmarks], // issue 17
  ['testing-kit', runTestingKitBenchmarks], // issue 18
  ['browser-engines', runBrowserEngineBenchmarks], // issue 16
]);

async function writeSection(name: string, run: () => Promise<string>): Promise<string> {
  const report = await run();
  writeFileSync(OUTPUT, replaceSection(readFileSync(OUTPUT, 'utf8'), report));
  progress(`wrote the ${name} section of ${OUTPUT.pathname}`);
  return report;
}

/** `npm run bench -- --only NAME`: one section alone, written into BENCHMARKS.md in place of its previous version. */
async function only(section: string): Promise<void> {
  if (section === 'sizes') return void process.stdout.write(await writeSection('sizes', runSizeBenchmarks));
  if (section === 'table-scroll') return void process.stdout.write(await writeSection('table-scroll', async () => renderTableScroll(await tableScroll()))); // about 8 minutes
  const run = SECTIONS.get(section);
  if (!run) throw new Error(`--only ${section}: the sections that run alone are: sizes, table-scroll, ${[...SECTIONS.keys()].join(', ')}`);
  process.stdout.write(await writeSection(section, run));
}

const onlyAt = process.argv.indexOf('--only');
(onlyAt >= 0 ? only(process.argv[onlyAt + 1] ?? '') : main()).catch((error: unknown) => {
  process.stderr.write(`${(error as Error).stack ?? String(error)}\n`);
  process.exitCode = 1;
});
