import type { Router } from '../http/router.ts';
import type { PlatformServices } from '../services.ts';

/**
 * The routes only third-party OAuth apps use. `/oauth2/token` and `/oauth2/authorize` are shared with the site's
 * own visitor and member sessions, so identity/routes.ts registers them and hands an app's request to the
 * authorization server (oauth/server.ts).
 */
export function registerOAuthRoutes(router: Router, services: PlatformServices): void {
  router.add('POST', '/oauth2/revoke', (ctx) => services.oauth.revoke(ctx));
  router.add('POST', '/oauth/access', (ctx) => services.oauth.token(ctx, true));
  router.add('GET', '/oauth2/connected-apps', (ctx) => services.oauth.connectedApps(ctx));
  router.add('POST', '/oauth2/connected-apps', (ctx) => services.oauth.connectedApps(ctx));
  router.add('POST', '/oauth2/connected-apps/revoke', (ctx) => services.oauth.connectedAppsRevoke(ctx));
}
