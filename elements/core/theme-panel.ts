import { css } from 'lit';

/** The theme's panel tokens (theme.ts): surfaces (headers, inputs, selected rows), success messages, gaps. */
export const themePanel = css`
  :host {
    --_surface: var(--wse-color-surface, color-mix(in srgb, currentColor 5%, transparent));
    --_success: var(--wse-color-success, light-dark(#1b6e2a, #7bd88f));
    --_space: var(--wse-space, 0.5rem);
  }
`;
