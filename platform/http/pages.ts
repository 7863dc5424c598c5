import { createHash } from 'node:crypto';
import { RawResponse, type RequestContext } from './router.ts';

/** The platform's own HTML pages (sign-in, consent, connected apps, errors): one look, escaped text, never cached. */
export function escapeHtml(value: string): string {
  // safe-lookup: c is one character matched by /[&<>"']/, always a key of the literal
  return value.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}

const STYLE = `body{font:16px/1.5 system-ui,sans-serif;max-width:30rem;margin:3rem auto;padding:0 1rem;color:#1d1d1f}h1{font-size:1.4rem}
label{display:block;margin:.8rem 0 .2rem}input{width:100%;padding:.5rem;font:inherit;box-sizing:border-box}
button{margin:1rem .5rem 0 0;padding:.6rem 1.2rem;font:inherit;border-radius:6px;border:1px solid #116dff;background:#116dff;color:#fff;cursor:pointer}
.deny{background:#fff;color:#116dff}.error{color:#b00020}li{margin:.3rem 0}
table{border-collapse:collapse;width:100%}td,th{text-align:left;padding:.4rem;border-bottom:1px solid #ddd}`;

export function htmlPage(status: number, title: string, body: string, headers: Record<string, string> = {}): RawResponse {
  return new RawResponse(
    status,
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escapeHtml(title)}</title><meta name="viewport" content="width=device-width, initial-scale=1"><style>${STYLE}</style></head><body>${body}</body></html>`,
    { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store', pragma: 'no-cache', ...headers },
  );
}

/** PKCE S256: base64url(sha256(verifier)). */
export const pkceS256 = (verifier: string): string => createHash('sha256').update(verifier).digest('base64url');

/**
 * Login CSRF: a browser sends Origin with every form POST, so credentials posted by another site's page (which would
 * sign the victim's browser in as the attacker) are refused. A client with no Origin (not a browser page) is not.
 */
export function postedFromAnotherOrigin(ctx: Pick<RequestContext, 'headers' | 'origin'>): boolean {
  const origin = ctx.headers['origin'];
  return typeof origin === 'string' && origin !== ctx.origin;
}

/** Headers for a page with a password form: no other site may frame it (clickjacking). */
export const NO_FRAMING = { 'x-frame-options': 'DENY', 'content-security-policy': "frame-ancestors 'none'" } as const;
