/** The platform's log lines use the package's one redaction rule (elements/core/shared.ts, dependency-free). */
export { redact, REDACTED } from '../../elements/core/shared.ts';
