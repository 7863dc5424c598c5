/**
 * fetch for the dashboard's own origin from Node: Node's resolver does not map `dashboard.localhost` to loopback
 * (browsers and curl do), so the request goes to the platform's socket with that Host and TLS name, checking the
 * certificate against it, as a browser does.
 */
import { request as httpsRequest } from 'node:https';
import { DASHBOARD_HOST } from '../../platform/index.ts';

export type DashboardFetch = (path: string, init?: { method?: string; headers?: Record<string, string>; body?: string | Uint8Array }) => Promise<Response>;

export function dashboardFetch(platform: { port: number; ca: string }, host = `${DASHBOARD_HOST}:${platform.port}`): DashboardFetch {
  return (path, init = {}) =>
    new Promise((resolve, reject) => {
      const body = init.body === undefined ? undefined : Buffer.from(init.body);
      const req = httpsRequest(
        {
          host: '127.0.0.1',
          port: platform.port,
          servername: DASHBOARD_HOST,
          ca: platform.ca,
          path,
          method: init.method ?? (body ? 'POST' : 'GET'),
          headers: { host, ...(body ? { 'content-length': String(body.length) } : {}), ...init.headers },
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            const headers = new Headers();
            for (const [k, v] of Object.entries(res.headers)) if (v !== undefined) for (const one of [v].flat()) headers.append(k, one);
            const status = res.statusCode ?? 0;
            resolve(new Response(status === 204 || status === 304 ? null : Buffer.concat(chunks), { status, headers }));
          });
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(body);
    });
}
