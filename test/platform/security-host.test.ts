/**
 * Issue 10, the host layer: no request ends the process (finding 2), the host's limits, control routes that are the
 * developer's alone (finding 4), backend Wix API calls that never leave the machine (finding 7), and the one
 * redaction rule. Raw TLS sockets where fetch would normalise the request.
 */
import assert from 'node:assert/strict';
import { request as httpsRequest } from 'node:https';
import { connect } from 'node:tls';
import { after, before, describe, it } from 'node:test';
import { redact } from '../../elements/core/redact.ts';
import { createHandler, internalErrorBody, type PlatformRequest, type PlatformResponse } from '../../platform/http/handler.ts';
import { RequestLog } from '../../platform/http/request-log.ts';
import { Router } from '../../platform/http/router.ts';
import { faultPathMatches } from '../../platform/faults/faults.ts';
import { CONTROL_SECRET_HEADER, HOST_LIMITS, type RunningPlatform } from '../../platform/index.ts';
import { createPlatform, startPlatform } from '../../demo/seed/index.ts';
import { tokenFor } from '../velo/helpers.ts';
import { Readable } from 'node:stream';

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** The server closed the socket. */
  closed: boolean;
}

/** Writes `text` as it is on a fresh TLS socket and reads the whole answer (until close or `waitMs`). */
function sendRaw(p: RunningPlatform, text: string | Buffer, waitMs = 5_000): Promise<RawAnswer> {
  return new Promise((resolveAnswer, reject) => {
    const socket = connect({ host: '127.0.0.1', port: p.port, servername: 'localhost', ca: p.ca }, () => socket.write(text));
    const chunks: Buffer[] = [];
    let closed = false;
    const finish = () => {
      clearTimeout(timer);
      const raw = Buffer.concat(chunks).toString('latin1');
      const [head = '', ...rest] = raw.split('\r\n\r\n');
      const [statusLine = '', ...headerLines] = head.split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of headerLines) {
        const i = line.indexOf(':');
        if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim();
      }
      resolveAnswer({ status: Number(statusLine.split(' ')[1] ?? 0), headers, body: rest.join('\r\n\r\n'), closed });
      socket.destroy();
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('end', () => {
      closed = true;
      finish();
    });
    socket.on('close', () => {
      closed = true;
      finish();
    });
    socket.on('error', (error) => (chunks.length ? finish() : reject(error)));
  });
}

/** One HTTPS request to the platform (node:https with its CA), for headers fetch would add or refuse. */
function call(
  p: RunningPlatform,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; text: string; json: any }> {
  return new Promise((resolveCall, reject) => {
    const req = httpsRequest(
      {
        host: '127.0.0.1',
        port: p.port,
        servername: 'localhost',
        ca: p.ca,
        method,
        path,
        headers: { host: 'www.wixapis.com', ...headers, ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (text += c));
        res.on('end', () => {
          let json: unknown;
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
          resolveCall({ status: res.statusCode ?? 0, headers: res.headers, text, json });
        });
      },
    );
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

const visitorQuery = async (p: RunningPlatform) => {
  const token = await tokenFor(p, 'visitor');
  return call(
    p,
    'POST',
    '/_api/cloud-data/v2/items/query',
    { authorization: token, 'content-type': 'application/json' },
    JSON.stringify({ dataCollectionId: 'Products', query: { paging: { limit: 1 } } }),
  );
};

let unhandled: unknown[] = [];
const onUnhandled = (reason: unknown) => unhandled.push(reason);
before(() => process.on('unhandledRejection', onUnhandled));
after(() => process.off('unhandledRejection', onUnhandled));

describe('finding 2: no request ends the process', () => {
  let p: RunningPlatform;
  const errorsLogged: string[] = [];
  before(async () => {
    p = await startPlatform({ db: ':memory:', seed: 'demo', onError: (m) => errorsLogged.push(m) });
  });
  after(async () => p.close());

  const targets: [string, string][] = [
    ['//', 'GET // HTTP/1.1'],
    ['/\\', 'GET /\\ HTTP/1.1'],
    ['///', 'GET /// HTTP/1.1'],
    ['/%', 'GET /% HTTP/1.1'],
    ['/_api/% on a platform path', 'GET /_api/cloud-data/v2/items/%zz HTTP/1.1'],
    ['//_api/… (protocol-relative)', 'GET //_api/cloud-data/v2/items/query HTTP/1.1'],
    ['absolute-form https://evil.example/_api/…', 'GET https://evil.example/_api/cloud-data/v2/items/query HTTP/1.1'],
    ['absolute-form to a control route', 'POST http://localhost/_platform/faults HTTP/1.1'],
    ['a 100 KB target', `GET /_api/${'a'.repeat(100_000)} HTTP/1.1`],
    ['a target over the URL limit, under the header limit', `GET /_api/cloud-data/v2/items/${'b'.repeat(HOST_LIMITS.maxUrlBytes + 1_000)} HTTP/1.1`],
  ];
  for (const [name, requestLine] of targets) {
    it(`${name}: a 4xx, and the next request is served`, async () => {
      unhandled = [];
      const answer = await sendRaw(p, `${requestLine}\r\nhost: www.wixapis.com\r\nconnection: close\r\n\r\n`);
      assert.ok(answer.status >= 400 && answer.status < 500, `${name} answered ${answer.status}: ${answer.body.slice(0, 200)}`);
      if (answer.body) {
        const body = JSON.parse(answer.body) as { message: string; details: Record<string, unknown> };
        assert.equal(typeof body.message, 'string');
        assert.ok(body.details['applicationError'] || body.details['validationError'], `${name} answered in Wix's error shape`);
      }
      await new Promise((r) => setImmediate(r));
      assert.deepEqual(unhandled, [], 'no unhandled rejection');
      assert.equal((await visitorQuery(p)).status, 200, 'a normal request right after is served');
    });
  }

  it('CONNECT (a proxy tunnel): a typed 405, socket closed, next request served', async () => {
    const answer = await sendRaw(p, 'CONNECT www.wixapis.com:443 HTTP/1.1\r\nhost: www.wixapis.com:443\r\n\r\n');
    assert.equal(answer.status, 405);
    assert.equal(JSON.parse(answer.body).details.applicationError.code, 'METHOD_NOT_ALLOWED');
    assert.equal(answer.closed, true);
    assert.equal((await visitorQuery(p)).status, 200);
  });

  it("an Expect header other than 100-continue: a typed 417 in Wix's shape, next request served", async () => {
    const answer = await sendRaw(p, 'GET /_api/cloud-data/v2/items/query HTTP/1.1\r\nhost: x\r\nexpect: teapot\r\nconnection: close\r\n\r\n');
    assert.equal(answer.status, 417);
    assert.equal(JSON.parse(answer.body).details.applicationError.code, 'EXPECTATION_FAILED');
    assert.equal((await visitorQuery(p)).status, 200);
  });

  it('no query the SDK sends crosses the URL limit: GET .r up to 2,048 characters, POST above (a $hasSome of 1,000 ids)', async () => {
    const { createClient, ApiKeyStrategy } = await import('@wix/sdk');
    const { items } = await import('@wix/data');
    const { routeWixApisTo } = await import('../../platform/http/node-routing.ts');
    const undo = routeWixApisTo(p);
    try {
      const client = createClient({ modules: { items }, auth: ApiKeyStrategy({ apiKey: p.apiKey, siteId: p.siteId }) });
      const sentFor = async (ids: string[]) => {
        const before = p.log.since(0).length;
        const result = await client.items.query('Products').hasSome('_id', ids).limit(10).find();
        assert.equal(result.items.length, 0);
        return p.log
          .since(0)
          .slice(before)
          .find((r) => r.path.endsWith('/items/query'))?.method;
      };
      assert.equal(await sentFor([crypto.randomUUID()]), 'GET', 'a small query goes as GET with .r');
      assert.equal(await sentFor(Array.from({ length: 1_000 }, () => crypto.randomUUID())), 'POST', 'a 52 KB query goes as POST, under the body limit');
      assert.ok(2_048 < HOST_LIMITS.maxUrlBytes);
    } finally {
      undo();
    }
  });

  it('a target over the URL limit is a typed 414 URI_TOO_LONG', async () => {
    const answer = await sendRaw(p, `GET /_api/cloud-data/v2/items/${'c'.repeat(HOST_LIMITS.maxUrlBytes)} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
    assert.equal(answer.status, 414);
    assert.equal(JSON.parse(answer.body).details.applicationError.code, 'URI_TOO_LONG');
    assert.ok(answer.headers['x-wix-request-id']);
  });

  for (const [name, header] of [
    ['a control byte in a header value', 'x-a: a\x01b'],
    ['a NUL in a header value', 'x-a: \x00'],
    ['a space in a header name', 'x a: b'],
    ['a header line without a colon', 'garbage'],
    ['a non-ASCII header name', 'x-\xff: b'],
  ] as const) {
    it(`${name}: 400 in Wix's shape, socket closed, next request served`, async () => {
      const answer = await sendRaw(p, Buffer.from(`GET /_api/cloud-data/v2/items/query HTTP/1.1\r\nhost: x\r\n${header}\r\n\r\n`, 'latin1'));
      assert.equal(answer.status, 400, `${name} answered ${answer.status}`);
      assert.equal(JSON.parse(answer.body).details.applicationError.code, 'INVALID_ARGUMENT');
      assert.equal(answer.closed, true, 'the socket was closed');
      assert.equal((await visitorQuery(p)).status, 200);
    });
  }

  it('more header fields than the limit: a typed 431', async () => {
    const many = Array.from({ length: HOST_LIMITS.maxHeaderCount + 5 }, (_, i) => `x-h${i}: v`).join('\r\n');
    const answer = await sendRaw(p, `GET /_api/cloud-data/v2/items/query HTTP/1.1\r\nhost: x\r\n${many}\r\nconnection: close\r\n\r\n`);
    assert.equal(answer.status, 431);
    assert.equal(JSON.parse(answer.body).details.applicationError.code, 'REQUEST_HEADER_FIELDS_TOO_LARGE');
  });

  it('headers over maxHeaderSize: 431, socket closed', async () => {
    const answer = await sendRaw(p, `GET /_api/x HTTP/1.1\r\nhost: x\r\nx-big: ${'d'.repeat(HOST_LIMITS.maxHeaderBytes + 10)}\r\n\r\n`);
    assert.equal(answer.status, 431);
    assert.equal(answer.closed, true);
  });

  it('an unexpected error is a typed 500 with the request id in body and header, logged once, redacted', async () => {
    const router = new Router().add('GET', '/_api/boom', () => {
      throw new TypeError('boom while holding Bearer OauthNG.JWS.eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig');
    });
    const logged: string[] = [];
    const handle = createHandler(p.services, router, {
      maxBodyBytes: 1024,
      controlRoutes: false,
      controlSecret: 'x'.repeat(16),
      controlRouter: new Router(),
      log: new RequestLog(),
      onError: (m) => logged.push(m),
    });
    const res = collect();
    await handle(fakeRequest('GET', '/_api/boom'), res);
    assert.equal(res.status, 500);
    const body = JSON.parse(res.body) as { message: string; details: { applicationError: { code: string; data: { requestId: string } } } };
    assert.equal(body.details.applicationError.code, 'INTERNAL');
    assert.equal(body.details.applicationError.data.requestId, res.headers['x-wix-request-id']);
    assert.deepEqual(body, internalErrorBody(String(res.headers['x-wix-request-id'])));
    assert.equal(logged.length, 1, 'logged once');
    assert.match(logged[0]!, /boom/);
    assert.match(logged[0]!, new RegExp(String(res.headers['x-wix-request-id'])));
    assert.doesNotMatch(logged[0]!, /OauthNG|eyJ/);
  });

  it('the handler never rejects: a throwing log, logger and `next` still end in an answer', async () => {
    const throwingLog = new RequestLog();
    throwingLog.add = () => {
      throw new Error('log is broken');
    };
    const router = new Router().add('GET', '/_api/ok', () => ({ ok: true }));
    const handle = createHandler(p.services, router, {
      maxBodyBytes: 1024,
      controlRoutes: false,
      controlSecret: 'x'.repeat(16),
      controlRouter: new Router(),
      log: throwingLog,
      onError: () => {
        throw new Error('logger is broken too');
      },
    });
    const res = collect();
    await handle(fakeRequest('GET', '/_api/ok'), res); // resolves; the answer was sent before the log threw
    assert.equal(res.status, 200);
    const res2 = collect();
    await handle(fakeRequest('GET', '/not-ours'), res2, () => {
      throw new Error('next is broken');
    });
    assert.equal(res2.status, 500);
  });

  it('stayed up: nothing unhandled, and unexpected errors were the only lines logged', () => {
    assert.deepEqual(unhandled, []);
    assert.deepEqual(errorsLogged, []);
  });
});

function fakeRequest(method: string, url: string, headers: Record<string, string> = {}): PlatformRequest {
  return Object.assign(Readable.from([]), { method, url, headers: { host: 'www.wixapis.com', ...headers }, rawHeaders: [] }) as PlatformRequest;
}

function collect(): PlatformResponse & { status: number; body: string; headers: Record<string, string | number> } {
  return {
    headersSent: false,
    status: 0,
    body: '',
    headers: {},
    writeHead(status, headers) {
      this.status = status;
      this.headers = headers;
      (this as { headersSent: boolean }).headersSent = true;
    },
    end(body: string | Uint8Array = '') {
      this.body = typeof body === 'string' ? body : Buffer.from(body).toString('utf8');
    },
    destroy() {},
  };
}

describe('slow clients', () => {
  it('a client that never finishes its headers gets 408 and is cut off', async () => {
    const p = await startPlatform({
      db: ':memory:',
      seed: 'none',
      onError: () => {},
      limits: { headersTimeoutMs: 400, requestTimeoutMs: 800, timeoutCheckIntervalMs: 100 },
    });
    try {
      const started = performance.now();
      const answer = await sendRaw(p, 'GET /_api/cloud-data/v2/items/query HTTP/1.1\r\nhost: x\r\nx-slow: ', 5_000);
      assert.equal(answer.status, 408);
      assert.equal(answer.closed, true);
      assert.ok(performance.now() - started < 4_000, 'cut off well before the test gave up');
    } finally {
      await p.close();
    }
  });

  it('a client that sends its body too slowly gets 408 and is cut off', async () => {
    const p = await startPlatform({
      db: ':memory:',
      seed: 'none',
      onError: () => {},
      limits: { headersTimeoutMs: 400, requestTimeoutMs: 800, timeoutCheckIntervalMs: 100 },
    });
    try {
      const answer = await sendRaw(
        p,
        'POST /_api/cloud-data/v2/items/query HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ncontent-length: 100\r\n\r\n{"a":',
        5_000,
      );
      assert.equal(answer.status, 408);
      assert.equal(answer.closed, true);
    } finally {
      await p.close();
    }
  });
});

describe("finding 4: the control routes are the developer's alone", () => {
  let p: RunningPlatform;
  before(async () => {
    p = await startPlatform({ db: ':memory:', seed: 'demo', onError: () => {} });
  });
  after(async () => p.close());

  const ROUTES: [string, string, string | undefined][] = [
    ['GET', '/_platform/info', undefined],
    ['GET', '/_platform/requests', undefined],
    ['DELETE', '/_platform/requests', '{}'],
    ['GET', '/_platform/faults', undefined],
    ['POST', '/_platform/faults', JSON.stringify({ path: '/_api/', status: 503 })],
    ['DELETE', '/_platform/faults', '{}'],
    ['POST', '/_platform/clock', JSON.stringify({ advanceMs: 86_400_000 })],
    ['DELETE', '/_platform/clock', '{}'],
    ['POST', '/_platform/expire-tokens', '{}'],
  ];

  it('each start has its own random secret (or the one given)', async () => {
    const a = createPlatform({ db: ':memory:', seed: 'none' });
    const b = createPlatform({ db: ':memory:', seed: 'none' });
    const c = createPlatform({ db: ':memory:', seed: 'none', controlSecret: 'given-secret-0123456789' });
    try {
      assert.notEqual(a.controlSecret, b.controlSecret);
      assert.ok(a.controlSecret.length >= 24);
      assert.equal(c.controlSecret, 'given-secret-0123456789');
      assert.throws(() => createPlatform({ db: ':memory:', seed: 'none', controlSecret: 'short' }), /at least 16/);
    } finally {
      a.close();
      b.close();
      c.close();
    }
  });

  it('a cross-site page (Origin evil.example, text/plain, no secret) is refused on every route and changes nothing', async () => {
    await visitorQuery(p); // something in the log to (not) clear
    const token = await tokenFor(p, 'visitor');
    const before = { faults: JSON.stringify(p.services.faults.list()), clock: p.services.clock.now(), log: p.log.since().length };
    for (const [method, path, body] of ROUTES) {
      for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'application/json']) {
        const answer = await call(p, method, path, { origin: 'https://evil.example', 'content-type': contentType }, body);
        assert.equal(answer.status, 401, `${method} ${path} (${contentType}) answered ${answer.status}`);
        assert.equal(answer.json.details.applicationError.code, 'UNAUTHENTICATED');
        for (const h of Object.keys(answer.headers)) assert.ok(!h.startsWith('access-control-'), `${method} ${path} sent ${h}`);
      }
      const wrong = await call(
        p,
        method,
        path,
        { origin: 'https://evil.example', 'content-type': 'application/json', [CONTROL_SECRET_HEADER]: `${p.controlSecret}x` },
        body,
      );
      assert.equal(wrong.status, 403, `${method} ${path} with a wrong secret answered ${wrong.status}`);
    }
    assert.equal(JSON.stringify(p.services.faults.list()), before.faults, 'no fault was added or removed');
    assert.equal(p.services.clock.now() - before.clock < 60_000, true, 'the clock did not move');
    assert.ok(p.log.since().length >= before.log, 'the log was not cleared');
    assert.equal(
      (
        await call(
          p,
          'POST',
          '/_api/cloud-data/v2/items/query',
          { authorization: token, 'content-type': 'application/json' },
          JSON.stringify({ dataCollectionId: 'Products', query: { paging: { limit: 1 } } }),
        )
      ).status,
      200,
      'tokens were not expired',
    );
  });

  it('a preflight to a control route gets no allow headers', async () => {
    for (const [method, path] of ROUTES) {
      const answer = await call(p, 'OPTIONS', path, {
        origin: 'https://evil.example',
        'access-control-request-method': method,
        'access-control-request-headers': `content-type, ${CONTROL_SECRET_HEADER}`,
      });
      assert.ok(answer.status >= 400, `OPTIONS ${path} answered ${answer.status}`);
      for (const h of Object.keys(answer.headers)) assert.ok(!h.startsWith('access-control-'), `OPTIONS ${path} sent ${h}`);
    }
    // The Wix API routes keep answering preflights (the SDK's browser calls need them).
    const api = await call(p, 'OPTIONS', '/_api/cloud-data/v2/items/query', { origin: 'https://localhost:5173', 'access-control-request-method': 'POST' });
    assert.equal(api.status, 204);
    assert.equal(api.headers['access-control-allow-origin'], 'https://localhost:5173');
  });

  it('with the secret, a body that is not JSON is 415; JSON works', async () => {
    const secret = { [CONTROL_SECRET_HEADER]: p.controlSecret };
    for (const contentType of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/jsonx']) {
      const answer = await call(p, 'POST', '/_platform/faults', { ...secret, 'content-type': contentType }, JSON.stringify({ path: '/_api/', status: 503 }));
      assert.equal(answer.status, 415, contentType);
      assert.equal(answer.json.details.applicationError.code, 'UNSUPPORTED_MEDIA_TYPE');
    }
    assert.equal(p.services.faults.list().length, 0);
    const ok = await call(
      p,
      'POST',
      '/_platform/faults',
      { ...secret, 'content-type': 'application/json; charset=utf-8' },
      JSON.stringify({ path: '/_api/nothing-here/', status: 503 }),
    );
    assert.equal(ok.status, 200);
    assert.equal((await call(p, 'GET', '/_platform/faults', secret)).json.faults.length, 1);
    assert.equal((await call(p, 'DELETE', '/_platform/faults', { ...secret, 'content-type': 'application/json' }, '{}')).status, 200);
    assert.equal(p.services.faults.list().length, 0);
  });

  it('a regular-expression fault path is a typed 400 that says how to write it, at once', async () => {
    const started = performance.now();
    const answer = await call(
      p,
      'POST',
      '/_platform/faults',
      { [CONTROL_SECRET_HEADER]: p.controlSecret, 'content-type': 'application/json' },
      JSON.stringify({ path: '^/(a+)+$', status: 503 }),
    );
    const ms = performance.now() - started;
    assert.equal(answer.status, 400);
    assert.equal(answer.json.details.applicationError.code, 'INVALID_ARGUMENT');
    assert.match(answer.json.message, /glob/);
    assert.match(answer.json.message, /regular expressions are not accepted/);
    assert.ok(ms < 1_000, `refused in ${Math.round(ms)} ms`);
    assert.throws(() => p.services.faults.add({ path: '^/(a+)+$', status: 503 }), /glob/);
    assert.equal(p.services.faults.list().length, 0);
    const served = await sendRaw(p, `GET /_api/${'a'.repeat(40)}! HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`);
    assert.equal(served.status, 404);
  });

  it('fault paths: plain prefixes and globs (* one segment, ** any), matched linearly', () => {
    const cases: [string, string, boolean][] = [
      ['/_api/cloud-data/', '/_api/cloud-data/v2/items/query', true],
      ['/_api/cloud-data/', '/wix-data/v2/items/query', false],
      ['/_api/cloud-data/v2/items/*', '/_api/cloud-data/v2/items/query', true],
      ['/_api/cloud-data/v2/items/*', '/_api/cloud-data/v2/items/query/x', false],
      ['/_api/*/v2/items/query', '/_api/cloud-data/v2/items/query', true],
      ['/wix-data/*/items/q*', '/wix-data/v2/items/query', true],
      ['/wix-data/*/items/q*', '/wix-data/v2/items/get', false],
      ['/_functions/**', '/_functions/action/a/b', true],
      ['/**/query', '/_api/cloud-data/v2/items/query', true],
      ['/**/query', '/_api/cloud-data/v2/items/count', false],
      ['/a/**/b/**/c', '/a/x/b/y/z/c', true],
      ['/a/**/b/**/c', '/a/x/c', false],
    ];
    for (const [pattern, path, expected] of cases) assert.equal(faultPathMatches(pattern, path), expected, `${pattern} ~ ${path}`);
    // A pattern built to make a backtracking matcher explode answers at once.
    const started = performance.now();
    const evil = `/${'**/'.repeat(60)}*a*a*a*a*a*a*a*a*b`;
    assert.equal(faultPathMatches(evil, `/${'a/'.repeat(200)}${'a'.repeat(200)}`), false);
    assert.ok(performance.now() - started < 500, `the worst pattern took ${Math.round(performance.now() - started)} ms`);
  });
});

describe("finding 7: the backend's Wix API calls never leave the machine", () => {
  it('a web method using ApiKeyStrategy under startPlatform without routeWixApisTo reaches its own platform, and only it', async () => {
    const realFetch = globalThis.fetch;
    const leaked: string[] = [];
    // The real network path: any wixapis.com call that got past the platform routing would land here.
    globalThis.fetch = (async (input: Parameters<typeof fetch>[0], init?: Parameters<typeof fetch>[1]) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      if (/wixapis\.com/.test(new URL(url).hostname)) {
        leaked.push(url);
        return new Response('{"message":"left the machine","details":{}}', { status: 599 });
      }
      return realFetch(input, init);
    }) as typeof fetch;
    const one = await startPlatform({ db: ':memory:', seed: 'demo', onError: () => {} });
    const two = await startPlatform({ db: ':memory:', seed: 'demo', onError: () => {} });
    try {
      const token = await tokenFor(one, 'visitor');
      const before = two.log.lastSeq;
      // submitContactRequest writes through the backend's API-key client (ApiKeyStrategy), as the seed's example does.
      const answer = await call(
        one,
        'POST',
        '/_webMethods/data-admin.web/submitContactRequest',
        { authorization: token, 'content-type': 'application/json' },
        JSON.stringify({ args: [{ name: 'Ada', email: 'ada@example.com', message: 'Hello', requestId: crypto.randomUUID() }] }),
      );
      assert.equal(answer.status, 200, answer.text);
      assert.equal(answer.json.result.ok, true, answer.text);
      assert.equal(answer.json.result.data.duplicate, false, 'the request was stored in the local data');
      assert.deepEqual(leaked, [], 'no Wix API call was sent to the network');
      const apiKeyCalls = one.log.since().filter((e) => e.role === 'apiKey');
      assert.ok(apiKeyCalls.length > 0, "the backend's API-key calls were answered by this platform");
      assert.equal(two.log.lastSeq, before, 'and not by the other platform in the same process');
    } finally {
      await one.close();
      await two.close();
      globalThis.fetch = realFetch;
    }
  });
});

describe('one redaction rule', () => {
  const MUST_REDACT: [string, string][] = [
    ['OauthNG.JWS.eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig', 'eyJ4IjoxfQ'],
    ['JWS.eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig', 'eyJ4IjoxfQ'],
    ['IST.abc123_-x.y', 'abc123'],
    ['JST.zzz.yyy', 'zzz'],
    ['eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxIn0.c2ln', 'eyJzdWIiOiIxIn0'],
    ['eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0', 'eyJzdWIiOiIxIn0'],
    ['Authorization: Bearer abc.def-ghi', 'abc.def-ghi'],
    ['authorization=xyz987', 'xyz987'],
    ['Basic dXNlcjpwYXNz', 'dXNlcjpwYXNz'],
    ['{"password":"hunter2","email":"a@b.c"}', 'hunter2'],
    ['{"password": "hun\\"ter2"}', 'ter2'],
    ['{"clientSecret":"cs-123456"}', 'cs-123456'],
    ['{"client_secret":"cs-654321"}', 'cs-654321'],
    ['{"refresh_token":"rt-abcdef","access_token":"at-abcdef"}', 'rt-abcdef'],
    ['grant_type=refresh_token&refresh_token=rt-777&client_secret=s3cr3t', 'rt-777'],
    ['grant_type=refresh_token&refresh_token=rt-777&client_secret=s3cr3t', 's3cr3t'],
    ['password=pa55word&email=a@b.c', 'pa55word'],
    ['OAUTH_CLIENT_SECRET=abcdef0123', 'abcdef0123'],
    ['x-api-key: key-112233', 'key-112233'],
    ['{"apiKey":"k-445566"}', 'k-445566'],
    ['code_verifier=v-998877', 'v-998877'],
    ['rejected Authorization: OauthNG.JWS.eyJx.eyJy.z', 'eyJy'],
  ];
  const MUST_SURVIVE = [
    'GET /_api/cloud-data/v2/items/query 200 visitor 3.1ms',
    'Item 1f0e-22 does not exist in collection Products.',
    'owner@northwind.example signed in',
    'The current user does not have permissions to insert on the Orders collection.',
    'grant_type=refresh_token',
    'Tokens are signed and expire; JSON Web Tokens start with a header.',
    'a passage about the ISTanbul office',
  ];

  for (const [input, secret] of MUST_REDACT) {
    it(`hides "${secret}" in ${input}`, () => {
      const out = redact(input);
      assert.ok(!out.includes(secret), `${input} → ${out}`);
      assert.match(out, /\[redacted\]/);
    });
  }
  it('leaves ordinary log text as it is', () => {
    for (const text of MUST_SURVIVE) assert.equal(redact(text), text);
  });
  it('keeps the context around a credential, and redacts nothing twice', () => {
    assert.equal(
      redact('failed with OauthNG.JWS.eyJhbGciOiJIUzI1NiJ9.eyJ4IjoxfQ.sig and IST.abc123_-x and eyJa.eyJb.c'),
      'failed with [redacted] and [redacted] and [redacted]',
    );
    assert.equal(redact('Authorization: Bearer abc'), 'Authorization: [redacted]');
    assert.equal(redact('{"password":"x","n":1}'), '{"password":"[redacted]","n":1}');
  });
  it('is linear on hostile input (no catastrophic backtracking)', () => {
    const started = performance.now();
    redact('a-'.repeat(50_000) + 'password');
    redact(`"password":"${'\\'.repeat(100_001)}`);
    redact(`eyJ${'a.'.repeat(50_000)}`);
    redact('password '.repeat(20_000));
    assert.ok(performance.now() - started < 1_000, `took ${Math.round(performance.now() - started)} ms`);
  });
});
