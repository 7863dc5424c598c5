/**
 * @lit-labs/virtualizer 2.1.1 rebuilds its list of children (walking the DOM) once per positioned child in
 * `_positionChildren`, quadratic in the rows on screen: in a Chromium CPU profile of a 10,000-row scroll it was
 * over half of all main-thread time. This positions the same way with the list built once, and leaves alone the
 * rows already in place (with fixed-height rows, all but the ones that just scrolled in). The version is
 * pinned; test/elements/data-table.test.ts fails if the internals this relies on change. The class is not
 * exported, so the prototype is reached through a live instance (`element[virtualizerRef]`).
 */
type Position = { top: number; left: number; width?: number; height?: number; xOffset?: number; yOffset?: number };
interface VirtualizerInternals {
  _first: number;
  readonly _children: HTMLElement[];
  _positionChildren(pos: Map<number, Position> | undefined): void;
}

const patched = new WeakSet<object>();
/** Where each row was last put (its position and size as one string). */
const placed = new WeakMap<HTMLElement, string>();

/** Patches the class of `virtualizer` once; false when its internals are not the ones this was written for. */
export function patchVirtualizer(virtualizer: unknown): boolean {
  const proto = virtualizer ? (Object.getPrototypeOf(virtualizer) as VirtualizerInternals) : undefined;
  if (!proto) return false;
  if (patched.has(proto)) return true;
  if (typeof proto._positionChildren !== 'function' || Object.getOwnPropertyDescriptor(proto, '_children')?.get === undefined) return false;
  patched.add(proto);
  proto._positionChildren = function (this: VirtualizerInternals, pos) {
    if (!pos) return;
    const children = this._children;
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
