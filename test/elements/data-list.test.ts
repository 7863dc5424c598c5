import { expect, fixture, fixtureSync, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../elements/data-list/define.ts';
import type { WixDataList } from '../../elements/data-list/data-list.ts';
import { XSS_PAYLOADS } from './fixtures/xss-payloads.ts';
import { addFault, anonymousToken, clearFaults, countingGetter, leakSurface, QUERY_PATH } from './helpers.ts';

const host = location.host;

/** Renders a list and hands it a token getter, as the Wix host does. */
async function listWith(template: ReturnType<typeof html>, getter: () => Promise<string> = countingGetter().getter) {
  const el = await fixture<WixDataList>(template);
  el.accessTokenListener(getter);
  return el;
}

const shadowText = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();
const itemTexts = (el: Element) =>
  [...el.shadowRoot!.querySelectorAll('[part="item"]')].map((b) =>
    [...b.querySelectorAll('[part="label"], [part="value"]')].map((s) => s.textContent!.trim()).join(' '),
  );

describe('<wix-data-list>', () => {
  afterEach(async () => {
    await clearFaults();
    delete (window as { wixEmbedsAPI?: unknown }).wixEmbedsAPI;
    delete (window as { commonConfig?: unknown }).commonConfig;
  });

  it('renders a page of items with the chosen fields and labels, and fires wix-data-loaded', async () => {
    const el = await fixture<WixDataList>(
      html`<wix-data-list api-base-url=${host} collection="Numbers" fields="title:Name, n:Value" sort="n" page-size="5"></wix-data-list>`,
    );
    const loaded = oneEvent(el, 'wix-data-loaded');
    el.accessTokenListener(countingGetter().getter);
    const { detail } = await loaded;
    expect(detail.totalCount).to.equal(23);
    expect(detail.pageCount).to.equal(5);
    await el.updateComplete;
    expect(itemTexts(el)).to.deep.equal([
      'Name Number 1 Value 1',
      'Name Number 2 Value 2',
      'Name Number 3 Value 3',
      'Name Number 4 Value 4',
      'Name Number 5 Value 5',
    ]);
    expect(shadowText(el)).to.contain('Page 1 of 5 · 23 items');
  });

  it("with include, shows the referenced items' titles, and without it the IDs Wix returns", async () => {
    const token = await anonymousToken();
    // What Wix answers a visitor for the same page (the demo catalogue: brandRef → Brands, tagRefs ↔ Tags).
    const wix = async (includeReferences?: { field: string }[]) => {
      const answer = await fetch(QUERY_PATH, {
        method: 'POST',
        headers: { authorization: token, 'content-type': 'application/json' },
        body: JSON.stringify({
          dataCollectionId: 'Products',
          query: { sort: [{ fieldName: 'title', order: 'ASC' }], paging: { limit: 3 } },
          includeReferences,
        }),
      });
      return ((await answer.json()) as { dataItems: { data: Record<string, unknown> }[] }).dataItems.map(({ data }) => data);
    };
    const loaded = async (template: ReturnType<typeof html>) => {
      const el = await fixture<WixDataList>(template);
      const done = oneEvent(el, 'wix-data-loaded');
      el.accessTokenListener(countingGetter().getter);
      await done;
      await el.updateComplete;
      return el;
    };
    const titles = (value: unknown) => (Array.isArray(value) ? value : [value]).map((v) => String((v as { title: string }).title)).join(', ');

    const included = await wix([{ field: 'brandRef' }, { field: 'tagRefs' }]);
    const withInclude = await loaded(
      html`<wix-data-list api-base-url=${host} collection="Products" fields="title:Name, brandRef:Brand, tagRefs:Tags" include="brandRef, tagRefs" sort="title" page-size="3"></wix-data-list>`,
    );
    expect(itemTexts(withInclude)).to.deep.equal(
      included.map((item) => `Name ${String(item['title'])} Brand ${titles(item['brandRef'])} Tags ${titles(item['tagRefs'])}`),
    );

    const plain = await wix();
    expect(plain.every((item) => typeof item['brandRef'] === 'string' && !('tagRefs' in item))).to.equal(true);
    const withoutInclude = await loaded(
      html`<wix-data-list api-base-url=${host} collection="Products" fields="title:Name, brandRef:Brand" sort="title" page-size="3"></wix-data-list>`,
    );
    expect(itemTexts(withoutInclude)).to.deep.equal(plain.map((item) => `Name ${String(item['title'])} Brand ${String(item['brandRef'])}`));
  });

  it('pages forward and back', async () => {
    const el = await listWith(html`<wix-data-list api-base-url=${host} collection="Numbers" fields="n" sort="n" page-size="10"></wix-data-list>`);
    await oneEvent(el, 'wix-data-loaded');
    await el.updateComplete;
    const next = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="next"]')!;
    const prev = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="previous"]')!;
    expect(prev.disabled).to.equal(true);
    next.click();
    await oneEvent(el, 'wix-data-loaded');
    await el.updateComplete;
    next.click();
    const last = await oneEvent(el, 'wix-data-loaded');
    expect(last.detail.page).to.equal(2);
    await el.updateComplete;
    expect(itemTexts(el)).to.deep.equal(['n 21', 'n 22', 'n 23']);
    expect(el.shadowRoot!.querySelector<HTMLButtonElement>('[part="next"]')!.disabled).to.equal(true);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="previous"]')!.click();
    await oneEvent(el, 'wix-data-loaded');
    await el.updateComplete;
    expect(itemTexts(el)[0]).to.equal('n 11');
  });

  it('sorts and filters from attributes, and goes back to page 1 when they change', async () => {
    const el = await listWith(html`<wix-data-list api-base-url=${host} collection="Numbers" fields="n" sort="n:desc" page-size="3"></wix-data-list>`);
    await oneEvent(el, 'wix-data-loaded');
    await el.updateComplete;
    expect(itemTexts(el)).to.deep.equal(['n 23', 'n 22', 'n 21']);
    el.page = 2;
    await oneEvent(el, 'wix-data-loaded');
    el.setAttribute('filter', '{"parity":"even","n":{"$gt":10}}');
    const filtered = await oneEvent(el, 'wix-data-loaded');
    expect(filtered.detail.totalCount).to.equal(6);
    expect(filtered.detail.page).to.equal(0);
    await el.updateComplete;
    expect(itemTexts(el)).to.deep.equal(['n 22', 'n 20', 'n 18']);
  });

  it('shows a validation error state for a bad filter, and does not crash', async () => {
    const el = await fixture<WixDataList>(html`<wix-data-list api-base-url=${host} collection="Numbers" filter="{not json"></wix-data-list>`);
    const failed = oneEvent(el, 'wix-data-error');
    el.accessTokenListener(countingGetter().getter);
    const { detail } = await failed;
    expect(detail.kind).to.equal('validation');
    await el.updateComplete;
    const state = el.shadowRoot!.querySelector('[part="state"]')!;
    expect(state.getAttribute('role')).to.equal('alert');
    expect(state.textContent).to.contain('The filter attribute must be a JSON object.');
    el.setAttribute('filter', '{"parity":"odd"}');
    const ok = await oneEvent(el, 'wix-data-loaded');
    expect(ok.detail.totalCount).to.equal(12);
  });

  it('shows "Access denied" for a collection the visitor may not read, with a forbidden event', async () => {
    const el = await fixture<WixDataList>(html`<wix-data-list api-base-url=${host} collection="Orders"></wix-data-list>`);
    const failed = oneEvent(el, 'wix-data-error');
    el.accessTokenListener(countingGetter().getter);
    const { detail } = await failed;
    expect(detail.kind).to.equal('forbidden');
    expect(detail.code).to.equal('WDE0027');
    await el.updateComplete;
    expect(shadowText(el)).to.contain('Access denied');
  });

  it('shows the empty state when nothing matches', async () => {
    const el = await listWith(
      html`<wix-data-list api-base-url=${host} collection="Numbers" filter='{"n":{"$gt":1000}}' empty-text="No numbers that big."></wix-data-list>`,
    );
    await oneEvent(el, 'wix-data-loaded');
    await el.updateComplete;
    expect(shadowText(el)).to.contain('No numbers that big.');
  });

  it('shows a loading state, then the data', async () => {
    await addFault({ path: QUERY_PATH, latencyMs: 300, times: 1 });
    const el = await listWith(html`<wix-data-list api-base-url=${host} collection="Numbers" fields="n" page-size="2"></wix-data-list>`);
    await waitUntil(() => shadowText(el).includes('Loading'), 'shows Loading…');
    await oneEvent(el, 'wix-data-loaded');
  });

  it('shows "Not connected" when no host provides a session, never a blank box', async () => {
    const el = await fixture<WixDataList>(html`<wix-data-list collection="Numbers" connect-timeout="50"></wix-data-list>`);
    await waitUntil(() => shadowText(el).includes('Not connected'), 'shows Not connected');
  });

  it('shows a placeholder in the Editor instead of loading', async () => {
    (window as { commonConfig?: unknown }).commonConfig = { viewMode: 'Editor' };
    const el = await fixture<WixDataList>(html`<wix-data-list collection="Products"></wix-data-list>`);
    expect(shadowText(el)).to.contain('Shows items from the "Products" collection');
  });

  it('uses window.wixEmbedsAPI when no token is injected, keeping the port of the site URL', async () => {
    const { getter, counter } = countingGetter();
    window.wixEmbedsAPI = { getExternalBaseUrl: () => location.origin, getAccessTokenFunction: () => getter };
    // The embeds token is there at once, so the load may finish before `fixture` would resolve: listen first.
    const el = fixtureSync<WixDataList>(html`<wix-data-list collection="Numbers" page-size="1"></wix-data-list>`);
    const { detail } = await oneEvent(el, 'wix-data-loaded');
    expect(detail.totalCount).to.equal(23);
    expect(counter.calls).to.equal(1);
  });

  it('fires wix-item-select on click and on the keyboard', async () => {
    const el = await listWith(html`<wix-data-list api-base-url=${host} collection="Numbers" fields="n" sort="n" page-size="3"></wix-data-list>`);
    await oneEvent(el, 'wix-data-loaded');
    await el.updateComplete;
    const items = el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part="item"]');
    setTimeout(() => items[1]!.click());
    const clicked = await oneEvent(el, 'wix-item-select');
    expect(clicked.detail.item['n']).to.equal(2);
    expect(clicked.detail.index).to.equal(1);
    await el.updateComplete;
    expect(items[1]!.getAttribute('aria-pressed')).to.equal('true');
    items[2]!.focus();
    const keyed = oneEvent(el, 'wix-item-select');
    await sendKeys({ press: 'Enter' });
    expect((await keyed).detail.item['n']).to.equal(3);
    const spaced = oneEvent(el, 'wix-item-select');
    // Focus moved by the test: the 'Shift+Tab' chord is Playwright's syntax only, and WebDriver sends no held keys.
    items[1]!.focus();
    await sendKeys({ press: ' ' }); // the character, which every engine's driver knows (Firefox's does not know 'Space')
    expect((await spaced).detail.item['n']).to.equal(2);
  });

  it('never lets a stale response overwrite a newer one', async () => {
    // The first query is slow; the filter changes before it answers. Only the second result may show.
    await addFault({ path: QUERY_PATH, latencyMs: 800, times: 1 });
    const el = await listWith(
      html`<wix-data-list api-base-url=${host} collection="Numbers" fields="n" sort="n" page-size="3" filter='{"parity":"odd"}'></wix-data-list>`,
    );
    await new Promise((r) => setTimeout(r, 100));
    el.setAttribute('filter', '{"parity":"even"}');
    const loaded = await oneEvent(el, 'wix-data-loaded');
    expect(loaded.detail.items.map((i: Record<string, unknown>) => i['n'])).to.deep.equal([2, 4, 6]);
    await new Promise((r) => setTimeout(r, 1000)); // the slow odd page has answered by now
    await el.updateComplete;
    expect(itemTexts(el)).to.deep.equal(['n 2', 'n 4', 'n 6']);
  });

  it('renders every stored XSS payload as text; none runs', async () => {
    (window as { __xss?: unknown }).__xss = undefined;
    const el = await listWith(
      html`<wix-data-list api-base-url=${host} collection="XssCorpus" fields="title:Title, note:Note" sort="_id" page-size="50"></wix-data-list>`,
    );
    const { detail } = await oneEvent(el, 'wix-data-loaded');
    expect(detail.items).to.have.length(XSS_PAYLOADS.length);
    expect(XSS_PAYLOADS.length).to.be.at.least(20);
    await el.updateComplete;
    await new Promise((r) => setTimeout(r, 300));
    const text = el.shadowRoot!.textContent!;
    for (const payload of XSS_PAYLOADS) expect(text).to.contain(payload);
    expect(el.shadowRoot!.querySelectorAll('img, script, svg, iframe, object, embed, video, input, details, form, style:not([data-lit])').length).to.equal(0);
    expect((window as { __xss?: unknown }).__xss).to.equal(undefined);
  });

  it('elements given the same getter share one session: one token for both', async () => {
    const { getter, counter } = countingGetter();
    const wrap = await fixture(html`<div>
      <wix-data-list api-base-url=${host} collection="Numbers" page-size="1"></wix-data-list>
      <wix-data-list api-base-url=${host} collection="Products" page-size="1"></wix-data-list>
    </div>`);
    const [a, b] = [...wrap.querySelectorAll('wix-data-list')];
    const loaded = Promise.all([oneEvent(a!, 'wix-data-loaded'), oneEvent(b!, 'wix-data-loaded')]);
    a!.accessTokenListener(getter);
    b!.accessTokenListener(getter);
    await loaded;
    expect(counter.calls).to.equal(1);
  });

  it('re-injection (login or logout) reloads with a fresh token', async () => {
    const { getter, counter } = countingGetter();
    const el = await listWith(html`<wix-data-list api-base-url=${host} collection="Numbers" page-size="1"></wix-data-list>`, getter);
    await oneEvent(el, 'wix-data-loaded');
    const again = oneEvent(el, 'wix-data-loaded');
    el.accessTokenListener(getter);
    await again;
    expect(counter.calls).to.equal(2);
  });

  it('shows rate-limited and server errors readably', async () => {
    await addFault({ path: QUERY_PATH, status: 429, times: 1 });
    const el = await fixture<WixDataList>(html`<wix-data-list api-base-url=${host} collection="Numbers"></wix-data-list>`);
    const failed = oneEvent(el, 'wix-data-error');
    el.accessTokenListener(anonymousToken);
    expect((await failed).detail.kind).to.equal('rate-limited');
    await el.updateComplete;
    expect(shadowText(el)).to.contain('Too many requests');
  });

  it('a retryable failure offers "Try again", which asks for the same page once more', async () => {
    await addFault({ path: QUERY_PATH, status: 503, times: 1 });
    const el = await fixture<WixDataList>(
      html`<wix-data-list api-base-url=${host} collection="Numbers" fields="title" sort="n" page-size="5"></wix-data-list>`,
    );
    const failed = oneEvent(el, 'wix-data-error');
    el.accessTokenListener(anonymousToken);
    expect((await failed).detail.kind).to.equal('server');
    await el.updateComplete;
    const retry = el.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry"]')!;
    expect(retry, 'a Try again button').to.exist;
    expect(retry.textContent!.trim()).to.equal('Try again');
    // Nothing loaded yet: no page count to show.
    expect(el.shadowRoot!.querySelector('[part="pager"]')).to.equal(null);
    const loaded = oneEvent(el, 'wix-data-loaded');
    retry.focus();
    await sendKeys({ press: 'Enter' });
    expect((await loaded).detail.page).to.equal(0);
    await el.updateComplete;
    expect(itemTexts(el)[0]).to.equal('title Number 1');
    // Focus was on the button that went away: it moves to the first item, not to the page.
    expect(el.shadowRoot!.activeElement?.getAttribute('part')).to.equal('item');
  });

  it('a 429 on the next page keeps the pager and the retry; Try again loads that page, Previous goes back', async () => {
    const el = await listWith(html`<wix-data-list api-base-url=${host} collection="Numbers" fields="n" sort="n" page-size="5"></wix-data-list>`);
    await oneEvent(el, 'wix-data-loaded');
    await el.updateComplete;
    await addFault({ path: QUERY_PATH, status: 429, times: 1 });
    const failed = oneEvent(el, 'wix-data-error');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="next"]')!.click();
    expect((await failed).detail.kind).to.equal('rate-limited');
    await el.updateComplete;
    expect(shadowText(el)).to.contain('Too many requests');
    expect(el.shadowRoot!.querySelector('[part="pager"] span')!.textContent).to.equal('Page 2 of 5 · 23 items');
    expect(el.shadowRoot!.querySelector<HTMLButtonElement>('[part="previous"]')!.disabled).to.equal(false);
    await expect(el).to.be.accessible();
    const loaded = oneEvent(el, 'wix-data-loaded');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="retry"]')!.click();
    const { detail } = await loaded;
    expect(detail.page).to.equal(1);
    await el.updateComplete;
    expect(itemTexts(el)[0]).to.equal('n 6');
    expect(el.shadowRoot!.querySelector('[part="retry"]')).to.equal(null);

    // And from a failed page, Previous goes back without a retry.
    await addFault({ path: QUERY_PATH, status: 429, times: 1 });
    const failedAgain = oneEvent(el, 'wix-data-error');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="next"]')!.click();
    await failedAgain;
    await el.updateComplete;
    const back = oneEvent(el, 'wix-data-loaded');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="previous"]')!.click();
    expect((await back).detail.page).to.equal(1);
  });

  it("refresh() loads the same page again, as the table's does", async () => {
    const el = await listWith(html`<wix-data-list api-base-url=${host} collection="Numbers" fields="n" sort="n" page-size="5"></wix-data-list>`);
    await oneEvent(el, 'wix-data-loaded');
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="next"]')!.click();
    await oneEvent(el, 'wix-data-loaded');
    const again = oneEvent(el, 'wix-data-loaded');
    el.refresh();
    expect((await again).detail.page).to.equal(1);
  });

  it('offers no Try again where another try cannot help (a refusal, a bad attribute)', async () => {
    const denied = await fixture<WixDataList>(html`<wix-data-list api-base-url=${host} collection="Orders"></wix-data-list>`);
    const refused = oneEvent(denied, 'wix-data-error');
    denied.accessTokenListener(countingGetter().getter);
    await refused;
    await denied.updateComplete;
    expect(denied.shadowRoot!.querySelector('[part="retry"]')).to.equal(null);
    const bad = await fixture<WixDataList>(html`<wix-data-list api-base-url=${host} collection="Numbers" filter="[1]"></wix-data-list>`);
    const invalid = oneEvent(bad, 'wix-data-error');
    bad.accessTokenListener(countingGetter().getter);
    expect((await invalid).detail.kind).to.equal('validation');
    await bad.updateComplete;
    expect(bad.shadowRoot!.querySelector('[part="retry"]')).to.equal(null);
  });

  it('formats a field as the table does: currency, id (never grouped), number and auto', async () => {
    const el = await listWith(
      html`<wix-data-list
        api-base-url=${host}
        collection="Ledger"
        fields="title:Item, amount:Price (USD):currency, invoiceNumber:Invoice:ID, invoiceNumber:Grouped, amount:Amount:number"
        sort="title"
      ></wix-data-list>`,
    );
    await oneEvent(el, 'wix-data-loaded');
    await el.updateComplete;
    expect(itemTexts(el)).to.deep.equal([
      'Item Odd Price (USD) n/a Invoice INV-7 Grouped INV-7 Amount n/a',
      'Item Stove Price (USD) $1,234.00 Invoice 10251 Grouped 10,251 Amount 1,234',
      'Item Tent Price (USD) $502.50 Invoice 10250 Grouped 10,250 Amount 502.5',
    ]);
  });

  it('formats in its locale and currency; a label may hold colons; an unknown currency falls back to USD', async () => {
    const el = await listWith(
      html`<wix-data-list api-base-url=${host} collection="Ledger" fields="amount:Preis: brutto:currency, title:Opens: 9:30" locale="de-DE" currency="EUR" filter='{"title":"Tent"}'></wix-data-list>`,
    );
    await oneEvent(el, 'wix-data-loaded');
    await el.updateComplete;
    expect(itemTexts(el)).to.deep.equal([
      `Preis: brutto ${new Intl.NumberFormat('de-DE', { style: 'currency', currency: 'EUR' }).format(502.5)} Opens: 9:30 Tent`,
    ]);
    expect(itemTexts(el)[0]).to.contain('502,50');
    el.currency = 'not a currency';
    await el.updateComplete;
    expect(itemTexts(el)[0]).to.contain('$502.50');
  });

  it('is accessible (axe)', async () => {
    const el = await listWith(html`<wix-data-list api-base-url=${host} collection="Numbers" fields="title:Name, n:Value" page-size="4"></wix-data-list>`);
    await oneEvent(el, 'wix-data-loaded');
    await el.updateComplete;
    await expect(el).to.be.accessible();
  });

  it('keeps the token out of the DOM, storage, cookies and the console', async () => {
    const seen: string[] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const originals = methods.map((m) => console[m]);
    methods.forEach((m) => {
      console[m] = (...args: unknown[]) => {
        seen.push(args.map(String).join(' '));
      };
    });
    let token = '';
    try {
      const el = await listWith(
        html`<wix-data-list api-base-url=${host} collection="Numbers" page-size="3"></wix-data-list>`,
        async () => (token = await anonymousToken()),
      );
      await oneEvent(el, 'wix-data-loaded');
      await el.updateComplete;
    } finally {
      methods.forEach((m, i) => (console[m] = originals[i]!));
    }
    expect(token).to.match(/^OauthNG\.JWS\./);
    const jwtPart = token.split('.')[3]!;
    const everywhere = leakSurface(seen);
    expect(everywhere.includes(jwtPart)).to.equal(false);
    expect(/eyJ[\w-]+\.eyJ[\w-]+/.test(everywhere)).to.equal(false);
  });
});
