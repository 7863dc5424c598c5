/**
 * Aggregate (POST /v2/items/aggregate) through the official @wix/data builder, `items.aggregate(c)...run()`,
 * and raw REST. The data and the expected answers follow the Velo "Working with Aggregations" docs' PopulationData
 * example (city, population, state, year); the expected numbers are computed here from that data.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  adminHeaders,
  apiKeyClient,
  createTestCollection,
  errorCode,
  memberClient,
  rawCall,
  startTestPlatform,
  visitorClient,
  type TestPlatform,
} from './helpers.ts';

type Admin = ReturnType<typeof apiKeyClient>;
type Item = Record<string, unknown>;
let p: TestPlatform;
let admin: Admin;

const CITIES: [string, number, string, number][] = [
  ['Buffalo', 292000, 'NY', 2000],
  ['Buffalo', 261000, 'NY', 2010],
  ['Los Angeles', 3703000, 'CA', 2000],
  ['Los Angeles', 3796000, 'CA', 2010],
  ['Miami', 362000, 'FL', 2000],
  ['Miami', 401000, 'FL', 2010],
  ['New York', 8015000, 'NY', 2000],
  ['New York', 8192000, 'NY', 2010],
  ['Orlando', 195000, 'FL', 2000],
  ['Orlando', 240000, 'FL', 2010],
  ['San Diego', 1228000, 'CA', 2000],
  ['San Diego', 1306000, 'CA', 2010],
  ['San Francisco', 777000, 'CA', 2000],
  ['San Francisco', 805000, 'CA', 2010],
];
const POPULATION = CITIES.map(([city, population, state, year], i) => ({
  _id: `c${i}`,
  city,
  population,
  state,
  year,
  census: new Date(Date.UTC(year, i % 12, 1)),
}));

const byState = (pick: (rows: typeof POPULATION) => number) =>
  Object.fromEntries(['CA', 'FL', 'NY'].map((s) => [s, pick(POPULATION.filter((r) => r.state === s))]));
const sum = (rows: typeof POPULATION) => rows.reduce((a, r) => a + r.population, 0);

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = apiKeyClient(p);
  await admin.collections.createDataCollection({
    _id: 'PopulationData',
    displayName: 'Population',
    fields: [
      { key: 'city', type: 'TEXT' },
      { key: 'population', type: 'NUMBER' },
      { key: 'state', type: 'TEXT' },
      { key: 'year', type: 'NUMBER' },
      { key: 'census', type: 'DATETIME' },
    ],
    permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
  } as never);
  assert.equal((await admin.items.bulkInsert('PopulationData', POPULATION)).inserted, POPULATION.length);
});

after(async () => {
  await p.stop();
});

describe('aggregate through the SDK builder (docs examples)', () => {
  it('group("state").max("population"): one item per state, _id unwrapped by the SDK to the state', async () => {
    const result = await admin.items.aggregate('PopulationData').group('state').max('population').run();
    assert.deepEqual(result.items, [
      { _id: 'CA', populationMax: 3796000 },
      { _id: 'FL', populationMax: 401000 },
      { _id: 'NY', populationMax: 8192000 },
    ]);
    assert.equal(result.length, 3);
    assert.equal(result.hasNext(), false);
  });

  it('count, sum, avg and min per group, with the documented default result names', async () => {
    const result = await admin.items.aggregate('PopulationData').group('state').count().sum('population').avg('population').min('population').run();
    const expectedSum = byState(sum);
    for (const item of result.items as Record<string, number>[]) {
      const state = item['_id'] as unknown as string;
      const rows = POPULATION.filter((r) => r.state === state);
      assert.equal(item['count'], rows.length, `${state} count`);
      assert.equal(item['populationSum'], expectedSum[state], `${state} sum`);
      assert.equal(item['populationAvg'], expectedSum[state]! / rows.length, `${state} avg`);
      assert.equal(item['populationMin'], Math.min(...rows.map((r) => r.population)), `${state} min`);
    }
  });

  it('an aggregation without group covers the whole collection in one item', async () => {
    const result = await admin.items.aggregate('PopulationData').max('population').count().run();
    assert.equal(result.items.length, 1);
    assert.equal(result.items[0]!['populationMax'], 8192000);
    assert.equal(result.items[0]!['count'], POPULATION.length);
  });

  it('filter() applies before grouping and having() after it', async () => {
    const result = await admin.items
      .aggregate('PopulationData')
      .filter(admin.items.filter().eq('year', 2010))
      .group('state')
      .sum('population')
      .having(admin.items.filter().gt('populationSum', 1_000_000))
      .run();
    const expected = Object.entries(byState((rows) => sum(rows.filter((r) => r.year === 2010)))).filter(([, n]) => n > 1_000_000);
    assert.deepEqual(
      result.items.map((i: Item) => [i['_id'], i['populationSum']]),
      expected,
    );
  });

  it('sorts by a result field, and pages with limit and skip', async () => {
    const all = await admin.items.aggregate('PopulationData').group('city').max('population').descending('populationMax').run();
    const cities = [...new Set(POPULATION.map((r) => r.city))];
    const expected = cities.map((c) => [c, Math.max(...POPULATION.filter((r) => r.city === c).map((r) => r.population))] as const).sort((a, b) => b[1] - a[1]);
    assert.deepEqual(
      all.items.map((i: Item) => i['_id']),
      expected.map(([c]) => c),
    );
    const page = await admin.items.aggregate('PopulationData').group('city').max('population').descending('populationMax').skip(2).limit(2).run();
    assert.deepEqual(
      page.items.map((i: Item) => i['_id']),
      expected.slice(2, 4).map(([c]) => c),
    );
    assert.equal(page.hasNext(), true);
    const next = await page.next();
    assert.deepEqual(
      next.items.map((i: Item) => i['_id']),
      expected.slice(4, 6).map(([c]) => c),
    );
  });

  it('groups by two fields: _id holds both values', async () => {
    const result = await admin.items.aggregate('PopulationData').group('state', 'year').count().run();
    assert.equal(result.items.length, 6);
    for (const item of result.items) {
      const id = item['_id'] as unknown as { state: string; year: number };
      assert.equal(item['count'], POPULATION.filter((r) => r.state === id.state && r.year === id.year).length);
    }
  });

  it('min and max of a date field come back as dates', async () => {
    const result = await admin.items.aggregate('PopulationData').min('census').max('census').run();
    const times = POPULATION.map((r) => r.census.getTime());
    assert.ok(result.items[0]!['censusMin'] instanceof Date);
    assert.equal((result.items[0]!['censusMin'] as unknown as Date).getTime(), Math.min(...times));
    assert.equal((result.items[0]!['censusMax'] as unknown as Date).getTime(), Math.max(...times));
  });

  it('returnTotalCount gives the number of groups', async () => {
    const result = await admin.items.aggregate('PopulationData').group('city').count().limit(2).run({ returnTotalCount: true });
    assert.equal(result.totalCount, new Set(POPULATION.map((r) => r.city)).size);
  });
});

describe('aggregate over REST', () => {
  it('answers Wix shape under both data prefixes: results with _id {field: value}, pagingMetadata', async () => {
    for (const prefix of ['/wix-data/v2', '/_api/cloud-data/v2']) {
      const res = await rawCall(p, `${prefix}/items/aggregate`, {
        headers: adminHeaders(p),
        body: JSON.stringify({
          dataCollectionId: 'PopulationData',
          initialFilter: { year: 2000 },
          aggregation: {
            groupingFields: ['state'],
            operations: [
              { resultFieldName: 'total', sum: { itemFieldName: 'population' } },
              { resultFieldName: 'n', itemCount: {} },
            ],
          },
          sort: [{ fieldName: 'total', order: 'DESC' }],
          paging: { limit: 2 },
          returnTotalCount: true,
        }),
      });
      assert.equal(res.status, 200, res.text);
      const totals = byState((rows) => sum(rows.filter((r) => r.year === 2000)));
      const expected = Object.entries(totals)
        .sort((a, b) => b[1] - a[1])
        .slice(0, 2)
        .map(([state, total]) => ({ _id: { state }, total, n: POPULATION.filter((r) => r.state === state && r.year === 2000).length }));
      assert.deepEqual(res.json?.['results'], expected);
      assert.deepEqual(res.json?.['pagingMetadata'], { count: 2, hasNext: true, offset: 0, total: 3, tooManyToCount: false });
    }
  });

  it('cursor paging walks all groups once', async () => {
    const seen: unknown[] = [];
    let cursorPaging: Record<string, unknown> = { limit: 3 };
    const first = {
      dataCollectionId: 'PopulationData',
      aggregation: { groupingFields: ['city'], operations: [{ resultFieldName: 'n', itemCount: {} }] },
    };
    for (let i = 0; i < 10; i++) {
      const res = await rawCall(p, '/wix-data/v2/items/aggregate', {
        headers: adminHeaders(p),
        body: JSON.stringify(i === 0 ? { ...first, cursorPaging } : { dataCollectionId: 'PopulationData', cursorPaging }),
      });
      assert.equal(res.status, 200, res.text);
      seen.push(...(res.json?.['results'] as { _id: unknown }[]).map((r) => r._id));
      const next = res.json?.['pagingMetadata']?.['cursors']?.['next'];
      if (!next) break;
      cursorPaging = { limit: 3, cursor: next };
    }
    assert.equal(seen.length, 7);
    assert.equal(new Set(seen.map((s) => JSON.stringify(s))).size, 7);
  });
});

describe('aggregate permissions', () => {
  it('a visitor on an admin-only collection gets 403 WDE0027 and nothing is read', async () => {
    await admin.collections.createDataCollection({
      _id: 'Secrets',
      displayName: 'Secrets',
      fields: [{ key: 'v', type: 'NUMBER' }],
      permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    } as never);
    await admin.items.insert('Secrets', { v: 1 });
    const visitor = visitorClient(p);
    visitor.auth.setTokens(await visitor.auth.generateVisitorTokens());
    await assert.rejects(
      () => visitor.items.aggregate('Secrets').sum('v').run(),
      (error: unknown) => errorCode(error) === 'WDE0027',
    );
  });

  it('a member on a SITE_MEMBER_AUTHOR collection aggregates over its own items only', async () => {
    await admin.collections.createDataCollection({
      _id: 'Notes',
      displayName: 'Notes',
      fields: [{ key: 'n', type: 'NUMBER' }],
      permissions: { read: 'SITE_MEMBER_AUTHOR', insert: 'SITE_MEMBER_AUTHOR', update: 'SITE_MEMBER_AUTHOR', remove: 'SITE_MEMBER_AUTHOR' },
    } as never);
    const mine = p.createMember({ email: 'agg-a@example.com', password: 'agg-a-password' });
    const theirs = p.createMember({ email: 'agg-b@example.com', password: 'agg-b-password' });
    await admin.items.bulkInsert('Notes', [
      { _owner: mine.id, n: 1 },
      { _owner: mine.id, n: 2 },
      { _owner: theirs.id, n: 100 },
    ]);
    const { client } = await memberClient(p, 'agg-a@example.com', 'agg-a-password');
    const result = await client.items.aggregate('Notes').sum('n').count().run();
    assert.deepEqual(
      result.items.map((i: Item) => [i['nSum'], i['count']]),
      [[3, 2]],
    );
    const all = await admin.items.aggregate('Notes').sum('n').run();
    assert.equal(all.items[0]!['nSum'], 103);
  });
});

describe('aggregate: hostile input', () => {
  before(async () => {
    await createTestCollection(admin, 'Loose');
    await admin.items.bulkInsert('Loose', <Item[]>[
      { constructor: 'a', __proto__x: 1, price: 10 },
      { constructor: 'a', price: '12' },
      { constructor: 'b', price: true },
      { constructor: 'b', price: 5.5 },
      { price: null },
    ]);
  });

  it('prototype names as group and operation fields are ordinary (missing or stored) fields', async () => {
    for (const field of ['__proto__', 'constructor', 'prototype', 'toString']) {
      const res = await rawCall(p, '/wix-data/v2/items/aggregate', {
        headers: adminHeaders(p),
        body: JSON.stringify({
          dataCollectionId: 'Loose',
          aggregation: {
            groupingFields: [field],
            operations: [
              { resultFieldName: field, sum: { itemFieldName: field } },
              { resultFieldName: 'n', itemCount: {} },
            ],
          },
        }),
      });
      assert.equal(res.status, 200, `${field}: ${res.text}`);
      const results = res.json?.['results'] as Record<string, unknown>[];
      const total = results.reduce((a, r) => a + (r['n'] as number), 0);
      assert.equal(total, 5, `${field}: every item is in one group`);
    }
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('sum and avg leave out values that are not numbers (strings, booleans, null)', async () => {
    const result = await admin.items.aggregate('Loose').group('constructor').sum('price').avg('price').count().run();
    const rows = Object.fromEntries(result.items.map((i: Item) => [String(i['_id']), i]));
    assert.equal(rows['a']!['priceSum'], 10);
    assert.equal(rows['a']!['priceAvg'], 10);
    assert.equal(rows['b']!['priceSum'], 5.5);
    assert.equal(rows['null']!['priceSum'], 0, 'a group with no numbers sums to 0');
    assert.equal(rows['null']!['priceAvg'], null, 'and has no average');
  });

  it('10,000 grouping fields, 10,000 operations or a bad operation are a 400, not work', async () => {
    const many = Array.from({ length: 10_000 }, (_, i) => `f${i}`);
    const bodies = [
      { aggregation: { groupingFields: many } },
      { aggregation: { operations: many.map((f) => ({ resultFieldName: f, sum: { itemFieldName: f } })) } },
      { aggregation: { operations: [{ resultFieldName: 'x', sum: { itemFieldName: 'a' }, max: { itemFieldName: 'a' } }] } },
      { aggregation: { operations: [{ resultFieldName: 'x', median: { itemFieldName: 'a' } }] } },
      { aggregation: { operations: [{ resultFieldName: 'x', sum: { itemFieldName: 'a..b' } }] } },
      { aggregation: { operations: [{ resultFieldName: 'x', sum: { itemFieldName: "a') --" } }] } },
      { aggregation: { operations: [{ resultFieldName: 'x', sum: { itemFieldName: 7 } }] } },
      { aggregation: { operations: [{ resultFieldName: '_id', itemCount: {} }] } },
      // ItemCount is an empty message (the SDK sends {}): a list, a value or fields are not one.
      { aggregation: { operations: [{ resultFieldName: 'n', itemCount: [] }] } },
      { aggregation: { operations: [{ resultFieldName: 'n', itemCount: 1 }] } },
      { aggregation: { operations: [{ resultFieldName: 'n', itemCount: { itemFieldName: 'a' } }] } },
      { aggregation: { groupingFields: [{ $gt: 1 }] } },
      { paging: { limit: 1001 } },
      { paging: { limit: 1 }, cursorPaging: { limit: 1 } },
      { cursorPaging: { cursor: 'not-a-cursor' } },
      { initialFilter: { $where: 'x' } },
    ];
    for (const extra of bodies) {
      const res = await rawCall(p, '/wix-data/v2/items/aggregate', { headers: adminHeaders(p), body: JSON.stringify({ dataCollectionId: 'Loose', ...extra }) });
      assert.equal(res.status, 400, `${JSON.stringify(extra).slice(0, 120)}: ${res.text.slice(0, 200)}`);
      assert.ok(res.json?.['details'], 'in Wix error shape');
    }
  });

  it('property: count, sum, min and max per group equal a JavaScript reference over the same random items', async () => {
    await admin.collections.createDataCollection({
      _id: 'Random',
      displayName: 'Random',
      fields: [{ key: 'g', type: 'TEXT' }],
      permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    } as never);
    const value = fc.oneof(
      fc.integer({ min: -1000, max: 1000 }),
      fc.double({ min: -1e6, max: 1e6, noNaN: true, noDefaultInfinity: true }).map((x) => (x === 0 ? 0 : x)) /* JSON has no -0 */,
      fc.constant(undefined),
      fc.string({ maxLength: 3 }),
    );
    const item = fc.record({ g: fc.constantFrom('x', 'y', 'z'), v: value });
    await fc.assert(
      fc.asyncProperty(fc.array(item, { minLength: 0, maxLength: 40 }), async (rows) => {
        await admin.items.truncate('Random');
        if (rows.length)
          await admin.items.bulkInsert(
            'Random',
            rows.map((r) => (r.v === undefined ? { g: r.g } : { g: r.g, v: r.v })),
          );
        const result = await admin.items.aggregate('Random').group('g').count().sum('v').min('v').max('v').run();
        const groups = [...new Set(rows.map((r) => r.g))].sort();
        assert.deepEqual(
          result.items.map((i: Item) => i['_id']),
          groups,
        );
        for (const item of result.items) {
          const members = rows.filter((r) => r.g === item['_id']);
          const numbers = members.map((r) => r.v).filter((x): x is number => typeof x === 'number');
          const strings = members.map((r) => r.v).filter((x): x is string => typeof x === 'string');
          assert.equal(item['count'], members.length);
          assert.ok(Math.abs((item['vSum'] as number) - numbers.reduce((a, b) => a + b, 0)) < 1e-6, 'sum');
          // Numbers sort below strings (MongoDB's order across types), so min is a number when there is one.
          const min = numbers.length ? Math.min(...numbers) : strings.length ? strings.sort()[0] : null;
          const max = strings.length ? strings.sort()[strings.length - 1] : numbers.length ? Math.max(...numbers) : null;
          assert.equal(item['vMin'], min, 'min');
          assert.equal(item['vMax'], max, 'max');
        }
      }),
      { numRuns: 25 },
    );
  });
});
