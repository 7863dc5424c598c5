/** Two sites on one platform (same account): collections, API keys, tokens and app grants stay on their own site. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { rawCall, startTestPlatform, type TestPlatform } from './helpers.ts';

let p: TestPlatform;
let hq: string;

before(async () => {
  p = await startTestPlatform({ seed: 'demo' });
  hq = p.secondSiteId!;
});
after(async () => {
  await p.stop();
});

const asKey = (siteId: string) => ({ authorization: p.apiKey, 'wix-site-id': siteId });
const query = (headers: Record<string, string>, collection: string) =>
  rawCall(p, '/wix-data/v2/items/query', {
    headers,
    body: JSON.stringify({ dataCollectionId: collection, query: { paging: { limit: 5 } }, returnTotalCount: true }),
  });

describe('two sites on one platform', () => {
  it('the demo seed has a second site of the same account', () => {
    assert.ok(hq);
    assert.notEqual(hq, p.siteId);
    assert.equal(p.services.directory.getSite(hq)?.accountId, p.accountId);
  });

  it('an API key reaches each site through wix-site-id, and each sees only its own collections', async () => {
    const primary = await rawCall(p, '/wix-data/v2/collections', { method: 'GET', headers: asKey(p.siteId) });
    const second = await rawCall(p, '/wix-data/v2/collections', { method: 'GET', headers: asKey(hq) });
    const ids = (r: typeof primary) => (r.json?.['collections'] as { id: string }[]).map((c) => c.id);
    assert.ok(ids(primary).includes('Products') && !ids(primary).includes('Stores'));
    assert.deepEqual(ids(second).sort(), ['Inventory', 'Stores']);
    assert.equal((await query(asKey(hq), 'Stores')).json?.['pagingMetadata'].total, 12);
    assert.equal((await query(asKey(hq), 'Products')).json?.['details'].applicationError.code, 'WDE0025');
  });

  it('the same collection ID on two sites names two collections', async () => {
    for (const [siteId, title] of [
      [p.siteId, 'primary'],
      [hq, 'second'],
    ] as const) {
      const created = await rawCall(p, '/wix-data/v2/collections', {
        headers: asKey(siteId),
        body: JSON.stringify({ collection: { id: 'Shared', permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } } }),
      });
      assert.equal(created.status, 200, created.text);
      const inserted = await rawCall(p, '/wix-data/v2/items', {
        headers: asKey(siteId),
        body: JSON.stringify({ dataCollectionId: 'Shared', dataItem: { data: { title } } }),
      });
      assert.equal(inserted.status, 200);
    }
    const a = await query(asKey(p.siteId), 'Shared');
    const b = await query(asKey(hq), 'Shared');
    assert.deepEqual(
      a.json?.['dataItems'].map((d: { data: { title: string } }) => d.data.title),
      ['primary'],
    );
    assert.deepEqual(
      b.json?.['dataItems'].map((d: { data: { title: string } }) => d.data.title),
      ['second'],
    );
  });

  it('a session token belongs to its site: a primary-site member token does not reach the second site’s data', async () => {
    const member = p.services.directory.findMemberByEmail('member@example.com')!;
    const token = (await p.services.tokens.issueAccess('member', member.id, p.clientId)).token;
    const r = await query({ authorization: token }, 'Stores');
    assert.equal(r.json?.['details'].applicationError.code, 'WDE0025');
  });

  it('an API key of another account cannot name the second site', async () => {
    const foreign = p.createApiKey({ name: 'other', permissions: ['WIX_DATA.READ_ITEMS'], accountId: 'another-account' });
    const r = await query({ authorization: foreign, 'wix-site-id': hq }, 'Stores');
    assert.equal(r.status, 403);
  });
});
