/**
 * The testing kit for a Wix site's own code (`wix-session-elements/testing`): the site's backend, unmodified, on
 * the local platform, driven as any caller. With the Vitest preset (`wix-session-elements/testing/vitest`) each
 * test file has its platform already; elsewhere, `startSiteKit()`.
 *
 *     import { as, member, visitor, owner } from 'wix-session-elements/testing';
 *     await expect(as(visitor()).call('backend/notes.web', 'addNote', { text: 'hi' })).rejects.toMatchObject({ status: 403 });
 *     const mine = await as(member('ana')).data.query('Notes').find();
 */
import { visitor, type ActingAs, type CallerSpec } from './kit.ts';
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

// The identity page code runs as (page code's web method calls carry the visitor's or member's session).
const PAGE = Symbol.for('wix-session-elements.testing.page-caller');
const pageHolder = globalThis as unknown as Record<symbol, { spec: CallerSpec; acting?: ActingAs } | undefined>;

/** Who the page code under test is: its web method calls (webMethodsForPage) run as them. Default: a visitor. */
export function setPageCaller(spec: CallerSpec): void {
  pageHolder[PAGE] = { spec };
}

function pageCaller(): ActingAs {
  const current = (pageHolder[PAGE] ??= { spec: visitor() });
  // One ActingAs per page identity: a visitor stays the same visitor across the page's calls.
  return (current.acting ??= site().as(current.spec));
}

/**
 * What page code gets when it imports a web module on Wix: for each web method of the real module, a function that
 * calls it over the local RPC endpoint as the page caller (setPageCaller), with the permission check and the JSON
 * round trip. For Vitest's module mock of the web module, in a test of page code:
 *
 *     vi.mock('backend/books.web', async (importOriginal) => webMethodsForPage('backend/books.web', await importOriginal()));
 */
export function webMethodsForPage(module: string, actual: Record<string, unknown>): Record<string, (...args: unknown[]) => Promise<unknown>> {
  const stubs: Record<string, (...args: unknown[]) => Promise<unknown>> = {};
  for (const [name, value] of Object.entries(actual)) {
    if (typeof value !== 'function' || !('permission' in value)) continue;
    Object.defineProperty(stubs, name, { enumerable: true, value: (...args: unknown[]) => pageCaller().call(module, name, ...args) });
  }
  return stubs;
}
