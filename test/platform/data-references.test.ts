/**
 * References (issue 12): REFERENCE and MULTI_REFERENCE fields, `include`, and the reference methods, through the
 * official @wix/data client unmodified (items.query().include(), items.get(..., {includeReferences}),
 * insertReference, removeReference, replaceReferences, isReferenced, queryReferenced, queryReferencedItems) and
 * raw REST for what the SDK never sends. The examples follow the docs: the Books → Authors reference of
 * dev.wix.com/docs/sdk/backend-modules/data/items/wix-data-query/include, and the Movies ↔ Actors multi-reference of
 * queryReferenced / insertReference.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { MAX_INCLUDED_REFERENCES } from '../../platform/data/references.ts';
import { adminHeaders, apiKeyClient, errorCode, memberClient, rawCall, startTestPlatform, visitorClient, type TestPlatform } from './helpers.ts';

type Admin = ReturnType<typeof apiKeyClient>;
type Item = Record<string, any> & { _id: string };
let p: TestPlatform;
let admin: Admin;
let visitor: ReturnType<typeof visitorClient>;

const ANYONE_READS = { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } as const;
const ADMIN_ONLY = { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } as const;
const MEMBER = { email: 'refs-member@example.com', password: 'refs-member-pass' };

function rest(path: string, body: unknown, headers: Record<string, string> = adminHeaders(p)) {
  return rawCall(p, `/wix-data/v2${path}`, { headers, body: JSON.stringify(body) });
}

async function rawRefs(movie: string): Promise<string[]> {
  const r = await rest('/items/query-referenced', {
    dataCollectionId: 'Movies',
    referringItemId: movie,
    referringItemFieldName: 'actors',
    paging: { limit: 1000 },
  });
  assert.equal(r.status, 200, r.text);
  return r.json!['results'].map(
    (x: { dataItem?: { id: string }; unresolvedReference?: { referencedItemId: string } }) => x.dataItem?.id ?? x.unresolvedReference?.referencedItemId,
  );
}

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = apiKeyClient(p);
  visitor = visitorClient(p);
  const create = (c: Record<string, unknown>) => admin.collections.createDataCollection(c as never);
  await create({ _id: 'Authors', displayName: 'Authors', fields: [{ key: 'name', type: 'TEXT' }], permissions: ANYONE_READS });
  await create({ _id: 'People', displayName: 'People', fields: [{ key: 'name', type: 'TEXT' }], permissions: ANYONE_READS });
  await create({ _id: 'Vault', displayName: 'Vault', fields: [{ key: 'code', type: 'TEXT' }], permissions: ADMIN_ONLY });
  await create({
    _id: 'Books',
    displayName: 'Books',
    permissions: ANYONE_READS,
    fields: [
      { key: 'title', type: 'TEXT' },
      { key: 'author', type: 'REFERENCE', typeMetadata: { reference: { referencedCollectionId: 'Authors' } } },
      { key: 'secret', type: 'REFERENCE', typeMetadata: { reference: { referencedCollectionId: 'Vault' } } },
    ],
  });
  await create({
    _id: 'Movies',
    displayName: 'Movies',
    permissions: ANYONE_READS,
    fields: [
      { key: 'title', type: 'TEXT' },
      { key: 'actors', type: 'MULTI_REFERENCE', typeMetadata: { multiReference: { referencedCollectionId: 'People', referencingFieldKey: 'movies' } } },
      { key: 'vaults', type: 'MULTI_REFERENCE', typeMetadata: { multiReference: { referencedCollectionId: 'Vault' } } },
    ],
  });
  await admin.items.bulkInsert('Authors', [
    { _id: 'a1', name: 'Ursula K. Le Guin' },
    { _id: 'a2', name: 'Octavia E. Butler' },
  ]);
  await admin.items.bulkInsert(
    'People',
    Array.from({ length: 80 }, (_, i) => ({ _id: `p${i}`, name: `Person ${i}` })),
  );
  await admin.items.bulkInsert('Vault', [{ _id: 'v1', code: 'hidden' }]);
  p.createMember(MEMBER);
});

after(() => p.stop());

describe('collections: reference fields in Data Collections v2', () => {
  it('lists the system fields first, then the reference fields with their metadata', async () => {
    const books = await admin.collections.getDataCollection('Books');
    const keys = books.fields!.map((f) => f.key);
    assert.deepEqual(keys.slice(0, 4), ['_id', '_createdDate', '_updatedDate', '_owner']);
    assert.ok(books.fields!.slice(0, 4).every((f) => f.systemField === true));
    const author = books.fields!.find((f) => f.key === 'author')!;
    assert.equal(author.type, 'REFERENCE');
    assert.equal(author.systemField, false);
    assert.deepEqual(author.typeMetadata, { reference: { referencedCollectionId: 'Authors' } });
    const movies = await admin.collections.getDataCollection('Movies');
    const vaults = movies.fields!.find((f) => f.key === 'vaults')!;
    // No referencingFieldKey given: the platform names it after the referring collection (documented choice).
    assert.deepEqual(vaults.typeMetadata?.multiReference, { referencedCollectionId: 'Vault', referencingFieldKey: 'movies', referencingDisplayName: 'Movies' });
  });

  it('refuses a reference field without its referenced collection, or naming one that does not exist, and creates nothing', async () => {
    for (const typeMetadata of [undefined, { reference: {} }, { reference: { referencedCollectionId: 'Nope' } }]) {
      const r = await rest('/collections', {
        collection: { id: 'BadRefs', permissions: ADMIN_ONLY, fields: [{ key: 'r', type: 'REFERENCE', ...(typeMetadata ? { typeMetadata } : {}) }] },
      });
      assert.equal(r.status, 400, r.text);
      assert.ok(r.json?.['details']?.['validationError'], r.text);
    }
    const list = await admin.collections.listDataCollections();
    assert.ok(!list.collections!.some((c) => c._id === 'BadRefs'));
  });
});

describe('storage and reading', () => {
  it('a single reference sent as the referenced item is stored as its ID; without include it comes back as the ID', async () => {
    await admin.items.insert('Books', { _id: 'b1', title: 'The Dispossessed', author: { _id: 'a1', name: 'ignored copy' } });
    await admin.items.insert('Books', { _id: 'b2', title: 'Kindred', author: 'a2', secret: 'v1' });
    const b1 = (await admin.items.get('Books', 'b1')) as Item;
    assert.equal(b1['author'], 'a1');
    const page = await admin.items.query('Books').eq('author', 'a2').find();
    assert.deepEqual(
      page.items.map((i) => i._id),
      ['b2'],
    );
  });

  it('include() puts the referenced item in place (docs: books with include("author"))', async () => {
    const page = await admin.items.query('Books').include('author').ascending('title').find();
    const byId = new Map(page.items.map((i) => [i._id, i as Item]));
    assert.equal(byId.get('b1')!['author']._id, 'a1');
    assert.equal(byId.get('b1')!['author'].name, 'Ursula K. Le Guin');
    assert.equal(byId.get('b2')!['author'].name, 'Octavia E. Butler');
    const got = (await admin.items.get('Books', 'b1', { includeReferences: [{ field: 'author' }] } as never)) as Item;
    assert.equal(got['author'].name, 'Ursula K. Le Guin');
  });

  it("the SDK's direct query form (what the data elements call) takes includeReferences in its options", async () => {
    const answer = await admin.items.query(
      'Books',
      { filter: { _id: { $eq: 'b1' } }, paging: { limit: 5, offset: 0 } } as never,
      { returnTotalCount: true, includeReferences: [{ field: 'author' }] } as never,
    );
    const book = (answer as unknown as { items: Item[] }).items[0]!;
    assert.equal(book['author'].name, 'Ursula K. Le Guin');
  });

  it('a multi-reference value sent with an item is not stored with it, and is absent without include', async () => {
    await admin.items.insert('Movies', { _id: 'm1', title: 'Alien', actors: ['p1', 'p2'] });
    const m1 = (await admin.items.get('Movies', 'm1')) as Item;
    assert.equal('actors' in m1, false);
    assert.deepEqual(await rawRefs('m1'), []);
  });
});

describe('patch on reference fields', () => {
  it('setField on a single reference with the referenced item stores its ID; a multi-reference is left alone', async () => {
    await admin.items.insert('Books', { _id: 'b-patch', title: 'Patched', author: 'a1' });
    await admin.items.patch('Books', 'b-patch').setField('author', { _id: 'a2', name: 'copy' }).run();
    assert.equal(((await admin.items.get('Books', 'b-patch')) as Item)['author'], 'a2');
    await admin.items.insert('Movies', { _id: 'm-patch', title: 'Patched' });
    await admin.items.patch('Movies', 'm-patch').setField('actors', ['p1']).setField('title', 'Still patched').run();
    const movie = (await admin.items.get('Movies', 'm-patch')) as Item;
    assert.equal(movie['title'], 'Still patched');
    assert.equal('actors' in movie, false);
    await admin.items.remove('Books', 'b-patch');
    await admin.items.remove('Movies', 'm-patch');
  });
});

describe('reference methods through @wix/data', () => {
  beforeEach(async () => {
    await admin.items.save('Movies', { _id: 'm1', title: 'Alien' });
    await admin.items.replaceReferences('Movies', 'actors', 'm1', []);
  });

  it('insertReference, then include and queryReferenced give the actors in the order they were referenced', async () => {
    await admin.items.insertReference('Movies', 'actors', 'm1', ['p3', 'p1']);
    await admin.items.insertReference('Movies', 'actors', 'm1', 'p2');
    await admin.items.insertReference('Movies', 'actors', 'm1', 'p1'); // already there: stays where it was
    const withActors = (await admin.items.query('Movies').eq('_id', 'm1').include('actors').find()).items[0] as Item;
    assert.deepEqual(
      withActors['actors'].map((a: Item) => a._id),
      ['p3', 'p1', 'p2'],
    );
    const referenced = await admin.items.queryReferenced('Movies', 'm1', 'actors');
    assert.deepEqual(
      referenced.items.map((a) => a._id),
      ['p3', 'p1', 'p2'],
    );
    const desc = await admin.items.queryReferenced('Movies', 'm1', 'actors', { order: 'desc' } as never);
    assert.deepEqual(
      desc.items.map((a) => a._id),
      ['p2', 'p1', 'p3'],
    );
  });

  it('queryReferenced pages (limit, next) and works from the other side (People.movies)', async () => {
    await admin.items.insertReference('Movies', 'actors', 'm1', ['p1', 'p2', 'p3', 'p4', 'p5']);
    const first = await admin.items.queryReferenced('Movies', 'm1', 'actors', { limit: 2, returnTotalCount: true } as never);
    assert.deepEqual(
      first.items.map((a) => a._id),
      ['p1', 'p2'],
    );
    assert.equal(first.totalCount, 5);
    assert.equal(first.hasNext(), true);
    const second = await first.next();
    assert.deepEqual(
      second.items.map((a) => a._id),
      ['p3', 'p4'],
    );
    const back = await admin.items.queryReferenced('People', 'p4', 'movies');
    assert.deepEqual(
      back.items.map((m) => m._id),
      ['m1'],
    );
    const reverseInclude = (await admin.items.query('People').eq('_id', 'p4').include('movies').find()).items[0] as Item;
    assert.deepEqual(
      reverseInclude['movies'].map((m: Item) => m._id),
      ['m1'],
    );
  });

  it('queryReferencedItems answers per referring item, for a multi-reference and a single reference', async () => {
    await admin.items.insertReference('Movies', 'actors', 'm1', ['p7']);
    const multi = await admin.items.queryReferencedItems('Movies', ['m1'], 'actors');
    assert.deepEqual(
      multi.results.map((r) => [r.referringItemId, r.item?._id]),
      [['m1', 'p7']],
    );
    const single = await admin.items.queryReferencedItems('Books', ['b1', 'b2'], 'author');
    assert.deepEqual(single.results.map((r) => r.item?._id).sort(), ['a1', 'a2']);
  });

  it('isReferenced, removeReference and replaceReferences', async () => {
    await admin.items.insertReference('Movies', 'actors', 'm1', ['p1', 'p2']);
    assert.equal(await admin.items.isReferenced('Movies', 'actors', 'm1', 'p2'), true);
    assert.equal(await admin.items.isReferenced('Movies', 'actors', 'm1', 'p9'), false);
    assert.equal(await admin.items.isReferenced('Books', 'author', 'b1', 'a1'), true);
    await admin.items.removeReference('Movies', 'actors', 'm1', 'p2');
    assert.equal(await admin.items.isReferenced('Movies', 'actors', 'm1', 'p2'), false);
    await admin.items.replaceReferences('Movies', 'actors', 'm1', ['p9', 'p8']);
    assert.deepEqual(await rawRefs('m1'), ['p9', 'p8']);
  });

  it('include cuts a long multi-reference at 50 by default, and at the limit the include names', async () => {
    await admin.items.insertReference(
      'Movies',
      'actors',
      'm1',
      Array.from({ length: 60 }, (_, i) => `p${i}`),
    );
    const byDefault = (await admin.items.query('Movies').eq('_id', 'm1').include('actors').find()).items[0] as Item;
    assert.equal(byDefault['actors'].length, 50);
    assert.equal(byDefault['actors'][0]._id, 'p0');
    const more = (await admin.items.query('Movies').eq('_id', 'm1').include('actors', 55).find()).items[0] as Item;
    assert.equal(more['actors'].length, 55);
  });

  it('removing a referenced item drops its multi-references; a single reference to a removed item stays its ID', async () => {
    await admin.items.insert('People', { _id: 'gone', name: 'Gone' });
    await admin.items.insertReference('Movies', 'actors', 'm1', ['gone', 'p1']);
    await admin.items.remove('People', 'gone');
    assert.deepEqual(await rawRefs('m1'), ['p1']);
    await admin.items.insert('Authors', { _id: 'a-gone', name: 'Gone' });
    await admin.items.insert('Books', { _id: 'b-dangling', title: 'Orphan', author: 'a-gone' });
    await admin.items.remove('Authors', 'a-gone');
    const got = (await admin.items.get('Books', 'b-dangling', { includeReferences: [{ field: 'author' }] } as never)) as Item;
    assert.equal(got['author'], 'a-gone');
    await admin.items.remove('Books', 'b-dangling');
  });
});

describe('filters on reference fields', () => {
  before(async () => {
    await admin.items.save('Movies', { _id: 'f1', title: 'Solaris' });
    await admin.items.save('Movies', { _id: 'f2', title: 'Stalker' });
    await admin.items.replaceReferences('Movies', 'actors', 'f1', ['p10', 'p11']);
    await admin.items.replaceReferences('Movies', 'actors', 'f2', ['p11', 'p12']);
  });

  it('hasSome and hasAll on a multi-reference match by referenced IDs (docs: "Has at least one of" / "Has all of")', async () => {
    const ids = async (q: Awaited<ReturnType<ReturnType<Admin['items']['query']>['find']>>) => q.items.map((i) => i._id).sort();
    assert.deepEqual(await ids(await admin.items.query('Movies').hasSome('actors', ['p10']).find()), ['f1']);
    assert.deepEqual(await ids(await admin.items.query('Movies').hasSome('actors', ['p10', 'p12']).find()), ['f1', 'f2']);
    assert.deepEqual(await ids(await admin.items.query('Movies').hasAll('actors', ['p11', 'p12']).find()), ['f2']);
    assert.equal(await admin.items.query('Movies').hasSome('actors', ['p11']).count(), 2);
    const r = await rest('/items/query', { dataCollectionId: 'Movies', query: { filter: { actors: { $hasSome: [{ not: 'an id' }] } } } });
    assert.equal(r.status, 400, r.text);
  });

  it('eq and sort on a single reference work on the stored ID', async () => {
    const byAuthor = await admin.items.query('Books').eq('author', 'a1').find();
    assert.ok(byAuthor.items.every((b) => (b as Item)['author'] === 'a1'));
    const sorted = await admin.items.query('Books').isNotEmpty('author').descending('author').find();
    const authors = sorted.items.map((b) => (b as Item)['author'] as string);
    assert.deepEqual(authors, [...authors].sort().reverse());
  });

  it('search() includes referenced items too', async () => {
    const r = await rest('/items/search', {
      dataCollectionId: 'Books',
      search: { search: { expression: 'Kindred' } },
      includeReferences: [{ field: 'author' }],
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json?.['dataItems'][0].data.author.name, 'Octavia E. Butler');
  });
});

describe('permissions', () => {
  before(async () => {
    await admin.items.save('Movies', { _id: 'm2', title: 'Heat' });
    await admin.items.replaceReferences('Movies', 'vaults', 'm2', ['v1']);
  });

  it('a visitor including an admin-only referenced collection gets the ID (single) and an empty list (multi), not the items', async () => {
    const book = (await visitor.items.query('Books').eq('_id', 'b2').include('secret', 'author').find()).items[0] as Item;
    assert.equal(book['secret'], 'v1');
    assert.equal(book['author'].name, 'Octavia E. Butler');
    const movie = (await visitor.items.query('Movies').eq('_id', 'm2').include('vaults').find()).items[0] as Item;
    assert.deepEqual(movie['vaults'], []);
    // The admin sees the item.
    const adminMovie = (await admin.items.query('Movies').eq('_id', 'm2').include('vaults').find()).items[0] as Item;
    assert.equal(adminMovie['vaults'][0].code, 'hidden');
  });

  it('queryReferenced into an admin-only collection is 403 for a visitor (docs: rejected without read on the referenced collection)', async () => {
    await assert.rejects(visitor.items.queryReferenced('Movies', 'm2', 'vaults'), (e) => errorCode(e) === 'WDE0027');
  });

  it('a visitor or member may not insert, remove or replace references in an ADMIN-update collection; nothing is written', async () => {
    const { client: member } = await memberClient(p, MEMBER.email, MEMBER.password);
    for (const client of [visitor, member]) {
      await assert.rejects(client.items.insertReference('Movies', 'actors', 'm2', 'p1'), (e) => errorCode(e) === 'WDE0027');
      await assert.rejects(client.items.replaceReferences('Movies', 'vaults', 'm2', []), (e) => errorCode(e) === 'WDE0027');
      await assert.rejects(client.items.removeReference('Movies', 'vaults', 'm2', 'v1'), (e) => errorCode(e) === 'WDE0027');
    }
    assert.equal(await admin.items.isReferenced('Movies', 'vaults', 'm2', 'v1'), true);
    assert.equal(await admin.items.isReferenced('Movies', 'actors', 'm2', 'p1'), false);
  });
});

describe('hostile input', () => {
  before(async () => {
    await admin.items.save('Movies', { _id: 'm3', title: 'Ran' });
  });

  it('a reference to a missing item, or to an item of another collection, is 404 WDE0073 and writes nothing', async () => {
    const missing = await rest('/bulk/items/insert-references', {
      dataCollectionId: 'Movies',
      dataItemReferences: [
        { referringItemFieldName: 'actors', referringItemId: 'm3', referencedItemId: 'p1' },
        { referringItemFieldName: 'actors', referringItemId: 'm3', referencedItemId: 'nobody' },
      ],
    });
    assert.equal(missing.status, 404, missing.text);
    assert.equal(missing.json?.['details']?.['applicationError']?.['code'], 'WDE0073');
    // 'a1' is an Authors item, not a People item.
    const other = await rest('/items/replace-references', {
      dataCollectionId: 'Movies',
      referringItemFieldName: 'actors',
      referringItemId: 'm3',
      newReferencedItemIds: ['a1'],
    });
    assert.equal(other.status, 404, other.text);
    const noMovie = await rest('/items/replace-references', {
      dataCollectionId: 'Movies',
      referringItemFieldName: 'actors',
      referringItemId: 'm404',
      newReferencedItemIds: ['p1'],
    });
    assert.equal(noMovie.status, 404, noMovie.text);
    assert.deepEqual(await rawRefs('m3'), []);
  });

  it('10,000 references in one call are refused whole (400), nothing written', async () => {
    const refs = Array.from({ length: 10_000 }, (_, i) => ({ referringItemFieldName: 'actors', referringItemId: 'm3', referencedItemId: `p${i % 80}` }));
    const r = await rest('/bulk/items/insert-references', { dataCollectionId: 'Movies', dataItemReferences: refs });
    assert.equal(r.status, 400, r.text.slice(0, 300));
    const replace = await rest('/items/replace-references', {
      dataCollectionId: 'Movies',
      referringItemFieldName: 'actors',
      referringItemId: 'm3',
      newReferencedItemIds: refs.map((x) => x.referencedItemId),
    });
    assert.equal(replace.status, 400);
    assert.deepEqual(await rawRefs('m3'), []);
  });

  it('__proto__, constructor and non-reference fields are not reference fields (400), and nothing is polluted', async () => {
    for (const field of ['__proto__', 'constructor', 'prototype', 'title', 'toString']) {
      const r = await rest('/bulk/items/insert-references', {
        dataCollectionId: 'Movies',
        dataItemReferences: [{ referringItemFieldName: field, referringItemId: 'm3', referencedItemId: 'p1' }],
      });
      assert.equal(r.status, 400, `${field}: ${r.text}`);
      const q = await rest('/items/query', { dataCollectionId: 'Movies', includeReferences: [{ field }] });
      assert.equal(q.status, 400, `${field} include: ${q.text}`);
    }
    // A field may be called __proto__ (it is an ordinary key here); as a reference it resolves into an own property.
    const created = await rest('/collections', {
      collection: {
        id: 'ProtoFields',
        permissions: ADMIN_ONLY,
        fields: [{ key: '__proto__', type: 'REFERENCE', typeMetadata: { reference: { referencedCollectionId: 'Authors' } } }],
      },
    });
    assert.equal(created.status, 200, created.text);
    const inserted = await rawCall(p, '/wix-data/v2/items', {
      headers: adminHeaders(p),
      body: '{"dataCollectionId":"ProtoFields","dataItem":{"data":{"_id":"x","__proto__":{"_id":"a1","polluted":true}}}}',
    });
    assert.equal(inserted.status, 200, inserted.text);
    const q = await rest('/items/query', { dataCollectionId: 'ProtoFields', includeReferences: [{ field: '__proto__' }] });
    assert.equal(q.status, 200, q.text);
    const data = (JSON.parse(q.text) as { dataItems: { data: Record<string, any> }[] }).dataItems[0]!.data;
    assert.ok(Object.hasOwn(data, '__proto__'));
    assert.equal(Object.getOwnPropertyDescriptor(data, '__proto__')!.value.name, 'Ursula K. Le Guin');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(({} as Record<string, unknown>)['name'], undefined);
  });

  it('a multi-reference given a non-array, a non-string ID, bad include limits and too many includes are 400s', async () => {
    const bodies: unknown[] = [
      { dataCollectionId: 'Movies', referringItemFieldName: 'actors', referringItemId: 'm3', newReferencedItemIds: 'p1' },
      { dataCollectionId: 'Movies', referringItemFieldName: 'actors', referringItemId: 'm3', newReferencedItemIds: { 0: 'p1' } },
      { dataCollectionId: 'Movies', referringItemFieldName: 'actors', referringItemId: 'm3', newReferencedItemIds: [1] },
      { dataCollectionId: 'Movies', referringItemFieldName: 'actors', referringItemId: ['m3'], newReferencedItemIds: ['p1'] },
    ];
    for (const body of bodies) assert.equal((await rest('/items/replace-references', body)).status, 400, JSON.stringify(body));
    for (const includeReferences of [
      [{ field: 'actors', limit: 0 }],
      [{ field: 'actors', limit: 1001 }],
      [{ field: 'actors', limit: 1.5 }],
      [{ field: 'actors', limit: '5' }],
      Array.from({ length: 101 }, () => ({ field: 'actors' })),
      'actors',
    ]) {
      const r = await rest('/items/query', { dataCollectionId: 'Movies', includeReferences });
      assert.equal(r.status, 400, `${JSON.stringify(includeReferences).slice(0, 80)}: ${r.text.slice(0, 200)}`);
    }
    assert.deepEqual(await rawRefs('m3'), []);
  });

  it('a page of 1000 with an include limit of 1000 is refused (it could bring in a million items); 1000 × 50 is served', async () => {
    await admin.items.bulkSave(
      'Movies',
      Array.from({ length: 1000 }, (_, i) => ({ _id: `bulk-${i}`, title: `Bulk ${i}` })),
    );
    const refused = await rest('/items/query', {
      dataCollectionId: 'Movies',
      query: { paging: { limit: 1000 } },
      includeReferences: [{ field: 'actors', limit: 1000 }],
    });
    assert.equal(refused.status, 400, refused.text.slice(0, 200));
    assert.match(refused.json?.['message'], new RegExp(String(MAX_INCLUDED_REFERENCES)));
    const served = await rest('/items/query', { dataCollectionId: 'Movies', query: { paging: { limit: 1000 } }, includeReferences: [{ field: 'actors' }] });
    assert.equal(served.status, 200, served.text.slice(0, 200));
    await admin.items.bulkRemove(
      'Movies',
      Array.from({ length: 1000 }, (_, i) => `bulk-${i}`),
    );
  });

  it('property: any body on the reference routes is a 2xx or a typed 4xx in Wix error shape, never a 5xx', async () => {
    const key = fc.constantFrom('actors', 'vaults', 'title', '__proto__', 'constructor', 'movies', '', 'x'.repeat(2000));
    const value = fc.oneof(
      fc.constantFrom('m3', 'p1', 'nobody', '__proto__', ''),
      fc.integer(),
      fc.constant(null),
      fc.array(fc.constantFrom('p1', 'p2', 'nobody', 7), { maxLength: 4 }),
      fc.dictionary(fc.constantFrom('__proto__', 'constructor', '_id', 'field'), fc.constantFrom('p1', 'actors', 1)),
    );
    const ref = fc.record({ referringItemFieldName: key, referringItemId: value, referencedItemId: value }, { requiredKeys: [] });
    const body = fc.record(
      {
        dataCollectionId: fc.constantFrom('Movies', 'People', 'Nope', '__proto__'),
        dataItemReferences: fc.oneof(fc.array(ref, { maxLength: 3 }), value),
        referringItemFieldName: key,
        referringItemId: value,
        referringItemIds: fc.oneof(fc.array(value, { maxLength: 3 }), value),
        referencedItemId: value,
        newReferencedItemIds: fc.oneof(fc.array(value, { maxLength: 3 }), value),
        order: fc.constantFrom('ASC', 'DESC', 'sideways'),
        paging: fc.record(
          { limit: fc.oneof(fc.integer({ min: -5, max: 2000 }), value), offset: fc.oneof(fc.integer({ min: -5, max: 10 }), value) },
          { requiredKeys: [] },
        ),
        cursorPaging: fc.record(
          { cursor: fc.oneof(fc.string(), fc.constant('eyJjIjoiTW92aWVzIn0')), limit: fc.integer({ min: 0, max: 5 }) },
          { requiredKeys: [] },
        ),
        includeReferences: fc.oneof(
          fc.array(fc.record({ field: key, limit: fc.oneof(fc.integer({ min: -1, max: 2000 }), value) }, { requiredKeys: [] }), { maxLength: 3 }),
          value,
        ),
      },
      { requiredKeys: [] },
    );
    const path = fc.constantFrom(
      '/bulk/items/insert-references',
      '/bulk/items/remove-references',
      '/items/replace-references',
      '/items/is-referenced',
      '/items/query-referenced',
      '/items/query',
      '/items/insert-reference',
    );
    await fc.assert(
      fc.asyncProperty(path, body, fc.constantFrom('admin', 'visitor'), async (where, payload, who) => {
        const headers = who === 'admin' ? adminHeaders(p) : {};
        const r = await rest(where, payload, headers);
        assert.ok(r.status < 500, `${where} ${JSON.stringify(payload).slice(0, 300)} → ${r.status} ${r.text.slice(0, 200)}`);
        if (r.status >= 400) assert.equal(typeof r.json?.['message'], 'string', r.text.slice(0, 200));
      }),
      { numRuns: 150 },
    );
    assert.equal(({} as Record<string, unknown>)['field'], undefined);
  });

  it('property: any sequence of insert/remove/replace leaves exactly the references a model predicts, in order', async () => {
    const id: fc.Arbitrary<string> = fc.constantFrom('p1', 'p2', 'p3', 'p4', 'p5');
    const op = fc.oneof(
      fc.record({ kind: fc.constant('insert' as const), ids: fc.array(id, { maxLength: 3 }) }),
      fc.record({ kind: fc.constant('remove' as const), ids: fc.array(id, { maxLength: 3 }) }),
      fc.record({ kind: fc.constant('replace' as const), ids: fc.uniqueArray(id, { maxLength: 4 }) }),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(op, { maxLength: 6 }), async (ops) => {
        await admin.items.replaceReferences('Movies', 'actors', 'm3', []);
        let model: string[] = [];
        for (const o of ops) {
          if (o.ids.length === 0 && o.kind !== 'replace') continue;
          if (o.kind === 'insert') {
            await admin.items.insertReference('Movies', 'actors', 'm3', o.ids);
            for (const x of o.ids) if (!model.includes(x)) model.push(x);
          } else if (o.kind === 'remove') {
            await admin.items.removeReference('Movies', 'actors', 'm3', o.ids);
            model = model.filter((x) => !o.ids.includes(x));
          } else {
            await admin.items.replaceReferences('Movies', 'actors', 'm3', o.ids);
            model = [...o.ids];
          }
        }
        assert.deepEqual(await rawRefs('m3'), model);
      }),
      { numRuns: 15 },
    );
  });
});
