import { createClient } from '@wix/sdk';
import { items } from '@wix/data';
import { site } from '@wix/site';
import { apiBaseUrlFrom, embedsApi } from './host.ts';
import type { Session } from './session.ts';

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
  return async (input, init) => {
    const first = await baseFetch(input, init);
    const headers = new Headers(init?.headers);
    const sent = headers.get('authorization');
    if (first.status !== 401 || !sent) return first;
    const fresh = await session.renewAfterRejection(sent);
    if (fresh === sent) return first;
    headers.set('authorization', fresh);
    return baseFetch(input, { ...init, headers });
  };
}

/** The official SDK client, with @wix/data items, authenticated by the shared session. */
export function createSessionClient(session: Session, options: SessionClientOptions = {}) {
  const embeds = embedsApi();
  const siteHost = embeds ? site.host({ applicationId: options.applicationId ?? 'wix-session-elements' }) : undefined;
  const apiBaseUrl = options.apiBaseUrl ?? (embeds ? apiBaseUrlFrom(embeds.getExternalBaseUrl()) : 'www.wixapis.com');
  return createClient({
    modules: { items },
    host: { ...(siteHost ?? {}), apiBaseUrl } as NonNullable<typeof siteHost>,
    auth: { getAuthHeaders: async () => ({ headers: { Authorization: await session.token() } }) },
    fetch: fetchWithRenewal(session),
  });
}

export type SessionClient = ReturnType<typeof createSessionClient>;

/** A query as the elements build it: the JSON-safe subset of @wix/data's `WixDataQueryRequest`. */
export interface QueryRequest {
  filter?: Record<string, unknown> | undefined;
  sort?: { fieldName: string; order: 'ASC' | 'DESC' }[];
  paging?: { limit: number; offset: number };
}

export interface QueryOptions {
  returnTotalCount?: boolean;
}

export interface QueryResult {
  items: (Record<string, unknown> & { _id: string })[];
  pagingMetadata: { total?: number | null; count?: number | null; offset?: number | null };
}

/**
 * The part of the SDK client the elements use. The SDK client and the page-code bridge (BridgeClient) both
 * satisfy it, so an element does not care which host it lives in.
 */
export interface DataClient {
  items: { query(collection: string, request: QueryRequest, options?: QueryOptions): Promise<QueryResult> };
}
