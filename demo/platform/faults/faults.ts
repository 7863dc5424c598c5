import { randomUUID } from 'node:crypto';

/** A fault applies to requests whose method and path match, optionally only a number of times. */
export interface FaultRule {
  /** HTTP method to match; any when absent. */
  method?: string;
  /** Path prefix (e.g. '/_api/cloud-data/v2/items') or, starting with '^', a regular expression. */
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
    if (rule.path?.startsWith('^')) new RegExp(rule.path); // fail early on a bad pattern
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

  /** Finds the first rule for this request and counts the hit (rules with `times` wear out). */
  take(method: string, path: string): ActiveFault | undefined {
    const rule = this.rules.find((r) => {
      if (r.method && r.method.toUpperCase() !== method) return false;
      if (!r.path) return true;
      return r.path.startsWith('^') ? new RegExp(r.path).test(path) : path.startsWith(r.path);
    });
    if (!rule) return undefined;
    rule.hits++;
    if (rule.times !== undefined && rule.hits >= rule.times) this.remove(rule.id);
    return rule;
  }

  static bodyFor(status: number): Record<string, unknown> {
    if (status >= 500) return { message: '', details: {} };
    const known = STATUS_BODIES[status] ?? { message: `Injected fault: status ${status}.`, code: String(status) };
    return { message: known.message, details: { applicationError: { code: known.code, description: known.message, data: { injected: true } } } };
  }
}
