/**
 * The testing kit under node:test (no Vitest): startSiteKit runs the example site's backend folder through Node's
 * own loader with the Velo module names, and `as(...)` acts as each kind of caller. HTTP functions are checked
 * against the wix-http-functions docs: each helper's fixed status, the site's own headers, options_ answering
 * the CORS preflight, and both `_functions` and `_functions-dev`.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { items } from '@wix/data';
import { auth } from '../../platform/velo/modules/wix-essentials.ts';
import { apiKey, app, member, owner, startSiteKit, visitor, WebMethodError, type SiteKit } from '../../platform/testing/index.ts';
import { badRequest, created, forbidden, notFound, ok, response, serverError } from '../../platform/velo/modules/wix-http-functions.ts';

const SITE = fileURLToPath(new URL('../../demo/example-site/', import.meta.url));
let kit: SiteKit;

before(async () => {
  kit = await startSiteKit({ backend: `${SITE}backend`, fixtures: `${SITE}fixtures` });
});
after(() => kit.stop());
beforeEach(() => kit.reset());

const refusal = async (promise: Promise<unknown>) => {
  const error = await promise.then(
    () => assert.fail('expected a refusal'),
    (e: unknown) => e,
  );
  assert.ok(error instanceof WebMethodError, String(error));
  return error;
};

describe('web methods as each caller (wix-web-module permissions)', () => {
  it('Anyone: a visitor, a member and the owner all list the two published books (the draft is hidden by beforeQuery)', async () => {
    for (const who of [visitor(), member('ana'), owner()]) {
      const books = (await kit.as(who).call('backend/books.web', 'listBooks')) as { title: string; display: string }[];
      assert.deepEqual(
        books.map((b) => b.title),
        ['Dune', 'Kindred'],
      );
      assert.equal(books[0]!.display, 'Dune (1965)', 'afterQuery ran');
    }
  });

  it('SiteMember: a visitor is refused with 403 PERMISSION_DENIED and nothing is written; a member adds a book owned by them', async () => {
    const error = await refusal(kit.as(visitor()).call('books.web', 'addBook', 'Nope'));
    assert.equal(error.status, 403);
    assert.equal(error.code, 'PERMISSION_DENIED');
    assert.equal(await kit.as(owner()).data.query('Books').count(), 2);
    const added = (await kit.as(member('ben')).call('books.web', 'addBook', 'The Dispossessed')) as { slug: string; _owner: string };
    assert.equal(added.slug, 'the-dispossessed');
    assert.equal(added._owner, kit.platform.services.directory.findMemberByEmail('ben@example.com')!.id);
  });

  it('Admin: only the owner removes; a member is refused', async () => {
    assert.equal((await refusal(kit.as(member('ana')).call('books.web', 'removeBook', 'b1'))).status, 403);
    await kit.as(owner()).call('books.web', 'removeBook', 'b1');
    assert.equal(await kit.as(owner()).data.query('Books').count(), 1);
  });

  it('API keys and apps cannot call web methods (page code calls them with a site session)', async () => {
    assert.equal((await refusal(kit.as(apiKey()).call('books.web', 'listBooks'))).status, 403);
    assert.equal((await refusal(kit.as(app('Partner app')).call('books.web', 'listBooks'))).status, 403);
  });

  it('a member role from the fixtures reaches currentMember.getRoles(); suppressAuth lets the site write a book it does not own', async () => {
    assert.equal(await kit.as(member('ana')).call('books.web', 'featureBook', 'b2'), true);
    const error = await refusal(kit.as(member('ben')).call('books.web', 'featureBook', 'b2'));
    assert.equal(error.status, 500);
    assert.match(JSON.stringify(error.body), /Only editors feature books/);
  });

  it("SITE_MEMBER_AUTHOR: a member renames their own book, not someone else's", async () => {
    const mine = (await kit.as(member('ben')).call('books.web', 'addBook', 'Old title')) as { _id: string };
    assert.deepEqual(await kit.as(member('ben')).call('books.web', 'renameBook', mine._id, 'New title'), { title: 'New title', slug: 'new-title' });
    const error = await refusal(kit.as(member('ana')).call('books.web', 'renameBook', mine._id, 'Stolen'));
    assert.match(JSON.stringify(error.body), /WDE0027|permission/i);
  });

  it('secrets from the fixtures reach wix-secrets-backend', async () => {
    assert.equal(await kit.as(owner()).call('books.web', 'catalogueConfigured'), true);
  });

  it('an unknown member name fails with the names the fixtures know', () => {
    assert.throws(() => kit.as(member('zoe')).run(() => 1), /No member named "zoe" in the fixtures \(known: ana, ben\)/);
  });

  it('hostile module and method names are 404s, never a lookup on an object prototype', async () => {
    for (const [mod, fn] of [
      ['books.web', '__proto__'],
      ['books.web', 'constructor'],
      ['books.web', 'toString'],
      ['../books.web', 'listBooks'],
      ['books', 'listBooks'],
    ] as const) {
      const error = await refusal(kit.as(owner()).call(mod, fn));
      assert.equal(error.status, 404, `${mod}/${fn}`);
    }
  });
});

describe('data as each caller', () => {
  it('wix-data as a visitor obeys the collection permissions; suppressAuth is the site acting as itself', async () => {
    await assert.rejects(kit.as(visitor()).data.insert('Books', { title: 'x' }), /permission|WDE0027/i);
    await assert.rejects(kit.as(visitor()).data.query('AuditLog').find(), /permission|WDE0027/i);
    const audit = await kit.as(visitor()).data.query('AuditLog').find({ suppressAuth: true });
    assert.equal(audit.items.length, 0);
  });

  it("run(): site code called directly runs as the caller, and auth.elevate() gives it the site's rights, as on Wix", async () => {
    const ben = kit.as(member('ben'));
    await assert.rejects(
      ben.run(() => items.query('AuditLog').find()),
      /permission|WDE0027/i,
    );
    // As site code writes it (JavaScript): the SDK's host-module types do not model elevate()'s unbound call.
    const query = items.query as unknown as (collection: string) => { find(): Promise<{ items: unknown[] }> };
    const insert = items.insert as unknown as (collection: string, item: object) => Promise<{ _owner?: string }>;
    const elevated = await ben.run(() => auth.elevate(query)('AuditLog').find());
    assert.deepEqual(elevated.items, []);
    // An item inserted elevated is still owned by the caller (the subject stays ben).
    const inserted = await ben.run(() => auth.elevate(insert)('AuditLog', { action: 'manual' }));
    assert.equal(inserted._owner, kit.platform.services.directory.findMemberByEmail('ben@example.com')!.id);
  });

  it('an API key reads and writes with the @wix/data SDK; a read-only key cannot write', async () => {
    const rw = kit.as(apiKey());
    const inserted = await rw.data.insert('Books', { title: 'From a server' });
    assert.equal(inserted.slug, 'from-a-server', 'the beforeInsert hook ran for the API key too');
    await assert.rejects(kit.as(apiKey(['WIX_DATA.READ_ITEMS'])).data.insert('Books', { title: 'x' }));
  });

  it('an app with the read scope only reads', async () => {
    const reader = kit.as(app('Reader app', ['wix-data.items.read']));
    assert.equal((await reader.data.query('Books').find()).items.length, 2);
    await assert.rejects(reader.data.insert('Books', { title: 'x' }));
  });
});

describe('HTTP functions as Wix routes them', () => {
  it('options_books answers the CORS preflight with its own status and headers, on _functions and _functions-dev', async () => {
    for (const prefix of ['/_functions', '/_functions-dev']) {
      const r = await kit.as(visitor()).http(`${prefix}/books`, {
        method: 'OPTIONS',
        headers: { origin: 'https://partner.example', 'access-control-request-method': 'POST' },
      });
      assert.equal(r.status, 204, prefix);
      assert.equal(r.headers.get('access-control-allow-origin'), 'https://partner.example');
      assert.equal(r.headers.get('access-control-allow-methods'), 'GET, POST');
      assert.equal(r.headers.get('access-control-allow-headers'), 'Content-Type, X-Partner-Token');
      assert.equal(await r.text(), '');
    }
  });

  it('a function without options_ is a 404 for OPTIONS (the host no longer answers the preflight for it)', async () => {
    const r = await kit.fetch('/_functions/broken', { method: 'OPTIONS' });
    assert.equal(r.status, 404);
  });

  it('ok() is 200 with the body as JSON; notFound() 404; serverError() 500; path segments reach request.path', async () => {
    const list = await kit.fetch('/_functions/books');
    assert.equal(list.status, 200);
    assert.equal(list.headers.get('access-control-allow-origin'), 'https://partner.example');
    assert.deepEqual(
      ((await list.json()) as { items: { slug: string }[] }).items.map((b) => b.slug),
      ['dune', 'kindred'],
    );
    const one = await kit.fetch('/_functions/book/kindred');
    assert.equal(((await one.json()) as { title: string }).title, 'Kindred');
    assert.equal((await kit.fetch('/_functions/book/none')).status, 404);
    const broken = await kit.fetch('/_functions/broken');
    assert.equal(broken.status, 500);
    assert.deepEqual(await broken.json(), { message: 'Something broke.' });
  });

  it('post_: forbidden() 403 without the partner token, badRequest() 400 on a bad body, created() 201', async () => {
    const post = (headers: Record<string, string>, body: string) => kit.fetch('/_functions/books', { method: 'POST', headers, body });
    assert.equal((await post({}, '{}')).status, 403);
    assert.equal((await post({ 'x-partner-token': 'partner-token-1' }, 'not json')).status, 400);
    assert.equal((await post({ 'x-partner-token': 'partner-token-1' }, '{"title":3}')).status, 400);
    const made = await post({ 'x-partner-token': 'partner-token-1', 'content-type': 'application/json' }, '{"title":"Parable of the Sower"}');
    assert.equal(made.status, 201);
    assert.equal(((await made.json()) as { slug: string }).slug, 'parable-of-the-sower');
    assert.equal((await kit.fetch('/_functions/books', { method: 'DELETE' })).status, 403);
  });

  it('the response helpers have their documented fixed statuses: a status in the options is ignored; response() takes it', () => {
    const fixed = [ok, created, badRequest, forbidden, notFound, serverError].map((helper) => helper({ status: 299, body: 'x' }).status);
    assert.deepEqual(fixed, [200, 201, 400, 403, 404, 500]);
    assert.equal(response({ status: 418 }).status, 418);
    assert.equal(response({}).status, 200);
    assert.deepEqual(ok({ headers: { 'Content-Type': 'text/csv' } }).headers, { 'Content-Type': 'text/csv' });
  });

  it('put_: a partner renames a book (request.path, request.body.json(), wix-data with suppressAuth)', async () => {
    const put = (id: string, headers: Record<string, string>) =>
      kit.fetch(`/_functions/book/${id}`, { method: 'PUT', headers, body: JSON.stringify({ title: 'Dune Messiah' }) });
    assert.equal((await put('b1', {})).status, 403);
    assert.equal((await put('nope', { 'x-partner-token': 'partner-token-1' })).status, 404);
    const renamed = await put('b1', { 'x-partner-token': 'partner-token-1' });
    assert.equal(renamed.status, 200);
    assert.deepEqual(await renamed.json(), { _id: 'b1', title: 'Dune Messiah', slug: 'dune-messiah' });
  });

  it("the site's own headers (any letter case) replace the host's defaults: one value each", async () => {
    const r = await kit.fetch('/_functions/books');
    assert.equal(r.headers.get('content-type'), 'application/json');
    assert.equal(r.headers.get('access-control-allow-origin'), 'https://partner.example', 'one value, not the host default joined to it');
  });

  it('a method the site does not export is a 404', async () => {
    assert.equal((await kit.fetch('/_functions/books', { method: 'PUT', body: '{}' })).status, 404);
    assert.equal((await kit.fetch('/_functions/__proto__')).status, 404);
  });
});
