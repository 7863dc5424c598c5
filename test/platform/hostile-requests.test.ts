/**
 * Requests an attacker (or a buggy client) sends that once got through: strings that are not valid Unicode, a body
 * that names two items, GET parameters given twice, a clock pushed past the end of time, a mangled session cookie,
 * form fields that are not strings. Each now gets a 4xx (or, for the cookie, no session) and writes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { adminHeaders, apiKeyClient, controlCall, rawCall, startTestPlatform, type TestPlatform } from './helpers.ts';
import { authorizeUrl, pkce } from './oauth-helpers.ts';

const C = 'Hostile_Items';
const ITEMS = '/wix-data/v2/items';
const json = (value: unknown) => JSON.stringify(value);

let p: TestPlatform;
let admin: ReturnType<typeof apiKeyClient>;

async function ids(): Promise<string[]> {
  const { items: all } = await admin.items.query(C).limit(1000).find();
  return all.map((item) => String(item._id)).sort();
}

async function titles(): Promise<string[]> {
  const { items: all } = await admin.items.query(C).limit(1000).find();
  return all.map((item) => `${String(item._id)}=${String(item['title'])}`).sort();
}

/** A 400 in the Wix shape whose message says `pattern`. */
function assertRefused(r: Awaited<ReturnType<typeof rawCall>>, pattern: RegExp, what: string): void {
  assert.equal(r.status, 400, `${what}: expected 400, got ${r.status}: ${r.text.slice(0, 300)}`);
  assert.match(String(r.json?.['message']), pattern, `${what}: the message says why`);
}

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = apiKeyClient(p);
  await admin.collections.createDataCollection({
    _id: C,
    fields: [{ key: 'title', type: 'TEXT' }],
    permissions: { read: 'ANYONE', insert: 'ANYONE', update: 'ANYONE', remove: 'ANYONE' },
  });
  await admin.items.bulkInsert(C, [
    { _id: 'seed-1', title: 'one' },
    { _id: 'seed-2', title: 'two' },
  ]);
});

after(async () => {
  await p?.stop();
});

describe('strings that are not valid Unicode', () => {
  it('an item ID that is a lone surrogate is refused (it was stored as "\\ufffd\\ufffd\\ufffd", an item no ID could reach)', async () => {
    const before = await ids();
    for (const id of ['\ud800', '\udfff', 'a\udc00b']) {
      const r = await rawCall(p, ITEMS, { headers: adminHeaders(p), body: json({ dataCollectionId: C, dataItem: { data: { _id: id, title: 'x' } } }) });
      assertRefused(r, /not valid Unicode/, `_id ${json(id)}`);
    }
    assert.deepEqual(await ids(), before);
  });

  it('a lone surrogate anywhere (a key, a nested value, a filter, the .r of a GET) is refused; a real pair is kept', async () => {
    const before = await titles();
    const bodies = [
      { dataCollectionId: C, dataItem: { data: { ['k\ud83d']: 1 } } },
      { dataCollectionId: C, dataItem: { data: { title: 'ok', deep: [{ more: ['\udead'] }] } } },
    ];
    for (const body of bodies) assertRefused(await rawCall(p, ITEMS, { headers: adminHeaders(p), body: json(body) }), /not valid Unicode/, json(body));
    const query = { dataCollectionId: C, query: { filter: { title: '\ud800' } } };
    assertRefused(await rawCall(p, `${ITEMS}/query`, { headers: adminHeaders(p), body: json(query) }), /not valid Unicode/, 'query filter');
    const r = Buffer.from(json(query)).toString('base64url');
    assertRefused(await rawCall(p, `${ITEMS}/query?.r=${r}`, { method: 'GET', headers: adminHeaders(p) }), /not valid Unicode/, 'GET .r');
    assert.deepEqual(await titles(), before);
    // An emoji is a surrogate pair: valid, stored and read back as sent (escaped or not).
    const emoji = '\ud83d\ude00';
    for (const body of [
      json({ dataCollectionId: C, dataItem: { data: { _id: 'emoji', title: emoji } } }),
      `{"dataCollectionId":"${C}","dataItem":{"data":{"_id":"emoji2","title":"\\ud83d\\ude00"}}}`,
    ]) {
      const ok = await rawCall(p, ITEMS, { headers: adminHeaders(p), body });
      assert.equal(ok.status, 200, ok.text.slice(0, 200));
    }
    assert.equal((await admin.items.get(C, 'emoji'))?.['title'], emoji);
    assert.equal((await admin.items.get(C, 'emoji2'))?.['title'], emoji);
    await admin.items.bulkRemove(C, ['emoji', 'emoji2']);
  });

  it('a body that is not valid UTF-8 is refused (it was stored with U+FFFD in place of the bytes)', async () => {
    const before = await titles();
    const head = Buffer.from(`{"dataCollectionId":"${C}","dataItem":{"data":{"_id":"bytes","title":"a`);
    const body = Buffer.concat([head, Buffer.from([0xff, 0xfe]), Buffer.from('b"}}}')]);
    const response = await fetch(`https://www.wixapis.com${ITEMS}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...adminHeaders(p) },
      body,
    });
    const text = await response.text();
    assert.equal(response.status, 400, text.slice(0, 200));
    assert.match(text, /not valid UTF-8/);
    assert.deepEqual(await titles(), before);
  });

  it('property: any string with a lone surrogate, as an item ID or title, is refused and nothing is written', async () => {
    const before = await titles();
    const lone = fc
      .tuple(fc.string({ maxLength: 5 }), fc.integer({ min: 0xd800, max: 0xdfff }), fc.string({ maxLength: 5 }))
      .map(([a, unit, b]) => a + String.fromCharCode(unit) + b)
      .filter((s) => /\p{Cs}/u.test(s));
    await fc.assert(
      fc.asyncProperty(lone, fc.boolean(), async (text, asId) => {
        const data = asId ? { _id: text, title: 'x' } : { _id: 'prop', title: text };
        const r = await rawCall(p, ITEMS, { headers: adminHeaders(p), body: json({ dataCollectionId: C, dataItem: { data } }) });
        assertRefused(r, /not valid Unicode/, json(data));
      }),
      { numRuns: 60, seed: 20261204 },
    );
    assert.deepEqual(await titles(), before);
  });
});

describe('a write whose body names two items', () => {
  it('dataItem.id and dataItem.data._id that differ are refused on insert, update, save and bulk insert (data._id used to win)', async () => {
    const before = await titles();
    const cases: [string, string, unknown][] = [
      ['update', `${ITEMS}/update`, { dataItem: { id: 'seed-1', data: { _id: 'seed-2', title: 'CHANGED' } } }],
      ['save', `${ITEMS}/save`, { dataItem: { id: 'seed-1', data: { _id: 'seed-2', title: 'CHANGED' } } }],
      ['insert', ITEMS, { dataItem: { id: 'new-a', data: { _id: 'new-b', title: 'x' } } }],
      ['bulk insert', '/wix-data/v2/bulk/items/insert', { dataItems: [{ id: 'new-c', data: { _id: 'new-d', title: 'x' } }] }],
    ];
    for (const [name, path, body] of cases) {
      const r = await rawCall(p, path, { headers: adminHeaders(p), body: json({ dataCollectionId: C, ...(body as object) }) });
      assertRefused(r, /name different items/, name);
    }
    assert.deepEqual(await titles(), before);
    // The same ID in both places, or in one of them, is a normal write.
    const same = await rawCall(p, `${ITEMS}/update`, {
      headers: adminHeaders(p),
      body: json({ dataCollectionId: C, dataItem: { id: 'seed-1', data: { _id: 'seed-1', title: 'one again' } } }),
    });
    assert.equal(same.status, 200, same.text.slice(0, 200));
    assert.equal((await admin.items.get(C, 'seed-1'))?.['title'], 'one again');
    await admin.items.update(C, { _id: 'seed-1', title: 'one' });
  });
});

describe('GET parameters', () => {
  const r = (body: unknown) => Buffer.from(json(body)).toString('base64url');

  it('a one-value parameter given twice is refused naming it (the first one used to win); list parameters may repeat', async () => {
    for (const query of [`dataCollectionId=Nope&dataCollectionId=${C}`, `dataCollectionId=${C}&dataCollectionId=Nope`]) {
      const refused = await rawCall(p, `${ITEMS}/query?${query}`, { method: 'GET', headers: adminHeaders(p) });
      assert.equal(refused.status, 400, `${query}: ${refused.text.slice(0, 200)}`);
      assert.equal(refused.json?.['details']?.['validationError']?.['fieldViolations']?.[0]?.['field'], 'dataCollectionId', query);
    }
    const twoPayloads = `.r=${r({ dataCollectionId: C })}&.r=${r({ dataCollectionId: 'Nope' })}`;
    assertRefused(await rawCall(p, `${ITEMS}/query?${twoPayloads}`, { method: 'GET', headers: adminHeaders(p) }), /more than once/, 'two .r');
    const fields = await rawCall(p, `${ITEMS}/seed-1?dataCollectionId=${C}&fields=title&fields=_id`, { method: 'GET', headers: adminHeaders(p) });
    assert.equal(fields.status, 200, fields.text.slice(0, 200));
  });

  it('a .r that is not strict base64url is refused (Node skipped the characters outside the alphabet)', async () => {
    const good = r({ dataCollectionId: C });
    const bad = `${good.slice(0, 8)}!!!!${good.slice(8)}`;
    assertRefused(await rawCall(p, `${ITEMS}/query?.r=${bad}`, { method: 'GET', headers: adminHeaders(p) }), /not valid base64url/, 'a .r with !!!!');
    assert.equal((await rawCall(p, `${ITEMS}/query?.r=${good}`, { method: 'GET', headers: adminHeaders(p) })).status, 200);
  });

  it('returnTotalCount=true in the query string is a flag, like consistentRead=true', async () => {
    const ok = await rawCall(p, `${ITEMS}/query?dataCollectionId=${C}&returnTotalCount=true`, { method: 'GET', headers: adminHeaders(p) });
    assert.equal(ok.status, 200, ok.text.slice(0, 200));
    assert.equal(ok.json?.['pagingMetadata']?.['total'], 2);
  });
});

describe('the control clock', () => {
  it('cannot be moved past the end of year 9999; it used to pass Date’s range and fail every later request until reset', async () => {
    const far = await controlCall(p, '/_platform/clock', { body: { advanceMs: 8.7e15 } });
    assert.equal(far.status, 400, far.text.slice(0, 200));
    assert.match(String(far.json?.['message']), /at most \d+/);
    // Nothing moved: the platform still answers, and the clock is where it was.
    const query = await rawCall(p, `${ITEMS}/query`, { headers: adminHeaders(p), body: json({ dataCollectionId: C }) });
    assert.equal(query.status, 200, query.text.slice(0, 200));
    assert.ok(Math.abs(p.services.clock.now() - Date.now()) < 60_000, 'the clock did not move');
    // A year ahead is fine, and reset brings it back.
    const year = await controlCall(p, '/_platform/clock', { body: { advanceMs: 365 * 86_400_000 } });
    assert.equal(year.status, 200, year.text.slice(0, 200));
    assert.equal((await controlCall(p, '/_platform/clock', { method: 'DELETE' })).status, 200);
  });
});

describe('sign-in pages', () => {
  it('a session cookie with a malformed %-escape is no session (it was a 500)', async () => {
    const app = p.oauthApps.register({ name: 'Hostile app', redirectUris: ['https://localhost/cb'], scopes: ['wix-data.items.read'] });
    const { challenge } = pkce();
    const url = authorizeUrl(app.clientId, { redirect_uri: 'https://localhost/cb', code_challenge: challenge, scope: 'wix-data.items.read', state: 's' });
    for (const [method, path] of [
      ['GET', '/oauth2/connected-apps'],
      ['GET', url],
    ] as const) {
      const response = await fetch(new URL(path, 'https://www.wixapis.com'), { method, redirect: 'manual', headers: { cookie: 'wix_local_session=%' } });
      const text = await response.text();
      assert.ok(response.status < 500, `${method} ${path.slice(0, 60)}: ${response.status} ${text.slice(0, 200)}`);
      assert.match(text, /sign in|password/i, `${method} ${path.slice(0, 60)}: the sign-in form, as for no cookie`);
    }
  });

  it('an email or password that is not a string (an object whose toString is not callable) is a failed sign-in, not a 500', async () => {
    const { challenge } = pkce();
    const url = authorizeUrl(p.clientId, { redirect_uri: 'https://localhost/callback', code_challenge: challenge, state: 's' });
    const response = await fetch(new URL(url, 'https://www.wixapis.com'), {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/json' },
      body: json({ email: { toString: 1, valueOf: 1 }, password: 'x' }),
    });
    const text = await response.text();
    assert.ok(response.status < 500, `${response.status} ${text.slice(0, 200)}`);
    assert.match(text, /Wrong email or password/);
  });
});

describe('collections', () => {
  it('a display name over 1,000 characters is refused, as a field’s is (3 MB used to be kept and sent with every list)', async () => {
    const r = await rawCall(p, '/wix-data/v2/collections', {
      headers: adminHeaders(p),
      body: json({ collection: { id: 'Long_Name', displayName: 'x'.repeat(1001) } }),
    });
    assert.equal(r.status, 400, r.text.slice(0, 200));
    assert.equal(r.json?.['details']?.['validationError']?.['fieldViolations']?.[0]?.['field'], 'collection.displayName');
    const ok = await rawCall(p, '/wix-data/v2/collections', {
      headers: adminHeaders(p),
      body: json({ collection: { id: 'Long_Name', displayName: 'x'.repeat(1000) } }),
    });
    assert.equal(ok.status, 200, ok.text.slice(0, 200));
  });
});
