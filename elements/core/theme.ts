import { css, unsafeCSS } from 'lit';

/**
 * The one set of design tokens every element reads. A site sets them once (on `body`, or on a section) and all
 * elements follow. Each token has a private alias (`--_name`) that the element styles use; the defaults follow
 * the page: fonts and text colour are inherited, and colours switch with `color-scheme: dark`.
 *
 * test/elements/theme.test.ts fails when an element style reads a token or alias not listed here, or when a
 * token listed here is read by no element.
 */
export const THEME_TOKENS = {
  '--wse-font': { alias: '--_font', fallback: 'inherit', description: 'Font of every element. Default: the site font, inherited.' },
  '--wse-color-text': { alias: '--_text', fallback: 'inherit', description: 'Text colour. Default: inherited.' },
  '--wse-color-background': { alias: '--_background', fallback: 'transparent', description: 'Background of the element box.' },
  '--wse-color-surface': { alias: '--_surface', fallback: 'color-mix(in srgb, currentColor 5%, transparent)', description: 'Background of headers, inputs and selected rows.' },
  '--wse-color-accent': { alias: '--_accent', fallback: 'light-dark(#116dff, #7fb0ff)', description: 'Buttons, links, focus rings, selection.' },
  '--wse-color-on-accent': { alias: '--_on-accent', fallback: 'light-dark(#fff, #0b1b33)', description: 'Text on an accent background.' },
  '--wse-color-muted': { alias: '--_muted', fallback: 'color-mix(in srgb, currentColor 68%, transparent)', description: 'Secondary text: labels, status, pager.' },
  '--wse-color-border': { alias: '--_border', fallback: 'color-mix(in srgb, currentColor 18%, transparent)', description: 'Borders and dividers.' },
  '--wse-color-error': { alias: '--_error', fallback: 'light-dark(#b00020, #ff8a80)', description: 'Error text and borders.' },
  '--wse-color-success': { alias: '--_success', fallback: 'light-dark(#1b6e2a, #7bd88f)', description: 'Success messages.' },
  '--wse-radius': { alias: '--_radius', fallback: '8px', description: 'Corner radius of boxes and buttons.' },
  '--wse-space': { alias: '--_space', fallback: '0.5rem', description: 'Base gap between items.' },
} as const;

export type ThemeToken = keyof typeof THEME_TOKENS;

/** `:host` rules that map every token to its alias; put it first in an element's `styles`. */
export const themeStyles = css`
  :host {
    ${unsafeCSS(Object.entries(THEME_TOKENS).map(([token, { alias, fallback }]) => `${alias}:var(${token},${fallback});`).join(''))}
    display: block;
    font: var(--_font);
    color: var(--_text);
    background: var(--_background);
  }
  :host([hidden]) { display: none; }
  .placeholder { padding: 1rem; border: 1px dashed var(--_border); border-radius: var(--_radius); color: var(--_muted); }
`;
