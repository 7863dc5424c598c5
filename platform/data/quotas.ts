import { WixApiError } from '../errors.ts';

/**
 * Wix Data's per-site quotas and its per-operation time limit, as switchable platform behaviour. Off by default
 * (local code should not be throttled unless its developer asks); on, a site's data reads and writes are counted
 * in a sliding one-minute window and the one over the quota answers WDE0014, and an operation that cannot finish
 * within the time limit answers WDE0028, so code that retries, backs off or batches can be tested locally.
 */
export interface DataQuotaOptions {
  /** Data reads (query, get, count, distinct, aggregate, search, ...) per site per minute. No limit when absent. */
  readsPerMinute?: number | undefined;
  /** Data writes (insert, update, save, patch, remove, truncate, bulk ...) per site per minute. */
  writesPerMinute?: number | undefined;
  /** The time limit of one data operation, in ms (Wix: 5 s). No limit when absent. */
  timeoutMs?: number | undefined;
}

/** The largest quota accepted: the window keeps one timestamp per admitted request, so it is bounded. */
export const MAX_QUOTA_PER_MINUTE = 100_000;
/** The longest time limit accepted (the host's own request timeout is longer). */
export const MAX_DATA_TIMEOUT_MS = 60_000;
/** Wix's documented time limit for a data operation. */
export const WIX_DATA_TIMEOUT_MS = 5_000;

export type DataOperationKind = 'read' | 'write';

const WINDOW_MS = 60_000;

/** Data Items routes that only read (the rest of /items and /bulk/items write). */
const READ_ROUTES = new Set([
  'items/query',
  'items/get',
  'items/count',
  'items/query-distinct-values',
  'items/aggregate',
  'items/aggregate-pipeline',
  'items/search',
  'items/query-referenced',
  'items/is-referenced',
]);

const DATA_ITEM_PREFIXES = ['/_api/cloud-data/v2/', '/wix-data/v2/'];

/** Whether a request is a Wix Data item operation, and which kind; undefined for everything else. */
export function dataOperationKind(method: string, path: string): DataOperationKind | undefined {
  const prefix = DATA_ITEM_PREFIXES.find((p) => path.startsWith(p));
  if (!prefix) return undefined;
  const rest = path.slice(prefix.length);
  if (!rest.startsWith('items') && !rest.startsWith('bulk/items')) return undefined;
  if (method === 'GET' || method === 'HEAD') return 'read';
  return READ_ROUTES.has(rest) ? 'read' : 'write';
}

/** Why a setting is refused, or undefined when all are fine. */
export function dataQuotaProblem(options: DataQuotaOptions): string | undefined {
  for (const key of ['readsPerMinute', 'writesPerMinute'] as const) {
    const value = options[key];
    if (value !== undefined && (!Number.isInteger(value) || value < 1 || value > MAX_QUOTA_PER_MINUTE)) {
      return `${key} must be a whole number from 1 to ${MAX_QUOTA_PER_MINUTE}.`;
    }
  }
  const timeout = options.timeoutMs;
  if (timeout !== undefined && (!Number.isInteger(timeout) || timeout < 1 || timeout > MAX_DATA_TIMEOUT_MS)) {
    return `timeoutMs must be a whole number of milliseconds from 1 to ${MAX_DATA_TIMEOUT_MS}.`;
  }
  return undefined;
}

export class DataQuotas {
  private settings: Readonly<DataQuotaOptions> = {};
  /** Per site and kind, the times of the requests admitted in the last minute (oldest first). */
  private readonly windows = new Map<string, number[]>();

  constructor(
    private readonly now: () => number,
    options?: DataQuotaOptions,
  ) {
    if (options) this.configure(options);
  }

  /** Replaces the settings (an empty object turns everything off) and starts every window afresh. */
  configure(options: DataQuotaOptions): void {
    const problem = dataQuotaProblem(options);
    if (problem) throw new RangeError(problem);
    const { readsPerMinute, writesPerMinute, timeoutMs } = options;
    this.settings = Object.freeze({
      ...(readsPerMinute !== undefined ? { readsPerMinute } : {}),
      ...(writesPerMinute !== undefined ? { writesPerMinute } : {}),
      ...(timeoutMs !== undefined ? { timeoutMs } : {}),
    });
    this.windows.clear();
  }

  current(): Readonly<DataQuotaOptions> {
    return this.settings;
  }

  /** Counts one operation of a site; throws WDE0014 when the site is over its quota for that kind. */
  admit(siteId: string, kind: DataOperationKind): void {
    const limit = kind === 'read' ? this.settings.readsPerMinute : this.settings.writesPerMinute;
    if (limit === undefined) return;
    const key = `${kind}\u0000${siteId}`;
    const now = this.now();
    let window = this.windows.get(key);
    if (!window) this.windows.set(key, (window = []));
    let expired = 0;
    while (expired < window.length && window[expired]! <= now - WINDOW_MS) expired++;
    if (expired) window.splice(0, expired);
    if (window.length >= limit) {
      const retryAfterMs = Math.max(0, window[0]! + WINDOW_MS - now);
      throw new WixApiError(429, `Requests per minute quota exceeded: this site may make ${limit} data ${kind}s per minute.`, {
        code: 'WDE0014',
        data: { kind, limitPerMinute: limit, retryAfterMs },
      });
    }
    window.push(now);
  }

  /** Throws WDE0028 when an operation that started `elapsedMs` ago is over the time limit. */
  checkTime(elapsedMs: number): void {
    const limit = this.settings.timeoutMs;
    if (limit === undefined || elapsedMs <= limit) return;
    throw new WixApiError(504, `Operation time limit exceeded: a data operation may take ${limit} ms (this one took ${Math.round(elapsedMs)} ms).`, {
      code: 'WDE0028',
      data: { timeoutMs: limit },
    });
  }
}
