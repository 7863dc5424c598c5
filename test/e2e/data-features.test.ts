/**
 * End to end: the demo's search box and category summary, which call Wix Data's search and aggregate through the
 * official @wix/data package from page code. The expected numbers are computed here from the same seed data
 * (catalogueProducts(400)) with the documented fuzzy rule written out again as a test oracle (not the platform's code).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Page } from 'playwright';
import { catalogueProducts, type SeedItem } from '../../demo/seed/index.ts';
import { startDemo, type DemoServer } from './serve-demo.ts';

let demo: DemoServer;
before(async () => {
  demo = await startDemo();
});
after(async () => {
  await demo?.close();
});

const PRODUCTS = catalogueProducts(400);
const usd = new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' });

/** Every string of an item, as the search reads it (dates are not text). */
function itemText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.map(itemText).join(' ');
  if (value && typeof value === 'object' && !(value instanceof Date)) return Object.values(value).map(itemText).join(' ');
  return '';
}

/** Words: runs of letters and digits, lower case, accents folded. */
const wordsOf = (text: string) =>
  text
    .normalize('NFD')
    .replace(/\p{M}/gu, '')
    .toLowerCase()
    .match(/[\p{L}\p{N}]+/gu) ?? [];

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return previous[b.length]!;
}

/** Fuzzy as documented (Elasticsearch AUTO): a word the term starts, or one within 0/1/2 edits for 1–2/3–5/6+ letters. */
function fuzzyMatches(term: string, word: string): boolean {
  const allowed = term.length <= 2 ? 0 : term.length <= 5 ? 1 : 2;
  return word.startsWith(term) || editDistance(term, word) <= allowed;
}

function expectedMatches(expression: string): SeedItem[] {
  const terms = [...new Set(wordsOf(expression))];
  return PRODUCTS.filter((item) => {
    const { _id: _ignored, ...fields } = item;
    const words = wordsOf(itemText(fields));
    return terms.some((term) => words.some((word) => fuzzyMatches(term, word)));
  });
}

const openDemo = (): Promise<Page> => demo.open('/');

describe('the demo: search and category summary', () => {
  it('the category summary shows each category with its product count and average price, from one aggregate', async () => {
    const page = await openDemo();
    const categories = [...new Set(PRODUCTS.map((p) => String(p['category'])))].sort();
    await page.locator('#category-summary-status').getByText(`${categories.length} categories · 400 products`).waitFor();
    const rows = await page
      .locator('#category-summary-body tr')
      .evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent)));
    assert.deepEqual(
      rows,
      categories.map((c) => {
        const inCategory = PRODUCTS.filter((p) => p['category'] === c);
        const average = inCategory.reduce((n, p) => n + Number(p['price']), 0) / inCategory.length;
        return [c, String(inCategory.length), usd.format(average)];
      }),
    );
    await page
      .locator('#log')
      .getByText(/items\/aggregate$/)
      .first()
      .waitFor();
    await page.context().close();
  });

  it('the search box finds products with a typo (fuzzy), says how many match, and shows the best ones', async () => {
    const page = await openDemo();
    const expected = expectedMatches('headlmp');
    assert.ok(expected.length > 0, 'the seed has headlamps');
    await page.getByLabel('Search the catalogue').fill('headlmp');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page
      .locator('#search-status')
      .getByText(new RegExp(`^${expected.length} products match “headlmp”`))
      .waitFor();
    const shown = await page.locator('#search-results li .title').allTextContents();
    assert.equal(shown.length, Math.min(8, expected.length));
    const titles = new Set(expected.map((p) => String(p['title'])));
    assert.ok(
      shown.every((t) => titles.has(t)),
      `every shown product is a match: ${shown.join(', ')}`,
    );
    await page
      .locator('#log')
      .getByText(/items\/search$/)
      .first()
      .waitFor();

    await page.getByLabel('Search the catalogue').fill('zzqxj');
    await page.getByRole('button', { name: 'Search', exact: true }).click();
    await page.locator('#search-status').getByText('No products match “zzqxj”.').waitFor();
    assert.equal(await page.locator('#search-results li').count(), 0);
    await page.context().close();
  });
});
