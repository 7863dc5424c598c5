// Each permission outcome for visitor / member / owner: the web methods' own permissions (wix-web-module) and the
// collections' permissions (the fixtures), proved per caller without a browser.
import { beforeEach, describe, expect, it } from 'vitest';
import { as, member, owner, site, visitor } from '../../../platform/testing/index.ts';

beforeEach(() => site().reset());

const callers = { visitor: visitor(), member: member('ben'), owner: owner() };
const outcome = (promise) =>
  promise.then(
    () => 'allowed',
    (error) => (error.status === 403 ? 'forbidden' : `failed ${error.status ?? error.code ?? error.message}`),
  );

describe('web method permissions', () => {
  // [method, args, visitor, member, owner]
  const table = [
    ['listBooks', [], 'allowed', 'allowed', 'allowed'],
    ['addBook', ['A title'], 'forbidden', 'allowed', 'allowed'],
    ['removeBook', ['b1'], 'forbidden', 'forbidden', 'allowed'],
    ['catalogueConfigured', [], 'forbidden', 'forbidden', 'allowed'],
  ];
  for (const [method, args, ...expected] of table) {
    it(`${method}: visitor ${expected[0]}, member ${expected[1]}, owner ${expected[2]}`, async () => {
      const got = [];
      for (const who of Object.values(callers)) got.push(await outcome(as(who).call('backend/books.web', method, ...args)));
      expect(got).toEqual(expected);
    });
  }

  it('a refused call writes nothing', async () => {
    await expect(as(visitor()).call('books.web', 'addBook', 'Sneaky')).rejects.toMatchObject({ status: 403 });
    expect(await as(owner()).data.query('Books').eq('title', 'Sneaky').count()).toBe(0);
  });

  it('featureBook needs the Editor member role: ana has it, ben does not', async () => {
    expect(await as(member('ana')).call('books.web', 'featureBook', 'b1')).toBe(true);
    await expect(as(member('ben')).call('books.web', 'featureBook', 'b1')).rejects.toMatchObject({ status: 500 });
    expect((await as(visitor()).data.get('Books', 'b1')).featured).toBe(true);
  });
});

describe('collection permissions with wix-data (Books: read anyone, insert member, update author, remove admin)', () => {
  it('insert: visitor refused, member and owner allowed', async () => {
    const got = [];
    for (const who of Object.values(callers)) got.push(await outcome(as(who).data.insert('Books', { title: 'Insert test' })));
    expect(got[0]).toMatch(/failed WDE0027/);
    expect(got.slice(1)).toEqual(['allowed', 'allowed']);
  });

  it("update: only the author (or the owner) changes a member's book", async () => {
    const book = await as(member('ben')).data.insert('Books', { title: "Ben's" });
    await expect(as(member('ana')).data.update('Books', { ...book, title: 'Ana was here' })).rejects.toMatchObject({ code: 'WDE0027' });
    await expect(as(member('ben')).data.update('Books', { ...book, title: 'Still Ben' })).resolves.toMatchObject({ title: 'Still Ben' });
    await expect(as(owner()).data.update('Books', { ...book, title: 'Owner edit' })).resolves.toMatchObject({ title: 'Owner edit' });
  });

  it('remove: member refused, suppressAuth (the site acting as itself) allowed', async () => {
    await expect(as(member('ben')).data.remove('Books', 'b1')).rejects.toMatchObject({ code: 'WDE0027' });
    await expect(as(member('ben')).data.remove('Books', 'b1', { suppressAuth: true })).resolves.toMatchObject({ _id: 'b1' });
  });

  it('AuditLog (admin only): a member cannot read it, the owner can', async () => {
    await expect(as(member('ana')).data.query('AuditLog').find()).rejects.toMatchObject({ code: 'WDE0027' });
    await expect(as(owner()).data.query('AuditLog').find()).resolves.toMatchObject({ items: [] });
  });
});
