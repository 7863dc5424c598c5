/** The parts of the virtualizer's Layout contract this layout speaks (its layouts/shared/ folder is not exported). */
type Size = { width: number; height: number };
type Position = { top: number; left: number };
type Pin = { index: number; block?: ScrollLogicalPosition };
type Range = { first: number; last: number; firstVisible: number; lastVisible: number };
export type LayoutMessage =
  | { type: 'stateChanged'; scrollSize: Size; range: Range; childPositions: Map<number, Position>; scrollError?: Position }
  | { type: 'visibilityChanged'; firstVisible: number; lastVisible: number }
  | { type: 'unpinned' };

export interface FixedRowsConfig {
  /** The height of every row, in px. */
  rowHeight?: number;
  /** Called with true when a flick starts holding rows back, and with false once they are drawn again. */
  onFlick?: (flicking: boolean) => void;
  /** Given the layout the virtualizer made from this config, so its host can pin a row itself (data-table.ts). */
  ref?: { current?: FixedRowsLayout | undefined };
}

/** How far past each edge of the viewport rows must be in the DOM before a scroll lays them out again, in px. */
const OVERHANG = 600;
/**
 * How far past each edge a new layout puts rows, in px: 200 more than OVERHANG, so a steady scroll changes the DOM
 * every 200 px or so, a few rows at a time. At 4× CPU throttling and 200 px a frame, a change of that size fits in a
 * frame and a change of 600 px (REACH 1200) did not: 85 long frames of 1,998 against 500 (BENCHMARKS.md).
 */
const REACH = 800;
/**
 * The reach on a device where those small changes miss frames anyway (at 6× throttling nearly every one did): fewer,
 * larger changes then miss fewer frames in all (524 long frames of 1,998 at 6× against 959 with REACH).
 */
const SLOW_REACH = 1200;
/** A frame longer than this (ms) missed at least one 60 Hz refresh. */
const MISSED_FRAME_MS = 25;
/** The scroll-driven changes judged, and how many of them must miss a frame to switch to SLOW_REACH for good. */
const JUDGED_CHANGES = 16;
const SLOW_AFTER_MISSES = 12;

/**
 * A virtualizer layout for rows of one known height, written against the virtualizer's Layout contract (not on its
 * flow layout): where a row is, which rows are in range and how tall the body is are arithmetic, so nothing is
 * measured, and the flow layout's measuring and estimating code is not shipped. Vertical only.
 *
 * Hysteresis: a scroll lays the rows out again only when the rows in the DOM stop covering OVERHANG px beyond an edge
 * of the viewport, and then REACH px go into the DOM. The DOM therefore changes once per REACH - OVERHANG px scrolled,
 * a few rows each time, not in every frame; the frames between are plain composited scrolling. A device on which those
 * changes keep missing frames gets larger, rarer ones (SLOW_REACH).
 *
 * Flicks: while the view moves more than its own height in each of two scroll steps in a row, rows drawn now would be
 * gone by the next frame, so none are drawn (the host shows placeholder stripes, `onFlick`); the rows under the view
 * are drawn in the first animation frame in which it moved less than its height. A single jump is drawn at once.
 *
 * First paint: the first rows drawn are the viewport's alone; the rows past it follow in a task after that frame
 * (or at the first scroll), so the first frame lays out and styles a third as many rows.
 */
export class FixedRowsLayout {
  readonly measureChildren = false;
  readonly direction = 'vertical';
  /** Set by the virtualizer: the scroller's scroll size, and where the host sits in it. */
  totalScrollSize: Size = { width: 0, height: 0 };
  offsetWithinScroller: Position = { top: 0, left: 0 };

  readonly #send: (message: LayoutMessage) => void;
  #items: unknown[] = [];
  #rowHeight = 40;
  #view: Size = { width: 0, height: 0 };
  #scroll: Position = { top: 0, left: 0 };
  #pin: Pin | null = null;
  #first = -1;
  #last = -1;
  #firstVisible = -1;
  #lastVisible = -1;
  #pending = false;
  /** How far a pinned scroll moved the rows (sent once, for the virtualizer to correct the scroll position). */
  #scrollError = 0;
  #onFlick: FixedRowsConfig['onFlick'];
  #ref: FixedRowsConfig['ref'];
  /** Whether the last scroll step moved more than the view's height. */
  #fastStep = false;
  /** Rows are held back during a flick. */
  #flicking = false;
  /** Whether rows past the viewport are drawn (false until a task after the first rows were drawn, or a scroll). */
  #filled = false;
  #fillScheduled = false;
  #reach = REACH;
  /** Whether the pending layout was asked for by a scroll that left the rows short of OVERHANG. */
  #scrollChange = false;
  /** For the last scroll-driven changes (newest last): whether the frame that drew it missed a refresh. */
  readonly #misses: boolean[] = [];

  constructor(send: (message: LayoutMessage) => void, config?: FixedRowsConfig) {
    this.#send = send;
    this.config = config ?? {};
  }

  set config(config: FixedRowsConfig) {
    if (config.rowHeight !== undefined) this.rowHeight = config.rowHeight;
    this.#onFlick = config.onFlick;
    this.#ref = config.ref;
    if (this.#ref) this.#ref.current = this;
  }

  get config(): FixedRowsConfig {
    return { rowHeight: this.#rowHeight, onFlick: this.#onFlick, ...(this.#ref ? { ref: this.#ref } : {}) };
  }

  /** Whether rows are being held back because the view moves too fast for them to be seen. */
  get flicking(): boolean {
    return this.#flicking;
  }

  get rowHeight(): number {
    return this.#rowHeight;
  }

  /** A change lays the rows out again. */
  set rowHeight(px: number) {
    if (!(px > 0) || px === this.#rowHeight) return;
    this.#rowHeight = px;
    this.#reflowSoon();
  }

  get items(): unknown[] {
    return this.#items;
  }

  set items(items: unknown[]) {
    if (items === this.#items) return;
    this.#items = items;
    this.#pending = true;
  }

  get viewportSize(): Size {
    return this.#view;
  }

  /** A new width moves every row (rows are as wide as the viewport); a new height may need more rows. */
  set viewportSize(size: Size) {
    const { width, height } = this.#view;
    this.#view = { ...this.#view, ...size };
    if (this.#view.width !== width) this.#pending = true;
    else if (this.#view.height !== height) this.#checkCoverage();
  }

  get viewportScroll(): Position {
    return this.#scroll;
  }

  set viewportScroll(scroll: Position) {
    const before = this.#position;
    this.#scroll = { ...this.#scroll, ...scroll };
    const step = Math.abs(before - this.#position);
    if (step < 1) return;
    this.#filled = true;
    const fast = this.#view.height > 0 && step > this.#view.height;
    this.#checkCoverage(fast && this.#fastStep, fast);
    this.#fastStep = fast;
  }

  get pin(): Pin | null {
    return this.#pin && { index: this.#clampIndex(this.#pin.index), block: this.#pin.block ?? 'start' };
  }

  /**
   * `element(i).scrollIntoView()` for a row not in the DOM: the next layout scrolls to it. The host sets it for a row
   * in the DOM too (a keyboard move), since the virtualizer scrolls such a row natively and leaves an earlier pin.
   */
  set pin(pin: Pin | null) {
    this.#pin = pin;
    this.#reflowSoon();
  }

  /** A user's scroll ends a pin. */
  unpin(): void {
    if (this.#pin === null) return;
    this.#send({ type: 'unpinned' });
    this.#pin = null;
  }

  getScrollIntoViewCoordinates(pin: Pin): { top: number } {
    return { top: this.#scrollTopFor(pin) };
  }

  reflowIfNeeded(force = false): void {
    if (!force && !this.#pending) return;
    this.#pending = false;
    this.#endFlick();
    const pin = this.pin;
    if (pin) {
      const before = this.#position;
      this.#scroll = { ...this.#scroll, top: this.#scrollTopFor(pin) };
      this.#scrollError = before - this.#position;
    }
    const count = this.#items.length;
    const size = this.#rowHeight;
    const reach = this.#filled ? this.#reach : 0;
    if (this.#scrollChange) this.#timeChange();
    this.#scrollChange = false;
    if (!this.#filled && count > 0 && this.#view.height > 0) this.#fillSoon();
    const from = Math.max(0, this.#position - reach);
    const to = Math.min(this.#scrollSize, this.#position + this.#view.height + reach);
    this.#first = count ? Math.min(count - 1, Math.floor(from / size)) : -1;
    this.#last = count ? Math.max(this.#first, Math.min(count - 1, Math.ceil(to / size) - 1)) : -1;
    this.#updateVisible(false);
    const childPositions = new Map<number, Position>();
    for (let i = this.#first; i >= 0 && i <= this.#last; i++) childPositions.set(i, { top: i * size, left: 0 });
    const range = { first: this.#first, last: this.#last, firstVisible: this.#firstVisible, lastVisible: this.#lastVisible };
    const message: LayoutMessage = { type: 'stateChanged', scrollSize: { height: this.#scrollSize, width: 0 }, range, childPositions };
    if (this.#scrollError) message.scrollError = { top: this.#scrollError, left: 0 };
    this.#scrollError = 0;
    this.#send(message);
  }

  /** The scroll position within the rows (the host's own offset in its scroller taken out). */
  get #position(): number {
    return this.#scroll.top - this.offsetWithinScroller.top;
  }

  get #scrollSize(): number {
    return Math.max(1, this.#items.length * this.#rowHeight);
  }

  #clampIndex(index: number): number {
    return Math.max(0, Math.min(index, this.#items.length - 1));
  }

  /** Where the scroller must be for row `index` to sit at `block` in the viewport (`nearest`: the smaller move). */
  #scrollTopFor({ index, block = 'start' }: Pin): number {
    const size = this.#rowHeight;
    const start = this.#clampIndex(index) * size;
    const end = start - this.#view.height + size;
    const top =
      block === 'center'
        ? start - (this.#view.height - size) / 2
        : block === 'end'
          ? end
          : block === 'nearest' && Math.abs(this.#position - start) >= Math.abs(this.#position - end)
            ? end
            : start;
    const within = top + this.offsetWithinScroller.top;
    return Math.max(-this.offsetWithinScroller.top, Math.min(within, this.totalScrollSize.height - this.#view.height));
  }

  /** The rows past the viewport, in a task after the frame that paints the first ones. */
  #fillSoon(): void {
    if (this.#fillScheduled) return;
    this.#fillScheduled = true;
    requestAnimationFrame(() =>
      setTimeout(() => {
        if (this.#filled) return;
        this.#filled = true;
        this.#reflowSoon();
      }),
    );
  }

  #reflowSoon(): void {
    this.#pending = true;
    void Promise.resolve().then(() => this.reflowIfNeeded());
  }

  /**
   * Lays out again only when the rows in the DOM no longer cover OVERHANG px past the viewport (not during a flick);
   * else reports what is visible.
   */
  #checkCoverage(flick = false, fast = false): void {
    const size = this.#rowHeight;
    const min = Math.max(0, this.#position - OVERHANG);
    const max = Math.min(this.#scrollSize, this.#position + this.#view.height + OVERHANG);
    const covered = this.#first >= 0 && this.#first * size <= min && (this.#last + 1) * size >= max;
    // A flick goes on while steps stay longer than the view; the first shorter step draws.
    if (this.#pin === null && !covered && (flick || (this.#flicking && fast))) this.#startFlick();
    else if (this.#pin !== null || !covered || (this.#view.height === 0 && this.#first >= 0)) {
      this.#pending = true;
      this.#scrollChange = !covered && this.#pin === null;
    } else this.#updateVisible(true);
  }

  /**
   * Times the frame that draws a scroll-driven change (from this frame's animation callbacks to the next frame's). When
   * most of the last JUDGED_CHANGES missed a refresh, the device is too slow for small changes: the reach grows to
   * SLOW_REACH for the rest of this layout's life.
   */
  #timeChange(): void {
    if (this.#reach === SLOW_REACH) return;
    requestAnimationFrame((start) =>
      requestAnimationFrame((end) => {
        this.#misses.push(end - start > MISSED_FRAME_MS);
        if (this.#misses.length > JUDGED_CHANGES) this.#misses.shift();
        if (this.#misses.filter(Boolean).length >= SLOW_AFTER_MISSES) this.#reach = SLOW_REACH;
      }),
    );
  }

  /** Holds rows back, and checks once an animation frame whether the view has slowed to under its height a frame. */
  #startFlick(): void {
    if (this.#flicking) return;
    this.#flicking = true;
    // Whatever asked for a layout is done when the flick settles (that always lays out).
    this.#pending = false;
    this.#onFlick?.(true);
    // Where the view was at the previous frame's check (none yet at the first).
    let previous: number | undefined;
    const check = () => {
      if (!this.#flicking) return;
      const at = this.#position;
      if (previous !== undefined && Math.abs(at - previous) <= this.#view.height) {
        this.#fastStep = false;
        this.#reflowSoon();
        return;
      }
      previous = at;
      requestAnimationFrame(check);
    };
    requestAnimationFrame(check);
  }

  #endFlick(): void {
    if (!this.#flicking) return;
    this.#flicking = false;
    this.#onFlick?.(false);
  }

  #updateVisible(emit: boolean): void {
    if (this.#first < 0) return;
    const size = this.#rowHeight;
    const top = Math.round(this.#position);
    const firstVisible = Math.min(this.#last, Math.max(this.#first, Math.floor(top / size)));
    const lastVisible = Math.max(this.#first, Math.min(this.#last, Math.ceil(Math.round(this.#position + this.#view.height) / size) - 1));
    if (firstVisible === this.#firstVisible && lastVisible === this.#lastVisible) return;
    this.#firstVisible = firstVisible;
    this.#lastVisible = lastVisible;
    if (emit) this.#send({ type: 'visibilityChanged', firstVisible, lastVisible });
  }
}

/** The layout specifier for `virtualize({ layout })`. */
export const fixedRows = (config: FixedRowsConfig = {}) => ({ type: FixedRowsLayout, ...config });
