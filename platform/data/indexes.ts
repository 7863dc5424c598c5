/**
 * Wix Data indexes (the Indexes API: `@wix/data`'s `indexes` module, REST `/v2/indexes`), each backed by one
 * composite SQLite index on the collection's item table.
 *
 * The SQLite index is built over exactly the expressions the query compiler filters and sorts by (filter.ts
 * `sortExpr`, the one function that yields a field's expression), so a filtered, sorted page whose equality
 * fields and sort field match an index walks it in order and stops after the page.
 *
 * Documented limits (Indexes API introduction and "Index Types"): up to 3 regular indexes of up to 3 fields
 * each, and 1 unique index of 1 field, per collection; a failed index keeps its slot until it is dropped; a value
 * in an indexed field is at most 982 bytes including the collection name (two triggers per index enforce it).
 *
 * What an index serves: equality and ranges on fields declared with a scalar type (and on system fields), ranges
 * on any field, and the sort. Equality on an undeclared or array field also matches array elements, which an
 * expression index cannot answer, so it scans; a range on a DATE/DATETIME field compares the `$date` inside the
 * value while the index holds the value, so the index serves that field's sort but not its range.
 */
import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { errors, WixApiError } from '../errors.ts';
import type { RequestContext, Router } from '../http/router.ts';
import type { PlatformServices } from '../services.ts';
import type { Db } from '../storage/database.ts';
import { parseBody, plainObject } from '../validation.ts';
import type { Collection, CollectionStore, DataIndex, DataIndexField } from './collections.ts';
import { fieldSegments, sortExpr } from './filter.ts';
import { canManageCollections } from './permissions.ts';

/** Wix: "A collection can have up to 3 regular indexes (for up to 3 fields per index). It may also have 1 unique index (for 1 field)." */
export const MAX_REGULAR_INDEXES = 3;
export const MAX_UNIQUE_INDEXES = 1;
export const MAX_INDEX_FIELDS = 3;
export const MAX_UNIQUE_INDEX_FIELDS = 1;
/** Wix: `name` and `fields.path` are 1 to 128 characters (the SDK's typings, @minLength 1 @maxLength 128). */
export const MAX_INDEX_NAME_LENGTH = 128;
export const MAX_INDEX_PATH_LENGTH = 128;
/**
 * Wix: "The value contained in an indexed field can't be larger than 982 bytes, including the collection name."
 * A write over it answers WDE0133 ("Document too large to index"); existing data over it fails the build (WDE0114).
 */
export const MAX_INDEXED_VALUE_BYTES = 982;
/** Indexes per List Indexes page (the platform's choice; a collection holds at most 4 anyway). */
export const DEFAULT_INDEX_PAGE = 50;
export const MAX_INDEX_PAGE = 100;
/** A create-index body is a few hundred bytes; anything near this is refused before it is parsed. */
export const MAX_INDEX_BODY_BYTES = 16 * 1024;

/** The paths the Indexes API is served under: Data's two prefixes plus the `/data/v2` one the SDK also maps. */
const INDEX_PREFIXES = ['/_api/cloud-data/v2', '/wix-data/v2', '/data/v2'] as const;

/**
 * The SQLite column list of an index: the fields' query expressions, in the index's order, all ascending. The Wix
 * `order` of each field is kept and reported but not written into SQLite: a B-tree is walked both ways, and the
 * items service breaks ties by `rowid` in the first sort term's direction, which only an all-ascending index
 * (whose implicit rowid ascends with it) serves in both directions. So `eq(category).descending(price)` walks an
 * index declared `category ASC, price DESC` backwards; a sort that mixes directions itself (ascending category,
 * descending price, no equality) sorts within each category ("TEMP B-TREE FOR RIGHT PART OF ORDER BY").
 */
export function indexColumns(fields: readonly DataIndexField[], caseInsensitive: boolean, fieldTypes: ReadonlyMap<string, string>): string {
  return fields.map((f) => `${sortExpr(f.path, fieldTypes)}${caseInsensitive ? ' COLLATE NOCASE' : ''}`).join(', ');
}

/** The wire shape of an index (REST `id`; the SDK renames it `_id`). The SQLite name stays inside. */
export function toWireIndex(index: DataIndex, status: string = index.status): Record<string, unknown> {
  return {
    id: index.id,
    name: index.name,
    fields: index.fields.map((f) => ({ path: f.path, order: f.order })),
    status,
    unique: index.unique,
    caseInsensitive: index.caseInsensitive,
    source: 'USER',
    ...(index.failure && status === 'FAILED' ? { failure: { ...index.failure } } : {}),
  };
}

const indexNotFound = (collectionId: string, name: string) =>
  new WixApiError(404, `Index "${name.slice(0, MAX_INDEX_NAME_LENGTH)}" does not exist in the ${collectionId} collection.`, {
    code: 'NOT_FOUND',
    data: { dataCollectionId: collectionId, indexName: name.slice(0, MAX_INDEX_NAME_LENGTH) },
  });

/**
 * Maps SQLite's error for a write that violates one of the collection's unique indexes to Wix's WDE0123
 * ("Unique index conflict", HTTP 409). Any other error (a UNIQUE on `id` is WDE0074, not this) gives undefined,
 * so the caller rethrows or maps it as before. Called by the items service around its writes.
 */
export function constraintError(error: unknown, collection: Collection): WixApiError | undefined {
  if (!(error instanceof Error)) return undefined;
  const code = (error as { code?: unknown }).code;
  if (code === 'SQLITE_CONSTRAINT_TRIGGER') return tooLargeError(error.message, collection);
  if (code !== 'SQLITE_CONSTRAINT_UNIQUE') return undefined;
  const match = /^UNIQUE constraint failed: index '([^']+)'$/.exec(error.message);
  if (!match) return undefined;
  const index = collection.indexes.find((i) => i.sqliteName === match[1]);
  if (!index) return undefined;
  const paths = index.fields.map((f) => f.path);
  return new WixApiError(
    409,
    `Unique index conflict: the ${collection.id} collection already has an item with this value of ${paths.join(', ')} (unique index "${index.name}").`,
    { code: 'WDE0123', data: { dataCollectionId: collection.id, indexName: index.name, fields: paths } },
  );
}

/** The RAISE message of an index's size triggers, naming the SQLite index. */
const TOO_LARGE = 'wix-index-value-too-large:';

/** WDE0133 for a write whose value in an indexed field is over Wix's limit (raised by the index's triggers). */
function tooLargeError(message: string, collection: Collection): WixApiError | undefined {
  if (!message.startsWith(TOO_LARGE)) return undefined;
  const name = message.slice(TOO_LARGE.length);
  const index = collection.indexes.find((i) => i.sqliteName === name);
  if (!index) return undefined;
  const paths = index.fields.map((f) => f.path);
  const limit = valueLimit(collection);
  return new WixApiError(
    400,
    `Document too large to index: a value of ${paths.join(', ')} is over ${limit} bytes, the most the ${collection.id} collection's index "${index.name}" holds (${MAX_INDEXED_VALUE_BYTES} bytes including the collection name).`,
    { code: 'WDE0133', data: { dataCollectionId: collection.id, indexName: index.name, fields: paths, maxBytes: limit } },
  );
}

/** Bytes a value of an indexed field may have in this collection: Wix counts the collection name in. */
const valueLimit = (collection: Collection) => MAX_INDEXED_VALUE_BYTES - Buffer.byteLength(collection.id, 'utf8');

/** SQL true when a row (`NEW` in a trigger, the table's own row otherwise) has a value over the limit in an index field. */
function tooLargeSql(fields: readonly DataIndexField[], collection: Collection, row?: 'NEW'): string {
  const limit = valueLimit(collection);
  return fields.map((f) => `length(CAST(${sortExpr(f.path, collection.fieldTypes, row)} AS BLOB)) > ${limit}`).join(' OR ');
}

export interface IndexInput {
  name: string;
  fields: { path: string; order?: 'ASC' | 'DESC' | undefined }[];
  unique?: boolean | undefined;
  caseInsensitive?: boolean | undefined;
}

/** Data Indexes v2 over SQLite. Every change is one transaction on the collection's row and its item table. */
export class IndexService {
  constructor(
    private readonly db: Db,
    private readonly collections: CollectionStore,
    private readonly now: () => number,
  ) {}

  /**
   * Creates an index and builds it at once. The answer says BUILDING, as Wix's does (Wix builds in the
   * background): code written here then checks List Indexes for ACTIVE, as it must on Wix. A unique index over
   * duplicate values is kept as FAILED with WDE0113 and the duplicate item's ID, and no SQLite index, as Wix
   * documents ("the failed index still occupies a slot").
   */
  create(siteId: string | undefined, collectionId: string, input: IndexInput): Record<string, unknown> {
    const unique = input.unique ?? false;
    const caseInsensitive = input.caseInsensitive ?? false;
    if (input.name.length < 1 || input.name.length > MAX_INDEX_NAME_LENGTH) {
      throw errors.badRequest(`An index name has 1 to ${MAX_INDEX_NAME_LENGTH} characters.`, 'WDE0080');
    }
    const maxFields = unique ? MAX_UNIQUE_INDEX_FIELDS : MAX_INDEX_FIELDS;
    if (input.fields.length < 1 || input.fields.length > maxFields) {
      throw errors.badRequest(
        unique
          ? `A unique index has exactly ${MAX_UNIQUE_INDEX_FIELDS} field; this one has ${input.fields.length}.`
          : `An index has 1 to ${MAX_INDEX_FIELDS} fields; this one has ${input.fields.length}.`,
        'WDE0080',
      );
    }
    const fields: DataIndexField[] = input.fields.map((f) => {
      if (f.path.length > MAX_INDEX_PATH_LENGTH) throw errors.badRequest(`An index field path has at most ${MAX_INDEX_PATH_LENGTH} characters.`, 'WDE0080');
      fieldSegments(f.path);
      return { path: f.path, order: f.order ?? 'ASC' };
    });
    if (new Set(fields.map((f) => f.path)).size !== fields.length) throw errors.badRequest('An index names each field once.', 'WDE0080');

    let created: DataIndex | undefined;
    this.collections.changeIndexes(collectionId, siteId, (collection) => {
      const current = collection.indexes;
      if (current.some((i) => i.name === input.name)) {
        throw new WixApiError(409, `The ${collection.id} collection already has an index named "${input.name}".`, {
          code: 'ALREADY_EXISTS',
          data: { dataCollectionId: collection.id, indexName: input.name },
        });
      }
      const used = current.filter((i) => i.unique === unique).length;
      const limit = unique ? MAX_UNIQUE_INDEXES : MAX_REGULAR_INDEXES;
      if (used >= limit) {
        throw errors.badRequest(
          `The ${collection.id} collection already has ${used} ${unique ? 'unique' : 'regular'} ${used === 1 ? 'index' : 'indexes'}; ` +
            `a collection may have ${MAX_REGULAR_INDEXES} regular indexes and ${MAX_UNIQUE_INDEXES} unique index (failed ones count until dropped).`,
          'WDE0080',
        );
      }
      const id = randomUUID();
      const sqliteName = `${collection.table}_wix_${id.replace(/-/g, '')}`;
      const columns = indexColumns(fields, caseInsensitive, collection.fieldTypes);
      const index: DataIndex = { id, name: input.name, fields, unique, caseInsensitive, status: 'ACTIVE', createdDate: new Date(this.now()).toISOString() };
      const tooLarge = this.db.prepare(`SELECT id FROM ${collection.table} WHERE ${tooLargeSql(fields, collection)} ORDER BY rowid LIMIT 1`).get() as
        { id: string } | undefined;
      if (tooLarge) {
        index.status = 'FAILED';
        index.failure = {
          code: 'WDE0114',
          description: `Document too large while building collection index: a value of ${fields.map((f) => f.path).join(', ')} is over ${valueLimit(collection)} bytes.`,
          itemId: tooLarge.id,
        };
        created = index;
        return [...current, index];
      }
      try {
        this.db.exec(`CREATE ${unique ? 'UNIQUE ' : ''}INDEX ${sqliteName} ON ${collection.table}(${columns})`);
        // Writes that would put a value over Wix's limit into the index are refused (constraintError: WDE0133).
        const raise = `BEGIN SELECT RAISE(ABORT, '${TOO_LARGE}${sqliteName}'); END`;
        const when = tooLargeSql(fields, collection, 'NEW');
        this.db.exec(`CREATE TRIGGER ${sqliteName}_ins BEFORE INSERT ON ${collection.table} WHEN ${when} ${raise}`);
        this.db.exec(`CREATE TRIGGER ${sqliteName}_upd BEFORE UPDATE ON ${collection.table} WHEN ${when} ${raise}`);
        index.sqliteName = sqliteName;
      } catch (error) {
        if (!unique || (error as { code?: unknown }).code !== 'SQLITE_CONSTRAINT_UNIQUE') throw error;
        const itemId = this.duplicateItem(collection, columns);
        index.status = 'FAILED';
        index.failure = {
          code: 'WDE0113',
          description: `Duplicate key error while building collection index: more than one item has the same value of ${fields[0]!.path}.`,
          ...(itemId !== undefined ? { itemId } : {}),
        };
      }
      created = index;
      return [...current, index];
    });
    return toWireIndex(created!, 'BUILDING');
  }

  /** The second item (in insertion order) holding a value that an earlier item already holds. */
  private duplicateItem(collection: Collection, columns: string): string | undefined {
    const row = this.db
      .prepare(
        `SELECT id FROM (SELECT id, row_number() OVER (PARTITION BY ${columns} ORDER BY rowid) AS n FROM ${collection.table} WHERE ${columns} IS NOT NULL) WHERE n = 2 LIMIT 1`,
      )
      .get() as { id: string } | undefined;
    return row?.id;
  }

  list(siteId: string | undefined, collectionId: string, paging: { limit?: number | undefined; offset?: number | undefined } = {}) {
    const collection = this.collections.require(collectionId, siteId);
    const limit = paging.limit ?? DEFAULT_INDEX_PAGE;
    const offset = paging.offset ?? 0;
    if (!Number.isSafeInteger(limit) || limit < 0 || limit > MAX_INDEX_PAGE) {
      throw errors.badRequest(`'paging.limit' must be a whole number from 0 to ${MAX_INDEX_PAGE}.`, 'WDE0080');
    }
    if (!Number.isSafeInteger(offset) || offset < 0) throw errors.badRequest("'paging.offset' must be a non-negative whole number.", 'WDE0080');
    const page = collection.indexes.slice(offset, offset + limit);
    return {
      indexes: page.map((i) => toWireIndex(i)),
      pagingMetadata: { count: page.length, offset, total: collection.indexes.length, tooManyToCount: false },
    };
  }

  /** Drops an index and its SQLite index at once (Wix reports DROPPING for a while; here it is simply gone). */
  drop(siteId: string | undefined, collectionId: string, name: string): void {
    this.collections.changeIndexes(collectionId, siteId, (collection) => {
      const index = collection.indexes.find((i) => i.name === name);
      if (!index) throw indexNotFound(collection.id, name);
      if (index.sqliteName) {
        this.db.exec(`DROP INDEX IF EXISTS ${index.sqliteName}`);
        this.db.exec(`DROP TRIGGER IF EXISTS ${index.sqliteName}_ins`);
        this.db.exec(`DROP TRIGGER IF EXISTS ${index.sqliteName}_upd`);
      }
      return collection.indexes.filter((i) => i !== index);
    });
  }
}

// ---------------------------------------------------------------------------------------------------------------
// Routes: POST /v2/indexes, GET /v2/indexes, DELETE /v2/indexes (the SDK's createIndex, listIndexes, dropIndex).
// ---------------------------------------------------------------------------------------------------------------

const CollectionId = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(256));
const IndexName = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_INDEX_NAME_LENGTH));
const CreateBody = plainObject({
  dataCollectionId: CollectionId,
  index: plainObject({
    name: IndexName,
    fields: v.pipe(
      v.array(
        plainObject({
          path: v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(MAX_INDEX_PATH_LENGTH)),
          order: v.optional(v.picklist(['ASC', 'DESC'])),
        }),
      ),
      v.minLength(1, 'must name at least one field'),
      v.maxLength(MAX_INDEX_FIELDS, `may hold at most ${MAX_INDEX_FIELDS} fields`),
    ),
    unique: v.optional(v.boolean()),
    caseInsensitive: v.optional(v.boolean()),
    // Only USER indexes can be created; SYSTEM and AUTO ones are Wix's own.
    source: v.optional(v.picklist(['USER'])),
  }),
});
/** A whole number sent as a JSON number or, in a GET's flat query, as a string of digits. */
const Count = v.optional(
  v.union([
    v.pipe(v.number(), v.safeInteger()),
    v.pipe(
      v.string(),
      v.regex(/^\d{1,9}$/, 'must be a whole number'),
      v.transform((s) => Number(s)),
    ),
  ]),
);
const ListBody = plainObject({
  dataCollectionId: CollectionId,
  paging: v.optional(plainObject({ limit: Count, offset: Count })),
  'paging.limit': Count,
  'paging.offset': Count,
});
const DropBody = plainObject({ dataCollectionId: CollectionId, indexName: IndexName });

export function registerIndexRoutes(router: Router, services: PlatformServices): void {
  const indexes = new IndexService(services.db, services.collections, () => services.clock.now());
  /** Like Data Collections v2: the site owner and API keys (reading needs a data permission, changing MANAGE_COLLECTIONS). */
  const manage = async (ctx: RequestContext, write: boolean) => {
    const caller = await ctx.caller();
    if (!canManageCollections(caller, write)) throw errors.forbidden(`The caller may not ${write ? 'change' : 'read'} data indexes.`);
    return caller.siteId;
  };
  router.addUnder(
    INDEX_PREFIXES,
    'POST',
    '/indexes',
    async (ctx) => {
      const siteId = await manage(ctx, true);
      const body = parseBody(CreateBody, ctx.body);
      return { index: indexes.create(siteId, body.dataCollectionId, body.index) };
    },
    { maxBodyBytes: MAX_INDEX_BODY_BYTES },
  );
  router.addUnder(INDEX_PREFIXES, 'GET', '/indexes', async (ctx) => {
    const siteId = await manage(ctx, false);
    const body = parseBody(ListBody, ctx.body);
    return indexes.list(siteId, body.dataCollectionId, {
      limit: body.paging?.limit ?? body['paging.limit'],
      offset: body.paging?.offset ?? body['paging.offset'],
    });
  });
  router.addUnder(INDEX_PREFIXES, 'DELETE', '/indexes', async (ctx) => {
    const siteId = await manage(ctx, true);
    const body = parseBody(DropBody, ctx.body);
    indexes.drop(siteId, body.dataCollectionId, body.indexName);
    return {};
  });
}
