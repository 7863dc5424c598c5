import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingHttpHeaders } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { Readable } from 'node:stream';
import type { PlatformHandle, PlatformRequest, PlatformResponse } from './handler.ts';

/** The hosts the official SDK calls (the package's shared list). Production code keeps these URLs; only this routing changes where they land. */
import { WIX_API_HOSTS } from '../../elements/core/shared/hosts.ts';
export { WIX_API_HOSTS };

export interface RoutingTarget {
  /** The platform's URL, e.g. https://localhost:43123 */
  url: string;
  /** PEM of the platform's certificate, trusted for these requests only. */
  ca: string;
}

type FetchFn = typeof globalThis.fetch;
/** Answers one wixapis.com request (method, URL with the Wix host, headers, body). */
type Send = (url: URL, method: string, headers: Headers, body: Buffer | undefined) => Promise<Response>;
/** A platform that answers wixapis.com requests in-process. */
export type WixApiDispatch = (request: Request) => Promise<Response>;

const isWixApiHost = (hostname: string) => (WIX_API_HOSTS as readonly string[]).includes(hostname);

/** The URL a fetch call targets, without constructing a Request (which would take a Request input's body). */
function targetOf(input: Parameters<FetchFn>[0]): URL | undefined {
  try {
    return new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url);
  } catch {
    return undefined;
  }
}

// On globalThis, like the Velo call context: Vite's config bundle and the tsx-loaded modules may hold two copies
// of this file, and both must see the platform that started the backend call.
const KEY = Symbol.for('wix-session-elements.platform-routing');
const CONTEXT_AWARE = Symbol.for('wix-session-elements.platform-routing.fetch');
const holder = globalThis as unknown as Record<symbol, AsyncLocalStorage<WixApiDispatch> | undefined>;
/** The platform whose backend call is running: its Wix API calls go to it, whatever fetch routing is installed. */
export const platformRouting: AsyncLocalStorage<WixApiDispatch> = (holder[KEY] ??= new AsyncLocalStorage<WixApiDispatch>());

/**
 * Sends one request to the platform over node:https, trusting only the platform's certificate.
 * The Host header keeps the Wix host, so the platform answers exactly as wixapis.com would.
 */
function forward(target: URL, ca: string, original: URL, method: string, headers: Headers, body: Buffer | undefined): Promise<Response> {
  return new Promise((resolvePromise, reject) => {
    const outgoing: Record<string, string> = {};
    headers.forEach((value, key) => {
      // safe-lookup: keys are header names of a request this process sends; the value is a string, which a __proto__ setter ignores
      outgoing[key] = value;
    });
    outgoing['host'] = original.host;
    if (body) outgoing['content-length'] = String(body.length);
    const req = httpsRequest(
      {
        host: target.hostname === 'localhost' ? '127.0.0.1' : target.hostname,
        port: target.port,
        servername: 'localhost',
        path: original.pathname + original.search,
        method,
        headers: outgoing,
        ca,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const responseHeaders = new Headers();
          for (const [k, v] of Object.entries(res.headers)) {
            if (v !== undefined) responseHeaders.set(k, Array.isArray(v) ? v.join(', ') : v);
          }
          const status = res.statusCode ?? 500;
          const payload = status === 204 || status === 304 ? null : Buffer.concat(chunks);
          resolvePromise(new Response(payload, { status, statusText: res.statusMessage ?? '', headers: responseHeaders }));
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    if (body) req.write(body);
    req.end();
  });
}

/** A wixapis.com request through `send`, following redirects within the routed hosts unless the caller asked to see them. */
async function sendRouted(request: Request, url: URL, send: Send, original: FetchFn): Promise<Response> {
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : Buffer.from(await request.arrayBuffer());
  let response = await send(url, request.method, request.headers, body && body.length ? body : undefined);
  for (let hops = 0; hops < 5 && request.redirect === 'follow' && [301, 302, 303, 307, 308].includes(response.status); hops++) {
    const location = response.headers.get('location');
    if (!location) break;
    const next = new URL(location, url);
    if (!isWixApiHost(next.hostname)) return original(next, { method: 'GET' });
    response = await send(next, 'GET', new Headers(), undefined);
  }
  return response;
}

/** The request and response objects the handler needs, in memory: no socket, no TLS, nothing leaves the process. */
class CollectedResponse implements PlatformResponse {
  headersSent = false;
  status = 500;
  headers = new Headers();
  body: string | Uint8Array = '';
  private done!: () => void;
  readonly finished = new Promise<void>((r) => (this.done = r));
  writeHead(status: number, headers: Record<string, string | number>): this {
    this.headersSent = true;
    this.status = status;
    for (const [k, v] of Object.entries(headers)) this.headers.set(k, String(v));
    return this;
  }
  end(body: string | Uint8Array = ''): this {
    this.body = body;
    this.done();
    return this;
  }
  destroy(): void {
    this.done();
  }
}

/** Runs one request through a platform's handler in-process and returns the answer as a fetch Response. */
export function inProcessSend(handle: PlatformHandle): Send {
  return async (url, method, headers, body) => {
    const incoming: IncomingHttpHeaders = {};
    const rawHeaders: string[] = [];
    headers.forEach((value, key) => {
      // safe-lookup: keys are header names of a request this process sends; the value is a string, which a __proto__ setter ignores
      incoming[key] = value;
      rawHeaders.push(key, value);
    });
    incoming.host = url.host;
    if (body) incoming['content-length'] = String(body.length);
    const req = Object.assign(Readable.from(body ? [body] : []), {
      url: url.pathname + url.search,
      method,
      headers: incoming,
      rawHeaders,
      socket: { remoteAddress: '127.0.0.1' },
    }) as PlatformRequest;
    const res = new CollectedResponse();
    await handle(req, res);
    await res.finished;
    // The handler writes UTF-8 bytes (a Buffer over a plain ArrayBuffer), which Response takes as they are.
    const payload = res.status === 204 || res.status === 304 ? null : (res.body as string | Uint8Array<ArrayBuffer>);
    return new Response(payload, { status: res.status, headers: res.headers });
  };
}

/** The wixapis.com dispatch of one platform: every call is answered by its handler, in-process. */
export function inProcessDispatch(handle: PlatformHandle): WixApiDispatch {
  const send = inProcessSend(handle);
  return (request) => sendRouted(request, new URL(request.url), send, globalThis.fetch);
}

// Hosts (host:port) besides www/edge.wixapis.com that a backend call reaches in-process; on globalThis, like the context.
const OWN_HOSTS = Symbol.for('wix-session-elements.platform-routing.own-hosts');
const ownHosts: Set<string> = ((globalThis as unknown as Record<symbol, Set<string> | undefined>)[OWN_HOSTS] ??= new Set<string>());

/**
 * Inside a backend call, requests to `origin` are answered by the platform in-process too, like www.wixapis.com: the
 * platform's own public origin under the dev server, which is the OAuth issuer there (the backend derives its token,
 * revoke and token-info endpoints from it) and whose certificate Node does not trust.
 */
export function routeOwnOrigin(origin: string): void {
  ownHosts.add(new URL(origin).host);
}

/**
 * Makes `globalThis.fetch` consult the platform context (once per process; again if someone replaced fetch with
 * a function that does not). Inside a platform's backend call, www/edge.wixapis.com (and any origin given to
 * routeOwnOrigin) go to that platform; anything else, and any call outside a backend call, goes on to the fetch
 * underneath unchanged.
 */
export function ensurePlatformRouting(): void {
  const current = globalThis.fetch as FetchFn & { [CONTEXT_AWARE]?: true };
  if (current[CONTEXT_AWARE]) return;
  const routed = Object.assign(
    async (input: Parameters<FetchFn>[0], init?: Parameters<FetchFn>[1]): Promise<Response> => {
      const dispatch = platformRouting.getStore();
      const target = dispatch ? targetOf(input) : undefined;
      if (dispatch && target && (isWixApiHost(target.hostname) || ownHosts.has(target.host))) return dispatch(new Request(input, init));
      return current(input, init);
    },
    { [CONTEXT_AWARE]: true as const },
  );
  globalThis.fetch = routed as FetchFn;
}

/**
 * Runs `body` as a call of the platform behind `dispatch`: the Wix API calls it makes (the backend's ApiKeyStrategy,
 * wix-data, the SDK's token endpoints) are answered by that platform, by construction, however it was started.
 * Several platforms in one process never mix: each call carries its own.
 */
export function runWithinPlatform<T>(dispatch: WixApiDispatch, body: () => T): T {
  ensurePlatformRouting();
  return platformRouting.run(dispatch, body);
}

/**
 * Routes `https://www.wixapis.com/*` and `https://edge.wixapis.com/*` to a running local platform by
 * wrapping `globalThis.fetch` (the SDK's token endpoints use the global fetch; reference §5), like
 * Firebase's *_EMULATOR_HOST. Other URLs pass through untouched. For code outside any backend call (tests,
 * scripts); a backend call inside a platform still goes to its own platform. Returns a function that undoes it.
 */
export function routeWixApisTo(target: RoutingTarget): () => void {
  const original: FetchFn = globalThis.fetch;
  const platformUrl = new URL(target.url);
  const send: Send = (url, method, headers, body) => forward(platformUrl, target.ca, url, method, headers, body);

  const routed = Object.assign(
    async (input: Parameters<FetchFn>[0], init?: Parameters<FetchFn>[1]): Promise<Response> => {
      const target = targetOf(input);
      const dispatch = platformRouting.getStore();
      if (dispatch && target && ownHosts.has(target.host)) return dispatch(new Request(input, init));
      if (!target || !isWixApiHost(target.hostname)) return original(input, init);
      const request = new Request(input, init);
      if (dispatch) return dispatch(request);
      return sendRouted(request, new URL(request.url), send, original);
    },
    { [CONTEXT_AWARE]: true as const },
  ) as FetchFn;
  globalThis.fetch = routed;
  return () => {
    if (globalThis.fetch === routed) globalThis.fetch = original;
  };
}
