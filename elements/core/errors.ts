/** Every failure an element can show, one readable kind each (design: "Errors"). */
export type SessionErrorKind =
  | 'network'
  | 'unauthenticated'
  | 'forbidden'
  | 'not-found'
  | 'validation'
  | 'rate-limited'
  | 'server'
  | 'not-connected';

const MESSAGES: Record<SessionErrorKind, string> = {
  network: 'The site could not be reached. Check the connection and try again.',
  unauthenticated: 'Your session has ended. Reload the page to sign in again.',
  forbidden: 'You do not have permission to see this content.',
  'not-found': 'This content does not exist.',
  validation: 'The request was not valid.',
  'rate-limited': 'Too many requests right now. Try again in a moment.',
  server: 'The site had a problem answering. Try again later.',
  'not-connected': 'Not connected to a Wix site.',
};

/** A typed error that never carries a token: only a kind, a status, a Wix code and a message. */
export class SessionError extends Error {
  readonly kind: SessionErrorKind;
  readonly status: number | undefined;
  readonly code: string | undefined;

  constructor(kind: SessionErrorKind, message?: string, options: { status?: number; code?: string; cause?: unknown } = {}) {
    super(message ?? MESSAGES[kind], options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'SessionError';
    this.kind = kind;
    this.status = options.status;
    this.code = options.code;
  }

  /** The plain-words line an element shows for this kind. */
  get userMessage(): string {
    return MESSAGES[this.kind];
  }
}

const CODE_KINDS: Record<string, SessionErrorKind> = {
  UNAUTHENTICATED: 'unauthenticated',
  '401': 'unauthenticated',
  PERMISSION_DENIED: 'forbidden',
  WDE0027: 'forbidden',
  WDE0144: 'forbidden',
  WDE0177: 'forbidden',
  '403': 'forbidden',
  NOT_FOUND: 'not-found',
  WDE0025: 'not-found',
  WDE0026: 'not-found',
  WDE0073: 'not-found',
  '404': 'not-found',
  RESOURCE_EXHAUSTED: 'rate-limited',
  WDE0014: 'rate-limited',
  '429': 'rate-limited',
  WDE0070: 'validation',
  WDE0077: 'validation',
  WDE0080: 'validation',
  WDE0075: 'validation',
  WDE0109: 'validation',
  INVALID_ARGUMENT: 'validation',
  '400': 'validation',
};

const statusKind = (status: number): SessionErrorKind | undefined => {
  if (status === 401) return 'unauthenticated';
  if (status === 403) return 'forbidden';
  if (status === 404) return 'not-found';
  if (status === 429) return 'rate-limited';
  if (status >= 500) return 'server';
  if (status >= 400) return 'validation';
  return undefined;
};

/**
 * Maps whatever the SDK or fetch threw into a SessionError. The SDK keeps the Wix code in
 * `details.applicationError.code` (a number for synthetic errors) and turns validation into `validationError`.
 */
export function toSessionError(error: unknown, lastStatus?: number): SessionError {
  if (error instanceof SessionError) return error;
  const e = error as { name?: string; message?: string; details?: { applicationError?: { code?: unknown; description?: string }; validationError?: unknown } };
  const rawCode = e?.details?.applicationError?.code;
  const code = rawCode === undefined ? undefined : String(rawCode);
  const message = typeof e?.message === 'string' ? e.message : undefined;
  if (e?.details?.validationError || e?.name === 'WixDataValidationError') return new SessionError('validation', message, { code, cause: error });
  if (code && CODE_KINDS[code]) return new SessionError(CODE_KINDS[code], message, { code, cause: error, ...(lastStatus ? { status: lastStatus } : {}) });
  if (lastStatus !== undefined) {
    const kind = statusKind(lastStatus);
    if (kind) return new SessionError(kind, message, { status: lastStatus, ...(code ? { code } : {}), cause: error });
  }
  if (e?.name === 'TypeError' || e?.name === 'AbortError' || e?.name === 'TimeoutError') return new SessionError('network', undefined, { cause: error });
  if (e?.name === 'SyntaxError') return new SessionError('server', 'The site answered with a malformed response.', { cause: error });
  if (code && /^5\d\d$/.test(code)) return new SessionError('server', message, { code, cause: error });
  return new SessionError('server', message, { ...(code ? { code } : {}), cause: error });
}
