// The automatic session page code has on a Velo site, for the demo's framed Velo pages.
import { createClient } from '@wix/sdk';

export type TokenGetter = () => Promise<string>;

/** The demo host's (parent frame) session when there is one, or a visitor session of the page's own. */
export async function pageSession(): Promise<TokenGetter> {
  const parentHost = (window.parent as unknown as { demoHost?: { token(): Promise<string> } }).demoHost;
  if (parentHost) return () => parentHost.token();
  // Opened on its own: play the host's part for this page (route the SDK's token calls here).
  const [{ OAuthStrategy }, { routeWixApisToPage }, { platformClientId }] = await Promise.all([
    import('@wix/sdk'),
    import('../host/wix-host.ts'),
    import('./control-client.ts'),
  ]);
  routeWixApisToPage();
  const own = createClient({ auth: OAuthStrategy({ clientId: await platformClientId() }) });
  return async () => (await own.auth.getAuthHeaders()).headers.Authorization ?? '';
}
