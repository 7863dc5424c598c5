/** The seoMarkup helpers run in page code, which has no DOM: here in Node, with no document and no DOMParser. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SessionError } from '../../elements/core/errors.ts';
import { applySeoMarkup, formSeoMarkup, listSeoMarkup, tableSeoMarkup } from '../../elements/velo/seo.ts';

describe('seoMarkup helpers without a DOM', () => {
  it('run where there is no document', () => {
    assert.equal(typeof (globalThis as { document?: unknown }).document, 'undefined');
  });

  it("build a table with the table's formatting", () => {
    const markup = tableSeoMarkup(
      [{ title: `<script>alert('x')</script> & co`, price: 12.5, photo: 'wix:image://v1/abc~mv2.png/Pic.png', link: 'https://example.com/a?b=1&c=2' }],
      { columns: 'title:Product, price:Price:currency, photo:Photo:image, link:Link:url', caption: 'Shop "A"', locale: 'de-DE', currency: 'EUR' },
    );
    assert.equal(
      markup,
      '<table><caption>Shop &quot;A&quot;</caption><thead><tr><th scope="col">Product</th><th scope="col">Price</th><th scope="col">Photo</th><th scope="col">Link</th></tr></thead>' +
        '<tbody><tr><td>&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; co</td><td>12,50\u00a0€</td>' +
        '<td><img src="https://static.wixstatic.com/media/abc~mv2.png" alt="Pic"></td>' +
        '<td><a href="https://example.com/a?b=1&amp;c=2" rel="nofollow noopener">https://example.com/a?b=1&amp;c=2</a></td></tr></tbody></table>',
    );
  });

  it('build a list and a form description', () => {
    assert.equal(
      listSeoMarkup([{ title: 'Tent', n: 1234.5 }], { fields: 'title:Product, n:Count', heading: 'Tents & stoves', locale: 'de-DE' }),
      '<section><h2>Tents &amp; stoves</h2><ol><li><dl><dt>Product</dt><dd>Tent</dd><dt>Count</dt><dd>1.234,5</dd></dl></li></ol></section>',
    );
    assert.equal(
      formSeoMarkup([{ field: 'email', type: 'email', label: 'E-mail', required: true }], { label: 'Newsletter' }),
      '<section><h2>Newsletter</h2><ul><li>E-mail (required)</li></ul></section>',
    );
  });

  it('cap rows by count and by size', () => {
    const items = Array.from({ length: 500 }, (_, i) => ({ title: `Item ${i}` }));
    assert.equal(tableSeoMarkup(items, { columns: 'title' }).match(/<tr>/g)!.length, 101); // header + 100
    const capped = tableSeoMarkup(items, { columns: 'title', limit: 500, maxBytes: 1000 });
    assert.ok(Buffer.byteLength(capped) <= 1000);
    assert.ok(capped.endsWith('</tr></tbody></table>'));
  });

  it('throw a validation SessionError for bad columns', () => {
    assert.throws(
      () => tableSeoMarkup([], { columns: 'title:Product:colour' }),
      (e: unknown) => e instanceof SessionError && e.kind === 'validation',
    );
  });

  it('set seoMarkup only where the element has it', () => {
    const velo = { seoMarkup: '' };
    assert.equal(
      applySeoMarkup(() => velo, '#t', '<p>x</p>'),
      true,
    );
    assert.equal(velo.seoMarkup, '<p>x</p>');
    const standIn = { setAttribute() {}, on() {} };
    assert.equal(
      applySeoMarkup(() => standIn, '#t', '<p>x</p>'),
      false,
    );
    assert.equal('seoMarkup' in standIn, false);
  });
});
