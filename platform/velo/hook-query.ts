import type { QueryInput, SortSpec } from '../data/items.ts';

type Filter = Record<string, unknown>;

const MAX_CONDITIONS = 100;

/**
 * The query a `beforeQuery` / `beforeCount` hook receives and returns: the WixDataQuery refinements a hook uses
 * (filters, sort, paging), each returning a new query, as the Velo query builder does. Its filter, sort and paging
 * become the operation's.
 */
export class HookQuery {
  private constructor(
    readonly collectionName: string,
    private readonly filter: Filter | undefined,
    private readonly sort: readonly SortSpec[],
    private readonly limitNumber: number | undefined,
    private readonly skipNumber: number | undefined,
    private readonly conditions: number,
  ) {}

  static from(collectionName: string, input: QueryInput): HookQuery {
    const filter = typeof input.filter === 'object' && input.filter !== null && Object.keys(input.filter).length ? (input.filter as Filter) : undefined;
    return new HookQuery(collectionName, filter, input.sort ?? [], input.paging?.limit ?? input.cursorPaging?.limit, input.paging?.offset, 0);
  }

  /** The filter as JSON, under the name the SDK's WixDataFilter gives it (a beforeDistinct hook may pass either). */
  get filterTree(): Filter {
    return this.filter ?? {};
  }

  /** The operation's input with this query's filter, sort and paging. */
  toInput(original: QueryInput): QueryInput {
    const input: QueryInput = { ...original, filter: this.filter ?? {}, sort: [...this.sort] };
    if (original.cursorPaging && !original.cursorPaging.cursor) input.cursorPaging = { ...original.cursorPaging, limit: this.limitNumber };
    else if (!original.cursorPaging) input.paging = { limit: this.limitNumber, offset: this.skipNumber };
    return input;
  }

  private with(condition: Filter): HookQuery {
    if (this.conditions >= MAX_CONDITIONS) throw new RangeError(`A query may add at most ${MAX_CONDITIONS} conditions in a hook.`);
    const filter = this.filter ? { $and: [this.filter, condition] } : condition;
    return new HookQuery(this.collectionName, filter, this.sort, this.limitNumber, this.skipNumber, this.conditions + 1);
  }

  private op(field: string, op: string, value: unknown): HookQuery {
    if (typeof field !== 'string' || !field) throw new TypeError('The field name must be a non-empty string.');
    return this.with(Object.defineProperty({}, field, { value: { [op]: value instanceof Date ? { $date: value.toISOString() } : value }, enumerable: true }));
  }

  eq(field: string, value: unknown) {
    return this.op(field, '$eq', value);
  }
  ne(field: string, value: unknown) {
    return this.op(field, '$ne', value);
  }
  gt(field: string, value: unknown) {
    return this.op(field, '$gt', value);
  }
  ge(field: string, value: unknown) {
    return this.op(field, '$gte', value);
  }
  lt(field: string, value: unknown) {
    return this.op(field, '$lt', value);
  }
  le(field: string, value: unknown) {
    return this.op(field, '$lte', value);
  }
  between(field: string, from: unknown, to: unknown) {
    return this.ge(field, from).lt(field, to);
  }
  contains(field: string, value: string) {
    return this.op(field, '$contains', value);
  }
  startsWith(field: string, value: string) {
    return this.op(field, '$startsWith', value);
  }
  endsWith(field: string, value: string) {
    return this.op(field, '$endsWith', value);
  }
  hasSome(field: string, ...values: unknown[]) {
    return this.op(field, '$hasSome', values.flat());
  }
  hasAll(field: string, ...values: unknown[]) {
    return this.op(field, '$hasAll', values.flat());
  }
  isEmpty(field: string) {
    return this.op(field, '$exists', false);
  }
  isNotEmpty(field: string) {
    return this.op(field, '$exists', true);
  }
  ascending(...fields: string[]) {
    return new HookQuery(
      this.collectionName,
      this.filter,
      [...this.sort, ...fields.flat().map((fieldName) => ({ fieldName, order: 'ASC' as const }))],
      this.limitNumber,
      this.skipNumber,
      this.conditions,
    );
  }
  descending(...fields: string[]) {
    return new HookQuery(
      this.collectionName,
      this.filter,
      [...this.sort, ...fields.flat().map((fieldName) => ({ fieldName, order: 'DESC' as const }))],
      this.limitNumber,
      this.skipNumber,
      this.conditions,
    );
  }
  limit(n: number) {
    return new HookQuery(this.collectionName, this.filter, this.sort, n, this.skipNumber, this.conditions);
  }
  skip(n: number) {
    return new HookQuery(this.collectionName, this.filter, this.sort, this.limitNumber, n, this.conditions);
  }
}
