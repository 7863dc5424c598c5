import { request as httpsRequest } from 'node:https';

/** The hosts the official SDK calls. Production code keeps these URLs; only this routing changes where they land. */
export const WIX_API_HOSTS = ['www.wixapis.com', 'edge.wixapis.com'] as const;

export interface RoutingTarget {
  /** The platform's URL, e.g. https://localhost:43123 */
  url: string;
  /** PEM of the platform's certificate, trusted for these requests only. */
  ca: string;
}

type FetchFn = typeof globalThis.fetch;

/**
 * Sends one request to the platform over node:https, trusting only the platform's certificate.
 * The Host header keeps the Wix host, so the platform answers exactly as wixapis.com would.
 */
function forward(target: URL, ca: string, original: URL, method: string, headers: Headers, body: Buffer | undefined): Promise<Response> {
  return new Promise((resolvePromise, reject) => {
    const outgoing: Record<string, string> = {};
    headers.forEach((value, key) => {
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

/**
 * Routes `https://www.wixapis.com/*` and `https://edge.wixapis.com/*` to a running local platform by
 * wrapping `globalThis.fetch` (the SDK's token endpoints use the global fetch; reference §5), like
 * Firebase's *_EMULATOR_HOST. Other URLs pass through untouched. Returns a function that undoes it.
 */
export function routeWixApisTo(target: RoutingTarget): () => void {
  const original: FetchFn = globalThis.fetch;
  const platformUrl = new URL(target.url);

  const routed: FetchFn = async (input, init) => {
    const request = new Request(input, init);
    const url = new URL(request.url);
    if (!(WIX_API_HOSTS as readonly string[]).includes(url.hostname)) return original(input, init);
    const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : Buffer.from(await request.arrayBuffer());
    let response = await forward(platformUrl, target.ca, url, request.method, request.headers, body && body.length ? body : undefined);
    // Follow redirects within the routed hosts unless the caller asked to see them.
    for (let hops = 0; hops < 5 && request.redirect === 'follow' && [301, 302, 303, 307, 308].includes(response.status); hops++) {
      const location = response.headers.get('location');
      if (!location) break;
      const next = new URL(location, url);
      if (!(WIX_API_HOSTS as readonly string[]).includes(next.hostname)) return original(next, { method: 'GET' });
      response = await forward(platformUrl, target.ca, next, 'GET', new Headers(), undefined);
    }
    return response;
  };
  globalThis.fetch = routed;
  return () => {
    if (globalThis.fetch === routed) globalThis.fetch = original;
  };
}
