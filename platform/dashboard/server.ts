import { createHash, randomBytes } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import * as v from 'valibot';
import { errors, WixApiError } from '../errors.ts';
import {
  parseJson,
  controlSecretMatches,
  CONTROL_SECRET_HEADER,
  internalErrorBody,
  type PlatformHandle,
  type PlatformRequest,
  readBody,
  type PlatformResponse,
} from '../http/handler.ts';
import { redact } from '../http/redact.ts';
import { RawResponse } from '../http/router.ts';
import { authGuard, Throttled, throttleClient } from '../identity/throttle.ts';
import { parseBody, strictPlainObject } from '../validation.ts';
import { createDashboardApi, type DashboardDeps } from './api.ts';
import { DashboardAssets } from './assets.ts';
import { UsageMonitor } from './monitor.ts';
import { DASHBOARD_SESSION_COOKIE } from '../http/site-headers.ts';

/** Where the dashboard lives: its page, its modules and its JSON API. The standalone platform also serves it at `/`. */
export const DASHBOARD_PREFIX = '/_dashboard';
/** The header every dashboard API call carries: a custom header, so a cross-origin page cannot send it without a preflight (never granted). */
export const DASHBOARD_HEADER = 'x-wix-local-dashboard';
/** The owner's dashboard session (HttpOnly, Secure, SameSite=Strict, host-only). */
export const SESSION_COOKIE = DASHBOARD_SESSION_COOKIE;

export const DASHBOARD_SESSION_LIMITS = {
  /** Open dashboard sessions at once (the oldest is dropped). */
  sessions: 32,
  /** Session lifetime (real time: moving the platform clock does not sign the owner out). */
  ttlMs: 12 * 3600_000,
  /** Largest dashboard API body. */
  bodyBytes: 16 * 1024,
} as const;

const SignIn = v.union([
  strictPlainObject({ email: v.pipe(v.string(), v.maxLength(320)), password: v.pipe(v.string(), v.maxLength(1000)) }),
  strictPlainObject({ controlSecret: v.pipe(v.string(), v.maxLength(512)) }),
]);

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  // safe-lookup: name is a header name literal at every call site
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

function cookieValue(headers: IncomingHttpHeaders, name: string): string | undefined {
  for (const part of (header(headers, 'cookie') ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

const sha = (value: string) => createHash('sha256').update(value).digest('base64url');

/** Headers on every dashboard answer: nothing cached, nothing framed, nothing shared with another origin. */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'cache-control': 'no-store',
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * The dashboard's own host name (any port): an origin of its own, as on Wix, where the dashboard never shares an
 * origin with a site. The site's pages and HTTP functions (HTML written by whoever wrote the backend) live on
 * `localhost`, which is another site to the browser, so their scripts cannot read or call the dashboard, and the
 * host-only session cookie is never sent to `localhost` (cookies ignore ports, host names they do not).
 * Chromium, Firefox and curl resolve `*.localhost` to loopback themselves (RFC 6761).
 */
export const DASHBOARD_HOST = 'dashboard.localhost';

/** The paths that are the dashboard's: its page, modules and API. */
const isDashboardPath = (path: string) => path === DASHBOARD_PREFIX || path.startsWith(`${DASHBOARD_PREFIX}/`);
/** The item browser's calls to the Data Items API (bearer act-as tokens, JSON only): the one platform API on the dashboard's origin. */
const ITEMS_API_PREFIX = '/_api/cloud-data/v2/items/';

/** The host name of a Host (or :authority) value, and its port ('' when none). */
function splitHost(host: string): { name: string; port: string } {
  const close = host.startsWith('[') ? host.indexOf(']') + 1 : 0;
  const colon = host.indexOf(':', close);
  return colon === -1 ? { name: host.toLowerCase(), port: '' } : { name: host.slice(0, colon).toLowerCase(), port: host.slice(colon + 1) };
}

/** Whether a Host (or :authority) value names the dashboard's origin: `dashboard.localhost`, with a port or none. */
export function isDashboardHost(host: string | undefined): boolean {
  if (host === undefined) return false;
  const { name, port } = splitHost(host);
  return name === DASHBOARD_HOST && /^\d{0,5}$/.test(port);
}

/** The dashboard's origin next to a site origin's Host (same port), e.g. https://dashboard.localhost:5173. */
export function dashboardOriginFor(host: string | undefined): string {
  const port = host === undefined ? '' : splitHost(host).port;
  return `https://${DASHBOARD_HOST}${/^\d{1,5}$/.test(port) ? `:${port}` : ''}`;
}

/**
 * Why a Host that is not the dashboard's may not even be sent on to it (a 421), or undefined for the loopback names
 * and IP literals a developer types, which are redirected to the dashboard's origin. A page of a domain that an
 * attacker re-points at 127.0.0.1 (DNS rebinding) names that domain in its Host and gets nothing.
 */
export function hostProblem(host: string | undefined): string | undefined {
  if (host === undefined) return undefined;
  const { name } = splitHost(host);
  const loopbackName = name === 'localhost' || name.endsWith('.localhost');
  const ipv4 = /^\d{1,3}(\.\d{1,3}){3}$/.test(name);
  const ipv6 = /^\[[0-9a-fA-F:.]+\]$/.test(name);
  return loopbackName || ipv4 || ipv6 ? undefined : `The dashboard answers on ${DASHBOARD_HOST}, not on ${name.slice(0, 100)}.`;
}

/**
 * Why a request is not the dashboard's own, or undefined: a browser says where a request comes from in
 * Sec-Fetch-Site (and Origin); only the dashboard's own pages (same-origin) are let in, and for the page alone a
 * typed-in URL (none) or a top-level navigation from elsewhere. Tools without those headers (curl, tests) are let through to the credential check.
 */
export function crossSiteProblem(headers: IncomingHttpHeaders, ownOrigin: string, allowNavigation: boolean): string | undefined {
  const site = header(headers, 'sec-fetch-site');
  // A top-level navigation (a typed URL, the CLI's link, the demo's link through the redirect from the site's
  // origin) loads the page without the SameSite=Strict cookie and gives the linking page no handle on it (COOP).
  const topLevel = header(headers, 'sec-fetch-mode') === 'navigate' && header(headers, 'sec-fetch-dest') === 'document';
  if (site !== undefined && site !== 'same-origin' && !(allowNavigation && (site === 'none' || topLevel))) {
    return `The dashboard is only served to its own pages (Sec-Fetch-Site: ${site.slice(0, 20)}). Open ${ownOrigin}/ directly.`;
  }
  const origin = header(headers, 'origin');
  if (origin !== undefined && origin !== ownOrigin) return `The dashboard is only served to its own origin, not ${origin.slice(0, 100)}.`;
  return undefined;
}

/**
 * The local dashboard (issue 17): the page at `/` (standalone platform) and `/_dashboard/`, its ES modules, and
 * its JSON API at `/_dashboard/api/*`, for the site owner only (an owner sign-in or the run's control secret).
 */
export function createDashboard(deps: Omit<DashboardDeps, 'monitor'> & { controlSecret: string }) {
  const monitor = new UsageMonitor(() => deps.services.clock.now());
  deps.log.annotate((entry) => monitor.observe(entry));
  const api = createDashboardApi({ ...deps, monitor });
  const assets = new DashboardAssets();
  const sessions = new Map<string, { ownerId: string; expires: number }>();
  const guard = authGuard(deps.services.directory, deps.services.clock);

  const session = (headers: IncomingHttpHeaders) => {
    const token = cookieValue(headers, SESSION_COOKIE);
    if (!token || token.length > 100) return undefined;
    const found = sessions.get(sha(token));
    if (!found || found.expires <= Date.now()) return undefined;
    return found;
  };
  const openSession = (ownerId: string): string => {
    const token = randomBytes(32).toString('base64url');
    for (const [key, s] of sessions) if (s.expires <= Date.now()) sessions.delete(key);
    sessions.set(sha(token), { ownerId, expires: Date.now() + DASHBOARD_SESSION_LIMITS.ttlMs });
    while (sessions.size > DASHBOARD_SESSION_LIMITS.sessions) sessions.delete(sessions.keys().next().value!);
    return `${SESSION_COOKIE}=${token}; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=${DASHBOARD_SESSION_LIMITS.ttlMs / 1000}`;
  };
  const hasControlSecret = (headers: IncomingHttpHeaders) => {
    const given = header(headers, CONTROL_SECRET_HEADER);
    return typeof given === 'string' && given.length > 0 && controlSecretMatches(given, deps.controlSecret);
  };

  const readBytes = (req: PlatformRequest): Promise<Buffer> =>
    readBody(req, DASHBOARD_SESSION_LIMITS.bodyBytes, () => errors.payloadTooLarge(DASHBOARD_SESSION_LIMITS.bodyBytes));

  async function serveApi(req: PlatformRequest, method: string, path: string, query: URLSearchParams, ownOrigin: string): Promise<RawResponse> {
    const headers = req.headers;
    const json = (status: number, body: unknown, extra: Record<string, string> = {}) =>
      new RawResponse(status, JSON.stringify(body), { 'content-type': 'application/json', ...extra });
    const problem = crossSiteProblem(headers, ownOrigin, false);
    if (problem) {
      req.resume();
      throw errors.forbidden(problem);
    }
    const viaSecret = hasControlSecret(headers);
    // CSRF: a page of another origin can neither send this header without a preflight (never answered) nor read the answer.
    if (!viaSecret && header(headers, DASHBOARD_HEADER) !== '1') {
      req.resume();
      throw errors.forbidden(`Dashboard API calls carry the ${DASHBOARD_HEADER}: 1 header.`);
    }
    if (method !== 'GET' && method !== 'DELETE' && !/^application\/json\s*(;|$)/i.test(header(headers, 'content-type') ?? '')) {
      req.resume();
      throw new WixApiError(415, 'The dashboard API accepts application/json bodies only.', { code: 'UNSUPPORTED_MEDIA_TYPE' });
    }
    let body: unknown = {};
    if (method === 'GET' || method === 'DELETE') req.resume();
    else {
      // Strict UTF-8 and no lone surrogates, as the platform's APIs read bodies: a key name of "\ud800x" was stored mangled.
      const bytes = await readBytes(req);
      if (bytes.length) body = parseJson(bytes, 'The request body', false, 'INVALID_ARGUMENT');
    }

    if (path === `${DASHBOARD_PREFIX}/api/session`) {
      if (method === 'GET') {
        const open = viaSecret || session(headers) !== undefined;
        return json(200, open ? { signedIn: true, owner: { id: deps.owner.id, email: deps.owner.email } } : { signedIn: false });
      }
      if (method === 'DELETE') {
        const token = cookieValue(headers, SESSION_COOKIE);
        if (token) sessions.delete(sha(token));
        return json(200, {}, { 'set-cookie': `${SESSION_COOKIE}=; Path=/; Secure; HttpOnly; SameSite=Strict; Max-Age=0` });
      }
      if (method === 'POST') {
        const input = parseBody(SignIn, body);
        if ('controlSecret' in input) {
          if (!controlSecretMatches(input.controlSecret, deps.controlSecret)) throw errors.unauthenticated("That is not this run's control secret.");
        } else {
          let member;
          try {
            member = await guard.attempt(
              { kind: 'password', account: input.email.toLowerCase(), client: throttleClient(req.socket?.remoteAddress, req.headers) },
              () => deps.services.directory.authenticate(input.email, input.password),
            );
          } catch (error) {
            if (error instanceof Throttled) throw error.toWixError();
            throw error;
          }
          if (!member) throw errors.unauthenticated('Wrong email or password.');
          if (member.role !== 'owner') throw errors.forbidden('The dashboard is for the site owner only.');
        }
        return json(200, { signedIn: true, owner: { id: deps.owner.id, email: deps.owner.email } }, { 'set-cookie': openSession(deps.owner.id) });
      }
      throw new WixApiError(405, `${method} is not allowed on ${path}.`, { code: 'METHOD_NOT_ALLOWED' });
    }

    if (!viaSecret && !session(headers)) throw errors.unauthenticated('Sign in to the dashboard as the site owner (or send the control secret).');
    const match = api.match(method, path);
    if (match === undefined) throw errors.notFound(`No dashboard API at ${method} ${path.slice(0, 200)}.`);
    if (match === 'method-not-allowed') throw new WixApiError(405, `${method} is not allowed on ${path.slice(0, 200)}.`, { code: 'METHOD_NOT_ALLOWED' });
    const owner = { kind: 'owner' as const, id: deps.owner.id };
    const result = await match.handler({
      method,
      path,
      query,
      headers,
      body,
      params: match.params,
      origin: ownOrigin,
      remoteAddress: req.socket?.remoteAddress,
      caller: () => Promise.resolve(owner),
    });
    return json(200, result ?? {});
  }

  /** Answers a request with `answer`, or a 500 (logged, redacted) when making it failed. */
  async function respond(
    req: PlatformRequest,
    res: PlatformResponse,
    method: string,
    path: string,
    make: () => Promise<RawResponse>,
    onError?: (message: string) => void,
  ) {
    let answer: RawResponse;
    try {
      answer = await make();
    } catch (error) {
      if (error instanceof WixApiError) answer = new RawResponse(error.status, JSON.stringify(error.toBody()), { 'content-type': 'application/json' });
      else {
        const id = randomBytes(8).toString('hex');
        try {
          onError?.(redact(`[wix-local] dashboard ${method} ${path.slice(0, 200)} failed (${id}): ${(error as Error)?.stack ?? String(error)}`));
        } catch {
          // A throwing logger does not take the request with it.
        }
        answer = new RawResponse(500, JSON.stringify(internalErrorBody(id)), { 'content-type': 'application/json' });
      }
    }
    if (res.headersSent) return;
    const body = method === 'HEAD' ? '' : answer.body;
    res.writeHead(answer.status, { ...SECURITY_HEADERS, ...answer.headers, 'content-length': Buffer.byteLength(answer.body) });
    res.end(body);
  }

  /** A request on the dashboard's origin: its page, modules and API; nothing of the site. */
  async function serve(req: PlatformRequest, method: string, path: string, search: string, host: string): Promise<RawResponse> {
    const ownOrigin = `https://${host.toLowerCase()}`;
    if (path.startsWith(`${DASHBOARD_PREFIX}/api/`)) return serveApi(req, method, path, new URLSearchParams(search), ownOrigin);
    req.resume();
    if (path !== '/' && !isDashboardPath(path)) {
      throw errors.notFound(`Only the dashboard is served on ${DASHBOARD_HOST}; the site is at https://localhost${host.slice(DASHBOARD_HOST.length)}.`);
    }
    if (method !== 'GET' && method !== 'HEAD') throw new WixApiError(405, `${method} is not allowed on ${path.slice(0, 200)}.`, { code: 'METHOD_NOT_ALLOWED' });
    const problem = crossSiteProblem(req.headers, ownOrigin, true);
    if (problem) return assets.refusedPage(problem);
    return assets.serve(path, session(req.headers) ? deps.owner.email : undefined);
  }

  /** A dashboard path on another origin (the site's): pages move to the dashboard's origin, the API is not there. */
  function elsewhere(req: PlatformRequest, method: string, path: string, search: string, host: string | undefined): RawResponse {
    req.resume();
    const misdirected = hostProblem(host);
    if (misdirected) throw new WixApiError(421, misdirected, { code: 'MISDIRECTED_REQUEST' });
    const target = dashboardOriginFor(host);
    if (path.startsWith(`${DASHBOARD_PREFIX}/api/`) || (method !== 'GET' && method !== 'HEAD')) {
      throw new WixApiError(421, `The dashboard answers on its own origin, ${target}, not on the site's.`, { code: 'MISDIRECTED_REQUEST' });
    }
    return new RawResponse(308, '', { location: `${target}${path}${search ? `?${search}` : ''}` });
  }

  return {
    monitor,
    /**
     * Puts the dashboard in front of the platform's handler. On its own host (DASHBOARD_HOST) it answers everything
     * but the item browser's Data Items calls, which go on to the platform. Elsewhere, `/_dashboard/*` (and `/` when
     * nothing else serves it: the standalone platform) is redirected there, and the rest goes on unchanged.
     */
    wrap(inner: PlatformHandle, onError?: (message: string) => void): PlatformHandle {
      return async (req, res, next) => {
        const target = req.url ?? '/';
        const q = target.indexOf('?');
        const path = q === -1 ? target : target.slice(0, q);
        const search = q === -1 ? '' : target.slice(q + 1);
        const method = (req.method ?? 'GET').toUpperCase();
        // HTTP/2 (Vite's HTTPS dev server) sends :authority instead of Host.
        const host = header(req.headers, 'host') ?? header(req.headers, ':authority');
        let make: () => Promise<RawResponse>;
        if (isDashboardHost(host)) {
          // No `next`: nothing on this origin falls through to the dev server's pages.
          if (path.startsWith(ITEMS_API_PREFIX)) return inner(req, res);
          make = () => serve(req, method, path, search, host!);
        } else if (path === '/' ? !next : isDashboardPath(path)) {
          make = async () => elsewhere(req, method, path, search, host);
        } else return inner(req, res, next);
        try {
          await respond(req, res, method, path, make, onError);
        } catch {
          // respond() answers every failure itself; a socket that is gone needs nothing more.
          res.destroy?.();
        }
      };
    },
  };
}

export type Dashboard = ReturnType<typeof createDashboard>;
