import { createClient } from '@wix/sdk';
import { items } from '@wix/data';
import { site } from '@wix/site';
import { apiBase, embedsApi } from './host.ts';
import { unauthorized, type Session } from './session.ts';
import { WIX_API_HOST } from './shared/hosts.ts';

export interface SessionClientOptions {
  /** Overrides the API base URL (host[:port][/path]); by default it comes from the host's external URL. */
  apiBaseUrl?: string;
  /** Wix app id, passed to `site.host()` when the element runs as a site widget. */
  applicationId?: string;
}

/**
 * Wraps fetch so that a 401 leads to exactly one renewal and one retry. A second 401 goes back to the
 * SDK, which throws; the element then shows the typed "unauthenticated" state. There is never a loop.
 */
export function fetchWithRenewal(session: Session, baseFetch: typeof fetch = (...args) => globalThis.fetch(...args)): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    const sent = headers.get('authorization');
    if (!sent) return baseFetch(input, init);
    return session.withRenewal(
      sent,
      (token) => (token === sent ? baseFetch(input, init) : (headers.set('authorization', token), baseFetch(input, { ...init, headers }))),
      unauthorized,
    );
  };
}

/**
 * An official SDK client with the given @wix/data modules, authenticated by the shared session. An element registers
 * only the methods it calls (`{ items: { query: items.query } }`), so its bundle carries none of the others.
 */
export function createClientWith<M extends Parameters<typeof createClient>[0]['modules']>(session: Session, modules: M, options: SessionClientOptions = {}) {
  const embeds = embedsApi();
  const siteHost = embeds ? site.host({ applicationId: options.applicationId ?? 'wix-session-elements' }) : undefined;
  const apiBaseUrl = apiBase(options.apiBaseUrl, WIX_API_HOST);
  return createClient({
    modules,
    host: { ...(siteHost ?? {}), apiBaseUrl } as NonNullable<typeof siteHost>,
    auth: { getAuthHeaders: async () => ({ headers: { Authorization: await session.token() } }) },
    fetch: fetchWithRenewal(session),
  });
}

/**
 * The official SDK client, with all of @wix/data items, authenticated by the shared session: for a page's own code
 * that wants the whole SDK. The elements do not use it (they carry the light client, data-client.ts).
 */
export const createSessionClient = (session: Session, options: SessionClientOptions = {}) => createClientWith(session, { items }, options);

export type SessionClient = ReturnType<typeof createSessionClient>;

// The elements' own data calls go through the light client (data-client.ts); its types stay importable from here.
export type { DataClient, QueryOptions, QueryRequest, QueryResult } from './data-client.ts';
