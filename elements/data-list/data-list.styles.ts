import { css } from 'lit';

export const dataListStyles = css`
  :host {
    display: block;
    font: inherit;
    color: var(--wix-list-fg, inherit);
    background: var(--wix-list-bg, transparent);
    --_accent: var(--wix-list-accent, #116dff);
    --_muted: var(--wix-list-muted, color-mix(in srgb, currentColor 60%, transparent));
    --_border: var(--wix-list-border, color-mix(in srgb, currentColor 15%, transparent));
    --_radius: var(--wix-list-radius, 8px);
    --_gap: var(--wix-list-gap, 0.5rem);
    --_error: var(--wix-list-error, #b00020);
  }
  :host([hidden]) { display: none; }
  .state {
    padding: 1rem;
    border: 1px dashed var(--_border);
    border-radius: var(--_radius);
    color: var(--_muted);
  }
  .state strong { display: block; color: var(--wix-list-fg, inherit); margin-bottom: 0.25rem; }
  .state.error { border-style: solid; border-color: var(--_error); color: var(--_error); }
  .state.error strong { color: var(--_error); }
  ol {
    list-style: none;
    margin: 0;
    padding: 0;
    display: grid;
    gap: var(--_gap);
  }
  ol[aria-busy='true'] { opacity: 0.55; transition: opacity 120ms; }
  button.item {
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
  button.item:hover { border-color: var(--_accent); }
  button.item:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
  button.item[aria-pressed='true'] { border-color: var(--_accent); box-shadow: inset 3px 0 0 var(--_accent); }
  .label { display: block; font-size: 0.75em; text-transform: uppercase; letter-spacing: 0.04em; color: var(--_muted); }
  .value { display: block; overflow-wrap: anywhere; }
  .pager {
    display: flex;
    align-items: center;
    justify-content: space-between;
    gap: 1rem;
    margin-top: 0.75rem;
    font-size: 0.9em;
    color: var(--_muted);
  }
  .pager button {
    font: inherit;
    padding: 0.35rem 0.9rem;
    border-radius: var(--_radius);
    border: 1px solid var(--_accent);
    background: transparent;
    color: var(--_accent);
    cursor: pointer;
  }
  .pager button:disabled { border-color: var(--_border); color: var(--_muted); cursor: not-allowed; }
  .pager button:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
  .visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
`;
