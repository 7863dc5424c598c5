import { css } from 'lit';

// Colours, radius and font come from the shared theme tokens (elements/core/theme.ts).
export const oauthConnectStyles = css`
  .state { padding: 1rem; border: 1px dashed var(--_border); border-radius: var(--_radius); outline: none; }
  .info p, .note { color: var(--_muted); }
  .ok { border-style: solid; box-shadow: inset 3px 0 0 var(--_accent); }
  .warning, .error { border: 1px solid var(--_error); }
  .error { color: var(--_error); }
  strong { display: block; }
  p { margin: 0.35rem 0 0; }
  ul { margin: 0.5rem 0 0; padding-left: 1.25rem; }
  li { overflow-wrap: anywhere; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-top: 0.75rem; }
  [part~='disconnect'], [part~='cancel'] { background: none; color: var(--_accent); }
  [aria-disabled='true'] { opacity: 0.6; cursor: progress; }
  /* The buttons and the state box (tabindex -1) are all that can take focus. */
  :focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
`;
