/** The platform's log lines use the package's one redaction rule (elements/core/redact.ts). */
export { redact, REDACTED } from '../../elements/core/redact.ts';
