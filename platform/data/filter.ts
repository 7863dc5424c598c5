import { errors, WixApiError } from '../errors.ts';
import {
  MAX_FIELD_PATH_LENGTH,
  MAX_FIELD_PATH_SEGMENTS,
  MAX_FIELD_SEGMENT_LENGTH,
  MAX_FILTER_CONDITIONS,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LIST_VALUES,
  MAX_FILTER_NODES,
  MAX_FILTER_STRING_LENGTH,
  MAX_FILTER_VALUES,
} from './limits.ts';

/**
 * Translates the Wix Data filter language (reference §2.4) into SQLite over JSONB rows.
 *
 * Rows live in one table per collection: `id`, `owner`, `created_at`, `updated_at` columns for the
 * system fields, and the user fields in a JSONB `data` column. Every leaf predicate is written so it
 * is never NULL (IS / guarded comparisons), which keeps `$not` and `$ne` exact under SQL's three-valued logic.
 */

export interface SqlFragment {
  sql: string;
  params: unknown[];
}

/**
 * Field key → declared Wix field type (TEXT, NUMBER, ARRAY_STRING, ...). A collection's map also carries its item
 * table (`itemTable`), so a filter on a MULTI_REFERENCE field (kept apart from the item) can reach its rows.
 */
export type FieldTypes = ReadonlyMap<string, string> & { readonly itemTable?: string };

/** A collection's field types with its item table attached (see FieldTypes). */
export function fieldTypesOf(fields: readonly { key: string; type: string }[], itemTable: string): FieldTypes {
  return Object.assign(new Map(fields.map((f) => [f.key, f.type])), { itemTable });
}

/**
 * `$hasSome` / `$hasAll` on a multi-reference (Wix: "Has at least one of" / "Has all of" the referenced IDs): the item
 * is one whose reference rows hold the IDs.
 */
function referencedAny(fieldName: string, itemTable: string, ids: Operand[]): SqlFragment {
  const values = ids.map((o) => (o.type === 'string' ? o.value : undefined));
  if (values.some((x) => x === undefined)) throw filterError(`a multi-reference filter on "${fieldName}" takes item IDs (strings).`);
  return {
    sql: '(id IN (SELECT referring_id FROM item_references WHERE source_table = ? AND field = ? AND referenced_id IN (SELECT value FROM json_each(?))))',
    params: [itemTable, fieldName, JSON.stringify(values)],
  };
}

const ARRAY_TYPES = new Set(['ARRAY', 'ARRAY_STRING', 'ARRAY_DOCUMENT', 'MULTI_REFERENCE', 'MEDIA_GALLERY']);
const SCALAR_TYPES = new Set([
  'TEXT',
  'NUMBER',
  'BOOLEAN',
  'DATE',
  'DATETIME',
  'URL',
  'IMAGE',
  'RICH_TEXT',
  'REFERENCE',
  'TIME',
  'VIDEO',
  'AUDIO',
  'DOCUMENT',
  'LANGUAGE',
]);
const SEGMENT = new RegExp(`^[A-Za-z0-9_][A-Za-z0-9_-]{0,${MAX_FIELD_SEGMENT_LENGTH - 1}}$`);

type Operand =
  | { type: 'string'; value: string }
  | { type: 'number'; value: number }
  | { type: 'boolean'; value: boolean }
  | { type: 'date'; value: string }
  | { type: 'null' };

interface FieldExpr {
  /** SQL for the raw value (text/number; booleans read as 1/0). */
  value: string;
  /** SQL giving the JSON type name, NULL when the field is missing. */
  type: string;
  /** SQL giving the ISO string of a `{$date}` value, NULL otherwise. */
  date: string;
  /** 'array' when declared as an array, 'scalar' when declared scalar, 'unknown' otherwise. */
  shape: 'array' | 'scalar' | 'unknown';
  /** JSON path literal for json_each, undefined for system columns. */
  path?: string;
}

/**
 * System fields live in columns. A Map, never a plain object: the key is a field name from the request, and a
 * plain-object lookup would answer `constructor` or `toString` (or anything planted on Object.prototype) with
 * something that is then pasted into SQL.
 */
const SYSTEM_FIELDS: ReadonlyMap<string, FieldExpr & { column: string; distinctType: string }> = new Map([
  ['_id', { value: 'id', type: "'text'", date: 'NULL', shape: 'scalar', column: 'id', distinctType: "'text'" }],
  ['_owner', { value: 'owner', type: "iif(owner IS NULL, NULL, 'text')", date: 'NULL', shape: 'scalar', column: 'owner', distinctType: "'text'" }],
  ['_createdDate', { value: 'NULL', type: "'object'", date: 'created_at', shape: 'scalar', column: 'created_at', distinctType: "'date'" }],
  ['_updatedDate', { value: 'NULL', type: "'object'", date: 'updated_at', shape: 'scalar', column: 'updated_at', distinctType: "'date'" }],
] as const);

/** The column and the type tag of a system field for sort and distinct; undefined for a user field. */
export function systemColumn(fieldName: string): { column: string; distinctType: string } | undefined {
  return SYSTEM_FIELDS.get(fieldName);
}

export const filterError = (message: string) => errors.badRequest(`Invalid filter: ${message}`, 'WDE0070');

/**
 * Validates a dotted field path and returns its segments. Every path a request names (filter, sort, projection,
 * distinct, declared fields) goes through here. Prototype names (`constructor`, `__proto__`, `prototype` ...)
 * are ordinary segments: the SQL side quotes them in a JSON path, and the JS side never indexes a plain object
 * with them.
 */
export function fieldSegments(fieldName: string): string[] {
  if (fieldName.length > MAX_FIELD_PATH_LENGTH) {
    throw errors.badRequest(`Field name "${fieldName.slice(0, 80)}…" is too long: a field path has at most ${MAX_FIELD_PATH_LENGTH} characters.`, 'WDE0080');
  }
  const segments = fieldName.split('.');
  if (segments.length > MAX_FIELD_PATH_SEGMENTS) {
    throw errors.badRequest(
      `Field name "${fieldName.slice(0, 80)}" has ${segments.length} segments; a field path has at most ${MAX_FIELD_PATH_SEGMENTS}.`,
      'WDE0080',
    );
  }
  if (segments.some((s) => !SEGMENT.test(s))) {
    throw errors.badRequest(
      `Field name "${fieldName.slice(0, 80)}" is not valid: each dot-separated part is 1 to ${MAX_FIELD_SEGMENT_LENGTH} letters, digits, "_" or "-".`,
      'WDE0080',
    );
  }
  return segments;
}

/** Validates a dotted field path and returns its JSON path literal, e.g. `'$."address"."city"'`. */
export function jsonPath(fieldName: string): string {
  return `'$${fieldSegments(fieldName)
    .map((s) => `."${s}"`)
    .join('')}'`;
}

export function fieldExpr(fieldName: string, fieldTypes: FieldTypes): FieldExpr {
  const system = SYSTEM_FIELDS.get(fieldName);
  if (system) return system;
  const path = jsonPath(fieldName);
  const declared = fieldTypes.get(fieldName);
  const shape = declared === undefined ? 'unknown' : ARRAY_TYPES.has(declared) ? 'array' : SCALAR_TYPES.has(declared) ? 'scalar' : 'unknown';
  const datePath = `${path.slice(0, -1)}."$date"'`;
  return {
    value: userValue(path),
    type: `json_type(data, ${path})`,
    date: `json_extract(data, ${datePath})`,
    shape,
    path,
  };
}

/** A user field's value: the one expression filters compare, ORDER BY sorts by and indexes are built on. */
const userValue = (path: string, row = '') => `json_extract(${row}data, ${path})`;

/**
 * The expression that ORDER BY uses for a field; the per-field expression indexes and the Wix indexes
 * (indexes.ts) are built from the same text, so the planner can use them. With `row` ('NEW' or 'OLD') the same
 * expression reads that row inside a trigger.
 */
export function sortExpr(fieldName: string, fieldTypes: FieldTypes, row?: 'NEW' | 'OLD'): string {
  const system = SYSTEM_FIELDS.get(fieldName);
  if (system) return row ? `${row}.${system.column}` : system.column;
  return row ? userValue(jsonPath(fieldName), `${row}.`) : fieldExpr(fieldName, fieldTypes).value;
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses `{$date: ISO}` into a canonical ISO string, or throws. */
export function parseDateOperand(value: unknown): string {
  if (typeof value !== 'string') throw filterError('$date must be an ISO 8601 string.');
  // The longest ISO 8601 form (expanded years, nanoseconds, an offset) is well under 64 characters.
  if (value.length > 64) throw filterError(`"${value.slice(0, 40)}…" is not a valid date.`);
  const time = Date.parse(value);
  if (Number.isNaN(time)) throw filterError(`"${value.slice(0, 40)}" is not a valid date.`);
  return new Date(time).toISOString();
}

export function isDateObject(v: unknown): v is { $date: unknown } {
  return isPlainObject(v) && Object.keys(v).length === 1 && Object.hasOwn(v, '$date');
}

function checkString(value: string, op: string): string {
  if (value.length > MAX_FILTER_STRING_LENGTH) {
    throw filterError(`a ${op} string has ${value.length} characters; a filter string has at most ${MAX_FILTER_STRING_LENGTH}.`);
  }
  return value;
}

function toOperand(value: unknown, op: string): Operand {
  if (value === null) return { type: 'null' };
  if (typeof value === 'string') return { type: 'string', value: checkString(value, op) };
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) throw filterError(`${op} needs a finite number.`);
    return { type: 'number', value };
  }
  if (typeof value === 'boolean') return { type: 'boolean', value };
  if (isDateObject(value)) return { type: 'date', value: parseDateOperand(value.$date) };
  throw filterError(`${op} does not accept ${Array.isArray(value) ? 'an array' : 'an object'} operand.`);
}

/** Matches any of the operands against one scalar (a field, or one array element). */
function matchAny(f: { value: string; type: string; date: string }, operands: Operand[]): SqlFragment {
  const parts: string[] = [];
  const params: unknown[] = [];
  const strings = operands.filter((o) => o.type === 'string').map((o) => (o as { value: string }).value);
  const numbers = operands.filter((o) => o.type === 'number').map((o) => (o as { value: number }).value);
  const dates = operands.filter((o) => o.type === 'date').map((o) => (o as { value: string }).value);
  const booleans = operands.filter((o) => o.type === 'boolean').map((o) => (o as { value: boolean }).value);
  const marks = (n: number) => Array.from({ length: n }, () => '?').join(', ');
  if (strings.length) {
    parts.push(strings.length === 1 ? `(${f.type} IS 'text' AND ${f.value} = ?)` : `(${f.type} IS 'text' AND ${f.value} IN (${marks(strings.length)}))`);
    params.push(...strings);
  }
  if (numbers.length) {
    parts.push(numbers.length === 1 ? `(${isNumber(f)} AND ${f.value} = ?)` : `(${isNumber(f)} AND ${f.value} IN (${marks(numbers.length)}))`);
    params.push(...numbers);
  }
  if (dates.length) {
    parts.push(`(${f.date} IS NOT NULL AND ${f.date} IN (${marks(dates.length)}))`);
    params.push(...dates);
  }
  for (const b of new Set(booleans)) parts.push(`(${f.type} IS '${b ? 'true' : 'false'}')`);
  if (operands.some((o) => o.type === 'null')) parts.push(`(${f.type} IS NULL OR ${f.type} IS 'null')`);
  return { sql: parts.length ? `(${parts.join(' OR ')})` : '0', params };
}

/** Equality with Wix semantics: exact type, and on an array field any element may match. */
function equalsAny(field: FieldExpr, operands: Operand[]): SqlFragment {
  const scalar = matchAny(field, operands);
  if (field.shape === 'scalar' || !field.path) return scalar;
  const element = matchAny(
    // A text element's value is plain text, not JSON: only an object element can hold a {$date} (json_extract on
    // any other would fail the whole query with "malformed JSON").
    { value: 'je.value', type: 'je.type', date: `(CASE WHEN je.type IS 'object' THEN json_extract(je.value, '$."$date"') END)` },
    operands.filter((o) => o.type !== 'null'),
  );
  const inArray = `(${field.type} IS 'array' AND EXISTS (SELECT 1 FROM json_each(data, ${field.path}) AS je WHERE ${element.sql}))`;
  if (field.shape === 'array') {
    // A missing or empty array still equals null.
    return operands.some((o) => o.type === 'null')
      ? { sql: `(${inArray} OR ${field.type} IS NULL OR ${field.type} IS 'null')`, params: element.params }
      : { sql: inArray, params: element.params };
  }
  return { sql: `(${scalar.sql} OR ${inArray})`, params: [...scalar.params, ...element.params] };
}

/**
 * Whether the field holds a number, false (never NULL) when it is missing: `NULL IN (…)` is NULL, and NOT NULL is
 * NULL too, so `$not`/`$ne` of a number condition would leave out the items without the field, which they match.
 */
const isNumber = (field: { type: string }) => `${field.type} IS NOT NULL AND ${field.type} IN ('integer', 'real')`;

function compare(field: FieldExpr, op: '$gt' | '$gte' | '$lt' | '$lte', raw: unknown): SqlFragment {
  const sqlOp = { $gt: '>', $gte: '>=', $lt: '<', $lte: '<=' }[op];
  const operand = toOperand(raw, op);
  switch (operand.type) {
    case 'number':
      return { sql: `(${isNumber(field)} AND ${field.value} ${sqlOp} ?)`, params: [operand.value] };
    case 'string':
      return { sql: `(${field.type} IS 'text' AND ${field.value} ${sqlOp} ?)`, params: [operand.value] };
    case 'date':
      return { sql: `(${field.date} IS NOT NULL AND ${field.date} ${sqlOp} ?)`, params: [operand.value] };
    default:
      throw filterError(`${op} needs a number, a string or a date.`);
  }
}

function stringMatch(field: FieldExpr, op: '$contains' | '$startsWith' | '$endsWith', raw: unknown): SqlFragment {
  if (typeof raw !== 'string') throw filterError(`${op} needs a string.`);
  checkString(raw, op);
  const fn = { $contains: 'wix_contains', $startsWith: 'wix_starts_with', $endsWith: 'wix_ends_with' }[op];
  return { sql: `(${field.type} IS 'text' AND ${fn}(${field.value}, ?) = 1)`, params: [raw] };
}

function listOperands(raw: unknown, op: string): Operand[] {
  if (!Array.isArray(raw)) throw filterError(`${op} needs an array.`);
  if (raw.length > MAX_FILTER_LIST_VALUES) throw filterError(`${op} has ${raw.length} values; it takes at most ${MAX_FILTER_LIST_VALUES}.`);
  return raw.map((v) => toOperand(v, op));
}

interface Budget {
  conditions: number;
  nodes: number;
}

function spend(budget: Budget, n: number): void {
  budget.conditions += n;
  if (budget.conditions > MAX_FILTER_CONDITIONS)
    throw filterError(`the filter has more than ${MAX_FILTER_CONDITIONS} conditions; use $in or $hasSome with a list instead.`);
}

function fieldCondition(fieldName: string, spec: unknown, fieldTypes: FieldTypes, budget: Budget): SqlFragment {
  const field = fieldExpr(fieldName, fieldTypes);
  const multiTable = fieldTypes.get(fieldName) === 'MULTI_REFERENCE' ? fieldTypes.itemTable : undefined;
  // Implicit equality: a scalar, null (isEmpty) or {$date}.
  if (!isPlainObject(spec) || isDateObject(spec)) {
    spend(budget, 1);
    return equalsAny(field, [toOperand(spec, 'eq')]);
  }
  const ops = Object.entries(spec);
  if (ops.length === 0) throw filterError(`the condition on "${fieldName}" is empty.`);
  spend(budget, ops.length);
  const parts: SqlFragment[] = ops.map(([op, arg]): SqlFragment => {
    switch (op) {
      case '$eq':
        return equalsAny(field, [toOperand(arg, op)]);
      case '$ne': {
        const eq = equalsAny(field, [toOperand(arg, op)]);
        return { sql: `(NOT ${eq.sql})`, params: eq.params };
      }
      case '$gt':
      case '$gte':
      case '$lt':
      case '$lte':
        return compare(field, op, arg);
      case '$in':
      case '$hasSome':
        if (multiTable !== undefined) return referencedAny(fieldName, multiTable, listOperands(arg, op));
        return equalsAny(field, listOperands(arg, op));
      case '$hasAll': {
        const operands = listOperands(arg, op);
        if (operands.length === 0) return { sql: '1', params: [] };
        spend(budget, operands.length - 1);
        if (multiTable !== undefined) return and(operands.map((o) => referencedAny(fieldName, multiTable, [o])));
        return and(operands.map((o) => equalsAny(field, [o])));
      }
      case '$contains':
      case '$startsWith':
      case '$endsWith':
        return stringMatch(field, op, arg);
      case '$not': {
        // On a field, as in Wix's filter check: operators to negate, `{ price: { $not: { $gt: 5 } } }`; an item without
        // the field matches (every condition is false on a missing value, so NOT is exact).
        if (!isPlainObject(arg) || isDateObject(arg) || Object.keys(arg).length === 0 || !Object.keys(arg).every((k) => k.startsWith('$'))) {
          throw filterError(`$not on field "${fieldName.slice(0, 80)}" needs operators, e.g. { "$gt": 5 }.`);
        }
        const inner = fieldCondition(fieldName, arg, fieldTypes, budget);
        return { sql: `(NOT ${inner.sql})`, params: inner.params };
      }
      case '$exists': {
        if (typeof arg !== 'boolean') throw filterError('$exists needs true or false.');
        const present = `(${field.type} IS NOT NULL AND ${field.type} IS NOT 'null')`;
        return { sql: arg ? present : `(NOT ${present})`, params: [] };
      }
      default:
        throw filterError(`unknown operator "${op.slice(0, 40)}" on field "${fieldName}".`);
    }
  });
  return and(parts);
}

function and(parts: SqlFragment[]): SqlFragment {
  if (parts.length === 0) return { sql: '1', params: [] };
  if (parts.length === 1) return parts[0]!;
  return { sql: `(${parts.map((p) => p.sql).join(' AND ')})`, params: parts.flatMap((p) => p.params) };
}

function or(parts: SqlFragment[]): SqlFragment {
  if (parts.length === 0) return { sql: '0', params: [] };
  if (parts.length === 1) return parts[0]!;
  return { sql: `(${parts.map((p) => p.sql).join(' OR ')})`, params: parts.flatMap((p) => p.params) };
}

function compileNode(node: unknown, fieldTypes: FieldTypes, depth: number, budget: Budget): SqlFragment {
  if (depth > MAX_FILTER_DEPTH) throw filterError(`the filter is nested more than ${MAX_FILTER_DEPTH} levels deep.`);
  if (!isPlainObject(node)) throw filterError('each filter must be an object.');
  budget.nodes += 1;
  if (budget.nodes > MAX_FILTER_NODES) throw filterError(`the filter has more than ${MAX_FILTER_NODES} filter objects.`);
  const parts: SqlFragment[] = [];
  for (const [key, value] of Object.entries(node)) {
    if (key === '$and' || key === '$or') {
      if (!Array.isArray(value)) throw filterError(`${key} needs an array of filters.`);
      const children = value.map((child) => compileNode(child, fieldTypes, depth + 1, budget));
      parts.push(key === '$and' ? and(children) : or(children));
    } else if (key === '$not') {
      // The SDK sends an array of one filter; the object form is accepted too. Wix's own filter check refuses an
      // array of any other length (@wix/wix-data-items-common, validateFilterTree), so `$not: []` is no "match nothing".
      if (Array.isArray(value) && value.length !== 1) throw filterError(`$not needs one filter, not ${value.length}.`);
      const inner = compileNode(Array.isArray(value) ? value[0] : value, fieldTypes, depth + 1, budget);
      parts.push({ sql: `(NOT ${inner.sql})`, params: inner.params });
    } else if (key.startsWith('$')) {
      throw filterError(`unknown operator "${key.slice(0, 40)}".`);
    } else {
      parts.push(fieldCondition(key, value, fieldTypes, budget));
    }
  }
  return and(parts);
}

export function compileFilter(filter: unknown, fieldTypes: FieldTypes): SqlFragment {
  if (filter === undefined || filter === null) return { sql: '1', params: [] };
  try {
    const compiled = compileNode(filter, fieldTypes, 0, { conditions: 0, nodes: 0 });
    if (compiled.params.length > MAX_FILTER_VALUES) throw filterError(`the filter holds more than ${MAX_FILTER_VALUES} values.`);
    return compiled;
  } catch (error) {
    if (error instanceof WixApiError) throw error;
    throw filterError(String((error as Error).message));
  }
}

/** Case-insensitive string helpers registered on the connection (SQLite's lower() is ASCII-only). */
export function registerFilterFunctions(db: {
  function: (name: string, options: { deterministic: boolean }, fn: (a: unknown, b: unknown) => number) => unknown;
}): void {
  const fold = (v: unknown) => (typeof v === 'string' ? v.toLocaleLowerCase('en-US') : '');
  // The needle is the same bound value for every row of a query: fold it once, not once per row.
  let lastNeedle: unknown;
  let lastFolded = '';
  const foldNeedle = (n: unknown) => {
    if (n !== lastNeedle) {
      lastNeedle = n;
      lastFolded = fold(n);
    }
    return lastFolded;
  };
  db.function('wix_contains', { deterministic: true }, (h, n) => (fold(h).includes(foldNeedle(n)) ? 1 : 0));
  db.function('wix_starts_with', { deterministic: true }, (h, n) => (fold(h).startsWith(foldNeedle(n)) ? 1 : 0));
  db.function('wix_ends_with', { deterministic: true }, (h, n) => (fold(h).endsWith(foldNeedle(n)) ? 1 : 0));
}
