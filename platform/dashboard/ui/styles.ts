import { css } from 'lit';

/**
 * The dashboard's look, on the elements' theme tokens (theme.css sets the private aliases from the public
 * `--wse-*` tokens with the elements' own fallbacks, so a page that themes the elements themes this too).
 */
export const shared = css`
  :host {
    display: block;
    color: var(--_text);
    font-family: var(--_font);
    box-sizing: border-box;
    min-width: 0;
  }
  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }
  h2 {
    font-size: 1.2rem;
    margin: 0 0 calc(var(--_space) * 2);
  }
  h3 {
    font-size: 1rem;
    margin: calc(var(--_space) * 3) 0 var(--_space);
  }
  p {
    margin: var(--_space) 0;
  }
  .muted {
    color: var(--_muted);
  }
  .error {
    color: var(--_error);
    border: 1px solid var(--_error);
    border-radius: var(--_radius);
    padding: var(--_space);
    margin: var(--_space) 0;
    overflow-wrap: anywhere;
  }
  .ok {
    color: var(--_success);
  }
  .card {
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 2);
    margin: 0 0 calc(var(--_space) * 2);
    background: var(--_background);
    min-width: 0;
  }
  .card > h3:first-child {
    margin-top: 0;
  }
  .scroll {
    overflow-x: auto;
    max-width: 100%;
    /* Contains the absolutely positioned screen-reader labels, so they cannot widen the page. */
    position: relative;
  }
  table {
    border-collapse: collapse;
    width: 100%;
    font-size: 0.9rem;
  }
  th,
  td {
    text-align: left;
    padding: calc(var(--_space) * 0.75);
    border-bottom: 1px solid var(--_border);
    vertical-align: top;
  }
  th {
    background: var(--_surface);
    font-weight: 600;
  }
  td.wrap {
    /* break-word (not anywhere): long values wrap, but a column never gets narrower than its words; the table scrolls instead. */
    overflow-wrap: break-word;
    min-width: 6rem;
    max-width: 24rem;
  }
  code,
  .mono {
    font-family: ui-monospace, SFMono-Regular, Menlo, monospace;
    font-size: 0.85em;
    overflow-wrap: anywhere;
  }
  button {
    font: inherit;
    cursor: pointer;
    border-radius: var(--_radius);
    border: 1px solid var(--_accent);
    background: var(--_accent);
    color: var(--_on-accent);
    padding: calc(var(--_space) * 0.6) calc(var(--_space) * 1.5);
    min-height: 2.25rem;
  }
  button.secondary {
    background: transparent;
    color: var(--_accent);
  }
  button.danger {
    background: transparent;
    color: var(--_error);
    border-color: var(--_error);
  }
  button:disabled {
    opacity: 0.6;
    cursor: default;
  }
  button:focus-visible,
  input:focus-visible,
  select:focus-visible,
  textarea:focus-visible,
  a:focus-visible {
    outline: 2px solid var(--_accent);
    outline-offset: 2px;
  }
  input,
  select,
  textarea {
    font: inherit;
    color: inherit;
    background: var(--_surface);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: calc(var(--_space) * 0.6);
    min-height: 2.25rem;
    max-width: 100%;
  }
  label {
    display: flex;
    flex-direction: column;
    gap: calc(var(--_space) * 0.5);
    font-size: 0.9rem;
  }
  label.inline {
    flex-direction: row;
    align-items: center;
  }
  .row {
    display: flex;
    flex-wrap: wrap;
    gap: var(--_space);
    align-items: flex-end;
  }
  .row > * {
    min-width: 0;
  }
  .badge {
    display: inline-block;
    border-radius: 999px;
    padding: 0 var(--_space);
    background: var(--_surface);
    border: 1px solid var(--_border);
    font-size: 0.8rem;
    white-space: nowrap;
  }
  .badge.flag {
    border-color: var(--_error);
    color: var(--_error);
  }
  .shown-once {
    border: 2px solid var(--_accent);
    border-radius: var(--_radius);
    padding: var(--_space);
    margin: var(--_space) 0;
  }
  .sr-only {
    position: absolute;
    width: 1px;
    height: 1px;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
  }
`;
