import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../elements/backend-action/define.ts';
import type { ActionErrorDetail, BackendActionState, WixBackendAction } from '../../elements/backend-action/backend-action.ts';
import { bindElements } from '../../elements/velo/page.ts';
import { createDollarW } from '../../demo/velo-page/dollar-w.ts';
import { callWebMethod, setPageSession } from '../../demo/velo-page/web-method-client.ts';
import { addFault, anonymousToken, clearFaults, countingGetter, lastSeq, leakSurface, logSince } from './helpers.ts';
import { memberToken, ownerToken } from './fixtures/member-tokens.ts';
import { XSS_PAYLOADS } from './fixtures/xss-payloads.ts';

const host = location.host;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const shadowText = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();
const part = <T extends HTMLElement = HTMLElement>(el: Element, name: string) => el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
const button = (el: Element) => part<HTMLButtonElement>(el, 'button')!;
const text = (el: Element, name: string) => part(el, name)?.textContent!.replace(/\s+/g, ' ').trim();
const ACTION_PATH = '/_functions/action/';

async function stateIs(el: WixBackendAction, state: BackendActionState) {
  await waitUntil(() => el.state === state, `state ${state} (is ${el.state})`, { timeout: 5000 });
  await el.updateComplete;
}

type Method = (input: unknown) => Promise<unknown>;
const ok = (data: unknown) => ({ ok: true as const, data });

/** A promise the test settles by hand: a web method that is still running. */
function deferred<T = unknown>() {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => (resolve = r));
  return { promise, resolve };
}

/** Fake web methods for page code, recording every call (name and input as page code received it). */
function fakeActions(methods: Record<string, Method>) {
  const calls: [string, unknown][] = [];
  const actions = Object.fromEntries(
    Object.entries(methods).map(([name, method]) => [
      name,
      (input: unknown) => {
        calls.push([name, input]);
        return method(input);
      },
    ]),
  );
  return { actions, calls };
}

/** Page code binding the element (id "a") to web methods through a `$w` stand-in. */
function bindActions(actions: Record<string, Method>, id = 'a') {
  bindElements(createDollarW(), { [`#${id}`]: { actions } });
}

/** A Velo page with bound fake actions: the element, and the calls page code received. */
async function veloButton(template: ReturnType<typeof html>, methods: Record<string, Method>) {
  const el = await fixture<WixBackendAction>(template);
  const fake = fakeActions(methods);
  bindActions(fake.actions, el.id);
  await el.updateComplete;
  return { el, calls: fake.calls };
}

/** Collects the element's three events in order. */
function record(el: WixBackendAction) {
  const events: { type: string; detail: unknown }[] = [];
  for (const type of ['wix-action-start', 'wix-action-result', 'wix-action-error'] as const)
    el.addEventListener(type, (e) => events.push({ type, detail: e.detail }));
  return events;
}

/** The requests to the action HTTP function since `seq`, from the platform's request log. */
async function actionRequests(seq: number) {
  return (await logSince(seq)).filter((entry) => entry.path.startsWith(ACTION_PATH));
}

/** A site-widget button: the host injects `getter`; the action runs over HTTP against the real platform. */
async function widgetButton(action: string, getter: () => Promise<string>, attrs: { input?: string; confirm?: string } = {}) {
  const el = await fixture<WixBackendAction>(
    html`<wix-backend-action action=${action} api-base-url=${host} label="Go" input=${attrs.input ?? '{}'} confirm=${attrs.confirm ?? ''}></wix-backend-action>`,
  );
  el.accessTokenListener(getter);
  return el;
}

/** An order id, read as the owner through the Data API (Orders is admin-only). */
async function someOrder(owner: string, offset = 0): Promise<{ id: string; status: string }> {
  const r = await fetch('/_api/cloud-data/v2/items/query', {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: owner },
    body: JSON.stringify({ dataCollectionId: 'Orders', query: { paging: { limit: 1, offset } } }),
  });
  const item = ((await r.json()) as { dataItems: { id: string; data: { status: string } }[] }).dataItems[0]!;
  return { id: item.id, status: item.data.status };
}

const restorers: (() => void)[] = [];

/** Stubs console methods; returns what was logged. */
function captureConsole() {
  const seen: string[] = [];
  const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
  const originals = methods.map((m) => console[m]);
  methods.forEach((m) => (console[m] = (...args: unknown[]) => void seen.push(args.map(String).join(' '))));
  restorers.push(() => methods.forEach((m, i) => (console[m] = originals[i]!)));
  return seen;
}

afterEach(async () => {
  while (restorers.length) restorers.pop()!();
  delete (window as { wixEmbedsAPI?: unknown }).wixEmbedsAPI;
  delete (window as { commonConfig?: unknown }).commonConfig;
  delete (window as { __xss?: unknown }).__xss;
  await clearFaults();
});

describe('<wix-backend-action> on a Velo site (page-code bridge)', () => {
  it('idle: a labelled button, the state reflected, nothing asked before a click; accessible', async () => {
    const { el, calls } = await veloButton(html`<wix-backend-action id="a" action="categoryCounts" label="Count products"></wix-backend-action>`, {
      categoryCounts: async () => ok([]),
    });
    expect(el.state).to.equal('idle');
    expect(el.getAttribute('state')).to.equal('idle');
    expect(button(el).textContent!.trim()).to.equal('Count products');
    expect(button(el).disabled).to.equal(false);
    expect(button(el).getAttribute('aria-busy')).to.equal('false');
    expect(part(el, 'status')!.getAttribute('role')).to.equal('status');
    expect(part(el, 'error')!.getAttribute('role')).to.equal('alert');
    await sleep(50);
    expect(calls).to.have.length(0);
    await expect(el).to.be.accessible();
  });

  it('a click runs it: start (with the input), running (busy, progress text), then success and the result event', async () => {
    const gate = deferred();
    const { el, calls } = await veloButton(
      html`<wix-backend-action id="a" action="updateOrderStatus" input='{"orderId":"o-1","status":"SHIPPED"}' label="Ship" success-text="Shipped!"></wix-backend-action>`,
      { updateOrderStatus: async () => (await gate.promise, ok({ _id: 'o-1', status: 'SHIPPED' })) },
    );
    const events = record(el);
    button(el).click();
    await stateIs(el, 'running');
    expect(events).to.deep.equal([{ type: 'wix-action-start', detail: { action: 'updateOrderStatus', input: { orderId: 'o-1', status: 'SHIPPED' } } }]);
    expect(button(el).getAttribute('aria-busy')).to.equal('true');
    expect(button(el).getAttribute('aria-disabled')).to.equal('true');
    expect(el.getAttribute('state')).to.equal('running');
    expect(text(el, 'status')).to.equal('Working…');
    await expect(el).to.be.accessible();
    gate.resolve(undefined);
    await stateIs(el, 'success');
    expect(calls).to.deep.equal([['updateOrderStatus', { orderId: 'o-1', status: 'SHIPPED' }]]);
    expect(events.slice(1)).to.deep.equal([{ type: 'wix-action-result', detail: { action: 'updateOrderStatus', data: { _id: 'o-1', status: 'SHIPPED' } } }]);
    expect(text(el, 'status')).to.equal('Shipped!');
    expect(button(el).getAttribute('aria-busy')).to.equal('false');
    expect(el.getAttribute('state')).to.equal('success');
    await expect(el).to.be.accessible();
  });

  it('the events bubble out of the element and are composed; start is cancelable', async () => {
    const { el } = await veloButton(html`<wix-backend-action id="a" action="categoryCounts"></wix-backend-action>`, { categoryCounts: async () => ok([]) });
    const start = oneEvent(document.body, 'wix-action-start');
    const result = oneEvent(document.body, 'wix-action-result');
    button(el).click();
    const [s, r] = await Promise.all([start, result]);
    expect([s.bubbles, s.composed, s.cancelable]).to.deep.equal([true, true, true]);
    expect([r.bubbles, r.composed]).to.deep.equal([true, true]);
  });

  it('preventDefault() on wix-action-start stops it: nothing runs, back to idle', async () => {
    const { el, calls } = await veloButton(html`<wix-backend-action id="a" action="categoryCounts"></wix-backend-action>`, {
      categoryCounts: async () => ok([]),
    });
    el.addEventListener('wix-action-start', (e) => e.preventDefault(), { once: true });
    button(el).click();
    await sleep(50);
    expect(el.state).to.equal('idle');
    expect(calls).to.have.length(0);
    button(el).click();
    await stateIs(el, 'success');
    expect(calls).to.have.length(1);
  });

  it('the input event detail is a copy: changing it in a listener changes nothing sent', async () => {
    const { el, calls } = await veloButton(html`<wix-backend-action id="a" action="categoryCounts" input='{"a":1}'></wix-backend-action>`, {
      categoryCounts: async () => ok([]),
    });
    el.addEventListener('wix-action-start', (e) => ((e.detail.input as Record<string, unknown>)['a'] = 2));
    button(el).click();
    await stateIs(el, 'success');
    expect(calls).to.deep.equal([['categoryCounts', { a: 1 }]]);
  });

  it('disabled while running: a double click, or clicks while it runs, make one call', async () => {
    const gate = deferred();
    const { el, calls } = await veloButton(html`<wix-backend-action id="a" action="categoryCounts"></wix-backend-action>`, {
      categoryCounts: async () => (await gate.promise, ok([])),
    });
    const b = button(el);
    b.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, detail: 1 }));
    b.dispatchEvent(new MouseEvent('click', { bubbles: true, composed: true, detail: 2 }));
    await stateIs(el, 'running');
    b.click();
    void el.run();
    await sleep(50);
    expect(calls).to.have.length(1);
    gate.resolve(undefined);
    await stateIs(el, 'success');
    expect(calls).to.have.length(1);
  });

  it('an error: typed kind and the readable message, an alert, the error event; a click retries', async () => {
    let answer: unknown = { ok: false, code: 'PERMISSION_DENIED', message: 'Only the site’s admins can do this.' };
    const { el, calls } = await veloButton(
      html`<wix-backend-action id="a" action="updateOrderStatus" input='{"orderId":"o-1","status":"PAID"}'></wix-backend-action>`,
      {
        updateOrderStatus: async () => answer,
      },
    );
    const failed = oneEvent(el, 'wix-action-error');
    button(el).click();
    expect((await failed).detail).to.deep.equal({
      action: 'updateOrderStatus',
      kind: 'forbidden',
      message: 'Only the site’s admins can do this.',
      code: 'PERMISSION_DENIED',
    });
    await stateIs(el, 'error');
    expect(text(el, 'error')).to.equal('Not allowed. Only the site’s admins can do this.');
    expect(button(el).disabled).to.equal(false);
    expect(el.getAttribute('state')).to.equal('error');
    await expect(el).to.be.accessible();
    answer = ok({ status: 'PAID' });
    button(el).click();
    await stateIs(el, 'success');
    expect(text(el, 'error')).to.equal('');
    expect(calls).to.have.length(2);
  });

  it('maps envelope codes to kinds (VALIDATION, UNAUTHENTICATED, NOT_FOUND, RATE_LIMITED, UNAVAILABLE, constructor)', async () => {
    for (const [code, kind, title] of [
      ['VALIDATION', 'validation', 'Not accepted.'],
      ['UNAUTHENTICATED', 'unauthenticated', 'Not signed in.'],
      ['NOT_FOUND', 'not-found', 'Not found.'],
      ['RATE_LIMITED', 'rate-limited', 'Too busy.'],
      ['UNAVAILABLE', 'server', 'Something went wrong.'],
      ['constructor', 'server', 'Something went wrong.'],
    ] as const) {
      const { el } = await veloButton(html`<wix-backend-action id=${`a-${code}`} action="x"></wix-backend-action>`, {
        x: async () => ({ ok: false, code, message: 'why' }),
      });
      const failed = oneEvent(el, 'wix-action-error');
      button(el).click();
      expect((await failed).detail.kind, code).to.equal(kind);
      await stateIs(el, 'error');
      expect(text(el, 'error'), code).to.equal(`${title} why`);
    }
  });

  it('page code that rejects (a web method denied by Velo) and an action page code does not bind are typed errors', async () => {
    const denied = Object.assign(new Error('Forbidden'), { status: 403 });
    const { el } = await veloButton(html`<wix-backend-action id="a" action="listOrders"></wix-backend-action>`, { listOrders: () => Promise.reject(denied) });
    const failed = oneEvent(el, 'wix-action-error');
    button(el).click();
    expect((await failed).detail.kind).to.equal('forbidden');
    const { el: other } = await veloButton(html`<wix-backend-action id="b" action="notBound"></wix-backend-action>`, { listOrders: async () => ok([]) });
    const unknown = oneEvent(other, 'wix-action-error');
    button(other).click();
    expect((await unknown).detail).to.deep.include({ kind: 'validation', message: 'Unknown action.' });
  });

  it('a page that never answers is a network error after bridge-timeout', async () => {
    const { el } = await veloButton(html`<wix-backend-action id="a" action="slow" bridge-timeout="100"></wix-backend-action>`, {
      slow: () => new Promise(() => {}),
    });
    const failed = oneEvent(el, 'wix-action-error');
    button(el).click();
    expect((await failed).detail.kind).to.equal('network');
    await stateIs(el, 'error');
    expect(text(el, 'error')).to.equal('Could not reach the site. The site could not be reached.');
  });

  it('runs a real web method through page code: the web method’s own permission holds (visitor: allowed, then denied)', async () => {
    const visitor = await anonymousToken();
    setPageSession(async () => visitor);
    const el = await fixture<WixBackendAction>(html`<div>
        <wix-backend-action id="counts" action="categoryCounts"></wix-backend-action>
        <wix-backend-action id="ship" action="updateOrderStatus" input='{"orderId":"x","status":"PAID"}'></wix-backend-action>
      </div>`);
    const [counts, ship] = [...el.querySelectorAll('wix-backend-action')] as [WixBackendAction, WixBackendAction];
    // Page code: `import { categoryCounts, updateOrderStatus } from 'backend/data-admin.web'`.
    const categoryCounts = (input: unknown) => callWebMethod('data-admin.web', 'categoryCounts', [input]);
    const updateOrderStatus = (input: unknown) => callWebMethod('data-admin.web', 'updateOrderStatus', [input]);
    bindElements(createDollarW(), { '#counts': { actions: { categoryCounts } }, '#ship': { actions: { updateOrderStatus } } });
    const result = oneEvent(counts, 'wix-action-result');
    button(counts).click();
    const { detail } = await result;
    expect(detail.action).to.equal('categoryCounts');
    expect(detail.data).to.be.an('array').that.is.not.empty;
    expect((detail.data as { category: string; count: number }[]).every((c) => typeof c.category === 'string' && c.count > 0)).to.equal(true);
    const failed = oneEvent(ship, 'wix-action-error');
    button(ship).click();
    expect((await failed).detail.kind).to.equal('forbidden');
    await stateIs(ship, 'error');
  });

  it('not connected: no token and no page code after connect-timeout; accessible; page code coming later connects it', async () => {
    const el = await fixture<WixBackendAction>(html`<wix-backend-action id="a" action="categoryCounts" connect-timeout="50"></wix-backend-action>`);
    await stateIs(el, 'not-connected');
    expect(text(el, 'status')).to.equal('Not connected: this button needs a Wix site session or page code to run.');
    expect(button(el).disabled).to.equal(true);
    await expect(el).to.be.accessible();
    const failed = oneEvent(el, 'wix-action-error');
    await el.run();
    expect((await failed).detail.kind, 'run() from script fails at once').to.equal('not-connected');
    expect(el.state).to.equal('not-connected');
    const fake = fakeActions({ categoryCounts: async () => ok([]) });
    bindActions(fake.actions);
    await stateIs(el, 'idle');
    button(el).click();
    await stateIs(el, 'success');
  });

  it('a click before the host answered waits for it: it runs once page code binds', async () => {
    const el = await fixture<WixBackendAction>(html`<wix-backend-action id="a" action="categoryCounts" connect-timeout="2000"></wix-backend-action>`);
    button(el).click();
    await stateIs(el, 'running');
    const fake = fakeActions({ categoryCounts: async () => ok([]) });
    bindActions(fake.actions);
    await stateIs(el, 'success');
    expect(fake.calls).to.have.length(1);
  });

  it('a click before the host answered, and nobody answers: not-connected, with the error event', async () => {
    const el = await fixture<WixBackendAction>(html`<wix-backend-action id="a" action="categoryCounts" connect-timeout="100"></wix-backend-action>`);
    const failed = oneEvent(el, 'wix-action-error');
    button(el).click();
    await stateIs(el, 'running');
    expect((await failed).detail).to.deep.include({ action: 'categoryCounts', kind: 'not-connected' });
    await stateIs(el, 'not-connected');
  });

  it('binding again (a login in page code) keeps it working', async () => {
    const fake = fakeActions({ categoryCounts: async () => ok([]) });
    const el = await fixture<WixBackendAction>(html`<wix-backend-action id="a" action="categoryCounts"></wix-backend-action>`);
    const $w = createDollarW();
    bindElements($w, { '#a': { actions: fake.actions } });
    $w('#a').setAttribute('bridge', 'ready');
    button(el).click();
    await stateIs(el, 'success');
    expect(fake.calls).to.have.length(1);
  });
});

describe('<wix-backend-action> confirm step and keyboard', () => {
  const confirmButton = () =>
    veloButton(
      html`<wix-backend-action id="a" action="updateOrderStatus" input='{"orderId":"o-1","status":"REFUNDED"}' label="Refund" confirm="Refund this order?" confirm-label="Yes, refund" cancel-label="Keep it"></wix-backend-action>`,
      {
        updateOrderStatus: async () => ok({ status: 'REFUNDED' }),
      },
    );

  it('a click asks inline first (not window.confirm), with focus on Confirm; accessible', async () => {
    const original = window.confirm;
    let asked = 0;
    window.confirm = () => (asked++, true);
    restorers.push(() => (window.confirm = original));
    const { el, calls } = await confirmButton();
    const events = record(el);
    button(el).focus();
    button(el).click();
    await stateIs(el, 'confirming');
    expect(asked).to.equal(0);
    expect(el.getAttribute('state')).to.equal('confirming');
    expect(text(el, 'prompt')).to.equal('Refund this order?');
    expect(part(el, 'confirm')!.textContent).to.equal('Yes, refund');
    expect(part(el, 'cancel')!.textContent).to.equal('Keep it');
    expect(button(el).hidden).to.equal(true);
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'confirm'));
    const group = el.shadowRoot!.querySelector('[role="group"]')!;
    expect(group.getAttribute('aria-labelledby')).to.equal(part(el, 'prompt')!.id);
    expect(calls).to.have.length(0);
    expect(events).to.have.length(0);
    await expect(el).to.be.accessible();
    part(el, 'confirm')!.click();
    await stateIs(el, 'success');
    expect(calls).to.have.length(1);
    expect(events.map((e) => e.type)).to.deep.equal(['wix-action-start', 'wix-action-result']);
    expect(el.shadowRoot!.activeElement).to.equal(button(el));
  });

  it('Cancel goes back to idle with focus on the button; nothing runs', async () => {
    const { el, calls } = await confirmButton();
    button(el).click();
    await stateIs(el, 'confirming');
    part(el, 'cancel')!.click();
    await stateIs(el, 'idle');
    expect(el.shadowRoot!.activeElement).to.equal(button(el));
    expect(calls).to.have.length(0);
  });

  it('keyboard: Enter opens the confirm step, Escape cancels it, Space opens it again, Enter on Confirm runs', async () => {
    const { el, calls } = await confirmButton();
    button(el).focus();
    await sendKeys({ press: 'Enter' });
    await stateIs(el, 'confirming');
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'confirm'));
    await sendKeys({ press: 'Escape' });
    await stateIs(el, 'idle');
    expect(el.shadowRoot!.activeElement).to.equal(button(el));
    await sendKeys({ press: ' ' }); // the character, which every engine's driver knows (Firefox's does not know 'Space')
    await stateIs(el, 'confirming');
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'cancel'));
    await sendKeys({ press: 'Escape' });
    await stateIs(el, 'idle');
    expect(calls).to.have.length(0);
    await sendKeys({ press: 'Enter' });
    await stateIs(el, 'confirming');
    await sendKeys({ press: 'Enter' });
    await stateIs(el, 'success');
    expect(calls).to.have.length(1);
  });

  it('Escape outside the confirm step does nothing (and is left to the page)', async () => {
    const { el } = await confirmButton();
    let heard = 0;
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && heard++;
    document.addEventListener('keydown', onKey);
    restorers.push(() => document.removeEventListener('keydown', onKey));
    button(el).focus();
    await sendKeys({ press: 'Escape' });
    expect(el.state).to.equal('idle');
    expect(heard).to.equal(1);
    await sendKeys({ press: 'Enter' });
    await stateIs(el, 'confirming');
    await sendKeys({ press: 'Escape' });
    expect(heard, 'consumed by the confirm step').to.equal(1);
  });

  it('keyboard without confirm: Enter and Space on the button run it', async () => {
    const { el, calls } = await veloButton(html`<wix-backend-action id="a" action="categoryCounts"></wix-backend-action>`, {
      categoryCounts: async () => ok([]),
    });
    button(el).focus();
    await sendKeys({ press: 'Enter' });
    await stateIs(el, 'success');
    await sendKeys({ press: ' ' }); // the character, which every engine's driver knows (Firefox's does not know 'Space')
    await waitUntil(() => calls.length === 2, 'ran twice');
    expect(el.shadowRoot!.activeElement).to.equal(button(el));
  });

  it('a confirmed run that fails keeps focus on the button; a retry asks again', async () => {
    const { el } = await veloButton(html`<wix-backend-action id="a" action="x" confirm="Sure?"></wix-backend-action>`, {
      x: async () => ({ ok: false, code: 'UNAVAILABLE', message: 'Down.' }),
    });
    button(el).click();
    await stateIs(el, 'confirming');
    part(el, 'confirm')!.click();
    await stateIs(el, 'error');
    expect(el.shadowRoot!.activeElement).to.equal(button(el));
    button(el).click();
    await stateIs(el, 'confirming');
  });
});

describe('<wix-backend-action> attributes', () => {
  it('bad input JSON: a clear validation error, the error event, and the action cannot run; fixing it goes back to idle', async () => {
    const el = await fixture<WixBackendAction>(html`<wix-backend-action id="a" action="updateOrderStatus" input='{"orderId": "o-1",'></wix-backend-action>`);
    const errors: ActionErrorDetail[] = [];
    el.addEventListener('wix-action-error', (e) => errors.push(e.detail));
    const fake = fakeActions({ updateOrderStatus: async () => ok({}) });
    bindActions(fake.actions);
    await stateIs(el, 'error');
    expect(text(el, 'error')).to.match(/^Not accepted\. The input attribute is not valid JSON \(.+\)\.$/);
    expect(button(el).disabled).to.equal(true);
    await expect(el).to.be.accessible();
    button(el).click();
    await el.run();
    await sleep(50);
    expect(fake.calls).to.have.length(0);
    expect(errors.length).to.equal(1);
    expect(errors[0]).to.deep.include({ action: 'updateOrderStatus', kind: 'validation' });
    el.setAttribute('input', '{"orderId":"o-1","status":"PAID"}');
    await stateIs(el, 'idle');
    expect(text(el, 'error')).to.equal('');
    button(el).click();
    await stateIs(el, 'success');
    expect(fake.calls).to.deep.equal([['updateOrderStatus', { orderId: 'o-1', status: 'PAID' }]]);
  });

  it('the input must be a JSON object: an array, a string or a number is refused', async () => {
    for (const input of ['[1,2]', '"text"', '42', 'true']) {
      const el = await fixture<WixBackendAction>(html`<wix-backend-action action="x" input=${input} connect-timeout="5000"></wix-backend-action>`);
      expect(el.state, input).to.equal('error');
      expect(text(el, 'error'), input).to.contain('The input must be a JSON object');
    }
  });

  it('the input property takes an object; it is sent as JSON (a Date as its ISO string)', async () => {
    const { el, calls } = await veloButton(html`<wix-backend-action id="a" action="x"></wix-backend-action>`, { x: async () => ok(null) });
    el.input = { orderId: 'o-2', when: new Date('2024-05-06T07:08:09.000Z'), nested: [1, { a: null }] };
    button(el).click();
    await stateIs(el, 'success');
    expect(calls).to.deep.equal([['x', { orderId: 'o-2', when: '2024-05-06T07:08:09.000Z', nested: [1, { a: null }] }]]);
    expect(el.input).to.deep.include({ orderId: 'o-2' });
  });

  it('an object that cannot be JSON (a cycle), or one over 32 KB, is refused before anything is sent', async () => {
    const { el, calls } = await veloButton(html`<wix-backend-action id="a" action="x"></wix-backend-action>`, { x: async () => ok(null) });
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    el.input = cycle;
    await stateIs(el, 'error');
    expect(text(el, 'error')).to.equal('Not accepted. The input cannot be sent as JSON.');
    el.input = { message: 'x'.repeat(40_000) };
    await el.updateComplete;
    expect(text(el, 'error')).to.equal('Not accepted. The input is larger than 32 KB.');
    el.input = { message: 'fine' };
    await stateIs(el, 'idle');
    el.input = undefined;
    button(el).click();
    await stateIs(el, 'success');
    expect(calls).to.deep.equal([['x', {}]]);
  });

  it('a missing or malformed action name is an error state', async () => {
    for (const action of ['', 'no spaces', '__proto__', 'x'.repeat(65), '../oauth/disconnect']) {
      const el = await fixture<WixBackendAction>(html`<wix-backend-action action=${action} connect-timeout="5000"></wix-backend-action>`);
      expect(el.state, action).to.equal('error');
      expect(text(el, 'error'), action).to.equal('Not accepted. Set the action attribute to the name of a backend action.');
      expect(button(el).disabled).to.equal(true);
    }
  });

  it('disabled: the button is disabled and a click does nothing; enabling it works again', async () => {
    const { el, calls } = await veloButton(html`<wix-backend-action id="a" action="categoryCounts" disabled confirm="Sure?"></wix-backend-action>`, {
      categoryCounts: async () => ok([]),
    });
    expect(button(el).disabled).to.equal(true);
    button(el).click();
    await el.run();
    await sleep(50);
    expect(el.state).to.equal('idle');
    expect(calls).to.have.length(0);
    await expect(el).to.be.accessible();
    el.disabled = false;
    await el.updateComplete;
    expect(el.hasAttribute('disabled')).to.equal(false);
    button(el).click();
    await stateIs(el, 'confirming');
    el.disabled = true;
    await stateIs(el, 'idle');
  });

  it('the slot replaces the label; the default label is "Run"', async () => {
    const { el } = await veloButton(html`<wix-backend-action id="a" action="x"></wix-backend-action>`, { x: async () => ok(null) });
    expect(button(el).textContent!.trim()).to.equal('Run');
    const slotted = await fixture<WixBackendAction>(
      html`<wix-backend-action action="x" connect-timeout="5000"><span>Send <b>now</b></span></wix-backend-action>`,
    );
    const assigned = slotted.shadowRoot!.querySelector('slot')!.assignedElements();
    expect(assigned.map((e) => e.textContent)).to.deep.equal(['Send now']);
    await expect(slotted).to.be.accessible();
  });

  it('the state attribute is read-only: a value written from outside is put back', async () => {
    const { el } = await veloButton(html`<wix-backend-action id="a" action="x"></wix-backend-action>`, { x: async () => ok(null) });
    el.setAttribute('state', 'success');
    expect(el.getAttribute('state')).to.equal('idle');
    el.removeAttribute('state');
    expect(el.getAttribute('state')).to.equal('idle');
    expect(el.state).to.equal('idle');
  });

  it('shows a placeholder in the Editor: no button, no network, no bridge request', async () => {
    (window as { commonConfig?: unknown }).commonConfig = { viewMode: 'Editor' };
    const seq = await lastSeq();
    const requests: unknown[] = [];
    const el = await fixture<WixBackendAction>(
      html`<wix-backend-action id="a" action="submitContactRequest" label="Send" bridge="ready"></wix-backend-action>`,
    );
    el.addEventListener('wix-bridge-request', (e) => requests.push(e));
    const fake = fakeActions({ submitContactRequest: async () => ok(null) });
    bindActions(fake.actions);
    el.accessTokenListener(async () => 'never-used');
    await el.run();
    await sleep(100);
    await el.updateComplete;
    expect(el.state).to.equal('editor');
    expect(el.getAttribute('state')).to.equal('editor');
    expect(shadowText(el)).to.equal(
      'Action button “Send”: runs the backend action “submitContactRequest” when clicked. On the live site it needs a site session or page code.',
    );
    expect(el.shadowRoot!.querySelector('.placeholder')).to.exist;
    expect(el.shadowRoot!.querySelector('button')).to.equal(null);
    expect(requests).to.have.length(0);
    expect(fake.calls).to.have.length(0);
    expect(await logSince(seq)).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });
});

describe('<wix-backend-action> in a site widget (POST /_functions/action/<name> on the real platform)', () => {
  it('a visitor runs an Anyone action: one POST with the session token, the result event with the data', async () => {
    const seq = await lastSeq();
    const el = await widgetButton('categoryCounts', anonymousToken);
    const result = oneEvent(el, 'wix-action-result');
    button(el).click();
    const { detail } = await result;
    expect(detail.action).to.equal('categoryCounts');
    expect((detail.data as unknown[]).length).to.be.greaterThan(0);
    await stateIs(el, 'success');
    const requests = await actionRequests(seq);
    expect(requests.map((r) => [r.method, r.path, r.status, r.role])).to.deep.equal([['POST', '/_functions/action/categoryCounts', 200, 'visitor']]);
  });

  it('a visitor submits the contact form action; the same requestId twice is stored once', async () => {
    const input = JSON.stringify({ name: 'Ada', email: 'ada@example.com', message: 'Hello', requestId: crypto.randomUUID() });
    const el = await widgetButton('submitContactRequest', anonymousToken, { input });
    const first = oneEvent(el, 'wix-action-result');
    button(el).click();
    expect((await first).detail.data).to.deep.include({ duplicate: false });
    await stateIs(el, 'success');
    const second = oneEvent(el, 'wix-action-result');
    button(el).click();
    expect((await second).detail.data).to.deep.include({ duplicate: true });
  });

  it('an Admin action is forbidden for a visitor (403 → "forbidden", the backend’s message); the owner may run it', async () => {
    const owner = await ownerToken();
    const order = await someOrder(owner, 3);
    const target = order.status === 'PAID' ? 'SHIPPED' : 'PAID';
    const input = JSON.stringify({ orderId: order.id, status: target });
    const seq = await lastSeq();
    const visitorButton = await widgetButton('updateOrderStatus', anonymousToken, { input });
    const failed = oneEvent(visitorButton, 'wix-action-error');
    button(visitorButton).click();
    expect((await failed).detail).to.deep.equal({
      action: 'updateOrderStatus',
      kind: 'forbidden',
      message: 'Only the site’s admins can do this.',
      code: 'PERMISSION_DENIED',
    });
    await stateIs(visitorButton, 'error');
    expect(text(visitorButton, 'error')).to.equal('Not allowed. Only the site’s admins can do this.');
    expect((await actionRequests(seq)).map((r) => r.status)).to.deep.equal([403]);
    expect((await someOrder(owner, 3)).status).to.equal(order.status);

    const ownerButton = await widgetButton('updateOrderStatus', async () => owner, { input });
    const result = oneEvent(ownerButton, 'wix-action-result');
    button(ownerButton).click();
    expect((await result).detail.data).to.deep.include({ _id: order.id, status: target });
    expect((await someOrder(owner, 3)).status).to.equal(target);
  });

  it('a SiteMember action: refused for a visitor, the member gets their own orders', async () => {
    const visitorButton = await widgetButton('myOrders', anonymousToken, { input: '{"limit":3}' });
    const failed = oneEvent(visitorButton, 'wix-action-error');
    button(visitorButton).click();
    expect((await failed).detail).to.deep.include({ kind: 'forbidden', message: 'Sign in as a site member to do this.' });
    const member = await memberToken();
    const memberButton = await widgetButton('myOrders', async () => member, { input: '{"limit":3}' });
    const result = oneEvent(memberButton, 'wix-action-result');
    button(memberButton).click();
    const data = (await result).detail.data as { items: Record<string, unknown>[]; totalCount: number };
    expect(data.items.length).to.be.within(1, 3);
    expect(data.items.every((o) => !('customerEmail' in o))).to.equal(true);
  });

  it('the backend’s validation message is shown (200 with a VALIDATION envelope)', async () => {
    const input = JSON.stringify({ name: 'Ada', email: 'not-an-email', message: 'Hi', requestId: crypto.randomUUID() });
    const el = await widgetButton('submitContactRequest', anonymousToken, { input });
    const failed = oneEvent(el, 'wix-action-error');
    button(el).click();
    const { detail } = await failed;
    expect(detail).to.deep.include({ kind: 'validation', code: 'VALIDATION' });
    expect(detail.message).to.match(/email/);
    await stateIs(el, 'error');
  });

  it('an action not on the backend’s allow-list is "not found" (404)', async () => {
    const el = await widgetButton('listOrders', anonymousToken);
    const failed = oneEvent(el, 'wix-action-error');
    button(el).click();
    expect((await failed).detail).to.deep.equal({ action: 'listOrders', kind: 'not-found', message: 'There is no such action.', code: 'NOT_FOUND' });
  });

  it('a 401 makes one renewal and one retry, then succeeds', async () => {
    await addFault({ path: `${ACTION_PATH}categoryCounts`, status: 401, times: 1 });
    const { getter, counter } = countingGetter();
    const seq = await lastSeq();
    const el = await widgetButton('categoryCounts', getter);
    button(el).click();
    await stateIs(el, 'success');
    expect(counter.calls).to.equal(2);
    expect((await actionRequests(seq)).map((r) => r.status)).to.deep.equal([401, 200]);
  });

  it('a 401 that persists: one renewal, one retry, then "unauthenticated"; never a loop', async () => {
    await addFault({ path: `${ACTION_PATH}categoryCounts`, status: 401 });
    const { getter, counter } = countingGetter();
    const seq = await lastSeq();
    const el = await widgetButton('categoryCounts', getter);
    const failed = oneEvent(el, 'wix-action-error');
    button(el).click();
    expect((await failed).detail.kind).to.equal('unauthenticated');
    await sleep(100);
    expect(counter.calls).to.equal(2);
    expect((await actionRequests(seq)).map((r) => r.status)).to.deep.equal([401, 401]);
    expect(text(el, 'error')).to.equal('Not signed in. Your session has ended. Reload the page.');
  });

  it('a platform 500 (fault injection) is a server error state; the retry succeeds', async () => {
    await addFault({ path: `${ACTION_PATH}categoryCounts`, status: 500, times: 1 });
    const el = await widgetButton('categoryCounts', anonymousToken);
    const failed = oneEvent(el, 'wix-action-error');
    button(el).click();
    expect((await failed).detail).to.deep.equal({ action: 'categoryCounts', kind: 'server', message: 'The site had a problem.' });
    await stateIs(el, 'error');
    expect(text(el, 'error')).to.equal('Something went wrong. The site had a problem.');
    await expect(el).to.be.accessible();
    button(el).click();
    await stateIs(el, 'success');
  });

  it('a malformed body is a server error; 429 is rate-limited', async () => {
    await addFault({ path: `${ACTION_PATH}categoryCounts`, malformedBody: true, times: 1 });
    const el = await widgetButton('categoryCounts', anonymousToken);
    const failed = oneEvent(el, 'wix-action-error');
    button(el).click();
    expect((await failed).detail.message).to.equal('The site answered with a malformed response.');
    await addFault({ path: `${ACTION_PATH}categoryCounts`, status: 429, times: 1 });
    const limited = oneEvent(el, 'wix-action-error');
    button(el).click();
    expect((await limited).detail.kind).to.equal('rate-limited');
  });

  it('an unreachable site is a network error', async () => {
    const el = await fixture<WixBackendAction>(html`<wix-backend-action action="categoryCounts" api-base-url="127.0.0.1:9"></wix-backend-action>`);
    el.accessTokenListener(async () => 'token-1');
    const failed = oneEvent(el, 'wix-action-error');
    button(el).click();
    expect((await failed).detail.kind).to.equal('network');
  });

  it('disabled while running: a double click makes one POST (the platform’s request log)', async () => {
    await addFault({ path: `${ACTION_PATH}categoryCounts`, latencyMs: 300, times: 1 });
    const seq = await lastSeq();
    const el = await widgetButton('categoryCounts', anonymousToken);
    const b = button(el);
    b.click();
    b.click();
    await stateIs(el, 'running');
    b.click();
    await stateIs(el, 'success');
    await sleep(100);
    expect((await actionRequests(seq)).length).to.equal(1);
  });

  it('bad input is refused in the browser: nothing reaches the backend', async () => {
    const seq = await lastSeq();
    const el = await widgetButton('submitContactRequest', anonymousToken, { input: '{nope' });
    await stateIs(el, 'error');
    await el.run();
    await sleep(100);
    expect(await actionRequests(seq)).to.deep.equal([]);
  });

  it('uses window.wixEmbedsAPI (its base URL) when nothing is injected, and a token wins over the bridge', async () => {
    const { getter, counter } = countingGetter();
    window.wixEmbedsAPI = { getExternalBaseUrl: () => location.origin, getAccessTokenFunction: () => getter };
    const seq = await lastSeq();
    const el = await fixture<WixBackendAction>(html`<wix-backend-action id="a" action="categoryCounts"></wix-backend-action>`);
    const fake = fakeActions({ categoryCounts: async () => ok(['from page code']) });
    bindActions(fake.actions);
    button(el).click();
    await stateIs(el, 'success');
    expect(counter.calls).to.equal(1);
    expect(fake.calls).to.have.length(0);
    expect(await actionRequests(seq)).to.have.length(1);
  });

  it('keeps the session token out of the DOM, attributes, storage, cookies, the URL, events and the console', async () => {
    const seen = captureConsole();
    const events: unknown[] = [];
    let token = '';
    const el = await widgetButton('updateOrderStatus', async () => (token = await anonymousToken()), { input: '{"orderId":"x","status":"PAID"}' });
    for (const type of ['wix-action-start', 'wix-action-result', 'wix-action-error'] as const) el.addEventListener(type, (e) => events.push(e.detail));
    button(el).click();
    await stateIs(el, 'error');
    const other = await widgetButton('categoryCounts', async () => token);
    button(other).click();
    await stateIs(other, 'success');
    expect(token).to.match(/^OauthNG\.JWS\./);
    const surface = leakSurface([JSON.stringify(events), ...seen]);
    expect(surface.includes(token.split('.')[3]!)).to.equal(false);
    expect(/OauthNG\.JWS\.|eyJ[\w-]+\.eyJ[\w-]+/.test(surface)).to.equal(false);
  });
});

describe('<wix-backend-action> XSS and Lit', () => {
  it('label, confirm text, success text and server messages render as text: nothing runs, no element is made', async () => {
    for (const [i, payload] of XSS_PAYLOADS.entries()) {
      const id = `x${i}`;
      const { el } = await veloButton(
        html`<wix-backend-action id=${id} action="x" label=${payload} confirm=${payload} success-text=${payload}></wix-backend-action>`,
        {
          x: async () => ok(null),
        },
      );
      expect(button(el).textContent!.trim()).to.equal(payload.trim());
      button(el).click();
      await stateIs(el, 'confirming');
      expect(part(el, 'prompt')!.textContent).to.equal(payload);
      part(el, 'confirm')!.click();
      await stateIs(el, 'success');
      expect(part(el, 'status')!.textContent).to.equal(payload);
      expect(
        el.shadowRoot!.querySelectorAll(
          'img, script, svg, iframe, a, details, video, math, input, marquee, object, embed, style:not([data-lit]), body, form, select, template, noscript',
        ).length,
        payload,
      ).to.equal(0);
    }
    for (const [i, payload] of XSS_PAYLOADS.entries()) {
      const { el } = await veloButton(html`<wix-backend-action id=${`y${i}`} action="x"></wix-backend-action>`, {
        x: async () => ({ ok: false, code: payload, message: payload }),
      });
      const failed = oneEvent(el, 'wix-action-error');
      button(el).click();
      expect((await failed).detail.message).to.equal(payload.slice(0, 500));
      await stateIs(el, 'error');
      expect(part(el, 'error')!.textContent).to.equal(`Something went wrong. ${payload}`);
      expect(part(el, 'error')!.children.length).to.equal(0);
    }
    await sleep(100);
    expect((window as { __xss?: unknown }).__xss).to.equal(undefined);
  });

  it('an attacker-chosen message from the HTTP function renders as text too', async () => {
    const payload = XSS_PAYLOADS[0]!;
    const original = window.fetch;
    window.fetch = async (input, init) =>
      String(input instanceof Request ? input.url : input).includes(ACTION_PATH)
        ? new Response(JSON.stringify({ ok: false, code: 'PERMISSION_DENIED', message: payload }), { status: 403 })
        : original(input, init);
    restorers.push(() => (window.fetch = original));
    const el = await widgetButton('categoryCounts', async () => 'token-1');
    button(el).click();
    await stateIs(el, 'error');
    expect(part(el, 'error')!.textContent).to.equal(`Not allowed. ${payload}`);
    expect(el.shadowRoot!.querySelector('img')).to.equal(null);
    await sleep(50);
    expect((window as { __xss?: unknown }).__xss).to.equal(undefined);
  });

  it('no Lit dev-mode warning while it renders and goes through every state', async () => {
    const seen = captureConsole();
    const gate = deferred();
    const el = await fixture<WixBackendAction>(html`<wix-backend-action id="a" action="x" confirm="Sure?" input="{bad"></wix-backend-action>`);
    el.setAttribute('input', '{}');
    await el.updateComplete;
    const fake = fakeActions({ x: async () => (await gate.promise, ok(null)) });
    bindActions(fake.actions);
    button(el).click();
    await stateIs(el, 'confirming');
    part(el, 'confirm')!.click();
    await stateIs(el, 'running');
    gate.resolve(undefined);
    await stateIs(el, 'success');
    el.disabled = true;
    el.label = 'Again';
    await el.updateComplete;
    const lonely = await fixture<WixBackendAction>(html`<wix-backend-action action="x" connect-timeout="20"></wix-backend-action>`);
    await stateIs(lonely, 'not-connected');
    expect(seen.filter((line) => /lit|update|render/i.test(line))).to.deep.equal([]);
  });
});
