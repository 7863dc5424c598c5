import { css } from 'lit';

export const dataTableStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--_space);
    height: 28rem;
  }
  /* Only a state box (loading, empty, error, not connected): the table is as tall as the box, not 28rem. */
  :host([paging='pages']), :host(:state(placeholder)) { height: auto; }
  .state { padding: 1rem; border: 1px dashed var(--_border); border-radius: var(--_radius); color: var(--_muted); }
  .state strong { color: var(--_text); }
  .error, .state.error, .state.error strong { color: var(--_error); border-color: currentColor; }
  /* On the page's background, not the engine's default button grey (WebKit's made the error text too faint). */
  .state button { background: none; border: 1px solid currentColor; border-radius: var(--_radius); padding: 0.2rem 0.7rem; }
  .toolbar { display: flex; flex-wrap: wrap; gap: var(--_space); align-items: center; container-type: inline-size; }
  input[type='search'] {
    font: inherit;
    color: inherit;
    flex: 1 1 12rem;
    min-width: 0;
    padding: 0.45rem 0.7rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .chips { display: flex; flex-wrap: wrap; gap: calc(var(--_space) / 2); }
  /* In a narrow table the chips stay on one line that scrolls sideways, so the toolbar does not push the grid out. */
  @container (max-width: 30rem) {
    .chips { flex-wrap: nowrap; overflow-x: auto; scrollbar-width: thin; min-width: 0; flex: 1 1 100%; padding-block-end: 2px; }
    .chip { flex: none; }
  }
  button { font: inherit; color: inherit; cursor: pointer; }
  .chip { padding: 0.3rem 0.8rem; border-radius: 999px; border: 1px solid var(--_border); background: none; }
  .chip[aria-pressed='true'] { background: var(--_accent); border-color: var(--_accent); color: var(--_on-accent); }
  .grid {
    flex: 1 1 auto;
    min-height: 8rem;
    display: flex;
    flex-direction: column;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
    position: relative;
  }
  /* The header is clipped, not a scroller: it follows the body's horizontal scroll by a transform, and as wide as the
     body's inside (measured; data-table.ts sets the width), so the body's vertical scrollbar never covers the last header. */
  .head { overflow: clip; background: var(--_surface); border-bottom: 1px solid var(--_border); flex: none; }
  .body { flex: 1 1 auto; overflow: auto; position: relative; min-height: 0; }
  .body:focus { outline: none; }
  :host([paging='pages']) .body { overflow: auto hidden; }
  /* Columns sized from their type and content (columns.ts); a row is never narrower than its columns nor than the
     table, so its border and the selected background run the whole way. */
  .row {
    display: grid;
    box-sizing: border-box;
    width: 100%;
    min-height: 2.5rem;
    align-items: center;
    position: relative;
  }
  .span { grid-column: 1 / -1; }
  /* A shadow at each edge that has columns beyond it. */
  .grid::before, .grid::after {
    content: '';
    position: absolute;
    top: 0;
    bottom: 0;
    width: 1rem;
    pointer-events: none;
    opacity: 0;
    z-index: 1;
  }
  .grid::before { left: 0; background: linear-gradient(to right, color-mix(in srgb, currentColor 22%, transparent), transparent); }
  .grid::after { right: 0; background: linear-gradient(to left, color-mix(in srgb, currentColor 22%, transparent), transparent); }
  .grid[data-more~='start']::before, .grid[data-more~='end']::after { opacity: 1; }
  /* Body rows have one fixed height (the virtualizer's layout places them by it, nothing is measured while scrolling),
     and each row's layout and paint stay inside it. The scroller's size does not depend on its rows. */
  .body .row { border-bottom: 1px solid var(--_border); height: 2.5rem; overflow: hidden; contain: strict; }
  /* A scroller of its own layer: Chromium otherwise scrolls it by repainting (it keeps LCD text on a transparent
     background), about 15% more long frames in the throttled scroll benchmark. */
  :host(:not([paging='pages'])) .body { contain: strict; will-change: scroll-position; }
  /* A flick draws no rows until it slows (fixed-rows-layout.ts): row lines scroll by in their place. The row height is
     the background's size, set with the attribute. */
  .body[data-flick] {
    background-image: linear-gradient(to bottom, transparent calc(100% - 1px), var(--_border) calc(100% - 1px));
    background-attachment: local;
  }
  .row[aria-selected='true'] { background: var(--_surface); box-shadow: inset 3px 0 0 var(--_accent); }
  .cell { padding: 0.4rem 0.75rem; white-space: nowrap; min-width: 0; }
  /* Only cells whose text might not fit clip (text-fit.ts): a clip per cell was a fifth of a throttled scroll's work. */
  .clip, .header .cell { overflow: hidden; text-overflow: ellipsis; }
  .end { text-align: end; font-variant-numeric: tabular-nums; }
  .header .cell { font-weight: 600; position: relative; }
  /* The end edge of a header: drag it to resize the column (Alt+Arrow keys do the same from the keyboard). */
  .resizer { position: absolute; inset-block: 0; inset-inline-end: 0; width: 0.5rem; cursor: col-resize; touch-action: none; }
  .resizer:hover { background: color-mix(in srgb, var(--_accent) 35%, transparent); }
  .header button { all: unset; cursor: pointer; display: inline-flex; gap: 0.35rem; align-items: center; max-width: 100%; }
  .header .end button { flex-direction: row-reverse; }
  .label { overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
  .header .cell > .label { display: block; }
  .arrow { font-size: 0.75em; color: var(--_muted); }
  .number { text-align: end; font-variant-numeric: tabular-nums; }
  .image { padding-block: 0.2rem; }
  img { display: block; height: 2rem; width: 3rem; object-fit: cover; border-radius: calc(var(--_radius) / 2); background: var(--_surface); }
  /* The accent mixed a fifth toward the text colour: 4.5:1 and more on the page's background and on a selected row's
     surface alike (the plain accent was 4.02:1 on the surface). */
  a { color: color-mix(in srgb, var(--_accent) 80%, currentColor); }
  .pending .cell { color: var(--_muted); }
  [aria-busy='true'] .body { opacity: 0.55; }
  [tabindex='0']:focus-visible, .header button:focus-visible, .chip:focus-visible, input:focus-visible, .status button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: -2px;
  }
  .sort-note { flex: 1 1 auto; text-align: end; }
  .status { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: var(--_space); font-size: 0.9em; color: var(--_muted); }
  .status button { padding: 0.3rem 0.9rem; border: 1px solid currentColor; border-radius: var(--_radius); background: none; color: var(--_accent); }
  .status button:disabled { color: var(--_muted); cursor: auto; }
`;
