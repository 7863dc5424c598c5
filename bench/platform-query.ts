/**
 * The platform under test, the data it holds and the queries the benchmark times.
 *
 * One in-memory platform on HTTPS. Collections are filled in-process through ItemsService.bulkWrite
 * (the same code path as POST /bulk/items/insert, minus HTTP). Queries are timed twice: end to end
 * through the official @wix/sdk + @wix/data over HTTPS, and in-process through ItemsService.query
 * with the exact request body the SDK sent, so HTTP/SDK overhead and SQL time can be told apart.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { items } from '@wix/data';
import { ItemsService, routeWixApisTo, startPlatform, StatementCache, type Caller, type Db, type QueryInput, type RunningPlatform } from '../platform/index.ts';

export { PRODUCT_FIELDS, toWireData } from '../demo/seed/index.ts';

function makeClient(platform: { apiKey: string; siteId: string }) {
  return createClient({ modules: { items }, auth: ApiKeyStrategy({ apiKey: platform.apiKey, siteId: platform.siteId }) });
}
export type BenchClient = ReturnType<typeof makeClient>;
type DataQuery = ReturnType<BenchClient['items']['query']>;

/** The body of POST/GET /items/query as the SDK sent it. */
export interface QueryBody {
  dataCollectionId: string;
  query?: QueryInput;
  returnTotalCount?: boolean;
}

export interface ExecutedSql {
  sql: string;
  params: unknown[];
}

export interface BenchPlatform {
  platform: RunningPlatform;
  client: BenchClient;
  owner: Caller;
  db: Db;
  /** The /items/query body of the most recent SDK query. */
  lastQueryBody(): QueryBody;
  /** Server-side handler durations (request log) of /items/query calls while collecting. */
  serverTimes: { collecting: boolean; samples: number[] };
  /** Runs a query through a separate ItemsService on the same database and returns the SQL it executed. */
  probeSql(collectionId: string, body: QueryBody): ExecutedSql[];
  /** EXPLAIN QUERY PLAN, one line per plan node, indented by depth. */
  explain(executed: ExecutedSql): string[];
  stop(): Promise<void>;
}

/** Statement proxy that records what was executed; only ever handed to the probe's own ItemsService. */
function recordingDb(db: Db, log: ExecutedSql[]): Db {
  const wrapStatement = (stmt: ReturnType<Db['prepare']>, sql: string) =>
    new Proxy(stmt, {
      get(target, prop) {
        const value = Reflect.get(target, prop, target) as unknown;
        if (typeof value !== 'function') return value;
        if (prop === 'all' || prop === 'get' || prop === 'run' || prop === 'iterate') {
          return (...params: unknown[]) => {
            log.push({ sql, params });
            return (value as (...args: unknown[]) => unknown).apply(target, params);
          };
        }
        return (value as (...args: unknown[]) => unknown).bind(target);
      },
    });
  return new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') return (sql: string) => wrapStatement(target.prepare(sql), sql);
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
    },
  });
}

export async function startBenchPlatform(): Promise<BenchPlatform> {
  // The self-signed certificate goes to a temporary directory, removed on stop.
  const dataDir = mkdtempSync(join(tmpdir(), 'wix-bench-'));
  const platform = await startPlatform({ db: ':memory:', seed: 'none', dataDir, onError: (m) => process.stderr.write(`${m}\n`) });
  const undoRouting = routeWixApisTo(platform);

  // Remember the last /items/query URL (the SDK sends GET ?.r=<base64url JSON>) or body.
  const routedFetch = globalThis.fetch;
  let lastQuery: { url: string; body?: string } | undefined;
  const capturingFetch: typeof fetch = (input, init) => {
    const url = input instanceof Request ? input.url : String(input);
    if (url.includes('/items/query')) lastQuery = { url, ...(typeof init?.body === 'string' ? { body: init.body } : {}) };
    return routedFetch(input, init);
  };
  globalThis.fetch = capturingFetch;

  const serverTimes = { collecting: false, samples: [] as number[] };
  const unsubscribe = platform.log.subscribe((entry) => {
    if (serverTimes.collecting && entry.path.endsWith('/items/query')) serverTimes.samples.push(entry.durationMs);
  });

  const db = platform.services.db;
  const probeLog: ExecutedSql[] = [];
  const probeDb = recordingDb(db, probeLog);
  const probeItems = new ItemsService(probeDb, platform.services.collections, new StatementCache(probeDb), () => Date.now());
  const owner: Caller = { kind: 'owner', id: platform.owner.id };

  return {
    platform,
    client: makeClient(platform),
    owner,
    db,
    serverTimes,
    lastQueryBody() {
      if (!lastQuery) throw new Error('no /items/query request was captured');
      if (lastQuery.body !== undefined) return JSON.parse(lastQuery.body) as QueryBody;
      const encoded = new URL(lastQuery.url).searchParams.get('.r');
      if (encoded === null) throw new Error(`cannot read the query body from ${lastQuery.url.slice(0, 120)}`);
      return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as QueryBody;
    },
    probeSql(collectionId, body) {
      probeLog.length = 0;
      probeItems.query(owner, collectionId, body.query ?? {}, body.returnTotalCount ?? false);
      return [...probeLog];
    },
    explain({ sql, params }) {
      const rows = db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...params) as { id: number; parent: number; detail: string }[];
      const depth = new Map<number, number>([[0, -1]]);
      return rows.map((row) => {
        const d = (depth.get(row.parent) ?? -1) + 1;
        depth.set(row.id, d);
        return `${'  '.repeat(d)}${row.detail}`;
      });
    },
    async stop() {
      unsubscribe();
      if (globalThis.fetch === capturingFetch) globalThis.fetch = routedFetch;
      undoRouting();
      await platform.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

// ---------------------------------------------------------------------------
// Query cases
// ---------------------------------------------------------------------------

export interface QueryOutcome {
  ids: string[];
  total?: number | undefined;
}

export interface QueryCase {
  id: 'page' | 'total' | 'contains' | 'page3' | 'rare';
  title: string;
  /** The SDK call, for the report. */
  code: string;
  run(client: BenchClient, collectionId: string): Promise<QueryOutcome>;
}

const tentsOver50 = (q: DataQuery) => q.eq('category', 'Tents').ge('price', 50).descending('price').limit(50);
const outcome = (result: { items: { _id?: unknown }[]; totalCount?: number | undefined }): QueryOutcome => ({
  ids: result.items.map((item) => String(item._id)),
  total: result.totalCount,
});

export const QUERY_CASES: readonly QueryCase[] = [
  {
    id: 'page',
    title: 'Filtered, sorted page of 50',
    code: ".eq('category','Tents').ge('price',50).descending('price').limit(50).find()",
    run: async (client, id) => outcome(await tentsOver50(client.items.query(id)).find()),
  },
  {
    id: 'total',
    title: 'Same, with returnTotalCount',
    code: '…same….find({ returnTotalCount: true })',
    run: async (client, id) => outcome(await tentsOver50(client.items.query(id)).find({ returnTotalCount: true })),
  },
  {
    id: 'contains',
    title: 'String contains, sorted',
    code: ".eq('category','Tents').contains('title','trek').descending('price').limit(50).find()",
    run: async (client, id) => outcome(await client.items.query(id).eq('category', 'Tents').contains('title', 'trek').descending('price').limit(50).find()),
  },
  {
    id: 'page3',
    title: 'Page 3 (skip 100)',
    code: '…same as the first….skip(100).find()',
    run: async (client, id) => outcome(await tentsOver50(client.items.query(id)).skip(100).find()),
  },
];

/**
 * Only for the ANALYZE what-if: a filter whose two conditions are correlated (tents are the expensive items),
 * so few rows match although each condition alone matches many. Statistics cannot see the correlation.
 */
export const CORRELATED_CASE: QueryCase = {
  id: 'rare',
  title: 'Tents under $100 (few matches)',
  code: ".eq('category','Tents').lt('price',100).descending('price').limit(50).find()",
  run: async (client, id) => outcome(await client.items.query(id).eq('category', 'Tents').lt('price', 100).descending('price').limit(50).find()),
};
