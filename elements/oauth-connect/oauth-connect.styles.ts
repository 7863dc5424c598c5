import { css } from 'lit';

// The --wix-connect-* properties fall back to data-list's --wix-list-* ones, so one theme styles every element.
export const oauthConnectStyles = css`
  :host {
    display: block;
    font: inherit;
    color: var(--wix-connect-fg, var(--wix-list-fg, inherit));
    background: var(--wix-connect-bg, var(--wix-list-bg, transparent));
    --_accent: var(--wix-connect-accent, var(--wix-list-accent, #116dff));
    --_muted: var(--wix-connect-muted, var(--wix-list-muted, color-mix(in srgb, currentColor 60%, transparent)));
    --_border: var(--wix-connect-border, var(--wix-list-border, color-mix(in srgb, currentColor 15%, transparent)));
    --_radius: var(--wix-connect-radius, var(--wix-list-radius, 8px));
    --_error: var(--wix-connect-error, var(--wix-list-error, #b00020));
  }
  :host([hidden]) { display: none; }
  .state { padding: 1rem; border: 1px dashed var(--_border); border-radius: var(--_radius); outline: none; }
  .info p, .note { color: var(--_muted); }
  .ok { border-style: solid; box-shadow: inset 3px 0 0 var(--_accent); }
  .warning { border: 1px solid var(--_error); }
  .error { border: 1px solid; color: var(--_error); }
  strong { display: block; }
  p { margin: 0.35rem 0 0; }
  ul { margin: 0.5rem 0 0; padding-left: 1.25rem; }
  li { overflow-wrap: anywhere; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; margin-top: 0.75rem; }
  button {
    font: inherit;
    padding: 0.4rem 1rem;
    border-radius: var(--_radius);
    border: 1px solid var(--_accent);
    background: var(--_accent);
    color: #fff;
    cursor: pointer;
  }
  [part~='disconnect'], [part~='cancel'] { background: none; color: var(--_accent); }
  button[aria-disabled='true'] { opacity: 0.6; cursor: progress; }
  button:focus-visible, .state:focus-visible { outline: 2px solid var(--_accent); outline-offset: 2px; }
`;
