import { createHmac } from 'node:crypto';
import type { Directory } from '../identity/directory.ts';
import type { PlatformServices } from '../services.ts';
import type { SecretsVault } from './secrets-vault.ts';

/** The secrets the backend modules read (create the same ones in the Wix Secrets Manager). */
export const BACKEND_SECRETS = {
  primaryKey: 'DATA_ADMIN_API_KEY',
  secondaryKey: 'DATA_ADMIN_API_KEY_SECONDARY',
  siteId: 'DATA_ADMIN_SITE_ID',
} as const;

/** Admin-only collections the backend writes to. */
export const BACKEND_COLLECTIONS = { audit: 'AuditLog', contact: 'ContactRequests', oauthStates: 'OAuthStates', oauthConnections: 'OAuthConnections' } as const;

const ADMIN_ONLY = { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } as const;

/**
 * What a site needs for velo-backend/: two least-privilege API keys (items read/write, no collection management)
 * in the secrets vault as primary and secondary, the site id, and the admin-only audit and contact collections.
 * The keys derive from the platform's signing secret, so the same database always yields the same keys.
 */
export function seedVeloBackend(services: PlatformServices, directory: Directory, vault: SecretsVault, signingSecret: Uint8Array): { primary: string; secondary: string } {
  const make = (name: string) =>
    directory.createApiKey({ name, accountId: services.accountId, permissions: ['WIX_DATA.READ_ITEMS', 'WIX_DATA.WRITE_ITEMS'], derivedFrom: signingSecret }).key;
  const primary = make('velo-backend data-admin (primary)');
  const secondary = make('velo-backend data-admin (secondary)');
  if (vault.read(BACKEND_SECRETS.primaryKey) !== primary) vault.set(BACKEND_SECRETS.primaryKey, primary);
  if (vault.read(BACKEND_SECRETS.secondaryKey) !== secondary) vault.set(BACKEND_SECRETS.secondaryKey, secondary);
  if (vault.read(BACKEND_SECRETS.siteId) !== services.siteId) vault.set(BACKEND_SECRETS.siteId, services.siteId);
  // The key that encrypts refresh tokens at rest (AES-256-GCM), derived so the same database keeps decrypting.
  const tokenKey = createHmac('sha256', signingSecret).update('oauth-token-key').digest('base64url');
  if (vault.read('OAUTH_TOKEN_KEY') !== tokenKey) vault.set('OAUTH_TOKEN_KEY', tokenKey);
  if (!vault.has('OAUTH_SITE_URL')) vault.set('OAUTH_SITE_URL', 'https://localhost');
  vault.reads = 0;
  if (!services.collections.get(BACKEND_COLLECTIONS.audit)) {
    services.collections.create({
      id: BACKEND_COLLECTIONS.audit,
      displayName: 'Audit log (admin only)',
      permissions: ADMIN_ONLY,
      fields: [
        { key: 'who', displayName: 'Who', type: 'TEXT' },
        { key: 'what', displayName: 'What', type: 'TEXT' },
        { key: 'outcome', displayName: 'Outcome', type: 'TEXT' },
        { key: 'at', displayName: 'When', type: 'DATETIME' },
        { key: 'detail', displayName: 'Detail', type: 'TEXT' },
      ],
    });
  }
  if (!services.collections.get(BACKEND_COLLECTIONS.contact)) {
    services.collections.create({
      id: BACKEND_COLLECTIONS.contact,
      displayName: 'Contact requests (admin only)',
      permissions: ADMIN_ONLY,
      fields: [
        { key: 'name', displayName: 'Name', type: 'TEXT' },
        { key: 'email', displayName: 'Email', type: 'TEXT' },
        { key: 'message', displayName: 'Message', type: 'TEXT' },
        { key: 'requestId', displayName: 'Request ID', type: 'TEXT' },
      ],
    });
  }
  for (const [id, displayName] of [[BACKEND_COLLECTIONS.oauthStates, 'OAuth states (admin only)'], [BACKEND_COLLECTIONS.oauthConnections, 'OAuth connections (admin only)']] as const) {
    if (!services.collections.get(id)) services.collections.create({ id, displayName, permissions: ADMIN_ONLY, fields: [] });
  }
  return { primary, secondary };
}
