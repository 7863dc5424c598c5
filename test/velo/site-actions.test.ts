/**
 * POST /_functions/action/<name> (post_action → velo-backend/site-actions.ts): only the allow-list runs, each
 * action keeps its web method's permission for the caller's session, bad names and bodies are refused with
 * envelopes, and no credential or secret is ever in an answer.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_MEMBER, DEMO_OWNER } from '../../demo/seed/index.ts';
import * as dataAdmin from '../../velo-backend/data-admin.web.ts';
import * as httpFunctions from '../../velo-backend/http-functions.ts';
import { MAX_ACTION_BODY_BYTES, SITE_ACTIONS } from '../../velo-backend/site-actions.ts';
import { forgetSecrets } from '../../velo-backend/lib/secrets.ts';
import { startVeloPlatform, tokenFor, type VeloTestPlatform } from './helpers.ts';

let p: VeloTestPlatform;
const tokens: Record<string, string> = {};

before(async () => {
  p = await startVeloPlatform();
  forgetSecrets();
  tokens['visitor'] = await tokenFor(p, 'visitor');
  tokens['member'] = await tokenFor(p, { email: DEMO_MEMBER.email });
  tokens['admin'] = await tokenFor(p, { email: DEMO_OWNER.email });
});
after(async () => {
  await p.stop();
});

interface Answer {
  status: number;
  text: string;
  body: { ok: boolean; data?: any; code?: string; message?: string };
  headers: Headers;
}

const answers: string[] = [];

/** What the element sends: POST with the session token in Authorization and the input as the JSON body. */
async function post(action: string, who: string | undefined, body?: string, headers: Record<string, string> = {}): Promise<Answer> {
  const response = await fetch(`https://www.wixapis.com/_functions/action/${action}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(who ? { authorization: tokens[who] ?? who } : {}), ...headers },
    ...(body === undefined ? {} : { body }),
  });
  const text = await response.text();
  answers.push(text);
  let parsed: Answer['body'];
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = { ok: false, message: text };
  }
  return { status: response.status, text, body: parsed, headers: response.headers };
}

const run = (action: string, who: string | undefined, input: unknown = {}) => post(action, who, JSON.stringify(input));

const someOrderId = () => p.services.items.query({ kind: 'owner', id: p.owner.id }, 'Orders', { paging: { limit: 1 } }, false).dataItems[0]!.id;
const contact = () => ({ name: 'Ada', email: 'ada@example.com', message: 'Hello', requestId: crypto.randomUUID() });
const audited = (what: string) =>
  p.services.items.query({ kind: 'owner', id: p.owner.id }, 'AuditLog', { filter: { what } }, true).dataItems.map((d) => d.data);

describe('the allow-list', () => {
  it('is exactly these four actions, each declared with its web method’s own permission', () => {
    assert.deepEqual([...SITE_ACTIONS.keys()].sort(), ['categoryCounts', 'myOrders', 'submitContactRequest', 'updateOrderStatus']);
    for (const [name, action] of SITE_ACTIONS) {
      const method = (dataAdmin as Record<string, unknown>)[name] as { permission?: string };
      assert.equal(action.run, method, name);
      assert.equal(action.permission, method.permission, `${name}: the allow-list and the web method disagree`);
    }
  });

  it('post_action is exported; the other HTTP methods on /action are not served', async () => {
    assert.equal(typeof (httpFunctions as Record<string, unknown>)['post_action'], 'function');
    for (const method of ['GET', 'PUT', 'DELETE']) {
      const r = await fetch('https://www.wixapis.com/_functions/action/categoryCounts', { method });
      assert.equal(r.status, 404, method);
    }
  });

  for (const name of [
    'listOrders',
    'queryOrdersForBridge',
    'startConnect',
    'constructor',
    '__proto__',
    'toString',
    'hasOwnProperty',
    'nope',
    'x'.repeat(65),
    '1bad',
    'categoryCounts%00',
    'category-counts',
    'categoryCounts.web',
  ]) {
    it(`refuses "${name.slice(0, 20)}" with a 404 NOT_FOUND envelope, for any caller`, async () => {
      for (const who of ['visitor', 'admin']) {
        const r = await run(name, who);
        assert.equal(r.status, 404, `${who}: ${r.text}`);
        assert.deepEqual(r.body, { ok: false, code: 'NOT_FOUND', message: 'There is no such action.' });
        assert.equal(r.headers.get('cache-control'), 'no-store');
      }
    });
  }

  it('refuses extra path segments and an empty name', async () => {
    assert.equal((await run('categoryCounts/extra', 'admin')).status, 404);
    assert.equal((await run('', 'admin')).status, 404);
  });
});

describe('permission per caller (visitor, member, admin)', () => {
  const MATRIX: Record<string, { input: () => unknown; allow: string[] }> = {
    categoryCounts: { input: () => ({}), allow: ['visitor', 'member', 'admin'] },
    submitContactRequest: { input: contact, allow: ['visitor', 'member', 'admin'] },
    myOrders: { input: () => ({ limit: 2 }), allow: ['member', 'admin'] },
    updateOrderStatus: { input: () => ({ orderId: someOrderId(), status: 'PAID' }), allow: ['admin'] },
  };
  for (const [action, { input, allow }] of Object.entries(MATRIX)) {
    for (const who of ['visitor', 'member', 'admin', undefined]) {
      const expected = allow.includes(who ?? 'visitor') ? 'allowed' : 'refused';
      it(`${action} as ${who ?? 'a caller without a session'}: ${expected}`, async () => {
        const r = await run(action, who, input());
        if (expected === 'allowed') {
          assert.equal(r.status, 200, r.text);
          assert.equal(r.body.ok, true, r.text);
        } else {
          assert.equal(r.status, 403, r.text);
          assert.equal(r.body.ok, false);
          assert.equal(r.body.code, 'PERMISSION_DENIED');
          assert.match(r.body.message!, action === 'myOrders' ? /Sign in as a site member/ : /Only the site’s admins/);
          assert.doesNotMatch(r.text, /orderNumber|customerEmail|status":"PAID/);
        }
      });
    }
  }

  it('a refused admin action changes nothing and is audited as denied', async () => {
    const owner = { kind: 'owner' as const, id: p.owner.id };
    const [order] = p.services.items.query(owner, 'Orders', { paging: { limit: 1, offset: 5 } }, false).dataItems;
    const before = order!.data['status'];
    const target = before === 'REFUNDED' ? 'PENDING' : 'REFUNDED';
    const r = await run('updateOrderStatus', 'visitor', { orderId: order!.id, status: target });
    assert.equal(r.status, 403);
    assert.equal(p.services.items.get(owner, 'Orders', order!.id)!.data['status'], before);
    assert.ok(audited('action updateOrderStatus').some((e) => e['outcome'] === 'denied' && e['who'] === 'visitor'));
  });

  it('the admin’s update goes through the web method: it changes the status and is audited', async () => {
    const owner = { kind: 'owner' as const, id: p.owner.id };
    const [order] = p.services.items.query(owner, 'Orders', { paging: { limit: 1, offset: 7 } }, false).dataItems;
    const target = order!.data['status'] === 'SHIPPED' ? 'DELIVERED' : 'SHIPPED';
    const r = await run('updateOrderStatus', 'admin', { orderId: order!.id, status: target });
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.data.status, target);
    assert.equal(p.services.items.get(owner, 'Orders', order!.id)!.data['status'], target);
    assert.ok(audited('updateOrderStatus').some((e) => e['who'] === DEMO_OWNER.email && e['outcome'] === 'ok'));
  });

  it('a member gets only their own orders (the filter comes from the session, not the body)', async () => {
    const r = await run('myOrders', 'member', { limit: 100 });
    assert.equal(r.status, 200, r.text);
    assert.ok(r.body.data.items.length > 0);
    assert.ok(r.body.data.items.every((o: Record<string, unknown>) => !('customerEmail' in o)));
    const extra = await run('myOrders', 'member', { limit: 5, customerEmail: 'someone@else.example' });
    assert.equal(extra.status, 200);
    assert.equal(extra.body.code, 'VALIDATION');
  });

  it('an expired or forged session token is a 401 from the platform (the element renews and retries once)', async () => {
    const forged = `${tokens['visitor']!.slice(0, -4)}AAAA`;
    const r = await post('categoryCounts', forged, '{}');
    assert.equal(r.status, 401);
    const junk = await post('categoryCounts', 'not-a-token', '{}');
    assert.equal(junk.status, 401);
  });

  it('an API key is not a site session: only Anyone actions, as a visitor', async () => {
    const headers = { 'wix-site-id': p.siteId };
    assert.equal((await post('categoryCounts', p.apiKey, '{}', headers)).status, 200);
    const admin = await post('updateOrderStatus', p.apiKey, JSON.stringify({ orderId: someOrderId(), status: 'PAID' }), headers);
    assert.equal(admin.status, 403, admin.text);
  });
});

describe('the body', () => {
  it('an empty body is {}', async () => {
    const r = await post('categoryCounts', 'visitor', '');
    assert.equal(r.status, 200, r.text);
    assert.equal(r.body.ok, true);
    const none = await post('categoryCounts', 'visitor');
    assert.equal(none.status, 200, none.text);
  });

  for (const [name, body] of [
    ['bad JSON', '{not json'],
    ['truncated JSON', '{"name":"Ada"'],
    ['an array', '[1,2]'],
    ['a string', '"hello"'],
    ['a number', '42'],
    ['null', 'null'],
  ] as const) {
    it(`refuses ${name} with a 400 VALIDATION envelope, before any permission check or run`, async () => {
      const r = await post('updateOrderStatus', 'admin', body);
      assert.equal(r.status, 400, r.text);
      assert.equal(r.body.ok, false);
      assert.equal(r.body.code, 'VALIDATION');
      assert.match(r.body.message!, /not valid JSON|must be a JSON object/);
    });
  }

  it(`refuses a body over ${MAX_ACTION_BODY_BYTES} bytes (counted in UTF-8) with 413`, async () => {
    const fits = JSON.stringify({ ...contact(), message: 'x' }).length;
    const big = JSON.stringify({ ...contact(), message: 'é'.repeat(Math.ceil((MAX_ACTION_BODY_BYTES - fits) / 2) + 10) });
    assert.ok(big.length < MAX_ACTION_BODY_BYTES, 'fewer characters than the limit, more bytes');
    const r = await post('submitContactRequest', 'visitor', big);
    assert.equal(r.status, 413, r.text);
    assert.equal(r.body.code, 'VALIDATION');
  });

  it('the web method’s own validation answers 200 with its VALIDATION envelope; nothing is written', async () => {
    const r = await run('submitContactRequest', 'visitor', { name: 'Ada', email: 'not-an-email', message: 'x', requestId: crypto.randomUUID() });
    assert.equal(r.status, 200);
    assert.equal(r.body.code, 'VALIDATION');
    assert.match(r.body.message!, /email/);
    const polluted = await post(
      'submitContactRequest',
      'visitor',
      `{"__proto__":{"admin":true},"name":"a","email":"a@b.co","message":"m","requestId":"${crypto.randomUUID()}"}`,
    );
    assert.equal(polluted.body.code, 'VALIDATION');
  });

  it('the same contact request sent twice is stored once', async () => {
    const input = contact();
    const first = await run('submitContactRequest', 'visitor', input);
    const second = await run('submitContactRequest', 'visitor', input);
    assert.deepEqual(
      [first.body.data, second.body.data],
      [
        { requestId: input.requestId, duplicate: false },
        { requestId: input.requestId, duplicate: true },
      ],
    );
  });
});

describe('no secret in any answer', () => {
  it('no token, API key or secret value appears in any answer of this file', async () => {
    // One more of each kind, so that this test holds even alone.
    await run('categoryCounts', 'member');
    await run('updateOrderStatus', 'member', { orderId: someOrderId(), status: 'PAID' });
    await post('nope', 'admin', '{');
    const all = answers.join('\n');
    const secrets = [p.apiKey, ...Object.values(tokens), ...p.secrets.values()].filter((s) => s.length >= 8);
    assert.ok(secrets.length >= 5);
    for (const secret of secrets) assert.equal(all.includes(secret), false, 'a credential is in an answer');
    assert.doesNotMatch(all, /OauthNG\.JWS\.|IST\.|eyJ[\w-]+\.eyJ/);
  });
});
