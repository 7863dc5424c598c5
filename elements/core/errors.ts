/** Every failure an element can show, one readable kind each (design: "Errors"). */
export type SessionErrorKind = 'network' | 'unauthenticated' | 'forbidden' | 'not-found' | 'validation' | 'rate-limited' | 'server' | 'not-connected';

const MESSAGES: Record<SessionErrorKind, string> = {
  network: 'The site could not be reached.',
  unauthenticated: 'Your session has ended. Reload the page.',
  forbidden: 'You do not have permission to see this content.',
  'not-found': 'This content does not exist.',
  validation: 'The request was not valid.',
  'rate-limited': 'Too many requests. Try again in a moment.',
  server: 'The site had a problem.',
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

/** Wix codes (and the bare HTTP statuses the SDK uses when a body has none) by kind. */
const CODE_KINDS: [SessionErrorKind, RegExp][] = [
  ['unauthenticated', /^(UNAUTHENTICATED|401)$/],
  ['forbidden', /^(PERMISSION_DENIED|WDE0027|403)$/],
  ['not-found', /^(NOT_FOUND|WDE0025|WDE0073|404)$/],
  ['rate-limited', /^(RESOURCE_EXHAUSTED|WDE0014|429)$/],
  ['validation', /^(INVALID_ARGUMENT|WDE00(70|75|77|80)|WDE0109|4\d\d)$/],
  ['server', /^5\d\d$/],
];

const kindOf = (code: string): SessionErrorKind | undefined => CODE_KINDS.find(([, pattern]) => pattern.test(code))?.[0];

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
  const kind = (code && kindOf(code)) || (lastStatus !== undefined ? kindOf(String(lastStatus)) : undefined);
  if (kind) return new SessionError(kind, message, { ...(code ? { code } : {}), ...(lastStatus ? { status: lastStatus } : {}), cause: error });
  if (/^(Type|Abort|Timeout)Error$/.test(e?.name ?? '')) return new SessionError('network', undefined, { cause: error });
  if (e?.name === 'SyntaxError') return new SessionError('server', 'The site answered with a malformed response.', { cause: error });
  return new SessionError('server', message, { ...(code ? { code } : {}), cause: error });
}
