/**
 * Generators for the fuzz suite: hostile keys, item data with them at any depth, nested filters with every
 * operator and hostile operands, fields and sort lists (some very long), raw request targets, methods and headers,
 * and random JSON bodies.
 */
import fc from 'fast-check';

export const PROTOTYPE_NAMES = [
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  'isPrototypeOf',
  'propertyIsEnumerable',
  'toLocaleString',
  '__lookupGetter__',
] as const;

/** One key as a request could name it. */
export const hostileKey: fc.Arbitrary<string> = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...PROTOTYPE_NAMES) },
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      '',
      '.',
      '..',
      'a.b',
      '$gt',
      '$date',
      '_id',
      '_owner',
      '_createdDate',
      '_updatedDate',
      'title',
      'price',
      'x"y',
      "x'y",
      'x]y',
      'x[0]',
      '\\',
      '\u0000',
      '🙂',
      'é',
      'ß',
      'İ',
      '\u202e',
      '$',
      '*',
    ),
  },
  { weight: 2, arbitrary: fc.string({ unit: 'grapheme', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 8 }).map((s) => s.repeat(50)) },
  { weight: 1, arbitrary: fc.nat({ max: 5_000 }).map((n) => 'k'.repeat(n)) },
);

/** A dotted path through hostile segments: `constructor.prototype.K`, `__proto__.x`, ... */
export const hostilePath: fc.Arbitrary<string> = fc.oneof(
  { weight: 3, arbitrary: fc.array(hostileKey, { minLength: 1, maxLength: 5 }).map((segments) => segments.join('.')) },
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      'constructor.prototype.K',
      '__proto__.K',
      'a.__proto__.K',
      'prototype.constructor',
      'constructor.prototype.toString',
      'toString.call',
    ),
  },
);

const leafValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.string({ maxLength: 20 }),
  fc.integer(),
  fc.double(),
  fc.boolean(),
  fc.constant(null),
  fc.constantFrom('polluted', '1; DROP TABLE meta --', "' OR 1=1 --", '{"$date":"x"}'),
  fc.date({ noInvalidDate: true }).map((d) => ({ $date: d.toISOString() })),
  fc.constant({ $date: 'not a date' }),
);

/** JSON objects whose keys are hostile at any depth. Built as JSON text so `__proto__` stays an own key. */
export const hostileData: fc.Arbitrary<unknown> = fc.letrec<{ value: unknown; object: Record<string, unknown> }>((tie) => ({
  value: fc.oneof({ depthSize: 'small', withCrossShrink: true }, leafValue, tie('object'), fc.array(tie('value'), { maxLength: 3 })),
  object: fc.dictionary(hostileKey, tie('value'), { maxKeys: 4, noNullPrototype: false }),
})).object;

/** JSON text with own `__proto__` keys kept (JSON.stringify drops nothing, but object spreads would). */
export function toJson(value: unknown): string {
  return JSON.stringify(value);
}

export const OPERATORS = [
  '$eq',
  '$ne',
  '$gt',
  '$gte',
  '$lt',
  '$lte',
  '$in',
  '$hasSome',
  '$hasAll',
  '$contains',
  '$startsWith',
  '$endsWith',
  '$exists',
  '$regex',
  '$matches',
  '$isEmpty',
  '$isNotEmpty',
  '$between',
  '$date',
  '$unknown',
] as const;

const operand: fc.Arbitrary<unknown> = fc.oneof(
  leafValue,
  fc.array(leafValue, { maxLength: 5 }),
  fc.nat({ max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => i)),
  fc.nat({ max: 200_000 }).map((n) => 'x'.repeat(n)),
  hostileData,
  fc.constantFrom('(a+)+$', '.*', '%', '_', '\\', '%_%'),
);

/** A Wix Data filter: `{field: value}`, `{field: {$op: operand}}`, `$and`/`$or`/`$not` trees, hostile everywhere. */
export const filter: fc.Arbitrary<unknown> = fc.letrec<{ node: unknown }>((tie) => ({
  node: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ field: hostilePath, value: leafValue }).map(({ field, value }) => JSON.parse(`{${JSON.stringify(field)}:${JSON.stringify(value)}}`) as unknown),
    fc
      .record({ field: hostilePath, op: fc.constantFrom(...OPERATORS), value: operand })
      .map(({ field, op, value }) => JSON.parse(`{${JSON.stringify(field)}:{${JSON.stringify(op)}:${JSON.stringify(value ?? null)}}}`) as unknown),
    fc.record({ op: fc.constantFrom('$and', '$or'), children: fc.array(tie('node'), { maxLength: 4 }) }).map(({ op, children }) => ({ [op]: children })),
    tie('node').map((child) => ({ $not: child })),
    fc.constantFrom<unknown>(null, [], 'string', 42, true, { $and: 'x' }, { $or: {} }, { $not: [] }, { $and: [null] }),
    hostileData,
  ),
})).node;

/** Filters nested far deeper than any limit, and wide ones, as JSON text (too deep for JSON.stringify to build). */
export const deepFilterJson: fc.Arbitrary<string> = fc.oneof(
  fc
    .record({ depth: fc.integer({ min: 50, max: 20_000 }), op: fc.constantFrom('$and', '$or', '$not') })
    .map(({ depth, op }) =>
      op === '$not' ? `${'{"$not":'.repeat(depth)}{"title":"x"}${'}'.repeat(depth)}` : `${`{"${op}":[`.repeat(depth)}{"title":"x"}${']}'.repeat(depth)}`,
    ),
  fc.integer({ min: 100, max: 50_000 }).map((width) => JSON.stringify({ $or: Array.from({ length: width }, (_, i) => ({ price: i })) })),
  fc.integer({ min: 100, max: 20_000 }).map((width) => JSON.stringify({ price: { $in: Array.from({ length: width }, (_, i) => i) } })),
);

/** `fields` projections, including very long ones. */
export const fieldsList: fc.Arbitrary<string[]> = fc.oneof(
  { weight: 4, arbitrary: fc.array(hostilePath, { maxLength: 8 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 250_000 }).map((n) => Array.from({ length: n }, (_, i) => `f${i}`)) },
);

/** Sort lists, including very long ones and hostile field names. */
export const sortList: fc.Arbitrary<{ fieldName: string; order?: string }[]> = fc.oneof(
  { weight: 4, arbitrary: fc.array(fc.record({ fieldName: hostilePath, order: fc.constantFrom('ASC', 'DESC') }), { maxLength: 6 }) },
  { weight: 1, arbitrary: fc.integer({ min: 100, max: 20_000 }).map((n) => Array.from({ length: n }, (_, i) => ({ fieldName: `f${i}`, order: 'ASC' }))) },
);

/** Any JSON value, as a request body. */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }),
  hostileData,
  fc.record(
    {
      dataCollectionId: fc.constantFrom('Products', 'MemberNotes', 'Orders', 'FuzzOpen', '__proto__', 'constructor', '', 'x'.repeat(300)),
      query: fc.oneof(fc.constant(undefined), fc.record({ filter, fields: fieldsList, sort: sortList }, { requiredKeys: [] })),
      dataItem: fc.record({ id: fc.option(fc.string(), { nil: undefined }), data: hostileData }, { requiredKeys: [] }),
      fieldName: hostilePath,
      args: fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 3 }),
    },
    { requiredKeys: [] },
  ),
);

export const ORIGINS = [undefined, 'https://evil.example', 'null', 'http://localhost:1234', 'https://www.wixapis.com'] as const;
export const origin = fc.constantFrom(...ORIGINS);
