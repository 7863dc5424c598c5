/** Credentials the platform hands out or accepts, plus any bare JWT. */
const CREDENTIAL = /\b(?:OauthNG\.JWS\.|JWS\.|JST\.|IST\.)[\w.-]+|\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;

/** Replaces every credential-looking value in a log line. */
export function redact(text: string): string {
  return text.replace(CREDENTIAL, '[redacted]');
}
