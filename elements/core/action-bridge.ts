/**
 * The page-code bridge for named actions (element side), next to bridge.ts's queries: on a Velo site an element
 * asks page code to run a backend web method by name, and gets the method's envelope back. Same event, same
 * reply attribute, same rules (ids, validation, 10 s timeout, 1 MB limit); no token travels through the DOM.
 */
import { BRIDGE_REQUEST_EVENT, type BridgeError } from './bridge.ts';
import { SessionError, type SessionErrorKind } from './errors.ts';

export interface ActionRequest {
  id: string;
  op: 'call';
  action: string;
  input: unknown;
}

/** What a web method answers (velo-backend/lib/envelope.ts). */
export type ActionEnvelope<T = unknown> = { ok: true; data: T } | { ok: false; code: string; message: string };

/** `id` first, as in bridge.ts, so that an oversize reply can still be matched. */
export type ActionReply = { id: string; ok: true; data: ActionEnvelope } | { id: string; ok: false; error: BridgeError };

// A Map, so that a code such as "constructor" cannot reach Object.prototype.
const ENVELOPE_KINDS = new Map<string, SessionErrorKind>([
  ['PERMISSION_DENIED', 'forbidden'],
  ['FORBIDDEN', 'forbidden'],
  ['VALIDATION', 'validation'],
  ['UNAUTHENTICATED', 'unauthenticated'],
  ['NOT_FOUND', 'not-found'],
  ['RATE_LIMITED', 'rate-limited'],
]);

/** The error kind for an envelope's code; unknown codes (UNAVAILABLE, INTERNAL…) are server errors. */
export const envelopeKind = (code: string): SessionErrorKind => ENVELOPE_KINDS.get(code) ?? 'server';

/** Whether a parsed value has the shape of an envelope. */
export const isEnvelope = (value: any): value is ActionEnvelope =>
  value instanceof Object && (value.ok === true ? 'data' in value : value.ok === false && typeof value.code == 'string' && typeof value.message == 'string');

type Settle = (error: SessionError | undefined, data?: ActionEnvelope) => void;

/** Asks page code to call a web method by name; resolves with its envelope. */
export class ActionBridge {
  timeoutMs = 10_000;
  maxReplySize = 1_000_000;
  private readonly pending = new Map<unknown, Settle>();

  constructor(
    private readonly target: EventTarget,
    options: { timeoutMs?: number; maxReplySize?: number } = {},
  ) {
    Object.assign(this, options);
  }

  call(action: string, input: unknown = {}): Promise<ActionEnvelope> {
    return new Promise((resolve, reject) => {
      const id = crypto.randomUUID();
      const timer = setTimeout(() => this.pending.get(id)?.(new SessionError('network')), this.timeoutMs);
      this.pending.set(id, (error, data) => {
        clearTimeout(timer);
        this.pending.delete(id);
        error ? reject(error) : resolve(data!);
      });
      const detail: ActionRequest = { id, op: 'call', action, input };
      this.target.dispatchEvent(new CustomEvent(BRIDGE_REQUEST_EVENT, { detail, bubbles: true, composed: true }));
    });
  }

  /** Takes the value of `bridge-reply`; unknown ids are ignored, a malformed reply fails its request. */
  receive(json: string | null): void {
    let reply: any;
    let error: SessionError | undefined;
    try {
      if (json!.length > this.maxReplySize) throw 0;
      reply = JSON.parse(json!);
      const { ok, data, error: failure } = reply;
      if (ok === true ? !isEnvelope(data) : ok !== false || typeof failure.message != 'string' || typeof new SessionError(failure.kind).userMessage != 'string')
        throw 0;
      if (!ok) error = new SessionError(failure.kind, failure.message, failure);
    } catch {
      error = new SessionError('server', 'The page answered with a malformed reply.');
    }
    this.pending.get(reply?.id ?? /^\{"id":"([\w-]{1,64})"/.exec(json!)?.[1])?.(error, reply?.data);
  }
}
