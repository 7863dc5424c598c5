import { routeWixApisTo } from './http/node-routing.ts';
import { startPlatform, type PlatformOptions, type RunningPlatform } from './index.ts';

export interface TestPlatform extends RunningPlatform {
  /** Undoes the wixapis.com routing, then stops the server and closes the database. */
  stop(): Promise<void>;
}

/**
 * A platform for one test file: in memory (`db: ':memory:'`), on a free loopback port, with no seed unless one is
 * given, server errors kept out of the test output (pass `onError` to see them), and the calls of this process to
 * https://www.wixapis.com and edge.wixapis.com routed to it, so the official `@wix/sdk` works unchanged.
 *
 *     const p = await startTestPlatform({ seed: mySeed });
 *     after(() => p.stop());
 */
export async function startTestPlatform(options: PlatformOptions = {}): Promise<TestPlatform> {
  const platform = await startPlatform({ db: ':memory:', seed: 'none', onError: () => {}, ...options, port: options.port ?? 0 });
  const undo = routeWixApisTo(platform);
  return Object.assign(platform, {
    stop: async () => {
      undo();
      await platform.close();
    },
  });
}
