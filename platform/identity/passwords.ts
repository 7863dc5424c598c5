import { randomBytes, scrypt, scryptSync, timingSafeEqual } from 'node:crypto';
import { AUTH_LIMITS } from './limits.ts';

/**
 * Password hashing (scrypt, N=16384, r=8, p=1, 32-byte key, 16-byte salt) that never blocks the event loop:
 * request-time hashing runs in libuv's thread pool through `crypto.scrypt`'s callback form, at most
 * `AUTH_LIMITS.hashConcurrency` at once, with at most `AUTH_LIMITS.hashQueue` more waiting. One more is refused
 * at once (`HashPoolBusy`, answered 429) instead of joining a queue that grows without bound.
 */

const KEY_LENGTH = 32;

/** The pool is full: the caller answers 429 (Retry-After 1 s). */
export class HashPoolBusy extends Error {
  constructor() {
    super('Too many password checks are in progress.');
    this.name = 'HashPoolBusy';
  }
}

function scryptAsync(password: string, salt: Buffer, length: number): Promise<Buffer> {
  return new Promise((resolve, reject) => scrypt(password, salt, length, (error, key) => (error ? reject(error) : resolve(key))));
}

/** A counting semaphore with a bounded wait list: `run` refuses (HashPoolBusy) when both are full. */
export class HashPool {
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly concurrency: number = AUTH_LIMITS.hashConcurrency,
    readonly queue: number = AUTH_LIMITS.hashQueue,
  ) {}

  /** Jobs hashing now plus jobs waiting. */
  get inFlight(): number {
    return this.running + this.waiting.length;
  }

  async run<T>(job: () => Promise<T>): Promise<T> {
    if (this.running >= this.concurrency) {
      if (this.waiting.length >= this.queue) throw new HashPoolBusy();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await job();
    } finally {
      const next = this.waiting.shift();
      // The slot passes straight to the next waiter, so `running` never goes over `concurrency`.
      if (next) next();
      else this.running--;
    }
  }
}

/** One pool per process: the thread pool and the cores are per process too. */
export const hashPool = new HashPool();

const encode = (salt: Buffer, hash: Buffer) => `scrypt$${salt.toString('base64url')}$${hash.toString('base64url')}`;

/** For setup only (seeding, `platform.createMember`): never on a request path. */
export function hashPasswordSync(password: string): string {
  const salt = randomBytes(16);
  return encode(salt, scryptSync(password, salt, KEY_LENGTH));
}

export async function hashPassword(password: string, pool: HashPool = hashPool): Promise<string> {
  const salt = randomBytes(16);
  return encode(salt, await pool.run(() => scryptAsync(password, salt, KEY_LENGTH)));
}

/** Spent on an unknown account, so that it takes as long as a real check (and answers false). */
const DUMMY = encode(randomBytes(16), randomBytes(KEY_LENGTH));

/**
 * Whether `password` matches `stored` (undefined: no such account, the same work is done and false returned).
 * The comparison is constant-time. Throws HashPoolBusy when the pool is full.
 */
export async function verifyPassword(password: string, stored: string | undefined, pool: HashPool = hashPool): Promise<boolean> {
  const [scheme, salt, hash] = (stored ?? DUMMY).split('$');
  const usable = scheme === 'scrypt' && !!salt && !!hash;
  const [, dummySalt, dummyHash] = DUMMY.split('$') as [string, string, string];
  const expected = Buffer.from(usable ? hash! : dummyHash, 'base64url');
  const actual = await pool.run(() => scryptAsync(password, Buffer.from(usable ? salt! : dummySalt, 'base64url'), expected.length));
  return timingSafeEqual(actual, expected) && usable && stored !== undefined;
}
