/**
 * Count and distinct over arrays and missing values, through the official @wix/data query builder.
 *
 * - isEmpty(f) matches items whose field "is null or undefined or the field does not exist" (docs wix-data-filter
 *   isEmpty); isNotEmpty is its complement; ne(f, v) matches items where f is missing too; eq on an array field
 *   matches when any element equals (docs wix-data-query/eq); hasSome/hasAll on arrays.
 * - distinct(f) returns each value once ("eliminates duplicate field values"); missing and null are not values; on
 *   an array field each element is a value (the docs are silent: MongoDB's distinct, which Wix Data runs on, unwinds
 *   arrays); count and paging of distinct values agree with the values.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminHeaders, apiKeyClient, memberClient, rawCall, startTestPlatform, type TestPlatform } from './helpers.ts';

let p: TestPlatform;
let admin: ReturnType<typeof apiKeyClient>;
const C = 'CountDistinct';
const AUTHORED = 'CountDistinctAuthored';

type Query = ReturnType<ReturnType<typeof apiKeyClient>['items']['query']>;
const exists = (q: Query, field: string, value: boolean): Query => (q as Query & { exists(f: string, v: boolean): Query }).exists(field, value);

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = apiKeyClient(p);
  await admin.collections.createDataCollection({
    _id: C,
    displayName: C,
    fields: [
      { key: 'tags', type: 'ARRAY_STRING' },
      { key: 'color', type: 'TEXT' },
    ],
  } as never);
  await admin.collections.createDataCollection({
    _id: AUTHORED,
    displayName: AUTHORED,
    fields: [{ key: 'tags', type: 'ARRAY_STRING' }],
    permissions: { read: 'SITE_MEMBER_AUTHOR', insert: 'SITE_MEMBER_AUTHOR', update: 'SITE_MEMBER_AUTHOR', remove: 'SITE_MEMBER_AUTHOR' },
  } as never);
  await admin.items.bulkInsert(C, [
    { _id: 'i1', tags: ['red', 'blue'], color: 'red', size: 1 },
    { _id: 'i2', tags: ['blue', 'green'], color: 'blue', size: 2 },
    { _id: 'i3', tags: [], color: null, size: 2 },
    { _id: 'i4', color: 'red' },
    { _id: 'i5', tags: ['red'], color: '', size: { $date: '2024-01-01T00:00:00.000Z' } } as never,
    { _id: 'i6', tags: ['RED', 'red'], size: true },
  ]);
});

after(async () => {
  await p?.stop();
});

describe('count with missing and null values', () => {
  it('isEmpty counts missing and null; isNotEmpty the rest (an empty string is a value)', async () => {
    assert.equal(await admin.items.query(C).isEmpty('color').count(), 2); // i3 (null), i6 (missing)
    assert.equal(await admin.items.query(C).isNotEmpty('color').count(), 4); // i1, i2, i4, i5 ('')
  });

  it('ne counts items where the field is missing too', async () => {
    assert.equal(await admin.items.query(C).ne('color', 'red').count(), 4); // i2, i3, i5, i6
  });

  it('exists(false) counts missing fields; exists(true) present ones', async () => {
    assert.equal(await exists(admin.items.query(C), 'size', false).count(), 1); // i4
    assert.equal(await exists(admin.items.query(C), 'size', true).count(), 5);
  });

  it('on an array field, eq and hasSome match any element; hasAll needs every value', async () => {
    assert.equal(await admin.items.query(C).eq('tags', 'red').count(), 3); // i1, i5, i6
    assert.equal(await admin.items.query(C).hasSome('tags', ['green', 'RED']).count(), 2); // i2, i6 (case-sensitive)
    assert.equal(await admin.items.query(C).hasAll('tags', ['red', 'blue']).count(), 1); // i1
  });

  it('count(filter) with a missing field equals the length of the matching query; an empty array is a value', async () => {
    const { items } = await admin.items.query(C).isEmpty('tags').find();
    assert.deepEqual(
      items.map((i) => i._id),
      ['i4'],
    );
    assert.equal(await admin.items.query(C).isEmpty('tags').count(), 1);
  });
});

describe('distinct', () => {
  it('an array field: each element once, in ascending order; an empty or missing array adds nothing', async () => {
    const result = await admin.items.query(C).distinct('tags');
    assert.deepEqual(result.items, ['RED', 'blue', 'green', 'red']);
  });

  it('a scalar field: missing and null are not values; the empty string is', async () => {
    const result = await admin.items.query(C).distinct('color');
    assert.deepEqual(result.items, ['', 'blue', 'red']);
  });

  it('mixed types stay apart: numbers, booleans and dates are distinct values of their own type', async () => {
    const result = await admin.items.query(C).distinct('size');
    assert.equal(result.items.length, 4, JSON.stringify(result.items)); // 1, 2, true, a date
    assert.ok(result.items.includes(1) && result.items.includes(2) && result.items.includes(true));
    assert.ok(result.items.some((v) => v instanceof Date));
  });

  it('a filter narrows the items before their values are collected', async () => {
    const result = await admin.items.query(C).eq('color', 'red').distinct('tags');
    assert.deepEqual(result.items, ['blue', 'red']); // i1 only (i4 has no tags)
  });

  it('a filter on _id works with an array field (no clash with json_each columns)', async () => {
    const result = await admin.items.query(C).hasSome('_id', ['i2', 'i6']).distinct('tags');
    assert.deepEqual(result.items, ['RED', 'blue', 'green', 'red']);
  });

  it('descending order, paging and the total count agree with the values (REST)', async () => {
    const r = await rawCall(p, '/wix-data/v2/items/query-distinct-values', {
      headers: adminHeaders(p),
      body: JSON.stringify({ dataCollectionId: C, fieldName: 'tags', order: 'DESC', paging: { limit: 3, offset: 0 }, returnTotalCount: true }),
    });
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.json?.['distinctValues'], ['red', 'green', 'blue']);
    assert.deepEqual(r.json?.['pagingMetadata'], { count: 3, offset: 0, hasNext: true, total: 4, tooManyToCount: false });
    const next = await rawCall(p, '/wix-data/v2/items/query-distinct-values', {
      headers: adminHeaders(p),
      body: JSON.stringify({ dataCollectionId: C, fieldName: 'tags', order: 'DESC', paging: { limit: 3, offset: 3 } }),
    });
    assert.deepEqual(next.json?.['distinctValues'], ['RED']);
    assert.equal(next.json?.['pagingMetadata']?.['hasNext'], false);
  });

  it('cursor paging (REST): the next page sends only the cursor, as the SDK does, and the pages add up to the values', async () => {
    const post = (body: unknown) =>
      rawCall(p, '/wix-data/v2/items/query-distinct-values', { headers: adminHeaders(p), body: JSON.stringify({ dataCollectionId: C, ...(body as object) }) });
    const seen: unknown[] = [];
    let r = await post({ fieldName: 'tags', order: 'DESC', cursorPaging: { limit: 3 } });
    for (let page = 0; page < 5; page++) {
      assert.equal(r.status, 200, r.text);
      assert.ok(!('offset' in r.json!['pagingMetadata']), 'a cursor page has no offset');
      seen.push(...(r.json?.['distinctValues'] as unknown[]));
      const next = r.json?.['pagingMetadata']?.['cursors']?.['next'] as string | undefined;
      if (!next) break;
      r = await post({ cursorPaging: { limit: 3, cursor: next } });
    }
    assert.deepEqual(seen, ['red', 'green', 'blue', 'RED']);
    assert.equal((await post({ fieldName: 'tags', paging: { limit: 2 }, cursorPaging: { limit: 2 } })).status, 400, 'paging and cursorPaging together');
    assert.equal((await post({ cursorPaging: { limit: 2 } })).status, 400, 'no field and no cursor');
    assert.equal((await post({ cursorPaging: { limit: 2, cursor: 'e30' } })).status, 400, 'a cursor that is not one');
  });

  it('SITE_MEMBER_AUTHOR: a member sees the distinct values of their own items only', async () => {
    p.createMember({ email: 'cd-a@example.com', password: 'cd-a-password' });
    p.createMember({ email: 'cd-b@example.com', password: 'cd-b-password' });
    const [a, b] = await Promise.all([memberClient(p, 'cd-a@example.com', 'cd-a-password'), memberClient(p, 'cd-b@example.com', 'cd-b-password')]);
    await a.client.items.insert(AUTHORED, { tags: ['mine', 'shared'] } as never);
    await b.client.items.insert(AUTHORED, { tags: ['secret', 'shared'] } as never);
    assert.deepEqual((await a.client.items.query(AUTHORED).distinct('tags')).items, ['mine', 'shared']);
    assert.equal(await a.client.items.query(AUTHORED).count(), 1);
  });
});
