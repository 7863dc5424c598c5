import { apiBase } from './host.ts';
import { unauthorized, type Session } from './session.ts';

/**
 * A site widget's call to one of the site's HTTP functions: `POST https://<base>/_functions/<path>` with the
 * session token in `Authorization` and a JSON body. After a 401 the token is renewed once and the call retried
 * once, never more (Session.withRenewal). The base is `apiBaseUrl` when given, else the site's URL (wixEmbedsAPI),
 * else this page's host (host.ts's apiBase). The token goes only into the request header: never into the URL, the
 * body or a log. `credentials` is `omit` unless a caller needs the answer's cookie stored (the OAuth start binds the
 * browser with an HttpOnly cookie; `same-origin`, so it never reaches another host).
 */
export async function postHttpFunction(
  session: Session,
  path: string,
  body: string,
  apiBaseUrl?: string,
  credentials: RequestCredentials = 'omit',
): Promise<Response> {
  const base = apiBase(apiBaseUrl, location.host);
  const send = (token: string) =>
    fetch(`https://${base}/_functions/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: token },
      body,
      credentials,
      cache: 'no-store',
    });
  return session.withRenewal(await session.token(), send, unauthorized);
}
