import { ApiKeyStrategy, createClient, OAuthStrategy } from '@wix/sdk';
import { collections, items } from '@wix/data';
import { CONTROL_SECRET_HEADER, startTestPlatform as startPlatformForTests, type TestPlatform as BareTestPlatform } from '../../platform/index.ts';
import { demoPlatformOptions, withDemoExtras, type DemoExtras, type DemoPlatformOptions } from '../../demo/seed/index.ts';

export type TestPlatform = BareTestPlatform & DemoExtras;

/**
 * The façade's startTestPlatform (in memory, free port, wixapis.com routed to it, `stop()`), with `seed: 'demo'`
 * understood and the demo's extras (`secondSiteId`, `setupVeloBackend()`) on the result.
 */
export async function startTestPlatform(options: DemoPlatformOptions = {}): Promise<TestPlatform> {
  return withDemoExtras(await startPlatformForTests(demoPlatformOptions(options)));
}

/**
 * Creates a collection for a test: no declared fields unless given (items are schemaless either way, as on Wix), and
 * by default anyone may read and only the admin may write.
 */
export async function createTestCollection(
  admin: ReturnType<typeof apiKeyClient>,
  id: string,
  options: { fields?: { key: string; type: string }[]; permissions?: Record<'read' | 'insert' | 'update' | 'remove', string> } = {},
): Promise<void> {
  const { fields = [], permissions = { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } } = options;
  await admin.collections.createDataCollection({ _id: id, displayName: id, fields, permissions } as never);
}

/** Server-to-server client: `Authorization: <key>` plus `wix-site-id`. */
export function apiKeyClient(platform: { apiKey: string; siteId: string }, apiKey = platform.apiKey) {
  return createClient({ modules: { items, collections }, auth: ApiKeyStrategy({ apiKey, siteId: platform.siteId }) });
}

/** A visitor session through the SDK's own OAuthStrategy (anonymous token from /oauth2/token). */
export function visitorClient(platform: { clientId: string }) {
  return createClient({ modules: { items, collections }, auth: OAuthStrategy({ clientId: platform.clientId }) });
}

/** A client that sends a fixed access token, as a site widget does with an injected token. */
export function tokenClient(token: string) {
  return createClient({
    modules: { items, collections },
    auth: { getAuthHeaders: async () => ({ headers: { Authorization: token } }) },
  });
}

/**
 * Logs a member in through the SDK's real flow: login → redirect session → /oauth2/authorize with the
 * session token → authorization code + PKCE → member tokens. Returns a client holding them.
 */
export async function memberClient(platform: { clientId: string }, email: string, password: string) {
  const client = createClient({ modules: { items, collections }, auth: OAuthStrategy({ clientId: platform.clientId }) });
  const login = await client.auth.login({ email, password });
  if (login.loginState !== 'SUCCESS') throw new Error(`login failed: ${JSON.stringify(login)}`);
  const redirectUri = 'https://localhost/callback';
  const oauthData = client.auth.generateOAuthData(redirectUri);
  const { authUrl } = await client.auth.getAuthUrl(oauthData, { responseMode: 'query', prompt: 'none', sessionToken: login.data.sessionToken } as never);
  const answer = await fetch(authUrl, { redirect: 'manual' });
  const location = answer.headers.get('location');
  if (answer.status !== 302 || !location) throw new Error(`authorize answered ${answer.status}`);
  const { code, state, error } = client.auth.parseFromUrl(location, 'query');
  if (error) throw new Error(`authorize error: ${error}`);
  const tokens = await client.auth.getMemberTokens(code, state, oauthData);
  client.auth.setTokens(tokens);
  return { client, tokens };
}

/** Raw call with a hand-built request, for the cases the SDK never sends (bad input). */
export async function rawCall(platform: { url: string }, path: string, init: { method?: string; headers?: Record<string, string>; body?: string } = {}) {
  const response = await fetch(`https://www.wixapis.com${path}`, {
    method: init.method ?? 'POST',
    headers: { 'content-type': 'application/json', ...init.headers },
    ...(init.body !== undefined ? { body: init.body } : {}),
  });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json: json as Record<string, any> | undefined, text, headers: response.headers };
}

/** A call to a `/_platform/*` control route, as the developer's own tools make it: the run's secret and a JSON body. */
export function controlCall(platform: { url: string; controlSecret: string }, path: string, init: { method?: string; body?: unknown } = {}) {
  const method = init.method ?? (init.body === undefined ? 'GET' : 'POST');
  return rawCall(platform, path, {
    method,
    headers: { [CONTROL_SECRET_HEADER]: platform.controlSecret },
    ...(method === 'GET' ? {} : { body: JSON.stringify(init.body ?? {}) }),
  });
}

export function adminHeaders(platform: { apiKey: string; siteId: string }) {
  return { authorization: platform.apiKey, 'wix-site-id': platform.siteId };
}

/** Error details as the SDK exposes them: `err.details.applicationError.code` (reference §3.2). */
export function errorCode(error: unknown): string | undefined {
  return (error as { details?: { applicationError?: { code?: string } } }).details?.applicationError?.code;
}
