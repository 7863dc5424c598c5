/**
 * Data Items v2 as REST serves it: request fields in the URL, the REST-only forms (DELETE/PUT/PATCH on an item
 * path, POST /items/get), cursor paging limits and the paging/cursorPaging conflict, and `fields` projection as the
 * docs describe it (dev.wix.com wix-data-query/fields: only the named fields plus `_id`; invalid names ignored; only
 * invalid names → only `_id`). The SDK-visible parts are also driven through @wix/data.
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

let p: TestPlatform;
let admin: ReturnType<typeof apiKeyClient>;
const C = 'RestItems';
const AUTHORED = 'RestAuthored';
const MEMBER = { email: 'rest-member@example.com', password: 'rest-member-pass' };
const OTHER = { email: 'rest-other@example.com', password: 'rest-other-pass' };

const call = (path: string, init: { method?: string; body?: unknown; headers?: Record<string, string> } = {}) =>
  rawCall(p, `/wix-data/v2${path}`, {
    method: init.method ?? 'POST',
    headers: init.headers ?? adminHeaders(p),
    ...(init.body !== undefined ? { body: typeof init.body === 'string' ? init.body : JSON.stringify(init.body) } : {}),
  });

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = apiKeyClient(p);
  await admin.collections.createDataCollection({
    _id: C,
    displayName: C,
    fields: [
      { key: 'title', type: 'TEXT' },
      { key: 'price', type: 'NUMBER' },
    ],
    permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
  } as never);
  await createTestCollection(admin, AUTHORED, {
    permissions: {
      read: 'SITE_MEMBER_AUTHOR',
      insert: 'SITE_MEMBER_AUTHOR',
      update: 'SITE_MEMBER_AUTHOR',
      remove: 'SITE_MEMBER_AUTHOR',
    },
  });
  p.createMember(MEMBER);
  p.createMember(OTHER);
  await admin.items.bulkInsert(C, [
    { _id: 'r1', title: 'One', price: 1, address: { city: 'Oslo', street: 'Main' }, tags: ['a'] },
    { _id: 'r2', title: 'Two', price: 2, address: { city: 'Rome' } },
    { _id: 'r3', title: 'Three', price: 3 },
  ]);
});

after(async () => {
  await p?.stop();
});

describe('request fields in the URL', () => {
  it('POST /items/query?dataCollectionId=… with only `Authorization: Bearer <token>` works (the fetch example)', async () => {
    const visitor = visitorClient(p);
    const tokens = await visitor.auth.generateVisitorTokens();
    const r = await rawCall(p, `/wix-data/v2/items/query?dataCollectionId=${C}`, {
      headers: { Authorization: `Bearer ${tokens.accessToken.value}` },
      body: JSON.stringify({ query: { filter: { price: { $gt: 1 } } } }),
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(
      (r.json?.['dataItems'] as { id: string }[]).map((d) => d.id),
      ['r3', 'r2'],
    );
    // The same with no body at all.
    const bare = await rawCall(p, `/wix-data/v2/items/query?dataCollectionId=${C}`, { headers: { Authorization: `Bearer ${tokens.accessToken.value}` } });
    assert.equal(bare.status, 200, bare.text);
    assert.equal((bare.json?.['dataItems'] as unknown[]).length, 3);
  });

  it('a URL value and a body value that differ is a 400; equal values are fine', async () => {
    const differ = await call(`/items/query?dataCollectionId=${C}`, { body: { dataCollectionId: 'Other' } });
    assert.equal(differ.status, 400, differ.text);
    assert.match(differ.json?.['message'], /dataCollectionId/);
    const same = await call(`/items/query?dataCollectionId=${C}`, { body: { dataCollectionId: C } });
    assert.equal(same.status, 200, same.text);
    const twice = await call(`/items/query?dataCollectionId=${C}&dataCollectionId=Other`, { body: {} });
    assert.equal(twice.status, 400, twice.text);
  });

  it('URL values are validated like body values: too long, empty, a bad boolean → 400', async () => {
    assert.equal((await call(`/items/query?dataCollectionId=${'x'.repeat(300)}`, { body: {} })).status, 400);
    assert.equal((await call(`/items/query?dataCollectionId=`, { body: {} })).status, 400);
    assert.equal((await call(`/items/query?dataCollectionId=${C}&returnTotalCount=yes`, { body: {} })).status, 400);
    const counted = await call(`/items/query?dataCollectionId=${C}&returnTotalCount=true`, { body: {} });
    assert.equal(counted.json?.['pagingMetadata']?.['total'], 3);
  });

  it('other routes take dataCollectionId from the URL too (count, insert, get by POST with fields)', async () => {
    const count = await call(`/items/count?dataCollectionId=${C}`, { body: {} });
    assert.equal(count.json?.['totalCount'], 3, count.text);
    const inserted = await call(`/items?dataCollectionId=${C}`, { body: { dataItem: { data: { _id: 'url1', title: 'From URL' } } } });
    assert.equal(inserted.status, 200, inserted.text);
    const got = await call(`/items/get?dataCollectionId=${C}&dataItemId=url1&fields=title`, { body: {} });
    assert.deepEqual(got.json?.['dataItem']?.['data'], { _id: 'url1', title: 'From URL' });
    await admin.items.remove(C, 'url1');
  });

  it('property: random query-string values never cause a 5xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.string({ maxLength: 40 }), fc.string({ maxLength: 10 }), async (id, flag) => {
        const qs = new URLSearchParams({ dataCollectionId: id, returnTotalCount: flag });
        const r = await call(`/items/query?${qs}`, { body: {} });
        assert.ok([200, 400, 403, 404].includes(r.status), `${r.status} ${r.text}`);
      }),
      { numRuns: 40 },
    );
  });
});

describe('REST-only routes', () => {
  it('DELETE /items/{dataItemId}?dataCollectionId= removes the item and answers it', async () => {
    await admin.items.insert(C, { _id: 'del1', title: 'Delete me' });
    const r = await call(`/items/del1?dataCollectionId=${C}`, { method: 'DELETE' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json?.['dataItem']?.['data']?.['title'], 'Delete me');
    assert.equal(await admin.items.get(C, 'del1'), null);
    const again = await call(`/items/del1?dataCollectionId=${C}`, { method: 'DELETE' });
    assert.equal(again.status, 404);
    assert.equal(again.json?.['details']?.['applicationError']?.['code'], 'WDE0073');
  });

  it('PUT /items/{dataItem.id} replaces the item; a different ID in the body is a 400 and writes nothing', async () => {
    await admin.items.insert(C, { _id: 'put1', title: 'Old', extra: true });
    const r = await call('/items/put1', { method: 'PUT', body: { dataCollectionId: C, dataItem: { data: { title: 'New' } } } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json?.['dataItem']?.['id'], 'put1');
    const stored = (await admin.items.get(C, 'put1')) as Record<string, unknown>;
    assert.equal(stored['title'], 'New');
    assert.ok(!('extra' in stored), 'PUT replaces the whole item, as update does');
    const differ = await call('/items/put1', { method: 'PUT', body: { dataCollectionId: C, dataItem: { id: 'other', data: { title: 'X' } } } });
    assert.equal(differ.status, 400, differ.text);
    const differData = await call('/items/put1', { method: 'PUT', body: { dataCollectionId: C, dataItem: { data: { _id: 'other', title: 'X' } } } });
    assert.equal(differData.status, 400, differData.text);
    assert.equal(((await admin.items.get(C, 'put1')) as Record<string, unknown>)['title'], 'New');
    const missing = await call('/items/nope', { method: 'PUT', body: { dataCollectionId: C, dataItem: { data: { title: 'X' } } } });
    assert.equal(missing.status, 404);
  });

  it('PATCH /items/{patch.dataItemId} patches; a different patch.dataItemId is a 400', async () => {
    await admin.items.insert(C, { _id: 'pat1', price: 5 });
    const mods = [{ fieldPath: 'price', action: 'INCREMENT_FIELD', incrementFieldOptions: { value: 2 } }];
    const r = await call('/items/pat1', { method: 'PATCH', body: { dataCollectionId: C, patch: { fieldModifications: mods } } });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json?.['dataItem']?.['data']?.['price'], 7);
    const differ = await call('/items/pat1', { method: 'PATCH', body: { dataCollectionId: C, patch: { dataItemId: 'x', fieldModifications: mods } } });
    assert.equal(differ.status, 400);
    assert.equal(((await admin.items.get(C, 'pat1')) as Record<string, unknown>)['price'], 7);
  });

  it('the REST forms keep the permissions of their POST forms (visitor: WDE0027; author-only: own items only)', async () => {
    await admin.items.insert(C, { _id: 'perm1', title: 'Keep' });
    const visitor = visitorClient(p);
    const tokens = await visitor.auth.generateVisitorTokens();
    const headers = { Authorization: tokens.accessToken.value };
    for (const [method, body] of [
      ['DELETE', undefined],
      ['PUT', { dataCollectionId: C, dataItem: { data: { title: 'X' } } }],
      ['PATCH', { dataCollectionId: C, patch: { fieldModifications: [{ fieldPath: 'title', action: 'REMOVE_FIELD' }] } }],
    ] as const) {
      const r = await call(`/items/perm1${method === 'DELETE' ? `?dataCollectionId=${C}` : ''}`, { method, headers, ...(body ? { body } : {}) });
      assert.equal(r.status, 403, `${method}: ${r.text}`);
      assert.equal(r.json?.['details']?.['applicationError']?.['code'], 'WDE0027');
    }
    assert.equal(((await admin.items.get(C, 'perm1')) as Record<string, unknown>)['title'], 'Keep');

    const [member, other] = await Promise.all([memberClient(p, MEMBER.email, MEMBER.password), memberClient(p, OTHER.email, OTHER.password)]);
    const theirs = (await other.client.items.insert(AUTHORED, { title: 'theirs' } as never)) as { _id: string };
    const memberHeaders = { Authorization: member.tokens.accessToken.value };
    const del = await call(`/items/${theirs._id}?dataCollectionId=${AUTHORED}`, { method: 'DELETE', headers: memberHeaders });
    assert.equal(del.status, 403, del.text);
    const put = await call(`/items/${theirs._id}`, {
      method: 'PUT',
      headers: memberHeaders,
      body: { dataCollectionId: AUTHORED, dataItem: { data: { title: 'x' } } },
    });
    assert.equal(put.status, 403, put.text);
    assert.ok(await admin.items.get(AUTHORED, theirs._id));
    const mine = (await member.client.items.insert(AUTHORED, { title: 'mine' } as never)) as { _id: string };
    const delMine = await call(`/items/${mine._id}?dataCollectionId=${AUTHORED}`, { method: 'DELETE', headers: memberHeaders });
    assert.equal(delMine.status, 200, delMine.text);
  });

  it('an item ID with characters a path must encode round-trips through DELETE', async () => {
    await admin.items.insert(C, { _id: 'a/b c?', title: 'odd' });
    const r = await call(`/items/${encodeURIComponent('a/b c?')}?dataCollectionId=${C}`, { method: 'DELETE' });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json?.['dataItem']?.['id'], 'a/b c?');
  });
});

describe('cursor paging', () => {
  it('paging and cursorPaging together → a typed 400 (WDE0080), through REST', async () => {
    const r = await call('/items/query', { body: { dataCollectionId: C, query: { paging: { limit: 2 }, cursorPaging: { limit: 2 } } } });
    assert.equal(r.status, 400, r.text);
    assert.equal(r.json?.['details']?.['applicationError']?.['code'], 'WDE0080');
  });

  it('cursorPaging.limit: default 50, at most 1000 (WDE0077 above), and pages carry cursors, not offsets', async () => {
    const over = await call('/items/query', { body: { dataCollectionId: C, query: { cursorPaging: { limit: 1001 } } } });
    assert.equal(over.status, 400, over.text);
    assert.equal(over.json?.['details']?.['applicationError']?.['code'], 'WDE0077');
    const page = await call('/items/query', { body: { dataCollectionId: C, query: { cursorPaging: { limit: 2 } } } });
    assert.equal(page.status, 200, page.text);
    assert.equal(page.json?.['pagingMetadata']?.['count'], 2);
    assert.equal(page.json?.['pagingMetadata']?.['hasNext'], true);
    assert.equal(typeof page.json?.['pagingMetadata']?.['cursors']?.['next'], 'string');
    assert.ok(!('offset' in page.json!['pagingMetadata']));
    const all = await call('/items/query', { body: { dataCollectionId: C, query: { cursorPaging: {} } } });
    assert.ok((all.json?.['dataItems'] as unknown[]).length >= 3);
  });

  it('a forged or garbage cursor is a 400, never a 5xx', async () => {
    const forged = Buffer.from(JSON.stringify({ filter: { $where: 1 }, sort: [], fields: [], offset: -1 })).toString('base64url');
    for (const cursor of ['%%%', 'e30', forged, 'x'.repeat(5000)]) {
      const r = await call('/items/query', { body: { dataCollectionId: C, query: { cursorPaging: { limit: 2, cursor } } } });
      assert.equal(r.status, 400, `${cursor.slice(0, 20)}: ${r.text}`);
    }
  });
});

describe('projection (`fields`)', () => {
  it('returns only the named fields plus _id (the docs: "returns only the specified fields")', async () => {
    const { items } = await admin.items.query(C).eq('_id', 'r1').fields('title', 'price').find();
    assert.deepEqual(items, [{ _id: 'r1', title: 'One', price: 1 }]);
  });

  it('nested paths return the nested value only; a system field can be named', async () => {
    const { items } = await admin.items.query(C).eq('_id', 'r1').fields('address.city', '_createdDate').find();
    assert.equal(items.length, 1);
    assert.deepEqual(Object.keys(items[0]!).sort(), ['_createdDate', '_id', 'address']);
    assert.deepEqual(items[0]!['address'], { city: 'Oslo' });
    assert.ok(items[0]!['_createdDate'] instanceof Date);
  });

  it('invalid or missing names are ignored; only invalid names → only _id (as documented)', async () => {
    const some = await call('/items/query', { body: { dataCollectionId: C, query: { filter: { _id: 'r1' }, fields: ['title', 'no such', 'missing'] } } });
    assert.equal(some.status, 200, some.text);
    assert.deepEqual(some.json?.['dataItems'][0]['data'], { _id: 'r1', title: 'One' });
    const none = await call('/items/query', { body: { dataCollectionId: C, query: { filter: { _id: 'r1' }, fields: ['a b', '..', 'missing'] } } });
    assert.deepEqual(none.json?.['dataItems'][0]['data'], { _id: 'r1' });
    const all = await call('/items/query', { body: { dataCollectionId: C, query: { filter: { _id: 'r3' }, fields: [] } } });
    assert.equal(all.json?.['dataItems'][0]['data']['title'], 'Three', 'no fields → every field');
  });

  it('get takes the same projection', async () => {
    const r = await call(`/items/r2?dataCollectionId=${C}&fields=title&fields=address.city`, { method: 'GET' });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json?.['dataItem']['data'], { _id: 'r2', title: 'Two', address: { city: 'Rome' } });
  });

  it('too many fields (257) is still a 400; prototype names are plain (absent) fields', async () => {
    const many = await call('/items/query', { body: { dataCollectionId: C, query: { fields: Array.from({ length: 257 }, (_, i) => `f${i}`) } } });
    assert.equal(many.status, 400);
    const proto = await call('/items/query', {
      body: { dataCollectionId: C, query: { filter: { _id: 'r1' }, fields: ['__proto__', 'constructor.prototype', 'toString'] } },
    });
    assert.equal(proto.status, 200, proto.text);
    assert.deepEqual(proto.json?.['dataItems'][0]['data'], { _id: 'r1' });
  });
});

describe('errors keep their shape', () => {
  it('a SDK call with a wrong collection still answers WDE0025', async () => {
    await assert.rejects(
      () => admin.items.query('NoSuchCollection').find(),
      (e: unknown) => errorCode(e) === 'WDE0025',
    );
  });
});
