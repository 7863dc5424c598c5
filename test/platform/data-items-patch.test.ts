/**
 * Patch and bulk patch (Data Items v2), through the official @wix/data client unmodified (`items.patch(...)` and
 * `items.bulkPatch(...)` builders, which send /v2/items/patch and /v2/bulk/items/patch), plus raw REST for the
 * request shapes the SDK never sends. Examples follow the docs: dev.wix.com/docs/sdk/backend-modules/data/items/
 * wix-data-patch and wix-data-bulk-patch (the costume example, the BlogPosts bulk example).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { adminHeaders, apiKeyClient, errorCode, memberClient, rawCall, startTestPlatform, visitorClient, type TestPlatform } from './helpers.ts';

type Admin = ReturnType<typeof apiKeyClient>;
let p: TestPlatform;
let admin: Admin;

const COSTUMES = 'PatchCostumes';
const AUTHORED = 'PatchAuthored';
const LOCKED = 'PatchLocked';
const MEMBER = { email: 'patch-member@example.com', password: 'patch-member-pass' };
const OTHER = { email: 'patch-other@example.com', password: 'patch-other-pass' };

type Item = Record<string, unknown> & { _id: string };

async function adminGet(collection: string, id: string): Promise<Item> {
  const item = (await admin.items.get(collection, id)) as Item | null;
  assert.ok(item, `${id} exists`);
  return item;
}

function rest(path: string, body: unknown, method = 'POST') {
  return rawCall(p, `/wix-data/v2${path}`, { method, headers: adminHeaders(p), body: JSON.stringify(body) });
}

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = apiKeyClient(p);
  await admin.collections.createDataCollection({
    _id: COSTUMES,
    displayName: 'Costumes',
    fields: [
      { key: 'title', type: 'TEXT' },
      { key: 'likes', type: 'NUMBER' },
      { key: 'sizes', type: 'ARRAY_STRING' },
    ],
    permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
  } as never);
  await admin.collections.createDataCollection({
    _id: AUTHORED,
    displayName: 'Authored',
    fields: [{ key: 'likes', type: 'NUMBER' }],
    permissions: { read: 'SITE_MEMBER_AUTHOR', insert: 'SITE_MEMBER_AUTHOR', update: 'SITE_MEMBER_AUTHOR', remove: 'SITE_MEMBER_AUTHOR' },
  } as never);
  await admin.collections.createDataCollection({
    _id: LOCKED,
    displayName: 'Locked',
    fields: [],
    permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
  } as never);
  p.createMember(MEMBER);
  p.createMember(OTHER);
});

after(async () => {
  await p?.stop();
});

describe('items.patch through @wix/data', () => {
  it("applies the docs' costume example in order and leaves every other field alone", async () => {
    await admin.items.insert(COSTUMES, { _id: 'c1', title: 'Pirate', sizes: ['S', 'M'], colors: ['red', 'black'], available: false, likes: 3 });
    const before = await adminGet(COSTUMES, 'c1');
    await new Promise((r) => setTimeout(r, 5));
    const patched = (await admin.items
      .patch(COSTUMES, 'c1')
      .appendToArray('sizes', 'L')
      .removeFromArray('colors', 'red')
      .setField('available', true)
      .run()) as Item;
    assert.deepEqual(patched['sizes'], ['S', 'M', 'L']);
    assert.deepEqual(patched['colors'], ['black']);
    assert.equal(patched['available'], true);
    assert.equal(patched['title'], 'Pirate', 'a field the patch does not name is unchanged');
    assert.equal(patched['likes'], 3);
    assert.equal((patched['_createdDate'] as Date).toISOString(), (before['_createdDate'] as Date).toISOString(), '_createdDate is kept');
    assert.ok((patched['_updatedDate'] as Date) > (before['_updatedDate'] as Date), '_updatedDate moves');
    assert.deepEqual(await adminGet(COSTUMES, 'c1'), patched, 'what patch answers is what is stored');
  });

  it('increments (and decrements), removes a field, and sets nested paths with dot notation', async () => {
    await admin.items.insert(COSTUMES, { _id: 'c2', title: 'Ghost', likes: 10, note: 'drop me', address: { city: 'Oslo' } });
    const patched = (await admin.items
      .patch(COSTUMES, 'c2')
      .incrementField('likes', 5)
      .incrementField('likes', -2)
      .removeField('note')
      .setField('address.street', 'Main 1')
      .setField('stats.views', 1)
      .incrementField('stats.views', 1)
      .run()) as Item;
    assert.equal(patched['likes'], 13);
    assert.ok(!('note' in patched), 'removeField removes the field');
    assert.deepEqual(patched['address'], { city: 'Oslo', street: 'Main 1' });
    assert.deepEqual(patched['stats'], { views: 2 }, 'a missing parent object is created');
  });

  it('incrementField on a missing field starts from 0; appendToArray on a missing field makes the array; removeFromArray on one is a no-op', async () => {
    await admin.items.insert(COSTUMES, { _id: 'c3', title: 'Witch' });
    const patched = (await admin.items
      .patch(COSTUMES, 'c3')
      .incrementField('likes', 1)
      .appendToArray('tags', 'green')
      .removeFromArray('colors', 'x')
      .run()) as Item;
    assert.equal(patched['likes'], 1);
    assert.deepEqual(patched['tags'], ['green']);
    assert.ok(!('colors' in patched));
  });

  it('setField with a Date stores a date; removeFromArray matches objects and dates by value', async () => {
    const when = new Date('2025-02-03T04:05:06.000Z');
    await admin.items.insert(COSTUMES, { _id: 'c4', list: [{ a: 1, b: 2 }, { a: 3 }, when, 'x'] });
    const patched = (await admin.items
      .patch(COSTUMES, 'c4')
      .setField('released', when)
      .removeFromArray('list', { b: 2, a: 1 })
      .removeFromArray('list', when)
      .run()) as Item;
    assert.ok(patched['released'] instanceof Date && patched['released'].toISOString() === when.toISOString());
    assert.deepEqual(patched['list'], [{ a: 3 }, 'x']);
  });

  it('200 concurrent increments through the SDK give exactly +200', async () => {
    await admin.items.insert(COSTUMES, { _id: 'counter', likes: 0 });
    const results = await Promise.allSettled(Array.from({ length: 200 }, () => admin.items.patch(COSTUMES, 'counter').incrementField('likes', 1).run()));
    assert.equal(results.filter((r) => r.status === 'rejected').length, 0);
    assert.equal((await adminGet(COSTUMES, 'counter'))['likes'], 200);
    // Every answer saw a distinct value: each increment read the one before it.
    const seen = new Set(results.map((r) => (r as PromiseFulfilledResult<Item>).value['likes']));
    assert.equal(seen.size, 200);
  });

  it('incrementField on a non-number is a 400 (WDE0080) and writes nothing', async () => {
    await admin.items.insert(COSTUMES, { _id: 'c5', title: 'Vampire', likes: 1 });
    const before = await adminGet(COSTUMES, 'c5');
    await assert.rejects(
      () => admin.items.patch(COSTUMES, 'c5').incrementField('likes', 1).incrementField('title', 1).run(),
      (e: unknown) => errorCode(e) === 'WDE0080' && /title/.test((e as Error).message),
    );
    assert.deepEqual(await adminGet(COSTUMES, 'c5'), before, 'the first (valid) increment did not land either');
  });

  it('appendToArray on a non-array and a path through a non-object are 400s', async () => {
    await admin.items.insert(COSTUMES, { _id: 'c6', title: 'Mummy' });
    await assert.rejects(
      () => admin.items.patch(COSTUMES, 'c6').appendToArray('title', 'x').run(),
      (e: unknown) => errorCode(e) === 'WDE0080',
    );
    await assert.rejects(
      () => admin.items.patch(COSTUMES, 'c6').setField('title.deeper', 'x').run(),
      (e: unknown) => errorCode(e) === 'WDE0080',
    );
    assert.equal((await adminGet(COSTUMES, 'c6'))['title'], 'Mummy');
  });

  it('a missing item is WDE0073 (the request fails, as documented)', async () => {
    await assert.rejects(
      () => admin.items.patch(COSTUMES, 'no-such-item').setField('a', 1).run(),
      (e: unknown) => errorCode(e) === 'WDE0073',
    );
  });

  it('a condition that does not match refuses the patch (428) and writes nothing', async () => {
    await admin.items.insert(COSTUMES, { _id: 'c7', likes: 1, available: false });
    await assert.rejects(() =>
      admin.items
        .patch(COSTUMES, 'c7')
        .incrementField('likes', 1)
        .run({ condition: admin.items.filter().eq('available', true) } as never),
    );
    assert.equal((await adminGet(COSTUMES, 'c7'))['likes'], 1);
    const ok = (await admin.items
      .patch(COSTUMES, 'c7')
      .incrementField('likes', 1)
      .run({ condition: admin.items.filter().eq('available', false) } as never)) as Item;
    assert.equal(ok['likes'], 2);
  });
});

describe('patch permissions', () => {
  it('update permission is required: a visitor cannot patch an ADMIN-update collection (WDE0027), nothing changes', async () => {
    await admin.items.insert(LOCKED, { _id: 'l1', likes: 1 });
    const visitor = visitorClient(p);
    visitor.auth.setTokens(await visitor.auth.generateVisitorTokens());
    await assert.rejects(
      () => visitor.items.patch(LOCKED, 'l1').incrementField('likes', 1).run(),
      (e: unknown) => errorCode(e) === 'WDE0027',
    );
    assert.equal((await adminGet(LOCKED, 'l1'))['likes'], 1);
  });

  it("SITE_MEMBER_AUTHOR: a member patches their own item, not someone else's (WDE0027); bulk patch reports it per item", async () => {
    const [{ client: member }, { client: other }] = await Promise.all([
      memberClient(p, MEMBER.email, MEMBER.password),
      memberClient(p, OTHER.email, OTHER.password),
    ]);
    const mine = (await member.items.insert(AUTHORED, { likes: 1 } as never)) as Item;
    const theirs = (await other.items.insert(AUTHORED, { likes: 1 } as never)) as Item;
    const patched = (await member.items.patch(AUTHORED, mine._id).incrementField('likes', 1).run()) as Item;
    assert.equal(patched['likes'], 2);
    await assert.rejects(
      () => member.items.patch(AUTHORED, theirs._id).incrementField('likes', 1).run(),
      (e: unknown) => errorCode(e) === 'WDE0027',
    );
    const bulk = await member.items.bulkPatch(AUTHORED, [mine._id, theirs._id]).incrementField('likes', 10).run();
    assert.equal(bulk.updated, 1);
    assert.deepEqual(bulk.updatedItemIds, [mine._id]);
    assert.equal(bulk.errors.length, 1);
    assert.equal((bulk.errors[0] as unknown as { code: string }).code, 'WDE0027');
    assert.equal((await adminGet(AUTHORED, theirs._id))['likes'], 1, "someone else's item is unchanged");
    assert.equal((await adminGet(AUTHORED, mine._id))['likes'], 12);
  });
});

describe('items.bulkPatch through @wix/data', () => {
  it("the docs' BlogPosts example: appendToArray + setField on two items → updated 2, errors []", async () => {
    await admin.items.bulkInsert(COSTUMES, [
      { _id: 'b1', tags: ['food'], published: false },
      { _id: 'b2', published: false },
    ]);
    const results = await admin.items.bulkPatch(COSTUMES, ['b1', 'b2']).appendToArray('tags', 'travel').setField('published', true).run();
    assert.equal(results.updated, 2);
    assert.deepEqual(results.errors, []);
    assert.deepEqual((await adminGet(COSTUMES, 'b1'))['tags'], ['food', 'travel']);
    assert.deepEqual((await adminGet(COSTUMES, 'b2'))['tags'], ['travel']);
  });

  it('a missing item is skipped (WDE0073, as the SDK documents) and one that cannot apply is an error; the others are patched', async () => {
    await admin.items.bulkInsert(COSTUMES, [
      { _id: 'b3', score: 1 },
      { _id: 'b4', score: 'many' },
    ]);
    const results = await admin.items.bulkPatch(COSTUMES, ['b3', 'missing', 'b4']).incrementField('score', 1).run();
    assert.equal(results.updated, 1);
    assert.equal(results.skipped, 1);
    assert.equal(results.errors.length, 1);
    assert.equal((results.errors[0] as unknown as { originalIndex: number }).originalIndex, 2);
    assert.equal((await adminGet(COSTUMES, 'b3'))['score'], 2);
    assert.equal((await adminGet(COSTUMES, 'b4'))['score'], 'many');
  });

  it('REST: results carry action PATCH, originalIndex and id; dataItem only with returnEntity', async () => {
    await admin.items.insert(COSTUMES, { _id: 'b5', likes: 0 });
    const mods = [{ fieldPath: 'likes', action: 'INCREMENT_FIELD', incrementFieldOptions: { value: 2 } }];
    const plain = await rest('/bulk/items/patch', { dataCollectionId: COSTUMES, patches: [{ dataItemId: 'b5', fieldModifications: mods }] });
    assert.equal(plain.status, 200, plain.text);
    assert.deepEqual(plain.json?.['results'], [{ action: 'PATCH', itemMetadata: { id: 'b5', originalIndex: 0, success: true } }]);
    assert.deepEqual(plain.json?.['bulkActionMetadata'], { totalSuccesses: 1, totalFailures: 0, undetailedFailures: 0 });
    const withEntity = await rest('/bulk/items/patch', {
      dataCollectionId: COSTUMES,
      patches: [{ dataItemId: 'b5', fieldModifications: mods }],
      returnEntity: true,
    });
    assert.equal(withEntity.json?.['results'][0].dataItem.data.likes, 4);
  });
});

describe('patch: hostile and oversized requests (refused whole, nothing written)', () => {
  before(async () => {
    await admin.items.insert(COSTUMES, { _id: 'h1', likes: 1, nested: { a: 1 } });
  });

  for (const fieldPath of [
    '__proto__.polluted',
    'constructor.prototype.polluted',
    'nested.__proto__',
    'prototype',
    '_id',
    '_owner',
    '_createdDate',
    '',
    'a..b',
    'a b',
  ]) {
    it(`fieldPath ${JSON.stringify(fieldPath)} → 400 validation error`, async () => {
      const before = await adminGet(COSTUMES, 'h1');
      const r = await rest('/items/patch', {
        dataCollectionId: COSTUMES,
        patch: {
          dataItemId: 'h1',
          fieldModifications: [
            { fieldPath: 'likes', action: 'INCREMENT_FIELD', incrementFieldOptions: { value: 1 } },
            { fieldPath, action: 'SET_FIELD', setFieldOptions: { value: 'x' } },
          ],
        },
      });
      assert.equal(r.status, 400, r.text);
      assert.ok(r.json?.['details']?.['validationError'], r.text);
      assert.deepEqual(await adminGet(COSTUMES, 'h1'), before);
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    });
  }

  it('wrong types: an unknown action, a string increment, a non-array modification list → 400', async () => {
    const cases: unknown[] = [
      [{ fieldPath: 'likes', action: 'MULTIPLY_FIELD' }],
      [{ fieldPath: 'likes', action: 'INCREMENT_FIELD', incrementFieldOptions: { value: '1' } }],
      [{ fieldPath: 'likes', action: 'INCREMENT_FIELD', incrementFieldOptions: {} }],
      { fieldPath: 'likes', action: 'REMOVE_FIELD' },
      [],
    ];
    for (const fieldModifications of cases) {
      const r = await rest('/items/patch', { dataCollectionId: COSTUMES, patch: { dataItemId: 'h1', fieldModifications } });
      assert.equal(r.status, 400, `${JSON.stringify(fieldModifications)}: ${r.text}`);
    }
    assert.equal((await adminGet(COSTUMES, 'h1'))['likes'], 1);
  });

  it('101 modifications in one patch, or 101 items in one bulk patch → 400', async () => {
    const mod = { fieldPath: 'likes', action: 'INCREMENT_FIELD', incrementFieldOptions: { value: 1 } };
    const many = await rest('/items/patch', { dataCollectionId: COSTUMES, patch: { dataItemId: 'h1', fieldModifications: Array(101).fill(mod) } });
    assert.equal(many.status, 400, many.text);
    const bulk = await rest('/bulk/items/patch', {
      dataCollectionId: COSTUMES,
      patches: Array.from({ length: 101 }, () => ({ dataItemId: 'h1', fieldModifications: [mod] })),
    });
    assert.equal(bulk.status, 400, bulk.text);
    const huge = await rest('/bulk/items/patch', { dataCollectionId: COSTUMES, patches: Array(200_000).fill({ dataItemId: 'h1', fieldModifications: [mod] }) });
    assert.ok(huge.status === 400 || huge.status === 413, huge.text.slice(0, 200));
    assert.equal((await adminGet(COSTUMES, 'h1'))['likes'], 1);
  });

  it('a patch that would make the item larger than 500 KB is refused', async () => {
    const big = 'x'.repeat(300 * 1024);
    await admin.items.patch(COSTUMES, 'h1').setField('big1', big).run();
    await assert.rejects(
      () => admin.items.patch(COSTUMES, 'h1').setField('big2', big).run(),
      (e: unknown) => /500|bytes/.test((e as Error).message),
    );
    assert.ok(!('big2' in (await adminGet(COSTUMES, 'h1'))));
    await admin.items.patch(COSTUMES, 'h1').removeField('big1').run();
  });

  it('property: any field path and action → 200 or 400, never 5xx; a 400 writes nothing; Object.prototype stays clean', async () => {
    const segment = fc.oneof(
      fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'likes', 'nested', 'a', '_id', ''),
      fc.string({ maxLength: 8 }),
    );
    const path = fc.array(segment, { minLength: 1, maxLength: 4 }).map((s) => s.join('.'));
    const action = fc.constantFrom('SET_FIELD', 'REMOVE_FIELD', 'INCREMENT_FIELD', 'APPEND_TO_ARRAY', 'REMOVE_FROM_ARRAY');
    const value = fc.oneof(
      fc.integer(),
      fc.string({ maxLength: 5 }),
      fc.constant(null),
      fc.array(fc.integer(), { maxLength: 3 }),
      fc.dictionary(fc.string({ maxLength: 4 }), fc.integer(), { maxKeys: 3 }),
    );
    const options = {
      SET_FIELD: 'setFieldOptions',
      INCREMENT_FIELD: 'incrementFieldOptions',
      APPEND_TO_ARRAY: 'appendToArrayOptions',
      REMOVE_FROM_ARRAY: 'removeFromArrayOptions',
    } as const;
    await fc.assert(
      fc.asyncProperty(fc.array(fc.tuple(path, action, value), { minLength: 1, maxLength: 4 }), async (mods) => {
        await rest('/items/save', { dataCollectionId: COSTUMES, dataItem: { id: 'prop', data: { _id: 'prop', likes: 1, nested: { a: 1 } } } });
        const before = await adminGet(COSTUMES, 'prop');
        const fieldModifications = mods.map(([fieldPath, act, v]) => ({
          fieldPath,
          action: act,
          ...(act === 'REMOVE_FIELD' ? {} : { [options[act]]: { value: v } }),
        }));
        const r = await rest('/items/patch', { dataCollectionId: COSTUMES, patch: { dataItemId: 'prop', fieldModifications } });
        assert.ok(r.status === 200 || r.status === 400, `${r.status} ${r.text}`);
        if (r.status === 400) assert.deepEqual(await adminGet(COSTUMES, 'prop'), before);
        assert.equal(Object.getPrototypeOf({}), Object.prototype);
        assert.deepEqual(Object.keys(Object.prototype), []);
        assert.equal(({} as Record<string, unknown>)['x'], undefined);
      }),
      { numRuns: 60 },
    );
  });
});
