// Web methods of the example site, written as on Wix: wix-web-module permissions, wix-data as the caller,
// suppressAuth where the site means to act as itself, a member role check, a secret.
import { Permissions, webMethod } from 'wix-web-module';
import wixData from 'wix-data';
import { currentMember } from 'wix-members-backend';
import { getSecret } from 'wix-secrets-backend';
import { slugify } from 'backend/lib/slug';

/** Anyone: the published books (the Books collection is readable by anyone). */
export const listBooks = webMethod(Permissions.Anyone, async () => {
  const result = await wixData.query('Books').ascending('title').find();
  return result.items.map((b) => ({ _id: b._id, title: b.title, slug: b.slug, display: b.display }));
});

/** Site members add books; the data.js hooks stamp and check them. */
export const addBook = webMethod(Permissions.SiteMember, async (title) => {
  const book = await wixData.insert('Books', { title });
  return { _id: book._id, slug: book.slug, _owner: book._owner };
});

/** A member renames a book: the collection lets only the book's author update it. */
export const renameBook = webMethod(Permissions.SiteMember, async (id, title) => {
  const book = await wixData.get('Books', id);
  if (!book) return null;
  const saved = await wixData.update('Books', { ...book, title });
  return { title: saved.title, slug: saved.slug };
});

/** Members with the Editor role feature any book: the site writes with its own rights (suppressAuth). */
export const featureBook = webMethod(Permissions.SiteMember, async (id) => {
  const roles = await currentMember.getRoles();
  if (!roles.some((r) => r.name === 'Editor')) throw new Error('Only editors feature books.');
  const book = await wixData.get('Books', id, { suppressAuth: true });
  await wixData.update('Books', { ...book, featured: true }, { suppressAuth: true });
  return true;
});

/** Admin only: remove a book (the collection's remove permission is ADMIN as well). */
export const removeBook = webMethod(Permissions.Admin, (id) => wixData.remove('Books', id));

/** Anyone: how many books (through the count hooks). */
export const countBooks = webMethod(Permissions.Anyone, () => wixData.query('Books').count());

/** Admin only: whether the catalogue service's key is configured (never the key itself). */
export const catalogueConfigured = webMethod(Permissions.Admin, async () => (await getSecret('CATALOGUE_KEY')).startsWith('ck_'));

/** Anyone: the slug the site would give a title (a plain helper shared with data.js). */
export const previewSlug = webMethod(Permissions.Anyone, (title) => slugify(title));
