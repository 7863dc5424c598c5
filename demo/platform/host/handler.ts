import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errors, WixApiError } from '../errors.ts';
import { FaultInjector } from '../faults/faults.ts';
import { resolveCaller, type Caller } from '../identity/callers.ts';
import type { PlatformServices } from '../services.ts';
import { redact } from './redact.ts';
import type { RequestLog } from './request-log.ts';
import { RawResponse, type RequestContext, type Router } from './router.ts';

export const DEFAULT_MAX_BODY_BYTES = 4 * 1024 * 1024;

/** Paths the platform owns. Everything else falls through to the dev server (Vite) or 404s. */
export const PLATFORM_PATH_PREFIXES = ['/_api/', '/wix-data/', '/oauth2/', '/oauth/', '/iam/', '/redirects-api/', '/headless/', '/_platform/', '/_functions/', '/_functions-dev/', '/_webMethods/'];

const ALLOWED_HEADERS = 'authorization, content-type, x-wix-bi-gateway, x-wix-linguist, x-wix-consistent, wix-site-id, wix-account-id, x-wix-client-artifact-id, commonconfig';

export interface HandlerOptions {
  maxBodyBytes: number;
  /** Serve the `/_platform/*` control endpoints (faults, clock, request log). On for local use. */
  controlRoutes: boolean;
  controlRouter: Router;
  log: RequestLog;
  onError?: (message: string) => void;
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      req.resume();
      reject(new BodyTooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

/** GET requests carry their payload as `.r` (base64url JSON) or as flat query parameters (reference §2.2). */
function bodyFromQuery(query: URLSearchParams): unknown {
  const encoded = query.get('.r');
  if (encoded !== null) {
    try {
      return JSON.parse(Buffer.from(encoded, 'base64url').toString('utf8')) as unknown;
    } catch {
      throw errors.badRequest('The .r query parameter is not valid base64url JSON.', 'WDE0080');
    }
  }
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key);
    out[key] = key === 'fields' ? all : all[0]!;
  }
  return out;
}

function parseBodyBuffer(raw: Buffer, contentType: string | undefined, path: string): unknown {
  // HTTP functions read their body themselves (json(), text(), buffer()), so it stays text.
  if (path.startsWith('/_functions')) return raw.toString('utf8');
  if (raw.length === 0) return {};
  const text = raw.toString('utf8');
  if (contentType?.includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(text));
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw errors.badRequest('The request body is not valid JSON.', 'WDE0080');
  }
}

function send(res: ServerResponse, status: number, body: string, headers: Record<string, string>): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-length': Buffer.byteLength(body), ...headers });
  res.end(body);
}

/**
 * Builds the Node request handler: CORS, faults, body decoding, routing, Wix error bodies, the request log.
 * `next` (Vite's connect middleware) receives every path the platform does not own.
 */
export function createHandler(services: PlatformServices, router: Router, options: HandlerOptions) {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  return async function handle(req: IncomingMessage, res: ServerResponse, next?: () => void): Promise<void> {
    const started = performance.now();
    const url = new URL(req.url ?? '/', 'https://platform.invalid');
    const path = url.pathname;
    if (next && !PLATFORM_PATH_PREFIXES.some((p) => path.startsWith(p))) return next();

    const method = (req.method ?? 'GET').toUpperCase();
    const requestId = randomUUID();
    const cors: Record<string, string> = {
      'access-control-allow-origin': typeof req.headers.origin === 'string' ? req.headers.origin : '*',
      'access-control-allow-headers': ALLOWED_HEADERS,
      'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
      'access-control-expose-headers': 'x-wix-request-id',
      'access-control-max-age': '600',
      vary: 'origin',
    };
    if (method === 'OPTIONS') return send(res, 204, '', cors);

    const isControl = path.startsWith('/_platform/');
    if (isControl && !options.controlRoutes) return send(res, 404, '{}', { ...cors, 'content-type': 'application/json' });

    let caller: Caller | undefined;
    let status = 500;
    let faultNote: string | undefined;
    let grant: string | undefined;
    const headers = { ...cors, 'x-wix-request-id': requestId };
    try {
      const fault = isControl ? undefined : services.faults.take(method, path);
      if (fault?.latencyMs) {
        faultNote = `latency ${fault.latencyMs}ms`;
        await sleep(fault.latencyMs);
      }
      if (fault?.status !== undefined) {
        faultNote = `status ${fault.status}`;
        status = fault.status;
        req.resume();
        return send(res, status, JSON.stringify(FaultInjector.bodyFor(status)), { ...headers, 'content-type': 'application/json' });
      }
      if (fault?.malformedBody) {
        faultNote = 'malformed body';
        status = 200;
        req.resume();
        return send(res, 200, '{"dataItems":[{"id":"trunc', { ...headers, 'content-type': 'application/json' });
      }

      let body: unknown;
      if ((method === 'GET' || method === 'DELETE') && !path.startsWith('/_functions')) {
        req.resume();
        body = bodyFromQuery(url.searchParams);
      } else {
        try {
          body = parseBodyBuffer(await readBody(req, options.maxBodyBytes), req.headers['content-type'], path);
        } catch (error) {
          if (error instanceof BodyTooLarge) throw errors.payloadTooLarge(options.maxBodyBytes);
          throw error;
        }
      }
      if (path === '/oauth2/token' && body && typeof body === 'object') {
        const b = body as Record<string, unknown>;
        grant = String(b['grantType'] ?? b['grant_type'] ?? '');
      }

      const match = (isControl ? options.controlRouter : router).match(method, path);
      if (match === undefined) throw errors.notFound(`No API at ${method} ${path}.`);
      if (match === 'method-not-allowed') throw new WixApiError(405, `${method} is not allowed on ${path}.`, { code: 'METHOD_NOT_ALLOWED' });

      let callerPromise: Promise<Caller> | undefined;
      const ctx: RequestContext = {
        method,
        path,
        query: url.searchParams,
        headers: req.headers,
        body,
        params: match.params,
        origin: `https://${req.headers.host ?? (req.headers[':authority'] as string | undefined) ?? 'localhost'}`,
        caller: () =>
          (callerPromise ??= resolveCaller(req.headers, services).then((c) => {
            caller = c;
            return c;
          })),
      };
      const result = await match.handler(ctx);
      if (result instanceof RawResponse) {
        status = result.status;
        return send(res, result.status, result.body, { ...headers, ...result.headers });
      }
      status = 200;
      return send(res, 200, JSON.stringify(result ?? {}), { ...headers, 'content-type': 'application/json' });
    } catch (error) {
      if (error instanceof WixApiError) {
        status = error.status;
        return send(res, status, JSON.stringify(error.toBody()), { ...headers, 'content-type': 'application/json' });
      }
      status = 500;
      options.onError?.(redact(`[wix-local] ${method} ${path} failed: ${(error as Error).stack ?? String(error)}`));
      return send(res, 500, JSON.stringify({ message: '', details: {} }), { ...headers, 'content-type': 'application/json' });
    } finally {
      if (!isControl) {
        options.log.add({
          time: new Date(services.clock.now()).toISOString(),
          method,
          path,
          status,
          role: caller?.kind ?? 'none',
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          ...(grant ? { grant } : {}),
          ...(faultNote ? { fault: faultNote } : {}),
        });
      }
    }
  };
}
