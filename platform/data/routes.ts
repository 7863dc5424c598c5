import * as v from 'valibot';
import { errors, WixApiError } from '../errors.ts';
import type { RequestContext, Router } from '../http/router.ts';
import type { PlatformServices } from '../services.ts';
import { parseBody } from '../validation.ts';
import { FIELD_TYPES, ROLES, toWireCollection, type CollectionField } from './collections.ts';
import { MAX_BULK } from './items.ts';
import { MAX_BULK_PATCH_ITEMS, MAX_COLLECTION_FIELDS, MAX_PATCH_MODIFICATIONS, MAX_READ_BODY_BYTES } from './limits.ts';
import { PATCH_ACTIONS } from './patch.ts';
import { canManageCollections } from './permissions.ts';

/** Data is served under both prefixes the SDK resolves to (reference §1). */
export const DATA_PREFIXES = ['/_api/cloud-data/v2', '/wix-data/v2'] as const;

const CollectionId = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(256));
const ItemId = v.pipe(v.string(), v.minLength(1, 'must not be empty'), v.maxLength(255));
const Sort = v.array(v.object({ fieldName: v.pipe(v.string(), v.minLength(1)), order: v.optional(v.picklist(['ASC', 'DESC'])) }));
const Limit = v.optional(v.pipe(v.number(), v.integer()));
const Fields = v.optional(v.array(v.string()));
const DataItem = v.object({ id: v.optional(v.string()), data: v.unknown() });
const Condition = v.optional(v.object({ filter: v.unknown() }));

const QueryBody = v.object({
  dataCollectionId: CollectionId,
  query: v.optional(
    v.object({
      filter: v.optional(v.unknown()),
      sort: v.optional(Sort),
      paging: v.optional(v.object({ limit: Limit, offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) })),
      cursorPaging: v.optional(v.object({ limit: Limit, cursor: v.optional(v.string()) })),
      fields: Fields,
    }),
  ),
  returnTotalCount: v.optional(v.boolean()),
  includeReferences: v.optional(v.array(v.unknown())),
});

const GetBody = v.object({ dataCollectionId: CollectionId, dataItemId: ItemId, fields: Fields });
const WriteBody = v.object({ dataCollectionId: CollectionId, dataItem: DataItem, condition: Condition });
const RemoveBody = v.object({ dataCollectionId: CollectionId, dataItemId: ItemId, condition: Condition });
const CountBody = v.object({ dataCollectionId: CollectionId, filter: v.optional(v.unknown()) });
const DistinctBody = v.object({
  dataCollectionId: CollectionId,
  fieldName: v.pipe(v.string(), v.minLength(1)),
  filter: v.optional(v.unknown()),
  order: v.optional(v.picklist(['ASC', 'DESC'])),
  returnTotalCount: v.optional(v.boolean()),
  paging: v.optional(v.object({ limit: Limit, offset: v.optional(v.pipe(v.number(), v.integer(), v.minValue(0))) })),
});
const BulkWriteBody = v.object({
  dataCollectionId: CollectionId,
  dataItems: v.pipe(v.array(DataItem), v.maxLength(MAX_BULK, `may hold at most ${MAX_BULK} items`)),
});
const FieldModificationSchema = v.object({
  fieldPath: v.pipe(v.string(), v.minLength(1, 'must not be empty')),
  action: v.picklist(PATCH_ACTIONS),
  setFieldOptions: v.optional(v.object({ value: v.optional(v.unknown()) })),
  incrementFieldOptions: v.optional(v.object({ value: v.optional(v.unknown()) })),
  appendToArrayOptions: v.optional(v.object({ value: v.optional(v.unknown()) })),
  removeFromArrayOptions: v.optional(v.object({ value: v.optional(v.unknown()) })),
});
// The list bound here keeps a huge list from being parsed item by item; patch.ts reports the documented limit.
const Modifications = v.pipe(
  v.array(FieldModificationSchema),
  v.maxLength(MAX_PATCH_MODIFICATIONS, `may hold at most ${MAX_PATCH_MODIFICATIONS} modifications`),
);
const PatchSchema = v.object({ dataItemId: ItemId, fieldModifications: Modifications });
const PatchBody = v.object({ dataCollectionId: CollectionId, patch: PatchSchema, condition: Condition });
const BulkPatchBody = v.object({
  dataCollectionId: CollectionId,
  patches: v.pipe(v.array(PatchSchema), v.maxLength(MAX_BULK_PATCH_ITEMS, `may hold at most ${MAX_BULK_PATCH_ITEMS} items`)),
  condition: Condition,
  returnEntity: v.optional(v.boolean()),
});
const BulkRemoveBody = v.object({
  dataCollectionId: CollectionId,
  dataItemIds: v.pipe(v.array(ItemId), v.maxLength(MAX_BULK, `may hold at most ${MAX_BULK} items`)),
});

const Role = v.picklist(ROLES);
const Permissions = v.object({ read: Role, insert: Role, update: Role, remove: Role });
const Field = v.object({ key: v.pipe(v.string(), v.minLength(1)), displayName: v.optional(v.string()), type: v.picklist(FIELD_TYPES) });
const CollectionBody = v.object({
  collection: v.object({
    id: CollectionId,
    displayName: v.optional(v.string()),
    permissions: v.optional(Permissions),
    fields: v.optional(v.pipe(v.array(Field), v.maxLength(MAX_COLLECTION_FIELDS, `may hold at most ${MAX_COLLECTION_FIELDS} fields`))),
    revision: v.optional(v.union([v.pipe(v.string(), v.regex(/^\d{1,15}$/, 'must be a whole number')), v.pipe(v.number(), v.safeInteger())])),
  }),
});

function decodeSegment(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw errors.badRequest('The URL path is not validly encoded.', 'WDE0080');
  }
}

/** The SDK sends `dataItem.data` with `_id` inside; `dataItem.id` is the same value when set. */
function itemWithId(dataItem: { id?: string | undefined; data: unknown }): unknown {
  if (dataItem.id === undefined || typeof dataItem.data !== 'object' || dataItem.data === null) return dataItem.data;
  return { _id: dataItem.id, ...(dataItem.data as Record<string, unknown>) };
}

const toFields = (fields: { key: string; displayName?: string | undefined; type: CollectionField['type'] }[] | undefined): CollectionField[] | undefined =>
  fields?.map((f) => ({ key: f.key, displayName: f.displayName ?? f.key, type: f.type }));

export function registerDataRoutes(router: Router, services: PlatformServices): void {
  const { items, collections } = services;
  const on = (method: string, pattern: string, handler: (ctx: RequestContext) => unknown) => router.addUnder(DATA_PREFIXES, method, pattern, handler);
  const read = { maxBodyBytes: MAX_READ_BODY_BYTES };
  const onRead = (pattern: string, handler: (ctx: RequestContext) => unknown) => router.addUnder(DATA_PREFIXES, 'POST', pattern, handler, read);

  const query = async (ctx: RequestContext) => {
    const body = parseBody(QueryBody, ctx.body);
    if (body.includeReferences?.length) {
      throw new WixApiError(501, 'includeReferences is not supported by the local platform yet.', { code: 'UNIMPLEMENTED' });
    }
    return items.query(await ctx.caller(), body.dataCollectionId, body.query ?? {}, body.returnTotalCount ?? false);
  };
  // `query` is registered before `:dataItemId`, so GET /items/query is never read as an item ID.
  on('GET', '/items/query', query);
  onRead('/items/query', query);

  const get = async (ctx: RequestContext) => {
    // The item ID is read from the query (the SDK does not encode the path); the path is the fallback.
    const fromPath = ctx.params['dataItemId'] ? decodeSegment(ctx.params['dataItemId']) : undefined;
    const raw = (typeof ctx.body === 'object' && ctx.body !== null ? ctx.body : {}) as Record<string, unknown>;
    if (fromPath !== undefined && raw['dataItemId'] !== undefined && raw['dataItemId'] !== fromPath) {
      throw errors.badRequest('The item ID in the path and the dataItemId parameter differ.', 'WDE0080');
    }
    const body = parseBody(GetBody, fromPath !== undefined ? { ...raw, dataItemId: raw['dataItemId'] ?? fromPath } : raw);
    return { dataItem: items.get(await ctx.caller(), body.dataCollectionId, body.dataItemId, body.fields) };
  };
  // `*` because the SDK does not encode the ID in the path: "a/b" arrives as two segments.
  on('GET', '/items/*dataItemId', get);
  onRead('/items/get', get);

  on('POST', '/items', async (ctx) => {
    const body = parseBody(WriteBody, ctx.body);
    return { dataItem: items.insert(await ctx.caller(), body.dataCollectionId, itemWithId(body.dataItem)) };
  });
  on('POST', '/items/update', async (ctx) => {
    const body = parseBody(WriteBody, ctx.body);
    return { dataItem: items.update(await ctx.caller(), body.dataCollectionId, itemWithId(body.dataItem), body.condition) };
  });
  on('POST', '/items/save', async (ctx) => {
    const body = parseBody(WriteBody, ctx.body);
    return items.save(await ctx.caller(), body.dataCollectionId, itemWithId(body.dataItem));
  });
  on('POST', '/items/remove', async (ctx) => {
    const body = parseBody(RemoveBody, ctx.body);
    return { dataItem: items.remove(await ctx.caller(), body.dataCollectionId, body.dataItemId, body.condition) };
  });
  on('POST', '/items/truncate', async (ctx) => {
    const body = parseBody(v.object({ dataCollectionId: CollectionId }), ctx.body);
    items.truncate(await ctx.caller(), body.dataCollectionId);
    return {};
  });
  onRead('/items/count', async (ctx) => {
    const body = parseBody(CountBody, ctx.body);
    return { totalCount: items.count(await ctx.caller(), body.dataCollectionId, body.filter) };
  });
  onRead('/items/query-distinct-values', async (ctx) => {
    const body = parseBody(DistinctBody, ctx.body);
    return items.distinct(await ctx.caller(), body.dataCollectionId, {
      fieldName: body.fieldName,
      filter: body.filter,
      order: body.order,
      limit: body.paging?.limit,
      offset: body.paging?.offset,
      returnTotalCount: body.returnTotalCount,
    });
  });

  on('POST', '/items/patch', async (ctx) => {
    const body = parseBody(PatchBody, ctx.body);
    return { dataItem: items.patch(await ctx.caller(), body.dataCollectionId, body.patch.dataItemId, body.patch.fieldModifications, body.condition) };
  });
  on('POST', '/bulk/items/patch', async (ctx) => {
    const body = parseBody(BulkPatchBody, ctx.body);
    return items.bulkPatch(await ctx.caller(), body.dataCollectionId, body.patches, { condition: body.condition, returnEntity: body.returnEntity });
  });

  const bulk = (mode: 'insert' | 'save' | 'update') => async (ctx: RequestContext) => {
    const body = parseBody(BulkWriteBody, ctx.body);
    return items.bulkWrite(await ctx.caller(), body.dataCollectionId, mode, body.dataItems.map(itemWithId));
  };
  on('POST', '/bulk/items/insert', bulk('insert'));
  on('POST', '/bulk/items/save', bulk('save'));
  on('POST', '/bulk/items/update', bulk('update'));
  on('POST', '/bulk/items/remove', async (ctx) => {
    const body = parseBody(BulkRemoveBody, ctx.body);
    return items.bulkRemove(await ctx.caller(), body.dataCollectionId, body.dataItemIds);
  });

  for (const path of [
    '/items/is-referenced',
    '/bulk/items/insert-references',
    '/bulk/items/remove-references',
    '/items/replace-references',
    '/items/query-referenced',
  ]) {
    on('POST', path, () => {
      throw new WixApiError(501, `${path} is not supported by the local platform yet.`, { code: 'UNIMPLEMENTED' });
    });
  }

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
    const { collection } = parseBody(CollectionBody, ctx.body);
    return {
      collection: toWireCollection(
        collections.update({
          siteId,
          id: collection.id,
          displayName: collection.displayName,
          permissions: collection.permissions,
          fields: toFields(collection.fields),
          revision: collection.revision === undefined ? undefined : Number(collection.revision),
        }),
      ),
    };
  };
  on('PUT', '/collections', update);
  on('DELETE', '/collections/:dataCollectionId', async (ctx) => {
    const siteId = await manage(ctx, true);
    collections.delete(decodeSegment(ctx.params['dataCollectionId']!), siteId);
    return {};
  });
}
