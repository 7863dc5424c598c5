/**
 * The testing kit for a Wix site's own code (`wix-session-elements/testing`): the site's backend, unmodified, on
 * the local platform, driven as any caller. With the Vitest preset (`wix-session-elements/testing/vitest`) each
 * test file has its platform already; elsewhere, `startSiteKit()`.
 *
 *     import { as, member, visitor, owner } from 'wix-session-elements/testing';
 *     await expect(as(visitor()).call('backend/notes.web', 'addNote', { text: 'hi' })).rejects.toMatchObject({ status: 403 });
 *     const mine = await as(member('ana')).data.query('Notes').find();
 */
import type { ActingAs, CallerSpec } from './kit.ts';
import { site } from './current.ts';

export { startTestPlatform, type TestPlatform } from '../testing.ts';
export { startSiteKit, visitor, member, owner, apiKey, app, WebMethodError, type ActingAs, type CallerSpec, type SiteKit, type SiteKitOptions } from './kit.ts';
export {
  loadFixtures,
  parseFixtures,
  fixtureSeed,
  FixtureError,
  FIXTURE_LIMITS,
  type Fixtures,
  type FixtureCollection,
  type FixtureMember,
} from './fixtures.ts';
export { site } from './current.ts';

/** Acts as `spec` on this test file's site (the one the Vitest preset started). */
export function as(spec: CallerSpec): ActingAs {
  return site().as(spec);
}
