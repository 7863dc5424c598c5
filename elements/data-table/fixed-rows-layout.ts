import { FlowLayout } from '@lit-labs/virtualizer/layouts/flow.js';

/** The part of the virtualizer's Layout types this file needs (its shared/ folder is not exported). */
type Size = { width: number; height: number };
type Positions = { top: number; left: number };

export interface FixedRowsConfig {
  /** The height of every row, in px. */
  rowHeight?: number;
}

/**
 * A virtualizer layout for rows of one known height: where a row is and which rows are in range is arithmetic, so
 * nothing is measured. The default (flow) layout measures every row it adds (`getBoundingClientRect` and margins, a
 * forced layout per new row on the scroll path) and re-estimates positions and the scroll size from what it
 * measured; with the CPU slowed 4×, that was most of a frame. This keeps the virtualizer, its directive and its
 * pinning / scroll-into-view logic (FlowLayout's base), and replaces only the geometry. Rows beyond the range are
 * not in the DOM.
 */
export class FixedRowsLayout extends FlowLayout {
  #rowHeight = 40;

  constructor(...args: ConstructorParameters<typeof FlowLayout>) {
    super(...args);
    this._overhang = 600;
  }

  get rowHeight(): number {
    return this.#rowHeight;
  }

  /** Set by the layout config (`virtualize({ layout: fixedRows({ rowHeight }) })`); a change lays the rows out again. */
  set rowHeight(px: number) {
    if (!(px > 0) || px === this.#rowHeight) return;
    this.#rowHeight = px;
    this._triggerReflow();
  }

  /** Nothing to measure: every row is `rowHeight` tall. */
  override get measureChildren(): boolean {
    return false;
  }

  override _getItemSize(): Size {
    return { height: this.#rowHeight, width: this._viewDim2 };
  }

  override _getItemPosition(index: number): Positions {
    return { top: index * this.#rowHeight, left: 0 };
  }

  override _updateScrollSize(): void {
    this._scrollSize = Math.max(1, this.items.length * this.#rowHeight);
  }

  /**
   * The rows in range, by arithmetic, with hysteresis: the virtualizer lays the rows out again only when the rows in
   * the DOM stop covering `overhang` px beyond each edge of the viewport (BaseLayout's thresholds), and then this puts
   * twice that in the DOM. A scroll therefore changes the DOM once per `overhang` px, not in every frame: the frames
   * between are plain composited scrolling, as in a table that has all its rows.
   */
  override _getActiveItems(): void {
    const count = this.items.length;
    const size = this.#rowHeight;
    const from = Math.max(0, this._scrollPosition - 2 * this._overhang);
    const to = Math.min(this._scrollSize, this._scrollPosition + this._viewDim1 + 2 * this._overhang);
    this._first = count ? Math.min(count - 1, Math.floor(from / size)) : -1;
    this._last = count ? Math.max(this._first, Math.min(count - 1, Math.ceil(to / size) - 1)) : -1;
    this._physicalMin = Math.max(0, this._first) * size;
    this._physicalMax = (this._last + 1) * size;
  }
}

/** The layout specifier for `virtualize({ layout })`. */
export const fixedRows = (config: FixedRowsConfig = {}) => ({ type: FixedRowsLayout, ...config });
