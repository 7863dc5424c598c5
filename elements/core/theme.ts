import { themeAccent } from './theme-accent.ts';
import { themeBase } from './theme-base.ts';
import { themePanel } from './theme-panel.ts';

export { themeAccent, themeBase, themePanel };

/**
 * The one set of design tokens every element reads (listed with their meaning in theme-tokens.ts). A site sets
 * them once, on `body` or a section, and every element follows. Each token has a private alias (`--_name`)
 * that the element styles use. Defaults follow the page: the font and text colour are inherited, and colours
 * switch with `color-scheme: dark`. Written out literally so the editor bundles carry no token table;
 * test/elements/theme.test.ts checks it against theme-tokens.ts.
 *
 * The block comes in three parts, one module each (a bundler keeps every css`` call of a module it loads), so that an element declares only the aliases it reads (bundle size): every
 * element includes `themeBase` first, then `themeAccent` if it has buttons, links or focus rings, and `themePanel`
 * if it has panels, success messages or gaps. The test checks that every alias an element reads is declared by a
 * part it includes. `themeStyles` is the whole block (for a page's own elements that follow the same tokens).
 */
export const themeStyles = [themeBase, themeAccent, themePanel];
