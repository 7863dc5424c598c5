/**
 * What one filtered, sorted page of 50 allocates on the JavaScript heap (issue 11's p95 tail is the scavenges this
 * allocation causes). Not part of `npm run bench`: run it by hand, with a young generation large enough that no
 * scavenge happens inside a measured batch, and with gc() exposed:
 *
 *   node --import tsx --expose-gc --min-semi-space-size=256 --max-semi-space-size=256 bench/platform-indexes-alloc.ts
 *
 * Each measure runs a batch of calls between two readings of the heap's used size, after a full GC; with no
 * collection inside the batch the difference is what the batch allocated (a collection inside it would show as a
 * negative or small delta, so the script checks the scavenge count and says so). Measured: the service's object
 * path (query + JSON.stringify, what the handler did per page before), the text path (queryJson), and the whole
 * request through the official SDK in one process, with the text path on and off.
 *
 * With `--ab`: the text and the object path alternately, call by call, 2,000 SDK page queries each, p50 / p95 /
 * p99 and how many calls of each overlapped a GC (a fair comparison on a busy machine).
 *
 * With `--tail` (no --expose-gc needed; try it with and without --max-semi-space-size): 1,000 SDK page queries,
 * text path, object path, text path again, each with its p50 / p95, the GCs during it and how many of the 50
 * slowest calls overlapped one.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PerformanceObserver } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import v8 from 'node:v8';
import { benchmarkProducts } from '../demo/seed/index.ts';
import { indexes, items as itemsModule } from '@wix/data';
import { inProcessSend, routeWixApisTo } from '../platform/index.ts';
import { childCollectionName } from './platform-indexes-seed.ts';
import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { PRODUCT_FIELDS, QUERY_CASES, startBenchPlatform, toWireData } from './platform-query.ts';

const SIZE = Number(process.env['ALLOC_SIZE'] ?? 10_000);
const BATCH = 100;
const ROUNDS = 7;
const gc = (globalThis as { gc?: () => void }).gc;
/** `--tail`: instead of allocation, 1,000 SDK page queries timed, and how many of the slowest overlapped a GC. */
const TAIL = process.argv.includes('--tail');
if (!gc && !TAIL && !process.argv.includes('--child') && !process.argv.includes('--ab')) throw new Error('run with --expose-gc (see the header)');

let scavenges = 0;
const gcs: { start: number; end: number; kind: number }[] = [];
new PerformanceObserver((list) => {
  scavenges += list.getEntries().length;
  for (const e of list.getEntries())
    gcs.push({ start: e.startTime, end: e.startTime + e.duration, kind: (e as { detail?: { kind?: number } }).detail?.kind ?? 0 });
}).observe({ entryTypes: ['gc'] });

/** 1,000 timed calls; the p50/p95, the GCs they saw, and how many of the 50 slowest overlapped one. */
async function tail(label: string, fn: () => Promise<unknown>): Promise<void> {
  for (let i = 0; i < 50; i++) await fn();
  await new Promise((resolve) => setTimeout(resolve, 20));
  gcs.length = 0;
  const calls: { start: number; end: number }[] = [];
  for (let i = 0; i < 1000; i++) {
    const start = performance.now();
    await fn();
    calls.push({ start, end: performance.now() });
  }
  await new Promise((resolve) => setTimeout(resolve, 50));
  const sorted = [...calls].sort((a, b) => b.end - b.start - (a.end - a.start));
  const q = (p: number) => {
    const d = sorted.map((c) => c.end - c.start).sort((a, b) => a - b);
    return d[Math.min(d.length - 1, Math.floor((p / 100) * d.length))]!.toFixed(2);
  };
  const overlapping = sorted.slice(0, 50).filter((c) => gcs.some((g) => g.start < c.end && g.end > c.start)).length;
  const pause = gcs.reduce((a, g) => a + g.end - g.start, 0);
  const newSpace = v8.getHeapSpaceStatistics().find((x) => x.space_name === 'new_space')!;
  console.log(
    `${label}: p50 ${q(50)} p95 ${q(95)} ms; ${gcs.length} GCs (${gcs.filter((g) => g.kind === 1).length} scavenges), ${pause.toFixed(0)} ms paused; ${overlapping} of the 50 slowest overlapped a GC; new space ${(newSpace.space_size / 2 ** 20).toFixed(1)} MB; flags ${process.execArgv.filter((a) => a.includes('semi')).join(' ') || 'none'}`,
  );
}

async function perCall(label: string, fn: () => unknown, batch = BATCH): Promise<void> {
  for (let i = 0; i < 20; i++) await fn();
  const samples: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    gc!();
    await new Promise((resolve) => setTimeout(resolve, 20));
    const before = scavenges;
    const used = v8.getHeapStatistics().used_heap_size;
    for (let i = 0; i < batch; i++) await fn();
    const delta = v8.getHeapStatistics().used_heap_size - used;
    // GC entries reach the observer a little later: let them arrive before deciding the batch was clean.
    await new Promise((resolve) => setTimeout(resolve, 20));
    if (scavenges === before + 0) samples.push(delta / batch);
  }
  samples.sort((a, b) => a - b);
  const median = samples[Math.floor(samples.length / 2)];
  console.log(
    `${label.padEnd(58)} ${median === undefined ? 'a scavenge ran in every batch: raise --min-semi-space-size' : `${(median / 1024).toFixed(1)} KB per call`} (${samples.length}/${ROUNDS} clean batches: ${samples.map((x) => (x / 1024).toFixed(0)).join(', ')})`,
  );
}

/**
 * `--child`: wix-local as its own process (the CLI under tsx, `--ci`, seeded by platform-indexes-seed.ts with SIZE
 * items), node flags for it from CHILD_NODE_FLAGS, and --trace-gc on it: 1,000 SDK page queries from this process,
 * their p50 / p95, and how many scavenges the server ran meanwhile (its own young generation, apart from the SDK's).
 */
if (process.argv.includes('--child')) {
  const dataDir = mkdtempSync(join(tmpdir(), 'wix-alloc-child-'));
  const flags = (process.env['CHILD_NODE_FLAGS'] ?? '').split(' ').filter(Boolean);
  const cli = fileURLToPath(new URL('../platform/cli.ts', import.meta.url));
  const seedPath = fileURLToPath(new URL('./platform-indexes-seed.ts', import.meta.url));
  const child = spawn(process.execPath, [...flags, '--trace-gc', '--import', 'tsx', cli, '--ci', '--port', '0', '--data-dir', dataDir, '--seed', seedPath], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: { ...process.env, INDEX_BENCH_SIZES: String(SIZE) },
  });
  let traceLines: string[] = [];
  const summary = await new Promise<{ url: string; siteId: string; apiKey: string }>((resolve) => {
    createInterface({ input: child.stdout! }).on('line', (line) => {
      if (line.startsWith('{"ready":true')) resolve(JSON.parse(line) as { url: string; siteId: string; apiKey: string });
      else traceLines.push(line);
    });
  });
  const undo = routeWixApisTo({ url: summary.url, ca: readFileSync(join(dataDir, 'tls', 'cert.pem'), 'utf8') });
  const client = createClient({ modules: { items: itemsModule, indexes }, auth: ApiKeyStrategy({ apiKey: summary.apiKey, siteId: summary.siteId }) });
  const cid = childCollectionName(SIZE);
  await client.indexes.createIndex(cid, {
    name: 'categoryPrice',
    fields: [
      { path: 'category', order: 'ASC' },
      { path: 'price', order: 'DESC' },
    ],
  });
  const page = QUERY_CASES.find((c) => c.id === 'page')!;
  const run = () => page.run(client as never, cid);
  for (let i = 0; i < 50; i++) await run();
  await new Promise((resolve) => setTimeout(resolve, 100));
  traceLines = [];
  gcs.length = 0;
  const durations: number[] = [];
  for (let i = 0; i < 1000; i++) {
    const t0 = performance.now();
    await run();
    durations.push(performance.now() - t0);
  }
  await new Promise((resolve) => setTimeout(resolve, 100));
  durations.sort((a, b) => a - b);
  const serverScavenges = traceLines.filter((l) => l.includes('Scavenge')).length;
  console.log(
    `wix-local child (flags: ${flags.join(' ') || 'none'}): p50 ${durations[500]!.toFixed(2)} p95 ${durations[950]!.toFixed(2)} ms over 1,000 SDK page queries; server scavenges ${serverScavenges}, client GCs ${gcs.length}`,
  );
  undo();
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
  rmSync(dataDir, { recursive: true, force: true });
  process.exit(0);
}

const bp = await startBenchPlatform();
try {
  const { collections, items } = bp.platform.services;
  const id = 'AllocWix';
  collections.create({ id, fields: PRODUCT_FIELDS });
  const wire = benchmarkProducts(SIZE).map(toWireData);
  for (let i = 0; i < SIZE; i += 1000) items.bulkWrite(bp.owner, id, 'insert', wire.slice(i, i + 1000));
  const admin = createClient({ modules: { indexes }, auth: ApiKeyStrategy({ apiKey: bp.platform.apiKey, siteId: bp.platform.siteId }) });
  await admin.indexes.createIndex(id, {
    name: 'categoryPrice',
    fields: [
      { path: 'category', order: 'ASC' },
      { path: 'price', order: 'DESC' },
    ],
  });
  const page = QUERY_CASES.find((c) => c.id === 'page')!;
  await page.run(bp.client, id);
  const input = bp.lastQueryBody().query ?? {};
  console.log(`${SIZE} items, ${JSON.stringify(input)}; heap limits: ${JSON.stringify(v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space'))}`);

  if (process.argv.includes('--ab')) {
    // The two paths alternately, call by call, so both see the same machine: 2,000 calls each.
    const queryJson = items.queryJson.bind(items);
    const off = () => undefined;
    const times = { text: [] as number[], object: [] as number[] };
    const spans = { text: [] as { start: number; end: number }[], object: [] as { start: number; end: number }[] };
    for (let i = 0; i < 100; i++) await page.run(bp.client, id);
    gcs.length = 0;
    for (let i = 0; i < 4000; i++) {
      const path = i % 2 === 0 ? 'text' : 'object';
      items.queryJson = path === 'text' ? queryJson : off;
      const start = performance.now();
      await page.run(bp.client, id);
      const end = performance.now();
      times[path].push(end - start);
      spans[path].push({ start, end });
    }
    items.queryJson = queryJson;
    await new Promise((resolve) => setTimeout(resolve, 50));
    for (const path of ['text', 'object'] as const) {
      const d = [...times[path]].sort((a, b) => a - b);
      const hit = spans[path].filter((c) => gcs.some((g) => g.start < c.end && g.end > c.start)).length;
      console.log(
        `${path} path: p50 ${d[1000]!.toFixed(2)} p95 ${d[1900]!.toFixed(2)} p99 ${d[1980]!.toFixed(2)} ms over 2,000 SDK page queries; ${hit} of them overlapped a GC`,
      );
    }
    console.log(`GCs during the run: ${gcs.length}`);
    process.exit(0);
  }
  if (TAIL) {
    await tail('SDK end to end in one process, text path', () => page.run(bp.client, id));
    const queryJson = items.queryJson.bind(items);
    items.queryJson = () => undefined;
    await tail('SDK end to end in one process, object path', () => page.run(bp.client, id));
    items.queryJson = queryJson;
    await tail('SDK end to end in one process, text path', () => page.run(bp.client, id));
    process.exit(0);
  }
  // The server alone: the handler (routing, auth, body, query, log) for the SDK's own request, without HTTP or SDK.
  const send = inProcessSend(bp.platform.handle as never);
  const captured = new URL(`https://www.wixapis.com/wix-data/v2/items/query?.r=${Buffer.from(JSON.stringify(bp.lastQueryBody())).toString('base64url')}`);
  const headers = new Headers({ authorization: bp.platform.apiKey, 'wix-site-id': bp.platform.siteId });
  const serverOnly = async () => (await send(captured, 'GET', headers, undefined)).arrayBuffer();
  if (JSON.parse(Buffer.from(await serverOnly()).toString()).dataItems.length !== 50) throw new Error('the captured query did not answer a page of 50');
  await perCall('server only (handler, text path), one request', serverOnly);
  const queryJsonForServer = items.queryJson.bind(items);
  items.queryJson = () => undefined;
  await perCall('server only (handler, object path), one request', serverOnly);
  items.queryJson = queryJsonForServer;
  await perCall('service, object path (query + JSON.stringify)', () => JSON.stringify(items.query(bp.owner, id, input, false)));
  await perCall('service, text path (queryJson)', () => items.queryJson(bp.owner, id, input, false));
  await perCall('service, text path, limit 0 (the request without items)', () => items.queryJson(bp.owner, id, { ...input, paging: { limit: 0 } }, false));
  await perCall('SDK end to end in one process, text path', () => page.run(bp.client, id), 20);
  await perCall('SDK end to end in one process, limit 1, no filter (the floor)', () => bp.client.items.query(id).limit(1).find(), 20);
  const queryJson = items.queryJson.bind(items);
  items.queryJson = () => undefined;
  await perCall('SDK end to end in one process, object path', () => page.run(bp.client, id), 20);
  items.queryJson = queryJson;
} finally {
  await bp.stop();
}
