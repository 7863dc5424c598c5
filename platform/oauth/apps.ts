import { createHash, createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Db } from '../storage/database.ts';

/** What an app may ask for, and how the consent page says it. */
export const SCOPES = {
  'wix-data.items.read': 'Read the items in your site’s collections that you can read',
  'wix-data.items.write': 'Add, change and delete items in your site’s collections that you can change',
} as const;
export type Scope = keyof typeof SCOPES;
export const isScope = (value: string): value is Scope => Object.hasOwn(SCOPES, value);

export interface OAuthApp {
  clientId: string;
  name: string;
  redirectUris: string[];
  scopes: Scope[];
}

export interface Grant {
  id: string;
  clientId: string;
  /** The user who consented; undefined for client_credentials (the app itself). */
  subjectId: string | undefined;
  subjectRole: 'member' | 'owner' | undefined;
  /** The site the grant reaches; undefined means the platform's primary site. */
  siteId: string | undefined;
  scopes: Scope[];
  createdAt: string;
  revokedAt: string | undefined;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest();

interface GrantRow {
  id: string;
  client_id: string;
  subject_id: string | null;
  subject_role: 'member' | 'owner' | null;
  site_id: string | null;
  scopes: string;
  created_at: string;
  revoked_at: string | null;
}

const toGrant = (row: GrantRow): Grant => ({
  id: row.id,
  clientId: row.client_id,
  subjectId: row.subject_id ?? undefined,
  subjectRole: row.subject_role ?? undefined,
  siteId: row.site_id ?? undefined,
  scopes: JSON.parse(row.scopes) as Scope[],
  createdAt: row.created_at,
  revokedAt: row.revoked_at ?? undefined,
});

/** Third-party apps, their grants and their refresh tokens (hashed), in SQLite. */
export class AppRegistry {
  constructor(
    private readonly db: Db,
    private readonly now: () => number,
  ) {}

  /** Registers an app; the secret is returned once and only its hash is kept. `derivedFrom` makes it reproducible. */
  register(input: { name: string; redirectUris: string[]; scopes: Scope[]; clientId?: string; derivedFrom?: Uint8Array }): {
    clientId: string;
    clientSecret: string;
  } {
    for (const uri of input.redirectUris) {
      const url = new URL(uri);
      if (url.protocol !== 'https:' || url.hash) throw new RangeError(`Redirect URIs are https and have no fragment: ${uri}`);
    }
    if (!input.scopes.every(isScope)) throw new RangeError('Unknown scope.');
    const clientId = input.clientId ?? randomUUID();
    const clientSecret = input.derivedFrom
      ? createHmac('sha256', input.derivedFrom).update(`oauth-app:${clientId}`).digest('base64url')
      : randomBytes(32).toString('base64url');
    this.db
      .prepare(
        `INSERT INTO oauth_apps (client_id, name, secret_hash, redirect_uris, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?)
         ON CONFLICT(client_id) DO UPDATE SET name = excluded.name, secret_hash = excluded.secret_hash, redirect_uris = excluded.redirect_uris, scopes = excluded.scopes`,
      )
      .run(
        clientId,
        input.name,
        sha256(clientSecret).toString('base64url'),
        JSON.stringify(input.redirectUris),
        JSON.stringify(input.scopes),
        new Date(this.now()).toISOString(),
      );
    return { clientId, clientSecret };
  }

  get(clientId: string): OAuthApp | undefined {
    const row = this.db.prepare('SELECT client_id, name, redirect_uris, scopes FROM oauth_apps WHERE client_id = ?').get(clientId) as
      { client_id: string; name: string; redirect_uris: string; scopes: string } | undefined;
    return (
      row && { clientId: row.client_id, name: row.name, redirectUris: JSON.parse(row.redirect_uris) as string[], scopes: JSON.parse(row.scopes) as Scope[] }
    );
  }

  /** Constant-time secret check. */
  authenticate(clientId: string, secret: string): OAuthApp | undefined {
    const row = this.db.prepare('SELECT secret_hash FROM oauth_apps WHERE client_id = ?').get(clientId) as { secret_hash: string } | undefined;
    const expected = row ? Buffer.from(row.secret_hash, 'base64url') : sha256('no-such-app');
    const ok = timingSafeEqual(sha256(secret), expected) && row !== undefined;
    return ok ? this.get(clientId) : undefined;
  }

  private instancesReady = false;

  /** App instances (an app installed on a site), in their own table, created on first use. */
  private instances(): Db {
    if (!this.instancesReady) {
      this.db.exec(
        `CREATE TABLE IF NOT EXISTS oauth_app_instances (instance_id TEXT PRIMARY KEY, client_id TEXT NOT NULL, site_id TEXT NOT NULL, created_at TEXT NOT NULL, UNIQUE (client_id, site_id))`,
      );
      this.instancesReady = true;
    }
    return this.db;
  }

  /** The app's instance on a site (its installation there), created the first time and the same afterwards. */
  installOn(clientId: string, siteId: string): string {
    const existing = this.instanceOf(clientId, siteId);
    if (existing) return existing;
    const instanceId = randomUUID();
    this.instances()
      .prepare('INSERT INTO oauth_app_instances (instance_id, client_id, site_id, created_at) VALUES (?, ?, ?, ?)')
      .run(instanceId, clientId, siteId, new Date(this.now()).toISOString());
    return instanceId;
  }

  instanceOf(clientId: string, siteId: string): string | undefined {
    const row = this.instances().prepare('SELECT instance_id FROM oauth_app_instances WHERE client_id = ? AND site_id = ?').get(clientId, siteId) as
      { instance_id: string } | undefined;
    return row?.instance_id;
  }

  instance(instanceId: string): { clientId: string; siteId: string } | undefined {
    const row = this.instances().prepare('SELECT client_id, site_id FROM oauth_app_instances WHERE instance_id = ?').get(instanceId) as
      { client_id: string; site_id: string } | undefined;
    return row ? { clientId: row.client_id, siteId: row.site_id } : undefined;
  }

  createGrant(input: { clientId: string; subjectId?: string; subjectRole?: 'member' | 'owner'; siteId?: string | undefined; scopes: Scope[] }): Grant {
    const grant: Grant = {
      id: randomUUID(),
      clientId: input.clientId,
      subjectId: input.subjectId,
      subjectRole: input.subjectRole,
      siteId: input.siteId,
      scopes: input.scopes,
      createdAt: new Date(this.now()).toISOString(),
      revokedAt: undefined,
    };
    this.db
      .prepare('INSERT INTO oauth_grants (id, client_id, subject_id, subject_role, site_id, scopes, created_at) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(grant.id, grant.clientId, grant.subjectId ?? null, grant.subjectRole ?? null, grant.siteId ?? null, JSON.stringify(grant.scopes), grant.createdAt);
    return grant;
  }

  grant(id: string): Grant | undefined {
    const row = this.db.prepare('SELECT * FROM oauth_grants WHERE id = ?').get(id) as GrantRow | undefined;
    return row && toGrant(row);
  }

  activeGrant(id: string): Grant | undefined {
    const grant = this.grant(id);
    return grant && !grant.revokedAt ? grant : undefined;
  }

  grantsOf(subjectId: string): (Grant & { appName: string })[] {
    const rows = this.db
      .prepare(
        'SELECT g.*, a.name AS app_name FROM oauth_grants g JOIN oauth_apps a ON a.client_id = g.client_id WHERE g.subject_id = ? AND g.revoked_at IS NULL ORDER BY g.created_at',
      )
      .all(subjectId) as (GrantRow & { app_name: string })[];
    return rows.map((row) => ({ ...toGrant(row), appName: row.app_name }));
  }

  /** Registered apps, oldest first, at most `max` (the dashboard's list). */
  listApps(max: number): (OAuthApp & { createdAt: string })[] {
    const rows = this.db
      .prepare('SELECT client_id, name, redirect_uris, scopes, created_at FROM oauth_apps ORDER BY created_at, client_id LIMIT ?')
      .all(Math.max(0, Math.floor(max))) as { client_id: string; name: string; redirect_uris: string; scopes: string; created_at: string }[];
    return rows.map((row) => ({
      clientId: row.client_id,
      name: row.name,
      redirectUris: JSON.parse(row.redirect_uris) as string[],
      scopes: JSON.parse(row.scopes) as Scope[],
      createdAt: row.created_at,
    }));
  }

  /** Grants not revoked, newest first, at most `max` (the dashboard lists them per member and app). */
  activeGrants(max: number): Grant[] {
    const rows = this.db
      .prepare('SELECT * FROM oauth_grants WHERE revoked_at IS NULL ORDER BY created_at DESC, id LIMIT ?')
      .all(Math.max(0, Math.floor(max))) as GrantRow[];
    return rows.map(toGrant);
  }

  revokeGrant(id: string): boolean {
    return (
      this.db.prepare('UPDATE oauth_grants SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(new Date(this.now()).toISOString(), id).changes > 0
    );
  }

  /** A new opaque refresh token for a grant; only its hash is stored. */
  issueRefreshToken(grantId: string): string {
    const token = `OauthNG.RT.${randomBytes(32).toString('base64url')}`;
    this.db
      .prepare('INSERT INTO oauth_refresh_tokens (token_hash, grant_id, created_at) VALUES (?, ?, ?)')
      .run(sha256(token).toString('base64url'), grantId, new Date(this.now()).toISOString());
    return token;
  }

  findRefreshToken(token: string): { grantId: string; used: boolean } | undefined {
    const row = this.db.prepare('SELECT grant_id, used_at FROM oauth_refresh_tokens WHERE token_hash = ?').get(sha256(token).toString('base64url')) as
      { grant_id: string; used_at: string | null } | undefined;
    return row && { grantId: row.grant_id, used: row.used_at !== null };
  }

  /** Marks a refresh token used; false when it already was (a concurrent or replayed use). */
  consumeRefreshToken(token: string): boolean {
    return (
      this.db
        .prepare('UPDATE oauth_refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL')
        .run(new Date(this.now()).toISOString(), sha256(token).toString('base64url')).changes > 0
    );
  }
}
