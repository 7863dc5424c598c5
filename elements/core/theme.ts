import { css } from 'lit';

/**
 * The one set of design tokens every element reads (listed with their meaning in theme-tokens.ts). A site sets
 * them once, on `body` or a section, and every element follows. Each token has a private alias (`--_name`)
 * that the element styles use. Defaults follow the page: the font and text colour are inherited, and colours
 * switch with `color-scheme: dark`. Written out literally so the editor bundles carry no token table;
 * test/elements/theme.test.ts checks it against theme-tokens.ts.
 */
export const themeStyles = css`
  :host {
    --_font: var(--wse-font, inherit);
    --_text: var(--wse-color-text, inherit);
    --_background: var(--wse-color-background, transparent);
    --_surface: var(--wse-color-surface, color-mix(in srgb, currentColor 5%, transparent));
    --_accent: var(--wse-color-accent, light-dark(#116dff, #7fb0ff));
    --_on-accent: var(--wse-color-on-accent, light-dark(#fff, #0b1b33));
    --_muted: var(--wse-color-muted, color-mix(in srgb, currentColor 68%, transparent));
    --_border: var(--wse-color-border, color-mix(in srgb, currentColor 18%, transparent));
    --_error: var(--wse-color-error, light-dark(#b00020, #ff8a80));
    --_success: var(--wse-color-success, light-dark(#1b6e2a, #7bd88f));
    --_radius: var(--wse-radius, 8px);
    --_space: var(--wse-space, 0.5rem);
    display: block;
    font: var(--_font);
    color: var(--_text);
    background: var(--_background);
  }
  :host([hidden]) { display: none; }
  .placeholder { padding: 1rem; border: 1px dashed var(--_border); border-radius: var(--_radius); color: var(--_muted); }
`;
