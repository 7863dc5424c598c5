/**
 * The demo catalogue's references (issue 12): Products → Brands (REFERENCE), Products ↔ Tags (MULTI_REFERENCE) and
 * Products → Suppliers (REFERENCE into an admin-only collection), read through @wix/data unmodified as a visitor and
 * as the admin. What the elements send to show referenced titles is exactly this: `includeReferences` on the query.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_COLLECTIONS, slugId } from '../../demo/seed/index.ts';
import { apiKeyClient, startTestPlatform, visitorClient, type TestPlatform } from './helpers.ts';

type Item = Record<string, any> & { _id: string };
let p: TestPlatform;

before(async () => {
  p = await startTestPlatform({ seed: 'demo' });
});
after(() => p.stop());

describe('demo seed references', () => {
  it('a visitor sees each product with its brand and tags in place, and the admin-only supplier as its ID', async () => {
    const visitor = visitorClient(p);
    const page = await visitor.items.query(DEMO_COLLECTIONS.products).ascending('sku').limit(20).include('brandRef', 'tagRefs', 'supplier').find();
    assert.equal(page.items.length, 20);
    for (const product of page.items as Item[]) {
      assert.equal(product['brandRef'].title, product['brand']);
      assert.deepEqual(
        product['tagRefs'].map((t: Item) => t['title']),
        product['tags'],
      );
      assert.equal(typeof product['supplier'], 'string');
      assert.match(product['supplier'], /^supplier-/);
    }
    const plain = (await visitor.items.query(DEMO_COLLECTIONS.products).limit(1).find()).items[0] as Item;
    assert.equal(typeof plain['brandRef'], 'string');
    assert.equal('tagRefs' in plain, false);
  });

  it('the admin gets the supplier item; Tags.products answers from the other side', async () => {
    const admin = apiKeyClient(p);
    const product = (await admin.items.query(DEMO_COLLECTIONS.products).limit(1).include('supplier').find()).items[0] as Item;
    assert.equal(typeof product['supplier'].title, 'string');
    const vegan = await admin.items.queryReferenced(DEMO_COLLECTIONS.tags, slugId('tag', 'vegan'), 'products', {
      limit: 1000,
      returnTotalCount: true,
    } as never);
    assert.equal(vegan.totalCount, await admin.items.query(DEMO_COLLECTIONS.products).hasSome('tags', ['vegan']).count());
    assert.equal(
      await admin.items
        .query(DEMO_COLLECTIONS.products)
        .hasSome('tagRefs', [slugId('tag', 'vegan')])
        .count(),
      vegan.totalCount,
    );
  });
});
