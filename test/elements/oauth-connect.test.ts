import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import '../../elements/oauth-connect/define.ts';
import fc from 'fast-check';
import type { OAuthConnectState, OAuthErrorDetail, WixOAuthConnect } from '../../elements/oauth-connect/oauth-connect.ts';
import { ActionBridge, type ActionRequest } from '../../elements/core/action-bridge.ts';
import { SessionError } from '../../elements/core/errors.ts';
import { bindElements, encodeReply } from '../../elements/velo/page.ts';
import { createDollarW } from '../../demo/velo-page/dollar-w.ts';
import { anonymousToken, countingGetter, leakSurface } from './helpers.ts';

const host = location.host;
const shadowText = (el: Element) => el.shadowRoot!.textContent!.replace(/\s+/g, ' ').trim();
const part = <T extends Element = HTMLElement>(el: Element, name: string) => el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);
const buttons = (el: Element) => [...el.shadowRoot!.querySelectorAll('button')].map((b) => b.textContent!.trim());
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function stateIs(el: WixOAuthConnect, state: OAuthConnectState) {
  await waitUntil(() => el.state === state, `state ${state} (is ${el.state})`);
  await el.updateComplete;
}

type Action = 'connectionStatus' | 'startConnect' | 'disconnect' | 'callConnected';
type Method = (input: unknown) => Promise<unknown>;
const ok = (data: unknown) => ({ ok: true as const, data });

/** Fake web methods for page code, recording every call (name and input as page code received it). */
function fakeActions(overrides: Partial<Record<Action, Method>> = {}) {
  const calls: [string, unknown][] = [];
  const impl: Record<Action, Method> = {
    connectionStatus: async () => ok({ status: 'not-connected' }),
    startConnect: async () => ok({ authorizeUrl: '/popup-fixture.html' }),
    disconnect: async () => ok({ disconnected: true }),
    callConnected: async () => ok({ items: [] }),
    ...overrides,
  };
  const actions = Object.fromEntries(
    Object.entries(impl).map(([name, method]) => [
      name,
      (input: unknown) => {
        calls.push([name, input]);
        return method(input);
      },
    ]),
  );
  const named = (name: Action) => calls.filter(([n]) => n === name).map(([, input]) => input);
  return { actions, calls, named };
}

/** Page code binding the element (id "c") to web methods. */
function bindActions(actions: Record<string, Method>, id = 'c') {
  bindElements(createDollarW(), { [`#${id}`]: { actions } });
}

/** Plays page code by hand: every request the element fires, and a way to answer with any string. */
function handPageCode(el: Element) {
  const requests: ActionRequest[] = [];
  el.addEventListener('wix-bridge-request', (event) => requests.push((event as CustomEvent<ActionRequest>).detail));
  el.setAttribute('bridge', 'ready');
  return { requests, reply: (json: string) => el.setAttribute('bridge-reply', json) };
}

const restorers: (() => void)[] = [];

interface FakePopup {
  closed: boolean;
  closes: number;
  close(): void;
}

/** Stubs window.open; `next` is what the next call returns (a fake window by default, null = blocked). */
function stubOpen() {
  const opened: { url: string | URL | undefined; target: string | undefined; features: string | undefined }[] = [];
  const popup: FakePopup = {
    closed: false,
    closes: 0,
    close() {
      this.closes++;
      this.closed = true;
    },
  };
  const stub = { opened, popup, next: popup as unknown };
  const original = window.open;
  window.open = ((url?: string | URL, target?: string, features?: string) => {
    opened.push({ url, target, features });
    return stub.next as Window | null;
  }) as typeof window.open;
  restorers.push(() => (window.open = original));
  return stub;
}

/** A `message` event as the browser would deliver it; `source` cannot be given a fake window through the constructor. */
function post(source: unknown, data: unknown, origin = location.origin) {
  const event = new MessageEvent('message', { data, origin });
  Object.defineProperty(event, 'source', { value: source });
  window.dispatchEvent(event);
}

interface FetchCall {
  url: string;
  action: string;
  method: string;
  authorization: string | null;
  body: unknown;
}

const json = (body: unknown, status = 200) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

/** Stubs fetch for `/_functions/oauth/*` only (until post_oauth is served): everything else goes through. */
function fakeHttpFunction(handler: (action: string, call: FetchCall, n: number) => Response | Promise<Response>) {
  const calls: FetchCall[] = [];
  const original = window.fetch;
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
    const match = /\/_functions\/oauth\/(\w+)$/.exec(new URL(url, location.href).pathname);
    if (!match) return original(input, init);
    const call: FetchCall = {
      url,
      action: match[1]!,
      method: init?.method ?? 'GET',
      authorization: new Headers(init?.headers).get('authorization'),
      body: JSON.parse(String(init?.body ?? 'null')),
    };
    calls.push(call);
    return handler(call.action, call, calls.length);
  };
  restorers.push(() => (window.fetch = original));
  return calls;
}

/** A backend over HTTP with the four actions; the status can be changed by the test. */
function fakeOAuthServer(initial: 'not-connected' | 'connected' | 'revoked' = 'not-connected') {
  const server = {
    status: initial as string,
    calls: [] as FetchCall[],
  };
  server.calls = fakeHttpFunction((action, call) => {
    if (action === 'connectionStatus')
      return json(
        ok(
          server.status === 'connected'
            ? { status: 'connected', siteId: 'site-1', scopes: ['wix-data.items.read'], connectedAt: '2024-05-06T07:08:09.000Z' }
            : { status: server.status },
        ),
      );
    if (action === 'startConnect') return json(ok({ authorizeUrl: `/oauth2/authorize?mode=${(call.body as { mode: string }).mode}` }));
    if (action === 'disconnect') return ((server.status = 'not-connected'), json(ok({ disconnected: true })));
    return json(ok({ items: [{ _id: 'a', title: 'Alpha' }] }));
  });
  return server;
}

const everywhere = (extra: unknown[] = []) => leakSurface([JSON.stringify(extra)]);

afterEach(() => {
  while (restorers.length) restorers.pop()!();
  delete (window as { wixEmbedsAPI?: unknown }).wixEmbedsAPI;
  delete (window as { commonConfig?: unknown }).commonConfig;
});

describe('<wix-oauth-connect> on a Velo site (page-code bridge)', () => {
  it('checks, then shows "No Wix site connected" with a Connect button; fires wix-oauth-change for each state', async () => {
    const fake = fakeActions();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    const seen: string[] = [];
    el.addEventListener('wix-oauth-change', (e) => seen.push(e.detail.status));
    expect(el.state).to.equal('checking');
    expect(shadowText(el)).to.contain('Checking the connection');
    bindActions(fake.actions);
    await stateIs(el, 'not-connected');
    expect(shadowText(el)).to.contain('No Wix site connected');
    // "Not connected" is the words every element uses for no session at all: not this state.
    expect(shadowText(el)).not.to.contain('Not connected');
    expect(buttons(el)).to.deep.equal(['Connect']);
    expect(part(el, 'state')!.getAttribute('role')).to.equal('status');
    expect(fake.named('connectionStatus')).to.deep.equal([{}]);
    expect(seen).to.deep.equal(['not-connected']);
  });

  it('shows the connection: site name (or ID), scopes in plain words, the date, and Disconnect', async () => {
    const fake = fakeActions({
      connectionStatus: async () =>
        ok({
          connected: true,
          status: 'connected',
          siteId: 'site-123',
          scopes: ['wix-data.items.read', 'custom.scope'],
          connectedAt: '2024-05-06T07:08:09.000Z',
        }),
    });
    const el = await fixture<WixOAuthConnect>(
      html`<div lang="en-GB"><wix-oauth-connect id="c" site-name="Northwind Outfitters"></wix-oauth-connect></div>`,
    ).then((d) => d.firstElementChild as WixOAuthConnect);
    bindActions(fake.actions);
    await stateIs(el, 'connected');
    expect(part(el, 'title')!.textContent).to.equal('Connected to Northwind Outfitters');
    expect(part(el, 'scopes')!.textContent).to.equal('It can read items in your site’s collections and custom.scope.');
    expect(part(el, 'since')!.textContent).to.equal('Since 6 May 2024.');
    expect(buttons(el)).to.deep.equal(['Disconnect']);
    expect(fake.named('callConnected')).to.deep.equal([]);
    el.removeAttribute('site-name');
    await el.updateComplete;
    expect(part(el, 'title')!.textContent).to.equal('Connected to site-123');
  });

  it('fields of the wrong type are left out: no site ID, only string scopes (prototype names as they are), no date unless a valid date string', async () => {
    for (const [connectedAt, lang, since] of [
      [undefined, 'en-GB', null],
      [0, 'en-GB', null],
      ['not a date', 'en-GB', null],
      ['2024-05-06T07:08:09.000Z', 'en_GB!', `Since ${new Date('2024-05-06T07:08:09.000Z').toDateString()}.`], // a lang tag Intl refuses
    ] as const) {
      const answer = { status: 'connected', siteId: 42, scopes: ['wix-data.items.write', 7, {}, '__proto__', 'constructor'], connectedAt };
      const el = await fixture<WixOAuthConnect>(html`<div lang=${lang}><wix-oauth-connect id="c"></wix-oauth-connect></div>`).then(
        (d) => d.firstElementChild as WixOAuthConnect,
      );
      bindActions(fakeActions({ connectionStatus: async () => ok(answer) }).actions);
      await stateIs(el, 'connected');
      expect(part(el, 'title')!.textContent).to.equal('Connected to a Wix site');
      expect(part(el, 'scopes')!.textContent).to.equal('It can add, change and delete items in your site’s collections and __proto__ and constructor.');
      expect(part(el, 'since')?.textContent ?? null, String(connectedAt)).to.equal(since);
      el.parentElement!.remove();
    }
  });

  it('with preview-collection, lists the titles of the first 3 items from callConnected', async () => {
    const items = ['Tent', 'Stove', '<img src=x onerror="window.__xss=1">', 'Lamp', 'Rope'].map((title, i) => ({ _id: `p${i}`, title }));
    const fake = fakeActions({
      connectionStatus: async () => ok({ status: 'connected', siteId: 'site-123', scopes: [], connectedAt: '2024-05-06T07:08:09.000Z' }),
      callConnected: async () => ok({ items }),
    });
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c" preview-collection="Products"></wix-oauth-connect>`);
    bindActions(fake.actions);
    await waitUntil(() => el.shadowRoot!.querySelectorAll('[part="preview-item"]').length > 0, 'preview shown');
    const titles = [...el.shadowRoot!.querySelectorAll('[part="preview-item"]')].map((li) => li.textContent);
    expect(titles).to.deep.equal(['Tent', 'Stove', '<img src=x onerror="window.__xss=1">']);
    expect(el.shadowRoot!.querySelectorAll('img').length).to.equal(0);
    expect(fake.named('callConnected')).to.deep.equal([{ collection: 'Products', limit: 3 }]);
  });

  it('a failed preview keeps the connection shown, says why, and fires wix-oauth-error', async () => {
    const fake = fakeActions({
      connectionStatus: async () => ok({ status: 'connected', siteId: 'site-123' }),
      callConnected: async () => ({ ok: false, code: 'VALIDATION', message: 'collection: must be a collection ID' }),
    });
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c" preview-collection="1bad"></wix-oauth-connect>`);
    const failed = oneEvent(el, 'wix-oauth-error');
    bindActions(fake.actions);
    expect((await failed).detail).to.deep.equal({ kind: 'validation', message: 'collection: must be a collection ID', code: 'VALIDATION' });
    await el.updateComplete;
    expect(el.state).to.equal('connected');
    expect(shadowText(el)).to.contain('Could not load items from 1bad: collection: must be a collection ID');
  });

  it('shows "The connection was revoked" with "Connect again", which starts a connection', async () => {
    const open = stubOpen();
    const fake = fakeActions({ connectionStatus: async () => ok({ status: 'revoked', siteId: 'site-123' }) });
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    bindActions(fake.actions);
    await stateIs(el, 'revoked');
    expect(shadowText(el)).to.contain('The connection was revoked');
    part(el, 'connect')!.click();
    await stateIs(el, 'connecting');
    expect(fake.named('startConnect')).to.deep.equal([{ mode: 'popup' }]);
    expect(open.opened).to.have.length(1);
    open.popup.closed = true;
    await stateIs(el, 'revoked');
  });

  it('on a Velo site a visitor is refused as forbidden by the members-only web method: the same sign-in prompt, no "Try again"', async () => {
    let answer: unknown = { ok: false, code: 'PERMISSION_DENIED', message: 'Sign in as a site member to do this.' };
    const fake = fakeActions({ connectionStatus: async () => answer });
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    const failed = oneEvent(el, 'wix-oauth-error');
    bindActions(fake.actions);
    expect((await failed).detail).to.include({ kind: 'forbidden' });
    await stateIs(el, 'error');
    expect(shadowText(el)).to.contain('Not signed in');
    expect(shadowText(el)).to.contain('Sign in as a site member to do this.');
    expect(buttons(el)).to.deep.equal([]);
    answer = ok({ status: 'not-connected' });
    el.setAttribute('bridge', 'ready');
    await stateIs(el, 'not-connected');
  });

  it('a visitor (not signed in) is told to sign in, with no "Try again" that would fail the same way; signing in checks again', async () => {
    let answer: unknown = { ok: false, code: 'UNAUTHENTICATED', message: 'Sign in first.' };
    const fake = fakeActions({ connectionStatus: async () => answer });
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    const failed = oneEvent(el, 'wix-oauth-error');
    bindActions(fake.actions);
    expect((await failed).detail).to.deep.equal({ kind: 'unauthenticated', message: 'Sign in first.', code: 'UNAUTHENTICATED' });
    await stateIs(el, 'error');
    // A prompt in the info tone, announced politely: not an alert, not the error colour.
    expect(part(el, 'state')!.getAttribute('role')).to.equal('status');
    expect(part(el, 'state')!.classList.contains('info')).to.equal(true);
    expect(part(el, 'state')!.classList.contains('error')).to.equal(false);
    expect(shadowText(el)).to.contain('Not signed in');
    expect(shadowText(el)).to.contain('Sign in to connect your account to a Wix site.');
    expect(buttons(el)).to.deep.equal([]);
    // The member signs in: page code binds again (bridge="ready" once more), and the card checks by itself.
    answer = ok({ status: 'not-connected' });
    el.setAttribute('bridge', 'ready');
    await stateIs(el, 'not-connected');
    expect(fake.named('connectionStatus')).to.have.length(2);
  });

  it('shows a typed error with "Try again", which checks again visibly (checking, announced, then the answer)', async () => {
    let answer: unknown = { ok: false, code: 'UNAVAILABLE', message: 'The connection service is down.' };
    const fake = fakeActions({ connectionStatus: async () => answer });
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    const seen: string[] = [];
    el.addEventListener('wix-oauth-change', (e) => seen.push(e.detail.status));
    bindActions(fake.actions);
    await stateIs(el, 'error');
    expect(shadowText(el)).to.contain('The connection service is down.');
    part(el, 'retry')!.click();
    await waitUntil(() => fake.named('connectionStatus').length === 2);
    await stateIs(el, 'error');
    // The retry went through "checking" (announced: aria-busy, a change event).
    expect(seen).to.deep.equal(['error', 'checking', 'error']);
    answer = ok({ status: 'not-connected' });
    part(el, 'retry')!.click();
    await stateIs(el, 'not-connected');
    expect(fake.named('connectionStatus')).to.have.length(3);
  });

  describe('stale states (issue 16)', () => {
    const CONNECTED = { status: 'connected', siteId: 'site-123', scopes: ['wix-data.items.read'], connectedAt: '2024-05-06T07:08:09.000Z' };
    const REVOKED = { ok: false, code: 'UNAUTHENTICATED', message: 'The connection was revoked. Connect again.' };
    const returnToPage = () => window.dispatchEvent(new Event('focus'));
    /** Never "Connected" and "revoked" at once, and never Disconnect next to a revoked connection. */
    const consistent = (el: WixOAuthConnect) => {
      const words = shadowText(el);
      expect(/Connected to/.test(words) && /revoked/i.test(words), words).to.equal(false);
      if (/revoked/i.test(words)) expect(buttons(el)).not.to.include('Disconnect');
    };

    it('a grant revoked elsewhere ("Manage connected apps"): coming back to the page reads the preview, finds the grant gone, and shows revoked', async () => {
      const backend = { status: CONNECTED as Record<string, unknown>, revokedAtServer: false };
      const fake = fakeActions({
        connectionStatus: async () => ok(backend.status),
        callConnected: async () => {
          if (!backend.revokedAtServer) return ok({ items: [{ _id: 'a', title: 'Alpha' }] });
          backend.status = { ...CONNECTED, status: 'revoked' }; // what the backend does when the refresh is refused
          return REVOKED;
        },
      });
      const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c" preview-collection="Stores"></wix-oauth-connect>`);
      bindActions(fake.actions);
      await waitUntil(() => part(el, 'preview-item'), 'preview shown');
      backend.revokedAtServer = true;
      returnToPage();
      await stateIs(el, 'revoked');
      consistent(el);
      expect(shadowText(el)).to.contain('The connection was revoked');
      expect(buttons(el)).to.deep.equal(['Connect again']);
      expect(fake.named('connectionStatus')).to.have.length(3); // the first check, the quiet one on focus, the one after the refusal
    });

    it('a call that says the grant is gone wins over a backend that still says connected, and nothing loops', async () => {
      const fake = fakeActions({ connectionStatus: async () => ok(CONNECTED), callConnected: async () => REVOKED });
      const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c" preview-collection="Stores"></wix-oauth-connect>`);
      const errors: string[] = [];
      el.addEventListener('wix-oauth-error', (e) => errors.push(e.detail.code ?? ''));
      bindActions(fake.actions);
      await stateIs(el, 'revoked');
      await sleep(200);
      expect(el.state).to.equal('revoked');
      consistent(el);
      expect(fake.named('callConnected')).to.have.length(1);
      expect(fake.named('connectionStatus')).to.have.length(2);
      expect(errors).to.deep.equal(['UNAUTHENTICATED']);
    });

    it('coming back (focus or the tab shown again) picks up a change made elsewhere, quietly: no "checking" flash when nothing changed', async () => {
      const backend = { status: { status: 'not-connected' } as Record<string, unknown> };
      const fake = fakeActions({ connectionStatus: async () => ok(backend.status) });
      const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
      bindActions(fake.actions);
      await stateIs(el, 'not-connected');
      const seen: string[] = [];
      el.addEventListener('wix-oauth-change', (e) => seen.push(e.detail.status));
      returnToPage();
      await waitUntil(() => fake.named('connectionStatus').length === 2);
      await sleep(50);
      expect(seen, 'nothing changed: no event').to.deep.equal([]);
      backend.status = CONNECTED; // connected in another tab
      await sleep(1000); // rechecks are at least a second apart
      document.dispatchEvent(new Event('visibilitychange'));
      await stateIs(el, 'connected');
      expect(seen).to.deep.equal(['connected']);
      expect(buttons(el)).to.deep.equal(['Disconnect']);
    });

    it('focus storms ask once; no recheck while a popup is open or after the element left the page', async () => {
      const open = stubOpen();
      const fake = fakeActions();
      const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
      bindActions(fake.actions);
      await stateIs(el, 'not-connected');
      for (let i = 0; i < 20; i++) returnToPage();
      await sleep(100);
      expect(fake.named('connectionStatus')).to.have.length(2);
      await sleep(1000);
      part(el, 'connect')!.click();
      await stateIs(el, 'connecting');
      returnToPage();
      await sleep(100);
      expect(fake.named('connectionStatus')).to.have.length(2);
      open.popup.closed = true;
      await stateIs(el, 'not-connected');
      el.remove();
      returnToPage();
      await sleep(100);
      expect(fake.named('connectionStatus')).to.have.length(2);
    });
  });

  describe('login-hint', () => {
    it('adds login_hint to the authorize URL (popup and redirect), keeping every other parameter', async () => {
      const open = stubOpen();
      const fake = fakeActions({ startConnect: async () => ok({ authorizeUrl: '/oauth2/authorize?client_id=app&state=s1&scope=a+b' }) });
      const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c" login-hint=" ada+demo@example.com "></wix-oauth-connect>`);
      bindActions(fake.actions);
      await stateIs(el, 'not-connected');
      part(el, 'connect')!.click();
      await stateIs(el, 'connecting');
      const url = new URL(String(open.opened[0]!.url));
      expect(url.searchParams.get('login_hint')).to.equal('ada+demo@example.com');
      expect(url.searchParams.get('client_id')).to.equal('app');
      expect(url.searchParams.get('state')).to.equal('s1');
      expect(url.searchParams.get('scope')).to.equal('a b');
      // The hint never reaches the backend: startConnect's input is as before.
      expect(fake.named('startConnect')).to.deep.equal([{ mode: 'popup' }]);
      open.popup.closed = true;
      await stateIs(el, 'not-connected');
      // Popup blocked: the redirect goes to the hinted URL too.
      open.next = null;
      const went: string[] = [];
      el.navigate = (to) => void went.push(to);
      part(el, 'connect')!.click();
      await waitUntil(() => went.length === 1);
      expect(new URL(went[0]!).searchParams.get('login_hint')).to.equal('ada+demo@example.com');
    });

    it('a removed login-hint attribute (the property becomes null) adds no hint and still connects', async () => {
      const open = stubOpen();
      const fake = fakeActions({ startConnect: async () => ok({ authorizeUrl: '/oauth2/authorize?state=s1' }) });
      const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c" login-hint="ada@example.com"></wix-oauth-connect>`);
      bindActions(fake.actions);
      await stateIs(el, 'not-connected');
      el.removeAttribute('login-hint');
      expect(el.loginHint).to.equal(null);
      part(el, 'connect')!.click();
      await stateIs(el, 'connecting');
      const url = new URL(String(open.opened[0]!.url));
      expect(url.searchParams.has('login_hint')).to.equal(false);
      expect(url.searchParams.get('state')).to.equal('s1');
    });

    // A hint with control characters goes encoded (URLSearchParams); the consent page ignores it (test/platform/oauth-login-hint.test.ts).
    it('ignores a hint longer than an email address can be, or blank, and leaves the authorize URL as the backend made it', async () => {
      for (const hint of ['a'.repeat(255), '   ']) {
        const open = stubOpen();
        const fake = fakeActions({ startConnect: async () => ok({ authorizeUrl: '/oauth2/authorize?state=s1&login_hint=from-backend' }) });
        const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c" login-hint=${hint}></wix-oauth-connect>`);
        bindActions(fake.actions);
        await stateIs(el, 'not-connected');
        part(el, 'connect')!.click();
        await stateIs(el, 'connecting');
        expect(new URL(String(open.opened[0]!.url)).searchParams.getAll('login_hint'), JSON.stringify(hint)).to.deep.equal(['from-backend']);
        open.popup.closed = true;
        await stateIs(el, 'not-connected');
        el.remove();
      }
    });
  });

  it('maps envelope codes to kinds (PERMISSION_DENIED, RATE_LIMITED, UNAVAILABLE, constructor)', async () => {
    for (const [code, kind] of [
      ['PERMISSION_DENIED', 'forbidden'],
      ['RATE_LIMITED', 'rate-limited'],
      ['UNAVAILABLE', 'server'],
      ['constructor', 'server'],
    ]) {
      const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id=${`c-${code}`}></wix-oauth-connect>`);
      const failed = oneEvent(el, 'wix-oauth-error');
      bindActions(fakeActions({ connectionStatus: async () => ({ ok: false, code, message: 'no' }) }).actions, `c-${code}`);
      expect((await failed).detail.kind, code!).to.equal(kind);
    }
  });

  it('Connect opens the consent popup, and only the popup’s message from this origin reloads the status', async () => {
    const open = stubOpen();
    let status = 'not-connected';
    const fake = fakeActions({ connectionStatus: async () => ok({ status, siteId: 'site-123' }) });
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    bindActions(fake.actions);
    await stateIs(el, 'not-connected');
    part(el, 'connect')!.click();
    await stateIs(el, 'connecting');
    expect(fake.named('startConnect')).to.deep.equal([{ mode: 'popup' }]);
    expect(open.opened).to.deep.equal([
      { url: new URL('/popup-fixture.html', location.href).href, target: 'wix-oauth-connect', features: 'popup,width=520,height=680' },
    ]);
    expect(shadowText(el)).to.contain('Finish in the window that opened');
    expect(buttons(el)).to.deep.equal(['Cancel']);
    status = 'connected';
    const message = { type: 'wix-oauth-connect', ok: true };
    post(open.popup, message, 'https://evil.example'); // another origin
    post(open.popup, message, 'null'); // an opaque origin
    post(window, message); // this origin, another window
    post({ closed: false }, message); // this origin, another window
    post(null, message);
    post(open.popup, { ...message, type: 'something-else' });
    post(open.popup, 'wix-oauth-connect');
    post(open.popup, null);
    await sleep(50);
    expect(el.state).to.equal('connecting');
    expect(fake.named('connectionStatus')).to.have.length(1);
    post(open.popup, message);
    await stateIs(el, 'connected');
    expect(fake.named('connectionStatus')).to.have.length(2);
    // The listener is gone: a second message does nothing.
    post(open.popup, message);
    await sleep(50);
    expect(fake.named('connectionStatus')).to.have.length(2);
  });

  it('a real window posting from this origin: only the popup is heard, and closing it goes back', async () => {
    const open = stubOpen();
    const frames = await fixture<HTMLElement>(html`<div><iframe title="popup"></iframe><iframe title="other"></iframe></div>`);
    const [popupFrame, otherFrame] = [...frames.querySelectorAll('iframe')];
    open.next = popupFrame!.contentWindow;
    const fake = fakeActions();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    bindActions(fake.actions);
    await stateIs(el, 'not-connected');
    part(el, 'connect')!.click();
    await stateIs(el, 'connecting');
    // Script running inside each frame, as the callback page does: the event's source is that frame.
    const postFromFrame = (frame: HTMLIFrameElement, ok: boolean) =>
      (frame.contentWindow as unknown as { eval(code: string): void }).eval(
        `parent.postMessage({ type: 'wix-oauth-connect', ok: ${ok}, error: 'access_denied' }, ${JSON.stringify(location.origin)})`,
      );
    postFromFrame(otherFrame!, false);
    await sleep(50);
    expect(el.state).to.equal('connecting');
    postFromFrame(popupFrame!, false);
    await stateIs(el, 'error');
    expect(shadowText(el)).to.contain('The connection was declined on Wix.');
    // One click on "Try again" connects again (a new start and a new popup), then the window goes away without a word.
    part(el, 'retry')!.click();
    await stateIs(el, 'connecting');
    expect(fake.named('startConnect')).to.have.length(2);
    expect(open.opened).to.have.length(2);
    popupFrame!.remove();
    await stateIs(el, 'not-connected');
  });

  it('a failure message from the popup shows the error and fires wix-oauth-error with its code', async () => {
    const open = stubOpen();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    bindActions(fakeActions().actions);
    await stateIs(el, 'not-connected');
    part(el, 'connect')!.click();
    await stateIs(el, 'connecting');
    const failed = oneEvent(el, 'wix-oauth-error');
    post(open.popup, { type: 'wix-oauth-connect', ok: false, error: 'exchange_failed' });
    expect((await failed).detail).to.deep.equal({ kind: 'server', message: 'The connection could not be completed. Try again.', code: 'exchange_failed' });
    await stateIs(el, 'error');
    expect(part(el, 'state')!.getAttribute('role')).to.equal('alert');
  });

  it('an expired or reused connect request (invalid_state) is a validation error with the generic message, and Try again connects again', async () => {
    const open = stubOpen();
    const fake = fakeActions();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    bindActions(fake.actions);
    await stateIs(el, 'not-connected');
    part(el, 'connect')!.click();
    await stateIs(el, 'connecting');
    const failed = oneEvent(el, 'wix-oauth-error');
    post(open.popup, { type: 'wix-oauth-connect', ok: false, error: 'invalid_state' });
    expect((await failed).detail).to.deep.equal({ kind: 'validation', message: 'The connection could not be completed. Try again.', code: 'invalid_state' });
    await stateIs(el, 'error');
    expect(part(el, 'title')!.textContent).to.equal('Something went wrong');
    part(el, 'retry')!.click();
    await stateIs(el, 'connecting');
    expect(fake.named('startConnect')).to.have.length(2);
  });

  it('any error the callback page may post (hostile strings, prototype keys, other types) is one of three readable errors with a bounded code (property)', async () => {
    const open = stubOpen();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    bindActions(fakeActions().actions);
    await stateIs(el, 'not-connected');
    const errors: OAuthErrorDetail[] = [];
    el.addEventListener('wix-oauth-error', (e) => errors.push(e.detail));
    const special = fc.constantFrom<unknown>('access_denied', 'invalid_state', '__proto__', 'constructor', 'toString', 'x'.repeat(65), '', ' access_denied');
    await fc.assert(
      fc.asyncProperty(fc.oneof(special, fc.string({ maxLength: 80 }), fc.jsonValue({ maxDepth: 2 })), async (error) => {
        // From the error state, Try again connects again: a new popup (the same fake window, open again).
        part(el, el.state === 'error' ? 'retry' : 'connect')!.click();
        open.popup.closed = false;
        await stateIs(el, 'connecting');
        post(open.popup, { type: 'wix-oauth-connect', ok: false, error });
        await stateIs(el, 'error');
        const { kind, message, code } = errors.at(-1)!;
        const expected = typeof error == 'string' && /^[\w.-]{1,64}$/.test(error) ? error : 'failed';
        expect(code).to.equal(expected);
        expect(kind).to.equal(expected === 'access_denied' ? 'forbidden' : expected === 'invalid_state' ? 'validation' : 'server');
        expect(message).to.equal(expected === 'access_denied' ? 'The connection was declined on Wix.' : 'The connection could not be completed. Try again.');
        expect(buttons(el)).to.deep.equal(['Try again']);
        expect(shadowText(el)).to.contain(message);
      }),
      { numRuns: 40 },
    );
  });

  it('a popup closed without a message goes back to the previous state; a late message is ignored', async () => {
    const open = stubOpen();
    const fake = fakeActions();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    bindActions(fake.actions);
    await stateIs(el, 'not-connected');
    part(el, 'connect')!.click();
    await stateIs(el, 'connecting');
    await sleep(600);
    expect(el.state, 'still open after a poll').to.equal('connecting');
    open.popup.closed = true;
    const started = performance.now();
    await stateIs(el, 'not-connected');
    expect(performance.now() - started).to.be.below(1_000);
    post(open.popup, { type: 'wix-oauth-connect', ok: true });
    await sleep(50);
    expect(fake.named('connectionStatus')).to.have.length(1);
  });

  it('Cancel closes the popup and goes back', async () => {
    const open = stubOpen();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    bindActions(fakeActions().actions);
    await stateIs(el, 'not-connected');
    part(el, 'connect')!.click();
    await stateIs(el, 'connecting');
    part(el, 'cancel')!.click();
    await stateIs(el, 'not-connected');
    expect(open.popup.closes).to.equal(1);
  });

  it('a blocked popup falls back to redirect mode: startConnect({ mode: "redirect" }), then navigate()', async () => {
    const open = stubOpen();
    open.next = null;
    const fake = fakeActions({
      startConnect: async (input) => ok({ authorizeUrl: `https://${host}/oauth2/authorize?mode=${(input as { mode: string }).mode}` }),
    });
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    const navigated: string[] = [];
    el.navigate = (url) => navigated.push(url);
    bindActions(fake.actions);
    await stateIs(el, 'not-connected');
    part(el, 'connect')!.click();
    await waitUntil(() => navigated.length === 1, 'navigated');
    expect(fake.named('startConnect')).to.deep.equal([{ mode: 'popup' }, { mode: 'redirect' }]);
    expect(open.opened).to.have.length(1);
    expect(navigated).to.deep.equal([`https://${host}/oauth2/authorize?mode=redirect`]);
    await el.updateComplete;
    expect(el.state).to.equal('connecting');
    expect(shadowText(el)).to.contain('Taking you to Wix');
  });

  it('never opens or navigates to a non-http(s) authorize URL', async () => {
    const open = stubOpen();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    const navigated: string[] = [];
    el.navigate = (url) => navigated.push(url);
    bindActions(fakeActions({ startConnect: async () => ok({ authorizeUrl: 'javascript:alert(1)' }) }).actions);
    await stateIs(el, 'not-connected');
    part(el, 'connect')!.click();
    await stateIs(el, 'error');
    expect(open.opened).to.have.length(0);
    expect(navigated).to.have.length(0);
  });

  it('Disconnect calls disconnect, then checks again; focus moves to Connect', async () => {
    let status = 'connected';
    const fake = fakeActions({
      connectionStatus: async () => ok({ status, siteId: 'site-123' }),
      disconnect: async () => ((status = 'not-connected'), ok({ disconnected: true })),
    });
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    bindActions(fake.actions);
    await stateIs(el, 'connected');
    const disconnect = part<HTMLButtonElement>(el, 'disconnect')!;
    disconnect.focus();
    disconnect.click();
    await stateIs(el, 'not-connected');
    expect(fake.named('disconnect')).to.deep.equal([{}]);
    expect(fake.named('connectionStatus')).to.have.length(2);
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'connect'));
  });

  it('after a redirect, ?oauth=<error> shows the error and ?oauth=connected checks the status', async () => {
    const original = location.href;
    restorers.push(() => history.replaceState(history.state, '', original));
    const withParam = (value: string) => {
      const url = new URL(original);
      url.searchParams.set('oauth', value);
      history.replaceState(history.state, '', url);
    };
    withParam('access_denied');
    const fake = fakeActions();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    const failed = oneEvent(el, 'wix-oauth-error');
    bindActions(fake.actions);
    expect((await failed).detail.code).to.equal('access_denied');
    await stateIs(el, 'error');
    expect(part(el, 'title')!.textContent).to.equal('Connection declined');
    expect(shadowText(el)).to.contain('The connection was declined on Wix.');
    expect(fake.named('connectionStatus')).to.have.length(0);
    withParam('<script>x</script>');
    const other = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c2"></wix-oauth-connect>`);
    const failedToo = oneEvent(other, 'wix-oauth-error');
    bindActions(fakeActions().actions, 'c2');
    expect((await failedToo).detail.code).to.equal('failed');
    withParam('connected');
    const third = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c3"></wix-oauth-connect>`);
    const fake3 = fakeActions({ connectionStatus: async () => ok({ status: 'connected', siteId: 's' }) });
    bindActions(fake3.actions, 'c3');
    await stateIs(third, 'connected');
    expect(fake3.named('connectionStatus')).to.have.length(1);
  });

  it('shows "Not connected" (as every element does) without a token or page code after connect-timeout, and connects when page code comes', async () => {
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c" connect-timeout="50"></wix-oauth-connect>`);
    await stateIs(el, 'no-session');
    expect(shadowText(el)).to.contain('Not connected');
    expect(shadowText(el)).to.contain('It needs a Wix site session.');
    bindActions(fakeActions().actions);
    await stateIs(el, 'not-connected');
  });

  it('shows a placeholder in the Editor and asks nothing', async () => {
    (window as { commonConfig?: unknown }).commonConfig = { viewMode: 'Editor' };
    const fake = fakeActions();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c" bridge="ready"></wix-oauth-connect>`);
    bindActions(fake.actions);
    el.accessTokenListener(async () => 'never-used');
    await sleep(100);
    await el.updateComplete;
    expect(el.state).to.equal('editor');
    expect(shadowText(el)).to.contain('Wix site connection');
    expect(fake.calls).to.have.length(0);
  });

  it('binding again (a login in page code) checks again', async () => {
    const fake = fakeActions();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
    const $w = createDollarW();
    bindElements($w, { '#c': { actions: fake.actions } });
    await stateIs(el, 'not-connected');
    $w('#c').setAttribute('bridge', 'ready');
    await waitUntil(() => fake.named('connectionStatus').length === 2, 'checked again');
  });

  describe('bridge replies', () => {
    it('out of order: an older, slower answer never overwrites a newer one', async () => {
      const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect></wix-oauth-connect>`);
      const page = handPageCode(el);
      await waitUntil(() => page.requests.length === 1, 'first request');
      void el.reload();
      await waitUntil(() => page.requests.length === 2, 'second request');
      const [first, second] = page.requests;
      expect(first).to.deep.include({ op: 'call', action: 'connectionStatus', input: {} });
      page.reply(encodeReply({ id: second!.id, ok: true, data: ok({ status: 'connected', siteId: 'newer' }) }));
      await stateIs(el, 'connected');
      page.reply(encodeReply({ id: first!.id, ok: true, data: ok({ status: 'not-connected' }) }));
      page.reply(encodeReply({ id: 'unknown-id', ok: true, data: ok({ status: 'revoked' }) }));
      await sleep(50);
      expect(el.state).to.equal('connected');
      expect(shadowText(el)).to.contain('Connected to newer');
    });

    for (const [name, body] of [
      ['bad JSON', (id: string) => `{"id":"${id}","ok":tru`],
      ['a missing ok', (id: string) => JSON.stringify({ id, data: ok({ status: 'connected' }) })],
      ['data that is not an envelope', (id: string) => JSON.stringify({ id, ok: true, data: { status: 'connected' } })],
      ['an envelope failure without a code', (id: string) => JSON.stringify({ id, ok: true, data: { ok: false, message: 'x' } })],
      ['an unknown error kind', (id: string) => JSON.stringify({ id, ok: false, error: { kind: 'toString', message: 'x' } })],
      ['an error without a message', (id: string) => JSON.stringify({ id, ok: false, error: { kind: 'server' } })],
      ['an oversize reply', (id: string) => JSON.stringify({ id, ok: true, data: ok({ status: 'connected', siteId: 'x'.repeat(1_100_000) }) })],
    ] as const) {
      it(`a malformed reply (${name}) shows the error state`, async () => {
        const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect></wix-oauth-connect>`);
        const failed = oneEvent(el, 'wix-oauth-error');
        const page = handPageCode(el);
        await waitUntil(() => page.requests.length === 1, 'the element asked');
        page.reply(body(page.requests[0]!.id));
        const { detail } = await failed;
        expect(detail).to.deep.equal({ kind: 'server', message: 'The page answered with a malformed reply.' });
        await stateIs(el, 'error');
      });
    }

    it('a status the element does not know is a malformed answer', async () => {
      const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c"></wix-oauth-connect>`);
      const failed = oneEvent(el, 'wix-oauth-error');
      bindActions(fakeActions({ connectionStatus: async () => ok({ status: 'maybe' }) }).actions);
      expect((await failed).detail.message).to.equal('The site answered with a malformed response.');
    });

    it('a page that never answers gives the network error state after bridge-timeout', async () => {
      const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c" bridge-timeout="150"></wix-oauth-connect>`);
      const failed = oneEvent(el, 'wix-oauth-error');
      bindActions(fakeActions({ connectionStatus: () => new Promise(() => {}) }).actions);
      expect((await failed).detail.kind).to.equal('network');
      await stateIs(el, 'error');
      expect(shadowText(el)).to.contain('Could not reach the site');
    });
  });

  it('never puts a token in the DOM: page code keeps its session, the element gets only the status', async () => {
    const { getter, counter } = countingGetter();
    let token = '';
    const requests: unknown[] = [];
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c" preview-collection="Numbers"></wix-oauth-connect>`);
    el.addEventListener('wix-bridge-request', (event) => requests.push((event as CustomEvent).detail));
    // The web methods run server-side with the page's session; the fakes stand in for them and hold the token.
    bindActions(
      fakeActions({
        connectionStatus: async () => ((token = await getter()), ok({ status: 'connected', siteId: 'site-123', scopes: ['wix-data.items.read'] })),
        callConnected: async () => ok({ items: [{ _id: 'n-01', title: 'Number 1' }] }),
      }).actions,
    );
    await waitUntil(() => el.shadowRoot!.querySelector('[part="preview-item"]'), 'preview shown');
    expect(counter.calls).to.equal(1);
    expect(token).to.match(/^OauthNG\.JWS\./);
    const text = everywhere(requests);
    expect(text.includes(token.split('.')[3]!)).to.equal(false);
    expect(/eyJ[\w-]+\.eyJ[\w-]+/.test(text)).to.equal(false);
  });

  it('is accessible (axe) when not connected, connected, and in error', async () => {
    let answer: unknown = ok({ status: 'not-connected' });
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c" preview-collection="Products"></wix-oauth-connect>`);
    bindActions(fakeActions({ connectionStatus: async () => answer, callConnected: async () => ok({ items: [{ _id: 'a', title: 'Tent' }] }) }).actions);
    await stateIs(el, 'not-connected');
    await expect(el).to.be.accessible();
    answer = ok({ status: 'connected', siteId: 'site-123', scopes: ['wix-data.items.read'], connectedAt: '2024-05-06T07:08:09.000Z' });
    await el.reload();
    await el.updateComplete;
    await expect(el).to.be.accessible();
    answer = { ok: false, code: 'PERMISSION_DENIED', message: 'Members only.' };
    await el.reload();
    await stateIs(el, 'error');
    await expect(el).to.be.accessible();
  });
});

describe('<wix-oauth-connect> in a site widget (HTTP function with the session token)', () => {
  it('POSTs each action to /_functions/oauth/<action> with the token in Authorization and the input as JSON', async () => {
    const server = fakeOAuthServer('connected');
    const { getter } = countingGetter(async () => 'token-1');
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect api-base-url=${host} preview-collection="Products"></wix-oauth-connect>`);
    el.accessTokenListener(getter);
    await waitUntil(() => el.shadowRoot!.querySelector('[part="preview-item"]'), 'preview shown');
    expect(shadowText(el)).to.contain('Connected to site-1');
    expect(server.calls).to.deep.equal([
      { url: `https://${host}/_functions/oauth/connectionStatus`, action: 'connectionStatus', method: 'POST', authorization: 'token-1', body: {} },
      {
        url: `https://${host}/_functions/oauth/callConnected`,
        action: 'callConnected',
        method: 'POST',
        authorization: 'token-1',
        body: { collection: 'Products', limit: 3 },
      },
    ]);
  });

  it('connects through a popup and disconnects, as on a Velo site', async () => {
    const open = stubOpen();
    const server = fakeOAuthServer();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect api-base-url=${host}></wix-oauth-connect>`);
    el.accessTokenListener(countingGetter(async () => 'token-1').getter);
    await stateIs(el, 'not-connected');
    part(el, 'connect')!.click();
    await stateIs(el, 'connecting');
    expect(open.opened[0]!.url).to.equal(new URL('/oauth2/authorize?mode=popup', location.href).href);
    server.status = 'connected';
    post(open.popup, { type: 'wix-oauth-connect', ok: true });
    await stateIs(el, 'connected');
    part(el, 'disconnect')!.click();
    await stateIs(el, 'not-connected');
    expect(server.calls.map((c) => c.action)).to.deep.equal(['connectionStatus', 'startConnect', 'connectionStatus', 'disconnect', 'connectionStatus']);
  });

  it('only the start may store a cookie (it binds this browser to the connect): startConnect is same-origin, every other call omits credentials', async () => {
    const open = stubOpen();
    const server = fakeOAuthServer();
    const seen: [string, RequestCredentials | undefined][] = [];
    const inner = window.fetch;
    window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      const match = /\/_functions\/oauth\/(\w+)$/.exec(new URL(url, location.href).pathname);
      if (match) seen.push([match[1]!, init?.credentials]);
      return inner(input, init);
    };
    restorers.push(() => (window.fetch = inner));
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect api-base-url=${host}></wix-oauth-connect>`);
    el.accessTokenListener(countingGetter(async () => 'token-1').getter);
    await stateIs(el, 'not-connected');
    part(el, 'connect')!.click();
    await stateIs(el, 'connecting');
    server.status = 'connected';
    post(open.popup, { type: 'wix-oauth-connect', ok: true });
    await stateIs(el, 'connected');
    part(el, 'disconnect')!.click();
    await stateIs(el, 'not-connected');
    expect(seen).to.deep.equal([
      ['connectionStatus', 'omit'],
      ['startConnect', 'same-origin'],
      ['connectionStatus', 'omit'],
      ['disconnect', 'omit'],
      ['connectionStatus', 'omit'],
    ]);
  });

  it('takes the token getter and the site URL (with its path) from window.wixEmbedsAPI', async () => {
    const server = fakeOAuthServer();
    const { getter, counter } = countingGetter(async () => 'token-e');
    window.wixEmbedsAPI = { getExternalBaseUrl: () => `${location.origin}/my-site/`, getAccessTokenFunction: () => getter };
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect></wix-oauth-connect>`);
    await stateIs(el, 'not-connected');
    expect(counter.calls).to.equal(1);
    expect(server.calls[0]!.url).to.equal(`https://${host}/my-site/_functions/oauth/connectionStatus`);
  });

  it('without api-base-url or wixEmbedsAPI, calls the page’s own host', async () => {
    const server = fakeOAuthServer();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect></wix-oauth-connect>`);
    el.accessTokenListener(async () => 'token-1');
    await stateIs(el, 'not-connected');
    expect(server.calls[0]!.url).to.equal(`https://${location.host}/_functions/oauth/connectionStatus`);
  });

  it('on a 401 renews once and retries once', async () => {
    let n = 0;
    const { getter, counter } = countingGetter(async () => `token-${++n}`);
    const calls = fakeHttpFunction((_action, call) =>
      call.authorization === 'token-1' ? json({ message: 'expired' }, 401) : json(ok({ status: 'not-connected' })),
    );
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect api-base-url=${host}></wix-oauth-connect>`);
    el.accessTokenListener(getter);
    await stateIs(el, 'not-connected');
    expect(calls.map((c) => c.authorization)).to.deep.equal(['token-1', 'token-2']);
    expect(counter.calls).to.equal(2);
  });

  it('a second 401 is the "unauthenticated" error state, never a loop', async () => {
    let n = 0;
    const { getter, counter } = countingGetter(async () => `token-${++n}`);
    const calls = fakeHttpFunction(() => json({ message: 'no' }, 401));
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect api-base-url=${host}></wix-oauth-connect>`);
    const failed = oneEvent(el, 'wix-oauth-error');
    el.accessTokenListener(getter);
    expect((await failed).detail.kind).to.equal('unauthenticated');
    await sleep(100);
    expect(calls).to.have.length(2);
    expect(counter.calls).to.equal(2);
    expect(el.state).to.equal('error');
  });

  for (const [status, kind] of [
    [403, 'forbidden'],
    [404, 'not-found'],
    [429, 'rate-limited'],
    [500, 'server'],
    [302, 'server'],
  ] as const) {
    it(`an HTTP ${status} is a ${kind} error state`, async () => {
      fakeHttpFunction(() => new Response('{"ok":true,"data":{"status":"connected"}}', { status }));
      const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect api-base-url=${host}></wix-oauth-connect>`);
      const failed = oneEvent(el, 'wix-oauth-error');
      el.accessTokenListener(async () => 'token-1');
      expect((await failed).detail.kind).to.equal(kind);
      await stateIs(el, 'error');
    });
  }

  it('a malformed body (not JSON, or not an envelope) is a server error state', async () => {
    for (const body of ['<html>', '{"status":"connected"}', 'null']) {
      fakeHttpFunction(() => new Response(body, { status: 200 }));
      const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect api-base-url=${host}></wix-oauth-connect>`);
      const failed = oneEvent(el, 'wix-oauth-error');
      el.accessTokenListener(async () => 'token-1');
      expect((await failed).detail).to.deep.equal({ kind: 'server', message: 'The site answered with a malformed response.' });
      restorers.pop()!();
    }
  });

  it('an unreachable site is a network error state', async () => {
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect api-base-url="127.0.0.1:9"></wix-oauth-connect>`);
    const failed = oneEvent(el, 'wix-oauth-error');
    el.accessTokenListener(async () => 'token-1');
    expect((await failed).detail.kind).to.equal('network');
  });

  it('prefers an injected token over the bridge, and switches to a token injected after it', async () => {
    const server = fakeOAuthServer();
    const fake = fakeActions();
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect id="c" api-base-url=${host}></wix-oauth-connect>`);
    bindActions(fake.actions);
    await stateIs(el, 'not-connected');
    expect(fake.calls).to.have.length(1);
    el.accessTokenListener(async () => 'token-1');
    await waitUntil(() => server.calls.length === 1, 'asked over HTTP');
    el.setAttribute('bridge', 'ready'); // page code binding again changes nothing now
    await sleep(100);
    expect(fake.calls).to.have.length(1);
    expect(server.calls).to.have.length(1);
  });

  it('elements given the same getter share one session; re-injection checks again with a fresh token', async () => {
    fakeOAuthServer();
    const { getter, counter } = countingGetter(async () => 'token-1');
    const wrap = await fixture(
      html`<div><wix-oauth-connect api-base-url=${host}></wix-oauth-connect><wix-oauth-connect api-base-url=${host}></wix-oauth-connect></div>`,
    );
    const [a, b] = [...wrap.querySelectorAll('wix-oauth-connect')];
    a!.accessTokenListener(getter);
    b!.accessTokenListener(getter);
    await stateIs(a!, 'not-connected');
    await stateIs(b!, 'not-connected');
    expect(counter.calls).to.equal(1);
    a!.accessTokenListener(getter);
    await waitUntil(() => counter.calls === 2, 'a fresh token');
  });

  it('keeps a real session token out of the DOM, storage, cookies, the URL and the console', async () => {
    const seen: string[] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const originals = methods.map((m) => console[m]);
    methods.forEach((m) => (console[m] = (...args: unknown[]) => void seen.push(args.map(String).join(' '))));
    let token = '';
    const server = fakeOAuthServer('connected');
    try {
      const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect api-base-url=${host} preview-collection="Numbers"></wix-oauth-connect>`);
      el.accessTokenListener(async () => (token = await anonymousToken()));
      await waitUntil(() => el.shadowRoot!.querySelector('[part="preview-item"]'), 'preview shown');
    } finally {
      methods.forEach((m, i) => (console[m] = originals[i]!));
    }
    expect(token).to.match(/^OauthNG\.JWS\./);
    expect(server.calls.every((c) => c.authorization === token)).to.equal(true);
    const text = everywhere(seen);
    expect(text.includes(token.split('.')[3]!)).to.equal(false);
    expect(/eyJ[\w-]+\.eyJ[\w-]+/.test(text)).to.equal(false);
  });

  it('is accessible (axe) when connected with a preview, and when revoked', async () => {
    const server = fakeOAuthServer('connected');
    const el = await fixture<WixOAuthConnect>(
      html`<wix-oauth-connect api-base-url=${host} site-name="Northwind" preview-collection="Products"></wix-oauth-connect>`,
    );
    el.accessTokenListener(async () => 'token-1');
    await waitUntil(() => el.shadowRoot!.querySelector('[part="preview-item"]'), 'preview shown');
    await expect(el).to.be.accessible();
    server.status = 'revoked';
    await el.reload();
    await el.updateComplete;
    expect(el.state).to.equal('revoked');
    await expect(el).to.be.accessible();
  });
});

describe('ActionBridge', () => {
  function fakeTarget(options?: ConstructorParameters<typeof ActionBridge>[1]) {
    const target = new EventTarget();
    const requests: ActionRequest[] = [];
    target.addEventListener('wix-bridge-request', (event) => requests.push((event as CustomEvent<ActionRequest>).detail));
    return { bridge: new ActionBridge(target, options), requests };
  }

  async function failureOf(promise: Promise<unknown>): Promise<SessionError> {
    try {
      await promise;
    } catch (error) {
      expect(error).to.be.instanceOf(SessionError);
      return error as SessionError;
    }
    throw new Error('expected the call to fail');
  }

  it('fires one JSON-safe wix-bridge-request per call, bubbling and composed', async () => {
    const target = document.createElement('div');
    const bridge = new ActionBridge(target, { timeoutMs: 50 });
    const seen = oneEvent(target, 'wix-bridge-request');
    void bridge.call('startConnect', { mode: 'popup' }).catch(() => {});
    const event = (await seen) as CustomEvent<ActionRequest>;
    expect(event.bubbles).to.equal(true);
    expect(event.composed).to.equal(true);
    expect(event.detail.id).to.match(/^[0-9a-f-]{36}$/);
    expect(JSON.parse(JSON.stringify(event.detail))).to.deep.equal({ id: event.detail.id, op: 'call', action: 'startConnect', input: { mode: 'popup' } });
  });

  it('resolves out-of-order replies to the right calls and ignores stale, duplicate and unknown ones', async () => {
    const { bridge, requests } = fakeTarget();
    const first = bridge.call('a');
    const second = bridge.call('b');
    const [a, b] = requests;
    bridge.receive(encodeReply({ id: b!.id, ok: true, data: ok('B') }));
    bridge.receive(encodeReply({ id: 'no-such-call', ok: true, data: ok('X') }));
    bridge.receive(encodeReply({ id: a!.id, ok: true, data: { ok: false, code: 'NOT_FOUND', message: 'nope' } }));
    bridge.receive(encodeReply({ id: b!.id, ok: true, data: ok('late duplicate') }));
    expect(await first).to.deep.equal({ ok: false, code: 'NOT_FOUND', message: 'nope' });
    expect(await second).to.deep.equal({ ok: true, data: 'B' });
  });

  it('rejects with the typed error page code sends', async () => {
    const { bridge, requests } = fakeTarget();
    const pending = bridge.call('a');
    bridge.receive(encodeReply({ id: requests[0]!.id, ok: false, error: { kind: 'forbidden', message: 'Members only.', code: 'PERMISSION_DENIED' } }));
    const error = await failureOf(pending);
    expect([error.kind, error.message, error.code]).to.deep.equal(['forbidden', 'Members only.', 'PERMISSION_DENIED']);
  });

  it('times out as a network error', async () => {
    const { bridge } = fakeTarget({ timeoutMs: 30 });
    expect((await failureOf(bridge.call('a'))).kind).to.equal('network');
  });

  it('refuses an oversize reply unparsed, matching it by the id at the start', async () => {
    const { bridge, requests } = fakeTarget({ maxReplySize: 1_000, timeoutMs: 60_000 });
    const pending = bridge.call('a');
    bridge.receive(encodeReply({ id: requests[0]!.id, ok: true, data: ok('x'.repeat(2_000)) }));
    expect((await failureOf(pending)).kind).to.equal('server');
  });

  it('ignores replies whose id cannot be read, and still takes the good one', async () => {
    const { bridge, requests } = fakeTarget();
    const pending = bridge.call('a');
    const { id } = requests[0]!;
    for (const junk of ['not json', `{"ok":true,"id":"${id}"`, '[]', 'null', '"text"', null]) bridge.receive(junk);
    bridge.receive(encodeReply({ id, ok: true, data: ok(null) }));
    expect(await pending).to.deep.equal({ ok: true, data: null });
  });
});

describe('page code: op "call" (bindElements with actions)', () => {
  let asked = 0;
  /** Sends one raw request to a plain element bound with `binding`, and returns page code's parsed reply. */
  async function ask(binding: Parameters<typeof bindElements>[1][string], detail: Record<string, unknown>) {
    const id = `raw-${++asked}`;
    const el = await fixture<HTMLElement>(html`<div id=${id}></div>`);
    bindElements(createDollarW(), { [`#${id}`]: binding });
    expect(el.getAttribute('bridge')).to.equal('ready');
    el.dispatchEvent(new CustomEvent('wix-bridge-request', { detail: { id: 'r1', ...detail } }));
    await waitUntil(() => el.getAttribute('bridge-reply') !== null, 'answered');
    return JSON.parse(el.getAttribute('bridge-reply')!);
  }

  it('calls the named action with the input as it came, and replies with its envelope', async () => {
    const fake = fakeActions({ callConnected: async () => ({ ok: true, data: { items: [{ _id: 'a' }] }, extra: 'dropped' }) });
    const reply = await ask(
      { actions: fake.actions },
      { op: 'call', action: 'callConnected', input: { collection: 'Products', limit: 3, nested: [1, { a: null }] } },
    );
    expect(reply).to.deep.equal({ id: 'r1', ok: true, data: { ok: true, data: { items: [{ _id: 'a' }] } } });
    expect(fake.calls).to.deep.equal([['callConnected', { collection: 'Products', limit: 3, nested: [1, { a: null }] }]]);
  });

  it('passes a failure envelope through, with its message redacted', async () => {
    const token = await anonymousToken();
    const reply = await ask(
      { actions: { disconnect: async () => ({ ok: false, code: 'UNAUTHENTICATED', message: `bad ${token}` }) } },
      { op: 'call', action: 'disconnect', input: {} },
    );
    expect(reply.ok).to.equal(true);
    expect(reply.data.ok).to.equal(false);
    expect(reply.data.code).to.equal('UNAUTHENTICATED');
    expect(reply.data.message).to.equal('bad [redacted]');
  });

  for (const action of ['remove', 'toString', 'constructor', '__proto__', 'hasOwnProperty', 42, undefined, 'x'.repeat(65)]) {
    it(`refuses an action that is not bound (${String(action).slice(0, 20)}) with a validation error`, async () => {
      const fake = fakeActions();
      const reply = await ask({ actions: fake.actions }, { op: 'call', action, input: {} });
      expect(reply).to.deep.equal({ id: 'r1', ok: false, error: { kind: 'validation', message: 'Unknown action.' } });
      expect(fake.calls).to.have.length(0);
    });
  }

  it('only own properties are actions, even with an inherited method of the same name', async () => {
    const actions = Object.create({ disconnect: async () => ok({ disconnected: true }) }) as Record<string, Method>;
    actions['connectionStatus'] = async () => ok({ status: 'not-connected' });
    const reply = await ask({ actions }, { op: 'call', action: 'disconnect', input: {} });
    expect(reply.error.kind).to.equal('validation');
  });

  it('refuses op "call" on an element bound only to queries, and op "query" on one bound only to actions', async () => {
    const items = { query: async () => ({ items: [], pagingMetadata: {} }) };
    expect((await ask({ items }, { op: 'call', action: 'connectionStatus', input: {} })).error.kind).to.equal('validation');
    expect((await ask({ actions: fakeActions().actions }, { op: 'query', collection: 'Numbers', request: {}, options: {} })).error.kind).to.equal(
      'not-connected',
    );
  });

  it('maps a rejected web method and a malformed envelope to typed errors', async () => {
    const denied = Object.assign(new Error('Forbidden'), { status: 403 });
    expect(
      (await ask({ actions: { connectionStatus: () => Promise.reject(denied) } }, { op: 'call', action: 'connectionStatus', input: {} })).error.kind,
    ).to.equal('forbidden');
    for (const answer of [undefined, null, { ok: true }, { ok: false, code: 1, message: 'x' }, 'ok']) {
      const reply = await ask({ actions: { connectionStatus: async () => answer } }, { op: 'call', action: 'connectionStatus', input: {} });
      expect(reply.error, JSON.stringify(answer)).to.deep.equal({ kind: 'server', message: 'The backend answered with a malformed envelope.' });
    }
  });

  it('answers a reply too large with an error instead', async () => {
    const reply = await ask(
      { actions: { callConnected: async () => ok({ items: [{ _id: 'big', title: 'x'.repeat(1_100_000) }] }) } },
      { op: 'call', action: 'callConnected', input: {} },
    );
    expect(reply.error.message).to.contain('too large');
  });

  it('bindElements needs items, backend.query or actions', async () => {
    await fixture<HTMLElement>(html`<div id="raw"></div>`);
    expect(() => bindElements(createDollarW(), { '#raw': {} })).to.throw(TypeError, /items, backend.query or actions/);
  });
});

// A signed-in member's full round trip is not tested here: the test server mounts the platform without routing the
// backend's own Node-side calls to https://www.wixapis.com (vite.config.ts does; web-test-runner.config.mjs does not),
// so web methods that read the connection records cannot reach Wix Data in this process.
describe('<wix-oauth-connect> against the real backend (post_oauth on the local platform)', () => {
  it('an anonymous visitor is refused by the backend: "Not signed in"', async () => {
    const el = await fixture<WixOAuthConnect>(html`<wix-oauth-connect api-base-url=${host}></wix-oauth-connect>`);
    const failed = oneEvent(el, 'wix-oauth-error');
    el.accessTokenListener(anonymousToken);
    expect((await failed).detail).to.include({ kind: 'unauthenticated', code: 'UNAUTHENTICATED' });
    await stateIs(el, 'error');
    expect(shadowText(el)).to.contain('Not signed in');
  });
});
