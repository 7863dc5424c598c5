import type { ReactiveControllerHost } from 'lit';

/** Rows that PageUp and PageDown move by. */
const PAGE_JUMP = 10;

/** What the grid shows now: its columns, the rows the keyboard may reach (the page, or all rows when scrolling). */
export interface GridView {
  columns: number;
  /** First and last reachable row (last < first when there are none). */
  first: number;
  last: number;
  /** Rows scroll in a virtualizer (they may have to be scrolled into view before they can take focus). */
  scroll: boolean;
}

export interface GridKeyboardOptions {
  view(): GridView;
  /** The row is about to be shown: load it. */
  need(row: number): void;
  /** Enter, Space or a click on a row: select or unselect it. */
  toggle(row: number): void;
  /** Alt+ArrowRight / Alt+ArrowLeft on a header: widen (1) or narrow (-1) its column. */
  resize(col: number, step: 1 | -1): void;
  /** Scrolls the rows (in scroll mode) so that the row comes into view, replacing any earlier such scroll still pending. */
  reveal(row: number): void;
}

type Host = ReactiveControllerHost & { readonly renderRoot: HTMLElement | DocumentFragment; readonly isConnected: boolean };

/**
 * Scrolls the body sideways just enough that the cell's column is in view (its start when the column is wider than
 * the body). The header row and the body rows share their columns, so a header cell reveals its column too.
 */
export function revealColumn(body: HTMLElement, cell: HTMLElement): void {
  const start = cell.offsetLeft;
  const end = start + cell.offsetWidth;
  const view = body.clientWidth;
  const left = body.scrollLeft;
  if (start < left || end - start > view) body.scrollLeft = start;
  else if (end > left + view) body.scrollLeft = end - view;
}

/**
 * The ARIA grid keyboard model of wix-data-table (WAI-ARIA APG "Data Grid"): one tab stop, the active cell (`row` -1 is
 * the header), moved with the arrows, Home/End (Ctrl: first/last row), PageUp/PageDown (10 rows); Enter or Space
 * selects the row; Alt+ArrowRight / Alt+ArrowLeft on a header widens or narrows its column; a click moves the tab stop to the clicked cell. Cells carry `data-col`, rows `data-row`.
 */
export class GridKeyboard {
  active = { row: -1, col: 0 };

  constructor(
    private readonly host: Host,
    private readonly options: GridKeyboardOptions,
  ) {}

  /** Makes (row, col) the active cell, kept within the grid, and focuses it. */
  moveTo(row: number, col: number): void {
    const { columns, first, last } = this.options.view();
    this.active = { row: row < 0 ? -1 : Math.max(first, Math.min(last, row)), col: Math.max(0, Math.min(columns - 1, col)) };
    if (this.active.row >= 0) this.options.need(this.active.row);
    this.host.requestUpdate();
    void this.#focusActive();
  }

  async #focusActive(): Promise<void> {
    const { row, col } = this.active;
    const { scroll } = this.options.view();
    const body = this.host.renderRoot.querySelector<HTMLElement>('[part~="body"]');
    if (row >= 0 && scroll) this.options.reveal(row);
    // The cell is there once the virtualizer has scrolled to its row and the row's page has arrived (until then the row
    // is one "Loading…" cell): Ctrl+End to a page that takes a second to come still lands on its cell. Waits up to
    // 15 s (a page takes at most Wix Data's 14 s limit), and gives up at once when a later move made another cell active.
    const until = performance.now() + 15_000;
    while (performance.now() < until && this.active.row === row && this.active.col === col && this.host.isConnected) {
      await this.host.updateComplete;
      const cell = this.host.renderRoot.querySelector<HTMLElement>(row < 0 ? `.header [data-col="${col}"]` : `[data-row="${row}"] [data-col="${col}"]`);
      const target = cell?.querySelector('button') ?? cell;
      if (cell && target) {
        // The page scrolls a header or a paged row into view; the body's sideways scroll is set here, for every cell.
        target.focus({ preventScroll: row >= 0 && scroll });
        if (body) revealColumn(body, cell);
        return;
      }
      await new Promise((resolve) => requestAnimationFrame(resolve));
    }
  }

  readonly onKeydown = (event: KeyboardEvent): void => {
    const { row, col } = this.active;
    const { columns, first, last } = this.options.view();
    const ctrl = event.ctrlKey || event.metaKey;
    const moves: Record<string, () => void> = {
      ArrowDown: () => this.moveTo(row + 1, col),
      ArrowUp: () => this.moveTo(row <= first ? -1 : row - 1, col),
      ArrowRight: () => this.moveTo(row, col + 1),
      ArrowLeft: () => this.moveTo(row, col - 1),
      Home: () => (ctrl ? this.moveTo(first, 0) : this.moveTo(row, 0)),
      End: () => (ctrl ? this.moveTo(last, columns - 1) : this.moveTo(row, columns - 1)),
      PageDown: () => this.moveTo(Math.max(row, 0) + PAGE_JUMP, col),
      PageUp: () => this.moveTo(row - PAGE_JUMP < first ? first : row - PAGE_JUMP, col),
    };
    if (event.altKey && row === -1 && (event.key === 'ArrowRight' || event.key === 'ArrowLeft')) {
      event.preventDefault();
      this.options.resize(col, event.key === 'ArrowRight' ? 1 : -1);
      return;
    }
    const move = Object.hasOwn(moves, event.key) ? moves[event.key] : undefined; // safe-lookup: own keys only
    if (move) {
      event.preventDefault();
      move();
      return;
    }
    if ((event.key === 'Enter' || event.key === ' ') && row >= 0) {
      event.preventDefault();
      this.options.toggle(row);
    }
  };

  /** A click moves the tab stop to the clicked cell. */
  readonly onClick = (event: MouseEvent): void => {
    const cell = (event.target as Element).closest<HTMLElement>('[data-col]');
    const rowElement = cell?.closest<HTMLElement>('[data-row]');
    if (!cell) return;
    const row = rowElement ? Number(rowElement.dataset['row']) : -1;
    this.active = { row, col: Number(cell.dataset['col']) };
    if (row >= 0) this.options.toggle(row);
    this.host.requestUpdate();
  };
}
