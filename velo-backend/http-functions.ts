/**
 * HTTP functions (`backend/http-functions.js` on a Wix site), served at `/_functions/<name>`.
 * They are public endpoints: a direct call is an anonymous visitor.
 */
import { ok, serverError, type WixHttpFunctionRequest } from 'wix-http-functions';
import { categoryCounts } from './data-admin.web.ts';

/** GET /_functions/health: a liveness probe that touches nothing private. */
export function get_health(_request: WixHttpFunctionRequest) {
  return ok({ body: { status: 'ok' }, headers: { 'cache-control': 'no-store' } });
}

/** GET /_functions/categories: the public per-category counts, for server-to-server callers. */
export async function get_categories(_request: WixHttpFunctionRequest) {
  const result = await categoryCounts();
  if (!result.ok) return serverError({ body: { code: result.code, message: result.message } });
  return ok({ body: { categories: result.data }, headers: { 'cache-control': 'public, max-age=60' } });
}
