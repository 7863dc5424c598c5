import { createHash, createHmac, randomBytes, randomUUID } from 'node:crypto';
import type { Db } from '../storage/database.ts';
import { hashPasswordSync, verifyPassword } from './passwords.ts';

/** API-key permissions. Each key carries its own subset (least privilege). */
export const API_KEY_PERMISSIONS = ['WIX_DATA.READ_ITEMS', 'WIX_DATA.WRITE_ITEMS', 'WIX_DATA.MANAGE_COLLECTIONS'] as const;
export type ApiKeyPermission = (typeof API_KEY_PERMISSIONS)[number];

export interface Member {
  id: string;
  email: string;
  nickname: string;
  role: 'member' | 'owner';
}

export interface ApiKeyRecord {
  id: string;
  name: string;
  accountId: string;
  permissions: ReadonlySet<ApiKeyPermission>;
}

/** What the dashboard lists of a key: never the key itself (only its hash is stored). */
export interface ApiKeySummary {
  id: string;
  name: string;
  accountId: string;
  permissions: ApiKeyPermission[];
  createdAt: string;
  /** Set on a key that was rotated: it keeps working until then (platform clock), then it is refused. */
  expiresAt: string | undefined;
  /** The key this one replaced by rotation. */
  rotatedFrom: string | undefined;
}

/** Most API keys a platform keeps (the dashboard refuses to create more). */
export const MAX_API_KEYS = 500;
/** Longest API key name. */
export const MAX_API_KEY_NAME = 100;
/** Longest grace period of a rotated key: 30 days. */
export const MAX_ROTATION_GRACE_MS = 30 * 24 * 3600_000;

export interface Site {
  id: string;
  accountId: string;
  name: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** Sites, members and API keys: the platform's account directory, kept in SQLite. */
export class Directory {
  /** Successful sign-ins by member id (platform clock), for the dashboard's sign-in status; bounded like the members list. */
  private readonly signIns = new Map<string, number>();

  constructor(
    private readonly db: Db,
    /** The platform clock: rotated keys expire on it (tests move it). */
    private readonly now: () => number = Date.now,
  ) {
    // Rotation (dashboard): a retiring key's end and the key it replaced, added to older databases in place.
    const columns = new Set((db.prepare('PRAGMA table_info(api_keys)').all() as { name: string }[]).map((c) => c.name));
    if (!columns.has('expires_at')) db.exec('ALTER TABLE api_keys ADD COLUMN expires_at INTEGER');
    if (!columns.has('rotated_from')) db.exec('ALTER TABLE api_keys ADD COLUMN rotated_from TEXT');
  }

  ensureSite(site: Site): void {
    this.db.prepare('INSERT OR IGNORE INTO sites (id, account_id, name) VALUES (?, ?, ?)').run(site.id, site.accountId, site.name);
  }

  getSite(id: string): Site | undefined {
    const row = this.db.prepare('SELECT id, account_id, name FROM sites WHERE id = ?').get(id) as { id: string; account_id: string; name: string } | undefined;
    return row && { id: row.id, accountId: row.account_id, name: row.name };
  }

  /** Creates a member; `passwordHash` (from the async hashPassword) spares the synchronous hash on a request path. */
  createMember(input: { email: string; password: string; nickname: string; role?: 'member' | 'owner'; id?: string; passwordHash?: string }): Member {
    const member: Member = { id: input.id ?? randomUUID(), email: input.email, nickname: input.nickname, role: input.role ?? 'member' };
    this.db
      .prepare('INSERT INTO members (id, email, nickname, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(member.id, member.email, member.nickname, input.passwordHash ?? hashPasswordSync(input.password), member.role, new Date().toISOString());
    return member;
  }

  findMemberByEmail(email: string): (Member & { passwordHash: string }) | undefined {
    const row = this.db.prepare('SELECT id, email, nickname, role, password_hash FROM members WHERE email = ?').get(email) as
      { id: string; email: string; nickname: string; role: 'member' | 'owner'; password_hash: string } | undefined;
    return row && { id: row.id, email: row.email, nickname: row.nickname, role: row.role, passwordHash: row.password_hash };
  }

  getMember(id: string): Member | undefined {
    const row = this.db.prepare('SELECT id, email, nickname, role FROM members WHERE id = ?').get(id) as Member | undefined;
    return row && { ...row };
  }

  /** A member with the date the directory created it (the Members API's `createdDate`). */
  getMemberRecord(id: string): (Member & { createdAt: string }) | undefined {
    const row = this.db.prepare('SELECT id, email, nickname, role, created_at FROM members WHERE id = ?').get(id) as
      { id: string; email: string; nickname: string; role: 'member' | 'owner'; created_at: string } | undefined;
    return row && { id: row.id, email: row.email, nickname: row.nickname, role: row.role, createdAt: row.created_at };
  }

  /** The site's members in creation order, at most `max` of them (the Members API filters and pages this list). */
  listMemberRecords(max: number): (Member & { createdAt: string })[] {
    const rows = this.db
      .prepare('SELECT id, email, nickname, role, created_at FROM members ORDER BY created_at, id LIMIT ?')
      .all(Math.max(0, Math.floor(max))) as {
      id: string;
      email: string;
      nickname: string;
      role: 'member' | 'owner';
      created_at: string;
    }[];
    return rows.map((row) => ({ id: row.id, email: row.email, nickname: row.nickname, role: row.role, createdAt: row.created_at }));
  }

  /**
   * Returns the member when the password matches, undefined otherwise (the same work and answer for an unknown
   * email). The hash runs off the event loop in the bounded pool (passwords.ts); callers on a request path go
   * through the AuthGuard (throttle.ts), which counts failures. Throws HashPoolBusy when the pool is full.
   */
  async authenticate(email: string, password: string): Promise<Member | undefined> {
    // No hashing of oversized input (the SDK login's schema allows 320 and 1000 characters).
    if (email.length > 320 || password.length > 1000) return undefined;
    const found = this.findMemberByEmail(email);
    if (!(await verifyPassword(password, found?.passwordHash)) || !found) return undefined;
    const { passwordHash: _omit, ...member } = found;
    this.signIns.delete(member.id);
    this.signIns.set(member.id, this.now());
    if (this.signIns.size > 10_000) this.signIns.delete(this.signIns.keys().next().value!);
    return member;
  }

  /**
   * Creates an API key. The plain key is returned once; only its hash is stored.
   * A `derivedFrom` secret makes the key reproducible (the seeded admin key survives restarts
   * without its plain text ever being written down).
   */
  createApiKey(input: { name: string; accountId: string; permissions: readonly ApiKeyPermission[]; derivedFrom?: Uint8Array }): {
    key: string;
    record: ApiKeyRecord;
  } {
    const secret = input.derivedFrom
      ? createHmac('sha256', input.derivedFrom).update(`api-key:${input.accountId}:${input.name}`).digest('base64url')
      : randomBytes(32).toString('base64url');
    const key = `IST.${secret}`;
    const hash = sha256(key);
    const existing = this.db.prepare('SELECT id FROM api_keys WHERE key_hash = ?').get(hash) as { id: string } | undefined;
    const id = existing?.id ?? randomUUID();
    if (!existing) {
      this.db
        .prepare('INSERT INTO api_keys (id, key_hash, name, account_id, permissions, created_at) VALUES (?, ?, ?, ?, ?, ?)')
        .run(id, hash, input.name, input.accountId, JSON.stringify(input.permissions), new Date().toISOString());
    } else {
      // The derived (seeded admin) key is the platform's own: a new start brings it back even if it was rotated away.
      this.db.prepare('UPDATE api_keys SET permissions = ?, expires_at = NULL WHERE id = ?').run(JSON.stringify(input.permissions), id);
    }
    return { key, record: { id, name: input.name, accountId: input.accountId, permissions: new Set(input.permissions) } };
  }

  /** Revokes a key: it stops working at once. Returns whether it existed. */
  revokeApiKey(key: string): boolean {
    return this.db.prepare('DELETE FROM api_keys WHERE key_hash = ?').run(sha256(key)).changes > 0;
  }

  /** The last successful password sign-in of a member (platform clock, since this start). */
  lastSignIn(memberId: string): number | undefined {
    return this.signIns.get(memberId);
  }

  /** How many members there are. */
  countMembers(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM members').get() as { n: number }).n;
  }

  /** A key that is not yet refused: no end, or an end still ahead on the platform clock. */
  private live(expiresAt: number | null): boolean {
    return expiresAt === null || expiresAt > this.now();
  }

  /** Every key that still works (rotated ones until their grace period ends), oldest first, at most MAX_API_KEYS. */
  listApiKeys(): ApiKeySummary[] {
    const rows = this.db
      .prepare('SELECT id, name, account_id, permissions, created_at, expires_at, rotated_from FROM api_keys ORDER BY created_at, id LIMIT ?')
      .all(MAX_API_KEYS) as {
      id: string;
      name: string;
      account_id: string;
      permissions: string;
      created_at: string;
      expires_at: number | null;
      rotated_from: string | null;
    }[];
    return rows
      .filter((row) => this.live(row.expires_at))
      .map((row) => ({
        id: row.id,
        name: row.name,
        accountId: row.account_id,
        permissions: JSON.parse(row.permissions) as ApiKeyPermission[],
        createdAt: row.created_at,
        expiresAt: row.expires_at === null ? undefined : new Date(row.expires_at).toISOString(),
        rotatedFrom: row.rotated_from ?? undefined,
      }));
  }

  /** How many keys are stored (retired ones included until they are cleaned up). */
  countApiKeys(): number {
    return (this.db.prepare('SELECT COUNT(*) AS n FROM api_keys').get() as { n: number }).n;
  }

  /**
   * Rotates a key: a new key with the same name, account and permissions (returned once), and the old one keeps
   * working for `graceMs` on the platform clock (0: refused at once). Undefined when there is no such live key.
   * Keys whose grace period has ended are deleted here too, so retired keys do not pile up.
   */
  rotateApiKey(id: string, graceMs: number): { key: string; record: ApiKeyRecord } | undefined {
    if (!Number.isInteger(graceMs) || graceMs < 0 || graceMs > MAX_ROTATION_GRACE_MS) throw new RangeError('The grace period is 0 to 30 days, in whole ms.');
    const rotate = this.db.transaction(() => {
      this.db.prepare('DELETE FROM api_keys WHERE expires_at IS NOT NULL AND expires_at <= ?').run(this.now());
      const row = this.db.prepare('SELECT id, name, account_id, permissions, expires_at FROM api_keys WHERE id = ?').get(id) as
        { id: string; name: string; account_id: string; permissions: string; expires_at: number | null } | undefined;
      if (!row || !this.live(row.expires_at)) return undefined;
      const created = this.createApiKey({ name: row.name, accountId: row.account_id, permissions: JSON.parse(row.permissions) as ApiKeyPermission[] });
      this.db.prepare('UPDATE api_keys SET rotated_from = ? WHERE id = ?').run(row.id, created.record.id);
      // A key already retiring keeps the earlier of its end and the new one.
      const end = Math.min(this.now() + graceMs, row.expires_at ?? Number.POSITIVE_INFINITY);
      this.db.prepare('UPDATE api_keys SET expires_at = ? WHERE id = ?').run(end, row.id);
      return created;
    });
    return rotate();
  }

  /** Revokes a key by its id (what the dashboard knows of it): it stops working at once. */
  revokeApiKeyById(id: string): boolean {
    return this.db.prepare('DELETE FROM api_keys WHERE id = ?').run(id).changes > 0;
  }

  findApiKey(key: string): ApiKeyRecord | undefined {
    const row = this.db.prepare('SELECT id, name, account_id, permissions, expires_at FROM api_keys WHERE key_hash = ?').get(sha256(key)) as
      { id: string; name: string; account_id: string; permissions: string; expires_at: number | null } | undefined;
    if (!row || !this.live(row.expires_at)) return undefined;
    return { id: row.id, name: row.name, accountId: row.account_id, permissions: new Set(JSON.parse(row.permissions) as ApiKeyPermission[]) };
  }
}
