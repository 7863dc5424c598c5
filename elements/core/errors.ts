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

  constructor(kind: SessionErrorKind, message?: string, options: { status?: number | undefined; code?: string | undefined; cause?: unknown } = {}) {
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

const KINDS = ['unauthenticated', 'forbidden', 'not-found', 'rate-limited', 'validation', 'server'] as const;

/** One alternative per kind of KINDS, in that order: the first group that matches names the kind. */
const kindBy =
  (pattern: RegExp) =>
  (code: unknown): SessionErrorKind | undefined =>
    KINDS[
      pattern
        .exec(String(code))
        ?.slice(1)
        .findIndex((group) => group) ?? -1
    ];

/** The kind an HTTP status stands for (undefined for anything else, `undefined` included). */
export const kindOfStatus = /* @__PURE__ */ kindBy(/^(?:(401)|(403)|(404)|(429)|(4\d\d)|(5\d\d))$/);

/** The kind a Wix error code stands for (Data's WDE codes, the gRPC-style names), or a bare HTTP status the SDK uses as a code when a body has none. */
export const kindOfCode = (code: unknown): SessionErrorKind | undefined => kindOfWixCode(code) || kindOfStatus(code);
const kindOfWixCode = /* @__PURE__ */ kindBy(
  /^(?:(UNAUTHENTICATED)|(PERMISSION_DENIED|WDE0027)|(NOT_FOUND|WDE0025|WDE0073)|(RESOURCE_EXHAUSTED|WDE0014)|(INVALID_ARGUMENT|WDE00(?:70|75|77|80)|WDE0109))$/,
);

/**
 * Maps what fetch, a getter or an element's own code threw into a SessionError: a SessionError as it is; `kind`
 * (by default the kind of `status`, the HTTP status when the caller knows it) with `code`; a failed or aborted
 * fetch as a network error; a body that is not JSON as a malformed answer; anything else as a server error.
 */
export function asSessionError(error: unknown, status?: number, code?: string, kind = kindOfStatus(status)): SessionError {
  if (error instanceof SessionError) return error;
  const e = error as { name?: unknown; message?: unknown } | null | undefined;
  const message = typeof e?.message == 'string' ? e.message : undefined;
  if (kind) return new SessionError(kind, message, { code, status, cause: error });
  if (/^(Type|Abort|Timeout)Error$/.test(e?.name as string)) return new SessionError('network', undefined, { cause: error });
  return new SessionError('server', e?.name == 'SyntaxError' ? 'The site answered with a malformed response.' : message, { code, cause: error });
}

/**
 * asSessionError for the official SDK's errors too: the SDK keeps the Wix code in `details.applicationError.code` (a
 * number for synthetic errors) and turns validation into `validationError`. A separate function, so that the
 * elements that never see an SDK error (the gate, the action and OAuth buttons) do not carry it.
 */
export function toSessionError(error: unknown, status?: number): SessionError {
  const e = error as { name?: unknown; message?: unknown; details?: { applicationError?: { code?: unknown }; validationError?: unknown } } | null | undefined;
  const raw = e?.details?.applicationError?.code;
  const code = raw === undefined ? undefined : String(raw);
  const kind = e?.details?.validationError || e?.name == 'WixDataValidationError' ? 'validation' : kindOfCode(code) || kindOfStatus(status);
  return asSessionError(error, status, code, kind);
}
