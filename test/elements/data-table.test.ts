import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../elements/data-table/define.ts';
import type { WixDataTable } from '../../elements/data-table/data-table.ts';
import { bindElements } from '../../elements/velo/page.ts';
import { createSessionClient } from '../../elements/core/client.ts';
import { Session } from '../../elements/core/session.ts';
import { createDollarW } from '../../demo/velo-page/dollar-w.ts';
import { addFault, anonymousToken, clearFaults, lastSeq, leakSurface, logSince, QUERY_PATH } from './helpers.ts';
import { XSS_PAYLOADS } from './fixtures/xss-payloads.ts';
import { setupIgnoreWindowResizeObserverLoopErrors } from '@lit-labs/virtualizer/support/resize-observer-errors.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const frame = () => new Promise((r) => requestAnimationFrame(r));
const root = (el: WixDataTable) => el.shadowRoot!;
const text = (el: Element | ShadowRoot) => (el.textContent ?? '').replace(/\s+/g, ' ').trim();

/** The text of one column for the data rows in the DOM, in row order. */
function column(el: WixDataTable, col: number): string[] {
  return [...root(el).querySelectorAll('[role=row][data-row]')]
    .sort((a, b) => Number((a as HTMLElement).dataset['row']) - Number((b as HTMLElement).dataset['row']))
    .map((row) => text(row.querySelector(`[data-col="${col}"]`) ?? row));
}

const rowsInDom = (el: WixDataTable) => root(el).querySelectorAll('[role=row][data-row]').length;
const body = (el: WixDataTable) => root(el).querySelector<HTMLElement>('[part~=body]')!;
const header = (el: WixDataTable, label: string) => [...root(el).querySelectorAll<HTMLElement>('[role=columnheader]')].find((h) => text(h).startsWith(label))!;

/** Query requests the platform saw for one collection since `seq`, as `offset:limit`. */
async function queriesSince(seq: number): Promise<number> {
  return (await logSince(seq)).filter((r) => r.path === QUERY_PATH).length;
}

async function connected(el: WixDataTable, getter: () => Promise<string> = anonymousToken): Promise<void> {
  const loaded = oneEvent(el, 'wix-table-load');
  el.accessTokenListener(getter);
  await loaded;
  await drawn(el);
}

/** Waits until the virtualizer has laid out the rows of the current query. */
async function drawn(el: WixDataTable): Promise<void> {
  await el.updateComplete;
  await waitUntil(() => root(el).querySelector('[role=row][data-row]') || root(el).querySelector('[part=state]'), 'rows drawn', { timeout: 5000 });
  await frame();
}

const table = (attrs = '') =>
  fixture<WixDataTable>(
    html`<wix-data-table
      api-base-url=${location.host}
      style="height: 420px"
      collection="TableItems"
      columns="title:Title, price:Price:number, category:Category, inStock:In stock, added:Added:date, photo:Photo:image, brand:Brand:reference, link:Link:url"
      sort="n:asc"
    ></wix-data-table>`,
  ).then(async (el) => {
    for (const [name, value] of new URLSearchParams(attrs)) el.setAttribute(name, value);
    await el.updateComplete;
    return el;
  });

// The virtualizer measures rows in a ResizeObserver callback and may render more rows there; Chromium then
// reports the benign "ResizeObserver loop completed with undelivered notifications" as a window error, which
// mocha would count as a failure. The virtualizer ships this helper for exactly that; nothing else is ignored.
setupIgnoreWindowResizeObserverLoopErrors(beforeEach, afterEach);

describe('<wix-data-table>', () => {
  afterEach(async () => {
    await clearFaults();
    delete (window as { commonConfig?: unknown }).commonConfig;
  });

  it('renders a grid of the first rows with column headers, a row count and one request', async () => {
    const seq = await lastSeq();
    const el = await table();
    await connected(el);
    const grid = root(el).querySelector('[role=grid]')!;
    expect(grid.getAttribute('aria-rowcount')).to.equal('10001');
    expect(grid.getAttribute('aria-colcount')).to.equal('8');
    expect([...root(el).querySelectorAll('[role=columnheader]')].map(text)).to.deep.equal([
      'Title↕',
      'Price↕',
      'Category↕',
      'In stock↕',
      'Added↕',
      'Photo',
      'Brand',
      'Link↕',
    ]);
    expect(column(el, 0).slice(0, 3)).to.deep.equal(['Item 00001', 'Item 00002', 'Item 00003']);
    expect(text(root(el).querySelector('[part=status]')!)).to.contain('10,000 items');
    expect(el.totalCount).to.equal(10_000);
    expect(await queriesSince(seq)).to.equal(1);
    expect(el.pagesFetched).to.equal(1);
    // The pinned virtualizer still has the internals virtualizer-patch.ts replaces.
    expect(el.virtualizerPatched).to.equal(true);
    await expect(el).to.be.accessible();
  });

  it('sends one query when the host session is there before the first render (wixEmbedsAPI)', async () => {
    const seq = await lastSeq();
    (window as { wixEmbedsAPI?: unknown }).wixEmbedsAPI = { getExternalBaseUrl: () => location.origin, getAccessTokenFunction: () => anonymousToken };
    try {
      const el = await fixture<WixDataTable>(html`<wix-data-table collection="TableItems" columns="title" paging="pages" page-size="10"></wix-data-table>`);
      await waitUntil(() => el.totalCount === 10_000, 'loaded', { timeout: 5000 });
      await sleep(200);
      expect(await queriesSince(seq)).to.equal(1);
    } finally {
      delete (window as { wixEmbedsAPI?: unknown }).wixEmbedsAPI;
    }
  });

  it('draws numbers, dates, booleans, Wix images, references and links for the locale, from Intl', async () => {
    const el = await table('locale=de-DE');
    await connected(el);
    const first = root(el).querySelector('[data-row="0"]')!;
    const cell = (col: number) => first.querySelector(`[data-col="${col}"]`)!;
    // Item 1: price 0.5, Tents, not in stock (i % 3 == 0), added 2026-01-01.
    expect(text(cell(1))).to.equal(new Intl.NumberFormat('de-DE', { maximumFractionDigits: 2 }).format(0.5));
    expect(text(cell(1))).to.equal('0,5');
    expect(text(cell(3))).to.equal('✗ No');
    expect(text(cell(4))).to.equal(new Intl.DateTimeFormat('de-DE', { dateStyle: 'medium' }).format(new Date(Date.UTC(2026, 0, 1))));
    const img = cell(5).querySelector('img')!;
    expect(img.getAttribute('src')).to.equal('https://static.wixstatic.com/media/11062b_0000~mv2.jpg');
    expect(img.getAttribute('alt')).to.equal('tent-0');
    expect(text(cell(6))).to.equal('Brand 0');
    const link = cell(7).querySelector('a')!;
    expect(link.getAttribute('href')).to.equal('https://example.com/items/1');
    expect(link.getAttribute('rel')).to.contain('noopener');
    expect(text(root(el).querySelector('[part=status]')!)).to.contain('10.000 items');
  });

  it('sorts on the server by a header: a new column ascending, the sorted one flips', async () => {
    const el = await table();
    await connected(el);
    const changes: string[] = [];
    el.addEventListener('wix-sort-change', (e) => changes.push(`${e.detail.field}:${e.detail.order}`));
    const price = () => header(el, 'Price');
    let loaded = oneEvent(el, 'wix-table-load');
    price().querySelector('button')!.click();
    await loaded;
    await drawn(el);
    expect(price().getAttribute('aria-sort')).to.equal('ascending');
    const ascending = column(el, 1)
      .slice(0, 5)
      .map((v) => Number(v));
    expect(ascending).to.deep.equal([...ascending].sort((a, b) => a - b));
    expect(ascending[0]).to.equal(0.5);

    loaded = oneEvent(el, 'wix-table-load');
    price().querySelector('button')!.click();
    await loaded;
    await drawn(el);
    expect(price().getAttribute('aria-sort')).to.equal('descending');
    expect(Number(column(el, 1)[0])).to.equal(Math.round(999 * 1.25 + 5) / 10);

    loaded = oneEvent(el, 'wix-table-load');
    header(el, 'Title').querySelector('button')!.click();
    await loaded;
    await drawn(el);
    expect(price().getAttribute('aria-sort')).to.equal('none');
    expect(header(el, 'Title').getAttribute('aria-sort')).to.equal('ascending');
    expect(column(el, 0)[0]).to.equal('Item 00001');
    expect(changes).to.deep.equal(['price:ASC', 'price:DESC', 'title:ASC']);
    // Image and reference columns are not sortable; `sortable` narrows the rest.
    expect(header(el, 'Photo').hasAttribute('aria-sort')).to.equal(false);
    el.sortable = 'title';
    await el.updateComplete;
    expect(price().querySelector('button')).to.equal(null);
    expect(header(el, 'Title').querySelector('button')).to.not.equal(null);
  });

  it('searches on the server after a typing pause, sending one query for a burst of keys', async () => {
    const el = await table('search-fields=title&search-delay=150');
    await connected(el);
    const seq = await lastSeq();
    const input = root(el).querySelector<HTMLInputElement>('[part=search]')!;
    input.focus();
    const loaded = oneEvent(el, 'wix-table-load');
    for (const key of 'item 0999') {
      input.value += key;
      input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
      await sleep(20);
    }
    const { detail } = await loaded;
    await drawn(el);
    // "Item 0999" matches Item 09990 … Item 09999 (case-insensitive contains).
    expect(detail.totalCount).to.equal(10);
    expect(column(el, 0)).to.deep.equal(Array.from({ length: 10 }, (_, i) => `Item 0999${i}`));
    expect(await queriesSince(seq)).to.equal(1);

    input.value = 'no such thing';
    input.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true }));
    input.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true, composed: true }));
    await waitUntil(() => text(root(el)).includes('Nothing matches "no such thing".'));
    await expect(el).to.be.accessible();
  });

  it('keeps the newest search when an older answer comes back later', async () => {
    const el = await table('search-fields=title&search-delay=0');
    await connected(el);
    // The first search is slow; the second one overtakes it.
    await addFault({ path: QUERY_PATH, latencyMs: 600, times: 1 });
    el.searchText = 'Item 0001';
    await sleep(50);
    const loaded = oneEvent(el, 'wix-table-load');
    el.searchText = 'Item 00020';
    expect((await loaded).detail.totalCount).to.equal(1);
    await sleep(800);
    await el.updateComplete;
    expect(column(el, 0)).to.deep.equal(['Item 00020']);
    expect(el.totalCount).to.equal(1);
  });

  it('filters with chips: OR within a group, AND across groups, combined with the filter attribute', async () => {
    const filters = JSON.stringify([
      { label: 'Tents', filter: { category: 'Tents' }, group: 'category' },
      { label: 'Stoves', filter: { category: 'Stoves' }, group: 'category' },
      { label: 'In stock', filter: { inStock: true }, group: 'stock' },
    ]);
    const el = await table(new URLSearchParams({ filters }).toString());
    await connected(el);
    const chip = (label: string) => [...root(el).querySelectorAll<HTMLButtonElement>('[part=chip]')].find((c) => text(c) === label)!;
    const toggle = async (label: string) => {
      const loaded = oneEvent(el, 'wix-table-load');
      chip(label).click();
      const { detail } = await loaded;
      await drawn(el);
      return detail.totalCount;
    };
    expect(await toggle('Tents')).to.equal(2500);
    expect(chip('Tents').getAttribute('aria-pressed')).to.equal('true');
    expect(await toggle('Stoves')).to.equal(5000);
    // In stock: i % 3 != 0. Among Tents (i % 4 == 0) and Stoves (i % 4 == 1): count by hand.
    const expected = Array.from({ length: 10_000 }, (_, i) => i).filter((i) => i % 4 <= 1 && i % 3 !== 0).length;
    expect(await toggle('In stock')).to.equal(expected);
    expect(await toggle('Tents')).to.equal(Array.from({ length: 10_000 }, (_, i) => i).filter((i) => i % 4 === 1 && i % 3 !== 0).length);
    const loaded = oneEvent(el, 'wix-table-load');
    el.filter = '{"n":{"$lte":8}}';
    await loaded;
    await drawn(el);
    // The filter attribute narrows the active chips (Stoves, In stock): n ≤ 8, i % 4 == 1, i % 3 != 0.
    expect(column(el, 0)).to.deep.equal(['Item 00002', 'Item 00006']);
    // A new filters attribute resets the chips.
    const reset = oneEvent(el, 'wix-table-load');
    el.filters = filters;
    el.setAttribute('filters', JSON.stringify(JSON.parse(filters).slice(0, 2)));
    expect((await reset).detail.totalCount).to.equal(8);
    expect(root(el).querySelectorAll('[part=chip][aria-pressed=true]')).to.have.length(0);
  });

  it('scrolls through 10,000 rows with only the rows in view in the DOM, fetching only the pages needed', async () => {
    const seq = await lastSeq();
    const el = await table('page-size=50');
    await connected(el);
    expect(rowsInDom(el)).to.be.below(60);
    const scroller = body(el);
    // Step through the first 300 rows at no more than ~250 rows a second, paced by the clock (a browser that runs
    // frames faster would otherwise scroll faster): pages 0–6, and the look-ahead, which follows the speed (the rows
    // the next half second reaches: under three pages here).
    for (let top = 0; top <= 300 * 41; top += 400) {
      scroller.scrollTop = top;
      await frame();
      await sleep(40);
    }
    await waitUntil(() => column(el, 0).includes('Item 00300'), 'row 300 drawn', { timeout: 5000 });
    expect(el.pagesFetched).to.be.within(6, 11);
    // Jump to the end: the last page is fetched, the ~190 pages in between are not.
    scroller.scrollTop = scroller.scrollHeight;
    await waitUntil(() => column(el, 0).includes('Item 10000'), 'last row drawn', { timeout: 5000 });
    expect(el.pagesFetched).to.be.within(7, 14);
    expect(rowsInDom(el)).to.be.below(80);
    // Neighbouring pages needed at once go in one query (page-loader.ts).
    const queries = await queriesSince(seq);
    expect(queries).to.be.at.least(2);
    expect(queries).to.be.at.most(el.pagesFetched);
    expect(root(el).querySelector('[data-row="9999"]')!.getAttribute('aria-rowindex')).to.equal('10001');
  });

  it('is keyboard navigable as a grid: one tab stop, arrows, Home/End, Ctrl+End to the last row, Enter sorts', async () => {
    const el = await table('selection=multiple');
    await connected(el);
    const focused = () => el.shadowRoot!.activeElement as HTMLElement | null;
    const press = async (key: string, options: KeyboardEventInit = {}) => {
      focused()!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, ...options }));
      for (let i = 0; i < 6; i++) await frame();
      await el.updateComplete;
    };
    // One tab stop in the grid: the first header.
    const stops = [...root(el).querySelectorAll('[role=grid] [tabindex="0"]')];
    expect(stops).to.have.length(1);
    (stops[0] as HTMLElement).focus();
    expect(text(focused()!)).to.equal('Title↕');
    await press('ArrowDown');
    expect(focused()!.getAttribute('role')).to.equal('gridcell');
    expect(text(focused()!)).to.equal('Item 00001');
    await press('ArrowRight');
    expect(focused()!.dataset['col']).to.equal('1');
    await press('End');
    expect(focused()!.dataset['col']).to.equal('7');
    await press('Home');
    await press('PageDown');
    expect(text(focused()!)).to.equal('Item 00011');
    await press(' ');
    expect(focused()!.closest('[role=row]')!.getAttribute('aria-selected')).to.equal('true');
    expect(el.selectedRows.map((r) => r._id)).to.deep.equal(['t-00011']);
    await press('End', { ctrlKey: true });
    await waitUntil(
      () => text(focused() ?? root(el)) === 'Link↕' || focused()?.closest('[data-row]')?.getAttribute('data-row') === '9999',
      'last row focused',
      { timeout: 5000 },
    );
    expect(focused()!.closest('[data-row]')!.getAttribute('data-row')).to.equal('9999');
    expect(focused()!.dataset['col']).to.equal('7');
    expect(el.pagesFetched).to.be.below(5);
    await press('Home', { ctrlKey: true });
    await waitUntil(() => focused()?.closest('[data-row]')?.getAttribute('data-row') === '0', 'first row focused', { timeout: 5000 });
    await press('ArrowUp');
    expect(focused()!.getAttribute('role')).to.equal(null);
    expect(focused()!.closest('[role=columnheader]')).to.not.equal(null);
    // Enter on a header sorts (a native button click).
    const loaded = oneEvent(el, 'wix-table-load');
    focused()!.click();
    await loaded;
    expect(header(el, 'Title').getAttribute('aria-sort')).to.equal('ascending');
    expect(root(el).querySelectorAll('[role=grid] [tabindex="0"]')).to.have.length(1);
    await expect(el).to.be.accessible();
  });

  it('lands Ctrl+End on the last row’s cell when its page is slow to come (a second), unless a later move came first', async () => {
    for (const thenHome of [false, true]) {
      const el = await table();
      await connected(el);
      const focused = () => el.shadowRoot!.activeElement as HTMLElement | null;
      const focusedRow = () => focused()?.closest('[data-row]')?.getAttribute('data-row');
      const press = (key: string, options: KeyboardEventInit = {}) =>
        focused()!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true, cancelable: true, ...options }));
      (root(el).querySelector('[role=grid] [tabindex="0"]') as HTMLElement).focus();
      press('ArrowDown');
      await waitUntil(() => focusedRow() === '0', 'first row focused');
      await addFault({ path: QUERY_PATH, latencyMs: 1000, times: 1 });
      press('End', { ctrlKey: true });
      if (!thenHome) {
        // Until the page comes the row is one "Loading…" cell; then the last cell of the last row takes the focus.
        await waitUntil(() => focusedRow() === '9999', 'last row focused', { timeout: 5000 });
        expect(focused()!.dataset['col']).to.equal('7');
      } else {
        // Ctrl+Home before the slow page came: the first row keeps the focus when the page arrives.
        press('Home', { ctrlKey: true });
        await waitUntil(() => focusedRow() === '0', 'first row focused again', { timeout: 5000 });
        await waitUntil(() => root(el).querySelector('[data-row="9999"]') === null || el.pagesFetched >= 2, 'the slow page came', { timeout: 5000 });
        await sleep(1200);
        expect(focusedRow()).to.equal('0');
      }
      await clearFaults();
    }
  });

  it('selects rows with click, Enter and Space; single keeps one, multiple keeps all, across pages', async () => {
    const el = await table('selection=single');
    await connected(el);
    const events: { id: string; selected: boolean; count: number }[] = [];
    el.addEventListener('wix-row-select', (e) => events.push({ id: e.detail.item._id, selected: e.detail.selected, count: e.detail.selection.length }));
    const cellOf = (row: number) => root(el).querySelector<HTMLElement>(`[data-row="${row}"] [data-col="0"]`)!;
    cellOf(0).click();
    cellOf(2).click();
    await el.updateComplete;
    expect(events).to.deep.equal([
      { id: 't-00001', selected: true, count: 1 },
      { id: 't-00003', selected: true, count: 1 },
    ]);
    expect(root(el).querySelector('[data-row="0"]')!.getAttribute('aria-selected')).to.equal('false');
    expect(root(el).querySelector('[data-row="2"]')!.getAttribute('aria-selected')).to.equal('true');
    el.selection = 'multiple';
    await el.updateComplete;
    cellOf(1).click();
    cellOf(2).click();
    await el.updateComplete;
    expect(el.selectedRows.map((r) => r._id)).to.deep.equal(['t-00002']);
    expect(text(root(el).querySelector('[part=status]')!)).to.contain('1 selected');
    expect(root(el).querySelector('[role=grid]')!.getAttribute('aria-multiselectable')).to.equal('true');
    await expect(el).to.be.accessible();
  });

  it('pages on the server with paging="pages", one request per page', async () => {
    const el = await table('paging=pages&page-size=20');
    await connected(el);
    expect(rowsInDom(el)).to.equal(20);
    const seq = await lastSeq();
    const next = [...root(el).querySelectorAll<HTMLButtonElement>('[part=pager] button')].find((b) => text(b) === 'Next')!;
    next.click();
    await waitUntil(() => column(el, 0)[0] === 'Item 00021', 'page 2', { timeout: 5000 });
    expect(column(el, 0)).to.have.length(20);
    expect(text(root(el).querySelector('[part=pager]')!)).to.contain('Page 2 of 500 · 10,000 items');
    expect(await queriesSince(seq)).to.equal(1);
    await expect(el).to.be.accessible();
  });

  it('shows a typed error state from a fault, fires wix-data-error, and recovers with Try again', async () => {
    const el = await table();
    await addFault({ path: QUERY_PATH, status: 500, times: 1 });
    const failed = oneEvent(el, 'wix-data-error');
    el.accessTokenListener(anonymousToken);
    const { detail } = await failed;
    expect(detail.kind).to.equal('server');
    await el.updateComplete;
    const state = root(el).querySelector('[part=state]')!;
    expect(state.getAttribute('role')).to.equal('alert');
    expect(text(state)).to.contain('Could not load');
    await expect(el).to.be.accessible();
    const loaded = oneEvent(el, 'wix-table-load');
    state.querySelector('button')!.click();
    await loaded;
    await drawn(el);
    expect(column(el, 0)[0]).to.equal('Item 00001');
  });

  it('with include, reference columns show the referenced titles: single, multi, and the ID of one the visitor may not read', async () => {
    // What Wix answers a visitor for the same page with the same include (the demo catalogue: brandRef → Brands,
    // tagRefs ↔ Tags, supplier → the admin-only Suppliers).
    const includeReferences = [{ field: 'brandRef' }, { field: 'tagRefs' }, { field: 'supplier' }];
    const answer = await fetch(QUERY_PATH, {
      method: 'POST',
      headers: { authorization: await anonymousToken(), 'content-type': 'application/json' },
      body: JSON.stringify({ dataCollectionId: 'Products', query: { sort: [{ fieldName: 'title', order: 'ASC' }], paging: { limit: 5 } }, includeReferences }),
    });
    const expected = ((await answer.json()) as { dataItems: { data: Record<string, unknown> }[] }).dataItems.map(({ data }) => data);
    expect(expected.length).to.equal(5);
    const el = await fixture<WixDataTable>(
      html`<wix-data-table
        api-base-url=${location.host}
        style="height: 420px"
        collection="Products"
        columns="title:Title, brandRef:Brand:reference, tagRefs:Tags:reference, supplier:Supplier:reference"
        include="brandRef, tagRefs, supplier"
        sort="title"
        paging="pages"
        page-size="5"
      ></wix-data-table>`,
    );
    await connected(el);
    await drawn(el);
    const title = (item: unknown) => String((item as { title: string }).title);
    expect(column(el, 1)).to.deep.equal(expected.map((item) => title(item['brandRef'])));
    expect(column(el, 2)).to.deep.equal(expected.map((item) => (item['tagRefs'] as unknown[]).map(title).join(', ')));
    // The visitor may not read Suppliers: Wix leaves the reference as the ID, and the table shows it as it came.
    expect(column(el, 3)).to.deep.equal(expected.map((item) => String(item['supplier'])));
    expect(column(el, 3).every((id) => id.length > 0 && !id.includes('[object'))).to.equal(true);
  });

  it('shows "Access denied" for a collection the visitor may not read, and explains a bad attribute', async () => {
    const el = await fixture<WixDataTable>(html`<wix-data-table api-base-url=${location.host} collection="Orders" columns="title"></wix-data-table>`);
    const failed = oneEvent(el, 'wix-data-error');
    el.accessTokenListener(anonymousToken);
    expect((await failed).detail.kind).to.equal('forbidden');
    await el.updateComplete;
    expect(text(root(el))).to.contain('Access denied');
    await expect(el).to.be.accessible();

    for (const [name, value, message] of [
      ['columns', 'title:T:sparkles', 'Unknown column type "sparkles"'],
      ['filters', '[{"label":1}]', 'Filter chip 1 needs a label'],
      ['filter', '{nope', 'The filter attribute must be a JSON object.'],
      ['page-size', '500', 'page-size is 1 to 100.'],
      ['sort', 'title:up', 'Sort order is asc or desc.'],
    ] as const) {
      const bad = await fixture<WixDataTable>(html`<wix-data-table api-base-url=${location.host} collection="TableItems"></wix-data-table>`);
      const seq = await lastSeq();
      bad.setAttribute(name, value);
      bad.accessTokenListener(anonymousToken);
      await bad.updateComplete;
      await sleep(50);
      expect(text(root(bad)), name).to.contain(message);
      expect(root(bad).querySelector('[role=alert]'), name).to.not.equal(null);
      expect(await queriesSince(seq), `${name}: nothing sent`).to.equal(0);
    }
  });

  it('keeps the grid usable when a later page fails, and retries it', async () => {
    const el = await table('page-size=20');
    await connected(el);
    await addFault({ path: QUERY_PATH, status: 503, times: 1 });
    const failed = oneEvent(el, 'wix-data-error');
    body(el).scrollTop = 60 * 41;
    expect((await failed).detail.kind).to.equal('server');
    await el.updateComplete;
    const alert = root(el).querySelector('[part=status] [role=alert]')!;
    expect(text(alert)).to.contain('Retry');
    alert.querySelector('button')!.click();
    await waitUntil(() => !root(el).querySelector('[part=status] [role=alert]') && column(el, 0).some((t) => t === 'Item 00061'), 'page refetched', {
      timeout: 5000,
    });
  });

  it('shows "not connected" without a session, and a placeholder in the Editor with no request', async () => {
    const lonely = await fixture<WixDataTable>(
      html`<wix-data-table api-base-url=${location.host} collection="TableItems" connect-timeout="50"></wix-data-table>`,
    );
    await waitUntil(() => text(root(lonely)).includes('Not connected'));
    await expect(lonely).to.be.accessible();

    (window as { commonConfig?: unknown }).commonConfig = { viewMode: 'Editor' };
    const seq = await lastSeq();
    const placeholder = await fixture<WixDataTable>(html`<wix-data-table api-base-url=${location.host} collection="TableItems"></wix-data-table>`);
    placeholder.accessTokenListener(anonymousToken);
    await sleep(100);
    expect(text(root(placeholder))).to.contain('Data table');
    expect(text(root(placeholder))).to.contain('"TableItems"');
    expect(root(placeholder).querySelector('[role=grid], [role=alert]')).to.equal(null);
    expect(await queriesSince(seq)).to.equal(0);
    await expect(placeholder).to.be.accessible();
  });

  it('works from Velo page code through the bridge, with no token in the page', async () => {
    const el = await fixture<WixDataTable>(
      html`<wix-data-table id="velo-table" collection="TableItems" columns="title, price:Price:number" sort="price:desc" search-fields="title" search-delay="0"></wix-data-table>`,
    );
    // Page code's own session (wix-data on a Velo site): here the official SDK with a visitor token.
    const pageClient = createSessionClient(new Session(anonymousToken), { apiBaseUrl: location.host });
    const loaded = oneEvent(el, 'wix-table-load');
    bindElements(createDollarW(), { '#velo-table': { items: pageClient.items as never } });
    expect((await loaded).detail.totalCount).to.equal(10_000);
    await drawn(el);
    expect(Number(column(el, 1)[0])).to.equal(Math.round(999 * 1.25 + 5) / 10);
    const searched = oneEvent(el, 'wix-table-load');
    el.searchText = 'Item 0000';
    expect((await searched).detail.totalCount).to.equal(9);
    expect(leakSurface()).to.not.match(/eyJ[\w-]+\.[\w-]+\./);
  });

  it('renders stored XSS payloads as text', async () => {
    let ran = false;
    (window as unknown as { __xss: () => void }).__xss = () => (ran = true);
    const el = await fixture<WixDataTable>(
      html`<wix-data-table api-base-url=${location.host} collection="XssCorpus" columns="title:Title, note:Note:url" sort="title" page-size="50"></wix-data-table>`,
    );
    await connected(el);
    await sleep(300);
    expect(ran).to.equal(false);
    const shown = column(el, 0);
    expect(shown.length).to.be.greaterThan(5);
    for (const value of shown) expect(XSS_PAYLOADS.map((p) => p.replace(/\s+/g, ' ').trim())).to.include(value);
    // No element or attribute from the payloads made it into the shadow tree; no javascript: link.
    expect(root(el).querySelectorAll('script, iframe, svg, object, embed, [onerror], [onload]')).to.have.length(0);
    for (const link of root(el).querySelectorAll('a')) expect(link.getAttribute('href')).to.match(/^https?:/);
  });

  it('logs no Lit dev-mode warning while loading, sorting, scrolling and selecting', async () => {
    const warnings: unknown[][] = [];
    const original = console.warn;
    console.warn = (...args: unknown[]) => void warnings.push(args);
    try {
      const el = await table('selection=single&search-fields=title');
      await connected(el);
      header(el, 'Price').querySelector('button')!.click();
      await oneEvent(el, 'wix-table-load');
      body(el).scrollTop = 2000;
      await frame();
      await frame();
      root(el).querySelector<HTMLElement>('[data-row] [data-col="0"]')!.click();
      await el.updateComplete;
    } finally {
      console.warn = original;
    }
    expect(warnings.map((w) => String(w[0]))).to.deep.equal([]);
  });
});
