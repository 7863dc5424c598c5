import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../elements/data-table/define.ts';
import type { WixDataTable } from '../../elements/data-table/data-table.ts';
import { parseColumns } from '../../elements/data-table/columns.ts';
import { parseFields } from '../../elements/core/grammar.ts';
import { SessionError } from '../../elements/core/errors.ts';
import { bindElements } from '../../elements/velo/page.ts';
import { applySeoMarkup, escapeHtml, formSeoMarkup, listSeoMarkup, SEO_MAX_BYTES, tableSeoMarkup } from '../../elements/velo/seo.ts';
import { createDollarW } from '../../demo/velo-page/dollar-w.ts';
import { XSS_PAYLOADS } from './fixtures/xss-payloads.ts';

const parse = (markup: string) => new DOMParser().parseFromString(markup, 'text/html').body;
const textOf = (el: Element | null | undefined) => el?.textContent ?? '';
const bytes = (markup: string) => new TextEncoder().encode(markup).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

const ALLOWED_TAGS = new Set(['table', 'caption', 'thead', 'tbody', 'tr', 'th', 'td', 'img', 'a', 'section', 'h2', 'ol', 'ul', 'li', 'dl', 'dt', 'dd']);
const ALLOWED_ATTRIBUTES = new Set(['scope', 'src', 'alt', 'href', 'rel']);

/** Only the helper's own tags and attributes, and only http(s) URLs: nothing from the data became markup. */
function expectInert(body: HTMLElement): void {
  for (const el of body.querySelectorAll('*')) {
    expect(ALLOWED_TAGS.has(el.localName), `unexpected <${el.localName}>`).to.equal(true);
    for (const { name, value } of el.attributes) {
      expect(ALLOWED_ATTRIBUTES.has(name), `unexpected attribute ${name} on <${el.localName}>`).to.equal(true);
      if (name === 'href' || name === 'src') expect(new URL(value).protocol).to.match(/^https?:$/);
    }
  }
}

/** Puts the markup in the live page for a moment: an image error or a script would run here if anything could. */
async function expectNothingRuns(markup: string): Promise<void> {
  const win = window as unknown as { __xss?: unknown };
  delete win.__xss;
  const box = document.createElement('div');
  box.innerHTML = markup;
  document.body.append(box);
  await sleep(100);
  box.remove();
  expect(win.__xss).to.equal(undefined);
}

const expectValidation = (fn: () => unknown, message?: RegExp) => {
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  expect(caught, 'throws').to.be.instanceOf(SessionError);
  expect((caught as SessionError).kind).to.equal('validation');
  if (message) expect((caught as SessionError).message).to.match(message);
};

describe('seoMarkup helpers', () => {
  describe('the XSS corpus', () => {
    it('keeps every payload as text in table values, links, images, references, labels and the caption', async () => {
      for (const payload of XSS_PAYLOADS) {
        // In the attribute text a colon ends the label and a comma the column; the rest of the payload stays.
        const columns = `title:${payload.replace(/[:,]/g, ' ')}, link:Link:url, photo:Photo:image, brand:Brand:reference, note`;
        const markup = tableSeoMarkup([{ title: payload, link: payload, photo: payload, brand: { title: payload }, note: payload }], {
          columns,
          caption: payload,
        });
        const body = parse(markup);
        expectInert(body);
        expect(body.children.length).to.equal(1);
        expect(textOf(body.querySelector('caption'))).to.equal(payload);
        // A label is what the element's own columns parser makes of the attribute text.
        const labels = [...body.querySelectorAll('th')].map(textOf);
        expect(labels).to.deep.equal(parseColumns(columns, '').map((c) => c.label));
        const cells = [...body.querySelectorAll('td')];
        expect(cells.map(textOf)).to.deep.equal([payload, payload, payload, payload, payload]);
        expect(body.querySelector('a, img')).to.equal(null);
        await expectNothingRuns(markup);
      }
    });

    it('keeps every payload as text in list values, labels and the heading', async () => {
      for (const payload of XSS_PAYLOADS) {
        const fields = `title:${payload.replace(/,/g, ' ')}, note`;
        const markup = listSeoMarkup([{ title: payload, note: payload }], { fields, heading: payload });
        const body = parse(markup);
        expectInert(body);
        expect(textOf(body.querySelector('h2'))).to.equal(payload);
        expect([...body.querySelectorAll('dt')].map(textOf)).to.deep.equal(parseFields(fields).map((f) => f.label));
        expect([...body.querySelectorAll('dd')].map(textOf)).to.deep.equal([payload, payload]);
        await expectNothingRuns(markup);
      }
    });

    it('keeps every payload as text in form labels and the form label', async () => {
      for (const payload of XSS_PAYLOADS) {
        const markup = formSeoMarkup(
          JSON.stringify([
            { field: 'email', type: 'email', label: payload, required: true },
            { field: 'note', label: payload },
          ]),
          { label: payload },
        );
        const body = parse(markup);
        expectInert(body);
        expect(textOf(body.querySelector('h2'))).to.equal(payload);
        expect([...body.querySelectorAll('li')].map(textOf)).to.deep.equal([`${payload} (required)`, payload]);
        await expectNothingRuns(markup);
      }
    });

    it('has a probe that would see a payload run (unescaped, it does)', async () => {
      let failed = false;
      try {
        await expectNothingRuns('<img src="data:," onerror="window.__xss=1">');
      } catch {
        failed = true;
      }
      expect(failed).to.equal(true);
    });

    it('escapes & < > " and \' everywhere', () => {
      expect(escapeHtml(`&<>"'`)).to.equal('&amp;&lt;&gt;&quot;&#39;');
      const url = `https://example.com/it's?a="<>&b`;
      const markup = tableSeoMarkup([{ link: url }], { columns: 'link:Link:url' });
      const raw = /href="([^"]*)"/.exec(markup)![1]!;
      expect(raw).to.not.match(/['<>]|&(?!amp;|#39;)/);
      expect(raw).to.contain('&#39;').and.contain('&amp;');
      const a = parse(markup).querySelector('a')!;
      expect(a.getAttribute('href')).to.equal(new URL(url).href);
      expect(a.getAttribute('rel')).to.equal('nofollow noopener');
    });
  });

  describe("formatting, with the table's rules", () => {
    const items = [
      {
        title: 'Tent',
        price: 1234.5,
        share: 0.125,
        count: 1234.567,
        added: new Date('2024-03-05T10:30:00Z'),
        inStock: true,
        used: false,
        photo: 'wix:image://v1/11062b_abc~mv2.jpg/Blue%20tent.jpg#originWidth=800&originHeight=600',
        https: 'https://images.example.com/t.png',
        http: 'http://images.example.com/t.png',
        data: 'data:image/png;base64,AAAA',
        link: 'https://example.com/tent?x=1&y=2',
        badLink: 'javascript:alert(1)',
        brand: { _id: 'b1', title: 'Acme' },
        address: { city: 'Köln' },
        tags: ['a', 'b'],
        empty: null,
      },
    ];
    const columns =
      'title:Product, price:Price:currency, share:Share:percent, count:Count:number, added:Added:date, inStock:In stock, used:Used:boolean, ' +
      'photo:Photo, https:Https:image, http:Http:image, data:Data:image, link:Link:url, badLink:Bad:url, brand:Brand:reference, address.city:City, tags:Tags, empty:Empty';
    const cells = (locale?: string, currency?: string) => {
      const body = parse(tableSeoMarkup(items, { columns, locale, currency }));
      expectInert(body);
      const tds = [...body.querySelectorAll('td')];
      return Object.fromEntries(parseColumns(columns, '').map((c, i) => [c.field, tds[i]!]));
    };

    it('formats numbers, currency, percent and dates with Intl for the locale (de-DE, EUR)', () => {
      const c = cells('de-DE', 'EUR');
      expect(textOf(c['price'])).to.match(/^1\.234,50\s€$/);
      expect(textOf(c['share'])).to.match(/^12,5\s%$/);
      expect(textOf(c['count'])).to.equal('1.234,57');
      expect(textOf(c['added'])).to.equal('05.03.2024');
      expect(textOf(c['inStock'])).to.equal('Yes');
      expect(textOf(c['used'])).to.equal('No');
    });

    it('uses en-US and USD when asked, and the same formatter output as Intl', () => {
      const c = cells('en-US');
      expect(textOf(c['price'])).to.equal('$1,234.50');
      expect(textOf(c['added'])).to.equal(new Intl.DateTimeFormat('en-US', { dateStyle: 'medium' }).format(items[0]!.added));
    });

    it('shows Wix media as a static.wixstatic.com image, https images as images, and nothing else as an image', () => {
      const c = cells('en-US');
      const wix = c['photo']!.querySelector('img')!;
      expect(wix.getAttribute('src')).to.equal('https://static.wixstatic.com/media/11062b_abc~mv2.jpg');
      expect(wix.getAttribute('alt')).to.equal('Blue tent');
      expect(c['https']!.querySelector('img')!.getAttribute('src')).to.equal('https://images.example.com/t.png');
      expect(c['http']!.querySelector('img')).to.equal(null);
      expect(textOf(c['http'])).to.equal('http://images.example.com/t.png');
      expect(c['data']!.querySelector('img')).to.equal(null);
    });

    it('links only http(s) URLs, with rel="nofollow noopener"', () => {
      const c = cells('en-US');
      const a = c['link']!.querySelector('a')!;
      expect(a.getAttribute('href')).to.equal('https://example.com/tent?x=1&y=2');
      expect(a.getAttribute('rel')).to.equal('nofollow noopener');
      expect(textOf(a)).to.equal('https://example.com/tent?x=1&y=2');
      expect(c['badLink']!.querySelector('a')).to.equal(null);
      expect(textOf(c['badLink'])).to.equal('javascript:alert(1)');
    });

    it('shows references by title, dotted fields, arrays and empty values', () => {
      const c = cells('en-US');
      expect(textOf(c['brand'])).to.equal('Acme');
      expect(textOf(c['address.city'])).to.equal('Köln');
      expect(textOf(c['tags'])).to.equal('a, b');
      expect(textOf(c['empty'])).to.equal('—');
    });

    it('builds a caption and scoped column headers', () => {
      const body = parse(tableSeoMarkup(items, { columns: 'title:Product, price', caption: 'Our products' }));
      expect(textOf(body.querySelector('table > caption'))).to.equal('Our products');
      expect([...body.querySelectorAll('thead th[scope=col]')].map(textOf)).to.deep.equal(['Product', 'price']);
      expect(tableSeoMarkup([], { columns: '' })).to.equal('<table><thead><tr><th scope="col">Title</th></tr></thead><tbody></tbody></table>');
    });

    it('formats list values as <wix-data-list> does', () => {
      const body = parse(listSeoMarkup(items, { fields: 'title:Product, price:Price, added, inStock:In stock', locale: 'de-DE', heading: 'Products' }));
      expectInert(body);
      expect([...body.querySelectorAll('li dt')].map(textOf)).to.deep.equal(['Product', 'Price', 'added', 'In stock']);
      expect([...body.querySelectorAll('li dd')].map(textOf)).to.deep.equal(['Tent', '1.234,5', '05.03.2024', 'Yes']);
      expect(listSeoMarkup([{}], { fields: '' })).to.equal('<section><ol><li><dl><dt>Title</dt><dd>—</dd></dl></li></ol></section>');
    });

    it('describes a form by its label and field labels, from JSON text or a list', () => {
      const fields = [
        { field: 'name', label: 'Your name', required: true },
        { field: 'email', type: 'email' },
      ];
      const expected = '<section><h2>Contact us</h2><ul><li>Your name (required)</li><li>email</li></ul></section>';
      expect(formSeoMarkup(fields, { label: 'Contact us' })).to.equal(expected);
      expect(formSeoMarkup(JSON.stringify(fields), { label: 'Contact us' })).to.equal(expected);
      expectValidation(() => formSeoMarkup('[{"field":"x","type":"colour"}]'), /type/);
      expectValidation(() => formSeoMarkup('not json'), /JSON/);
    });
  });

  describe('limits', () => {
    const many = (n: number, text = 'Item') => Array.from({ length: n }, (_, i) => ({ title: `${text} ${i}`, price: i }));

    it('shows at most 100 rows by default, and `limit` rows when given', () => {
      expect(parse(tableSeoMarkup(many(150), { columns: 'title, price' })).querySelectorAll('tbody tr').length).to.equal(100);
      expect(parse(tableSeoMarkup(many(150), { columns: 'title', limit: 5 })).querySelectorAll('tbody tr').length).to.equal(5);
      expect(parse(tableSeoMarkup(many(150), { columns: 'title', limit: 0 })).querySelectorAll('tbody tr').length).to.equal(0);
      expect(parse(listSeoMarkup(many(150), { fields: 'title', limit: 7 })).querySelectorAll('li').length).to.equal(7);
    });

    it('stops adding whole rows before the size cap, so the markup stays well-formed', () => {
      const long = 'x'.repeat(2000);
      const markup = tableSeoMarkup(many(100, long), { columns: 'title, price' });
      expect(bytes(markup)).to.be.at.most(SEO_MAX_BYTES);
      expect(markup.endsWith('</tbody></table>')).to.equal(true);
      const rows = parse(markup).querySelectorAll('tbody tr');
      expect(rows.length).to.be.within(40, 99);
      for (const row of rows) expect(row.querySelectorAll('td').length).to.equal(2);
      // Each text is cut at 1000 characters, so one long field cannot crowd out the rest.
      expect(textOf(rows[0]!.querySelector('td'))).to.equal(`${'x'.repeat(1000)}…`);

      const small = tableSeoMarkup(many(100, 'é'.repeat(50)), { columns: 'title, price', maxBytes: 2000 });
      expect(bytes(small)).to.be.at.most(2000);
      expect(small.endsWith('</tbody></table>')).to.equal(true);
      const body = parse(small);
      expect(body.children.length).to.equal(1);
      expect(body.querySelectorAll('tbody tr').length).to.be.within(1, 99);

      const list = listSeoMarkup(many(100, long), { fields: 'title', maxBytes: 5000 });
      expect(bytes(list)).to.be.at.most(5000);
      expect(list.endsWith('</ol></section>')).to.equal(true);
    });

    it('never cuts a surrogate pair when cutting a long text', () => {
      const markup = tableSeoMarkup([{ title: `${'a'.repeat(999)}😀tail` }], { columns: 'title' });
      expect(textOf(parse(markup).querySelector('td'))).to.equal(`${'a'.repeat(999)}…`);
    });

    it('refuses bad columns, fields, locale, currency, items and limits with a validation error', () => {
      expectValidation(() => tableSeoMarkup([], { columns: 'bad field!' }), /columns/);
      expectValidation(() => tableSeoMarkup([], { columns: 'price:Price:money' }), /column type/);
      expectValidation(() => tableSeoMarkup([], { columns: Array.from({ length: 31 }, (_, i) => `f${i}`).join(',') }), /30 columns/);
      expectValidation(() => tableSeoMarkup([], { columns: 'title', locale: 'not a locale!' }), /locale/);
      expectValidation(() => tableSeoMarkup([], { columns: 'title', currency: 'EURO' }), /currency/);
      expectValidation(() => tableSeoMarkup({} as never, { columns: 'title' }), /array/);
      expectValidation(() => tableSeoMarkup([], { columns: 'title', limit: -1 }), /limit/);
      expectValidation(() => tableSeoMarkup([], { columns: 'title', caption: 'c'.repeat(900), maxBytes: 500 }), /maxBytes/);
      expectValidation(() => tableSeoMarkup([], { columns: 5 as never }), /columns/);
      expectValidation(() => listSeoMarkup([], { fields: 'a b' }), /fields/);
    });
  });

  describe('applySeoMarkup', () => {
    it('sets seoMarkup on a Velo custom element and answers true', () => {
      const element = { seoMarkup: '' };
      const $w = (selector: string) => (selector === '#products' ? element : undefined);
      const markup = tableSeoMarkup([{ title: 'Tent' }], { columns: 'title' });
      expect(applySeoMarkup($w, '#products', markup)).to.equal(true);
      expect(element.seoMarkup).to.equal(markup);
      expect(applySeoMarkup($w, '#missing', markup)).to.equal(false);
    });

    it('uses an accessor property, as Velo element objects have', () => {
      let stored = '';
      class CustomElementSdk {
        get seoMarkup() {
          return stored;
        }
        set seoMarkup(value: string) {
          stored = value;
        }
      }
      const element = new CustomElementSdk();
      expect(applySeoMarkup(() => element, '#x', '<p>a</p>')).to.equal(true);
      expect(stored).to.equal('<p>a</p>');
      const typed = { type: '$w.CustomElement' } as { type: string; seoMarkup?: string };
      expect(applySeoMarkup(() => typed, '#x', '<p>b</p>')).to.equal(true);
      expect(typed.seoMarkup).to.equal('<p>b</p>');
    });

    it("leaves the demo's $w stand-in alone and answers false", async () => {
      const el = await fixture(html`<div id="seo-target"></div>`);
      const $w = createDollarW();
      expect(applySeoMarkup($w, '#seo-target', '<p>x</p>')).to.equal(false);
      expect(el.attributes.length).to.equal(1);
      expect('seoMarkup' in el).to.equal(false);
      expect(el.childNodes.length).to.equal(0);
    });

    it('refuses markup that is not a string', () => {
      expectValidation(() => applySeoMarkup(() => ({ seoMarkup: '' }), '#x', 5 as never), /string/);
    });
  });

  it('gives crawlers the cell texts <wix-data-table> shows visitors, from the same items', async () => {
    const items = [
      {
        _id: 'a',
        title: 'Tent <b>',
        price: 199.9,
        inStock: true,
        added: new Date('2024-03-05T10:30:00Z'),
        photo: 'wix:image://v1/11062b_abc~mv2.jpg/Tent.jpg',
      },
      { _id: 'b', title: 'Stove', price: 49, inStock: false, added: new Date('2023-11-20T08:00:00Z'), photo: null },
    ];
    const columns = 'title:Product, price:Price:currency, inStock:In stock, added:Added:date, photo:Photo:image';
    const el = await fixture<WixDataTable>(
      html`<wix-data-table id="seo-table" style="height: 300px" collection="Products" locale="de-DE" currency="EUR" columns=${columns}></wix-data-table>`,
    );
    const source = { query: async () => ({ items, pagingMetadata: { count: items.length, offset: 0, total: items.length } }) };
    const loaded = oneEvent(el, 'wix-table-load');
    bindElements(createDollarW(), { '#seo-table': { items: source } });
    await loaded;
    await el.updateComplete;
    const root = el.shadowRoot!;
    await waitUntil(() => root.querySelectorAll('[role=row][data-row]').length === 2, 'rows drawn', { timeout: 5000 });
    const visible = (cell: Element) => {
      const copy = cell.cloneNode(true) as Element;
      copy.querySelectorAll('[aria-hidden=true]').forEach((hidden) => hidden.remove());
      return textOf(copy).trim();
    };
    const shown = [...root.querySelectorAll('[role=row][data-row]')]
      .sort((a, b) => Number((a as HTMLElement).dataset['row']) - Number((b as HTMLElement).dataset['row']))
      .map((row) => [...row.querySelectorAll('[role=gridcell]')].map((cell) => visible(cell) || cell.querySelector('img')?.getAttribute('src')));
    const body = parse(tableSeoMarkup(items, { columns, locale: 'de-DE', currency: 'EUR' }));
    const crawled = [...body.querySelectorAll('tbody tr')].map((row) =>
      [...row.querySelectorAll('td')].map((td) => textOf(td) || td.querySelector('img')?.getAttribute('src')),
    );
    expect(crawled).to.deep.equal(shown);
    expect([...body.querySelectorAll('th')].map(textOf)).to.deep.equal(['Product', 'Price', 'In stock', 'Added', 'Photo']);
  });
});
