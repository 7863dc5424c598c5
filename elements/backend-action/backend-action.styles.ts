import { css } from 'lit';

// Only the theme's private aliases (elements/core/theme.ts): one set of tokens styles every element.
export const backendActionStyles = css`
  .action, .confirm { display: flex; flex-wrap: wrap; align-items: center; gap: var(--_space); }
  button[hidden] { display: none; }
  button:disabled { opacity: 0.5; cursor: not-allowed; }
  button[aria-disabled='true'] { opacity: 0.75; cursor: progress; }
  button:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
  [part~='cancel'] { background: transparent; color: inherit; border-color: var(--_border); }
  /* A small spinner while running; it turns only for people who have not asked for less motion (else a still ring). */
  button[aria-busy='true']::before {
    content: '';
    display: inline-block;
    width: 0.8em;
    height: 0.8em;
    margin-inline-end: 0.5em;
    vertical-align: -0.1em;
    border: 2px solid currentColor;
    border-right-color: transparent;
    border-radius: 50%;
  }
  @media (prefers-reduced-motion: no-preference) {
    button[aria-busy='true']::before { animation: spin 0.8s linear infinite; }
  }
  @keyframes spin { to { transform: rotate(1turn); } }
  .confirm { padding: var(--_space); border: 1px solid var(--_border); border-radius: var(--_radius); background: var(--_surface); }
  .prompt, .status, .error { overflow-wrap: anywhere; }
  .status { color: var(--_muted); }
  .status.success { color: var(--_success); }
  .error { color: var(--_error); }
  .status:not(:empty), .error:not(:empty) { margin-top: var(--_space); }
`;
