import type { Db } from '../storage/database.ts';

export interface OAuthClient {
  clientId: string;
  name: string;
  kind: 'site' | 'app';
  redirectUris: string[];
}

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]']);

/**
 * Exact redirect-URI matching (RFC 9700 §2.1). The one relaxation is the port of a loopback URI,
 * because the local platform and the demo run on whatever port is free.
 */
export function redirectUriAllowed(client: OAuthClient, candidate: string): boolean {
  let url: URL;
  try {
    url = new URL(candidate);
  } catch {
    return false;
  }
  if (url.hash) return false;
  return client.redirectUris.some((registered) => {
    if (registered === candidate) return true;
    const reg = new URL(registered);
    if (!LOOPBACK.has(reg.hostname) || reg.hostname !== url.hostname) return false;
    return reg.protocol === url.protocol && reg.pathname === url.pathname && reg.search === url.search;
  });
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
      | { client_id: string; name: string; kind: 'site' | 'app'; redirect_uris: string }
      | undefined;
    return row && { clientId: row.client_id, name: row.name, kind: row.kind, redirectUris: JSON.parse(row.redirect_uris) as string[] };
  }
}
