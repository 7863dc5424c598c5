import { css } from 'lit';

// Only the private aliases of elements/core/theme.ts: one set of tokens themes every element.
export const dataFormStyles = css`
  form { display: grid; gap: calc(var(--_space) * 2); }
  [part~='field'] { display: grid; gap: calc(var(--_space) / 2); }
  .checkbox { grid-template-columns: auto 1fr; align-items: center; column-gap: var(--_space); }
  .checkbox > :not(input) { grid-column: 1 / -1; }
  [part~='label'] { font-weight: 600; }
  .req { color: var(--_error); margin-inline-start: 0.2em; }
  .help, .note { margin: 0; color: var(--_muted); font-size: 0.9em; }
  [part~='input']:not([type='checkbox']) {
    font: inherit;
    color: inherit;
    box-sizing: border-box;
    width: 100%;
    padding: calc(var(--_space) * 0.8) var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }
  textarea[part~='input'] { min-height: 6em; resize: vertical; }
  [part~='input'][aria-invalid='true'] { border-color: var(--_error); }
  [part~='input']:focus-visible, button:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
  [part~='error'] { margin: 0; color: var(--_error); font-size: 0.9em; }
  ::slotted([data-wix-form-error]) { color: var(--_error); }
  .actions { display: flex; gap: var(--_space); }
  button {
    font: inherit;
    padding: calc(var(--_space) * 0.8) calc(var(--_space) * 2);
    border: 1px solid var(--_accent);
    border-radius: var(--_radius);
    background: var(--_accent);
    color: var(--_on-accent);
    cursor: pointer;
  }
  button[aria-disabled='true'], button:disabled { opacity: 0.6; cursor: progress; }
  .status { margin: 0; }
  .status.shown { margin-top: var(--_space); }
  .status.error { color: var(--_error); }
  .status.success { color: var(--_success); font-weight: 600; }
  .box { padding: 1rem; border: 1px solid var(--_border); border-radius: var(--_radius); }
  .box.error { border-color: var(--_error); color: var(--_error); }
  .box p { margin: 0.35rem 0 0; }
`;
