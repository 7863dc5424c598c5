/**
 * HTTP functions (`backend/http-functions.js` on a Wix site), served at `/_functions/<name>`.
 * They are public endpoints: a direct call is an anonymous visitor.
 */
import { notFound, ok, response, serverError, type WixHttpFunctionRequest } from 'wix-http-functions';
import { categoryCounts } from './data-admin.web.ts';
import { completeConnect, launchConnect, startConnectFor } from './lib/oauth.ts';
import { callConnected, connectionStatus, disconnect, startConnect } from './oauth.web.ts';
import { runSiteAction } from './site-actions.ts';

/** The connection actions an element may call over HTTP with its session token (site widgets have no page code). */
const OAUTH_ACTIONS: Record<string, (input?: unknown) => Promise<unknown>> = { callConnected, connectionStatus, disconnect, startConnect };

/** GET /_functions/health: a liveness probe that touches nothing private. */
export function get_health(_request: WixHttpFunctionRequest) {
  return ok({ body: { status: 'ok' }, headers: { 'cache-control': 'no-store' } });
}

/** GET /_functions/categories: the public per-category counts, for server-to-server callers. */
export async function get_categories(_request: WixHttpFunctionRequest) {
  const result = await categoryCounts();
  if (!result.ok) return serverError({ body: { code: result.code, message: result.message } });
  return ok({ body: { categories: result.data }, headers: { 'cache-control': 'public, max-age=60' } });
}

const CALLBACK_HEADERS = {
  'cache-control': 'no-store',
  'content-security-policy': "default-src 'none'; script-src 'unsafe-inline'",
  'referrer-policy': 'no-referrer',
};

/**
 * GET /_functions/oauthLaunch?state=…&ticket=…: the link page code's startConnect returns (a web method cannot set
 * cookies). Opened once, within two minutes, in the member's browser: it sets the HttpOnly binding cookie there and
 * sends the browser on to the consent page. A used, expired or forged link gets an error page and no cookie.
 */
export async function get_oauthLaunch(request: WixHttpFunctionRequest) {
  const result = await launchConnect(new URL(request.url));
  if (result.ok) return response({ status: 302, headers: { ...CALLBACK_HEADERS, location: result.location, 'set-cookie': result.setCookie } });
  const message = JSON.stringify({ type: 'wix-oauth-connect', ok: false, error: result.error }).replace(/</g, '\\u003c');
  const origin = JSON.stringify(result.siteOrigin).replace(/</g, '\\u003c');
  const body = `<!doctype html><meta charset="utf-8"><title>Connecting</title><p>This connection link was already used or has expired. Close this window and try again.</p>
<script>if (window.opener) { window.opener.postMessage(${message}, ${origin}); window.close(); }</script>`;
  return response({ status: 400, body, headers: { ...CALLBACK_HEADERS, 'content-type': 'text/html; charset=utf-8' } });
}

/**
 * GET /_functions/oauthCallback: the OAuth redirect URI. It checks the state, exchanges the code (secret read
 * elevated, server-side) and answers a page that tells the opener the result through postMessage to the site's
 * exact origin, then closes; in redirect mode it sends the browser back to the site instead. No token is in it.
 */
export async function get_oauthCallback(request: WixHttpFunctionRequest) {
  // The binding cookie says whether this browser started the flow; it is cleared whatever the outcome.
  const result = await completeConnect(new URL(request.url), request.headers['cookie']);
  const message = { type: 'wix-oauth-connect', ok: result.ok, ...(result.error ? { error: result.error } : {}) };
  const headers = { ...CALLBACK_HEADERS, 'set-cookie': result.setCookie };
  if (result.mode === 'redirect') {
    return response({
      status: 302,
      headers: { ...headers, location: `${result.siteOrigin}/?oauth=${result.ok ? 'connected' : encodeURIComponent(result.error ?? 'failed')}` },
    });
  }
  const payload = JSON.stringify(message).replace(/</g, '\\u003c');
  const origin = JSON.stringify(result.siteOrigin).replace(/</g, '\\u003c');
  const body = `<!doctype html><meta charset="utf-8"><title>Connecting</title><p>${result.ok ? 'Connected. You can close this window.' : 'The connection failed. You can close this window.'}</p>
<script>if (window.opener) { window.opener.postMessage(${payload}, ${origin}); window.close(); }</script>`;
  return response({ status: result.ok ? 200 : 400, body, headers: { ...headers, 'content-type': 'text/html; charset=utf-8' } });
}

/**
 * POST /_functions/oauth/<action>: the same four connection actions for a site widget, which calls with
 * `Authorization: <session token>` instead of through page code. The answer is the web method's envelope.
 */
export async function post_oauth(request: WixHttpFunctionRequest) {
  const action = request.path[0] ?? '';
  const run = Object.hasOwn(OAUTH_ACTIONS, action) ? OAUTH_ACTIONS[action] : undefined;
  const headers = { 'cache-control': 'no-store' };
  if (!run || request.path.length !== 1) return notFound({ body: { ok: false, code: 'NOT_FOUND', message: 'No such action.' }, headers });
  let input: unknown;
  try {
    const text = await request.body.text();
    input = text ? JSON.parse(text) : undefined;
  } catch {
    return ok({ body: { ok: false, code: 'VALIDATION', message: 'The body is not valid JSON.' }, headers });
  }
  if (action === 'startConnect') {
    // The browser itself asks: its answer binds this browser to the state (an HttpOnly cookie, see lib/oauth.ts).
    const { envelope, setCookie } = await startConnectFor(input, 'cookie');
    return ok({ body: envelope, headers: { ...headers, ...(setCookie ? { 'set-cookie': setCookie } : {}) } });
  }
  return ok({ body: await run(input), headers });
}

/**
 * POST /_functions/action/<name>: runs one named action of the allow-list in site-actions.ts for a site widget
 * (`<wix-backend-action>` with a session token), after checking that the caller's session may. The body is the
 * action's input (a JSON object); the answer is the web method's envelope, or a refusal (404, 400, 413, 403).
 */
export function post_action(request: WixHttpFunctionRequest) {
  return runSiteAction(request);
}
