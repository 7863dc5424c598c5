/**
 * The backend's OAuth client (oauth4webapi): connects a member's account to a Wix site through the site's
 * authorization server, keeps the refresh token encrypted in an admin-only collection, the access token in
 * memory, refreshes single-flight per connection, and saves a rotated refresh token before using the new
 * access token. The client secret and refresh tokens never leave the backend.
 */
import * as oauth from 'oauth4webapi';
import { withDataApi } from './api-key.ts';
import { audit } from './audit.ts';
import { EnvelopeError } from './envelope.ts';
import { getOptionalSecret, getSecret } from './secrets.ts';
import { open, seal } from './token-cipher.ts';

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
const ACCESS_SKEW_MS = 60_000;
export const REQUESTED_SCOPES = 'wix-data.items.read';

interface Config {
  as: oauth.AuthorizationServer;
  client: oauth.Client;
  auth: oauth.ClientAuth;
  redirectUri: string;
  siteOrigin: string;
  tokenKey: string;
}

async function config(): Promise<Config> {
  const [clientId, clientSecret, tokenKey, siteUrl, issuer] = await Promise.all([
    getSecret(OAUTH_SECRETS.clientId),
    getSecret(OAUTH_SECRETS.clientSecret),
    getSecret(OAUTH_SECRETS.tokenKey),
    getSecret(OAUTH_SECRETS.siteUrl),
    getOptionalSecret(OAUTH_SECRETS.issuer),
  ]);
  const base = (issuer ?? 'https://www.wixapis.com').replace(/\/$/, '');
  const site = new URL(siteUrl);
  return {
    as: {
      issuer: base,
      authorization_endpoint: `${base}/oauth2/authorize`,
      token_endpoint: 'https://www.wixapis.com/oauth2/token',
      revocation_endpoint: 'https://www.wixapis.com/oauth2/revoke',
    },
    client: { client_id: clientId },
    auth: oauth.ClientSecretPost(clientSecret),
    redirectUri: `${site.origin}${site.pathname.replace(/\/$/, '')}/_functions/oauthCallback`,
    siteOrigin: site.origin,
    tokenKey,
  };
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

/** Step 1 (web method): a single-use state bound to the member, a PKCE verifier, both stored server-side. */
export async function beginConnect(memberId: string, mode: 'popup' | 'redirect'): Promise<{ authorizeUrl: string }> {
  const c = await config();
  const targetSite = await getOptionalSecret(OAUTH_SECRETS.targetSiteId);
  const state = oauth.generateRandomState();
  const verifier = oauth.generateRandomCodeVerifier();
  await withDataApi((client) =>
    client.items.insert(STATES, { _id: state, memberId, mode, verifier: verifier, expiresAt: new Date(Date.now() + STATE_TTL_MS) }),
  );
  const url = new URL(c.as.authorization_endpoint!);
  url.search = new URLSearchParams({
    response_type: 'code',
    client_id: c.client.client_id,
    redirect_uri: c.redirectUri,
    scope: REQUESTED_SCOPES,
    state,
    code_challenge: await oauth.calculatePKCECodeChallenge(verifier),
    code_challenge_method: 'S256',
    ...(targetSite ? { site_id: targetSite } : {}),
  }).toString();
  await audit({ what: 'oauth connect started', outcome: 'ok' });
  return { authorizeUrl: url.toString() };
}

export interface CallbackResult {
  ok: boolean;
  error?: string;
  siteOrigin: string;
  mode: 'popup' | 'redirect';
}

/** Step 2 (HTTP function): check the state (once), exchange the code with the secret, store the tokens. */
export async function completeConnect(callbackUrl: URL): Promise<CallbackResult> {
  const c = await config();
  const state = callbackUrl.searchParams.get('state') ?? '';
  // Single use: the state record is removed as it is read; a replay finds nothing.
  const stored = state ? await withDataApi((client) => client.items.remove(STATES, state)) : null;
  const fail = async (error: string, detail: string): Promise<CallbackResult> => {
    await audit({ what: 'oauth callback', outcome: 'denied', detail });
    return { ok: false, error, siteOrigin: c.siteOrigin, mode: (stored?.['mode'] as 'popup' | 'redirect' | undefined) ?? 'popup' };
  };
  if (!stored) return fail('invalid_state', 'missing, unknown or replayed state');
  if (new Date(stored['expiresAt'] as string | Date).getTime() < Date.now()) return fail('invalid_state', 'expired state');
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
    const info = await tokenInfo(tokens.access_token);
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
    return { ok: true, siteOrigin: c.siteOrigin, mode: (stored['mode'] as 'popup' | 'redirect') ?? 'popup' };
  } catch (error) {
    return fail('exchange_failed', `code exchange failed: ${(error as Error).message}`);
  }
}

async function tokenInfo(token: string): Promise<{ siteId: string }> {
  const response = await fetch('https://www.wixapis.com/oauth2/token-info', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token }) });
  const body = (await response.json()) as { active?: boolean; siteId?: string };
  if (!body.active || !body.siteId) throw new Error('the new access token is not active');
  return { siteId: body.siteId };
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
    // invalid_grant: revoked at the server, or a reused refresh token made the server revoke the grant.
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
  const connection = await readConnection(memberId);
  if (!connection || connection.status !== 'connected') throw new EnvelopeError('NOT_FOUND', 'No connected site. Connect first.');
  const call = (token: string) =>
    fetch('https://www.wixapis.com/wix-data/v2/items/query', {
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
