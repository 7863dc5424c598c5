/**
 * <wix-data-table>'s virtualizer layout (elements/data-table/fixed-rows-layout.ts): rows of one height placed by
 * arithmetic, nothing measured while scrolling, a bounded number of rows in the DOM, the DOM changed only every
 * `overhang` px of scrolling, and a page's own row height (`::part(row)`) read once and followed.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../elements/data-table/define.ts';
import type { WixDataTable } from '../../elements/data-table/data-table.ts';
import { anonymousToken } from './helpers.ts';
import { setupIgnoreWindowResizeObserverLoopErrors } from '@lit-labs/virtualizer/support/resize-observer-errors.js';

const frame = () => new Promise((r) => requestAnimationFrame(r));
const root = (el: WixDataTable) => el.shadowRoot!;
const body = (el: WixDataTable) => root(el).querySelector<HTMLElement>('[part~=body]')!;
const rows = (el: WixDataTable) => [...root(el).querySelectorAll<HTMLElement>('[role=row][data-row]')];

async function table(style = ''): Promise<WixDataTable> {
  const box = await fixture<HTMLDivElement>(html`<div>
    <style>
      ${style}
    </style>
    <wix-data-table api-base-url=${location.host} style="height: 420px" collection="TableItems" columns="title:Title, n:N:number" sort="n:asc"></wix-data-table>
  </div>`);
  const el = box.querySelector('wix-data-table')!;
  const loaded = oneEvent(el, 'wix-table-load');
  el.accessTokenListener(anonymousToken);
  await loaded;
  await waitUntil(() => rows(el).length > 0, 'rows drawn');
  await frame();
  await frame();
  return el;
}

/** The y translation the layout gave a row. */
// (Firefox writes `translate(0px)` when y is 0.)
const top = (row: HTMLElement) => {
  const match = /translate\(\s*[-\d.]+px(?:,\s*([-\d.]+)px)?\s*\)/.exec(row.style.transform);
  return match ? Number(match[1] ?? 0) : NaN;
};

// As in data-table.test.ts: the benign "ResizeObserver loop completed with undelivered notifications" (WebKit reports it
// when a jump to row 5,000 resizes observed rows inside a resize observer's callback) is not a test failure.
setupIgnoreWindowResizeObserverLoopErrors(beforeEach, afterEach);

describe('<wix-data-table> fixed-height row layout', () => {
  it('places row i at i × the row height, and keeps a bounded number of rows in the DOM wherever it scrolls', async () => {
    const el = await table();
    const height = rows(el)[0]!.getBoundingClientRect().height;
    expect(height).to.equal(40);
    for (const at of [0, 123_456, 200_000, 399_000]) {
      body(el).scrollTop = at;
      await waitUntil(() => rows(el).some((r) => Math.abs(top(r) - at) < height), `rows at ${at}`);
      await frame();
      for (const row of rows(el)) expect(top(row), `row ${row.dataset['row']}`).to.equal(Number(row.dataset['row']) * height);
      // The viewport (about 340 px) plus twice the 600 px overhang on each side, in 40 px rows.
      expect(rows(el).length).to.be.at.most(Math.ceil((body(el).clientHeight + 4 * 600) / height) + 2);
    }
    // The scroll height is every row's.
    expect(body(el).scrollHeight).to.be.at.least(10_000 * height);
  });

  it('changes the DOM only every few hundred px of scrolling, not in every frame', async () => {
    const el = await table();
    let mutations = 0;
    const observer = new MutationObserver((records) => (mutations += records.filter((r) => r.type === 'childList').length));
    observer.observe(body(el), { childList: true, subtree: false });
    const frames = 40;
    let changedFrames = 0;
    for (let i = 0; i < frames; i++) {
      const before = mutations;
      body(el).scrollTop += 100;
      await frame();
      if (mutations !== before) changedFrames++;
    }
    observer.disconnect();
    // 4,000 px at 100 px a frame: a new range every 600 px or so, so well under half the frames change rows.
    expect(changedFrames).to.be.greaterThan(0);
    expect(changedFrames).to.be.at.most(frames / 3);
  });

  it('reads no row geometry while scrolling', async () => {
    const el = await table();
    const original = Element.prototype.getBoundingClientRect;
    let rowReads = 0;
    Element.prototype.getBoundingClientRect = function (this: Element) {
      if (this.matches('[role=row][data-row]')) rowReads++;
      return original.call(this);
    };
    try {
      for (let i = 0; i < 30; i++) {
        body(el).scrollTop += 200;
        await frame();
      }
    } finally {
      Element.prototype.getBoundingClientRect = original;
    }
    expect(rowReads).to.equal(0);
  });

  it('keeps each drawn row as it is across host updates: selection and the tab stop change attributes, nothing is redrawn', async () => {
    const el = await table();
    el.selection = 'single';
    await el.updateComplete;
    await frame();
    const before = new Map(rows(el).map((row) => [row.dataset['row'], row]));
    let redrawn = 0;
    const observer = new MutationObserver((records) => (redrawn += records.filter((r) => r.type === 'childList' && r.target !== body(el)).length));
    observer.observe(body(el), { childList: true, subtree: true });
    const first = root(el).querySelector<HTMLElement>('[data-row="2"] [data-col="1"]')!;
    first.click();
    await el.updateComplete;
    await frame();
    observer.disconnect();
    expect(redrawn, 'no cell content rewritten').to.equal(0);
    for (const row of rows(el)) expect(before.get(row.dataset['row']), `row ${row.dataset['row']} kept`).to.equal(row);
    expect(root(el).querySelector('[data-row="2"]')!.getAttribute('aria-selected')).to.equal('true');
    expect(root(el).querySelector('[data-row="3"]')!.getAttribute('aria-selected')).to.equal('false');
    expect(first.tabIndex).to.equal(0);
    expect(root(el).querySelectorAll('[role=grid] [tabindex="0"]')).to.have.length(1);
  });

  it("follows a page's own row height (::part(row)), read once from the first row", async () => {
    const el = await table('wix-data-table::part(row) { height: 56px; }');
    await waitUntil(() => rows(el).length > 1 && top(rows(el)[1]!) === 56, 'rows placed 56 px apart');
    body(el).scrollTop = 56 * 5000;
    await waitUntil(() => rows(el).some((r) => r.dataset['row'] === '5000'), 'row 5000 drawn');
    await frame();
    for (const row of rows(el)) expect(top(row)).to.equal(Number(row.dataset['row']) * 56);
  });
});
