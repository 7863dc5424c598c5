import { css } from 'lit';

/** The part of the theme every element includes first: font, text, background, muted, border, error, radius (theme.ts). */
export const themeBase = css`
  :host {
    --_font: var(--wse-font, inherit);
    --_text: var(--wse-color-text, inherit);
    --_background: var(--wse-color-background, transparent);
    --_muted: var(--wse-color-muted, color-mix(in srgb, currentColor 68%, transparent));
    --_border: var(--wse-color-border, color-mix(in srgb, currentColor 18%, transparent));
    --_error: var(--wse-color-error, light-dark(#b00020, #ff8a80));
    --_radius: var(--wse-radius, 8px);
    display: block;
    font: var(--_font);
    color: var(--_text);
    background: var(--_background);
  }
  :host([hidden]) { display: none; }
  .placeholder { padding: 1rem; border: 1px dashed var(--_border); border-radius: var(--_radius); color: var(--_muted); }
`;
