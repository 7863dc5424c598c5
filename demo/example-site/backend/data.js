// Data hooks of the example site (backend/data.js): <Collection>_<hook> exports, as Wix calls them.
import wixData from 'wix-data';
import { slugify } from 'backend/lib/slug';

/** Which hooks ran, in order (the tests read it by importing this file, as they would on any module). */
export const hookCalls = [];
const seen = (hook, context) => hookCalls.push({ hook, collection: context.collectionName, userRole: context.userRole ?? null });

export function Books_beforeInsert(item, context) {
  seen('beforeInsert', context);
  if (!item.title || String(item.title).trim() === '') throw new Error('A book needs a title.');
  return { ...item, title: String(item.title).trim(), slug: slugify(item.title) };
}

export async function Books_afterInsert(item, context) {
  seen('afterInsert', context);
  // The site's own audit trail: written with the site's rights, without running hooks again.
  await wixData.insert('AuditLog', { action: 'insert', bookId: item._id }, { suppressAuth: true, suppressHooks: true });
  return item;
}

export function Books_beforeUpdate(item, context) {
  seen('beforeUpdate', context);
  return { ...item, slug: slugify(item.title) };
}

export function Books_afterUpdate(item, context) {
  seen('afterUpdate', context);
  return item;
}

export function Books_beforeRemove(itemId, context) {
  seen('beforeRemove', context);
  return itemId;
}

export function Books_afterRemove(item, context) {
  seen('afterRemove', context);
  return item;
}

export function Books_beforeGet(itemId, context) {
  seen('beforeGet', context);
  return itemId;
}

export function Books_afterGet(item, context) {
  seen('afterGet', context);
  return item;
}

export function Books_beforeQuery(query, context) {
  seen('beforeQuery', context);
  // Drafts are never listed.
  return query.ne('draft', true);
}

export function Books_afterQuery(item, context) {
  seen('afterQuery', context);
  return { ...item, display: `${item.title} (${item.year ?? 'n.d.'})` };
}

export function Books_beforeCount(query, context) {
  seen('beforeCount', context);
  return query.ne('draft', true);
}

export function Books_afterCount(count, context) {
  seen('afterCount', context);
  return count;
}

export function Books_onFailure(error, context) {
  seen('onFailure', context);
}
