// Each data.js hook of the example site fires, with the caller's role in its context, for the site's own code.
// Written only against the testing kit's public API (in a site repository: 'wix-session-elements/testing').
import { beforeEach, describe, expect, it } from 'vitest';
import { as, member, owner, site, visitor } from '../../../platform/testing/index.ts';
// The very module the platform runs: the preset loads backend files through Vitest, so this is one instance.
import { hookCalls } from '../backend/data.js';

const fired = () => hookCalls.map((c) => c.hook);

beforeEach(() => {
  site().reset();
  hookCalls.length = 0;
});

describe('Books hooks', () => {
  it('beforeInsert stamps the slug and afterInsert writes the audit log (with suppressAuth, without hooks)', async () => {
    const book = await as(member('ben')).call('backend/books.web', 'addBook', '  The Word for World Is Forest ');
    expect(book.slug).toBe('the-word-for-world-is-forest');
    expect(fired()).toEqual(['beforeInsert', 'afterInsert']);
    expect(hookCalls[0]).toEqual({ hook: 'beforeInsert', collection: 'Books', userRole: 'siteMember' });
    const audit = await as(owner()).data.query('AuditLog').find();
    expect(audit.items.map((a) => a.bookId)).toEqual([book._id]);
  });

  it('a throwing beforeInsert refuses the insert, onFailure sees it, and nothing is written', async () => {
    await expect(as(member('ben')).data.insert('Books', { title: '   ' })).rejects.toThrow(/needs a title/);
    expect(fired()).toEqual(['beforeInsert', 'onFailure']);
    expect(await as(owner()).data.query('Books').count()).toBe(2);
    expect((await as(owner()).data.query('AuditLog').find()).items).toEqual([]);
  });

  it('beforeGet/afterGet and beforeUpdate/afterUpdate fire for an update through a web method', async () => {
    const mine = await as(member('ben')).call('books.web', 'addBook', 'Draft title');
    hookCalls.length = 0;
    const renamed = await as(member('ben')).call('books.web', 'renameBook', mine._id, 'Final Title');
    expect(renamed).toEqual({ title: 'Final Title', slug: 'final-title' });
    expect(fired()).toEqual(['beforeGet', 'afterGet', 'beforeUpdate', 'afterUpdate']);
  });

  it('beforeRemove/afterRemove fire for the owner', async () => {
    await as(owner()).call('books.web', 'removeBook', 'b2');
    expect(fired()).toEqual(['beforeRemove', 'afterRemove']);
    expect(hookCalls[0].userRole).toBe('siteOwner');
  });

  it('beforeQuery hides drafts and afterQuery decorates each item, for a visitor', async () => {
    const books = await as(visitor()).call('books.web', 'listBooks');
    expect(books.map((b) => b.display)).toEqual(['Dune (1965)', 'Kindred (1979)']);
    expect(fired()).toEqual(['beforeQuery', 'afterQuery', 'afterQuery']);
    expect(hookCalls[0].userRole).toBe('visitor');
  });

  it('beforeCount/afterCount fire for count(), and suppressHooks skips them', async () => {
    expect(await as(visitor()).call('books.web', 'countBooks')).toBe(2);
    expect(fired()).toEqual(['beforeCount', 'afterCount']);
    hookCalls.length = 0;
    expect(await as(owner()).data.query('Books').count({ suppressHooks: true })).toBe(3);
    expect(fired()).toEqual([]);
  });
});
