import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { errors } from '../errors.ts';
import { RawResponse } from '../http/router.ts';
import { THEME_TOKENS } from '../../elements/core/theme-tokens.ts';

/**
 * How the dashboard reaches the browser: plain ES modules and an import map, no bundle.
 * - The UI is TypeScript in platform/dashboard/ui/. From source (tsx, `npm run platform`) each module is
 *   transpiled on first request with esbuild's `transform` (esbuild comes with tsx, which running from source
 *   needs anyway) and kept in memory. From the package, tsc has already compiled it to .js next to this file
 *   (tsconfig.build.json lists ui/app.ts), and the .js files are served as they are.
 * - Lit comes from the installed `lit` packages (a dependency of the package), mapped by the import map.
 * - The theme is the elements' tokens (elements/core/theme-tokens.ts), written out as CSS custom properties.
 */
const FROM_SOURCE = import.meta.url.endsWith('.ts');
/**
 * A type-only link to the UI's entry: it makes `tsc --noEmit` check the UI with the platform, and makes the
 * package build (tsc -p tsconfig.build.json, which emits every file of its program) compile ui/*.ts to dist.
 * Nothing of the UI runs in Node.
 */
export type { WlDashboard } from './ui/app.ts';
const UI_DIR = fileURLToPath(new URL('./ui/', import.meta.url));
const UI_MODULE = /^[a-z][a-z0-9-]{0,40}$/;
const VENDOR_FILE = /^(?:[A-Za-z0-9_-]+\/){0,4}[A-Za-z0-9_.-]+\.js$/;

/** The packages the import map names, by URL segment; each is served from its installed folder, .js files only. */
const VENDOR_PACKAGES: ReadonlyMap<string, { specifier: string; main: string }> = new Map([
  ['lit', { specifier: 'lit', main: 'index.js' }],
  ['lit-html', { specifier: 'lit-html', main: 'lit-html.js' }],
  ['lit-element', { specifier: 'lit-element', main: 'index.js' }],
  ['reactive-element', { specifier: '@lit/reactive-element', main: 'reactive-element.js' }],
]);

export const IMPORT_MAP = JSON.stringify({
  imports: Object.fromEntries(
    [...VENDOR_PACKAGES].flatMap(([segment, { specifier, main }]) => [
      [specifier, `/_dashboard/vendor/${segment}/${main}`],
      [`${specifier}/`, `/_dashboard/vendor/${segment}/`],
    ]),
  ),
});

const hash = (text: string) => createHash('sha256').update(text).digest('base64');

/** The dashboard pages' Content-Security-Policy: own scripts and the import map (by hash), nothing inline else. */
export const DASHBOARD_CSP = [
  "default-src 'none'",
  `script-src 'self' 'sha256-${hash(IMPORT_MAP)}'`,
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self' data:",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/** The theme tokens as CSS: each private alias set from its public token with the elements' fallback. */
export function themeCss(): string {
  const lines = Object.entries(THEME_TOKENS).map(([token, { alias, fallback }]) => `  ${alias}: var(${token}, ${fallback});`);
  return `:root {\n  color-scheme: light dark;\n${lines.join('\n')}\n}\nhtml, body { margin: 0; font-family: var(--wse-font, system-ui, sans-serif); }\n`;
}

/** Every module the first view needs, preloaded from the page so the browser fetches them at once, not import by import (the other views load on demand). */
const UI_MODULES = ['app', 'api', 'styles', 'data-view'];
const VENDOR_PRELOADS = [
  'lit/index.js',
  'lit-html/lit-html.js',
  'lit-html/is-server.js',
  'lit-element/lit-element.js',
  'reactive-element/reactive-element.js',
  'reactive-element/css-tag.js',
];
const EXT = FROM_SOURCE ? 'ts' : 'js';
const PRELOADS = [...UI_MODULES.map((m) => `/_dashboard/ui/${m}.${EXT}`), ...VENDOR_PRELOADS.map((f) => `/_dashboard/vendor/${f}`)]
  .map((href) => `<link rel="modulepreload" href="${href}">`)
  .join('\n');

/** The page; the owner's email when the request already carries a valid session (saves the first view a round trip). */
function page(owner: string | undefined): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>Local Wix dashboard</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="/_dashboard/theme.css">
<script type="importmap">${IMPORT_MAP}</script>
${PRELOADS}
<script type="module" src="/_dashboard/ui/app.${EXT}"></script>
</head>
<body>
<wl-dashboard${owner ? ` data-owner="${escapeHtml(owner)}"` : ''}></wl-dashboard>
<noscript>The local dashboard needs JavaScript.</noscript>
</body>
</html>
`;
}

/**
 * The installed folder of a package. Node resolves its entry with the "node" condition (Lit's node/ builds), so
 * the folder is found by walking up to the package.json that names it; the browser builds sit at its root.
 */
function packageRoot(specifier: string): string {
  let dir = dirname(fileURLToPath(import.meta.resolve(specifier)));
  for (let i = 0; i < 6; i++) {
    try {
      if ((JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { name?: string }).name === specifier) return dir;
    } catch {
      // no package.json here: one level up
    }
    dir = dirname(dir);
  }
  throw new Error(`The ${specifier} package was not found.`);
}

const escapeHtml = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

export class DashboardAssets {
  private readonly cache = new Map<string, string>();
  private vendorRoots: Map<string, string> | undefined;

  private pageHeaders(): Record<string, string> {
    return { 'content-type': 'text/html; charset=utf-8', 'content-security-policy': DASHBOARD_CSP };
  }

  refusedPage(problem: string): RawResponse {
    const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Refused</title></head><body><h1>Refused</h1><p>${escapeHtml(problem)}</p></body></html>`;
    return new RawResponse(403, body, this.pageHeaders());
  }

  /** Serves a dashboard file; `owner` is the signed-in owner's email when the request has a valid session. */
  async serve(path: string, owner?: string): Promise<RawResponse> {
    if (path === '/' || path === '/_dashboard' || path === '/_dashboard/' || path === '/_dashboard/index.html') {
      return new RawResponse(200, page(owner), this.pageHeaders());
    }
    if (path === '/_dashboard/theme.css') return new RawResponse(200, this.cached('theme.css', themeCss), { 'content-type': 'text/css; charset=utf-8' });
    const ui = /^\/_dashboard\/ui\/([^/]+)\.(ts|js)$/.exec(path);
    if (ui && UI_MODULE.test(ui[1]!)) return this.script(await this.uiModule(ui[1]!));
    const vendor = /^\/_dashboard\/vendor\/([^/]+)\/(.+)$/.exec(path);
    if (vendor && VENDOR_PACKAGES.has(vendor[1]!) && VENDOR_FILE.test(vendor[2]!)) return this.script(await this.vendorFile(vendor[1]!, vendor[2]!));
    throw errors.notFound(`Nothing at ${path.slice(0, 200)}.`);
  }

  private script(text: string): RawResponse {
    return new RawResponse(200, text, { 'content-type': 'text/javascript; charset=utf-8' });
  }

  private cached(key: string, make: () => string): string {
    let text = this.cache.get(key);
    if (text === undefined) this.cache.set(key, (text = make()));
    return text;
  }

  private async uiModule(name: string): Promise<string> {
    const key = `ui:${name}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    let text: string;
    try {
      text = await readFile(join(UI_DIR, `${name}.${FROM_SOURCE ? 'ts' : 'js'}`), 'utf8');
    } catch {
      throw errors.notFound(`No dashboard module ${name}.`);
    }
    if (FROM_SOURCE) {
      const { transform } = await import('esbuild');
      const out = await transform(text, {
        loader: 'ts',
        format: 'esm',
        target: 'es2022',
        tsconfigRaw: { compilerOptions: { useDefineForClassFields: false, verbatimModuleSyntax: true } },
      });
      text = out.code;
    }
    this.cache.set(key, text);
    return text;
  }

  private roots(): Map<string, string> {
    if (!this.vendorRoots) {
      this.vendorRoots = new Map();
      for (const [segment, { specifier }] of VENDOR_PACKAGES) this.vendorRoots.set(segment, packageRoot(specifier));
    }
    return this.vendorRoots;
  }

  private async vendorFile(segment: string, file: string): Promise<string> {
    const key = `vendor:${segment}/${file}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const root = this.roots().get(segment)!;
    const full = join(root, file);
    // VENDOR_FILE admits no '..' segment; this check holds even so.
    if (!full.startsWith(root + sep) || file.split('/').some((p) => p === '..' || p === '.')) throw errors.notFound('No such file.');
    let text: string;
    try {
      text = await readFile(full, 'utf8');
    } catch {
      throw errors.notFound(`No ${segment} module ${file.slice(0, 100)}.`);
    }
    // Source maps are not served; drop the comment so the browser does not ask.
    text = text.replace(/\n\/\/# sourceMappingURL=\S+\s*$/, '\n');
    this.cache.set(key, text);
    return text;
  }
}
