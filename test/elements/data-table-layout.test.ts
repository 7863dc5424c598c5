/**
 * <wix-data-table> as a reader sees it (issue 16): columns sized from their type and content (with `width=` and
 * `min-width=`), the full text of a cut cell, a visible hint of hidden columns, rows and the selection across the whole
 * row, the keyboard scrolling the grid sideways, one tab stop, link contrast on a selected row, a state box that is
 * not 28rem tall, no overflow at 16rem, and where items without a value sort (Wix ranks them lowest).
 */
import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import fc from 'fast-check';
import '../../elements/data-table/define.ts';
import type { WixDataTable } from '../../elements/data-table/data-table.ts';
import { parseColumns } from '../../elements/data-table/columns.ts';
import { SessionError } from '../../elements/core/errors.ts';
import { addFault, anonymousToken, clearFaults, lastSeq, logSince, QUERY_PATH } from './helpers.ts';
import { setupIgnoreWindowResizeObserverLoopErrors } from '@lit-labs/virtualizer/support/resize-observer-errors.js';

const frame = () => new Promise((r) => requestAnimationFrame(r));
const frames = async (n: number) => {
  for (let i = 0; i < n; i++) await frame();
};
const root = (el: WixDataTable) => el.shadowRoot!;
const text = (el: Element | ShadowRoot) => (el.textContent ?? '').replace(/\s+/g, ' ').trim();
const body = (el: WixDataTable) => root(el).querySelector<HTMLElement>('[part~=body]')!;
const grid = (el: WixDataTable) => root(el).querySelector<HTMLElement>('[role=grid]')!;
const headers = (el: WixDataTable) => [...root(el).querySelectorAll<HTMLElement>('[role=columnheader]')];
const cell = (el: WixDataTable, row: number, col: number) => root(el).querySelector<HTMLElement>(`[data-row="${row}"] [data-col="${col}"]`)!;
const rect = (e: Element) => e.getBoundingClientRect();
/** Whether a cell's content is wider than its content box (its text's own extent, clipped or not). */
const overflows = (c: HTMLElement) => {
  const range = document.createRange();
  range.selectNodeContents(c);
  const style = getComputedStyle(c);
  return range.getBoundingClientRect().width > c.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight) + 1;
};

const ALL_COLUMNS =
  'title:Title, price:Price:number, category:Category, inStock:In stock, added:Added:date, photo:Photo:image, brand:Brand:reference, link:Link:url';

async function table(attrs: Record<string, string> = {}, style = 'height: 420px'): Promise<WixDataTable> {
  const el = await fixture<WixDataTable>(
    html`<wix-data-table api-base-url=${location.host} style=${style} collection="TableItems" columns=${ALL_COLUMNS} sort="n:asc"></wix-data-table>`,
  );
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, value);
  const loaded = oneEvent(el, 'wix-table-load');
  el.accessTokenListener(anonymousToken);
  await loaded;
  await waitUntil(() => root(el).querySelector('[role=row][data-row]'), 'rows drawn', { timeout: 5000 });
  await frames(3);
  return el;
}

/** An sRGB colour as [r, g, b, alpha] (0–255, 0–1), from the forms engines serialize computed colours in. */
function parseColor(value: string): [number, number, number, number] {
  const alpha = (a: string | undefined) => (a === undefined ? 1 : a.endsWith('%') ? Number(a.slice(0, -1)) / 100 : Number(a));
  const srgb = /color\(srgb\s+([-\d.e]+)\s+([-\d.e]+)\s+([-\d.e]+)(?:\s*\/\s*([\d.e]+%?))?\s*\)/.exec(value);
  if (srgb) return [Number(srgb[1]) * 255, Number(srgb[2]) * 255, Number(srgb[3]) * 255, alpha(srgb[4])];
  const rgb = /rgba?\(\s*([\d.]+)[,\s]+([\d.]+)[,\s]+([\d.]+)(?:\s*[,/]\s*([\d.]+%?))?\s*\)/.exec(value);
  if (rgb) return [Number(rgb[1]), Number(rgb[2]), Number(rgb[3]), alpha(rgb[4])];
  throw new Error(`cannot parse colour ${value}`);
}

const over = ([r, g, b, a]: number[], [R, G, B]: number[]) => [r! * a! + R! * (1 - a!), g! * a! + G! * (1 - a!), b! * a! + B! * (1 - a!)];
const luminance = (rgb: number[]) => {
  const [r, g, b] = rgb.map((c) => {
    const s = c / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r! + 0.7152 * g! + 0.0722 * b!;
};
const contrast = (a: number[], b: number[]) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi! + 0.05) / (lo! + 0.05);
};

setupIgnoreWindowResizeObserverLoopErrors(beforeEach, afterEach);

describe('<wix-data-table> columns and layout', () => {
  afterEach(() => clearFaults());

  it('sizes columns from their type and content: text wider, numbers and dates narrow and right-aligned, headers over their cells', async () => {
    const el = await table({}, 'height: 420px; width: 1400px');
    const width = (col: number) => rect(headers(el)[col]!).width;
    // Title (text, "Item 00001") is wider than Price (a number), In stock (a boolean) and Photo (an image).
    expect(width(0)).to.be.greaterThan(width(1));
    expect(width(0)).to.be.greaterThan(width(3));
    expect(width(0)).to.be.greaterThan(width(5));
    // Not all the same width any more (they were 7 × 112 px).
    expect(new Set(headers(el).map((h) => Math.round(rect(h).width))).size).to.be.greaterThan(3);
    // Numbers and dates align to the end, in the header too; text to the start.
    const align = (e: Element) => getComputedStyle(e).textAlign;
    expect(['end', 'right']).to.include(align(cell(el, 0, 1)));
    expect(['end', 'right']).to.include(align(cell(el, 0, 4)));
    expect(['end', 'right']).to.include(align(headers(el)[1]!));
    expect(['start', 'left']).to.include(align(cell(el, 0, 0)));
    // Every header sits over its column's cells.
    for (const [col, header] of headers(el).entries()) {
      expect(Math.abs(rect(header).left - rect(cell(el, 0, col)).left), `column ${col} left`).to.be.below(1.5);
      expect(Math.abs(rect(header).width - rect(cell(el, 0, col)).width), `column ${col} width`).to.be.below(1.5);
    }
    // The 1400 px table is wider than its columns: the rows and the header still run the whole width.
    const row = root(el).querySelector<HTMLElement>('[data-row="0"]')!;
    expect(Math.abs(rect(row).width - body(el).clientWidth)).to.be.below(1.5);
    expect(grid(el).dataset['more']).to.equal(undefined);
  });

  it('honours width= and min-width= per column', async () => {
    const el = await table({ columns: 'title:Title:text:width=20rem, price:Price:number:min-width=160px, category:Category::width=90px:min-width=6rem' });
    const [title, price, category] = headers(el).map((h) => rect(h).width);
    expect(title).to.be.closeTo(320, 1);
    expect(price).to.be.at.least(160 - 0.5);
    // width= below min-width: the larger wins.
    expect(category).to.be.closeTo(96, 1);
  });

  it('clips only the cells whose text might not fit: no text runs past its cell, in a wide table, a narrow one, or a column made narrower', async () => {
    const el = await table(
      { columns: 'title:Title, price:Price:currency, category:Category, inStock:In stock, added:Added:date' },
      'height: 420px; width: 1400px',
    );
    const clipped = (c: HTMLElement) => getComputedStyle(c).overflowX === 'hidden';
    /** Every drawn body cell whose content is wider than its box is clipped with an ellipsis; returns the unclipped count. */
    const checkCells = () => {
      const cells = [...root(el).querySelectorAll<HTMLElement>('.body [role=gridcell]')];
      expect(cells.length).to.be.greaterThan(20);
      for (const c of cells) {
        if (overflows(c)) {
          expect(clipped(c), `"${text(c)}" runs past its cell`).to.equal(true);
          expect(getComputedStyle(c).textOverflow).to.equal('ellipsis');
        }
      }
      return cells.filter((c) => !clipped(c)).length;
    };
    // Rows drawn once the columns are measured (the first viewport's rows are drawn before, and all clip).
    body(el).scrollTop = 200 * 40;
    await waitUntil(() => root(el).querySelector(`[data-row="205"] [data-col="0"]`)?.textContent?.trim() === 'Item 00206', 'row 205 drawn', { timeout: 5000 });
    await frames(2);
    expect(checkCells(), 'in a wide table, cells that fit are not clipped').to.be.greaterThan(20);
    expect(cell(el, 205, 0).classList.contains('clip')).to.equal(false);

    // A narrower title column: the rows already drawn assumed more room, so the whole column clips.
    const button = headers(el)[0]!.querySelector('button')!;
    button.focus();
    for (let i = 0; i < 40 && rect(headers(el)[0]!).width > 49; i++) {
      button.dispatchEvent(new KeyboardEvent('keydown', { key: 'ArrowLeft', altKey: true, bubbles: true, composed: true, cancelable: true }));
      await el.updateComplete;
      await frame();
    }
    await frames(2);
    expect(overflows(cell(el, 205, 0))).to.equal(true);
    checkCells();
    expect(clipped(cell(el, 205, 0))).to.equal(true);
    // Rows drawn after it clip where their text does not fit the new width.
    body(el).scrollTop = 900 * 40;
    await waitUntil(() => root(el).querySelector(`[data-row="905"] [data-col="0"]`)?.textContent?.trim() === 'Item 00906', 'row 905 drawn', { timeout: 5000 });
    await frames(2);
    checkCells();
    expect(cell(el, 905, 0).classList.contains('clip')).to.equal(true);
  });

  /**
   * A table whose page styles its cells with `cellRule` (a `::part(cell)` declaration block), scrolled to row 300 so
   * that the rows in view were drawn after the columns were measured; the sheet is removed after `check`.
   */
  async function withCellStyle(cellRule: string, columns: string, style: string, check: (el: WixDataTable) => void): Promise<void> {
    const sheet = document.createElement('style');
    sheet.textContent = `.styled-cells::part(cell) { ${cellRule} }`;
    document.head.append(sheet);
    try {
      const el = await table({ columns, class: 'styled-cells' }, style);
      body(el).scrollTop = 300 * 40;
      // Drawn with its data, not as "Loading…" (its page may still be on the way on a busy machine).
      await waitUntil(() => root(el).querySelector('[data-row="310"] [data-col="0"]')?.textContent?.trim() === 'Item 00311', 'row 310 drawn', {
        timeout: 5000,
      });
      await frames(2);
      check(el);
    } finally {
      sheet.remove();
    }
  }

  it('clips cells in a narrow table (390 px) whose page gives the cells a larger font than the columns were sized for', async () => {
    await withCellStyle(
      'font-size: 26px; letter-spacing: 2px;',
      'title:Title, category:Category, price:Price:currency',
      'height: 420px; width: 390px',
      (el) => {
        const cells = [...root(el).querySelectorAll<HTMLElement>('.body [data-row] [role=gridcell]')].filter(
          (c) => Number(c.closest<HTMLElement>('[data-row]')!.dataset['row']) >= 290,
        );
        const overflowing = cells.filter(overflows);
        expect(overflowing.length, 'the larger font overflows some cells').to.be.greaterThan(0);
        for (const c of overflowing) expect(getComputedStyle(c).overflowX, `"${text(c)}" runs past its cell`).to.equal('hidden');
      },
    );
  });

  it('clips every cell when the page transforms the cells’ text (its width cannot be bounded from the font)', async () => {
    await withCellStyle('text-transform: uppercase;', 'title:Title, category:Category', 'height: 420px; width: 1200px', (el) => {
      const cells = [...root(el).querySelectorAll<HTMLElement>('.body [role=gridcell]')];
      expect(cells.length).to.be.greaterThan(20);
      for (const c of cells) expect(getComputedStyle(c).overflowX, `"${text(c)}"`).to.equal('hidden');
    });
  });

  it('resizes a column from its header: Alt+Arrow keys (announced with aria-keyshortcuts) and a drag of its end edge; the rows follow', async () => {
    const el = await table({}, 'height: 420px; width: 900px');
    const resized: { field: string; width: number }[] = [];
    el.addEventListener('wix-column-resize', (e) => resized.push(e.detail));
    const title = () => headers(el)[0]!;
    const button = title().querySelector('button')!;
    expect(button.getAttribute('aria-keyshortcuts')).to.equal('Alt+ArrowLeft Alt+ArrowRight');
    button.focus();
    // WebDriver cannot hold Alt in every engine here: the key event itself, as the browser would send it.
    const alt = async (key: string) => {
      (root(el).activeElement ?? button).dispatchEvent(new KeyboardEvent('keydown', { key, altKey: true, bubbles: true, composed: true, cancelable: true }));
      await el.updateComplete;
      await frame();
    };
    const before = rect(title()).width;
    await alt('ArrowRight');
    await alt('ArrowRight');
    expect(rect(title()).width).to.be.closeTo(before + 32, 1.5);
    // One wix-column-resize per key press, with the width to give back as width=<n>px.
    expect(resized.map((r) => r.field)).to.deep.equal(['title', 'title']);
    expect(resized[1]!.width).to.be.closeTo(rect(title()).width, 1.5);
    expect(rect(cell(el, 0, 0)).width).to.be.closeTo(rect(title()).width, 1.5);
    expect(rect(cell(el, 0, 1)).left).to.be.closeTo(rect(headers(el)[1]!).left, 1.5);
    expect(root(el).activeElement, 'focus stays on the header: Alt+Arrow resizes, it does not move').to.equal(title().querySelector('button'));
    for (let i = 0; i < 80 && rect(title()).width > 48.5; i++) await alt('ArrowLeft');
    expect(rect(title()).width, 'never narrower than 3rem').to.be.closeTo(48, 1);

    const price = () => headers(el)[1]!;
    const handle = price().querySelector<HTMLElement>('.resizer')!;
    const at = rect(handle);
    const x = at.left + at.width / 2;
    const y = at.top + at.height / 2;
    const width = rect(price()).width;
    resized.length = 0;
    const pointer = (type: string, dx: number) =>
      handle.dispatchEvent(new PointerEvent(type, { clientX: x + dx, clientY: y, pointerId: 7, bubbles: true, composed: true, cancelable: true }));
    pointer('pointerdown', 0);
    pointer('pointermove', 60);
    pointer('pointermove', 100);
    pointer('pointerup', 100);
    await el.updateComplete;
    await frames(2);
    expect(rect(price()).width).to.be.closeTo(width + 100, 1.5);
    expect(rect(cell(el, 0, 1)).width).to.be.closeTo(rect(price()).width, 1.5);
    // A drag is one resize, told when it ends.
    expect(resized).to.deep.equal([{ field: 'price', width: Math.round(width + 100) }]);
    pointer('pointermove', 300);
    await el.updateComplete;
    await frames(2);
    expect(rect(price()).width, 'a move after the drag ended changes nothing').to.be.closeTo(width + 100, 1.5);
    expect(price().getAttribute('aria-sort'), 'a drag of the edge does not sort').to.equal('none');
    expect(resized).to.have.length(1);
    // What the page kept, given back in `columns`, is the width the table starts with.
    el.setAttribute('columns', ALL_COLUMNS.replace('price:Price:number', `price:Price:number:width=${resized[0]!.width}px`));
    await el.updateComplete;
    await frames(3);
    expect(rect(price()).width).to.be.closeTo(resized[0]!.width, 1.5);
  });

  it('refuses a column width that is not a bounded CSS length, and sends nothing', async () => {
    for (const [option, message] of [
      ['width=10vw', 'Column width "10vw" for title'],
      ['width=expression(alert(1))', 'Column width'],
      ['width=url(x)', 'Column width'],
      ['width=4000px', 'from 1rem (16px) to 120rem (1920px)'],
      ['width=0px', 'Column width "0px"'],
      ['min-width=-5rem', 'Column min-width "-5rem"'],
      ['width=1rem;color:red', 'Column width'],
      ['__proto__=1rem', 'Unknown or repeated column option "__proto__"'],
      ['width=2rem:width=3rem', 'Unknown or repeated column option "width"'],
      ['colour=red', 'Unknown or repeated column option "colour"'],
    ] as const) {
      const el = await fixture<WixDataTable>(html`<wix-data-table api-base-url=${location.host} collection="TableItems"></wix-data-table>`);
      const seq = await lastSeq();
      el.setAttribute('columns', `title:Title:text:${option}`);
      el.accessTokenListener(anonymousToken);
      await el.updateComplete;
      await frames(2);
      expect(text(root(el)), option).to.contain(message);
      expect(root(el).querySelector('[role=alert]'), option).to.not.equal(null);
      expect(
        (await logSince(seq)).filter((r) => r.path === QUERY_PATH),
        `${option}: nothing sent`,
      ).to.have.length(0);
    }
  });

  it('lets only plain bounded lengths through to a style, whatever the option text (property)', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ maxLength: 30 }), fc.stringMatching(/^[0-9.]{1,7}(px|rem|em|ch|vw|%)$/)), (length) => {
        try {
          const [column] = parseColumns(`title:T:text:width=${length}`, '');
          expect(column!.width).to.match(/^\d{1,4}(\.\d{1,2})?(px|rem|em|ch)$/);
          const amount = parseFloat(column!.width!);
          expect(amount).to.be.above(0);
        } catch (error) {
          expect(error).to.be.instanceOf(SessionError);
          expect((error as SessionError).kind).to.equal('validation');
        }
      }),
      { numRuns: 300 },
    );
  });

  it('shows the full text of a cut cell and header: a tooltip on hover or focus, and the whole text to assistive technology', async () => {
    const el = await table({ columns: 'title:A very long column label for the title:text:width=5rem, category:Category' });
    const first = cell(el, 0, 0);
    expect(first.scrollWidth).to.be.greaterThan(first.clientWidth);
    // The accessible text is the cell's whole text, not the visible clip.
    expect(text(first)).to.equal('Item 00001');
    first.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    expect(first.title).to.equal('Item 00001');
    // A cell that fits gets no tooltip.
    const fits = cell(el, 0, 1);
    fits.dispatchEvent(new PointerEvent('pointerover', { bubbles: true, composed: true }));
    expect(fits.hasAttribute('title')).to.equal(false);
    const header = headers(el)[0]!;
    expect(header.title).to.equal('A very long column label for the title');
    expect(text(header)).to.contain('A very long column label for the title');
    const label = header.querySelector<HTMLElement>('.label')!;
    expect(label.scrollWidth).to.be.greaterThan(label.clientWidth);
  });

  it('shows that columns are hidden to the right (and then to the left), and rows run the width of all columns', async () => {
    const el = await table({}, 'height: 420px; width: 360px');
    const scroller = body(el);
    expect(scroller.scrollWidth).to.be.greaterThan(scroller.clientWidth);
    await waitUntil(() => grid(el).dataset['more'] === 'end', 'hint at the end');
    expect(getComputedStyle(grid(el), '::after').opacity).to.equal('1');
    expect(getComputedStyle(grid(el), '::before').opacity).to.equal('0');
    // Every row is as wide as its columns: the border and the selected background reach the last column.
    const row = root(el).querySelector<HTMLElement>('[data-row="0"]')!;
    const last = cell(el, 0, 7);
    expect(rect(row).right).to.be.at.least(rect(last).right - 0.5);
    expect(rect(row).width).to.be.greaterThan(scroller.clientWidth);
    scroller.scrollLeft = scroller.scrollWidth;
    await waitUntil(() => grid(el).dataset['more'] === 'start', 'hint at the start');
    // The header follows: its last column is over the body's last column, inside the visible area.
    const lastHeader = headers(el)[7]!;
    expect(Math.abs(rect(lastHeader).left - rect(last).left)).to.be.below(1.5);
    expect(rect(lastHeader).right).to.be.at.most(rect(scroller).left + scroller.clientLeft + scroller.clientWidth + 1);
  });

  it('scrolls the rows from a wheel over the header: sideways (a trackpad or Shift+wheel), down and up; the page only when they cannot move', async () => {
    const el = await table({}, 'height: 420px; width: 360px');
    const scroller = body(el);
    const head = root(el).querySelector<HTMLElement>('.head')!;
    // dispatchEvent answers false when the table took the wheel (so the page does not scroll too).
    const wheel = (init: WheelEventInit) => head.dispatchEvent(new WheelEvent('wheel', { bubbles: true, composed: true, cancelable: true, ...init }));
    expect(wheel({ deltaX: 120 })).to.equal(false);
    await waitUntil(() => scroller.scrollLeft > 100, 'scrolled sideways');
    await waitUntil(() => grid(el).dataset['more'] === 'start end', 'both edges hint');
    // The header moved with the rows: its first column is over the body's first column.
    expect(Math.abs(rect(headers(el)[0]!).left - rect(cell(el, 0, 0)).left)).to.be.below(1.5);
    expect(wheel({ deltaY: -3, deltaMode: WheelEvent.DOM_DELTA_LINE, shiftKey: true })).to.equal(false);
    await waitUntil(() => scroller.scrollLeft < 100, 'Shift+wheel back');
    expect(wheel({ deltaY: 200 })).to.equal(false);
    await waitUntil(() => scroller.scrollTop >= 199, 'down');
    // At the top, an upward wheel is the page's; Ctrl+wheel (zoom) is always the browser's.
    scroller.scrollTop = 0;
    scroller.scrollLeft = 0;
    await frames(2);
    expect(wheel({ deltaY: -100 })).to.equal(true);
    expect(wheel({ deltaX: -100 })).to.equal(true);
    expect(wheel({ deltaY: 100, ctrlKey: true })).to.equal(true);
    expect(scroller.scrollTop).to.equal(0);
  });

  it('scrolls sideways from a wheel over the header in a right-to-left page too', async () => {
    const el = await table({ dir: 'rtl' }, 'height: 420px; width: 360px');
    const scroller = body(el);
    const head = root(el).querySelector<HTMLElement>('.head')!;
    const wheel = (init: WheelEventInit) => head.dispatchEvent(new WheelEvent('wheel', { bubbles: true, composed: true, cancelable: true, ...init }));
    // The start is on the right: a wheel toward it does nothing for the table; toward the end (left) it scrolls.
    expect(wheel({ deltaX: 120 })).to.equal(true);
    expect(wheel({ deltaX: -120 })).to.equal(false);
    await waitUntil(() => scroller.scrollLeft < -100, 'scrolled toward the end');
  });

  it('scrolls the focused cell into view sideways as the arrow keys move, header included', async () => {
    const el = await table({}, 'height: 420px; width: 360px');
    const focused = () => root(el).activeElement as HTMLElement | null;
    const press = async (key: string) => {
      focused()!.dispatchEvent(new KeyboardEvent('keydown', { key, bubbles: true, composed: true }));
      await frames(6);
      await el.updateComplete;
    };
    const inView = (e: Element) => {
      const view = rect(body(el));
      const box = rect(e);
      return box.left >= view.left - 1 && box.right <= view.left + body(el).clientLeft + body(el).clientWidth + 1;
    };
    headers(el)[0]!.querySelector('button')!.focus();
    await press('ArrowDown');
    for (let col = 1; col < 8; col++) {
      await press('ArrowRight');
      expect(focused()!.dataset['col']).to.equal(String(col));
      expect(inView(focused()!), `cell ${col} in view`).to.equal(true);
    }
    expect(body(el).scrollLeft).to.be.greaterThan(0);
    await press('ArrowUp');
    const header = focused()!.closest<HTMLElement>('[role=columnheader]')!;
    expect(header.dataset['col']).to.equal('7');
    expect(inView(header), 'last header in view').to.equal(true);
    await press('Home');
    expect(body(el).scrollLeft).to.equal(0);
    expect(inView(focused()!)).to.equal(true);
  });

  it('is one tab stop: Tab enters the grid once and leaves it (the scrolling body is not a second stop)', async () => {
    const box = await fixture<HTMLDivElement>(html`<div>
      <button id="before">before</button>
      <wix-data-table api-base-url=${location.host} style="height: 300px; width: 360px" collection="TableItems" columns=${ALL_COLUMNS}></wix-data-table>
      <button id="after">after</button>
    </div>`);
    const el = box.querySelector('wix-data-table')!;
    const loaded = oneEvent(el, 'wix-table-load');
    el.accessTokenListener(anonymousToken);
    await loaded;
    await frames(3);
    box.querySelector<HTMLButtonElement>('#before')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(document.activeElement).to.equal(el);
    expect(text(root(el).activeElement!)).to.equal('Title↕');
    await sendKeys({ press: 'Tab' });
    expect(document.activeElement?.id).to.equal('after');
    // With the tab stop on a body cell, the same.
    root(el).querySelector<HTMLElement>('[data-row="1"] [data-col="0"]')!.click();
    await el.updateComplete;
    box.querySelector<HTMLButtonElement>('#before')!.focus();
    await sendKeys({ press: 'Tab' });
    expect(root(el).activeElement?.getAttribute('role')).to.equal('gridcell');
    await sendKeys({ press: 'Tab' });
    expect(document.activeElement?.id).to.equal('after');
  });

  for (const width of [360, 800, 1280]) {
    it(`keeps links at 4.5:1 or more on a selected row, and passes axe with the link column in view, at ${width} px`, async () => {
      const el = await table({ selection: 'multiple' }, `height: 420px; width: ${width}px`);
      cell(el, 0, 0).click();
      await el.updateComplete;
      const scroller = body(el);
      scroller.scrollLeft = scroller.scrollWidth;
      await frames(3);
      const link = cell(el, 0, 7).querySelector('a')!;
      const row = link.closest<HTMLElement>('[role=row]')!;
      expect(row.getAttribute('aria-selected')).to.equal('true');
      expect(rect(link).right).to.be.at.most(rect(scroller).right);
      // The row's background is the surface colour over the page's white.
      const probe = document.createElement('span');
      probe.style.color = 'var(--_surface)';
      row.append(probe);
      const surface = over(parseColor(getComputedStyle(probe).color), [255, 255, 255]);
      probe.remove();
      expect(parseColor(getComputedStyle(row).backgroundColor)[3]).to.be.above(0);
      const ink = parseColor(getComputedStyle(link).color);
      expect(contrast(over(ink, surface), surface)).to.be.at.least(4.5);
      expect(contrast(over(ink, [255, 255, 255]), [255, 255, 255])).to.be.at.least(4.5);
      await expect(el).to.be.accessible();
    });
  }

  it('is as tall as its state box when only a box shows (empty, error, not connected), and 28rem with rows', async () => {
    const withRows = await table({}, '');
    expect(rect(withRows).height).to.be.closeTo(28 * 16, 1);

    const empty = await table({ 'search-fields': 'title' }, '');
    const loaded = oneEvent(empty, 'wix-table-load');
    empty.searchText = 'no such item anywhere';
    await loaded;
    await empty.updateComplete;
    await frame();
    expect(text(root(empty))).to.contain('Nothing matches');
    expect(rect(empty).height).to.be.below(10 * 16);

    const failing = await fixture<WixDataTable>(html`<wix-data-table api-base-url=${location.host} collection="TableItems"></wix-data-table>`);
    await addFault({ path: QUERY_PATH, status: 500, times: 1 });
    const failed = oneEvent(failing, 'wix-data-error');
    failing.accessTokenListener(anonymousToken);
    await failed;
    await failing.updateComplete;
    await frame();
    expect(root(failing).querySelector('[role=alert]')).to.not.equal(null);
    expect(rect(failing).height).to.be.below(10 * 16);
    const state = root(failing).querySelector('[part=state]')!;
    expect(rect(failing).height).to.be.closeTo(rect(state).height, 1);

    const lonely = await fixture<WixDataTable>(
      html`<wix-data-table api-base-url=${location.host} collection="TableItems" connect-timeout="50"></wix-data-table>`,
    );
    await waitUntil(() => text(root(lonely)).includes('Not connected'));
    await frame();
    expect(rect(lonely).height).to.be.below(10 * 16);
  });

  // The gallery's chips wrapped onto a third line and pushed the status line 35 px out; a site font of 18 px does that here.
  for (const font of ['16px', '18px'])
    it(`does not overflow at 16rem wide and 330 px tall with a search box, six chips and a selection (font ${font})`, async () => {
      const filters = JSON.stringify(
        ['Tents', 'Backpacks', 'Footwear', 'Jackets', 'Lighting', 'In stock'].map((label) => ({ label, filter: { category: label }, group: 'category' })),
      );
      const el = await table(
        { 'search-fields': 'title, category', filters, selection: 'multiple', sort: 'price:desc' },
        `height: 330px; width: 16rem; font-size: ${font}`,
      );
      await frames(2);
      const host = rect(el);
      expect(el.scrollHeight, 'no vertical overflow').to.be.at.most(el.clientHeight + 1);
      expect(el.scrollWidth, 'no horizontal overflow').to.be.at.most(el.clientWidth + 1);
      for (const part of ['toolbar', 'grid', 'status']) {
        const box = rect(root(el).querySelector(`[part~=${part}]`)!);
        expect(box.bottom, `${part} bottom`).to.be.at.most(host.bottom + 0.5);
        expect(box.right, `${part} right`).to.be.at.most(host.right + 0.5);
      }
      // Nothing overlaps: the search box and chips end above the grid, the grid above the status line.
      const chips = [...root(el).querySelectorAll<HTMLElement>('[part=chip]')];
      const search = root(el).querySelector('[part=search]')!;
      const toolbarBottom = Math.max(rect(search).bottom, ...chips.map((c) => rect(c).bottom));
      expect(toolbarBottom, 'toolbar above the grid').to.be.at.most(rect(grid(el)).top + 0.5);
      expect(rect(grid(el)).bottom, 'grid above the status').to.be.at.most(rect(root(el).querySelector('[part=status]')!).top + 0.5);
      for (const line of root(el).querySelectorAll('[part=status] > *')) expect(rect(line).bottom, 'status inside').to.be.at.most(host.bottom + 0.5);
      // The chips are all there, on one line that scrolls sideways.
      expect(chips).to.have.length(6);
      expect(new Set(chips.map((c) => Math.round(rect(c).top))).size).to.equal(1);
      expect(rect(grid(el)).height).to.be.at.least(100);
    });

  it('says where items without a value sort, as Wix ranks them: first ascending, last descending', async () => {
    // What Wix answers for Products sorted by rating, each way (new products have no rating).
    const query = async (order: 'ASC' | 'DESC', offset = 0) => {
      const answer = await fetch(QUERY_PATH, {
        method: 'POST',
        headers: { authorization: await anonymousToken(), 'content-type': 'application/json' },
        body: JSON.stringify({
          dataCollectionId: 'Products',
          query: { sort: [{ fieldName: 'rating', order }], paging: { limit: 1, offset } },
          returnTotalCount: true,
        }),
      });
      return (await answer.json()) as { dataItems: { data: { rating?: number } }[]; pagingMetadata: { total: number } };
    };
    const first = await query('ASC');
    expect(first.dataItems[0]!.data.rating, 'the platform ranks a missing rating lowest').to.equal(undefined);
    const lastDesc = await query('DESC', first.pagingMetadata.total - 1);
    expect(lastDesc.dataItems[0]!.data.rating).to.equal(undefined);

    const el = await fixture<WixDataTable>(
      html`<wix-data-table
        api-base-url=${location.host}
        style="height: 420px"
        collection="Products"
        columns="title:Product, rating:Rating:number"
        sort="rating:asc"
        paging="pages"
        page-size="5"
      ></wix-data-table>`,
    );
    const loaded = oneEvent(el, 'wix-table-load');
    el.accessTokenListener(anonymousToken);
    await loaded;
    await el.updateComplete;
    expect(text(cell(el, 0, 1))).to.equal('—');
    const note = root(el).querySelector('#sort-note')!;
    expect(text(note)).to.equal('Sorted by Rating ▲ ascending: items without a value first');
    const sorted = headers(el)[1]!.querySelector('button')!;
    expect(sorted.getAttribute('aria-describedby')).to.equal('sort-note');
    const again = oneEvent(el, 'wix-table-load');
    sorted.click();
    await again;
    await el.updateComplete;
    expect(text(root(el).querySelector('#sort-note')!)).to.equal('Sorted by Rating ▼ descending: items without a value last');
    expect(text(cell(el, 0, 1))).to.not.equal('—');
    await expect(el).to.be.accessible();
  });
});
