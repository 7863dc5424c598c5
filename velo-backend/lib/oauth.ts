/**
 * The backend's OAuth client (oauth4webapi): connects a member's account to a Wix site through the site's
 * authorization server, keeps the refresh token encrypted in an admin-only collection, the access token in
 * memory, refreshes single-flight per connection, and saves a rotated refresh token before using the new
 * access token. The client secret and refresh tokens never leave the backend.
 *
 * Every endpoint (authorize, token, revoke, token-info, and the Data API the tokens are for) is derived from the
 * configured issuer (`OAUTH_ISSUER`, default https://www.wixapis.com): the secret and the tokens go to that host
 * only. The state is bound to the browser that started the connect (RFC 9700 §4.7.1: an HttpOnly cookie whose
 * hash is stored with the state), and the grant must belong to the member who started it.
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import * as oauth from 'oauth4webapi';
import { currentMember } from 'wix-members-backend';
import { withDataApi } from './api-key.ts';
import { audit } from './audit.ts';
import { EnvelopeError, fail as failEnvelope, ok, type Envelope } from './envelope.ts';
import { getOptionalSecret, getSecret } from './secrets.ts';
import { open, seal } from './token-cipher.ts';
import * as v from 'valibot';
import { parseInput, strictRecord } from './validation.ts';

export const OAUTH_SECRETS = {
  clientId: 'OAUTH_CLIENT_ID',
  clientSecret: 'OAUTH_CLIENT_SECRET',
  tokenKey: 'OAUTH_TOKEN_KEY',
  /** The site's public URL: the redirect URI is `<site>/_functions/oauthCallback`, results are posted to its origin. */
  siteUrl: 'OAUTH_SITE_URL',
  /** The authorization server's base URL (default https://www.wixapis.com). */
  issuer: 'OAUTH_ISSUER',
  /** Optional: which of the user's sites to ask for (the local platform's `site_id` extension). */
  targetSiteId: 'OAUTH_TARGET_SITE_ID',
} as const;

export const STATES = 'OAuthStates';
export const CONNECTIONS = 'OAuthConnections';
const STATE_TTL_MS = 10 * 60 * 1000;
/** How long the launch link (page-code path) may wait before the browser opens it. */
export const LAUNCH_TTL_MS = 2 * 60 * 1000;
/** The cookie that binds a state to the browser that started the connect. */
export const BINDING_COOKIE = 'wix_oauth_binding';
const DEFAULT_ISSUER = 'https://www.wixapis.com';
const ACCESS_SKEW_MS = 60_000;
export const REQUESTED_SCOPES = 'wix-data.items.read';

interface Config {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  auth: oauth.ClientAuth;
  /** The issuer's base URL: every endpoint and the Data API are under it. */
  base: string;
  redirectUri: string;
  /** Path of the redirect URI: the binding cookie is sent there and nowhere else. */
  callbackPath: string;
  siteBase: string;
  siteOrigin: string;
  tokenKey: string;
}

/** The issuer's base URL: https, no query, fragment or credentials; a trailing slash is dropped. */
export function issuerBase(issuer: string | undefined): string {
  const url = new URL(issuer ?? DEFAULT_ISSUER);
  if (url.protocol !== 'https:' || url.search || url.hash || url.username || url.password) throw new Error('OAUTH_ISSUER must be a plain https URL.');
  return url.href.replace(/\/$/, '');
}

/** The authorization server's endpoints, all derived from the issuer (none hard-coded to another host). */
export function endpointsFor(base: string): oauth.AuthorizationServer {
  return {
    issuer: base,
    authorization_endpoint: `${base}/oauth2/authorize`,
    token_endpoint: `${base}/oauth2/token`,
    revocation_endpoint: `${base}/oauth2/revoke`,
    introspection_endpoint: `${base}/oauth2/token-info`,
  };
}

async function config(): Promise<Config> {
  const [clientId, clientSecret, tokenKey, siteUrl, issuer] = await Promise.all([
    getSecret(OAUTH_SECRETS.clientId),
    getSecret(OAUTH_SECRETS.clientSecret),
    getSecret(OAUTH_SECRETS.tokenKey),
    getSecret(OAUTH_SECRETS.siteUrl),
    getOptionalSecret(OAUTH_SECRETS.issuer),
  ]);
  const base = issuerBase(issuer);
  const site = new URL(siteUrl);
  const siteBase = `${site.origin}${site.pathname.replace(/\/$/, '')}`;
  const callbackPath = `${site.pathname.replace(/\/$/, '')}/_functions/oauthCallback`;
  return {
    as: endpointsFor(base),
    client: { client_id: clientId },
    auth: oauth.ClientSecretPost(clientSecret),
    base,
    redirectUri: `${site.origin}${callbackPath}`,
    callbackPath,
    siteBase,
    siteOrigin: site.origin,
    tokenKey,
  };
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');
const randomToken = () => randomBytes(32).toString('base64url');

/** Constant-time equality of two hashes. */
function sameHash(a: unknown, b: unknown): boolean {
  if (typeof a !== 'string' || typeof b !== 'string') return false;
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** The binding cookie: HttpOnly, Secure, SameSite=Lax (sent on the top-level redirect back), callback path only. */
function bindingCookie(c: Config, value: string, maxAgeSeconds = STATE_TTL_MS / 1000): string {
  return `${BINDING_COOKIE}=${value}; Path=${c.callbackPath}; Max-Age=${maxAgeSeconds}; HttpOnly; Secure; SameSite=Lax`;
}

/** One cookie's value from a Cookie header (the first one of that name). */
export function cookieValue(header: string | undefined, name: string): string | undefined {
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** OIDC `login_hint` from the launch link, passed on only when it is one plain value of 1-254 characters: it just pre-fills the consent page. */
function loginHintOf(url: URL): string | undefined {
  const hints = url.searchParams.getAll('login_hint');
  const hint = hints.length === 1 ? hints[0]!.trim() : '';
  // eslint-disable-next-line no-control-regex
  return hint.length > 0 && hint.length <= 254 && !/[\u0000-\u001f\u007f]/.test(hint) ? hint : undefined;
}

function authorizeUrlFor(c: Config, state: string, challenge: string, targetSite: string | undefined, loginHint?: string): string {
  const url = new URL(c.as.authorization_endpoint!);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: c.client.client_id,
    redirect_uri: c.redirectUri,
    scope: REQUESTED_SCOPES,
    state,
    code_challenge: challenge,
    code_challenge_method: 'S256',
    ...(targetSite ? { site_id: targetSite } : {}),
    ...(loginHint ? { login_hint: loginHint } : {}),
  }).toString();
  return url.toString();
}

export interface Connection {
  _id: string;
  memberId: string;
  siteId: string;
  scopes: string;
  status: 'connected' | 'revoked';
  refreshToken: string;
  connectedAt: Date;
  refreshedAt?: Date;
}

const accessTokens = new Map<string, { token: string; expiresAt: number }>();
const refreshing = new Map<string, Promise<string>>();

/**
 * How the browser gets bound to the state:
 * - `cookie`: the start request came from the browser itself (a site widget's POST /_functions/oauth/startConnect),
 *   so its answer sets the binding cookie and the authorize URL is returned as is;
 * - `launch`: the start came through page code (a web method, which cannot set cookies), so the URL returned is a
 *   single-use launch link on the site (`/_functions/oauthLaunch`, valid LAUNCH_TTL_MS) that sets the cookie in the
 *   browser that opens it and sends it on to the authorize URL.
 */
export type BrowserBinding = 'cookie' | 'launch';

/** Step 1: a single-use state bound to the member and (see BrowserBinding) to the browser, and a PKCE verifier. */
export async function beginConnect(
  memberId: string,
  mode: 'popup' | 'redirect',
  binding: BrowserBinding = 'launch',
): Promise<{ authorizeUrl: string; setCookie?: string }> {
  const c = await config();
  const targetSite = await getOptionalSecret(OAUTH_SECRETS.targetSiteId);
  const state = oauth.generateRandomState();
  const verifier = oauth.generateRandomCodeVerifier();
  const secret = randomToken();
  const record: Record<string, unknown> = { _id: state, memberId, mode, verifier, expiresAt: new Date(Date.now() + STATE_TTL_MS) };
  if (binding === 'cookie') record['bindingHash'] = sha256(secret);
  else Object.assign(record, { launchHash: sha256(secret), launchExpiresAt: new Date(Date.now() + LAUNCH_TTL_MS) });
  await withDataApi((client) => client.items.insert(STATES, record));
  await audit({ what: 'oauth connect started', outcome: 'ok', detail: `binding: ${binding}` });
  if (binding === 'cookie')
    return { authorizeUrl: authorizeUrlFor(c, state, await oauth.calculatePKCECodeChallenge(verifier), targetSite), setCookie: bindingCookie(c, secret) };
  return { authorizeUrl: `${c.siteBase}/_functions/oauthLaunch?${new URLSearchParams({ state, ticket: secret })}` };
}

/**
 * Starts a connection for the member calling (web method or HTTP function), as an envelope; with `cookie`
 * binding the answer carries the Set-Cookie value for the HTTP response.
 */
export async function startConnectFor(input: unknown, binding: BrowserBinding): Promise<{ envelope: Envelope<{ authorizeUrl: string }>; setCookie?: string }> {
  try {
    const { mode } = parseInput(strictRecord({ mode: v.optional(v.picklist(['popup', 'redirect']), 'popup') }), input ?? {});
    let memberId: string;
    try {
      memberId = (await currentMember.getMember())._id;
    } catch {
      throw new EnvelopeError('UNAUTHENTICATED', 'Sign in first.');
    }
    const { authorizeUrl, setCookie } = await beginConnect(memberId, mode, binding);
    return { envelope: ok({ authorizeUrl }), ...(setCookie ? { setCookie } : {}) };
  } catch (error) {
    if (error instanceof EnvelopeError) return { envelope: failEnvelope(error.code, error.message, error.issues) };
    await audit({ what: 'startConnect', outcome: 'error', detail: (error as Error).message });
    return { envelope: failEnvelope('UNAVAILABLE', 'The connection service could not complete the request. Try again later.') };
  }
}

export type LaunchResult = { ok: true; location: string; setCookie: string } | { ok: false; error: string; siteOrigin: string };

/** The launch link (page-code path): once, within LAUNCH_TTL_MS, binds the browser opening it and sends it on. */
export async function launchConnect(url: URL): Promise<LaunchResult> {
  const c = await config();
  const state = url.searchParams.get('state') ?? '';
  const ticket = url.searchParams.get('ticket') ?? '';
  const stored = state && ticket ? await withDataApi((client) => client.items.get(STATES, state)) : null;
  const valid =
    !!stored &&
    sameHash(sha256(ticket), stored['launchHash']) &&
    new Date(stored['launchExpiresAt'] as string | Date).getTime() >= Date.now() &&
    new Date(stored['expiresAt'] as string | Date).getTime() >= Date.now();
  if (!stored || !valid) {
    await audit({ what: 'oauth launch', outcome: 'denied', detail: 'missing, unknown, used or expired launch link' });
    return { ok: false, error: 'invalid_state', siteOrigin: c.siteOrigin };
  }
  // Single use: the launch hash is replaced by the binding of this browser.
  const secret = randomToken();
  const { launchHash: _used, launchExpiresAt: _expiry, ...rest } = stored as Record<string, unknown>;
  await withDataApi((client) => client.items.save(STATES, { ...rest, _id: state, bindingHash: sha256(secret) }));
  const targetSite = await getOptionalSecret(OAUTH_SECRETS.targetSiteId);
  return {
    ok: true,
    location: authorizeUrlFor(c, state, await oauth.calculatePKCECodeChallenge(String(stored['verifier'])), targetSite, loginHintOf(url)),
    setCookie: bindingCookie(c, secret),
  };
}

export interface CallbackResult {
  ok: boolean;
  error?: string;
  siteOrigin: string;
  mode: 'popup' | 'redirect';
  /** Clears the binding cookie (it is single use, like the state). */
  setCookie: string;
}

/**
 * Step 2 (HTTP function): check the state (once) and that this browser started it, exchange the code with the
 * secret, check that the grant is the starting member's (otherwise revoke it), store the tokens.
 */
export async function completeConnect(callbackUrl: URL, cookieHeader?: string): Promise<CallbackResult> {
  const c = await config();
  const state = callbackUrl.searchParams.get('state') ?? '';
  const clear = bindingCookie(c, '', 0);
  // Single use: the state record is removed as it is read; a replay finds nothing.
  const stored = state ? await withDataApi((client) => client.items.remove(STATES, state)) : null;
  const fail = async (error: string, detail: string): Promise<CallbackResult> => {
    await audit({ what: 'oauth callback', outcome: 'denied', detail });
    return { ok: false, error, siteOrigin: c.siteOrigin, mode: (stored?.['mode'] as 'popup' | 'redirect' | undefined) ?? 'popup', setCookie: clear };
  };
  if (!stored) return fail('invalid_state', 'missing, unknown or replayed state');
  if (new Date(stored['expiresAt'] as string | Date).getTime() < Date.now()) return fail('invalid_state', 'expired state');
  // RFC 9700 §4.7.1: only the browser that started the flow may finish it.
  const presented = cookieValue(cookieHeader, BINDING_COOKIE);
  if (!presented || !sameHash(sha256(presented), stored['bindingHash']))
    return fail('invalid_state', 'the state is not bound to this browser (binding cookie missing or wrong)');
  let params: URLSearchParams;
  try {
    params = oauth.validateAuthResponse(c.as, c.client, callbackUrl, state);
  } catch (error) {
    return fail(callbackUrl.searchParams.get('error') ?? 'invalid_response', `authorization response refused: ${(error as Error).message}`);
  }
  const memberId = String(stored['memberId']);
  try {
    const response = await oauth.authorizationCodeGrantRequest(c.as, c.client, c.auth, params, c.redirectUri, String(stored['verifier']));
    const tokens = await oauth.processAuthorizationCodeResponse(c.as, c.client, response);
    if (!tokens.refresh_token) return fail('invalid_response', 'no refresh token');
    const info = await tokenInfo(c, tokens.access_token);
    if (info.subjectId !== memberId) {
      // Someone else consented: their grant must not become this member's connection. Revoke what the code made.
      await oauth.processRevocationResponse(await oauth.revocationRequest(c.as, c.client, c.auth, tokens.refresh_token)).catch(() => undefined);
      return fail('wrong_account', 'the grant belongs to another user than the member who started the connect; it was revoked');
    }
    await saveConnection({
      _id: memberId,
      memberId,
      siteId: info.siteId,
      scopes: tokens.scope ?? REQUESTED_SCOPES,
      status: 'connected',
      refreshToken: await seal(c.tokenKey, memberId, tokens.refresh_token),
      connectedAt: new Date(),
    });
    accessTokens.set(memberId, { token: tokens.access_token, expiresAt: Date.now() + (tokens.expires_in ?? 0) * 1000 - ACCESS_SKEW_MS });
    await audit({ what: 'oauth connected', outcome: 'ok' });
    return { ok: true, siteOrigin: c.siteOrigin, mode: (stored['mode'] as 'popup' | 'redirect') ?? 'popup', setCookie: clear };
  } catch (error) {
    return fail('exchange_failed', `code exchange failed: ${(error as Error).message}`);
  }
}

/** The issuer's token-info answer for a token, or undefined when the endpoint did not answer 200. */
async function introspect(c: Config, token: string): Promise<{ active?: unknown; siteId?: string; subjectId?: string } | undefined> {
  const response = await fetch(c.as.introspection_endpoint!, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ token }),
  });
  return response.ok ? ((await response.json()) as { active?: unknown; siteId?: string; subjectId?: string }) : undefined;
}

/** Who and which site the new access token is for, from the issuer's token-info endpoint. */
async function tokenInfo(c: Config, token: string): Promise<{ siteId: string; subjectId: string | undefined }> {
  const body = await introspect(c, token);
  if (!body?.active || !body.siteId) throw new Error('the new access token is not active');
  return { siteId: body.siteId, subjectId: typeof body.subjectId === 'string' ? body.subjectId : undefined };
}

/**
 * Whether the member's stored connection still holds at the server. A grant revoked elsewhere (the site's
 * "Connected apps" page) is only seen by asking: the access token's token-info, then one refresh if it is not
 * active. A refused refresh marks the connection revoked; a server that cannot be reached is no news (true).
 */
export async function connectionStillGranted(memberId: string): Promise<boolean> {
  const c = await config();
  try {
    const token = await accessTokenFor(memberId);
    const info = await introspect(c, token);
    if (!info || info.active === true) return true;
    await accessTokenFor(memberId, token);
    return true;
  } catch (error) {
    if (error instanceof EnvelopeError && (error.code === 'UNAUTHENTICATED' || error.code === 'NOT_FOUND')) return false;
    return true;
  }
}

async function saveConnection(connection: Connection): Promise<void> {
  await withDataApi((client) => client.items.save(CONNECTIONS, { ...connection }));
}

export async function readConnection(memberId: string): Promise<Connection | undefined> {
  const item = await withDataApi((client) => client.items.get(CONNECTIONS, memberId));
  return (item as Connection | null) ?? undefined;
}

/**
 * A fresh access token for the member's connection: from memory while it is valid, otherwise one refresh,
 * shared by every concurrent caller. The rotated refresh token is saved before the new access token is used.
 */
export async function accessTokenFor(memberId: string, rejected?: string): Promise<string> {
  const cached = accessTokens.get(memberId);
  // After a 401, the rejected token is not reused; a token someone else already refreshed is.
  if (cached && cached.token !== rejected && cached.expiresAt > Date.now()) return cached.token;
  let pending = refreshing.get(memberId);
  if (!pending) {
    pending = refresh(memberId).finally(() => refreshing.delete(memberId));
    refreshing.set(memberId, pending);
  }
  return pending;
}

async function refresh(memberId: string): Promise<string> {
  const c = await config();
  const connection = await readConnection(memberId);
  if (!connection || connection.status !== 'connected') throw new EnvelopeError('NOT_FOUND', 'No connected site. Connect first.');
  const refreshToken = await open(c.tokenKey, memberId, connection.refreshToken);
  let tokens: oauth.TokenEndpointResponse;
  try {
    tokens = await oauth.processRefreshTokenResponse(c.as, c.client, await oauth.refreshTokenGrantRequest(c.as, c.client, c.auth, refreshToken));
  } catch (error) {
    // Only invalid_grant means the grant is gone (revoked at the server, or a reused refresh token made the server
    // revoke it). Anything else (429, 5xx, the network) is passing: the connection stays.
    if (!(error instanceof oauth.ResponseBodyError && error.error === 'invalid_grant')) {
      await audit({ what: 'oauth refresh', outcome: 'error', detail: `refresh failed: ${(error as Error).message}` });
      throw new EnvelopeError('UNAVAILABLE', 'The connected site could not be reached. Try again later.');
    }
    accessTokens.delete(memberId);
    await saveConnection({ ...connection, status: 'revoked' });
    await audit({ what: 'oauth refresh', outcome: 'denied', detail: `refresh refused: ${(error as Error).message}` });
    throw new EnvelopeError('UNAUTHENTICATED', 'The connection was revoked. Connect again.');
  }
  if (!tokens.refresh_token) throw new EnvelopeError('UNAVAILABLE', 'The server did not rotate the refresh token.');
  // Persist the rotated refresh token first: if this write fails, the new access token is never used.
  await saveConnection({ ...connection, refreshToken: await seal(c.tokenKey, memberId, tokens.refresh_token), refreshedAt: new Date() });
  accessTokens.set(memberId, { token: tokens.access_token, expiresAt: Date.now() + (tokens.expires_in ?? 0) * 1000 - ACCESS_SKEW_MS });
  await audit({ what: 'oauth refresh', outcome: 'ok' });
  return tokens.access_token;
}

/** A Data API query on the connected site with `Authorization: Bearer` and `wix-site-id`; one refresh and one retry on a 401. */
export async function queryConnected(memberId: string, collection: string, limit: number): Promise<Record<string, unknown>[]> {
  const c = await config();
  const connection = await readConnection(memberId);
  if (!connection || connection.status !== 'connected') throw new EnvelopeError('NOT_FOUND', 'No connected site. Connect first.');
  const call = (token: string) =>
    fetch(`${new URL(c.base).origin}/wix-data/v2/items/query`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${token}`, 'wix-site-id': connection.siteId, 'Content-Type': 'application/json' },
      body: JSON.stringify({ dataCollectionId: collection, query: { paging: { limit } } }),
    });
  const token = await accessTokenFor(memberId);
  let response = await call(token);
  if (response.status === 401) response = await call(await accessTokenFor(memberId, token));
  if (response.status === 403) throw new EnvelopeError('PERMISSION_DENIED', 'The connection may not read that collection.');
  if (response.status === 401) throw new EnvelopeError('UNAUTHENTICATED', 'The connection was revoked. Connect again.');
  if (!response.ok) throw new Error(`the connected site answered ${response.status}`);
  const body = (await response.json()) as { dataItems: { data: Record<string, unknown> }[] };
  return body.dataItems.map((d) => d.data);
}

/** Revokes the grant at the server and forgets the tokens. */
export async function disconnect(memberId: string): Promise<boolean> {
  const c = await config();
  const connection = await readConnection(memberId);
  accessTokens.delete(memberId);
  if (!connection) return false;
  if (connection.status === 'connected') {
    const refreshToken = await open(c.tokenKey, memberId, connection.refreshToken);
    await oauth.processRevocationResponse(await oauth.revocationRequest(c.as, c.client, c.auth, refreshToken));
  }
  await withDataApi((client) => client.items.remove(CONNECTIONS, memberId));
  await audit({ what: 'oauth disconnected', outcome: 'ok' });
  return true;
}

/** Tests and the benchmark: drop the in-memory access tokens. */
export function forgetAccessTokens(): void {
  accessTokens.clear();
}
