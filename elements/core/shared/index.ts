/**
 * The package's shared rules, in one dependency-free folder (no imports outside it: it runs in the browser, in Node
 * and in the Velo backend's bundle). One file per rule, so that a bundle takes only the rules it uses (the redaction
 * regular expressions are built when their file loads); this index gathers them. The elements, the page-code helper, the Velo backend (velo-backend/lib/) and the local
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

export { WIX_API_HOST, WIX_API_HOSTS } from './hosts.ts';
export { envelopeErrorKind, type Envelope, type EnvelopeErrorKind, type ErrorCode, type Issue } from './envelope.ts';
export { redact, REDACTED } from './redact.ts';
