import { HookQuery } from './hook-query.ts';
import { encodeDates } from './wire-dates.ts';

type Filter = Record<string, unknown>;

/** What a distinct operation runs with, as the items service takes it. */
export interface DistinctInput {
  fieldName?: string | undefined;
  filter?: unknown;
  order?: 'ASC' | 'DESC' | undefined;
  limit?: number | undefined;
  offset?: number | undefined;
  returnTotalCount?: boolean | undefined;
  cursorPaging?: { limit?: number | undefined; cursor?: string | undefined } | undefined;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The WixDataDistinct a `beforeDistinct` hook receives and returns, with the documented methods: `filter(filter)`
 * and `getFilter()`, `ascending()` / `descending()` and `isAscending()` / `isDescending()`, `limit(n)` / `skip(n)`.
 * Each returns a new object; what the hook returns becomes the distinct operation's filter, order and paging.
 */
export class HookDistinct {
  private constructor(
    readonly collectionName: string,
    readonly fieldName: string | undefined,
    private readonly filterValue: Filter | undefined,
    private readonly order: 'ASC' | 'DESC',
    private readonly limitNumber: number | undefined,
    private readonly skipNumber: number | undefined,
  ) {}

  static from(collectionName: string, input: DistinctInput): HookDistinct {
    const filter = isRecord(input.filter) && Object.keys(input.filter).length ? input.filter : undefined;
    return new HookDistinct(collectionName, input.fieldName, filter, input.order ?? 'ASC', input.limit ?? input.cursorPaging?.limit, input.offset);
  }

  /** The operation's input with this distinct query's filter, order and paging (a cursor page keeps its cursor's). */
  toInput(original: DistinctInput): DistinctInput {
    if (original.cursorPaging?.cursor) return original;
    const input: DistinctInput = { ...original, filter: this.filterValue ?? {}, order: this.order };
    if (original.cursorPaging) input.cursorPaging = { ...original.cursorPaging, limit: this.limitNumber };
    else {
      input.limit = this.limitNumber;
      input.offset = this.skipNumber;
    }
    return input;
  }

  /**
   * Sets the filter: a filter from `wixData.filter()` (its `filterTree`), the query `getFilter()` returned, or
   * anything else with a JSON filter tree. Another value is refused, as the hook's mistake (it fails the operation).
   */
  filter(filter: unknown): HookDistinct {
    const tree = isRecord(filter) || filter instanceof HookQuery ? (filter as { filterTree?: unknown }).filterTree : undefined;
    if (!isRecord(tree)) throw new TypeError('filter() takes a WixDataFilter (wixData.filter()).');
    const value = encodeDates(tree) as Filter;
    return new HookDistinct(this.collectionName, this.fieldName, Object.keys(value).length ? value : undefined, this.order, this.limitNumber, this.skipNumber);
  }

  /** The current filter, as a filter the hook can refine (`.ge('age', 18)`) and pass back to `filter()`. */
  getFilter(): HookQuery {
    return HookQuery.from(this.collectionName, { filter: this.filterValue ?? {} });
  }

  ascending(): HookDistinct {
    return new HookDistinct(this.collectionName, this.fieldName, this.filterValue, 'ASC', this.limitNumber, this.skipNumber);
  }
  descending(): HookDistinct {
    return new HookDistinct(this.collectionName, this.fieldName, this.filterValue, 'DESC', this.limitNumber, this.skipNumber);
  }
  isAscending(): boolean {
    return this.order === 'ASC';
  }
  isDescending(): boolean {
    return this.order === 'DESC';
  }
  limit(n: number): HookDistinct {
    if (!Number.isInteger(n) || n < 0) throw new TypeError('limit() takes a non-negative integer.');
    return new HookDistinct(this.collectionName, this.fieldName, this.filterValue, this.order, n, this.skipNumber);
  }
  skip(n: number): HookDistinct {
    if (!Number.isInteger(n) || n < 0) throw new TypeError('skip() takes a non-negative integer.');
    return new HookDistinct(this.collectionName, this.fieldName, this.filterValue, this.order, this.limitNumber, n);
  }
}
