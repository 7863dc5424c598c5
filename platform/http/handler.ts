import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { Readable } from 'node:stream';
import { errors, WixApiError } from '../errors.ts';
import { dataOperationKind, type DataQuotas } from '../data/quotas.ts';
import { FaultInjector } from '../faults/faults.ts';
import { resolveCaller, type Caller } from '../identity/callers.ts';
import type { PlatformServices } from '../services.ts';
import { HOST_LIMITS } from './limits.ts';
import { redact } from './redact.ts';
import { callerFields, type RequestLog } from './request-log.ts';
import { RawResponse, type RequestContext, type Router } from './router.ts';

export const DEFAULT_MAX_BODY_BYTES = HOST_LIMITS.maxBodyBytes;

/** Paths the platform owns. Everything else falls through to the dev server (Vite) or 404s. */
export const PLATFORM_PATH_PREFIXES = [
  '/_api/',
  '/wix-data/',
  '/oauth2/',
  '/oauth/',
  '/iam/',
  '/redirects-api/',
  '/headless/',
  '/_platform/',
  '/_functions/',
  '/_functions-dev/',
  '/_webMethods/',
];

/** The control routes' prefix: the developer's alone (no CORS, JSON only, the per-run secret). */
export const CONTROL_PREFIX = '/_platform/';
/** The header that carries the per-run control secret on every `/_platform/*` request. */
export const CONTROL_SECRET_HEADER = 'x-wix-local-control-secret';

const ALLOWED_HEADERS =
  'authorization, content-type, x-wix-bi-gateway, x-wix-linguist, x-wix-consistent, wix-site-id, wix-account-id, x-wix-client-artifact-id, commonconfig';

/** What the handler reads of a request: a Node IncomingMessage, or the in-process one of node-routing.ts. */
export interface PlatformRequest extends Readable {
  url?: string | undefined;
  method?: string | undefined;
  headers: IncomingHttpHeaders;
  rawHeaders?: string[];
  socket?: { remoteAddress?: string | undefined } | null;
}

/** What the handler writes to: a Node ServerResponse, or the in-process collector of node-routing.ts. */
export interface PlatformResponse {
  readonly headersSent: boolean;
  writeHead(status: number, headers: Record<string, string | number>): unknown;
  end(body?: string | Uint8Array): unknown;
  destroy?(error?: Error): unknown;
}

export type PlatformHandle = (req: PlatformRequest, res: PlatformResponse, next?: () => void) => Promise<void>;

/** Warnings one request may log (ctx.warn), and the characters of each. */
const MAX_WARNINGS = 20;
const MAX_WARNING_LENGTH = 300;

export interface HandlerOptions {
  maxBodyBytes: number;
  /** Longest request target; 414 above. */
  maxUrlBytes?: number;
  /** Most header fields; 431 above. */
  maxHeaderCount?: number;
  /** Serve the `/_platform/*` control endpoints (faults, clock, request log). On for local use. */
  controlRoutes: boolean;
  /** Required, in the CONTROL_SECRET_HEADER header, on every control request. */
  controlSecret: string;
  controlRouter: Router;
  log: RequestLog;
  /** Wix Data's quotas and time limit (off unless configured). */
  dataQuotas?: DataQuotas;
  onError?: (message: string) => void;
}

class BodyTooLarge extends Error {}

/** A request's body, refused (with `tooLarge()`) as soon as its declared or received size passes `limit`. */
export function readBody(req: PlatformRequest, limit: number, tooLarge: () => Error = () => new BodyTooLarge()): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > limit) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.resume();
        reject(tooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

const STRICT_UTF8 = new TextDecoder('utf-8', { fatal: true });
/** A `\uD800`–`\uDFFF` escape: the only way a JSON text that is valid UTF-8 can hold a lone surrogate. */
const SURROGATE_ESCAPE = /\\u[dD][89a-fA-F]/;
/** A UTF-16 surrogate that is not half of a pair (with the `u` flag, a pair reads as one code point, not Cs). */
const LONE_SURROGATE = /\p{Cs}/u;
const BASE64URL = /^[A-Za-z0-9_-]*={0,2}$/;

/** Whether any key or string in a parsed JSON value holds a lone surrogate (iterative: the nesting depth is the client's). */
function holdsLoneSurrogate(root: unknown): boolean {
  const stack = [root];
  while (stack.length) {
    const value = stack.pop();
    if (typeof value === 'string') {
      if (LONE_SURROGATE.test(value)) return true;
    } else if (value && typeof value === 'object') {
      for (const [key, inner] of Object.entries(value)) {
        if (LONE_SURROGATE.test(key)) return true;
        stack.push(inner);
      }
    }
  }
  return false;
}

/**
 * JSON as Wix's gateway reads it for its APIs: UTF-8 that decodes without a replacement character, and strings that
 * are valid Unicode (protobuf strings). Lenient decoding stored invalid bytes as U+FFFD, and an item ID of "\ud800"
 * came back as "\ufffd\ufffd\ufffd", an item no ID could reach. A Velo web method's arguments are read by Node on
 * Wix too (`lenient`): the method gets what `JSON.parse` gives and checks it itself.
 */
export function parseJson(bytes: Uint8Array, what: string, lenient = false, code = 'WDE0080'): unknown {
  let text: string;
  let value: unknown;
  try {
    text = lenient ? Buffer.from(bytes).toString('utf8') : STRICT_UTF8.decode(bytes);
  } catch {
    throw errors.badRequest(`${what} is not valid UTF-8.`, code);
  }
  try {
    value = JSON.parse(text) as unknown;
  } catch {
    throw errors.badRequest(`${what} is not valid JSON.`, code);
  }
  if (!lenient && SURROGATE_ESCAPE.test(text) && holdsLoneSurrogate(value))
    throw errors.badRequest(`${what} has a string that is not valid Unicode (a lone surrogate).`, code);
  return value;
}

/**
 * GET requests carry their payload as `.r` (base64url JSON) or as flat query parameters (reference §2.2). A parameter
 * given more than once is a list (`fields`, `fieldsets`): a route that takes one value refuses it, naming the field
 * (the first value used to win silently). Two `.r` payloads are refused outright.
 */
function bodyFromQuery(query: URLSearchParams): unknown {
  const encoded = query.getAll('.r');
  if (encoded.length > 1) throw errors.badRequest('The .r query parameter is given more than once.', 'WDE0080');
  if (encoded[0] !== undefined) {
    // Node's base64url decoder skips characters outside the alphabet; Wix's does not.
    if (!BASE64URL.test(encoded[0])) throw errors.badRequest('The .r query parameter is not valid base64url JSON.', 'WDE0080');
    return parseJson(Buffer.from(encoded[0], 'base64url'), 'The .r query parameter');
  }
  const out: Record<string, string | string[]> = Object.create(null) as Record<string, string | string[]>;
  for (const key of new Set(query.keys())) {
    const all = query.getAll(key);
    out[key] = key === 'fields' || all.length > 1 ? all : all[0]!;
  }
  return out;
}

function parseBodyBuffer(raw: Buffer, contentType: string | undefined, path: string): unknown {
  // HTTP functions read their body themselves (json(), text(), buffer()), so it stays text.
  if (path.startsWith('/_functions')) return raw.toString('utf8');
  if (raw.length === 0) return {};
  if (contentType?.includes('application/x-www-form-urlencoded')) {
    const form = Object.create(null) as Record<string, string>;
    for (const [key, value] of new URLSearchParams(raw.toString('utf8'))) form[key] = value;
    return form;
  }
  return parseJson(raw, 'The request body', path.startsWith('/_webMethods/'));
}

function send(res: PlatformResponse, status: number, body: string | Uint8Array, headers: Record<string, string>): void {
  if (res.headersSent) return;
  // Encoded once: measuring the string and then writing it would convert a page of items to UTF-8 twice.
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  res.writeHead(status, { 'content-length': bytes.length, ...headers });
  res.end(bytes);
}

/** Percent signs not followed by two hex digits: decodeURIComponent would throw on them further in. */
const MALFORMED_PERCENT = /%(?![0-9A-Fa-f]{2})/;

/** The request target as path and query, without `new URL` (which throws on `//`, `/\` and friends). */
function splitTarget(target: string): { path: string; search: string } | undefined {
  // Origin-form only (RFC 9112 §3.2.1). Absolute-form ('https://host/x'), authority-form and '*' are not ours.
  if (!target.startsWith('/')) return undefined;
  const q = target.indexOf('?');
  const hash = target.indexOf('#');
  const end = hash === -1 ? target.length : hash;
  return q === -1 || q > end ? { path: target.slice(0, end), search: '' } : { path: target.slice(0, q), search: target.slice(q + 1, end) };
}

/** Constant-time comparison of the given control secret with the expected one (hashes first: equal lengths). */
export function controlSecretMatches(given: string, expected: string): boolean {
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b) && given.length === expected.length;
}

const JSON_HEADERS = { 'content-type': 'application/json' } as const;

/** The body of an unexpected error: Wix's shape, typed, with the request id to find the log line by. */
export function internalErrorBody(requestId: string): Record<string, unknown> {
  const description = `Internal server error (request id ${requestId}). The platform's log has the details.`;
  return { message: description, details: { applicationError: { code: 'INTERNAL', description, data: { requestId } } } };
}

/**
 * Builds the Node request handler: CORS, faults, body decoding, routing, Wix error bodies, the request log.
 * `next` (Vite's connect middleware) receives every path the platform does not own.
 *
 * One error boundary holds everything a request does (target parsing, fault matching, the handler, logging), and
 * the returned function never rejects: a caller may `void` it. An unexpected error is a typed 500 with the
 * request id (body and `x-wix-request-id`), logged once, redacted; the server keeps serving.
 */
export function createHandler(services: PlatformServices, router: Router, options: HandlerOptions): PlatformHandle {
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const maxUrlBytes = options.maxUrlBytes ?? HOST_LIMITS.maxUrlBytes;
  const maxHeaderCount = options.maxHeaderCount ?? HOST_LIMITS.maxHeaderCount;
  const reportError = (requestId: string, method: string, path: string, error: unknown) => {
    try {
      options.onError?.(redact(`[wix-local] ${method} ${path.slice(0, 200)} failed (request id ${requestId}): ${(error as Error)?.stack ?? String(error)}`));
    } catch {
      // A throwing logger must not take the request (or the process) with it.
    }
  };

  async function handleRequest(req: PlatformRequest, res: PlatformResponse, requestId: string, next?: () => void): Promise<void> {
    const started = performance.now();
    const target = req.url ?? '/';
    const split = splitTarget(target);
    const path = split?.path ?? '';
    const owned = PLATFORM_PATH_PREFIXES.some((p) => path.startsWith(p));
    if (next && !owned) return next();

    const method = (req.method ?? 'GET').toUpperCase();
    const isControl = path.startsWith(CONTROL_PREFIX);
    // The control routes get no CORS header at all: a page of another origin can neither read them nor preflight them.
    const cors: Record<string, string> = isControl
      ? {}
      : {
          'access-control-allow-origin': typeof req.headers.origin === 'string' ? req.headers.origin : '*',
          'access-control-allow-headers': ALLOWED_HEADERS,
          'access-control-allow-methods': 'GET, POST, PUT, PATCH, DELETE, OPTIONS',
          'access-control-expose-headers': 'x-wix-request-id',
          'access-control-max-age': '600',
          vary: 'origin',
        };
    const headers = { ...cors, 'x-wix-request-id': requestId };
    const fail = (error: WixApiError) => {
      req.resume();
      send(res, error.status, JSON.stringify(error.toBody()), { ...headers, ...JSON_HEADERS });
      return error.status;
    };

    // Checks on the request itself, before anything reads it.
    if (target.length > maxUrlBytes) {
      fail(new WixApiError(414, `The request target is longer than ${maxUrlBytes} bytes.`, { code: 'URI_TOO_LONG' }));
      return;
    }
    if (!split) {
      fail(errors.badRequest('The request target must be a path starting with "/".', 'INVALID_ARGUMENT'));
      return;
    }
    if (MALFORMED_PERCENT.test(split.path)) {
      fail(errors.badRequest('The request path has a malformed percent-encoding.', 'INVALID_ARGUMENT'));
      return;
    }
    if (req.rawHeaders && req.rawHeaders.length / 2 > maxHeaderCount) {
      fail(new WixApiError(431, `The request has more than ${maxHeaderCount} header fields.`, { code: 'REQUEST_HEADER_FIELDS_TOO_LARGE' }));
      return;
    }

    if (isControl) {
      if (!options.controlRoutes) {
        fail(errors.notFound(`No API at ${method} ${path}.`));
        return;
      }
      const given = req.headers[CONTROL_SECRET_HEADER];
      if (typeof given !== 'string' || given.length === 0) {
        fail(
          errors.unauthenticated(`The platform's control routes need the per-run control secret in the ${CONTROL_SECRET_HEADER} header (the CLI prints it).`),
        );
        return;
      }
      if (!controlSecretMatches(given, options.controlSecret)) {
        fail(errors.forbidden("The control secret is not this run's."));
        return;
      }
      if (method !== 'GET' && method !== 'HEAD' && !/^application\/json\s*(;|$)/i.test(req.headers['content-type'] ?? '')) {
        fail(new WixApiError(415, 'The control routes accept application/json bodies only.', { code: 'UNSUPPORTED_MEDIA_TYPE' }));
        return;
      }
    } else if (method === 'OPTIONS' && !path.startsWith('/_functions')) {
      return send(res, 204, '', cors);
    }

    let caller: Caller | undefined;
    let status = 500;
    let faultNote: string | undefined;
    let grant: string | undefined;
    // Warnings a handler reports (ctx.warn): at most MAX_WARNINGS per request, each clipped, kept in the request log.
    const warnings: string[] = [];
    const query = new URLSearchParams(split.search);
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
        return send(res, status, JSON.stringify(FaultInjector.bodyFor(status)), { ...headers, ...JSON_HEADERS });
      }
      if (fault?.malformedBody) {
        faultNote = 'malformed body';
        status = 200;
        req.resume();
        return send(res, 200, '{"dataItems":[{"id":"trunc', { ...headers, ...JSON_HEADERS });
      }

      // The route is known before the body is read: an unknown route reads nothing, and a route's own smaller
      // limit refuses an oversized body before it is parsed (parsing is the costly part).
      const match = (isControl ? options.controlRouter : router).match(method, path);
      if (match === undefined || match === 'method-not-allowed') {
        req.resume();
        if (match === undefined) throw errors.notFound(`No API at ${method} ${path.slice(0, 200)}.`);
        throw new WixApiError(405, `${method} is not allowed on ${path.slice(0, 200)}.`, { code: 'METHOD_NOT_ALLOWED' });
      }
      const bodyLimit = Math.min(options.maxBodyBytes, match.options.maxBodyBytes ?? Number.POSITIVE_INFINITY);

      let body: unknown;
      if ((method === 'GET' || method === 'DELETE') && !path.startsWith('/_functions')) {
        req.resume();
        body = bodyFromQuery(query);
      } else {
        try {
          body = parseBodyBuffer(await readBody(req, bodyLimit), req.headers['content-type'], path);
        } catch (error) {
          if (error instanceof BodyTooLarge) throw errors.payloadTooLarge(bodyLimit);
          throw error;
        }
      }
      if (path === '/oauth2/token' && body && typeof body === 'object') {
        const b = body as Record<string, unknown>;
        const g = (Object.hasOwn(b, 'grantType') ? b['grantType'] : Object.hasOwn(b, 'grant_type') ? b['grant_type'] : '') ?? '';
        grant = typeof g === 'string' ? g.slice(0, 64) : '';
      }

      // A data operation is counted against its site's quota once the caller (and so the site) is known, and it
      // must start within the time limit (a fault's latency counts). Both are no-ops unless quotas are configured.
      const dataKind = isControl ? undefined : dataOperationKind(method, path);
      const quotas = dataKind ? options.dataQuotas : undefined;
      let callerPromise: Promise<Caller> | undefined;
      const ctx: RequestContext = {
        method,
        path,
        query,
        headers: req.headers,
        body,
        params: match.params,
        origin: `https://${req.headers.host ?? (req.headers[':authority'] as string | undefined) ?? 'localhost'}`,
        remoteAddress: req.socket?.remoteAddress,
        warn: (message: string) => {
          if (warnings.length < MAX_WARNINGS) warnings.push(message.slice(0, MAX_WARNING_LENGTH));
          else if (warnings.length === MAX_WARNINGS) warnings.push('… more warnings not shown');
        },
        caller: () =>
          (callerPromise ??= resolveCaller(req.headers, services).then((c) => {
            caller = c;
            if (quotas) {
              quotas.checkTime(performance.now() - started);
              quotas.admit(c.siteId ?? services.siteId, dataKind!);
            }
            return c;
          })),
      };
      const result = await match.handler(ctx);
      // A read that ran past the limit is answered as Wix aborts it; a write has landed, so it is not denied after the fact.
      if (quotas && dataKind === 'read') quotas.checkTime(performance.now() - started);
      if (result instanceof RawResponse) {
        status = result.status;
        return send(res, result.status, result.body, { ...headers, ...result.headers });
      }
      status = 200;
      return send(res, 200, JSON.stringify(result ?? {}), { ...headers, ...JSON_HEADERS });
    } catch (error) {
      if (error instanceof WixApiError) {
        status = error.status;
        return send(res, status, JSON.stringify(error.toBody()), { ...headers, ...JSON_HEADERS });
      }
      status = 500;
      reportError(requestId, method, path, error);
      return send(res, 500, JSON.stringify(internalErrorBody(requestId)), { ...headers, ...JSON_HEADERS });
    } finally {
      if (!isControl) {
        options.log.add({
          time: new Date(services.clock.now()).toISOString(),
          method,
          path: path.slice(0, 500),
          status,
          role: caller?.kind ?? 'none',
          durationMs: Math.round((performance.now() - started) * 10) / 10,
          ...(grant ? { grant } : {}),
          ...(faultNote ? { fault: faultNote } : {}),
          ...(warnings.length ? { warnings } : {}),
          ...callerFields(caller, req.headers['user-agent'], req.socket?.remoteAddress),
        });
      }
    }
  }

  return async function handle(req, res, next) {
    const requestId = randomUUID();
    try {
      await handleRequest(req, res, requestId, next);
    } catch (error) {
      // The last line of defence: whatever escaped (the log, a fault rule, a throwing `next`) is one typed 500.
      reportError(requestId, String(req.method ?? '?'), String(req.url ?? '?'), error);
      try {
        if (!res.headersSent) {
          send(res, 500, JSON.stringify(internalErrorBody(requestId)), { ...JSON_HEADERS, 'x-wix-request-id': requestId });
        } else {
          res.destroy?.();
        }
      } catch {
        // The socket is gone; nothing left to answer.
      }
    }
  };
}
