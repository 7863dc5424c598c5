/**
 * Data Items v2 conformance, driven through the official @wix/sdk + @wix/data clients (not hand-written
 * HTTP), so what passes here is what a real app sees. Reference: wix-rest-contracts.md §1-§3.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { apiKeyClient, adminHeaders, createTestCollection, errorCode, rawCall, startTestPlatform, type TestPlatform } from './helpers.ts';

type Admin = ReturnType<typeof apiKeyClient>;
let p: TestPlatform;
let admin: Admin;

const GEAR = [
  {
    _id: 'g1',
    title: 'Alpine Trek Backpack',
    category: 'Backpacks',
    price: 120,
    inStock: true,
    tags: ['waterproof', 'new'],
    released: new Date('2024-03-01T00:00:00Z'),
    rating: 4.5,
  },
  {
    _id: 'g2',
    title: 'Summit Tent 2P',
    category: 'Tents',
    price: 340,
    inStock: false,
    tags: ['ultralight'],
    released: new Date('2023-06-15T00:00:00Z'),
    rating: 4.8,
  },
  {
    _id: 'g3',
    title: 'trail runner shoe',
    category: 'Footwear',
    price: 89.5,
    inStock: true,
    tags: ['vegan', 'new'],
    released: new Date('2025-01-10T00:00:00Z'),
  },
  {
    _id: 'g4',
    title: 'Glacier Down Jacket',
    category: 'Jackets',
    price: 410,
    inStock: true,
    tags: [],
    released: new Date('2022-11-20T00:00:00Z'),
    rating: 3.9,
  },
  {
    _id: 'g5',
    title: 'Ember Camp Stove',
    category: 'Cooking',
    price: 65,
    inStock: true,
    tags: ['ultralight', 'new'],
    released: new Date('2025-05-05T00:00:00Z'),
    rating: null,
  },
  { _id: 'g6', title: 'Beacon Headlamp', category: 'Lighting', price: 35, inStock: false, released: new Date('2021-02-02T00:00:00Z'), rating: 4.1, code: '35' },
];

const ids = (items: { _id: string }[]) => items.map((i) => i._id);

/** `exists()` is emitted by the builder but typed @internal, so it is reached through a narrow cast. */
type Query = ReturnType<Admin['items']['query']>;
const exists = (q: Query, field: string, value: boolean): Query => (q as Query & { exists(f: string, v: boolean): Query }).exists(field, value);

before(async () => {
  p = await startTestPlatform();
  admin = apiKeyClient(p);
  await admin.collections.createDataCollection({
    _id: 'Gear',
    displayName: 'Gear',
    fields: [
      { key: 'title', type: 'TEXT' },
      { key: 'category', type: 'TEXT' },
      { key: 'price', type: 'NUMBER' },
      { key: 'inStock', type: 'BOOLEAN' },
      { key: 'tags', type: 'ARRAY_STRING' },
      { key: 'released', type: 'DATETIME' },
      { key: 'rating', type: 'NUMBER' },
    ],
    permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
  } as never);
  const result = await admin.items.bulkInsert('Gear', GEAR);
  assert.equal(result.inserted, GEAR.length);
});

after(async () => {
  await p.stop();
});

describe('filters (every operator the SDK emits)', () => {
  const cases: [string, () => Promise<{ items: { _id: string }[] }>, string[]][] = [
    ['eq (implicit)', () => admin.items.query('Gear').eq('category', 'Tents').find(), ['g2']],
    [
      'eq is type-exact ("35" is not 35)',
      () =>
        admin.items
          .query('Gear')
          .eq('price', '35' as never)
          .find(),
      [],
    ],
    ['eq on a string field with a number', () => admin.items.query('Gear').eq('code', 35).find(), []],
    ['eq on an array field matches any element', () => admin.items.query('Gear').eq('tags', 'vegan').find(), ['g3']],
    ['ne (includes items missing the field)', () => admin.items.query('Gear').ne('category', 'Tents').find(), ['g1', 'g3', 'g4', 'g5', 'g6']],
    ['gt', () => admin.items.query('Gear').gt('price', 120).find(), ['g2', 'g4']],
    ['ge', () => admin.items.query('Gear').ge('price', 120).find(), ['g1', 'g2', 'g4']],
    ['lt', () => admin.items.query('Gear').lt('price', 65).find(), ['g6']],
    ['le', () => admin.items.query('Gear').le('price', 65).find(), ['g5', 'g6']],
    ['between (end exclusive)', () => admin.items.query('Gear').between('price', 65, 120).find(), ['g3', 'g5']],
    ['gt on strings is lexicographic', () => admin.items.query('Gear').gt('category', 'Jackets').find(), ['g2', 'g6']],
    ['contains is case-insensitive', () => admin.items.query('Gear').contains('title', 'TREK').find(), ['g1']],
    ['startsWith is case-insensitive', () => admin.items.query('Gear').startsWith('title', 'TRAIL').find(), ['g3']],
    ['endsWith is case-insensitive', () => admin.items.query('Gear').endsWith('title', 'STOVE').find(), ['g5']],
    ['hasSome on an array field', () => admin.items.query('Gear').hasSome('tags', ['vegan', 'ultralight']).find(), ['g2', 'g3', 'g5']],
    ['hasSome on a scalar field', () => admin.items.query('Gear').hasSome('category', ['Tents', 'Cooking']).find(), ['g2', 'g5']],
    ['hasAll on an array field', () => admin.items.query('Gear').hasAll('tags', ['ultralight', 'new']).find(), ['g5']],
    ['exists(true)', () => exists(admin.items.query('Gear'), 'rating', true).find(), ['g1', 'g2', 'g4', 'g6']],
    ['exists(false)', () => exists(admin.items.query('Gear'), 'rating', false).find(), ['g3', 'g5']],
    ['isEmpty matches missing and null', () => admin.items.query('Gear').isEmpty('rating').find(), ['g3', 'g5']],
    ['isNotEmpty', () => admin.items.query('Gear').isNotEmpty('rating').find(), ['g1', 'g2', 'g4', 'g6']],
    ['boolean eq', () => admin.items.query('Gear').eq('inStock', false).find(), ['g2', 'g6']],
    ['date gt with a Date', () => admin.items.query('Gear').gt('released', new Date('2024-12-31T00:00:00Z')).find(), ['g3', 'g5']],
    ['date eq with a Date', () => admin.items.query('Gear').eq('released', new Date('2023-06-15T00:00:00Z')).find(), ['g2']],
    [
      'system field _createdDate',
      () =>
        admin.items
          .query('Gear')
          .le('_createdDate', new Date(Date.now() + 60_000))
          .find(),
      ['g1', 'g2', 'g3', 'g4', 'g5', 'g6'],
    ],
    ['system field _id with in', () => admin.items.query('Gear').hasSome('_id', ['g4', 'g1']).find(), ['g1', 'g4']],
    ['or', () => admin.items.query('Gear').eq('category', 'Tents').or(admin.items.query('Gear').lt('price', 40)).find(), ['g2', 'g6']],
    ['and', () => admin.items.query('Gear').gt('price', 60).and(admin.items.query('Gear').eq('inStock', true)).find(), ['g1', 'g3', 'g4', 'g5']],
    [
      'not',
      () =>
        admin.items
          .query('Gear')
          .not(admin.items.query('Gear').hasSome('tags', ['new']))
          .find(),
      ['g2', 'g4', 'g6'],
    ],
    ['not of isEmpty keeps exact logic', () => admin.items.query('Gear').not(admin.items.query('Gear').isEmpty('rating')).find(), ['g1', 'g2', 'g4', 'g6']],
  ];
  for (const [name, run, expected] of cases) {
    it(name, async () => {
      const result = await run();
      assert.deepEqual(ids(result.items).sort(), expected);
    });
  }

  it('$not on a field negates its operators, as Wix’s filter check allows; an item without the field matches (REST)', async () => {
    const query = async (filter: unknown) => {
      const r = await rawCall(p, '/wix-data/v2/items/query', {
        headers: adminHeaders(p),
        body: JSON.stringify({ dataCollectionId: 'Gear', query: { filter } }),
      });
      return { status: r.status, ids: ((r.json?.['dataItems'] ?? []) as { id: string }[]).map((i) => i.id).sort() };
    };
    const all = (await query({})).ids;
    for (const inner of [{ $gt: 4 }, { $gt: 4, $lt: 4.6 }, { $exists: true }, { $in: [4.5, 3.9] }]) {
      const matched = (await query({ rating: inner })).ids;
      const negated = await query({ rating: { $not: inner } });
      assert.equal(negated.status, 200, JSON.stringify(inner));
      assert.deepEqual(
        negated.ids,
        all.filter((id) => !matched.includes(id)),
        JSON.stringify(inner),
      );
    }
    assert.ok((await query({ rating: { $not: { $gt: 4 } } })).ids.includes('g3'), 'g3 has no rating');
    // The same exactness for the SDK's not() and for $ne on a number: the items without the field are not left out.
    const gt = (await query({ rating: { $gt: 4 } })).ids;
    assert.deepEqual(
      (await query({ $not: [{ rating: { $gt: 4 } }] })).ids,
      all.filter((id) => !gt.includes(id)),
    );
    const eq = (await query({ rating: 4.5 })).ids;
    assert.deepEqual(
      (await query({ rating: { $ne: 4.5 } })).ids,
      all.filter((id) => !eq.includes(id)),
    );
    assert.deepEqual((await query({ $not: [{ rating: { $in: [4.5, 3.9] } }] })).ids, (await query({ rating: { $not: { $in: [4.5, 3.9] } } })).ids);
    for (const bad of [4, {}, { gt: 4 }, [{ $gt: 4 }], { $date: '2024-01-01T00:00:00Z' }]) {
      assert.equal((await query({ rating: { $not: bad } })).status, 400, JSON.stringify(bad));
    }
  });

  // The same property with `v` undeclared, declared as a number (a scalar field) and declared as an array: the SQL
  // differs by shape. Wix stores a value whatever its field's declared type, so every kind is tried each time.
  for (const declared of [undefined, 'NUMBER', 'ARRAY'] as const) {
    it(`property: every negation is the exact complement of its condition, over values of every kind, missing included (v ${declared ?? 'undeclared'})`, async () => {
      const collection = `Negations${declared ?? ''}`;
      await createTestCollection(admin, collection, { fields: declared ? [{ key: 'v', type: declared }] : [] });
      const scalar = fc.oneof(
        fc.integer({ min: -3, max: 3 }),
        fc.constantFrom(0.5, -1.5, 'a', 'B', 'ab', '', true, false),
        fc.constant({ $date: '2024-01-01T00:00:00.000Z' }),
      );
      const value = fc.oneof(
        scalar,
        fc.constant(null),
        fc.constant(undefined),
        fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b')), { maxLength: 3 }),
      );
      const comparable = fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom(0.5, 'a', 'b'), fc.constant({ $date: '2024-01-01T00:00:00.000Z' }));
      const condition = fc.oneof(
        scalar.map((x) => x as unknown),
        fc.constant(null),
        fc.record({ $ne: scalar }),
        fc.record({ $eq: scalar }),
        fc.tuple(fc.constantFrom('$gt', '$gte', '$lt', '$lte'), comparable).map(([op, x]) => ({ [op]: x })),
        fc
          .tuple(
            fc.constantFrom('$in', '$hasSome', '$hasAll'),
            fc.array(fc.oneof(fc.integer({ min: -3, max: 3 }), fc.constantFrom('a', 'b', true)), { maxLength: 3 }),
          )
          .map(([op, x]) => ({ [op]: x })),
        fc.tuple(fc.constantFrom('$contains', '$startsWith', '$endsWith'), fc.constantFrom('a', 'A', 'b', '')).map(([op, x]) => ({ [op]: x })),
        fc.record({ $exists: fc.boolean() }),
      );
      const query = async (filter: unknown) => {
        const r = await rawCall(p, '/wix-data/v2/items/query', {
          headers: adminHeaders(p),
          body: JSON.stringify({ dataCollectionId: collection, query: { filter, paging: { limit: 100 } } }),
        });
        assert.equal(r.status, 200, `${JSON.stringify(filter)}: ${r.text.slice(0, 200)}`);
        return ((r.json?.['dataItems'] ?? []) as { id: string }[]).map((i) => i.id).sort();
      };
      await fc.assert(
        fc.asyncProperty(fc.array(value, { minLength: 1, maxLength: 12 }), condition, async (values, cond) => {
          await admin.items.truncate(collection);
          const rows = values.map((v, i) => (v === undefined ? { _id: `n${i}` } : { _id: `n${i}`, v }));
          await rawCall(p, '/wix-data/v2/bulk/items/insert', {
            headers: adminHeaders(p),
            body: JSON.stringify({ dataCollectionId: collection, dataItems: rows.map((data) => ({ data })) }),
          });
          const all = await query({});
          assert.equal(all.length, rows.length);
          const matched = await query({ v: cond });
          const complement = all.filter((id) => !matched.includes(id));
          assert.deepEqual(await query({ $not: [{ v: cond }] }), complement, `not(${JSON.stringify(cond)})`);
          if (cond !== null && typeof cond === 'object' && !('$date' in cond)) {
            assert.deepEqual(await query({ v: { $not: cond } }), complement, `{ v: { $not: ${JSON.stringify(cond)} } }`);
          }
        }),
        {
          numRuns: Number(process.env['FUZZ_RUNS'] ?? 60),
          seed: 20261205,
          // Found by this property: a date compared with an array of strings was a 500 ("malformed JSON").
          examples: [[[['a'], null], { $ne: { $date: '2024-01-01T00:00:00.000Z' } }]],
        },
      );
    });
  }

  it('a long filter falls back from GET .r to POST and still works', async () => {
    const many = Array.from({ length: 400 }, (_, i) => `missing-${i}-${'x'.repeat(10)}`).concat(['g6']);
    // By sequence number, not position: the log keeps a bounded number of entries, and earlier tests fill it.
    const before = p.log.lastSeq;
    const result = await admin.items.query('Gear').hasSome('_id', many).find();
    assert.deepEqual(ids(result.items), ['g6']);
    const last = p.log.since(before).find((e) => e.path.endsWith('/items/query'));
    assert.equal(last?.method, 'POST');
  });

  it('a short query uses GET with .r', async () => {
    const before = p.log.lastSeq;
    await admin.items.query('Gear').eq('category', 'Tents').find();
    const last = p.log.since(before).find((e) => e.path.endsWith('/items/query'));
    assert.equal(last?.method, 'GET');
  });
});

describe('sort, paging and projection', () => {
  it('sorts ascending and descending on several fields; missing values rank lowest', async () => {
    const asc = await admin.items.query('Gear').ascending('rating').ascending('price').find();
    assert.deepEqual(ids(asc.items), ['g5', 'g3', 'g4', 'g6', 'g1', 'g2']);
    const desc = await admin.items.query('Gear').descending('price').find();
    assert.deepEqual(ids(desc.items), ['g4', 'g2', 'g1', 'g3', 'g5', 'g6']);
  });

  it('sorts dates chronologically', async () => {
    const result = await admin.items.query('Gear').ascending('released').find();
    assert.deepEqual(ids(result.items), ['g6', 'g4', 'g2', 'g1', 'g3', 'g5']);
  });

  it('pages with limit/skip, reports totalCount and hasNext, and next() moves on', async () => {
    const first = await admin.items.query('Gear').ascending('price').limit(4).find({ returnTotalCount: true });
    assert.deepEqual(ids(first.items), ['g6', 'g5', 'g3', 'g1']);
    assert.equal(first.totalCount, 6);
    assert.equal(first.hasNext(), true);
    const second = await first.next();
    assert.deepEqual(ids(second.items), ['g2', 'g4']);
    assert.equal(second.hasNext(), false);
    const skipped = await admin.items.query('Gear').ascending('price').skip(5).find();
    assert.deepEqual(ids(skipped.items), ['g4']);
  });

  it('sends no total unless asked', async () => {
    const result = await admin.items.query('Gear').limit(2).find();
    assert.equal(result.totalCount, undefined);
  });

  it('projects fields and always keeps _id', async () => {
    const result = await admin.items.query('Gear').eq('_id', 'g2').fields('title', 'price').find();
    assert.deepEqual(result.items[0], { _id: 'g2', title: 'Summit Tent 2P', price: 340 });
  });

  it('limit 1000 is accepted, 1001 is not', async () => {
    const ok = await admin.items.query('Gear').limit(1000).find();
    assert.equal(ok.items.length, 6);
    const raw = await rawCall(p, '/wix-data/v2/items/query', {
      headers: adminHeaders(p),
      body: JSON.stringify({ dataCollectionId: 'Gear', query: { paging: { limit: 1001 } } }),
    });
    assert.equal(raw.status, 400);
    assert.equal(raw.json?.['details']?.applicationError?.code, 'WDE0077');
  });

  it('count and distinct', async () => {
    assert.equal(await admin.items.query('Gear').eq('inStock', true).count(), 4);
    const distinct = await admin.items.query('Gear').gt('price', 60).ascending('category').distinct('category');
    assert.deepEqual(distinct.items, ['Backpacks', 'Cooking', 'Footwear', 'Jackets', 'Tents']);
  });

  it('cursor paging carries the whole query', async () => {
    const raw1 = await rawCall(p, '/wix-data/v2/items/query', {
      headers: adminHeaders(p),
      body: JSON.stringify({
        dataCollectionId: 'Gear',
        query: { filter: { inStock: true }, sort: [{ fieldName: 'price', order: 'ASC' }], cursorPaging: { limit: 3 } },
      }),
    });
    assert.equal(raw1.status, 200);
    assert.deepEqual(
      raw1.json?.['dataItems'].map((d: { id: string }) => d.id),
      ['g5', 'g3', 'g1'],
    );
    const cursor = raw1.json?.['pagingMetadata'].cursors.next;
    assert.ok(cursor);
    const raw2 = await rawCall(p, '/wix-data/v2/items/query', {
      headers: adminHeaders(p),
      body: JSON.stringify({ dataCollectionId: 'Gear', query: { cursorPaging: { limit: 3, cursor } } }),
    });
    assert.deepEqual(
      raw2.json?.['dataItems'].map((d: { id: string }) => d.id),
      ['g4'],
    );
    assert.equal(raw2.json?.['pagingMetadata'].hasNext, false);
  });
});

describe('item operations', () => {
  it('insert returns system fields, dates round-trip as Date', async () => {
    const when = new Date('2020-02-29T12:34:56.789Z');
    const item = await admin.items.insert('Gear', { title: 'Leap Day Lantern', price: 29, released: when, nested: { at: when } });
    assert.equal(typeof item._id, 'string');
    assert.ok(item._createdDate instanceof Date);
    assert.ok(item._updatedDate instanceof Date);
    assert.equal(typeof item._owner, 'string');
    const got = await admin.items.get('Gear', item._id);
    assert.ok(got?.['released'] instanceof Date);
    assert.equal((got?.['released'] as Date).toISOString(), when.toISOString());
    assert.equal((got?.['nested'] as { at: Date }).at.toISOString(), when.toISOString());
    await admin.items.remove('Gear', item._id);
  });

  it('IDs with a slash, a space and a plus survive get (the SDK puts them in the path unencoded)', async () => {
    await admin.items.insert('Gear', { _id: 'a/b c+d', title: 'odd id' });
    assert.equal((await admin.items.get('Gear', 'a/b c+d'))?.['title'], 'odd id');
    assert.equal(await admin.items.get('Gear', 'a/b c+e'), null);
    await admin.items.remove('Gear', 'a/b c+d');
  });

  it('get and remove return null for a missing item (WDE0073)', async () => {
    assert.equal(await admin.items.get('Gear', 'no-such-item'), null);
    assert.equal(await admin.items.remove('Gear', 'no-such-item'), null);
  });

  it('update replaces the whole item, keeps _createdDate and moves _updatedDate', async () => {
    const item = await admin.items.insert('Gear', { _id: 'upd-1', title: 'Before', price: 1, extra: 'gone after update' });
    p.advanceClock(1000);
    const updated = await admin.items.update('Gear', { _id: 'upd-1', title: 'After', price: 2 });
    assert.equal(updated.title, 'After');
    assert.equal(updated['extra'], undefined);
    assert.equal(updated._createdDate?.toISOString(), item._createdDate?.toISOString());
    assert.ok((updated._updatedDate as Date).getTime() > (item._updatedDate as Date).getTime());
    await admin.items.remove('Gear', 'upd-1');
  });

  it('update of a missing item throws WDE0073', async () => {
    await assert.rejects(admin.items.update('Gear', { _id: 'ghost', title: 'x' }), (e) => errorCode(e) === 'WDE0073');
  });

  it('insert with an existing _id throws WDE0074 (409)', async () => {
    await assert.rejects(admin.items.insert('Gear', { _id: 'g1', title: 'dup' }), (e) => errorCode(e) === 'WDE0074');
    assert.equal((await admin.items.get('Gear', 'g1'))?.['title'], 'Alpine Trek Backpack');
  });

  it('save inserts then updates', async () => {
    const first = await admin.items.save('Gear', { _id: 'save-1', title: 'Saved once', price: 5 });
    assert.equal(first.title, 'Saved once');
    const second = await admin.items.save('Gear', { _id: 'save-1', title: 'Saved twice', price: 6 });
    assert.equal(second.title, 'Saved twice');
    assert.equal(await admin.items.query('Gear').eq('_id', 'save-1').count(), 1);
    await admin.items.remove('Gear', 'save-1');
  });

  it('bulk insert, update, save and remove report per-item results', async () => {
    const inserted = await admin.items.bulkInsert('Gear', [
      { _id: 'b1', title: 'B1' },
      { _id: 'b2', title: 'B2' },
      { _id: 'g1', title: 'duplicate' },
    ]);
    assert.equal(inserted.inserted, 2);
    assert.equal(inserted.skipped, 1, 'a duplicate _id is skipped, as the SDK reads WDE0074 in bulkInsert');
    const updated = await admin.items.bulkUpdate('Gear', [
      { _id: 'b1', title: 'B1+' },
      { _id: 'nope', title: 'x' },
    ]);
    assert.equal(updated.updated, 1);
    assert.equal(updated.skipped, 1);
    const saved = await admin.items.bulkSave('Gear', [
      { _id: 'b2', title: 'B2+' },
      { _id: 'b3', title: 'B3' },
    ]);
    assert.equal(saved.updated, 1);
    assert.equal(saved.inserted, 1);
    const removed = await admin.items.bulkRemove('Gear', ['b1', 'b2', 'b3', 'never-there']);
    assert.equal(removed.removed, 3);
    assert.equal(removed.skipped, 1);
  });

  it('truncate empties a collection', async () => {
    await admin.collections.createDataCollection({
      _id: 'Scratch',
      displayName: 'Scratch',
      permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    } as never);
    await admin.items.bulkInsert('Scratch', [{ a: 1 }, { a: 2 }]);
    await admin.items.truncate('Scratch');
    assert.equal(await admin.items.query('Scratch').count(), 0);
  });
});

describe('errors and both URL prefixes', () => {
  it('an unknown collection is WDE0025 (404)', async () => {
    await assert.rejects(admin.items.query('Nope').find(), (e) => errorCode(e) === 'WDE0025');
  });

  it('serves /_api/cloud-data/v2 exactly like /wix-data/v2', async () => {
    const body = JSON.stringify({ dataCollectionId: 'Gear', query: { filter: { category: 'Tents' } } });
    const a = await rawCall(p, '/_api/cloud-data/v2/items/query', { headers: adminHeaders(p), body });
    const b = await rawCall(p, '/wix-data/v2/items/query', { headers: adminHeaders(p), body });
    assert.equal(a.status, 200);
    assert.deepEqual(a.json?.['dataItems'], b.json?.['dataItems']);
  });

  it('wire items carry {id, dataCollectionId, data} with $date system fields', async () => {
    const r = await rawCall(p, '/wix-data/v2/items/g2?dataCollectionId=Gear&dataItemId=g2', { method: 'GET', headers: adminHeaders(p) });
    const item = r.json?.['dataItem'];
    assert.equal(item.id, 'g2');
    assert.equal(item.dataCollectionId, 'Gear');
    assert.equal(item.data._id, 'g2');
    assert.match(item.data._createdDate.$date, /^\d{4}-\d\d-\d\dT/);
    assert.deepEqual(item.data.released, { $date: '2023-06-15T00:00:00.000Z' });
  });

  it('collections round-trip through the official collections module', async () => {
    const got = await admin.collections.getDataCollection('Gear');
    assert.equal(got._id, 'Gear');
    assert.deepEqual(got.permissions, { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' });
    assert.ok(got.fields?.some((f) => f.key === 'price' && f.type === 'NUMBER'));
    const updated = await admin.collections.updateDataCollection({ ...got, displayName: 'Gear (renamed)' } as never);
    assert.equal(updated.displayName, 'Gear (renamed)');
    await admin.collections.createDataCollection({ _id: 'Temp', displayName: 'Temp' } as never);
    await admin.collections.deleteDataCollection('Temp');
    const list = await admin.collections.listDataCollections();
    assert.ok(!list.collections?.some((c) => c._id === 'Temp'));
  });
});
