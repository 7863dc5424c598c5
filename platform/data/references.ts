import * as v from 'valibot';
import { plainObject } from '../validation.ts';
import { errors } from '../errors.ts';
import type { Caller } from '../identity/callers.ts';
import { StatementCache, type Db } from '../storage/database.ts';
import type { Collection, CollectionStore, Relation } from './collections.ts';
import { checkFields, checkLimit, checkOffset, toWire, type ItemRow, type Projection, type WireItem } from './items.ts';
import { MAX_CURSOR_LENGTH } from './limits.ts';
import { own } from './item-data.ts';
import { accessFor, type Access } from './permissions.ts';
import { dataWarning, quoteName } from './warnings.ts';

/** Referenced items per queried item when `include()` names no limit (Wix: "By default, each returned item can include up to 50"). */
export const DEFAULT_INCLUDE_LIMIT = 50;
/** The largest per-item limit an include may ask for (Wix documents none; the largest query page, 1000). */
export const MAX_INCLUDE_LIMIT = 1000;
/**
 * Referenced items one include may bring in, over the whole page: items × limit (1,000 × the default 50 fits; a
 * page of 1,000 with a limit of 1,000 per item does not). The platform's bound, so one request cannot read
 * millions of rows; above it the include is a 400 naming the limit.
 */
export const MAX_INCLUDED_REFERENCES = 50_000;
/** Fields one request may include (Wix: `includeReferences` @maxSize 100). */
export const MAX_INCLUDES = 100;
/** References in one insert/remove-references call, and IDs in one replace (Wix's bulk limit, 1000). */
export const MAX_REFERENCES_PER_CALL = 1000;
/** Referring items in one query-referenced call. */
export const MAX_REFERRING_ITEMS = 100;

export interface IncludeRequest {
  field: string;
  limit?: number | undefined;
}

export interface ReferenceInput {
  referringItemFieldName: string;
  referringItemId: string;
  referencedItemId: string;
}

/** Sets an own data property on a wire item's data; `__proto__` is defined, never assigned. */
function put(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
  // safe-lookup: key is not __proto__ (handled above), and target is a wire item's data object the service made
  else target[key] = value;
}

const ROW_COLUMNS = 'id, owner, created_at, updated_at, json(data) AS data';

/** The columns a relation's rows are read by, from the asked-about side: `near` holds its IDs, `far` the other side's. */
const sides = (r: Relation) => (r.reverse ? { near: 'referenced_id', far: 'referring_id' } : { near: 'referring_id', far: 'referenced_id' });

const CursorSchema = plainObject({
  c: v.string(),
  ids: v.pipe(v.array(v.string()), v.maxLength(MAX_REFERRING_ITEMS)),
  field: v.string(),
  order: v.picklist(['ASC', 'DESC']),
  offset: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
  fields: v.pipe(v.array(v.string()), v.maxLength(256)),
});
type Cursor = v.InferOutput<typeof CursorSchema>;

function decodeCursor(cursor: string): Cursor {
  let raw: unknown;
  try {
    raw = cursor.length <= MAX_CURSOR_LENGTH ? JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')) : undefined;
  } catch {
    raw = undefined;
  }
  const parsed = v.safeParse(CursorSchema, raw);
  if (!parsed.success) throw errors.badRequest('The paging cursor is not valid.', 'WDE0080');
  return parsed.output;
}

const encodeCursor = (state: Cursor): string => Buffer.from(JSON.stringify(state)).toString('base64url');

/**
 * Wix Data references: `include` on query and get, and the reference methods (insert, remove, replace, is-referenced,
 * query-referenced). A single reference is the referenced item's ID inside the item; a multi-reference is rows of
 * `item_references` (storage/database.ts), kept apart from the item, in the order they were made.
 */
export class ReferenceService {
  private readonly statements: StatementCache;

  constructor(
    private readonly db: Db,
    private readonly collections: CollectionStore,
  ) {
    this.statements = new StatementCache(db, 64);
  }

  /**
   * The referenced items a reader may see, by ID, as wire data (each parsed once per request, however many items
   * of the page reference it; the same object then sits in each, which serializes the same).
   */
  private visibleData(caller: Caller, collection: Collection, access: Access, ids: readonly string[]): Map<string, Record<string, unknown>> {
    const out = new Map<string, Record<string, unknown>>();
    if (access === 'none') return out;
    for (const [id, row] of this.rowsById(collection, ids)) if (ReferenceService.visible(access, caller, row)) out.set(id, toWire(collection, row).data);
    return out;
  }

  /** Rows of `collection` by ID, in one statement (the ID list travels as one JSON parameter). */
  private rowsById(collection: Collection, ids: readonly string[]): Map<string, ItemRow> {
    const out = new Map<string, ItemRow>();
    if (ids.length === 0) return out;
    const rows = this.statements
      .get(`SELECT ${ROW_COLUMNS} FROM ${collection.table} WHERE id IN (SELECT value FROM json_each(?))`)
      .all(JSON.stringify(ids)) as ItemRow[];
    for (const row of rows) out.set(row.id, row);
    return out;
  }

  private readAccess(caller: Caller, collection: Collection): Access {
    return accessFor(caller, collection.permissions.read, 'read');
  }

  private static visible(access: Access, caller: Caller, row: ItemRow): boolean {
    return access === 'all' || (access === 'own' && row.owner === caller.id);
  }

  /**
   * The include list, checked before any work: at most MAX_INCLUDES entries; each names a REFERENCE field, or a
   * multi-reference seen from either side; each limit a whole number from 1 to MAX_INCLUDE_LIMIT (default 50).
   */
  private checkIncludes(caller: Caller, collection: Collection, includes: readonly IncludeRequest[]) {
    if (includes.length > MAX_INCLUDES) {
      throw errors.badRequest(`'includeReferences' has ${includes.length} entries; a request may include at most ${MAX_INCLUDES} fields.`, 'WDE0080');
    }
    const single = new Map<string, Collection>();
    const multi = new Map<string, { relation: Relation; limit: number }>();
    for (const inc of includes) {
      const limit = inc.limit ?? DEFAULT_INCLUDE_LIMIT;
      if (!Number.isInteger(limit) || limit < 1 || limit > MAX_INCLUDE_LIMIT) {
        throw errors.badRequest(`The include limit of ${quoteName(inc.field)} must be a whole number from 1 to ${MAX_INCLUDE_LIMIT}.`, 'WDE0080');
      }
      const declared = collection.fields.find((f) => f.key === inc.field);
      const target = declared?.type === 'REFERENCE' ? declared.typeMetadata?.reference?.referencedCollectionId : undefined;
      if (target !== undefined) {
        const referenced = this.collections.get(target, caller.siteId);
        if (referenced) single.set(inc.field, referenced);
        continue;
      }
      const relation = this.collections.relation(collection, inc.field, caller.siteId);
      // A multi-reference whose referenced collection was deleted has no rows left: nothing to include.
      if (!relation && declared?.type === 'MULTI_REFERENCE') continue;
      if (!relation) throw errors.badRequest(`${quoteName(inc.field)} is not a reference field of the ${collection.id} collection.`, 'WDE0020');
      const previous = multi.get(inc.field);
      multi.set(inc.field, { relation, limit: Math.max(limit, previous?.limit ?? 0) });
    }
    return { single, multi };
  }

  /** Checks an include list without resolving it (a request is refused before any read when it is bad). */
  validateIncludes(caller: Caller, collectionId: string, includes: readonly IncludeRequest[]): void {
    if (includes.length) this.checkIncludes(caller, this.collections.require(collectionId, caller.siteId), includes);
  }

  /**
   * Puts the referenced items in place of the references, in the items given (a page of the query or the one got
   * item). A single reference the reader may read becomes the referenced item; one it may not read, or whose item
   * is gone, stays the ID. A multi-reference becomes the list of referenced items the reader may read, at most
   * `limit` per item in the order the references were made; when a list was cut, the request log says so.
   * `fields`: the request's projection; a multi-reference not in it is left out, as the item's other fields are.
   */
  include(caller: Caller, collectionId: string, items: readonly WireItem[], includes: readonly IncludeRequest[], fields?: readonly string[]): void {
    if (includes.length === 0 || items.length === 0) return;
    const collection = this.collections.require(collectionId, caller.siteId);
    const { single, multi } = this.checkIncludes(caller, collection, includes);
    for (const [field, target] of single) {
      const access = this.readAccess(caller, target);
      if (access === 'none') continue;
      const ids = new Set<string>();
      for (const item of items) {
        const value = own(item.data, field);
        if (typeof value === 'string') ids.add(value);
      }
      const found = this.visibleData(caller, target, access, [...ids]);
      for (const item of items) {
        const value = own(item.data, field);
        const data = typeof value === 'string' ? found.get(value) : undefined;
        if (data) put(item.data, field, data);
      }
    }
    const projected = fields && fields.length > 0 ? new Set(fields) : undefined;
    let partial = false;
    for (const [field, { relation, limit }] of multi) {
      if (projected && !projected.has(field)) continue;
      if (items.length * limit > MAX_INCLUDED_REFERENCES) {
        throw errors.badRequest(
          `Including ${quoteName(field)} for ${items.length} items at up to ${limit} each may bring in more than ${MAX_INCLUDED_REFERENCES} referenced items; ask for a smaller page or a lower include limit.`,
          'WDE0080',
        );
      }
      const { near, far } = sides(relation);
      const rows = this.statements
        .get(
          `SELECT a, b FROM (SELECT ${near} AS a, ${far} AS b, row_number() OVER (PARTITION BY ${near} ORDER BY seq) AS n FROM item_references ` +
            `WHERE source_table = ? AND field = ? AND ${near} IN (SELECT value FROM json_each(?))) WHERE n <= ? ORDER BY a, n`,
        )
        .all(relation.sourceTable, relation.field, JSON.stringify(items.map((i) => i.id)), limit + 1) as { a: string; b: string }[];
      const byItem = new Map<string, string[]>();
      for (const { a, b } of rows) {
        const list = byItem.get(a) ?? [];
        if (list.length === limit) {
          partial = true;
          continue;
        }
        list.push(b);
        byItem.set(a, list);
      }
      const access = this.readAccess(caller, relation.referenced);
      const found = this.visibleData(caller, relation.referenced, access, [...new Set(rows.map((r) => r.b))]);
      for (const item of items) {
        const list: Record<string, unknown>[] = [];
        for (const id of byItem.get(item.id) ?? []) {
          const data = found.get(id);
          if (data) list.push(data);
        }
        put(item.data, field, list);
      }
    }
    if (partial) {
      dataWarning(`${collection.id}: an included multi-reference held more items than the include limit; the lists were cut (partialIncludes on Wix).`);
    }
  }

  /** The multi-reference a write names, or a 400 (insertReference and its kin "only apply to multi-reference fields"). */
  private relationFor(caller: Caller, collection: Collection, field: string): Relation {
    const relation = this.collections.relation(collection, field, caller.siteId);
    if (!relation) throw errors.badRequest(`${quoteName(field)} is not a multi-reference field of the ${collection.id} collection.`, 'WDE0020');
    return relation;
  }

  /** Update permission on the referring collection, and on each named referring item when it is author-only. */
  private checkReferring(caller: Caller, collection: Collection, ids: readonly string[], mustExist: boolean): void {
    const access = accessFor(caller, collection.permissions.update, 'update');
    if (access === 'none') throw errors.permissionDenied('update', collection.id);
    const rows = this.rowsById(collection, [...new Set(ids)]);
    for (const id of ids) {
      const row = rows.get(id);
      if (!row) {
        if (mustExist) throw errors.itemNotFound(collection.id, id);
        continue;
      }
      if (access === 'own' && row.owner !== caller.id) throw errors.permissionDenied('update', collection.id);
    }
  }

  private checkReferenced(collection: Collection, ids: readonly string[]): void {
    const rows = this.rowsById(collection, [...new Set(ids)]);
    for (const id of ids) if (!rows.has(id)) throw errors.itemNotFound(collection.id, id);
  }

  private static checkCount(count: number, what: string): void {
    if (count > MAX_REFERENCES_PER_CALL) {
      throw errors.badRequest(`'${what}' has ${count} entries; one call may hold at most ${MAX_REFERENCES_PER_CALL}.`, 'WDE0006');
    }
  }

  /** A row as stored: (referring side, referenced side) whichever side the relation was asked from. */
  private static row(relation: Relation, nearId: string, farId: string): [string, string] {
    return relation.reverse ? [farId, nearId] : [nearId, farId];
  }

  private insertRows(relation: Relation, pairs: readonly [string, string][]): void {
    const insert = this.statements.get(
      'INSERT OR IGNORE INTO item_references (source_table, field, referring_id, target_table, referenced_id) VALUES (?, ?, ?, ?, ?)',
    );
    const targetTable = relation.reverse ? relation.referring.table : relation.referenced.table;
    for (const [nearId, farId] of pairs) {
      const [referring, referenced] = ReferenceService.row(relation, nearId, farId);
      insert.run(relation.sourceTable, relation.field, referring, targetTable, referenced);
    }
  }

  /**
   * Bulk Insert Data Item References: every reference is checked first (field, update permission, both items
   * exist), then all are written in one transaction; a reference that already exists stays where it was.
   */
  insertReferences(caller: Caller, collectionId: string, refs: readonly ReferenceInput[]): void {
    ReferenceService.checkCount(refs.length, 'dataItemReferences');
    const collection = this.collections.require(collectionId, caller.siteId);
    const grouped = this.group(caller, collection, refs);
    for (const [relation, pairs] of grouped) {
      this.checkReferring(
        caller,
        collection,
        pairs.map((p) => p[0]),
        true,
      );
      this.checkReferenced(
        relation.referenced,
        pairs.map((p) => p[1]),
      );
    }
    this.db.transaction(() => {
      for (const [relation, pairs] of grouped) this.insertRows(relation, pairs);
    })();
  }

  /** Bulk Remove Data Item References: references that do not exist are ignored. */
  removeReferences(caller: Caller, collectionId: string, refs: readonly ReferenceInput[]): void {
    ReferenceService.checkCount(refs.length, 'dataItemReferences');
    const collection = this.collections.require(collectionId, caller.siteId);
    const grouped = this.group(caller, collection, refs);
    for (const pairs of grouped.values()) {
      this.checkReferring(
        caller,
        collection,
        pairs.map((p) => p[0]),
        false,
      );
    }
    const remove = this.statements.get('DELETE FROM item_references WHERE source_table = ? AND field = ? AND referring_id = ? AND referenced_id = ?');
    this.db.transaction(() => {
      for (const [relation, pairs] of grouped) {
        for (const [nearId, farId] of pairs) remove.run(relation.sourceTable, relation.field, ...ReferenceService.row(relation, nearId, farId));
      }
    })();
  }

  /** Replace Data Item References: the item's references in the field become exactly `ids`, in that order (empty: none). */
  replaceReferences(caller: Caller, collectionId: string, field: string, referringItemId: string, ids: readonly string[]): void {
    ReferenceService.checkCount(ids.length, 'newReferencedItemIds');
    const collection = this.collections.require(collectionId, caller.siteId);
    const relation = this.relationFor(caller, collection, field);
    this.checkReferring(caller, collection, [referringItemId], true);
    this.checkReferenced(relation.referenced, ids);
    const { near } = sides(relation);
    this.db.transaction(() => {
      this.statements
        .get(`DELETE FROM item_references WHERE source_table = ? AND field = ? AND ${near} = ?`)
        .run(relation.sourceTable, relation.field, referringItemId);
      this.insertRows(
        relation,
        ids.map((id) => [referringItemId, id]),
      );
    })();
  }

  private group(caller: Caller, collection: Collection, refs: readonly ReferenceInput[]): Map<Relation, [string, string][]> {
    const relations = new Map<string, Relation>();
    const grouped = new Map<Relation, [string, string][]>();
    for (const ref of refs) {
      let relation = relations.get(ref.referringItemFieldName);
      if (!relation) {
        relation = this.relationFor(caller, collection, ref.referringItemFieldName);
        relations.set(ref.referringItemFieldName, relation);
      }
      const list = grouped.get(relation) ?? [];
      list.push([ref.referringItemId, ref.referencedItemId]);
      grouped.set(relation, list);
    }
    return grouped;
  }

  /**
   * Is Referenced: whether the referring item's field references the item. Read permission on the collection; an
   * item the reader may not see references nothing. A single REFERENCE field is answered from the item itself.
   */
  isReferenced(caller: Caller, collectionId: string, field: string, referringItemId: string, referencedItemId: string): boolean {
    const collection = this.collections.require(collectionId, caller.siteId);
    const access = this.readAccess(caller, collection);
    if (access === 'none') throw errors.permissionDenied('read', collection.id);
    const row = this.rowsById(collection, [referringItemId]).get(referringItemId);
    if (!row || !ReferenceService.visible(access, caller, row)) return false;
    const declared = collection.fields.find((f) => f.key === field);
    if (declared?.type === 'REFERENCE') return own(JSON.parse(row.data) as object, field) === referencedItemId;
    const relation = this.relationFor(caller, collection, field);
    const { near, far } = sides(relation);
    return !!this.statements
      .get(`SELECT 1 FROM item_references WHERE source_table = ? AND field = ? AND ${near} = ? AND ${far} = ?`)
      .get(relation.sourceTable, relation.field, referringItemId, referencedItemId);
  }

  /**
   * Query Referenced Data Items: the items the referring items' field references, in the order the references were
   * made (ASC, the default, or DESC), paged by offset or cursor. A reference the reader may not read, or to an item
   * that is gone, comes back as `unresolvedReference` (`unauthorized` says which), as the wire type has it.
   */
  queryReferenced(
    caller: Caller,
    input: {
      dataCollectionId: string;
      referringItemId?: string | undefined;
      referringItemIds?: string[] | undefined;
      referringItemFieldName?: string | undefined;
      order?: 'ASC' | 'DESC' | undefined;
      paging?: { limit?: number | undefined; offset?: number | undefined } | undefined;
      cursorPaging?: { limit?: number | undefined; cursor?: string | undefined } | undefined;
      returnTotalCount?: boolean | undefined;
      fields?: string[] | undefined;
    },
  ) {
    if (input.paging !== undefined && input.cursorPaging !== undefined) {
      throw errors.badRequest("A query may page with 'paging' (offset) or with 'cursorPaging', not both.", 'WDE0080');
    }
    const cursorMode = input.cursorPaging !== undefined;
    let state: Cursor;
    if (input.cursorPaging?.cursor) {
      state = decodeCursor(input.cursorPaging.cursor);
      if (state.c !== input.dataCollectionId) throw errors.badRequest('The paging cursor belongs to another collection.', 'WDE0080');
    } else {
      const ids = input.referringItemIds ?? (input.referringItemId !== undefined ? [input.referringItemId] : []);
      if (ids.length === 0) {
        throw errors.validation('Invalid request: referringItemIds is required.', [
          { field: 'referringItemIds', description: 'is required', violatedRule: 'REQUIRED' },
        ]);
      }
      if (ids.length > MAX_REFERRING_ITEMS) throw errors.badRequest(`'referringItemIds' may hold at most ${MAX_REFERRING_ITEMS} IDs.`, 'WDE0080');
      if (!input.referringItemFieldName) {
        throw errors.validation('Invalid request: referringItemFieldName is required.', [
          { field: 'referringItemFieldName', description: 'is required', violatedRule: 'REQUIRED' },
        ]);
      }
      state = {
        c: input.dataCollectionId,
        ids: [...new Set(ids)],
        field: input.referringItemFieldName,
        order: input.order ?? 'ASC',
        offset: cursorMode ? 0 : checkOffset(input.paging?.offset),
        fields: input.fields ?? [],
      };
    }
    const limit = checkLimit(cursorMode ? input.cursorPaging?.limit : input.paging?.limit);
    const projection: Projection | undefined = checkFields(input.fields?.length ? input.fields : state.fields);
    const collection = this.collections.require(state.c, caller.siteId);
    const access = this.readAccess(caller, collection);
    if (access === 'none') throw errors.permissionDenied('read', collection.id);
    // Referring items the reader may not see (or that are gone) reference nothing.
    const referring = this.rowsById(collection, state.ids);
    const ids = state.ids.filter((id) => {
      const row = referring.get(id);
      return row !== undefined && ReferenceService.visible(access, caller, row);
    });
    const declared = collection.fields.find((f) => f.key === state.field);
    const singleTarget = declared?.type === 'REFERENCE' ? declared.typeMetadata?.reference?.referencedCollectionId : undefined;
    let target: Collection;
    let rows: { a: string; b: string }[];
    let total: () => number;
    if (singleTarget !== undefined) {
      // A single reference (Wix: queryReferencedItems works "for both reference and multi-reference fields"): the ID in each item.
      target = this.collections.require(singleTarget, caller.siteId);
      const all = ids.flatMap((a) => {
        const b = own(JSON.parse(referring.get(a)!.data) as object, state.field);
        return typeof b === 'string' ? [{ a, b }] : [];
      });
      if (state.order === 'DESC') all.reverse();
      rows = all.slice(state.offset, state.offset + limit + 1);
      total = () => all.length;
    } else {
      const relation = this.relationFor(caller, collection, state.field);
      target = relation.referenced;
      const { near, far } = sides(relation);
      const where = `source_table = ? AND field = ? AND ${near} IN (SELECT value FROM json_each(?))`;
      const params = [relation.sourceTable, relation.field, JSON.stringify(ids)];
      rows = this.statements
        .get(`SELECT ${near} AS a, ${far} AS b FROM item_references WHERE ${where} ORDER BY seq ${state.order} LIMIT ? OFFSET ?`)
        .all(...params, limit + 1, state.offset) as { a: string; b: string }[];
      total = () => (this.statements.get(`SELECT count(*) AS n FROM item_references WHERE ${where}`).get(...params) as { n: number }).n;
    }
    // Wix: "rejected if the current user does not have read permissions for ... the collection containing the referenced items".
    const targetAccess = this.readAccess(caller, target);
    if (targetAccess === 'none') throw errors.permissionDenied('read', target.id);
    const hasNext = rows.length > limit;
    const page = rows.slice(0, limit);
    const targets = this.rowsById(target, [...new Set(page.map((r) => r.b))]);
    const results = page.map(({ a, b }) => {
      const row = targets.get(b);
      if (row && ReferenceService.visible(targetAccess, caller, row)) return { referringItemId: a, dataItem: toWire(target, row, projection) };
      return { referringItemId: a, unresolvedReference: { referringItemId: a, referencedItemId: b, unauthorized: row !== undefined } };
    });
    const pagingMetadata: Record<string, unknown> = { count: results.length, hasNext };
    if (cursorMode) {
      pagingMetadata['cursors'] = {
        ...(hasNext ? { next: encodeCursor({ ...state, offset: state.offset + limit }) } : {}),
        ...(state.offset > 0 ? { prev: encodeCursor({ ...state, offset: Math.max(0, state.offset - limit) }) } : {}),
      };
    } else {
      pagingMetadata['offset'] = state.offset;
      if (input.returnTotalCount) {
        pagingMetadata['total'] = total();
        pagingMetadata['tooManyToCount'] = false;
      }
    }
    return { results, pagingMetadata };
  }
}
