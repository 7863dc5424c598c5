import { createClient } from '@wix/sdk';
import { items } from '@wix/data';
import { currentCall, veloCalls, type VeloCallContext } from './context.ts';

/** Tokens minted for one backend call, by identity: at most one caller token and one elevated token per call. */
const minted = new WeakMap<VeloCallContext, Map<string, Promise<string>>>();

/** The access token backend code's Wix API calls carry: the caller's, or elevated (the site's admin rights). */
export function callToken(call: VeloCallContext, elevated: boolean): Promise<string> {
  const issue = call.runtime.accessToken;
  if (!issue) return Promise.reject(new Error('This platform gives backend code no access tokens.'));
  let cache = minted.get(call);
  if (!cache) minted.set(call, (cache = new Map()));
  const key = elevated ? 'elevated' : 'caller';
  let token = cache.get(key);
  if (!token) {
    token = issue(call.caller, elevated);
    cache.set(key, token);
  }
  return token;
}

/** An @wix/sdk auth strategy that answers with the running backend call's identity, read when each request is sent. */
function backendAuth(alwaysElevated: boolean) {
  return {
    getAuthHeaders: async () => {
      const call = currentCall('@wix/data');
      return { headers: { Authorization: await callToken(call, alwaysElevated || call.elevated) } };
    },
  };
}

const MAX_INSPECTED_BODY = 1_000_000;

/**
 * The SDK sends `suppressHooks: true` in the request body (the documented option of @wix/data's methods); from
 * backend code the platform honours it for that request, as Wix does. Other requests go out unchanged.
 */
const backendFetch: typeof fetch = (input, init) => {
  const body = init?.body;
  const call = veloCalls.getStore();
  if (call && typeof body === 'string' && body.length <= MAX_INSPECTED_BODY && body.includes('"suppressHooks":true')) {
    let suppress: boolean;
    try {
      suppress = (JSON.parse(body) as { suppressHooks?: unknown } | null)?.suppressHooks === true;
    } catch {
      suppress = false;
    }
    if (suppress) return veloCalls.run({ ...call, suppressHooks: true }, () => fetch(input, init));
  }
  return fetch(input, init);
};

/** The SDK client backend code uses on Wix without creating one: it runs as the caller (elevated inside elevate()). */
export const callerClient = createClient({ modules: { items }, auth: backendAuth(false), fetch: backendFetch });
/** The same, always elevated: what `auth.elevate()` and `suppressAuth` bind SDK modules to. */
export const elevatedClient = createClient({ modules: { items }, auth: backendAuth(true), fetch: backendFetch });

interface AmbientContext {
  readonly client: typeof callerClient;
  readonly elevatedClient: typeof elevatedClient;
}

/**
 * Installs the ambient Wix context the official SDK modules look for (`globalThis.__wix_context__`, read by
 * @wix/sdk-runtime), so `import { items } from '@wix/data'` works in a site's backend without createClient, as on
 * Wix. Its client is chosen when a module is called: elevated inside `elevate()`. Leaves an existing context alone.
 */
export function installAmbientWixContext(): void {
  const holder = globalThis as unknown as { __wix_context__?: AmbientContext };
  if (holder.__wix_context__ !== undefined) return;
  holder.__wix_context__ = {
    get client() {
      return veloCalls.getStore()?.elevated ? elevatedClient : callerClient;
    },
    elevatedClient,
  };
}
