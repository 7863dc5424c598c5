/**
 * The Wix REST error shape (reference §3.1) as one typed error, so every
 * service throws the same thing and the host turns it into the same body.
 */
export interface FieldViolation {
  field: string;
  description: string;
  violatedRule: string;
  data?: Record<string, unknown>;
}

export class WixApiError extends Error {
  readonly status: number;
  readonly code: string | undefined;
  readonly data: Record<string, unknown>;
  readonly fieldViolations: FieldViolation[] | undefined;

  constructor(status: number, message: string, options: { code?: string; data?: Record<string, unknown>; fieldViolations?: FieldViolation[] } = {}) {
    super(message);
    this.name = 'WixApiError';
    this.status = status;
    this.code = options.code;
    this.data = options.data ?? {};
    this.fieldViolations = options.fieldViolations;
  }

  toBody(): Record<string, unknown> {
    // Wix's system errors carry nothing; our own coded 5xx (a web method's time limit or failure) say what happened.
    if (this.status >= 500 && !this.code) return { message: '', details: {} };
    if (this.fieldViolations) {
      return { message: this.message, details: { validationError: { fieldViolations: this.fieldViolations } } };
    }
    return {
      message: this.message,
      details: { applicationError: { code: this.code ?? codeForStatus(this.status), description: this.message, data: this.data } },
    };
  }
}

function codeForStatus(status: number): string {
  switch (status) {
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 409:
      return 'ALREADY_EXISTS';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    default:
      return 'INVALID_ARGUMENT';
  }
}

export const errors = {
  unauthenticated: (message = 'Unauthorized: missing or invalid access token.') => new WixApiError(401, message, { code: 'UNAUTHENTICATED' }),
  forbidden: (message: string) => new WixApiError(403, message, { code: 'PERMISSION_DENIED' }),
  badRequest: (message: string, code = 'WDE0080') => new WixApiError(400, message, { code }),
  validation: (message: string, fieldViolations: FieldViolation[]) => new WixApiError(400, message, { fieldViolations }),
  notFound: (message: string, code = 'NOT_FOUND') => new WixApiError(404, message, { code }),
  // Wix Data codes, reference §3.3.
  collectionNotFound: (c: string) => new WixApiError(404, `The ${c} collection does not exist.`, { code: 'WDE0025' }),
  itemNotFound: (c: string, id: string) => new WixApiError(404, `Item ${id} does not exist in collection ${c}.`, { code: 'WDE0073' }),
  itemExists: (c: string, id: string) => new WixApiError(409, `Item ${id} already exists in collection ${c}.`, { code: 'WDE0074' }),
  permissionDenied: (op: string, c: string) =>
    new WixApiError(403, `The current user does not have permissions to ${op} on the ${c} collection.`, {
      code: 'WDE0027',
    }),
  payloadTooLarge: (limit: number) => new WixApiError(413, `Payload is too large: the limit is ${limit} bytes.`, { code: 'WDE0109' }),
};
