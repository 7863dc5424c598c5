/**
 * Fuzz: aggregate, the aggregation pipeline and search under hostile requests, as every caller. Every case goes
 * through the fuzz harness's `attack()`: a typed answer (never a 5xx), nothing escaped, prototypes untouched, a
 * refused request leaves the data byte-identical, and a normal query still answers afterwards.
 * FUZZ_RUNS=N for a long run; FUZZ_SEED/FUZZ_PATH replay a printed failure.
 */
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { anyJson, filter, hostileKey, hostilePath, sortList, toJson } from './fuzz/arbitraries.ts';
import { attack, check, JSON_HEADERS, MEMBER_NOTES, OPEN, params, PRODUCTS, ROLES, send, type Role, type Target, startTarget } from './fuzz/harness.ts';

const PREFIXES = ['/_api/cloud-data/v2', '/wix-data/v2'] as const;
let t: Target;

before(async () => {
  t = await startTarget();
});
after(async () => {
  await t.stop();
});

const prefix = fc.constantFrom(...PREFIXES);
const role = fc.constantFrom<Role>(...ROLES);
const collection = fc.constantFrom(OPEN, MEMBER_NOTES, PRODUCTS, '__proto__', 'constructor');
const post = (r: Role, path: string, body: unknown) => () => send(t.p, 'POST', path, { ...JSON_HEADERS, ...t.auth(r) }, toJson(body) ?? 'null');

const expression: fc.Arbitrary<unknown> = fc.letrec<{ e: unknown }>((tie) => ({
  e: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.record({ fieldPath: hostilePath }),
    fc.record({ text: fc.string({ maxLength: 20 }) }),
    fc.record({ numeric: fc.oneof(fc.double(), fc.integer()) }),
    fc.record({ add: fc.record({ expressions: fc.array(tie('e'), { maxLength: 3 }) }) }),
    fc.record({ divide: fc.record({ firstExpression: tie('e'), secondExpression: tie('e') }) }),
    fc.record({ concat: fc.record({ expressions: fc.array(tie('e'), { maxLength: 3 }) }) }),
    fc.record({ substring: fc.record({ expression: tie('e'), startExpression: tie('e'), lengthExpression: tie('e') }) }),
    fc.record({ toUpper: fc.record({ expression: tie('e') }) }),
    fc.record({ stringify: fc.record({ expression: tie('e') }) }),
    anyJson,
  ),
})).e;

const accumulator = fc
  .tuple(fc.constantFrom('sum', 'avg', 'min', 'max', 'first', 'last', 'push', '__proto__', 'constructor'), hostileKey, expression)
  .map(([kind, name, e]) => JSON.parse(`{"${kind}": ${toJson({ expression: e })}, "resultFieldName": ${JSON.stringify(name)}}`) as unknown);

const stage: fc.Arbitrary<unknown> = fc.oneof(
  fc.record({ filter }),
  fc.record({
    group: fc.record({
      groupIds: fc.array(fc.record({ key: hostileKey, expression }), { maxLength: 3 }),
      accumulators: fc.array(accumulator, { maxLength: 3 }),
    }),
  }),
  fc.record({ sort: fc.record({ values: sortList }) }),
  fc.record({
    projection: fc.record({
      fields: fc.array(
        fc.oneof(
          fc.record({ include: fc.record({ fieldName: hostilePath }) }),
          fc.record({ exclude: fc.record({ fieldName: hostilePath }) }),
          fc.record({ reshape: fc.record({ resultFieldName: hostilePath, expression }) }),
        ),
        { maxLength: 4 },
      ),
    }),
  }),
  fc.record({ unwindArray: fc.record({ arrayFieldName: hostilePath }) }),
  fc.record({ objectToArray: fc.record({ objectFieldName: hostilePath, destinationFieldName: hostilePath }) }),
  fc.record({ skip: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double()) }),
  fc.record({ limit: fc.oneof(fc.integer({ min: -5, max: 5 }), fc.double()) }),
  anyJson,
);

describe('fuzz: aggregate, pipeline and search', () => {
  it('random aggregate requests: hostile group fields, operations, filters, sort and paging', async () => {
    const operation = fc
      .tuple(fc.constantFrom('sum', 'average', 'min', 'max', 'itemCount', '__proto__'), hostileKey, hostilePath)
      .map(([kind, name, field]) => JSON.parse(`{"${kind}": ${toJson({ itemFieldName: field })}, "resultFieldName": ${JSON.stringify(name)}}`) as unknown);
    await check(
      'random aggregate',
      fc.asyncProperty(
        prefix,
        role,
        collection,
        fc.record(
          {
            initialFilter: filter,
            finalFilter: filter,
            aggregation: fc.record(
              { groupingFields: fc.array(hostilePath, { maxLength: 3 }), operations: fc.array(operation, { maxLength: 4 }) },
              { requiredKeys: [] },
            ),
            sort: sortList,
            paging: fc.record({ limit: fc.integer({ min: -1, max: 1100 }), offset: fc.integer({ min: -1, max: 5 }) }, { requiredKeys: [] }),
            cursorPaging: fc.record({ cursor: fc.oneof(fc.string(), fc.constant(Buffer.from('{"offset":1}').toString('base64url'))) }, { requiredKeys: [] }),
            returnTotalCount: fc.oneof(fc.boolean(), anyJson),
          },
          { requiredKeys: [] },
        ),
        async (pre, r, c, body) => {
          await attack(
            t,
            `aggregate ${toJson(body)?.slice(0, 300)} as ${r}`,
            post(r, `${pre}/items/aggregate`, { dataCollectionId: c, ...body }),
            `${pre}/items/aggregate`,
          );
        },
      ),
      params(60),
    );
  });

  it('random pipelines: every stage kind with hostile paths, keys and nested expressions', async () => {
    await check(
      'random pipeline',
      fc.asyncProperty(
        prefix,
        role,
        collection,
        fc.array(stage, { maxLength: 5 }),
        fc.record({ limit: fc.integer({ min: -1, max: 1100 }), offset: fc.integer({ min: -1, max: 5 }) }, { requiredKeys: [] }),
        async (pre, r, c, stages, paging) => {
          await attack(
            t,
            `pipeline ${toJson(stages)?.slice(0, 300)} as ${r}`,
            post(r, `${pre}/items/aggregate-pipeline`, { dataCollectionId: c, pipeline: { stages, paging }, returnTotalCount: true }),
            `${pre}/items/aggregate-pipeline`,
          );
        },
      ),
      params(60),
    );
  });

  it('random searches: hostile expressions, modes, filters, projections and sort', async () => {
    await check(
      'random search',
      fc.asyncProperty(
        prefix,
        role,
        collection,
        fc.record(
          {
            search: fc.record(
              {
                expression: fc.oneof(fc.string({ maxLength: 120 }), fc.constantFrom('"', '*', 'NEAR(a b)', 'a OR', '^x', 'col:x', '(', '\u0000'), anyJson),
                mode: fc.oneof(fc.constantFrom('AND', 'OR'), anyJson),
                fuzzy: fc.oneof(fc.boolean(), anyJson),
              },
              { requiredKeys: [] },
            ),
            filter,
            fields: fc.array(hostilePath, { maxLength: 22 }),
            sort: sortList,
            paging: fc.record({ limit: fc.integer({ min: -1, max: 1100 }), offset: fc.integer({ min: -1, max: 5 }) }, { requiredKeys: [] }),
          },
          { requiredKeys: [] },
        ),
        async (pre, r, c, search) => {
          await attack(
            t,
            `search ${toJson(search)?.slice(0, 300)} as ${r}`,
            post(r, `${pre}/items/search`, { dataCollectionId: c, search }),
            `${pre}/items/search`,
          );
        },
      ),
      params(60),
    );
  });
});
