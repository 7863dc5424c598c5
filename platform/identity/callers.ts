import type { IncomingHttpHeaders } from 'node:http';
import { errors } from '../errors.ts';
import type { ApiKeyPermission, Directory } from './directory.ts';
import { TokenError, type TokenService } from './tokens.ts';

/** Everyone who can call the platform's APIs, on one site (the primary one when `siteId` is absent). */
export type Caller = (
  | { kind: 'visitor'; id: string }
  | { kind: 'member'; id: string }
  | { kind: 'owner'; id: string }
  | { kind: 'apiKey'; id: string; permissions: ReadonlySet<ApiKeyPermission> }
  /** A third-party app: `id` is the user it acts for (the client id under client_credentials). */
  | { kind: 'app'; id: string; clientId: string; grantId: string; userRole: 'member' | 'owner' | undefined; scopes: ReadonlySet<string> }
) & { siteId?: string };

const TOKEN_MESSAGES: Record<TokenError['reason'], string> = {
  malformed: 'Unauthorized: the access token is malformed.',
  signature: 'Unauthorized: the access token signature is not valid.',
  expired: 'Unauthorized: the access token has expired.',
  revoked: 'Unauthorized: the access token was revoked.',
  'wrong-kind': 'Unauthorized: this is not an access token.',
  'foreign-site': 'Unauthorized: the access token belongs to another site.',
};

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  // safe-lookup: name is a header name literal at every call site
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
}

/**
 * Works out who is calling, from the raw `Authorization` header (Wix sends no "Bearer " prefix; OAuth apps may).
 * API keys need exactly one of `wix-site-id` / `wix-account-id`, and every API here is site-level.
 */
export async function resolveCaller(
  headers: IncomingHttpHeaders,
  deps: {
    tokens: TokenService;
    directory: Directory;
    siteId: string;
    activeGrant?: (grantId: string) => { subjectRole: 'member' | 'owner' | undefined } | undefined;
  },
): Promise<Caller> {
  const raw = (header(headers, 'authorization') ?? '').trim().replace(/^Bearer\s+/i, '');
  if (!raw) throw errors.unauthenticated('Unauthorized: the Authorization header is missing.');

  if (raw.startsWith('IST.')) {
    const key = deps.directory.findApiKey(raw);
    if (!key) throw errors.unauthenticated('Unauthorized: the API key is not valid.');
    const siteId = header(headers, 'wix-site-id');
    const accountId = header(headers, 'wix-account-id');
    if (siteId && accountId) throw errors.forbidden('Send exactly one of the wix-site-id and wix-account-id headers with an API key.');
    if (!siteId && accountId) throw errors.forbidden('This is a site-level API: send the wix-site-id header, not wix-account-id.');
    if (!siteId) throw errors.forbidden('The wix-site-id header is required with an API key.');
    const site = deps.directory.getSite(siteId);
    if (!site || site.accountId !== key.accountId) {
      throw errors.forbidden('The API key does not grant access to the site named in wix-site-id.');
    }
    return { kind: 'apiKey', id: key.id, permissions: key.permissions, siteId };
  }

  try {
    const claims = await deps.tokens.verifyAccess(raw);
    if (claims.role === 'app') {
      const grant = claims.grantId ? deps.activeGrant?.(claims.grantId) : undefined;
      if (!grant) throw errors.unauthenticated(TOKEN_MESSAGES.revoked);
      // An app token may name the site it is for; it must be this one.
      const siteHeader = header(headers, 'wix-site-id');
      if (siteHeader && siteHeader !== claims.siteId) throw errors.forbidden('The token does not grant access to the site named in wix-site-id.');
      return {
        kind: 'app',
        id: claims.subjectId,
        clientId: claims.clientId,
        grantId: claims.grantId!,
        userRole: grant.subjectRole,
        scopes: new Set(claims.scopes ?? []),
        siteId: claims.siteId,
      };
    }
    return { kind: claims.role, id: claims.subjectId, siteId: claims.siteId };
  } catch (error) {
    if (error instanceof TokenError) throw errors.unauthenticated(TOKEN_MESSAGES[error.reason]);
    throw error;
  }
}
