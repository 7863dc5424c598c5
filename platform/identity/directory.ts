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

export interface Site {
  id: string;
  accountId: string;
  name: string;
}

const sha256 = (value: string) => createHash('sha256').update(value).digest('base64url');

/** Sites, members and API keys: the platform's account directory, kept in SQLite. */
export class Directory {
  constructor(private readonly db: Db) {}

  ensureSite(site: Site): void {
    this.db.prepare('INSERT OR IGNORE INTO sites (id, account_id, name) VALUES (?, ?, ?)').run(site.id, site.accountId, site.name);
  }

  getSite(id: string): Site | undefined {
    const row = this.db.prepare('SELECT id, account_id, name FROM sites WHERE id = ?').get(id) as { id: string; account_id: string; name: string } | undefined;
    return row && { id: row.id, accountId: row.account_id, name: row.name };
  }

  createMember(input: { email: string; password: string; nickname: string; role?: 'member' | 'owner'; id?: string }): Member {
    const member: Member = { id: input.id ?? randomUUID(), email: input.email, nickname: input.nickname, role: input.role ?? 'member' };
    this.db
      .prepare('INSERT INTO members (id, email, nickname, password_hash, role, created_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(member.id, member.email, member.nickname, hashPasswordSync(input.password), member.role, new Date().toISOString());
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
      this.db.prepare('UPDATE api_keys SET permissions = ? WHERE id = ?').run(JSON.stringify(input.permissions), id);
    }
    return { key, record: { id, name: input.name, accountId: input.accountId, permissions: new Set(input.permissions) } };
  }

  /** Revokes a key: it stops working at once. Returns whether it existed. */
  revokeApiKey(key: string): boolean {
    return this.db.prepare('DELETE FROM api_keys WHERE key_hash = ?').run(sha256(key)).changes > 0;
  }

  findApiKey(key: string): ApiKeyRecord | undefined {
    const row = this.db.prepare('SELECT id, name, account_id, permissions FROM api_keys WHERE key_hash = ?').get(sha256(key)) as
      { id: string; name: string; account_id: string; permissions: string } | undefined;
    if (!row) return undefined;
    return { id: row.id, name: row.name, accountId: row.account_id, permissions: new Set(JSON.parse(row.permissions) as ApiKeyPermission[]) };
  }
}
