import type { IncomingHttpHeaders } from 'node:http';
import { WixApiError } from '../errors.ts';
import { RawResponse } from '../http/router.ts';
import { AUTH_LIMITS, type AuthLimits } from './limits.ts';
import { HashPoolBusy } from './passwords.ts';

/** A credential check was refused before it ran: the account or client is locked, or the hash pool is full. */
export class Throttled extends Error {
  constructor(
    readonly retryAfterSeconds: number,
    readonly reason: 'account' | 'client' | 'busy',
  ) {
    super(
      reason === 'busy'
        ? 'Too many sign-in attempts are in progress. Try again in a moment.'
        : `Too many failed sign-in attempts. Try again ${retryAfterSeconds < 60 ? 'in a moment' : `in ${Math.ceil(retryAfterSeconds / 60)} minute${retryAfterSeconds > 60 ? 's' : ''}`}.`,
    );
    this.name = 'Throttled';
  }

  /** The Wix error body (reference §3.1): 429 RESOURCE_EXHAUSTED. */
  toWixError(): WixApiError {
    return new WixApiError(429, this.message, { code: 'RESOURCE_EXHAUSTED', data: { retryAfterSeconds: this.retryAfterSeconds } });
  }

  /** A JSON 429 in Wix's shape with Retry-After; `extra` adds fields (the OAuth endpoints' `error`). */
  toJsonResponse(extra: Record<string, string> = {}): RawResponse {
    return new RawResponse(429, JSON.stringify({ ...this.toWixError().toBody(), ...extra }), {
      'content-type': 'application/json',
      'retry-after': String(this.retryAfterSeconds),
      'cache-control': 'no-store',
      pragma: 'no-cache',
    });
  }
}

/**
 * The client a credential check counts against: the remote address, and for a loopback address also the Origin of a
 * browser request. Every caller of a local platform is loopback, and any web page the developer opens can post to
 * https://localhost:<port>: keyed by address alone, a page's 30 bad guesses would lock every sign-in on the
 * platform, the site backend's included, for 15 minutes. A browser sets Origin truthfully; a local process could
 * forge it, but a local process can read the platform's database anyway.
 */
export function throttleClient(address: string | undefined, headers: IncomingHttpHeaders): string | undefined {
  if (address === undefined) return undefined;
  const origin = headers['origin'];
  const loopback = /^(127\.|::1$|::ffff:127\.)/.test(address);
  return loopback && typeof origin === 'string' ? `${address} ${origin.slice(0, 200)}` : address;
}

/** Who is checking which credential. */
export interface AttemptKeys {
  kind: 'password' | 'client-secret';
  /** Email address (any case) or client id. */
  account: string;
  /** The remote address; `undefined` counts as one shared unknown client. */
  client: string | undefined;
}

interface Entry {
  failures: number;
  windowStart: number;
  pending: number;
  lockedUntil: number;
}

/**
 * Per-account and per-client limits on credential checks, on the platform clock (see limits.ts). One guard per
 * platform, shared by the identity routes and the app authorization server (`authGuard()`).
 */
export class AuthGuard {
  private readonly entries = new Map<string, Entry>();

  constructor(
    private readonly clock: { now(): number },
    readonly limits: AuthLimits = { ...AUTH_LIMITS },
  ) {}

  /** How many accounts and clients are tracked now (bounded by `maxTracked`). */
  get size(): number {
    return this.entries.size;
  }

  private touch(key: string, now: number): Entry {
    let entry = this.entries.get(key);
    if (entry)
      this.entries.delete(key); // re-inserted last: the Map's order is least recently used first
    else entry = { failures: 0, windowStart: now, pending: 0, lockedUntil: 0 };
    this.entries.set(key, entry);
    if (now - entry.windowStart >= this.limits.windowMs) {
      entry.failures = 0;
      entry.windowStart = now;
    }
    this.evict(now);
    return entry;
  }

  private evict(now: number): void {
    if (this.entries.size <= this.limits.maxTracked) return;
    // First what no longer matters (not locked, nothing running), oldest first; then the oldest idle ones.
    for (const pass of [true, false]) {
      for (const [key, entry] of this.entries) {
        if (this.entries.size <= this.limits.maxTracked) return;
        if (entry.pending > 0 || (pass && entry.lockedUntil > now)) continue;
        this.entries.delete(key);
      }
    }
  }

  private fail(entry: Entry, limit: number, now: number): void {
    entry.failures++;
    if (entry.failures >= limit) {
      entry.lockedUntil = now + this.limits.lockoutMs;
      entry.failures = 0;
      entry.windowStart = now;
    }
  }

  /**
   * Runs one credential check (`check` answers undefined for wrong credentials) under the limits. Throws
   * Throttled, without running the check, while the account or the client is locked, or when parallel checks
   * already in flight could reach a limit, or when the hash pool is full.
   */
  async attempt<T>(keys: AttemptKeys, check: () => Promise<T | undefined>): Promise<T | undefined> {
    const now = this.clock.now();
    // At most 320 characters kept per account (an email's limit): the account is whatever the caller sent, and each
    // failure keeps an entry, up to maxTracked of them (a 4 MB "email" per entry would exhaust memory).
    // A client secret is 256 random bits: no number of guesses finds one, and locking its client id would let anyone
    // who read that id (it is in every authorize URL) lock the app's backend out. Only the guessing client is limited.
    const account =
      keys.kind === 'client-secret'
        ? { failures: 0, windowStart: now, pending: 0, lockedUntil: 0 }
        : this.touch(`${keys.kind}:${keys.account.slice(0, 1000).trim().toLowerCase().slice(0, 320)}`, now);
    const client = this.touch(`client:${(keys.client ?? 'unknown').slice(0, 300)}`, now);
    const locked = Math.max(account.lockedUntil, client.lockedUntil) - now;
    if (locked > 0) {
      // Knocking on a locked door still costs the client: a client that keeps trying gets locked itself.
      if (client.lockedUntil <= now) this.fail(client, this.limits.clientFailures, now);
      throw new Throttled(Math.ceil(locked / 1000), account.lockedUntil > client.lockedUntil ? 'account' : 'client');
    }
    if (account.failures + account.pending >= this.limits.accountFailures) throw new Throttled(1, 'account');
    if (client.failures + client.pending >= this.limits.clientFailures) throw new Throttled(1, 'client');
    account.pending++;
    client.pending++;
    let result: T | undefined;
    try {
      result = await check();
    } catch (error) {
      if (error instanceof HashPoolBusy) throw new Throttled(1, 'busy');
      throw error;
    } finally {
      account.pending--;
      client.pending--;
    }
    const later = this.clock.now();
    if (result === undefined) {
      this.fail(account, this.limits.accountFailures, later);
      this.fail(client, this.limits.clientFailures, later);
    } else if (account.lockedUntil <= later) {
      account.failures = 0;
    }
    return result;
  }
}

const guards = new WeakMap<object, AuthGuard>();

/**
 * The platform's guard: one per account store (the directory), so the identity routes and the app authorization
 * server count the same failures.
 */
export function authGuard(directory: object, clock: { now(): number }): AuthGuard {
  let guard = guards.get(directory);
  if (!guard) guards.set(directory, (guard = new AuthGuard(clock)));
  return guard;
}

/** An HTML 429 page with Retry-After, for the sign-in forms. */
export function throttledPage(throttled: Throttled, render: (status: number, message: string) => RawResponse): RawResponse {
  const page = render(429, throttled.message);
  return new RawResponse(429, page.body, { ...page.headers, 'retry-after': String(throttled.retryAfterSeconds), 'cache-control': 'no-store' });
}
