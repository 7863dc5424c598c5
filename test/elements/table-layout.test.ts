/**
 * <wix-data-table>'s virtualizer layout (elements/data-table/fixed-rows-layout.ts): rows of one height placed by
 * arithmetic, nothing measured while scrolling, a bounded number of rows in the DOM, the DOM changed only every
 * few hundred px of scrolling, and a page's own row height (`::part(row)`) read once and followed.
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../elements/data-table/define.ts';
import type { WixDataTable } from '../../elements/data-table/data-table.ts';
import { FixedRowsLayout } from '../../elements/data-table/fixed-rows-layout.ts';
import { PageLoader } from '../../elements/data-table/page-loader.ts';
import fc from 'fast-check';
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
      // The viewport (about 340 px) plus the 800 px a layout reaches past each side, in 40 px rows.
      expect(rows(el).length).to.be.at.most(Math.ceil((body(el).clientHeight + 2 * 800) / height) + 2);
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
    // 4,000 px at 100 px a frame: a new range once the rows past the edge cover less than 600 px, which a layout
    // leaves at 800: about every third frame.
    expect(changedFrames).to.be.greaterThan(0);
    expect(changedFrames).to.be.at.most(frames / 2);
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

  it('a flick draws no rows while it lasts (row lines scroll by instead), then the rows where it stops, with their data', async () => {
    const el = await table();
    const scroller = body(el);
    let added = 0;
    const observer = new MutationObserver((records) => (added += records.reduce((n, r) => n + r.addedNodes.length, 0)));
    let flickSeen = false;
    // 1,500 px a frame (90,000 px/s): every frame moves more than the 420 px view.
    for (let i = 0; i < 40; i++) {
      scroller.scrollTop += 1500;
      await frame();
      flickSeen ||= scroller.hasAttribute('data-flick');
      if (i === 3) observer.observe(scroller, { childList: true });
    }
    observer.disconnect();
    expect(flickSeen, 'the placeholder lines were shown').to.equal(true);
    expect(added, 'no rows added during the flick').to.equal(0);
    const stop = scroller.scrollTop;
    const row = Math.floor(stop / 40);
    await waitUntil(
      () => root(el).querySelector(`[data-row="${row}"] [data-col="0"]`)?.textContent?.trim() === `Item ${String(row + 1).padStart(5, '0')}`,
      `row ${row} drawn with its data`,
      {
        timeout: 5000,
      },
    );
    expect(scroller.hasAttribute('data-flick')).to.equal(false);
    expect(scroller.style.backgroundSize).to.equal('');
    // The rows where it stopped, and the overhang past them, not the rows the flick passed.
    const drawn = rows(el).map((r) => Number(r.dataset['row']));
    expect(Math.min(...drawn)).to.be.at.least(row - 800 / 40 - 1);
    // The flick passed 30 pages of 50 rows. Fetched: the first pages, and those at the stop plus the read-ahead the
    // scroll speed asks for there (one or two more on a loaded machine, whose frames stretch).
    expect(el.pagesFetched, 'the pages the flick passed were not fetched').to.be.at.most(10);
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

describe('FixedRowsLayout (the virtualizer Layout contract, no DOM)', () => {
  type Sent = Parameters<ConstructorParameters<typeof FixedRowsLayout>[0]>[0];
  type State = Extract<Sent, { type: 'stateChanged' }>;
  const statesIn = (sent: Sent[]) => sent.filter((m): m is State => m.type === 'stateChanged');
  /** A layout after a first scroll (so past its first paint, which draws the viewport alone: see below). */
  const make = (count: number, rowHeight: number, view: { height: number; top: number }, flicks?: boolean[]) => {
    const sent: Sent[] = [];
    const layout = new FixedRowsLayout((m) => sent.push(m), { rowHeight, onFlick: (on) => flicks?.push(on) });
    layout.items = Array.from({ length: count }, (_, i) => i);
    layout.viewportSize = { width: 800, height: view.height };
    layout.totalScrollSize = { width: 800, height: count * rowHeight };
    layout.viewportScroll = { top: view.top + 1, left: 0 };
    layout.viewportScroll = { top: view.top, left: 0 };
    layout.reflowIfNeeded();
    return { layout, sent, state: statesIn(sent).at(-1)! };
  };
  const animationFrame = () => new Promise((r) => requestAnimationFrame(r));

  it('for any row count, row height and scroll: rows at i × height, the viewport and 600 px past it covered, the visible rows exact', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 200_000 }),
        fc.integer({ min: 8, max: 200 }),
        fc.integer({ min: 0, max: 2000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (count, h, height, at) => {
          const top = Math.floor(at * Math.max(0, count * h - height));
          const { state } = make(count, h, { height, top });
          const { first, last, firstVisible, lastVisible } = state.range;
          expect(state.scrollSize.height).to.equal(count * h);
          expect(first * h).to.be.at.most(Math.max(0, top - 600));
          expect((last + 1) * h).to.be.at.least(Math.min(count * h, top + height + 600));
          expect(last - first + 1).to.be.at.most(Math.ceil((height + 4 * 600) / h) + 2);
          for (const [i, pos] of state.childPositions) expect(pos.top).to.equal(i * h);
          expect(state.childPositions.size).to.equal(last - first + 1);
          expect(firstVisible).to.equal(Math.min(last, Math.floor(top / h)));
          if (height > 0) expect(lastVisible).to.equal(Math.min(count - 1, Math.ceil((top + height) / h) - 1));
        },
      ),
      { numRuns: 300 },
    );
  });

  it('a small scroll inside the covered rows reports only what is visible; leaving them lays out again', () => {
    const { layout, sent } = make(10_000, 40, { height: 400, top: 4000 });
    sent.length = 0;
    layout.viewportScroll = { top: 4100, left: 0 };
    layout.reflowIfNeeded();
    expect(sent.map((m) => m.type)).to.deep.equal(['visibilityChanged']);
    layout.viewportScroll = { top: 4800, left: 0 };
    layout.reflowIfNeeded();
    expect(sent.at(-1)!.type).to.equal('stateChanged');
  });

  it('scrolls a row into view as scrollIntoView would (start, center, end, nearest), clamped to the rows; a pin is corrected once and ended by unpin', () => {
    const { layout, sent } = make(1000, 40, { height: 400, top: 2000 });
    expect(layout.getScrollIntoViewCoordinates({ index: 100 })).to.deep.equal({ top: 4000 });
    expect(layout.getScrollIntoViewCoordinates({ index: 100, block: 'center' })).to.deep.equal({ top: 4000 - 180 });
    expect(layout.getScrollIntoViewCoordinates({ index: 100, block: 'end' })).to.deep.equal({ top: 4040 - 400 });
    expect(layout.getScrollIntoViewCoordinates({ index: 100, block: 'nearest' })).to.deep.equal({ top: 4040 - 400 });
    expect(layout.getScrollIntoViewCoordinates({ index: 10, block: 'nearest' })).to.deep.equal({ top: 400 });
    expect(layout.getScrollIntoViewCoordinates({ index: 5000 })).to.deep.equal({ top: 40_000 - 400 });
    expect(layout.getScrollIntoViewCoordinates({ index: -3 })).to.deep.equal({ top: 0 });
    layout.pin = { index: 500 };
    layout.reflowIfNeeded();
    const pinned = sent.at(-1) as Extract<Sent, { type: 'stateChanged' }>;
    expect(pinned.scrollError).to.deep.equal({ top: 2000 - 20_000, left: 0 });
    expect(pinned.range.firstVisible).to.equal(500);
    layout.unpin();
    expect(sent.at(-1)!.type).to.equal('unpinned');
    layout.unpin();
    expect(sent.filter((m) => m.type === 'unpinned')).to.have.length(1);
  });

  it('first paint: the viewport rows alone, the rows past it in a task after that frame', async () => {
    const sent: Sent[] = [];
    const layout = new FixedRowsLayout((m) => sent.push(m), { rowHeight: 40 });
    layout.items = Array.from({ length: 10_000 }, (_, i) => i);
    layout.viewportSize = { width: 800, height: 400 };
    layout.viewportScroll = { top: 0, left: 0 };
    layout.reflowIfNeeded();
    expect(statesIn(sent).map((m) => [m.range.first, m.range.last])).to.deep.equal([[0, 9]]);
    await animationFrame();
    await new Promise((r) => setTimeout(r, 20));
    const filled = statesIn(sent).at(-1)!;
    expect([filled.range.first, filled.range.last]).to.deep.equal([0, (400 + 800) / 40 - 1]);
    expect(filled.range.firstVisible).to.equal(0);
    expect(filled.range.lastVisible).to.equal(9);
  });

  /** Scrolls 300 px a step (each step leaves the rows short of 600 px, so each one lays out), `frameMs` of work a frame. */
  const scrollSteps = async (steps: number, frameMs: number) => {
    const { layout, sent } = make(10_000, 40, { height: 400, top: 0 });
    // A frame that takes frameMs of main-thread work (a slow device, or a heavy page).
    const busyFrame = () =>
      new Promise<void>((r) =>
        requestAnimationFrame(() => {
          const until = performance.now() + frameMs;
          while (performance.now() < until);
          r();
        }),
      );
    for (let i = 1; i <= steps; i++) {
      layout.viewportScroll = { top: i * 300, left: 0 };
      layout.reflowIfNeeded();
      await busyFrame();
      await busyFrame();
    }
    layout.viewportScroll = { top: (steps + 1) * 300, left: 0 };
    layout.reflowIfNeeded();
    const { first, last, firstVisible, lastVisible } = statesIn(sent).at(-1)!.range;
    return { before: (firstVisible - first) * 40, after: (last - lastVisible) * 40 };
  };

  it('changes the DOM a few rows at a time until its frames are judged (800 px past each edge after a layout)', async () => {
    // Fewer changes than it takes to judge the device (12 missed of 16), so this holds on a loaded machine too.
    const { after, before } = await scrollSteps(6, 0);
    expect(after).to.be.within(760, 800);
    expect(before).to.be.within(760, 800);
  });

  it('on a device where those changes keep missing frames, switches to fewer, larger changes (1,200 px) for good', async () => {
    const { after, before } = await scrollSteps(20, 40);
    expect(after).to.be.within(1160, 1200);
    expect(before).to.be.within(1160, 1200);
  });

  it('a flick (two scroll steps in a row longer than the view) draws nothing until the view slows; then the rows under it, at once', async () => {
    const flicks: boolean[] = [];
    const { layout, sent } = make(10_000, 40, { height: 400, top: 0 }, flicks);
    const drawn = () => statesIn(sent).length;
    const before = drawn();
    layout.viewportScroll = { top: 1000, left: 0 };
    layout.reflowIfNeeded();
    expect(drawn(), 'the first long step is drawn (a jump)').to.equal(before + 1);
    for (let top = 2000; top <= 20_000; top += 1000) {
      layout.viewportScroll = { top, left: 0 };
      layout.reflowIfNeeded();
      // The settle check runs once a frame; the view keeps moving more than its height between two of them.
      if (top % 3000 === 0) await animationFrame();
    }
    expect(drawn(), 'nothing drawn during the flick').to.equal(before + 1);
    expect(layout.flicking).to.equal(true);
    expect(flicks).to.deep.equal([true]);
    // Two frames without a scroll: the rows under the view are drawn, and the placeholder ends.
    await animationFrame();
    await animationFrame();
    await animationFrame();
    await Promise.resolve();
    const last = statesIn(sent).at(-1)!;
    expect(drawn()).to.equal(before + 2);
    expect(last.range.firstVisible).to.equal(20_000 / 40);
    expect(last.range.first * 40).to.be.at.most(20_000 - 600);
    expect((last.range.last + 1) * 40).to.be.at.least(20_400 + 600);
    expect(layout.flicking).to.equal(false);
    expect(flicks).to.deep.equal([true, false]);
  });

  it('a flick that slows to under a view a step is drawn at the next step; a single long jump is drawn at once', () => {
    const { layout, sent } = make(10_000, 40, { height: 400, top: 0 });
    layout.viewportScroll = { top: 1000, left: 0 };
    layout.viewportScroll = { top: 2000, left: 0 };
    layout.reflowIfNeeded();
    expect(layout.flicking).to.equal(true);
    const before = statesIn(sent).length;
    layout.viewportScroll = { top: 2100, left: 0 };
    layout.reflowIfNeeded();
    expect(layout.flicking).to.equal(false);
    expect(statesIn(sent).length).to.equal(before + 1);
    expect(statesIn(sent).at(-1)!.range.firstVisible).to.equal(Math.floor(2100 / 40));
    // A scrollbar drag or Ctrl+End: one long step, drawn without waiting.
    layout.viewportScroll = { top: 300_000, left: 0 };
    layout.reflowIfNeeded();
    expect(layout.flicking).to.equal(false);
    expect(statesIn(sent).at(-1)!.range.firstVisible).to.equal(300_000 / 40);
  });

  it('no rows: an empty range, and a scroll size of 1 px', () => {
    const { state } = make(0, 40, { height: 400, top: 0 });
    expect(state.range.first).to.equal(-1);
    expect(state.range.last).to.equal(-1);
    expect(state.childPositions.size).to.equal(0);
    expect(state.scrollSize.height).to.equal(1);
  });
});

describe('PageLoader (the table rows, fetched page by page)', () => {
  const items = (offset: number, limit: number, total: number) =>
    Array.from({ length: Math.max(0, Math.min(limit, total - offset)) }, (_, i) => ({ _id: `r${offset + i}` }));
  const loader = (total: number, fail?: (offset: number) => boolean) => {
    const calls: { offset: number; limit: number }[] = [];
    const pages = new PageLoader(
      () => 50,
      () => {},
    );
    pages.reset(async (offset, limit, withTotal) => {
      calls.push({ offset, limit });
      if (fail?.(offset)) throw Object.assign(new Error('boom'), { status: 500 });
      return { items: items(offset, limit, total), total: withTotal ? total : undefined };
    });
    return { pages, calls };
  };
  const settle = () => new Promise((r) => setTimeout(r, 0));

  it('fetches neighbouring missing pages in one query, never a page twice, and at most 1,000 rows a query', async () => {
    const { pages, calls } = loader(10_000);
    await settle();
    pages.need(0, 249);
    await settle();
    expect(calls.slice(1)).to.deep.equal([{ offset: 50, limit: 200 }]);
    pages.need(100, 499);
    await settle();
    expect(calls.slice(2)).to.deep.equal([{ offset: 250, limit: 250 }]);
    pages.need(1000, 3999);
    await settle();
    expect(calls.slice(3)).to.deep.equal([
      { offset: 1000, limit: 1000 },
      { offset: 2000, limit: 1000 },
      { offset: 3000, limit: 1000 },
    ]);
    expect(pages.pagesFetched).to.equal(1 + 4 + 5 + 60);
    expect(pages.rows[3999]).to.deep.equal({ _id: 'r3999' });
    expect(pages.rows[500]).to.equal(undefined);
  });

  it('a failed query frees all its pages to be asked for again, and a gap between fetched pages is fetched alone', async () => {
    let failing = true;
    const { pages, calls } = loader(1000, (offset) => failing && offset === 100);
    await settle();
    pages.need(100, 299);
    await settle();
    expect(pages.pageError, 'the failed query is reported').to.not.equal(undefined);
    failing = false;
    pages.need(150, 160);
    await settle();
    expect(calls.at(-1)).to.deep.equal({ offset: 150, limit: 50 });
    pages.retry(0, 399);
    await settle();
    // Pages 1–2 (never fetched, and the failed one) in one query; 3 is there; 4–7 in another.
    expect(calls.slice(-2), JSON.stringify(calls)).to.deep.equal([
      { offset: 50, limit: 100 },
      { offset: 200, limit: 200 },
    ]);
    expect(pages.rows.slice(0, 400).every(Boolean)).to.equal(true);
  });
});
