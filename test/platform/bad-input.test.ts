/**
 * Bad input: every case gets a non-200 status with the Wix error shape (reference §3.1) — an
 * `applicationError.code`, or `validationError.fieldViolations` — and writes nothing. "Nothing
 * written" is checked by snapshotting the collection as admin before and after the call.
 *
 * The collection lets ANYONE do anything, so a bad credential that were mistakenly accepted as a
 * visitor would show up as a written item, not hide behind a permission denial.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ApiKeyStrategy, createClient } from '@wix/sdk';
import { collections, items } from '@wix/data';
import { decodeJwt, SignJWT } from 'jose';
import { createPlatform, type Platform } from '../../platform/index.ts';
import { adminHeaders, apiKeyClient, errorCode, rawCall, startTestPlatform, tokenClient, type TestPlatform } from './helpers.ts';

const C = 'Bad_Items';
const ITEMS = '/wix-data/v2/items';
const MiB = 1024 * 1024;

type Raw = Awaited<ReturnType<typeof rawCall>>;
interface Item {
  _id: string;
  title?: unknown;
  price?: unknown;
  _updatedDate?: unknown;
}

let p: TestPlatform;
/** A second site, for foreign tokens and keys. Never listens: its services mint what we need. */
let other: Platform;
let admin: ReturnType<typeof apiKeyClient>;

const json = (value: unknown) => JSON.stringify(value);
const insertBody = (data: Record<string, unknown>, collection = C) => json({ dataCollectionId: collection, dataItem: { data } });
const queryBody = (query: Record<string, unknown>, collection = C) => json({ dataCollectionId: collection, query });

async function snapshot(): Promise<string[]> {
  const { items: all } = await admin.items.query(C).limit(1000).find();
  return (all as Item[]).map((i) => json([i._id, i.title, i.price, i._updatedDate instanceof Date ? i._updatedDate.toISOString() : i._updatedDate])).sort();
}

async function collectionIds(): Promise<string[]> {
  return ((await admin.collections.listDataCollections()).collections ?? []).map((c) => String(c._id)).sort();
}

/** Runs `call` and asserts the collection (and the collection list) is exactly as before. */
async function nothingWritten<T>(what: string, call: () => Promise<T>): Promise<T> {
  const [itemsBefore, collectionsBefore] = [await snapshot(), await collectionIds()];
  const result = await call();
  assert.deepEqual(await snapshot(), itemsBefore, `${what}: nothing may be written to ${C}`);
  assert.deepEqual(await collectionIds(), collectionsBefore, `${what}: no collection may be created or removed`);
  return result;
}

/** Wix application error: `{message, details:{applicationError:{code, description, data}}}`. */
function assertAppError(r: Raw, status: number, code: string | RegExp, what: string): void {
  assert.equal(r.status, status, `${what}: expected HTTP ${status}, got ${r.status}: ${r.text.slice(0, 300)}`);
  assert.ok(r.json, `${what}: the body is JSON: ${r.text.slice(0, 200)}`);
  assert.equal(typeof r.json['message'], 'string', `${what}: has a message`);
  const appError = r.json['details']?.['applicationError'];
  assert.ok(appError, `${what}: details.applicationError is present: ${r.text.slice(0, 300)}`);
  if (typeof code === 'string') assert.equal(appError['code'], code, `${what}: applicationError.code`);
  else assert.match(String(appError['code']), code, `${what}: applicationError.code`);
  assert.equal(typeof appError['description'], 'string', `${what}: applicationError.description`);
}

/** Wix validation error: `{message, details:{validationError:{fieldViolations:[{field, description, violatedRule}]}}}`. */
function assertValidationError(r: Raw, field: string | undefined, what: string): void {
  assert.equal(r.status, 400, `${what}: expected HTTP 400, got ${r.status}: ${r.text.slice(0, 300)}`);
  assert.equal(typeof r.json?.['message'], 'string', `${what}: has a message`);
  const violations = r.json?.['details']?.['validationError']?.['fieldViolations'];
  assert.ok(
    Array.isArray(violations) && violations.length > 0,
    `${what}: details.validationError.fieldViolations is a non-empty array: ${r.text.slice(0, 300)}`,
  );
  for (const v of violations) {
    assert.equal(typeof v['field'], 'string', `${what}: every violation names a field`);
    assert.equal(typeof v['description'], 'string', `${what}: every violation has a description`);
    assert.equal(typeof v['violatedRule'], 'string', `${what}: every violation has a violatedRule`);
  }
  if (field !== undefined) assert.equal(violations[0]['field'], field, `${what}: the first violation names the field`);
}

/** SDK rejection with an application error code. */
async function assertSdkCode(what: string, call: () => Promise<unknown>, code: string): Promise<void> {
  await assert.rejects(
    call,
    (e: unknown) => {
      assert.equal(errorCode(e), code, `${what}: expected ${code}, got ${String(errorCode(e))}: ${(e as Error).message}`);
      return true;
    },
    `${what}: expected the SDK to throw ${code}`,
  );
}

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  other = createPlatform({ db: ':memory:', seed: 'none', onError: () => {} });
  admin = apiKeyClient(p);
  await admin.collections.createDataCollection({
    _id: C,
    displayName: 'Bad input',
    fields: [
      { key: 'title', type: 'TEXT' },
      { key: 'price', type: 'NUMBER' },
    ],
    permissions: { read: 'ANYONE', insert: 'ANYONE', update: 'ANYONE', remove: 'ANYONE' },
  });
  const seeded = await admin.items.bulkInsert(C, [
    { _id: 'seed-1', title: 'one', price: 1 },
    { _id: 'seed-2', title: 'two', price: 2 },
    { _id: 'seed-3', title: 'three', price: 3 },
  ]);
  assert.equal(seeded.inserted, 3);
});

after(async () => {
  other?.close();
  await p?.stop();
});

describe('malformed bodies', () => {
  for (const [name, path] of [
    ['insert', ITEMS],
    ['query', `${ITEMS}/query`],
    ['bulk insert', '/wix-data/v2/bulk/items/insert'],
    ['update', `${ITEMS}/update`],
  ] as const) {
    it(`malformed JSON on ${name} → 400`, async () => {
      const r = await nothingWritten(`malformed ${name}`, () =>
        rawCall(p, path, { headers: adminHeaders(p), body: `{"dataCollectionId":"${C}","dataItem":{"data":{"title":"x"` }),
      );
      assertAppError(r, 400, /^WDE00(75|80)$/, `malformed JSON on ${name}`);
    });
  }

  it('well-formed JSON of the wrong shape → 400 validationError naming the field', async () => {
    const missing = await nothingWritten('insert without dataCollectionId', () =>
      rawCall(p, ITEMS, { headers: adminHeaders(p), body: json({ dataItem: { data: { title: 'x' } } }) }),
    );
    assertValidationError(missing, 'dataCollectionId', 'insert without dataCollectionId');
    const array = await nothingWritten('insert with an array body', () => rawCall(p, ITEMS, { headers: adminHeaders(p), body: '[1,2,3]' }));
    assert.equal(array.status, 400, `array body: ${array.text}`);
    assert.ok(
      array.json?.['details']?.['validationError'] || array.json?.['details']?.['applicationError'],
      `array body has the Wix error shape: ${array.text}`,
    );
    const notObject = await nothingWritten('insert with data a string', () =>
      rawCall(p, ITEMS, { headers: adminHeaders(p), body: json({ dataCollectionId: C, dataItem: { data: 'x' } }) }),
    );
    assertValidationError(notObject, 'dataItem.data', 'insert whose data is a string');
  });
});

/**
 * Wix's JSON transcoding refuses a list where the request has an object (a message or a map): 400 naming the field. A
 * schema library that takes `[]` for `{}` would read such a request as empty, and answer it as if nothing were asked.
 */
describe('a list where an object belongs → 400 naming the field, nothing written', () => {
  const C_ITEM = { dataCollectionId: C };
  const cases: [name: string, path: string, body: Record<string, unknown>, field: string][] = [
    ['query: query', `${ITEMS}/query`, { ...C_ITEM, query: [] }, 'query'],
    ['query: query.paging', `${ITEMS}/query`, { ...C_ITEM, query: { paging: [] } }, 'query.paging'],
    ['query: query.cursorPaging', `${ITEMS}/query`, { ...C_ITEM, query: { cursorPaging: [{ limit: 1 }] } }, 'query.cursorPaging'],
    ['insert: dataItem', ITEMS, { ...C_ITEM, dataItem: [] }, 'dataItem'],
    ['insert: dataItem.data', ITEMS, { ...C_ITEM, dataItem: { data: [{ title: 'x' }] } }, 'dataItem.data'],
    ['update: dataItem', `${ITEMS}/update`, { ...C_ITEM, dataItem: [{ _id: 'seed-1', data: { title: 'changed' } }] }, 'dataItem'],
    ['bulk insert: one item a list', '/wix-data/v2/bulk/items/insert', { ...C_ITEM, dataItems: [{ data: { title: 'kept?' } }, []] }, 'dataItems.1'],
    ['aggregate pipeline: pipeline', `${ITEMS}/aggregate-pipeline`, { ...C_ITEM, pipeline: [{ limit: 1 }] }, 'pipeline'],
    ['aggregate pipeline: pipeline.paging', `${ITEMS}/aggregate-pipeline`, { ...C_ITEM, pipeline: { paging: [] } }, 'pipeline.paging'],
    ['search: search', `${ITEMS}/search`, { ...C_ITEM, search: [] }, 'search'],
    ['create collection: collection', '/wix-data/v2/collections', { collection: [{ id: 'Listed' }] }, 'collection'],
  ];
  for (const [name, path, body, field] of cases) {
    it(name, async () => {
      const r = await nothingWritten(name, () => rawCall(p, path, { headers: adminHeaders(p), body: json(body) }));
      assertValidationError(r, field, name);
    });
  }

  it('property: any of those fields given any list → 400 naming it, never 200, nothing written', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...cases), fc.array(fc.jsonValue(), { maxLength: 5 }), async ([name, path, body, field], list) => {
        const hostile = structuredClone(body);
        // Put the list where the case put one: the last step of the field's path.
        const steps = field.split('.');
        let at: Record<string, unknown> = hostile;
        for (const step of steps.slice(0, -1)) at = at[step] as Record<string, unknown>;
        at[steps.at(-1)!] = list;
        const r = await nothingWritten(name, () => rawCall(p, path, { headers: adminHeaders(p), body: json(hostile) }));
        assertValidationError(r, field, `${name} = ${json(list).slice(0, 80)}`);
      }),
      { numRuns: 40, seed: 20261204 },
    );
  });
});

describe('unknown collection → 404 WDE0025', () => {
  const cases: [string, () => Promise<Raw>][] = [
    ['query (POST)', () => rawCall(p, `${ITEMS}/query`, { headers: adminHeaders(p), body: queryBody({}, 'Nope') })],
    [
      'query (GET .r)',
      () =>
        rawCall(p, `${ITEMS}/query?.r=${Buffer.from(json({ dataCollectionId: 'Nope', query: {} })).toString('base64url')}`, {
          method: 'GET',
          headers: adminHeaders(p),
        }),
    ],
    ['insert', () => rawCall(p, ITEMS, { headers: adminHeaders(p), body: insertBody({ title: 'x' }, 'Nope') })],
    ['get (GET)', () => rawCall(p, `${ITEMS}/seed-1?dataCollectionId=Nope&dataItemId=seed-1`, { method: 'GET', headers: adminHeaders(p) })],
    ['get (POST)', () => rawCall(p, `${ITEMS}/get`, { headers: adminHeaders(p), body: json({ dataCollectionId: 'Nope', dataItemId: 'seed-1' }) })],
    ['count', () => rawCall(p, `${ITEMS}/count`, { headers: adminHeaders(p), body: json({ dataCollectionId: 'Nope' }) })],
    [
      'bulk insert',
      () =>
        rawCall(p, '/wix-data/v2/bulk/items/insert', {
          headers: adminHeaders(p),
          body: json({ dataCollectionId: 'Nope', dataItems: [{ data: { title: 'x' } }] }),
        }),
    ],
  ];
  for (const [name, call] of cases) {
    it(`${name} (raw)`, async () => {
      assertAppError(await nothingWritten(`${name} on Nope`, call), 404, 'WDE0025', `${name} on an unknown collection`);
    });
  }

  it('through the SDK: insert, query and get all throw WDE0025 (get does not turn it into null)', async () => {
    await nothingWritten('SDK calls on Nope', async () => {
      await assertSdkCode('SDK insert into Nope', () => admin.items.insert('Nope', { title: 'x' }), 'WDE0025');
      await assertSdkCode('SDK query on Nope', () => admin.items.query('Nope').find(), 'WDE0025');
      await assertSdkCode('SDK get from Nope', () => admin.items.get('Nope', 'seed-1'), 'WDE0025');
    });
    await assertSdkCode('the collection was not created on the fly', () => admin.collections.getDataCollection('Nope'), 'WDE0025');
  });
});

describe('filters with forbidden or unknown operators → 400 WDE0070', () => {
  const filters: [string, unknown][] = [
    ['$regex on a field', { title: { $regex: '^o' } }],
    ['$where on a field', { title: { $where: 'true' } }],
    ['top-level $where', { $where: 'this.price > 0' }],
    ['$regex nested in $or', { $or: [{ price: 1 }, { title: { $regex: '.*' } }] }],
    ['$regex inside $not', { $not: [{ title: { $regex: 'x' } }] }],
    // Wix's filter check wants exactly one filter in a $not array (the SDK's not() sends one).
    ['$not with no filter', { $not: [] }],
    ['$not with two filters', { $not: [{ price: 1 }, { price: 2 }] }],
  ];
  for (const [name, filter] of filters) {
    it(`query with ${name}`, async () => {
      assertAppError(await rawCall(p, `${ITEMS}/query`, { headers: adminHeaders(p), body: queryBody({ filter }) }), 400, 'WDE0070', `query with ${name}`);
    });
  }

  it('count with $regex', async () => {
    assertAppError(
      await rawCall(p, `${ITEMS}/count`, { headers: adminHeaders(p), body: json({ dataCollectionId: C, filter: { title: { $regex: 'o' } } }) }),
      400,
      'WDE0070',
      'count with $regex',
    );
  });

  it('an update or remove whose condition has $where is rejected and changes nothing', async () => {
    const update = await nothingWritten('update with a $where condition', () =>
      rawCall(p, `${ITEMS}/update`, {
        headers: adminHeaders(p),
        body: json({
          dataCollectionId: C,
          dataItem: { id: 'seed-1', data: { _id: 'seed-1', title: 'hacked', price: 1 } },
          condition: { filter: { $where: 'true' } },
        }),
      }),
    );
    assertAppError(update, 400, 'WDE0070', 'update with a $where condition');
    const remove = await nothingWritten('remove with a $regex condition', () =>
      rawCall(p, `${ITEMS}/remove`, {
        headers: adminHeaders(p),
        body: json({ dataCollectionId: C, dataItemId: 'seed-1', condition: { filter: { title: { $regex: '.*' } } } }),
      }),
    );
    assertAppError(remove, 400, 'WDE0070', 'remove with a $regex condition');
  });

  it('through the SDK: a direct query request carries $regex / $where to the server, which answers WDE0070', async () => {
    // The builder has no regex method and validates its own tree; the request-object form is sent as is.
    for (const filter of [{ title: { $regex: 'o' } }, { title: { $where: 'true' } }]) {
      const seq = p.log.since().at(-1)?.seq ?? 0;
      await assertSdkCode(`SDK query with ${json(filter)}`, () => admin.items.query(C, { filter } as never), 'WDE0070');
      const sent = p.log.since(seq).filter((e) => e.path.endsWith('/items/query'));
      assert.equal(sent.at(-1)?.status, 400, `the SDK sent the query and the server answered 400: ${json(sent)}`);
    }
  });
});

describe('limit', () => {
  for (const [name, query] of [
    ['paging.limit 1001', { paging: { limit: 1001 } }],
    ['cursorPaging.limit 1001', { cursorPaging: { limit: 1001 } }],
    ['paging.limit 1e9', { paging: { limit: 1_000_000_000 } }],
  ] as const) {
    it(`${name} → 400 WDE0077`, async () => {
      assertAppError(await rawCall(p, `${ITEMS}/query`, { headers: adminHeaders(p), body: queryBody(query) }), 400, 'WDE0077', name);
    });
  }

  it('a negative or fractional limit → 400', async () => {
    for (const limit of [-1, 1.5]) {
      const r = await rawCall(p, `${ITEMS}/query`, { headers: adminHeaders(p), body: queryBody({ paging: { limit } }) });
      assert.equal(r.status, 400, `limit ${limit}: ${r.text}`);
      assert.ok(r.json?.['details']?.['validationError'] || r.json?.['details']?.['applicationError'], `limit ${limit}: Wix error shape: ${r.text}`);
    }
  });

  it('limit 1000 exactly is accepted (raw, offset and cursor paging)', async () => {
    for (const query of [{ paging: { limit: 1000 } }, { cursorPaging: { limit: 1000 } }]) {
      const r = await rawCall(p, `${ITEMS}/query`, { headers: adminHeaders(p), body: queryBody(query) });
      assert.equal(r.status, 200, `${json(query)}: ${r.text.slice(0, 300)}`);
      assert.ok(Array.isArray(r.json?.['dataItems']), 'answers dataItems');
    }
  });

  it('through the SDK: .limit(1001) throws WDE0077, .limit(1000) works', async () => {
    await assertSdkCode('SDK limit 1001', () => admin.items.query(C).limit(1001).find(), 'WDE0077');
    const result = await admin.items.query(C).limit(1000).find();
    assert.ok(result.items.length >= 3, 'the seeded items come back');
  });
});

// Wix does not enforce a collection's schema: "if you add or update an item containing a field or data type that
// doesn't match the collection's schema specification, your data is stored anyway". The platform stores it too and
// says so in the request log (a warning naming the field), where Wix says nothing.
describe('wrong field types → stored anyway, with a warning naming the field in the request log', () => {
  const warningsSince = (seq: number) => p.log.since(seq).flatMap((e) => e.warnings ?? []);
  const lastSeq = () => p.log.since(0).at(-1)?.seq ?? 0;

  it('insert price: "cheap" (raw)', async () => {
    const seq = lastSeq();
    const r = await rawCall(p, ITEMS, { headers: adminHeaders(p), body: insertBody({ _id: 'cheap-raw', title: 'x', price: 'cheap' }) });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json?.['dataItem']?.['data']?.['price'], 'cheap');
    const warnings = warningsSince(seq);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0]!, /"price" is NUMBER .* holds a string/);
    assert.match(warnings[0]!, /"cheap-raw"/);
  });

  it('insert price: "cheap" (SDK)', async () => {
    const seq = lastSeq();
    const item = (await admin.items.insert(C, { _id: 'cheap-sdk', title: 'x', price: 'cheap' })) as Record<string, unknown>;
    assert.equal(item['price'], 'cheap');
    assert.equal(((await admin.items.get(C, 'cheap-sdk')) as Record<string, unknown>)['price'], 'cheap');
    assert.ok(warningsSince(seq).some((w) => /"price"/.test(w)));
  });

  it('update of an existing item with a wrong type is stored, and warned about', async () => {
    await admin.items.insert(C, { _id: 'typed-update', title: 'two', price: 2 });
    const seq = lastSeq();
    const r = await rawCall(p, `${ITEMS}/update`, {
      headers: adminHeaders(p),
      body: json({ dataCollectionId: C, dataItem: { id: 'typed-update', data: { _id: 'typed-update', title: 'two', price: 'cheap' } } }),
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(((await admin.items.get(C, 'typed-update')) as Record<string, unknown>)['price'], 'cheap');
    assert.equal(warningsSince(seq).length, 1);
  });

  it('bulkInsert with one mismatching item in three (raw): all three written, one warning naming that item', async () => {
    const seq = lastSeq();
    const r = await rawCall(p, '/wix-data/v2/bulk/items/insert', {
      headers: adminHeaders(p),
      body: json({
        dataCollectionId: C,
        dataItems: [{ data: { _id: 'bulk-raw-1', price: 1 } }, { data: { _id: 'bulk-raw-2', price: 'cheap' } }, { data: { _id: 'bulk-raw-3', price: 3 } }],
      }),
    });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.json?.['bulkActionMetadata']?.['totalSuccesses'], 3);
    const warnings = warningsSince(seq);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0]!, /"bulk-raw-2"/);
  });

  it('bulkInsert with one mismatching item in three (SDK): all three written', async () => {
    const result = await admin.items.bulkInsert(C, [
      { _id: 'bulk-sdk-1', price: 1 },
      { _id: 'bulk-sdk-2', price: 'cheap' },
      { _id: 'bulk-sdk-3', price: 3 },
    ]);
    assert.equal(result.inserted, 3);
    for (const id of ['bulk-sdk-1', 'bulk-sdk-2', 'bulk-sdk-3']) assert.ok(await admin.items.get(C, id), `${id} was written`);
  });

  it('a matching item logs no warning; a refused item (not an object) is still a 400 and warns of nothing', async () => {
    const seq = lastSeq();
    await admin.items.insert(C, { _id: 'typed-ok', title: 'fine', price: 5 });
    const refused = await rawCall(p, ITEMS, { headers: adminHeaders(p), body: json({ dataCollectionId: C, dataItem: { data: 'not an object' } }) });
    assert.equal(refused.status, 400, refused.text);
    assert.deepEqual(warningsSince(seq), []);
  });
});

describe('duplicate _id', () => {
  it('insert of an existing _id → 409 WDE0074 (raw), the existing item unchanged', async () => {
    const r = await nothingWritten('raw duplicate insert', () =>
      rawCall(p, ITEMS, { headers: adminHeaders(p), body: insertBody({ _id: 'seed-1', title: 'impostor', price: 99 }) }),
    );
    assertAppError(r, 409, 'WDE0074', 'duplicate insert');
  });

  it('insert of an existing _id → WDE0074 (SDK)', async () => {
    await nothingWritten('SDK duplicate insert', () =>
      assertSdkCode('SDK duplicate insert', () => admin.items.insert(C, { _id: 'seed-1', title: 'impostor' }), 'WDE0074'),
    );
  });

  it('bulkInsert with one duplicate (SDK): the others are written, the duplicate is skipped', async () => {
    const before = await admin.items.query(C).count();
    const result = await admin.items.bulkInsert(C, [
      { _id: 'dup-new-1', title: 'a' },
      { _id: 'seed-2', title: 'impostor' },
      { _id: 'dup-new-3', title: 'c' },
    ]);
    assert.equal(result.inserted, 2, `two inserted: ${json(result)}`);
    assert.equal(result.skipped, 1, `the SDK reports the duplicate (WDE0074) as skipped: ${json(result)}`);
    assert.deepEqual(result.errors, [], 'a duplicate in bulkInsert is a skip, not an error');
    assert.deepEqual([...result.insertedItemIds].sort(), ['dup-new-1', 'dup-new-3']);
    assert.equal(await admin.items.query(C).count(), before + 2, 'exactly two items were added');
    assert.equal(((await admin.items.get(C, 'seed-2')) as Item | null)?.title, 'two', 'the existing item was not overwritten');
  });

  it('bulkInsert with one duplicate (raw): 200 with a per-item WDE0074 failure', async () => {
    const before = await admin.items.query(C).count();
    const r = await rawCall(p, '/wix-data/v2/bulk/items/insert', {
      headers: adminHeaders(p),
      body: json({
        dataCollectionId: C,
        dataItems: [{ data: { _id: 'dup-raw-1' } }, { data: { _id: 'seed-3', title: 'impostor' } }, { data: { _id: 'dup-raw-3' } }],
      }),
    });
    assert.equal(r.status, 200, r.text);
    const results = r.json?.['results'] as { itemMetadata: { id?: string; originalIndex: number; success: boolean; error?: { code: string } } }[];
    assert.deepEqual(
      results.map((x) => [x.itemMetadata.originalIndex, x.itemMetadata.success, x.itemMetadata.error?.code]),
      [
        [0, true, undefined],
        [1, false, 'WDE0074'],
        [2, true, undefined],
      ],
    );
    assert.equal(results[1]?.itemMetadata.id, 'seed-3', 'the failure names the duplicate id');
    assert.deepEqual(r.json?.['bulkActionMetadata'], { totalSuccesses: 2, totalFailures: 1, undetailedFailures: 0 });
    assert.equal(await admin.items.query(C).count(), before + 2);
    assert.equal(((await admin.items.get(C, 'seed-3')) as Item | null)?.title, 'three', 'the existing item was not overwritten');
  });

  it('the same new _id twice in one batch: the first is written, the second is a duplicate', async () => {
    const result = await admin.items.bulkInsert(C, [
      { _id: 'twice', title: 'first' },
      { _id: 'twice', title: 'second' },
    ]);
    assert.equal(result.inserted, 1, json(result));
    assert.equal(result.skipped, 1, json(result));
    assert.equal(((await admin.items.get(C, 'twice')) as Item | null)?.title, 'first');
  });
});

describe('payload too large', () => {
  const huge = 'x'.repeat(4 * MiB + 1024);

  it('a body over 4 MiB → 413 WDE0109 (raw), nothing written', async () => {
    const r = await nothingWritten('raw 4 MiB insert', () =>
      rawCall(p, ITEMS, { headers: adminHeaders(p), body: insertBody({ _id: 'huge-raw', title: huge }) }),
    );
    assertAppError(r, 413, 'WDE0109', 'over-large insert');
  });

  it('a bulk insert whose items add up to over 4 MiB → 413, nothing written', async () => {
    const chunk = 'y'.repeat(400 * 1024);
    const dataItems = Array.from({ length: 12 }, (_, i) => ({ data: { _id: `huge-bulk-${i}`, title: chunk } }));
    const r = await nothingWritten('raw 4.8 MiB bulk insert', () =>
      rawCall(p, '/wix-data/v2/bulk/items/insert', { headers: adminHeaders(p), body: json({ dataCollectionId: C, dataItems }) }),
    );
    assertAppError(r, 413, 'WDE0109', 'over-large bulk insert');
  });

  it('through the SDK: the 413 surfaces as WDE0109 and nothing is written', async () => {
    await nothingWritten('SDK 4 MiB insert', () =>
      assert.rejects(admin.items.insert(C, { _id: 'huge-sdk', title: huge }), (e: unknown) => {
        assert.match((e as Error).message, /WDE0109/, `SDK maps 413 to WDE0109: ${(e as Error).message}`);
        return true;
      }),
    );
  });

  it('a single item over 500 KiB (but a body under 4 MiB) → 400 validationError', async () => {
    const r = await nothingWritten('raw 600 KiB item', () =>
      rawCall(p, ITEMS, { headers: adminHeaders(p), body: insertBody({ _id: 'big-item', title: 'z'.repeat(600 * 1024) }) }),
    );
    assertValidationError(r, 'dataItem.data', 'over-large item');
  });
});

describe('bad tokens → 401 UNAUTHENTICATED', () => {
  async function visitorToken(): Promise<{ access: string; refresh: string }> {
    const r = await rawCall(p, '/oauth2/token', { body: json({ clientId: p.clientId, grantType: 'anonymous' }) });
    assert.equal(r.status, 200, r.text);
    return { access: String(r.json?.['access_token']), refresh: String(r.json?.['refresh_token']) };
  }

  /** The token is refused on a read and a write (raw and SDK), and nothing is written. */
  async function assertRefused(token: string, what: string): Promise<void> {
    await nothingWritten(what, async () => {
      const query = await rawCall(p, `${ITEMS}/query`, { headers: { authorization: token }, body: queryBody({}) });
      assertAppError(query, 401, 'UNAUTHENTICATED', `${what} (query)`);
      const insert = await rawCall(p, ITEMS, { headers: { authorization: token }, body: insertBody({ title: `via ${what}` }) });
      assertAppError(insert, 401, 'UNAUTHENTICATED', `${what} (insert)`);
      await assertSdkCode(`${what} (SDK insert)`, () => tokenClient(token).items.insert(C, { title: `via ${what} (SDK)` }), 'UNAUTHENTICATED');
    });
  }

  it('control: a genuine visitor token reads and writes', async () => {
    const { access } = await visitorToken();
    const r = await rawCall(p, `${ITEMS}/query`, { headers: { authorization: access }, body: queryBody({}) });
    assert.equal(r.status, 200, r.text);
    const inserted = await tokenClient(access).items.insert(C, { _id: 'by-genuine-visitor', title: 'ok' });
    assert.equal(inserted._id, 'by-genuine-visitor');
  });

  it('a real token with a tampered signature', async () => {
    const { access } = await visitorToken();
    // Flip a bit of the decoded signature: changing the last base64url character alone may only touch padding bits.
    const cut = access.lastIndexOf('.') + 1;
    const signature = Buffer.from(access.slice(cut), 'base64url');
    signature[0] = (signature[0] ?? 0) ^ 1;
    await assertRefused(access.slice(0, cut) + signature.toString('base64url'), 'tampered signature');
  });

  it('a real token with a tampered payload (role visitor → owner)', async () => {
    const { access } = await visitorToken();
    const [header, payload, signature] = access.slice('OauthNG.JWS.'.length).split('.');
    const claims = { ...decodeJwt(access.slice('OauthNG.JWS.'.length)), role: 'owner' };
    assert.ok(header && payload && signature);
    await assertRefused(`OauthNG.JWS.${header}.${Buffer.from(json(claims)).toString('base64url')}.${signature}`, 'tampered payload');
  });

  it('a token of the right shape signed with another secret', async () => {
    const { access } = await visitorToken();
    const claims = decodeJwt(access.slice('OauthNG.JWS.'.length));
    const forged = await new SignJWT({ ...claims, role: 'owner', subjectId: p.owner.id })
      .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
      .sign(new TextEncoder().encode('not-the-platform-secret-but-32-bytes!!'));
    await assertRefused(`OauthNG.JWS.${forged}`, 'token signed with another secret');
  });

  it('an unsigned (alg: none) token', async () => {
    const { access } = await visitorToken();
    const claims = decodeJwt(access.slice('OauthNG.JWS.'.length));
    const b64 = (v: unknown) => Buffer.from(json(v)).toString('base64url');
    await assertRefused(`OauthNG.JWS.${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.`, 'alg none token');
  });

  it('garbage after the prefix, and a refresh token used as an access token', async () => {
    await assertRefused('OauthNG.JWS.not-a-jwt', 'garbage token');
    await assertRefused((await visitorToken()).refresh, 'refresh token as access token');
  });

  it('a token from another site (another platform, its own key)', async () => {
    const { token } = await other.services.tokens.issueAccess('visitor', 'someone', other.clientId);
    await assertRefused(token, 'token from another platform');
    const { token: ownerOfOther } = await other.services.tokens.issueAccess('owner', other.owner.id, other.clientId);
    await assertRefused(ownerOfOther, 'owner token of another site');
  });

  it("a token signed with this platform's key but for another site id", async () => {
    const { token } = await p.services.tokens.issueAccess('visitor', 'x', p.clientId, 'some-other-site-id');
    await assertRefused(token, 'same key, foreign site id');
  });

  it('an expired token (platform clock moved past the 4 h lifetime)', async () => {
    const { access } = await visitorToken();
    const ok = await rawCall(p, `${ITEMS}/query`, { headers: { authorization: access }, body: queryBody({}) });
    assert.equal(ok.status, 200, 'the token works before the clock moves');
    p.advanceClock(4 * 3600 * 1000 + 1000);
    await assertRefused(access, 'expired token');
    const fresh = await visitorToken();
    const r = await rawCall(p, `${ITEMS}/query`, { headers: { authorization: fresh.access }, body: queryBody({}) });
    assert.equal(r.status, 200, 'a token issued after the jump works: the 401 was about expiry');
  });
});

describe('API keys and site headers', () => {
  type Case = [name: string, headers: () => Record<string, string>, status: 401 | 403];
  const cases: Case[] = [
    ['no wix-site-id', () => ({ authorization: p.apiKey }), 403],
    ['a wrong wix-site-id', () => ({ authorization: p.apiKey, 'wix-site-id': '00000000-0000-4000-8000-000000000000' }), 403],
    ["another site's id (a site that exists elsewhere)", () => ({ authorization: p.apiKey, 'wix-site-id': other.siteId }), 403],
    ['both wix-site-id and wix-account-id', () => ({ authorization: p.apiKey, 'wix-site-id': p.siteId, 'wix-account-id': p.accountId }), 403],
    ['only wix-account-id', () => ({ authorization: p.apiKey, 'wix-account-id': p.accountId }), 403],
    [
      'a key of another account, with the right site id',
      () => ({
        authorization: p.createApiKey({
          name: 'foreign account key',
          permissions: ['WIX_DATA.READ_ITEMS', 'WIX_DATA.WRITE_ITEMS'],
          accountId: 'other-account',
        }),
        'wix-site-id': p.siteId,
      }),
      403,
    ],
    ['an unknown key IST.nope', () => ({ authorization: 'IST.nope', 'wix-site-id': p.siteId }), 401],
    ["another platform's admin key, with this site id", () => ({ authorization: other.apiKey, 'wix-site-id': p.siteId }), 401],
  ];
  for (const [name, headers, status] of cases) {
    it(`${name} → ${status}`, async () => {
      const h = headers();
      await nothingWritten(name, async () => {
        const code = status === 401 ? 'UNAUTHENTICATED' : 'PERMISSION_DENIED';
        assertAppError(await rawCall(p, `${ITEMS}/query`, { headers: h, body: queryBody({}) }), status, code, `${name} (query)`);
        assertAppError(await rawCall(p, ITEMS, { headers: h, body: insertBody({ title: `via ${name}` }) }), status, code, `${name} (insert)`);
        assertAppError(await rawCall(p, '/wix-data/v2/collections', { method: 'GET', headers: h }), status, code, `${name} (list collections)`);
      });
    });
  }

  it('control: the same key with exactly the right wix-site-id works (and "Bearer " is tolerated)', async () => {
    assert.equal((await rawCall(p, `${ITEMS}/query`, { headers: adminHeaders(p), body: queryBody({}) })).status, 200);
    assert.equal(
      (await rawCall(p, `${ITEMS}/query`, { headers: { authorization: `Bearer ${p.apiKey}`, 'wix-site-id': p.siteId }, body: queryBody({}) })).status,
      200,
    );
  });

  it('through the SDK: a wrong site id and an unknown key are refused', async () => {
    const client = (apiKey: string, siteId: string) => createClient({ modules: { items, collections }, auth: ApiKeyStrategy({ apiKey, siteId }) });
    await nothingWritten('SDK with bad key settings', async () => {
      await assertSdkCode('SDK with a wrong site id', () => client(p.apiKey, other.siteId).items.insert(C, { title: 'x' }), 'PERMISSION_DENIED');
      await assertSdkCode('SDK with an unknown key', () => client('IST.nope', p.siteId).items.insert(C, { title: 'x' }), 'UNAUTHENTICATED');
    });
  });
});

describe('missing credentials', () => {
  for (const [name, headers] of [
    ['no Authorization header', {}],
    ['an empty Authorization header', { authorization: '' }],
    ['"Bearer " and nothing else', { authorization: 'Bearer ' }],
  ] as const) {
    it(`${name} → 401`, async () => {
      await nothingWritten(name, async () => {
        assertAppError(await rawCall(p, `${ITEMS}/query`, { headers, body: queryBody({}) }), 401, 'UNAUTHENTICATED', `${name} (query)`);
        assertAppError(await rawCall(p, ITEMS, { headers, body: insertBody({ title: 'anonymous' }) }), 401, 'UNAUTHENTICATED', `${name} (insert)`);
        assertAppError(
          await rawCall(p, `${ITEMS}/seed-1?dataCollectionId=${C}&dataItemId=seed-1`, { method: 'GET', headers }),
          401,
          'UNAUTHENTICATED',
          `${name} (get)`,
        );
      });
    });
  }
});

describe('routes', () => {
  it('an unknown route → 404 in the Wix shape', async () => {
    for (const path of ['/wix-data/v2/nope', '/_api/cloud-data/v2/bulk/nope/deeper', '/wix-data/v3/items']) {
      const r = await nothingWritten(`POST ${path}`, () => rawCall(p, path, { headers: adminHeaders(p), body: insertBody({ title: 'lost' }) }));
      assertAppError(r, 404, 'NOT_FOUND', `POST ${path}`);
    }
  });

  it('a known route with the wrong method → 405 in the Wix shape', async () => {
    // Paths that are POST-only in the real API too (GET/DELETE/PUT/PATCH on /v2/items/{id} are item routes there).
    for (const [method, path] of [
      ['GET', ITEMS],
      ['GET', '/wix-data/v2/bulk/items/insert'],
      ['DELETE', '/wix-data/v2/bulk/items/insert'],
      ['PUT', '/wix-data/v2/bulk/items/remove'],
      ['PATCH', '/wix-data/v2/bulk/items/save'],
    ] as const) {
      const init =
        method === 'GET' || method === 'DELETE'
          ? { method, headers: adminHeaders(p) }
          : { method, headers: adminHeaders(p), body: insertBody({ _id: 'wrong-method', title: 'x' }) };
      const r = await nothingWritten(`${method} ${path}`, () => rawCall(p, path, init));
      assertAppError(r, 405, 'METHOD_NOT_ALLOWED', `${method} ${path}`);
    }
  });
});

// ------------------------------------------------------------------------------------------------
// Bad input that once reached SQLite and came back as a 500: each is now a 4xx in the Wix shape.

describe('bad input is never a 500', () => {
  const cursor = (state: unknown) => Buffer.from(json(state)).toString('base64url');
  const values = (n: number) => Array.from({ length: n }, (_, i) => `v${i}`);

  it('$hasAll with 1000 values is refused as too complex (400 WDE0070), not a 500', async () => {
    const r = await rawCall(p, `${ITEMS}/query`, { headers: adminHeaders(p), body: queryBody({ filter: { title: { $hasAll: values(1000) } } }) });
    assertAppError(r, 400, 'WDE0070', '$hasAll × 1000');
    const ok = await rawCall(p, `${ITEMS}/query`, { headers: adminHeaders(p), body: queryBody({ filter: { title: { $hasAll: values(50) } } }) });
    assert.equal(ok.status, 200, `$hasAll × 50: ${ok.status} ${ok.text.slice(0, 200)}`);
  });

  it('an over-large filter ($or of 1000 terms, or > 32766 operands) → 400 WDE0070, not a 500', async () => {
    const wide = { $or: values(1000).map((v) => ({ title: v })) };
    const many = { $or: Array.from({ length: 40 }, () => ({ title: { $in: values(999) } })) };
    for (const [name, filter] of [
      ['$or × 1000', wide],
      ['40 × $in 999', many],
    ] as const) {
      assertAppError(await rawCall(p, `${ITEMS}/query`, { headers: adminHeaders(p), body: queryBody({ filter }) }), 400, 'WDE0070', `query with ${name}`);
    }
    const remove = await nothingWritten('remove with an over-large condition', () =>
      rawCall(p, `${ITEMS}/remove`, { headers: adminHeaders(p), body: json({ dataCollectionId: C, dataItemId: 'seed-1', condition: { filter: many } }) }),
    );
    assertAppError(remove, 400, 'WDE0070', 'remove with an over-large condition');
  });

  it("paging.offset beyond SQLite's integer range → 400, not a 500", async () => {
    const r = await rawCall(p, `${ITEMS}/query`, { headers: adminHeaders(p), body: queryBody({ paging: { offset: 1e20 } }) });
    assert.equal(r.status, 400, `offset 1e20: ${r.status} ${r.text.slice(0, 200)}`);
    const d = await rawCall(p, `${ITEMS}/query-distinct-values`, {
      headers: adminHeaders(p),
      body: json({ dataCollectionId: C, fieldName: 'title', paging: { offset: 1e20 } }),
    });
    assert.equal(d.status, 400, `distinct offset 1e20: ${d.status} ${d.text.slice(0, 200)}`);
  });

  it('a tampered paging cursor → 400 WDE0080, not a 500', async () => {
    for (const state of [
      { filter: {}, sort: [], fields: [1], offset: 0 },
      { filter: {}, sort: [1], fields: [], offset: 0 },
      { filter: {}, sort: [], fields: [], offset: 1.5 },
    ]) {
      const r = await rawCall(p, `${ITEMS}/query`, { headers: adminHeaders(p), body: queryBody({ cursorPaging: { cursor: cursor(state) } }) });
      assertAppError(r, 400, 'WDE0080', `cursor ${json(state)}`);
    }
  });

  it('a malformed percent-encoding in a collection path → 4xx, not a 500', async () => {
    for (const method of ['GET', 'DELETE']) {
      const r = await nothingWritten(`${method} bad escape`, () => rawCall(p, '/wix-data/v2/collections/%E0%A4%A', { method, headers: adminHeaders(p) }));
      assert.ok(r.status >= 400 && r.status < 500, `${method} /collections/%E0%A4%A: ${r.status} ${r.text.slice(0, 200)}`);
    }
  });

  it('PUT /collections with a non-numeric revision → 400, not a 409 "revision NaN"', async () => {
    const r = await rawCall(p, '/wix-data/v2/collections', { method: 'PUT', headers: adminHeaders(p), body: json({ collection: { id: C, revision: 'abc' } }) });
    assert.equal(r.status, 400, `${r.status} ${r.text.slice(0, 200)}`);
  });

  it('GET /v2/items/{dataItemId}?dataCollectionId= (the documented REST form) reads the item named in the path', async () => {
    const pathOnly = await rawCall(p, `${ITEMS}/seed-1?dataCollectionId=${C}`, { method: 'GET', headers: adminHeaders(p) });
    assert.equal(pathOnly.status, 200, `path-only GET: ${pathOnly.status} ${pathOnly.text.slice(0, 200)}`);
    assert.equal(pathOnly.json?.['dataItem']?.['id'], 'seed-1');
    const conflicting = await rawCall(p, `${ITEMS}/seed-1?dataCollectionId=${C}&dataItemId=seed-2`, { method: 'GET', headers: adminHeaders(p) });
    assert.ok(
      conflicting.status === 400 || conflicting.json?.['dataItem']?.['id'] === 'seed-1',
      `path seed-1 vs query seed-2 answered ${conflicting.status} with ${String(conflicting.json?.['dataItem']?.['id'])}`,
    );
  });
});
