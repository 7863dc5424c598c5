import * as v from 'valibot';
import { plainObject, plainRecord } from '../validation.ts';
import { errors, WixApiError } from '../errors.ts';
import type { Caller } from '../identity/callers.ts';
import type { StatementCache } from '../storage/database.ts';
import type { Collection, CollectionStore } from './collections.ts';
import { compileFilter, fieldSegments, jsonPath, sortExpr, systemColumn, type FieldTypes } from './filter.ts';
import { MAX_FIELD_PATH_LENGTH } from './limits.ts';
import {
  DEFAULT_AGGREGATE_LIMIT,
  DEFAULT_PIPELINE_LIMIT,
  MAX_AGGREGATE_LIMIT,
  MAX_AGGREGATE_OPERATIONS,
  MAX_AGGREGATE_SORT_TERMS,
  MAX_EXPRESSION_DEPTH,
  MAX_EXPRESSION_NODES,
  MAX_EXPRESSION_TEXT_LENGTH,
  MAX_GROUP_FIELDS,
  MAX_PIPELINE_LIMIT,
  MAX_PIPELINE_STAGES,
  MAX_PIPELINE_UNWINDS,
  MAX_PROJECTION_ENTRIES,
  MAX_RESULT_PAGE_BYTES,
  MAX_STAGE_COUNT,
} from './query-limits.ts';
import { bind, join, raw, readScope, sql, type Frag } from './query-sql.ts';

/**
 * Aggregate (POST /v2/items/aggregate, the SDK's `items.aggregate(c)...run()`) and the aggregation pipeline
 * (POST /v2/items/aggregate-pipeline, `items.aggregate(c, pipelineBuilder()...build())`), over SQLite.
 *
 * Everything runs in SQL: grouping is a GROUP BY, accumulators are SQLite aggregates, and only the page of
 * results comes back to JavaScript. Field paths go through jsonPath/fieldSegments, every value is bound.
 *
 * A pipeline is a chain of subqueries. Each stage's relation has the same columns, so the filter compiler
 * (filter.ts) works on any stage: `id`, `owner`, `created_at`, `updated_at` (the system fields, read from the
 * document once it has been reshaped), `data` (the document as JSON text, system fields included) and `ord`
 * (the position of the row in the stage's order; stages that keep order carry it, sort renumbers it).
 */

export interface SortSpec {
  fieldName: string;
  order?: 'ASC' | 'DESC' | undefined;
}

const badArgument = (message: string) => errors.badRequest(message, 'WDE0080');
const isPlainObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The one key a oneof object carries (`{sum: {...}}`, `{fieldPath: 'x'}`), read as an own property. */
function oneKey(value: unknown, what: string, allowed: ReadonlySet<string>, extra: ReadonlySet<string> = new Set()): [string, unknown] {
  if (!isPlainObject(value)) throw badArgument(`${what} must be an object.`);
  // Object.entries: own enumerable keys only, each with its own value (nothing inherited is read).
  const keys = Object.entries(value)
    .filter(([k, x]) => !extra.has(k) && x !== undefined && x !== null)
    .map(([k]) => k);
  if (keys.length !== 1 || !allowed.has(keys[0]!)) {
    throw badArgument(`${what} must have exactly one of ${[...allowed].join(', ')}${keys.length ? `; it has ${keys.slice(0, 5).join(', ')}` : ''}.`);
  }
  const key = keys[0]!;
  // safe-lookup: key is one of the allowed names checked just above, and value is checked to have it as an own key
  return [key, value[key]];
}

function checkCount(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0 || value > MAX_STAGE_COUNT) {
    throw badArgument(`${what} must be a whole number from 0 to ${MAX_STAGE_COUNT}.`);
  }
  return value;
}

function checkLimit(limit: number | undefined, fallback: number, max: number): number {
  if (limit === undefined) return fallback;
  if (!Number.isSafeInteger(limit) || limit < 0) throw errors.badRequest("'limit' must be a non-negative integer.", 'WDE0077');
  if (limit > max) throw errors.badRequest(`'limit' cannot exceed ${max}.`, 'WDE0077');
  return limit;
}

/** A result field name: any key up to the field path length (it names a key of the result, never a path). */
function checkResultName(name: unknown, what: string): string {
  if (typeof name !== 'string' || name.length === 0 || name.length > MAX_FIELD_PATH_LENGTH) {
    throw badArgument(`${what} must be a non-empty string of at most ${MAX_FIELD_PATH_LENGTH} characters.`);
  }
  if (name === '_id') throw badArgument(`${what} cannot be "_id": the result's _id holds the group.`);
  return name;
}

function checkSort(sort: readonly SortSpec[] | undefined): readonly SortSpec[] {
  const list = sort ?? [];
  if (list.length > MAX_AGGREGATE_SORT_TERMS) throw badArgument(`'sort' has ${list.length} terms; at most ${MAX_AGGREGATE_SORT_TERMS} are allowed.`);
  for (const s of list) if (s.order !== undefined && s.order !== 'ASC' && s.order !== 'DESC') throw badArgument('Sort order must be ASC or DESC.');
  return list;
}

const NO_TYPES: FieldTypes = new Map();

/** ORDER BY terms over a stage relation, `ord` (the stage's own order) last so the order is total. */
function orderTerms(sort: readonly SortSpec[], types: FieldTypes, ord: string): string {
  return [...sort.map((s) => `${sortExpr(s.fieldName, types)} ${s.order ?? 'ASC'}`), `${ord} ASC`].join(', ');
}

/** Columns of a stage relation whose `data` was rebuilt: the system fields are read back from the document. */
function rewrap(inner: Frag): Frag {
  return sql`SELECT iif(json_type(data, '$._id') = 'text', data ->> '$._id', NULL) AS id,
    iif(json_type(data, '$._owner') = 'text', data ->> '$._owner', NULL) AS owner,
    data ->> '$._createdDate."$date"' AS created_at, data ->> '$._updatedDate."$date"' AS updated_at, data, ord FROM (${inner})`;
}

/** A table-shaped relation's rows as documents: the user data with the system fields set from the columns. */
function materialize(prev: Frag): Frag {
  return sql`SELECT id, owner, created_at, updated_at, ord,
    jsonb_patch(jsonb_set(data, '$._id', id, '$._createdDate', jsonb_object('$date', created_at), '$._updatedDate', jsonb_object('$date', updated_at)),
      jsonb_object('_owner', owner)) AS data FROM (${prev})`;
}

function encodeCursor(state: unknown): string {
  return Buffer.from(JSON.stringify(state)).toString('base64url');
}

function decodeCursor<S extends v.GenericSchema>(schema: S, cursor: string): v.InferOutput<S> {
  let value: unknown;
  try {
    value = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    value = undefined;
  }
  const parsed = v.safeParse(schema, value);
  if (!parsed.success) throw errors.badRequest('The paging cursor is not valid.', 'WDE0080');
  return parsed.output;
}

/** SQLite refuses a value over its length limit with SQLITE_TOOBIG: that is the request's size, a 400. */
function runSql<T>(fn: () => T): T {
  try {
    return fn();
  } catch (error) {
    if (error instanceof WixApiError) throw error;
    const code = (error as { code?: unknown }).code;
    if (code === 'SQLITE_TOOBIG') throw badArgument('The aggregation result is too large; group, filter or limit it further.');
    throw error;
  }
}

/** Reads one page of documents, refusing (not cutting) a page larger than MAX_RESULT_PAGE_BYTES. */
function readPage(statements: StatementCache, query: Frag): Record<string, unknown>[] {
  return runSql(() => {
    let bytes = 0;
    const results: Record<string, unknown>[] = [];
    for (const row of statements.get(query.sql).iterate(...query.params) as Iterable<{ data: string }>) {
      bytes += row.data.length;
      if (bytes > MAX_RESULT_PAGE_BYTES) throw badArgument(`The result page is larger than ${MAX_RESULT_PAGE_BYTES} bytes; ask for fewer results per page.`);
      results.push(JSON.parse(row.data) as Record<string, unknown>);
    }
    return results;
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Aggregate (the builder form)
// ---------------------------------------------------------------------------------------------------------------

export interface AggregateInput {
  initialFilter?: unknown;
  finalFilter?: unknown;
  aggregation?: { groupingFields?: string[] | undefined; operations?: unknown[] | undefined } | undefined;
  sort?: SortSpec[] | undefined;
  paging?: { limit?: number | undefined; offset?: number | undefined } | undefined;
  cursorPaging?: { limit?: number | undefined; cursor?: string | undefined } | undefined;
  returnTotalCount?: boolean | undefined;
}

const AggregateCursor = plainObject({
  initialFilter: v.optional(v.unknown()),
  finalFilter: v.optional(v.unknown()),
  groupingFields: v.array(v.string()),
  operations: v.array(plainRecord(v.string(), v.unknown())),
  sort: v.array(plainObject({ fieldName: v.string(), order: v.optional(v.picklist(['ASC', 'DESC'])) })),
  offset: v.pipe(v.number(), v.safeInteger(), v.minValue(0)),
});

const OPERATION_KINDS: ReadonlySet<string> = new Set(['average', 'min', 'max', 'sum', 'itemCount']);

/** SQL for one field of the `data` JSON: its JSON text, its number (or NULL), its min/max key (see valueKey). */
function documentField(fieldName: string): { json: string; num: string; key: string } {
  const path = jsonPath(fieldName);
  const datePath = `${path.slice(0, -1)}."$date"'`;
  const type = `json_type(data, ${path})`;
  const value = `json_extract(data, ${path})`;
  return {
    json: `(data -> ${path})`,
    num: `iif(${type} IN ('integer', 'real'), ${value}, NULL)`,
    key: `(CASE ${type} WHEN 'integer' THEN ${value} WHEN 'real' THEN ${value} WHEN 'text' THEN 's' || ${value} WHEN 'true' THEN 'v1' WHEN 'false' THEN 'v0'
      WHEN 'object' THEN iif(json_type(data, ${datePath}) = 'text', 'w' || json_extract(data, ${datePath}), NULL) END)`,
  };
}

/** SQL over the collection's own table for one field: system fields are columns there, the rest is in `data`. */
function tableField(fieldName: string): { json: string; num: string; key: string } {
  const system = systemColumn(fieldName);
  if (system) {
    const col = system.column;
    if (col === 'created_at' || col === 'updated_at') return { json: `json_object('$date', ${col})`, num: 'NULL', key: `('w' || ${col})` };
    return { json: `json_quote(${col})`, num: 'NULL', key: `('s' || ${col})` };
  }
  return documentField(fieldName);
}

// ---------------------------------------------------------------------------------------------------------------
// The pipeline
// ---------------------------------------------------------------------------------------------------------------

/** How a stage reads a field: from the table's columns and user data, or from a rebuilt document. */
type FieldReader = (fieldName: string) => { json: string; num: string; key: string };

interface Budget {
  nodes: number;
  unwinds: number;
  /** The field reader of the stage being compiled. */
  fields: FieldReader;
}

const OPERATORS_LIST = new Set(['add', 'multiply', 'sum', 'concat']);
const OPERATORS_PAIR = new Set(['subtract', 'divide', 'mod']);
const OPERATORS_ONE = new Set(['abs', 'floor', 'ceil', 'stringify', 'toLower', 'toUpper', 'length']);
const EXPRESSION_KINDS: ReadonlySet<string> = new Set(['fieldPath', 'text', 'numeric', 'substring', ...OPERATORS_LIST, ...OPERATORS_PAIR, ...OPERATORS_ONE]);
/** Operands of one list operator (SQLite takes at most 127 function arguments). */
const MAX_OPERANDS = 100;

/** An expression as SQL giving the value's JSON text, NULL when it has none (a missing field, a type mismatch). */
function compileExpression(expression: unknown, budget: Budget, depth: number): Frag {
  if (depth > MAX_EXPRESSION_DEPTH) throw badArgument(`An expression is nested more than ${MAX_EXPRESSION_DEPTH} levels deep.`);
  budget.nodes += 1;
  if (budget.nodes > MAX_EXPRESSION_NODES) throw badArgument(`The pipeline's expressions have more than ${MAX_EXPRESSION_NODES} parts.`);
  const [kind, arg] = oneKey(expression, 'An expression', EXPRESSION_KINDS);
  const sub = (e: unknown) => compileExpression(e, budget, depth + 1);
  const call = (operands: Frag[]) => sql`wix_expr(${bind(kind)}, ${join(operands, ', ')})`;
  if (kind === 'fieldPath') {
    if (typeof arg !== 'string') throw badArgument('fieldPath must be a string.');
    return raw(budget.fields(arg).json);
  }
  if (kind === 'text') {
    if (typeof arg !== 'string' || arg.length > MAX_EXPRESSION_TEXT_LENGTH)
      throw badArgument(`text must be a string of at most ${MAX_EXPRESSION_TEXT_LENGTH} characters.`);
    return sql`json_quote(${bind(arg)})`;
  }
  if (kind === 'numeric') {
    if (typeof arg !== 'number' || !Number.isFinite(arg)) throw badArgument('numeric must be a finite number.');
    return sql`json_quote(${bind(arg)})`;
  }
  if (!isPlainObject(arg)) throw badArgument(`${kind} needs an object.`);
  if (OPERATORS_LIST.has(kind)) {
    const list = arg['expressions'];
    if (!Array.isArray(list) || list.length === 0 || list.length > MAX_OPERANDS)
      throw badArgument(`${kind}.expressions must list 1 to ${MAX_OPERANDS} expressions.`);
    return call(list.map(sub));
  }
  if (OPERATORS_PAIR.has(kind)) return call([sub(arg['firstExpression']), sub(arg['secondExpression'])]);
  if (OPERATORS_ONE.has(kind)) return call([sub(arg['expression'])]);
  // substring
  const operands = [sub(arg['expression']), sub(arg['startExpression'])];
  if (arg['lengthExpression'] !== undefined && arg['lengthExpression'] !== null) operands.push(sub(arg['lengthExpression']));
  return call(operands);
}

const ACCUMULATOR_KINDS: ReadonlySet<string> = new Set(['avg', 'min', 'max', 'sum', 'first', 'last', 'push']);

function groupStage(prev: Frag, group: unknown, budget: Budget): Frag {
  if (!isPlainObject(group)) throw badArgument('group must be an object.');
  const ids = group['groupIds'] ?? [];
  const accumulators = group['accumulators'] ?? [];
  if (!Array.isArray(ids) || ids.length > MAX_GROUP_FIELDS) throw badArgument(`group.groupIds must list at most ${MAX_GROUP_FIELDS} group IDs.`);
  if (!Array.isArray(accumulators) || accumulators.length > MAX_AGGREGATE_OPERATIONS) {
    throw badArgument(`group.accumulators must list at most ${MAX_AGGREGATE_OPERATIONS} accumulators.`);
  }
  const names = new Set<string>();
  const keys = ids.map((id: unknown, i) => {
    if (!isPlainObject(id)) throw badArgument(`group.groupIds[${i}] must be an object.`);
    const key = checkResultName(id['key'], `group.groupIds[${i}].key`);
    if (names.has(key)) throw badArgument(`group.groupIds has the key "${key.slice(0, 80)}" twice.`);
    names.add(key);
    return { key, expr: compileExpression(id['expression'], budget, 1) };
  });
  const resultNames = new Set<string>();
  const values = accumulators.map((acc: unknown, i) => {
    const [kind, arg] = oneKey(acc, `group.accumulators[${i}]`, ACCUMULATOR_KINDS, new Set(['resultFieldName']));
    const name = checkResultName((acc as Record<string, unknown>)['resultFieldName'], `group.accumulators[${i}].resultFieldName`);
    if (resultNames.has(name)) throw badArgument(`Two accumulators are named "${name.slice(0, 80)}".`);
    resultNames.add(name);
    if (!isPlainObject(arg)) throw badArgument(`group.accumulators[${i}].${kind} must be an object.`);
    const e = compileExpression(arg['expression'], budget, 1);
    const spec = arg['expression'] as Record<string, unknown>;
    // A plain field or number needs no function call per row: SQLite reads it directly (as aggregate does).
    const field = typeof spec['fieldPath'] === 'string' ? budget.fields(spec['fieldPath']) : undefined;
    const number = typeof spec['numeric'] === 'number' ? bind(spec['numeric']) : undefined;
    const numeric = number ?? (field ? raw(field.num) : sql`wix_num(${e})`);
    let value: Frag;
    switch (kind) {
      case 'sum':
        value = sql`coalesce(sum(${numeric}), 0)`;
        break;
      case 'avg':
        value = sql`avg(${numeric})`;
        break;
      case 'min':
      case 'max':
        value = sql`json(wix_unkey(${kind}(${field ? raw(field.key) : sql`wix_key(${e})`})))`;
        break;
      case 'first':
        value = sql`json(json_group_array(json(${e}) ORDER BY ord) -> '$[0]')`;
        break;
      case 'last':
        value = sql`json(json_group_array(json(${e}) ORDER BY ord) -> '$[#-1]')`;
        break;
      default: // push: missing values are left out, as MongoDB's $push does
        value = sql`json(json_group_array(json(${e}) ORDER BY ord) FILTER (WHERE ${e} IS NOT NULL))`;
    }
    return sql`${bind(name)}, ${value}`;
  });
  const id = keys.length
    ? sql`json_object(${join(
        keys.map((k) => sql`${bind(k.key)}, json(${k.expr})`),
        ', ',
      )})`
    : raw('NULL');
  const doc = sql`json_object('_id', ${id}${values.length ? sql`, ${join(values, ', ')}` : raw('')})`;
  const groupBy = keys.length
    ? sql` GROUP BY ${join(
        keys.map((k) => k.expr),
        ', ',
      )}`
    : // One group of every item (none for no items); without GROUP BY a stage with no accumulator is not an aggregate query.
      raw(' GROUP BY NULL');
  // Groups come out in the order their first item had in the stage's input.
  return rewrap(sql`SELECT ${doc} AS data, row_number() OVER (ORDER BY min(ord)) AS ord FROM (${prev})${groupBy} HAVING count(*) > 0`);
}

interface ProjectionNode {
  value?: Frag;
  children?: Map<string, ProjectionNode>;
}

function projectionTree(fields: unknown, budget: Budget, counter: { n: number }, excludes: string[][], prefix: string[]): Map<string, ProjectionNode> {
  if (!Array.isArray(fields)) throw badArgument('projection.fields must be an array.');
  const tree = new Map<string, ProjectionNode>();
  const place = (segments: string[], node: ProjectionNode) => {
    let level = tree;
    segments.forEach((s, i) => {
      if (i === segments.length - 1) {
        if (level.has(s)) throw badArgument(`The projection names "${segments.join('.').slice(0, 80)}" twice (or inside another projected field).`);
        level.set(s, node);
        return;
      }
      let next = level.get(s);
      if (!next) {
        next = { children: new Map() };
        level.set(s, next);
      }
      if (!next.children) throw badArgument(`The projection names "${segments.join('.').slice(0, 80)}" inside another projected field.`);
      level = next.children;
    });
  };
  for (const field of fields) {
    counter.n += 1;
    if (counter.n > MAX_PROJECTION_ENTRIES) throw badArgument(`A projection has more than ${MAX_PROJECTION_ENTRIES} entries.`);
    const [kind, arg] = oneKey(field, 'A projection field', new Set(['include', 'exclude', 'reshape', 'projectNested']));
    if (!isPlainObject(arg)) throw badArgument(`projection ${kind} must be an object.`);
    if (kind === 'include' || kind === 'exclude') {
      const name = arg['fieldName'];
      if (typeof name !== 'string') throw badArgument(`projection ${kind}.fieldName must be a string.`);
      const segments = fieldSegments(name);
      if (kind === 'exclude') excludes.push([...prefix, ...segments]);
      else place(segments, { value: raw(budget.fields(name).json) });
    } else if (kind === 'reshape') {
      const name = arg['resultFieldName'];
      if (typeof name !== 'string') throw badArgument('projection reshape.resultFieldName must be a string.');
      place(fieldSegments(name), { value: compileExpression(arg['expression'], budget, 1) });
    } else {
      const name = arg['resultFieldName'];
      if (typeof name !== 'string') throw badArgument('projection projectNested.resultFieldName must be a string.');
      const segments = fieldSegments(name);
      place(segments, { children: projectionTree(arg['fields'], budget, counter, excludes, [...prefix, ...segments]) });
    }
  }
  return tree;
}

function treeSql(tree: Map<string, ProjectionNode>): Frag {
  const members = [...tree].map(([key, node]) => sql`${bind(key)}, ${node.children ? treeSql(node.children) : sql`json(${node.value!})`}`);
  return members.length ? sql`json_object(${join(members, ', ')})` : raw(`json_object()`);
}

function projectionStage(prev: Frag, projection: unknown, budget: Budget): Frag {
  if (!isPlainObject(projection)) throw badArgument('projection must be an object.');
  const excludes: string[][] = [];
  const tree = projectionTree(projection['fields'] ?? [], budget, { n: 0 }, excludes, []);
  const pathOf = (segments: string[]) => `'$${segments.map((s) => `."${s}"`).join('')}'`;
  let doc: Frag;
  if (tree.size === 0) {
    // Exclusion only: everything but the named fields, so the whole document is needed.
    if (budget.fields === tableField) return projectionStage(materialize(prev), projection, { ...budget, fields: documentField });
    doc = raw('data');
  } else {
    // Inclusion: only the named fields (and _id unless excluded); json_patch onto {} leaves out missing values.
    if (!tree.has('_id')) tree.set('_id', { value: raw(budget.fields('_id').json) });
    const ordered = new Map([['_id', tree.get('_id')!], ...[...tree].filter(([k]) => k !== '_id')]);
    doc = sql`json_patch('{}', ${treeSql(ordered)})`;
  }
  if (excludes.length) doc = sql`json_remove(${doc}, ${excludes.map(pathOf).join(', ')})`;
  return rewrap(sql`SELECT ${doc} AS data, ord FROM (${prev})`);
}

const TYPED_ELEMENT = `CASE je.type WHEN 'true' THEN json('true') WHEN 'false' THEN json('false') WHEN 'null' THEN json('null')
  WHEN 'object' THEN json(je.value) WHEN 'array' THEN json(je.value) ELSE je.value END`;

function unwindStage(prev: Frag, unwind: unknown): Frag {
  if (!isPlainObject(unwind) || typeof unwind['arrayFieldName'] !== 'string') throw badArgument('unwindArray.arrayFieldName must be a string.');
  const path = jsonPath(unwind['arrayFieldName']);
  // An array gives one row per element; a scalar one row as is; a missing field, null or [] none (MongoDB's $unwind).
  return rewrap(sql`SELECT json_set(p.data, ${path}, ${TYPED_ELEMENT}) AS data, row_number() OVER (ORDER BY p.ord, je.id) AS ord
    FROM (${prev}) AS p, json_each(iif(json_type(p.data, ${path}) = 'array', p.data -> ${path}, json_array(json(p.data -> ${path})))) AS je
    WHERE json_type(p.data, ${path}) IS NOT NULL AND json_type(p.data, ${path}) <> 'null'`);
}

function objectToArrayStage(prev: Frag, stage: unknown): Frag {
  if (!isPlainObject(stage) || typeof stage['objectFieldName'] !== 'string' || typeof stage['destinationFieldName'] !== 'string') {
    throw badArgument('objectToArray needs objectFieldName and destinationFieldName strings.');
  }
  const source = jsonPath(stage['objectFieldName']);
  const target = jsonPath(stage['destinationFieldName']);
  // MongoDB's $objectToArray shape: [{k, v}, ...]; a field that is not an object leaves the document unchanged.
  return rewrap(sql`SELECT iif(json_type(data, ${source}) = 'object',
      json_set(data, ${target}, json((SELECT json_group_array(json_object('k', je.key, 'v', ${TYPED_ELEMENT})) FROM json_each(data, ${source}) AS je))),
      data) AS data, ord FROM (${prev})`);
}

const STAGE_KINDS: ReadonlySet<string> = new Set(['filter', 'group', 'sort', 'projection', 'objectToArray', 'unwindArray', 'skip', 'limit']);

const PipelineCursor = plainObject({ stages: v.array(v.unknown()), offset: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) });

export interface PipelineInput {
  stages?: unknown[] | undefined;
  paging?: { limit?: number | undefined; offset?: number | undefined } | undefined;
  cursorPaging?: { limit?: number | undefined; cursor?: string | undefined } | undefined;
  returnTotalCount?: boolean | undefined;
}

export class AggregateService {
  constructor(
    private readonly collections: CollectionStore,
    private readonly statements: StatementCache,
  ) {}

  private collection(caller: Caller, collectionId: string): { collection: Collection; scope: Frag } {
    const collection = this.collections.require(collectionId, caller.siteId);
    return { collection, scope: readScope(caller, collection) };
  }

  aggregate(caller: Caller, collectionId: string, input: AggregateInput) {
    const { collection, scope } = this.collection(caller, collectionId);
    const cursorMode = input.cursorPaging !== undefined;
    if (cursorMode && input.paging !== undefined) throw badArgument('Use either paging or cursorPaging, not both.');
    let state: v.InferOutput<typeof AggregateCursor>;
    const limit = checkLimit(cursorMode ? input.cursorPaging?.limit : input.paging?.limit, DEFAULT_AGGREGATE_LIMIT, MAX_AGGREGATE_LIMIT);
    if (cursorMode && input.cursorPaging?.cursor) {
      state = decodeCursor(AggregateCursor, input.cursorPaging.cursor);
    } else {
      state = {
        initialFilter: input.initialFilter,
        finalFilter: input.finalFilter,
        groupingFields: input.aggregation?.groupingFields ?? [],
        operations: (input.aggregation?.operations ?? []) as Record<string, unknown>[],
        sort: input.sort ?? [],
        offset: cursorMode ? 0 : checkCount(input.paging?.offset ?? 0, "'offset'"),
      };
    }
    const { groupingFields, operations } = state;
    const sort = checkSort(state.sort);
    if (groupingFields.length > MAX_GROUP_FIELDS) {
      throw badArgument(`aggregation.groupingFields has ${groupingFields.length} fields; at most ${MAX_GROUP_FIELDS} are allowed.`);
    }
    if (operations.length > MAX_AGGREGATE_OPERATIONS) {
      throw badArgument(`aggregation.operations has ${operations.length} operations; at most ${MAX_AGGREGATE_OPERATIONS} are allowed.`);
    }
    if (new Set(groupingFields).size !== groupingFields.length) throw badArgument('aggregation.groupingFields names a field twice.');

    const groups = groupingFields.map((f) => ({ name: f, field: tableField(f) }));
    const names = new Set<string>();
    const columns: string[] = [];
    const members: Frag[] = [];
    operations.forEach((op, i) => {
      const [kind, arg] = oneKey(op, `aggregation.operations[${i}]`, OPERATION_KINDS, new Set(['resultFieldName']));
      const name = checkResultName(op['resultFieldName'], `aggregation.operations[${i}].resultFieldName`);
      if (names.has(name)) throw badArgument(`Two operations are named "${name.slice(0, 80)}".`);
      names.add(name);
      if (kind === 'itemCount') {
        // ItemCount is a message with no fields: `{}` (Wix's docs), never a list or a value.
        if (!isPlainObject(arg) || Object.keys(arg).length > 0) throw badArgument(`aggregation.operations[${i}].itemCount must be {}.`);
        columns.push(`count(*) AS a${i}`);
        members.push(sql`${bind(name)}, a${String(i)}`);
        return;
      }
      const fieldName = isPlainObject(arg) ? arg['itemFieldName'] : undefined;
      if (typeof fieldName !== 'string') throw badArgument(`aggregation.operations[${i}].${kind}.itemFieldName must be a string.`);
      const field = tableField(fieldName);
      switch (kind) {
        case 'sum':
          // Values that are not numbers are left out of a sum and an average (MongoDB's $sum/$avg, which Wix runs on).
          columns.push(`coalesce(sum(${field.num}), 0) AS a${i}`);
          members.push(sql`${bind(name)}, a${String(i)}`);
          break;
        case 'average':
          columns.push(`avg(${field.num}) AS a${i}`);
          members.push(sql`${bind(name)}, a${String(i)}`);
          break;
        default:
          columns.push(`${kind}(${field.key}) AS a${i}`);
          members.push(sql`${bind(name)}, json(wix_unkey(a${String(i)}))`);
      }
    });
    const filter = compileFilter(state.initialFilter, collection.fieldTypes);
    const groupColumns = groups.map((g, i) => `${g.field.json} AS g${i}`);
    const inner = sql`SELECT ${[...groupColumns, ...columns, 'count(*) AS n'].join(', ')} FROM ${collection.table}
      WHERE ${filter} AND ${scope}${groups.length ? ` GROUP BY ${groups.map((_, i) => `g${i}`).join(', ')}` : ''} HAVING count(*) > 0`;
    const id = groups.length
      ? sql`json_object(${join(
          groups.map((g, i) => sql`${bind(g.name)}, json(g${String(i)})`),
          ', ',
        )})`
      : raw('NULL');
    const doc = sql`json_object('_id', ${id}${members.length ? sql`, ${join(members, ', ')}` : raw('')})`;
    // Without a sort, groups come in the order of their values (numbers, then strings), ascending.
    const defaultOrder = groups.length ? groups.map((_, i) => `g${i} ->> '$'`).join(', ') : '1';
    const relation = rewrap(sql`SELECT ${doc} AS data, row_number() OVER (ORDER BY ${defaultOrder}) AS ord FROM (${inner})`);
    const having = compileFilter(state.finalFilter, NO_TYPES);
    const selected = sql`SELECT data, ord, id, owner, created_at, updated_at FROM (${relation}) WHERE ${having}`;
    const page = sql`SELECT data FROM (${selected}) ORDER BY ${orderTerms(sort, NO_TYPES, 'ord')} LIMIT ${bind(limit + 1)} OFFSET ${bind(state.offset)}`;
    const rows = readPage(this.statements, page);
    const hasNext = rows.length > limit;
    const results = rows.slice(0, limit);
    const pagingMetadata: Record<string, unknown> = { count: results.length, hasNext };
    if (cursorMode) {
      const next = { ...state, offset: state.offset + limit };
      pagingMetadata['cursors'] = {
        ...(hasNext ? { next: encodeCursor(next) } : {}),
        ...(state.offset > 0 ? { prev: encodeCursor({ ...state, offset: Math.max(0, state.offset - limit) }) } : {}),
      };
    } else {
      pagingMetadata['offset'] = state.offset;
      if (input.returnTotalCount) {
        const total = sql`SELECT count(*) AS n FROM (${selected})`;
        pagingMetadata['total'] = (runSql(() => this.statements.get(total.sql).get(...total.params)) as { n: number }).n;
        pagingMetadata['tooManyToCount'] = false;
      }
    }
    return { results, pagingMetadata };
  }

  pipeline(caller: Caller, collectionId: string, input: PipelineInput) {
    const { collection, scope } = this.collection(caller, collectionId);
    const cursorMode = input.cursorPaging !== undefined;
    if (cursorMode && input.paging !== undefined) throw badArgument('Use either paging or cursorPaging, not both.');
    const limit = checkLimit(cursorMode ? input.cursorPaging?.limit : input.paging?.limit, DEFAULT_PIPELINE_LIMIT, MAX_PIPELINE_LIMIT);
    let stages = input.stages ?? [];
    let offset = cursorMode ? 0 : checkCount(input.paging?.offset ?? 0, "'offset'");
    if (cursorMode && input.cursorPaging?.cursor) ({ stages, offset } = decodeCursor(PipelineCursor, input.cursorPaging.cursor));
    if (stages.length > MAX_PIPELINE_STAGES) throw badArgument(`The pipeline has ${stages.length} stages; at most ${MAX_PIPELINE_STAGES} are allowed.`);
    const parsed = stages.map((stage, i) => oneKey(stage, `pipeline.stages[${i}]`, STAGE_KINDS));

    // Leading filters run on the collection's table, where the declared types and the indexes apply.
    const leading: Frag[] = [];
    let first = 0;
    while (first < parsed.length && parsed[first]![0] === 'filter') {
      leading.push(compileFilter(parsed[first]![1], collection.fieldTypes));
      first += 1;
    }
    const where = join([...leading, scope], ' AND ');
    // Until a stage reshapes them, rows stay the table's rows (system fields in columns, user fields in `data`);
    // the document is built only where a stage needs it whole, and for the result page. The default order is
    // newest first: _createdDate descending, which is the reverse of insertion (rowid) order.
    let relation = sql`SELECT id, owner, created_at, updated_at, data, -rowid AS ord FROM ${collection.table} WHERE ${where}`;
    // The declared field types hold until a stage reshapes the documents.
    let types: FieldTypes = collection.fieldTypes;
    const budget: Budget = { nodes: 0, unwinds: 0, fields: tableField };
    for (const [kind, arg] of parsed.slice(first)) {
      switch (kind) {
        case 'filter':
          relation = sql`SELECT * FROM (${relation}) WHERE ${compileFilter(arg, types)}`;
          break;
        case 'sort': {
          const values = isPlainObject(arg) ? arg['values'] : undefined;
          if (!Array.isArray(values)) throw badArgument('sort.values must be an array.');
          const terms = checkSort(
            values.map((s: unknown) => {
              if (!isPlainObject(s) || typeof s['fieldName'] !== 'string') throw badArgument('Each sort value needs a fieldName.');
              return { fieldName: s['fieldName'], order: s['order'] as SortSpec['order'] };
            }),
          );
          relation = sql`SELECT id, owner, created_at, updated_at, data, row_number() OVER (ORDER BY ${orderTerms(terms, types, 'ord')}) AS ord FROM (${relation})`;
          break;
        }
        case 'skip':
          relation = sql`SELECT * FROM (${relation}) ORDER BY ord LIMIT -1 OFFSET ${bind(checkCount(arg, 'skip'))}`;
          break;
        case 'limit':
          relation = sql`SELECT * FROM (${relation}) ORDER BY ord LIMIT ${bind(checkCount(arg, 'limit'))}`;
          break;
        case 'group':
          relation = groupStage(relation, arg, budget);
          types = NO_TYPES;
          budget.fields = documentField;
          break;
        case 'projection':
          relation = projectionStage(relation, arg, budget);
          types = NO_TYPES;
          budget.fields = documentField;
          break;
        case 'unwindArray':
        case 'objectToArray':
          budget.unwinds += 1;
          if (budget.unwinds > MAX_PIPELINE_UNWINDS)
            throw badArgument(`A pipeline may have at most ${MAX_PIPELINE_UNWINDS} unwindArray and objectToArray stages.`);
          if (budget.fields === tableField) relation = materialize(relation);
          relation = kind === 'unwindArray' ? unwindStage(relation, arg) : objectToArrayStage(relation, arg);
          types = NO_TYPES;
          budget.fields = documentField;
          break;
      }
    }
    const paged = sql`SELECT * FROM (${relation}) ORDER BY ord LIMIT ${bind(limit + 1)} OFFSET ${bind(offset)}`;
    const page = sql`SELECT json(data) AS data FROM (${budget.fields === tableField ? materialize(paged) : paged}) ORDER BY ord`;
    const rows = readPage(this.statements, page);
    const hasNext = rows.length > limit;
    const results = rows.slice(0, limit);
    const pagingMetadata: Record<string, unknown> = { count: results.length, hasNext };
    if (cursorMode) {
      pagingMetadata['cursors'] = {
        ...(hasNext ? { next: encodeCursor({ stages, offset: offset + limit }) } : {}),
        ...(offset > 0 ? { prev: encodeCursor({ stages, offset: Math.max(0, offset - limit) }) } : {}),
      };
    } else {
      pagingMetadata['offset'] = offset;
      if (input.returnTotalCount) {
        const total = sql`SELECT count(*) AS n FROM (${relation})`;
        pagingMetadata['total'] = (runSql(() => this.statements.get(total.sql).get(...total.params)) as { n: number }).n;
        pagingMetadata['tooManyToCount'] = false;
      }
    }
    return { results, pagingMetadata };
  }
}
