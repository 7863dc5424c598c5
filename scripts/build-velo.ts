/**
 * `npm run build:velo`: the files to copy into a Wix site's repository (Git integration / Wix IDE).
 * - dist/velo/backend/…: velo-backend/ compiled to .js (imports rewritten from .ts to .js; the Velo module
 *   names stay bare, so on Wix they are Wix's own);
 * - dist/velo/public/wix-session-elements/page.js: the page-code side of the bridge, one self-contained module.
 */
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { build } from 'vite';
import { leakGuard } from './leak-guard.ts';

const OUT = 'dist/velo';
const TSC_OUT = 'dist/.velo-tsc';
/** velo-backend/ files (relative) that only re-export a module of elements/core/; see below. */
const SHARED_BACKEND_MODULES = ['lib/redact.ts'];

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

export async function buildVelo(): Promise<string[]> {
  rmSync(OUT, { recursive: true, force: true });
  rmSync(TSC_OUT, { recursive: true, force: true });
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.velo.json'], { stdio: 'inherit' });
  // Only the backend's own files ship; the local platform's stand-ins for the Velo modules stay behind.
  cpSync(join(TSC_OUT, 'velo-backend'), join(OUT, 'backend'), { recursive: true });
  rmSync(TSC_OUT, { recursive: true, force: true });
  for (const file of walk(join(OUT, 'backend'))) {
    // Wix looks for web modules as .web.js and HTTP functions as http-functions.js; tsc already names them so.
    if (!file.endsWith('.js')) rmSync(file);
  }
  // Backend files that re-export a dependency-free module shared with the elements (the redaction rule): bundled
  // into one self-contained file each, since only backend/ is deployed.
  for (const entry of SHARED_BACKEND_MODULES) {
    await build({
      configFile: false,
      logLevel: 'warn',
      plugins: [leakGuard()],
      build: {
        outDir: join(OUT, 'backend', dirname(entry)),
        emptyOutDir: false,
        minify: false,
        target: 'es2022',
        lib: { entry: resolve('velo-backend', entry), formats: ['es'], fileName: () => `${basename(entry, '.ts')}.js` },
      },
    });
  }
  for (const file of walk(join(OUT, 'backend'))) {
    if (/from ['"]\.\.\/\.\.\/(?:\.\.\/)*(?:elements|demo)\//.test(readFileSync(file, 'utf8'))) throw new Error(`${file} imports a file outside backend/`);
  }
  await build({
    configFile: false,
    logLevel: 'warn',
    plugins: [leakGuard()],
    build: {
      outDir: join(OUT, 'public', 'wix-session-elements'),
      emptyOutDir: true,
      minify: false,
      target: 'es2022',
      lib: { entry: resolve('elements/velo/page.ts'), formats: ['es'], fileName: () => 'page.js' },
    },
  });
  const files = walk(OUT);
  for (const file of files) {
    if (/\.ts['"]/.test(readFileSync(file, 'utf8'))) throw new Error(`${file} still imports a .ts file`);
  }
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const file of await buildVelo()) console.log(`built ${file}`);
  if (!existsSync(join(OUT, 'backend', 'data-admin.web.js'))) process.exitCode = 1;
}
