import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, inject, vi } from 'vitest';
import { errors } from '../errors.ts';
import { setCurrentSiteKit } from './current.ts';
import { startSiteKit, type SiteKit } from './kit.ts';

// Run by Vitest before each test file (the preset's setupFiles): one platform per test file.
const config = inject('wixSiteKit');
let kit: SiteKit | undefined;

beforeAll(async () => {
  kit = await startSiteKit({
    backend: config.backend,
    ...(config.fixtures ? { fixtures: config.fixtures } : {}),
    // Through Vitest's own loader: the preset's aliases apply, and a test that imports a backend file gets the
    // same module instance the platform runs (its data.js, its module state). importActual: a test that mocks a
    // backend module for its page code (webMethodsForPage) still has the platform run the real one.
    loadModule: async (name) => {
      const file = [`${name}.ts`, `${name}.js`].map((f) => join(config.backend, f)).find((f) => existsSync(f));
      if (!file) throw errors.notFound(`No backend module named ${name}.`);
      return vi.importActual<Record<string, unknown>>(file);
    },
  });
  setCurrentSiteKit(kit);
});

afterAll(async () => {
  setCurrentSiteKit(undefined);
  await kit?.stop();
});
