/**
 * Writes that violate a unique index (created through the official @wix/data `indexes` module) answer Wix's
 * WDE0123 (409) from every write path of the items service: insert, update, save, patch, and per item in bulk
 * writes and bulk patch. The mapping itself is slice C's `constraintError` (platform/data/indexes.ts).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { collections, indexes, items } from '@wix/data';
import { errorCode, startTestPlatform, type TestPlatform } from './helpers.ts';

let p: TestPlatform;
let admin: ReturnType<typeof client>;
const C = 'UniqueSkus';
const client = (platform: TestPlatform) =>
  createClient({ modules: { items, collections, indexes }, auth: ApiKeyStrategy({ apiKey: platform.apiKey, siteId: platform.siteId }) });

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = client(p);
  await admin.collections.createDataCollection({ _id: C, displayName: C, fields: [{ key: 'sku', type: 'TEXT' }] } as never);
  await admin.indexes.createIndex(C, { name: 'skuUnique', unique: true, fields: [{ path: 'sku' }] });
  await admin.items.bulkInsert(C, [
    { _id: 'a', sku: 'A-1', n: 0 },
    { _id: 'b', sku: 'B-1', n: 0 },
  ]);
});

after(async () => {
  await p?.stop();
});

const isUnique = (e: unknown) => errorCode(e) === 'WDE0123';

describe('unique index violations answer WDE0123 and write nothing', () => {
  it('insert', async () => {
    await assert.rejects(() => admin.items.insert(C, { _id: 'c', sku: 'A-1' }), isUnique);
    assert.equal(await admin.items.get(C, 'c'), null);
  });

  it('a duplicate _id is still WDE0074, not WDE0123', async () => {
    await assert.rejects(
      () => admin.items.insert(C, { _id: 'a', sku: 'Z-9' }),
      (e: unknown) => errorCode(e) === 'WDE0074',
    );
  });

  it('update and save', async () => {
    await assert.rejects(() => admin.items.update(C, { _id: 'b', sku: 'A-1' }), isUnique);
    await assert.rejects(() => admin.items.save(C, { _id: 'b', sku: 'A-1' }), isUnique);
    assert.equal(((await admin.items.get(C, 'b')) as Record<string, unknown>)['sku'], 'B-1');
  });

  it('patch', async () => {
    await assert.rejects(() => admin.items.patch(C, 'b').setField('sku', 'A-1').incrementField('n', 1).run(), isUnique);
    const b = (await admin.items.get(C, 'b')) as Record<string, unknown>;
    assert.deepEqual([b['sku'], b['n']], ['B-1', 0]);
  });

  it('bulk insert and bulk patch report the conflict per item; the others land', async () => {
    const inserted = await admin.items.bulkInsert(C, [
      { _id: 'd', sku: 'D-1' },
      { _id: 'e', sku: 'A-1' },
    ]);
    assert.equal(inserted.inserted, 1);
    assert.equal((inserted.errors[0] as unknown as { code: string }).code, 'WDE0123');
    const patched = await admin.items.bulkPatch(C, ['d', 'b']).setField('sku', 'D-1').run();
    assert.equal(patched.updated, 1, 'd keeps its own value');
    assert.equal((patched.errors[0] as unknown as { code: string }).code, 'WDE0123');
  });
});
