/**
 * The seed hook (platform/seeding.ts): a seed is a function of a small API, run by createPlatform after the
 * platform's own defaults. What a developer sees: the seeded data over HTTP with the official SDK, the same keys
 * and ids at every start of a file database, a failed seed that leaves nothing half-written, and nothing of the
 * demo unless the demo seed is given.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { createPlatform, DEFAULT_OWNER, startTestPlatform, type Seed, type SeedApi } from '../../platform/index.ts';
import { apiKeyClient, rawCall, visitorClient } from './helpers.ts';

const recipesSeed: Seed = (api) => {
  if (
    api.createCollection({
      id: 'Recipes',
      displayName: 'Recipes',
      permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
      fields: [
        { key: 'title', displayName: 'Title', type: 'TEXT' },
        { key: 'published', displayName: 'Published', type: 'DATETIME' },
      ],
    })
  ) {
    api.insertItems('Recipes', [
      { _id: 'r1', title: 'Pancakes', published: new Date('2024-03-01T08:00:00.000Z') },
      { _id: 'r2', title: 'Porridge', published: new Date('2024-03-02T08:00:00.000Z') },
    ]);
  }
  api.ensureMember({ email: 'cook@example.com', password: 'cook-pass-123', nickname: 'Cook' });
  api.setSecret('RECIPES_KEY', api.createApiKey({ name: 'recipes reader', permissions: ['WIX_DATA.READ_ITEMS'] }));
};

describe('a seed given to the platform', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'wix-seed-hook-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('is served over HTTP: a visitor reads the items (dates as Dates), its key reads them with the SDK', async () => {
    const p = await startTestPlatform({ seed: recipesSeed });
    try {
      const visitor = await visitorClient(p).items.query('Recipes').ascending('title').find();
      assert.deepEqual(
        visitor.items.map((i) => i['title']),
        ['Pancakes', 'Porridge'],
      );
      assert.ok(visitor.items[0]!['published'] instanceof Date, 'a Date in seed data is stored as Wix stores dates');
      assert.equal((visitor.items[0]!['published'] as Date).toISOString(), '2024-03-01T08:00:00.000Z');
      assert.equal(p.secrets.reads, 0, 'what the seed read is not counted as the backend reading secrets');
      const key = p.secrets.read('RECIPES_KEY')!;
      assert.match(key, /^IST\./);
      assert.equal((await apiKeyClient(p, key).items.query('Recipes').find({ returnTotalCount: true })).totalCount, 2);
      // The key has only the permission the seed gave it.
      const write = await rawCall(p, '/wix-data/v2/items', {
        headers: { authorization: key, 'wix-site-id': p.siteId },
        body: JSON.stringify({ dataCollectionId: 'Recipes', dataItem: { data: { title: 'x' } } }),
      });
      assert.equal(write.status, 403);
      assert.equal(p.services.directory.findMemberByEmail('cook@example.com')?.nickname, 'Cook');
    } finally {
      await p.stop();
    }
  });

  it('yields the same ids, keys and secrets at every start of one database, and makes nothing twice', () => {
    const db = join(dir, 'platform.db');
    const values = (api: SeedApi) => ({
      created: api.createCollection({ id: 'Once' }),
      key: api.createApiKey({ name: 'stable', permissions: ['WIX_DATA.READ_ITEMS'] }),
      site: api.addSite({ key: 'branch', name: 'Branch office' }),
      app: api.registerOAuthApp({
        name: 'App',
        clientId: 'c0ffee00-0000-4000-8000-000000000001',
        redirectUris: ['https://localhost/cb'],
        scopes: ['wix-data.items.read'],
      }),
      derived: api.deriveSecret('label'),
      member: api.ensureMember({ email: 'm@example.com', password: 'member-pass-1' }).id,
    });
    const first = createPlatform({ db, dataDir: dir, seed: recipesSeed, onError: () => {} });
    const a = first.seed(values);
    assert.equal(first.sites.get('branch')?.id, a.site);
    first.close();
    const second = createPlatform({ db, dataDir: dir, seed: recipesSeed, onError: () => {} });
    try {
      const b = second.seed(values);
      assert.equal(a.created, true);
      assert.equal(b.created, false, 'an existing collection is left alone');
      assert.deepEqual({ ...b, created: true }, a);
      const owner = { kind: 'owner' as const, id: second.owner.id };
      assert.equal(second.services.items.query(owner, 'Recipes', {}, true).pagingMetadata['total'], 2, 'the seed ran twice, the items are there once');
      assert.equal(second.services.directory.getSite(a.site)?.name, 'Branch office');
    } finally {
      second.close();
    }
  });

  it('that fails inside a transaction leaves nothing half-written, and the error reaches the caller', () => {
    const db = join(dir, 'failing.db');
    const failing: Seed = (api) =>
      api.transaction(() => {
        api.createCollection({ id: 'Half', fields: [{ key: 'n', displayName: 'N', type: 'NUMBER' }] });
        api.insertItems('Half', [
          { _id: 'ok', n: 1 },
          // Refused as Wix refuses it (an _id must be a string); a value off its field's type would be stored anyway.
          { _id: 42 as unknown as string, n: 2 },
        ]);
      });
    assert.throws(() => createPlatform({ db, dataDir: dir, seed: failing, onError: () => {} }), /an item for Half was refused/);
    const p = createPlatform({ db, dataDir: dir, onError: () => {} });
    try {
      assert.equal(p.services.collections.get('Half'), undefined, 'the collection was rolled back with the items');
    } finally {
      p.close();
    }
  });

  it('keeps a "__proto__" key in seed data a plain field; Object.prototype is untouched', async () => {
    const hostile = JSON.parse('{"_id":"p1","title":"t","__proto__":{"polluted":"yes"}}') as Record<string, unknown>;
    const p = await startTestPlatform({
      seed: (api) => {
        api.createCollection({ id: 'Open', permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } });
        try {
          api.insertItems('Open', [hostile]);
        } catch (error) {
          // Refusing the key is as good as storing it: what matters is that nothing leaks into prototypes.
          assert.match(String(error), /refused/);
        }
      },
    });
    try {
      assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
      assert.equal(Object.prototype.hasOwnProperty.call(Object.prototype, 'polluted'), false);
      const r = await rawCall(p, '/wix-data/v2/items/query', {
        body: JSON.stringify({ dataCollectionId: 'Open', query: {} }),
        headers: { authorization: p.apiKey, 'wix-site-id': p.siteId },
      });
      assert.equal(r.status, 200);
    } finally {
      await p.stop();
    }
  });

  it('is a function, an array of functions, or "none"; anything else is refused before the database is touched', () => {
    assert.throws(() => createPlatform({ db: ':memory:', seed: ['demo'] as never, onError: () => {} }), TypeError);
    const order: string[] = [];
    const p = createPlatform({ db: ':memory:', seed: [() => void order.push('a'), () => void order.push('b')], onError: () => {} });
    p.close();
    assert.deepEqual(order, ['a', 'b']);
  });
});

describe('without a seed', () => {
  it('has its site, its owner and its admin key, and nothing of the demo', async () => {
    const p = await startTestPlatform();
    try {
      assert.deepEqual(p.services.collections.list(), []);
      assert.equal(p.sites.size, 0);
      assert.equal(p.services.directory.getSite(p.siteId)?.name, 'Local site');
      assert.equal(p.owner.email, DEFAULT_OWNER.email);
      assert.equal(p.services.directory.findMemberByEmail('member@example.com'), undefined);
      assert.equal(p.secrets.names().length, 0, 'no demo secret in the vault');
      const list = await rawCall(p, '/wix-data/v2/collections', { method: 'GET', headers: { authorization: p.apiKey, 'wix-site-id': p.siteId } });
      assert.deepEqual(list.json?.['collections'], []);
    } finally {
      await p.stop();
    }
  });
});
