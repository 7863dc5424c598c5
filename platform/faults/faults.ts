import { randomUUID } from 'node:crypto';

/** A fault applies to requests whose method and path match, optionally only a number of times. */
export interface FaultRule {
  /** HTTP method to match; any when absent. */
  method?: string;
  /**
   * A plain path prefix ('/_api/cloud-data/v2/items'), or a glob matched against the whole path: `*` is any text
   * within one segment, `**` any number of segments ('/_api/cloud-data/v2/items/*', '/_functions/**'). No regular
   * expressions: a pattern is matched by a linear scan, never by a user-supplied regex.
   */
  path?: string;
  /** Added latency before the request is handled. */
  latencyMs?: number;
  /** Answer with this status (401, 403, 429, 500, 503 ...) and the Wix error body, without handling the request. */
  status?: number;
  /** Answer 200 with a truncated JSON body. */
  malformedBody?: boolean;
  /** How many matching requests the rule applies to; forever when absent. */
  times?: number;
}

export interface ActiveFault extends FaultRule {
  id: string;
  hits: number;
}

/** What the matching rules do to one request, together. */
export interface AppliedFaults {
  /** The rules that applied, in the order they were added. */
  rules: ActiveFault[];
  /** The sum of their latencies (at most MAX_TOTAL_LATENCY_MS). */
  latencyMs?: number;
  /** The answer of the first rule that answers: a status ... */
  status?: number;
  /** ... or a malformed body. */
  malformedBody?: boolean;
}

/** One rule's latency is at most 60 s; together they are too, so a pile of rules cannot stall a request longer. */
export const MAX_TOTAL_LATENCY_MS = 60_000;

/** At most this many faults are active at once (each request is matched against all of them). */
export const MAX_ACTIVE_FAULTS = 100;

/** Longest accepted fault path. */
export const MAX_FAULT_PATH_LENGTH = 512;

/**
 * The two-pointer wildcard match, O(pattern × text), no recursion and no backtracking blow-up: `isStar` marks a
 * pattern element that stands for any run of text elements, `same` compares one pattern element with one text element.
 */
function wildcardMatch<T>(pattern: readonly T[], text: readonly T[], isStar: (p: T) => boolean, same: (p: T, t: T) => boolean): boolean {
  let p = 0;
  let t = 0;
  let star = -1;
  let mark = 0;
  while (t < text.length) {
    if (p < pattern.length && !isStar(pattern[p]!) && same(pattern[p]!, text[t]!)) {
      p++;
      t++;
    } else if (p < pattern.length && isStar(pattern[p]!)) {
      star = p++;
      mark = t;
    } else if (star !== -1) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.length && isStar(pattern[p]!)) p++;
  return p === pattern.length;
}

/** `*` within one segment (text without '/'). */
const matchSegment = (pattern: string, text: string): boolean =>
  wildcardMatch(
    [...pattern],
    [...text],
    (c) => c === '*',
    (a, b) => a === b,
  );

/** Over segments, where a `**` segment stands for any number of segments. */
const matchGlob = (pattern: string, path: string): boolean => wildcardMatch(pattern.split('/'), path.split('/'), (s) => s === '**', matchSegment);

/** Whether a fault's `path` (plain prefix, or glob when it holds a `*`) applies to a request path. */
export function faultPathMatches(pattern: string, path: string): boolean {
  return pattern.includes('*') ? matchGlob(pattern, path) : path.startsWith(pattern);
}

/** Why a fault path is refused, or undefined when it is fine. */
export function faultPathProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_FAULT_PATH_LENGTH) return `A fault path is at most ${MAX_FAULT_PATH_LENGTH} characters.`;
  if (!pattern.startsWith('/')) {
    return `A fault path is a plain prefix or a glob starting with "/", such as "/_api/cloud-data/" or "/_api/cloud-data/v2/items/*" (* is one segment, ** any number); regular expressions are not accepted${pattern.startsWith('^') ? ' any more' : ''}.`;
  }
  return undefined;
}

const STATUS_BODIES: Record<number, { message: string; code: string }> = {
  401: { message: 'Unauthorized: the access token has expired.', code: 'UNAUTHENTICATED' },
  403: { message: 'Permission denied.', code: 'PERMISSION_DENIED' },
  429: { message: 'Too many requests: the requests-per-minute quota is exceeded.', code: 'WDE0014' },
};

/** Fault injection for tests and the demo: latency, forced statuses, malformed bodies. */
export class FaultInjector {
  private rules: ActiveFault[] = [];

  add(rule: FaultRule): ActiveFault {
    if (rule.status !== undefined && (!Number.isInteger(rule.status) || rule.status < 200 || rule.status > 599)) {
      throw new RangeError('fault status must be an HTTP status code');
    }
    if (rule.latencyMs !== undefined && (!Number.isFinite(rule.latencyMs) || rule.latencyMs < 0 || rule.latencyMs > 60_000)) {
      throw new RangeError('fault latencyMs must be between 0 and 60000');
    }
    if (rule.path !== undefined) {
      const problem = faultPathProblem(rule.path);
      if (problem) throw new RangeError(problem);
    }
    if (this.rules.length >= MAX_ACTIVE_FAULTS) throw new RangeError(`At most ${MAX_ACTIVE_FAULTS} faults are active at once; remove some first.`);
    const active: ActiveFault = { ...rule, id: randomUUID(), hits: 0 };
    this.rules.push(active);
    return active;
  }

  remove(id: string): boolean {
    const before = this.rules.length;
    this.rules = this.rules.filter((r) => r.id !== id);
    return this.rules.length !== before;
  }

  clear(): void {
    this.rules = [];
  }

  list(): readonly ActiveFault[] {
    return this.rules;
  }

  /**
   * Applies every rule that matches this request, in the order they were added, and counts their hits (rules with
   * `times` wear out). Latencies add up; the first matching rule that answers (a status or a malformed body) answers,
   * and a later answering rule is not used for this request, so it does not count a hit. So "latency 800 ms" and
   * "next query: 429" both apply to the next query, and then the latency goes on alone.
   */
  take(method: string, path: string): AppliedFaults | undefined {
    let latencyMs = 0;
    let answer: ActiveFault | undefined;
    const applied: ActiveFault[] = [];
    for (const rule of this.rules) {
      if (rule.method && rule.method.toUpperCase() !== method) continue;
      if (rule.path && !faultPathMatches(rule.path, path)) continue;
      const answers = rule.status !== undefined || rule.malformedBody === true;
      if (answers) {
        if (answer) continue; // a rule applies whole or not at all: this one waits for the next request
        answer = rule;
      }
      latencyMs += rule.latencyMs ?? 0;
      applied.push(rule);
    }
    if (applied.length === 0) return undefined;
    for (const rule of applied) {
      rule.hits++;
      if (rule.times !== undefined && rule.hits >= rule.times) this.remove(rule.id);
    }
    return {
      rules: applied,
      ...(latencyMs > 0 ? { latencyMs: Math.min(latencyMs, MAX_TOTAL_LATENCY_MS) } : {}),
      ...(answer?.status !== undefined ? { status: answer.status } : answer?.malformedBody ? { malformedBody: true } : {}),
    };
  }

  static bodyFor(status: number): Record<string, unknown> {
    if (status >= 500) return { message: '', details: {} };
    const known = STATUS_BODIES[status] ?? { message: `Injected fault: status ${status}.`, code: String(status) };
    return { message: known.message, details: { applicationError: { code: known.code, description: known.message, data: { injected: true } } } };
  }
}
