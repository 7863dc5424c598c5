import { callerClient } from '../backend-client.ts';
import { currentCall, veloCalls } from '../context.ts';

/**
 * Local `wix-data` (the Velo Data API): the official `@wix/data` items implementation (the same query builder,
 * results, validation and WDE errors), sending its requests to this platform as the caller that triggered the
 * web method. Velo's `WixDataOptions` are honoured: `suppressAuth` runs the call with the site's admin rights
 * (as `elevate()` does), `suppressHooks` skips the collection's data hooks. A query keeps the options of its
 * `find()` / `count()` / `distinct()` for `next()` and `prev()`.
 */

interface Flags {
  elevated: boolean;
  suppressHooks: boolean;
}
const NONE: Flags = { elevated: false, suppressHooks: false };

function flagsOf(options: unknown, inherited: Flags): Flags {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) return inherited;
  const o = options as { suppressAuth?: unknown; suppressHooks?: unknown };
  return { elevated: inherited.elevated || o.suppressAuth === true, suppressHooks: inherited.suppressHooks || o.suppressHooks === true };
}

function within<T>(flags: Flags, body: () => T): T {
  if (!flags.elevated && !flags.suppressHooks) return body();
  const call = currentCall('wix-data');
  return veloCalls.run({ ...call, elevated: call.elevated || flags.elevated, suppressHooks: call.suppressHooks === true || flags.suppressHooks }, body);
}

/** Builders and results are class instances; items, arrays and dates pass through untouched. */
function isBuilder(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto !== Object.prototype && proto !== null;
}

/** Velo's errors carry their WDE code as `code` (the SDK keeps it in `details.applicationError.code`). */
function withCode(error: unknown): unknown {
  const code = (error as { details?: { applicationError?: { code?: unknown } } } | null)?.details?.applicationError?.code;
  if (error instanceof Error && (error as { code?: unknown }).code === undefined && typeof code === 'string') Object.assign(error, { code });
  return error;
}

function wrap<T>(value: T, flags: Flags): T {
  if (value instanceof Promise)
    return value.then(
      (v: unknown) => wrap(v, flags),
      (error: unknown) => {
        throw withCode(error);
      },
    ) as T;
  if (!isBuilder(value)) return value;
  return new Proxy(value, {
    get(target, prop) {
      const member = Reflect.get(target, prop, target) as unknown;
      if (typeof member !== 'function' || prop === 'constructor') return member;
      return (...args: unknown[]) => {
        const f = flagsOf(args.at(-1), flags);
        return within(f, () => wrap(Reflect.apply(member, target, args) as unknown, f));
      };
    },
  }) as T;
}

type Items = typeof callerClient.items;

/** A top-level method whose options are argument `optionsAt`. */
function method<K extends keyof Items>(name: K, optionsAt: number): Items[K] {
  return ((...args: unknown[]) => {
    const f = flagsOf(args[optionsAt], NONE);
    // safe-lookup: name is one of the literal method names below, never a request key
    return within(f, () => wrap((callerClient.items[name] as (...a: unknown[]) => unknown)(...args), f));
  }) as Items[K];
}

export const query = method('query', 1);
export const get = method('get', 2);
export const insert = method('insert', 2);
export const update = method('update', 2);
export const save = method('save', 2);
export const remove = method('remove', 2);
export const truncate = method('truncate', 1);
export const bulkInsert = method('bulkInsert', 2);
export const bulkUpdate = method('bulkUpdate', 2);
export const bulkSave = method('bulkSave', 2);
export const bulkRemove = method('bulkRemove', 2);
export const aggregate = method('aggregate', 1);
export const patch = method('patch', 2);
export const bulkPatch = method('bulkPatch', 2);
export const isReferenced = method('isReferenced', 4);
export const insertReference = method('insertReference', 4);
export const removeReference = method('removeReference', 4);
export const replaceReferences = method('replaceReferences', 4);
export const queryReferenced = method('queryReferenced', 3);
export const filter = method('filter', 0);

export default {
  query,
  get,
  insert,
  update,
  save,
  remove,
  truncate,
  bulkInsert,
  bulkUpdate,
  bulkSave,
  bulkRemove,
  aggregate,
  patch,
  bulkPatch,
  isReferenced,
  insertReference,
  removeReference,
  replaceReferences,
  queryReferenced,
  filter,
};

/** Velo's `WixDataOptions` on top of the SDK's option types (the SDK dropped `suppressAuth`; Velo keeps it). */
interface VeloDataOptions {
  /** Run the call with the site's admin rights, bypassing the collection's permissions (backend only). */
  suppressAuth?: boolean;
  /** Skip the collection's data hooks for this call. */
  suppressHooks?: boolean;
}

declare module '@wix/wix-data-items-common/dist/types/api/types.js' {
  /* eslint-disable @typescript-eslint/no-empty-object-type */
  interface BaseOptions extends VeloDataOptions {}
  interface WixDataRemoveOptions extends VeloDataOptions {}
  interface WixDataIsReferencedOptions extends VeloDataOptions {}
  interface WixDataCountOptions extends VeloDataOptions {}
  interface WixDataGetOptions extends VeloDataOptions {}
  interface WixDataSaveOptions extends VeloDataOptions {}
  interface WixDataInsertOptions extends VeloDataOptions {}
  interface WixDataUpdateOptions extends VeloDataOptions {}
  interface WixDataBulkUpdateOptions extends VeloDataOptions {}
  interface WixDataBulkInsertOptions extends VeloDataOptions {}
  interface WixDataBulkSaveOptions extends VeloDataOptions {}
  interface WixDataBulkRemoveOptions extends VeloDataOptions {}
  interface WixDataAggregateOptions extends VeloDataOptions {}
  interface WixDataDistinctOptions extends VeloDataOptions {}
  interface WixDataQueryOptions extends VeloDataOptions {}
  /* eslint-enable @typescript-eslint/no-empty-object-type */
}

declare module '@wix/wix-data-items-common/dist/types/api/WixDataPatch.js' {
  /* eslint-disable @typescript-eslint/no-empty-object-type */
  interface WixDataPatchOptions extends VeloDataOptions {}
  interface WixDataBulkPatchOptions extends VeloDataOptions {}
  /* eslint-enable @typescript-eslint/no-empty-object-type */
}
