import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { plainObject } from '../validation.ts';
import { errors, WixApiError, type FieldViolation } from '../errors.ts';
import type { Caller } from '../identity/callers.ts';
import type { Db, StatementCache } from '../storage/database.ts';
import type { Collection, CollectionStore, Operation } from './collections.ts';
import { compileFilter, fieldSegments, jsonPath, sortExpr, systemColumn, type FieldTypes, type SqlFragment } from './filter.ts';
import { MAX_ITEM_BYTES, normalizeItem, own, reportMismatches, schemaMismatch, type NormalizedItem } from './item-data.ts';
import { applyModifications, checkModifications, type FieldModification, type RawFieldModification } from './patch.ts';
import { DEFAULT_QUERY_LIMIT, MAX_BULK_ITEMS, MAX_BULK_PATCH_ITEMS, MAX_PROJECTION_FIELDS, MAX_QUERY_LIMIT, MAX_SORT_TERMS } from './limits.ts';
import { constraintError } from './indexes.ts';
import { accessFor, isElevated, type Access } from './permissions.ts';

export const DEFAULT_LIMIT = DEFAULT_QUERY_LIMIT;
export const MAX_LIMIT = MAX_QUERY_LIMIT;
export const MAX_BULK = MAX_BULK_ITEMS;

/** An item table's row as the services read it (`data` as JSON text). */
export interface ItemRow {
  id: string;
  owner: string | null;
  created_at: string;
  updated_at: string;
  data: string;
}

export interface SortSpec {
  fieldName: string;
  order?: 'ASC' | 'DESC' | undefined;
}

export interface QueryInput {
  filter?: unknown;
  sort?: SortSpec[] | undefined;
  paging?: { limit?: number | undefined; offset?: number | undefined } | undefined;
  cursorPaging?: { limit?: number | undefined; cursor?: string | undefined } | undefined;
  fields?: string[] | undefined;
}

interface CursorState {
  filter?: unknown;
  sort: SortSpec[];
  fields: string[];
  offset: number;
}

type BulkAction = 'INSERT' | 'UPDATE' | 'DELETE' | 'PATCH';

export interface BulkItemResult {
  action: BulkAction;
  itemMetadata: { id?: string; originalIndex: number; success: boolean; error?: { code: string; description: string; data: Record<string, unknown> } };
  dataItem?: WireItem;
}

export interface WireItem {
  id: string;
  dataCollectionId: string;
  data: Record<string, unknown>;
}

/**
 * One wire item as UTF-8 JSON bytes, written by SQLite, and whether the text path must step aside for it (see
 * ItemsService.queryJson). The first parameter is the collection ID, already quoted by JSON.stringify. The bytes are
 * those of `JSON.stringify(toWire(collection, row))`:
 * `{"id":…,"dataCollectionId":…,"data":{"_id":…,"_owner":…,"_createdDate":{"$date":…},"_updatedDate":{"$date":…},…user}}`,
 * `_owner` left out when the row has none, and the user's fields appended from the stored text without its braces.
 * A blob, so better-sqlite3 hands it over as a Buffer: no JavaScript string is made for it.
 */
const ITEM_JSON_SQL = `CAST('{"id":' || json_quote(id) || ',"dataCollectionId":' || ? || ',"data":{"_id":' || json_quote(id)
  || CASE WHEN owner IS NULL THEN '' ELSE ',"_owner":' || json_quote(owner) END
  || ',"_createdDate":{"$date":' || json_quote(created_at) || '},"_updatedDate":{"$date":' || json_quote(updated_at) || '}'
  || coalesce(nullif(',' || substr(json(data), 2), ',}'), '}') || '}' AS BLOB) AS item,
  substr(json(data), 3, 1) BETWEEN '0' AND '9' OR octet_length(id) <> length(id) OR octet_length(owner) <> length(owner) AS stepAside`;
const PAGE_START = Buffer.from('{"dataItems":[');
const COMMA = Buffer.from(',');

/** A query page's checked request: collection, paging, projection and the SQL fragments it runs with. */
interface PagePlan {
  collection: Collection;
  filter: unknown;
  sort: SortSpec[];
  fields: string[];
  offset: number;
  limit: number;
  cursorMode: boolean;
  projection: Projection | undefined;
  where: SqlFragment;
  orderBy: string;
}

/**
 * The wire item. Stored user keys (`__proto__`, `constructor` ...) are own properties: JSON.parse defines every
 * key as an own data property at every depth, and object spread defines (never assigns) them, so no `__proto__`
 * setter runs. Nothing walks this object by request keys except `project`, which reads own properties only.
 * (A null-prototype copy of every item would buy nothing here and costs time on 1,000-item pages: V8 keeps such
 * objects in dictionary mode.)
 */
export function toWire(collection: Collection, row: ItemRow, projection?: Projection): WireItem {
  const user = JSON.parse(row.data) as Record<string, unknown>;
  const data: Record<string, unknown> = {
    _id: row.id,
    ...(row.owner !== null ? { _owner: row.owner } : {}),
    _createdDate: { $date: row.created_at },
    _updatedDate: { $date: row.updated_at },
    ...user,
  };
  return { id: row.id, dataCollectionId: collection.id, data: projection ? project(data, projection) : data };
}

/** Checked projection fields, each split into its path segments once per request. */
export type Projection = readonly (readonly string[])[];

/**
 * Sets an own data property. On an ordinary object the only inherited accessor is `__proto__`, so that key is
 * defined (never assigned, which would run the prototype setter); every other key, `constructor` included,
 * becomes an own property by plain assignment, which keeps the object fast (measured: defining every key cost
 * ~25 % on a 1,000-item projected page).
 */
function setOwn(target: object, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  // safe-lookup: key is not __proto__ (handled above), and target is an object project() made itself
  else (target as Record<string, unknown>)[key] = value;
}

/**
 * Field projection. `_id` is always kept, because the SDK and the elements key items by it. The walk reads own
 * properties only and writes own properties (setOwn) into objects it made itself, so a path such as
 * `constructor.prototype.K` is an ordinary path: it never reaches Object.prototype, it only copies what the item
 * itself holds under those keys.
 */
function project(data: Record<string, unknown>, projection: Projection): Record<string, unknown> {
  const out: Record<string, unknown> = { _id: own(data, '_id') };
  const made = new Set<object>([out]);
  next: for (const segments of projection) {
    let src: unknown = data;
    for (const s of segments) src = src !== null && typeof src === 'object' ? own(src, s) : undefined;
    if (src === undefined) continue;
    let dst: object = out;
    for (let i = 0; i < segments.length - 1; i++) {
      const existing = own(dst, segments[i]!);
      if (existing === undefined) {
        const created = {};
        made.add(created);
        setOwn(dst, segments[i]!, created);
        dst = created;
      } else if (typeof existing === 'object' && existing !== null && made.has(existing)) {
        dst = existing;
      } else {
        // A shorter field already copied this whole value from the item: the longer path is inside it.
        continue next;
      }
    }
    setOwn(dst, segments[segments.length - 1]!, src);
  }
  return out;
}

/**
 * The projection list, as Wix documents `fields()`: no fields → every field (undefined here); otherwise only the
 * named fields plus `_id`, with invalid names ignored (only invalid names → only `_id`). The list itself is bounded:
 * more than MAX_PROJECTION_FIELDS entries is a 400 before any work.
 */
export function checkFields(fields: readonly string[]): Projection | undefined {
  if (fields.length > MAX_PROJECTION_FIELDS) {
    throw errors.badRequest(`'fields' has ${fields.length} entries; a projection may name at most ${MAX_PROJECTION_FIELDS} fields.`, 'WDE0080');
  }
  if (fields.length === 0) return undefined;
  const out: (readonly string[])[] = [];
  for (const field of fields) {
    try {
      out.push(fieldSegments(field));
    } catch {
      // An invalid field name is ignored, as documented.
    }
  }
  return out;
}

/** The sort list: at most MAX_SORT_TERMS terms (each field path is checked when the ORDER BY is built). */
function checkSort(sort: readonly SortSpec[]): void {
  if (sort.length > MAX_SORT_TERMS) {
    throw errors.badRequest(`'sort' has ${sort.length} terms; a query may sort by at most ${MAX_SORT_TERMS} fields.`, 'WDE0080');
  }
}

export function checkLimit(limit: number | undefined): number {
  if (limit === undefined) return DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 0) throw errors.badRequest("'limit' must be a non-negative integer.", 'WDE0077');
  if (limit > MAX_LIMIT) throw errors.badRequest(`'limit' cannot exceed ${MAX_LIMIT}.`, 'WDE0077');
  return limit;
}

function encodeCursor(state: CursorState): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

const CursorSchema = plainObject({
  filter: v.optional(v.unknown()),
  sort: v.array(plainObject({ fieldName: v.string(), order: v.optional(v.picklist(['ASC', 'DESC'])) })),
  fields: v.array(v.string()),
  offset: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
});

function decodeCursor(cursor: string): CursorState {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = v.safeParse(CursorSchema, raw);
  if (!parsed.success) throw errors.badRequest('The paging cursor is not valid.', 'WDE0080');
  return parsed.output;
}

const DistinctCursorSchema = plainObject({
  fieldName: v.string(),
  filter: v.optional(v.unknown()),
  order: v.optional(v.picklist(['ASC', 'DESC'])),
  offset: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
});
type DistinctCursor = v.InferOutput<typeof DistinctCursorSchema>;

const encodeDistinctCursor = (state: DistinctCursor): string => Buffer.from(JSON.stringify(state)).toString('base64url');

/** A distinct query's cursor: its field, filter, order and offset, checked again on use like a query cursor. */
function decodeDistinctCursor(cursor: string): DistinctCursor {
  let raw: unknown;
  try {
    raw = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    raw = undefined;
  }
  const parsed = v.safeParse(DistinctCursorSchema, raw);
  if (!parsed.success) throw errors.badRequest('The paging cursor is not valid.', 'WDE0080');
  return { ...parsed.output, offset: checkOffset(parsed.output.offset) };
}

/** Offsets beyond this are refused: SQLite takes 64-bit integers, and no page is that far anyway. */
const MAX_OFFSET = 1_000_000_000;

export function checkOffset(offset: number | undefined): number {
  const value = offset ?? 0;
  if (!Number.isSafeInteger(value) || value < 0 || value > MAX_OFFSET) {
    throw errors.badRequest(`'offset' must be a whole number from 0 to ${MAX_OFFSET}.`, 'WDE0080');
  }
  return value;
}

/**
 * The ORDER BY of a query page, in one place (slice C's indexes are built to match this text).
 *
 * - No sort: newest first, as Wix documents for Query Data Items ("sorted by `_createdDate` in descending order"):
 *   `created_at DESC, rowid DESC`. Items created in the same millisecond come newest-inserted first, so the order is
 *   total and stable across pages (offset and cursor alike; a cursor carries the query's sort, so an unsorted
 *   query's cursor pages stay on this order).
 * - A sort: its terms (`sortExpr` from filter.ts), then `rowid` in the direction of the first term, which breaks ties
 *   consistently and lets one index serve the whole ORDER BY.
 */
export const DEFAULT_ORDER_BY = 'created_at DESC, rowid DESC';

export function orderByClause(sort: readonly SortSpec[], fieldTypes: FieldTypes): string {
  if (sort.length === 0) return DEFAULT_ORDER_BY;
  const parts = sort.map((s) => {
    if (s.order !== undefined && s.order !== 'ASC' && s.order !== 'DESC') throw errors.badRequest(`Sort order must be ASC or DESC.`, 'WDE0080');
    return `${sortExpr(s.fieldName, fieldTypes)} ${s.order ?? 'ASC'}`;
  });
  parts.push(`rowid ${sort[0]!.order ?? 'ASC'}`);
  return parts.join(', ');
}

/**
 * Data Items v2 over SQLite. Every write runs in a transaction: it lands whole or not at all.
 * Permission checks happen here, per caller, per operation, per item for SITE_MEMBER_AUTHOR.
 */
export class ItemsService {
  constructor(
    private readonly db: Db,
    private readonly collections: CollectionStore,
    private readonly statements: StatementCache,
    private readonly now: () => number,
  ) {}

  private access(caller: Caller, collection: Collection, op: Operation): Access {
    const access = accessFor(caller, collection.permissions[op], op);
    if (access === 'none') throw errors.permissionDenied(op, collection.id);
    return access;
  }

  private readScope(caller: Caller, collection: Collection): SqlFragment {
    const access = this.access(caller, collection, 'read');
    return access === 'own' ? { sql: 'owner = ?', params: [caller.id] } : { sql: '1', params: [] };
  }

  private where(caller: Caller, collection: Collection, filter: unknown): SqlFragment {
    const scope = this.readScope(caller, collection);
    const compiled = compileFilter(filter, collection.fieldTypes);
    return { sql: `${compiled.sql} AND ${scope.sql}`, params: [...compiled.params, ...scope.params] };
  }

  private findRow(collection: Collection, id: string): ItemRow | undefined {
    return this.statements.get(`SELECT id, owner, created_at, updated_at, json(data) AS data FROM ${collection.table} WHERE id = ?`).get(id) as
      ItemRow | undefined;
  }

  /** A query page's checked parts: the same for the object path (`query`) and the text path (`queryJson`). */
  private pagePlan(caller: Caller, collectionId: string, input: QueryInput): PagePlan {
    const collection = this.collections.require(collectionId, caller.siteId);
    let filter = input.filter;
    let sort = input.sort ?? [];
    let fields = input.fields ?? [];
    let offset: number;
    let limit: number;
    if (input.paging !== undefined && input.cursorPaging !== undefined) {
      throw errors.badRequest("A query may page with 'paging' (offset) or with 'cursorPaging', not both.", 'WDE0080');
    }
    const cursorMode = input.cursorPaging !== undefined;
    if (cursorMode) {
      limit = checkLimit(input.cursorPaging?.limit);
      if (input.cursorPaging?.cursor) {
        const state = decodeCursor(input.cursorPaging.cursor);
        ({ filter, sort, offset } = state);
        if (fields.length === 0) fields = state.fields;
      } else offset = 0;
    } else {
      limit = checkLimit(input.paging?.limit);
      offset = checkOffset(input.paging?.offset);
    }
    // Before any work: the lists a request (or a cursor it carries) may hold are bounded.
    const projection = checkFields(fields);
    checkSort(sort);
    const where = this.where(caller, collection, filter);
    const orderBy = orderByClause(sort, collection.fieldTypes);
    return { collection, filter, sort, fields, offset, limit, cursorMode, projection, where, orderBy };
  }

  /** The page's pagingMetadata, in the order the object path has always sent its keys. */
  private pagingMetadata(plan: PagePlan, count: number, hasNext: boolean, returnTotalCount: boolean): Record<string, unknown> {
    const { filter, sort, fields, offset, limit } = plan;
    const pagingMetadata: Record<string, unknown> = { count, hasNext };
    if (plan.cursorMode) {
      pagingMetadata['cursors'] = {
        ...(hasNext ? { next: encodeCursor({ filter, sort, fields, offset: offset + limit }) } : {}),
        ...(offset > 0 ? { prev: encodeCursor({ filter, sort, fields, offset: Math.max(0, offset - limit) }) } : {}),
      };
    } else {
      pagingMetadata['offset'] = offset;
      if (returnTotalCount) {
        pagingMetadata['total'] = this.countWhere(plan.collection, plan.where);
        pagingMetadata['tooManyToCount'] = false;
      }
    }
    return pagingMetadata;
  }

  query(caller: Caller, collectionId: string, input: QueryInput, returnTotalCount: boolean) {
    const plan = this.pagePlan(caller, collectionId, input);
    const { collection, where, orderBy, limit, offset, projection } = plan;
    const rows = this.statements
      .get(`SELECT id, owner, created_at, updated_at, json(data) AS data FROM ${collection.table} WHERE ${where.sql} ORDER BY ${orderBy} LIMIT ? OFFSET ?`)
      .all(...where.params, limit + 1, offset) as ItemRow[];
    const hasNext = rows.length > limit;
    const page = rows.slice(0, limit);
    const pagingMetadata = this.pagingMetadata(plan, page.length, hasNext, returnTotalCount);
    return { dataItems: page.map((row) => toWire(collection, row, projection)), pagingMetadata };
  }

  /**
   * The same answer as `JSON.stringify(this.query(...))` in UTF-8, byte for byte, built from the stored JSON text
   * without parsing an item into objects and writing it out again (issue 11: the object path made ~165 KB of
   * short-lived objects and strings per page of 50, and their scavenges were the end-to-end p95). SQLite writes
   * each wire item as bytes (ITEM_JSON_SQL); the page is those bytes joined behind its pagingMetadata, never a
   * JavaScript string.
   *
   * Returns undefined when this path cannot promise the object path's bytes, and the caller then runs `query`:
   * - a projection (`fields`): the object path picks fields;
   * - an item whose first stored key starts with a digit: JavaScript puts integer-like keys ("0", "42") before
   *   `_id` when it spreads the item, so the object path orders them differently from the stored text;
   * - an `_id` or `_owner` that is not plain ASCII (more bytes than characters, or a NUL, before which SQLite's
   *   length() stops): SQLite would copy a lone surrogate's bytes as stored, where JavaScript reads them as U+FFFD
   *   (rare, and the object path is always right).
   * Everything else is the same bytes because the stored text is JavaScript's own: every write stores
   * `JSON.stringify` of an object (insertRow, updateRow, patchRow; nothing edits `data` in SQL), so keys are in
   * JavaScript's order at every depth, numbers and strings in JSON.stringify's spelling, and `json(data)` gives that
   * text back unchanged (SQLite keeps a JSON number's and an escaped string's text as it was parsed). The system
   * strings SQLite quotes itself (ASCII `_id` and `_owner`, the ISO dates) come out of json_quote as
   * JSON.stringify writes them. test/platform/data-raw-page.test.ts holds the two paths to the same bytes.
   *
   * Hooks and includeReferences are the route's business: it only calls this when neither applies.
   */
  queryJson(caller: Caller, collectionId: string, input: QueryInput, returnTotalCount: boolean): Buffer | undefined {
    const plan = this.pagePlan(caller, collectionId, input);
    if (plan.projection !== undefined) return undefined;
    const { collection, where, orderBy, limit, offset } = plan;
    const rows = this.statements
      .get(`SELECT ${ITEM_JSON_SQL} FROM ${collection.table} WHERE ${where.sql} ORDER BY ${orderBy} LIMIT ? OFFSET ?`)
      .raw(true)
      .all(JSON.stringify(collection.id), ...where.params, limit + 1, offset) as [Buffer, number | null][];
    const hasNext = rows.length > limit;
    const count = hasNext ? limit : rows.length;
    // [start, item, ',', item, …, item, end]
    const parts = new Array<Buffer>(count === 0 ? 2 : 2 * count + 1);
    parts[0] = PAGE_START;
    for (let i = 0; i < count; i++) {
      const row = rows[i]!;
      if (row[1] === 1) return undefined;
      if (i > 0) parts[2 * i] = COMMA;
      parts[2 * i + 1] = row[0];
    }
    parts[parts.length - 1] = Buffer.from(`],"pagingMetadata":${JSON.stringify(this.pagingMetadata(plan, count, hasNext, returnTotalCount))}}`);
    return Buffer.concat(parts);
  }

  private countWhere(collection: Collection, where: SqlFragment): number {
    const row = this.statements.get(`SELECT count(*) AS n FROM ${collection.table} WHERE ${where.sql}`).get(...where.params) as { n: number };
    return row.n;
  }

  count(caller: Caller, collectionId: string, filter: unknown): number {
    const collection = this.collections.require(collectionId, caller.siteId);
    return this.countWhere(collection, this.where(caller, collection, filter));
  }

  distinct(
    caller: Caller,
    collectionId: string,
    input: {
      fieldName?: string | undefined;
      filter?: unknown;
      order?: 'ASC' | 'DESC' | undefined;
      limit?: number | undefined;
      offset?: number | undefined;
      returnTotalCount?: boolean | undefined;
      /** Cursor paging: the SDK's next page sends only `cursorPaging` (no field, filter or order), so the cursor carries them. */
      cursorPaging?: { limit?: number | undefined; cursor?: string | undefined } | undefined;
    },
  ) {
    const collection = this.collections.require(collectionId, caller.siteId);
    let { fieldName, filter, order } = input;
    let offset: number;
    const cursorMode = input.cursorPaging !== undefined;
    if (cursorMode && (input.offset !== undefined || input.limit !== undefined)) {
      throw errors.badRequest("A query may page with 'paging' (offset) or with 'cursorPaging', not both.", 'WDE0080');
    }
    const limit = checkLimit(cursorMode ? input.cursorPaging?.limit : input.limit);
    if (cursorMode && input.cursorPaging?.cursor) {
      ({ fieldName, filter, order, offset } = decodeDistinctCursor(input.cursorPaging.cursor));
    } else offset = cursorMode ? 0 : checkOffset(input.offset);
    if (fieldName === undefined) {
      throw errors.validation('Invalid request: fieldName is required.', [{ field: 'fieldName', description: 'is required', violatedRule: 'REQUIRED' }]);
    }
    const where = this.where(caller, collection, filter);
    const system = systemColumn(fieldName);
    let base: string;
    let params: unknown[];
    if (system) {
      base = `SELECT ${system.column} AS v, ${system.distinctType} AS t FROM ${collection.table} WHERE ${where.sql} AND ${system.column} IS NOT NULL GROUP BY t, v`;
      params = where.params;
    } else {
      // A user field: each scalar value once, and an array field contributes each of its elements (the distinct values
      // of a tags field are the tags, as MongoDB's distinct, which Wix Data runs on, unwinds arrays). Missing and null
      // values are not values. The array branch reads matching rows in a subquery, so json_each's own `id` column never
      // meets a filter on `_id`.
      const path = jsonPath(fieldName);
      const scalars = `SELECT json_extract(data, ${path}) AS v, json_type(data, ${path}) AS t FROM ${collection.table} WHERE ${where.sql} AND json_type(data, ${path}) NOT IN ('array', 'null')`;
      const elements = `SELECT je.value AS v, je.type AS t FROM (SELECT data FROM ${collection.table} WHERE ${where.sql} AND json_type(data, ${path}) = 'array') AS s, json_each(s.data, ${path}) AS je WHERE je.type <> 'null'`;
      base = `SELECT v, t FROM (${scalars} UNION ALL ${elements}) GROUP BY t, v`;
      params = [...where.params, ...where.params];
    }
    const rows = this.statements.get(`${base} ORDER BY v ${order === 'DESC' ? 'DESC' : 'ASC'} LIMIT ? OFFSET ?`).all(...params, limit + 1, offset) as {
      v: unknown;
      t: string;
    }[];
    const hasNext = rows.length > limit;
    const distinctValues = rows
      .slice(0, limit)
      .map(({ v, t }) => {
        if (t === 'true' || t === 'false') return t === 'true';
        if (t === 'date') return { $date: v };
        if (t === 'object' || t === 'array') return JSON.parse(String(v)) as unknown;
        return v;
      })
      .filter((v) => v !== null);
    const pagingMetadata: Record<string, unknown> = { count: distinctValues.length, hasNext };
    if (cursorMode) {
      const at = (position: number) => encodeDistinctCursor({ fieldName: fieldName!, filter, order, offset: position });
      pagingMetadata['cursors'] = { ...(hasNext ? { next: at(offset + limit) } : {}), ...(offset > 0 ? { prev: at(Math.max(0, offset - limit)) } : {}) };
    } else pagingMetadata['offset'] = offset;
    if (input.returnTotalCount && !cursorMode) {
      const total = this.statements.get(`SELECT count(*) AS n FROM (${base})`).get(...params) as { n: number };
      pagingMetadata['total'] = total.n;
      pagingMetadata['tooManyToCount'] = false;
    }
    return { distinctValues, pagingMetadata };
  }

  get(caller: Caller, collectionId: string, itemId: string, fields?: string[]): WireItem {
    const collection = this.collections.require(collectionId, caller.siteId);
    const access = this.access(caller, collection, 'read');
    const projection = fields ? checkFields(fields) : undefined;
    const row = this.findRow(collection, itemId);
    // An author-only reader does not learn that someone else's item exists.
    if (!row || (access === 'own' && row.owner !== caller.id)) throw errors.itemNotFound(collectionId, itemId);
    return toWire(collection, row, projection);
  }

  private prepare(caller: Caller, collection: Collection, raw: unknown, violations: FieldViolation[], prefix?: string): NormalizedItem {
    const item = normalizeItem(raw, collection, violations, prefix);
    if (item.owner !== undefined && !isElevated(caller)) delete item.owner;
    return item;
  }

  private static throwViolations(violations: FieldViolation[]): void {
    if (violations.length) {
      const first = violations[0]!;
      throw errors.validation(`Invalid item: ${first.field} ${first.description}.`, violations);
    }
  }

  private insertRow(caller: Caller, collection: Collection, item: NormalizedItem): ItemRow {
    const now = new Date(this.now()).toISOString();
    const id = item.id ?? randomUUID();
    const owner = item.owner ?? caller.id;
    const json = JSON.stringify(item.data);
    try {
      this.statements
        .get(`INSERT INTO ${collection.table} (id, owner, created_at, updated_at, data) VALUES (?, ?, ?, ?, jsonb(?))`)
        .run(id, owner, now, now, json);
    } catch (error) {
      // A unique index of the collection (slice C's indexes.ts) answers Wix's WDE0123; a duplicate _id is WDE0074.
      const unique = constraintError(error, collection);
      if (unique) throw unique;
      if ((error as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') throw this.insertConflict(caller, collection, id);
      throw error;
    }
    reportMismatches(collection, id, item.mismatches);
    return { id, owner, created_at: now, updated_at: now, data: json };
  }

  /**
   * An insert hit an existing ID. If the caller can neither read that item nor overwrite it (a member in a
   * SITE_MEMBER_AUTHOR collection, someone else's item), the answer is exactly what `save` answers for the same
   * ID: 403 WDE0027 "no permission to update", naming neither the owner nor anything in the item. Otherwise the
   * item is one the caller may see, and the answer is Wix's 409 WDE0074.
   */
  private insertConflict(caller: Caller, collection: Collection, id: string): WixApiError {
    const existing = this.findRow(collection, id);
    if (existing && this.hiddenFrom(caller, collection, existing) && !this.mayUpdate(caller, collection, existing)) {
      return errors.permissionDenied('update', collection.id);
    }
    return errors.itemExists(collection.id, id);
  }

  private hiddenFrom(caller: Caller, collection: Collection, row: ItemRow): boolean {
    const read = accessFor(caller, collection.permissions.read, 'read');
    return read === 'none' || (read === 'own' && row.owner !== caller.id);
  }

  private mayUpdate(caller: Caller, collection: Collection, row: ItemRow): boolean {
    const update = accessFor(caller, collection.permissions.update, 'update');
    return update === 'all' || (update === 'own' && row.owner === caller.id);
  }

  private updateRow(caller: Caller, collection: Collection, access: Access, item: NormalizedItem, existing: ItemRow): ItemRow {
    if (access === 'own' && existing.owner !== caller.id) throw errors.permissionDenied('update', collection.id);
    const now = new Date(this.now()).toISOString();
    const owner = item.owner ?? existing.owner;
    const json = JSON.stringify(item.data);
    this.run(collection, `UPDATE ${collection.table} SET owner = ?, updated_at = ?, data = jsonb(?) WHERE id = ?`, owner, now, json, existing.id);
    reportMismatches(collection, existing.id, item.mismatches);
    return { id: existing.id, owner, created_at: existing.created_at, updated_at: now, data: json };
  }

  /** Runs a write; a unique index violation becomes Wix's WDE0123 (409) instead of a 500. */
  private run(collection: Collection, sql: string, ...params: unknown[]): void {
    try {
      this.statements.get(sql).run(...params);
    } catch (error) {
      throw constraintError(error, collection) ?? error;
    }
  }

  private checkCondition(caller: Caller, collection: Collection, id: string, condition: unknown): void {
    if (condition === undefined) return;
    const where = this.where(caller, collection, (condition as { filter?: unknown } | null)?.filter);
    const hit = this.statements.get(`SELECT 1 FROM ${collection.table} WHERE id = ? AND ${where.sql}`).get(id, ...where.params);
    if (!hit) throw new WixApiError(428, `Item ${id} does not match the condition.`, { code: 'FAILED_PRECONDITION' });
  }

  insert(caller: Caller, collectionId: string, raw: unknown): WireItem {
    const collection = this.collections.require(collectionId, caller.siteId);
    this.access(caller, collection, 'insert');
    const violations: FieldViolation[] = [];
    const item = this.prepare(caller, collection, raw, violations);
    ItemsService.throwViolations(violations);
    return toWire(collection, this.db.transaction(() => this.insertRow(caller, collection, item))());
  }

  update(caller: Caller, collectionId: string, raw: unknown, condition?: unknown): WireItem {
    const collection = this.collections.require(collectionId, caller.siteId);
    const access = this.access(caller, collection, 'update');
    const violations: FieldViolation[] = [];
    const item = this.prepare(caller, collection, raw, violations);
    if (!item.id) violations.push({ field: 'dataItem.data._id', description: 'is required to update an item', violatedRule: 'REQUIRED' });
    ItemsService.throwViolations(violations);
    const id = item.id!;
    return toWire(
      collection,
      this.db.transaction(() => {
        const existing = this.findRow(collection, id);
        if (!existing) throw errors.itemNotFound(collectionId, id);
        this.checkCondition(caller, collection, id, condition);
        return this.updateRow(caller, collection, access, item, existing);
      })(),
    );
  }

  save(caller: Caller, collectionId: string, raw: unknown): { action: 'INSERTED' | 'UPDATED'; dataItem: WireItem } {
    const collection = this.collections.require(collectionId, caller.siteId);
    const violations: FieldViolation[] = [];
    const item = this.prepare(caller, collection, raw, violations);
    ItemsService.throwViolations(violations);
    return this.db.transaction(() => {
      const existing = item.id ? this.findRow(collection, item.id) : undefined;
      if (existing) {
        const access = this.access(caller, collection, 'update');
        return { action: 'UPDATED' as const, dataItem: toWire(collection, this.updateRow(caller, collection, access, item, existing)) };
      }
      this.access(caller, collection, 'insert');
      return { action: 'INSERTED' as const, dataItem: toWire(collection, this.insertRow(caller, collection, item)) };
    })();
  }

  /**
   * One item's patch, inside the caller's transaction: read, check permission and condition, apply the
   * modifications in memory, check the result's size, write. Nothing is written when any step refuses.
   */
  private patchRow(caller: Caller, collection: Collection, access: Access, id: string, mods: readonly FieldModification[], condition: unknown): ItemRow {
    const existing = this.findRow(collection, id);
    if (!existing) throw errors.itemNotFound(collection.id, id);
    if (access === 'own' && existing.owner !== caller.id) throw errors.permissionDenied('update', collection.id);
    this.checkCondition(caller, collection, id, condition);
    const data = JSON.parse(existing.data) as Record<string, unknown>;
    // A multi-reference is not stored in the item (insertReference and its kin write it), so a patch leaves it alone.
    const skipped = mods.filter((m) => collection.fieldTypes.get(m.segments[0]!) === 'MULTI_REFERENCE');
    applyModifications(data, skipped.length ? mods.filter((m) => !skipped.includes(m)) : mods);
    // A single reference set to the referenced item is stored as its ID, as on insert.
    for (const key of new Set(mods.map((m) => m.segments[0]!))) {
      const value = own(data, key);
      if (collection.fieldTypes.get(key) === 'REFERENCE' && value !== null && typeof value === 'object' && typeof own(value, '_id') === 'string') {
        // safe-lookup: key is a declared REFERENCE field present in the parsed item (an own property, set by JSON.parse or the patch)
        data[key] = own(value, '_id');
      }
    }
    const json = JSON.stringify(data);
    const size = Buffer.byteLength(json);
    if (size > MAX_ITEM_BYTES) {
      throw errors.validation(`Invalid item: the patched item would be ${size} bytes; an item may be at most ${MAX_ITEM_BYTES} bytes.`, [
        { field: 'patch', description: `would make the item ${size} bytes; an item may be at most ${MAX_ITEM_BYTES} bytes`, violatedRule: 'MAX_SIZE' },
      ]);
    }
    const now = new Date(this.now()).toISOString();
    this.run(collection, `UPDATE ${collection.table} SET updated_at = ?, data = jsonb(?) WHERE id = ?`, now, json, id);
    // The top-level fields the patch touched, checked against the schema like a whole item is.
    const touched = new Set(mods.map((m) => m.segments[0]!));
    const mismatches = [...touched].flatMap((key) =>
      collection.fieldTypes.get(key) === 'MULTI_REFERENCE'
        ? [`field ${JSON.stringify(key.slice(0, 80))} is a multi-reference; a patch does not change it (use insertReference or replaceReferences), as on Wix`]
        : (schemaMismatch(collection, key, own(data, key)) ?? []),
    );
    reportMismatches(collection, id, mismatches);
    return { id, owner: existing.owner, created_at: existing.created_at, updated_at: now, data: json };
  }

  /** Patch Data Item: field modifications applied atomically (one transaction: read, modify, write). */
  patch(caller: Caller, collectionId: string, itemId: string, rawMods: readonly RawFieldModification[], condition?: unknown): WireItem {
    const collection = this.collections.require(collectionId, caller.siteId);
    const access = this.access(caller, collection, 'update');
    const violations: FieldViolation[] = [];
    const mods = checkModifications(rawMods, 'patch.fieldModifications', violations);
    ItemsService.throwViolations(violations);
    return toWire(collection, this.db.transaction(() => this.patchRow(caller, collection, access, itemId, mods, condition)).immediate());
  }

  /**
   * Bulk Patch Data Items: every patch is checked first (one bad modification refuses the request, nothing
   * written); then all run in one transaction with per-item results (missing, not yours, cannot apply), as the
   * other bulk routes do. `returnEntity` (default false, as documented) adds each patched item to its result.
   */
  bulkPatch(
    caller: Caller,
    collectionId: string,
    patches: readonly { dataItemId: string; fieldModifications: readonly RawFieldModification[] }[],
    options: { condition?: unknown; returnEntity?: boolean | undefined } = {},
  ) {
    const collection = this.collections.require(collectionId, caller.siteId);
    if (patches.length > MAX_BULK_PATCH_ITEMS) throw errors.badRequest(`A bulk patch may hold at most ${MAX_BULK_PATCH_ITEMS} items.`, 'WDE0006');
    const access = this.access(caller, collection, 'update');
    const violations: FieldViolation[] = [];
    const checked = patches.map((p, i) => checkModifications(p.fieldModifications, `patches[${i}].fieldModifications`, violations));
    ItemsService.throwViolations(violations);
    const result = this.runBulk(
      patches.map((p, index) => ({ index, id: p.dataItemId })),
      (entry) => ({ action: 'PATCH', row: this.patchRow(caller, collection, access, entry.id!, checked[entry.index]!, options.condition) }),
      'PATCH',
      collection,
    );
    if (!options.returnEntity) for (const r of result.results) delete r.dataItem;
    return result;
  }

  private removeRow(caller: Caller, collection: Collection, access: Access, id: string): ItemRow {
    const existing = this.findRow(collection, id);
    if (!existing) throw errors.itemNotFound(collection.id, id);
    if (access === 'own' && existing.owner !== caller.id) throw errors.permissionDenied('remove', collection.id);
    this.statements.get(`DELETE FROM ${collection.table} WHERE id = ?`).run(id);
    // Its multi-references go with it, on both sides (a single reference to it stays, dangling, as on Wix).
    this.statements
      .get('DELETE FROM item_references WHERE (source_table = ? AND referring_id = ?) OR (target_table = ? AND referenced_id = ?)')
      .run(collection.table, id, collection.table, id);
    return existing;
  }

  remove(caller: Caller, collectionId: string, itemId: string, condition?: unknown): WireItem {
    const collection = this.collections.require(collectionId, caller.siteId);
    const access = this.access(caller, collection, 'remove');
    return toWire(
      collection,
      this.db.transaction(() => {
        if (this.findRow(collection, itemId)) this.checkCondition(caller, collection, itemId, condition);
        return this.removeRow(caller, collection, access, itemId);
      })(),
    );
  }

  truncate(caller: Caller, collectionId: string): void {
    const collection = this.collections.require(collectionId, caller.siteId);
    this.access(caller, collection, 'remove');
    if (!isElevated(caller)) throw errors.permissionDenied('truncate', collection.id);
    this.db.transaction(() => {
      this.statements.get(`DELETE FROM ${collection.table}`).run();
      this.statements.get('DELETE FROM item_references WHERE source_table = ? OR target_table = ?').run(collection.table, collection.table);
    })();
  }

  /**
   * Bulk writes: the request is validated whole first (one bad item rejects all, nothing written);
   * then every item runs in one transaction, and per-item outcomes (duplicate, missing, not yours)
   * are reported per item, as Wix does. Anything unexpected rolls the whole batch back.
   */
  bulkWrite(caller: Caller, collectionId: string, mode: 'insert' | 'save' | 'update', rawItems: unknown[]) {
    const collection = this.collections.require(collectionId, caller.siteId);
    if (rawItems.length > MAX_BULK) throw errors.badRequest(`A bulk request may hold at most ${MAX_BULK} items.`, 'WDE0006');
    // Permission first: a caller who may not write learns nothing about the collection's fields.
    if (mode === 'insert') this.access(caller, collection, 'insert');
    if (mode === 'update') this.access(caller, collection, 'update');
    if (
      mode === 'save' &&
      accessFor(caller, collection.permissions.insert, 'insert') === 'none' &&
      accessFor(caller, collection.permissions.update, 'update') === 'none'
    ) {
      throw errors.permissionDenied('insert', collection.id);
    }
    const violations: FieldViolation[] = [];
    const items = rawItems.map((raw, i) => this.prepare(caller, collection, raw, violations, `dataItems[${i}].data`));
    if (mode === 'update') {
      items.forEach((item, i) => {
        if (!item.id) violations.push({ field: `dataItems[${i}].data._id`, description: 'is required to update an item', violatedRule: 'REQUIRED' });
      });
    }
    ItemsService.throwViolations(violations);
    return this.runBulk(
      items.map((item, index) => ({ index, id: item.id })),
      (entry) => {
        const item = items[entry.index]!;
        const existing = item.id && mode !== 'insert' ? this.findRow(collection, item.id) : undefined;
        if (mode === 'update' && !existing) throw errors.itemNotFound(collection.id, item.id!);
        if (existing) {
          const access = this.access(caller, collection, 'update');
          return { action: 'UPDATE', row: this.updateRow(caller, collection, access, item, existing) };
        }
        this.access(caller, collection, 'insert');
        return { action: 'INSERT', row: this.insertRow(caller, collection, item) };
      },
      mode === 'update' ? 'UPDATE' : 'INSERT',
      collection,
    );
  }

  bulkRemove(caller: Caller, collectionId: string, ids: string[]) {
    const collection = this.collections.require(collectionId, caller.siteId);
    if (ids.length > MAX_BULK) throw errors.badRequest(`A bulk request may hold at most ${MAX_BULK} items.`, 'WDE0006');
    const access = this.access(caller, collection, 'remove');
    return this.runBulk(
      ids.map((id, index) => ({ index, id })),
      (entry) => ({
        action: 'DELETE',
        row: this.removeRow(caller, collection, access, entry.id!),
      }),
      'DELETE',
      collection,
    );
  }

  private runBulk(
    entries: { index: number; id: string | undefined }[],
    apply: (entry: { index: number; id: string | undefined }) => { action: BulkAction; row: ItemRow },
    defaultAction: BulkAction,
    collection: Collection,
  ) {
    return this.db.transaction(() => {
      const results: BulkItemResult[] = [];
      let totalSuccesses = 0;
      for (const entry of entries) {
        try {
          const { action, row } = apply(entry);
          results.push({ action, itemMetadata: { id: row.id, originalIndex: entry.index, success: true }, dataItem: toWire(collection, row) });
          totalSuccesses++;
        } catch (error) {
          if (!(error instanceof WixApiError) || error.status >= 500) throw error;
          results.push({
            action: defaultAction,
            itemMetadata: {
              ...(entry.id ? { id: entry.id } : {}),
              originalIndex: entry.index,
              success: false,
              error: { code: error.code ?? String(error.status), description: error.message, data: error.data },
            },
          });
        }
      }
      return { results, bulkActionMetadata: { totalSuccesses, totalFailures: entries.length - totalSuccesses, undetailedFailures: 0 } };
    })();
  }
}
