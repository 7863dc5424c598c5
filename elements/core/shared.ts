/**
 * The package's shared rules, in one dependency-free module (no imports: it runs in the browser, in Node and in the
 * Velo backend's bundle). The elements, the page-code helper, the Velo backend (velo-backend/lib/) and the local
 * platform (platform/http/redact.ts) all take these from here:
 *
 * - credential redaction (`redact`), so that a log line, an audit record and an error message shown in the DOM hide
 *   the same things;
 * - the web-method envelope (`Envelope`, `ErrorCode`) and how an element reads its error codes (`envelopeErrorKind`);
 * - the Wix API hosts.
 *
 * Collection and secret names: none is shared today between the elements, the backend and the platform (the backend's
 * AuditLog collection and its secrets are the backend's own), so none is here.
 */

// ---------------------------------------------------------------------------------------------------------------
// Wix API hosts
// ---------------------------------------------------------------------------------------------------------------

/** The host the official SDK calls by default (`createClient` without a site host). */
export const WIX_API_HOST = 'www.wixapis.com';
/** Every host of the Wix REST APIs that the SDK calls (the local platform answers them all). */
export const WIX_API_HOSTS = [WIX_API_HOST, 'edge.wixapis.com'] as const;

// ---------------------------------------------------------------------------------------------------------------
// Web-method envelopes
// ---------------------------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------------------------
// Credential redaction
// ---------------------------------------------------------------------------------------------------------------

/*
 * The one credential-redaction rule of the package (design: "Logs redact tokens, keys and secrets, with one shared
 * redaction rule"). The Velo backend gets it bundled into its build (velo-backend/lib/redact.ts).
 *
 * What it hides:
 * - Wix tokens and keys by their prefixes: `OauthNG.JWS.`, `JWS.`, `JST.`, `IST.` (API keys, site and app tokens);
 * - any JWT (`eyJ…` header, two or three base64url parts);
 * - the value of an `Authorization` header or `Bearer`/`Basic` credential;
 * - the value of a secret-named field in JSON, form or `key=value` / `key: value` text: passwords, client secrets,
 *   refresh/access tokens, API keys, authorization codes, code verifiers.
 * Names, ids, emails and ordinary words survive.
 */

export const REDACTED = '[redacted]';

/**
 * Field names whose values are credentials wherever they appear (case-insensitive, `_`/`-` optional), also with up to
 * three prefix words (`OAUTH_CLIENT_SECRET`, `x-api-key`). The prefix is bounded so that the rule stays linear.
 */
const SECRET_FIELD = String.raw`(?:[a-z0-9]{1,32}[_-]){0,3}(?:pass(?:word|wd)?|client[_-]?secret|secret|refresh[_-]?token|access[_-]?token|id[_-]?token|api[_-]?key|authorization|code[_-]?verifier|private[_-]?key)`;

/** Tokens recognisable by their shape. Linear: no nested quantifiers. */
const CREDENTIAL_SHAPES = /\b(?:OauthNG\.JWS\.|JWS\.|JST\.|IST\.)[\w.~+/=-]+|\beyJ[\w-]+\.[\w-]+(?:\.[\w-]*)?|\b(?:Bearer|Basic)\s+[\w.~+/=-]+/g;

/** `"password": "…"` in JSON (also with escaped quotes inside the value). */
const JSON_FIELD = new RegExp(String.raw`("${SECRET_FIELD}"\s*:\s*)"(?:[^"\\]|\\.)*"`, 'gi');
/** `password=…` in form/query text and `Authorization: …` / `client_secret: …` in header-like text. */
const TEXT_FIELD = new RegExp(String.raw`(\b${SECRET_FIELD}\s*[=:]\s*)(?!\[redacted\])[^\s&,;"'}]+`, 'gi');

/** Replaces every credential-looking value in a text (log line, error message, audit detail). */
export function redact(text: string): string {
  return text.replace(JSON_FIELD, `$1"${REDACTED}"`).replace(CREDENTIAL_SHAPES, REDACTED).replace(TEXT_FIELD, `$1${REDACTED}`);
}
