/**
 * Bulk patch runs the update hooks for each patched item, as the @wix/data docs say ("Calling the bulkPatch()
 * method triggers the beforeUpdate() and afterUpdate() hooks for each patched item"): through the official
 * @wix/data package from a page (owner's token), raw REST, and wix-data's bulkPatch from backend code with and
 * without suppressHooks. And distinct runs beforeDistinct / afterDistinct, which the Velo docs list (WixDataDistinct:
 * filter, getFilter, ascending, descending, isAscending, isDescending, limit, skip), and aggregate runs
 * beforeAggregate / afterAggregate (WixDataAggregate: filter, having, group, avg/count/max/min/sum, ascending,
 * descending, limit, skip). A site backend folder written to a
 * temp folder, outside the project.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, it } from 'node:test';
import { createClient } from '@wix/sdk';
import { items } from '@wix/data';
import { startTestPlatform, type TestPlatform } from '../../platform/index.ts';
import { callWebMethod, tokenFor } from './helpers.ts';

const DATA_JS = `
import wixData from 'wix-data';
export const calls = [];
const copy = (v) => JSON.parse(JSON.stringify(v ?? null));
export function Tasks_beforeUpdate(item, context) {
  calls.push({ hook: 'beforeUpdate', item: copy(item), current: copy(context.currentItem), role: context.userRole, collection: context.collectionName });
  if (item.title === 'boom') throw new Error('Tasks may not go boom');
  if (item.title === 'replace') return { ...item, replacedByHook: true };
  return undefined;
}
export function Tasks_afterUpdate(item, context) {
  calls.push({ hook: 'afterUpdate', item: copy(item), current: copy(context.currentItem) });
  return { ...item, seenAfterUpdate: true };
}
export function Tasks_beforeDistinct(distinct, context) {
  calls.push({ hook: 'beforeDistinct', item: { fieldName: distinct.fieldName, ascending: distinct.isAscending(), filter: distinct.getFilter().filterTree }, current: null, role: context.userRole });
  // The docs' examples: refine the current filter, or set one from wixData.filter(); sort the values.
  if (distinct.fieldName === 'title') return distinct.filter(distinct.getFilter().ne('title', 'boom')).descending();
  if (distinct.fieldName === 'rank') return distinct.filter(wixData.filter().gt('rank', 5)).descending().limit(2);
  if (distinct.fieldName === 'bad') return distinct.filter('not a filter');
  return 'not a distinct';
}
export function Tasks_beforeAggregate(aggregate, context) {
  calls.push({ hook: 'beforeAggregate', item: {}, current: null, role: context.userRole, collection: context.collectionName });
  return aggregate.filter(wixData.filter().ne('title', 'boom')).sum('rank').descending('rankSum');
}
export function Tasks_afterAggregate(item, context) {
  calls.push({ hook: 'afterAggregate', item: copy(item), current: null });
  return { ...item, seenAfterAggregate: true };
}
export function Tasks_afterDistinct(value, context) {
  calls.push({ hook: 'afterDistinct', item: { value }, current: null });
  return typeof value === 'string' ? value.toUpperCase() : undefined;
}
`;
const TASKS_WEB_JS = `
import { webMethod, Permissions } from 'wix-web-module';
import wixData from 'wix-data';
import { calls } from './data.js';
export const hookLog = webMethod(Permissions.Anyone, () => calls.splice(0));
export const distinctOf = webMethod(Permissions.Anyone, async (field, suppressHooks) =>
  (await wixData.query('Tasks').distinct(field, { suppressHooks })).items,
);
export const countByTitle = webMethod(Permissions.Anyone, async (suppressHooks) =>
  (await wixData.aggregate('Tasks').group('title').count().run({ suppressHooks })).items,
);
export const bumpAll = webMethod(Permissions.Anyone, async (ids, suppressHooks) =>
  wixData.bulkPatch('Tasks', ids).incrementField('rank', 1).run({ suppressAuth: true, suppressHooks }),
);
`;

let dir: string;
let p: TestPlatform;
let owner: string;
let member: string;

const ownerClient = () => createClient({ modules: { items }, auth: { getAuthHeaders: async () => ({ headers: { Authorization: owner } }) } });
const site = { kind: 'owner', id: 'test' } as const;
const stored = (id: string) => p.services.items.get(site, 'Tasks', id).data;
const hookLog = async () => {
  const r = await callWebMethod(p, owner, 'tasks.web', 'hookLog');
  assert.equal(r.status, 200, r.text);
  return r.body.result as { hook: string; item: Record<string, any>; current: Record<string, any> | null; role?: string; collection?: string }[];
};
const rest = (token: string, body: unknown) =>
  fetch('https://www.wixapis.com/wix-data/v2/bulk/items/patch', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify(body),
  });
const inc = (value: number) => [{ fieldPath: 'rank', action: 'INCREMENT_FIELD', incrementFieldOptions: { value } }];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'wix-site-bulk-patch-'));
  mkdirSync(join(dir, 'backend'));
  writeFileSync(join(dir, 'backend', 'data.js'), DATA_JS);
  writeFileSync(join(dir, 'backend', 'tasks.web.js'), TASKS_WEB_JS);
  p = await startTestPlatform({
    seed: (api) => {
      api.createCollection({ id: 'Tasks', permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } });
      api.ensureMember({ email: 'ada@example.com', password: 'ada-password-1', nickname: 'Ada' });
    },
    velo: { backendDir: join(dir, 'backend'), hookTimeoutMs: 1_000 },
  });
  owner = await tokenFor(p, { email: 'owner@example.com' });
  member = await tokenFor(p, { email: 'ada@example.com' });
});
after(async () => {
  await p.stop();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  p.services.items.truncate(site, 'Tasks');
  p.services.items.bulkWrite(site, 'Tasks', 'insert', [
    { _id: 't1', title: 'plain', rank: 1 },
    { _id: 't2', title: 'replace', rank: 10 },
    { _id: 't3', title: 'plain', rank: 100 },
    { _id: 'tb', title: 'boom', rank: 0 },
  ]);
  await hookLog();
});

describe('bulk patch runs the update hooks per item', () => {
  it('through @wix/data: beforeUpdate sees each item as patched (currentItem as stored), afterUpdate each patched item', async () => {
    const result = await ownerClient().items.bulkPatch('Tasks', ['t1', 't2', 't3']).incrementField('rank', 1).run();
    assert.equal(result.updated, 3);
    assert.deepEqual(result.errors, []);
    const log = await hookLog();
    const befores = log.filter((c) => c.hook === 'beforeUpdate');
    assert.deepEqual(
      befores.map((c) => [c.item['_id'], c.item['rank'], c.current?.['rank'], c.role, c.collection]),
      [
        ['t1', 2, 1, 'siteOwner', 'Tasks'],
        ['t2', 11, 10, 'siteOwner', 'Tasks'],
        ['t3', 101, 100, 'siteOwner', 'Tasks'],
      ],
    );
    const afters = log.filter((c) => c.hook === 'afterUpdate');
    assert.deepEqual(
      afters.map((c) => [c.item['_id'], c.item['rank'], c.current?.['rank']]),
      [
        ['t1', 2, 1],
        ['t2', 11, 10],
        ['t3', 101, 100],
      ],
    );
    assert.equal(stored('t1')['rank'], 2);
    assert.equal(stored('t1')['replacedByHook'], undefined, 'an item whose hook returned nothing is patched as sent');
    assert.equal(stored('t2')['rank'], 11);
    assert.equal(stored('t2')['replacedByHook'], true, 'what beforeUpdate returned is what was written');
    assert.equal(stored('t2')['title'], 'replace');
  });

  it('REST: results in the caller’s order; with returnEntity each dataItem is what afterUpdate returned, without it none', async () => {
    const patches = ['t3', 't2', 't1'].map((dataItemId) => ({ dataItemId, fieldModifications: inc(5) }));
    const withEntity = await rest(owner, { dataCollectionId: 'Tasks', patches, returnEntity: true });
    assert.equal(withEntity.status, 200);
    const body = (await withEntity.json()) as { results: any[]; bulkActionMetadata: unknown };
    assert.deepEqual(
      body.results.map((r) => [
        r.action,
        r.itemMetadata.originalIndex,
        r.itemMetadata.id,
        r.itemMetadata.success,
        r.dataItem.data.rank,
        r.dataItem.data.seenAfterUpdate,
      ]),
      [
        ['PATCH', 0, 't3', true, 105, true],
        ['PATCH', 1, 't2', true, 15, true],
        ['PATCH', 2, 't1', true, 6, true],
      ],
    );
    assert.deepEqual(body.bulkActionMetadata, { totalSuccesses: 3, totalFailures: 0, undetailedFailures: 0 });
    assert.equal(stored('t1')['seenAfterUpdate'], undefined, 'afterUpdate changes the answer, not the stored item');
    const plain = await rest(owner, { dataCollectionId: 'Tasks', patches });
    const plainBody = (await plain.json()) as { results: any[] };
    assert.ok(plainBody.results.every((r) => r.dataItem === undefined));
    assert.equal((await hookLog()).length, 12);
  });

  it('a missing item runs no hooks and fails on its own (WDE0073); the others are patched', async () => {
    const patches = ['t1', 'missing', 't2'].map((dataItemId) => ({ dataItemId, fieldModifications: inc(1) }));
    const response = await rest(owner, { dataCollectionId: 'Tasks', patches });
    const body = (await response.json()) as { results: any[]; bulkActionMetadata: any };
    assert.deepEqual(
      body.results.map((r) => [r.itemMetadata.originalIndex, r.itemMetadata.success, r.itemMetadata.error?.code]),
      [
        [0, true, undefined],
        [1, false, 'WDE0073'],
        [2, true, undefined],
      ],
    );
    assert.equal(body.bulkActionMetadata.totalFailures, 1);
    const log = await hookLog();
    assert.deepEqual(
      log.filter((c) => c.hook === 'beforeUpdate').map((c) => c.item['_id']),
      ['t1', 't2'],
    );
    assert.deepEqual(
      log.filter((c) => c.hook === 'afterUpdate').map((c) => c.item['_id']),
      ['t1', 't2'],
    );
  });

  it('a beforeUpdate that throws refuses the whole request with WDE0078: nothing written, no afterUpdate', async () => {
    const patches = ['t1', 'tb', 't3'].map((dataItemId) => ({ dataItemId, fieldModifications: inc(1) }));
    const response = await rest(owner, { dataCollectionId: 'Tasks', patches });
    assert.equal(response.status, 400);
    const body = (await response.json()) as { details: { applicationError: { code: string } } };
    assert.equal(body.details.applicationError.code, 'WDE0078');
    assert.equal(stored('t1')['rank'], 1);
    assert.equal(stored('t3')['rank'], 100);
    assert.deepEqual(
      (await hookLog()).filter((c) => c.hook === 'afterUpdate'),
      [],
    );
  });

  it('a refused request runs no hooks: bad modification (400), caller without update rights (403), too many patches', async () => {
    const bad = await rest(owner, { dataCollectionId: 'Tasks', patches: [{ dataItemId: 't1', fieldModifications: [{ fieldPath: '', action: 'SET_FIELD' }] }] });
    assert.equal(bad.status, 400);
    const denied = await rest(member, { dataCollectionId: 'Tasks', patches: [{ dataItemId: 't1', fieldModifications: inc(1) }] });
    assert.equal(denied.status, 403);
    const many = Array.from({ length: 101 }, () => ({ dataItemId: 't1', fieldModifications: inc(1) }));
    assert.equal((await rest(owner, { dataCollectionId: 'Tasks', patches: many })).status, 400);
    const proto = await rest(owner, { dataCollectionId: 'Tasks', patches: [{ dataItemId: '__proto__', fieldModifications: inc(1) }] });
    assert.equal(((await proto.json()) as { results: any[] }).results[0].itemMetadata.error.code, 'WDE0073');
    assert.deepEqual(await hookLog(), []);
    assert.equal(stored('t1')['rank'], 1);
  });

  it('wix-data bulkPatch from backend code runs the hooks; suppressHooks skips them', async () => {
    const run = async (suppressHooks: boolean) => {
      const r = await callWebMethod(p, member, 'tasks.web', 'bumpAll', ['t1', 't3'], suppressHooks);
      assert.equal(r.status, 200, r.text);
    };
    await run(true);
    assert.deepEqual(await hookLog(), []);
    assert.equal(stored('t1')['rank'], 2);
    await run(false);
    const log = await hookLog();
    assert.deepEqual(
      log.map((c) => [c.hook, c.item['_id'], c.role]),
      [
        ['beforeUpdate', 't1', 'siteMember'],
        ['beforeUpdate', 't3', 'siteMember'],
        ['afterUpdate', 't1', undefined],
        ['afterUpdate', 't3', undefined],
      ],
    );
    assert.equal(stored('t3')['rank'], 102);
  });
});

describe('distinct runs beforeDistinct and afterDistinct', () => {
  const distinct = async (token: string, field: string, suppressHooks = false) => {
    const r = await callWebMethod(p, token, 'tasks.web', 'distinctOf', field, suppressHooks);
    return r;
  };

  it('beforeDistinct refines the filter and the order; afterDistinct runs for each value', async () => {
    const r = await distinct(member, 'title');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.result, ['REPLACE', 'PLAIN'], 'boom filtered out, descending, each value through afterDistinct');
    const log = await hookLog();
    assert.deepEqual(log[0], { hook: 'beforeDistinct', item: { fieldName: 'title', ascending: true, filter: {} }, current: null, role: 'siteMember' });
    assert.deepEqual(
      log.slice(1).map((c) => c.item['value']),
      ['replace', 'plain'],
    );
  });

  it('a filter from wixData.filter(), descending and limit; an afterDistinct answer of undefined keeps the value', async () => {
    const r = await distinct(owner, 'rank');
    assert.equal(r.status, 200, r.text);
    assert.deepEqual(r.body.result, [100, 10]);
  });

  it('REST and @wix/data reach the same hooks; a hook that returns something else leaves the distinct as asked', async () => {
    const values = await ownerClient().items.query('Tasks').distinct('_id');
    assert.deepEqual(values.items, ['T1', 'T2', 'T3', 'TB']);
    const log = await hookLog();
    assert.equal(log.filter((c) => c.hook === 'afterDistinct').length, 4);
  });

  it('suppressHooks skips them; a hook that throws (a bad filter) fails the distinct with WDE0078', async () => {
    const quiet = await distinct(owner, 'title', true);
    assert.deepEqual([...quiet.body.result].sort(), ['boom', 'plain', 'replace']);
    assert.deepEqual(await hookLog(), []);
    const r = await distinct(owner, 'bad');
    assert.equal(r.status, 500);
    assert.match(r.text, /filter\(\) takes a WixDataFilter/, "the hook's own error reaches the web method");
    const response = await fetch('https://www.wixapis.com/wix-data/v2/items/query-distinct-values', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: owner },
      body: JSON.stringify({ dataCollectionId: 'Tasks', fieldName: 'bad' }),
    });
    const body = (await response.json()) as { details: { applicationError: { code: string } } };
    assert.equal(body.details.applicationError.code, 'WDE0078');
  });
});

describe('aggregate runs beforeAggregate and afterAggregate', () => {
  const countByTitle = async (suppressHooks: boolean) => {
    const r = await callWebMethod(p, member, 'tasks.web', 'countByTitle', suppressHooks);
    assert.equal(r.status, 200, r.text);
    return r.body.result as Record<string, unknown>[];
  };

  it('beforeAggregate refines the aggregation (filter, sum, sort); afterAggregate runs for each result item', async () => {
    const items = await countByTitle(false);
    assert.deepEqual(
      items.map((i) => [i['title'] ?? i['_id'], i['count'], i['rankSum'], i['seenAfterAggregate']]),
      [
        ['plain', 2, 101, true],
        ['replace', 1, 10, true],
      ],
    );
    const log = await hookLog();
    assert.deepEqual(log[0], { hook: 'beforeAggregate', item: {}, current: null, role: 'siteMember', collection: 'Tasks' });
    assert.equal(log.filter((c) => c.hook === 'afterAggregate').length, 2);
  });

  it('suppressHooks skips them: the aggregation as asked', async () => {
    const items = await countByTitle(true);
    assert.equal(items.length, 3);
    assert.ok(items.every((i) => i['seenAfterAggregate'] === undefined && i['rankSum'] === undefined));
    assert.deepEqual(await hookLog(), []);
  });
});
