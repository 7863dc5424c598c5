/**
 * Reads the expiry of an access token without verifying it: the element only uses it to schedule renewal
 * before the server would reject the token. Wix tokens look like `OauthNG.JWS.<header>.<payload>.<sig>`;
 * anything that is not a readable JWS gives `undefined` (treated as "valid for a default lifetime").
 */
export function readExpiryMs(token: string): number | undefined {
  const parts = token.split('.');
  for (let i = 0; i + 2 < parts.length; i++) {
    if (!parts[i]!.startsWith('eyJ')) continue;
    try {
      const json = atob(parts[i + 1]!.replace(/-/g, '+').replace(/_/g, '/'));
      const payload = JSON.parse(json) as { exp?: unknown };
      if (typeof payload.exp === 'number' && Number.isFinite(payload.exp)) return payload.exp * 1000;
    } catch {
      return undefined;
    }
  }
  return undefined;
}
