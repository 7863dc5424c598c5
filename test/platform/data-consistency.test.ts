/**
 * Wix Data's eventual consistency as a switchable platform behaviour: with a replica lag, a read right after a write
 * may miss it unless the read sets `consistentRead` (the SDK's option, as the docs describe it); off by default.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { apiKeyClient, controlCall, rawCall, startTestPlatform, type TestPlatform } from './helpers.ts';

let p: TestPlatform;
let admin: ReturnType<typeof apiKeyClient>;
const C = 'Products';
let n = 0;
const nextId = () => `consistency-${++n}`;

before(async () => {
  p = await startTestPlatform({ seed: 'demo' });
  admin = apiKeyClient(p);
});
after(async () => {
  await p.stop();
});
beforeEach(() => {
  p.services.reads!.configure({});
});

describe('eventual consistency', () => {
  it('is off by default: every read sees the write before it', async () => {
    const id = nextId();
    await admin.items.insert(C, { _id: id, title: 'Fresh', price: 1 });
    assert.equal((await admin.items.get(C, id))?._id, id);
    assert.equal((await admin.items.query(C).eq('_id', id).find()).items.length, 1);
  });

  it('with a lag, a query, get, count and distinct right after an insert miss it; consistentRead sees it at once', async () => {
    p.services.reads!.configure({ replicaLagMs: 60_000 });
    const before = await admin.items.query(C).count();
    const id = nextId();
    await admin.items.insert(C, { _id: id, title: 'Lagging', price: 1, category: 'Consistency' });

    assert.equal(await admin.items.get(C, id), null, 'a stale get returns null, as the SDK does for a missing item');
    assert.equal((await admin.items.query(C).eq('_id', id).find()).items.length, 0, 'a stale query misses the item');
    assert.equal(await admin.items.query(C).count(), before, 'a stale count does not include it');
    assert.ok(!(await admin.items.query(C).distinct('category')).items.includes('Consistency'), 'nor does a stale distinct');

    assert.equal((await admin.items.get(C, id, { consistentRead: true }))?._id, id, 'consistentRead get');
    assert.equal((await admin.items.query(C).eq('_id', id).find({ consistentRead: true })).items.length, 1, 'consistentRead query');
    assert.equal(await admin.items.query(C).count({ consistentRead: true }), before + 1, 'consistentRead count');
  });

  it('after the lag every read sees the write', async () => {
    p.services.reads!.configure({ replicaLagMs: 5_000 });
    await admin.items.query(C).limit(1).find();
    const id = nextId();
    await admin.items.insert(C, { _id: id, title: 'Soon', price: 2 });
    assert.equal(await admin.items.get(C, id), null);
    p.advanceClock(5_000);
    assert.equal((await admin.items.get(C, id))?._id, id);
  });

  it('an update and a remove are stale the same way: the old version is read until the lag has passed', async () => {
    const id = nextId();
    await admin.items.insert(C, { _id: id, title: 'Old title', price: 3 });
    p.services.reads!.configure({ replicaLagMs: 60_000 });
    await admin.items.get(C, id);
    await admin.items.update(C, { _id: id, title: 'New title', price: 3 });
    assert.equal((await admin.items.get(C, id))?.['title'], 'Old title');
    assert.equal((await admin.items.get(C, id, { consistentRead: true }))?.['title'], 'New title');
    await admin.items.remove(C, id);
    assert.equal((await admin.items.get(C, id))?.['title'], 'Old title', 'a removed item is still read from the replica');
    assert.equal(await admin.items.get(C, id, { consistentRead: true }), null);
  });

  it('writes always see the primary: an update right after an insert finds the item', async () => {
    p.services.reads!.configure({ replicaLagMs: 60_000 });
    await admin.items.query(C).limit(1).find();
    const id = nextId();
    await admin.items.insert(C, { _id: id, title: 'A', price: 1 });
    const updated = await admin.items.update(C, { _id: id, title: 'B', price: 1 });
    assert.equal(updated['title'], 'B');
  });

  it('a collection created after the snapshot is readable at once (a schema change renews the snapshot)', async () => {
    p.services.reads!.configure({ replicaLagMs: 60_000 });
    await admin.items.query(C).limit(1).find();
    await admin.collections.createDataCollection({ _id: 'ConsistencyNew', fields: [{ key: 'title', type: 'TEXT' }] } as never);
    assert.deepEqual((await admin.items.query('ConsistencyNew').find()).items, []);
  });

  it('permissions apply on the replica as on the primary: a visitor still cannot read admin-only orders', async () => {
    p.services.reads!.configure({ replicaLagMs: 60_000 });
    const visitor = await rawCall(p, '/oauth2/token', { body: JSON.stringify({ clientId: p.clientId, grantType: 'anonymous' }) });
    const token = String(visitor.json?.['access_token']);
    const r = await rawCall(p, '/wix-data/v2/items/query', { headers: { authorization: token }, body: JSON.stringify({ dataCollectionId: 'Orders' }) });
    assert.equal(r.status, 403);
    assert.equal(r.json?.['details'].applicationError.code, 'WDE0027');
  });

  it('consistentRead must be a boolean (or true/false in a GET query string)', async () => {
    for (const value of ['yes', 1, null, { $ne: false }]) {
      const r = await rawCall(p, '/wix-data/v2/items/query', {
        headers: { authorization: p.apiKey, 'wix-site-id': p.siteId },
        body: JSON.stringify({ dataCollectionId: C, consistentRead: value }),
      });
      assert.equal(r.status, 400, JSON.stringify(value));
    }
    const id = encodeURIComponent('prod-0001');
    const get = await rawCall(p, `/wix-data/v2/items/${id}?dataCollectionId=${C}&consistentRead=true`, {
      method: 'GET',
      headers: { authorization: p.apiKey, 'wix-site-id': p.siteId },
    });
    assert.equal(get.status, 200, get.text);
  });
});

describe('/_platform/consistency', () => {
  it('switches the lag at run time and reports it; {} turns it off; bad values are 400 and change nothing', async () => {
    const set = await controlCall(p, '/_platform/consistency', { method: 'PUT', body: { replicaLagMs: 2000 } });
    assert.deepEqual(set.json?.['consistency'], { replicaLagMs: 2000 });
    for (const body of [{ replicaLagMs: -1 }, { replicaLagMs: 1.5 }, { replicaLagMs: 600_000 }, { lag: 5 }, JSON.parse('{"__proto__":{"replicaLagMs":1}}')]) {
      assert.equal((await controlCall(p, '/_platform/consistency', { method: 'PUT', body })).status, 400, JSON.stringify(body));
    }
    assert.deepEqual((await controlCall(p, '/_platform/consistency')).json?.['consistency'], { replicaLagMs: 2000 });
    await controlCall(p, '/_platform/consistency', { method: 'PUT', body: {} });
    assert.deepEqual(p.services.reads!.current(), {});
    const anonymous = await rawCall(p, '/_platform/consistency', { method: 'PUT', body: JSON.stringify({ replicaLagMs: 10 }) });
    assert.equal(anonymous.status, 401);
  });
});
