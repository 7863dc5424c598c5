import { expect, fixture, fixtureSync, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../elements/data-list/define.ts';
import type { WixDataList } from '../../elements/data-list/data-list.ts';
import { BridgeClient, type BridgeRequest } from '../../elements/core/bridge.ts';
import { createSessionClient, type QueryResult } from '../../elements/core/client.ts';
import { SessionError } from '../../elements/core/errors.ts';
import { Session } from '../../elements/core/session.ts';
import { bindElements, encodeReply, type BackendQueryArgs, type Envelope } from '../../elements/velo/page.ts';
import { createDollarW } from '../../demo/velo-page/dollar-w.ts';
import { anonymousToken, countingGetter } from './helpers.ts';

const host = location.host;
const shadowText = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();
const itemTexts = (el: Element) => [...el.shadowRoot!.querySelectorAll('[part="item"] [part="value"]')].map((s) => s.textContent!.trim());

/** Stands in for `import { items } from '@wix/data'` in page code: the page's own automatic visitor session. */
function pageItems(getter: () => Promise<string> = anonymousToken) {
  return createSessionClient(new Session(getter), { apiBaseUrl: host }).items;
}

/** A web method that answers through `items` and counts its calls. */
function countingBackend(items = pageItems()) {
  const calls: BackendQueryArgs[] = [];
  const query = async (args: BackendQueryArgs): Promise<Envelope> => {
    calls.push(args);
    return { ok: true, data: await items.query(args.collection, args.request, args.options) };
  };
  return { query, calls };
}

/** Plays page code by hand: every request the element fires, and a way to answer it with any string. */
function handPageCode(el: Element) {
  const requests: BridgeRequest[] = [];
  el.addEventListener('wix-bridge-request', (event) => requests.push((event as CustomEvent<BridgeRequest>).detail));
  el.setAttribute('bridge', 'ready');
  return { requests, reply: (json: string) => el.setAttribute('bridge-reply', json) };
}

/** A BridgeClient on a bare EventTarget, with the requests it dispatched. */
function fakeElement(options?: ConstructorParameters<typeof BridgeClient>[1]) {
  const target = new EventTarget();
  const requests: BridgeRequest[] = [];
  target.addEventListener('wix-bridge-request', (event) => requests.push((event as CustomEvent<BridgeRequest>).detail));
  return { client: new BridgeClient(target, options), requests };
}

const okReply = (id: string, items: { _id: string; [key: string]: unknown }[], total = items.length) =>
  encodeReply({ id, ok: true, data: { items, pagingMetadata: { total } } });

async function failureOf(promise: Promise<unknown>): Promise<SessionError> {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(SessionError);
    return error as SessionError;
  }
  throw new Error('expected the request to fail');
}

describe('page-code bridge: element side with page code', () => {
  afterEach(() => {
    delete (window as { wixEmbedsAPI?: unknown }).wixEmbedsAPI;
    delete (window as { commonConfig?: unknown }).commonConfig;
  });

  it('renders items from page code and pages, with no token in the element', async () => {
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" collection="Numbers" fields="n" sort="n" page-size="10"></wix-data-list>`);
    const loaded = oneEvent(el, 'wix-data-loaded');
    bindElements(createDollarW(), { '#list': { items: pageItems() } });
    expect(el.getAttribute('bridge')).to.equal('ready');
    const { detail } = await loaded;
    expect(detail.totalCount).to.equal(23);
    expect(detail.pageCount).to.equal(3);
    await el.updateComplete;
    expect(itemTexts(el)).to.deep.equal(['1', '2', '3', '4', '5', '6', '7', '8', '9', '10']);
    expect(shadowText(el)).to.contain('Page 1 of 3 · 23 items');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="next"]')!.click();
    await oneEvent(el, 'wix-data-loaded');
    await el.updateComplete;
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part="next"]')!.click();
    const last = await oneEvent(el, 'wix-data-loaded');
    expect(last.detail.page).to.equal(2);
    await el.updateComplete;
    expect(itemTexts(el)).to.deep.equal(['21', '22', '23']);
  });

  it('revives dates that page code encoded as {$date}', async () => {
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" collection="Numbers" sort="n" page-size="2"></wix-data-list>`);
    const loaded = oneEvent(el, 'wix-data-loaded');
    const created = new Date('2024-05-06T07:08:09.000Z');
    bindElements(createDollarW(), {
      '#list': {
        items: {
          query: async () => ({ items: [{ _id: 'a', title: 'A', when: created, nested: { list: [created] } }], pagingMetadata: { total: 1 } }),
        },
      },
    });
    const item = (await loaded).detail.items[0]!;
    expect(item['when']).to.be.instanceOf(Date);
    expect((item['when'] as Date).toISOString()).to.equal(created.toISOString());
    expect((item['nested'] as { list: unknown[] }).list[0]).to.be.instanceOf(Date);
  });

  it('uses backend.query instead of items when both are bound', async () => {
    const backend = countingBackend();
    let itemsCalls = 0;
    const items = { query: async () => (itemsCalls++, { items: [], pagingMetadata: {} }) as QueryResult };
    const el = await fixture<WixDataList>(
      html`<wix-data-list id="list" collection="Numbers" filter='{"parity":"odd"}' sort="n" fields="n" page-size="3"></wix-data-list>`,
    );
    const loaded = oneEvent(el, 'wix-data-loaded');
    bindElements(createDollarW(), { '#list': { items, backend } });
    const { detail } = await loaded;
    expect(detail.totalCount).to.equal(12);
    expect(itemsCalls).to.equal(0);
    expect(backend.calls).to.deep.equal([
      {
        collection: 'Numbers',
        request: { filter: { parity: 'odd' }, sort: [{ fieldName: 'n', order: 'ASC' }], paging: { limit: 3, offset: 0 } },
        options: { returnTotalCount: true },
      },
    ]);
  });

  it("passes the element's include (includeReferences) on to page code, checked", async () => {
    const calls: BackendQueryArgs[] = [];
    const backend = {
      query: async (args: BackendQueryArgs): Promise<Envelope> => (calls.push(args), { ok: true, data: { items: [], pagingMetadata: { total: 0 } } }),
    };
    const el = await fixture<WixDataList>(
      html`<wix-data-list id="list" collection="Products" fields="brandRef" include="brandRef, tagRefs" page-size="3"></wix-data-list>`,
    );
    const loaded = oneEvent(el, 'wix-data-loaded');
    bindElements(createDollarW(), { '#list': { backend } });
    await loaded;
    expect(calls[0]!.options).to.deep.equal({ returnTotalCount: true, includeReferences: [{ field: 'brandRef' }, { field: 'tagRefs' }] });
  });

  it('shows "Access denied" for a backend envelope { ok: false, code: PERMISSION_DENIED }', async () => {
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" collection="Orders"></wix-data-list>`);
    const failed = oneEvent(el, 'wix-data-error');
    bindElements(createDollarW(), { '#list': { backend: { query: async () => ({ ok: false, code: 'PERMISSION_DENIED', message: 'Members only.' }) } } });
    const { detail } = await failed;
    expect(detail).to.include({ kind: 'forbidden', code: 'PERMISSION_DENIED', message: 'Members only.' });
    await el.updateComplete;
    expect(shadowText(el)).to.contain('Access denied');
  });

  it('maps the other envelope codes to their kinds', async () => {
    const cases: [string, string][] = [
      ['FORBIDDEN', 'forbidden'],
      ['VALIDATION', 'validation'],
      ['UNAUTHENTICATED', 'unauthenticated'],
      ['NOT_FOUND', 'not-found'],
      ['RATE_LIMITED', 'rate-limited'],
      ['SOMETHING_ELSE', 'server'],
      ['constructor', 'server'],
    ];
    for (const [code, kind] of cases) {
      const el = await fixture<WixDataList>(html`<wix-data-list id=${`list-${code}`} collection="Numbers"></wix-data-list>`);
      const failed = oneEvent(el, 'wix-data-error');
      bindElements(createDollarW(), { [`#list-${code}`]: { backend: { query: async () => ({ ok: false, code, message: 'no' }) } } });
      expect((await failed).detail.kind, code).to.equal(kind);
    }
  });

  it('maps what the page-side query throws to a typed error (platform permissions via page code)', async () => {
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" collection="Orders"></wix-data-list>`);
    const failed = oneEvent(el, 'wix-data-error');
    bindElements(createDollarW(), { '#list': { items: pageItems() } });
    const { detail } = await failed;
    expect(detail.kind).to.equal('forbidden');
    expect(detail.code).to.equal('WDE0027');
  });

  it('reads the code of a Velo wix-data error, which sits on the error itself', async () => {
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" collection="Orders"></wix-data-list>`);
    const failed = oneEvent(el, 'wix-data-error');
    const veloError = Object.assign(new Error('The current user does not have permissions to read on the Orders collection.'), { code: 'WDE0027' });
    bindElements(createDollarW(), { '#list': { items: { query: () => Promise.reject(veloError) } } });
    const { detail } = await failed;
    expect(detail).to.include({ kind: 'forbidden', code: 'WDE0027' });
  });

  it('maps a rejected web method that carries only an HTTP status', async () => {
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" collection="Orders"></wix-data-list>`);
    const failed = oneEvent(el, 'wix-data-error');
    const rejected = Object.assign(new Error('Forbidden'), { status: 403 });
    bindElements(createDollarW(), { '#list': { backend: { query: () => Promise.reject(rejected) } } });
    expect((await failed).detail.kind).to.equal('forbidden');
  });

  it('a page that never answers gives the network error state after bridge-timeout', async () => {
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" collection="Numbers" bridge-timeout="150"></wix-data-list>`);
    const failed = oneEvent(el, 'wix-data-error');
    bindElements(createDollarW(), { '#list': { backend: { query: () => new Promise<Envelope>(() => {}) } } });
    expect((await failed).detail.kind).to.equal('network');
    await el.updateComplete;
    expect(shadowText(el)).to.contain('Could not load');
    expect(shadowText(el)).to.contain('could not be reached');
  });

  it('an oversize reply is an error state, not a hang', async () => {
    const el = await fixture<WixDataList>(html`<wix-data-list collection="Numbers"></wix-data-list>`);
    const failed = oneEvent(el, 'wix-data-error');
    const page = handPageCode(el);
    await waitUntil(() => page.requests.length === 1, 'the element asked');
    const huge = JSON.stringify({ id: page.requests[0]!.id, ok: true, data: { items: [{ _id: 'big', title: 'x'.repeat(1_100_000) }], pagingMetadata: {} } });
    const started = performance.now();
    page.reply(huge);
    expect((await failed).detail.kind).to.equal('server');
    expect(performance.now() - started).to.be.below(5_000);
    await el.updateComplete;
    expect(shadowText(el)).to.contain('Could not load');
  });

  it('page code sends an error instead of a reply the element would refuse as too large', async () => {
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" collection="Numbers"></wix-data-list>`);
    const failed = oneEvent(el, 'wix-data-error');
    const huge = 'x'.repeat(1_100_000);
    bindElements(createDollarW(), { '#list': { items: { query: async () => ({ items: [{ _id: 'big', title: huge }], pagingMetadata: {} }) } } });
    const { detail } = await failed;
    expect(detail.kind).to.equal('server');
    expect(detail.message).to.contain('too large');
    expect(el.getAttribute('bridge-reply')!.length).to.be.below(1_000);
  });

  for (const [name, body] of [
    ['bad JSON', (id: string) => `{"id":"${id}","ok":tru`],
    ['a missing ok', (id: string) => JSON.stringify({ id, data: { items: [], pagingMetadata: {} } })],
    ['missing pagingMetadata', (id: string) => JSON.stringify({ id, ok: true, data: { items: [] } })],
    ['items that are not an array', (id: string) => JSON.stringify({ id, ok: true, data: { items: {}, pagingMetadata: {} } })],
    ['items without _id', (id: string) => JSON.stringify({ id, ok: true, data: { items: [{ title: 'x' }], pagingMetadata: {} } })],
    ['an unknown error kind', (id: string) => JSON.stringify({ id, ok: false, error: { kind: 'toString', message: 'x' } })],
    ['an error without a message', (id: string) => JSON.stringify({ id, ok: false, error: { kind: 'server' } })],
  ] as const) {
    it(`a malformed reply (${name}) shows the server error state`, async () => {
      const el = await fixture<WixDataList>(html`<wix-data-list collection="Numbers"></wix-data-list>`);
      const failed = oneEvent(el, 'wix-data-error');
      const page = handPageCode(el);
      await waitUntil(() => page.requests.length === 1, 'the element asked');
      page.reply(body(page.requests[0]!.id));
      const { detail } = await failed;
      expect(detail.kind).to.equal('server');
      expect(detail.message).to.equal('The page answered with a malformed reply.');
      await el.updateComplete;
      expect(shadowText(el)).to.contain('Could not load');
    });
  }

  it('never puts a token in the DOM: the element has no getter at all, page code keeps its session', async () => {
    const { getter, counter } = countingGetter();
    let token = '';
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" collection="Numbers" page-size="3"></wix-data-list>`);
    const requests: unknown[] = [];
    el.addEventListener('wix-bridge-request', (event) => requests.push((event as CustomEvent).detail));
    const loaded = oneEvent(el, 'wix-data-loaded');
    bindElements(createDollarW(), { '#list': { items: pageItems(async () => (token = await getter())) } });
    await loaded;
    await el.updateComplete;
    expect(counter.calls).to.equal(1);
    expect(token).to.match(/^OauthNG\.JWS\./);
    expect(window.wixEmbedsAPI).to.equal(undefined);
    expect((el as unknown as { session?: unknown }).session, 'the element holds no session').to.equal(undefined);
    const jwtPart = token.split('.')[3]!;
    const everywhere = [
      document.documentElement.outerHTML,
      ...[...document.querySelectorAll('*')].flatMap((e) => [...e.attributes].map((a) => a.value).concat(e.shadowRoot ? [e.shadowRoot.innerHTML] : [])),
      JSON.stringify(requests),
      JSON.stringify({ ...localStorage }),
      JSON.stringify({ ...sessionStorage }),
      document.cookie,
    ].join('\n');
    expect(el.getAttribute('bridge-reply')).to.be.a('string').and.contain('"items"');
    expect(everywhere.includes(jwtPart)).to.equal(false);
    expect(/eyJ[\w-]+\.eyJ[\w-]+/.test(everywhere)).to.equal(false);
  });

  it('redacts a token that a thrown error quoted', async () => {
    const token = await anonymousToken();
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" collection="Numbers"></wix-data-list>`);
    const failed = oneEvent(el, 'wix-data-error');
    bindElements(createDollarW(), { '#list': { items: { query: async () => Promise.reject(new Error(`rejected Authorization: ${token}`)) } } });
    const { detail } = await failed;
    expect(detail.kind).to.equal('server');
    expect(detail.message).to.contain('[redacted]');
    expect(el.getAttribute('bridge-reply')!.includes(token.split('.')[3]!)).to.equal(false);
  });

  it('answers a request it cannot accept with a validation error', async () => {
    const el = await fixture<HTMLElement>(html`<div id="raw"></div>`);
    bindElements(createDollarW(), { '#raw': { items: pageItems() } });
    el.dispatchEvent(new CustomEvent('wix-bridge-request', { detail: { id: 'r1', op: 'query', collection: 'x'.repeat(257), request: {}, options: {} } }));
    await waitUntil(() => el.getAttribute('bridge-reply') !== null, 'answered');
    expect(JSON.parse(el.getAttribute('bridge-reply')!)).to.deep.include({ id: 'r1', ok: false });
    expect(JSON.parse(el.getAttribute('bridge-reply')!).error.kind).to.equal('validation');
    el.dispatchEvent(new CustomEvent('wix-bridge-request', { detail: { id: 'r2', op: 'remove', collection: 'Numbers', request: {}, options: {} } }));
    await waitUntil(() => el.getAttribute('bridge-reply')!.includes('"r2"'), 'answered r2');
    expect(JSON.parse(el.getAttribute('bridge-reply')!).error.kind).to.equal('validation');
    // No readable id: nobody to answer.
    el.dispatchEvent(new CustomEvent('wix-bridge-request', { detail: { op: 'query', collection: 'Numbers' } }));
    await new Promise((r) => setTimeout(r, 50));
    expect(el.getAttribute('bridge-reply')!.includes('"r2"')).to.equal(true);
  });

  it('prefers an injected token over the bridge', async () => {
    const backend = countingBackend();
    const { getter, counter } = countingGetter();
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" api-base-url=${host} collection="Numbers" page-size="1"></wix-data-list>`);
    const loaded = oneEvent(el, 'wix-data-loaded');
    el.accessTokenListener(getter);
    bindElements(createDollarW(), { '#list': { backend } });
    expect((await loaded).detail.totalCount).to.equal(23);
    await new Promise((r) => setTimeout(r, 100));
    expect(counter.calls).to.equal(1);
    expect(backend.calls).to.have.length(0);
  });

  it('switches to a token injected after the bridge', async () => {
    const backend = countingBackend();
    const { getter, counter } = countingGetter();
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" api-base-url=${host} collection="Numbers" page-size="1"></wix-data-list>`);
    const first = oneEvent(el, 'wix-data-loaded');
    bindElements(createDollarW(), { '#list': { backend } });
    await first;
    expect(backend.calls).to.have.length(1);
    const second = oneEvent(el, 'wix-data-loaded');
    el.accessTokenListener(getter);
    await second;
    expect(counter.calls).to.equal(1);
    expect(backend.calls).to.have.length(1);
    el.setAttribute('bridge', 'ready'); // page code binding again changes nothing now
    await new Promise((r) => setTimeout(r, 100));
    expect(backend.calls).to.have.length(1);
  });

  it('prefers a token from window.wixEmbedsAPI over the bridge', async () => {
    const backend = countingBackend();
    const { getter, counter } = countingGetter();
    window.wixEmbedsAPI = { getExternalBaseUrl: () => location.origin, getAccessTokenFunction: () => getter };
    // The embeds token is there at once, so the load may finish before `fixture` would resolve: listen first.
    const el = fixtureSync<WixDataList>(html`<wix-data-list id="list" collection="Numbers" page-size="1" bridge="ready"></wix-data-list>`);
    await oneEvent(el, 'wix-data-loaded');
    expect(counter.calls).to.equal(1);
    expect(backend.calls).to.have.length(0);
  });

  it('binding again (a login in page code) reloads', async () => {
    const backend = countingBackend();
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" collection="Numbers" page-size="1"></wix-data-list>`);
    const $w = createDollarW();
    const first = oneEvent(el, 'wix-data-loaded');
    bindElements($w, { '#list': { backend } });
    await first;
    const second = oneEvent(el, 'wix-data-loaded');
    $w('#list').setAttribute('bridge', 'ready');
    await second;
    expect(backend.calls).to.have.length(2);
  });

  it('a bridge that is ready after connect-timeout still connects', async () => {
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" collection="Numbers" connect-timeout="50" page-size="1"></wix-data-list>`);
    await waitUntil(() => shadowText(el).includes('Not connected'), 'shows Not connected');
    const loaded = oneEvent(el, 'wix-data-loaded');
    bindElements(createDollarW(), { '#list': { items: pageItems() } });
    expect((await loaded).detail.totalCount).to.equal(23);
  });

  it('keeps the placeholder in the Editor', async () => {
    (window as { commonConfig?: unknown }).commonConfig = { viewMode: 'Editor' };
    const el = await fixture<WixDataList>(html`<wix-data-list id="list" collection="Numbers" bridge="ready"></wix-data-list>`);
    const requests: unknown[] = [];
    el.addEventListener('wix-bridge-request', (event) => requests.push(event));
    el.setAttribute('bridge', 'ready');
    await new Promise((r) => setTimeout(r, 100));
    await el.updateComplete;
    expect(shadowText(el)).to.contain('Shows items from the "Numbers" collection');
    expect(requests).to.have.length(0);
  });
});

describe('BridgeClient', () => {
  it('fires one JSON-safe request event per query, bubbling and composed', async () => {
    const target = document.createElement('div');
    const client = new BridgeClient(target, { timeoutMs: 50 });
    const seen = oneEvent(target, 'wix-bridge-request');
    void client.items.query('Numbers', { paging: { limit: 2, offset: 4 } }, { returnTotalCount: true }).catch(() => {});
    const event = (await seen) as CustomEvent<BridgeRequest>;
    expect(event.bubbles).to.equal(true);
    expect(event.composed).to.equal(true);
    expect(event.detail.id).to.match(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(JSON.stringify(event.detail))).to.deep.equal({
      id: event.detail.id,
      op: 'query',
      collection: 'Numbers',
      request: { paging: { limit: 2, offset: 4 } },
      options: { returnTotalCount: true },
    });
  });

  it('resolves out-of-order replies to the right requests and ignores stale, duplicate and unknown ones', async () => {
    const { client, requests } = fakeElement();
    const first = client.items.query('A', {});
    const second = client.items.query('B', {});
    const [a, b] = requests;
    client.receive(okReply(b!.id, [{ _id: 'b1' }]));
    client.receive(okReply('no-such-request', [{ _id: 'x' }]));
    client.receive(okReply(a!.id, [{ _id: 'a1' }, { _id: 'a2' }]));
    client.receive(okReply(b!.id, [{ _id: 'late duplicate' }]));
    expect((await first).items.map((i) => i._id)).to.deep.equal(['a1', 'a2']);
    expect((await second).items.map((i) => i._id)).to.deep.equal(['b1']);
  });

  it('rejects with the typed error a page sends', async () => {
    const { client, requests } = fakeElement();
    const pending = client.items.query('A', {});
    client.receive(encodeReply({ id: requests[0]!.id, ok: false, error: { kind: 'not-found', message: 'No such collection.', code: 'WDE0025' } }));
    const error = await failureOf(pending);
    expect(error.kind).to.equal('not-found');
    expect(error.message).to.equal('No such collection.');
    expect(error.code).to.equal('WDE0025');
  });

  it('times out as a network error', async () => {
    const { client } = fakeElement({ timeoutMs: 30 });
    const error = await failureOf(client.items.query('A', {}));
    expect(error.kind).to.equal('network');
  });

  it('refuses an oversize reply without parsing it, matching it by the id at the start', async () => {
    const { client, requests } = fakeElement({ maxReplySize: 1_000, timeoutMs: 60_000 });
    const pending = client.items.query('A', {});
    const reply = okReply(requests[0]!.id, [{ _id: 'big', title: 'x'.repeat(2_000) }]);
    expect(reply.startsWith(`{"id":"${requests[0]!.id}"`)).to.equal(true);
    client.receive(reply);
    expect((await failureOf(pending)).kind).to.equal('server');
  });

  it('ignores a malformed reply whose id cannot be read, and still takes the good one', async () => {
    const { client, requests } = fakeElement();
    const pending = client.items.query('A', {});
    const { id } = requests[0]!;
    client.receive('not json at all');
    client.receive(`{"ok":true,"id":"${id}"`); // bad JSON, id not at the start
    client.receive('[]');
    client.receive('null');
    client.receive(null);
    client.receive(okReply(id, [{ _id: 'ok' }]));
    expect((await pending).items[0]!._id).to.equal('ok');
  });

  it('rejects a parsed but malformed reply even when its id is not first', async () => {
    const { client, requests } = fakeElement();
    const pending = client.items.query('A', {});
    client.receive(JSON.stringify({ ok: true, data: { items: [{ _id: 1 }], pagingMetadata: {} }, id: requests[0]!.id }));
    expect((await failureOf(pending)).message).to.equal('The page answered with a malformed reply.');
  });
});

describe('$w stand-in', () => {
  it('accepts only string attribute values and hands events over as copies, with the target id', async () => {
    const el = await fixture<HTMLElement>(html`<div id="box"></div>`);
    const $w = createDollarW();
    expect(() => $w('#box').setAttribute('n', 5 as unknown as string)).to.throw(TypeError);
    $w('#box').setAttribute('n', '5');
    expect(el.getAttribute('n')).to.equal('5');
    const received = new Promise<{ type: string; detail: unknown; target: { id: string } }>((resolve) => $w('#box').on('ping', resolve));
    const detail = { a: [1, 2] };
    el.dispatchEvent(new CustomEvent('ping', { detail }));
    const event = await received;
    expect(event).to.deep.equal({ type: 'ping', detail: { a: [1, 2] }, target: { id: 'box' } });
    expect(event.detail).not.to.equal(detail);
    expect(() => $w('#missing')).to.throw(/nothing matches/);
  });

  it('onReady waits for the custom elements on the page to be defined', async () => {
    const tag = `late-element-${Math.random().toString(36).slice(2)}`;
    const wrap = await fixture<HTMLElement>(html`<div></div>`);
    wrap.appendChild(document.createElement(tag));
    let ran = false;
    const ready = createDollarW(wrap).onReady(() => {
      ran = true;
    });
    await new Promise((r) => setTimeout(r, 30));
    expect(ran).to.equal(false);
    customElements.define(tag, class extends HTMLElement {});
    await ready;
    expect(ran).to.equal(true);
  });
});
