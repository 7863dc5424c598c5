/**
 * The data-admin web methods: every method × every caller kind, a member never sees another member's orders,
 * the seed's curl example (API key + wix-site-id) against the platform, key rotation, and the HTTP functions.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_MEMBER, DEMO_OWNER, SECOND_MEMBER, BACKEND_SECRETS } from '../../demo/seed/index.ts';
import { forgetSecrets } from '../../velo-backend/lib/secrets.ts';
import { resetKeyRotation } from '../../velo-backend/lib/api-key.ts';
import { callWebMethod, startVeloPlatform, tokenFor, type VeloTestPlatform } from './helpers.ts';

let p: VeloTestPlatform;
const tokens: Record<string, string> = {};

before(async () => {
  p = await startVeloPlatform();
  tokens['visitor'] = await tokenFor(p, 'visitor');
  tokens['member'] = await tokenFor(p, { email: DEMO_MEMBER.email });
  tokens['otherMember'] = await tokenFor(p, { email: SECOND_MEMBER.email });
  tokens['admin'] = await tokenFor(p, { email: DEMO_OWNER.email });
});
after(async () => {
  await p.stop();
});

const someOrderId = () => {
  const owner = { kind: 'owner' as const, id: p.owner.id };
  return p.services.items.query(owner, 'Orders', { paging: { limit: 1 } }, false).dataItems[0]!.id;
};

type Caller = 'visitor' | 'member' | 'otherMember' | 'admin';
const CALLERS: Caller[] = ['visitor', 'member', 'otherMember', 'admin'];

/** Who may call what: the Permissions each method declares. Read it against velo-backend/data-admin.web.ts. */
const MATRIX: Record<string, { input: () => unknown; allow: Caller[] }> = {
  listOrders: { input: () => ({ limit: 2 }), allow: ['admin'] },
  updateOrderStatus: { input: () => ({ orderId: someOrderId(), status: 'SHIPPED' }), allow: ['admin'] },
  queryOrdersForBridge: { input: () => ({ collection: 'Orders', request: { paging: { limit: 2, offset: 0 } } }), allow: ['admin'] },
  myOrders: { input: () => ({}), allow: ['member', 'otherMember', 'admin'] },
  categoryCounts: { input: () => undefined, allow: ['visitor', 'member', 'otherMember', 'admin'] },
  likeProduct: { input: () => ({ productId: 'prod-0002' }), allow: ['member', 'otherMember', 'admin'] },
  submitContactRequest: {
    input: () => ({ name: 'Ada', email: 'ada@example.com', message: 'Hello', requestId: crypto.randomUUID() }),
    allow: ['visitor', 'member', 'otherMember', 'admin'],
  },
};

describe('permission matrix: every web method × every caller kind', () => {
  for (const [method, { input, allow }] of Object.entries(MATRIX)) {
    for (const caller of CALLERS) {
      const expected = allow.includes(caller) ? 'allow' : 'deny';
      it(`${method} as ${caller}: ${expected}`, async () => {
        const r = await callWebMethod(p, tokens[caller], 'data-admin.web', method, input());
        if (expected === 'allow') {
          assert.equal(r.status, 200, r.text);
          assert.equal(r.body.result.ok, true, r.text);
        } else {
          assert.equal(r.status, 403, r.text);
          assert.equal(r.body.details.applicationError.code, 'PERMISSION_DENIED');
          assert.doesNotMatch(r.text, /customerEmail|orderNumber/);
        }
      });
    }
  }
});

describe('what each method returns', () => {
  it('a member sees exactly their own orders, never another member’s', async () => {
    const mine = await callWebMethod(p, tokens['member'], 'data-admin.web', 'myOrders', { limit: 100 });
    const theirs = await callWebMethod(p, tokens['otherMember'], 'data-admin.web', 'myOrders', { limit: 100 });
    assert.equal(mine.body.result.data.totalCount, 5);
    assert.equal(theirs.body.result.data.totalCount, 2);
    const mineIds = new Set(mine.body.result.data.items.map((o: { _id: string }) => o._id));
    assert.ok(theirs.body.result.data.items.every((o: { _id: string }) => !mineIds.has(o._id)));
    assert.doesNotMatch(mine.text, /customerEmail/, 'myOrders does not echo emails');
  });

  it('a member cannot widen myOrders with a filter of their own', async () => {
    const r = await callWebMethod(p, tokens['member'], 'data-admin.web', 'myOrders', { filter: { customerEmail: SECOND_MEMBER.email } });
    assert.equal(r.body.result.ok, false);
    assert.equal(r.body.result.code, 'VALIDATION');
  });

  it('updateOrderStatus changes only the status, and is audited', async () => {
    const id = someOrderId();
    const owner = { kind: 'owner' as const, id: p.owner.id };
    const before = p.services.items.get(owner, 'Orders', id).data;
    const r = await callWebMethod(p, tokens['admin'], 'data-admin.web', 'updateOrderStatus', { orderId: id, status: 'REFUNDED' });
    assert.equal(r.body.result.data.status, 'REFUNDED');
    const after = p.services.items.get(owner, 'Orders', id).data;
    const { status: _a, _updatedDate: _b, ...restBefore } = before;
    const { status: _c, _updatedDate: _d, ...restAfter } = after;
    assert.deepEqual(restAfter, restBefore);
    const audit = p.services.items.query(owner, 'AuditLog', { filter: { what: 'updateOrderStatus' } }, true);
    assert.ok(audit.dataItems.some((d) => d.data['who'] === DEMO_OWNER.email && d.data['outcome'] === 'ok'));
  });

  it('updateOrderStatus of a missing order is NOT_FOUND, and nothing changes', async () => {
    const r = await callWebMethod(p, tokens['admin'], 'data-admin.web', 'updateOrderStatus', { orderId: 'no-such-order', status: 'PAID' });
    assert.deepEqual({ ok: r.body.result.ok, code: r.body.result.code }, { ok: false, code: 'NOT_FOUND' });
  });

  it('categoryCounts exposes counts only', async () => {
    const r = await callWebMethod(p, tokens['visitor'], 'data-admin.web', 'categoryCounts');
    const rows = r.body.result.data as { category: string; count: number }[];
    assert.equal(
      rows.reduce((n, c) => n + c.count, 0),
      400,
    );
    assert.ok(rows.every((row) => Object.keys(row).sort().join() === 'category,count'));
  });

  it('submitContactRequest stores a request once, however often it is sent', async () => {
    const requestId = crypto.randomUUID();
    const input = { name: 'Grace', email: 'grace@example.com', message: 'Do you ship to Norway?', requestId };
    const results = await Promise.all([1, 2, 3].map(() => callWebMethod(p, tokens['visitor'], 'data-admin.web', 'submitContactRequest', input)));
    assert.deepEqual(results.map((r) => r.body.result.data.duplicate).sort(), [false, true, true]);
    const owner = { kind: 'owner' as const, id: p.owner.id };
    assert.equal(p.services.items.count(owner, 'ContactRequests', { requestId }), 1);
  });

  it('no log line carries a secret value: console output and the platform request log', async () => {
    const planted = `planted-${crypto.randomUUID()}`;
    p.secrets.set('PLANTED_FOR_TEST', planted);
    const secrets = [...p.secrets.values()];
    const lines: string[] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const originals = methods.map((m) => console[m]);
    methods.forEach((m) => {
      console[m] = (...args: unknown[]) => void lines.push(args.map(String).join(' '));
    });
    try {
      for (const [method, { input }] of Object.entries(MATRIX)) {
        await callWebMethod(p, tokens['admin'], 'data-admin.web', method, input());
        await callWebMethod(p, tokens['visitor'], 'data-admin.web', method, { bad: planted });
      }
    } finally {
      methods.forEach((m, i) => (console[m] = originals[i]!));
    }
    const logs = [...lines, JSON.stringify(p.log.since())].join('\n');
    for (const secret of secrets) assert.ok(!logs.includes(secret), 'a secret reached a log');
  });

  it('no response carries a secret value', async () => {
    const secrets = p.secrets.values();
    for (const [method, { input }] of Object.entries(MATRIX)) {
      const r = await callWebMethod(p, tokens['admin'], 'data-admin.web', method, input());
      for (const secret of secrets) assert.ok(!r.text.includes(secret), `${method} leaked a secret`);
    }
  });
});

describe("the seed's API-key example", () => {
  const curl = (apiKey: string, siteId: string) =>
    fetch('https://www.wixapis.com/wix-data/v2/items/query', {
      method: 'POST',
      headers: { Authorization: apiKey, 'wix-site-id': siteId, 'Content-Type': 'application/json' },
      body: JSON.stringify({ dataCollectionId: 'Orders', query: { paging: { limit: 2 } } }),
    });

  it('a raw key in Authorization with wix-site-id queries Wix Data', async () => {
    const key = p.secrets.read(BACKEND_SECRETS.primaryKey)!;
    const r = await curl(key, p.siteId);
    assert.equal(r.status, 200);
    assert.equal(((await r.json()) as { dataItems: unknown[] }).dataItems.length, 2);
  });

  it('a wrong site id is refused with 403', async () => {
    const r = await curl(p.secrets.read(BACKEND_SECRETS.primaryKey)!, 'not-this-site');
    assert.equal(r.status, 403);
  });

  it('a revoked key is refused with 401; the backend rotates to the secondary key and records it', async () => {
    const primary = p.secrets.read(BACKEND_SECRETS.primaryKey)!;
    forgetSecrets();
    resetKeyRotation();
    assert.equal(p.revokeApiKey(primary), true);
    try {
      assert.equal((await curl(primary, p.siteId)).status, 401);
      const r = await callWebMethod(p, tokens['admin'], 'data-admin.web', 'listOrders', { limit: 1 });
      assert.equal(r.body.result.ok, true, 'calls keep working on the secondary key');
      const again = await callWebMethod(p, tokens['admin'], 'data-admin.web', 'listOrders', { limit: 1 });
      assert.equal(again.body.result.ok, true);
      const owner = { kind: 'owner' as const, id: p.owner.id };
      const rotations = p.services.items.query(owner, 'AuditLog', { filter: { outcome: 'rotated' } }, true);
      assert.equal(rotations.pagingMetadata['total'], 1, 'the rotation is recorded once');
    } finally {
      p.setupVeloBackend();
      resetKeyRotation();
      forgetSecrets();
    }
  });
});
describe('HTTP functions', () => {
  it('serves get_<name> at /_functions/<name> and /_functions-dev/<name>', async () => {
    for (const prefix of ['/_functions', '/_functions-dev']) {
      const r = await fetch(`https://www.wixapis.com${prefix}/health`);
      assert.equal(r.status, 200);
      assert.deepEqual(await r.json(), { status: 'ok' });
    }
  });

  it('a public HTTP function can call elevated backend code (the per-category counts)', async () => {
    const r = await fetch('https://www.wixapis.com/_functions/categories');
    const body = (await r.json()) as { categories: { category: string; count: number }[] };
    assert.equal(r.status, 200);
    assert.equal(
      body.categories.reduce((n, c) => n + c.count, 0),
      400,
    );
  });

  it('answers 404 for an unknown function or method', async () => {
    assert.equal((await fetch('https://www.wixapis.com/_functions/nope')).status, 404);
    assert.equal((await fetch('https://www.wixapis.com/_functions/health', { method: 'DELETE' })).status, 404);
  });
});

describe('likeProduct: a patch increment behind a once-per-member record', () => {
  const like = (who: string, productId: unknown) => callWebMethod(p, tokens[who], 'data-admin.web', 'likeProduct', { productId });
  const likesOf = (id: string) => Number(p.services.items.get({ kind: 'owner', id: p.owner.id }, 'Products', id).data['likes'] ?? 0);

  it('counts each member once, however often they click, and concurrent likes are all counted', async () => {
    const id = 'prod-0010';
    const before = likesOf(id);
    const first = await like('member', id);
    assert.deepEqual(first.body.result, { ok: true, data: { productId: id, likes: before + 1, alreadyLiked: false } });
    const again = await like('member', id);
    assert.deepEqual(again.body.result.data, { productId: id, likes: before + 1, alreadyLiked: true });
    const answers = await Promise.all([like('otherMember', id), like('admin', id), like('otherMember', id)]);
    assert.ok(answers.every((a) => a.body.result.ok));
    assert.equal(likesOf(id), before + 3, 'three members, three likes');
  });

  it('refuses a missing or unknown product and odd input with an envelope, and writes nothing', async () => {
    const before = likesOf('prod-0011');
    const unknown = await like('member', 'no-such-product');
    assert.equal(unknown.body.result.code, 'NOT_FOUND');
    for (const bad of [undefined, '', 42, { $ne: null }, 'x'.repeat(101)]) {
      const r = await like('member', bad);
      assert.equal(r.body.result.ok, false, JSON.stringify(bad));
      assert.equal(r.body.result.code, 'VALIDATION', JSON.stringify(bad));
    }
    const extra = await callWebMethod(p, tokens['member'], 'data-admin.web', 'likeProduct', { productId: 'prod-0011', likes: 1000 });
    assert.equal(extra.body.result.code, 'VALIDATION', 'no field besides productId');
    assert.equal(likesOf('prod-0011'), before);
    const records = p.services.items.query({ kind: 'owner', id: p.owner.id }, 'ProductLikes', { filter: { productId: 'no-such-product' } }, false);
    assert.equal(records.dataItems.length, 0, 'no like record for a refused like');
  });
});

describe('members in the backend', () => {
  it('myOrders knows the member from the session, not from the arguments', async () => {
    const r = await callWebMethod(p, await tokenFor(p, { email: DEMO_MEMBER.email }), 'data-admin.web', 'myOrders', {});
    assert.equal(r.body.result.ok, true);
    assert.equal(r.body.result.data.totalCount, 5);
  });

  it('the owner is an admin', async () => {
    const r = await callWebMethod(p, await tokenFor(p, { email: DEMO_OWNER.email }), 'data-admin.web', 'listOrders', { limit: 3 });
    assert.equal(r.body.result.ok, true);
    assert.equal(r.body.result.data.totalCount, 250);
  });
});
