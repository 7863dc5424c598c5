import { css } from 'lit';

/** The theme's accent colours (theme.ts): buttons, links, focus rings, selection. */
export const themeAccent = css`
  :host {
    --_accent: var(--wse-color-accent, light-dark(#116dff, #7fb0ff));
    --_on-accent: var(--wse-color-on-accent, light-dark(#fff, #0b1b33));
  }
`;
