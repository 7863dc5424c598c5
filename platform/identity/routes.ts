import { randomBytes, randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { errors, WixApiError } from '../errors.ts';
import { escapeHtml, htmlPage, NO_FRAMING, pkceS256, postedFromAnotherOrigin } from '../http/pages.ts';
import { RawResponse, type RequestContext, type Router } from '../http/router.ts';
import type { PlatformServices } from '../services.ts';
import { parseBody, plainObject } from '../validation.ts';
import { redirectUriAllowed, type OAuthClient } from './clients.ts';
import type { SessionRole } from './tokens.ts';
import { authGuard, Throttled, throttleClient, throttledPage } from './throttle.ts';
import { pruneCodes } from './codes.ts';

/** OAuth errors use the RFC 6749 shape (`error`, `error_description`) and are never cached. */
class OAuthError extends Error {
  constructor(
    readonly status: number,
    readonly error: string,
    description: string,
  ) {
    super(description);
  }
  toResponse(): RawResponse {
    return new RawResponse(this.status, JSON.stringify({ error: this.error, error_description: this.message }), {
      'content-type': 'application/json',
      'cache-control': 'no-store',
      pragma: 'no-cache',
    });
  }
}

interface AuthorizationCode {
  clientId: string;
  redirectUri: string | undefined;
  codeChallenge: string;
  subjectId: string;
  role: SessionRole;
  expiresAt: number;
}

const CODE_TTL_MS = 10 * 60 * 1000;

/** Reads a parameter in either spelling the SDK and the docs use (camelCase or snake_case). */
function param(body: Record<string, unknown>, camel: string, snake: string): string | undefined {
  // safe-lookup: camel/snake are parameter-name literals at every call site
  const value = body[camel] ?? body[snake];
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

const LoginBody = plainObject({
  loginId: plainObject({ email: v.pipe(v.string(), v.maxLength(320)) }),
  password: v.pipe(v.string(), v.maxLength(1000)),
});

const RedirectSessionBody = plainObject({
  auth: v.optional(
    plainObject({
      authRequest: plainObject({
        clientId: v.string(),
        redirectUri: v.optional(v.string()),
        codeChallenge: v.optional(v.string()),
        codeChallengeMethod: v.optional(v.string()),
        responseMode: v.optional(v.string()),
        responseType: v.optional(v.string()),
        scope: v.optional(v.string()),
        state: v.optional(v.string()),
        sessionToken: v.optional(v.string()),
      }),
      prompt: v.optional(v.string()),
    }),
  ),
  logout: v.optional(plainObject({ clientId: v.string() })),
  callbacks: v.optional(plainObject({ postFlowUrl: v.optional(v.string()) })),
  login: v.optional(plainObject({})),
});

export function registerIdentityRoutes(router: Router, services: PlatformServices): void {
  const { tokens, directory, clients, clock } = services;
  const codes = new Map<string, AuthorizationCode>();
  const guard = authGuard(directory, clock);
  /** A password check under the account and client limits (throttle.ts); Throttled when refused. */
  const signIn = (ctx: RequestContext, email: string, password: string) =>
    guard.attempt({ kind: 'password', account: email, client: throttleClient(ctx.remoteAddress, ctx.headers) }, () => directory.authenticate(email, password));

  const tokenResponse = async (role: SessionRole, subjectId: string, clientId: string, refreshToken?: string) => {
    const access = await tokens.issueAccess(role, subjectId, clientId);
    return new RawResponse(
      200,
      JSON.stringify({
        access_token: access.token,
        token_type: 'Bearer',
        expires_in: access.expiresIn,
        refresh_token: refreshToken ?? (await tokens.issueRefresh(role, subjectId, clientId)),
      }),
      { 'content-type': 'application/json', 'cache-control': 'no-store', pragma: 'no-cache' },
    );
  };

  const requireSiteClient = (clientId: string | undefined): OAuthClient => {
    if (!clientId) throw new OAuthError(400, 'invalid_request', 'clientId is required.');
    const client = clients.get(clientId);
    if (!client) throw new OAuthError(401, 'invalid_client', 'The client is not registered on this site.');
    return client;
  };

  router.add('POST', '/oauth2/token', async (ctx) => {
    // Third-party apps (client authentication, an app's client id, client_credentials) go to the app server.
    if (services.oauth.handlesTokenRequest(ctx)) return services.oauth.token(ctx);
    try {
      const body = (ctx.body ?? {}) as Record<string, unknown>;
      if (typeof body !== 'object' || Array.isArray(body)) throw new OAuthError(400, 'invalid_request', 'The body must be an object.');
      const grantType = param(body, 'grantType', 'grant_type');
      switch (grantType) {
        case 'anonymous': {
          const client = requireSiteClient(param(body, 'clientId', 'client_id'));
          return await tokenResponse('visitor', randomUUID(), client.clientId);
        }
        case 'refresh_token': {
          const presented = param(body, 'refreshToken', 'refresh_token');
          if (!presented) throw new OAuthError(400, 'invalid_request', 'refreshToken is required.');
          const claims = await tokens.verifyRefresh(presented).catch(() => {
            throw new OAuthError(400, 'invalid_grant', 'The refresh token is not valid.');
          });
          const clientId = param(body, 'clientId', 'client_id');
          if (clientId && clientId !== claims.clientId) throw new OAuthError(400, 'invalid_grant', 'The refresh token was issued to another client.');
          if (claims.role !== 'visitor' && !directory.getMember(claims.subjectId)) {
            throw new OAuthError(400, 'invalid_grant', 'The member no longer exists.');
          }
          // Site sessions keep their refresh token (the SDK ignores a new one); OAuth apps rotate (see oauth/).
          return await tokenResponse(claims.role, claims.subjectId, claims.clientId, presented);
        }
        case 'authorization_code': {
          const client = requireSiteClient(param(body, 'clientId', 'client_id'));
          const code = param(body, 'code', 'code');
          const verifier = param(body, 'codeVerifier', 'code_verifier');
          if (!code || !verifier) throw new OAuthError(400, 'invalid_request', 'code and codeVerifier are required.');
          const grant = codes.get(code);
          codes.delete(code); // one use, whatever happens next
          if (!grant || grant.expiresAt < clock.now()) throw new OAuthError(400, 'invalid_grant', 'The authorization code is not valid or has expired.');
          if (grant.clientId !== client.clientId) throw new OAuthError(400, 'invalid_grant', 'The code was issued to another client.');
          const redirectUri = param(body, 'redirectUri', 'redirect_uri');
          if (grant.redirectUri !== redirectUri) throw new OAuthError(400, 'invalid_grant', 'redirectUri does not match the authorization request.');
          if (pkceS256(verifier) !== grant.codeChallenge) throw new OAuthError(400, 'invalid_grant', 'The PKCE code verifier does not match.');
          return await tokenResponse(grant.role, grant.subjectId, client.clientId);
        }
        default:
          throw new OAuthError(400, 'unsupported_grant_type', `Grant type "${String(grantType).slice(0, 40)}" is not supported.`);
      }
    } catch (error) {
      if (error instanceof OAuthError) return error.toResponse();
      throw error;
    }
  });

  router.add('POST', '/oauth2/token-info', async (ctx) => {
    const token = (ctx.body as { token?: unknown } | undefined)?.token;
    if (typeof token !== 'string' || !token) throw errors.badRequest('token is required.', 'INVALID_ARGUMENT');
    const claims = await tokens.inspect(token);
    if (!claims || claims.kind === 'session') return { active: false };
    if (claims.kind === 'access' && claims.role === 'app') return services.oauth.tokenInfo(claims);
    if (claims.role === 'app') return { active: false };
    const subjectType = { visitor: 'VISITOR', member: 'MEMBER', owner: 'USER' }[claims.role];
    return {
      active: true,
      subjectType,
      subjectId: claims.subjectId,
      exp: claims.kind === 'access' ? claims.exp : undefined,
      iat: claims.iat,
      clientId: claims.clientId,
      siteId: claims.siteId,
      ...(claims.role === 'owner' ? { accountId: services.accountId } : {}),
    };
  });

  const login = async (ctx: RequestContext) => {
    const body = parseBody(LoginBody, ctx.body);
    let member;
    try {
      member = await signIn(ctx, body.loginId.email, body.password);
    } catch (error) {
      // 429 in Wix's shape with Retry-After; the SDK's login() reports it as a FAILURE with this message.
      if (error instanceof Throttled) return error.toJsonResponse();
      throw error;
    }
    if (!member) {
      throw new WixApiError(400, 'Wrong email or password.', { code: '-19976' });
    }
    return {
      state: 'SUCCESS',
      sessionToken: await tokens.issueSession(member.id),
      identity: { id: member.id, email: { address: member.email } },
    };
  };
  router.add('POST', '/_api/iam/authentication/v2/login', login);
  router.add('POST', '/iam/authentication/v2/login', login);

  const redirectSession = (ctx: RequestContext) => {
    const body = parseBody(RedirectSessionBody, ctx.body);
    const id = randomUUID();
    if (body.auth) {
      const r = body.auth.authRequest;
      const search: Record<string, string> = {
        client_id: r.clientId,
        response_type: r.responseType ?? 'code',
        response_mode: r.responseMode ?? 'query',
        ...(r.redirectUri ? { redirect_uri: r.redirectUri } : {}),
        ...(r.codeChallenge ? { code_challenge: r.codeChallenge, code_challenge_method: r.codeChallengeMethod ?? 'S256' } : {}),
        ...(r.scope ? { scope: r.scope } : {}),
        ...(r.state ? { state: r.state } : {}),
        ...(r.sessionToken ? { sessionToken: r.sessionToken } : {}),
        ...(body.auth.prompt ? { prompt: body.auth.prompt } : {}),
      };
      const endpoint = `${ctx.origin}/oauth2/authorize`;
      return {
        redirectSession: { id, fullUrl: `${endpoint}?${new URLSearchParams(search)}`, urlDetails: { endpoint, searchParams: search }, sessionToken: '' },
      };
    }
    if (body.logout) {
      const endpoint = `${ctx.origin}/oauth2/logout`;
      const search = { client_id: body.logout.clientId, ...(body.callbacks?.postFlowUrl ? { post_flow_url: body.callbacks.postFlowUrl } : {}) };
      return {
        redirectSession: { id, fullUrl: `${endpoint}?${new URLSearchParams(search)}`, urlDetails: { endpoint, searchParams: search }, sessionToken: '' },
      };
    }
    return { redirectSession: { id, fullUrl: `${ctx.origin}/`, urlDetails: { endpoint: `${ctx.origin}/`, searchParams: {} }, sessionToken: '' } };
  };
  for (const prefix of ['/_api/redirects-api/v1', '/redirects-api/v1', '/headless/v1']) router.add('POST', `${prefix}/redirect-session`, redirectSession);

  /** Answers an authorization request: a redirect with the code, or a web_message page for iframes. */
  /**
   * The origin a web_message answer may be posted to: the page that framed the authorize request (its
   * Referer), if that is the platform itself or a registered redirect origin (loopback: any port).
   */
  const messageOrigin = (client: OAuthClient, referer: string | undefined, platformOrigin: string): string | undefined => {
    let origin: string;
    try {
      origin = new URL(referer ?? '').origin;
    } catch {
      return undefined;
    }
    if (origin === platformOrigin) return origin;
    return client.redirectUris.some((u) => redirectUriAllowed({ ...client, redirectUris: [new URL(u).origin + '/'] }, `${origin}/`)) ? origin : undefined;
  };

  const deliver = (client: OAuthClient, query: URLSearchParams, result: Record<string, string>, ctx: RequestContext): RawResponse => {
    const redirectUri = query.get('redirect_uri');
    const state = query.get('state');
    const payload = { ...result, ...(state ? { state } : {}) };
    const mode = query.get('response_mode') ?? 'query';
    if (mode === 'web_message') {
      const referer = ctx.headers['referer'];
      const target = messageOrigin(client, Array.isArray(referer) ? referer[0] : referer, ctx.origin);
      if (!target) return htmlPage(400, 'Sign-in error', '<h1>Sign-in error</h1><p class="error">This page may not receive the sign-in result.</p>');
      const script = `window.parent.postMessage(${JSON.stringify(payload).replace(/</g, '\\u003c')}, ${JSON.stringify(target).replace(/</g, '\\u003c')});`;
      return htmlPage(200, 'Signing in', `<p>Signing in…</p><script>${script}</script>`);
    }
    if (!redirectUri) return htmlPage(400, 'Sign-in error', '<h1>Sign-in error</h1><p class="error">redirect_uri is required.</p>');
    const params = new URLSearchParams(payload).toString();
    const target = mode === 'fragment' ? `${redirectUri}#${params}` : `${redirectUri}${redirectUri.includes('?') ? '&' : '?'}${params}`;
    return new RawResponse(302, '', { location: target, 'cache-control': 'no-store' });
  };

  /** Validates client and redirect URI first: a bad one gets an error page and never a redirect. */
  const checkAuthorizeRequest = (query: URLSearchParams): OAuthClient | RawResponse => {
    const client = clients.get(query.get('client_id') ?? '');
    const page = (msg: string) => htmlPage(400, 'Sign-in error', `<h1>Sign-in error</h1><p class="error">${escapeHtml(msg)}</p>`);
    if (!client) return page('This application is not registered on the site.');
    const redirectUri = query.get('redirect_uri');
    if (redirectUri !== null && !redirectUriAllowed(client, redirectUri)) return page('The redirect URI is not registered for this application.');
    return client;
  };

  const issueCode = (client: OAuthClient, query: URLSearchParams, ctx: RequestContext, subjectId: string, role: SessionRole): RawResponse => {
    if (query.get('response_type') !== 'code') return deliver(client, query, { error: 'unsupported_response_type' }, ctx);
    const challenge = query.get('code_challenge');
    if (!challenge || query.get('code_challenge_method') !== 'S256') {
      return deliver(client, query, { error: 'invalid_request', error_description: 'PKCE with S256 is required.' }, ctx);
    }
    const code = randomBytes(24).toString('base64url');
    pruneCodes(codes, clock.now(), CODE_TTL_MS);
    codes.set(code, {
      clientId: client.clientId,
      redirectUri: query.get('redirect_uri') ?? undefined,
      codeChallenge: challenge,
      subjectId,
      role,
      expiresAt: clock.now() + CODE_TTL_MS,
    });
    return deliver(client, query, { code }, ctx);
  };

  const loginForm = (query: URLSearchParams, message?: string) =>
    htmlPage(
      message ? 401 : 200,
      'Sign in',
      `<h1>Sign in to the site</h1>${message ? `<p class="error" role="alert">${escapeHtml(message)}</p>` : ''}
<form method="post" action="/oauth2/authorize?${escapeHtml(query.toString())}">
<label for="email">Email</label><input id="email" name="email" type="email" autocomplete="username" required>
<label for="password">Password</label><input id="password" name="password" type="password" autocomplete="current-password" required>
<button type="submit">Sign in</button></form>`,
      NO_FRAMING,
    );

  router.add('GET', '/oauth2/authorize', async (ctx) => {
    // Apps, and clients nobody knows (the app server answers those with its error page and an audit entry).
    const requested = ctx.query.get('client_id') ?? '';
    if (services.oauth.isApp(requested) || !clients.get(requested)) return services.oauth.authorizeGet(ctx);
    const checked = checkAuthorizeRequest(ctx.query);
    if (checked instanceof RawResponse) return checked;
    const sessionToken = ctx.query.get('sessionToken');
    if (sessionToken) {
      const session = await tokens.verifySession(sessionToken).catch(() => undefined);
      const member = session && directory.getMember(session.subjectId);
      if (member) return issueCode(checked, ctx.query, ctx, member.id, member.role);
    }
    if (ctx.query.get('prompt') === 'none') return deliver(checked, ctx.query, { error: 'login_required' }, ctx);
    return loginForm(ctx.query);
  });

  router.add('POST', '/oauth2/authorize', async (ctx) => {
    const requested = ctx.query.get('client_id') ?? '';
    if (services.oauth.isApp(requested) || !clients.get(requested)) return services.oauth.authorizePost(ctx);
    const checked = checkAuthorizeRequest(ctx.query);
    if (checked instanceof RawResponse) return checked;
    if (postedFromAnotherOrigin(ctx)) return htmlPage(403, 'Not allowed', '<h1>Not allowed</h1><p class="error">Sign in on this page.</p>', NO_FRAMING);
    const form = (ctx.body ?? {}) as Record<string, unknown>;
    let member;
    try {
      // Form fields are strings; a JSON body may hold anything (an object whose toString is not callable threw a 500).
      const { email, password } = form;
      member = await signIn(ctx, typeof email === 'string' ? email : '', typeof password === 'string' ? password : '');
    } catch (error) {
      if (error instanceof Throttled) return throttledPage(error, (_status, message) => loginForm(ctx.query, message));
      throw error;
    }
    if (!member) return loginForm(ctx.query, 'Wrong email or password.');
    return issueCode(checked, ctx.query, ctx, member.id, member.role);
  });

  // The app-only routes (/oauth2/revoke, /oauth/access, /oauth2/connected-apps) live with OAuth: oauth/routes.ts.

  router.add('GET', '/oauth2/logout', (ctx) => {
    const client = clients.get(ctx.query.get('client_id') ?? '');
    const next = ctx.query.get('post_flow_url');
    // Only back to a registered origin: no open redirect.
    if (
      client &&
      next &&
      client.redirectUris.some((u) => {
        try {
          return new URL(u).origin === new URL(next).origin;
        } catch {
          return false;
        }
      })
    ) {
      // Normalised: a raw value with CR/LF or non-Latin-1 characters is not a valid header (it was a 500).
      return new RawResponse(302, '', { location: new URL(next).href });
    }
    return htmlPage(200, 'Signed out', '<h1>You are signed out.</h1>');
  });
}
