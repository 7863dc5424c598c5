import type { RequestLogEntry } from '../http/request-log.ts';

/** How the monitor decides a spike: a caller's requests this minute against its average over the minutes before. */
export interface MonitorSettings {
  /** A caller is spiking at this many times its recent per-minute average … */
  spikeMultiple: number;
  /** … and at least this many requests in the minute (so a first handful of calls is not a spike). */
  spikeMinRequests: number;
  /** How many minutes before the current one make the "recent" average. */
  baselineMinutes: number;
}

export const DEFAULT_MONITOR_SETTINGS: MonitorSettings = { spikeMultiple: 5, spikeMinRequests: 30, baselineMinutes: 10 };
export const MONITOR_LIMITS = {
  /** Minutes of history kept (the usage chart's hour). */
  minutes: 60,
  /** Distinct series per dimension per minute; the rest count as "(other)". */
  seriesPerMinute: 100,
  /** Flags kept (newest last). */
  flags: 200,
  /** API keys, members and app clients tracked for last-use and new-caller checks. */
  tracked: 2_000,
  /** Distinct origins remembered per API key. */
  originsPerKey: 50,
} as const;

export const DIMENSIONS = ['kind', 'key', 'app', 'route'] as const;
export type Dimension = (typeof DIMENSIONS)[number];

export interface MonitorFlag {
  seq: number;
  time: string;
  kind: 'spike' | 'new-caller';
  callerKind: string;
  callerId: string;
  detail: string;
}

interface Bucket {
  total: number;
  errors: number;
  denials: number;
  series: Record<Dimension, Map<string, number>>;
  /** Requests per caller (`kind:id`) this minute, for spike detection. */
  callers: Map<string, number>;
  /** Callers already flagged as spiking this minute (one flag per caller per minute). */
  spiked: Set<string>;
}

const OTHER = '(other)';
const isDenial = (status: number) => status === 401 || status === 403 || status === 429;
const isError = (status: number) => status >= 400 && !isDenial(status);

/** `/wix-data/v2/items/3f2c…` → `/wix-data/v2/items/:id`: ids and long values out of the route name. */
export function routeOf(path: string): string {
  const parts = path.split('/').filter(Boolean).slice(0, 6);
  return `/${parts.map((p) => (p.length > 24 || /^[0-9a-f-]{8,}$/i.test(p) || /^\d+$/.test(p) || /[^A-Za-z0-9._~-]/.test(p) ? ':id' : p)).join('/')}`;
}

function bump(map: Map<string, number>, key: string, max: number): number {
  const name = map.has(key) || map.size < max ? key : OTHER;
  const next = (map.get(name) ?? 0) + 1;
  map.set(name, next);
  return next;
}

/** A Map that keeps at most `max` keys, dropping the least recently touched. */
function touch<V>(map: Map<string, V>, key: string, value: V, max: number): void {
  map.delete(key);
  map.set(key, value);
  if (map.size > max) map.delete(map.keys().next().value!);
}

/**
 * The usage monitor: requests per minute by caller kind, API key, app and route over the last hour, error and
 * denial rates, and flags (a caller spiking above a multiple of its recent rate, a new caller for an API key).
 * It reads the request log's entries (RequestLog.annotate), so it sees exactly what the log sees, and its flags
 * go onto the log entries too. Everything is bounded (MONITOR_LIMITS) and in memory: it starts empty each run.
 */
export class UsageMonitor {
  private readonly buckets = new Map<number, Bucket>();
  private readonly flagList: MonitorFlag[] = [];
  private readonly keyUse = new Map<string, { count: number; lastUsedAt: number; denied: number }>();
  private readonly keyOrigins = new Map<string, Set<string>>();
  private readonly memberSeen = new Map<string, number>();
  settings: MonitorSettings;

  constructor(
    private readonly now: () => number,
    settings: Partial<MonitorSettings> = {},
  ) {
    this.settings = { ...DEFAULT_MONITOR_SETTINGS, ...settings };
  }

  private bucket(minute: number): Bucket {
    let bucket = this.buckets.get(minute);
    if (!bucket) {
      bucket = {
        total: 0,
        errors: 0,
        denials: 0,
        series: { kind: new Map(), key: new Map(), app: new Map(), route: new Map() },
        callers: new Map(),
        spiked: new Set(),
      };
      this.buckets.set(minute, bucket);
      for (const old of this.buckets.keys()) if (old <= minute - MONITOR_LIMITS.minutes) this.buckets.delete(old);
    }
    return bucket;
  }

  /** Counts one request; returns the flags it raises (the request log stores them on the entry). */
  observe(entry: RequestLogEntry): string[] | undefined {
    const at = Date.parse(entry.time);
    const time = Number.isFinite(at) ? at : this.now();
    const minute = Math.floor(time / 60_000);
    const bucket = this.bucket(minute);
    const max = MONITOR_LIMITS.seriesPerMinute;
    bucket.total++;
    if (isError(entry.status)) bucket.errors++;
    if (isDenial(entry.status)) bucket.denials++;
    bump(bucket.series.kind, entry.role, max);
    bump(bucket.series.route, `${entry.method} ${routeOf(entry.path)}`, max);
    const id = entry.callerId;
    if (entry.role === 'apiKey' && id) bump(bucket.series.key, id, max);
    if (entry.role === 'app' && id) bump(bucket.series.app, id, max);

    const flags: string[] = [];
    const caller = id ? `${entry.role}:${id}` : entry.role;
    const count = bump(bucket.callers, caller, max * 10);
    const spike = this.spikeOf(caller, minute, count);
    if (spike && !bucket.spiked.has(caller)) {
      bucket.spiked.add(caller);
      flags.push('spike');
      this.flag({ seq: entry.seq, time: entry.time, kind: 'spike', callerKind: entry.role, callerId: id ?? '', detail: spike });
    }
    if (id && entry.role === 'apiKey') {
      const use = this.keyUse.get(id) ?? { count: 0, lastUsedAt: 0, denied: 0 };
      use.count++;
      use.lastUsedAt = time;
      if (isDenial(entry.status)) use.denied++;
      touch(this.keyUse, id, use, MONITOR_LIMITS.tracked);
      const origin = entry.origin;
      if (origin) {
        const seen = this.keyOrigins.get(id) ?? new Set<string>();
        if (!seen.has(origin)) {
          if (seen.size > 0) {
            flags.push('new-caller');
            this.flag({
              seq: entry.seq,
              time: entry.time,
              kind: 'new-caller',
              callerKind: 'apiKey',
              callerId: id,
              detail: `API key ${id} was used from a new client (${origin}); it had been used from ${seen.size} before.`,
            });
          }
          if (seen.size < MONITOR_LIMITS.originsPerKey) seen.add(origin);
        }
        touch(this.keyOrigins, id, seen, MONITOR_LIMITS.tracked);
      }
    }
    if (id && (entry.role === 'member' || entry.role === 'owner')) touch(this.memberSeen, id, time, MONITOR_LIMITS.tracked);
    if (entry.role === 'app' && entry.subjectId) touch(this.memberSeen, entry.subjectId, time, MONITOR_LIMITS.tracked);
    return flags.length ? flags : undefined;
  }

  private spikeOf(caller: string, minute: number, count: number): string | undefined {
    const { spikeMultiple, spikeMinRequests, baselineMinutes } = this.settings;
    if (count < spikeMinRequests) return undefined;
    let before = 0;
    for (let m = minute - baselineMinutes; m < minute; m++) before += this.buckets.get(m)?.callers.get(caller) ?? 0;
    const average = before / baselineMinutes;
    if (count < spikeMultiple * average) return undefined;
    return `${caller} made ${count} requests this minute, ${average === 0 ? 'none before' : `${(count / average).toFixed(1)}× its recent ${average.toFixed(1)}/min`} (spike: ≥ ${spikeMultiple}× and ≥ ${spikeMinRequests}).`;
  }

  private flag(flag: MonitorFlag): void {
    this.flagList.push(flag);
    if (this.flagList.length > MONITOR_LIMITS.flags) this.flagList.shift();
  }

  flags(): readonly MonitorFlag[] {
    return this.flagList;
  }

  keyUsage(keyId: string): { count: number; lastUsedAt: string | undefined; denied: number } {
    const use = this.keyUse.get(keyId);
    return { count: use?.count ?? 0, lastUsedAt: use ? new Date(use.lastUsedAt).toISOString() : undefined, denied: use?.denied ?? 0 };
  }

  /** When a member (or an app acting for one) last called (platform clock), undefined if not this run. */
  lastActive(memberId: string): number | undefined {
    return this.memberSeen.get(memberId);
  }

  /**
   * The last hour per minute for one dimension: totals, errors and denials, and the top series (by the hour's
   * total) with their per-minute counts; everything else is summed as "(other)".
   */
  usage(dimension: Dimension, top = 6) {
    const nowMinute = Math.floor(this.now() / 60_000);
    const first = nowMinute - MONITOR_LIMITS.minutes + 1;
    const hour = new Map<string, number>();
    let total = 0;
    let errors = 0;
    let denials = 0;
    for (let m = first; m <= nowMinute; m++) {
      const b = this.buckets.get(m);
      if (!b) continue;
      total += b.total;
      errors += b.errors;
      denials += b.denials;
      for (const [name, n] of b.series[dimension]) hour.set(name, (hour.get(name) ?? 0) + n);
    }
    const ranked = [...hour.entries()].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
    const names = ranked.slice(0, top).map(([name]) => name);
    const minutes = [];
    for (let m = first; m <= nowMinute; m++) {
      const b = this.buckets.get(m);
      const series: Record<string, number> = Object.create(null) as Record<string, number>;
      let shown = 0;
      for (const name of names) {
        // safe-lookup: a null-prototype record, and the names are the monitor's own series names
        series[name] = b?.series[dimension].get(name) ?? 0;
        shown += series[name];
      }
      const rest = (b ? [...b.series[dimension].values()].reduce((s, n) => s + n, 0) : 0) - shown;
      if (rest > 0) series[OTHER] = rest;
      minutes.push({ minute: new Date(m * 60_000).toISOString(), total: b?.total ?? 0, errors: b?.errors ?? 0, denials: b?.denials ?? 0, series });
    }
    return {
      dimension,
      total,
      errorRate: total ? errors / total : 0,
      denialRate: total ? denials / total : 0,
      series: ranked.slice(0, 20).map(([name, count]) => ({ name, count })),
      minutes,
      flags: this.flagList.filter((f) => Date.parse(f.time) >= first * 60_000).slice(-50),
      settings: this.settings,
    };
  }
}
