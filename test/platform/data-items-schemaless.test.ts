/**
 * Schemaless items, as Wix stores them: "this schema isn't enforced. This means that if you add or update an item
 * containing a field or data type that doesn't match the collection's schema specification, your data is stored
 * anyway" (dev.wix.com, About the Wix Data API). The platform stores such an item and tells the developer: a warning
 * naming the field in that request's log entry (GET /_platform/requests, the demo's log panel). What Wix still
 * refuses stays a 400 that writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminHeaders, apiKeyClient, controlCall, rawCall, startTestPlatform, type TestPlatform } from './helpers.ts';

let p: TestPlatform;
let admin: ReturnType<typeof apiKeyClient>;
const C = 'Schemaless';

const lastSeq = () => p.log.since(0).at(-1)?.seq ?? 0;
const entriesSince = (seq: number) => p.log.since(seq);

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = apiKeyClient(p);
  await admin.collections.createDataCollection({
    _id: C,
    displayName: C,
    fields: [
      { key: 'price', type: 'NUMBER' },
      { key: 'released', type: 'DATE' },
      { key: 'tags', type: 'ARRAY_STRING' },
      { key: 'inStock', type: 'BOOLEAN' },
    ],
  } as never);
});

after(async () => {
  await p?.stop();
});

describe('values that do not match the declared type are stored, with a warning', () => {
  it('each mismatching field is named once, in the log entry of the request that stored it', async () => {
    const seq = lastSeq();
    const item = (await admin.items.insert(C, { _id: 's1', price: '12', released: 'yesterday', tags: 'one', inStock: 1, free: 'any' })) as Record<
      string,
      unknown
    >;
    assert.deepEqual([item['price'], item['released'], item['tags'], item['inStock']], ['12', 'yesterday', 'one', 1]);
    const entries = entriesSince(seq).filter((e) => e.path.endsWith('/items'));
    assert.equal(entries.length, 1);
    const warnings = entries[0]!.warnings ?? [];
    assert.equal(warnings.length, 4, JSON.stringify(warnings));
    for (const field of ['price', 'released', 'tags', 'inStock'])
      assert.ok(
        warnings.some((w) => w.includes(`"${field}"`)),
        `${field} is named`,
      );
    assert.ok(!warnings.some((w) => w.includes('"free"')), 'an undeclared field is not a mismatch');
    assert.equal(entries[0]!.status, 200);
  });

  it('the warning reaches the developer through the control route the demo panel reads', async () => {
    await admin.items.insert(C, { _id: 's2', price: 'cheap' });
    const r = await controlCall(p, '/_platform/requests');
    const entries = r.json?.['requests'] as { warnings?: string[] }[];
    assert.ok(entries.some((e) => e.warnings?.some((w) => w.includes('"price"') && w.includes('"s2"'))));
  });

  it('a patch that sets a declared field to another type is applied and warned about; an untouched field is not', async () => {
    await admin.items.insert(C, { _id: 's3', price: 1, tags: 'not-an-array' });
    const seq = lastSeq();
    const patched = (await admin.items.patch(C, 's3').setField('price', 'ten').run()) as Record<string, unknown>;
    assert.equal(patched['price'], 'ten');
    const warnings = entriesSince(seq).flatMap((e) => e.warnings ?? []);
    assert.equal(warnings.length, 1, JSON.stringify(warnings));
    assert.match(warnings[0]!, /"price"/);
    const removed = lastSeq();
    await admin.items.patch(C, 's3').removeField('price').run();
    assert.deepEqual(
      entriesSince(removed).flatMap((e) => e.warnings ?? []),
      [],
      'removing a field is never a mismatch',
    );
  });

  it('matching values, null, and Dates on a DATE field warn of nothing', async () => {
    const seq = lastSeq();
    await admin.items.insert(C, { _id: 's4', price: 3, released: new Date(), tags: ['a'], inStock: null });
    assert.deepEqual(
      entriesSince(seq).flatMap((e) => e.warnings ?? []),
      [],
    );
  });

  it('a 1,000-item bulk insert of mismatching items logs a bounded list of warnings', async () => {
    const seq = lastSeq();
    const r = await rawCall(p, '/wix-data/v2/bulk/items/insert', {
      headers: adminHeaders(p),
      body: JSON.stringify({
        dataCollectionId: C,
        dataItems: Array.from({ length: 1000 }, (_, i) => ({ data: { _id: `bulk-${i}`, price: 'x'.repeat(1000) } })),
      }),
    });
    assert.equal(r.status, 200, r.text.slice(0, 300));
    const warnings = entriesSince(seq).flatMap((e) => e.warnings ?? []);
    assert.ok(warnings.length <= 21, `${warnings.length} warnings`);
    assert.ok(warnings.every((w) => w.length <= 300));
  });

  it('a hostile item ID is quoted and clipped in the warning (declared field names are validated already)', async () => {
    const seq = lastSeq();
    const id = `line\nbreak${'x'.repeat(200)}`;
    await admin.items.insert(C, { _id: id, price: 'text' });
    const warnings = entriesSince(seq).flatMap((e) => e.warnings ?? []);
    assert.equal(warnings.length, 1);
    assert.ok(warnings[0]!.includes('"line\\nbreak'), warnings[0]);
    assert.ok(!warnings[0]!.includes('\n'), 'no raw line break reaches the log');
    assert.ok(warnings[0]!.length < 300);
  });
});

describe('what Wix still refuses is a 400 that writes nothing and warns of nothing', () => {
  for (const [what, data] of [
    ['an item that is not an object', 'text'],
    ['an array item', [1, 2]],
    ['a non-string _id', { _id: 5, price: 'x' }],
    ['an item over 500 KB', { _id: 'big', price: 'x', blob: 'y'.repeat(600 * 1024) }],
    ['a malformed date', { _id: 'bad-date', released: { $date: 'not a date' } }],
  ] as const) {
    it(what, async () => {
      const seq = lastSeq();
      const r = await rawCall(p, '/wix-data/v2/items', { headers: adminHeaders(p), body: JSON.stringify({ dataCollectionId: C, dataItem: { data } }) });
      assert.equal(r.status, 400, r.text.slice(0, 300));
      assert.deepEqual(
        entriesSince(seq).flatMap((e) => e.warnings ?? []),
        [],
      );
    });
  }
  it('nothing from the refused requests was written', async () => {
    assert.equal(await admin.items.get(C, 'big'), null);
    assert.equal(await admin.items.get(C, 'bad-date'), null);
  });
});
