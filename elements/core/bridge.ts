/**
 * The page-code bridge, element side: on a Velo site an element gets no token, so it asks page code for data.
 * Requests go out as one CustomEvent type; replies come back as JSON in one attribute. Tokens never travel
 * through the DOM: page code queries with its own automatic session (or a web method) and sends only data.
 * No dependencies here: this ships in the size-budgeted editor bundle.
 */
import type { DataClient, QueryOptions, QueryRequest, QueryResult } from './client.ts';
import { SessionError, type SessionErrorKind } from './errors.ts';

/** The event an element fires for each request (bubbles, composed). */
export const BRIDGE_REQUEST_EVENT = 'wix-bridge-request';
/** The attribute page code writes each reply into. */
export const BRIDGE_REPLY_ATTRIBUTE = 'bridge-reply';
/** The attribute page code sets to `ready` once it listens. */
export const BRIDGE_ATTRIBUTE = 'bridge';

export interface BridgeRequest {
  id: string;
  op: 'query';
  collection: string;
  request: QueryRequest;
  options: QueryOptions;
}

export interface BridgeError {
  kind: SessionErrorKind;
  message: string;
  code?: string;
}

/** `id` comes first in the JSON so that an oversize reply can still be matched to its request. */
export type BridgeReply = { id: string; ok: true; data: QueryResult } | { id: string; ok: false; error: BridgeError };

export interface BridgeClientOptions {
  /** A request the page has not answered after this long fails as a network error. Default 10 s. */
  timeoutMs?: number;
  /** Replies longer than this (in characters) are refused unparsed. Default 1 MB. */
  maxReplySize?: number;
}

type Settle = (error: SessionError | undefined, data?: QueryResult) => void;

/** Turns `{ "$date": ISO }` back into a Date, at any depth, as the SDK does. */
const reviveDates = (_key: string, value: any) => (typeof value?.$date == 'string' ? new Date(value.$date) : value);

/** A DataClient that asks page code instead of calling Wix: same `items.query` shape as the SDK client. */
export class BridgeClient implements DataClient {
  timeoutMs = 10_000;
  maxReplySize = 1_000_000;
  private readonly pending = new Map<unknown, Settle>();

  constructor(
    private readonly target: EventTarget,
    options: BridgeClientOptions = {},
  ) {
    Object.assign(this, options);
  }

  readonly items = {
    query: (collection: string, request: QueryRequest, options: QueryOptions = {}) =>
      new Promise<QueryResult>((resolve, reject) => {
        const id = crypto.randomUUID();
        const timer = setTimeout(() => this.pending.get(id)?.(new SessionError('network')), this.timeoutMs);
        this.pending.set(id, (error, data) => {
          clearTimeout(timer);
          this.pending.delete(id);
          error ? reject(error) : resolve(data!);
        });
        const detail: BridgeRequest = { id, op: 'query', collection, request, options };
        this.target.dispatchEvent(new CustomEvent(BRIDGE_REQUEST_EVENT, { detail, bubbles: true, composed: true }));
      }),
  };

  /**
   * Hands over the value of the `bridge-reply` attribute. Replies for unknown ids (stale, duplicate) are
   * ignored; a malformed one fails its request if its id can be read, even from the start of bad JSON.
   */
  receive(json: string | null): void {
    let reply: any;
    let error: SessionError | undefined;
    try {
      // An oversize reply is refused unparsed, as malformed.
      if (json!.length > this.maxReplySize) throw 0;
      reply = JSON.parse(json!, reviveDates);
      const { ok, data, error: failure } = reply;
      // A missing field throws a TypeError here, which is a malformed reply too. A kind is known exactly when
      // SessionError has a message for it.
      if (
        ok === true
          ? !(data.pagingMetadata instanceof Object && data.items.every((item: any) => typeof item._id == 'string'))
          : ok !== false || typeof failure.message != 'string' || typeof new SessionError(failure.kind).userMessage != 'string'
      )
        throw 0;
      if (!ok) error = new SessionError(failure.kind, failure.message, failure);
    } catch {
      error = new SessionError('server', 'The page answered with a malformed reply.');
    }
    this.pending.get(reply?.id ?? /^\{"id":"([\w-]{1,64})"/.exec(json!)?.[1])?.(error, reply?.data);
  }
}
