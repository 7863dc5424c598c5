/**
 * Tokens, API keys, JWTs and secret fields never reach a log line or an audit record: the package's one redaction
 * rule (elements/core/shared/redact.ts, dependency-free). `npm run build:velo` bundles it into this file, so the backend
 * still deploys to Wix on its own.
 */
export { redact, REDACTED } from '../../elements/core/shared/redact.ts';
