import type { Db } from '../storage/database.ts';

export interface OAuthClient {
  clientId: string;
  name: string;
  kind: 'site' | 'app';
  redirectUris: string[];
}

/** A loopback origin's port, which is the one part of a redirect URI that may differ (RFC 8252 §7.3). */
const LOOPBACK_PORT = /^(https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\]))(?::\d{1,5})?(?=[/?]|$)/;
const withoutLoopbackPort = (uri: string) => uri.replace(LOOPBACK_PORT, '$1');

/**
 * Exact string matching of redirect URIs (RFC 9700 §2.1, §4.1.3): no parsing, so no case, whitespace or
 * normalisation variant passes. The one relaxation is the port of a loopback URI, because the local platform and
 * the demo run on whatever port is free.
 */
export function redirectUriAllowed(client: OAuthClient, candidate: string): boolean {
  if (candidate.includes('#')) return false;
  return client.redirectUris.some(
    (registered) => registered === candidate || (LOOPBACK_PORT.test(registered) && withoutLoopbackPort(registered) === withoutLoopbackPort(candidate)),
  );
}

/** OAuth clients: the site's own headless client (visitor and member sessions), later third-party apps. */
export class ClientRegistry {
  constructor(private readonly db: Db) {}

  ensure(client: OAuthClient): void {
    this.db
      .prepare(
        `INSERT INTO oauth_clients (client_id, name, kind, redirect_uris, created_at) VALUES (?, ?, ?, ?, ?)
         ON CONFLICT(client_id) DO UPDATE SET name = excluded.name, redirect_uris = excluded.redirect_uris`,
      )
      .run(client.clientId, client.name, client.kind, JSON.stringify(client.redirectUris), new Date().toISOString());
  }

  get(clientId: string): OAuthClient | undefined {
    const row = this.db.prepare('SELECT client_id, name, kind, redirect_uris FROM oauth_clients WHERE client_id = ?').get(clientId) as
      { client_id: string; name: string; kind: 'site' | 'app'; redirect_uris: string } | undefined;
    return row && { clientId: row.client_id, name: row.name, kind: row.kind, redirectUris: JSON.parse(row.redirect_uris) as string[] };
  }
}
