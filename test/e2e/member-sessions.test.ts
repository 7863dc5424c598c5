/**
 * The demo's member-session store (demo/server/member-sessions.ts) as a hostile caller meets it: it keeps a refresh
 * token behind an HttpOnly cookie for a same-origin page only, bounds what it reads, and forgets on request.
 */
import assert from 'node:assert/strict';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { MEMBER_SESSION_COOKIE, memberSessions } from '../../demo/server/member-sessions.ts';

type Handler = (req: IncomingMessage, res: ServerResponse) => void;

let server: Server;
let base: string;

before(async () => {
  let handler: Handler | undefined;
  const plugin = memberSessions();
  const hook = plugin.configureServer as (server: unknown) => void;
  hook({ middlewares: { use: (_path: string, fn: Handler) => (handler = fn) } });
  // Mounted at /_demo/session, as connect does: the handler sees the rest of the path.
  server = createServer((req, res) => {
    req.url = (req.url ?? '/').replace(/^\/_demo\/session/, '') || '/';
    handler!(req, res);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_demo/session`;
});
after(() => server.close());

const TOKEN = `JWS.${'r'.repeat(40)}.refresh`;
// Node's fetch sends its own Host (the test server's address), so a same-origin page is modelled without an Origin.
const sameSite = { 'sec-fetch-site': 'same-origin' };

async function keep(token: unknown, headers: Record<string, string> = {}) {
  return fetch(base, {
    method: 'POST',
    headers: { ...sameSite, 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ refreshToken: token }),
  });
}
const cookieOf = (res: Response) => /^([^;]+)/.exec(res.headers.get('set-cookie') ?? '')?.[1] ?? '';

describe('the demo member-session store', () => {
  it('keeps a refresh token behind an HttpOnly, Secure, SameSite=Strict cookie that holds no token, gives it back, and forgets it', async () => {
    const kept = await keep(TOKEN);
    assert.equal(kept.status, 204);
    const setCookie = kept.headers.get('set-cookie') ?? '';
    assert.match(setCookie, new RegExp(`^${MEMBER_SESSION_COOKIE}=[A-Za-z0-9_-]{43}; Path=/;.*Secure; HttpOnly; SameSite=Strict`));
    assert.ok(!setCookie.includes(TOKEN));
    const cookie = cookieOf(kept);
    const resumed = await fetch(`${base}/resume`, { method: 'POST', headers: { ...sameSite, cookie } });
    assert.deepEqual(await resumed.json(), { refreshToken: TOKEN });
    assert.equal((await fetch(base, { method: 'DELETE', headers: { ...sameSite, cookie } })).status, 204);
    assert.equal((await fetch(`${base}/resume`, { method: 'POST', headers: { ...sameSite, cookie } })).status, 204);
  });

  it('refuses other sites and origins, form posts, bodies over 8 KB and anything that is not a refresh token, keeping nothing', async () => {
    assert.equal((await keep(TOKEN, { 'sec-fetch-site': 'cross-site' })).status, 403);
    assert.equal((await keep(TOKEN, { 'sec-fetch-site': 'same-site' })).status, 403);
    assert.equal((await keep(TOKEN, { origin: 'https://evil.example' })).status, 403);
    const form = await fetch(base, { method: 'POST', headers: { ...sameSite, 'content-type': 'text/plain' }, body: JSON.stringify({ refreshToken: TOKEN }) });
    assert.equal(form.status, 415);
    assert.equal((await keep('x'.repeat(9000))).status, 400);
    for (const bad of [null, 42, '', 'short', 'has spaces in it, really', { __proto__: TOKEN }, [TOKEN]]) {
      const res = await keep(bad);
      assert.equal(res.status, 400, JSON.stringify(bad));
      assert.equal(res.headers.get('set-cookie'), null);
    }
    const proto = await fetch(base, {
      method: 'POST',
      headers: { ...sameSite, 'content-type': 'application/json' },
      body: `{"__proto__":{"refreshToken":"${TOKEN}"}}`,
    });
    assert.equal(proto.status, 400, 'an inherited refreshToken is not one');
  });

  it('clears any session cookie it does not know, whatever it holds', async () => {
    await fc.assert(
      fc.asyncProperty(fc.stringMatching(/^[\x21-\x3a\x3c-\x7e]{0,200}$/), async (value) => {
        const res = await fetch(`${base}/resume`, { method: 'POST', headers: { ...sameSite, cookie: `${MEMBER_SESSION_COOKIE}=${value}` } });
        assert.equal(res.status, 204);
        assert.match(res.headers.get('set-cookie') ?? '', new RegExp(`^${MEMBER_SESSION_COOKIE}=; Path=/; Max-Age=0`));
      }),
      { numRuns: 100 },
    );
  });
});
