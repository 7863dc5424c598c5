import { routeWixApisTo } from '../../platform/http/node-routing.ts';
import { startPlatform, type PlatformOptions, type RunningPlatform } from '../../platform/index.ts';

export interface VeloTestPlatform extends RunningPlatform {
  stop(): Promise<void>;
}

/** A demo-seeded in-memory platform with the Velo runtime, wixapis.com routed to it. */
export async function startVeloPlatform(options: PlatformOptions = {}): Promise<VeloTestPlatform> {
  const platform = await startPlatform({ db: ':memory:', seed: 'demo', onError: () => {}, ...options });
  const undo = routeWixApisTo(platform);
  return { ...platform, stop: async () => { undo(); await platform.close(); } };
}

/** A session token for a visitor, or for a member/owner via the platform's token service. */
export async function tokenFor(platform: RunningPlatform, who: 'visitor' | { email: string }): Promise<string> {
  if (who === 'visitor') return (await platform.services.tokens.issueAccess('visitor', crypto.randomUUID(), platform.clientId)).token;
  const member = platform.services.directory.findMemberByEmail(who.email);
  if (!member) throw new Error(`no member ${who.email}`);
  return (await platform.services.tokens.issueAccess(member.role, member.id, platform.clientId)).token;
}

/** Calls a web method the way page code does: POST to the local RPC endpoint with the caller's session. */
export async function callWebMethod(platform: RunningPlatform, token: string | undefined, module: string, method: string, ...args: unknown[]) {
  const response = await fetch(`https://www.wixapis.com/_webMethods/${module}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    body: JSON.stringify({ args }),
  });
  const text = await response.text();
  return { status: response.status, body: JSON.parse(text) as { result?: any; message?: string; details?: any }, text };
}
