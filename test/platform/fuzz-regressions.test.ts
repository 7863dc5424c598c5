/**
 * One regression per finding of issue 10, each as an attacker would send it, checked with the fuzz suite's
 * invariants (`attack()`): a typed answer, nothing escaped the handler, prototypes untouched, refused requests
 * change nothing, and the server keeps serving.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_MEMBER, DEMO_OWNER, startPlatform } from '../../demo/seed/index.ts';
import { resetKeyRotation } from '../../velo-backend/lib/api-key.ts';
import { forgetAccessTokens } from '../../velo-backend/lib/oauth.ts';
import { forgetSecrets } from '../../velo-backend/lib/secrets.ts';
import { callWebMethod } from '../velo/helpers.ts';
import { attack, isWixError, json, JSON_HEADERS, MEMBER_NOTES, OPEN, parse, PRODUCTS, send, sendRaw, startTarget, type Target } from './fuzz/harness.ts';

const Q = '/_api/cloud-data/v2/items/query';
let t: Target;
before(async () => {
  t = await startTarget();
});
after(async () => {
  await t.stop();
});

const post =
  (role: Parameters<Target['auth']>[0], path: string, body: unknown, extra: Record<string, string> = {}) =>
  () =>
    send(t.p, 'POST', path, { ...JSON_HEADERS, ...t.auth(role), ...extra }, typeof body === 'string' ? body : json(body));

/** Values an attacker must never see in any answer: the token key and every password hash. */
function secrets(): string[] {
  const db = t.p.services.db;
  const key = (db.prepare("SELECT value FROM meta WHERE key = 'tokens.secret'").get() as { value: string }).value;
  const hashes = (db.prepare('SELECT password_hash AS h FROM members').all() as { h: string }[]).map((r) => r.h).filter(Boolean);
  return [key, ...hashes.flatMap((h) => [h, ...h.split('$').filter((part) => part.length > 16)])];
}
function assertNoSecret(text: string, what: string): void {
  for (const s of secrets()) assert.ok(!text.includes(s), `${what}: the answer contains a stored secret`);
}

describe('finding 1: prototype pollution → SQL → signing key', () => {
  it('an item {"constructor":{"prototype":{"K":…}}} read back with fields ["constructor.prototype.K"] pollutes nothing', async () => {
    const data = '{"title":"p","constructor":{"prototype":{"K":"1 AS x FROM meta --","toString":"x"}},"__proto__":{"K2":"y"}}';
    for (const collection of [MEMBER_NOTES, OPEN]) {
      const inserted = await attack(
        t,
        `member stores a pollution payload in ${collection}`,
        post('member', '/_api/cloud-data/v2/items', `{"dataCollectionId":"${collection}","dataItem":{"data":${data}}}`),
        '/_api/cloud-data/v2/items',
      );
      const id = parse(inserted.text)?.dataItem?.id as string | undefined;
      for (const fields of [
        ['constructor.prototype.K'],
        ['__proto__.K2'],
        ['constructor.prototype.toString'],
        ['constructor', 'constructor.prototype'],
        ['title', '__proto__'],
      ]) {
        const q = await attack(t, `query fields ${json(fields)}`, post('member', Q, { dataCollectionId: collection, query: { fields } }), Q);
        assertNoSecret(q.text, 'projection');
        if (id)
          await attack(
            t,
            `get fields ${json(fields)}`,
            post('member', '/_api/cloud-data/v2/items/get', { dataCollectionId: collection, dataItemId: id, fields }),
            '/_api/cloud-data/v2/items/get',
          );
      }
    }
    // Every kind of route still answers normally (no 500 "until restart").
    const login = await send(
      t.p,
      'POST',
      '/_api/iam/authentication/v2/login',
      JSON_HEADERS,
      json({ loginId: { email: DEMO_MEMBER.email }, password: DEMO_MEMBER.password }),
    );
    assert.equal(login.status, 200, `login after the attack: ${login.status} ${login.text.slice(0, 200)}`);
    const health = await send(t.p, 'GET', '/_functions/health');
    assert.equal(health.status, 200, `HTTP function after the attack: ${health.status}`);
  });

  it('distinct, filter and sort by names that were once plain-object lookups never reach SQL as text, and leak no secret', async () => {
    for (const fieldName of [
      'K',
      'constructor',
      'toString',
      'valueOf',
      'hasOwnProperty',
      '__proto__',
      'prototype',
      "_id') UNION SELECT value FROM meta --",
      'x" FROM meta --',
    ]) {
      for (const [path, body] of [
        ['/_api/cloud-data/v2/items/query-distinct-values', { dataCollectionId: PRODUCTS, fieldName }],
        [Q, { dataCollectionId: PRODUCTS, query: { filter: { [fieldName]: { $ne: null } }, sort: [{ fieldName, order: 'ASC' }] } }],
        ['/_api/cloud-data/v2/items/count', { dataCollectionId: PRODUCTS, filter: { [fieldName]: 'x' } }],
      ] as const) {
        const answer = await attack(t, `${path} with ${fieldName}`, post('visitor', path, body), path);
        assertNoSecret(answer.text, `${path} with ${fieldName}`);
      }
    }
  });
});

describe('finding 2: one unauthenticated request kills the process', () => {
  for (const target of ['//', '/\\', '///', '//_api/cloud-data/v2/items/query', '/%', '/..']) {
    it(`GET ${target} over a raw socket answers and the server keeps serving`, async () => {
      await attack(t, `GET ${target}`, () => sendRaw(t.p, `GET ${target} HTTP/1.1\r\nhost: www.wixapis.com\r\nconnection: close\r\n\r\n`), target);
    });
  }
});

describe('finding 3: one visitor request stalls the server', () => {
  it('250,000 fields: a typed 413 (over the read-body limit, refused before parsing), not a 20 s stall', async () => {
    const fields = Array.from({ length: 250_000 }, (_, i) => `f${i}`);
    const answer = await attack(t, '250,000 fields', post('visitor', Q, { dataCollectionId: PRODUCTS, query: { fields } }), Q);
    assert.equal(answer.status, 413, `250,000 fields answered ${answer.status}`);
  });
  it('20,000 sort terms: a typed 400, not 500 "too many terms in ORDER BY"', async () => {
    const sort = Array.from({ length: 20_000 }, (_, i) => ({ fieldName: `f${i}`, order: 'ASC' }));
    const answer = await attack(t, '20,000 sort terms', post('visitor', Q, { dataCollectionId: PRODUCTS, query: { sort } }), Q);
    assert.equal(answer.status, 400, `20,000 sort terms answered ${answer.status}`);
  });
  it('a filter nested 10,000 deep and one 50,000 wide: typed 400s', async () => {
    // Built as text: a 10,000-deep object is deeper than JSON.stringify can recurse.
    const deep = `{"dataCollectionId":"${PRODUCTS}","query":{"filter":${'{"$and":['.repeat(10_000)}{"title":"x"}${']}'.repeat(10_000)}}}`;
    const wide = json({ dataCollectionId: PRODUCTS, query: { filter: { $or: Array.from({ length: 50_000 }, (_, i) => ({ price: i })) } } });
    for (const [name, body] of [
      ['deep', deep],
      ['wide', wide],
    ] as const) {
      const answer = await attack(t, `${name} filter`, post('visitor', Q, body), Q);
      assert.equal(answer.status, 400, `${name} filter answered ${answer.status}`);
    }
  });
});

describe('finding 4: control routes are open to any web page', () => {
  it('a cross-site page cannot read the request log, inject a fault, move the clock or expire tokens', async () => {
    const before = { faults: json(t.p.services.faults.list()), clock: t.p.services.clock.now() };
    const cases = [
      ['GET', '/_platform/requests', undefined],
      ['POST', '/_platform/faults', json({ path: '/_api/', status: 503 })],
      ['POST', '/_platform/clock', json({ advanceMs: 86_400_000 })],
      ['POST', '/_platform/expire-tokens', '{}'],
    ] as const;
    try {
      for (const [method, path, body] of cases) {
        for (const contentType of ['application/json', 'text/plain']) {
          const answer = await attack(
            t,
            `${method} ${path} from evil.example (${contentType})`,
            () => send(t.p, method, path, { origin: 'https://evil.example', 'content-type': contentType }, body),
            path,
          );
          assert.ok(answer.status >= 400, `${method} ${path} from a cross-site page answered ${answer.status}`);
          assert.notEqual(answer.headers['access-control-allow-origin'], 'https://evil.example', `${path} reflects a cross-site Origin`);
        }
      }
      assert.equal(json(t.p.services.faults.list()), before.faults, 'no fault was added');
      assert.ok(t.p.services.clock.now() - before.clock < 60_000, 'the clock did not move');
      const stillValid = await send(
        t.p,
        'POST',
        Q,
        { ...JSON_HEADERS, ...t.auth('member') },
        json({ dataCollectionId: PRODUCTS, query: { paging: { limit: 1 } } }),
      );
      assert.equal(stillValid.status, 200, 'tokens were not expired');
    } finally {
      t.p.services.faults.clear();
      t.p.services.clock.reset();
      await t.refreshTokens();
    }
  });

  it('a fault path is never a regular expression: "^/(a+)+$" does not hang the process', async () => {
    let added = true;
    try {
      t.p.services.faults.add({ path: '^/(a+)+$', status: 503 });
    } catch {
      added = false; // refusing the pattern outright is fine too
    }
    try {
      const started = performance.now();
      // 26 a's then a mismatch: a backtracking regex takes seconds here (2^26 ways to split the a's), a prefix or glob microseconds.
      const answer = await send(t.p, 'GET', `/${'a'.repeat(26)}!`, {}, undefined, 60_000);
      assert.equal(answer.dropped, undefined, `the request matched against the fault path did not answer: ${answer.dropped}`);
      assert.ok(performance.now() - started < 2_000, `matching the fault path took ${Math.round(performance.now() - started)} ms (fault added: ${added})`);
    } finally {
      t.p.services.faults.clear();
    }
  });
});

describe('finding 5: OAuth connect completed by someone else', () => {
  /**
   * A browser: cookies per origin, every URL served by the platform (the site origin's HTTP functions and the
   * authorization server alike), redirects not followed so each step can be looked at.
   */
  function browser() {
    const jars = new Map<string, Map<string, string>>();
    const go = async (url: string, init: { method?: string; form?: Record<string, string> } = {}) => {
      const target = new URL(url);
      const jar = jars.get(target.origin) ?? new Map<string, string>();
      jars.set(target.origin, jar);
      const cookie = [...jar].map(([k, v]) => `${k}=${v}`).join('; ');
      const body = init.form ? new URLSearchParams(init.form).toString() : undefined;
      const answer = await send(
        t.p,
        init.method ?? 'GET',
        `${target.pathname}${target.search}`,
        { ...(cookie ? { cookie } : {}), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body,
      );
      const setCookie = answer.headers['set-cookie'];
      for (const line of Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []) {
        const [pair = ''] = line.split(';');
        const eq = pair.indexOf('=');
        if (eq > 0) jar.set(pair.slice(0, eq).trim(), pair.slice(eq + 1).trim());
      }
      const location = answer.headers['location'];
      return { ...answer, location: typeof location === 'string' ? new URL(location, url).toString() : undefined };
    };
    return { go };
  }

  /** The victim signs in as the owner and allows, starting from `url`; then their browser follows to the callback. */
  async function ownerConsents(victim: ReturnType<typeof browser>, url: string): Promise<void> {
    let at = url;
    // A launch page on the site (if any) redirects to the authorization server.
    for (let hops = 0; hops < 3 && !new URL(at).pathname.startsWith('/oauth2/authorize'); hops++) {
      const step = await victim.go(at);
      if (!step.location) return;
      at = step.location;
    }
    await victim.go(at);
    const consent = await victim.go(at, { method: 'POST', form: { email: DEMO_OWNER.email, password: DEMO_OWNER.password, decision: 'allow' } });
    if (consent.location) await victim.go(consent.location);
  }

  async function assertNotConnected(what: string): Promise<void> {
    const status = await callWebMethod(t.p, t.tokens.member, 'oauth.web', 'connectionStatus');
    assert.notEqual(status.body.result?.data?.status, 'connected', `${what}: the member is connected with a grant the owner consented to`);
    const inventory = await callWebMethod(t.p, t.tokens.member, 'oauth.web', 'callConnected', { collection: 'Inventory' });
    assert.notEqual(inventory.body.result?.ok, true, `${what}: the member reads admin-only Inventory through the owner's grant`);
  }

  async function start(): Promise<string> {
    forgetSecrets();
    forgetAccessTokens();
    t.p.secrets.set('OAUTH_SITE_URL', 'https://localhost:8443');
    const started = await callWebMethod(t.p, t.tokens.member, 'oauth.web', 'startConnect', { mode: 'popup' });
    assert.equal(started.body.result?.ok, true, started.text);
    return String(started.body.result.data.authorizeUrl);
  }

  it('the member opens the connect URL, hands the authorization-server URL to the owner, who consents: not connected', async () => {
    const url = await start();
    const attacker = browser();
    // The member's own browser takes the first step (a launch page, if any) and stops before the consent page.
    let authorize = url;
    for (let hops = 0; hops < 3 && !new URL(authorize).pathname.startsWith('/oauth2/authorize'); hops++) {
      const step = await attacker.go(authorize);
      if (!step.location) break;
      authorize = step.location;
    }
    await ownerConsents(browser(), authorize);
    await assertNotConnected('owner consented on the member’s authorize URL');
  });

  it('the member hands the connect URL itself to the owner, who consents in their own browser: not connected', async () => {
    const url = await start();
    await ownerConsents(browser(), url);
    await assertNotConnected('owner opened the member’s connect URL');
  });
});

describe('finding 6: login throttling', () => {
  it('200 wrong owner passwords meet a 429 in Wix’s shape, and the lockout holds for the right password too', async () => {
    const login = '/_api/iam/authentication/v2/login';
    const statuses: number[] = [];
    let throttled: ReturnType<typeof parse>;
    for (let i = 0; i < 200; i++) {
      const answer = await send(t.p, 'POST', login, JSON_HEADERS, json({ loginId: { email: DEMO_OWNER.email }, password: `wrong-${i}` }));
      statuses.push(answer.status);
      assert.ok(
        answer.status === 400 || answer.status === 429 || answer.status === 401 || answer.status === 403,
        `wrong password ${i} answered ${answer.status}`,
      );
      if (answer.status === 429) {
        throttled = parse(answer.text);
        break;
      }
    }
    assert.ok(throttled, `200 wrong passwords: no 429 (statuses ${[...new Set(statuses)].join(', ')})`);
    assert.ok(isWixError(throttled), `the 429 is in Wix's error shape: ${json(throttled)}`);
    const right = await send(t.p, 'POST', login, JSON_HEADERS, json({ loginId: { email: DEMO_OWNER.email }, password: DEMO_OWNER.password }));
    assert.equal(right.status, 429, 'the right password during the lockout window is refused too');
    // Other accounts are not locked out by the attack on this one.
    const other = await send(t.p, 'POST', login, JSON_HEADERS, json({ loginId: { email: DEMO_MEMBER.email }, password: DEMO_MEMBER.password }));
    assert.ok(other.status === 200 || other.status === 429, `another account's login answered ${other.status}`);
  });
});

describe('finding 7: backend Data calls leave for the real www.wixapis.com', () => {
  it('a web method that reads Data, on a platform started as `npm run platform` starts it (no test routing), never calls out', async () => {
    const routed = globalThis.fetch;
    const outbound: string[] = [];
    // What a real network call would go through: record it and fail it, so nothing can leave the machine.
    globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = input instanceof Request ? input.url : String(input);
      if (/wixapis\.com/i.test(new URL(url).hostname)) {
        outbound.push(url);
        throw new TypeError('fetch failed (blocked by the test: the platform must answer its own backend)');
      }
      return routed(input, init);
    }) as typeof fetch;
    const plain = await startPlatform({ db: ':memory:', seed: 'demo', onError: () => {} });
    try {
      forgetSecrets();
      resetKeyRotation();
      const visitor = (await plain.services.tokens.issueAccess('visitor', crypto.randomUUID(), plain.clientId)).token;
      const answer = await send(plain, 'POST', '/_webMethods/data-admin.web/categoryCounts', { ...JSON_HEADERS, authorization: visitor }, json({ args: [] }));
      assert.equal(answer.status, 200, answer.text.slice(0, 300));
      assert.deepEqual(outbound, [], 'the backend called www.wixapis.com');
      const result = parse(answer.text)?.result;
      assert.equal(result?.ok, true, `categoryCounts failed: ${answer.text.slice(0, 300)}`);
      assert.ok(Array.isArray(result.data) && result.data.length > 0, 'categoryCounts read the local Products');
    } finally {
      globalThis.fetch = routed;
      await plain.close();
      forgetSecrets();
      resetKeyRotation();
    }
  });
});

describe('finding 8: prototype names as field names, __proto__ in item data, hidden items', () => {
  it('filter, sort and distinct keys named constructor, toString, valueOf, hasOwnProperty, __proto__ answer 200 or a typed 400', async () => {
    for (const name of ['constructor', 'toString', 'valueOf', 'hasOwnProperty', '__proto__']) {
      await attack(t, `filter ${name}`, post('visitor', Q, `{"dataCollectionId":"${PRODUCTS}","query":{"filter":{"${name}":"x"}}}`), Q);
      await attack(t, `sort ${name}`, post('visitor', Q, { dataCollectionId: PRODUCTS, query: { sort: [{ fieldName: name }] } }), Q);
      await attack(
        t,
        `distinct ${name}`,
        post('visitor', '/_api/cloud-data/v2/items/query-distinct-values', { dataCollectionId: PRODUCTS, fieldName: name }),
        '/_api/cloud-data/v2/items/query-distinct-values',
      );
    }
  });

  it('a __proto__ key inside item data is kept as data or refused with a typed 400, never silently dropped', async () => {
    const answer = await attack(
      t,
      'insert __proto__ data',
      post('apiKey', '/_api/cloud-data/v2/items', `{"dataCollectionId":"${OPEN}","dataItem":{"data":{"title":"proto","__proto__":{"polluted":"yes"}}}}`),
      '/_api/cloud-data/v2/items',
    );
    if (answer.status === 400) return;
    assert.equal(answer.status, 200);
    const id = parse(answer.text).dataItem.id as string;
    const read = await send(
      t.p,
      'POST',
      '/_api/cloud-data/v2/items/get',
      { ...JSON_HEADERS, ...t.auth('apiKey') },
      json({ dataCollectionId: OPEN, dataItemId: id }),
    );
    assert.match(read.text, /"__proto__":\{"polluted":"yes"\}/, `__proto__ was dropped: ${read.text.slice(0, 300)}`);
  });

  it('insert and save with another member’s hidden item id change nothing of it and do not reveal it', async () => {
    const owner = { kind: 'owner' as const, id: t.p.owner.id };
    const river = t.p.services.directory.findMemberByEmail('river@example.com')!;
    const hidden = t.p.services.items.query(owner, MEMBER_NOTES, { filter: { _owner: river.id }, paging: { limit: 1 } }, false).dataItems[0]!;
    const before = json(t.p.services.items.get(owner, MEMBER_NOTES, hidden.id));
    for (const route of ['/_api/cloud-data/v2/items', '/_api/cloud-data/v2/items/save']) {
      const answer = await attack(
        t,
        `${route} with a hidden id`,
        post('member', route, { dataCollectionId: MEMBER_NOTES, dataItem: { id: hidden.id, data: { _id: hidden.id, title: 'mine now' } } }),
        route,
      );
      assert.equal(json(t.p.services.items.get(owner, MEMBER_NOTES, hidden.id)), before, `${route}: the other member's item changed`);
      assert.notEqual(answer.status, 409, `${route}: 409 reveals that a hidden item exists`);
      assert.ok(!answer.text.includes(String((hidden.data as Record<string, unknown>)['title'] ?? '\u0000none')), `${route}: the answer shows the hidden item`);
    }
  });
});
