import { css } from 'lit';

// The --wix-gate-* properties fall back to data-list's --wix-list-* ones, so one theme styles every element.
export const memberGateStyles = css`
  :host {
    display: block;
    font: inherit;
    --_muted: var(--wix-gate-muted, var(--wix-list-muted, color-mix(in srgb, currentColor 60%, transparent)));
    --_border: var(--wix-gate-border, var(--wix-list-border, color-mix(in srgb, currentColor 15%, transparent)));
    --_radius: var(--wix-gate-radius, var(--wix-list-radius, 8px));
    --_error: var(--wix-gate-error, var(--wix-list-error, #b00020));
  }
  :host([hidden]) { display: none; }
  .status { color: var(--_muted); }
  .error { color: var(--_error); }
  .placeholder { padding: 1rem; border: 1px dashed var(--_border); border-radius: var(--_radius); color: var(--_muted); }
`;
