/**
 * The page-code bridge for queries, element side: on a Velo site an element gets no token, so it asks page code for
 * data (the ids, timeout, size limit and malformed replies are pending-replies.ts's). Page code queries with its own
 * automatic session (or a web method) and sends only data.
 */
import { reviveDates, type DataClient, type QueryOptions, type QueryRequest, type QueryResult } from './data-client.ts';
import { PendingReplies, type BridgeError, type BridgeOptions } from './pending-replies.ts';

export { BRIDGE_ATTRIBUTE, BRIDGE_REPLY_ATTRIBUTE, BRIDGE_REQUEST_EVENT, type BridgeError } from './pending-replies.ts';

export interface BridgeRequest {
  id: string;
  op: 'query';
  collection: string;
  request: QueryRequest;
  options: QueryOptions;
}

/** `id` comes first in the JSON so that an oversize reply can still be matched to its request. */
export type BridgeReply = { id: string; ok: true; data: QueryResult } | { id: string; ok: false; error: BridgeError };

export type BridgeClientOptions = BridgeOptions;

/** A DataClient that asks page code instead of calling Wix: same `items.query` shape as the SDK client. */
export class BridgeClient extends PendingReplies<QueryResult> implements DataClient {
  readonly items = {
    query: (collection: string, request: QueryRequest, options: QueryOptions = {}): Promise<QueryResult> =>
      this.send({ op: 'query', collection, request, options } satisfies Omit<BridgeRequest, 'id'>),
  };

  protected override reviver = reviveDates;

  /** A page of items, each with a string `_id`, and its paging metadata. */
  protected valid(data: unknown): data is QueryResult {
    const page = data as QueryResult;
    return page.pagingMetadata instanceof Object && page.items.every((item) => typeof item._id == 'string');
  }
}
