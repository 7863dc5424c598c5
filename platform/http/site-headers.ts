import type { IncomingHttpHeaders } from 'node:http';
import { CONTROL_SECRET_HEADER } from './handler.ts';

/** The dashboard's session cookie (dashboard/server.ts). */
export const DASHBOARD_SESSION_COOKIE = '__Host-wix-local-dashboard';
/** The authorization server's member session cookie (oauth/server.ts), Wix's account session in the real thing. */
export const ACCOUNT_SESSION_COOKIE = 'wix_local_session';

const PLATFORM_COOKIES: ReadonlySet<string> = new Set([DASHBOARD_SESSION_COOKIE, ACCOUNT_SESSION_COOKIE]);

/**
 * The request headers a site's own code (an HTTP function) is given: every single-valued header but the
 * authorization and the platform's own credentials. On Wix the dashboard and the account session live on other
 * origins than the site, so its code never sees them; here they share the origin, and an HTTP function that logged
 * or forwarded `cookie` handed over the owner's dashboard session.
 */
export function siteVisibleHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  // A plain object, as Wix gives one (site code may call its methods); a header named `__proto__` is dropped below.
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (typeof value !== 'string' || name === 'authorization' || name === CONTROL_SECRET_HEADER || name === '__proto__') continue;
    if (name !== 'cookie') {
      // safe-lookup: a write of a header name other than __proto__ (skipped above) defines an own property
      out[name] = value;
      continue;
    }
    const kept = value
      .split(';')
      .map((pair) => pair.trim())
      .filter((pair) => pair && !PLATFORM_COOKIES.has(pair.slice(0, Math.max(0, pair.indexOf('='))).trim()));
    if (kept.length) out[name] = kept.join('; ');
  }
  return out;
}
