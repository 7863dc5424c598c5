/**
 * The theme tokens, with their private alias, default and meaning: the reference for the README and for the
 * token test. Not imported by any element (the CSS in theme.ts is written out), so it costs no bundle bytes.
 */
export const THEME_TOKENS = {
  '--wse-font': { alias: '--_font', fallback: 'inherit', description: 'Font of every element. Default: the site font, inherited.' },
  '--wse-color-text': { alias: '--_text', fallback: 'inherit', description: 'Text colour. Default: inherited.' },
  '--wse-color-background': { alias: '--_background', fallback: 'transparent', description: 'Background of the element box.' },
  '--wse-color-surface': {
    alias: '--_surface',
    fallback: 'color-mix(in srgb, currentColor 5%, transparent)',
    description: 'Background of headers, inputs and selected rows.',
  },
  '--wse-color-accent': { alias: '--_accent', fallback: 'light-dark(#116dff, #7fb0ff)', description: 'Buttons, links, focus rings, selection.' },
  '--wse-color-on-accent': { alias: '--_on-accent', fallback: 'light-dark(#fff, #0b1b33)', description: 'Text on an accent background.' },
  '--wse-color-muted': {
    alias: '--_muted',
    fallback: 'color-mix(in srgb, currentColor 68%, transparent)',
    description: 'Secondary text: labels, status, pager.',
  },
  '--wse-color-border': { alias: '--_border', fallback: 'color-mix(in srgb, currentColor 18%, transparent)', description: 'Borders and dividers.' },
  '--wse-color-error': { alias: '--_error', fallback: 'light-dark(#b00020, #ff8a80)', description: 'Error text and borders.' },
  '--wse-color-success': { alias: '--_success', fallback: 'light-dark(#1b6e2a, #7bd88f)', description: 'Success messages.' },
  '--wse-radius': { alias: '--_radius', fallback: '8px', description: 'Corner radius of boxes and buttons.' },
  '--wse-space': { alias: '--_space', fallback: '0.5rem', description: 'Base gap between items.' },
} as const;

export type ThemeToken = keyof typeof THEME_TOKENS;
