/**
 * @wix/members on the platform, through the official package unmodified: from a page with a visitor's, a member's
 * or the owner's token (createClient), and from a site's backend folder (no createClient, the caller's identity,
 * auth.elevate() for the site's). The documented shapes per fieldset, who sees what, and hostile requests.
 */
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { createClient } from '@wix/sdk';
import { members } from '@wix/members';
import { startTestPlatform, type TestPlatform } from '../../platform/index.ts';
import { WixApiError } from '../../platform/errors.ts';
import { memberSlug, MembersService } from '../../platform/members/service.ts';
import { callWebMethod, startVeloPlatform, tokenFor } from './helpers.ts';

const FIXTURE = new URL('./fixtures/site/', import.meta.url);

let site: string;
let p: TestPlatform;
let visitor: string;
let ada: string;
let owner: string;
let adaId: string;
let riverId: string;

const NICKNAMES = ['Ada', 'River Stone', 'Site Owner', 'Zed', 'Bea'];

const client = (token: string) => createClient({ modules: { members }, auth: { getAuthHeaders: async () => ({ headers: { Authorization: token } }) } });
const rest = (path: string, token: string | undefined, body?: unknown, method = body === undefined ? 'GET' : 'POST') =>
  fetch(`https://www.wixapis.com/members/v1/members${path}`, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: token } : {}) },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
/**
 * The query builder sorts at runtime (sdk-runtime's ascending/descending, the docs' sortable fields), but the
 * typings of @wix/members 1.0.519 leave those two methods out of MembersQueryBuilder.
 */
type MembersQuery = ReturnType<ReturnType<typeof client>['members']['queryMembers']>;
interface Sortable {
  ascending(field: string): Sortable;
  descending(field: string): Sortable;
  limit(n: number): Sortable;
  skip(n: number): Sortable;
  ne(field: 'profile.nickname', value: string): Sortable;
  in(field: 'profile.slug', value: string[]): Sortable;
  find(): ReturnType<MembersQuery['find']>;
}
const sortable = (query: MembersQuery) => query as unknown as Sortable;
const errorCode = (error: unknown) => (error as { details?: { applicationError?: { code?: string } } }).details?.applicationError?.code;
const backend = async (token: string, method: string, ...args: unknown[]) => {
  const r = await callWebMethod(p, token, 'members.web', method, ...args);
  assert.equal(r.status, 200, r.text);
  return r.body.result;
};

before(async () => {
  site = mkdtempSync(join(tmpdir(), 'wix-site-members-'));
  cpSync(FIXTURE, site, { recursive: true });
  p = await startTestPlatform({
    seed: (api) => {
      api.ensureMember({ email: 'ada@example.com', password: 'ada-password-1', nickname: 'Ada' });
      api.ensureMember({ email: 'river@example.com', password: 'river-password-1', nickname: 'River Stone' });
      api.ensureMember({ email: 'zed@example.com', password: 'zed-password-1', nickname: 'Zed' });
      api.ensureMember({ email: 'bea@example.com', password: 'bea-password-1', nickname: 'Bea' });
    },
    velo: { backendDir: join(site, 'backend') },
  });
  visitor = await tokenFor(p, 'visitor');
  ada = await tokenFor(p, { email: 'ada@example.com' });
  owner = await tokenFor(p, { email: 'owner@example.com' });
  adaId = p.services.directory.findMemberByEmail('ada@example.com')!.id;
  riverId = p.services.directory.findMemberByEmail('river@example.com')!.id;
});
after(async () => {
  await p.stop();
  rmSync(site, { recursive: true, force: true });
});

describe('getCurrentMember() from a page, with the caller’s token', () => {
  it('a member gets their own member; PUBLIC by default (statuses UNKNOWN, no email), as the docs list it', async () => {
    const { member } = await client(ada).members.getCurrentMember();
    assert.equal(member?._id, adaId);
    assert.deepEqual(member?.profile, { nickname: 'Ada', slug: 'ada' });
    assert.equal(member?.status, 'UNKNOWN');
    assert.equal(member?.privacyStatus, 'UNKNOWN');
    assert.equal(member?.activityStatus, 'UNKNOWN');
    assert.equal(member?.loginEmail, undefined);
    assert.ok(member?._createdDate instanceof Date, 'the SDK turned createdDate into a Date');
  });

  it('fieldsets: EXTENDED adds the login email and statuses, FULL the contact too (the widest one asked wins)', async () => {
    const extended = (await client(ada).members.getCurrentMember({ fieldsets: ['EXTENDED'] })).member;
    assert.equal(extended?.loginEmail, 'ada@example.com');
    assert.equal(extended?.status, 'APPROVED');
    assert.equal(extended?.privacyStatus, 'PUBLIC');
    assert.equal(extended?.contact, undefined);
    const full = (await client(ada).members.getCurrentMember({ fieldsets: ['PUBLIC', 'FULL'] })).member;
    assert.deepEqual(full?.contact?.emails, ['ada@example.com']);
  });

  it('the site owner is a member of the directory too', async () => {
    const { member } = await client(owner).members.getCurrentMember({ fieldsets: ['FULL'] });
    assert.equal(member?.loginEmail, 'owner@example.com');
  });

  it('a visitor has no current member: the documented NOT_FOUND (404)', async () => {
    await assert.rejects(client(visitor).members.getCurrentMember(), (error) => errorCode(error) === 'NOT_FOUND');
    const response = await rest('/my', visitor);
    assert.equal(response.status, 404);
    const body = (await response.json()) as { details: { applicationError: { code: string } } };
    assert.equal(body.details.applicationError.code, 'NOT_FOUND');
  });

  it('no token is 401; an unknown fieldset is a validation error', async () => {
    assert.equal((await rest('/my', undefined)).status, 401);
    const bad = await rest('/my?fieldsets=EVERYTHING', ada);
    assert.equal(bad.status, 400);
    assert.ok(((await bad.json()) as { details: { validationError?: unknown } }).details.validationError);
    assert.equal((await rest('/my?fieldsets=FULL&fieldsets=FULL&fieldsets=FULL&fieldsets=FULL', ada)).status, 400);
  });
});

describe('queryMembers(): what a visitor, a member and the owner see', () => {
  it('a visitor and a member see every member’s public profile and nobody’s email', async () => {
    for (const token of [visitor, ada]) {
      const result = await client(token).members.queryMembers().find();
      assert.deepEqual(result.items.map((m) => m.profile?.nickname).sort(), [...NICKNAMES].sort());
      assert.equal(result.totalCount, NICKNAMES.length);
      for (const m of result.items) {
        assert.equal(m.loginEmail, undefined);
        assert.equal(m.contact, undefined);
      }
    }
  });

  it('EXTENDED or FULL is the site’s: a member or visitor is refused (403), the owner gets the emails', async () => {
    for (const token of [visitor, ada]) {
      await assert.rejects(
        client(token)
          .members.queryMembers({ fieldsets: ['FULL'] })
          .find(),
        (error) => errorCode(error) === 'PERMISSION_DENIED',
      );
      await assert.rejects(
        client(token)
          .members.queryMembers({ fieldsets: ['EXTENDED'] })
          .find(),
        (error) => errorCode(error) === 'PERMISSION_DENIED',
      );
    }
    const full = await sortable(client(owner).members.queryMembers({ fieldsets: ['FULL'] }))
      .ascending('profile.nickname')
      .find();
    assert.deepEqual(
      full.items.map((m) => m.loginEmail),
      ['ada@example.com', 'bea@example.com', 'river@example.com', 'owner@example.com', 'zed@example.com'],
    );
  });

  it('no email oracle: filtering, sorting or searching on contact data is the site’s only', async () => {
    const asAda = client(ada).members;
    await assert.rejects(asAda.queryMembers().startsWith('loginEmail', 'r').find(), (error) => errorCode(error) === 'PERMISSION_DENIED');
    await assert.rejects(sortable(asAda.queryMembers()).ascending('loginEmail').find(), (error) => errorCode(error) === 'PERMISSION_DENIED');
    await assert.rejects(
      asAda.queryMembers({ search: { expression: 'river', fields: ['loginEmail'] } }).find(),
      (error) => errorCode(error) === 'PERMISSION_DENIED',
    );
    const asOwner = await client(owner).members.queryMembers().startsWith('loginEmail', 'r').find();
    assert.deepEqual(
      asOwner.items.map((m) => m._id),
      [riverId],
    );
  });

  it('filters, sort and paging as the query builder sends them', async () => {
    const q = () => client(visitor).members.queryMembers();
    assert.deepEqual(
      (await q().eq('profile.nickname', 'Ada').find()).items.map((m) => m._id),
      [adaId],
    );
    assert.deepEqual(
      (await q().eq('_id', riverId).find()).items.map((m) => m.profile?.nickname),
      ['River Stone'],
    );
    assert.deepEqual(
      (await q().startsWith('profile.nickname', 'ri').find()).items.map((m) => m.profile?.nickname),
      ['River Stone'],
      'startsWith is case-insensitive, as documented',
    );
    assert.deepEqual(
      (await sortable(q()).in('profile.slug', ['zed', 'bea']).ascending('profile.nickname').find()).items.map((m) => m.profile?.slug),
      ['bea', 'zed'],
    );
    assert.deepEqual(
      (await sortable(q()).ne('profile.nickname', 'Ada').descending('profile.nickname').find()).items.map((m) => m.profile?.nickname),
      ['Zed', 'Site Owner', 'River Stone', 'Bea'],
    );
    const page1 = await sortable(q()).ascending('profile.nickname').limit(2).find();
    assert.deepEqual(
      page1.items.map((m) => m.profile?.nickname),
      ['Ada', 'Bea'],
    );
    assert.equal(page1.totalCount, 5);
    assert.equal(page1.hasNext(), true);
    const page2 = await page1.next();
    assert.deepEqual(
      page2.items.map((m) => m.profile?.nickname),
      ['River Stone', 'Site Owner'],
    );
    const last = await sortable(q()).ascending('profile.nickname').skip(4).limit(2).find();
    assert.deepEqual(
      last.items.map((m) => m.profile?.nickname),
      ['Zed'],
    );
    assert.equal(last.hasNext(), false);
    const search = await client(visitor)
      .members.queryMembers({ search: { expression: 'STON' } })
      .find();
    assert.deepEqual(
      search.items.map((m) => m.profile?.nickname),
      ['River Stone'],
      'search: a case-insensitive match on the nickname by default',
    );
  });

  it('huge paging: at most 100 a page (400 above), an offset past the end is an empty page', async () => {
    await assert.rejects(
      client(visitor).members.queryMembers().limit(101).find(),
      (error) => (error as { details?: { validationError?: unknown } }).details?.validationError !== undefined,
    );
    const far = await client(visitor).members.queryMembers().skip(1_000_000_000).find();
    assert.equal(far.items.length, 0);
    assert.equal(far.totalCount, 5);
    for (const paging of [{ limit: 1e300 }, { offset: -1 }, { offset: 1.5 }, { limit: '10' }]) {
      assert.equal((await rest('/query', visitor, { query: { paging } })).status, 400, JSON.stringify(paging));
    }
  });
});

describe('getMember(id)', () => {
  it('anyone reads a member’s public profile; more than PUBLIC is the member’s own or the site’s', async () => {
    const river = await client(visitor).members.getMember(riverId);
    assert.equal(river.profile?.nickname, 'River Stone');
    assert.equal(river.loginEmail, undefined);
    await assert.rejects(client(ada).members.getMember(riverId, { fieldsets: ['FULL'] }), (error) => errorCode(error) === 'PERMISSION_DENIED');
    assert.equal((await client(ada).members.getMember(adaId, { fieldsets: ['FULL'] })).loginEmail, 'ada@example.com');
    assert.equal((await client(owner).members.getMember(riverId, { fieldsets: ['EXTENDED'] })).loginEmail, 'river@example.com');
  });

  it('unknown and hostile IDs are NOT_FOUND; prototype names are ordinary IDs', async () => {
    for (const id of ['nope', '__proto__', 'constructor', 'toString', 'hasOwnProperty']) {
      await assert.rejects(client(visitor).members.getMember(id), (error) => errorCode(error) === 'NOT_FOUND', id);
    }
    assert.equal((await rest(`/${'x'.repeat(300)}`, visitor)).status, 400);
    assert.equal((await rest('/%E0%A4%A', visitor)).status, 400);
  });
});

describe('hostile Query Members bodies (raw REST)', () => {
  const status = async (body: unknown, token = visitor) => (await rest('/query', token, body)).status;

  it('prototype keys in a filter are unknown fields or operators (400), never a lookup', async () => {
    assert.equal(await status({ query: { filter: JSON.parse('{"__proto__": {"$eq": 1}}') } }), 400);
    assert.equal(await status({ query: { filter: { constructor: 'x' } } }), 400);
    assert.equal(await status({ query: { filter: { 'profile.nickname': JSON.parse('{"__proto__": "Ada"}') } } }), 400);
    assert.equal(await status({ query: { filter: { 'profile.nickname': { toString: 'Ada' } } } }), 400);
    assert.equal(await status({ query: { sort: [{ fieldName: '__proto__' }] } }), 400);
  });

  it('wrong types, huge lists and deep nesting are 400', async () => {
    assert.equal(await status('"a string"'), 400);
    assert.equal(await status([]), 400);
    assert.equal(await status({ query: { filter: 'Ada' } }), 400);
    assert.equal(await status({ query: { filter: { 'profile.nickname': { $in: 'Ada' } } } }), 400);
    assert.equal(await status({ query: { filter: { 'profile.nickname': { $in: Array.from({ length: 101 }, (_, i) => `n${i}`) } } } }), 400);
    assert.equal(await status({ query: { filter: { 'profile.nickname': { $exists: 'yes' } } } }), 400);
    assert.equal(await status({ query: { filter: { 'profile.nickname': { $startsWith: 5 } } } }), 400);
    assert.equal(await status({ query: { filter: { 'profile.nickname': { $regex: '.*' } } } }), 400);
    assert.equal(await status({ query: { filter: { 'profile.nickname': 'x'.repeat(1001) } } }), 400);
    let deep: unknown = { 'profile.nickname': 'Ada' };
    for (let i = 0; i < 20; i++) deep = { $and: [deep] };
    assert.equal(await status({ query: { filter: deep } }), 400);
    const wide = { $or: Array.from({ length: 100 }, () => ({ 'profile.nickname': { $eq: 'a', $ne: 'b', $exists: true } })) };
    assert.equal(await status({ query: { filter: wide } }), 400);
    assert.equal(await status({ fieldsets: ['PUBLIC', 'PUBLIC', 'PUBLIC', 'PUBLIC'] }), 400);
    assert.equal(await status({ fieldsets: ['__proto__'] }), 400);
    assert.equal(await status({ search: { expression: 'x'.repeat(101) } }), 400);
    assert.equal(await status({ query: { sort: Array.from({ length: 6 }, () => ({ fieldName: 'profile.nickname' })) } }), 400);
  });

  it('a body over 64 KB is refused before parsing (413)', async () => {
    assert.equal(await status({ query: { filter: { 'profile.nickname': { $in: ['x'.repeat(70_000)] } } } }), 413);
  });

  it('the API key has no Members permissions (403); the directory is unchanged by any of it', async () => {
    const response = await fetch('https://www.wixapis.com/members/v1/members/query', {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: p.apiKey, 'wix-site-id': p.siteId },
      body: '{}',
    });
    assert.equal(response.status, 403);
    assert.equal(p.services.directory.listMemberRecords(100).length, 5);
  });
});

describe('@wix/members from a site’s backend folder (no createClient)', () => {
  it('getCurrentMember() runs as the caller: the member’s own; a visitor’s is NOT_FOUND', async () => {
    assert.equal((await backend(ada, 'myMember')).member._id, adaId);
    assert.equal((await backend(ada, 'myMember', ['FULL'])).member.loginEmail, 'ada@example.com');
    assert.deepEqual(await backend(visitor, 'myMember').then((r: any) => [r.failed, r.code]), [true, 'NOT_FOUND']);
  });

  it('queryMembers() as the caller shows public profiles; FULL needs auth.elevate() (the backend as the site)', async () => {
    const listed = (await backend(visitor, 'memberDirectory')) as { nickname: string; loginEmail?: string }[];
    assert.deepEqual(
      listed.map((m) => m.nickname),
      ['Ada', 'Bea', 'River Stone', 'Site Owner', 'Zed'],
    );
    assert.ok(listed.every((m) => m.loginEmail === undefined));
    assert.equal((await backend(ada, 'memberEmails', false)).code, 'PERMISSION_DENIED');
    assert.deepEqual(await backend(visitor, 'memberEmails', true), [
      'ada@example.com',
      'bea@example.com',
      'river@example.com',
      'owner@example.com',
      'zed@example.com',
    ]);
  });
});

describe('the members service (properties)', () => {
  it('any JSON filter is answered with a subset or a Wix error: never a crash, never another kind of error', () => {
    const service = new MembersService(p.services.directory);
    const fields = fc.constantFrom('profile.nickname', 'profile.slug', '_id', 'loginEmail', '__proto__', 'constructor', '$and', '$or', '$not', 'status');
    const ops = fc.constantFrom('$eq', '$ne', '$in', '$nin', '$exists', '$startsWith', '$gt', '$lte', '$hasSome', '__proto__', 'valueOf');
    const filter = fc.letrec((tie) => ({
      node: fc.oneof(
        fc.dictionary(fields, fc.oneof(fc.jsonValue({ maxDepth: 2 }), fc.dictionary(ops, fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }), tie('list')), {
          maxKeys: 3,
        }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
      list: fc.array(tie('node'), { maxLength: 3 }),
    })).node;
    fc.assert(
      fc.property(filter, fc.constantFrom<'visitor' | 'owner'>('visitor', 'owner'), (f, who) => {
        const caller = who === 'owner' ? ({ kind: 'owner', id: 'o' } as const) : ({ kind: 'visitor', id: 'v' } as const);
        try {
          const result = service.queryMembers(caller, { filter: f });
          assert.ok(result.members.length <= 5);
          if (who === 'visitor') assert.ok(result.members.every((m) => m.loginEmail === undefined));
        } catch (error) {
          assert.ok(error instanceof WixApiError, String(error));
          assert.ok([400, 403].includes(error.status));
        }
      }),
      { numRuns: 300 },
    );
  });

  it('startsWith on the nickname matches exactly the members whose nickname starts so, ignoring case', () => {
    const service = new MembersService(p.services.directory);
    fc.assert(
      fc.property(fc.oneof(fc.constantFrom('a', 'R', 'riv', 'S', 'z', 'BE', ''), fc.string({ maxLength: 4 })), (prefix) => {
        const got = service
          .queryMembers({ kind: 'visitor', id: 'v' }, { filter: { 'profile.nickname': { $startsWith: prefix } } })
          .members.map((m) => m.profile.nickname)
          .sort();
        const want = NICKNAMES.filter((n) => n.toLowerCase().startsWith(prefix.toLowerCase())).sort();
        assert.deepEqual(got, want);
      }),
    );
  });

  it('slugs are lower-case words joined by "-"', () => {
    assert.equal(memberSlug('River Stone'), 'river-stone');
    assert.equal(memberSlug('  !!  '), 'member');
  });
});

describe('the demo seed’s members', () => {
  it('Dana Demo gets herself with getCurrentMember(); a visitor sees the demo members’ public profiles only', async () => {
    const demo = await startVeloPlatform();
    try {
      const dana = await tokenFor(demo, { email: 'member@example.com' });
      const { member } = await client(dana).members.getCurrentMember({ fieldsets: ['FULL'] });
      assert.equal(member?.profile?.nickname, 'Dana Demo');
      assert.equal(member?.loginEmail, 'member@example.com');
      const listed = await client(await tokenFor(demo, 'visitor'))
        .members.queryMembers()
        .find();
      const nicknames = listed.items.map((m) => m.profile?.nickname);
      assert.ok(nicknames.includes('Dana Demo') && nicknames.includes('River Stone'), JSON.stringify(nicknames));
      assert.ok(listed.items.every((m) => m.loginEmail === undefined));
    } finally {
      await demo.stop();
    }
  });
});
