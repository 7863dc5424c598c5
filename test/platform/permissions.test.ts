/**
 * The permission matrix: every caller kind × every permission level × every operation, each cell
 * asserted through the official SDK (reference §4; the rule lives in platform/data/permissions.ts).
 *
 * One collection per level (all four operations set to that level), a few items seeded once as admin,
 * member logins made once. Every denied cell also proves that nothing was written: the whole
 * collection is snapshotted as admin before and after the call.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { apiKeyClient, errorCode, memberClient, rawCall, startTestPlatform, visitorClient, type TestPlatform } from './helpers.ts';

type Level = 'ANYONE' | 'SITE_MEMBER' | 'SITE_MEMBER_AUTHOR' | 'ADMIN';
type CallerName = 'visitor' | 'member' | 'otherMember' | 'owner' | 'apiKey' | 'apiKeyReadOnly' | 'apiKeyNoData';
type Op = 'read' | 'insert' | 'update' | 'remove';
/**
 * allow: the whole collection. deny: 403 WDE0027 and nothing changes.
 * own:   read → query/count see only the caller's items, get of someone else's item is null;
 *        insert → allowed, and the new item is the caller's;
 *        update/remove → the caller's own items only; anyone else's is 403 WDE0027 and left unchanged.
 */
type Verdict = 'allow' | 'deny' | 'own';

// The matrix, as a human reads it. Columns: read (query + get + count), insert, update, remove.
const MATRIX: Record<Level, Record<CallerName, Record<Op, Verdict>>> = {
  ANYONE: {
    visitor: { read: 'allow', insert: 'allow', update: 'allow', remove: 'allow' },
    member: { read: 'allow', insert: 'allow', update: 'allow', remove: 'allow' },
    otherMember: { read: 'allow', insert: 'allow', update: 'allow', remove: 'allow' },
    owner: { read: 'allow', insert: 'allow', update: 'allow', remove: 'allow' },
    apiKey: { read: 'allow', insert: 'allow', update: 'allow', remove: 'allow' },
    apiKeyReadOnly: { read: 'allow', insert: 'deny', update: 'deny', remove: 'deny' },
    apiKeyNoData: { read: 'deny', insert: 'deny', update: 'deny', remove: 'deny' },
  },
  SITE_MEMBER: {
    visitor: { read: 'deny', insert: 'deny', update: 'deny', remove: 'deny' },
    member: { read: 'allow', insert: 'allow', update: 'allow', remove: 'allow' },
    otherMember: { read: 'allow', insert: 'allow', update: 'allow', remove: 'allow' },
    owner: { read: 'allow', insert: 'allow', update: 'allow', remove: 'allow' },
    apiKey: { read: 'allow', insert: 'allow', update: 'allow', remove: 'allow' },
    apiKeyReadOnly: { read: 'allow', insert: 'deny', update: 'deny', remove: 'deny' },
    apiKeyNoData: { read: 'deny', insert: 'deny', update: 'deny', remove: 'deny' },
  },
  SITE_MEMBER_AUTHOR: {
    visitor: { read: 'deny', insert: 'deny', update: 'deny', remove: 'deny' },
    member: { read: 'own', insert: 'own', update: 'own', remove: 'own' },
    otherMember: { read: 'own', insert: 'own', update: 'own', remove: 'own' },
    owner: { read: 'allow', insert: 'allow', update: 'allow', remove: 'allow' },
    apiKey: { read: 'allow', insert: 'allow', update: 'allow', remove: 'allow' },
    apiKeyReadOnly: { read: 'allow', insert: 'deny', update: 'deny', remove: 'deny' },
    apiKeyNoData: { read: 'deny', insert: 'deny', update: 'deny', remove: 'deny' },
  },
  ADMIN: {
    visitor: { read: 'deny', insert: 'deny', update: 'deny', remove: 'deny' },
    member: { read: 'deny', insert: 'deny', update: 'deny', remove: 'deny' },
    otherMember: { read: 'deny', insert: 'deny', update: 'deny', remove: 'deny' },
    owner: { read: 'allow', insert: 'allow', update: 'allow', remove: 'allow' },
    apiKey: { read: 'allow', insert: 'allow', update: 'allow', remove: 'allow' },
    apiKeyReadOnly: { read: 'allow', insert: 'deny', update: 'deny', remove: 'deny' },
    apiKeyNoData: { read: 'deny', insert: 'deny', update: 'deny', remove: 'deny' },
  },
};

const LEVELS = Object.keys(MATRIX) as Level[];
const CALLERS: CallerName[] = ['visitor', 'member', 'otherMember', 'owner', 'apiKey', 'apiKeyReadOnly', 'apiKeyNoData'];
const OPS: Op[] = ['read', 'insert', 'update', 'remove'];

const MEMBER = { email: 'perm-member@example.com', password: 'perm-member-pass' };
const OTHER_MEMBER = { email: 'perm-other@example.com', password: 'perm-other-pass' };

type DataClient = Pick<ReturnType<typeof apiKeyClient>, 'items' | 'collections'>;
interface Actor {
  name: CallerName;
  /** What `_owner` becomes when this caller inserts. */
  id: string;
  client: DataClient;
  /** Authorization (and site) headers for hand-built calls. */
  headers: Record<string, string>;
}
interface Item {
  _id: string;
  _owner?: string;
  title?: unknown;
  _updatedDate?: unknown;
}

let p: TestPlatform;
let admin: DataClient;
const actors = {} as Record<CallerName, Actor>;

const collectionId = (level: Level) => `Perm_${level}`;
/** Items seeded once per collection, one per owner, so every caller has "someone else's" item to read. */
const fixtureId = (level: Level, owner: 'member' | 'otherMember' | 'owner') => `${level}-fixture-${owner}`;
let serial = 0;
const freshId = (level: Level, caller: CallerName, op: Op, tag: string) => `${level}-${caller}-${op}-${tag}-${++serial}`;

/** An owner for targets that are "someone else's" from this caller's point of view. */
const foreignOwner = (caller: CallerName): CallerName => (caller === 'member' ? 'otherMember' : 'member');
const foreignFixture = (level: Level, caller: CallerName) => fixtureId(level, caller === 'member' ? 'otherMember' : 'member');
const ownFixture = (level: Level, caller: CallerName) => fixtureId(level, caller === 'member' ? 'member' : 'otherMember');

const sortedIds = (items: readonly { _id: string }[]) => items.map((i) => i._id).sort();

/** Everything in the collection as the admin sees it: enough to prove nothing was inserted, changed or removed. */
async function snapshot(c: string): Promise<string[]> {
  const { items } = await admin.items.query(c).limit(1000).find();
  return (items as Item[])
    .map((i) => JSON.stringify([i._id, i._owner, i.title, i._updatedDate instanceof Date ? i._updatedDate.toISOString() : i._updatedDate]))
    .sort();
}

async function seed(level: Level, id: string, owner: CallerName, title: string): Promise<void> {
  const created = (await admin.items.insert(collectionId(level), { _id: id, _owner: actors[owner].id, title })) as Item;
  assert.equal(created._owner, actors[owner].id, `seeding ${id}: the admin key may set _owner`);
}

async function adminGet(level: Level, id: string): Promise<Item | null> {
  return (await admin.items.get(collectionId(level), id)) as Item | null;
}

/** Asserts a 403 WDE0027 as the SDK surfaces it. */
async function assertDenied(what: string, call: () => Promise<unknown>): Promise<void> {
  await assert.rejects(
    call,
    (e: unknown) => {
      assert.equal(errorCode(e), 'WDE0027', `${what}: expected a WDE0027 denial, got ${String(errorCode(e))}: ${(e as Error).message}`);
      return true;
    },
    `${what}: expected a WDE0027 denial, but the call succeeded`,
  );
}

/** Asserts the call is denied and the collection is exactly as it was. */
async function assertDeniedNothingWritten(level: Level, what: string, call: () => Promise<unknown>): Promise<void> {
  const before = await snapshot(collectionId(level));
  await assertDenied(what, call);
  assert.deepEqual(await snapshot(collectionId(level)), before, `${what}: a denied call must leave the collection unchanged`);
}

before(async () => {
  p = await startTestPlatform({ seed: 'none' });
  admin = apiKeyClient(p);
  const member = p.createMember(MEMBER);
  const otherMember = p.createMember(OTHER_MEMBER);
  const readOnlyKey = p.createApiKey({ name: 'read only', permissions: ['WIX_DATA.READ_ITEMS'] });
  const noDataKey = p.createApiKey({ name: 'collections only', permissions: ['WIX_DATA.MANAGE_COLLECTIONS'] });
  const keyId = (key: string) => {
    const record = p.services.directory.findApiKey(key);
    assert.ok(record, 'the API key is registered');
    return record.id;
  };
  const keyActor = (name: CallerName, key: string): Actor => ({
    name,
    id: keyId(key),
    client: apiKeyClient(p, key),
    headers: { authorization: key, 'wix-site-id': p.siteId },
  });

  const visitor = visitorClient(p);
  const visitorTokens = await visitor.auth.generateVisitorTokens();
  visitor.auth.setTokens(visitorTokens);
  const info = await rawCall(p, '/oauth2/token-info', { body: JSON.stringify({ token: visitorTokens.accessToken.value }) });
  assert.equal(info.json?.['subjectType'], 'VISITOR');

  const [memberLogin, otherLogin, ownerLogin] = await Promise.all([
    memberClient(p, MEMBER.email, MEMBER.password),
    memberClient(p, OTHER_MEMBER.email, OTHER_MEMBER.password),
    memberClient(p, 'owner@example.com', 'demo-owner-pass'),
  ]);
  const session = (name: CallerName, id: string, login: Awaited<ReturnType<typeof memberClient>>): Actor => ({
    name,
    id,
    client: login.client,
    headers: { authorization: login.tokens.accessToken.value },
  });

  actors.visitor = { name: 'visitor', id: String(info.json?.['subjectId']), client: visitor, headers: { authorization: visitorTokens.accessToken.value } };
  actors.member = session('member', member.id, memberLogin);
  actors.otherMember = session('otherMember', otherMember.id, otherLogin);
  actors.owner = session('owner', p.owner.id, ownerLogin);
  actors.apiKey = keyActor('apiKey', p.apiKey);
  actors.apiKeyReadOnly = keyActor('apiKeyReadOnly', readOnlyKey);
  actors.apiKeyNoData = keyActor('apiKeyNoData', noDataKey);

  for (const level of LEVELS) {
    await admin.collections.createDataCollection({
      _id: collectionId(level),
      displayName: `Permissions ${level}`,
      fields: [{ key: 'title', type: 'TEXT' }],
      permissions: { read: level, insert: level, update: level, remove: level },
    });
    for (const owner of ['member', 'otherMember', 'owner'] as const) await seed(level, fixtureId(level, owner), owner, `fixture of ${owner}`);
  }
});

after(async () => {
  await p.stop();
});

describe('the matrix is complete', () => {
  it('has a verdict for every level × caller × operation', () => {
    for (const level of LEVELS) {
      for (const caller of CALLERS) {
        for (const op of OPS) assert.ok(MATRIX[level][caller][op], `missing verdict for ${level} × ${caller} × ${op}`);
      }
    }
    assert.deepEqual(LEVELS, ['ANYONE', 'SITE_MEMBER', 'SITE_MEMBER_AUTHOR', 'ADMIN']);
  });

  it('the actors are who they claim to be (distinct ids, owner token is the site owner)', async () => {
    const ids = CALLERS.map((c) => actors[c].id);
    assert.equal(new Set(ids).size, ids.length, `every caller has its own id: ${ids.join(', ')}`);
    const info = await rawCall(p, '/oauth2/token-info', { body: JSON.stringify({ token: actors.owner.headers['authorization'] }) });
    assert.equal(info.json?.['subjectType'], 'USER', 'the owner login yields an owner (USER) token');
    assert.equal(info.json?.['subjectId'], p.owner.id);
  });
});

// ------------------------------------------------------------------------------------------------
// One test per cell.

async function checkRead(level: Level, actor: Actor, verdict: Verdict): Promise<void> {
  const c = collectionId(level);
  const what = `${actor.name} reading ${c}`;
  if (verdict === 'deny') {
    await assertDeniedNothingWritten(level, `${what} (query)`, () => actor.client.items.query(c).find());
    await assertDeniedNothingWritten(level, `${what} (get)`, () => actor.client.items.get(c, foreignFixture(level, actor.name)));
    await assertDeniedNothingWritten(level, `${what} (count)`, () => actor.client.items.query(c).count());
    return;
  }
  const all = (await admin.items.query(c).limit(1000).find()).items;
  const mine = all.filter((i) => (i as Item)._owner === actor.id);
  const seen = (await actor.client.items.query(c).limit(1000).find()).items;
  const count = await actor.client.items.query(c).count();
  const foreign = (await actor.client.items.get(c, foreignFixture(level, actor.name))) as Item | null;

  if (verdict === 'allow') {
    assert.deepEqual(sortedIds(seen), sortedIds(all), `${what}: query returns every item`);
    assert.equal(count, all.length, `${what}: count counts every item`);
    assert.equal(foreign?._id, foreignFixture(level, actor.name), `${what}: get returns someone else's item`);
    return;
  }
  // own
  assert.ok(mine.length >= 1, `${what}: the fixture owned by ${actor.name} exists`);
  assert.ok(all.length > mine.length, `${what}: there are items of other owners to hide`);
  assert.deepEqual(sortedIds(seen), sortedIds(mine), `${what}: query returns exactly the caller's own items`);
  for (const item of seen) assert.equal((item as Item)._owner, actor.id, `${what}: query leaked ${item._id}, owned by ${(item as Item)._owner}`);
  assert.equal(count, mine.length, `${what}: count counts only the caller's own items`);
  assert.equal(foreign, null, `${what}: get of another member's item answers null (not found), not the item`);
  const own = (await actor.client.items.get(c, ownFixture(level, actor.name))) as Item | null;
  assert.equal(own?._id, ownFixture(level, actor.name), `${what}: get of the caller's own item returns it`);
  const filtered = await actor.client.items.query(c).eq('_owner', actors[foreignOwner(actor.name)].id).find();
  assert.deepEqual(filtered.items, [], `${what}: filtering on another owner's _owner finds nothing`);
}

async function checkInsert(level: Level, actor: Actor, verdict: Verdict): Promise<void> {
  const c = collectionId(level);
  const id = freshId(level, actor.name, 'insert', 'new');
  const what = `${actor.name} inserting into ${c}`;
  if (verdict === 'deny') {
    await assertDeniedNothingWritten(level, what, () => actor.client.items.insert(c, { _id: id, title: 'should not exist' }));
    assert.equal(await adminGet(level, id), null, `${what}: the denied item is not there`);
    return;
  }
  const countBefore = await admin.items.query(c).count();
  const inserted = (await actor.client.items.insert(c, { _id: id, title: 'inserted' })) as Item;
  assert.equal(inserted._id, id, `${what}: insert returns the item`);
  assert.equal(await admin.items.query(c).count(), countBefore + 1, `${what}: exactly one item was added`);
  const stored = await adminGet(level, id);
  assert.equal(stored?.title, 'inserted', `${what}: the admin sees the new item`);
  assert.equal(stored?._owner, actor.id, `${what}: _owner is the inserting caller (${actor.name})`);
  if (verdict === 'own') {
    const back = (await actor.client.items.get(c, id)) as Item | null;
    assert.equal(back?._id, id, `${what}: the new item is the caller's, so the caller can read it back`);
  }
}

async function checkUpdate(level: Level, actor: Actor, verdict: Verdict): Promise<void> {
  const c = collectionId(level);
  const what = `${actor.name} updating in ${c}`;
  const foreignId = freshId(level, actor.name, 'update', 'foreign');
  await seed(level, foreignId, foreignOwner(actor.name), 'original');

  if (verdict === 'allow') {
    const updated = (await actor.client.items.update(c, { _id: foreignId, title: 'changed' })) as Item;
    assert.equal(updated.title, 'changed', `${what}: update returns the new item`);
    const stored = await adminGet(level, foreignId);
    assert.equal(stored?.title, 'changed', `${what}: the admin sees the change`);
    assert.equal(stored?._owner, actors[foreignOwner(actor.name)].id, `${what}: update keeps _owner`);
    return;
  }
  const foreignBefore = await adminGet(level, foreignId);
  await assertDeniedNothingWritten(level, `${what} (someone else's item)`, () => actor.client.items.update(c, { _id: foreignId, title: 'changed' }));
  assert.deepEqual(await adminGet(level, foreignId), foreignBefore, `${what}: the other owner's item is unchanged`);

  if (verdict === 'own') {
    const ownId = freshId(level, actor.name, 'update', 'own');
    await seed(level, ownId, actor.name, 'original');
    const updated = (await actor.client.items.update(c, { _id: ownId, title: 'changed' })) as Item;
    assert.equal(updated.title, 'changed', `${what}: updating one's own item works`);
    const stored = await adminGet(level, ownId);
    assert.equal(stored?.title, 'changed', `${what}: the admin sees the change to the caller's own item`);
    assert.equal(stored?._owner, actor.id, `${what}: the caller still owns it`);
  }
}

async function checkRemove(level: Level, actor: Actor, verdict: Verdict): Promise<void> {
  const c = collectionId(level);
  const what = `${actor.name} removing from ${c}`;
  const foreignId = freshId(level, actor.name, 'remove', 'foreign');
  await seed(level, foreignId, foreignOwner(actor.name), 'doomed?');

  if (verdict === 'allow') {
    const countBefore = await admin.items.query(c).count();
    const removed = (await actor.client.items.remove(c, foreignId)) as Item | null;
    assert.equal(removed?._id, foreignId, `${what}: remove returns the removed item`);
    assert.equal(await adminGet(level, foreignId), null, `${what}: the item is gone`);
    assert.equal(await admin.items.query(c).count(), countBefore - 1, `${what}: exactly one item was removed`);
    return;
  }
  const foreignBefore = await adminGet(level, foreignId);
  await assertDeniedNothingWritten(level, `${what} (someone else's item)`, () => actor.client.items.remove(c, foreignId));
  assert.deepEqual(await adminGet(level, foreignId), foreignBefore, `${what}: the other owner's item is still there, unchanged`);

  if (verdict === 'own') {
    const ownId = freshId(level, actor.name, 'remove', 'own');
    await seed(level, ownId, actor.name, 'mine');
    const countBefore = await admin.items.query(c).count();
    const removed = (await actor.client.items.remove(c, ownId)) as Item | null;
    assert.equal(removed?._id, ownId, `${what}: removing one's own item works`);
    assert.equal(await adminGet(level, ownId), null, `${what}: the caller's own item is gone`);
    assert.equal(await admin.items.query(c).count(), countBefore - 1, `${what}: exactly one item was removed`);
  }
}

const CHECKS: Record<Op, (level: Level, actor: Actor, verdict: Verdict) => Promise<void>> = {
  read: checkRead,
  insert: checkInsert,
  update: checkUpdate,
  remove: checkRemove,
};

for (const level of LEVELS) {
  describe(`${level} collection`, () => {
    for (const caller of CALLERS) {
      for (const op of OPS) {
        const verdict = MATRIX[level][caller][op];
        it(`${caller} ${op}: ${verdict}`, () => CHECKS[op](level, actors[caller], verdict));
      }
    }
  });
}

// ------------------------------------------------------------------------------------------------

describe('_owner', () => {
  it('an insert by a member sets _owner to the member, and a member cannot forge it', async () => {
    const c = collectionId('ANYONE');
    const inserted = (await actors.member.client.items.insert(c, { _id: 'owner-forge-member', _owner: actors.otherMember.id, title: 'x' })) as Item;
    assert.equal(inserted._owner, actors.member.id, 'the returned item is owned by the member');
    assert.equal((await adminGet('ANYONE', 'owner-forge-member'))?._owner, actors.member.id, 'the stored item is owned by the member, not the forged id');
  });

  it('a visitor cannot forge _owner either', async () => {
    const c = collectionId('ANYONE');
    await actors.visitor.client.items.insert(c, { _id: 'owner-forge-visitor', _owner: actors.member.id, title: 'x' });
    assert.equal((await adminGet('ANYONE', 'owner-forge-visitor'))?._owner, actors.visitor.id);
  });

  it("a member cannot take over someone else's item by updating _owner (SITE_MEMBER)", async () => {
    const c = collectionId('SITE_MEMBER');
    await seed('SITE_MEMBER', 'owner-takeover', 'otherMember', 'theirs');
    await actors.member.client.items.update(c, { _id: 'owner-takeover', _owner: actors.member.id, title: 'edited' });
    const stored = await adminGet('SITE_MEMBER', 'owner-takeover');
    assert.equal(stored?.title, 'edited', 'the update itself is allowed');
    assert.equal(stored?._owner, actors.otherMember.id, 'but _owner did not change');
  });

  it('a member cannot give their own item away by updating _owner (SITE_MEMBER_AUTHOR)', async () => {
    const c = collectionId('SITE_MEMBER_AUTHOR');
    await seed('SITE_MEMBER_AUTHOR', 'owner-giveaway', 'member', 'mine');
    await actors.member.client.items.update(c, { _id: 'owner-giveaway', _owner: actors.otherMember.id, title: 'edited' });
    assert.equal((await adminGet('SITE_MEMBER_AUTHOR', 'owner-giveaway'))?._owner, actors.member.id);
  });

  it('a member cannot plant an item owned by someone else through save (SITE_MEMBER_AUTHOR)', async () => {
    const c = collectionId('SITE_MEMBER_AUTHOR');
    await actors.member.client.items.save(c, { _id: 'owner-save-plant', _owner: actors.otherMember.id, title: 'planted' });
    assert.equal((await adminGet('SITE_MEMBER_AUTHOR', 'owner-save-plant'))?._owner, actors.member.id);
  });

  it('an API key can set _owner on insert and update, and the named member then owns the item', async () => {
    const c = collectionId('SITE_MEMBER_AUTHOR');
    const inserted = (await actors.apiKey.client.items.insert(c, { _id: 'owner-by-key', _owner: actors.member.id, title: 'for member' })) as Item;
    assert.equal(inserted._owner, actors.member.id);
    const asMember = (await actors.member.client.items.get(c, 'owner-by-key')) as Item | null;
    assert.equal(asMember?._id, 'owner-by-key', 'the member can read the item the key gave them');
    assert.equal(await actors.otherMember.client.items.get(c, 'owner-by-key'), null, 'the other member cannot');
    await actors.apiKey.client.items.update(c, { _id: 'owner-by-key', _owner: actors.otherMember.id, title: 'moved' });
    assert.equal((await adminGet('SITE_MEMBER_AUTHOR', 'owner-by-key'))?._owner, actors.otherMember.id, 'the key can move ownership');
  });

  it('the site owner (admin token) can set _owner too', async () => {
    const c = collectionId('ADMIN');
    await actors.owner.client.items.insert(c, { _id: 'owner-by-owner', _owner: actors.member.id, title: 'x' });
    assert.equal((await adminGet('ADMIN', 'owner-by-owner'))?._owner, actors.member.id);
  });
});

describe('SITE_MEMBER_AUTHOR through the other doors (bulk, save, distinct, truncate)', () => {
  const level: Level = 'SITE_MEMBER_AUTHOR';
  const c = collectionId(level);

  it("bulkUpdate: own item updated, the other member's reported as WDE0027 and unchanged", async () => {
    await seed(level, 'bulk-upd-own', 'member', 'original');
    await seed(level, 'bulk-upd-theirs', 'otherMember', 'original');
    const result = await actors.member.client.items.bulkUpdate(c, [
      { _id: 'bulk-upd-own', title: 'changed' },
      { _id: 'bulk-upd-theirs', title: 'changed' },
    ]);
    assert.equal(result.updated, 1, `one update succeeds: ${JSON.stringify(result)}`);
    assert.deepEqual(
      result.errors.map((e) => [e.originalIndex, e.code]),
      [[1, 'WDE0027']],
      "the other member's item is reported as denied",
    );
    assert.equal((await adminGet(level, 'bulk-upd-own'))?.title, 'changed');
    assert.equal((await adminGet(level, 'bulk-upd-theirs'))?.title, 'original', "the other member's item is unchanged");
  });

  it("bulkRemove: own item removed, the other member's reported as WDE0027 and still there", async () => {
    await seed(level, 'bulk-rm-own', 'member', 'mine');
    await seed(level, 'bulk-rm-theirs', 'otherMember', 'theirs');
    const result = await actors.member.client.items.bulkRemove(c, ['bulk-rm-own', 'bulk-rm-theirs']);
    assert.equal(result.removed, 1, `one removal succeeds: ${JSON.stringify(result)}`);
    assert.deepEqual(
      result.errors.map((e) => [e.originalIndex, e.code]),
      [[1, 'WDE0027']],
    );
    assert.equal(await adminGet(level, 'bulk-rm-own'), null);
    assert.equal((await adminGet(level, 'bulk-rm-theirs'))?.title, 'theirs', "the other member's item survives");
  });

  it("save over the other member's item is denied and leaves it unchanged", async () => {
    await seed(level, 'save-theirs', 'otherMember', 'original');
    await assertDeniedNothingWritten(level, "member save over another member's item", () =>
      actors.member.client.items.save(c, { _id: 'save-theirs', title: 'hijacked' }),
    );
  });

  it("distinct sees only the caller's own values", async () => {
    await seed(level, 'distinct-own', 'member', 'distinct-mine');
    await seed(level, 'distinct-theirs', 'otherMember', 'distinct-theirs');
    const { items } = await actors.member.client.items.query(c).distinct('title');
    assert.ok(items.includes('distinct-mine'), `own value present: ${JSON.stringify(items)}`);
    assert.ok(!items.includes('distinct-theirs'), `other member's value hidden: ${JSON.stringify(items)}`);
  });

  it('truncate is denied to members even where they may remove (ANYONE), and nothing is removed', async () => {
    await assertDeniedNothingWritten('ANYONE', 'member truncate', () => actors.member.client.items.truncate(collectionId('ANYONE')));
  });
});

describe('the permission check comes before input validation', () => {
  it('insert: a visitor denied on ADMIN gets 403 WDE0027 even for an invalid item', async () => {
    await assertDeniedNothingWritten('ADMIN', 'visitor insert of an invalid item into Perm_ADMIN', () =>
      actors.visitor.client.items.insert(collectionId('ADMIN'), { title: 5 }),
    );
  });

  it('bulkInsert: a visitor denied on ADMIN gets 403 WDE0027 even when an item is invalid (no schema leak)', async () => {
    await assertDeniedNothingWritten('ADMIN', 'visitor bulkInsert of an invalid item into Perm_ADMIN', () =>
      actors.visitor.client.items.bulkInsert(collectionId('ADMIN'), [{ title: 5 }]),
    );
  });
});

// ------------------------------------------------------------------------------------------------

describe('collections API (Data Collections v2)', () => {
  const path = '/wix-data/v2/collections';
  const body = (id: string) =>
    JSON.stringify({
      collection: {
        id,
        displayName: id,
        fields: [{ key: 'title', type: 'TEXT' }],
        permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
      },
    });
  const listIds = async () => ((await admin.collections.listDataCollections()).collections ?? []).map((col) => col._id).sort();

  function assertForbidden(r: Awaited<ReturnType<typeof rawCall>>, what: string): void {
    assert.equal(r.status, 403, `${what}: expected 403, got ${r.status} ${r.text}`);
    assert.equal(r.json?.['details']?.['applicationError']?.['code'], 'PERMISSION_DENIED', `${what}: Wix error shape with PERMISSION_DENIED`);
    assert.equal(typeof r.json?.['message'], 'string', `${what}: has a message`);
  }

  for (const name of ['visitor', 'member', 'apiKeyEmpty'] as const) {
    it(`${name}: list, get, create, update and delete are all 403, and nothing changes`, async () => {
      const headers =
        name === 'apiKeyEmpty' ? { authorization: p.createApiKey({ name: 'no permissions', permissions: [] }), 'wix-site-id': p.siteId } : actors[name].headers;
      const before = await listIds();
      assertForbidden(await rawCall(p, path, { method: 'GET', headers }), `${name} list`);
      assertForbidden(await rawCall(p, `${path}/Perm_ANYONE`, { method: 'GET', headers }), `${name} get`);
      assertForbidden(await rawCall(p, path, { method: 'POST', headers, body: body(`Tmp_${name}`) }), `${name} create`);
      assertForbidden(await rawCall(p, path, { method: 'PUT', headers, body: body('Perm_ANYONE') }), `${name} update`);
      assertForbidden(await rawCall(p, `${path}/Perm_ANYONE`, { method: 'DELETE', headers }), `${name} delete`);
      assert.deepEqual(await listIds(), before, `${name}: the collection list is unchanged`);
      const anyone = await admin.collections.getDataCollection('Perm_ANYONE');
      assert.equal(anyone.permissions?.insert, 'ANYONE', `${name}: Perm_ANYONE's permissions are unchanged`);
    });
  }

  it('visitor and member: the SDK surfaces the 403 as PERMISSION_DENIED', async () => {
    for (const name of ['visitor', 'member'] as const) {
      await assert.rejects(actors[name].client.collections.listDataCollections(), (e: unknown) => {
        assert.equal(errorCode(e), 'PERMISSION_DENIED', `${name}: ${(e as Error).message}`);
        return true;
      });
    }
  });

  for (const name of ['owner', 'apiKey', 'apiKeyNoData'] as const) {
    it(`${name}: create, list, get and delete through the SDK`, async () => {
      const client = actors[name].client;
      const id = `Tmp_${name}`;
      const created = await client.collections.createDataCollection({
        _id: id,
        displayName: id,
        fields: [{ key: 'title', type: 'TEXT' }],
        permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
      });
      assert.equal(created._id, id);
      const listed = ((await client.collections.listDataCollections()).collections ?? []).map((col) => col._id);
      assert.ok(listed.includes(id), `${name}: list includes the new collection: ${listed.join(', ')}`);
      assert.equal((await client.collections.getDataCollection(id))._id, id);
      await client.collections.deleteDataCollection(id);
      await assert.rejects(admin.collections.getDataCollection(id), (e: unknown) => errorCode(e) === 'WDE0025', `${name}: the collection is gone`);
    });
  }

  it('a read-only API key can list and get, but not create, update or delete', async () => {
    const ro = actors.apiKeyReadOnly;
    const listed = ((await ro.client.collections.listDataCollections()).collections ?? []).map((col) => col._id);
    assert.ok(listed.includes('Perm_ANYONE'), `read-only key lists collections: ${listed.join(', ')}`);
    assert.equal((await ro.client.collections.getDataCollection('Perm_ADMIN'))._id, 'Perm_ADMIN');

    const before = await listIds();
    await assert.rejects(
      ro.client.collections.createDataCollection({
        _id: 'Tmp_ro',
        displayName: 'x',
        fields: [],
        permissions: { read: 'ANYONE', insert: 'ANYONE', update: 'ANYONE', remove: 'ANYONE' },
      }),
      (e: unknown) => errorCode(e) === 'PERMISSION_DENIED',
      'read-only key create is PERMISSION_DENIED',
    );
    assertForbidden(await rawCall(p, path, { method: 'POST', headers: ro.headers, body: body('Tmp_ro') }), 'read-only key create (raw)');
    assertForbidden(await rawCall(p, path, { method: 'PUT', headers: ro.headers, body: body('Perm_ANYONE') }), 'read-only key update (raw)');
    assertForbidden(await rawCall(p, `${path}/Perm_ANYONE`, { method: 'DELETE', headers: ro.headers }), 'read-only key delete (raw)');
    assert.deepEqual(await listIds(), before, 'nothing was created or deleted');
  });
});
