import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {} from 'vitest';
import type { ViteUserConfig } from 'vitest/config';
import { VELO_MODULE_FILES } from '../velo/module-resolution.ts';
import { loadFixtures } from './fixtures.ts';

export interface WixVitestOptions {
  /** The site's backend folder (`src/backend` in a Wix site repository), relative to `root`. */
  backend: string;
  /** A fixture file or folder (see fixtures.ts for the format), relative to `root`. Validated when the config loads. */
  fixtures?: string;
  /** The site repository's folder (default: the working directory); also Vitest's root. */
  root?: string;
}

/** What the preset hands the setup file of each test file (through Vitest's provide/inject). */
export interface WixSiteKitConfig {
  backend: string;
  fixtures?: string;
}

declare module 'vitest' {
  export interface ProvidedContext {
    wixSiteKit: WixSiteKitConfig;
  }
}

// The sources in the repository (tsx, Vite), the compiled files in the built package.
const EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';
const here = (path: string) => fileURLToPath(new URL(path, import.meta.url));
const escape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** The official packages a site's backend may import without having installed them (the platform ships them). */
const PLATFORM_PACKAGES = ['@wix/data', '@wix/sdk', '@wix/members'];

/** The folder of `name` in the first node_modules up from `from`, if any. */
function packageDir(name: string, from: string): string | undefined {
  for (let dir = from; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

/**
 * The Vitest preset of the testing kit, one line in a site repository's `vitest.config`:
 *
 *     import { defineConfig } from 'vitest/config';
 *     import { wixVitestPreset } from 'wix-session-elements/testing/vitest';
 *     export default defineConfig(wixVitestPreset({ root: import.meta.dirname, backend: 'src/backend', fixtures: 'fixtures' }));
 *
 * The Velo module names (`wix-data`, `wix-web-module`, `wix-secrets-backend`, `wix-members-backend`, `wix-fetch`,
 * `wix-http-functions`, `@wix/essentials`, `@wix/secrets` …) and `backend/<path>` resolve to the platform's, and
 * each test file gets its own platform in the test process (in memory, no port), seeded from the fixtures, with the
 * site's data.js hooks loaded. Tests use `as(member('ana')).call(...)` and the rest of `wix-session-elements/testing`.
 * `vi.mock` still works on top for what a test wants to fake.
 */
export function wixVitestPreset(options: WixVitestOptions): ViteUserConfig {
  const root = resolve(options.root ?? process.cwd());
  const at = (p: string) => (isAbsolute(p) ? p : resolve(root, p));
  const backend = at(options.backend);
  if (!existsSync(backend)) throw new Error(`wixVitestPreset: the backend folder ${backend} does not exist.`);
  const fixtures = options.fixtures === undefined ? undefined : at(options.fixtures);
  // A broken fixture fails the run once, with the file and the path of the bad value, before any test starts.
  if (fixtures) loadFixtures(fixtures);
  const alias = [
    ...[...VELO_MODULE_FILES].map(([name, file]) => ({ find: new RegExp(`^${escape(name)}$`), replacement: here(`../velo/modules/${file}${EXTENSION}`) })),
    { find: /^backend\//, replacement: `${backend}/` },
    // `@wix/data` & co. are the real packages (their calls reach the platform): the site's own when it installed
    // them, else the platform's, as the runtime resolves them.
    ...PLATFORM_PACKAGES.flatMap((name) => {
      if (packageDir(name, root)) return [];
      const own = packageDir(name, here('.'));
      return own ? [{ find: new RegExp(`^${escape(name)}$`), replacement: own }] : [];
    }),
  ];
  const config: WixSiteKitConfig = { backend, ...(fixtures ? { fixtures } : {}) };
  return {
    root,
    resolve: { alias },
    test: {
      setupFiles: [here(`./vitest-setup${EXTENSION}`)],
      provide: { wixSiteKit: config },
      // The kit runs inside Vitest's module graph when installed too: its setup file imports the site's backend
      // through Vitest (so the aliases apply); the platform and the Velo modules stay plain Node modules, one copy.
      server: { deps: { inline: [/wix-session-elements[\\/]dist[\\/]platform[\\/]testing[\\/]/] } },
      environment: 'node',
    },
  };
}
