import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { items } from '@wix/data';
import { getOptionalSecret, getSecret } from './secrets.ts';

/** Secret names (create them in the Secrets Manager; names may not start with "wix"). */
export const SECRET_NAMES = {
  primaryKey: 'DATA_ADMIN_API_KEY',
  secondaryKey: 'DATA_ADMIN_API_KEY_SECONDARY',
  siteId: 'DATA_ADMIN_SITE_ID',
} as const;

/**
 * Least privilege: the key needs only "Read Data Items" and "Write Data Items" on this site (locally the
 * permissions WIX_DATA.READ_ITEMS and WIX_DATA.WRITE_ITEMS), never collection management or other APIs.
 */
export type DataApiClient = ReturnType<typeof clientFor>;

function clientFor(apiKey: string, siteId: string) {
  // Server-to-server: `Authorization: <key>` and `wix-site-id`, as in the seed's curl example.
  return createClient({ modules: { items }, auth: ApiKeyStrategy({ apiKey, siteId }) });
}

const clients = new Map<string, DataApiClient>();
let useSecondary = false;

function cachedClient(apiKey: string, siteId: string): DataApiClient {
  const id = `${siteId}:${apiKey}`;
  let client = clients.get(id);
  if (!client) {
    client = clientFor(apiKey, siteId);
    clients.set(id, client);
  }
  return client;
}

/** A rejected key (revoked or expired) answers 401; a key that lacks a permission answers 403, which rotation does not fix. */
export function keyRejected(error: unknown): boolean {
  const code = (error as { details?: { applicationError?: { code?: unknown } } }).details?.applicationError?.code;
  return code === 'UNAUTHENTICATED' || code === 401 || code === '401';
}

export type RotationListener = (event: { from: 'primary'; to: 'secondary'; reason: string }) => Promise<void> | void;

/**
 * Runs a Wix Data call with the primary key; if Wix rejects that key, switches to the secondary one (recording
 * the rotation through `onRotate`) and retries once. Later calls keep the secondary until the process restarts.
 */
export async function withDataApi<T>(run: (client: DataApiClient) => Promise<T>, onRotate?: RotationListener): Promise<T> {
  const siteId = await getSecret(SECRET_NAMES.siteId);
  const secondary = await getOptionalSecret(SECRET_NAMES.secondaryKey);
  if (useSecondary && secondary) return run(cachedClient(secondary, siteId));
  const primary = await getSecret(SECRET_NAMES.primaryKey);
  try {
    return await run(cachedClient(primary, siteId));
  } catch (error) {
    if (!keyRejected(error) || !secondary) throw error;
    useSecondary = true;
    await onRotate?.({ from: 'primary', to: 'secondary', reason: 'the primary API key was rejected (401)' });
    return run(cachedClient(secondary, siteId));
  }
}

/** Back to the primary key (tests, or after the primary was replaced in the Secrets Manager). */
export function resetKeyRotation(): void {
  useSecondary = false;
  clients.clear();
}
