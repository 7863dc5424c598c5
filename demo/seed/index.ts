/**
 * The Northwind demo's seed, plugged into the local platform through its seed hook: the platform itself knows
 * nothing of this app. One place for the demo's names (accounts, collections, secrets) that tests, benchmarks,
 * the dev server and the CLI use.
 *
 *     import { demoSeed } from './demo/seed/index.ts';
 *     const platform = createPlatform({ seed: demoSeed });
 */
import {
  createPlatform as createBarePlatform,
  startPlatform as startBarePlatform,
  type Platform,
  type PlatformOptions,
  type RunningPlatform,
  type Seed,
  type SeedApi,
} from '../../platform/index.ts';
import { seedDemo } from './northwind.ts';
import { seedSecondSite } from './second-site.ts';
import { seedVeloBackend } from './velo-backend.ts';

export {
  DEMO_COLLECTIONS,
  DEMO_MEMBER,
  DEMO_OWNER,
  PRODUCT_FIELDS,
  PRODUCT_REFERENCE_FIELDS,
  SECOND_MEMBER,
  seedDemo,
  slugId,
  toWireData,
} from './northwind.ts';
export { adminOrders, benchmarkProducts, catalogueProducts, memberNotes, type SeedItem } from './demo-data.ts';
export { SECOND_SITE_NAME, seedSecondSite } from './second-site.ts';
export { BACKEND_COLLECTIONS, BACKEND_SECRETS, seedVeloBackend } from './velo-backend.ts';

/** The demo site's name, shown on the consent page. */
export const DEMO_SITE_NAME = 'Northwind Outfitters (local)';

/** The demo third-party app; its credentials live server-side only, in the Secrets Manager. */
export const DEMO_OAUTH_APP = {
  name: 'Northwind Insights',
  clientId: 'a6f0d2b4-0000-4000-8000-00000000a9b1',
  redirectUris: ['https://localhost/_functions/oauthCallback'],
  scopes: ['wix-data.items.read', 'wix-data.items.write'],
} as const;

/**
 * The whole demo: the catalogue, notes, orders and feedback with their members; what velo-backend/ needs
 * (least-privilege keys as secrets, audit and contact collections); the "Northwind Insights" OAuth app and its
 * secrets; and a second site of the same account, "Northwind HQ", that the member connects the app to.
 */
export const demoSeed: Seed = (api: SeedApi) => {
  seedDemo(api);
  seedVeloBackend(api);
  const app = api.registerOAuthApp({ ...DEMO_OAUTH_APP, redirectUris: [...DEMO_OAUTH_APP.redirectUris], scopes: [...DEMO_OAUTH_APP.scopes] });
  api.setSecret('OAUTH_CLIENT_ID', app.clientId);
  api.setSecret('OAUTH_CLIENT_SECRET', app.clientSecret);
  const secondSiteId = seedSecondSite(api);
  api.setSecret('OAUTH_TARGET_SITE_ID', secondSiteId);
};

/** Options of the demo's platform: `seed` also takes the names the CLI takes, 'demo' and 'none'. */
export interface DemoPlatformOptions extends Omit<PlatformOptions, 'seed'> {
  seed?: 'demo' | PlatformOptions['seed'];
}

/** What the demo adds to a platform: its second site and a way to redo the backend's setup (key-rotation drills). */
export interface DemoExtras {
  /** "Northwind HQ" (the `demo` seed's second site), or undefined without the demo seed. */
  readonly secondSiteId: string | undefined;
  /** Runs the backend's setup again (least-privilege keys as secrets, its collections); returns the two keys. */
  setupVeloBackend(): { primary: string; secondary: string };
}

/** Options with `seed: 'demo'` turned into the demo seed (and the demo's site name); anything else as given. */
export function demoPlatformOptions<T extends DemoPlatformOptions>(options: T): Omit<T, 'seed'> & Pick<PlatformOptions, 'seed' | 'siteName'> {
  const { seed, ...rest } = options;
  if (seed !== 'demo') return { ...rest, ...(seed === undefined ? {} : { seed }) };
  return { siteName: DEMO_SITE_NAME, ...rest, seed: demoSeed };
}

/** Adds `secondSiteId` and `setupVeloBackend()` to a platform (they mean something with the demo seed). */
export function withDemoExtras<P extends Platform>(platform: P): P & DemoExtras {
  return Object.defineProperties(platform, {
    secondSiteId: { get: () => platform.sites.get('site2')?.id, enumerable: true },
    setupVeloBackend: { value: () => platform.seed(seedVeloBackend), enumerable: true },
  }) as P & DemoExtras;
}

/** createPlatform from platform/index.ts, with `seed: 'demo'` understood and the demo's extras on the result. */
export function createPlatform(options: DemoPlatformOptions = {}): Platform & DemoExtras {
  return withDemoExtras(createBarePlatform(demoPlatformOptions(options)));
}

/** startPlatform from platform/index.ts, with `seed: 'demo'` understood and the demo's extras on the result. */
export async function startPlatform(options: DemoPlatformOptions = {}): Promise<RunningPlatform & DemoExtras> {
  return withDemoExtras(await startBarePlatform(demoPlatformOptions(options)));
}
