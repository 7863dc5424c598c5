/**
 * Node module hooks for the built `wix-local` (registered by wix-local.ts, run off-thread by Node):
 *
 * - **resolve:** the Velo module names (`wix-web-module`, `wix-secrets-backend`, `@wix/secrets` …) go to the
 *   platform's own implementations in this package. The name → file map is written at build time from
 *   tsconfig.json's `paths` (velo-modules.json, next to this file), the same map tsx and Vite use in the repository,
 *   so the names live in one place. `backend/<path>` goes to `<cwd>/velo-backend/<path>` as on Wix.
 * - **load:** a backend module written in TypeScript (`*.ts`, what the runtime looks for) is transpiled with the
 *   project's own `typescript` package (types are not checked; that is the editor's and `tsc`'s job). Without
 *   `typescript` installed the import fails with a message that says so.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

type ResolveContext = { conditions: string[]; importAttributes: Record<string, string>; parentURL?: string };
type ResolveResult = { url: string; format?: string | null; shortCircuit?: boolean };
type LoadContext = { conditions: string[]; format?: string | null; importAttributes: Record<string, string> };
type LoadResult = { format: string; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean };

/** Velo module name → file URL of its implementation in dist/platform/velo/modules/. */
const VELO_MODULES = new Map<string, string>(
  Object.entries(JSON.parse(readFileSync(new URL('./velo-modules.json', import.meta.url), 'utf8')) as Record<string, string>).map(([name, file]) => [
    name,
    new URL(file, import.meta.url).href,
  ]),
);

const BACKEND_PREFIX = 'backend/';

export async function resolve(
  specifier: string,
  context: ResolveContext,
  next: (specifier: string, context: ResolveContext) => Promise<ResolveResult>,
): Promise<ResolveResult> {
  const platformModule = VELO_MODULES.get(specifier);
  if (platformModule) return { url: platformModule, shortCircuit: true };
  if (specifier.startsWith(BACKEND_PREFIX) && !specifier.includes('..')) {
    const base = join(process.cwd(), 'velo-backend', specifier.slice(BACKEND_PREFIX.length));
    const file = [base, `${base}.ts`, `${base}.js`].find((candidate) => /\.[cm]?[jt]s$/.test(candidate) && existsSync(candidate));
    if (file) return { url: pathToFileURL(file).href, shortCircuit: true };
  }
  return next(specifier, context);
}

interface TypeScriptLike {
  transpileModule(source: string, options: { compilerOptions: Record<string, unknown>; fileName: string }): { outputText: string };
  ModuleKind: { ESNext: number };
  ScriptTarget: { ES2022: number };
}

let typescript: TypeScriptLike | undefined;

function loadTypeScript(): TypeScriptLike {
  if (typescript) return typescript;
  try {
    typescript = createRequire(join(process.cwd(), 'package.json'))('typescript') as TypeScriptLike;
  } catch {
    throw new Error(
      'wix-local: a backend module is written in TypeScript, and the `typescript` package is not installed in this project (npm install --save-dev typescript).',
    );
  }
  return typescript;
}

export async function load(url: string, context: LoadContext, next: (url: string, context: LoadContext) => Promise<LoadResult>): Promise<LoadResult> {
  if (!url.startsWith('file:') || !/\.[cm]?ts$/.test(new URL(url).pathname) || url.includes('/node_modules/')) return next(url, context);
  const ts = loadTypeScript();
  const file = fileURLToPath(url);
  // Relative imports keep their `.ts` extension (`./lib/x.ts`, as tsx and Vite allow): this hook loads them too.
  const { outputText } = ts.transpileModule(readFileSync(file, 'utf8'), {
    fileName: file,
    compilerOptions: {
      module: ts.ModuleKind.ESNext,
      target: ts.ScriptTarget.ES2022,
      experimentalDecorators: true,
      useDefineForClassFields: false,
    },
  });
  return { format: 'module', source: outputText, shortCircuit: true };
}
