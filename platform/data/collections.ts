import { errors, WixApiError } from '../errors.ts';
import { getMeta, setMeta, type Db } from '../storage/database.ts';
import { jsonPath, sortExpr } from './filter.ts';

export const ROLES = ['ANYONE', 'SITE_MEMBER', 'SITE_MEMBER_AUTHOR', 'ADMIN'] as const;
export type Role = (typeof ROLES)[number];
export const OPERATIONS = ['read', 'insert', 'update', 'remove'] as const;
export type Operation = (typeof OPERATIONS)[number];
export type CollectionPermissions = Record<Operation, Role>;

export const FIELD_TYPES = [
  'TEXT',
  'NUMBER',
  'DATE',
  'DATETIME',
  'IMAGE',
  'BOOLEAN',
  'DOCUMENT',
  'URL',
  'RICH_TEXT',
  'VIDEO',
  'ANY',
  'ARRAY_STRING',
  'ARRAY_DOCUMENT',
  'AUDIO',
  'TIME',
  'LANGUAGE',
  'RICH_CONTENT',
  'MEDIA_GALLERY',
  'ADDRESS',
  'PAGE_LINK',
  'REFERENCE',
  'MULTI_REFERENCE',
  'OBJECT',
  'ARRAY',
] as const;
export type FieldType = (typeof FIELD_TYPES)[number];

export interface CollectionField {
  key: string;
  displayName: string;
  type: FieldType;
}

/** One field of a Wix Data index (Indexes API): a field path and the order the index keeps it in. */
export interface DataIndexField {
  path: string;
  order: 'ASC' | 'DESC';
}

/**
 * A Wix Data index of a collection (Indexes API), as stored. Built synchronously, so it is ACTIVE or FAILED
 * (a unique index over duplicate values; no SQLite index then, but it keeps its slot until dropped, as on Wix).
 */
export interface DataIndex {
  id: string;
  name: string;
  fields: DataIndexField[];
  unique: boolean;
  caseInsensitive: boolean;
  status: 'ACTIVE' | 'FAILED';
  failure?: { code: string; description: string; itemId?: string };
  /** Internal: the SQLite index on the item table, absent when the build failed. Never sent to clients. */
  sqliteName?: string;
  createdDate: string;
}

export interface Collection {
  id: string;
  displayName: string;
  permissions: CollectionPermissions;
  fields: CollectionField[];
  revision: number;
  createdDate: string;
  updatedDate: string;
  /** Internal: the SQLite table holding the items. Never sent to clients. */
  table: string;
  fieldTypes: ReadonlyMap<string, string>;
  /** The collection's Wix Data indexes (Indexes API), in creation order. */
  indexes: readonly DataIndex[];
}

/** Field types that get an expression index, so filters and sorts on them avoid a full scan. */
const INDEXED_TYPES = new Set(['TEXT', 'NUMBER', 'DATE', 'DATETIME', 'BOOLEAN', 'URL', 'REFERENCE']);
export const COLLECTION_ID = /^[A-Za-z][A-Za-z0-9_-]{0,63}(\/[A-Za-z][A-Za-z0-9_-]{0,63})?$/;
export const DEFAULT_PERMISSIONS: CollectionPermissions = { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' };

interface CollectionRow {
  id: string;
  table_name: string;
  display_name: string;
  permissions: string;
  fields: string;
  revision: number;
  created_at: string;
  updated_at: string;
  indexes: string;
}

/** Rows of the primary site keep the bare collection id; other sites' rows are keyed `<siteId>:<id>` (ids have no ':'). */
function fromRow(row: CollectionRow): Collection {
  const fields = JSON.parse(row.fields) as CollectionField[];
  const colon = row.id.indexOf(':');
  return {
    id: colon === -1 ? row.id : row.id.slice(colon + 1),
    displayName: row.display_name,
    permissions: JSON.parse(row.permissions) as CollectionPermissions,
    fields,
    revision: row.revision,
    createdDate: row.created_at,
    updatedDate: row.updated_at,
    table: row.table_name,
    fieldTypes: new Map(fields.map((f) => [f.key, f.type])),
    indexes: JSON.parse(row.indexes) as DataIndex[],
  };
}

/** The wire shape of Data Collections v2 (reference §4). */
export function toWireCollection(c: Collection): Record<string, unknown> {
  return {
    id: c.id,
    displayName: c.displayName,
    collectionType: 'NATIVE',
    fields: c.fields.map((f) => ({ key: f.key, displayName: f.displayName, type: f.type, systemField: false })),
    permissions: { ...c.permissions },
    revision: String(c.revision),
    plugins: [],
    pagingModes: ['OFFSET', 'CURSOR'],
    createdDate: c.createdDate,
    updatedDate: c.updatedDate,
  };
}

/**
 * Collections and their per-collection item tables, per site. Cached in memory; the database is the truth.
 * Every method takes an optional site id; without one it is the platform's primary site.
 */
export class CollectionStore {
  private readonly cache = new Map<string, Collection>();

  constructor(
    private readonly db: Db,
    private readonly now: () => number,
    private readonly primarySiteId = '',
  ) {
    this.upgradeOwnerIndexes();
  }

  private key(id: string, siteId: string | undefined): string {
    return !siteId || siteId === this.primarySiteId ? id : `${siteId}:${id}`;
  }

  get(id: string, siteId?: string): Collection | undefined {
    if (id.includes(':')) return undefined;
    const key = this.key(id, siteId);
    const cached = this.cache.get(key);
    if (cached) return cached;
    const row = this.db.prepare('SELECT * FROM collections WHERE id = ?').get(key) as CollectionRow | undefined;
    if (!row) return undefined;
    const collection = fromRow(row);
    this.cache.set(key, collection);
    return collection;
  }

  require(id: string, siteId?: string): Collection {
    const c = this.get(id, siteId);
    if (!c) throw errors.collectionNotFound(id);
    return c;
  }

  list(siteId?: string): Collection[] {
    const prefix = this.key('', siteId);
    const rows = this.db.prepare('SELECT * FROM collections ORDER BY id').all() as CollectionRow[];
    return rows.filter((row) => (prefix ? row.id.startsWith(prefix) : !row.id.includes(':'))).map(fromRow);
  }

  create(input: {
    id: string;
    displayName?: string;
    permissions?: CollectionPermissions;
    fields?: CollectionField[];
    siteId?: string | undefined;
  }): Collection {
    if (!COLLECTION_ID.test(input.id)) throw errors.badRequest(`"${input.id.slice(0, 80)}" is not a valid collection ID.`, 'WDE0080');
    if (this.get(input.id, input.siteId)) throw new WixApiError(409, `The ${input.id} collection already exists.`, { code: 'WDE0074' });
    const key = this.key(input.id, input.siteId);
    const fields = input.fields ?? [];
    for (const f of fields) jsonPath(f.key);
    const n = Number(getMeta(this.db, 'collections.nextTable') ?? '1');
    const table = `items_${n}`;
    const now = new Date(this.now()).toISOString();
    this.db.transaction(() => {
      setMeta(this.db, 'collections.nextTable', String(n + 1));
      this.db.exec(`CREATE TABLE ${table} (
        rowid INTEGER PRIMARY KEY,
        id TEXT NOT NULL UNIQUE,
        owner TEXT,
        created_at TEXT NOT NULL,
        updated_at TEXT NOT NULL,
        data BLOB NOT NULL)`);
      // Owner, then creation date: a SITE_MEMBER_AUTHOR reader's items, newest first, are one walk of this index.
      this.db.exec(`CREATE INDEX ${table}_owner ON ${table}(owner, created_at)`);
      this.db.exec(`CREATE INDEX ${table}_created ON ${table}(created_at)`);
      this.db
        .prepare(
          'INSERT INTO collections (id, table_name, display_name, permissions, fields, revision, created_at, updated_at) VALUES (?, ?, ?, ?, ?, 1, ?, ?)',
        )
        .run(key, table, input.displayName ?? input.id, JSON.stringify(input.permissions ?? DEFAULT_PERMISSIONS), JSON.stringify(fields), now, now);
      this.syncIndexes(table, fields);
    })();
    return this.require(input.id, input.siteId);
  }

  update(input: {
    id: string;
    displayName?: string;
    permissions?: CollectionPermissions;
    fields?: CollectionField[];
    revision?: number;
    siteId?: string | undefined;
  }): Collection {
    const current = this.require(input.id, input.siteId);
    const key = this.key(input.id, input.siteId);
    if (input.revision !== undefined && input.revision !== current.revision) {
      throw new WixApiError(409, `The ${input.id} collection was changed by someone else (revision ${current.revision}, not ${input.revision}).`, {
        code: 'WDE0074',
      });
    }
    const fields = input.fields ?? current.fields;
    for (const f of fields) jsonPath(f.key);
    const now = new Date(this.now()).toISOString();
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE collections SET display_name = ?, permissions = ?, fields = ?, revision = revision + 1, updated_at = ? WHERE id = ?')
        .run(input.displayName ?? current.displayName, JSON.stringify(input.permissions ?? current.permissions), JSON.stringify(fields), now, key);
      this.syncIndexes(current.table, fields);
    })();
    this.cache.delete(key);
    return this.require(input.id, input.siteId);
  }

  delete(id: string, siteId?: string): Collection {
    const current = this.require(id, siteId);
    const key = this.key(id, siteId);
    this.db.transaction(() => {
      this.db.prepare('DELETE FROM collections WHERE id = ?').run(key);
      this.db.exec(`DROP TABLE ${current.table}`);
    })();
    this.cache.delete(key);
    return current;
  }

  /**
   * Changes a collection's Wix Data indexes in one transaction: `change` gets the current collection (it may run
   * DDL on its table) and returns the new list, which is stored. If it throws, nothing is kept, DDL included.
   */
  changeIndexes(id: string, siteId: string | undefined, change: (current: Collection) => DataIndex[]): Collection {
    const current = this.require(id, siteId);
    const key = this.key(id, siteId);
    try {
      this.db.transaction(() => {
        const next = change(current);
        this.db.prepare('UPDATE collections SET indexes = ? WHERE id = ?').run(JSON.stringify(next), key);
      })();
    } finally {
      this.cache.delete(key);
    }
    return this.require(id, siteId);
  }

  /** Databases made before the owner index held the creation date get the two-column one (same name). */
  private upgradeOwnerIndexes(): void {
    const tables = this.db.prepare('SELECT table_name FROM collections').all() as { table_name: string }[];
    for (const { table_name: table } of tables) {
      const columns = this.db.prepare(`PRAGMA index_info(${table}_owner)`).all();
      if (columns.length === 2) continue;
      this.db.transaction(() => {
        this.db.exec(`DROP INDEX IF EXISTS ${table}_owner`);
        this.db.exec(`CREATE INDEX ${table}_owner ON ${table}(owner, created_at)`);
      })();
    }
  }

  /** One expression index per indexable declared field, named after the field so updates add and drop them. */
  private syncIndexes(table: string, fields: CollectionField[]): void {
    const wanted = new Map<string, string>();
    for (const f of fields) {
      if (!INDEXED_TYPES.has(f.type)) continue;
      const name = `${table}_f_${f.key.replace(/[^A-Za-z0-9_]/g, '_')}`;
      // The same expression the query compiler filters and sorts by (filter.ts sortExpr), so the planner can use it.
      wanted.set(name, `CREATE INDEX IF NOT EXISTS ${name} ON ${table}(${sortExpr(f.key, new Map())})`);
    }
    const existing = this.db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ? AND name LIKE ?").all(table, `${table}_f_%`) as {
      name: string;
    }[];
    for (const { name } of existing) if (!wanted.has(name)) this.db.exec(`DROP INDEX ${name}`);
    for (const sql of wanted.values()) this.db.exec(sql);
  }
}
