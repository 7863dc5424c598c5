import * as v from 'valibot';
import { DataQuotas, dataQuotaProblem, MAX_DATA_TIMEOUT_MS, MAX_QUOTA_PER_MINUTE } from './data/quotas.ts';
import { MAX_REPLICA_LAG_MS } from './data/read-replica.ts';
import { errors } from './errors.ts';
import { faultPathProblem, MAX_FAULT_PATH_LENGTH } from './faults/faults.ts';
import type { RequestLog } from './http/request-log.ts';
import { Router } from './http/router.ts';
import type { PlatformServices } from './services.ts';
import { parseBody, plainObject, strictPlainObject } from './validation.ts';

const FaultBody = plainObject({
  method: v.optional(v.pipe(v.string(), v.maxLength(16))),
  /** A plain prefix or a glob (`*` one segment, `**` any); never a regular expression. */
  path: v.optional(v.pipe(v.string(), v.maxLength(MAX_FAULT_PATH_LENGTH))),
  latencyMs: v.optional(v.pipe(v.number(), v.minValue(0), v.maxValue(60_000))),
  status: v.optional(v.pipe(v.number(), v.integer(), v.minValue(200), v.maxValue(599))),
  malformedBody: v.optional(v.boolean()),
  times: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1))),
});

const PerMinute = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_QUOTA_PER_MINUTE)));
const ConsistencyBody = strictPlainObject({
  replicaLagMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_REPLICA_LAG_MS))),
});

const DataQuotaBody = strictPlainObject({
  readsPerMinute: PerMinute,
  writesPerMinute: PerMinute,
  timeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(MAX_DATA_TIMEOUT_MS))),
});

/**
 * `/_platform/*`: the local platform's own control surface (no Wix equivalent), used by the demo page
 * and browser tests. It exposes no credential: no token, key or password is ever returned here.
 * The host (http/handler.ts) lets a request in only with this run's control secret and a JSON body, and sends
 * no CORS header for these paths, so no other web page can use them.
 */
export function createControlRouter(services: PlatformServices, log: RequestLog, quotas: DataQuotas, info: () => Record<string, unknown>): Router {
  const router = new Router();
  router.add('GET', '/_platform/data-quotas', () => ({ dataQuotas: quotas.current() }));
  // Eventual consistency: `{ replicaLagMs }` lets reads without consistentRead lag behind writes; `{}` turns it off.
  router.add('GET', '/_platform/consistency', () => ({ consistency: services.reads?.current() ?? {} }));
  router.add('PUT', '/_platform/consistency', (ctx) => {
    const settings = parseBody(ConsistencyBody, ctx.body);
    if (!services.reads) throw errors.notFound('This platform has no read replica.');
    services.reads.configure(settings);
    return { consistency: services.reads.current() };
  });
  // Replaces the settings; `{}` turns quotas and the time limit off.
  router.add('PUT', '/_platform/data-quotas', (ctx) => {
    const settings = parseBody(DataQuotaBody, ctx.body);
    const problem = dataQuotaProblem(settings);
    if (problem) throw errors.badRequest(problem, 'INVALID_ARGUMENT');
    quotas.configure(settings);
    return { dataQuotas: quotas.current() };
  });
  router.add('GET', '/_platform/info', () => info());
  router.add('GET', '/_platform/requests', (ctx) => ({ requests: log.since(Number(ctx.query.get('since') ?? '0') || 0) }));
  router.add('DELETE', '/_platform/requests', () => {
    log.clear();
    return {};
  });
  router.add('GET', '/_platform/faults', () => ({ faults: services.faults.list() }));
  router.add('POST', '/_platform/faults', (ctx) => {
    const rule = parseBody(FaultBody, ctx.body);
    const problem = rule.path === undefined ? undefined : faultPathProblem(rule.path);
    if (problem) throw errors.badRequest(problem, 'INVALID_ARGUMENT');
    try {
      return { fault: services.faults.add(rule) };
    } catch (error) {
      throw errors.badRequest((error as Error).message, 'INVALID_ARGUMENT');
    }
  });
  router.add('DELETE', '/_platform/faults', () => {
    services.faults.clear();
    return {};
  });
  router.add('DELETE', '/_platform/faults/:id', (ctx) => {
    if (!services.faults.remove(ctx.params['id']!)) throw errors.notFound('No such fault.');
    return {};
  });
  router.add('POST', '/_platform/clock', (ctx) => {
    const { advanceMs } = parseBody(plainObject({ advanceMs: v.pipe(v.number(), v.minValue(0)) }), ctx.body);
    // A clock past Date's range made every later request fail (the request log's timestamp) until it was reset.
    const room = services.clock.room();
    if (advanceMs > room) throw errors.badRequest(`advanceMs may be at most ${room} (the clock stops at the end of year 9999).`, 'INVALID_ARGUMENT');
    services.clock.advance(advanceMs);
    return { now: new Date(services.clock.now()).toISOString() };
  });
  router.add('DELETE', '/_platform/clock', () => {
    services.clock.reset();
    return { now: new Date(services.clock.now()).toISOString() };
  });
  router.add('POST', '/_platform/expire-tokens', () => {
    services.tokens.expireAllIssued();
    return {};
  });
  return router;
}
