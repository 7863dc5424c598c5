/**
 * Search (POST /v2/items/search) through the official @wix/data search builder, `items.search(c).expression(...)
 * ...run()`, and raw REST. The cases follow the WixDataSearch docs' examples: "pizza"; AND mode ("pizza cheese"
 * needs both); OR mode ("pizza hamburger" needs one); fuzzy terms combined with filters (clients over 21 whose
 * hobbies include nightlife).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { adminHeaders, apiKeyClient, errorCode, memberClient, rawCall, startTestPlatform, visitorClient, type TestPlatform } from './helpers.ts';
import { editDistance, matchCount, words } from '../../platform/data/search.ts';

type Admin = ReturnType<typeof apiKeyClient>;
type Item = Record<string, unknown>;
let p: TestPlatform;
let admin: Admin;

const PRODUCTS = [
  { _id: 'p1', name: 'Margherita Pizza', description: 'Tomato, mozzarella cheese and basil', price: 9 },
  { _id: 'p2', name: 'Cheese Burger', description: 'A hamburger with cheddar cheese', price: 11 },
  { _id: 'p3', name: 'Veggie Pizza', description: 'Peppers, olives, no cheese', price: 10 },
  { _id: 'p4', name: 'Caesar Salad', description: 'Romaine, croutons, parmesan', price: 8 },
  { _id: 'p5', name: 'Crème brûlée', description: 'Classic French dessert', price: 6 },
  { _id: 'p6', name: 'Hamburger Deluxe', description: 'Double patty', price: 14, tags: ['grill', 'bestseller'] },
];
const CLIENTS = [
  { _id: 'k1', bio: 'university student, loves jazz', age: 22, hobbies: ['nightlife', 'music'] },
  { _id: 'k2', bio: 'college graduate', age: 25, hobbies: ['hiking'] },
  { _id: 'k3', bio: 'studnet at the universty', age: 24, hobbies: ['nightlife'] },
  { _id: 'k4', bio: 'high school student', age: 17, hobbies: ['nightlife'] },
  { _id: 'k5', bio: 'retired teacher', age: 70, hobbies: ['nightlife'] },
];

const ids = (items: { _id: string }[]) => items.map((i) => i._id).sort();

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = apiKeyClient(p);
  for (const [id, fields] of [
    [
      'Products',
      [
        { key: 'name', type: 'TEXT' },
        { key: 'description', type: 'TEXT' },
        { key: 'price', type: 'NUMBER' },
      ],
    ],
    [
      'Clients',
      [
        { key: 'bio', type: 'TEXT' },
        { key: 'age', type: 'NUMBER' },
        { key: 'hobbies', type: 'ARRAY_STRING' },
      ],
    ],
  ] as const) {
    await admin.collections.createDataCollection({
      _id: id,
      displayName: id,
      fields,
      permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    } as never);
  }
  await admin.items.bulkInsert('Products', PRODUCTS);
  await admin.items.bulkInsert('Clients', CLIENTS);
});

after(async () => {
  await p.stop();
});

describe('search through the SDK builder (docs examples)', () => {
  it('expression("pizza") finds the items whose text holds the word, in any case', async () => {
    const result = await admin.items.search('Products').expression('pizza').run();
    assert.deepEqual(ids(result.items as { _id: string }[]), ['p1', 'p3']);
    assert.equal(result.items[0]!['name'] !== undefined, true, 'whole items come back');
  });

  it('andMode(): "pizza cheese" needs both words', async () => {
    const result = await admin.items.search('Products').expression('pizza cheese').andMode().run();
    assert.deepEqual(ids(result.items as { _id: string }[]), ['p1', 'p3']);
    const burger = await admin.items.search('Products').expression('burger cheese').andMode().run();
    assert.deepEqual(ids(burger.items as { _id: string }[]), ['p2']);
  });

  it('orMode(): "pizza hamburger" needs one of them; more matched terms rank first', async () => {
    const result = await admin.items.search('Products').expression('pizza hamburger cheese').orMode().run();
    assert.deepEqual(ids(result.items as { _id: string }[]), ['p1', 'p2', 'p3', 'p6']);
    // p1 (pizza, cheese), p2 (hamburger, cheese) and p3 (pizza, cheese) match two terms, p6 one.
    assert.equal((result.items as { _id: string }[])[3]!._id, 'p6');
  });

  it('without fuzzy, a word must match whole; with fuzzy, prefixes and typos match too', async () => {
    assert.deepEqual(ids((await admin.items.search('Products').expression('pizz').run()).items as { _id: string }[]), []);
    assert.deepEqual(ids((await admin.items.search('Products').expression('piza').run()).items as { _id: string }[]), []);
    assert.deepEqual(ids((await admin.items.search('Products').expression('pizz').fuzzy().run()).items as { _id: string }[]), ['p1', 'p3']);
    assert.deepEqual(ids((await admin.items.search('Products').expression('piza').fuzzy().run()).items as { _id: string }[]), ['p1', 'p3']);
    assert.deepEqual(ids((await admin.items.search('Products').expression('hamburgr').fuzzy().run()).items as { _id: string }[]), ['p2', 'p6']);
  });

  it('case and accents are folded: "CREME brulee" finds "Crème brûlée"', async () => {
    const result = await admin.items.search('Products').expression('CREME brulee').andMode().run();
    assert.deepEqual(ids(result.items as { _id: string }[]), ['p5']);
  });

  it('fuzzy terms combined with filters: clients over 21 whose hobbies include nightlife', async () => {
    const result = await admin.items.search('Clients').expression('student college university').fuzzy().gt('age', 21).hasSome('hobbies', ['nightlife']).run();
    // k3 only matches with typos ("studnet", "universty"); k4 is 17; k2 has no nightlife; k5 has no term.
    assert.deepEqual(ids(result.items as { _id: string }[]), ['k1', 'k3']);
  });

  it('strings inside arrays are searched, sort overrides relevance, fields() projects, limit/skip page', async () => {
    assert.deepEqual(ids((await admin.items.search('Products').expression('bestseller').run()).items as { _id: string }[]), ['p6']);
    const sorted = await admin.items.search('Products').expression('pizza cheese').descending('price').fields('name').run();
    assert.deepEqual(
      sorted.items.map((i: Item) => i['_id']),
      ['p2', 'p3', 'p1'],
    );
    assert.deepEqual(sorted.items[0], { _id: 'p2', name: 'Cheese Burger' });
    const page = await admin.items.search('Products').expression('pizza cheese').ascending('price').limit(2).skip(1).run();
    assert.deepEqual(
      page.items.map((i: Item) => i['_id']),
      ['p3', 'p2'],
    );
  });

  it('an empty expression matches every item the filter lets through', async () => {
    const result = await admin.items.search('Products').expression('').lt('price', 9).run();
    assert.deepEqual(ids(result.items as { _id: string }[]), ['p4', 'p5']);
  });
});

describe('search over REST', () => {
  it('answers {dataItems, pagingMetadata} under both prefixes, with the total on offset pages', async () => {
    for (const prefix of ['/wix-data/v2', '/_api/cloud-data/v2']) {
      const res = await rawCall(p, `${prefix}/items/search`, {
        headers: adminHeaders(p),
        body: JSON.stringify({ dataCollectionId: 'Products', search: { search: { expression: 'cheese', mode: 'OR' }, paging: { limit: 2 } } }),
      });
      assert.equal(res.status, 200, res.text);
      const items = res.json?.['dataItems'] as { id: string; dataCollectionId: string; data: Item }[];
      assert.equal(items.length, 2);
      assert.equal(items[0]!.dataCollectionId, 'Products');
      assert.equal(items[0]!.id, items[0]!.data['_id']);
      assert.deepEqual(res.json?.['pagingMetadata'], { count: 2, hasNext: true, offset: 0, total: 3, tooManyToCount: false });
    }
  });

  it('cursor paging walks every match once', async () => {
    const seen: string[] = [];
    let body: Record<string, unknown> = {
      dataCollectionId: 'Products',
      search: { search: { expression: 'cheese pizza hamburger' }, cursorPaging: { limit: 1 } },
    };
    for (let i = 0; i < 10; i++) {
      const res = await rawCall(p, '/wix-data/v2/items/search', { headers: adminHeaders(p), body: JSON.stringify(body) });
      assert.equal(res.status, 200, res.text);
      seen.push(...(res.json?.['dataItems'] as { id: string }[]).map((d) => d.id));
      const next = res.json?.['pagingMetadata']?.['cursors']?.['next'];
      if (!next) break;
      body = { dataCollectionId: 'Products', search: { cursorPaging: { limit: 1, cursor: next } } };
    }
    assert.deepEqual([...seen].sort(), ['p1', 'p2', 'p3', 'p6']);
  });
});

describe('search permissions', () => {
  it('a visitor on an admin-only collection gets 403 WDE0027', async () => {
    await admin.collections.createDataCollection({
      _id: 'Private',
      displayName: 'Private',
      fields: [{ key: 'text', type: 'TEXT' }],
      permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    } as never);
    await admin.items.insert('Private', { text: 'secret pizza' });
    const visitor = visitorClient(p);
    visitor.auth.setTokens(await visitor.auth.generateVisitorTokens());
    await assert.rejects(
      () => visitor.items.search('Private').expression('pizza').run(),
      (error: unknown) => errorCode(error) === 'WDE0027',
    );
  });

  it('a member on a SITE_MEMBER_AUTHOR collection finds its own items only', async () => {
    await admin.collections.createDataCollection({
      _id: 'Diary',
      displayName: 'Diary',
      fields: [{ key: 'text', type: 'TEXT' }],
      permissions: { read: 'SITE_MEMBER_AUTHOR', insert: 'SITE_MEMBER_AUTHOR', update: 'SITE_MEMBER_AUTHOR', remove: 'SITE_MEMBER_AUTHOR' },
    } as never);
    const mine = p.createMember({ email: 'search-a@example.com', password: 'search-a-password' });
    const theirs = p.createMember({ email: 'search-b@example.com', password: 'search-b-password' });
    await admin.items.bulkInsert('Diary', [
      { _id: 'd1', _owner: mine.id, text: 'pizza night' },
      { _id: 'd2', _owner: theirs.id, text: 'pizza party' },
    ]);
    const { client } = await memberClient(p, 'search-a@example.com', 'search-a-password');
    const result = await client.items.search('Diary').expression('pizza').run();
    assert.deepEqual(ids(result.items as { _id: string }[]), ['d1']);
  });
});

describe('search: hostile input', () => {
  it('a long expression, many fields or sort terms, bad modes and bad cursors are a 400 in Wix shape', async () => {
    const bodies = [
      { search: { search: { expression: 'x'.repeat(101) } } },
      { search: { fields: Array.from({ length: 21 }, (_, i) => `f${i}`) } },
      { search: { sort: Array.from({ length: 11 }, (_, i) => ({ fieldName: `f${i}` })) } },
      { search: { search: { expression: 'a', mode: 'XOR' } } },
      { search: { search: { expression: 7 } } },
      { search: { paging: { limit: 1001 } } },
      { search: { paging: { limit: 1 }, cursorPaging: { limit: 1 } } },
      { search: { cursorPaging: { cursor: '!!' } } },
      { search: { filter: { price: { $regex: '.*' } } } },
      { search: { fields: ['a..b'] } },
    ];
    for (const extra of bodies) {
      const res = await rawCall(p, '/wix-data/v2/items/search', { headers: adminHeaders(p), body: JSON.stringify({ dataCollectionId: 'Products', ...extra }) });
      assert.equal(res.status, 400, `${JSON.stringify(extra).slice(0, 100)}: ${res.text.slice(0, 200)}`);
      assert.ok(res.json?.['details'], 'in Wix error shape');
    }
  });

  it('a refused search writes nothing, not even the search index (fuzz finding: the index was built before the sort was checked)', async () => {
    await admin.collections.createDataCollection({
      _id: 'Untouched',
      displayName: 'Untouched',
      fields: [{ key: 't', type: 'TEXT' }],
      permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    } as never);
    await admin.items.insert('Untouched', { t: 'words' });
    const tables = () =>
      (p.services.db.prepare("SELECT name FROM sqlite_master WHERE name LIKE '%fts%'").all() as { name: string }[]).map((r) => r.name).sort();
    const before = tables();
    const res = await rawCall(p, '/wix-data/v2/items/search', {
      headers: adminHeaders(p),
      body: JSON.stringify({ dataCollectionId: 'Untouched', search: { search: { expression: 'words' }, sort: [{ fieldName: 'a..b' }] } }),
    });
    assert.equal(res.status, 400);
    assert.deepEqual(tables(), before);
  });

  it('prototype names in expressions, fields and sort are ordinary words and paths', async () => {
    await admin.items.insert('Products', { _id: 'proto', name: 'constructor __proto__ prototype', constructor: { prototype: 'x' } } as Item);
    const res = await rawCall(p, '/wix-data/v2/items/search', {
      headers: adminHeaders(p),
      body: JSON.stringify({
        dataCollectionId: 'Products',
        search: {
          search: { expression: '__proto__ constructor', mode: 'AND' },
          fields: ['constructor.prototype', '__proto__'],
          sort: [{ fieldName: '__proto__' }],
        },
      }),
    });
    assert.equal(res.status, 200, res.text);
    const items = res.json?.['dataItems'] as { data: Item }[];
    assert.equal(items.length, 1);
    assert.deepEqual(items[0]!.data, { _id: 'proto', constructor: { prototype: 'x' } });
    assert.equal(({} as Item)['x'], undefined);
    await admin.items.remove('Products', 'proto');
  });

  it('the index follows every write: insert, update, remove, truncate', async () => {
    await admin.collections.createDataCollection({
      _id: 'Live',
      displayName: 'Live',
      fields: [{ key: 't', type: 'TEXT' }],
      permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    } as never);
    const find = async (word: string) => ids((await admin.items.search('Live').expression(word).run()).items as { _id: string }[]);
    await admin.items.insert('Live', { _id: 'l1', t: 'first words' });
    assert.deepEqual(await find('first'), ['l1']);
    await admin.items.insert('Live', { _id: 'l2', t: 'second words' });
    assert.deepEqual(await find('words'), ['l1', 'l2']);
    await admin.items.update('Live', { _id: 'l1', t: 'changed text' });
    assert.deepEqual(await find('first'), []);
    assert.deepEqual(await find('changed'), ['l1']);
    await admin.items.remove('Live', 'l2');
    assert.deepEqual(await find('words'), []);
    await admin.items.truncate('Live');
    assert.deepEqual(await find('changed'), []);
  });

  it('property: the FTS5 index answers exactly what the written-out rule (matchCount) says, for random texts and terms', async () => {
    await admin.collections.createDataCollection({
      _id: 'Fuzz',
      displayName: 'Fuzz',
      fields: [{ key: 't', type: 'TEXT' }],
      permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    } as never);
    const vocabulary = ['pizza', 'pizzas', 'piza', 'cheese', 'chese', 'Crème', 'creme', 'bread', 'broad', 'ab', 'a', 'student', 'studnet'];
    const text = fc.array(fc.constantFrom(...vocabulary), { minLength: 0, maxLength: 5 }).map((w) => w.join(' '));
    await fc.assert(
      fc.asyncProperty(
        fc.array(text, { minLength: 1, maxLength: 8 }),
        fc.array(fc.constantFrom(...vocabulary, 'piz', 'che', 'stud'), { minLength: 1, maxLength: 3 }),
        fc.boolean(),
        fc.constantFrom('AND' as const, 'OR' as const),
        async (texts, query, fuzzy, mode) => {
          await admin.items.truncate('Fuzz');
          await admin.items.bulkInsert(
            'Fuzz',
            texts.map((t, i) => ({ _id: `f${i}`, t })),
          );
          let search = admin.items.search('Fuzz').expression(query.join(' '));
          search = mode === 'AND' ? search.andMode() : search.orMode();
          if (fuzzy) search = search.fuzzy();
          const got = ids((await search.run()).items as { _id: string }[]);
          const terms = [...new Set(words(query.join(' ')))];
          const needed = mode === 'AND' ? terms.length : 1;
          const expected = texts
            .map((t, i) => ({ id: `f${i}`, n: matchCount(t, terms, fuzzy) }))
            .filter((x) => x.n >= needed)
            .map((x) => x.id)
            .sort();
          assert.deepEqual(got, expected, JSON.stringify({ texts, query, fuzzy, mode }));
        },
      ),
      { numRuns: 40 },
    );
  });

  it('property: the word matcher agrees with a direct reading of the rules', () => {
    fc.assert(
      fc.property(fc.array(fc.stringMatching(/^[a-zA-Z]{1,8}$/), { maxLength: 6 }), fc.stringMatching(/^[a-z]{1,8}$/), (text, term) => {
        const tokens = words(text.join(' '));
        const exact = tokens.includes(term);
        assert.equal(matchCount(text.join(' '), [term], false) === 1, exact);
        const edits = term.length <= 2 ? 0 : term.length <= 5 ? 1 : 2;
        const fuzzy = tokens.some((w) => w === term || w.startsWith(term) || (edits > 0 && editDistance(term, w, edits) <= edits));
        assert.equal(matchCount(text.join(' '), [term], true) === 1, fuzzy);
      }),
    );
    assert.equal(editDistance('studnet', 'student', 2), 1, 'a transposition is one edit');
    assert.equal(editDistance('kitten', 'sitting', 5), 3);
  });
});
