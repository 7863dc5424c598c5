/**
 * The Wix host harness (platform/testing/wix-host-fixture.ts) with the example site's custom element, in a real
 * browser against the platform mounted on the test server: the token injected late, never, or shared by several
 * elements; Editor vs Site view mode; attributes set as Wix sets them; page code hearing the element's events; and
 * seoMarkup captured.
 */
import { expect } from '@open-wc/testing';
import {
  applyWixFrontendRestrictions,
  mountWixElement,
  sharedToken,
  wixAttributeValue,
  SEO_MARKUP_MAX_BYTES,
  type MountedElement,
} from '../../../platform/testing/wix-host-fixture.ts';
import '../../../demo/example-site/custom-elements/book-badge.js';
import { anonymousToken } from '../../elements/helpers.ts';

type Badge = HTMLElement & { status: string; book: unknown };
const mounted: MountedElement[] = [];
const mount = (options: Parameters<typeof mountWixElement>[1]) => {
  const m = mountWixElement<Badge>('book-badge', { attributes: { collection: 'Products' }, ...options });
  mounted.push(m);
  return m;
};
const part = (m: MountedElement, name: string) => m.element.shadowRoot!.querySelector(`[part="${name}"]`)!;
const settle = (ms = 100) => new Promise((r) => setTimeout(r, ms));

afterEach(() => {
  for (const m of mounted.splice(0)) m.remove();
  delete window.wixEmbedsAPI;
});

describe('Wix host harness: book-badge', () => {
  it('with a late token, the element waits and asks for nothing; once injected it reads with the site session', async () => {
    const m = mount({ token: 'late', lateMs: 0, getter: anonymousToken });
    await settle();
    expect((m.element as Badge).status).to.equal('waiting');
    expect(part(m, 'status').textContent).to.equal('waiting for the site session');
    expect(m.tokenCalls).to.equal(0);
    const ready = m.nextEvent('badge-ready');
    m.injectToken();
    const event = await ready;
    expect((event.detail as { total: number }).total).to.be.greaterThan(0);
    expect(m.tokenCalls).to.equal(1);
    expect(part(m, 'status').textContent).to.match(/^\d+ in the catalogue$/);
  });

  it('a late token on a timer arrives by itself', async () => {
    const m = mount({ token: 'late', lateMs: 30, getter: anonymousToken });
    await m.nextEvent('badge-ready');
    expect(m.tokenCalls).to.equal(1);
  });

  it('with no token ever, the element stays waiting and never calls a getter', async () => {
    const m = mount({ token: 'never', getter: anonymousToken });
    await settle(200);
    expect((m.element as Badge).status).to.equal('waiting');
    expect(m.tokenCalls).to.equal(0);
    expect(window.wixEmbedsAPI).to.equal(undefined);
  });

  it('one session shared by three elements: each asks the same getter once', async () => {
    const shared = sharedToken(anonymousToken);
    const badges = [0, 1, 2].map(() => mount({ token: 'late', lateMs: 0 }));
    const ready = Promise.all(badges.map((b) => b.nextEvent('badge-ready')));
    for (const b of badges) b.injectToken(shared);
    await ready;
    expect(shared.calls).to.equal(3);
  });

  it('in the Editor the element shows its placeholder and asks for no token even when one is injected', async () => {
    const m = mount({ viewMode: 'Editor', token: 'now', getter: anonymousToken });
    await settle();
    expect(part(m, 'placeholder').textContent).to.contain('Book badge');
    expect(m.tokenCalls).to.equal(0);
  });

  it('attributes arrive as Wix sets them: page code passes an object, the element gets its JSON string', async () => {
    const m = mount({ token: 'never', attributes: { book: { _id: 'b1', title: 'Dune' } } });
    expect(m.element.getAttribute('book')).to.equal('{"_id":"b1","title":"Dune"}');
    expect(part(m, 'title').textContent).to.equal('Dune');
    m.$w.setAttribute('book', JSON.stringify({ _id: 'b2', title: 'Kindred' }));
    expect(part(m, 'title').textContent).to.equal('Kindred');
    m.$w.setAttribute('collection', 42);
    expect(m.element.getAttribute('collection')).to.equal('42');
    expect(wixAttributeValue(['a'])).to.equal('["a"]');
    expect(() => m.$w.setAttribute('on<click', 'x')).to.throw(TypeError);
  });

  it("page code hears the element's events through on(), and every event is recorded", async () => {
    const m = mount({ token: 'never', attributes: { book: { _id: 'b7', title: 'Lilith' } } });
    let heard: unknown;
    m.$w.on('book-liked', (event) => (heard = event.detail));
    (part(m, 'like') as HTMLButtonElement).click();
    expect(heard).to.deep.equal({ id: 'b7' });
    expect(m.events.map((e) => e.type)).to.deep.equal(['book-liked']);
  });

  it('seoMarkup set by page code is captured, as a string within 100 kB', () => {
    const m = mount({ token: 'never' });
    m.$w.seoMarkup = '<h2>Dune</h2>';
    expect(m.seoMarkup).to.equal('<h2>Dune</h2>');
    expect(() => (m.$w.seoMarkup = 'x'.repeat(SEO_MARKUP_MAX_BYTES + 1))).to.throw(RangeError);
    expect(() => (m.$w.seoMarkup = 5 as unknown as string)).to.throw(TypeError);
    expect(m.seoMarkup).to.equal('<h2>Dune</h2>');
  });
});

describe('Wix frontend restrictions (About Frontend Security), emulated', () => {
  let lift: (() => void) | undefined;
  afterEach(() => {
    lift?.();
    lift = undefined;
    document.cookie = 'svSession=; max-age=0';
    document.cookie = 'mine=; max-age=0';
  });

  it('fetch and XMLHttpRequest cannot be replaced; Wix token services are refused; other requests go through', async () => {
    lift = applyWixFrontendRestrictions();
    const secured = window.fetch;
    window.fetch = (() => Promise.resolve(new Response('hijacked'))) as typeof fetch;
    expect(window.fetch).to.equal(secured);
    const xhr = window.XMLHttpRequest;
    (window as { XMLHttpRequest: unknown }).XMLHttpRequest = function Fake() {};
    expect(window.XMLHttpRequest).to.equal(xhr);
    let refused: unknown;
    await fetch('/_api/v1/access-tokens').catch((e: unknown) => (refused = e));
    expect(refused).to.be.instanceOf(TypeError);
    expect(await anonymousToken()).to.be.a('string');
  });

  it("document.cookie neither shows nor changes Wix's internal cookies, silently; the site's own still work", () => {
    document.cookie = 'svSession=before';
    lift = applyWixFrontendRestrictions();
    expect(document.cookie).not.to.contain('svSession');
    document.cookie = 'svSession=stolen';
    document.cookie = 'mine=1';
    expect(document.cookie).to.contain('mine=1');
    lift();
    lift = undefined;
    expect(document.cookie).to.contain('svSession=before');
  });

  it('window.open of a same-origin page gives an empty object; an iframe srcdoc throws', () => {
    lift = applyWixFrontendRestrictions();
    expect(window.open('/somewhere')).to.deep.equal({});
    const frame = document.createElement('iframe');
    expect(() => (frame.srcdoc = '<script>parent.x = 1</script>')).to.throw(DOMException);
    expect(() => frame.setAttribute('srcdoc', '<p>x</p>')).to.throw(DOMException);
    frame.setAttribute('title', 'fine');
    expect(frame.title).to.equal('fine');
  });

  it('the example element works under the restrictions, with a late token', async () => {
    lift = applyWixFrontendRestrictions();
    const m = mount({ token: 'late', lateMs: 0, getter: anonymousToken });
    const ready = m.nextEvent('badge-ready');
    m.injectToken();
    expect(((await ready).detail as { total: number }).total).to.be.greaterThan(0);
  });
});
