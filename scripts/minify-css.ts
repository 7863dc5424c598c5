import type { Plugin } from 'vite';

/** Collapses the CSS inside Lit `css\`...\`` templates (the JS minifier leaves template text alone). */
export function minifyLitCss(): Plugin {
  return {
    name: 'wix-minify-lit-css',
    transform(code, id) {
      if (!/[\\/]elements[\\/].*\.styles\.ts$/.test(id)) return null;
      const out = code.replace(/css`([^`$]*)`/g, (_all, body: string) => {
        const min = body
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\s+/g, ' ')
          .replace(/\s*([{};:,>])\s*/g, '$1')
          .replace(/;}/g, '}')
          .trim();
        return `css\`${min}\``;
      });
      return out === code ? null : { code: out, map: null };
    },
  };
}
