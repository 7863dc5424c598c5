/**
 * The aggregation pipeline (POST /v2/items/aggregate-pipeline) through the official @wix/data pipelineBuilder,
 * stages and expressions, `items.aggregate(c, pipeline)`, and raw REST. Cases follow the "Run an Aggregation
 * Pipeline" guide and the stage/expression references: filter, group (sum, avg, min, max, count, first, last, push),
 * sort, skip, limit, project (include, exclude, reshape, nested), unwind, objectToArray; expected values are
 * computed here from the same data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { items as dataItems } from '@wix/data';
import { adminHeaders, apiKeyClient, errorCode, memberClient, rawCall, startTestPlatform, visitorClient, type TestPlatform } from './helpers.ts';

type Admin = ReturnType<typeof apiKeyClient>;
type Item = Record<string, unknown>;
let p: TestPlatform;
let admin: Admin;
const { pipelineBuilder, stages, expressions: e } = dataItems;

const PRODUCTS = [
  { _id: 'a', name: 'Apple', category: 'fruit', price: 2, stock: 10, tags: ['red', 'sweet'], dims: { w: 1, h: 2 } },
  { _id: 'b', name: 'Banana', category: 'fruit', price: 1, stock: 30, tags: ['yellow', 'sweet'], dims: { w: 1, h: 5 } },
  { _id: 'c', name: 'Carrot', category: 'vegetable', price: 0.5, stock: 50, tags: ['orange'] },
  { _id: 'd', name: 'Dill', category: 'herb', price: 3, stock: 0, tags: [] },
  { _id: 'e', name: 'Eggplant', category: 'vegetable', price: 2.5, stock: 5 },
];

async function run(pipeline: ReturnType<ReturnType<typeof pipelineBuilder>['build']>, client: Admin = admin) {
  return client.items.aggregate('Products', pipeline) as Promise<{ results: Item[]; pagingMetadata: Item }>;
}

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = apiKeyClient(p);
  await admin.collections.createDataCollection({
    _id: 'Products',
    displayName: 'Products',
    fields: [
      { key: 'name', type: 'TEXT' },
      { key: 'category', type: 'TEXT' },
      { key: 'price', type: 'NUMBER' },
      { key: 'stock', type: 'NUMBER' },
      { key: 'tags', type: 'ARRAY_STRING' },
    ],
    permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
  } as never);
  // One at a time, so _createdDate (the pipeline's default order, newest first) follows the list.
  for (const item of PRODUCTS) await admin.items.insert('Products', item);
});

after(async () => {
  await p.stop();
});

describe('pipeline stages through the SDK', () => {
  it('filter, group (sum, avg, min, max, count), sort, limit', async () => {
    const { results } = await run(
      pipelineBuilder()
        .withStages([
          stages.filter().gt('stock', 0),
          stages
            .group()
            .by(e.field('category'), 'category')
            .sum(e.field('stock'), 'stock')
            .avg(e.field('price'), 'avgPrice')
            .min(e.field('price'), 'minPrice')
            .max(e.field('name'), 'lastName')
            .count('n'),
          stages.sort().descending('stock'),
          stages.limit(2),
        ])
        .build(),
    );
    assert.deepEqual(results, [
      { _id: { category: 'vegetable' }, stock: 55, avgPrice: 1.5, minPrice: 0.5, lastName: 'Eggplant', n: 2 },
      { _id: { category: 'fruit' }, stock: 40, avgPrice: 1.5, minPrice: 1, lastName: 'Banana', n: 2 },
    ]);
  });

  it('a filter after a group filters the groups', async () => {
    const { results } = await run(
      pipelineBuilder()
        .withStages([stages.group().by(e.field('category'), 'category').count('n'), stages.filter().ge('n', 2), stages.sort().ascending('_id.category')])
        .build(),
    );
    assert.deepEqual(
      results.map((r) => r['_id']),
      [{ category: 'fruit' }, { category: 'vegetable' }],
    );
  });

  it('project reshape: the docs example adds tax to the price in a new field; include and exclude', async () => {
    const { results } = await run(
      pipelineBuilder()
        .withStages([
          stages.sort().ascending('name'),
          stages
            .project()
            .include('name')
            .reshape(e.add(e.field('price'), e.multiply(e.field('price'), e.numeric(0.5))), 'priceWithTax'),
        ])
        .build(),
    );
    assert.deepEqual(
      results,
      PRODUCTS.map((x) => ({ _id: x._id, name: x.name, priceWithTax: x.price * 1.5 })),
    );
    const excluded = await run(
      pipelineBuilder()
        .withStages([stages.sort().ascending('name'), stages.project().exclude('tags', 'dims', '_createdDate', '_updatedDate', '_owner')])
        .build(),
    );
    assert.deepEqual(excluded.results[0], { _id: 'a', name: 'Apple', category: 'fruit', price: 2, stock: 10 });
  });

  it('project nested fields and text expressions (concat, toUpper, toLower, substring, length, stringify)', async () => {
    const { results } = await run(
      pipelineBuilder()
        .withStages([
          stages.filter().eq('_id', 'b'),
          stages
            .project()
            .reshape(e.concat(e.toUpper(e.field('name')), e.text('-'), e.stringify(e.field('price'))), 'label')
            .reshape(e.substring(e.toLower(e.field('name')), e.numeric(1), e.numeric(3)), 'middle')
            .reshape(e.length(e.field('name')), 'len')
            .projectNested(stages.project().include('dims.h').reshape(e.field('stock'), 'qty'), 'info'),
        ])
        .build(),
    );
    assert.deepEqual(results, [{ _id: 'b', label: 'BANANA-1', middle: 'ana', len: 6, info: { dims: { h: 5 }, qty: 30 } }]);
  });

  it('number expressions: subtract, divide, mod, abs, floor, ceil, sum; a bad operand gives no field', async () => {
    const { results } = await run(
      pipelineBuilder()
        .withStages([
          stages.filter().eq('_id', 'e'),
          stages
            .project()
            .reshape(e.subtract(e.field('price'), e.numeric(5)), 'diff')
            .reshape(e.abs(e.subtract(e.field('price'), e.numeric(5))), 'abs')
            .reshape(e.divide(e.field('stock'), e.numeric(2)), 'half')
            .reshape(e.mod(e.field('stock'), e.numeric(3)), 'mod')
            .reshape(e.floor(e.field('price')), 'floor')
            .reshape(e.ceil(e.field('price')), 'ceil')
            .reshape(e.sum(e.field('price'), e.field('stock'), e.numeric(1)), 'sum')
            .reshape(e.divide(e.field('stock'), e.numeric(0)), 'byZero')
            .reshape(e.add(e.field('name'), e.numeric(1)), 'textPlusOne'),
        ])
        .build(),
    );
    assert.deepEqual(results, [{ _id: 'e', diff: -2.5, abs: 2.5, half: 2.5, mod: 2, floor: 2, ceil: 3, sum: 8.5 }]);
  });

  it('unwind an array then group by its elements; first, last and push follow the stage order', async () => {
    const { results } = await run(
      pipelineBuilder()
        .withStages([
          stages.sort().ascending('name'),
          stages.unwind('tags'),
          stages.group().by(e.field('tags'), 'tag').count('n').first(e.field('name'), 'first').last(e.field('name'), 'last').push(e.field('_id'), 'ids'),
          stages.sort().descending('n').ascending('_id.tag'),
        ])
        .build(),
    );
    assert.deepEqual(results, [
      { _id: { tag: 'sweet' }, n: 2, first: 'Apple', last: 'Banana', ids: ['a', 'b'] },
      { _id: { tag: 'orange' }, n: 1, first: 'Carrot', last: 'Carrot', ids: ['c'] },
      { _id: { tag: 'red' }, n: 1, first: 'Apple', last: 'Apple', ids: ['a'] },
      { _id: { tag: 'yellow' }, n: 1, first: 'Banana', last: 'Banana', ids: ['b'] },
    ]);
  });

  it('objectToArray turns an object into [{k, v}]', async () => {
    const { results } = await run(
      pipelineBuilder()
        .withStages([stages.filter().eq('_id', 'a'), stages.objectToArray('dims', 'dimList'), stages.project().include('dimList')])
        .build(),
    );
    assert.deepEqual(results, [
      {
        _id: 'a',
        dimList: [
          { k: 'w', v: 1 },
          { k: 'h', v: 2 },
        ],
      },
    ]);
  });

  it('skip and limit stages, then the pipeline paging, with hasNext', async () => {
    const sorted = [...PRODUCTS].sort((a, b) => a.price - b.price).map((x) => x._id);
    const { results, pagingMetadata } = await run(
      pipelineBuilder()
        .withStages([stages.sort().ascending('price'), stages.skip(1), stages.limit(3), stages.project().include('_id')])
        .withPaging({ limit: 2, offset: 1 })
        .build(),
    );
    assert.deepEqual(
      results.map((r) => r['_id']),
      sorted.slice(2, 4),
    );
    assert.equal(pagingMetadata['hasNext'], false);
    assert.equal(pagingMetadata['count'], 2);
  });

  it('without a sort the default order is newest first', async () => {
    const { results } = await run(
      pipelineBuilder()
        .withStages([stages.project().include('_id')])
        .build(),
    );
    assert.deepEqual(
      results.map((r) => r['_id']),
      PRODUCTS.map((x) => x._id).reverse(),
    );
  });
});

describe('pipeline over REST', () => {
  it('answers {results, pagingMetadata} under both prefixes; returnTotalCount and cursor paging', async () => {
    const pipeline = {
      stages: [
        { group: { groupIds: [{ key: 'c', expression: { fieldPath: 'category' } }], accumulators: [] } },
        { sort: { values: [{ fieldName: '_id.c' }] } },
      ],
    };
    for (const prefix of ['/wix-data/v2', '/_api/cloud-data/v2']) {
      const res = await rawCall(p, `${prefix}/items/aggregate-pipeline`, {
        headers: adminHeaders(p),
        body: JSON.stringify({ dataCollectionId: 'Products', pipeline: { ...pipeline, paging: { limit: 2 } }, returnTotalCount: true }),
      });
      assert.equal(res.status, 200, res.text);
      assert.deepEqual(res.json?.['results'], [{ _id: { c: 'fruit' } }, { _id: { c: 'herb' } }]);
      assert.deepEqual(res.json?.['pagingMetadata'], { count: 2, hasNext: true, offset: 0, total: 3, tooManyToCount: false });
    }
    const first = await rawCall(p, '/wix-data/v2/items/aggregate-pipeline', {
      headers: adminHeaders(p),
      body: JSON.stringify({ dataCollectionId: 'Products', pipeline: { ...pipeline, cursorPaging: { limit: 2 } } }),
    });
    const cursor = first.json?.['pagingMetadata']?.['cursors']?.['next'] as string;
    assert.ok(cursor);
    const second = await rawCall(p, '/wix-data/v2/items/aggregate-pipeline', {
      headers: adminHeaders(p),
      body: JSON.stringify({ dataCollectionId: 'Products', pipeline: { cursorPaging: { limit: 2, cursor } } }),
    });
    assert.deepEqual(second.json?.['results'], [{ _id: { c: 'vegetable' } }]);
  });
});

describe('pipeline permissions', () => {
  it('a visitor on an admin-only collection gets 403 WDE0027', async () => {
    await admin.collections.createDataCollection({
      _id: 'Ledger',
      displayName: 'Ledger',
      fields: [{ key: 'amount', type: 'NUMBER' }],
      permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    } as never);
    const visitor = visitorClient(p);
    visitor.auth.setTokens(await visitor.auth.generateVisitorTokens());
    await assert.rejects(
      () =>
        visitor.items.aggregate(
          'Ledger',
          pipelineBuilder()
            .withStages([stages.group().sum(e.field('amount'), 'total')])
            .build(),
        ),
      (error: unknown) => errorCode(error) === 'WDE0027',
    );
  });

  it('a member on a SITE_MEMBER_AUTHOR collection sums its own items only', async () => {
    await admin.collections.createDataCollection({
      _id: 'Expenses',
      displayName: 'Expenses',
      fields: [{ key: 'amount', type: 'NUMBER' }],
      permissions: { read: 'SITE_MEMBER_AUTHOR', insert: 'SITE_MEMBER_AUTHOR', update: 'SITE_MEMBER_AUTHOR', remove: 'SITE_MEMBER_AUTHOR' },
    } as never);
    const mine = p.createMember({ email: 'pipe-a@example.com', password: 'pipe-a-password' });
    const theirs = p.createMember({ email: 'pipe-b@example.com', password: 'pipe-b-password' });
    await admin.items.bulkInsert('Expenses', [
      { _owner: mine.id, amount: 5 },
      { _owner: mine.id, amount: 7 },
      { _owner: theirs.id, amount: 1000 },
    ]);
    const { client } = await memberClient(p, 'pipe-a@example.com', 'pipe-a-password');
    const result = (await client.items.aggregate(
      'Expenses',
      pipelineBuilder()
        .withStages([stages.group().sum(e.field('amount'), 'total')])
        .build(),
    )) as {
      results: Item[];
    };
    assert.deepEqual(result.results, [{ _id: null, total: 12 }]);
  });
});

describe('pipeline: hostile input', () => {
  const post = (pipeline: unknown) =>
    rawCall(p, '/wix-data/v2/items/aggregate-pipeline', { headers: adminHeaders(p), body: JSON.stringify({ dataCollectionId: 'Products', pipeline }) });

  it('a group stage with no group IDs and no accumulators is one result {_id: null}, and none for no items (fuzz finding: it was a 500)', async () => {
    const one = await post({ stages: [{ group: { groupIds: [], accumulators: [] } }] });
    assert.equal(one.status, 200, one.text);
    assert.deepEqual((one.json as { results: unknown }).results, [{ _id: null }]);
    const none = await post({ stages: [{ filter: { name: 'no such name' } }, { group: {} }] });
    assert.equal(none.status, 200, none.text);
    assert.deepEqual((none.json as { results: unknown }).results, []);
  });

  it('too many stages, unwinds, expression parts or depth, unknown or doubled stages are typed 400s', async () => {
    let deep: unknown = { fieldPath: 'price' };
    for (let i = 0; i < 20; i++) deep = { abs: { expression: deep } };
    const wide = { add: { expressions: Array.from({ length: 101 }, () => ({ numeric: 1 })) } };
    const many = Array.from({ length: 11 }, () => ({
      projection: {
        fields: [{ reshape: { resultFieldName: 'x', expression: { add: { expressions: Array.from({ length: 100 }, () => ({ numeric: 1 })) } } } }],
      },
    }));
    const cases: unknown[] = [
      { stages: Array.from({ length: 101 }, () => ({ limit: 1 })) },
      { stages: [{ unwindArray: { arrayFieldName: 'tags' } }, { unwindArray: { arrayFieldName: 'tags' } }, { unwindArray: { arrayFieldName: 'tags' } }] },
      { stages: [{ projection: { fields: [{ reshape: { resultFieldName: 'x', expression: deep } }] } }] },
      { stages: [{ projection: { fields: [{ reshape: { resultFieldName: 'x', expression: wide } }] } }] },
      { stages: many },
      { stages: [{ lookup: {} }] },
      { stages: [{ limit: 1, skip: 1 }] },
      { stages: [{ limit: -1 }] },
      { stages: [{ skip: 1e12 }] },
      { stages: [{ group: { groupIds: Array.from({ length: 33 }, (_, i) => ({ key: `k${i}`, expression: { numeric: i } })) } }] },
      { stages: [{ group: { accumulators: [{ resultFieldName: 'a', median: { expression: { numeric: 1 } } }] } }] },
      { stages: [{ group: { accumulators: [{ resultFieldName: '_id', sum: { expression: { numeric: 1 } } }] } }] },
      { stages: [{ projection: { fields: [{ include: { fieldName: "a'); DROP TABLE x; --" } }] } }] },
      { stages: [{ projection: { fields: [{ include: { fieldName: 'a' } }, { include: { fieldName: 'a.b' } }] } }] },
      { stages: [{ projection: { fields: [{ reshape: { resultFieldName: 'x', expression: { text: 'x'.repeat(10_001) } } }] } }] },
      { stages: [{ filter: { $where: '1' } }] },
      { stages: [], paging: { limit: 1001 } },
      { stages: [], cursorPaging: { cursor: 'e30' } },
    ];
    for (const pipeline of cases) {
      const res = await post(pipeline);
      assert.equal(res.status, 400, `${JSON.stringify(pipeline).slice(0, 120)}: ${res.text.slice(0, 200)}`);
      assert.ok(res.json?.['details'], 'in Wix error shape');
    }
    assert.equal((await admin.items.query('Products').find()).items.length, PRODUCTS.length, 'nothing was touched');
  });

  it('prototype names as keys, result names and paths are ordinary JSON keys', async () => {
    const res = await post({
      stages: [
        { filter: { _id: 'a' } },
        {
          group: {
            groupIds: [{ key: '__proto__', expression: { fieldPath: 'constructor' } }],
            accumulators: [{ resultFieldName: 'constructor', sum: { expression: { fieldPath: '__proto__.polluted' } } }],
          },
        },
        {
          projection: {
            fields: [{ reshape: { resultFieldName: '__proto__.polluted', expression: { text: 'yes' } } }, { include: { fieldName: 'constructor' } }],
          },
        },
      ],
    });
    assert.equal(res.status, 200, res.text);
    assert.equal(({} as Item)['polluted'], undefined);
    assert.equal(res.text.includes('"polluted":"yes"'), true);
  });

  it('property: group sum/count/min/max equal a JavaScript reference over random items', async () => {
    await admin.collections.createDataCollection({
      _id: 'Numbers',
      displayName: 'Numbers',
      fields: [],
      permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    } as never);
    const item = fc.record({ g: fc.constantFrom('x', 'y'), v: fc.oneof(fc.integer({ min: -100, max: 100 }), fc.constant(null), fc.constant('t')) });
    await fc.assert(
      fc.asyncProperty(fc.array(item, { maxLength: 30 }), async (rows) => {
        await admin.items.truncate('Numbers');
        if (rows.length) await admin.items.bulkInsert('Numbers', rows);
        const pipeline = pipelineBuilder()
          .withStages([
            stages.group().by(e.field('g'), 'g').count('n').sum(e.field('v'), 's').min(e.field('v'), 'lo').max(e.field('v'), 'hi'),
            stages.sort().ascending('_id.g'),
          ])
          .build();
        const { results } = (await admin.items.aggregate('Numbers', pipeline)) as { results: Item[] };
        const groups = [...new Set(rows.map((r) => r.g))].sort();
        assert.deepEqual(
          results.map((r) => (r['_id'] as { g: string }).g),
          groups,
        );
        for (const r of results) {
          const members = rows.filter((x) => x.g === (r['_id'] as { g: string }).g);
          const numbers = members.map((x) => x.v).filter((x): x is number => typeof x === 'number');
          const texts = members.some((x) => x.v === 't');
          assert.equal(r['n'], members.length);
          assert.equal(
            r['s'],
            numbers.reduce((a, b) => a + b, 0),
          );
          assert.equal(r['lo'] ?? null, numbers.length ? Math.min(...numbers) : texts ? 't' : null);
          assert.equal(r['hi'] ?? null, texts ? 't' : numbers.length ? Math.max(...numbers) : null);
        }
      }),
      { numRuns: 20 },
    );
  });
});
