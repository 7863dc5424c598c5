/**
 * The backend's envelope helpers. The envelope's type and its error codes are the package's shared ones
 * (elements/core/shared/), so the elements read what the backend writes; only types come from there, so the
 * compiled backend imports nothing outside backend/.
 */
import type { Envelope, ErrorCode, Issue } from '../../elements/core/shared/index.ts';

export type { Envelope, ErrorCode, Issue };

export const ok = <T>(data: T): Envelope<T> => ({ ok: true, data });

export const fail = (code: ErrorCode, message: string, issues?: Issue[]): Envelope<never> =>
  issues ? { ok: false, code, message, issues } : { ok: false, code, message };

/** An error a backend helper throws to end the call with a specific envelope. */
export class EnvelopeError extends Error {
  constructor(
    readonly code: ErrorCode,
    message: string,
    readonly issues?: Issue[],
  ) {
    super(message);
    this.name = 'EnvelopeError';
  }
}
