/**
 * Web methods answer with typed envelopes rather than throwing: how a backend exception reaches page code is
 * not documented by Wix (reference §1.4), while a returned value always arrives as JSON.
 */
export type ErrorCode = 'VALIDATION' | 'PERMISSION_DENIED' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'RATE_LIMITED' | 'UNAVAILABLE' | 'INTERNAL';

export interface Issue {
  path: string;
  message: string;
}

export type Envelope<T> = { ok: true; data: T } | { ok: false; code: ErrorCode; message: string; issues?: Issue[] };

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
