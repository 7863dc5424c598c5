import { SessionError, asSessionError } from './errors.ts';
import { readExpiryMs } from './token.ts';

/** What the Wix host hands an element: a function that returns the current access token. */
export type TokenGetter = () => Promise<string> | string;

export interface SessionOptions {
  /** Renew this long before expiry (Auth0 uses 60 s). Bounded to a quarter of the token's lifetime. */
  skewMs?: number;
  /** Lifetime assumed for a token whose expiry cannot be read. */
  defaultTtlMs?: number;
  /** An acquisition that takes longer than this fails as a network error. */
  acquireTimeoutMs?: number;
  now?: () => number;
}

export interface SessionStats {
  /** Calls to the host's token getter. */
  acquisitions: number;
  /** Of those, the ones that replaced an expired or rejected token. */
  renewals: number;
}

interface CachedToken {
  value: string;
  expiresAt: number;
  skew: number;
}

/**
 * One visitor or member session, shared by every element that got the same token getter.
 *
 * - Single-flight: however many calls start at once, one acquisition is in flight.
 * - Renewal before expiry, with a skew margin; after a 401, one renewal (shared by concurrent 401s).
 * - The token lives in this object's memory only; it is never written anywhere else.
 * - A failed acquisition is an error. The session never substitutes an anonymous identity.
 *
 * Fires `change` when the host says the identity may have changed (a new injection: login, logout).
 */
export class Session extends EventTarget {
  readonly stats: SessionStats = { acquisitions: 0, renewals: 0 };
  private cached: CachedToken | undefined;
  private inflight: Promise<string> | undefined;
  private generation = 0;
  private readonly skewMs: number;
  private readonly defaultTtlMs: number;
  private readonly acquireTimeoutMs: number;
  private readonly now: () => number;

  constructor(
    private getter: TokenGetter,
    options: SessionOptions = {},
  ) {
    super();
    this.skewMs = options.skewMs ?? 60_000;
    this.defaultTtlMs = options.defaultTtlMs ?? 5 * 60_000;
    this.acquireTimeoutMs = options.acquireTimeoutMs ?? 10_000;
    this.now = options.now ?? Date.now;
  }

  /** A token that is valid for at least the skew margin, acquiring one if needed. */
  token(): Promise<string> {
    const cached = this.cached;
    if (cached && cached.expiresAt - cached.skew > this.now()) return Promise.resolve(cached.value);
    return this.acquire(cached !== undefined);
  }

  /**
   * The server rejected `rejected` (401). Renews once: if another call already replaced that token,
   * its replacement is returned without a new acquisition.
   */
  renewAfterRejection(rejected: string): Promise<string> {
    if (this.inflight) return this.inflight;
    if (this.cached && this.cached.value !== rejected) return Promise.resolve(this.cached.value);
    this.cached = undefined;
    return this.acquire(true);
  }

  /**
   * The one "renew once after a rejection" rule of the package: runs `send` with `token`; when the server rejected it
   * (`rejected(result)`: a 401, an inactive token), renews once (shared with concurrent rejections, renewAfterRejection)
   * and runs `send` once more with the fresh token. Never a loop: a second rejection is the caller's to report.
   */
  async withRenewal<T>(token: string, send: (token: string) => Promise<T>, rejected: (result: T) => boolean): Promise<T> {
    const first = await send(token);
    if (!rejected(first)) return first;
    const fresh = await this.renewAfterRejection(token);
    return fresh !== token ? send(fresh) : first;
  }

  /** The host injected a (possibly new) getter: the identity may have changed, so forget the token. */
  reset(getter?: TokenGetter): void {
    if (getter) this.getter = getter;
    this.generation++;
    this.cached = undefined;
    this.inflight = undefined;
    this.dispatchEvent(new Event('change'));
  }

  private acquire(isRenewal: boolean): Promise<string> {
    if (this.inflight) return this.inflight;
    this.stats.acquisitions++;
    if (isRenewal) this.stats.renewals++;
    const generation = this.generation;
    const started = this.now();
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SessionError('network')), this.acquireTimeoutMs);
    });
    const attempt = Promise.race([Promise.resolve().then(() => this.getter()), timeout])
      .then((value) => {
        if (typeof value !== 'string' || value.length === 0) {
          throw new SessionError('unauthenticated');
        }
        if (generation === this.generation) {
          const expiresAt = readExpiryMs(value) ?? started + this.defaultTtlMs;
          const lifetime = Math.max(0, expiresAt - started);
          this.cached = { value, expiresAt, skew: Math.min(this.skewMs, lifetime / 4) };
        }
        return value;
      })
      .catch((error: unknown) => {
        const typed = asSessionError(error);
        // A getter failure is never turned into an anonymous session: it is reported as it is.
        throw typed.kind === 'network' ? typed : new SessionError('unauthenticated', undefined, { cause: error });
      })
      .finally(() => {
        clearTimeout(timer);
        if (this.inflight === attempt) this.inflight = undefined;
      });
    this.inflight = attempt;
    return attempt;
  }
}

/** For withRenewal: a 401 is the answer that renews (the token was refused). */
export const unauthorized = (response: Response): boolean => response.status === 401;

const sessions = new WeakMap<TokenGetter, Session>();

/** Elements that received the same getter share one Session (and so one token and one acquisition). */
export function sessionFor(getter: TokenGetter, options?: SessionOptions): Session {
  let session = sessions.get(getter);
  if (!session) {
    session = new Session(getter, options);
    sessions.set(getter, session);
  }
  return session;
}
