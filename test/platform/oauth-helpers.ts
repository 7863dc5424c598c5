/**
 * Helpers for the third-party OAuth 2.0 tests (platform/oauth/CONTRACT.md): PKCE, the browser side of
 * the authorization-code flow done with fetch (sign-in form → consent → 302 back with a code), the token
 * endpoint with either client authentication method, and the Data API called with an app token.
 *
 * Every request goes to https://www.wixapis.com, which startTestPlatform routes to the in-memory platform.
 */
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { createClient } from '@wix/sdk';
import { items } from '@wix/data';

export const ORIGIN = 'https://www.wixapis.com';
export const CALLBACK = 'https://localhost/_functions/oauthCallback';
export const READ = 'wix-data.items.read';
export const WRITE = 'wix-data.items.write';
export const BOTH = `${READ} ${WRITE}`;

export interface AppCredentials {
  clientId: string;
  clientSecret: string;
}

export interface User {
  email: string;
  password: string;
}

export interface Answer {
  status: number;
  headers: Headers;
  text: string;
  json: Record<string, any> | undefined;
}

async function answer(response: Response): Promise<Answer> {
  const text = await response.text();
  let json: Record<string, any> | undefined;
  try {
    json = JSON.parse(text) as Record<string, any>;
  } catch {
    json = undefined;
  }
  return { status: response.status, headers: response.headers, text, json };
}

/** RFC 7636: a 43-character base64url verifier and its S256 challenge. */
export function pkce(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export const randomState = () => randomBytes(9).toString('base64url');

/** Builds an authorize URL; a parameter given as `null` is left out. */
export function authorizeUrl(clientId: string, params: Record<string, string | null | undefined> = {}): string {
  const search = new URLSearchParams();
  const all: Record<string, string | null | undefined> = {
    response_type: 'code',
    client_id: clientId,
    redirect_uri: CALLBACK,
    scope: BOTH,
    state: 'st-' + randomState(),
    code_challenge_method: 'S256',
    ...params,
  };
  for (const [k, v] of Object.entries(all)) if (v !== null && v !== undefined) search.set(k, v);
  return `${ORIGIN}/oauth2/authorize?${search}`;
}

/** A GET as a browser tab would send it, without following redirects. */
export async function browserGet(url: string, cookie?: string): Promise<Answer> {
  return answer(await fetch(url, { redirect: 'manual', headers: cookie ? { cookie } : {} }));
}

/** A form POST as a browser sends it: urlencoded, with the page's Origin, without following redirects. */
export async function browserPost(url: string, fields: Record<string, string>, options: { cookie?: string; origin?: string | null } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/x-www-form-urlencoded' };
  if (options.origin !== null) headers['origin'] = options.origin ?? ORIGIN;
  if (options.cookie) headers['cookie'] = options.cookie;
  return answer(await fetch(url, { method: 'POST', headers, body: new URLSearchParams(fields).toString(), redirect: 'manual' }));
}

const unescapeHtml = (s: string) =>
  s.replace(/&(amp|lt|gt|quot|#39|#x27|#34);/g, (_m, e: string) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'", '#x27': "'", '#34': '"' })[e]!);

function attributes(tag: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const m of tag.matchAll(/([\w:-]+)\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>]+))/g)) {
    out[m[1]!.toLowerCase()] = unescapeHtml(m[2] ?? m[3] ?? m[4] ?? '');
  }
  return out;
}

export interface HtmlForm {
  action: string | undefined;
  method: string;
  /** Hidden inputs (CSRF tokens and the like), name → value. */
  hidden: Record<string, string>;
  /** Every named input, for detecting a sign-in form. */
  inputs: string[];
  start: number;
  end: number;
}

/** A small HTML form reader: enough to submit the platform's pages the way a browser would. */
export function parseForms(html: string): HtmlForm[] {
  const forms: HtmlForm[] = [];
  for (const m of html.matchAll(/<form\b([^>]*)>([\s\S]*?)<\/form>/gi)) {
    const attrs = attributes(m[1] ?? '');
    const hidden: Record<string, string> = {};
    const inputs: string[] = [];
    for (const input of (m[2] ?? '').matchAll(/<input\b([^>]*)>/gi)) {
      const a = attributes(input[1] ?? '');
      if (!a['name']) continue;
      inputs.push(a['name']);
      if ((a['type'] ?? '').toLowerCase() === 'hidden') hidden[a['name']] = a['value'] ?? '';
    }
    forms.push({
      action: attrs['action'],
      method: (attrs['method'] ?? 'get').toLowerCase(),
      hidden,
      inputs,
      start: m.index ?? 0,
      end: (m.index ?? 0) + m[0].length,
    });
  }
  return forms;
}

export const isSignInForm = (html: string) => parseForms(html).some((f) => f.inputs.includes('password'));

/** The value of `wix_local_session` in a (possibly comma-joined) Set-Cookie header. */
export function sessionCookieFrom(setCookie: string | null): { header: string; raw: string } | undefined {
  if (!setCookie) return undefined;
  // Several cookies arrive joined with ", "; an Expires date has a comma too, but no "name=" after it.
  const raw = setCookie
    .split(/,\s*(?=[\w.-]+=)/)
    .map((c) => c.trim())
    .find((c) => c.startsWith('wix_local_session='));
  const value = raw?.split(';')[0];
  if (!raw || !value || value === 'wix_local_session=') return undefined;
  return { header: value, raw };
}

function postTarget(page: string, pageUrl: string): { url: string; hidden: Record<string, string> } {
  const form = parseForms(page).find((f) => f.method === 'post');
  assert.ok(form, `expected a POST form on the page, got: ${page.slice(0, 400)}`);
  return { url: form.action ? new URL(form.action, pageUrl).toString() : pageUrl, hidden: form.hidden };
}

export interface AuthorizeResult {
  /** Where the platform sent the browser (the final 302). */
  location: URL;
  code: string | null;
  state: string | null;
  error: string | null;
  sentState: string;
  verifier: string;
  challenge: string;
  redirectUri: string;
  /** `wix_local_session=…`, for later requests as the signed-in user. */
  cookie: string | undefined;
  /** The full Set-Cookie text of the session cookie, for checking its attributes. */
  setCookie: string | undefined;
  /** The sign-in POST (email + password + decision) answered 302 at once, as the contract says. */
  oneStep: boolean;
}

export interface AuthorizeOptions {
  user?: User;
  /** Already signed in: send this cookie, expect the consent page instead of the sign-in form. */
  cookie?: string;
  decision?: 'allow' | 'deny';
  redirectUri?: string;
  /** Extra or replaced query parameters (`null` removes one). */
  query?: Record<string, string | null>;
}

/**
 * The browser side of the flow: GET authorize (sign-in form, or consent with a cookie), POST the form with
 * email/password and decision, and read the 302 back to the redirect URI. An early 302 (an error sent back
 * before the form) is returned as is.
 */
export async function browserAuthorize(clientId: string, options: AuthorizeOptions = {}): Promise<AuthorizeResult> {
  const { verifier, challenge } = pkce();
  const sentState = 'st-' + randomState();
  const redirectUri = options.redirectUri ?? CALLBACK;
  const url = authorizeUrl(clientId, { redirect_uri: redirectUri, state: sentState, code_challenge: challenge, ...options.query });
  const user = options.user;
  const decision = options.decision ?? 'allow';
  let cookie = options.cookie;
  let setCookie: string | undefined;
  let oneStep = true;

  const page = await browserGet(url, cookie);
  let final: Answer;
  if (page.status === 302) {
    final = page;
  } else {
    assert.equal(
      page.status,
      200,
      `GET authorize: expected the ${cookie ? 'consent page' : 'sign-in form'} (200), got ${page.status}: ${page.text.slice(0, 300)}`,
    );
    assert.match(page.headers.get('content-type') ?? '', /text\/html/);
    const target = postTarget(page.text, url);
    const fields: Record<string, string> = { ...target.hidden, decision };
    if (!cookie) {
      assert.ok(user, 'a user is needed to sign in');
      assert.ok(isSignInForm(page.text), 'without a cookie the authorize page is a sign-in form');
      Object.assign(fields, { email: user.email, password: user.password });
    }
    let posted = await browserPost(target.url, fields, cookie ? { cookie } : {});
    const got = sessionCookieFrom(posted.headers.get('set-cookie'));
    if (got) {
      cookie = got.header;
      setCookie = got.raw;
    }
    if (posted.status === 200 && !isSignInForm(posted.text)) {
      // Not what the contract says (the POST answers 302 at once), but keep going so one deviation does not hide the rest.
      oneStep = false;
      const consent = postTarget(posted.text, target.url);
      posted = await browserPost(consent.url, { ...consent.hidden, decision }, cookie ? { cookie } : {});
    }
    final = posted;
  }
  assert.equal(final.status, 302, `authorize: expected a 302 back to the app, got ${final.status}: ${final.text.slice(0, 300)}`);
  const locationHeader = final.headers.get('location');
  assert.ok(locationHeader, 'the 302 has a Location');
  const location = new URL(locationHeader);
  return {
    location,
    code: location.searchParams.get('code'),
    state: location.searchParams.get('state'),
    error: location.searchParams.get('error'),
    sentState,
    verifier,
    challenge,
    redirectUri,
    cookie,
    setCookie,
    oneStep,
  };
}

export type ClientAuth = 'basic' | 'post' | 'none';

export const basic = (app: AppCredentials) => 'Basic ' + Buffer.from(`${app.clientId}:${app.clientSecret}`).toString('base64');

/** POST to an OAuth endpoint with client authentication, form-encoded (or JSON). */
export async function oauthPost(
  path: string,
  app: AppCredentials | undefined,
  body: Record<string, string>,
  options: { auth?: ClientAuth; json?: boolean; origin?: string } = {},
): Promise<Answer> {
  const auth = app ? (options.auth ?? 'basic') : 'none';
  const headers: Record<string, string> = { 'content-type': options.json ? 'application/json' : 'application/x-www-form-urlencoded' };
  // A browser page's request: its Origin, as the browser sets it.
  if (options.origin) headers['origin'] = options.origin;
  const fields: Record<string, string> = { ...body };
  if (app && auth === 'basic') headers['authorization'] = basic(app);
  if (app && auth === 'post') Object.assign(fields, { client_id: app.clientId, client_secret: app.clientSecret });
  const payload = options.json ? JSON.stringify(fields) : new URLSearchParams(fields).toString();
  return answer(await fetch(`${ORIGIN}${path}`, { method: 'POST', headers, body: payload }));
}

export const tokenRequest = (
  app: AppCredentials | undefined,
  body: Record<string, string>,
  options: { auth?: ClientAuth; json?: boolean; origin?: string } = {},
) => oauthPost('/oauth2/token', app, body, options);

export async function exchangeCode(
  app: AppCredentials,
  flow: Pick<AuthorizeResult, 'code' | 'verifier' | 'redirectUri'>,
  options: { auth?: ClientAuth; redirectUri?: string; verifier?: string | null } = {},
) {
  assert.ok(flow.code, 'no code to exchange');
  const body: Record<string, string> = { grant_type: 'authorization_code', code: flow.code, redirect_uri: options.redirectUri ?? flow.redirectUri };
  const verifier = options.verifier === undefined ? flow.verifier : options.verifier;
  if (verifier !== null) body['code_verifier'] = verifier;
  return tokenRequest(app, body, options.auth ? { auth: options.auth } : {});
}

export const refresh = (app: AppCredentials, refreshToken: string, scope?: string) =>
  tokenRequest(app, { grant_type: 'refresh_token', refresh_token: refreshToken, ...(scope ? { scope } : {}) });

export async function tokenInfo(token: string): Promise<Answer> {
  return answer(
    await fetch(`${ORIGIN}/oauth2/token-info`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) }),
  );
}

/** Data API with an app token: `Bearer` by default, with `wix-site-id` when given. */
export async function dataCall(path: string, token: string, body: unknown, options: { siteId?: string; bearer?: boolean } = {}): Promise<Answer> {
  const headers: Record<string, string> = { 'content-type': 'application/json', authorization: (options.bearer === false ? '' : 'Bearer ') + token };
  if (options.siteId) headers['wix-site-id'] = options.siteId;
  return answer(await fetch(`${ORIGIN}/wix-data/v2${path}`, { method: 'POST', headers, body: JSON.stringify(body) }));
}

export const dataQuery = (token: string, collection: string, options: { siteId?: string; bearer?: boolean } = {}) =>
  dataCall('/items/query', token, { dataCollectionId: collection, query: { paging: { limit: 5 } }, returnTotalCount: true }, options);

export const dataInsert = (token: string, collection: string, data: Record<string, unknown>) =>
  dataCall('/items', token, { dataCollectionId: collection, dataItem: { data } });

export const appErrorCode = (a: Answer): string | undefined => a.json?.['details']?.['applicationError']?.['code'];

/** The official SDK with a Bearer app token, as the contract's callers use it. */
export function sdkWithToken(token: string) {
  return createClient({ modules: { items }, auth: { getAuthHeaders: async () => ({ headers: { Authorization: 'Bearer ' + token } }) } });
}

/** RFC 6749 error: status, `error`, `error_description` and `Cache-Control: no-store`. */
export function assertOAuthError(a: Answer, status: number, error: string | readonly string[], what = ''): void {
  const label = what ? `${what}: ` : '';
  assert.equal(a.status, status, `${label}expected ${status} ${String(error)}, got ${a.status} ${a.text.slice(0, 300)}`);
  const allowed = typeof error === 'string' ? [error] : error;
  assert.ok(allowed.includes(a.json?.['error']), `${label}expected error ${allowed.join(' or ')}, got ${a.text.slice(0, 300)}`);
  assert.equal(typeof a.json?.['error_description'], 'string', `${label}error_description is a string`);
  assert.match(a.headers.get('cache-control') ?? '', /no-store/, `${label}Cache-Control: no-store on an error`);
}
