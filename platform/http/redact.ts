/** The platform's log lines use the package's one redaction rule (elements/core/shared/, dependency-free). */
export { redact, REDACTED } from '../../elements/core/shared/index.ts';
