/**
 * Web methods answer with typed envelopes rather than throwing: how a backend exception reaches page code is not
 * documented by Wix (reference §1.4), while a returned value always arrives as JSON.
 */
export type ErrorCode = 'VALIDATION' | 'PERMISSION_DENIED' | 'NOT_FOUND' | 'UNAUTHENTICATED' | 'RATE_LIMITED' | 'UNAVAILABLE' | 'INTERNAL';

/** One invalid input field of a VALIDATION envelope. */
export interface Issue {
  path: string;
  message: string;
}

export type Envelope<T> = { ok: true; data: T } | { ok: false; code: ErrorCode; message: string; issues?: Issue[] };

/** The error kinds an element shows for envelope codes (errors.ts's SessionErrorKind, of which these are a part). */
export type EnvelopeErrorKind = 'forbidden' | 'validation' | 'unauthenticated' | 'not-found' | 'rate-limited' | 'server';

// A Map, so that a code such as "constructor" cannot reach Object.prototype. FORBIDDEN: page code's own refusals.
const ENVELOPE_KINDS = new Map<string, EnvelopeErrorKind>([
  ['PERMISSION_DENIED', 'forbidden'],
  ['FORBIDDEN', 'forbidden'],
  ['VALIDATION', 'validation'],
  ['UNAUTHENTICATED', 'unauthenticated'],
  ['NOT_FOUND', 'not-found'],
  ['RATE_LIMITED', 'rate-limited'],
]);

/** The error kind for an envelope's code; unknown codes (UNAVAILABLE, INTERNAL…) are server errors. */
export const envelopeErrorKind = (code: string): EnvelopeErrorKind => ENVELOPE_KINDS.get(code) ?? 'server';
