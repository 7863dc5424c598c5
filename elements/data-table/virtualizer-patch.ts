/**
 * @lit-labs/virtualizer 2.1.1 rebuilds its list of children (walking the DOM) once per positioned child in
 * `_positionChildren`, quadratic in the rows on screen: in a Chromium CPU profile of a 10,000-row scroll it was
 * over half of all main-thread time. This positions the same way with the list built once, and leaves alone the
 * rows already in place (with fixed-height rows, all but the ones that just scrolled in). The version is
 * pinned; test/elements/data-table.test.ts fails if the internals this relies on change. The class is not
 * exported, so the prototype is reached through a live instance (`element[virtualizerRef]`). The update after each
 * DOM change (`_finishDOMUpdate`) and the sizer are patched too (see below).
 */
type Position = { top: number; left: number; width?: number; height?: number; xOffset?: number; yOffset?: number };
interface VirtualizerInternals {
  _first: number;
  _connected: boolean;
  _childrenPos: Map<number, Position> | undefined;
  _scrollSize: { width: number | null; height: number | null } | null;
  _childrenRO: ResizeObserver;
  readonly _children: HTMLElement[];
  _positionChildren(pos: Map<number, Position> | undefined, children?: HTMLElement[]): void;
  _finishDOMUpdate(): void;
  _checkScrollIntoViewTarget(pos: Map<number, Position> | undefined): void;
  _sizeHostElement(size: { width: number | null; height: number | null } | null): void;
  _correctScrollError(): void;
  _mutationObserver: MutationObserver | null | undefined;
  _hostElement: HTMLElement;
}

const patched = new WeakSet<object>();
/** Where each row was last put (its position and size as one string). */
const placed = new WeakMap<HTMLElement, string>();
/** Rows the virtualizer's resize observer already watches (a row drawn again keeps its node, row-dom.ts). */
const observed = new WeakSet<HTMLElement>();
/** The size each virtualizer last gave its sizer. */
const sized = new WeakMap<object, string>();

/** Patches the class of `virtualizer` once; false when its internals are not the ones this was written for. */
export function patchVirtualizer(virtualizer: unknown): boolean {
  const proto = virtualizer ? (Object.getPrototypeOf(virtualizer) as VirtualizerInternals) : undefined;
  if (!proto) return false;
  if (patched.has(proto)) return true;
  const live = virtualizer as VirtualizerInternals;
  const methods = ['_positionChildren', '_finishDOMUpdate', '_checkScrollIntoViewTarget', '_sizeHostElement', '_correctScrollError'] as const;
  if (methods.some((name) => typeof proto[name] !== 'function') || Object.getOwnPropertyDescriptor(proto, '_children')?.get === undefined) return false;
  patched.add(proto);
  const sizeHost = proto._sizeHostElement;
  /**
   * After each DOM update: the same steps as the original, with the children listed once (not once here and once per
   * row positioned), only new rows given to the resize observer (observing a row again re-delivers its size), and
   * the sizer written only when the scroll size changed (the original rewrote it on every update, so every frame
   * had a style recalculation and a layout to do even when no row changed).
   */
  proto._finishDOMUpdate = function (this: VirtualizerInternals) {
    if (!this._connected) return;
    const children = this._children;
    for (const child of children) {
      if (observed.has(child)) continue;
      observed.add(child);
      this._childrenRO.observe(child);
    }
    this._checkScrollIntoViewTarget(this._childrenPos);
    this._positionChildren(this._childrenPos, children);
    this._sizeHostElement(this._scrollSize);
    this._correctScrollError();
  };
  // The live instance's mutation observer was made with the original method bound; later instances bind this one.
  if (live._mutationObserver) {
    live._mutationObserver.disconnect();
    live._mutationObserver = new MutationObserver(() => live._finishDOMUpdate());
    live._mutationObserver.observe(live._hostElement, { childList: true });
  }
  proto._sizeHostElement = function (this: VirtualizerInternals, size) {
    const key = `${size?.width} ${size?.height}`;
    if (sized.get(this) === key) return;
    sized.set(this, key);
    sizeHost.call(this, size);
  };
  proto._positionChildren = function (this: VirtualizerInternals, pos, list) {
    if (!pos) return;
    const children = list ?? this._children;
    pos.forEach(({ top, left, width, height, xOffset, yOffset }, index) => {
      const child = children[index - this._first];
      if (!child) return;
      // A row that is already where it should be is not written to: a style write marks the row for a style
      // recalculation even when the value is the same, and every frame of a scroll positions every row in range.
      const place = `${left} ${top} ${width} ${height} ${xOffset} ${yOffset}`;
      if (placed.get(child) === place) return;
      placed.set(child, place);
      const style = child.style;
      style.position = 'absolute';
      style.boxSizing = 'border-box';
      style.transform = `translate(${left}px, ${top}px)`;
      if (width !== undefined) style.width = `${width}px`;
      if (height !== undefined) style.height = `${height}px`;
      style.left = xOffset === undefined ? '' : `${xOffset}px`;
      style.top = yOffset === undefined ? '' : `${yOffset}px`;
    });
  };
  return true;
}
