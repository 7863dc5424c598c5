import Database from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

export type Db = Database.Database;

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sites (
  id TEXT PRIMARY KEY, account_id TEXT NOT NULL, name TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS members (
  id TEXT PRIMARY KEY,
  email TEXT NOT NULL UNIQUE COLLATE NOCASE,
  nickname TEXT NOT NULL,
  password_hash TEXT NOT NULL,
  role TEXT NOT NULL CHECK (role IN ('member', 'owner')),
  created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS api_keys (
  id TEXT PRIMARY KEY,
  key_hash TEXT NOT NULL UNIQUE,
  name TEXT NOT NULL,
  account_id TEXT NOT NULL,
  permissions TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS oauth_clients (
  client_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  kind TEXT NOT NULL CHECK (kind IN ('site', 'app')),
  redirect_uris TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS oauth_apps (
  client_id TEXT PRIMARY KEY,
  name TEXT NOT NULL,
  secret_hash TEXT NOT NULL,
  redirect_uris TEXT NOT NULL,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS oauth_grants (
  id TEXT PRIMARY KEY,
  client_id TEXT NOT NULL,
  subject_id TEXT,
  subject_role TEXT,
  site_id TEXT,
  scopes TEXT NOT NULL,
  created_at TEXT NOT NULL,
  revoked_at TEXT);
CREATE TABLE IF NOT EXISTS oauth_refresh_tokens (
  token_hash TEXT PRIMARY KEY,
  grant_id TEXT NOT NULL,
  created_at TEXT NOT NULL,
  used_at TEXT);
CREATE TABLE IF NOT EXISTS collections (
  id TEXT PRIMARY KEY,
  table_name TEXT NOT NULL UNIQUE,
  display_name TEXT NOT NULL,
  permissions TEXT NOT NULL,
  fields TEXT NOT NULL,
  revision INTEGER NOT NULL,
  created_at TEXT NOT NULL,
  updated_at TEXT NOT NULL,
  indexes TEXT NOT NULL DEFAULT '[]');
-- Multi-reference fields (Wix keeps them apart from the item): one row per reference, in the order they were
-- made (seq), keyed by the referring collection's item table and field. target_table is the referenced
-- collection's item table, so removing an item or a collection drops the rows on either side.
CREATE TABLE IF NOT EXISTS item_references (
  seq INTEGER PRIMARY KEY,
  source_table TEXT NOT NULL,
  field TEXT NOT NULL,
  referring_id TEXT NOT NULL,
  target_table TEXT NOT NULL,
  referenced_id TEXT NOT NULL,
  UNIQUE (source_table, field, referring_id, referenced_id));
CREATE INDEX IF NOT EXISTS item_references_forward ON item_references(source_table, field, referring_id, seq);
CREATE INDEX IF NOT EXISTS item_references_reverse ON item_references(source_table, field, referenced_id, seq);
CREATE INDEX IF NOT EXISTS item_references_target ON item_references(target_table, referenced_id);
CREATE INDEX IF NOT EXISTS item_references_referring ON item_references(source_table, referring_id);
`;

/** Opens the platform database. ':memory:' for tests, a file path otherwise. */
export function openDatabase(path: string): Db {
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path);
  if (path !== ':memory:') db.pragma('journal_mode = WAL');
  db.pragma('synchronous = NORMAL');
  db.pragma('foreign_keys = ON');
  db.exec(SCHEMA);
  migrate(db);
  return db;
}

/** Columns added after a table first shipped: databases made by an earlier version get them here. */
function migrate(db: Db): void {
  const columns = (table: string) => new Set((db.prepare(`PRAGMA table_info(${table})`).all() as { name: string }[]).map((c) => c.name));
  if (!columns('oauth_grants').has('site_id')) db.exec('ALTER TABLE oauth_grants ADD COLUMN site_id TEXT');
  // The Wix Data indexes of a collection (Indexes API), as JSON: their SQLite indexes live on the item table.
  if (!columns('collections').has('indexes')) db.exec("ALTER TABLE collections ADD COLUMN indexes TEXT NOT NULL DEFAULT '[]'");
}

export function getMeta(db: Db, key: string): string | undefined {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row?.value;
}

export function setMeta(db: Db, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}

/**
 * Prepared statements are cached per SQL text: queries are built from validated fragments, so the set is small.
 * The cache holds at most `max` statements, and none whose SQL is longer than `maxSqlLength` characters (a filter
 * with hundreds of conditions is prepared for its one request and not kept), so requests cannot fill memory
 * with statements.
 */
export const STATEMENT_CACHE_SIZE = 500;
export const MAX_CACHED_SQL_LENGTH = 16 * 1024;

export class StatementCache {
  private readonly cache = new Map<string, Database.Statement>();
  constructor(
    private readonly db: Db,
    private readonly max = STATEMENT_CACHE_SIZE,
    private readonly maxSqlLength = MAX_CACHED_SQL_LENGTH,
  ) {}

  get(sql: string): Database.Statement {
    if (sql.length > this.maxSqlLength) return this.db.prepare(sql);
    let stmt = this.cache.get(sql);
    if (stmt) {
      this.cache.delete(sql);
      this.cache.set(sql, stmt);
      return stmt;
    }
    stmt = this.db.prepare(sql);
    this.cache.set(sql, stmt);
    if (this.cache.size > this.max) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
    return stmt;
  }

  clear(): void {
    this.cache.clear();
  }
}
