/**
 * Default order of Query Data Items: without a sort, Wix returns items by `_createdDate` descending (newest first;
 * dev.wix.com Query Data Items: "by default, items are sorted by `_createdDate` in descending order"). Checked
 * through the official @wix/data query builder (offset paging, as the SDK sends it) and through raw REST cursor
 * paging; ties (items created in the same millisecond, as a bulk insert makes them) come newest-inserted first.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEFAULT_ORDER_BY, orderByClause } from '../../platform/data/items.ts';
import { adminHeaders, apiKeyClient, rawCall, startTestPlatform, type TestPlatform } from './helpers.ts';

let p: TestPlatform;
let admin: ReturnType<typeof apiKeyClient>;
const C = 'OrderItems';
const ids = (items: readonly { _id: string }[]) => items.map((i) => i._id);
const tick = () => new Promise((r) => setTimeout(r, 3));

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = apiKeyClient(p);
  await admin.collections.createDataCollection({ _id: C, displayName: C, fields: [{ key: 'title', type: 'TEXT' }] } as never);
  // One at a time, a few ms apart: distinct _createdDate values.
  for (const id of ['a', 'b', 'c', 'd']) {
    await admin.items.insert(C, { _id: id, title: id === 'b' ? 'same' : id === 'c' ? 'same' : `t-${id}` });
    await tick();
  }
  // One bulk insert: (very likely) the same millisecond for all five.
  await admin.items.bulkInsert(
    C,
    ['e1', 'e2', 'e3', 'e4', 'e5'].map((_id) => ({ _id, title: 'bulk' })),
  );
});

after(async () => {
  await p?.stop();
});

describe('default order: newest first', () => {
  it('a query without sort returns _createdDate descending, same-millisecond items newest-inserted first', async () => {
    const { items } = await admin.items.query(C).find();
    assert.deepEqual(ids(items), ['e5', 'e4', 'e3', 'e2', 'e1', 'd', 'c', 'b', 'a']);
    const created = items.map((i) => (i['_createdDate'] as Date).getTime());
    assert.deepEqual(
      created,
      [...created].sort((x, y) => y - x),
      '_createdDate never increases down the page',
    );
  });

  it('offset pages follow the same order without gaps or repeats', async () => {
    const first = await admin.items.query(C).limit(4).find();
    assert.deepEqual(ids(first.items), ['e5', 'e4', 'e3', 'e2']);
    const second = await first.next();
    assert.deepEqual(ids(second.items), ['e1', 'd', 'c', 'b']);
    const third = await second.next();
    assert.deepEqual(ids(third.items), ['a']);
    assert.equal(third.hasNext(), false);
  });

  it('cursor pages (REST) follow the same order, and the cursor keeps it', async () => {
    const seen: string[] = [];
    let body: Record<string, unknown> = { dataCollectionId: C, query: { cursorPaging: { limit: 4 } } };
    for (let page = 0; page < 5; page++) {
      const r = await rawCall(p, '/wix-data/v2/items/query', { headers: adminHeaders(p), body: JSON.stringify(body) });
      assert.equal(r.status, 200, r.text);
      seen.push(...(r.json?.['dataItems'] as { id: string }[]).map((d) => d.id));
      const next = r.json?.['pagingMetadata']?.['cursors']?.['next'] as string | undefined;
      if (!next) break;
      body = { dataCollectionId: C, query: { cursorPaging: { limit: 4, cursor: next } } };
    }
    assert.deepEqual(seen, ['e5', 'e4', 'e3', 'e2', 'e1', 'd', 'c', 'b', 'a']);
  });

  it('an update does not move an item: the order is by _createdDate, not _updatedDate', async () => {
    await admin.items.update(C, { _id: 'a', title: 't-a2' });
    const { items } = await admin.items.query(C).find();
    assert.equal(ids(items).at(-1), 'a');
  });

  it('a filter keeps the default order', async () => {
    const { items } = await admin.items.query(C).eq('title', 'bulk').find();
    assert.deepEqual(ids(items), ['e5', 'e4', 'e3', 'e2', 'e1']);
  });

  it('an explicit sort replaces the default; its ties break by insertion order in the sort direction', async () => {
    const asc = await admin.items.query(C).ascending('title').find();
    assert.deepEqual(ids(asc.items).slice(0, 5), ['e1', 'e2', 'e3', 'e4', 'e5']);
    assert.deepEqual(ids(asc.items).slice(5, 7), ['b', 'c']);
    const desc = await admin.items.query(C).descending('title').find();
    assert.deepEqual(ids(desc.items).slice(-7, -5), ['c', 'b']);
    const oldest = await admin.items.query(C).ascending('_createdDate').find();
    assert.deepEqual(ids(oldest.items), ['a', 'b', 'c', 'd', 'e1', 'e2', 'e3', 'e4', 'e5']);
  });

  it('the ORDER BY text is one helper (slice C builds indexes to match it)', () => {
    assert.equal(DEFAULT_ORDER_BY, 'created_at DESC, rowid DESC');
    assert.equal(orderByClause([], new Map()), DEFAULT_ORDER_BY);
    assert.equal(orderByClause([{ fieldName: '_createdDate', order: 'DESC' }], new Map()), 'created_at DESC, rowid DESC');
    assert.equal(orderByClause([{ fieldName: 'title' }], new Map()), `json_extract(data, '$."title"') ASC, rowid ASC`);
  });
});
