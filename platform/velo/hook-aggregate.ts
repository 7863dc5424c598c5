import type { AggregateInput } from '../data/aggregate.ts';
import type { SortSpec } from '../data/items.ts';
import { HookQuery } from './hook-query.ts';
import { encodeDates } from './wire-dates.ts';

type Filter = Record<string, unknown>;
type Operation = Record<string, unknown>;

const MAX_OPERATIONS = 100;
const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A WixDataFilter (wixData.filter(), a getFilter() answer) as JSON; anything else is the hook's mistake. */
function treeOf(filter: unknown, method: string): Filter | undefined {
  const tree = isRecord(filter) || filter instanceof HookQuery ? (filter as { filterTree?: unknown }).filterTree : undefined;
  if (!isRecord(tree)) throw new TypeError(`${method}() takes a WixDataFilter (wixData.filter()).`);
  const value = encodeDates(tree) as Filter;
  return Object.keys(value).length ? value : undefined;
}

const and = (a: Filter | undefined, b: Filter | undefined): Filter | undefined => (a && b ? { $and: [a, b] } : (a ?? b));

function fieldName(field: unknown, method: string): string {
  if (typeof field !== 'string' || !field) throw new TypeError(`${method}() takes a field name.`);
  return field;
}

/**
 * The WixDataAggregate a `beforeAggregate` hook receives and returns, with its documented refinements: `filter`
 * and `having` (each ANDed onto the one before), `group(...fields)`, `avg` / `count` / `max` / `min` / `sum` (the
 * result named `<field>Avg`, `count`, … unless the hook names it), `ascending` / `descending` and `limit` / `skip`.
 * What the hook returns is the aggregation that runs.
 */
export class HookAggregate {
  private constructor(
    readonly collectionName: string,
    private readonly state: {
      initialFilter: Filter | undefined;
      finalFilter: Filter | undefined;
      groupingFields: readonly string[];
      operations: readonly Operation[];
      sort: readonly SortSpec[];
      limit: number | undefined;
      offset: number | undefined;
    },
  ) {}

  static from(collectionName: string, input: AggregateInput): HookAggregate {
    const filter = (f: unknown) => (isRecord(f) && Object.keys(f).length ? f : undefined);
    return new HookAggregate(collectionName, {
      initialFilter: filter(input.initialFilter),
      finalFilter: filter(input.finalFilter),
      groupingFields: input.aggregation?.groupingFields ?? [],
      operations: (input.aggregation?.operations ?? []).filter(isRecord),
      sort: input.sort ?? [],
      limit: input.paging?.limit ?? input.cursorPaging?.limit,
      offset: input.paging?.offset,
    });
  }

  /** The operation's input as this aggregation defines it (a cursor page keeps what its cursor carries). */
  toInput(original: AggregateInput): AggregateInput {
    if (original.cursorPaging?.cursor) return original;
    const s = this.state;
    const input: AggregateInput = {
      ...original,
      initialFilter: s.initialFilter,
      finalFilter: s.finalFilter,
      aggregation: { groupingFields: [...s.groupingFields], operations: [...s.operations] },
      sort: [...s.sort],
    };
    if (original.cursorPaging) input.cursorPaging = { ...original.cursorPaging, limit: s.limit };
    else input.paging = { limit: s.limit, offset: s.offset };
    return input;
  }

  private with(change: Partial<HookAggregate['state']>): HookAggregate {
    return new HookAggregate(this.collectionName, { ...this.state, ...change });
  }

  private operation(kind: string, field: string | undefined, name: string): HookAggregate {
    if (this.state.operations.length >= MAX_OPERATIONS) throw new RangeError(`An aggregation may hold at most ${MAX_OPERATIONS} operations.`);
    if (typeof name !== 'string' || !name) throw new TypeError('The result name must be a non-empty string.');
    const op: Operation = Object.create(null) as Operation;
    op['resultFieldName'] = name;
    // safe-lookup: kind is one of the literal operation kinds below, never a request key
    op[kind] = field === undefined ? {} : { itemFieldName: field };
    return this.with({ operations: [...this.state.operations, { ...op }] });
  }

  filter(filter: unknown): HookAggregate {
    return this.with({ initialFilter: and(this.state.initialFilter, treeOf(filter, 'filter')) });
  }
  having(filter: unknown): HookAggregate {
    return this.with({ finalFilter: and(this.state.finalFilter, treeOf(filter, 'having')) });
  }
  group(...fields: unknown[]): HookAggregate {
    return this.with({ groupingFields: fields.flat().map((f) => fieldName(f, 'group')) });
  }
  avg(field: string, projectedName?: string): HookAggregate {
    return this.operation('average', fieldName(field, 'avg'), projectedName ?? `${field}Avg`);
  }
  max(field: string, projectedName?: string): HookAggregate {
    return this.operation('max', fieldName(field, 'max'), projectedName ?? `${field}Max`);
  }
  min(field: string, projectedName?: string): HookAggregate {
    return this.operation('min', fieldName(field, 'min'), projectedName ?? `${field}Min`);
  }
  sum(field: string, projectedName?: string): HookAggregate {
    return this.operation('sum', fieldName(field, 'sum'), projectedName ?? `${field}Sum`);
  }
  count(): HookAggregate {
    return this.operation('itemCount', undefined, 'count');
  }
  ascending(...fields: unknown[]): HookAggregate {
    return this.with({ sort: [...this.state.sort, ...fields.flat().map((f) => ({ fieldName: fieldName(f, 'ascending'), order: 'ASC' as const }))] });
  }
  descending(...fields: unknown[]): HookAggregate {
    return this.with({ sort: [...this.state.sort, ...fields.flat().map((f) => ({ fieldName: fieldName(f, 'descending'), order: 'DESC' as const }))] });
  }
  limit(n: number): HookAggregate {
    if (!Number.isInteger(n) || n < 0) throw new TypeError('limit() takes a non-negative integer.');
    return this.with({ limit: n });
  }
  skip(n: number): HookAggregate {
    if (!Number.isInteger(n) || n < 0) throw new TypeError('skip() takes a non-negative integer.');
    return this.with({ offset: n });
  }
}
