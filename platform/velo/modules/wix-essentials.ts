import { callToken } from '../backend-client.ts';
import { currentCall, veloCalls } from '../context.ts';

/** Token info as `@wix/essentials` documents it (`auth.getTokenInfo()`). */
export interface TokenInfo {
  active: boolean;
  subjectType: 'APP' | 'USER' | 'MEMBER' | 'VISITOR' | 'UNKNOWN';
  subjectId: string;
  exp: number;
  iat: number;
  clientId?: string;
  siteId: string;
  instanceId?: string;
}

/**
 * Local `@wix/essentials` for a site's backend: `auth.elevate(fn)` returns a function that runs `fn` with the
 * site's admin rights (SDK modules called inside bind to the elevated client), `auth.getTokenInfo()` asks the
 * platform's token-info endpoint about the caller's token, `httpClient.fetchWithAuth` sends the caller's token.
 */
export const auth = {
  elevate<F extends (...args: never[]) => unknown>(fn: F): (...args: Parameters<F>) => ReturnType<F> {
    if (typeof fn !== 'function') throw new TypeError('auth.elevate() takes a function.');
    return (...args: Parameters<F>) => {
      const call = currentCall('@wix/essentials auth.elevate()');
      return veloCalls.run({ ...call, elevated: true }, () => fn(...args)) as ReturnType<F>;
    };
  },
  async getTokenInfo(): Promise<TokenInfo> {
    const call = currentCall('@wix/essentials auth.getTokenInfo()');
    const token = await callToken(call, call.elevated);
    const response = await fetch('https://www.wixapis.com/oauth2/token-info', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ token }),
    });
    if (!response.ok) throw new Error(`getTokenInfo failed with HTTP ${response.status}.`);
    return (await response.json()) as TokenInfo;
  },
};

export const httpClient = {
  async fetchWithAuth(input: string | URL | Request, init: RequestInit = {}): Promise<Response> {
    const call = currentCall('@wix/essentials httpClient.fetchWithAuth()');
    const headers = new Headers(init.headers);
    headers.set('Authorization', await callToken(call, call.elevated));
    return fetch(input, { ...init, headers });
  },
};

export default { auth, httpClient };
