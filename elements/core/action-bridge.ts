/**
 * The page-code bridge for named actions (element side), next to bridge.ts's queries: on a Velo site an element
 * asks page code to run a backend web method by name, and gets the method's envelope back. Same event, same
 * reply attribute, same rules (pending-replies.ts); no token travels through the DOM.
 */
import type { BridgeError } from './bridge.ts';
import type { SessionErrorKind } from './errors.ts';
import { PendingReplies } from './pending-replies.ts';
import { envelopeErrorKind } from './shared/envelope.ts';

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

/** The error kind for an envelope's code (shared.ts); unknown codes (UNAVAILABLE, INTERNAL…) are server errors. */
export const envelopeKind: (code: string) => SessionErrorKind = envelopeErrorKind;

/** Whether a parsed value has the shape of an envelope. */
export const isEnvelope = (value: unknown): value is ActionEnvelope => {
  const envelope = value as Partial<Record<'ok' | 'code' | 'message', unknown>>;
  return (
    value instanceof Object &&
    (envelope.ok === true ? 'data' in value : envelope.ok === false && typeof envelope.code == 'string' && typeof envelope.message == 'string')
  );
};

/** Asks page code to call a web method by name; resolves with its envelope. */
export class ActionBridge extends PendingReplies<ActionEnvelope> {
  call(action: string, input: unknown = {}): Promise<ActionEnvelope> {
    return this.send({ op: 'call', action, input } satisfies Omit<ActionRequest, 'id'>);
  }

  protected valid(data: unknown): data is ActionEnvelope {
    return isEnvelope(data);
  }
}
