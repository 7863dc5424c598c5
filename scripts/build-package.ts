/**
 * `npm run build:package`: the installable package in dist/ (what `exports`, `types` and `bin` in package.json
 * point at). tsc compiles each public entry and what it imports to JS with a declaration file next to it
 * (tsconfig.build.json; `rewriteRelativeImportExtensions` turns the `.ts` imports into `.js`); then:
 * - dist/bin/velo-modules.json: the Velo module names (tsconfig.json `paths`) → their built files, for the
 *   bin's module hooks (bin/velo-hooks.ts);
 * - dist/custom-elements.json: the manifest with its module paths pointing at the built files.
 * Leaves dist/velo and dist/editor (the other builds) alone.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, readFileSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const PACKAGE_DIRS = ['dist/bin', 'dist/elements', 'dist/platform'];
const MANIFEST_IN = 'custom-elements.json';
const MANIFEST_OUT = 'dist/custom-elements.json';

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}

/** `./platform/velo/modules/wix-fetch.ts` (from the repository root) → `../platform/velo/modules/wix-fetch.js` (from dist/bin). */
function veloModules(): Record<string, string> {
  const { paths } = (JSON.parse(readFileSync('tsconfig.json', 'utf8')) as { compilerOptions: { paths: Record<string, string[]> } }).compilerOptions;
  const modules: Record<string, string> = {};
  for (const [name, [target]] of Object.entries(paths)) {
    if (name.includes('*') || !target?.startsWith('./platform/')) continue;
    const built = target.replace(/^\.\//, '').replace(/\.ts$/, '.js');
    if (!existsSync(join('dist', built))) throw new Error(`${name} → ${target}: dist/${built} was not built (is it imported by a package entry?)`);
    modules[name] = `../${built}`;
  }
  return modules;
}

/** Module paths in the manifest are the source files; in the package they are the built ones. */
function packageManifest(): void {
  const rewrite = (value: unknown): unknown => {
    if (typeof value === 'string') return /^elements\/.*\.ts$/.test(value) ? `dist/${value.replace(/\.ts$/, '.js')}` : value;
    if (Array.isArray(value)) return value.map(rewrite);
    if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, rewrite(v)]));
    return value;
  };
  writeFileSync(MANIFEST_OUT, `${JSON.stringify(rewrite(JSON.parse(readFileSync(MANIFEST_IN, 'utf8'))), null, 2)}\n`);
}

export function buildPackage(): string[] {
  for (const dir of PACKAGE_DIRS) rmSync(dir, { recursive: true, force: true });
  execFileSync(process.execPath, ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  writeFileSync('dist/bin/velo-modules.json', `${JSON.stringify(veloModules(), null, 2)}\n`);
  chmodSync('dist/bin/wix-local.js', 0o755);
  packageManifest();
  const files = [...PACKAGE_DIRS.flatMap(walk), MANIFEST_OUT];
  for (const file of files.filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(file, 'utf8');
    // Plain node cannot load TypeScript, and the package ships no tests, demo or benchmarks.
    if (/(?:from|import)\s*\(?\s*['"][^'"]+\.ts['"]/.test(text)) throw new Error(`${file} still imports a .ts file`);
    if (/(?:from|import)\s*\(?\s*['"](?:\.\.\/)+(?:test|demo|bench|scripts)\//.test(text)) throw new Error(`${file} imports test, demo, bench or scripts code`);
  }
  return files;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const files = buildPackage();
  console.log(`build:package: ${files.length} files in ${PACKAGE_DIRS.join(', ')} and ${MANIFEST_OUT}`);
}
