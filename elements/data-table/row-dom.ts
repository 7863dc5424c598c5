import { cellKind, formatCell, imageSource, linkHref, readField, type ColumnSpec, type FormatOptions } from './columns.ts';
import type { Row } from './page-loader.ts';
import type { TextFit } from './text-fit.ts';

/** What a body row shows besides its item: set on a kept row without redrawing it. */
export interface RowState {
  /** `aria-selected`, or undefined when the table has no selection. */
  selected: boolean | undefined;
  /** The column whose cell holds the grid's tab stop, or -1. */
  activeCol: number;
}

/** What every row of a configuration shares: its columns, their alignment, the number formats. */
export interface RowSetup {
  columns: readonly ColumnSpec[];
  /** Per column: right-aligned (numbers, dates). */
  end: readonly boolean[];
  format: FormatOptions;
}

interface Entry {
  node: HTMLElement;
  item: Row | undefined;
  /** For a row without its item: whether its page failed. */
  failed: boolean;
  state: RowState;
}

/** The cells of a drawn row, by column (the row's children). */
const cellAt = (row: HTMLElement, col: number) => row.children[col] as HTMLElement | undefined;

/**
 * The body rows of <wix-data-table> as plain DOM, built once per row and kept while the row's item and the table's
 * configuration stay the same: the virtualizer's directive gets the same node back and Lit only checks its identity.
 * A new row is a clone of a prepared row with its cells' text set (`textContent`, never markup): no template diff per
 * cell, and a scroll that brings rows into view costs one clone and a few text writes per row. Selection and the tab
 * stop are set on kept rows as attributes. Handlers are the grid's (delegated), so rows carry none.
 */
export class RowDom {
  readonly #entries = new Map<number, Entry>();
  #setup: RowSetup | undefined;
  #prototype: HTMLElement | undefined;
  /** What text fits each column unclipped (text-fit.ts); undefined: every cell clips. */
  #fit: TextFit | undefined;

  /** Forgets every row (a new configuration, alignment, locale or selection mode). */
  reset(setup: RowSetup): void {
    this.#setup = setup;
    this.#fit = undefined;
    this.#entries.clear();
    const row = document.createElement('div');
    row.setAttribute('role', 'row');
    row.setAttribute('part', 'row');
    row.className = 'row';
    setup.columns.forEach((_, col) => {
      const cell = document.createElement('div');
      cell.setAttribute('role', 'gridcell');
      cell.setAttribute('part', 'cell');
      cell.dataset['col'] = String(col);
      cell.tabIndex = -1;
      row.append(cell);
    });
    this.#prototype = row;
  }

  /**
   * Rows drawn from now on clip only the cells whose text might not fit (rows already drawn keep their clips: when a
   * column narrows, the caller clips that column with a rule, see data-table.ts).
   */
  set fit(fit: TextFit | undefined) {
    this.#fit = fit;
  }

  get fit(): TextFit | undefined {
    return this.#fit;
  }

  /** Keeps at most `max` rows, dropping those farthest outside first..last. */
  trim(first: number, last: number, max = 400): void {
    if (this.#entries.size <= max) return;
    for (const index of this.#entries.keys()) if (index < first - max / 4 || index > last + max / 4) this.#entries.delete(index);
  }

  /** The node for row `index`: the kept one when its item is the same, with its state brought up to date. */
  row(index: number, item: Row | undefined, failed: boolean, state: RowState): HTMLElement {
    const kept = this.#entries.get(index);
    if (kept && kept.item === item && (item || kept.failed === failed)) {
      this.#sync(kept, state);
      return kept.node;
    }
    const node = item ? this.#dataRow(index, item) : this.#pendingRow(index, failed);
    const entry: Entry = { node, item, failed, state: { selected: undefined, activeCol: -1 } };
    this.#sync(entry, state);
    this.#entries.set(index, entry);
    return node;
  }

  #sync(entry: Entry, state: RowState): void {
    const { node } = entry;
    if (entry.item && entry.state.selected !== state.selected) {
      if (state.selected === undefined) node.removeAttribute('aria-selected');
      else node.setAttribute('aria-selected', String(state.selected));
    }
    if (entry.state.activeCol !== state.activeCol) {
      const old = entry.state.activeCol >= 0 ? cellAt(node, entry.item ? entry.state.activeCol : 0) : undefined;
      if (old) old.tabIndex = -1;
      const now = state.activeCol >= 0 ? cellAt(node, entry.item ? state.activeCol : 0) : undefined;
      if (now) now.tabIndex = 0;
    }
    entry.state = { ...state };
  }

  #pendingRow(index: number, failed: boolean): HTMLElement {
    const row = document.createElement('div');
    row.setAttribute('role', 'row');
    row.setAttribute('part', 'row');
    row.className = 'row pending';
    row.setAttribute('aria-rowindex', String(index + 2));
    row.dataset['row'] = String(index);
    const cell = document.createElement('div');
    cell.setAttribute('role', 'gridcell');
    cell.className = 'cell span clip';
    cell.dataset['col'] = '0';
    cell.setAttribute('aria-colspan', String(this.#setup?.columns.length ?? 1));
    cell.tabIndex = -1;
    cell.textContent = failed ? 'Could not load' : 'Loading…';
    row.append(cell);
    return row;
  }

  #dataRow(index: number, item: Row): HTMLElement {
    const setup = this.#setup!;
    const row = this.#prototype!.cloneNode(true) as HTMLElement;
    row.setAttribute('aria-rowindex', String(index + 2));
    row.dataset['row'] = String(index);
    const fit = this.#fit;
    setup.columns.forEach((column, col) =>
      fillCell(cellAt(row, col)!, column, readField(item, column.field), setup.end[col] === true, setup.format, (text) => fit?.fits(col, text) === true),
    );
    return row;
  }
}

/**
 * One cell's class and content: text, or an image, a link or a check mark built as elements (never parsed markup). The
 * cell clips (`clip`: hidden overflow, an ellipsis) unless its text certainly fits (an image cell always clips).
 */
function fillCell(cell: HTMLElement, column: ColumnSpec, value: unknown, end: boolean, format: FormatOptions, fits: (text: string) => boolean): void {
  const kind = value === null || value === undefined ? 'text' : cellKind(value, column.type);
  const text = formatCell(value, column.type, format);
  const clip = kind !== 'image' && fits(kind === 'boolean' ? `✓ ${text}` : text) ? '' : ' clip';
  cell.className = end ? `cell ${kind} end${clip}` : `cell ${kind}${clip}`;
  if (kind === 'image') {
    const image = imageSource(value);
    if (image) {
      const img = document.createElement('img');
      img.src = image.src;
      img.alt = image.alt;
      img.loading = 'lazy';
      img.decoding = 'async';
      img.referrerPolicy = 'no-referrer';
      cell.append(img);
      return;
    }
  } else if (kind === 'url') {
    const href = linkHref(value);
    if (href) {
      const link = document.createElement('a');
      link.href = href;
      link.target = '_blank';
      link.rel = 'noopener noreferrer';
      link.tabIndex = -1;
      link.textContent = text;
      cell.append(link);
      return;
    }
  } else if (kind === 'boolean') {
    const mark = document.createElement('span');
    mark.setAttribute('aria-hidden', 'true');
    mark.textContent = value === true ? '✓' : value === false ? '✗' : '';
    cell.append(mark, ` ${text}`);
    return;
  }
  cell.textContent = text;
}
