/** The redaction rule lives in shared/redact.ts (the package's dependency-free module); this path stays for existing imports. */
export { redact, REDACTED } from './shared/redact.ts';
