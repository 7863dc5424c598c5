import type { SiteKit } from './kit.ts';

// On globalThis: the setup file and a test file may reach the kit through different module copies.
const KEY = Symbol.for('wix-session-elements.testing.current-kit');
const holder = globalThis as unknown as Record<symbol, SiteKit | undefined>;

export function setCurrentSiteKit(kit: SiteKit | undefined): void {
  holder[KEY] = kit;
}

/** The site kit of this test file (the Vitest preset starts it); throws when none runs. */
export function site(): SiteKit {
  const kit = holder[KEY];
  if (!kit) throw new Error('No site kit is running: add wixVitestPreset() to vitest.config, or start one with startSiteKit().');
  return kit;
}
