import { css } from 'lit';

export const dataTableStyles = css`
  :host {
    display: flex;
    flex-direction: column;
    gap: var(--_space);
    height: 28rem;
  }
  :host([paging='pages']) { height: auto; }
  .state { padding: 1rem; border: 1px dashed var(--_border); border-radius: var(--_radius); color: var(--_muted); }
  .state strong { color: var(--_text); }
  .error, .state.error, .state.error strong { color: var(--_error); border-color: currentColor; }
  /* On the page's background, not the engine's default button grey (WebKit's made the error text too faint). */
  .state button { background: none; border: 1px solid currentColor; border-radius: var(--_radius); padding: 0.2rem 0.7rem; }
  .toolbar { display: flex; flex-wrap: wrap; gap: var(--_space); align-items: center; }
  input[type='search'] {
    font: inherit;
    color: inherit;
    flex: 1 1 12rem;
    padding: 0.45rem 0.7rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  .chips { display: flex; flex-wrap: wrap; gap: calc(var(--_space) / 2); }
  button { font: inherit; color: inherit; cursor: pointer; }
  .chip { padding: 0.3rem 0.8rem; border-radius: 999px; border: 1px solid var(--_border); background: none; }
  .chip[aria-pressed='true'] { background: var(--_accent); border-color: var(--_accent); color: var(--_on-accent); }
  .grid {
    flex: 1 1 auto;
    min-height: 10rem;
    display: flex;
    flex-direction: column;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    overflow: hidden;
  }
  .head, .body { scrollbar-gutter: stable; }
  .head { overflow: hidden; background: var(--_surface); border-bottom: 1px solid var(--_border); flex: none; }
  .body { flex: 1 1 auto; overflow: auto; position: relative; min-height: 0; }
  :host([paging='pages']) .body { overflow: visible; }
  .row { display: grid; box-sizing: border-box; width: 100%; min-height: 2.5rem; align-items: center; }
  /* Body rows have one fixed height (the virtualizer's layout places them by it, nothing is measured while scrolling),
     and each row's layout and paint stay inside it. The scroller's size does not depend on its rows. */
  .body .row { border-bottom: 1px solid var(--_border); height: 2.5rem; overflow: hidden; contain: strict; }
  :host(:not([paging='pages'])) .body { contain: strict; }
  .row[aria-selected='true'] { background: var(--_surface); box-shadow: inset 3px 0 0 var(--_accent); }
  .cell { padding: 0.4rem 0.75rem; overflow: hidden; text-overflow: ellipsis; white-space: nowrap; min-width: 0; }
  .header .cell { font-weight: 600; }
  .header button { all: unset; cursor: pointer; display: inline-flex; gap: 0.35rem; align-items: center; max-width: 100%; }
  .arrow { font-size: 0.75em; color: var(--_muted); }
  .number { text-align: end; font-variant-numeric: tabular-nums; }
  .image { padding-block: 0.2rem; }
  img { display: block; height: 2rem; width: 3rem; object-fit: cover; border-radius: calc(var(--_radius) / 2); background: var(--_surface); }
  a { color: var(--_accent); }
  .pending .cell { color: var(--_muted); }
  [aria-busy='true'] .body { opacity: 0.55; }
  [tabindex='0']:focus-visible, .header button:focus-visible, .chip:focus-visible, input:focus-visible, .status button:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: -2px;
  }
  .status { display: flex; flex-wrap: wrap; align-items: center; justify-content: space-between; gap: var(--_space); font-size: 0.9em; color: var(--_muted); }
  .status button { padding: 0.3rem 0.9rem; border: 1px solid currentColor; border-radius: var(--_radius); background: none; color: var(--_accent); }
  .status button:disabled { color: var(--_muted); cursor: auto; }
`;
