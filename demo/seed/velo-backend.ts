import type { SeedApi } from '../../platform/index.ts';

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
export function seedVeloBackend(api: SeedApi): { primary: string; secondary: string } {
  const make = (name: string) => api.createApiKey({ name, permissions: ['WIX_DATA.READ_ITEMS', 'WIX_DATA.WRITE_ITEMS'] });
  const primary = make('velo-backend data-admin (primary)');
  const secondary = make('velo-backend data-admin (secondary)');
  api.setSecret(BACKEND_SECRETS.primaryKey, primary);
  api.setSecret(BACKEND_SECRETS.secondaryKey, secondary);
  api.setSecret(BACKEND_SECRETS.siteId, api.siteId);
  // The key that encrypts refresh tokens at rest (AES-256-GCM), derived so the same database keeps decrypting.
  api.setSecret('OAUTH_TOKEN_KEY', api.deriveSecret('oauth-token-key'));
  if (!api.hasSecret('OAUTH_SITE_URL')) api.setSecret('OAUTH_SITE_URL', 'https://localhost');
  api.createCollection({
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
  api.createCollection({
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
  api.createCollection({ id: BACKEND_COLLECTIONS.oauthStates, displayName: 'OAuth states (admin only)', permissions: ADMIN_ONLY, fields: [] });
  api.createCollection({ id: BACKEND_COLLECTIONS.oauthConnections, displayName: 'OAuth connections (admin only)', permissions: ADMIN_ONLY, fields: [] });
  return { primary, secondary };
}
