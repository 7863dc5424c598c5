/**
 * Wix Data indexes (issue 11): the Indexes API through the official `@wix/data` `indexes` module (create, list,
 * drop; regular and unique; limits; permissions; persistence), hostile requests over raw REST, the WDE0123 mapping
 * of a unique violation, and the plans SQLite chooses for the SQL the items service really emits.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ApiKeyStrategy, createClient, OAuthStrategy } from '@wix/sdk';
import { collections, indexes, items } from '@wix/data';
import { openDatabase, StatementCache, type Db } from '../../platform/storage/database.ts';
import { CollectionStore, type Collection, type CollectionField } from '../../platform/data/collections.ts';
import { ItemsService } from '../../platform/data/items.ts';
import { registerFilterFunctions } from '../../platform/data/filter.ts';
import { constraintError, IndexService, MAX_INDEXED_VALUE_BYTES, MAX_REGULAR_INDEXES } from '../../platform/data/indexes.ts';
import type { Caller } from '../../platform/identity/callers.ts';
import { WixApiError } from '../../platform/errors.ts';
import { rawCall, startTestPlatform, type TestPlatform } from './helpers.ts';

const PRODUCT_FIELDS: CollectionField[] = [
  { key: 'title', displayName: 'Title', type: 'TEXT' },
  { key: 'category', displayName: 'Category', type: 'TEXT' },
  { key: 'price', displayName: 'Price', type: 'NUMBER' },
  { key: 'sku', displayName: 'SKU', type: 'TEXT' },
];

function adminClient(platform: { apiKey: string; siteId: string }, apiKey = platform.apiKey) {
  return createClient({ modules: { items, collections, indexes }, auth: ApiKeyStrategy({ apiKey, siteId: platform.siteId }) });
}

/** The Wix error code the SDK surfaces (`details.applicationError.code`), or the validation marker. */
async function failure(promise: Promise<unknown>): Promise<{ code: unknown; status: unknown; message: string }> {
  try {
    await promise;
  } catch (error) {
    const e = error as { details?: { applicationError?: { code?: unknown }; validationError?: unknown }; message: string; response?: { status?: number } };
    return {
      code: e.details?.applicationError?.code ?? (e.details?.validationError ? 'VALIDATION' : undefined),
      status: e.response?.status,
      message: e.message,
    };
  }
  assert.fail('expected the call to fail');
}

describe('Indexes API through @wix/data (docs: wix-data-v2 indexes)', () => {
  let platform: TestPlatform;
  let admin: ReturnType<typeof adminClient>;

  before(async () => {
    platform = await startTestPlatform();
    admin = adminClient(platform);
    for (const id of ['Jackets', 'Limits', 'Uniq', 'Dupes', 'Hostile']) {
      platform.services.collections.create({ id, fields: PRODUCT_FIELDS });
    }
  });
  after(() => platform.stop());

  it("the docs' example: an index on Jackets.price is BUILDING when created, ACTIVE in List Indexes, and gone after Drop Index", async () => {
    const created = await admin.indexes.createIndex('Jackets', { name: 'byPrice', fields: [{ path: 'price' }] });
    assert.equal(created.name, 'byPrice');
    assert.equal(created.status, 'BUILDING');
    assert.match(String(created._id), /^[0-9a-f-]{36}$/);
    assert.deepEqual(created.fields, [{ path: 'price', order: 'ASC' }]);
    assert.equal(created.unique, false);
    assert.equal(created.caseInsensitive, false);
    assert.equal(created.source, 'USER');

    const listed = await admin.indexes.listIndexes('Jackets');
    assert.equal(listed.indexes!.length, 1);
    assert.equal(listed.indexes![0]!._id, created._id);
    assert.equal(listed.indexes![0]!.status, 'ACTIVE');
    assert.equal(listed.indexes![0]!.failure, undefined);
    assert.deepEqual(listed.pagingMetadata, { count: 1, offset: 0, total: 1, tooManyToCount: false });
    // The SQLite index exists, and no internal name leaks to the client.
    const collection = platform.services.collections.require('Jackets');
    assert.ok(collection.indexes[0]!.sqliteName);
    assert.ok(!JSON.stringify(listed).includes(collection.table));
    assert.equal(sqliteIndexes(platform.services.db, collection).length, 1);

    await admin.indexes.dropIndex('Jackets', 'byPrice');
    assert.deepEqual((await admin.indexes.listIndexes('Jackets')).indexes!, []);
    assert.equal(sqliteIndexes(platform.services.db, platform.services.collections.require('Jackets')).length, 0);
  });

  it('keeps field order and direction, and pages List Indexes', async () => {
    await admin.indexes.createIndex('Limits', {
      name: 'catPrice',
      fields: [
        { path: 'category', order: 'ASC' },
        { path: 'price', order: 'DESC' },
      ],
    });
    await admin.indexes.createIndex('Limits', { name: 'byTitle', fields: [{ path: 'title', order: 'DESC' }] });
    const all = await admin.indexes.listIndexes('Limits');
    assert.deepEqual(
      all.indexes!.map((i) => [i.name, i.fields]),
      [
        [
          'catPrice',
          [
            { path: 'category', order: 'ASC' },
            { path: 'price', order: 'DESC' },
          ],
        ],
        ['byTitle', [{ path: 'title', order: 'DESC' }]],
      ],
    );
    const second = await admin.indexes.listIndexes('Limits', { paging: { limit: 1, offset: 1 } });
    assert.deepEqual(
      second.indexes!.map((i) => i.name),
      ['byTitle'],
    );
    assert.equal(second.pagingMetadata?.total, 2);
  });

  it('refuses what the docs limit: a 4th regular index, 4 fields, a 2-field unique index, a second unique index, a taken name', async () => {
    // Limits has 2 regular indexes from the test above; one more is allowed.
    await admin.indexes.createIndex('Limits', { name: 'third', fields: [{ path: 'sku' }] });
    assert.equal(MAX_REGULAR_INDEXES, 3);
    const before = await admin.indexes.listIndexes('Limits');
    const cases = [
      admin.indexes.createIndex('Limits', { name: 'fourth', fields: [{ path: 'title' }] }),
      admin.indexes.createIndex('Limits', { name: 'wide', fields: [{ path: 'a' }, { path: 'b' }, { path: 'c' }, { path: 'd' }] }),
      admin.indexes.createIndex('Limits', { name: 'u2', unique: true, fields: [{ path: 'a' }, { path: 'b' }] }),
      admin.indexes.createIndex('Limits', { name: 'same', fields: [{ path: 'a' }, { path: 'a' }] }),
      admin.indexes.createIndex('Limits', { name: 'none', fields: [] }),
    ];
    for (const c of cases) assert.equal((await failure(c)).status, 400);
    await admin.indexes.createIndex('Limits', { name: 'oneUnique', unique: true, fields: [{ path: 'sku' }] });
    assert.equal((await failure(admin.indexes.createIndex('Limits', { name: 'twoUnique', unique: true, fields: [{ path: 'title' }] }))).status, 400);
    const taken = await failure(
      admin.indexes
        .createIndex('Uniq', { name: 'x', fields: [{ path: 'title' }] })
        .then(() => admin.indexes.createIndex('Uniq', { name: 'x', fields: [{ path: 'sku' }] })),
    );
    assert.deepEqual([taken.status, taken.code], [409, 'ALREADY_EXISTS']);
    await admin.indexes.dropIndex('Uniq', 'x');
    // Nothing refused was written.
    const afterList = await admin.indexes.listIndexes('Limits');
    assert.deepEqual(
      afterList.indexes!.map((i) => i.name),
      [...before.indexes!.map((i) => i.name), 'oneUnique'],
    );
  });

  it('answers 404 for an unknown collection or index name', async () => {
    const noCollection = await failure(admin.indexes.listIndexes('Nope'));
    assert.deepEqual([noCollection.status, noCollection.code], [404, 'WDE0025']);
    const noIndex = await failure(admin.indexes.dropIndex('Jackets', 'missing'));
    assert.deepEqual([noIndex.status, noIndex.code], [404, 'NOT_FOUND']);
  });

  it('a unique index over duplicate values is FAILED with WDE0113 and the duplicate item, has no SQLite index, and holds its slot until dropped', async () => {
    const { items: service } = platform.services;
    const owner: Caller = { kind: 'owner', id: platform.owner.id };
    service.insert(owner, 'Dupes', { _id: 'a', sku: 'S-1' });
    service.insert(owner, 'Dupes', { _id: 'b', sku: 'S-2' });
    service.insert(owner, 'Dupes', { _id: 'c', sku: 'S-1' });
    const created = await admin.indexes.createIndex('Dupes', { name: 'skuUnique', unique: true, fields: [{ path: 'sku' }] });
    assert.equal(created.status, 'BUILDING');
    const [listed] = (await admin.indexes.listIndexes('Dupes')).indexes!;
    assert.equal(listed!.status, 'FAILED');
    assert.equal(listed!.failure?.code, 'WDE0113');
    assert.equal(listed!.failure?.itemId, 'c');
    assert.equal(sqliteIndexes(platform.services.db, platform.services.collections.require('Dupes')).length, 0);
    // Writes are not blocked by a failed index.
    service.insert(owner, 'Dupes', { _id: 'd', sku: 'S-1' });
    // The failed index keeps the unique slot.
    assert.equal((await failure(admin.indexes.createIndex('Dupes', { name: 'again', unique: true, fields: [{ path: 'title' }] }))).status, 400);
    await admin.indexes.dropIndex('Dupes', 'skuUnique');
    service.remove(owner, 'Dupes', 'c');
    service.remove(owner, 'Dupes', 'd');
    await admin.indexes.createIndex('Dupes', { name: 'again', unique: true, fields: [{ path: 'sku' }] });
    assert.equal((await admin.indexes.listIndexes('Dupes')).indexes![0]!.status, 'ACTIVE');
  });

  it('a write that violates a unique index raises an SQLite error that constraintError maps to WDE0123 (409); other errors map to nothing', async () => {
    await admin.indexes.createIndex('Uniq', { name: 'skuUnique', unique: true, fields: [{ path: 'sku' }] });
    const collection = platform.services.collections.require('Uniq');
    const insert = platform.services.db.prepare(`INSERT INTO ${collection.table} (id, owner, created_at, updated_at, data) VALUES (?, NULL, ?, ?, jsonb(?))`);
    const now = new Date().toISOString();
    insert.run('one', now, now, JSON.stringify({ sku: 'A-1' }));
    // Items without the field do not conflict with each other (SQLite's NULLs are distinct).
    insert.run('two', now, now, JSON.stringify({ title: 'no sku' }));
    insert.run('three', now, now, JSON.stringify({ title: 'no sku either' }));
    let raised: unknown;
    try {
      insert.run('four', now, now, JSON.stringify({ sku: 'A-1' }));
    } catch (error) {
      raised = error;
    }
    const mapped = constraintError(raised, collection);
    assert.ok(mapped instanceof WixApiError);
    assert.equal(mapped.status, 409);
    assert.equal(mapped.code, 'WDE0123');
    assert.deepEqual(mapped.data, { dataCollectionId: 'Uniq', indexName: 'skuUnique', fields: ['sku'] });
    assert.deepEqual((mapped.toBody() as { details: { applicationError: { code: string } } }).details.applicationError.code, 'WDE0123');
    // The duplicate _id is the items service's WDE0074, not an index conflict.
    let duplicateId: unknown;
    try {
      insert.run('one', now, now, JSON.stringify({ sku: 'B-2' }));
    } catch (error) {
      duplicateId = error;
    }
    assert.equal((duplicateId as { code: string }).code, 'SQLITE_CONSTRAINT_UNIQUE');
    assert.equal(constraintError(duplicateId, collection), undefined);
    assert.equal(constraintError(new Error("UNIQUE constraint failed: index 'x'"), collection), undefined);
    assert.equal(constraintError('not an error', collection), undefined);
    // Another collection's index is not this collection's conflict.
    assert.equal(constraintError(raised, platform.services.collections.require('Jackets')), undefined);
  });

  it('through the SDK: insert, update and bulk insert that violate a unique index fail with WDE0123 (409) and write nothing', async () => {
    platform.services.collections.create({ id: 'Members', fields: [{ key: 'handle', displayName: 'Handle', type: 'TEXT' }] });
    await admin.indexes.createIndex('Members', { name: 'handle', unique: true, fields: [{ path: 'handle' }] });
    await admin.items.insert('Members', { _id: 'm1', handle: 'ann' });
    await admin.items.insert('Members', { _id: 'm2', handle: 'bob' });
    const insert = await failure(admin.items.insert('Members', { _id: 'm3', handle: 'ann' }));
    assert.equal(insert.code, 'WDE0123');
    const raw = await rawCall(platform, '/wix-data/v2/items', {
      headers: { authorization: platform.apiKey, 'wix-site-id': platform.siteId },
      body: JSON.stringify({ dataCollectionId: 'Members', dataItem: { data: { _id: 'm9', handle: 'bob' } } }),
    });
    assert.equal(raw.status, 409);
    assert.equal(raw.json?.['details']?.applicationError?.code, 'WDE0123');
    const update = await failure(admin.items.update('Members', { _id: 'm2', handle: 'ann' }));
    assert.equal(update.code, 'WDE0123');
    const bulk = await admin.items.bulkInsert('Members', [
      { _id: 'm4', handle: 'cy' },
      { _id: 'm5', handle: 'bob' },
    ]);
    assert.equal(bulk.inserted, 1);
    assert.deepEqual(
      bulk.errors.map((e) => [e.originalIndex, e.code]),
      [[1, 'WDE0123']],
    );
    const stored = await admin.items.query('Members').ascending('handle').find();
    assert.deepEqual(
      stored.items.map((i) => [i._id, i['handle']]),
      [
        ['m1', 'ann'],
        ['m2', 'bob'],
        ['m4', 'cy'],
      ],
    );
  });

  it("Wix's 982-byte limit on an indexed value (collection name included): WDE0133 on a write, WDE0114 when existing data is over it", async () => {
    platform.services.collections.create({ id: 'Big', fields: [{ key: 'note', displayName: 'Note', type: 'TEXT' }] });
    const limit = MAX_INDEXED_VALUE_BYTES - 'Big'.length;
    await admin.indexes.createIndex('Big', { name: 'byNote', fields: [{ path: 'note' }] });
    await admin.items.insert('Big', { _id: 'fits', note: 'x'.repeat(limit) });
    const over = await failure(admin.items.insert('Big', { _id: 'over', note: 'x'.repeat(limit + 1) }));
    assert.equal(over.code, 'WDE0133');
    // Bytes, not characters: 'é' is two bytes in UTF-8.
    assert.equal((await failure(admin.items.insert('Big', { _id: 'accents', note: 'é'.repeat(Math.ceil(limit / 2) + 1) }))).code, 'WDE0133');
    assert.equal((await failure(admin.items.update('Big', { _id: 'fits', note: 'y'.repeat(limit + 1) }))).code, 'WDE0133');
    const raw = await rawCall(platform, '/wix-data/v2/items', {
      headers: { authorization: platform.apiKey, 'wix-site-id': platform.siteId },
      body: JSON.stringify({ dataCollectionId: 'Big', dataItem: { data: { _id: 'raw', note: 'z'.repeat(2000) } } }),
    });
    assert.equal(raw.status, 400);
    assert.equal(raw.json?.['details']?.applicationError?.code, 'WDE0133');
    assert.deepEqual(
      (await admin.items.query('Big').find()).items.map((i) => [i._id, String(i['note']).length]),
      [['fits', limit]],
    );
    // Dropping the index lifts the limit; existing data over it then fails a new build with the item's ID.
    await admin.indexes.dropIndex('Big', 'byNote');
    await admin.items.insert('Big', { _id: 'long', note: 'x'.repeat(5000) });
    await admin.indexes.createIndex('Big', { name: 'again', fields: [{ path: 'note' }] });
    const [failed] = (await admin.indexes.listIndexes('Big')).indexes!;
    assert.equal(failed!.status, 'FAILED');
    assert.deepEqual([failed!.failure?.code, failed!.failure?.itemId], ['WDE0114', 'long']);
    const table = platform.services.collections.require('Big').table;
    assert.deepEqual(platform.services.db.prepare("SELECT name FROM sqlite_master WHERE type = 'trigger' AND tbl_name = ?").all(table), []);
  });

  it('a case-insensitive unique index treats "ABC" and "abc" as the same value', async () => {
    platform.services.collections.create({ id: 'Emails', fields: [{ key: 'email', displayName: 'Email', type: 'TEXT' }] });
    await admin.indexes.createIndex('Emails', { name: 'email', unique: true, caseInsensitive: true, fields: [{ path: 'email' }] });
    const collection = platform.services.collections.require('Emails');
    assert.equal(collection.indexes[0]!.caseInsensitive, true);
    const insert = platform.services.db.prepare(
      `INSERT INTO ${collection.table} (id, owner, created_at, updated_at, data) VALUES (?, NULL, 'x', 'x', jsonb(?))`,
    );
    insert.run('1', JSON.stringify({ email: 'Ann@Example.com' }));
    assert.throws(
      () => insert.run('2', JSON.stringify({ email: 'ann@example.COM' })),
      (error: unknown) => constraintError(error, collection)?.code === 'WDE0123',
    );
  });

  it('only the site owner and API keys manage indexes: a visitor is refused, a read-only key may list but not create or drop', async () => {
    const visitor = createClient({ modules: { indexes }, auth: OAuthStrategy({ clientId: platform.clientId }) });
    assert.equal((await failure(visitor.indexes.listIndexes('Jackets'))).status, 403);
    assert.equal((await failure(visitor.indexes.createIndex('Jackets', { name: 'v', fields: [{ path: 'price' }] }))).status, 403);
    const readKey = platform.createApiKey({ name: 'read only', permissions: ['WIX_DATA.READ_ITEMS'] });
    const reader = adminClient(platform, readKey);
    assert.deepEqual((await reader.indexes.listIndexes('Jackets')).indexes!, []);
    assert.equal((await failure(reader.indexes.createIndex('Jackets', { name: 'r', fields: [{ path: 'price' }] }))).status, 403);
    assert.equal((await failure(reader.indexes.dropIndex('Limits', 'third'))).status, 403);
    assert.equal((await admin.indexes.listIndexes('Jackets')).indexes!.length, 0);
  });
});

describe('Indexes API: hostile requests (raw REST)', () => {
  let platform: TestPlatform;
  let auth: Record<string, string>;

  before(async () => {
    platform = await startTestPlatform();
    auth = { authorization: platform.apiKey, 'wix-site-id': platform.siteId };
    platform.services.collections.create({ id: 'Hostile', fields: PRODUCT_FIELDS });
  });
  after(() => platform.stop());

  const create = (body: unknown) => rawCall(platform, '/wix-data/v2/indexes', { headers: auth, body: JSON.stringify(body) });
  const list = async () => (await rawCall(platform, '/wix-data/v2/indexes?dataCollectionId=Hostile', { method: 'GET', headers: auth })).json!;

  it('prototype names are ordinary names and paths; Object.prototype stays clean', async () => {
    for (const name of ['__proto__', 'constructor', 'toString']) {
      const answer = await create({
        dataCollectionId: 'Hostile',
        index: { name, fields: [{ path: name === 'toString' ? 'constructor.prototype' : '__proto__' }] },
      });
      assert.equal(answer.status, 200, answer.text);
    }
    assert.deepEqual(
      (await list())['indexes'].map((i: { name: string }) => i.name),
      ['__proto__', 'constructor', 'toString'],
    );
    assert.equal(({} as Record<string, unknown>)['path'], undefined);
    const dropped = await rawCall(platform, '/wix-data/v2/indexes?dataCollectionId=Hostile&indexName=__proto__', { method: 'DELETE', headers: auth });
    assert.equal(dropped.status, 200);
    const missing = await rawCall(platform, '/wix-data/v2/indexes?dataCollectionId=Hostile&indexName=hasOwnProperty', { method: 'DELETE', headers: auth });
    assert.equal(missing.status, 404);
    for (const name of ['constructor', 'toString']) {
      await rawCall(platform, `/wix-data/v2/indexes?dataCollectionId=Hostile&indexName=${name}`, { method: 'DELETE', headers: auth });
    }
    assert.deepEqual((await list())['indexes'], []);
  });

  it('wrong types, bad paths, SQL in paths and huge lists are 4xx in Wix shape, fast, and write nothing', async () => {
    const bodies: unknown[] = [
      { dataCollectionId: 'Hostile', index: { name: 'a', fields: 'price' } },
      { dataCollectionId: 'Hostile', index: { name: 'a', fields: [{ path: 'price' }], unique: 'yes' } },
      { dataCollectionId: 'Hostile', index: { name: 'a', fields: [{ path: 'price', order: 'SIDEWAYS' }] } },
      { dataCollectionId: 'Hostile', index: { name: '', fields: [{ path: 'price' }] } },
      { dataCollectionId: 'Hostile', index: { name: 'x'.repeat(129), fields: [{ path: 'price' }] } },
      { dataCollectionId: 'Hostile', index: { name: 'a', fields: [{ path: "price')); DROP TABLE collections; --" }] } },
      { dataCollectionId: 'Hostile', index: { name: 'a', fields: [{ path: 'a..b' }] } },
      { dataCollectionId: 'Hostile', index: { name: 'a', fields: [{ path: 'x'.repeat(129) }] } },
      { dataCollectionId: 'Hostile', index: { name: 'a', fields: [{ path: 'price' }], source: 'SYSTEM' } },
      { dataCollectionId: 'Hostile', index: { name: 'a', fields: Array.from({ length: 1000 }, (_, i) => ({ path: `f${i}` })) } },
      { dataCollectionId: 'Hostile', index: null },
      { dataCollectionId: ['Hostile'], index: { name: 'a', fields: [{ path: 'price' }] } },
      [],
    ];
    for (const body of bodies) {
      const t0 = performance.now();
      const answer = await create(body);
      const ms = performance.now() - t0;
      assert.ok(answer.status === 400 || answer.status === 413, `${answer.status} for ${JSON.stringify(body).slice(0, 80)}`);
      assert.ok(answer.json?.['message'] !== undefined && answer.json?.['details'] !== undefined, answer.text);
      assert.ok(ms < 1000, `${ms} ms`);
    }
    // A body far over the route's limit is refused before parsing.
    const huge = await create({ dataCollectionId: 'Hostile', index: { name: 'a', fields: Array.from({ length: 100_000 }, () => ({ path: 'p' })) } });
    assert.equal(huge.status, 413);
    assert.deepEqual((await list())['indexes'], []);
    assert.ok(platform.services.db.prepare("SELECT count(*) AS n FROM sqlite_master WHERE name = 'collections'").get());
    const badPaging = await rawCall(platform, '/wix-data/v2/indexes?dataCollectionId=Hostile&paging.limit=1000000', { method: 'GET', headers: auth });
    assert.equal(badPaging.status, 400);
    const negative = await rawCall(platform, '/wix-data/v2/indexes?dataCollectionId=Hostile&paging.offset=-1', { method: 'GET', headers: auth });
    assert.equal(negative.status, 400);
  });

  it('property: any create-index body answers 200 or a 4xx in Wix shape, never a 5xx, and a refused one changes nothing', async () => {
    const segment = fc.oneof(
      fc.constantFrom('price', 'category', '__proto__', 'constructor', '_id', '_owner', '_createdDate', 'a-b', '0'),
      fc.string({ maxLength: 12 }),
    );
    const path = fc.oneof(
      segment,
      fc.array(segment, { minLength: 1, maxLength: 10 }).map((s) => s.join('.')),
    );
    const field = fc.oneof(
      fc.record({ path, order: fc.option(fc.constantFrom('ASC', 'DESC', 'asc', 1), { nil: undefined }) }, { requiredKeys: ['path'] }),
      fc.anything(),
    );
    const index = fc.record(
      {
        name: fc.oneof(fc.string({ maxLength: 140 }), fc.constantFrom('__proto__', 'constructor'), fc.integer()),
        fields: fc.oneof(fc.array(field, { maxLength: 5 }), fc.anything()),
        unique: fc.oneof(fc.boolean(), fc.anything()),
        caseInsensitive: fc.boolean(),
      },
      { requiredKeys: [] },
    );
    let created = 0;
    await fc.assert(
      fc.asyncProperty(index, async (ix) => {
        const before = JSON.stringify((await list())['indexes']);
        const answer = await create({ dataCollectionId: 'Hostile', index: ix });
        assert.ok(answer.status === 200 || (answer.status >= 400 && answer.status < 500), `${answer.status}: ${answer.text.slice(0, 200)}`);
        if (answer.status === 200) {
          created++;
          const name = (answer.json!['index'] as { name: string }).name;
          const dropped = await rawCall(platform, `/wix-data/v2/indexes?dataCollectionId=Hostile&indexName=${encodeURIComponent(name)}`, {
            method: 'DELETE',
            headers: auth,
          });
          assert.equal(dropped.status, 200, dropped.text);
        } else {
          assert.ok(typeof answer.json?.['message'] === 'string', answer.text);
          assert.equal(JSON.stringify((await list())['indexes']), before);
        }
      }),
      { numRuns: 60 },
    );
    assert.ok(created >= 0);
    assert.equal(Object.getPrototypeOf({}), Object.prototype);
    assert.equal(({} as Record<string, unknown>)['name'], undefined);
  });
});

describe('Indexes survive a restart with a data directory', () => {
  it('an index created through the SDK is listed ACTIVE and still backs queries after the platform restarts', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wix-indexes-'));
    try {
      const db = join(dir, 'platform.db');
      let platform = await startTestPlatform({ db, dataDir: dir });
      platform.services.collections.create({ id: 'Kept', fields: PRODUCT_FIELDS });
      await adminClient(platform).indexes.createIndex('Kept', { name: 'catPrice', fields: [{ path: 'category' }, { path: 'price', order: 'DESC' }] });
      await platform.stop();

      platform = await startTestPlatform({ db, dataDir: dir });
      try {
        const listed = await adminClient(platform).indexes.listIndexes('Kept');
        assert.deepEqual(
          listed.indexes!.map((i) => [i.name, i.status, i.fields]),
          [
            [
              'catPrice',
              'ACTIVE',
              [
                { path: 'category', order: 'ASC' },
                { path: 'price', order: 'DESC' },
              ],
            ],
          ],
        );
        const collection = platform.services.collections.require('Kept');
        assert.equal(sqliteIndexes(platform.services.db, collection).length, 1);
      } finally {
        await platform.stop();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// The planner: EXPLAIN QUERY PLAN of the SQL the items service really executes.
// ---------------------------------------------------------------------------------------------------------------

function sqliteIndexes(db: Db, collection: Collection): string[] {
  return (db.prepare("SELECT name FROM sqlite_master WHERE type = 'index' AND tbl_name = ?").all(collection.table) as { name: string }[])
    .map((r) => r.name)
    .filter((n) => n.startsWith(`${collection.table}_wix_`));
}

interface Executed {
  sql: string;
  params: unknown[];
}

/** An ItemsService whose statements record what they run, on a database of generated products. */
function plannerFixture(size: number) {
  const db = openDatabase(':memory:');
  registerFilterFunctions(db);
  const log: Executed[] = [];
  const recording = new Proxy(db, {
    get(target, prop) {
      if (prop === 'prepare') {
        return (sql: string) => {
          const stmt = target.prepare(sql);
          return new Proxy(stmt, {
            get(s, p) {
              const value = Reflect.get(s, p, s) as unknown;
              if (typeof value !== 'function') return value;
              if (p === 'all' || p === 'get') {
                return (...params: unknown[]) => {
                  log.push({ sql, params });
                  return (value as (...a: unknown[]) => unknown).apply(s, params);
                };
              }
              return (value as (...a: unknown[]) => unknown).bind(s);
            },
          });
        };
      }
      const value = Reflect.get(target, prop, target) as unknown;
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
  const store = new CollectionStore(db, () => Date.now());
  const service = new ItemsService(recording, store, new StatementCache(recording), () => Date.now());
  const indexService = new IndexService(db, store, () => Date.now());
  store.create({
    id: 'Products',
    fields: PRODUCT_FIELDS,
    permissions: { read: 'SITE_MEMBER_AUTHOR', insert: 'SITE_MEMBER', update: 'SITE_MEMBER_AUTHOR', remove: 'SITE_MEMBER_AUTHOR' },
  });
  const owner: Caller = { kind: 'owner', id: 'owner-1' };
  const categories = ['Tents', 'Bags', 'Lamps', 'Stoves', 'Boots', 'Maps', 'Ropes', 'Packs'];
  const batch: Record<string, unknown>[] = [];
  for (let i = 0; i < size; i++) {
    batch.push({
      _id: `p${i}`,
      _owner: `member-${i % 20}`,
      title: `Item ${i}`,
      rating: i % 97,
      category: categories[i % categories.length],
      price: (i * 37) % 500,
      sku: `S-${i}`,
    });
    if (batch.length === 1000 || i === size - 1) {
      service.bulkWrite(owner, 'Products', 'insert', batch.splice(0));
    }
  }
  const explain = (query: Parameters<ItemsService['query']>[2], caller: Caller = owner): string[] => {
    log.length = 0;
    service.query(caller, 'Products', query, false);
    const page = log.find((e) => e.sql.includes('LIMIT'));
    assert.ok(page, 'the page query was recorded');
    return (db.prepare(`EXPLAIN QUERY PLAN ${page.sql}`).all(...page.params) as { detail: string }[]).map((r) => r.detail);
  };
  const sqliteName = (name: string) => store.require('Products').indexes.find((i) => i.name === name)!.sqliteName!;
  return { db, store, service, indexService, owner, explain, sqliteName };
}

describe('the planner walks a matching index in order and stops after the page (EXPLAIN QUERY PLAN)', () => {
  const f = plannerFixture(5_000);
  f.indexService.create(undefined, 'Products', {
    name: 'catPrice',
    fields: [
      { path: 'category', order: 'ASC' },
      { path: 'price', order: 'DESC' },
    ],
  });
  f.indexService.create(undefined, 'Products', { name: 'ownerPrice', fields: [{ path: '_owner' }, { path: 'price' }] });
  // `rating` is not a declared field, so it has no per-field expression index: only the Wix index can serve it.
  f.indexService.create(undefined, 'Products', { name: 'byRating', fields: [{ path: 'rating', order: 'DESC' }] });
  const noTempSort = (plan: string[]) => assert.ok(!plan.some((line) => line.includes('TEMP B-TREE')), plan.join('\n'));

  it('equality + sort (descending, as the benchmark asks): the equality prefix is an index search, the sort is the walk', () => {
    const plan = f.explain({ filter: { category: 'Tents', price: { $gte: 50 } }, sort: [{ fieldName: 'price', order: 'DESC' }], paging: { limit: 50 } });
    assert.ok(
      plan.some((l) => l.includes(`USING INDEX ${f.sqliteName('catPrice')} (<expr>=? AND <expr>>?)`)),
      plan.join('\n'),
    );
    noTempSort(plan);
    // Ascending walks the same index the other way.
    const asc = f.explain({ filter: { category: 'Tents' }, sort: [{ fieldName: 'price', order: 'ASC' }], paging: { limit: 50 } });
    assert.ok(
      asc.some((l) => l.includes(`USING INDEX ${f.sqliteName('catPrice')} (<expr>=?)`)),
      asc.join('\n'),
    );
    noTempSort(asc);
  });

  it('range + sort on an undeclared field: the range is a search of its Wix index, walked in sort order', () => {
    for (const order of ['ASC', 'DESC'] as const) {
      const plan = f.explain({ filter: { rating: { $gt: 10, $lte: 60 } }, sort: [{ fieldName: 'rating', order }], paging: { limit: 50 } });
      assert.ok(
        plan.some((l) => l.includes(`USING INDEX ${f.sqliteName('byRating')} (<expr>>? AND <expr><?)`)),
        plan.join('\n'),
      );
      noTempSort(plan);
    }
  });

  it('$in is an index search per value (SQLite then sorts the matches: it cannot merge several index ranges)', () => {
    const plan = f.explain({ filter: { category: { $in: ['Tents', 'Maps'] } }, sort: [{ fieldName: 'price', order: 'DESC' }], paging: { limit: 50 } });
    assert.ok(
      plan.some((l) => /^SEARCH items_\d+ USING INDEX \S+ \(<expr>=\?\)$/.test(l)),
      plan.join('\n'),
    );
  });

  it("SITE_MEMBER_AUTHOR owner scope: a member's own items by price walk the _owner index, and newest first walk the system owner index", () => {
    const member: Caller = { kind: 'member', id: 'member-3' };
    const byPrice = f.explain({ sort: [{ fieldName: 'price', order: 'DESC' }], paging: { limit: 50 } }, member);
    assert.ok(
      byPrice.some((l) => l.includes(`USING INDEX ${f.sqliteName('ownerPrice')} (owner=?)`)),
      byPrice.join('\n'),
    );
    noTempSort(byPrice);
    const newest = f.explain({ sort: [{ fieldName: '_createdDate', order: 'DESC' }], paging: { limit: 50 } }, member);
    const table = f.store.require('Products').table;
    assert.ok(
      newest.some((l) => l.includes(`USING INDEX ${table}_owner (owner=?)`)),
      newest.join('\n'),
    );
    noTempSort(newest);
  });

  it('the default order (newest first) walks the owner index for a member, and an index ending in _createdDate after an equality', () => {
    const member: Caller = { kind: 'member', id: 'member-5' };
    const table = f.store.require('Products').table;
    const mine = f.explain({ paging: { limit: 50 } }, member);
    assert.ok(
      mine.some((l) => l.includes(`USING INDEX ${table}_owner (owner=?)`)),
      mine.join('\n'),
    );
    noTempSort(mine);
    const g = plannerFixture(2_000);
    g.indexService.create(undefined, 'Products', { name: 'catNewest', fields: [{ path: 'category' }, { path: '_createdDate', order: 'DESC' }] });
    const plan = g.explain({ filter: { category: 'Tents' }, paging: { limit: 50 } });
    assert.ok(
      plan.some((l) => l.includes(`USING INDEX ${g.sqliteName('catNewest')} (<expr>=?)`)),
      plan.join('\n'),
    );
    noTempSort(plan);
  });

  it('without a matching index the same page sorts every match (the baseline the index removes)', () => {
    const plan = f.explain({ filter: { category: 'Tents' }, sort: [{ fieldName: 'title', order: 'DESC' }], paging: { limit: 50 } });
    assert.ok(
      plan.some((l) => l.includes('TEMP B-TREE')),
      plan.join('\n'),
    );
  });

  it('property: an index changes the plan, never the answer (same items in the same order, with and without it)', () => {
    const g = plannerFixture(600);
    const category = fc.constantFrom('Tents', 'Bags', 'Lamps', 'Nope');
    const query = fc.record({
      filter: fc.oneof(
        category.map((c) => ({ category: c })),
        fc.tuple(category, fc.integer({ min: 0, max: 500 })).map(([c, p]) => ({ category: c, price: { $gte: p } })),
        fc
          .tuple(fc.integer({ min: 0, max: 500 }), fc.integer({ min: 0, max: 500 }))
          .map(([a, b]) => ({ price: { $gt: Math.min(a, b), $lte: Math.max(a, b) } })),
        fc.array(category, { minLength: 1, maxLength: 3 }).map((cs) => ({ category: { $in: cs } })),
      ),
      sort: fc.array(
        fc.record({ fieldName: fc.constantFrom('category', 'price', 'title', '_createdDate'), order: fc.constantFrom<'ASC' | 'DESC'>('ASC', 'DESC') }),
        {
          maxLength: 2,
        },
      ),
      limit: fc.integer({ min: 1, max: 60 }),
      offset: fc.integer({ min: 0, max: 100 }),
    });
    const run = (q: { filter: unknown; sort: { fieldName: string; order: 'ASC' | 'DESC' }[]; limit: number; offset: number }) =>
      g.service.query(g.owner, 'Products', { filter: q.filter, sort: q.sort, paging: { limit: q.limit, offset: q.offset } }, true);
    const samples = fc.sample(query, { numRuns: 80, seed: 11 });
    const without = samples.map((q) => run(q));
    g.indexService.create(undefined, 'Products', { name: 'cp', fields: [{ path: 'category' }, { path: 'price', order: 'DESC' }] });
    g.indexService.create(undefined, 'Products', { name: 'p', fields: [{ path: 'price' }] });
    samples.forEach((q, i) => {
      const withIndex = run(q);
      assert.deepEqual(
        withIndex.dataItems.map((d) => d.id),
        without[i]!.dataItems.map((d) => d.id),
        JSON.stringify(q),
      );
      assert.equal(withIndex.pagingMetadata['total'], without[i]!.pagingMetadata['total']);
    });
  });
});

describe('databases made by an earlier version', () => {
  it('gain the indexes column and the two-column owner index when opened', () => {
    const dir = mkdtempSync(join(tmpdir(), 'wix-indexes-old-'));
    try {
      const path = join(dir, 'platform.db');
      const old = openDatabase(path);
      const store = new CollectionStore(old, () => Date.now());
      const { table } = store.create({ id: 'Old', fields: PRODUCT_FIELDS });
      // Make it look like the earlier schema: no indexes column, a one-column owner index.
      old.exec(`DROP INDEX ${table}_owner; CREATE INDEX ${table}_owner ON ${table}(owner); ALTER TABLE collections DROP COLUMN indexes`);
      old.close();

      const db = openDatabase(path);
      try {
        const reopened = new CollectionStore(db, () => Date.now());
        assert.deepEqual(reopened.require('Old').indexes, []);
        assert.deepEqual(
          (db.prepare(`PRAGMA index_info(${table}_owner)`).all() as { name: string | null }[]).map((c) => c.name),
          ['owner', 'created_at'],
        );
        new IndexService(db, reopened, () => Date.now()).create(undefined, 'Old', { name: 'byPrice', fields: [{ path: 'price' }] });
        assert.equal(reopened.require('Old').indexes[0]!.status, 'ACTIVE');
      } finally {
        db.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
