/** Tokens, API keys and JWTs never reach a log line or an audit record. (A copy of the platform's rule: backend files deploy to Wix alone.) */
const CREDENTIAL = /\b(?:OauthNG\.JWS\.|JWS\.|IST\.)[\w.-]+|\beyJ[\w-]+\.[\w-]+\.[\w-]*/g;

export function redact(text: string): string {
  return text.replace(CREDENTIAL, '[redacted]');
}
