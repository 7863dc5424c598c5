/**
 * Issue 10, the Data layer: hostile keys and huge lists (findings 1, 3 and the data part of 8).
 *
 * Everything here is what an attacker or a user sees over HTTP: status codes, Wix error bodies, the stored data,
 * and, because the platform runs in this process, Object.prototype itself.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import {
  MAX_BULK_ITEMS,
  MAX_COLLECTION_FIELDS,
  MAX_FIELD_PATH_LENGTH,
  MAX_FIELD_PATH_SEGMENTS,
  MAX_FILTER_CONDITIONS,
  MAX_FILTER_DEPTH,
  MAX_FILTER_LIST_VALUES,
  MAX_FILTER_NODES,
  MAX_FILTER_STRING_LENGTH,
  MAX_PROJECTION_FIELDS,
  MAX_READ_BODY_BYTES,
  MAX_SORT_TERMS,
} from '../../platform/data/limits.ts';
import { MAX_CACHED_SQL_LENGTH, openDatabase, StatementCache } from '../../platform/storage/database.ts';
import { adminHeaders, apiKeyClient, memberClient, rawCall, startTestPlatform, visitorClient, type TestPlatform } from './helpers.ts';

const PROTO_NAMES = ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__', 'prototype', 'isPrototypeOf', '__defineGetter__'] as const;
const PREFIX = '/wix-data/v2';
const NOTES = 'SecNotes'; // SITE_MEMBER_AUTHOR for every operation
const PUBLIC = 'SecPublic'; // ANYONE for every operation
const PROTO = 'SecProto'; // admin-written items whose fields are named after prototype members

const ALICE = { email: 'sec-alice@example.com', password: 'sec-alice-pass' };
const BOB = { email: 'sec-bob@example.com', password: 'sec-bob-pass' };

let p: TestPlatform;
let admin: Record<string, string>;
let alice: { id: string; headers: Record<string, string> };
let bob: { id: string; headers: Record<string, string> };
let visitor: Record<string, string>;

type Answer = Awaited<ReturnType<typeof rawCall>>;
const post = (path: string, headers: Record<string, string>, body: unknown | string) =>
  rawCall(p, `${PREFIX}${path}`, { headers, body: typeof body === 'string' ? body : JSON.stringify(body) });

/** Object.prototype exactly as it was: no planted key, no changed member. */
const PROTOTYPE_KEYS = Reflect.ownKeys(Object.prototype).map(String).sort();
function assertPrototypeUntouched(what: string): void {
  assert.deepEqual(Reflect.ownKeys(Object.prototype).map(String).sort(), PROTOTYPE_KEYS, `${what}: Object.prototype has no new keys`);
  assert.equal(({} as Record<string, unknown>)['K'], undefined, `${what}: ({}).K is undefined`);
  assert.equal(Object.prototype.toString.call([]), '[object Array]', `${what}: Object.prototype.toString still works`);
}

function assertOk(r: Answer, what: string): void {
  assert.equal(r.status, 200, `${what}: expected 200, got ${r.status} ${r.text.slice(0, 300)}`);
}

/** A typed 400 in Wix's shape whose message names the limit. */
function assertTyped400(r: Answer, what: string, mentions?: number | string): void {
  assert.equal(r.status, 400, `${what}: expected 400, got ${r.status} ${r.text.slice(0, 300)}`);
  const body = r.json;
  assert.equal(typeof body?.['message'], 'string', `${what}: the body has a message`);
  const details = body?.['details'];
  const typed = typeof details?.['applicationError']?.['code'] === 'string' || Array.isArray(details?.['validationError']?.['fieldViolations']);
  assert.ok(typed, `${what}: applicationError.code or validationError in ${r.text.slice(0, 300)}`);
  if (details?.['applicationError']) assert.equal(details['applicationError']['description'], body?.['message'], `${what}: description repeats the message`);
  if (mentions !== undefined) {
    const text = typeof mentions === 'number' ? String(mentions) : mentions;
    assert.ok(String(body?.['message']).includes(text), `${what}: the message names ${text}: ${String(body?.['message'])}`);
  }
}

/** The server keeps serving: a cheap query and a count as a visitor. */
async function assertServing(what: string): Promise<void> {
  assertOk(await post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { paging: { limit: 1 } } }), `${what}: query after`);
  assertOk(await post('/items/count', visitor, { dataCollectionId: PUBLIC }), `${what}: count after`);
}

async function timed(call: () => Promise<Answer>): Promise<{ r: Answer; ms: number }> {
  const start = performance.now();
  const r = await call();
  return { r, ms: performance.now() - start };
}

/** An item body whose data has own keys named after prototype members: JSON text, never an object literal. */
const itemJson = (collection: string, dataJson: string) => `{"dataCollectionId":${JSON.stringify(collection)},"dataItem":{"data":${dataJson}}}`;

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = adminHeaders(p);
  const sdkAdmin = apiKeyClient(p);
  const level = (role: 'ANYONE' | 'SITE_MEMBER_AUTHOR' | 'ADMIN') => ({ read: role, insert: role, update: role, remove: role });
  await sdkAdmin.collections.createDataCollection({
    _id: NOTES,
    displayName: NOTES,
    fields: [{ key: 'title', type: 'TEXT' }],
    permissions: level('SITE_MEMBER_AUTHOR'),
  });
  await sdkAdmin.collections.createDataCollection({ _id: PUBLIC, displayName: PUBLIC, fields: [{ key: 'title', type: 'TEXT' }], permissions: level('ANYONE') });
  await sdkAdmin.collections.createDataCollection({ _id: PROTO, displayName: PROTO, fields: [], permissions: level('ANYONE') });
  for (let i = 0; i < 5; i++)
    assertOk(await post('/items', admin, { dataCollectionId: PUBLIC, dataItem: { data: { _id: `pub-${i}`, title: `public ${i}`, n: i } } }), 'seed public');

  const a = p.createMember(ALICE);
  const b = p.createMember(BOB);
  const [aliceLogin, bobLogin] = [await memberClient(p, ALICE.email, ALICE.password), await memberClient(p, BOB.email, BOB.password)];
  alice = { id: a.id, headers: { authorization: aliceLogin.tokens.accessToken.value } };
  bob = { id: b.id, headers: { authorization: bobLogin.tokens.accessToken.value } };
  const v = visitorClient(p);
  const tokens = await v.auth.generateVisitorTokens();
  visitor = { authorization: tokens.accessToken.value };
});

after(async () => {
  assertPrototypeUntouched('after the whole suite');
  await p.stop();
});

// ------------------------------------------------------------------------------------------------

describe('finding 1: a projection through "constructor.prototype" never reaches Object.prototype', () => {
  it('a member stores {"constructor":{"prototype":{"K":"x"}}} and reads it with fields ["constructor.prototype.K"]: the item answers, Object.prototype gets no K', async () => {
    const stored = await post('/items', alice.headers, itemJson(NOTES, '{"_id":"pollute-1","constructor":{"prototype":{"K":"x"}}}'));
    assertOk(stored, 'insert');
    assert.deepEqual(stored.json?.['dataItem']?.['data']?.['constructor'], { prototype: { K: 'x' } }, 'stored as an ordinary field');

    const viaQuery = await post('/items/query', alice.headers, {
      dataCollectionId: NOTES,
      query: { fields: ['constructor.prototype.K'], filter: { _id: 'pollute-1' } },
    });
    assertOk(viaQuery, 'query with the projection');
    assert.deepEqual(
      viaQuery.json?.['dataItems']?.[0]?.['data'],
      { _id: 'pollute-1', constructor: { prototype: { K: 'x' } } },
      "the projection picks the item's own nested value",
    );
    assertPrototypeUntouched('after the query projection');

    const viaGet = await post('/items/get', alice.headers, {
      dataCollectionId: NOTES,
      dataItemId: 'pollute-1',
      fields: ['constructor.prototype.K', 'constructor.prototype'],
    });
    assertOk(viaGet, 'get with the projection');
    assert.deepEqual(viaGet.json?.['dataItem']?.['data'], { _id: 'pollute-1', constructor: { prototype: { K: 'x' } } });
    const viaGetR = await rawCall(
      p,
      `${PREFIX}/items/pollute-1?.r=${Buffer.from(JSON.stringify({ dataCollectionId: NOTES, fields: ['constructor.prototype.K'] })).toString('base64url')}`,
      { method: 'GET', headers: alice.headers },
    );
    assertOk(viaGetR, 'GET with .r');
    assertPrototypeUntouched('after get');

    // A field missing from the item projects nothing, and plants nothing either.
    const missing = await post('/items/query', alice.headers, {
      dataCollectionId: NOTES,
      query: { fields: ['toString.prototype.K', '__proto__.K', 'hasOwnProperty'], filter: { _id: 'pollute-1' } },
    });
    assertOk(missing, 'projection of inherited names');
    assert.deepEqual(missing.json?.['dataItems']?.[0]?.['data'], { _id: 'pollute-1' }, 'inherited members are not item fields');
    assertPrototypeUntouched('after projecting inherited names');
  });

  it('afterwards other data routes, login and distinct answer normally', async () => {
    await assertServing('after the attack');
    assertOk(await post('/items/query-distinct-values', visitor, { dataCollectionId: PUBLIC, fieldName: 'title' }), 'distinct');
    const relogin = await memberClient(p, BOB.email, BOB.password);
    assert.ok(relogin.tokens.accessToken.value, 'a member can still log in');
    const mine = await post('/items/query', alice.headers, { dataCollectionId: NOTES, query: {} });
    assertOk(mine, 'member query');
    assert.deepEqual(
      mine.json?.['dataItems'].map((i: { id: string }) => i.id),
      ['pollute-1'],
    );
  });

  it('distinct on a system-field-shaped lookup (constructor, toString ...) is an ordinary field and never reaches SQL as anything else', async () => {
    for (const name of PROTO_NAMES) {
      const r = await post('/items/query-distinct-values', alice.headers, { dataCollectionId: NOTES, fieldName: name });
      assertOk(r, `distinct ${name}`);
      const expected = name === 'constructor' ? [{ prototype: { K: 'x' } }] : [];
      assert.deepEqual(r.json?.['distinctValues'], expected, `distinct ${name}`);
      assert.ok(!r.text.includes('meta') && !r.text.includes('password'), 'nothing from other tables');
    }
    assertPrototypeUntouched('after distinct');
  });
});

describe('field names named after prototype members are ordinary fields everywhere', () => {
  // One item per name, written as JSON text so that "__proto__" is an own key on the wire.
  before(async () => {
    for (const [i, name] of PROTO_NAMES.entries()) {
      const data = `{"_id":"proto-${i}",${JSON.stringify(name)}:"value-${i}","rank":${i},"nested":{${JSON.stringify(name)}:{"deep":${i}}}}`;
      assertOk(await post('/items', admin, itemJson(PROTO, data)), `insert ${name}`);
    }
  });

  for (const [i, name] of PROTO_NAMES.entries()) {
    it(`"${name}": store, get, filter, sort, projection, distinct and count`, async () => {
      const got = await post('/items/get', visitor, { dataCollectionId: PROTO, dataItemId: `proto-${i}` });
      assertOk(got, 'get');
      const data = got.json?.['dataItem']?.['data'] as Record<string, unknown>;
      assert.ok(Object.hasOwn(data, name), `"${name}" is returned as an own key: ${got.text}`);
      assert.equal(data[name], `value-${i}`, 'with its value');
      assert.ok(got.text.includes(`${JSON.stringify(name)}:"value-${i}"`), 'on the wire too');
      assert.deepEqual((data['nested'] as Record<string, unknown>)[name], { deep: i }, 'nested keys are kept');

      const filtered = await post('/items/query', visitor, {
        dataCollectionId: PROTO,
        query: { filter: JSON.parse(`{${JSON.stringify(name)}:"value-${i}"}`) },
      });
      assertOk(filtered, 'filter eq');
      assert.deepEqual(
        filtered.json?.['dataItems'].map((x: { id: string }) => x.id),
        [`proto-${i}`],
      );
      const exists = await post('/items/query', visitor, {
        dataCollectionId: PROTO,
        query: { filter: JSON.parse(`{${JSON.stringify(name)}:{"$exists":true}}`) },
      });
      assertOk(exists, 'filter $exists');
      assert.deepEqual(
        exists.json?.['dataItems'].map((x: { id: string }) => x.id),
        [`proto-${i}`],
      );
      const nested = await post('/items/query', visitor, { dataCollectionId: PROTO, query: { filter: { [`nested.${name}.deep`]: { $gte: i } } } });
      assertOk(nested, 'filter on a nested path');
      assert.deepEqual(
        nested.json?.['dataItems'].map((x: { id: string }) => x.id).sort(),
        PROTO_NAMES.map((_, j) => `proto-${j}`).filter((_, j) => j === i),
      );

      const sorted = await post('/items/query', visitor, {
        dataCollectionId: PROTO,
        query: { sort: [{ fieldName: name, order: 'DESC' }, { fieldName: 'rank' }] },
      });
      assertOk(sorted, 'sort');
      assert.equal(sorted.json?.['dataItems']?.[0]?.['id'], `proto-${i}`, 'the item that has the field sorts first descending');

      const projected = await post('/items/query', visitor, { dataCollectionId: PROTO, query: { fields: [name, `nested.${name}.deep`], filter: { rank: i } } });
      assertOk(projected, 'projection');
      const pdata = projected.json?.['dataItems']?.[0]?.['data'];
      assert.deepEqual(Object.keys(pdata).sort(), ['_id', name, 'nested'].sort());
      assert.equal(pdata[name], `value-${i}`);
      assert.deepEqual(pdata['nested'][name], { deep: i });

      const distinct = await post('/items/query-distinct-values', visitor, { dataCollectionId: PROTO, fieldName: name });
      assertOk(distinct, 'distinct');
      assert.deepEqual(distinct.json?.['distinctValues'], [`value-${i}`]);

      const count = await post('/items/count', visitor, {
        dataCollectionId: PROTO,
        filter: JSON.parse(`{${JSON.stringify(name)}:{"$in":["value-${i}","other"]}}`),
      });
      assertOk(count, 'count');
      assert.equal(count.json?.['totalCount'], 1);
    });
  }

  it('"__proto__" inside item data is stored and returned, never dropped: insert, update, save and bulk', async () => {
    const data = '{"_id":"keep-proto","__proto__":{"polluted":true},"list":[{"__proto__":1}]}';
    const inserted = await post('/items', admin, itemJson(PROTO, data));
    assertOk(inserted, 'insert');
    const expected = '"__proto__":{"polluted":true},"list":[{"__proto__":1}]';
    assert.ok(inserted.text.includes(expected), `insert echoes it: ${inserted.text}`);
    const got = await post('/items/get', visitor, { dataCollectionId: PROTO, dataItemId: 'keep-proto' });
    assert.ok(got.text.includes(expected), `get returns it: ${got.text}`);

    const updated = await post('/items/update', admin, itemJson(PROTO, '{"_id":"keep-proto","__proto__":"second"}'));
    assertOk(updated, 'update');
    assert.ok(updated.text.includes('"__proto__":"second"'), updated.text);
    const saved = await post('/items/save', admin, itemJson(PROTO, '{"_id":"keep-proto","__proto__":"third"}'));
    assertOk(saved, 'save');
    const bulk = await post('/bulk/items/insert', admin, `{"dataCollectionId":"${PROTO}","dataItems":[{"data":{"_id":"keep-bulk","__proto__":{"b":2}}}]}`);
    assertOk(bulk, 'bulk insert');
    assert.ok(bulk.text.includes('"__proto__":{"b":2}'), bulk.text);
    const after = await post('/items/query', visitor, {
      dataCollectionId: PROTO,
      query: { filter: { _id: { $in: ['keep-proto', 'keep-bulk'] } }, sort: [{ fieldName: '_id' }] },
    });
    assert.ok(after.text.includes('"__proto__":{"b":2}') && after.text.includes('"__proto__":"third"'), after.text);
    assertPrototypeUntouched('after writing __proto__ keys');
    await post('/bulk/items/remove', admin, { dataCollectionId: PROTO, dataItemIds: ['keep-proto', 'keep-bulk'] });
  });

  it('property: any object of hostile keys round-trips through insert and get byte for byte (fast-check)', async () => {
    const key = fc.oneof(fc.constantFrom(...PROTO_NAMES, '$date', 'K', '_id_', 'a-b'), fc.stringMatching(/^[A-Za-z_][A-Za-z0-9_-]{0,8}$/));
    const leaf = fc.oneof(fc.string({ maxLength: 8 }), fc.integer(), fc.boolean(), fc.constant(null));
    /** An object as key/value pairs, written out as JSON text so every key, "__proto__" included, is an own key. */
    class Pairs {
      constructor(readonly pairs: [string, unknown][]) {}
    }
    const value = fc.letrec<{ node: unknown; object: Pairs }>((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, leaf, fc.array(tie('node'), { maxLength: 3 }), tie('object')),
      object: fc.array(fc.tuple(key, tie('node')), { maxLength: 4 }).map((pairs) => new Pairs(pairs)),
    })).node;
    const toJson = (v: unknown): string => {
      if (v instanceof Pairs) {
        const seen = new Set<string>(['$date']);
        const pairs = v.pairs.filter(([k]) => !seen.has(k) && seen.add(k));
        return `{${pairs.map(([k, x]) => `${JSON.stringify(k)}:${toJson(x)}`).join(',')}}`;
      }
      if (Array.isArray(v)) return `[${v.map(toJson).join(',')}]`;
      return JSON.stringify(v);
    };
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(key, value), { minLength: 1, maxLength: 5 }), async (pairs) => {
        const id = `prop-${++n}`;
        const seen = new Set<string>(['_id', '_owner', '_createdDate', '_updatedDate', '$date']);
        const fields = pairs.filter(([k]) => !seen.has(k) && seen.add(k));
        const dataJson = `{${[`"_id":"${id}"`, ...fields.map(([k, v]) => `${JSON.stringify(k)}:${toJson(v)}`)].join(',')}}`;
        const inserted = await post('/items', admin, itemJson(PROTO, dataJson));
        assertOk(inserted, `insert ${dataJson}`);
        const got = await post('/items/get', admin, { dataCollectionId: PROTO, dataItemId: id });
        assertOk(got, 'get');
        const expected = JSON.parse(dataJson) as Record<string, unknown>;
        const actual = got.json?.['dataItem']?.['data'] as Record<string, unknown>;
        for (const system of ['_owner', '_createdDate', '_updatedDate']) delete actual[system];
        assert.equal(JSON.stringify(actual), JSON.stringify(expected), 'the same keys, in the same order, with the same values');
        assertPrototypeUntouched(`after ${dataJson}`);
      }),
      { numRuns: 40, seed: 1010 },
    );
  });
});

// ------------------------------------------------------------------------------------------------

describe('finding 3: lists in requests are bounded, with a typed 400 above the limit', () => {
  it(`250,000 fields from a visitor (2.4 MB) are refused before parsing: a typed 413 naming the read-body limit (${MAX_READ_BODY_BYTES} bytes), and the server keeps serving`, async (t) => {
    const fields = Array.from({ length: 250_000 }, (_, i) => `f${i}`);
    const { r, ms } = await timed(() => post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { fields } }));
    assert.equal(r.status, 413, `250,000 fields: expected 413, got ${r.status} ${r.text.slice(0, 200)}`);
    const body = r.json as { message: string; details: { applicationError: { code: string } } };
    assert.equal(body.details.applicationError.code, 'WDE0109');
    assert.match(body.message, new RegExp(String(MAX_READ_BODY_BYTES)));
    t.diagnostic(`250,000 fields: 413 in ${ms.toFixed(0)} ms (request of ${(JSON.stringify(fields).length / 1e6).toFixed(1)} MB)`);
    await assertServing('after 250,000 fields');
    const viaGet = await post('/items/get', visitor, { dataCollectionId: PUBLIC, dataItemId: 'pub-1', fields });
    assert.equal(viaGet.status, 413, '250,000 fields on get');
  });

  it(`100,000 fields under the read-body limit answer a typed 400 naming the projection limit (${MAX_PROJECTION_FIELDS}) in well under a second`, async (t) => {
    const fields = Array.from({ length: 100_000 }, (_, i) => `f${i}`);
    assert.ok(JSON.stringify(fields).length < MAX_READ_BODY_BYTES);
    const { r, ms } = await timed(() => post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { fields } }));
    assertTyped400(r, '100,000 fields', MAX_PROJECTION_FIELDS);
    t.diagnostic(`100,000 fields: 400 in ${ms.toFixed(0)} ms`);
    assert.ok(ms < 1000, `answered in ${ms.toFixed(0)} ms`);
    await assertServing('after 100,000 fields');
    assertTyped400(
      await post('/items/get', visitor, { dataCollectionId: PUBLIC, dataItemId: 'pub-1', fields }),
      '100,000 fields on get',
      MAX_PROJECTION_FIELDS,
    );
  });

  it('writes keep the platform body limit: a 2 MB bulk insert is accepted where a 2 MB query is not', async () => {
    const big = 'x'.repeat(400 * 1024);
    const dataItems = Array.from({ length: 5 }, (_, i) => ({ data: { _id: `bulk-big-${i}`, title: big } }));
    assertOk(await post('/bulk/items/insert', admin, { dataCollectionId: PUBLIC, dataItems }), '2 MB bulk insert');
    const q = await post('/items/query', admin, { dataCollectionId: PUBLIC, query: { filter: { title: big + big + big } } });
    assert.equal(q.status, 413);
    await post('/bulk/items/remove', admin, { dataCollectionId: PUBLIC, dataItemIds: dataItems.map((d) => d.data._id) });
  });

  it(`20,000 sort terms answer a typed 400 naming the limit (${MAX_SORT_TERMS}) fast, not a 500 from SQLite`, async (t) => {
    const sort = Array.from({ length: 20_000 }, (_, i) => ({ fieldName: `s${i}`, order: i % 2 ? 'ASC' : 'DESC' }));
    const { r, ms } = await timed(() => post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { sort } }));
    assertTyped400(r, '20,000 sort terms', MAX_SORT_TERMS);
    t.diagnostic(`20,000 sort terms: 400 in ${ms.toFixed(0)} ms`);
    assert.ok(ms < 1000, `answered in ${ms.toFixed(0)} ms`);
    await assertServing('after 20,000 sort terms');
  });

  it('a paging cursor cannot smuggle the lists past the limits', async () => {
    const cursor = (state: unknown) => Buffer.from(JSON.stringify(state)).toString('base64url');
    const sort = Array.from({ length: 20_000 }, (_, i) => ({ fieldName: `s${i}` }));
    const bigSort = await post('/items/query', visitor, {
      dataCollectionId: PUBLIC,
      query: { cursorPaging: { limit: 2, cursor: cursor({ filter: null, sort, fields: [], offset: 0 }) } },
    });
    assertTyped400(bigSort, 'cursor with 20,000 sort terms', MAX_SORT_TERMS);
    const bigFields = await post('/items/query', visitor, {
      dataCollectionId: PUBLIC,
      query: { cursorPaging: { limit: 2, cursor: cursor({ filter: null, sort: [], fields: Array.from({ length: 5000 }, (_, i) => `f${i}`), offset: 0 }) } },
    });
    assertTyped400(bigFields, 'cursor with 5,000 fields', MAX_PROJECTION_FIELDS);
  });

  it('exactly at the limits the query answers 200 (no 500 from SQLite)', async () => {
    const fields = Array.from({ length: MAX_PROJECTION_FIELDS }, (_, i) => (i === 0 ? 'title' : `f${i}`));
    const r1 = await post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { fields } });
    assertOk(r1, `${MAX_PROJECTION_FIELDS} fields`);
    assert.deepEqual(Object.keys(r1.json?.['dataItems']?.[0]?.['data']).sort(), ['_id', 'title']);
    const sort = Array.from({ length: MAX_SORT_TERMS }, (_, i) => ({ fieldName: i === 0 ? 'n' : `s${i}`, order: 'DESC' }));
    const r2 = await post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { sort } });
    assertOk(r2, `${MAX_SORT_TERMS} sort terms`);
    assert.equal(r2.json?.['dataItems']?.[0]?.['id'], 'pub-4');
    assertTyped400(
      await post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { fields: [...fields, 'one-more'] } }),
      'one field over',
      MAX_PROJECTION_FIELDS,
    );
    assertTyped400(
      await post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { sort: [...sort, { fieldName: 'x' }] } }),
      'one sort term over',
      MAX_SORT_TERMS,
    );
  });

  it('field paths: segments, length and characters', async () => {
    const nine = Array.from({ length: MAX_FIELD_PATH_SEGMENTS + 1 }, () => 'a').join('.');
    const eight = Array.from({ length: MAX_FIELD_PATH_SEGMENTS }, () => 'a').join('.');
    const long = 'a'.repeat(MAX_FIELD_PATH_LENGTH + 1);
    const huge = 'a'.repeat(1_000_000);
    for (const [what, call] of [
      ['projection', (f: string) => post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { fields: [f] } })],
      ['filter', (f: string) => post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { filter: { [f]: 1 } } })],
      ['sort', (f: string) => post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { sort: [{ fieldName: f }] } })],
      ['distinct', (f: string) => post('/items/query-distinct-values', visitor, { dataCollectionId: PUBLIC, fieldName: f })],
      ['count', (f: string) => post('/items/count', visitor, { dataCollectionId: PUBLIC, filter: { [f]: { $exists: true } } })],
    ] as const) {
      // A projection ignores invalid field names, as Wix documents for fields() (the item comes back with `_id` only).
      const refused = what === 'projection' ? (r: Answer, m: string) => assertOk(r, m) : assertTyped400;
      assertOk(await call(eight), `${what}: ${MAX_FIELD_PATH_SEGMENTS} segments`);
      refused(await call(nine), `${what}: ${MAX_FIELD_PATH_SEGMENTS + 1} segments`, MAX_FIELD_PATH_SEGMENTS);
      refused(await call(long), `${what}: ${long.length} characters`, MAX_FIELD_PATH_LENGTH);
      const { r, ms } = await timed(() => call(huge));
      refused(r, `${what}: a 1,000,000-character field name`, MAX_FIELD_PATH_LENGTH);
      assert.ok(r.text.length < 2000, `${what}: the answer does not echo the huge name (${r.text.length} bytes)`);
      assert.ok(ms < 1000, `${what}: ${ms.toFixed(0)} ms`);
      for (const bad of ["a'b", 'a"b', 'a b', 'a..b', '', 'a.', 'é', 'a)--']) {
        if (what === 'filter' && bad === '') continue; // an empty key is a field name the filter refuses the same way
        refused(await call(bad), `${what}: ${JSON.stringify(bad)}`);
      }
    }
    await assertServing('after bad field paths');
  });

  it(`filters: depth ${MAX_FILTER_DEPTH}, ${MAX_FILTER_NODES} objects, ${MAX_FILTER_CONDITIONS} conditions, ${MAX_FILTER_LIST_VALUES} list values, ${MAX_FILTER_STRING_LENGTH}-character strings`, async () => {
    const q = (filter: unknown) => post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { filter } });
    const nest = (depth: number): unknown => (depth === 0 ? { n: 1 } : { $and: [nest(depth - 1)] });
    assertOk(await q(nest(MAX_FILTER_DEPTH)), `depth ${MAX_FILTER_DEPTH}`);
    assertTyped400(await q(nest(MAX_FILTER_DEPTH + 1)), `depth ${MAX_FILTER_DEPTH + 1}`, MAX_FILTER_DEPTH);
    // Built as text: 20,000 levels are deeper than JSON.stringify (or this test's stack) goes.
    const depth = 20_000;
    const deepBody = `{"dataCollectionId":"${PUBLIC}","query":{"filter":${'{"$and":['.repeat(depth)}{"n":1}${']}'.repeat(depth)}}}`;
    const deep = await timed(() => post('/items/query', visitor, deepBody));
    assertTyped400(deep.r, 'depth 20,000', MAX_FILTER_DEPTH);
    assert.ok(deep.ms < 1000, `depth 20,000: ${deep.ms.toFixed(0)} ms`);

    const objects = (n: number) => ({ $or: Array.from({ length: n - 1 }, (_, i) => ({ n: i })) });
    const atNodes = await q(objects(MAX_FILTER_NODES));
    assertOk(atNodes, `${MAX_FILTER_NODES} filter objects`);
    assert.equal(atNodes.json?.['dataItems'].length, 5);
    assertTyped400(await q(objects(MAX_FILTER_NODES + 1)), `${MAX_FILTER_NODES + 1} filter objects`, MAX_FILTER_NODES);
    assertTyped400(await q({ $and: Array.from({ length: 50_000 }, () => ({})) }), '50,000 empty filter objects', MAX_FILTER_NODES);

    const conditions = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`c${i}`, { $ne: i }]));
    assertOk(await q(conditions(MAX_FILTER_CONDITIONS)), `${MAX_FILTER_CONDITIONS} conditions in one object`);
    assertTyped400(await q(conditions(MAX_FILTER_CONDITIONS + 1)), `${MAX_FILTER_CONDITIONS + 1} conditions`, MAX_FILTER_CONDITIONS);
    // The largest tree both limits allow, nested as deep as allowed: SQLite's expression depth (1000) is not reached.
    const wide = {
      $and: [
        nest(MAX_FILTER_DEPTH - 2),
        { $or: Array.from({ length: MAX_FILTER_NODES - MAX_FILTER_DEPTH - 2 }, (_, i) => ({ [`w${i}`]: { $ne: i } })) },
        conditions(MAX_FILTER_CONDITIONS - MAX_FILTER_NODES + MAX_FILTER_DEPTH + 1),
      ],
    };
    assertOk(await q(wide), 'nodes and conditions at their limits together');

    const list = (n: number) => ({ n: { $in: Array.from({ length: n }, (_, i) => i) } });
    assertOk(await q(list(MAX_FILTER_LIST_VALUES)), `$in with ${MAX_FILTER_LIST_VALUES} values`);
    assertTyped400(await q(list(MAX_FILTER_LIST_VALUES + 1)), `$in with ${MAX_FILTER_LIST_VALUES + 1} values`, MAX_FILTER_LIST_VALUES);
    assertTyped400(
      await q({ n: { $hasAll: Array.from({ length: MAX_FILTER_LIST_VALUES + 1 }, (_, i) => i) } }),
      '$hasAll over the list limit',
      MAX_FILTER_LIST_VALUES,
    );

    const s = 'x'.repeat(MAX_FILTER_STRING_LENGTH);
    assertOk(await q({ title: s }), `a ${MAX_FILTER_STRING_LENGTH}-character string`);
    for (const op of ['$eq', '$ne', '$gt', '$contains', '$startsWith', '$endsWith', '$in']) {
      const arg = op === '$in' ? [`${s}x`] : `${s}x`;
      assertTyped400(await q({ title: { [op]: arg } }), `${op} with ${MAX_FILTER_STRING_LENGTH + 1} characters`, MAX_FILTER_STRING_LENGTH);
    }
    assertTyped400(
      await post('/items/count', visitor, { dataCollectionId: PUBLIC, filter: nest(MAX_FILTER_DEPTH + 1) }),
      'count with a too-deep filter',
      MAX_FILTER_DEPTH,
    );
    assertTyped400(
      await post('/items/query-distinct-values', visitor, { dataCollectionId: PUBLIC, fieldName: 'title', filter: objects(MAX_FILTER_NODES + 1) }),
      'distinct with too many filter objects',
      MAX_FILTER_NODES,
    );
    await assertServing('after the filter limits');
  });

  it('bad input is never echoed back at length: a megabyte string where a number belongs, a megabyte "date"', async () => {
    const huge = 'z'.repeat(1_000_000);
    const limit = await post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { paging: { limit: huge } } });
    assertTyped400(limit, 'a 1 MB limit');
    assert.ok(limit.text.length < 2000, `the answer is ${limit.text.length} bytes`);
    const date = await post('/items/query', visitor, { dataCollectionId: PUBLIC, query: { filter: { d: { $gt: { $date: huge } } } } });
    assertTyped400(date, 'a 1 MB $date');
    assert.ok(date.text.length < 2000, `the answer is ${date.text.length} bytes`);
  });

  it(`a collection declares at most ${MAX_COLLECTION_FIELDS} fields`, async () => {
    const fields = Array.from({ length: MAX_COLLECTION_FIELDS + 1 }, (_, i) => ({ key: `f${i}`, type: 'TEXT' }));
    const r = await post('/collections', admin, { collection: { id: 'SecTooWide', fields } });
    assertTyped400(r, `${MAX_COLLECTION_FIELDS + 1} fields`, MAX_COLLECTION_FIELDS);
    const list = await rawCall(p, `${PREFIX}/collections`, { method: 'GET', headers: admin });
    assert.ok(!list.text.includes('SecTooWide'), 'nothing was created');
  });

  it('the statement cache keeps short SQL and never holds one-off huge statements', () => {
    const db = openDatabase(':memory:');
    const cache = new StatementCache(db);
    const short = 'SELECT 1';
    assert.equal(cache.get(short), cache.get(short), 'short SQL is prepared once');
    const long = `SELECT '${'x'.repeat(MAX_CACHED_SQL_LENGTH)}'`;
    assert.ok(long.length > MAX_CACHED_SQL_LENGTH);
    assert.notEqual(cache.get(long), cache.get(long), 'SQL over the cached length is prepared per call, not kept');
    db.close();
  });

  it(`bulk requests hold at most ${MAX_BULK_ITEMS} items`, async () => {
    const items = Array.from({ length: MAX_BULK_ITEMS + 1 }, (_, i) => ({ data: { _id: `bulk-${i}` } }));
    assertTyped400(await post('/bulk/items/insert', visitor, { dataCollectionId: PUBLIC, dataItems: items }), 'bulk insert', MAX_BULK_ITEMS);
    assertTyped400(
      await post('/bulk/items/remove', visitor, { dataCollectionId: PUBLIC, dataItemIds: items.map((x) => x.data._id) }),
      'bulk remove',
      MAX_BULK_ITEMS,
    );
    const count = await post('/items/count', visitor, { dataCollectionId: PUBLIC });
    assert.equal(count.json?.['totalCount'], 5, 'nothing was written');
  });
});

// ------------------------------------------------------------------------------------------------

describe("finding 8: a member learns nothing about another member's hidden item (SITE_MEMBER_AUTHOR)", () => {
  const SECRET = 'alice-private-title-4711';

  before(async () => {
    assertOk(await post('/items', alice.headers, { dataCollectionId: NOTES, dataItem: { data: { _id: 'alice-note', title: SECRET } } }), 'alice inserts');
  });

  async function aliceNoteUnchanged(what: string): Promise<void> {
    const r = await post('/items/get', admin, { dataCollectionId: NOTES, dataItemId: 'alice-note' });
    assertOk(r, `${what}: admin get`);
    assert.equal(r.json?.['dataItem']?.['data']?.['title'], SECRET, `${what}: the title is unchanged`);
    assert.equal(r.json?.['dataItem']?.['data']?.['_owner'], alice.id, `${what}: still Alice's`);
  }

  function assertRevealsNothing(r: Answer, what: string): void {
    assert.ok(!r.text.includes(SECRET), `${what}: no item content in ${r.text}`);
    assert.ok(!r.text.includes(alice.id), `${what}: no owner in ${r.text}`);
  }

  it("insert and save with Alice's item ID answer Bob the same 403 WDE0027 body, carrying nothing of the item", async () => {
    const insert = await post('/items', bob.headers, { dataCollectionId: NOTES, dataItem: { data: { _id: 'alice-note', title: 'mine now' } } });
    const save = await post('/items/save', bob.headers, { dataCollectionId: NOTES, dataItem: { data: { _id: 'alice-note', title: 'mine now' } } });
    assert.equal(insert.status, 403, `insert: ${insert.status} ${insert.text}`);
    assert.equal(insert.json?.['details']?.['applicationError']?.['code'], 'WDE0027');
    assert.equal(save.status, insert.status, 'save answers the same status');
    assert.deepEqual(save.json, insert.json, 'and the same body');
    assertRevealsNothing(insert, 'insert');
    assertRevealsNothing(save, 'save');
    const update = await post('/items/update', bob.headers, { dataCollectionId: NOTES, dataItem: { data: { _id: 'alice-note', title: 'mine now' } } });
    assert.deepEqual(update.json, insert.json, 'update answers the same body too');
    await aliceNoteUnchanged('after insert, save and update');
  });

  it('bulk insert and bulk save report the same per-item WDE0027, with nothing of the item', async () => {
    for (const mode of ['insert', 'save'] as const) {
      const r = await post(`/bulk/items/${mode}`, bob.headers, { dataCollectionId: NOTES, dataItems: [{ data: { _id: 'alice-note', title: 'mine now' } }] });
      assertOk(r, `bulk ${mode}`);
      const result = r.json?.['results']?.[0];
      assert.equal(result?.['itemMetadata']?.['success'], false, `bulk ${mode}: failed`);
      assert.equal(result?.['itemMetadata']?.['error']?.['code'], 'WDE0027', `bulk ${mode}: ${r.text}`);
      assert.equal(result?.['dataItem'], undefined);
      assertRevealsNothing(r, `bulk ${mode}`);
    }
    await aliceNoteUnchanged('after bulk writes');
  });

  it("get and query still answer as if the item did not exist; Bob's own duplicate is an ordinary 409 WDE0074", async () => {
    const get = await post('/items/get', bob.headers, { dataCollectionId: NOTES, dataItemId: 'alice-note' });
    assert.equal(get.status, 404);
    assert.equal(get.json?.['details']?.['applicationError']?.['code'], 'WDE0073');
    assertRevealsNothing(get, 'get');
    assertOk(await post('/items', bob.headers, { dataCollectionId: NOTES, dataItem: { data: { _id: 'bob-note', title: 'bob' } } }), 'bob inserts his own');
    const dup = await post('/items', bob.headers, { dataCollectionId: NOTES, dataItem: { data: { _id: 'bob-note', title: 'again' } } });
    assert.equal(dup.status, 409, dup.text);
    assert.equal(dup.json?.['details']?.['applicationError']?.['code'], 'WDE0074');
    const adminDup = await post('/items', admin, { dataCollectionId: NOTES, dataItem: { data: { _id: 'alice-note', title: 'x' } } });
    assert.equal(adminDup.status, 409, "the site owner's key sees every item, so it gets the plain duplicate answer");
    await aliceNoteUnchanged('at the end');
  });
});
