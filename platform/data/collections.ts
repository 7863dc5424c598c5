import { errors, WixApiError, type FieldViolation } from '../errors.ts';
import { getMeta, setMeta, type Db } from '../storage/database.ts';
import { fieldTypesOf, jsonPath, sortExpr, type FieldTypes } from './filter.ts';
import { MAX_COLLECTION_FIELDS } from './limits.ts';

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

/** Metadata Wix keeps on a reference field (Data Collections v2 `Field.typeMetadata`). */
export interface FieldTypeMetadata {
  reference?: { referencedCollectionId: string };
  multiReference?: { referencedCollectionId: string; referencingFieldKey: string; referencingDisplayName: string };
}

export interface CollectionField {
  key: string;
  displayName: string;
  type: FieldType;
  /** REFERENCE and MULTI_REFERENCE fields: the referenced collection (required for those types, absent otherwise). */
  typeMetadata?: FieldTypeMetadata;
  /** Whether an item must hold the field (Wix `Field.required`, default false). */
  required?: boolean;
  description?: string;
}

/**
 * The system fields every Wix collection has, as Data Collections v2 lists them (first, `systemField: true`).
 * They cannot be declared, changed or deleted through the field methods.
 */
export const SYSTEM_FIELDS: readonly { key: string; displayName: string; type: FieldType }[] = [
  { key: '_id', displayName: 'ID', type: 'TEXT' },
  { key: '_createdDate', displayName: 'Created Date', type: 'DATETIME' },
  { key: '_updatedDate', displayName: 'Updated Date', type: 'DATETIME' },
  { key: '_owner', displayName: 'Owner', type: 'TEXT' },
];
const SYSTEM_FIELD_KEYS: ReadonlySet<string> = new Set(SYSTEM_FIELDS.map((f) => f.key));

/** Field keys, as Wix bounds them (`Field.key` @maxLength 1000); a key must also be a valid field path here. */
export const MAX_FIELD_KEY_LENGTH = 1000;

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
  fieldTypes: FieldTypes;
  /** The collection's Wix Data indexes (Indexes API), in creation order. */
  indexes: readonly DataIndex[];
}

/**
 * A multi-reference as one direction sees it: rows of (`sourceTable`, `field`) relate items of `referring` (the
 * collection asked about) to items of `referenced`. `reverse`: the rows were made from the other side, so the
 * asked-about items are the rows' referenced IDs.
 */
export interface Relation {
  sourceTable: string;
  field: string;
  referring: Collection;
  referenced: Collection;
  reverse: boolean;
}

/** The referencing field key Wix would show on the referenced collection when a request names none: `Products` → `products`. */
export function defaultReferencingKey(collectionId: string): string {
  const base = collectionId.replace(/[^A-Za-z0-9_]/g, '_');
  return `${base.charAt(0).toLowerCase()}${base.slice(1)}`.slice(0, 64);
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
    fieldTypes: fieldTypesOf(fields, row.table_name),
    indexes: JSON.parse(row.indexes) as DataIndex[],
  };
}

const SORTABLE_TYPES = new Set(['TEXT', 'NUMBER', 'DATE', 'DATETIME', 'BOOLEAN', 'URL', 'REFERENCE', 'TIME']);

/** One field as Data Collections v2 sends it. */
export function toWireField(f: CollectionField): Record<string, unknown> {
  return {
    key: f.key,
    displayName: f.displayName,
    type: f.type,
    ...(f.typeMetadata ? { typeMetadata: structuredClone(f.typeMetadata) } : {}),
    systemField: false,
    capabilities: { sortable: SORTABLE_TYPES.has(f.type) },
    encrypted: false,
    required: f.required ?? false,
    ...(f.description !== undefined ? { description: f.description } : {}),
  };
}

const wireSystemFields = SYSTEM_FIELDS.map((f) => ({
  key: f.key,
  displayName: f.displayName,
  type: f.type,
  systemField: true,
  capabilities: { sortable: true },
  encrypted: false,
  readOnly: true,
  required: false,
}));

/** The wire shape of Data Collections v2 (reference §4): the system fields first, then the declared ones. */
export function toWireCollection(c: Collection): Record<string, unknown> {
  return {
    id: c.id,
    displayName: c.displayName,
    collectionType: 'NATIVE',
    fields: [...wireSystemFields.map((f) => ({ ...f, capabilities: { ...f.capabilities } })), ...c.fields.map(toWireField)],
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
    const fields = this.checkFields(input.id, input.siteId, input.fields ?? []);
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
    const fields = input.fields ? this.checkFields(input.id, input.siteId, input.fields, current) : current.fields;
    const now = new Date(this.now()).toISOString();
    this.db.transaction(() => {
      this.db
        .prepare('UPDATE collections SET display_name = ?, permissions = ?, fields = ?, revision = revision + 1, updated_at = ? WHERE id = ?')
        .run(input.displayName ?? current.displayName, JSON.stringify(input.permissions ?? current.permissions), JSON.stringify(fields), now, key);
      this.syncIndexes(current.table, fields);
      this.pruneReferences(current.table, fields, input.siteId);
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
      // Its multi-references go with it, on both sides (a collection referring to it keeps its field, now empty).
      this.db.prepare('DELETE FROM item_references WHERE source_table = ? OR target_table = ?').run(current.table, current.table);
    })();
    this.cache.delete(key);
    return current;
  }

  /** Create Data Collection Field: adds one field (a key already declared is a 409); the revision moves on. */
  createField(id: string, siteId: string | undefined, field: CollectionField): Collection {
    const current = this.require(id, siteId);
    if (current.fields.some((f) => f.key === field.key)) {
      throw new WixApiError(409, `The field ${field.key.slice(0, 80)} already exists in the ${id} collection.`, { code: 'ALREADY_EXISTS' });
    }
    return this.update({ id, siteId, fields: [...current.fields, field] });
  }

  /** Update Data Collection Field: replaces the field with the same key (a missing key is a 404). */
  updateField(id: string, siteId: string | undefined, field: CollectionField): Collection {
    const current = this.require(id, siteId);
    const at = current.fields.findIndex((f) => f.key === field.key);
    if (at === -1) throw this.fieldNotFound(id, field.key);
    return this.update({ id, siteId, fields: current.fields.map((f, i) => (i === at ? field : f)) });
  }

  /** Delete Data Collection Field: removes the field (items keep their values, as on Wix; a multi-reference's rows go). */
  deleteField(id: string, siteId: string | undefined, fieldKey: string): Collection {
    const current = this.require(id, siteId);
    if (SYSTEM_FIELD_KEYS.has(fieldKey)) throw errors.badRequest(`${fieldKey} is a system field and cannot be deleted.`, 'WDE0080');
    if (!current.fields.some((f) => f.key === fieldKey)) throw this.fieldNotFound(id, fieldKey);
    return this.update({ id, siteId, fields: current.fields.filter((f) => f.key !== fieldKey) });
  }

  private fieldNotFound(id: string, key: string): WixApiError {
    return errors.notFound(`The field ${key.slice(0, 80)} does not exist in the ${id} collection.`, 'NOT_FOUND');
  }

  /**
   * The declared fields, checked as Wix checks them: keys unique, valid and not a system field's; a REFERENCE or
   * MULTI_REFERENCE field names its referenced collection (which exists on the site, or is this collection), and a
   * multi-reference gets its referencing field key and display name when the request leaves them out.
   */
  private checkFields(collectionId: string, siteId: string | undefined, fields: readonly CollectionField[], current?: Collection): CollectionField[] {
    if (fields.length > MAX_COLLECTION_FIELDS) {
      throw errors.badRequest(`'fields' has ${fields.length} entries; a collection may declare at most ${MAX_COLLECTION_FIELDS} fields.`, 'WDE0080');
    }
    const violations: FieldViolation[] = [];
    const seen = new Set<string>();
    const out: CollectionField[] = [];
    fields.forEach((f, i) => {
      const at = `collection.fields[${i}]`;
      if (typeof f.key !== 'string' || f.key.length === 0 || f.key.length > MAX_FIELD_KEY_LENGTH) {
        violations.push({ field: `${at}.key`, description: `must be 1 to ${MAX_FIELD_KEY_LENGTH} characters`, violatedRule: 'FORMAT' });
        return;
      }
      try {
        jsonPath(f.key);
      } catch {
        violations.push({ field: `${at}.key`, description: 'is not a valid field key', violatedRule: 'FORMAT' });
        return;
      }
      if (SYSTEM_FIELD_KEYS.has(f.key)) {
        violations.push({ field: `${at}.key`, description: `${f.key} is a system field`, violatedRule: 'SYSTEM_FIELD' });
        return;
      }
      if (seen.has(f.key)) {
        violations.push({ field: `${at}.key`, description: `${f.key.slice(0, 80)} is declared twice`, violatedRule: 'UNIQUE' });
        return;
      }
      seen.add(f.key);
      const field: CollectionField = { key: f.key, displayName: f.displayName || f.key, type: f.type };
      if (f.required) field.required = true;
      if (f.description !== undefined) field.description = f.description;
      const referenced = (target: unknown, path: string): string | undefined => {
        if (typeof target !== 'string' || target.length === 0) {
          violations.push({ field: path, description: `is required for a ${f.type} field`, violatedRule: 'REQUIRED' });
          return undefined;
        }
        // A field that already named this collection keeps doing so when it has since been deleted (its rows are gone).
        const kept = current?.fields.find((c) => c.key === f.key && c.type === f.type);
        const keptTarget = kept?.typeMetadata?.reference?.referencedCollectionId ?? kept?.typeMetadata?.multiReference?.referencedCollectionId;
        if (target !== collectionId && target !== keptTarget && !this.get(target, siteId)) {
          violations.push({ field: path, description: `names the ${target.slice(0, 80)} collection, which does not exist`, violatedRule: 'NOT_FOUND' });
          return undefined;
        }
        return target;
      };
      if (f.type === 'REFERENCE') {
        const target = referenced(f.typeMetadata?.reference?.referencedCollectionId, `${at}.typeMetadata.reference.referencedCollectionId`);
        if (target) field.typeMetadata = { reference: { referencedCollectionId: target } };
      } else if (f.type === 'MULTI_REFERENCE') {
        const meta = f.typeMetadata?.multiReference;
        const target = referenced(meta?.referencedCollectionId, `${at}.typeMetadata.multiReference.referencedCollectionId`);
        const backKey = meta?.referencingFieldKey || defaultReferencingKey(collectionId);
        try {
          jsonPath(backKey);
        } catch {
          violations.push({ field: `${at}.typeMetadata.multiReference.referencingFieldKey`, description: 'is not a valid field key', violatedRule: 'FORMAT' });
        }
        if (target) {
          const backName = meta?.referencingDisplayName || this.get(collectionId, siteId)?.displayName || collectionId;
          field.typeMetadata = { multiReference: { referencedCollectionId: target, referencingFieldKey: backKey, referencingDisplayName: backName } };
        }
      }
      out.push(field);
    });
    if (violations.length) throw errors.validation(`Invalid collection: ${violations[0]!.field} ${violations[0]!.description}.`, violations);
    return out;
  }

  /** Multi-reference rows whose field is no longer a multi-reference to the same collection are dropped. */
  private pruneReferences(table: string, fields: readonly CollectionField[], siteId: string | undefined): void {
    const kept: string[] = [];
    for (const f of fields) {
      const target = f.typeMetadata?.multiReference?.referencedCollectionId;
      const targetTable = target === undefined ? undefined : this.get(target, siteId)?.table;
      if (f.type === 'MULTI_REFERENCE' && targetTable) kept.push(`${f.key}\u0000${targetTable}`);
    }
    this.db
      .prepare('DELETE FROM item_references WHERE source_table = ? AND field || char(0) || target_table NOT IN (SELECT value FROM json_each(?))')
      .run(table, JSON.stringify(kept));
  }

  /**
   * The multi-reference a collection's field key names: its own MULTI_REFERENCE field (forward), or, on the
   * referenced side, the `referencingFieldKey` another collection's multi-reference gives it (reverse).
   */
  relation(collection: Collection, fieldKey: string, siteId: string | undefined): Relation | undefined {
    const own = collection.fields.find((f) => f.key === fieldKey);
    const forward = own?.typeMetadata?.multiReference;
    if (own?.type === 'MULTI_REFERENCE' && forward) {
      const target = this.get(forward.referencedCollectionId, siteId);
      return target ? { sourceTable: collection.table, field: fieldKey, referring: collection, referenced: target, reverse: false } : undefined;
    }
    if (own) return undefined;
    for (const other of this.list(siteId)) {
      for (const f of other.fields) {
        const meta = f.typeMetadata?.multiReference;
        if (f.type === 'MULTI_REFERENCE' && meta?.referencedCollectionId === collection.id && meta.referencingFieldKey === fieldKey) {
          return { sourceTable: other.table, field: f.key, referring: collection, referenced: other, reverse: true };
        }
      }
    }
    return undefined;
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
