/**
 * Keeps a demo member signed in across reloads the way a Wix site does: the site's server holds the session and the
 * browser holds only an HttpOnly cookie naming it. The page hands its refresh token here after sign-in (and after
 * each rotation) and asks for it back on load; no token is ever written to a cookie or to web storage (design:
 * Storage), and script cannot read the cookie. Node only: the dev server mounts it (vite.config.ts).
 *
 *   POST   /_demo/session         {"refreshToken"}  keep (or replace) this browser's session  → 204 + Set-Cookie
 *   POST   /_demo/session/resume                    the kept refresh token                  → 200 {"refreshToken"} | 204
 *   DELETE /_demo/session                           forget it                               → 204, cookie cleared
 *
 * Same-origin only (Sec-Fetch-Site and Origin), JSON bodies of at most 8 KB, at most 1,000 sessions of 30 days each,
 * in this process's memory: a dev server restart signs everyone out.
 */
import { randomBytes } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Plugin } from 'vite';

export const MEMBER_SESSION_COOKIE = '__Host-wix-demo-session';
const MAX_AGE_S = 30 * 24 * 3600;
const MAX_SESSIONS = 1_000;
const MAX_BODY_BYTES = 8 * 1024;
const REFRESH_TOKEN_SHAPE = /^[A-Za-z0-9._~+/=-]{16,4096}$/;
const SESSION_ID_SHAPE = /^[A-Za-z0-9_-]{43}$/;

interface Kept {
  refreshToken: string;
  expires: number;
}

/** The session cookie: absent, or present with the ID it names (undefined when it is not one of ours). */
function sessionCookie(req: IncomingMessage): { id: string | undefined } | undefined {
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === MEMBER_SESSION_COOKIE) {
      const id = part.slice(eq + 1).trim();
      return { id: SESSION_ID_SHAPE.test(id) ? id : undefined };
    }
  }
  return undefined;
}

/** Why a request may not touch the session: another site, or a form post (no JSON). Undefined when it may. */
function crossSite(req: IncomingMessage): string | undefined {
  const site = req.headers['sec-fetch-site'];
  if (site !== undefined && site !== 'same-origin') return `a ${String(site)} request`;
  const origin = req.headers.origin;
  const host = req.headers.host ?? (req.headers[':authority'] as string | undefined);
  if (origin !== undefined && (host === undefined || origin !== `https://${host}`)) return 'another origin';
  return undefined;
}

function readJson(req: IncomingMessage): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        req.removeAllListeners('data');
        req.resume();
        reject(new Error('too large'));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      try {
        resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown);
      } catch {
        reject(new Error('not JSON'));
      }
    });
    req.on('error', reject);
  });
}

export function memberSessions(now: () => number = Date.now): Plugin {
  const sessions = new Map<string, Kept>();
  const send = (res: ServerResponse, status: number, body?: unknown, cookie?: string): void => {
    res.statusCode = status;
    res.setHeader('cache-control', 'no-store');
    if (cookie !== undefined) res.setHeader('set-cookie', cookie);
    if (body !== undefined) res.setHeader('content-type', 'application/json');
    res.end(body === undefined ? undefined : JSON.stringify(body));
  };
  const setCookie = (id: string) => `${MEMBER_SESSION_COOKIE}=${id}; Path=/; Max-Age=${MAX_AGE_S}; Secure; HttpOnly; SameSite=Strict`;
  const clearCookie = `${MEMBER_SESSION_COOKIE}=; Path=/; Max-Age=0; Secure; HttpOnly; SameSite=Strict`;

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const path = (req.url ?? '/').split('?')[0];
    const refused = crossSite(req);
    if (refused) return send(res, 403, { message: `The demo session is same-origin only, not ${refused}.` });
    const cookie = sessionCookie(req);
    const id = cookie?.id;
    const kept = id === undefined ? undefined : sessions.get(id);
    if (kept && kept.expires <= now()) sessions.delete(id!);
    const live = kept && kept.expires > now() ? kept : undefined;

    if (req.method === 'POST' && path === '/resume') {
      req.resume();
      // A cookie that names no live session (forged, expired, from before a restart) is cleared.
      return live ? send(res, 200, { refreshToken: live.refreshToken }) : send(res, 204, undefined, cookie ? clearCookie : undefined);
    }
    if (req.method === 'DELETE' && path === '/') {
      req.resume();
      if (id) sessions.delete(id);
      return send(res, 204, undefined, clearCookie);
    }
    if (req.method === 'POST' && path === '/') {
      if (!/^application\/json\b/.test(req.headers['content-type'] ?? '')) {
        req.resume();
        return send(res, 415, { message: 'Send the refresh token as JSON.' });
      }
      let body: unknown;
      try {
        body = await readJson(req);
      } catch {
        return send(res, 400, { message: 'The body must be JSON of at most 8 KB.' });
      }
      const token =
        typeof body === 'object' && body !== null && Object.hasOwn(body, 'refreshToken') ? (body as { refreshToken: unknown }).refreshToken : undefined;
      if (typeof token !== 'string' || !REFRESH_TOKEN_SHAPE.test(token)) return send(res, 400, { message: 'refreshToken must be a refresh token.' });
      const sessionId = live ? id! : randomBytes(32).toString('base64url');
      sessions.set(sessionId, { refreshToken: token, expires: now() + MAX_AGE_S * 1000 });
      while (sessions.size > MAX_SESSIONS) sessions.delete(sessions.keys().next().value!);
      return send(res, 204, undefined, setCookie(sessionId));
    }
    req.resume();
    return send(res, 405, { message: 'POST /_demo/session, POST /_demo/session/resume or DELETE /_demo/session.' });
  }

  return {
    name: 'wix-demo-member-sessions',
    apply: 'serve',
    configureServer(server) {
      server.middlewares.use('/_demo/session', (req, res) => {
        handle(req, res).catch(() => {
          if (!res.headersSent) send(res, 500, { message: 'The demo session store failed.' });
        });
      });
    },
  };
}
