/**
 * What `import { fn } from 'backend/x.web'` becomes in demo page code: a call to the local runtime's RPC endpoint
 * with the page's session, as Wix's proxy does with its own XHR. A denial rejects the promise, as on Wix, with the
 * Wix error details attached (so `toSessionError` reads them).
 */
type TokenGetter = () => Promise<string>;

let pageSession: TokenGetter | undefined;

/** The page's automatic session. On a Velo site Wix provides it; in the demo the host page does. */
export function setPageSession(getter: TokenGetter): void {
  pageSession = getter;
}

export class WebMethodError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly details: unknown,
  ) {
    super(message);
    this.name = 'WebMethodError';
  }
}

export async function callWebMethod(module: string, method: string, args: unknown[]): Promise<unknown> {
  if (!pageSession) throw new WebMethodError('The page has no session yet.', 401, { applicationError: { code: 'UNAUTHENTICATED' } });
  const response = await fetch(`/_webMethods/${encodeURIComponent(module)}/${encodeURIComponent(method)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: await pageSession() },
    body: JSON.stringify({ args }),
  });
  const body = (await response.json().catch(() => ({}))) as { result?: unknown; message?: string; details?: unknown };
  if (!response.ok) throw new WebMethodError(body.message || `The web method answered ${response.status}.`, response.status, body.details ?? {});
  return body.result;
}
