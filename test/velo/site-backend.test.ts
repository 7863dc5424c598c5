/**
 * A Wix site's own backend folder, copied outside the project (os.tmpdir()), run by the platform as on Wix:
 * `wix-data` with and without suppressAuth / suppressHooks, `@wix/data` and `auth.elevate`, wix-members-backend,
 * and the data hooks of its data.js for every route that reads or writes (wix-data, REST, bulk).
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, beforeEach, describe, it } from 'node:test';
import fc from 'fast-check';
import { startTestPlatform, type Seed, type TestPlatform } from '../../platform/index.ts';
import { callWebMethod, tokenFor } from './helpers.ts';

const FIXTURE = new URL('./fixtures/site/', import.meta.url);

/** Copies the fixture site into a fresh temp folder: really outside this project, with no tsconfig or package.json. */
function copySite(): string {
  const dir = mkdtempSync(join(tmpdir(), 'wix-site-'));
  cpSync(FIXTURE, dir, { recursive: true });
  return dir;
}

let site: string;
let p: TestPlatform;
let visitor: string;
let member: string;
let owner: string;
let adaId: string;

const call = async (token: string, method: string, ...args: unknown[]) => {
  const r = await callWebMethod(p, token, 'notes.web', method, ...args);
  assert.equal(r.status, 200, r.text);
  return r.body.result;
};
const log = async (from: number) => (await call(visitor, 'hookLog', from)) as { hook: string; value: any; context: any }[];
const logLength = async () => (await log(0)).length;
const rest = (path: string, token: string, body: unknown) =>
  fetch(`https://www.wixapis.com/wix-data/v2${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: token },
    body: JSON.stringify(body),
  });

before(async () => {
  site = copySite();
  const seed = (await import(pathToFileURL(join(site, 'seed.js')).href)).default as Seed;
  p = await startTestPlatform({ seed, velo: { backendDir: join(site, 'backend'), hookTimeoutMs: 300 } });
  visitor = await tokenFor(p, 'visitor');
  member = await tokenFor(p, { email: 'ada@example.com' });
  owner = await tokenFor(p, { email: 'owner@example.com' });
  adaId = p.services.directory.findMemberByEmail('ada@example.com')!.id;
});
after(async () => {
  await p.stop();
  rmSync(site, { recursive: true, force: true });
});
beforeEach(async () => {
  p.services.items.truncate({ kind: 'owner', id: 'test' }, 'Notes');
  p.services.items.truncate({ kind: 'owner', id: 'test' }, 'Guestbook');
});

describe('a site backend folder outside the project', () => {
  it('resolves Velo module names, backend/ paths and relative imports without any tsconfig of the site', async () => {
    assert.ok(!site.startsWith(process.cwd()), 'the fixture runs from outside the project');
    assert.deepEqual(await call(visitor, 'labels', 'x'), ['note: x', 'note: x']);
  });

  it('serves its HTTP functions, which use wix-data as a visitor (and suppressAuth for the members-only Notes)', async () => {
    await call(member, 'addNote', { text: 'one' });
    const guestbook = await fetch('https://www.wixapis.com/_functions/guestbook');
    assert.deepEqual(await guestbook.json(), { count: 0 });
    const notes = await fetch('https://www.wixapis.com/_functions/notesCount');
    // afterCount adds 1000: the count went through the hooks as well.
    assert.deepEqual(await notes.json(), { count: 1001 });
  });
});

describe('wix-data: the permission outcome per caller', () => {
  it('a visitor may not read or write the members-only Notes; a member and the owner may', async () => {
    const denied = await call(visitor, 'listNotes');
    assert.equal(denied.failed, true);
    assert.equal(denied.code, 'WDE0027');
    assert.match(denied.message, /does not have permissions to read on the Notes collection/);
    assert.equal((await call(visitor, 'addNote', { text: 'v' })).code, 'WDE0027');

    const byMember = await call(member, 'addNote', { _id: 'm1', text: 'by member' });
    assert.equal(byMember._owner, adaId, 'inserted as the member who called the web method');
    assert.equal((await call(member, 'listNotes')).items.length, 1);
    assert.equal((await call(owner, 'listNotes')).items.length, 1);
  });

  it('SITE_MEMBER_AUTHOR: a member updates only their own notes; the owner updates any', async () => {
    await call(owner, 'addNote', { _id: 'o1', text: 'owner note' });
    await call(member, 'addNote', { _id: 'm1', text: 'mine' });
    assert.equal((await call(member, 'updateNote', { _id: 'o1', text: 'changed' })).failed, true);
    assert.equal((await call(member, 'updateNote', { _id: 'm1', text: 'changed' })).text, 'changed');
    assert.equal((await call(owner, 'updateNote', { _id: 'm1', text: 'by owner' })).text, 'by owner');
  });

  it('remove is for admins: refused for a member, allowed for the owner and under suppressAuth', async () => {
    await call(member, 'addNote', { _id: 'm1', text: 'a' });
    await call(member, 'addNote', { _id: 'm2', text: 'b' });
    assert.equal((await call(member, 'removeNote', 'm1')).code, 'WDE0027');
    assert.equal((await call(owner, 'removeNote', 'm1'))._id, 'm1');
    assert.equal((await call(member, 'removeNote', 'm2', { suppressAuth: true }))._id, 'm2');
  });
});

describe('wix-data options', () => {
  it('suppressAuth runs the call with admin rights; the item still belongs to the caller', async () => {
    const inserted = await call(visitor, 'addNote', { text: 'from a visitor' }, { suppressAuth: true });
    assert.equal(inserted.failed, undefined);
    assert.notEqual(inserted._owner, adaId);
    const listed = await call(visitor, 'listNotes', { suppressAuth: true });
    assert.equal(listed.items.length, 1);
    assert.equal(await call(visitor, 'countNotes', { suppressAuth: true }), 1001);
    assert.equal((await call(visitor, 'countNotes')).code, 'WDE0027');
  });

  it('only suppressAuth: true elevates (a hostile "true" string or 1 is refused or ignored, never elevates)', async () => {
    await call(owner, 'addNote', { text: 'private' });
    for (const value of ['true', 1, {}, null]) {
      const r = await call(visitor, 'listNotes', { suppressAuth: value });
      assert.equal(r.failed, true, JSON.stringify(value));
      assert.match(r.code, /^WDE00(20|27)$/);
    }
  });

  it('suppressHooks skips the hooks for that call only', async () => {
    const before = await logLength();
    const plain = await call(member, 'addNote', { text: 'quiet' }, { suppressHooks: true });
    assert.equal(plain.stamped, undefined);
    assert.equal(plain.seenAfterInsert, undefined);
    assert.equal(await logLength(), before, 'no hook ran');
    const hooked = await call(member, 'addNote', { text: 'loud' });
    assert.equal(hooked.stamped, true);
  });

  it('truncate is for admins: refused for a member, allowed under suppressAuth', async () => {
    await call(member, 'addNote', { text: 'a' });
    assert.equal((await call(member, 'truncateNotes')).failed, true);
    assert.equal(await call(member, 'truncateNotes', { suppressAuth: true }), null);
    assert.equal((await call(owner, 'listNotes')).items.length, 0);
  });
});

describe('wix-data query builder and results', () => {
  beforeEach(async () => {
    await call(owner, 'bulkAdd', [
      { _id: 'a', text: 'alpha', rank: 1, tags: ['x'] },
      { _id: 'b', text: 'beta', rank: 2, tags: ['y'] },
      { _id: 'c', text: 'gamma', rank: 3 },
      { _id: 'd', text: 'hidden one', rank: 4, hidden: true },
    ]);
  });

  it('filters, sorts and finds as the Velo builder does', async () => {
    const run = (kind: string) => call(visitor, 'filterNotes', kind);
    assert.deepEqual(await run('eq'), ['alpha']);
    assert.deepEqual(await run('startsWith'), ['alpha']);
    assert.deepEqual(await run('gt'), ['gamma', 'beta']);
    assert.deepEqual(await run('between'), ['beta', 'alpha']);
    assert.deepEqual(await run('hasSome'), ['alpha']);
    assert.deepEqual(await run('or'), ['gamma', 'alpha']);
    assert.deepEqual(await run('not'), ['gamma', 'beta']);
    assert.deepEqual(await run('isEmpty'), ['gamma']);
    assert.deepEqual(await run('all'), ['gamma', 'beta', 'alpha'], 'beforeQuery hides the hidden note');
  });

  it('pages with hasNext() / next() keeping suppressAuth, counts and lists distinct values', async () => {
    assert.deepEqual(await call(visitor, 'pageNotes', 2), { first: ['a', 'b'], second: ['c'], pages: null });
    assert.deepEqual(await call(visitor, 'distinctTexts'), ['alpha', 'beta', 'gamma', 'hidden one']);
  });

  it('get, save and the bulk operations', async () => {
    assert.equal((await call(member, 'getNote', 'a')).text, 'alpha');
    assert.equal((await call(member, 'saveNote', { _id: 'e', text: 'epsilon' })).stamped, true, 'save of a new item runs the insert hooks');
    assert.equal((await call(owner, 'saveNote', { _id: 'e', text: 'epsilon 2' })).updatedByHook, true, 'save of an existing item runs the update hooks');
    const saved = await call(owner, 'bulkSave', [
      { _id: 'a', text: 'alpha 2' },
      { _id: 'f', text: 'phi' },
    ]);
    assert.equal(saved.inserted, 1);
    assert.equal(saved.updated, 1);
    const updated = await call(owner, 'bulkUpdate', [{ _id: 'b', text: 'beta 2' }]);
    assert.equal(updated.updated, 1);
    const removed = await call(owner, 'bulkRemove', ['a', 'b']);
    assert.equal(removed.removed, 2);
  });
});

describe('wix-data patch (served by the platform since issue 11)', () => {
  it('patch runs as the caller: refused for a member (SITE_MEMBER_AUTHOR, not theirs), allowed for the owner and under suppressAuth', async () => {
    await call(owner, 'addNote', { _id: 'p1', text: 'x', rank: 1 });
    assert.equal((await call(member, 'bumpRank', 'p1')).code, 'WDE0027');
    assert.equal((await call(owner, 'bumpRank', 'p1')).rank, 2);
    assert.equal((await call(member, 'bumpRank', 'p1', { suppressAuth: true })).rank, 3);
  });

  it('patch triggers beforeUpdate (seeing the patched item) and afterUpdate, as documented; suppressHooks skips them', async () => {
    await call(owner, 'addNote', { _id: 'p2', text: 'x', rank: 1 }, { suppressHooks: true });
    const from = await logLength();
    const patched = await call(owner, 'bumpRank', 'p2');
    assert.equal(patched.rank, 2);
    assert.equal(patched.updatedByHook, true, 'what beforeUpdate returned was written');
    const [before, afterUpdate] = await log(from);
    assert.equal(before!.hook, 'beforeUpdate');
    assert.equal(before!.value.rank, 2, 'the hook sees the item as the patch leaves it');
    assert.equal(before!.context.currentItem.rank, 1);
    assert.equal(afterUpdate!.hook, 'afterUpdate');
    const quiet = await call(owner, 'bumpRank', 'p2', { suppressHooks: true });
    assert.equal(quiet.rank, 3);
    assert.equal(await logLength(), from + 2);
  });
});

describe('wix-data aggregate (served by the platform since issue 11)', () => {
  it('groups and sums under suppressAuth for a visitor', async () => {
    await call(owner, 'bulkAdd', [
      { text: 'x', rank: 1 },
      { text: 'x', rank: 2 },
      { text: 'y', rank: 5 },
    ]);
    const groups = (await call(visitor, 'aggregateRanks')) as { _id: string; total: number }[];
    assert.deepEqual(groups.map((g) => [g._id, g.total]).sort(), [
      ['x', 3],
      ['y', 5],
    ]);
  });
});

describe('data hooks from data.js', () => {
  it('beforeInsert changes the stored item and afterInsert the result, with the documented context', async () => {
    const from = await logLength();
    const result = await call(member, 'addNote', { _id: 'n1', text: 'hello' });
    assert.equal(result.stamped, true);
    assert.equal(result.textLength, 5);
    assert.equal(result.seenAfterInsert, true);
    const stored = p.services.items.get({ kind: 'owner', id: 't' }, 'Notes', 'n1').data;
    assert.equal(stored['stamped'], true, 'what beforeInsert returned is what was stored');
    assert.equal(stored['seenAfterInsert'], undefined, 'afterInsert changes only the result');
    const [before, afterInsert] = await log(from);
    assert.equal(before!.hook, 'beforeInsert');
    assert.deepEqual(before!.context, { collectionName: 'Notes', userId: adaId, userRole: 'siteMember' });
    assert.equal(afterInsert!.hook, 'afterInsert');
  });

  it('the context names the caller: visitor, member, site owner (also under suppressAuth)', async () => {
    const from = await logLength();
    await call(visitor, 'addNote', { text: 'v' }, { suppressAuth: true });
    await call(owner, 'addNote', { text: 'o' });
    const contexts = (await log(from)).filter((e) => e.hook === 'beforeInsert').map((e) => e.context.userRole);
    assert.deepEqual(contexts, ['visitor', 'siteOwner']);
  });

  it('beforeUpdate and afterUpdate see the stored item as currentItem', async () => {
    await call(owner, 'addNote', { _id: 'u1', text: 'old' });
    const from = await logLength();
    const result = await call(owner, 'updateNote', { _id: 'u1', text: 'new' });
    assert.equal(result.updatedByHook, true);
    const [beforeUpdate, afterUpdate] = await log(from);
    assert.equal(beforeUpdate!.hook, 'beforeUpdate');
    assert.equal(beforeUpdate!.context.currentItem.text, 'old');
    assert.equal(afterUpdate!.hook, 'afterUpdate');
    assert.equal(afterUpdate!.value.text, 'new');
  });

  it('beforeGet may redirect the ID and afterGet change the result; beforeRemove and afterRemove run', async () => {
    await call(owner, 'addNote', { _id: 'note-1', text: 'one' });
    const got = await call(member, 'getNote', 'alias');
    assert.equal(got._id, 'note-1');
    assert.equal(got.seenAfterGet, true);
    const from = await logLength();
    await call(owner, 'removeNote', 'note-1');
    assert.deepEqual(
      (await log(from)).map((e) => e.hook),
      ['beforeRemove', 'afterRemove'],
    );
  });

  it('beforeQuery refines the query, afterQuery sees each item, beforeCount / afterCount the count', async () => {
    await call(owner, 'bulkAdd', [{ text: 'shown' }, { text: 'secret', hidden: true }]);
    const listed = await call(member, 'listNotes');
    assert.deepEqual(
      listed.items.map((i: any) => [i.text, i.seenAfterQuery]),
      [['shown', true]],
    );
    assert.equal(await call(member, 'countNotes'), 1001);
  });

  it('a hook that throws fails the operation with WDE0078, the hook’s own message reaches wix-data, nothing is written, onFailure runs', async () => {
    const from = await logLength();
    const refused = await call(member, 'addNote', { text: 'forbidden' });
    assert.equal(refused.failed, true);
    assert.equal(refused.message, 'Notes may not say forbidden');
    assert.equal((await call(owner, 'listNotes')).items.length, 0);
    assert.ok((await log(from)).some((e) => e.hook === 'onFailure' && e.value.message === 'Notes may not say forbidden'));

    const response = await rest('/items', member, { dataCollectionId: 'Notes', dataItem: { data: { text: 'forbidden' } } });
    assert.equal(response.status, 400);
    const body = (await response.json()) as any;
    assert.equal(body.details.applicationError.code, 'WDE0078');
    assert.equal(body.details.applicationError.data.jsErrorValue.message, 'Notes may not say forbidden');
  });

  it('a hook that rejects with a plain value, or runs past its time limit, fails the operation too', async () => {
    const rejected = await rest('/items', member, { dataCollectionId: 'Notes', dataItem: { data: { text: 'reject-plain' } } });
    assert.equal(rejected.status, 400);
    assert.deepEqual(((await rejected.json()) as any).details.applicationError.data, { value: 'plain rejection' });
    const started = Date.now();
    const slow = await call(member, 'addNote', { text: 'slow' });
    assert.equal(slow.failed, true);
    assert.match(slow.message, /did not finish within 0.3 s/);
    assert.ok(Date.now() - started < 5_000);
    assert.equal((await call(owner, 'listNotes')).items.length, 0);
  });

  it('hooks run for REST and API-key calls and for bulk routes too', async () => {
    const response = await rest('/items', member, { dataCollectionId: 'Notes', dataItem: { data: { text: 'over REST' } } });
    assert.equal(response.status, 200);
    assert.equal(((await response.json()) as any).dataItem.data.stamped, true);

    const withKey = await fetch('https://www.wixapis.com/wix-data/v2/bulk/items/insert', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: p.apiKey, 'wix-site-id': p.siteId },
      body: JSON.stringify({ dataCollectionId: 'Notes', dataItems: [{ data: { text: 'k1' } }, { data: { text: 'k2' } }] }),
    });
    assert.equal(withKey.status, 200);
    const bulk = (await withKey.json()) as any;
    assert.deepEqual(
      bulk.results.map((r: any) => [r.dataItem.data.stamped, r.dataItem.data.seenAfterInsert]),
      [
        [true, true],
        [true, true],
      ],
    );
  });

  it('a hook may use wix-data itself (here elevated, hooks suppressed)', async () => {
    const signed = await call(visitor, 'sign', { _id: 'g1', message: 'hi' });
    assert.equal(signed._id, 'g1');
    assert.equal(p.services.items.get({ kind: 'owner', id: 't' }, 'Notes', 'from-guestbook-g1').data['text'], 'copied');
  });

  it('hostile: item keys such as __proto__ pass through a hook as plain data, and pollute nothing', async () => {
    await fc.assert(
      fc.asyncProperty(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString'), fc.string({ maxLength: 20 }), async (key, value) => {
        const response = await rest('/items', owner, {
          dataCollectionId: 'Notes',
          dataItem: { data: JSON.parse(`{"text":"k","${key}":${JSON.stringify(value)}}`) },
        });
        assert.equal(response.status, 200);
        assert.equal(({} as Record<string, unknown>)['stamped'], undefined);
      }),
      { numRuns: 12 },
    );
  });
});

describe('members, @wix/data and @wix/essentials in backend code', () => {
  it('currentMember: rejected for a visitor; a member has their own roles; the site owner also has Admin', async () => {
    const asVisitor = await call(visitor, 'whoAmI');
    assert.equal(asVisitor.member.failed, true);
    assert.equal(asVisitor.roles.failed, true);
    const asMember = await call(member, 'whoAmI');
    assert.equal(asMember.member.loginEmail, 'ada@example.com');
    assert.deepEqual(asMember.roles, [], 'a member with no custom roles has none');
    const asOwner = await call(owner, 'whoAmI');
    assert.deepEqual(asOwner.roles, ['Admin']);
  });

  it('@wix/data without createClient runs as the caller; auth.elevate(items.query) runs with admin rights', async () => {
    await call(owner, 'addNote', { text: 'one' });
    assert.equal((await call(visitor, 'sdkNotes')).failed, true);
    assert.equal(await call(member, 'sdkNotes'), 1);
    assert.equal(await call(visitor, 'sdkNotesElevated'), 1);
  });

  it('@wix/data honours its suppressHooks option from backend code', async () => {
    const quiet = await call(member, 'sdkInsertQuietly', { text: 'quiet' });
    assert.equal(quiet.text, 'quiet');
    assert.equal(quiet.stamped, undefined, 'beforeInsert did not run');
  });

  it('auth.getTokenInfo() tells who called', async () => {
    assert.deepEqual(await call(visitor, 'tokenInfo'), { subjectType: 'VISITOR', active: true });
    assert.deepEqual(await call(member, 'tokenInfo'), { subjectType: 'MEMBER', active: true });
  });
});
