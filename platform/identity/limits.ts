/**
 * The authentication limits, in one place (the README's table is made from these numbers).
 *
 * Every credential check counts: the SDK login (`iam/authentication/v2/login`), the sign-in forms of
 * `/oauth2/authorize` (site client and app consent page) and of `/oauth2/connected-apps`, and client-secret checks
 * at `/oauth2/token`, `/oauth/access` and `/oauth2/revoke`.
 *
 * - account: the email address (lower-cased) for a password; a client secret (256 random bits) has none, so nobody
 *   who knows an app's client id can lock the app out;
 * - client: the remote address of the connection (the platform is reached directly, never through a proxy), and for
 *   a loopback address the browser's Origin too (throttleClient in throttle.ts).
 *
 * A failed check counts against both. Reaching a limit locks that account or client for `lockoutMs`: every check
 * is then answered 429 with Retry-After, the right password too. A success clears the account's count.
 * Checks already running count as failures-to-be, so a burst of parallel guesses cannot overshoot a limit.
 */
export const AUTH_LIMITS = {
  /** Failed checks of one account within `windowMs` before it is locked. */
  accountFailures: 10,
  /** Failed (or refused) checks from one client within `windowMs`, any account, before it is locked. */
  clientFailures: 30,
  /** The window failures are counted in. */
  windowMs: 15 * 60 * 1000,
  /** How long a locked account or client stays locked (not extended by more attempts). */
  lockoutMs: 15 * 60 * 1000,
  /** Password hashes computed at once (libuv's pool has 4 threads; half stay free for everything else). */
  hashConcurrency: 2,
  /** Password checks waiting for a hashing slot; one more is answered 429 at once (Retry-After: 1). */
  hashQueue: 16,
  /** Accounts and clients remembered at once; the oldest entries go first beyond this. */
  maxTracked: 10_000,
} as const;

export type AuthLimits = { -readonly [K in keyof typeof AUTH_LIMITS]: number };
