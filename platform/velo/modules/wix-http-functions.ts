/** Local `wix-http-functions`: the request an HTTP function receives and the response builders it returns. */
export interface WixHttpFunctionRequest {
  baseUrl: string;
  body: { json(): Promise<unknown>; text(): Promise<string>; buffer(): Promise<Buffer> };
  functionName: string;
  headers: Record<string, string>;
  ip: string;
  method: string;
  path: string[];
  query: Record<string, string>;
  url: string;
}

export interface WixHttpFunctionResponseOptions {
  body?: unknown;
  headers?: Record<string, string>;
  status?: number;
}

/** A brand, not `instanceof`: Vite's SSR loader gives the backend its own copy of this module. */
export const HTTP_RESPONSE = Symbol.for('wix-session-elements.http-function-response');

export function isHttpFunctionResponse(value: unknown): value is WixHttpFunctionResponse {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[HTTP_RESPONSE] === true;
}

export class WixHttpFunctionResponse {
  readonly [HTTP_RESPONSE] = true;
  readonly status: number;
  readonly body: unknown;
  readonly headers: Record<string, string>;
  constructor(options: WixHttpFunctionResponseOptions & { status: number }) {
    this.status = options.status;
    this.body = options.body;
    this.headers = options.headers ?? {};
  }
}

const builder =
  (status: number) =>
  (options: WixHttpFunctionResponseOptions = {}) =>
    new WixHttpFunctionResponse({ ...options, status });

export const ok = builder(200);
export const created = builder(201);
export const badRequest = builder(400);
export const forbidden = builder(403);
export const notFound = builder(404);
export const serverError = builder(500);
export function response(options: WixHttpFunctionResponseOptions = {}): WixHttpFunctionResponse {
  return new WixHttpFunctionResponse({ ...options, status: options.status ?? 200 });
}

export default { ok, created, badRequest, forbidden, notFound, serverError, response };
