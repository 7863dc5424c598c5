/**
 * Velo backend benchmarks, measured in one run against baselines from the same run:
 * - the web-method round trip on the local runtime (RPC over HTTPS) against the same method called in-process,
 *   for a trivial method (the probe fixture's `echo`) and a real one (`categoryCounts`, which calls Wix Data);
 * - 200 concurrent `submitContactRequest` calls (distinct requestIds, then 50 requestIds sent four times each):
 *   every write stored exactly once, nothing lost, nothing duplicated;
 * - secret reads per 1000 calls with the backend's 60 s cache, against the same calls with no cache.
 *
 * `npx tsx bench/velo.ts` (from the repository root) prints the Markdown section; `runVeloBenchmarks()` returns it.
 * The two platforms run one after the other: `startVeloPlatform` routes the global fetch to one platform at a time.
 */
import { randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { veloCalls, type Caller } from '../platform/index.ts';
import { callWebMethod, startVeloPlatform, tokenFor, type VeloTestPlatform } from '../test/velo/helpers.ts';
import { resetKeyRotation } from '../velo-backend/lib/api-key.ts';
import { forgetSecrets } from '../velo-backend/lib/secrets.ts';
import { describeMachine, ms, progress, ratio, summarize, timePairLoop, type LoopOptions, type Summary } from './lib.ts';
import { runVeloDataBenchmark } from './velo-data.ts';

const PROBE_DIR = fileURLToPath(new URL('../test/velo/fixtures/backend', import.meta.url));
const BACKEND_DIR = fileURLToPath(new URL('../velo-backend', import.meta.url));
const MODULE = 'data-admin.web';
const CONCURRENT = 200;
const SHARED_IDS = 50;
const SECRET_CALLS = 1000;
const UNCACHED_CALLS = 100;
const BATCH = 50;
const SECRET_TTL_S = 60;

const ECHO_LOOP: LoopOptions = { warmup: 100, maxIterations: 2_000, minIterations: 300, budgetMs: 3_000 };
const DATA_LOOP: LoopOptions = { warmup: 20, maxIterations: 400, minIterations: 60, budgetMs: 4_000 };

interface RoundTrip {
  label: string;
  rpc: Summary;
  inProcess: Summary;
  inProcessWhat: string;
}

interface WriteRun {
  label: string;
  calls: number;
  distinctIds: number;
  stored: number;
  expectedStored: number;
  fresh: number;
  duplicates: number;
  wrongContent: number;
  failures: Record<string, number>;
  wallMs: number;
  perCall: Summary;
}

interface SecretReads {
  label: string;
  calls: number;
  reads: number;
  wallMs: number;
}

function assertOk(r: Awaited<ReturnType<typeof callWebMethod>>, what: string): void {
  if (r.status !== 200 || (r.body.result && typeof r.body.result === 'object' && 'ok' in r.body.result && r.body.result.ok !== true)) {
    throw new Error(`${what}: HTTP ${r.status} ${r.text.slice(0, 300)}`);
  }
}

// --- 1. Round trip: a trivial method --------------------------------------------------------------------------

async function echoRoundTrip(): Promise<{ trip: RoundTrip; sqlite: string }> {
  const p = await startVeloPlatform({ seed: 'none', velo: { backendDir: PROBE_DIR } });
  try {
    const sqlite = (p.services.db.prepare('select sqlite_version() AS v').get() as { v: string }).v;
    // The same module instance the runtime loads (same file URL).
    const { echo } = await import('../test/velo/fixtures/backend/probe.web.ts');
    const token = await tokenFor(p, 'visitor');
    const payload = { n: 1, s: 'hello', list: [true, null] };
    const check = await callWebMethod(p, token, 'probe.web', 'echo', payload);
    if (check.status !== 200 || JSON.stringify(check.body.result?.value) !== JSON.stringify(payload)) throw new Error(`echo: ${check.text}`);
    const [rpc, local] = await timePairLoop(
      async () => {
        const r = await callWebMethod(p, token, 'probe.web', 'echo', payload);
        if (r.status !== 200) throw new Error(`echo: HTTP ${r.status}`);
      },
      () => echo(payload),
      ECHO_LOOP,
    );
    return {
      sqlite,
      trip: { label: '`probe.web/echo` (trivial)', rpc: summarize(rpc), inProcess: summarize(local), inProcessWhat: 'the exported web method called directly' },
    };
  } finally {
    await p.stop();
  }
}

// --- 2. Everything on the data-admin platform -------------------------------------------------------------------

async function categoryCountsRoundTrip(p: VeloTestPlatform): Promise<RoundTrip> {
  const { categoryCounts } = await import('../velo-backend/data-admin.web.ts');
  const token = await tokenFor(p, 'visitor');
  const visitor: Caller = { kind: 'visitor', id: randomUUID() };
  const runtime = {
    secrets: p.secrets,
    siteId: p.siteId,
    getMember: (id: string) => p.services.directory.getMember(id),
    // wix-data's own calls carry the caller's token (elevated: the site's admin rights), as in the runtime.
    accessToken: async (caller: Caller, elevated: boolean) =>
      (await p.services.tokens.issueAccess(elevated ? 'owner' : 'visitor', caller.id, p.clientId)).token,
  };
  // What the runtime does around the method, minus the RPC: the call context (caller, not elevated) and JSON.
  const inProcess = () =>
    veloCalls.run(
      { caller: visitor, elevated: false, functionName: `/backend/${MODULE}.js/categoryCounts`, runtime },
      async () => JSON.parse(JSON.stringify(await categoryCounts())) as unknown,
    );
  const viaRpc = await callWebMethod(p, token, MODULE, 'categoryCounts');
  assertOk(viaRpc, 'categoryCounts');
  const local = (await inProcess()) as { ok: boolean; data: unknown };
  if (!local.ok || JSON.stringify(local.data) !== JSON.stringify(viaRpc.body.result.data))
    throw new Error('categoryCounts: the RPC and in-process answers differ');
  const categories = (local.data as unknown[]).length;
  const [rpc, direct] = await timePairLoop(
    async () => assertOk(await callWebMethod(p, token, MODULE, 'categoryCounts'), 'categoryCounts'),
    async () => {
      const r = (await inProcess()) as { ok: boolean };
      if (!r.ok) throw new Error('categoryCounts in-process failed');
    },
    DATA_LOOP,
  );
  return {
    label: `\`data-admin.web/categoryCounts\` (${1 + categories} Wix Data calls)`,
    rpc: summarize(rpc),
    inProcess: summarize(direct),
    inProcessWhat: "the web method in the runtime's call context (visitor, not elevated), result through JSON",
  };
}

function contactCount(p: VeloTestPlatform, owner: Caller): number {
  return p.services.items.count(owner, 'ContactRequests', {});
}

function storedContacts(p: VeloTestPlatform, owner: Caller): Map<string, Record<string, unknown>> {
  const out = new Map<string, Record<string, unknown>>();
  for (let offset = 0; ; offset += 1000) {
    const page = p.services.items.query(owner, 'ContactRequests', { paging: { limit: 1000, offset } }, false);
    for (const item of page.dataItems) out.set(item.id, item.data);
    if (!page.pagingMetadata['hasNext']) return out;
  }
}

/** Sends every submission at once, each from its own visitor session, and checks what was stored. */
async function concurrentWrites(
  p: VeloTestPlatform,
  owner: Caller,
  label: string,
  submissions: { name: string; email: string; message: string; requestId: string }[],
): Promise<WriteRun> {
  const tokens = await Promise.all(submissions.map(() => tokenFor(p, 'visitor')));
  const before = contactCount(p, owner);
  const distinct = new Map(submissions.map((s) => [s.requestId, s]));
  const started = performance.now();
  const answers = await Promise.all(
    submissions.map(async (s, i) => {
      const t0 = performance.now();
      try {
        const r = await callWebMethod(p, tokens[i], MODULE, 'submitContactRequest', s);
        return { r, ms: performance.now() - t0 };
      } catch (error) {
        return { error: (error as Error).message, ms: performance.now() - t0 };
      }
    }),
  );
  const wallMs = performance.now() - started;
  const failures: Record<string, number> = {};
  let fresh = 0;
  let duplicates = 0;
  for (const a of answers) {
    if ('error' in a) {
      failures[`network: ${a.error}`] = (failures[`network: ${a.error}`] ?? 0) + 1;
      continue;
    }
    const result = a.r.body.result as { ok?: boolean; code?: string; data?: { duplicate?: boolean } } | undefined;
    if (a.r.status !== 200 || !result?.ok) {
      const key = `HTTP ${a.r.status} ${result?.code ?? a.r.body.details?.applicationError?.code ?? ''}`.trim();
      failures[key] = (failures[key] ?? 0) + 1;
    } else if (result.data?.duplicate) duplicates++;
    else fresh++;
  }
  const stored = contactCount(p, owner) - before;
  const all = storedContacts(p, owner);
  let wrongContent = 0;
  for (const [id, s] of distinct) {
    const item = all.get(id);
    if (!item || item['name'] !== s.name || item['email'] !== s.email || item['message'] !== s.message || item['requestId'] !== id) wrongContent++;
  }
  return {
    label,
    calls: submissions.length,
    distinctIds: distinct.size,
    stored,
    expectedStored: distinct.size,
    fresh,
    duplicates,
    wrongContent,
    failures,
    wallMs,
    perCall: summarize(answers.map((a) => a.ms)),
  };
}

const submission = (i: number, requestId: string) => ({
  name: `Bench visitor ${i}`,
  email: `bench.${i}@example.com`,
  message: `Concurrent request ${i} (${requestId})`,
  requestId,
});

async function secretReads(p: VeloTestPlatform): Promise<{ uncached: SecretReads; sequential: SecretReads; concurrent: SecretReads }> {
  const token = await tokenFor(p, { email: p.owner.email });
  const call = async () => assertOk(await callWebMethod(p, token, MODULE, 'listOrders', { limit: 1 }), 'listOrders');

  // Baseline, no cache: the backend's cache is dropped on every request the platform receives, so every
  // getSecret() in the call (for the query and again for the audit record) reads the vault.
  const forget = () => forgetSecrets();
  p.server.prependListener('request', forget);
  let r0 = p.secrets.reads;
  let t0 = performance.now();
  for (let i = 0; i < UNCACHED_CALLS; i++) await call();
  const uncached = {
    label: `no cache (measured over ${UNCACHED_CALLS} calls)`,
    calls: UNCACHED_CALLS,
    reads: p.secrets.reads - r0,
    wallMs: performance.now() - t0,
  };
  p.server.removeListener('request', forget);

  // Cached, one call after another, from a cold cache.
  forgetSecrets();
  r0 = p.secrets.reads;
  t0 = performance.now();
  for (let i = 0; i < SECRET_CALLS; i++) await call();
  const sequential = { label: 'cached, sequential, cold start', calls: SECRET_CALLS, reads: p.secrets.reads - r0, wallMs: performance.now() - t0 };

  // Cached, 50 at a time, from a cold cache: the first 50 share one read per secret (one read in flight per name).
  forgetSecrets();
  r0 = p.secrets.reads;
  t0 = performance.now();
  for (let i = 0; i < SECRET_CALLS; i += BATCH) await Promise.all(Array.from({ length: BATCH }, call));
  const concurrent = { label: `cached, ${BATCH} concurrent, cold start`, calls: SECRET_CALLS, reads: p.secrets.reads - r0, wallMs: performance.now() - t0 };
  return { uncached, sequential, concurrent };
}

// --- Report ----------------------------------------------------------------------------------------------------

/** Milliseconds, or microseconds below 0.1 ms (an in-process call of a trivial method takes a few µs). */
const time = (v: number) => (Number.isFinite(v) && v < 0.1 ? `${(v * 1000).toFixed(1)} µs` : `${ms(v)} ms`);
const row = (what: string, s: Summary) => `| ${what} | ${s.n} | ${time(s.p50)} | ${time(s.p95)} | ${time(s.p99)} | ${time(s.mean)} |`;
const failuresText = (f: Record<string, number>) =>
  Object.keys(f).length
    ? Object.entries(f)
        .map(([k, n]) => `${n}× ${k}`)
        .join(', ')
    : 'none';
const perThousand = (s: SecretReads) => (s.reads / s.calls) * 1000;

export async function runVeloBenchmarks(): Promise<string> {
  const started = performance.now();
  // The backend's module state (secret cache, API clients) may hold another platform's values in a long process.
  forgetSecrets();
  resetKeyRotation();

  progress('velo: web-method round trip, trivial method (probe fixture)');
  const { trip: echoTrip, sqlite } = await echoRoundTrip();
  progress(`velo: echo RPC p50 ${time(echoTrip.rpc.p50)}, in-process p50 ${time(echoTrip.inProcess.p50)}`);

  progress('velo: starting the demo platform with velo-backend/');
  const p = await startVeloPlatform({ velo: { backendDir: BACKEND_DIR } });
  let dataTrip: RoundTrip;
  let writes: WriteRun[];
  let reads: Awaited<ReturnType<typeof secretReads>>;
  try {
    forgetSecrets();
    resetKeyRotation();
    const owner: Caller = { kind: 'owner', id: p.owner.id };

    progress('velo: web-method round trip, categoryCounts');
    dataTrip = await categoryCountsRoundTrip(p);
    progress(`velo: categoryCounts RPC p50 ${ms(dataTrip.rpc.p50)} ms, in-process p50 ${ms(dataTrip.inProcess.p50)} ms`);

    // Each phase starts a fresh rate-limit minute (the platform clock only; secrets are cached on the wall clock).
    p.advanceClock(61_000);
    progress(`velo: ${CONCURRENT} concurrent submitContactRequest, distinct requestIds`);
    const distinct = await concurrentWrites(
      p,
      owner,
      `${CONCURRENT} calls, ${CONCURRENT} distinct requestIds`,
      Array.from({ length: CONCURRENT }, (_, i) => submission(i, randomUUID())),
    );
    const ids = Array.from({ length: SHARED_IDS }, () => randomUUID());
    const shared = Array.from({ length: CONCURRENT }, (_, i) => submission(i % SHARED_IDS, ids[i % SHARED_IDS]!));
    // Shuffled, so copies of one request do not arrive side by side.
    for (let i = shared.length - 1; i > 0; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      [shared[i], shared[j]] = [shared[j]!, shared[i]!];
    }
    progress(`velo: ${CONCURRENT} concurrent submitContactRequest, ${SHARED_IDS} shared requestIds`);
    const repeated = await concurrentWrites(p, owner, `${CONCURRENT} calls, ${SHARED_IDS} requestIds × ${CONCURRENT / SHARED_IDS}`, shared);
    writes = [distinct, repeated];
    for (const w of writes) progress(`velo: ${w.label}: stored ${w.stored} (expected ${w.expectedStored}), failures ${failuresText(w.failures)}`);

    p.advanceClock(61_000);
    progress(`velo: secret reads over ${SECRET_CALLS} listOrders calls`);
    reads = await secretReads(p);
    progress(
      `velo: secret reads: no cache ${reads.uncached.reads}/${reads.uncached.calls}, cached ${reads.sequential.reads}/${SECRET_CALLS} (sequential), ${reads.concurrent.reads}/${SECRET_CALLS} (concurrent)`,
    );
  } finally {
    await p.stop();
  }

  const machine = describeMachine(sqlite);
  const writesPass =
    writes.every((w) => w.stored === w.expectedStored && w.wrongContent === 0 && Object.keys(w.failures).length === 0) &&
    writes[0]!.fresh === CONCURRENT &&
    writes[1]!.fresh === SHARED_IDS &&
    writes[1]!.duplicates === CONCURRENT - SHARED_IDS;
  const uncachedPer1000 = perThousand(reads.uncached);
  const perCallUncached = reads.uncached.reads / reads.uncached.calls;
  // One read per secret name per cache lifetime: three names (site id, primary key, secondary key).
  const windows = (s: SecretReads) => Math.ceil(s.wallMs / (SECRET_TTL_S * 1000));
  const cachedPass = [reads.sequential, reads.concurrent].every((s) => s.reads <= 3 * windows(s));
  const overhead = (t: RoundTrip) => t.rpc.p50 - t.inProcess.p50;

  const lines = [
    '## Velo backend',
    '',
    `${machine.cpuModel} × ${machine.cpuCount}, ${machine.totalMemoryGiB} GiB, ${machine.os}, Node ${machine.node}, SQLite ${machine.sqlite}, commit ${machine.commit}. ${new Date().toISOString().slice(0, 10)}, ${((performance.now() - started) / 1000).toFixed(0)} s.`,
    '',
    '### Web-method round trip on the local runtime',
    '',
    "Page code's path: `POST /_webMethods/<module>.web/<name>` over HTTPS on loopback with the caller's session token (token check, permission, rate limit, call context, JSON both ways), through the same routed `fetch` the tests use. Baseline in the same run, calls alternating: the same method in-process.",
    '',
    '| method | path | n | p50 | p95 | p99 | mean |',
    '| :--- | :--- | ---: | ---: | ---: | ---: | ---: |',
    ...[echoTrip, dataTrip].flatMap((t) => [row(`${t.label} | RPC`, t.rpc), row(`${t.label} | in-process: ${t.inProcessWhat}`, t.inProcess)]),
    '',
    '| method | RPC ÷ in-process (p50) | added per call (p50) |',
    '| :--- | ---: | ---: |',
    ...[echoTrip, dataTrip].map((t) => `| ${t.label} | ${ratio(t.rpc.p50, t.inProcess.p50)} | ${time(overhead(t))} |`),
    '',
    `The RPC adds about ${time(overhead(echoTrip))} per call (p50) on this machine. Against a trivial method that is ${ratio(echoTrip.rpc.p50, echoTrip.inProcess.p50)} the in-process call; against a method that does real work through Wix Data it is ${ratio(dataTrip.rpc.p50, dataTrip.inProcess.p50)}.`,
    '',
    `### ${CONCURRENT} concurrent writes (\`submitContactRequest\`)`,
    '',
    `All calls start at once, each from its own visitor session. Counted in the ContactRequests collection before and after; every stored item is compared with what was sent. A repeated requestId must be stored once and answered \`duplicate: true\`.`,
    '',
    '| run | new items stored | expected | `duplicate: false` | `duplicate: true` | wrong content | failures | wall | per call p50 | per call p95 |',
    '| :--- | ---: | ---: | ---: | ---: | ---: | :--- | ---: | ---: | ---: |',
    ...writes.map(
      (w) =>
        `| ${w.label} | ${w.stored} | ${w.expectedStored} | ${w.fresh} | ${w.duplicates} | ${w.wrongContent} | ${failuresText(w.failures)} | ${ms(w.wallMs)} ms | ${ms(w.perCall.p50)} ms | ${ms(w.perCall.p95)} ms |`,
    ),
    '',
    `No lost or duplicated writes: **${writesPass ? 'PASS' : 'FAIL'}**. Per-call times include opening up to ${CONCURRENT} TLS connections at once and queueing behind one another on the single-threaded runtime and SQLite.`,
    '',
    `### Secret reads per ${SECRET_CALLS} calls`,
    '',
    `\`listOrders({ limit: 1 })\` as the owner: one Wix Data query and one audit insert, each behind \`withDataApi\`, which needs three secrets (site id, primary key, secondary key). Counted at the local Secrets Manager (\`platform.secrets.reads\`). The backend caches each secret for ${SECRET_TTL_S} s with one read in flight per name. Baseline, measured in the same run: the same calls with the cache dropped on every request the platform receives.`,
    '',
    '| mode | calls | secret reads | per 1000 calls | wall |',
    '| :--- | ---: | ---: | ---: | ---: |',
    ...[reads.uncached, reads.sequential, reads.concurrent].map(
      (s) => `| ${s.label} | ${s.calls} | ${s.reads} | ${Math.round(perThousand(s))} | ${(s.wallMs / 1000).toFixed(1)} s |`,
    ),
    '',
    `Without the cache a call reads ${perCallUncached.toFixed(1)} secrets (${Math.round(uncachedPer1000)} per 1000 calls); with it, ${reads.sequential.reads} per ${SECRET_CALLS} sequential calls and ${reads.concurrent.reads} per ${SECRET_CALLS} concurrent ones (${ratio(uncachedPer1000, Math.max(reads.sequential.reads, 1))} fewer). At most three reads per ${SECRET_TTL_S} s window: **${cachedPass ? 'PASS' : 'FAIL'}**.`,
    '',
  ];
  // Issue 13: wix-data in a web method against the SDK over HTTPS, on its own platform (the fixture site).
  lines.push(await runVeloDataBenchmark('###'));
  return lines.join('\n');
}

if (import.meta.url === `file://${process.argv[1]}`) {
  console.log(await runVeloBenchmarks());
}
