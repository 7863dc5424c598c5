/**
 * The page-code bridge's one pending-replies rule, behind both bridges (bridge.ts: queries; action-bridge.ts: named
 * actions). On a Velo site an element gets no token, so it asks page code: each request goes out as one
 * `wix-bridge-request` CustomEvent (bubbles, composed) with a fresh id, and page code writes one JSON reply per
 * request into the element's `bridge-reply` attribute. Tokens never travel through the DOM.
 *
 * Here, once: ids (`crypto.randomUUID()`), the timeout (a request not answered in time fails as a network error), the
 * maximum reply size (a longer reply is refused unparsed), malformed replies (they fail their request as a server
 * error), the id read from the start of a reply that cannot be parsed, and replies for unknown ids (stale, duplicate:
 * ignored). Each bridge keeps only its request shape and the check of a reply's `data`.
 * No dependencies beyond errors.ts: this ships in the size-budgeted editor bundle.
 */
import { SessionError, type SessionErrorKind } from './errors.ts';

/** The event an element fires for each request (bubbles, composed). */
export const BRIDGE_REQUEST_EVENT = 'wix-bridge-request';
/** The attribute page code writes each reply into. */
export const BRIDGE_REPLY_ATTRIBUTE = 'bridge-reply';
/** The attribute page code sets to `ready` once it listens. */
export const BRIDGE_ATTRIBUTE = 'bridge';

/** A failure as page code reports it. */
export interface BridgeError {
  kind: SessionErrorKind;
  message: string;
  code?: string;
}

export interface BridgeOptions {
  /** A request the page has not answered after this long fails as a network error. Default 10 s. */
  timeoutMs?: number;
  /** Replies longer than this (in characters) are refused unparsed. Default 1 MB. */
  maxReplySize?: number;
}

type Settle<T> = (error: SessionError | undefined, data?: T) => void;

/** A reply as parsed, before it is checked: anything may be missing or of the wrong type. */
interface RawReply {
  id?: unknown;
  ok?: unknown;
  data?: unknown;
  error?: { kind?: unknown; message?: unknown; code?: unknown };
}

/** Requests to page code waiting for their replies; `T` is what a successful reply's `data` is. */
export abstract class PendingReplies<T> {
  timeoutMs = 10_000;
  maxReplySize = 1_000_000;
  readonly #pending = new Map<unknown, Settle<T>>();

  constructor(
    private readonly target: EventTarget,
    options: BridgeOptions = {},
  ) {
    Object.assign(this, options);
  }

  /** Whether a successful reply's `data` has the shape this bridge promises (it may throw: then it has not). */
  protected abstract valid(data: unknown): data is T;

  /** The reviver a reply's JSON is parsed with (a bridge may revive values: bridge.ts's dates). */
  protected reviver: Parameters<typeof JSON.parse>[1];

  /** Sends one request (`id` is added first, so that an oversize reply can still be matched) and waits for its reply. */
  protected send(request: object): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      const id = crypto.randomUUID();
      const timer = setTimeout(() => this.#pending.get(id)?.(new SessionError('network')), this.timeoutMs);
      this.#pending.set(id, (error, data) => {
        clearTimeout(timer);
        this.#pending.delete(id);
        if (error) reject(error);
        else resolve(data as T);
      });
      this.target.dispatchEvent(new CustomEvent(BRIDGE_REQUEST_EVENT, { detail: { id, ...request }, bubbles: true, composed: true }));
    });
  }

  /**
   * Hands over the value of the `bridge-reply` attribute. Replies for unknown ids (stale, duplicate) are
   * ignored; a malformed one fails its request if its id can be read, even from the start of bad JSON.
   */
  receive(json: string | null): void {
    let reply: RawReply | undefined;
    let error: SessionError | undefined;
    try {
      // An oversize reply is refused unparsed, as malformed; a missing one throws a TypeError, malformed too.
      if (json!.length > this.maxReplySize) throw 0;
      reply = JSON.parse(json!, this.reviver) as RawReply;
      // A missing field throws a TypeError here, which is a malformed reply too. A kind is known exactly when
      // SessionError has a message of its own for it ("constructor" finds Object's function, not a message).
      const { ok, data, error: failure } = reply;
      if (
        ok === true
          ? !this.valid(data)
          : ok !== false || typeof failure!.message != 'string' || typeof new SessionError(failure!.kind as SessionErrorKind).userMessage != 'string'
      )
        throw 0;
      if (!ok) error = new SessionError(failure!.kind as SessionErrorKind, failure!.message as string, failure as { code?: string });
    } catch {
      error = new SessionError('server', 'The page answered with a malformed reply.');
    }
    this.#pending.get(reply?.id ?? /^\{"id":"([\w-]{1,64})"/.exec(json!)?.[1])?.(error, reply?.data as T);
  }
}
