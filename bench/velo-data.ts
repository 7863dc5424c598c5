/**
 * `wix-data` in a site's backend against the SDK over HTTPS, same run (issue 13): a web method doing 10 `wix-data`
 * queries (one RPC from page code, then 10 queries the platform answers in-process as the caller) against the same
 * 10 queries sent by `@wix/data` from outside over HTTPS (10 round trips), the visitor's token on both.
 *
 * `npx tsx bench/velo-data.ts` prints the Markdown section; `runVeloDataBenchmark()` returns it.
 */
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { createClient } from '@wix/sdk';
import { items } from '@wix/data';
import { startTestPlatform, type Seed } from '../platform/index.ts';
import { callWebMethod, tokenFor } from '../test/velo/helpers.ts';
import { describeMachine, ms, progress, ratio, summarize, timePairLoop, type LoopOptions, type Summary } from './lib.ts';

const LOOP: LoopOptions = { warmup: 20, maxIterations: 400, minIterations: 60, budgetMs: 4_000 };
const QUERIES = 10;

export interface VeloDataResult {
  webMethod: Summary;
  sdk: Summary;
}

export async function measureVeloData(): Promise<VeloDataResult> {
  const site = mkdtempSync(join(tmpdir(), 'wix-site-bench-'));
  cpSync(new URL('../test/velo/fixtures/site/', import.meta.url), site, { recursive: true });
  const seed = (await import(pathToFileURL(join(site, 'seed.js')).href)).default as Seed;
  const p = await startTestPlatform({ seed, velo: { backendDir: join(site, 'backend'), rateLimitPerMinute: 1_000_000 } });
  try {
    p.services.items.bulkWrite(
      { kind: 'owner', id: p.owner.id },
      'Guestbook',
      'insert',
      Array.from({ length: 20 }, (_, i) => ({ message: `entry ${i}`, n: i })),
    );
    const visitor = await tokenFor(p, 'visitor');
    const client = createClient({ modules: { items }, auth: { getAuthHeaders: async () => ({ headers: { Authorization: visitor } }) } });
    const viaWebMethod = async () => {
      const r = await callWebMethod(p, visitor, 'notes.web', 'tenQueries');
      if (r.status !== 200 || r.body.result !== QUERIES * 10) throw new Error(`tenQueries answered ${r.status} ${r.text}`);
    };
    const viaSdk = async () => {
      let total = 0;
      for (let i = 0; i < QUERIES; i++) total += (await client.items.query('Guestbook').limit(10).find()).items.length;
      if (total !== QUERIES * 10) throw new Error(`the SDK read ${total} items`);
    };
    progress('velo data: 10 wix-data queries in a web method vs 10 SDK queries over HTTPS');
    const [a, b] = await timePairLoop(viaWebMethod, viaSdk, LOOP);
    return { webMethod: summarize(a), sdk: summarize(b) };
  } finally {
    await p.stop();
    rmSync(site, { recursive: true, force: true });
  }
}

/** The Markdown section; `heading` '###' makes it a subsection of the Velo section (bench/velo.ts). */
export async function runVeloDataBenchmark(heading = '##'): Promise<string> {
  const started = performance.now();
  const result = await measureVeloData();
  const machine = describeMachine('n/a');
  return [
    `${heading} \`wix-data\` in a web method vs the SDK over HTTPS`,
    '',
    ...(heading === '##'
      ? [
          `${machine.cpuModel} × ${machine.cpuCount}, ${machine.totalMemoryGiB} GiB, ${machine.os}, Node ${machine.node}, commit ${machine.commit}. ${new Date().toISOString().slice(0, 10)}, ${((performance.now() - started) / 1000).toFixed(0)} s.`,
          '',
        ]
      : []),
    `One web method (\`notes.web/tenQueries\` of the fixture site in test/velo/fixtures/site) runs ${QUERIES} \`wixData.query('Guestbook').limit(10).find()\` as the visitor who called it; the baseline, same run, interleaved, sends the same ${QUERIES} queries with \`@wix/data\` (\`createClient\`, the same visitor token) over HTTPS to the same platform. Both read 100 items.`,
    '',
    '| path | n | p50 | p95 | p99 |',
    '|---|---|---|---|---|',
    `| web method, ${QUERIES} \`wix-data\` queries (1 HTTPS round trip) | ${result.webMethod.n} | ${ms(result.webMethod.p50)} ms | ${ms(result.webMethod.p95)} ms | ${ms(result.webMethod.p99)} ms |`,
    `| SDK, ${QUERIES} queries over HTTPS (${QUERIES} round trips) | ${result.sdk.n} | ${ms(result.sdk.p50)} ms | ${ms(result.sdk.p95)} ms | ${ms(result.sdk.p99)} ms |`,
    '',
    `p50 ratio web method / SDK: ${ratio(result.webMethod.p50, result.sdk.p50)}.`,
    '',
  ].join('\n');
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  process.stdout.write(await runVeloDataBenchmark());
}
