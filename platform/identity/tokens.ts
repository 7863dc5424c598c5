import { SignJWT, jwtVerify, errors as joseErrors } from 'jose';
import { randomUUID } from 'node:crypto';
import type { PlatformClock } from '../clock.ts';

/** Who a token speaks for. 'owner' is the site owner (a Wix user), the admin identity of a site. */
export type SessionRole = 'visitor' | 'member' | 'owner';

export interface AccessClaims {
  kind: 'access';
  /** 'app' for third-party app tokens (oauth/), which also carry grantId and scopes. */
  role: SessionRole | 'app';
  subjectId: string;
  grantId?: string;
  scopes?: string[];
  siteId: string;
  clientId: string;
  iat: number;
  exp: number;
  jti: string;
}

export interface RefreshClaims {
  kind: 'refresh';
  role: SessionRole;
  subjectId: string;
  siteId: string;
  clientId: string;
  iat: number;
  jti: string;
}

export interface SessionClaims {
  kind: 'session';
  subjectId: string;
  siteId: string;
  iat: number;
  exp: number;
  jti: string;
}

type AnyClaims = AccessClaims | RefreshClaims | SessionClaims;

/** Wix prefixes: access tokens look like "OauthNG.JWS.<jws>", refresh tokens like "JWS.<jws>". */
const PREFIX: Record<AnyClaims['kind'], string> = { access: 'OauthNG.JWS.', refresh: 'JWS.', session: 'JST.' };

export const DEFAULT_ACCESS_TTL_SECONDS = 14_400;
const SESSION_TTL_SECONDS = 600;
const ISSUER = 'wix-local-platform';

export class TokenError extends Error {
  constructor(
    readonly reason: 'malformed' | 'signature' | 'expired' | 'revoked' | 'wrong-kind' | 'foreign-site',
    message: string,
  ) {
    super(message);
    this.name = 'TokenError';
  }
}

/**
 * Signs and verifies the platform's tokens with jose (HS256, one key per platform database).
 * Time comes from the platform clock, so tests can expire tokens by moving it.
 */
export class TokenService {
  private readonly key: Uint8Array;
  /** Access tokens carry the generation they were issued in; older ones count as expired (the "token expiry" fault). */
  private generation = 0;

  constructor(
    secret: Uint8Array,
    private readonly clock: PlatformClock,
    private readonly siteId: string,
    readonly accessTtlSeconds = DEFAULT_ACCESS_TTL_SECONDS,
    /** Sites this platform serves; a token for any other site is refused. */
    private readonly isKnownSite: (siteId: string) => boolean = (id) => id === siteId,
  ) {
    this.key = secret;
  }

  async issueAccess(role: SessionRole, subjectId: string, clientId: string, siteId = this.siteId): Promise<{ token: string; expiresIn: number }> {
    const iat = this.clock.nowSeconds();
    const claims: AccessClaims = { kind: 'access', role, subjectId, siteId, clientId, iat, exp: iat + this.accessTtlSeconds, jti: randomUUID() };
    return { token: await this.sign(claims), expiresIn: this.accessTtlSeconds };
  }

  /** A third-party app's access token: short-lived, tied to a grant that can be revoked. */
  async issueAppAccess(input: {
    clientId: string;
    grantId: string;
    subjectId: string;
    scopes: string[];
    ttlSeconds: number;
    siteId?: string | undefined;
  }): Promise<{ token: string; expiresIn: number }> {
    const iat = this.clock.nowSeconds();
    const claims: AccessClaims = {
      kind: 'access',
      role: 'app',
      subjectId: input.subjectId,
      siteId: input.siteId ?? this.siteId,
      clientId: input.clientId,
      grantId: input.grantId,
      scopes: input.scopes,
      iat,
      exp: iat + input.ttlSeconds,
      jti: randomUUID(),
    };
    return { token: await this.sign(claims), expiresIn: input.ttlSeconds };
  }

  async issueRefresh(role: SessionRole, subjectId: string, clientId: string): Promise<string> {
    const claims: RefreshClaims = { kind: 'refresh', role, subjectId, siteId: this.siteId, clientId, iat: this.clock.nowSeconds(), jti: randomUUID() };
    return this.sign(claims);
  }

  async issueSession(subjectId: string): Promise<string> {
    const iat = this.clock.nowSeconds();
    const claims: SessionClaims = { kind: 'session', subjectId, siteId: this.siteId, iat, exp: iat + SESSION_TTL_SECONDS, jti: randomUUID() };
    return this.sign(claims);
  }

  /** Makes every access token issued so far count as expired; refresh tokens still renew. */
  expireAllIssued(): void {
    this.generation++;
  }

  verifyAccess(token: string): Promise<AccessClaims> {
    return this.verify(token, 'access') as Promise<AccessClaims>;
  }

  verifyRefresh(token: string): Promise<RefreshClaims> {
    return this.verify(token, 'refresh') as Promise<RefreshClaims>;
  }

  verifySession(token: string): Promise<SessionClaims> {
    return this.verify(token, 'session') as Promise<SessionClaims>;
  }

  /** Decodes any of the platform's tokens without throwing; used by token-info. */
  async inspect(token: string): Promise<AnyClaims | undefined> {
    for (const kind of ['access', 'refresh'] as const) {
      if (token.startsWith(PREFIX[kind])) {
        try {
          return await this.verify(token, kind);
        } catch {
          return undefined;
        }
      }
    }
    return undefined;
  }

  private async sign(claims: AnyClaims): Promise<string> {
    const { iat, exp, jti, ...rest } = claims as AnyClaims & { exp?: number };
    let jwt = new SignJWT({ ...rest, gen: this.generation }).setProtectedHeader({ alg: 'HS256', typ: 'JWT' }).setIssuer(ISSUER).setIssuedAt(iat).setJti(jti);
    if (exp !== undefined) jwt = jwt.setExpirationTime(exp);
    return PREFIX[claims.kind] + (await jwt.sign(this.key));
  }

  private async verify(token: string, kind: AnyClaims['kind']): Promise<AnyClaims> {
    const prefix = PREFIX[kind];
    if (!token.startsWith(prefix)) throw new TokenError('wrong-kind', `Not a ${kind} token.`);
    let payload: Record<string, unknown>;
    try {
      ({ payload } = await jwtVerify(token.slice(prefix.length), this.key, {
        algorithms: ['HS256'],
        issuer: ISSUER,
        currentDate: new Date(this.clock.now()),
        clockTolerance: 0,
      }));
    } catch (error) {
      if (error instanceof joseErrors.JWTExpired) throw new TokenError('expired', 'The token has expired.');
      if (error instanceof joseErrors.JWSSignatureVerificationFailed) throw new TokenError('signature', 'The token signature is not valid.');
      throw new TokenError('malformed', 'The token is malformed.');
    }
    if (payload['kind'] !== kind) throw new TokenError('wrong-kind', `Not a ${kind} token.`);
    if (typeof payload['siteId'] !== 'string' || !this.isKnownSite(payload['siteId']))
      throw new TokenError('foreign-site', 'The token was issued for another site.');
    if (kind === 'access' && payload['gen'] !== this.generation) throw new TokenError('expired', 'The token has expired.');
    return payload as unknown as AnyClaims;
  }
}
