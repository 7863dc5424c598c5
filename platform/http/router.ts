import type { IncomingHttpHeaders } from 'node:http';
import type { Caller } from '../identity/callers.ts';

/** What a handler sees of one request. */
export interface RequestContext {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  /** JSON body, the decoded `.r` of a GET, or form fields. */
  body: unknown;
  params: Record<string, string>;
  /** The platform's own origin as the client reached it, for URLs the platform hands out. */
  origin: string;
  /** The client's address (the socket's; 127.0.0.1 for the platform's own in-process calls). */
  remoteAddress?: string | undefined;
  /** Records a warning (not an error) in this request's log entry, e.g. a value stored that its field's type does not match. */
  warn?: (message: string) => void;
  /** Resolves (once) who is calling; throws 401/403 as Wix does. */
  caller(): Promise<Caller>;
}

/** A non-JSON answer: HTML pages and redirects (and JSON a route wrote as bytes itself: data/items.ts queryJson). */
export class RawResponse {
  constructor(
    readonly status: number,
    readonly body: string | Uint8Array,
    readonly headers: Record<string, string> = {},
  ) {}
}

export type Handler = (ctx: RequestContext) => Promise<unknown> | unknown;

/** Per-route settings the host applies before the handler runs. */
export interface RouteOptions {
  /** Largest body this route reads (below the platform's own limit): 413 above it, before any parsing. */
  maxBodyBytes?: number;
}

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
  options: RouteOptions;
}

export interface RouteMatch {
  handler: Handler;
  params: Record<string, string>;
  options: RouteOptions;
}

/** A small exact-segment router: `:name` captures one segment, a final `*name` captures the rest (raw). */
export class Router {
  private readonly routes: Route[] = [];

  add(method: string, pattern: string, handler: Handler, options: RouteOptions = {}): this {
    this.routes.push({ method, segments: pattern.split('/').filter(Boolean), handler, options });
    return this;
  }

  /** Registers the same routes under several path prefixes (Wix serves data under two). */
  addUnder(prefixes: readonly string[], method: string, pattern: string, handler: Handler, options: RouteOptions = {}): this {
    for (const prefix of prefixes) this.add(method, prefix + pattern, handler, options);
    return this;
  }

  match(method: string, path: string): RouteMatch | 'method-not-allowed' | undefined {
    const parts = path.split('/').filter(Boolean);
    let pathMatched = false;
    // Routes are tried in registration order, so `/items/query` wins over `/items/:id`.
    for (const route of this.routes) {
      const last = route.segments[route.segments.length - 1];
      const rest = last?.startsWith('*') ? last.slice(1) : undefined;
      if (rest === undefined ? route.segments.length !== parts.length : parts.length < route.segments.length) continue;
      const params: Record<string, string> = {};
      // safe-lookup: the key is a parameter name from a route pattern in code
      if (rest !== undefined) params[rest] = parts.slice(route.segments.length - 1).join('/');
      const ok = route.segments.every((seg, i) => {
        if (seg.startsWith('*')) return true;
        const part = parts[i]!;
        if (seg.startsWith(':')) {
          // safe-lookup: the key is a parameter name from a route pattern in code
          params[seg.slice(1)] = part;
          return true;
        }
        return seg === part;
      });
      if (!ok) continue;
      pathMatched = true;
      if (route.method === method) return { handler: route.handler, params, options: route.options };
    }
    return pathMatched ? 'method-not-allowed' : undefined;
  }
}
