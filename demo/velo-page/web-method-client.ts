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
    /** The platform's own message, for the developer (the console, the request log): it may name backend paths. */
    readonly developerMessage = message,
  ) {
    super(message);
    this.name = 'WebMethodError';
  }
}

/**
 * What a visitor reads when a web method's permission refuses them: the same words as the site's HTTP actions
 * (velo-backend/site-actions.ts), never the backend path the runtime names ("data-admin.web/updateOrderStatus").
 */
export function denialMessage(developerMessage: string): string {
  if (/\bSiteMember\b/.test(developerMessage)) return 'Sign in as a site member to do this.';
  if (/\bAdmin\b/.test(developerMessage)) return 'Only the site’s admins can do this.';
  return 'You are not allowed to do this.';
}

export async function callWebMethod(module: string, method: string, args: unknown[]): Promise<unknown> {
  if (!pageSession) throw new WebMethodError('The page has no session yet.', 401, { applicationError: { code: 'UNAUTHENTICATED' } });
  const response = await fetch(`/_webMethods/${encodeURIComponent(module)}/${encodeURIComponent(method)}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: await pageSession() },
    body: JSON.stringify({ args }),
  });
  const body = (await response.json().catch(() => ({}))) as { result?: unknown; message?: string; details?: unknown };
  if (!response.ok) {
    const message = typeof body.message === 'string' && body.message ? body.message.slice(0, 500) : `The web method answered ${response.status}.`;
    const shown = response.status === 403 ? denialMessage(message) : message;
    throw new WebMethodError(shown, response.status, body.details ?? {}, message);
  }
  return body.result;
}
