// The home page's page code (pages/home.js), unmodified: its import of backend/books.web becomes what Wix gives
// page code, web method calls over RPC as the page's visitor or member. $w is a small stand-in for Velo's selector.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { member, setPageCaller, site, visitor, webMethodsForPage } from '../../../platform/testing/index.ts';
import { wirePage } from '../pages/home.js';

vi.mock('backend/books.web', async (importOriginal) => webMethodsForPage('backend/books.web', await importOriginal()));

/** A stand-in for Velo's $w: each selector is one element with setAttribute, on, seoMarkup and text. */
function fakeSelector() {
  const elements = new Map();
  return (selector) => {
    if (!elements.has(selector)) {
      const handlers = new Map();
      elements.set(selector, {
        attributes: {},
        seoMarkup: '',
        text: '',
        handlers,
        setAttribute(name, value) {
          this.attributes[name] = String(value);
        },
        on(type, handler) {
          handlers.set(type, handler);
        },
      });
    }
    return elements.get(selector);
  };
}

beforeEach(() => site().reset());

describe('home page code', () => {
  it('feeds the custom element a book (JSON attribute), sets its seoMarkup and reacts to its event', async () => {
    setPageCaller(visitor());
    const $w = fakeSelector();
    await wirePage($w);
    expect(JSON.parse($w('#bookBadge').attributes.book)).toMatchObject({ _id: 'b1', title: 'Dune', display: 'Dune (1965)' });
    expect($w('#bookBadge').seoMarkup).toBe('<h2>Dune</h2>');
    $w('#bookBadge').handlers.get('book-liked')({ detail: { id: 'b1' } });
    expect($w('#likedText').text).toBe('You liked b1');
  });

  it("page code's web method calls carry the page caller's session: a member adds, a visitor is refused", async () => {
    const { addBook } = await import('backend/books.web');
    setPageCaller(visitor());
    await expect(addBook('From the page')).rejects.toMatchObject({ status: 403 });
    setPageCaller(member('ana'));
    await expect(addBook('From the page')).resolves.toMatchObject({ slug: 'from-the-page' });
  });
});
