import { WixApiError, type FieldViolation } from '../errors.ts';
import { applyModifications, checkModifications } from '../data/patch.ts';
import type { ItemsService, QueryInput, WireItem } from '../data/items.ts';
import { MAX_BULK_PATCH_ITEMS } from '../data/limits.ts';
import type { Caller } from '../identity/callers.ts';
import { veloCalls, type VeloCallContext, type VeloRuntimeServices } from './context.ts';
import type { AggregateInput } from '../data/aggregate.ts';
import { HookAggregate } from './hook-aggregate.ts';
import { HookDistinct } from './hook-distinct.ts';
import { HookQuery } from './hook-query.ts';
import { decodeDates, encodeDates } from './wire-dates.ts';

/** The hooks Wix runs from a site's `backend/data.js`, as `<Collection>_<hook>` exports. */
export const HOOK_NAMES = [
  'beforeInsert',
  'afterInsert',
  'beforeUpdate',
  'afterUpdate',
  'beforeRemove',
  'afterRemove',
  'beforeGet',
  'afterGet',
  'beforeQuery',
  'afterQuery',
  'beforeCount',
  'afterCount',
  'beforeDistinct',
  'afterDistinct',
  'beforeAggregate',
  'afterAggregate',
  'onFailure',
] as const;
export type HookName = (typeof HOOK_NAMES)[number];

/** Wix's documented hook context: the collection, and who triggered the operation. */
export interface HookContext {
  collectionName: string;
  userId: string | null;
  userRole: 'siteOwner' | 'siteMember' | 'visitor';
  /** beforeUpdate / afterUpdate: the item as stored before the update. */
  currentItem?: Record<string, unknown>;
}

/** Where the hooks come from and how they run; the Velo runtime attaches it (registerVeloRoutes). */
export interface HookSource {
  /** The module namespace of data.js / data.ts, or undefined when the backend has none. */
  load(): Promise<Record<string, unknown> | undefined>;
  runtime: VeloRuntimeServices;
  /** Runs `body` so that the hook's own Wix API calls reach this platform. */
  withinPlatform<T>(body: () => T): T;
  /** Wall time one hook may take before the operation fails. */
  timeoutMs: number;
}

type Hook = (value: unknown, context: HookContext) => unknown;
type Inner = ItemsService;

const ROLE: Record<Caller['kind'], HookContext['userRole']> = {
  owner: 'siteOwner',
  member: 'siteMember',
  visitor: 'visitor',
  // Server-to-server callers (API keys, apps) act with the site's admin rights.
  apiKey: 'siteOwner',
  app: 'siteOwner',
};

/** A hook that throws, rejects or runs out of time fails the operation with Wix's hook error, WDE0078. */
export function hookError(hook: string, collectionId: string, reason: unknown): WixApiError {
  const isError = reason instanceof Error;
  const message = isError ? reason.message : typeof reason === 'string' ? reason : `The ${hook} hook of ${collectionId} rejected.`;
  // The shape @wix/wix-data-items-common's parseHookError reads back into the Error the hook threw.
  const code = isError ? (reason as Error & { code?: unknown }).code : undefined;
  const data: Record<string, unknown> = isError
    ? { jsErrorValue: { name: reason.name, message: reason.message, ...(typeof code === 'string' ? { code } : {}) } }
    : { value: jsonSafe(reason) };
  return new WixApiError(400, String(message).slice(0, 1000), { code: 'WDE0078', data });
}

function jsonSafe(value: unknown): unknown {
  try {
    return JSON.parse(JSON.stringify(value ?? null)) as unknown;
  } catch {
    return String(value);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The items service as a site with a `data.js` sees it: every read and write runs its collection's hooks around
 * the stored operation, whoever calls (REST, the SDK, `wix-data`, bulk routes). Wraps the ItemsService without
 * changing it; `suppressHooks` from backend code skips them. Hooks run as backend code: inside a Velo call whose
 * caller is whoever triggered the operation, so a hook's own `wix-data` calls run as that caller.
 */
export class HookedItemsService {
  private source: HookSource | undefined;
  private hooks: Promise<Map<string, Hook>> | undefined;

  constructor(readonly inner: Inner) {}

  /** The same hooks (one table, loaded once) around another items service: a read replica's (data/read-replica.ts). */
  over(inner: Inner): HookedItemsService {
    const view = new HookedItemsService(inner);
    view.table = () => this.table();
    return view;
  }

  /** Called by the Velo runtime once it knows the backend folder. */
  attach(source: HookSource): void {
    this.source = source;
    this.hooks = undefined;
  }

  private async table(): Promise<Map<string, Hook>> {
    if (!this.source) return new Map();
    this.hooks ??= this.source.load().then(
      (mod) => {
        const found = new Map<string, Hook>();
        if (!mod) return found;
        for (const key of Object.keys(mod)) {
          // safe-lookup: key comes from Object.keys of the module namespace (null prototype), not from a request
          const value = mod[key];
          if (typeof value === 'function') found.set(key, value as Hook);
        }
        return found;
      },
      (error: unknown) => {
        this.hooks = undefined;
        throw new WixApiError(500, `backend/data.js failed to load: ${(error as Error)?.message ?? String(error)}`.slice(0, 500), { code: 'WDE0078' });
      },
    );
    return this.hooks;
  }

  private suppressed(): boolean {
    return veloCalls.getStore()?.suppressHooks === true;
  }

  private async find(collectionId: string, name: HookName): Promise<Hook | undefined> {
    if (!this.source || this.suppressed()) return undefined;
    return (await this.table()).get(`${collectionId}_${name}`);
  }

  private context(caller: Caller, collectionId: string): HookContext {
    // From backend code, the hook sees the caller that triggered the web method, also under suppressAuth.
    const who = veloCalls.getStore()?.caller ?? caller;
    return { collectionName: collectionId, userId: who.kind === 'visitor' ? null : who.id, userRole: ROLE[who.kind] };
  }

  /** Runs one hook as backend code, within the time limit; its failure is the operation's failure (WDE0078). */
  private async run(hook: Hook, name: HookName, collectionId: string, value: unknown, context: HookContext, caller: Caller): Promise<unknown> {
    const source = this.source!;
    const outer = veloCalls.getStore();
    const call: VeloCallContext = outer
      ? { ...outer, functionName: `/backend/data.js/${collectionId}_${name}` }
      : { caller, elevated: false, functionName: `/backend/data.js/${collectionId}_${name}`, runtime: source.runtime };
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`The ${name} hook of ${collectionId} did not finish within ${source.timeoutMs / 1000} s.`)), source.timeoutMs);
    });
    try {
      return await Promise.race([source.withinPlatform(() => veloCalls.run(call, async () => hook(value, context))), timeout]);
    } catch (error) {
      throw hookError(name, collectionId, error);
    } finally {
      clearTimeout(timer);
    }
  }

  /** Runs `op`; on failure, the collection's onFailure hook sees the error (its answer is ignored) and the error stands. */
  private async guarded<T>(caller: Caller, collectionId: string, op: () => Promise<T>): Promise<T> {
    try {
      return await op();
    } catch (error) {
      const onFailure = await this.find(collectionId, 'onFailure').catch(() => undefined);
      if (onFailure) {
        const failure = Object.assign(new Error((error as Error)?.message ?? String(error)), { code: (error as WixApiError)?.code });
        await this.run(onFailure, 'onFailure', collectionId, failure, this.context(caller, collectionId), caller).catch(() => undefined);
      }
      throw error;
    }
  }

  /** A before-hook on an item: its answer replaces the item when it is an object (another type is ignored, as documented). */
  private async beforeItem(caller: Caller, collectionId: string, name: 'beforeInsert' | 'beforeUpdate', raw: unknown, extra?: Partial<HookContext>) {
    const hook = await this.find(collectionId, name);
    if (!hook || !isRecord(raw)) return raw;
    const answer = await this.run(hook, name, collectionId, decodeDates(raw), { ...this.context(caller, collectionId), ...extra }, caller);
    return isRecord(answer) ? encodeDates(answer) : raw;
  }

  /** An after-hook on a stored item: its answer becomes the result when it is an object. */
  private async afterItem(caller: Caller, collectionId: string, name: HookName, item: WireItem, extra?: Partial<HookContext>): Promise<WireItem> {
    const hook = await this.find(collectionId, name);
    if (!hook) return item;
    const answer = await this.run(hook, name, collectionId, decodeDates(item.data), { ...this.context(caller, collectionId), ...extra }, caller);
    return isRecord(answer) ? { ...item, data: encodeDates(answer) as Record<string, unknown> } : item;
  }

  /** The stored item, read as the site (for the update hooks' `currentItem` and save's choice of hooks). */
  private stored(caller: Caller, collectionId: string, id: unknown): WireItem | undefined {
    if (typeof id !== 'string' || !id) return undefined;
    try {
      return this.inner.get({ kind: 'owner', id: 'data-hooks', ...(caller.siteId ? { siteId: caller.siteId } : {}) }, collectionId, id);
    } catch {
      return undefined;
    }
  }

  private async queryHook(caller: Caller, collectionId: string, name: 'beforeQuery' | 'beforeCount', input: QueryInput): Promise<QueryInput> {
    const hook = await this.find(collectionId, name);
    if (!hook) return input;
    const answer = await this.run(hook, name, collectionId, HookQuery.from(collectionId, input), this.context(caller, collectionId), caller);
    return answer instanceof HookQuery ? answer.toInput(input) : input;
  }

  /** Whether a query on this collection runs no hook (beforeQuery, afterQuery, onFailure): the data routes may then answer it from the stored text (ItemsService.queryJson). */
  async queriesWithoutHooks(collectionId: string): Promise<boolean> {
    for (const name of ['beforeQuery', 'afterQuery', 'onFailure'] as const) if (await this.find(collectionId, name)) return false;
    return true;
  }

  async query(caller: Caller, collectionId: string, input: QueryInput, returnTotalCount: boolean) {
    return this.guarded(caller, collectionId, async () => {
      const effective = await this.queryHook(caller, collectionId, 'beforeQuery', input);
      const result = this.inner.query(caller, collectionId, effective, returnTotalCount);
      const after = await this.find(collectionId, 'afterQuery');
      if (!after) return result;
      const context = this.context(caller, collectionId);
      const dataItems: WireItem[] = [];
      for (const item of result.dataItems) {
        const answer = await this.run(after, 'afterQuery', collectionId, decodeDates(item.data), context, caller);
        dataItems.push(isRecord(answer) ? { ...item, data: encodeDates(answer) as Record<string, unknown> } : item);
      }
      return { ...result, dataItems };
    });
  }

  async count(caller: Caller, collectionId: string, filter: unknown): Promise<number> {
    return this.guarded(caller, collectionId, async () => {
      const effective = await this.queryHook(caller, collectionId, 'beforeCount', { filter });
      const total = this.inner.count(caller, collectionId, effective.filter);
      const after = await this.find(collectionId, 'afterCount');
      if (!after) return total;
      const answer = await this.run(after, 'afterCount', collectionId, total, this.context(caller, collectionId), caller);
      return typeof answer === 'number' && Number.isFinite(answer) ? answer : total;
    });
  }

  async get(caller: Caller, collectionId: string, itemId: string, fields?: string[]): Promise<WireItem> {
    return this.guarded(caller, collectionId, async () => {
      const before = await this.find(collectionId, 'beforeGet');
      let id = itemId;
      if (before) {
        const answer = await this.run(before, 'beforeGet', collectionId, itemId, this.context(caller, collectionId), caller);
        if (typeof answer === 'string' && answer) id = answer;
      }
      return this.afterItem(caller, collectionId, 'afterGet', this.inner.get(caller, collectionId, id, fields));
    });
  }

  async insert(caller: Caller, collectionId: string, raw: unknown): Promise<WireItem> {
    return this.guarded(caller, collectionId, async () => {
      const item = await this.beforeItem(caller, collectionId, 'beforeInsert', raw);
      return this.afterItem(caller, collectionId, 'afterInsert', this.inner.insert(caller, collectionId, item));
    });
  }

  async update(caller: Caller, collectionId: string, raw: unknown, condition?: unknown): Promise<WireItem> {
    return this.guarded(caller, collectionId, async () => {
      const current = (await this.hasAny(collectionId, ['beforeUpdate', 'afterUpdate']))
        ? this.stored(caller, collectionId, isRecord(raw) ? raw['_id'] : undefined)
        : undefined;
      const extra = current ? { currentItem: decodeDates(current.data) as Record<string, unknown> } : {};
      const item = await this.beforeItem(caller, collectionId, 'beforeUpdate', raw, extra);
      return this.afterItem(caller, collectionId, 'afterUpdate', this.inner.update(caller, collectionId, item, condition), extra);
    });
  }

  /** save runs the insert hooks for a new item and the update hooks for an existing one, as Wix documents. */
  async save(caller: Caller, collectionId: string, raw: unknown) {
    return this.guarded(caller, collectionId, async () => {
      const current = (await this.hasAny(collectionId, ['beforeInsert', 'afterInsert', 'beforeUpdate', 'afterUpdate']))
        ? this.stored(caller, collectionId, isRecord(raw) ? raw['_id'] : undefined)
        : undefined;
      const extra = current ? { currentItem: decodeDates(current.data) as Record<string, unknown> } : {};
      const item = await this.beforeItem(caller, collectionId, current ? 'beforeUpdate' : 'beforeInsert', raw, extra);
      const result = this.inner.save(caller, collectionId, item);
      const dataItem = await this.afterItem(caller, collectionId, result.action === 'UPDATED' ? 'afterUpdate' : 'afterInsert', result.dataItem, extra);
      return { ...result, dataItem };
    });
  }

  async remove(caller: Caller, collectionId: string, itemId: string, condition?: unknown): Promise<WireItem> {
    return this.guarded(caller, collectionId, async () => {
      const before = await this.find(collectionId, 'beforeRemove');
      let id = itemId;
      if (before) {
        const answer = await this.run(before, 'beforeRemove', collectionId, itemId, this.context(caller, collectionId), caller);
        if (typeof answer === 'string' && answer) id = answer;
      }
      return this.afterItem(caller, collectionId, 'afterRemove', this.inner.remove(caller, collectionId, id, condition));
    });
  }

  /** truncate runs no item hooks (Wix documents none for it). */
  async truncate(caller: Caller, collectionId: string): Promise<void> {
    return this.guarded(caller, collectionId, async () => this.inner.truncate(caller, collectionId));
  }

  /**
   * distinct runs beforeDistinct (a WixDataDistinct the hook may refine: filter, order, limit, skip) and afterDistinct
   * for each distinct value, as the Velo docs list them. An afterDistinct answer of undefined keeps the value.
   */
  async distinct(caller: Caller, collectionId: string, input: Parameters<Inner['distinct']>[2]) {
    return this.guarded(caller, collectionId, async () => {
      const before = await this.find(collectionId, 'beforeDistinct');
      let effective = input;
      // A cursor page carries the query its first page ran (the hook ran then).
      if (before && !input.cursorPaging?.cursor) {
        const answer = await this.run(
          before,
          'beforeDistinct',
          collectionId,
          HookDistinct.from(collectionId, input),
          this.context(caller, collectionId),
          caller,
        );
        if (answer instanceof HookDistinct) effective = answer.toInput(input);
      }
      const result = this.inner.distinct(caller, collectionId, effective);
      const after = await this.find(collectionId, 'afterDistinct');
      if (!after) return result;
      const context = this.context(caller, collectionId);
      const distinctValues: unknown[] = [];
      for (const value of result.distinctValues) {
        const answer = await this.run(after, 'afterDistinct', collectionId, decodeDates(value), context, caller);
        distinctValues.push(answer === undefined ? value : encodeDates(answer));
      }
      return { ...result, distinctValues };
    });
  }

  /**
   * Aggregate (the Data Items aggregate route, which wix-data's aggregate() sends) runs beforeAggregate, with a
   * WixDataAggregate the hook may refine, and afterAggregate for each result item, as the Velo hooks reference
   * lists them. `run` is the aggregation itself (data/aggregate.ts), called once with the effective input.
   */
  async aggregate<R extends { results: unknown[] }>(
    caller: Caller,
    collectionId: string,
    input: AggregateInput,
    run: (input: AggregateInput) => R,
  ): Promise<R> {
    return this.guarded(caller, collectionId, async () => {
      const before = await this.find(collectionId, 'beforeAggregate');
      let effective = input;
      if (before && !input.cursorPaging?.cursor) {
        const answer = await this.run(
          before,
          'beforeAggregate',
          collectionId,
          HookAggregate.from(collectionId, input),
          this.context(caller, collectionId),
          caller,
        );
        if (answer instanceof HookAggregate) effective = answer.toInput(input);
      }
      const result = run(effective);
      const after = await this.find(collectionId, 'afterAggregate');
      if (!after) return result;
      const context = this.context(caller, collectionId);
      const results: unknown[] = [];
      for (const item of result.results) {
        const answer = await this.run(after, 'afterAggregate', collectionId, decodeDates(item), context, caller);
        results.push(isRecord(answer) ? encodeDates(answer) : item);
      }
      return { ...result, results };
    });
  }

  /**
   * Bulk writes run the item hooks for every item: the before-hooks first (one that fails refuses the whole
   * request, nothing written), then the write, then the after-hooks on each stored item.
   */
  async bulkWrite(caller: Caller, collectionId: string, mode: 'insert' | 'save' | 'update', rawItems: unknown[]) {
    return this.guarded(caller, collectionId, async () => {
      if (!(await this.hasAny(collectionId, ['beforeInsert', 'afterInsert', 'beforeUpdate', 'afterUpdate']))) {
        return this.inner.bulkWrite(caller, collectionId, mode, rawItems);
      }
      const currents = rawItems.map((raw) => (mode === 'insert' ? undefined : this.stored(caller, collectionId, isRecord(raw) ? raw['_id'] : undefined)));
      const prepared: unknown[] = [];
      for (const [i, raw] of rawItems.entries()) {
        const current = currents[i];
        const extra = current ? { currentItem: decodeDates(current.data) as Record<string, unknown> } : {};
        const updating = mode === 'update' || (mode === 'save' && current !== undefined);
        prepared.push(await this.beforeItem(caller, collectionId, updating ? 'beforeUpdate' : 'beforeInsert', raw, extra));
      }
      const result = this.inner.bulkWrite(caller, collectionId, mode, prepared);
      for (const entry of result.results) {
        if (!entry.dataItem || !entry.itemMetadata.success) continue;
        const current = currents[entry.itemMetadata.originalIndex];
        const extra = current ? { currentItem: decodeDates(current.data) as Record<string, unknown> } : {};
        entry.dataItem = await this.afterItem(caller, collectionId, entry.action === 'UPDATE' ? 'afterUpdate' : 'afterInsert', entry.dataItem, extra);
      }
      return result;
    });
  }

  async bulkRemove(caller: Caller, collectionId: string, ids: string[]) {
    return this.guarded(caller, collectionId, async () => {
      const before = await this.find(collectionId, 'beforeRemove');
      const effective: string[] = [];
      for (const id of ids) {
        const answer = before ? await this.run(before, 'beforeRemove', collectionId, id, this.context(caller, collectionId), caller) : undefined;
        effective.push(typeof answer === 'string' && answer ? answer : id);
      }
      const result = this.inner.bulkRemove(caller, collectionId, effective);
      for (const entry of result.results) {
        if (entry.dataItem && entry.itemMetadata.success) entry.dataItem = await this.afterItem(caller, collectionId, 'afterRemove', entry.dataItem);
      }
      return result;
    });
  }

  /**
   * patch() triggers beforeUpdate and afterUpdate, as Wix documents. beforeUpdate sees the item as the patch would
   * leave it (currentItem: as stored); when it returns an item, that item is written as an update (the hook may
   * change any field); otherwise the patch runs as sent, atomically.
   */
  async patch(caller: Caller, collectionId: string, itemId: string, rawMods: Parameters<Inner['patch']>[3], condition?: unknown): Promise<WireItem> {
    return this.guarded(caller, collectionId, async () => {
      if (!(await this.hasAny(collectionId, ['beforeUpdate', 'afterUpdate']))) return this.inner.patch(caller, collectionId, itemId, rawMods, condition);
      const current = this.stored(caller, collectionId, itemId);
      const extra = current ? { currentItem: decodeDates(current.data) as Record<string, unknown> } : {};
      const before = await this.find(collectionId, 'beforeUpdate');
      let result: WireItem | undefined;
      if (before && current) {
        const violations: FieldViolation[] = [];
        const mods = checkModifications(rawMods, 'patch.fieldModifications', violations);
        if (violations.length === 0) {
          const patched = structuredClone(current.data);
          applyModifications(patched, mods);
          const answer = await this.run(
            before,
            'beforeUpdate',
            collectionId,
            decodeDates(patched),
            { ...this.context(caller, collectionId), ...extra },
            caller,
          );
          if (isRecord(answer)) {
            const { _owner: _o, _createdDate: _c, _updatedDate: _u, ...fields } = encodeDates(answer) as Record<string, unknown>;
            result = this.inner.update(caller, collectionId, { ...fields, _id: itemId }, condition);
          }
        }
      }
      result ??= this.inner.patch(caller, collectionId, itemId, rawMods, condition);
      return this.afterItem(caller, collectionId, 'afterUpdate', result, extra);
    });
  }

  /**
   * Bulk patch runs beforeUpdate and afterUpdate for each patched item, as Wix documents. The modifications are
   * checked first (a bad one refuses the request before any hook runs); every beforeUpdate runs before anything is
   * written (one that fails refuses the whole request, nothing written); an item whose beforeUpdate returns an item
   * is written as that item (an update, as for a single patch), the others are patched as sent, in one transaction.
   * afterUpdate then runs on each patched item; `returnEntity` still decides what the caller gets back.
   */
  async bulkPatch(...args: Parameters<Inner['bulkPatch']>) {
    const [caller, collectionId, patches, options = {}] = args;
    return this.guarded(caller, collectionId, async () => {
      if (!(await this.hasAny(collectionId, ['beforeUpdate', 'afterUpdate']))) return this.inner.bulkPatch(...args);
      // The collection, the caller's right to update it, the size limit and every modification, checked as the
      // platform checks them, before any hook runs: a refused request runs no hooks and writes nothing.
      const violations: FieldViolation[] = [];
      patches.forEach((p, i) => checkModifications(p.fieldModifications, `patches[${i}].fieldModifications`, violations));
      if (violations.length > 0 || patches.length > MAX_BULK_PATCH_ITEMS) return this.inner.bulkPatch(...args);
      this.inner.bulkPatch(caller, collectionId, [], options);

      const before = await this.find(collectionId, 'beforeUpdate');
      const currents = patches.map((p) => this.stored(caller, collectionId, p.dataItemId));
      const replacements = new Map<number, Record<string, unknown>>();
      if (before) {
        for (const [index, p] of patches.entries()) {
          const current = currents[index];
          if (!current) continue;
          const patched = structuredClone(current.data);
          applyModifications(patched, checkModifications(p.fieldModifications, `patches[${index}].fieldModifications`, []));
          const context = { ...this.context(caller, collectionId), currentItem: decodeDates(current.data) as Record<string, unknown> };
          const answer = await this.run(before, 'beforeUpdate', collectionId, decodeDates(patched), context, caller);
          if (isRecord(answer)) {
            const { _owner: _o, _createdDate: _c, _updatedDate: _u, ...fields } = encodeDates(answer) as Record<string, unknown>;
            replacements.set(index, { ...fields, _id: p.dataItemId });
          }
        }
      }

      type Result = ReturnType<Inner['bulkPatch']>['results'][number];
      const results: Result[] = [];
      // The items patched as sent: one bulk patch, its indexes mapped back to the caller's.
      const plain = patches.map((p, index) => ({ p, index })).filter(({ index }) => !replacements.has(index));
      if (plain.length > 0) {
        const patched = this.inner.bulkPatch(
          caller,
          collectionId,
          plain.map(({ p }) => p),
          { ...options, returnEntity: true },
        );
        for (const entry of patched.results) {
          results.push({ ...entry, itemMetadata: { ...entry.itemMetadata, originalIndex: plain[entry.itemMetadata.originalIndex]!.index } });
        }
      }
      // The items their beforeUpdate replaced: each written as an update, failing on its own as a bulk item does.
      for (const [index, item] of replacements) {
        try {
          const dataItem = this.inner.update(caller, collectionId, item, options.condition);
          results.push({ action: 'PATCH', itemMetadata: { id: dataItem.id, originalIndex: index, success: true }, dataItem });
        } catch (error) {
          if (!(error instanceof WixApiError) || error.status >= 500) throw error;
          const id = patches[index]!.dataItemId;
          results.push({
            action: 'PATCH',
            itemMetadata: {
              id,
              originalIndex: index,
              success: false,
              error: { code: error.code ?? String(error.status), description: error.message, data: error.data },
            },
          });
        }
      }
      results.sort((a, b) => a.itemMetadata.originalIndex - b.itemMetadata.originalIndex);
      for (const entry of results) {
        if (!entry.dataItem || !entry.itemMetadata.success) continue;
        const current = currents[entry.itemMetadata.originalIndex];
        const extra = current ? { currentItem: decodeDates(current.data) as Record<string, unknown> } : {};
        entry.dataItem = await this.afterItem(caller, collectionId, 'afterUpdate', entry.dataItem, extra);
      }
      if (!options.returnEntity) for (const entry of results) delete entry.dataItem;
      const totalSuccesses = results.filter((r) => r.itemMetadata.success).length;
      return { results, bulkActionMetadata: { totalSuccesses, totalFailures: results.length - totalSuccesses, undetailedFailures: 0 } };
    });
  }

  private async hasAny(collectionId: string, names: HookName[]): Promise<boolean> {
    for (const name of names) if (await this.find(collectionId, name)) return true;
    return false;
  }
}
