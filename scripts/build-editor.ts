/**
 * `npm run build`: one self-contained ES module per element in dist/editor/ (Lit and the SDK inlined, no bare
 * imports), ready for the Wix Editor's "Custom Element → Server URL". The leak guard runs on every bundle.
 */
import { randomBytes } from 'node:crypto';
import { readdirSync, existsSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'vite';
import { leakGuard } from './leak-guard.ts';
import { minifyLitCss } from './minify-css.ts';

export const EDITOR_OUT_DIR = 'dist/editor';

/** Element folders with a define.ts, and the tag each registers. */
export function elementEntries(root = 'elements'): { tag: string; entry: string }[] {
  return readdirSync(root, { withFileTypes: true })
    .filter((d) => d.isDirectory() && d.name !== 'core' && existsSync(join(root, d.name, 'define.ts')))
    .map((d) => {
      const entry = join(root, d.name, 'define.ts');
      const tag = /customElements\.define\('([a-z][\w-]*-[\w-]*)'/.exec(readFileSync(entry, 'utf8'))?.[1];
      if (!tag) throw new Error(`${entry} does not register a tag with customElements.define('x-y', ...)`);
      return { tag, entry: resolve(entry) };
    });
}

/** Known secret values: a fresh canary (set in the environment the build sees), WIX_SECRET_* variables, and the local secrets file. */
function buildSecrets(): string[] {
  const canary = `CANARY_${randomBytes(12).toString('hex')}`;
  process.env['WIX_API_KEY'] = canary;
  process.env['WIX_APP_SECRET'] = canary;
  const secrets = [canary];
  // Local secrets given as WIX_SECRET_<NAME> (the platform's vault reads the same variables).
  for (const [key, value] of Object.entries(process.env)) if (key.startsWith('WIX_SECRET_') && value) secrets.push(value);
  const local = '.wix-local/secrets.json';
  if (existsSync(local)) {
    // Configuration kept beside the secrets (URLs, ids) is public by nature and not scanned for.
    const entries = Object.entries(JSON.parse(readFileSync(local, 'utf8')) as Record<string, unknown>);
    for (const [name, value] of entries) {
      if (typeof value === 'string' && !/(_URL|_ISSUER|_SITE_ID|_CLIENT_ID)$/.test(name)) secrets.push(value);
    }
  }
  return secrets;
}

export async function buildEditorBundles(outDir = EDITOR_OUT_DIR): Promise<string[]> {
  rmSync(outDir, { recursive: true, force: true });
  const secrets = buildSecrets();
  const written: string[] = [];
  for (const { tag, entry } of elementEntries()) {
    await build({
      configFile: false,
      logLevel: 'warn',
      envPrefix: 'VITE_',
      define: { 'process.env.NODE_ENV': JSON.stringify('production') },
      plugins: [leakGuard({ secrets }), minifyLitCss()],
      build: {
        outDir,
        emptyOutDir: false,
        sourcemap: true,
        minify: true,
        target: 'es2022',
        lib: { entry, formats: ['es'], fileName: () => `${tag}.js` },
        rollupOptions: { output: { codeSplitting: false, minify: true } as Record<string, unknown> },
      },
    });
    written.push(join(outDir, `${tag}.js`));
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = await buildEditorBundles();
  for (const file of files) console.log(`built ${file} (${readFileSync(file).length} bytes)`);
}
