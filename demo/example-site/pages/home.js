/* global $w */
// The home page's page code (Velo): a web method for the data, the custom element fed through attributes, its
// event heard with on(), and seoMarkup so crawlers see the book without running the element.
import { listBooks } from 'backend/books.web';

const escapeHtml = (s) => String(s).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

/** Wires the page; `$w` is Velo's selector (the tests pass the Wix host harness's). */
export async function wirePage($w) {
  const books = await listBooks();
  const first = books[0];
  const badge = $w('#bookBadge');
  badge.setAttribute('book', JSON.stringify(first ?? null));
  badge.seoMarkup = first ? `<h2>${escapeHtml(first.title)}</h2>` : '';
  badge.on('book-liked', (event) => {
    $w('#likedText').text = `You liked ${event.detail.id}`;
  });
  return first;
}

// On Wix: $w.onReady(() => wirePage($w));
if (typeof $w !== 'undefined') $w.onReady(() => wirePage($w));
