/**
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
