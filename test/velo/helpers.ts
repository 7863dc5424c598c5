import { startTestPlatform, type RunningPlatform, type TestPlatform } from '../../platform/index.ts';
import { demoPlatformOptions, withDemoExtras, type DemoExtras, type DemoPlatformOptions } from '../../demo/seed/index.ts';

export type VeloTestPlatform = TestPlatform & DemoExtras;

/** A demo-seeded in-memory platform with the Velo runtime, wixapis.com routed to it (the façade's test helper). */
export async function startVeloPlatform(options: DemoPlatformOptions = {}): Promise<VeloTestPlatform> {
  return withDemoExtras(await startTestPlatform(demoPlatformOptions({ seed: 'demo', ...options })));
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
