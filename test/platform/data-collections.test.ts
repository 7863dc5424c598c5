/**
 * Data Collections v2 completeness (issue 12), through the official @wix/data `collections` module unmodified
 * (createDataCollection, getDataCollection, updateDataCollection, createDataCollectionField,
 * updateDataCollectionField, deleteDataCollectionField) and raw REST for what the SDK never sends. Follows
 * dev.wix.com/docs/api-reference/business-solutions/cms/collection-management/data-collections (system fields,
 * `revision`: "For an update operation to succeed, you must specify the latest revision number").
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { adminHeaders, apiKeyClient, errorCode, rawCall, startTestPlatform, visitorClient, type TestPlatform } from './helpers.ts';

let p: TestPlatform;
let admin: ReturnType<typeof apiKeyClient>;
const ANYONE_READS = { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } as const;

function rest(path: string, body: unknown, method = 'POST') {
  return rawCall(p, `/wix-data/v2${path}`, { method, headers: adminHeaders(p), body: JSON.stringify(body) });
}

async function refRows(movie: string): Promise<number> {
  const r = await rest('/items/query-referenced', {
    dataCollectionId: 'Films',
    referringItemId: movie,
    referringItemFieldName: 'cast',
    returnTotalCount: true,
  });
  return r.status === 200 ? (r.json!['pagingMetadata']['total'] as number) : -r.status;
}

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = apiKeyClient(p);
  await admin.collections.createDataCollection({
    _id: 'Actors',
    displayName: 'Actors',
    fields: [{ key: 'name', type: 'TEXT' }],
    permissions: ANYONE_READS,
  } as never);
  await admin.collections.createDataCollection({
    _id: 'Films',
    displayName: 'Films',
    fields: [{ key: 'title', type: 'TEXT' }],
    permissions: ANYONE_READS,
  } as never);
});

after(() => p.stop());

describe('system fields and defaults', () => {
  it('every collection lists _id, _createdDate, _updatedDate and _owner as system fields, first', async () => {
    const films = await admin.collections.getDataCollection('Films');
    assert.deepEqual(
      films.fields!.map((f) => [f.key, f.type, f.systemField]),
      [
        ['_id', 'TEXT', true],
        ['_createdDate', 'DATETIME', true],
        ['_updatedDate', 'DATETIME', true],
        ['_owner', 'TEXT', true],
        ['title', 'TEXT', false],
      ],
    );
  });

  it('a collection created without permissions gets ADMIN for every operation (the platform default; a visitor reads nothing)', async () => {
    await admin.collections.createDataCollection({ _id: 'NoPerms', displayName: 'No perms' } as never);
    const got = await admin.collections.getDataCollection('NoPerms');
    assert.deepEqual(got.permissions, { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' });
    await assert.rejects(visitorClient(p).items.query('NoPerms').find(), (e) => errorCode(e) === 'WDE0027');
  });

  it('system fields cannot be declared, and a key may not be declared twice', async () => {
    for (const fields of [
      [{ key: '_id', type: 'NUMBER' }],
      [{ key: '_owner', type: 'TEXT' }],
      [
        { key: 'a', type: 'TEXT' },
        { key: 'a', type: 'NUMBER' },
      ],
    ]) {
      const r = await rest('/collections', { collection: { id: 'BadFields', permissions: ANYONE_READS, fields } });
      // A system key sent as a plain field by REST is Wix's own field and is dropped; a duplicate is a 400.
      if (fields.length === 2) assert.equal(r.status, 400, r.text);
      else {
        assert.equal(r.status, 200, r.text);
        const sys = (r.json!['collection']['fields'] as { key: string; systemField: boolean }[]).filter((f) => f.key === fields[0]!.key);
        assert.deepEqual(
          sys.map((f) => f.systemField),
          [true],
        );
        await rest(`/collections/BadFields`, undefined, 'DELETE');
      }
    }
  });
});

describe('revision', () => {
  it('update needs the current revision: a stale one is refused and changes nothing; the revision moves on by one', async () => {
    const got = await admin.collections.getDataCollection('Films');
    const updated = await admin.collections.updateDataCollection({ ...got, displayName: 'Films (renamed)' } as never);
    assert.equal(Number(updated.revision), Number(got.revision) + 1);
    // The round trip sent the system fields back; they are still listed once.
    assert.equal(updated.fields!.filter((f) => f.key === '_id').length, 1);
    await assert.rejects(admin.collections.updateDataCollection({ ...got, displayName: 'stale' } as never), (e) => errorCode(e) === 'WDE0074');
    assert.equal((await admin.collections.getDataCollection('Films')).displayName, 'Films (renamed)');
    const noRevision = await rest('/collections', { collection: { id: 'Films', displayName: 'x', permissions: ANYONE_READS } }, 'PUT');
    assert.equal(noRevision.status, 400, noRevision.text);
  });
});

describe('patch', () => {
  it('patchDataCollection changes only what it sends, and the revision moves on', async () => {
    const before = await admin.collections.getDataCollection('Films');
    const patched = await admin.collections.patchDataCollection('Films', { displayName: 'Films (patched)' } as never);
    assert.equal(patched.dataCollection!.displayName, 'Films (patched)');
    assert.deepEqual(patched.dataCollection!.permissions, before.permissions);
    assert.deepEqual(
      patched.dataCollection!.fields!.map((f) => f.key),
      before.fields!.map((f) => f.key),
    );
    assert.equal(Number(patched.dataCollection!.revision), Number(before.revision) + 1);
    const other = await rest('/collections/Films', { dataCollection: { id: 'Actors', displayName: 'x' } }, 'PATCH');
    assert.equal(other.status, 400, other.text);
  });
});

describe('single-field methods', () => {
  it('createDataCollectionField adds a MULTI_REFERENCE field with its metadata; update and delete change one field', async () => {
    const before = await admin.collections.getDataCollection('Films');
    const created = await admin.collections.createDataCollectionField('Films', {
      field: { key: 'cast', displayName: 'Cast', type: 'MULTI_REFERENCE', typeMetadata: { multiReference: { referencedCollectionId: 'Actors' } } },
    } as never);
    const cast = created.dataCollection!.fields!.find((f) => f.key === 'cast')!;
    assert.equal(cast.type, 'MULTI_REFERENCE');
    assert.equal(cast.typeMetadata?.multiReference?.referencedCollectionId, 'Actors');
    assert.equal(cast.typeMetadata?.multiReference?.referencingFieldKey, 'films');
    assert.equal(Number(created.dataCollection!.revision), Number(before.revision) + 1);

    await assert.rejects(
      admin.collections.createDataCollectionField('Films', { field: { key: 'cast', type: 'TEXT' } } as never),
      (e) => errorCode(e) === 'ALREADY_EXISTS',
    );
    const updated = await admin.collections.updateDataCollectionField('Films', {
      field: { key: 'title', displayName: 'Title', type: 'TEXT', required: true },
    } as never);
    const title = updated.dataCollection!.fields!.find((f) => f.key === 'title')!;
    assert.equal(title.displayName, 'Title');
    assert.equal(title.required, true);
    await assert.rejects(
      admin.collections.updateDataCollectionField('Films', { field: { key: 'nope', type: 'TEXT' } } as never),
      (e) => errorCode(e) === 'NOT_FOUND',
    );

    await admin.items.insert('Actors', { _id: 'x1', name: 'Actor' });
    await admin.items.insert('Films', { _id: 'f1', title: 'Film' });
    await admin.items.insertReference('Films', 'cast', 'f1', 'x1');
    assert.equal(await refRows('f1'), 1);
    const deleted = await admin.collections.deleteDataCollectionField('Films', { fieldKey: 'cast' } as never);
    assert.ok(!deleted.dataCollection!.fields!.some((f) => f.key === 'cast'));
    // The field is gone, and its reference rows with it: recreating it starts empty.
    await admin.collections.createDataCollectionField('Films', {
      field: { key: 'cast', type: 'MULTI_REFERENCE', typeMetadata: { multiReference: { referencedCollectionId: 'Actors' } } },
    } as never);
    assert.equal(await refRows('f1'), 0);
  });

  it('a system field cannot be deleted, and a field of a missing collection is a 404', async () => {
    const sys = await rest('/collections/delete-field', { dataCollectionId: 'Films', fieldKey: '_id' });
    assert.equal(sys.status, 400, sys.text);
    const missing = await rest('/collections/create-field', { dataCollectionId: 'Nope', field: { key: 'a', type: 'TEXT' } });
    assert.equal(missing.status, 404, missing.text);
    assert.equal(missing.json?.['details']?.['applicationError']?.['code'], 'WDE0025');
  });
});

describe('deleting a referenced collection', () => {
  it('drops its reference rows; include on the referring collection then resolves nothing and fails nothing', async () => {
    await admin.collections.createDataCollection({ _id: 'Crew', displayName: 'Crew', fields: [], permissions: ANYONE_READS } as never);
    await admin.collections.createDataCollectionField('Films', {
      field: { key: 'crew', type: 'MULTI_REFERENCE', typeMetadata: { multiReference: { referencedCollectionId: 'Crew' } } },
    } as never);
    await admin.collections.createDataCollectionField('Films', {
      field: { key: 'lead', type: 'REFERENCE', typeMetadata: { reference: { referencedCollectionId: 'Crew' } } },
    } as never);
    await admin.items.insert('Crew', { _id: 'c1' });
    await admin.items.save('Films', { _id: 'f2', title: 'Crewed', lead: 'c1' });
    await admin.items.insertReference('Films', 'crew', 'f2', 'c1');
    await admin.collections.deleteDataCollection('Crew');
    const film = (await admin.items.query('Films').eq('_id', 'f2').include('crew', 'lead').find()).items[0] as Record<string, unknown>;
    assert.equal(film['lead'], 'c1');
    assert.equal('crew' in film, false);
    const rows = await rest('/items/query-referenced', { dataCollectionId: 'Films', referringItemId: 'f2', referringItemFieldName: 'crew' });
    assert.equal(rows.status, 400, rows.text);
  });
});

describe('schema warnings (Wix stores the item anyway)', () => {
  it('a required field left out, and a multi-reference value sent with the item, are stored as Wix does and named in the request log', async () => {
    await admin.collections.createDataCollection({
      _id: 'Strict',
      displayName: 'Strict',
      permissions: ANYONE_READS,
      fields: [
        { key: 'title', type: 'TEXT', required: true },
        { key: 'cast', type: 'MULTI_REFERENCE', typeMetadata: { multiReference: { referencedCollectionId: 'Actors' } } },
      ],
    } as never);
    const seq = p.log.since(0).at(-1)?.seq ?? 0;
    const item = (await admin.items.insert('Strict', { _id: 's1', cast: ['x1'] })) as Record<string, unknown>;
    assert.equal(item['_id'], 's1');
    assert.equal('cast' in item, false);
    const entry = p.log.since(seq).find((e) => e.path.endsWith('/items'))!;
    const warnings = entry.warnings ?? [];
    assert.ok(
      warnings.some((w) => w.includes('required field "title"')),
      JSON.stringify(warnings),
    );
    assert.ok(
      warnings.some((w) => w.includes('"cast" is a multi-reference')),
      JSON.stringify(warnings),
    );
  });
});

describe('hostile input', () => {
  it('wrong types, huge field lists, prototype keys and overlong keys are 400s; the collection does not change', async () => {
    const revision = (await admin.collections.getDataCollection('Films')).revision;
    const bad: unknown[] = [
      { dataCollectionId: 'Films', field: { key: 'r', type: 'REFERENCE' } },
      { dataCollectionId: 'Films', field: { key: 'r', type: 'REFERENCE', typeMetadata: { reference: { referencedCollectionId: 'Missing' } } } },
      { dataCollectionId: 'Films', field: { key: 'r', type: 'REFERENCE', typeMetadata: { reference: { referencedCollectionId: 7 } } } },
      { dataCollectionId: 'Films', field: { key: 'r', type: 'MULTI_REFERENCE', typeMetadata: 'Actors' } },
      { dataCollectionId: 'Films', field: { key: 'x'.repeat(1001), type: 'TEXT' } },
      { dataCollectionId: 'Films', field: { key: 'a.b.c.d.e.f.g.h.i', type: 'TEXT' } },
      { dataCollectionId: 'Films', field: { key: 'ok', type: 'NOT_A_TYPE' } },
      { dataCollectionId: 'Films', field: [] },
      { dataCollectionId: ['Films'], field: { key: 'ok', type: 'TEXT' } },
    ];
    for (const body of bad) {
      const r = await rest('/collections/create-field', body);
      assert.equal(r.status, 400, `${JSON.stringify(body).slice(0, 100)}: ${r.status} ${r.text.slice(0, 200)}`);
    }
    const proto = await rawCall(p, '/wix-data/v2/collections/create-field', {
      headers: adminHeaders(p),
      body: '{"dataCollectionId":"Films","field":{"key":"k","type":"TEXT","__proto__":{"polluted":true}}}',
    });
    assert.equal(proto.status, 200, proto.text);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    await admin.collections.deleteDataCollectionField('Films', { fieldKey: 'k' } as never);
    const many = await rest('/collections', {
      collection: { id: 'Huge', permissions: ANYONE_READS, fields: Array.from({ length: 5000 }, (_, i) => ({ key: `f${i}`, type: 'TEXT' })) },
    });
    assert.equal(many.status, 400);
    assert.equal(Number((await admin.collections.getDataCollection('Films')).revision), Number(revision) + 2);
    const list = await admin.collections.listDataCollections();
    assert.ok(!list.collections!.some((c) => c._id === 'Huge'));
  });
});
