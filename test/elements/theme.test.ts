import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import type { CSSResultGroup, CSSResultOrNative } from 'lit';
import { themeAccent, themeBase, themePanel, themeStyles } from '../../elements/core/theme.ts';
import { THEME_TOKENS } from '../../elements/core/theme-tokens.ts';
import { WixDataList } from '../../elements/data-list/define.ts';
import { WixDataTable } from '../../elements/data-table/define.ts';
import { WixMemberGate } from '../../elements/member-gate/define.ts';
import { WixOAuthConnect } from '../../elements/oauth-connect/define.ts';
import { WixDataForm } from '../../elements/data-form/define.ts';
import { WixBackendAction } from '../../elements/backend-action/define.ts';

/** Every element of the package, by tag (a new element must be added here, or the manifest check below fails). */
const ELEMENTS: Record<string, { styles?: CSSResultGroup }> = {
  'wix-data-list': WixDataList,
  'wix-data-table': WixDataTable,
  'wix-member-gate': WixMemberGate,
  'wix-oauth-connect': WixOAuthConnect,
  'wix-data-form': WixDataForm,
  'wix-backend-action': WixBackendAction,
};

const cssText = (group: CSSResultGroup | undefined): string =>
  [group ?? []]
    .flat(Infinity as 1)
    .map((s) => (s as CSSResultOrNative & { cssText?: string }).cssText ?? '')
    .join('\n');

const reads = (css: string, prefix: string) => new Set([...css.matchAll(new RegExp(`var\\((${prefix}[\\w-]+)`, 'g'))].map((m) => m[1]!));
const declares = (css: string) => new Set([...css.matchAll(/(--_[\w-]+)\s*:/g)].map((m) => m[1]!));

const tokens = new Set(Object.keys(THEME_TOKENS));
const aliasOf = new Map<string, string>(Object.entries(THEME_TOKENS).map(([token, { alias }]) => [alias, token]));
const themeCss = cssText(themeStyles);
const THEME_PARTS: unknown[] = [themeBase, themeAccent, themePanel];

/** The theme parts an element includes (in its styles, in order). */
const partsOf = (tag: string) => [ELEMENTS[tag]!.styles].flat(Infinity as 1).filter((s) => THEME_PARTS.includes(s));

/** The element's own styles, without the shared theme parts. */
const ownCss = (tag: string) => cssText([ELEMENTS[tag]!.styles].flat(Infinity as 1).filter((s) => !THEME_PARTS.includes(s)) as CSSResultGroup);

describe('theme tokens', () => {
  it('the theme block declares exactly the listed tokens, each with its alias and default', () => {
    const declared = [...themeCss.matchAll(/(--_[\w-]+)\s*:\s*var\((--wse-[\w-]+),\s*([^;]+?)\)\s*;/g)].map((m) => [m[2], { alias: m[1], fallback: m[3] }]);
    expect(Object.fromEntries(declared)).to.deep.equal(
      Object.fromEntries(Object.entries(THEME_TOKENS).map(([t, { alias, fallback }]) => [t, { alias, fallback }])),
    );
  });

  it('the whole block is the three parts, each declaring its own tokens (no token in two parts)', () => {
    expect(themeStyles).to.deep.equal([themeBase, themeAccent, themePanel]);
    const declared = [themeBase, themeAccent, themePanel].map((part) => [...declares(cssText(part))]);
    expect(declared.flat().length).to.equal(new Set(declared.flat()).size);
    expect(declared.flat().sort()).to.deep.equal([...aliasOf.keys()].sort());
  });

  it('every element includes the base part first, and each theme part at most once', () => {
    for (const [tag, element] of Object.entries(ELEMENTS)) {
      const group = [element.styles].flat(Infinity as 1);
      expect(group[0], tag).to.equal(themeBase);
      expect(new Set(partsOf(tag)).size, tag).to.equal(partsOf(tag).length);
    }
  });

  it('every alias an element reads is declared by a theme part it includes (or by its own styles)', () => {
    for (const tag of Object.keys(ELEMENTS)) {
      const declared = new Set(partsOf(tag).flatMap((part) => [...declares(cssText(part as CSSResultGroup))]));
      const css = ownCss(tag);
      const local = declares(css);
      // The base part's own rules (the placeholder box) read aliases too.
      for (const alias of [...reads(css, '--_'), ...reads(cssText(themeBase), '--_')])
        expect(declared.has(alias) || local.has(alias), `${tag} reads ${alias}, which none of its theme parts declares`).to.equal(true);
    }
  });

  it('no element reads an undefined token, an old per-element property, or an alias it does not declare', () => {
    for (const tag of Object.keys(ELEMENTS)) {
      const css = ownCss(tag);
      for (const token of reads(css, '--wse-')) expect(tokens.has(token), `${tag} reads undefined token ${token}`).to.equal(true);
      expect([...reads(css, '--wix-')], `${tag} reads old --wix-* properties`).to.deep.equal([]);
      const local = declares(css);
      for (const alias of reads(css, '--_')) expect(aliasOf.has(alias) || local.has(alias), `${tag} reads ${alias}, which nothing declares`).to.equal(true);
    }
  });

  it('every token is read by some element (no unused tokens)', () => {
    const readAnywhere = new Set(
      [themeCss.replace(/--_[\w-]+:var\(--wse-[^;]*;/g, ''), ...Object.keys(ELEMENTS).map(ownCss)].flatMap((css) => [...reads(css, '--_')]),
    );
    const unused = [...aliasOf].filter(([alias]) => !readAnywhere.has(alias)).map(([, token]) => token);
    expect(unused).to.deep.equal([]);
  });

  it('the manifest documents, for each element, exactly the real tokens its styles read', async () => {
    const manifest = await (await fetch('/custom-elements.json')).json();
    const declarations = manifest.modules.flatMap((m: any) => m.declarations ?? []).filter((d: any) => d.tagName);
    expect(declarations.map((d: any) => d.tagName).sort()).to.deep.equal(Object.keys(ELEMENTS).sort());
    for (const declaration of declarations) {
      const documented = new Set<string>((declaration.cssProperties ?? []).map((p: any) => p.name));
      for (const name of documented) expect(tokens.has(name), `${declaration.tagName} documents unknown ${name}`).to.equal(true);
      const css = ownCss(declaration.tagName);
      for (const alias of reads(css, '--_')) {
        const token = aliasOf.get(alias);
        if (token) expect(documented.has(token), `${declaration.tagName} reads ${token} but does not document it`).to.equal(true);
      }
    }
  });

  it('inherits the site font and colour, follows color-scheme: dark, and takes token overrides', async () => {
    const box = await fixture<HTMLDivElement>(html`<div style="font-family: Georgia, serif; color: rgb(10, 20, 30)">
      <wix-data-table collection="TableItems" page-size="500"></wix-data-table>
    </div>`);
    const table = box.querySelector('wix-data-table')!;
    table.accessTokenListener(async () => 'unused');
    await waitUntil(() => table.shadowRoot!.querySelector('[role=alert]'), 'bad page-size shows an error');
    const alert = table.shadowRoot!.querySelector<HTMLElement>('[role=alert]')!;
    expect(getComputedStyle(alert).fontFamily).to.equal('Georgia, serif');
    expect(getComputedStyle(table).color).to.equal('rgb(10, 20, 30)');
    expect(getComputedStyle(alert).color).to.equal('rgb(176, 0, 32)');
    box.style.colorScheme = 'dark';
    expect(getComputedStyle(alert).color).to.equal('rgb(255, 138, 128)');
    box.style.setProperty('--wse-color-error', 'rgb(1, 2, 3)');
    expect(getComputedStyle(alert).color).to.equal('rgb(1, 2, 3)');
    box.style.setProperty('--wse-font', '12px monospace');
    expect(getComputedStyle(alert).fontFamily).to.equal('monospace');
  });
});
