import { randomBytes } from 'node:crypto';
import { escapeHtml, htmlPage, pkceS256, postedFromAnotherOrigin } from '../http/pages.ts';
import { RawResponse, type RequestContext } from '../http/router.ts';
import { redirectUriAllowed } from '../identity/clients.ts';
import type { Directory, Member } from '../identity/directory.ts';
import type { AccessClaims, TokenService } from '../identity/tokens.ts';
import type { PlatformClock } from '../clock.ts';
import { authGuard, Throttled, throttleClient, throttledPage, type AuthGuard } from '../identity/throttle.ts';
import { isScope, SCOPES, type AppRegistry, type Grant, type OAuthApp, type Scope } from './apps.ts';
import { ACCOUNT_SESSION_COOKIE } from '../http/site-headers.ts';
import { pruneCodes } from '../identity/codes.ts';

export const APP_ACCESS_TTL_SECONDS = 900;
const CODE_TTL_MS = 10 * 60 * 1000;
const SESSION_COOKIE = ACCOUNT_SESSION_COOKIE;

export type OAuthAuditEvent = 'code_issued' | 'token_issued' | 'refresh' | 'refused' | 'reuse_detected' | 'revoked' | 'consent_denied';
export interface OAuthAuditEntry {
  at: string;
  event: OAuthAuditEvent;
  clientId?: string;
  grantId?: string;
  reason: string;
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string | undefined;
  subjectId: string;
  subjectRole: 'member' | 'owner';
  siteId: string;
  scopes: Scope[];
  expiresAt: number;
  used: boolean;
  grantId?: string;
}

/** RFC 6749 error; never cached. */
class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
}

const NO_STORE = { 'cache-control': 'no-store', pragma: 'no-cache' };
const json = (status: number, body: unknown, extra: Record<string, string> = {}) =>
  new RawResponse(status, JSON.stringify(body), { 'content-type': 'application/json', ...NO_STORE, ...extra });

// The consent and connected-apps pages must never be framed (clickjacking).
const page = (status: number, title: string, body: string, headers: Record<string, string> = {}) =>
  htmlPage(status, title, body, { 'x-frame-options': 'DENY', ...headers });

function param(body: Record<string, unknown>, snake: string, camel?: string): string | undefined {
  // safe-lookup: camel/snake are parameter-name literals at every call site
  const value = body[snake] ?? (camel ? body[camel] : undefined);
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Longest `login_hint` used (an email address is at most 254 characters, RFC 5321); a longer one is ignored. */
export const LOGIN_HINT_MAX = 254;

/**
 * The OIDC `login_hint` of an authorize request, when it can be an account name: one, 1 to LOGIN_HINT_MAX characters,
 * no control characters. Anything else is ignored, as OIDC lets the server do; it is never an error.
 */
export function loginHint(query: URLSearchParams): string | undefined {
  const all = query.getAll('login_hint');
  const hint = all.length === 1 ? all[0]!.trim() : '';
  return hint && hint.length <= LOGIN_HINT_MAX && !/\p{Cc}/u.test(hint) ? hint : undefined;
}

function cookie(ctx: RequestContext, name: string): string | undefined {
  const raw = ctx.headers['cookie'];
  for (const part of (Array.isArray(raw) ? raw.join(';') : (raw ?? '')).split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key !== name) continue;
    try {
      return decodeURIComponent(rest.join('='));
    } catch {
      return undefined; // a malformed escape (`%`): no session, as a browser with a mangled cookie has none
    }
  }
  return undefined;
}

/**
 * The authorization server for third-party apps (see CONTRACT.md): consent, codes bound to client, redirect URI,
 * PKCE and user; refresh-token rotation with reuse detection; client_credentials; revocation; the legacy
 * /oauth/access exchange; the "Connected apps" page. Every refusal and every refresh is audited without secrets.
 */
export class AppAuthorizationServer {
  readonly audit: OAuthAuditEntry[] = [];
  private readonly codes = new Map<string, AuthorizationCode>();
  /** Password and client-secret checks share the platform's limits (identity/limits.ts). */
  private readonly guard: AuthGuard;

  constructor(
    readonly apps: AppRegistry,
    private readonly tokens: TokenService,
    private readonly directory: Directory,
    private readonly clock: PlatformClock,
    private readonly primarySiteId: string,
  ) {
    this.guard = authGuard(directory, clock);
  }

  /** A password check under the account and client limits; Throttled when refused. */
  private signIn(ctx: RequestContext, email: string, password: string): Promise<Member | undefined> {
    return this.guard.attempt({ kind: 'password', account: email, client: throttleClient(ctx.remoteAddress, ctx.headers) }, () =>
      this.directory.authenticate(email, password),
    );
  }

  /** Ids and reasons are cut: a client id is whatever a caller sent (megabytes), and the audit keeps 1,000 entries. */
  private record(event: OAuthAuditEvent, reason: string, ids: { clientId?: string | undefined; grantId?: string | undefined } = {}): void {
    this.audit.push({
      at: new Date(this.clock.now()).toISOString(),
      event,
      reason: reason.slice(0, 300),
      ...(ids.clientId ? { clientId: ids.clientId.slice(0, 100) } : {}),
      ...(ids.grantId ? { grantId: ids.grantId.slice(0, 100) } : {}),
    });
    if (this.audit.length > 1000) this.audit.shift();
  }

  isApp(clientId: string | undefined | null): boolean {
    return !!clientId && this.apps.get(clientId) !== undefined;
  }

  /** Whether a token request is for an app: client authentication, an app's client id, or client_credentials. */
  handlesTokenRequest(ctx: RequestContext): boolean {
    const body = (ctx.body ?? {}) as Record<string, unknown>;
    const auth = ctx.headers['authorization'];
    return (
      (typeof auth === 'string' && /^Basic /i.test(auth)) ||
      param(body, 'client_secret') !== undefined ||
      this.isApp(param(body, 'client_id', 'clientId')) ||
      param(body, 'grant_type', 'grantType') === 'client_credentials'
    );
  }

  // ---------------------------------------------------------------------------------------------- authorize

  private sessionUser(ctx: RequestContext): Promise<Member | undefined> {
    const token = cookie(ctx, SESSION_COOKIE);
    if (!token) return Promise.resolve(undefined);
    return this.tokens
      .verifySession(token)
      .then((claims) => this.directory.getMember(claims.subjectId))
      .catch(() => undefined);
  }

  private async sessionCookie(member: Member): Promise<string> {
    const token = await this.tokens.issueSession(member.id);
    return `${SESSION_COOKIE}=${encodeURIComponent(token)}; Path=/oauth2; HttpOnly; Secure; SameSite=Lax; Max-Age=600`;
  }

  private redirectBack(redirectUri: string, query: URLSearchParams, result: Record<string, string>, headers: Record<string, string> = {}): RawResponse {
    const state = query.get('state');
    const params = new URLSearchParams({ ...result, ...(state ? { state } : {}) });
    return new RawResponse(302, '', { location: `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${params}`, ...NO_STORE, ...headers });
  }

  /** Checks the request; an unknown client or redirect URI gets a page and never a redirect. */
  private checkAuthorize(
    query: URLSearchParams,
  ): { app: OAuthApp; redirectUri: string; scopes: Scope[]; challenge: string; site: { id: string; name: string } } | RawResponse {
    const clientId = query.get('client_id') ?? '';
    const app = this.apps.get(clientId);
    const redirectUri = query.get('redirect_uri') ?? '';
    if (!app || !redirectUriAllowed({ clientId, name: app.name, kind: 'app', redirectUris: app.redirectUris }, redirectUri)) {
      this.record('refused', app ? 'authorize: unregistered redirect_uri' : 'authorize: unknown client', { clientId: app?.clientId });
      return page(
        400,
        'Authorization error',
        '<h1>This request cannot be authorized</h1><p class="error">The application or its redirect address is not registered.</p>',
      );
    }
    const fail = (error: string, reason: string) => {
      this.record('refused', `authorize: ${reason}`, { clientId });
      return this.redirectBack(redirectUri, query, { error, error_description: reason });
    };
    if (query.get('response_type') !== 'code') return fail('unsupported_response_type', 'response_type must be code');
    const challenge = query.get('code_challenge');
    if (!challenge || query.get('code_challenge_method') !== 'S256' || !/^[\w-]{43,128}$/.test(challenge))
      return fail('invalid_request', 'PKCE with S256 is required');
    const requested = (query.get('scope') ?? '').split(/\s+/).filter((s) => s && s !== 'offline_access');
    const scopes = requested.length ? requested : app.scopes;
    if (!scopes.every((s) => isScope(s) && app.scopes.includes(s))) return fail('invalid_scope', 'a requested scope is not allowed for this app');
    // Which of the user's sites to connect (a local extension; default: the platform's primary site).
    const site = this.directory.getSite(query.get('site_id') ?? this.primarySiteId);
    if (!site) return fail('invalid_request', 'unknown site_id');
    return { app, redirectUri, scopes: scopes as Scope[], challenge, site: { id: site.id, name: site.name } };
  }

  private consentPage(query: URLSearchParams, app: OAuthApp, scopes: Scope[], siteName: string, member: Member | undefined, message?: string): RawResponse {
    const action = `/oauth2/authorize?${escapeHtml(query.toString())}`;
    // OIDC `login_hint` only pre-fills the field (escaped); it never signs anyone in, and a signed-in user stays who they are.
    const hint = loginHint(query);
    const signIn = member
      ? `<p>Signed in as <strong>${escapeHtml(member.email)}</strong>.</p>`
      : `<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required${hint ? ` value="${escapeHtml(hint)}"` : ''}>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required${hint ? ' autofocus' : ''}>`;
    return page(
      message ? 401 : 200,
      `Connect ${app.name}`,
      `<h1><strong>${escapeHtml(app.name)}</strong> wants to connect to your site <strong>${escapeHtml(siteName)}</strong></h1>${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ''}
<p>It asks to:</p><ul>${scopes.map((s) => `<li>${escapeHtml(SCOPES[s])}</li>`).join('')}</ul>
<form method="post" action="${action}">${signIn}
<button name="decision" value="allow" type="submit">Allow</button><button class="deny" name="decision" value="deny" type="submit" formnovalidate>Deny</button></form>`,
    );
  }

  async authorizeGet(ctx: RequestContext): Promise<RawResponse> {
    const checked = this.checkAuthorize(ctx.query);
    if (checked instanceof RawResponse) return checked;
    return this.consentPage(ctx.query, checked.app, checked.scopes, checked.site.name, await this.sessionUser(ctx));
  }

  async authorizePost(ctx: RequestContext): Promise<RawResponse> {
    const checked = this.checkAuthorize(ctx.query);
    if (checked instanceof RawResponse) return checked;
    const form = (typeof ctx.body === 'object' && ctx.body ? ctx.body : {}) as Record<string, unknown>;
    let member = await this.sessionUser(ctx);
    let setCookie: string | undefined;
    if (typeof form['email'] === 'string' && typeof form['password'] === 'string') {
      if (postedFromAnotherOrigin(ctx)) {
        this.record('refused', 'authorize: sign-in posted from another origin', { clientId: checked.app.clientId });
        return page(403, 'Not allowed', '<h1>Not allowed</h1><p class="error">Sign in on this page.</p>');
      }
      try {
        member = await this.signIn(ctx, form['email'], form['password']);
      } catch (error) {
        if (!(error instanceof Throttled)) throw error;
        this.record('refused', `authorize: sign-in throttled (${error.reason})`, { clientId: checked.app.clientId });
        return throttledPage(error, (_status, message) => this.consentPage(ctx.query, checked.app, checked.scopes, checked.site.name, undefined, message));
      }
      if (!member) {
        this.record('refused', 'authorize: wrong email or password', { clientId: checked.app.clientId });
        return this.consentPage(ctx.query, checked.app, checked.scopes, checked.site.name, undefined, 'Wrong email or password.');
      }
      setCookie = await this.sessionCookie(member);
    } else if (member && ctx.headers['origin'] !== ctx.origin) {
      // Consent given on the strength of the cookie alone must come from this platform's own page.
      this.record('refused', 'authorize: cookie consent from another origin', { clientId: checked.app.clientId });
      return page(403, 'Not allowed', '<h1>Not allowed</h1><p class="error">Give consent on this page.</p>');
    }
    if (!member) return this.consentPage(ctx.query, checked.app, checked.scopes, checked.site.name, undefined);
    const headers: Record<string, string> = setCookie ? { 'set-cookie': setCookie } : {};
    if (form['decision'] !== 'allow') {
      this.record('consent_denied', 'the user denied access', { clientId: checked.app.clientId });
      return this.redirectBack(checked.redirectUri, ctx.query, { error: 'access_denied', error_description: 'The user denied access.' }, headers);
    }
    const code = randomBytes(32).toString('base64url');
    pruneCodes(this.codes, this.clock.now(), CODE_TTL_MS);
    this.codes.set(code, {
      clientId: checked.app.clientId,
      redirectUri: checked.redirectUri,
      codeChallenge: checked.challenge,
      subjectId: member.id,
      subjectRole: member.role,
      siteId: checked.site.id,
      scopes: checked.scopes,
      expiresAt: this.clock.now() + CODE_TTL_MS,
      used: false,
    });
    this.record('code_issued', 'authorization code issued', { clientId: checked.app.clientId });
    return this.redirectBack(checked.redirectUri, ctx.query, { code }, headers);
  }

  // ---------------------------------------------------------------------------------------------- tokens

  /**
   * Client authentication (client_secret_basic or client_secret_post). A presented secret is checked under the
   * account (client id) and client (remote address) limits; throttled → Throttled (answered 429 by the caller).
   */
  private async authenticateClient(ctx: RequestContext, body: Record<string, unknown>): Promise<OAuthApp> {
    const header = ctx.headers['authorization'];
    let clientId = param(body, 'client_id', 'clientId');
    let secret = param(body, 'client_secret', 'clientSecret');
    if (typeof header === 'string' && /^Basic /i.test(header)) {
      const decoded = Buffer.from(header.slice(6).trim(), 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      try {
        clientId = decodeURIComponent(decoded.slice(0, colon));
        secret = decodeURIComponent(decoded.slice(colon + 1));
      } catch {
        clientId = secret = undefined; // a malformed %-escape is a failed authentication, not a 500
      }
    }
    let app: OAuthApp | undefined;
    if (clientId && secret) {
      const id = clientId;
      const presented = secret;
      try {
        app = await this.guard.attempt({ kind: 'client-secret', account: id, client: throttleClient(ctx.remoteAddress, ctx.headers) }, async () =>
          this.apps.authenticate(id, presented),
        );
      } catch (error) {
        if (error instanceof Throttled) this.record('refused', `token: client authentication throttled (${error.reason})`, { clientId: id });
        throw error;
      }
    }
    if (!app) {
      this.record('refused', 'token: client authentication failed', { clientId });
      throw new OAuthError(401, 'invalid_client', 'Client authentication failed.');
    }
    return app;
  }

  private async issue(app: OAuthApp, grant: Grant, scopes: Scope[], withRefresh: boolean) {
    const access = await this.tokens.issueAppAccess({
      clientId: app.clientId,
      grantId: grant.id,
      subjectId: grant.subjectId ?? app.clientId,
      scopes,
      ttlSeconds: APP_ACCESS_TTL_SECONDS,
      siteId: grant.siteId,
    });
    return {
      access_token: access.token,
      token_type: 'Bearer',
      expires_in: access.expiresIn,
      scope: scopes.join(' '),
      ...(withRefresh ? { refresh_token: this.apps.issueRefreshToken(grant.id) } : {}),
    };
  }

  private async exchangeCode(app: OAuthApp, body: Record<string, unknown>, legacy: boolean) {
    const code = param(body, 'code');
    const stored = code ? this.codes.get(code) : undefined;
    const refuse = (reason: string, grantId?: string): never => {
      this.record('refused', `token: ${reason}`, { clientId: app.clientId, grantId });
      throw new OAuthError(400, 'invalid_grant', 'The authorization code is not valid.');
    };
    if (!stored) return refuse('unknown authorization code');
    // A code is bound to its client (RFC 6749 §4.1.3): another client presenting it neither spends it nor, as a
    // replay, revokes the grant the rightful client got with it.
    if (stored.clientId !== app.clientId) return refuse('code issued to another client');
    if (stored.used) {
      // A replayed code: revoke what the first exchange produced (RFC 6749 §4.1.2).
      if (stored.grantId) this.apps.revokeGrant(stored.grantId);
      this.record('reuse_detected', 'authorization code replayed; its grant was revoked', { clientId: app.clientId, grantId: stored.grantId });
      throw new OAuthError(400, 'invalid_grant', 'The authorization code was already used.');
    }
    stored.used = true;
    if (stored.expiresAt < this.clock.now()) return refuse('authorization code expired');
    const redirectUri = param(body, 'redirect_uri', 'redirectUri');
    // The legacy /oauth/access body has no redirect_uri (reference §5.3); when one is sent it must match.
    if (!(legacy && redirectUri === undefined) && redirectUri !== stored.redirectUri) return refuse('redirect_uri does not match the authorization request');
    const verifier = param(body, 'code_verifier', 'codeVerifier');
    if (stored.codeChallenge && (!verifier || pkceS256(verifier) !== stored.codeChallenge)) return refuse('PKCE verifier missing or wrong');
    const grant = this.apps.createGrant({
      clientId: app.clientId,
      subjectId: stored.subjectId,
      subjectRole: stored.subjectRole,
      siteId: stored.siteId,
      scopes: stored.scopes,
    });
    stored.grantId = grant.id;
    // Consent installs the app on the site: from now on it has an instance there (token-info's instanceId).
    this.apps.installOn(app.clientId, stored.siteId ?? this.primarySiteId);
    this.record('token_issued', 'authorization code exchanged', { clientId: app.clientId, grantId: grant.id });
    return this.issue(app, grant, grant.scopes, true);
  }

  private async refresh(app: OAuthApp, body: Record<string, unknown>) {
    const presented = param(body, 'refresh_token', 'refreshToken');
    const found = presented ? this.apps.findRefreshToken(presented) : undefined;
    const grant = found ? this.apps.grant(found.grantId) : undefined;
    if (!presented || !found || !grant || grant.clientId !== app.clientId) {
      this.record('refused', 'refresh: unknown refresh token', { clientId: app.clientId });
      throw new OAuthError(400, 'invalid_grant', 'The refresh token is not valid.');
    }
    if (grant.revokedAt) {
      this.record('refused', 'refresh: the grant was revoked', { clientId: app.clientId, grantId: grant.id });
      throw new OAuthError(400, 'invalid_grant', 'The refresh token is not valid.');
    }
    // Reuse of a rotated refresh token means it leaked: revoke the whole grant (RFC 9700 §4.14.2). Checked before the
    // scope, so that a leaked token sent with a wider scope is caught as reuse too.
    if (found.used) return this.refreshReused(app, grant.id);
    const requested = (param(body, 'scope') ?? '').split(/\s+/).filter((s) => s && s !== 'offline_access');
    if (requested.some((s) => !grant.scopes.includes(s as Scope))) {
      this.record('refused', 'refresh: scope escalation', { clientId: app.clientId, grantId: grant.id });
      throw new OAuthError(400, 'invalid_scope', 'A refresh cannot add scopes.');
    }
    if (!this.apps.consumeRefreshToken(presented)) return this.refreshReused(app, grant.id);
    this.record('refresh', 'refresh token rotated', { clientId: app.clientId, grantId: grant.id });
    return this.issue(app, grant, requested.length ? (requested as Scope[]) : grant.scopes, true);
  }

  private refreshReused(app: OAuthApp, grantId: string): never {
    this.apps.revokeGrant(grantId);
    this.record('reuse_detected', 'a used refresh token was presented; the grant was revoked', { clientId: app.clientId, grantId });
    throw new OAuthError(400, 'invalid_grant', 'The refresh token was already used.');
  }

  private async clientCredentials(app: OAuthApp, body: Record<string, unknown>) {
    const requested = (param(body, 'scope') ?? '').split(/\s+/).filter(Boolean);
    const scopes = requested.length ? requested : app.scopes;
    if (!scopes.every((s) => isScope(s) && app.scopes.includes(s))) {
      this.record('refused', 'client_credentials: scope not allowed', { clientId: app.clientId });
      throw new OAuthError(400, 'invalid_scope', 'A requested scope is not allowed for this app.');
    }
    // Wix's app authentication today: client credentials for one app instance (the app on one site). The token
    // reaches that instance's site only; an instance of another app, or none at all, is refused.
    const sent = Object.hasOwn(body, 'instance_id') || Object.hasOwn(body, 'instanceId');
    const instanceId = param(body, 'instance_id', 'instanceId');
    let siteId: string | undefined;
    if (sent) {
      const instance = instanceId !== undefined && instanceId.length <= 100 ? this.apps.instance(instanceId) : undefined;
      if (!instance || instance.clientId !== app.clientId) {
        this.record('refused', 'client_credentials: unknown app instance', { clientId: app.clientId });
        throw new OAuthError(400, 'invalid_request', 'The app has no instance with this instance_id.');
      }
      siteId = instance.siteId;
    }
    const grant = this.apps.createGrant({ clientId: app.clientId, scopes: scopes as Scope[], siteId });
    this.record('token_issued', sent ? 'client_credentials for an app instance' : 'client_credentials', {
      clientId: app.clientId,
      grantId: grant.id,
    });
    return this.issue(app, grant, grant.scopes, false);
  }

  async token(ctx: RequestContext, legacy = false): Promise<RawResponse> {
    try {
      const body = (typeof ctx.body === 'object' && ctx.body ? ctx.body : {}) as Record<string, unknown>;
      const app = await this.authenticateClient(ctx, body);
      const grantType = param(body, 'grant_type', 'grantType');
      let result: Record<string, unknown>;
      if (grantType === 'authorization_code') result = await this.exchangeCode(app, body, legacy);
      else if (grantType === 'refresh_token') result = await this.refresh(app, body);
      else if (grantType === 'client_credentials' && !legacy) result = await this.clientCredentials(app, body);
      else {
        this.record('refused', `token: unsupported grant ${String(grantType).slice(0, 40)}`, { clientId: app.clientId });
        throw new OAuthError(400, 'unsupported_grant_type', 'This grant type is not supported.');
      }
      return json(200, legacy ? { access_token: result['access_token'], refresh_token: result['refresh_token'] } : result);
    } catch (error) {
      if (error instanceof OAuthError)
        return json(
          error.status,
          { error: error.error, error_description: error.message },
          error.status === 401 ? { 'www-authenticate': 'Basic realm="oauth2"' } : {},
        );
      // Wix's 429 body, plus the RFC 6749 fields OAuth clients read (`slow_down`, as RFC 8628 names backing off).
      if (error instanceof Throttled) return error.toJsonResponse({ error: 'slow_down', error_description: error.message });
      throw error;
    }
  }

  async revoke(ctx: RequestContext): Promise<RawResponse> {
    try {
      const body = (typeof ctx.body === 'object' && ctx.body ? ctx.body : {}) as Record<string, unknown>;
      const app = await this.authenticateClient(ctx, body);
      const token = param(body, 'token') ?? '';
      let grantId: string | undefined;
      const refresh = this.apps.findRefreshToken(token);
      if (refresh) grantId = refresh.grantId;
      else {
        const claims = await this.tokens.verifyAccess(token).catch(() => undefined);
        if (claims?.role === 'app') grantId = claims.grantId;
      }
      const grant = grantId ? this.apps.grant(grantId) : undefined;
      if (grant && grant.clientId === app.clientId && this.apps.revokeGrant(grant.id))
        this.record('revoked', 'revoked by the app', { clientId: app.clientId, grantId: grant.id });
      return json(200, {});
    } catch (error) {
      if (error instanceof OAuthError) return json(error.status, { error: error.error, error_description: error.message });
      if (error instanceof Throttled) return error.toJsonResponse({ error: 'slow_down', error_description: error.message });
      throw error;
    }
  }

  tokenInfo(claims: AccessClaims): Record<string, unknown> {
    const grant = claims.grantId ? this.apps.activeGrant(claims.grantId) : undefined;
    if (!grant) return { active: false };
    return {
      active: true,
      subjectType: 'APP',
      subjectId: claims.subjectId,
      clientId: claims.clientId,
      scope: (claims.scopes ?? []).join(' '),
      exp: claims.exp,
      iat: claims.iat,
      siteId: claims.siteId,
      ...this.instanceField(claims.clientId, claims.siteId),
    };
  }

  /** `instanceId` in token-info: the app's instance on the token's site, once it has one. */
  private instanceField(clientId: string | undefined, siteId: string | undefined): { instanceId?: string } {
    const instanceId = clientId ? this.apps.instanceOf(clientId, siteId ?? this.primarySiteId) : undefined;
    return instanceId ? { instanceId } : {};
  }

  // ---------------------------------------------------------------------------------------------- connected apps

  private connectedAppsPage(member: Member, headers: Record<string, string> = {}): RawResponse {
    const grants = this.apps.grantsOf(member.id);
    const rows = grants
      .map(
        (
          g,
        ) => `<tr><td>${escapeHtml(g.appName)}</td><td>${g.scopes.map((s) => escapeHtml(SCOPES[s])).join('<br>')}</td><td>${escapeHtml(g.createdAt.slice(0, 10))}</td>
<td><form method="post" action="/oauth2/connected-apps/revoke"><input type="hidden" name="grant_id" value="${escapeHtml(g.id)}"><button class="deny" type="submit">Revoke</button></form></td></tr>`,
      )
      .join('');
    return page(
      200,
      'Connected apps',
      `<h1>Connected apps</h1><p>Signed in as <strong>${escapeHtml(member.email)}</strong>.</p>${
        grants.length
          ? `<table><thead><tr><th>App</th><th>Can</th><th>Since</th><th></th></tr></thead><tbody>${rows}</tbody></table>`
          : '<p>No app is connected.</p>'
      }`,
      headers,
    );
  }

  private signInPage(message?: string): RawResponse {
    return page(
      message ? 401 : 200,
      'Sign in',
      `<h1>Sign in to see your connected apps</h1>${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ''}<form method="post" action="/oauth2/connected-apps">
<label for="email">Email</label><input id="email" name="email" type="email" required><label for="password">Password</label><input id="password" name="password" type="password" required>
<button type="submit">Sign in</button></form>`,
    );
  }

  async connectedApps(ctx: RequestContext): Promise<RawResponse> {
    if (ctx.method === 'POST') {
      if (postedFromAnotherOrigin(ctx)) {
        this.record('refused', 'connected apps: sign-in posted from another origin');
        return page(403, 'Not allowed', '<h1>Not allowed</h1><p class="error">Sign in on this page.</p>');
      }
      const form = (ctx.body ?? {}) as Record<string, unknown>;
      let member: Member | undefined;
      try {
        member =
          typeof form['email'] === 'string' && typeof form['password'] === 'string' ? await this.signIn(ctx, form['email'], form['password']) : undefined;
      } catch (error) {
        if (!(error instanceof Throttled)) throw error;
        this.record('refused', `connected apps: sign-in throttled (${error.reason})`);
        return throttledPage(error, (_status, message) => this.signInPage(message));
      }
      if (!member) return this.signInPage('Wrong email or password.');
      return this.connectedAppsPage(member, { 'set-cookie': await this.sessionCookie(member) });
    }
    const member = await this.sessionUser(ctx);
    return member ? this.connectedAppsPage(member) : this.signInPage();
  }

  async connectedAppsRevoke(ctx: RequestContext): Promise<RawResponse> {
    const member = await this.sessionUser(ctx);
    // Same-origin only: the cookie is SameSite=Lax, and the Origin header must be this platform.
    const origin = ctx.headers['origin'];
    if (!member || origin !== ctx.origin) {
      this.record('refused', 'connected apps: revoke without a same-origin session');
      return page(403, 'Not allowed', '<h1>Not allowed</h1><p class="error">Sign in on this page to revoke an app.</p>');
    }
    const given = ((ctx.body ?? {}) as Record<string, unknown>)['grant_id'];
    const grantId = typeof given === 'string' ? given : '';
    const grant = this.apps.grant(grantId);
    if (grant && grant.subjectId === member.id && this.apps.revokeGrant(grant.id))
      this.record('revoked', 'revoked by the user', { clientId: grant.clientId, grantId: grant.id });
    return new RawResponse(303, '', { location: '/oauth2/connected-apps', ...NO_STORE });
  }
}
