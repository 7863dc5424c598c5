import { apiBaseUrlFrom, embedsApi } from './host.ts';
import type { Session } from './session.ts';

/**
 * A site widget's call to one of the site's HTTP functions: `POST https://<base>/_functions/<path>` with the
 * session token in `Authorization` and a JSON body. After a 401 the token is renewed once and the call retried
 * once, never more. The base is `apiBaseUrl` when given, else the site's URL (wixEmbedsAPI), else this page's
 * host. The token goes only into the request header: never into the URL, the body or a log.
 * `credentials` is `omit` unless a caller needs the answer's cookie stored (the OAuth start binds the browser with
 * an HttpOnly cookie; `same-origin`, so it never reaches another host).
 */
export async function postHttpFunction(
  session: Session,
  path: string,
  body: string,
  apiBaseUrl?: string,
  credentials: RequestCredentials = 'omit',
): Promise<Response> {
  const embeds = embedsApi();
  const base = apiBaseUrl || (embeds ? apiBaseUrlFrom(embeds.getExternalBaseUrl()) : location.host);
  const send = (token: string) =>
    fetch(`https://${base}/_functions/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token },
      body,
      credentials,
      cache: 'no-store',
    });
  const token = await session.token();
  const response = await send(token);
  if (response.status !== 401) return response;
  const fresh = await session.renewAfterRejection(token);
  return fresh !== token ? send(fresh) : response;
}
