import * as v from 'valibot';
import { errors } from '../errors.ts';
import { RawResponse, type RequestContext, type Router } from '../http/router.ts';
import type { PlatformServices } from '../services.ts';
import { parseBody, plainObject } from '../validation.ts';
import { FIELD_TYPES, MAX_FIELD_KEY_LENGTH, ROLES, SYSTEM_FIELDS, toWireCollection, type CollectionField } from './collections.ts';
import { ItemsService, MAX_BULK } from './items.ts';
import { MAX_BULK_PATCH_ITEMS, MAX_COLLECTION_FIELDS, MAX_CURSOR_LENGTH, MAX_PATCH_MODIFICATIONS, MAX_READ_BODY_BYTES } from './limits.ts';
import { own } from './item-data.ts';
import { PATCH_ACTIONS } from './patch.ts';
import { withDataWarnings } from './warnings.ts';
import { MAX_INCLUDES, MAX_REFERENCES_PER_CALL, MAX_REFERRING_ITEMS, ReferenceService } from './references.ts';
import { canManageCollections } from './permissions.ts';

/** The content type of a JSON answer the route writes itself (the host's own JSON answers carry the same). */
const JSON_BODY = { 'content-type': 'application/json' } as const;

/** Data is served under both prefixes the SDK resolves to (reference §1). */
export const DATA_PREFIXES = ['/_api/cloud-data/v2', '/wix-data/v2'] as const;

const CollectionId = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(256));
const ItemId = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(255));
const Sort = v.array(plainObject({ fieldName: v.pipe(v.string(), v.minLength(1)), order: v.optional(v.picklist(['ASC', 'DESC'])) }));
const Limit = v.optional(v.pipe(v.number(), v.integer()));
const Fields = v.optional(v.array(v.string()));
const DataItem = plainObject({ id: v.optional(v.string()), data: v.unknown() });
const Condition = v.optional(plainObject({ filter: v.unknown() }));

/** A flag (consistentRead, returnTotalCount): a boolean, or `true`/`false` in a GET's query string. */
const Flag = v.optional(
  v.union([
    v.boolean(),
    v.pipe(
      v.picklist(['true', 'false'], 'must be true or false'),
      v.transform((flag) => flag === 'true'),
    ),
  ]),
);

/** `includeReferences: [{field, limit?}]`, as @wix/data sends it for `.include(...)` (Wix: @maxSize 100). */
const IncludeReferences = v.optional(
  v.pipe(
    v.array(plainObject({ field: v.pipe(v.string(), v.minLength(1), v.maxLength(1000)), limit: v.optional(v.number()) })),
    v.maxLength(MAX_INCLUDES, `may name at most ${MAX_INCLUDES} fields`),
  ),
);

const QueryBody = plainObject({
  dataCollectionId: CollectionId,
  consistentRead: Flag,
  query: v.optional(
    plainObject({
      filter: v.optional(v.unknown()),
      sort: v.optional(Sort),
      paging: v.optional(plainObject({ limit: Limit, offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) })),
      cursorPaging: v.optional(plainObject({ limit: Limit, cursor: v.optional(v.string()) })),
      fields: Fields,
    }),
  ),
  returnTotalCount: Flag,
  includeReferences: IncludeReferences,
});

const GetBody = plainObject({
  dataCollectionId: CollectionId,
  dataItemId: ItemId,
  fields: Fields,
  consistentRead: Flag,
  includeReferences: IncludeReferences,
});
const ReferenceSchema = plainObject({
  referringItemFieldName: v.pipe(v.string(), v.minLength(1), v.maxLength(1000)),
  referringItemId: ItemId,
  referencedItemId: ItemId,
});
const ReferencesBody = plainObject({
  dataCollectionId: CollectionId,
  dataItemReferences: v.pipe(v.array(ReferenceSchema), v.maxLength(MAX_REFERENCES_PER_CALL, `may hold at most ${MAX_REFERENCES_PER_CALL} references`)),
});
const OneReferenceBody = plainObject({ dataCollectionId: CollectionId, dataItemReference: ReferenceSchema });
const ReplaceReferencesBody = plainObject({
  dataCollectionId: CollectionId,
  referringItemFieldName: v.pipe(v.string(), v.minLength(1), v.maxLength(1000)),
  referringItemId: ItemId,
  newReferencedItemIds: v.pipe(v.array(ItemId), v.maxLength(MAX_REFERENCES_PER_CALL, `may hold at most ${MAX_REFERENCES_PER_CALL} IDs`)),
});
const IsReferencedBody = plainObject({
  dataCollectionId: CollectionId,
  referringItemFieldName: v.pipe(v.string(), v.minLength(1), v.maxLength(1000)),
  referringItemId: ItemId,
  referencedItemId: ItemId,
  consistentRead: Flag,
});
const QueryReferencedBody = plainObject({
  dataCollectionId: CollectionId,
  referringItemId: v.optional(ItemId),
  referringItemIds: v.optional(v.pipe(v.array(ItemId), v.maxLength(MAX_REFERRING_ITEMS, `may hold at most ${MAX_REFERRING_ITEMS} IDs`))),
  referringItemFieldName: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(1000))),
  order: v.optional(v.picklist(['ASC', 'DESC'])),
  paging: v.optional(plainObject({ limit: Limit, offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) })),
  cursorPaging: v.optional(plainObject({ limit: Limit, cursor: v.optional(v.pipe(v.string(), v.maxLength(MAX_CURSOR_LENGTH))) })),
  returnTotalCount: Flag,
  fields: Fields,
  consistentRead: Flag,
});
const WriteBody = plainObject({ dataCollectionId: CollectionId, dataItem: DataItem, condition: Condition });
const RemoveBody = plainObject({ dataCollectionId: CollectionId, dataItemId: ItemId, condition: Condition });
const CountBody = plainObject({ dataCollectionId: CollectionId, filter: v.optional(v.unknown()), consistentRead: Flag });
const DistinctBody = plainObject({
  dataCollectionId: CollectionId,
  consistentRead: Flag,
  // Required, except on a cursor page (the cursor carries it); items.distinct says so when it is missing.
  fieldName: v.optional(v.pipe(v.string(), v.minLength(1))),
  cursorPaging: v.optional(plainObject({ limit: Limit, cursor: v.optional(v.pipe(v.string(), v.maxLength(MAX_CURSOR_LENGTH))) })),
  filter: v.optional(v.unknown()),
  order: v.optional(v.picklist(['ASC', 'DESC'])),
  returnTotalCount: Flag,
  paging: v.optional(plainObject({ limit: Limit, offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) })),
});
const BulkWriteBody = plainObject({
  dataCollectionId: CollectionId,
  dataItems: v.pipe(v.array(DataItem), v.maxLength(MAX_BULK, `may hold at most ${MAX_BULK} items`)),
});
const FieldModificationSchema = plainObject({
  fieldPath: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
  action: v.picklist(PATCH_ACTIONS),
  setFieldOptions: v.optional(plainObject({ value: v.optional(v.unknown()) })),
  incrementFieldOptions: v.optional(plainObject({ value: v.optional(v.unknown()) })),
  appendToArrayOptions: v.optional(plainObject({ value: v.optional(v.unknown()) })),
  removeFromArrayOptions: v.optional(plainObject({ value: v.optional(v.unknown()) })),
});
// The list bound here keeps a huge list from being parsed item by item; patch.ts reports the documented limit.
const Modifications = v.pipe(
  v.array(FieldModificationSchema),
  v.maxLength(MAX_PATCH_MODIFICATIONS, `may hold at most ${MAX_PATCH_MODIFICATIONS} modifications`),
);
const PatchSchema = plainObject({ dataItemId: ItemId, fieldModifications: Modifications });
const PatchBody = plainObject({ dataCollectionId: CollectionId, patch: PatchSchema, condition: Condition });
const BulkPatchBody = plainObject({
  dataCollectionId: CollectionId,
  patches: v.pipe(v.array(PatchSchema), v.maxLength(MAX_BULK_PATCH_ITEMS, `may hold at most ${MAX_BULK_PATCH_ITEMS} items`)),
  condition: Condition,
  returnEntity: v.optional(v.boolean()),
});
const BulkRemoveBody = plainObject({
  dataCollectionId: CollectionId,
  dataItemIds: v.pipe(v.array(ItemId), v.maxLength(MAX_BULK, `may hold at most ${MAX_BULK} items`)),
});

const Role = v.picklist(ROLES);
const Permissions = plainObject({ read: Role, insert: Role, update: Role, remove: Role });
const MetaCollectionId = v.optional(v.pipe(v.string(), v.maxLength(256)));
const FieldKey = v.pipe(v.string(), v.minLength(1), v.maxLength(MAX_FIELD_KEY_LENGTH));
const Field = plainObject({
  key: FieldKey,
  displayName: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(1000)))),
  type: v.picklist(FIELD_TYPES),
  typeMetadata: v.optional(
    plainObject({
      reference: v.optional(plainObject({ referencedCollectionId: MetaCollectionId })),
      multiReference: v.optional(
        plainObject({
          referencedCollectionId: MetaCollectionId,
          referencingFieldKey: v.optional(v.pipe(v.string(), v.maxLength(MAX_FIELD_KEY_LENGTH))),
          referencingDisplayName: v.optional(v.pipe(v.string(), v.maxLength(1000))),
        }),
      ),
    }),
  ),
  required: v.optional(v.nullable(v.boolean())),
  description: v.optional(v.nullable(v.pipe(v.string(), v.maxLength(16000)))),
  systemField: v.optional(v.boolean()),
});
type FieldInput = v.InferOutput<typeof Field>;
const Revision = v.union([v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'must be a whole number')), v.pipe(v.number(), v.safeInteger())]);
const CollectionEntries = {
  id: CollectionId,
  displayName: v.optional(v.pipe(v.string(), v.maxLength(1000))),
  permissions: v.optional(Permissions),
  fields: v.optional(v.pipe(v.array(Field), v.maxLength(MAX_COLLECTION_FIELDS + SYSTEM_FIELDS.length, `may hold at most ${MAX_COLLECTION_FIELDS} fields`))),
  revision: v.optional(Revision),
};
const CollectionBody = plainObject({ collection: plainObject(CollectionEntries) });
/** Update Data Collection: Wix requires the current revision ("For an update operation to succeed, you must specify the latest revision number"). */
const UpdateCollectionBody = plainObject({ collection: plainObject({ ...CollectionEntries, revision: Revision }) });
/** Patch Data Collection: only the properties sent change; `revision`, when sent, must be the current one. */
const PatchCollectionBody = plainObject({ dataCollection: plainObject({ ...CollectionEntries, id: v.optional(CollectionId) }) });
const FieldBody = plainObject({ dataCollectionId: CollectionId, field: Field });
const DeleteFieldBody = plainObject({ dataCollectionId: CollectionId, fieldKey: FieldKey });

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw errors.badRequest('The URL path is not validly encoded.', 'WDE0080');
  }
}

/**
 * The SDK sends `dataItem.data` with `_id` inside; `dataItem.id` is the same value when set. When both are set they
 * must agree (as the path and the body must for `PUT /items/{id}`): the request names one item, not two.
 */
function itemWithId(dataItem: { id?: string | undefined; data: unknown }): unknown {
  if (dataItem.id === undefined || typeof dataItem.data !== 'object' || dataItem.data === null) return dataItem.data;
  const inData = own(dataItem.data, '_id');
  if (inData !== undefined && inData !== dataItem.id) throw errors.badRequest('dataItem.id and dataItem.data._id name different items.', 'WDE0080');
  return { ...(dataItem.data as Record<string, unknown>), _id: dataItem.id };
}

/** A request's field as the store takes it (the store checks keys and reference metadata). */
function toField(f: FieldInput): CollectionField {
  const field: CollectionField = { key: f.key, displayName: f.displayName ?? f.key, type: f.type };
  const ref = f.typeMetadata?.reference;
  const multi = f.typeMetadata?.multiReference;
  if (f.type === 'REFERENCE' && ref) field.typeMetadata = { reference: { referencedCollectionId: ref.referencedCollectionId ?? '' } };
  if (f.type === 'MULTI_REFERENCE' && multi) {
    field.typeMetadata = {
      multiReference: {
        referencedCollectionId: multi.referencedCollectionId ?? '',
        referencingFieldKey: multi.referencingFieldKey ?? '',
        referencingDisplayName: multi.referencingDisplayName ?? '',
      },
    };
  }
  if (f.required) field.required = true;
  if (typeof f.description === 'string') field.description = f.description;
  return field;
}

/**
 * The declared fields of a create or update: the system fields a client sends back (Get → Update round trip sends
 * them, `systemField: true`) are Wix's own and are dropped; any other field keeps its place.
 */
const toFields = (fields: FieldInput[] | undefined): CollectionField[] | undefined =>
  fields?.filter((f) => !f.systemField && !SYSTEM_FIELDS.some((s) => s.key === f.key)).map(toField);

/** A request body as a record (anything else becomes `{}`, and the route's schema then names what is missing). */
const recordOf = (body: unknown): Record<string, unknown> =>
  typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};

/**
 * The item ID a REST path names (`/items/{dataItemId}`), checked against the one the body or query string carries:
 * both set and different is a 400. Without a path ID the body's value stands (the POST forms).
 */
function idFromPath(ctx: RequestContext, inBody: unknown, name: string): unknown {
  const raw = ctx.params['dataItemId'];
  if (raw === undefined) return inBody;
  const fromPath = decodeSegment(raw);
  if (inBody !== undefined && inBody !== fromPath) throw errors.badRequest(`The item ID in the path and ${name} differ.`, 'WDE0080');
  return fromPath;
}

/** Request fields a URL may carry (besides a path's item ID), and how each is read from the query string. */
export type UrlField = 'dataCollectionId' | 'dataItemId' | 'fields' | 'returnTotalCount';
const URL_FIELD_KIND: ReadonlyMap<UrlField, 'string' | 'strings' | 'boolean'> = new Map([
  ['dataCollectionId', 'string'],
  ['dataItemId', 'string'],
  ['fields', 'strings'],
  ['returnTotalCount', 'boolean'],
] as const);

const sameValue = (a: unknown, b: unknown) => (Array.isArray(a) && Array.isArray(b) ? a.length === b.length && a.every((x, i) => x === b[i]) : a === b);

/**
 * Request fields in the URL, as Wix's REST gateway accepts them (`POST /wix-data/v2/items/query?dataCollectionId=…`):
 * the listed fields are read from the query string into the body. A GET or DELETE already carries its whole request
 * in the query string (the host reads it as the body). The same field twice with different values, a boolean that
 * is not `true`/`false`, or a URL value that differs from the body's is a 400; the merged body then goes through the
 * route's schema, so a URL value is bounded and validated exactly like a body value.
 */
export function bodyWithUrlFields(ctx: RequestContext, fields: readonly UrlField[]): unknown {
  if (ctx.method === 'GET' || ctx.method === 'DELETE') return ctx.body;
  const body = ctx.body === undefined || ctx.body === null ? {} : ctx.body;
  if (typeof body !== 'object' || Array.isArray(body)) return body;
  let merged: Record<string, unknown> | undefined;
  for (const field of fields) {
    const all = ctx.query.getAll(field);
    if (all.length === 0) continue;
    const kind = URL_FIELD_KIND.get(field);
    let value: unknown = all;
    if (kind !== 'strings') {
      if (all.some((x) => x !== all[0])) throw errors.badRequest(`The URL gives ${field} more than one value.`, 'WDE0080');
      value = all[0];
      if (kind === 'boolean') {
        if (value !== 'true' && value !== 'false') throw errors.badRequest(`${field} in the URL must be true or false.`, 'WDE0080');
        value = value === 'true';
      }
    }
    const inBody = own(body, field);
    if (inBody !== undefined && !sameValue(inBody, value)) throw errors.badRequest(`${field} in the URL and in the body differ.`, 'WDE0080');
    merged ??= { ...(body as Record<string, unknown>) };
    // safe-lookup: field is one of the UrlField names listed in code, never a request key
    merged[field] = value;
  }
  return merged ?? body;
}

export function registerDataRoutes(router: Router, services: PlatformServices): void {
  const { collections } = services;
  const references = new ReferenceService(services.db, collections);
  // Item operations run the site's data hooks (backend/data.js) around them when the platform has them (velo/data-hooks.ts).
  const items = services.data ?? services.items;
  // Reads without consistentRead may run on a lagging snapshot when eventual consistency is on (read-replica.ts).
  const reader = (consistentRead: boolean | undefined) => services.reads?.reader(consistentRead) ?? items;
  // Every data handler runs with the request's warning sink, so the data layer can tell the developer what Wix would
  // do silently (a value stored against its field's declared type) in this request's log entry.
  const warned = (handler: (ctx: RequestContext) => unknown) => (ctx: RequestContext) => withDataWarnings(ctx.warn, () => handler(ctx));
  const on = (method: string, pattern: string, handler: (ctx: RequestContext) => unknown) => router.addUnder(DATA_PREFIXES, method, pattern, warned(handler));
  const read = { maxBodyBytes: MAX_READ_BODY_BYTES };
  const onRead = (pattern: string, handler: (ctx: RequestContext) => unknown) => router.addUnder(DATA_PREFIXES, 'POST', pattern, warned(handler), read);

  const query = async (ctx: RequestContext) => {
    const body = parseBody(QueryBody, bodyWithUrlFields(ctx, ['dataCollectionId', 'returnTotalCount']));
    const caller = await ctx.caller();
    const includes = body.includeReferences ?? [];
    if (includes.length === 0) {
      const service = reader(body.consistentRead);
      // No hook and no include: the page is written from the stored JSON text (ItemsService.queryJson, the same bytes
      // as the objects below would give), unless the query has a projection or an item the text path steps aside for.
      const plain = service instanceof ItemsService ? service : (await service.queriesWithoutHooks(body.dataCollectionId)) ? service.inner : undefined;
      const bytes = plain?.queryJson(caller, body.dataCollectionId, body.query ?? {}, body.returnTotalCount ?? false);
      if (bytes !== undefined) return new RawResponse(200, bytes, JSON_BODY);
      return service.query(caller, body.dataCollectionId, body.query ?? {}, body.returnTotalCount ?? false);
    }
    // The include list is checked before the query runs; the referenced items are read from the primary.
    references.validateIncludes(caller, body.dataCollectionId, includes);
    const result = await reader(body.consistentRead).query(caller, body.dataCollectionId, body.query ?? {}, body.returnTotalCount ?? false);
    references.include(caller, body.dataCollectionId, result.dataItems, includes, body.query?.fields);
    return result;
  };
  // `query` is registered before `:dataItemId`, so GET /items/query is never read as an item ID.
  on('GET', '/items/query', query);
  onRead('/items/query', query);

  const get = async (ctx: RequestContext) => {
    // The item ID is read from the query (the SDK does not encode the path); the path is the fallback.
    const raw = recordOf(bodyWithUrlFields(ctx, ['dataCollectionId', 'dataItemId', 'fields']));
    const body = parseBody(GetBody, { ...raw, dataItemId: idFromPath(ctx, own(raw, 'dataItemId'), 'dataItemId') });
    const caller = await ctx.caller();
    const includes = body.includeReferences ?? [];
    references.validateIncludes(caller, body.dataCollectionId, includes);
    const dataItem = await reader(body.consistentRead).get(caller, body.dataCollectionId, body.dataItemId, body.fields);
    references.include(caller, body.dataCollectionId, [dataItem], includes, body.fields);
    return { dataItem };
  };
  // `*` because the SDK does not encode the ID in the path: "a/b" arrives as two segments.
  on('GET', '/items/*dataItemId', get);
  onRead('/items/get', get);

  const insert = async (ctx: RequestContext) => {
    const body = parseBody(WriteBody, bodyWithUrlFields(ctx, ['dataCollectionId']));
    return { dataItem: await items.insert(await ctx.caller(), body.dataCollectionId, itemWithId(body.dataItem)) };
  };
  on('POST', '/items', insert);

  const updateItem = async (ctx: RequestContext) => {
    const raw = recordOf(bodyWithUrlFields(ctx, ['dataCollectionId']));
    const body = parseBody(WriteBody, raw);
    const fromPath = ctx.params['dataItemId'] !== undefined ? decodeSegment(ctx.params['dataItemId']) : undefined;
    if (fromPath !== undefined) {
      // REST `PUT /items/{dataItem.id}`: the path names the item; an ID in the body must agree with it.
      const data = body.dataItem.data;
      const inData = typeof data === 'object' && data !== null ? own(data, '_id') : undefined;
      if ((body.dataItem.id !== undefined && body.dataItem.id !== fromPath) || (inData !== undefined && inData !== fromPath)) {
        throw errors.badRequest('The item ID in the path and the item ID in the body differ.', 'WDE0080');
      }
      body.dataItem.id = fromPath;
    }
    return { dataItem: await items.update(await ctx.caller(), body.dataCollectionId, itemWithId(body.dataItem), body.condition) };
  };
  on('POST', '/items/update', updateItem);
  on('PUT', '/items/*dataItemId', updateItem);

  on('POST', '/items/save', async (ctx) => {
    const body = parseBody(WriteBody, bodyWithUrlFields(ctx, ['dataCollectionId']));
    return items.save(await ctx.caller(), body.dataCollectionId, itemWithId(body.dataItem));
  });

  const remove = async (ctx: RequestContext) => {
    const raw = recordOf(bodyWithUrlFields(ctx, ['dataCollectionId', 'dataItemId']));
    const body = parseBody(RemoveBody, { ...raw, dataItemId: idFromPath(ctx, own(raw, 'dataItemId'), 'dataItemId') });
    return { dataItem: await items.remove(await ctx.caller(), body.dataCollectionId, body.dataItemId, body.condition) };
  };
  on('POST', '/items/remove', remove);
  on('DELETE', '/items/*dataItemId', remove);

  on('POST', '/items/truncate', async (ctx) => {
    const body = parseBody(plainObject({ dataCollectionId: CollectionId }), bodyWithUrlFields(ctx, ['dataCollectionId']));
    await items.truncate(await ctx.caller(), body.dataCollectionId);
    return {};
  });
  onRead('/items/count', async (ctx) => {
    const body = parseBody(CountBody, bodyWithUrlFields(ctx, ['dataCollectionId']));
    return { totalCount: await reader(body.consistentRead).count(await ctx.caller(), body.dataCollectionId, body.filter) };
  });
  onRead('/items/query-distinct-values', async (ctx) => {
    const body = parseBody(DistinctBody, bodyWithUrlFields(ctx, ['dataCollectionId', 'returnTotalCount']));
    return reader(body.consistentRead).distinct(await ctx.caller(), body.dataCollectionId, {
      fieldName: body.fieldName,
      filter: body.filter,
      order: body.order,
      limit: body.paging?.limit,
      offset: body.paging?.offset,
      returnTotalCount: body.returnTotalCount,
      cursorPaging: body.cursorPaging,
    });
  });

  const patch = async (ctx: RequestContext) => {
    const raw = recordOf(bodyWithUrlFields(ctx, ['dataCollectionId']));
    const inner = own(raw, 'patch');
    // REST `PATCH /items/{patch.dataItemId}`: the path names the item; `patch.dataItemId` in the body must agree.
    const withId =
      ctx.params['dataItemId'] !== undefined && typeof inner === 'object' && inner !== null && !Array.isArray(inner)
        ? { ...raw, patch: { ...inner, dataItemId: idFromPath(ctx, own(inner, 'dataItemId'), 'patch.dataItemId') } }
        : raw;
    const body = parseBody(PatchBody, withId);
    return { dataItem: await items.patch(await ctx.caller(), body.dataCollectionId, body.patch.dataItemId, body.patch.fieldModifications, body.condition) };
  };
  on('POST', '/items/patch', patch);
  on('PATCH', '/items/*dataItemId', patch);
  on('POST', '/bulk/items/patch', async (ctx) => {
    const body = parseBody(BulkPatchBody, bodyWithUrlFields(ctx, ['dataCollectionId']));
    return items.bulkPatch(await ctx.caller(), body.dataCollectionId, body.patches, { condition: body.condition, returnEntity: body.returnEntity });
  });

  const bulk = (mode: 'insert' | 'save' | 'update') => async (ctx: RequestContext) => {
    const body = parseBody(BulkWriteBody, bodyWithUrlFields(ctx, ['dataCollectionId']));
    return items.bulkWrite(await ctx.caller(), body.dataCollectionId, mode, body.dataItems.map(itemWithId));
  };
  on('POST', '/bulk/items/insert', bulk('insert'));
  on('POST', '/bulk/items/save', bulk('save'));
  on('POST', '/bulk/items/update', bulk('update'));
  on('POST', '/bulk/items/remove', async (ctx) => {
    const body = parseBody(BulkRemoveBody, bodyWithUrlFields(ctx, ['dataCollectionId']));
    return items.bulkRemove(await ctx.caller(), body.dataCollectionId, body.dataItemIds);
  });

  // References (references.ts). Wix runs no data hooks for them ("Calling insertReference() does not trigger any hooks").
  const referenceResults = (refs: readonly v.InferOutput<typeof ReferenceSchema>[]) => ({
    results: refs.map((dataItemReference, originalIndex) => ({ dataItemReference, itemMetadata: { originalIndex, success: true } })),
    bulkActionMetadata: { totalSuccesses: refs.length, totalFailures: 0, undetailedFailures: 0 },
  });
  on('POST', '/bulk/items/insert-references', async (ctx) => {
    const body = parseBody(ReferencesBody, bodyWithUrlFields(ctx, ['dataCollectionId']));
    references.insertReferences(await ctx.caller(), body.dataCollectionId, body.dataItemReferences);
    return referenceResults(body.dataItemReferences);
  });
  on('POST', '/bulk/items/remove-references', async (ctx) => {
    const body = parseBody(ReferencesBody, bodyWithUrlFields(ctx, ['dataCollectionId']));
    references.removeReferences(await ctx.caller(), body.dataCollectionId, body.dataItemReferences);
    return referenceResults(body.dataItemReferences);
  });
  // The single-reference forms the REST reference lists (deprecated in the SDK).
  on('POST', '/items/insert-reference', async (ctx) => {
    const body = parseBody(OneReferenceBody, bodyWithUrlFields(ctx, ['dataCollectionId']));
    references.insertReferences(await ctx.caller(), body.dataCollectionId, [body.dataItemReference]);
    return { dataItemReference: body.dataItemReference };
  });
  on('POST', '/items/remove-reference', async (ctx) => {
    const body = parseBody(OneReferenceBody, bodyWithUrlFields(ctx, ['dataCollectionId']));
    references.removeReferences(await ctx.caller(), body.dataCollectionId, [body.dataItemReference]);
    return { dataItemReference: body.dataItemReference };
  });
  on('POST', '/items/replace-references', async (ctx) => {
    const body = parseBody(ReplaceReferencesBody, bodyWithUrlFields(ctx, ['dataCollectionId']));
    references.replaceReferences(await ctx.caller(), body.dataCollectionId, body.referringItemFieldName, body.referringItemId, body.newReferencedItemIds);
    return {
      dataItemReferences: body.newReferencedItemIds.map((referencedItemId) => ({
        referringItemFieldName: body.referringItemFieldName,
        referringItemId: body.referringItemId,
        referencedItemId,
      })),
    };
  });
  onRead('/items/is-referenced', async (ctx) => {
    const body = parseBody(IsReferencedBody, bodyWithUrlFields(ctx, ['dataCollectionId']));
    return {
      isReferenced: references.isReferenced(
        await ctx.caller(),
        body.dataCollectionId,
        body.referringItemFieldName,
        body.referringItemId,
        body.referencedItemId,
      ),
    };
  });
  onRead('/items/query-referenced', async (ctx) => {
    const body = parseBody(QueryReferencedBody, bodyWithUrlFields(ctx, ['dataCollectionId', 'returnTotalCount']));
    return references.queryReferenced(await ctx.caller(), body);
  });

  // Data Collections v2: admins and API keys only.
  const manage = async (ctx: RequestContext, write: boolean) => {
    const caller = await ctx.caller();
    if (!canManageCollections(caller, write)) throw errors.forbidden(`The caller may not ${write ? 'change' : 'read'} data collections.`);
    return caller.siteId;
  };
  on('GET', '/collections', async (ctx) => {
    const siteId = await manage(ctx, false);
    const all = collections.list(siteId);
    return { collections: all.map(toWireCollection), pagingMetadata: { count: all.length, offset: 0, total: all.length, hasNext: false } };
  });
  on('GET', '/collections/:dataCollectionId', async (ctx) => {
    const siteId = await manage(ctx, false);
    const id = decodeSegment(ctx.params['dataCollectionId']!);
    return { collection: toWireCollection(collections.require(id, siteId)) };
  });
  on('POST', '/collections', async (ctx) => {
    const siteId = await manage(ctx, true);
    const { collection } = parseBody(CollectionBody, ctx.body);
    return {
      collection: toWireCollection(
        collections.create({
          id: collection.id,
          displayName: collection.displayName,
          permissions: collection.permissions,
          fields: toFields(collection.fields),
          siteId,
        }),
      ),
    };
  });
  const update = async (ctx: RequestContext) => {
    const siteId = await manage(ctx, true);
    const { collection } = parseBody(UpdateCollectionBody, ctx.body);
    return {
      collection: toWireCollection(
        collections.update({
          siteId,
          id: collection.id,
          displayName: collection.displayName,
          permissions: collection.permissions,
          fields: toFields(collection.fields),
          revision: Number(collection.revision),
        }),
      ),
    };
  };
  on('PUT', '/collections', update);
  on('PATCH', '/collections/:dataCollectionId', async (ctx) => {
    const siteId = await manage(ctx, true);
    const id = decodeSegment(ctx.params['dataCollectionId']!);
    const { dataCollection: patch } = parseBody(PatchCollectionBody, ctx.body);
    if (patch.id !== undefined && patch.id !== id) throw errors.badRequest('The collection ID in the path and in the body differ.', 'WDE0080');
    return {
      dataCollection: toWireCollection(
        collections.update({
          siteId,
          id,
          displayName: patch.displayName,
          permissions: patch.permissions,
          fields: toFields(patch.fields),
          revision: patch.revision === undefined ? undefined : Number(patch.revision),
        }),
      ),
    };
  });
  on('POST', '/collections/create-field', async (ctx) => {
    const siteId = await manage(ctx, true);
    const body = parseBody(FieldBody, ctx.body);
    return { dataCollection: toWireCollection(collections.createField(body.dataCollectionId, siteId, toField(body.field))) };
  });
  on('POST', '/collections/update-field', async (ctx) => {
    const siteId = await manage(ctx, true);
    const body = parseBody(FieldBody, ctx.body);
    return { dataCollection: toWireCollection(collections.updateField(body.dataCollectionId, siteId, toField(body.field))) };
  });
  on('POST', '/collections/delete-field', async (ctx) => {
    const siteId = await manage(ctx, true);
    const body = parseBody(DeleteFieldBody, bodyWithUrlFields(ctx, ['dataCollectionId']));
    return { dataCollection: toWireCollection(collections.deleteField(body.dataCollectionId, siteId, body.fieldKey)) };
  });
  on('DELETE', '/collections/:dataCollectionId', async (ctx) => {
    const siteId = await manage(ctx, true);
    collections.delete(decodeSegment(ctx.params['dataCollectionId']!), siteId);
    return {};
  });
}
