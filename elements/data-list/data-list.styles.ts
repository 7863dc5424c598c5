import { css } from 'lit';

// Colours, radius, spacing and font come from the shared theme tokens (elements/core/theme.ts).
export const dataListStyles = css`
  .state { padding: 1rem; border: 1px dashed var(--_border); border-radius: var(--_radius); color: var(--_muted); }
  strong { display: block; }
  .error, .error strong { border: 1px solid; color: var(--_error); }
  .error strong { border: 0; }
  ol { list-style: none; margin: 0; padding: 0; display: grid; gap: var(--_space); }
  [aria-busy='true'] { opacity: 0.55; }
  .item {
    all: unset;
    box-sizing: border-box;
    display: grid;
    grid-template-columns: repeat(auto-fit, minmax(8rem, 1fr));
    gap: 0.25rem 1rem;
    width: 100%;
    padding: 0.75rem 1rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    cursor: pointer;
  }
  .item:hover, .item[aria-pressed='true'] { border-color: var(--_accent); }
  .item[aria-pressed='true'] { box-shadow: inset 3px 0 0 var(--_accent); }
  button:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
  .label { display: block; font-size: 0.75em; text-transform: uppercase; color: var(--_muted); }
  .value { display: block; overflow-wrap: anywhere; }
  nav { display: flex; align-items: center; justify-content: space-between; gap: 1rem; margin-top: 0.75rem; font-size: 0.9em; color: var(--_muted); }
  .retry { display: block; margin-top: 0.5rem; }
  .state:focus { outline: none; }
  .state:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
  .value.number, .value.currency, .value.percent { font-variant-numeric: tabular-nums; }
  nav button, .retry { font: inherit; padding: 0.35rem 0.9rem; border-radius: var(--_radius); border: 1px solid; background: none; color: var(--_accent); cursor: pointer; }
  nav button:disabled { color: var(--_muted); cursor: auto; }
`;
