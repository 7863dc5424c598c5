import { elevate } from 'wix-auth';
import { secrets } from 'wix-secrets-backend.v2';

/** How long a secret stays in memory: short, so a rotated secret is picked up within a minute. */
const TTL_MS = 60_000;

const cache = new Map<string, { value: string; expiresAt: number }>();
const inflight = new Map<string, Promise<string>>();

// Visitor- and member-triggered web methods may read secrets only elevated, as on Wix.
const readElevated = elevate((name: string) => secrets.getSecretValue(name));

/** The SDK's `@wix/secrets` answers `{ value }`, Velo's v2 API a string; accept both (reference §2.3). */
function unwrap(result: unknown): string {
  if (typeof result === 'string') return result;
  const value = (result as { value?: unknown } | null)?.value;
  if (typeof value !== 'string') throw new Error('The Secrets Manager returned no value.');
  return value;
}

/**
 * Reads a secret with elevation, caching it in memory for a minute, one read in flight per name.
 * Values are never logged or returned to callers.
 */
export async function getSecret(name: string): Promise<string> {
  const hit = cache.get(name);
  if (hit && hit.expiresAt > Date.now()) return hit.value;
  let pending = inflight.get(name);
  if (!pending) {
    pending = Promise.resolve(readElevated(name))
      .then((result) => {
        const value = unwrap(result);
        cache.set(name, { value, expiresAt: Date.now() + TTL_MS });
        return value;
      })
      .finally(() => inflight.delete(name));
    inflight.set(name, pending);
  }
  return pending;
}

/** Like getSecret, but undefined when the secret does not exist (an optional secondary key). */
export async function getOptionalSecret(name: string): Promise<string | undefined> {
  try {
    return await getSecret(name);
  } catch {
    return undefined;
  }
}

/** Drops cached values (after a rotation, or in tests). */
export function forgetSecrets(): void {
  cache.clear();
}
