import { expect, fixture, html, oneEvent, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../elements/data-form/define.ts';
import type { DataFormState, FormErrorDetail, WixDataForm } from '../../elements/data-form/data-form.ts';
import { parseFields } from '../../elements/data-form/fields.ts';
import { createSessionClient } from '../../elements/core/client.ts';
import { sessionFor } from '../../elements/core/session.ts';
import { bindElements } from '../../elements/velo/page.ts';
import { createDollarW } from '../../demo/velo-page/dollar-w.ts';
import { callWebMethod, setPageSession } from '../../demo/velo-page/web-method-client.ts';
import { addFault, anonymousToken, clearFaults, lastSeq, leakSurface, logSince, platformClientId, type LogEntry } from './helpers.ts';
import { XSS_PAYLOADS } from './fixtures/xss-payloads.ts';

const host = location.host;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const text = (node: Element | ShadowRoot) => node.textContent!.replace(/\s+/g, ' ').trim();
/** The insert endpoint the SDK posts to (`/wix-data/v2/items` or `/_api/cloud-data/v2/items`). */
const isInsert = (e: LogEntry) => e.method === 'POST' && /\/v2\/items$/.test(e.path);
/** A fault glob for it: `**` is any number of segments, and a glob matches the whole path (not /items/query). */
const INSERT_PATH = '/**/v2/items';

const FIELDS = JSON.stringify([
  { field: 'email', type: 'email', label: 'Email', required: true, help: 'We never share it.' },
  { field: 'qty', type: 'number', label: 'Quantity', min: 1, max: 10 },
  { field: 'code', type: 'text', label: 'Code', pattern: '[A-Z]{3}', message: 'Three capital letters, like ABC.' },
  { field: 'note', type: 'textarea', label: 'Note', maxLength: 200 },
  { field: 'agree', type: 'checkbox', label: 'I agree', required: true },
  { field: 'day', type: 'date', label: 'Day', min: '2024-01-01' },
  { field: 'size', type: 'select', label: 'Size', options: ['S', 'M', { value: 'L', label: 'Large' }] },
]);

// Lit's dev-mode warnings (each links to lit.dev/msg/…) from any test in this file, checked at the end.
const litWarnings: string[] = [];
const passWarn = console.warn;
console.warn = (...args: unknown[]) => {
  const line = args.map(String).join(' ');
  if (/lit\.dev\/msg\//.test(line) && !/msg\/dev-mode/.test(line)) litWarnings.push(line);
  passWarn.apply(console, args);
};

const restorers: (() => void)[] = [];
afterEach(async () => {
  while (restorers.length) restorers.pop()!();
  delete (window as { wixEmbedsAPI?: unknown }).wixEmbedsAPI;
  delete (window as { commonConfig?: unknown }).commonConfig;
  await clearFaults();
});

async function stateIs(el: WixDataForm, state: DataFormState) {
  await waitUntil(() => el.state === state, `state ${state} (is ${el.state})`, { timeout: 8000 });
  await el.updateComplete;
}

/** oneEvent, typed from GlobalEventHandlersEventMap. */
const once = <K extends 'wix-form-submit' | 'wix-form-success' | 'wix-form-error'>(el: EventTarget, type: K) =>
  oneEvent(el, type) as Promise<GlobalEventHandlersEventMap[K]>;
const $ = <T extends Element = HTMLElement>(el: WixDataForm, selector: string) => el.shadowRoot!.querySelector<T>(selector)!;
const control = (el: WixDataForm, name: string) =>
  el.shadowRoot!.querySelector<HTMLInputElement>(`[name="${name}"]`) ?? el.querySelector<HTMLInputElement>(`[name="${name}"]`)!;
const submitButton = (el: WixDataForm) => $<HTMLButtonElement>(el, '[part~="submit"]');
const errorOf = (el: WixDataForm, name: string) => {
  const c = control(el, name);
  const ids = (c.getAttribute('aria-describedby') ?? '').split(' ').filter(Boolean);
  const root = c.getRootNode() as Document | ShadowRoot;
  return ids
    .map((id) => root.getElementById(id))
    .filter((n) => n?.matches('[part~="error"], [data-wix-form-error]'))
    .map((n) => n!.textContent!.trim())
    .join(' ');
};

/** Types a value the way a user does: the value changes, then input and change fire. */
function fill(el: WixDataForm, name: string, value: string | boolean) {
  const c = control(el, name);
  if (typeof value === 'boolean') c.checked = value;
  else c.value = value;
  c.dispatchEvent(new Event('input', { bubbles: true, composed: true }));
  c.dispatchEvent(new Event('change', { bubbles: true, composed: true }));
}

/** Types a value, then expects this message on the field (already marked invalid, so checked as one types). */
async function typedShows(el: WixDataForm, name: string, value: string, message: string) {
  fill(el, name, value);
  await el.updateComplete;
  expect(errorOf(el, name), `${name}=${value}`).to.equal(message);
}

function fillValid(el: WixDataForm) {
  fill(el, 'email', 'ada@example.com');
  fill(el, 'qty', '3');
  fill(el, 'code', 'ABC');
  fill(el, 'note', 'Hello');
  fill(el, 'agree', true);
  fill(el, 'day', '2024-05-01');
  fill(el, 'size', 'L');
}

/** Tags every item this form sends, so that a test can count exactly its own items. */
function mark(el: WixDataForm): string {
  const marker = crypto.randomUUID();
  el.addEventListener('wix-form-submit', (e) => (e.detail.item['marker'] = marker));
  return marker;
}

async function dataApi(path: string, body: unknown) {
  const r = await fetch(`/_api/cloud-data/v2/items${path}`, {
    method: 'POST',
    headers: { authorization: await anonymousToken(), 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return r.json();
}

/** How many items carry this marker, asked through the Data API. */
async function countMarked(marker: string, collection = 'FormEntries'): Promise<number> {
  const { pagingMetadata } = await dataApi('/query', { dataCollectionId: collection, query: { filter: { marker } }, returnTotalCount: true });
  return pagingMetadata.total;
}

async function getItem(id: string, collection = 'FormEntries') {
  return (await dataApi('/get', { dataCollectionId: collection, dataItemId: id })).dataItem?.data;
}

async function form(
  template = html`<wix-data-form api-base-url=${host} collection="FormEntries" fields=${FIELDS} label="Order"></wix-data-form>`,
  getter: (() => Promise<string>) | null = anonymousToken,
) {
  const el = await fixture<WixDataForm>(template);
  if (getter) el.accessTokenListener(getter);
  await el.updateComplete;
  return el;
}

/** A site widget form, ready. */
async function readyForm(template?: ReturnType<typeof html>) {
  const el = await form(template);
  await stateIs(el, 'ready');
  return el;
}

const base64url = (bytes: ArrayBuffer | Uint8Array) =>
  btoa(String.fromCharCode(...new Uint8Array(bytes)))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** The demo member's access token, as the SDK's login flow gets it (see member-gate.test.ts). */
async function memberToken(): Promise<string> {
  const post = (path: string, body: unknown) =>
    fetch(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }).then((r) => r.json());
  const { sessionToken } = await post('/_api/iam/authentication/v2/login', { loginId: { email: 'member@example.com' }, password: 'demo-member-pass' });
  const clientId = await platformClientId();
  const verifier = base64url(crypto.getRandomValues(new Uint8Array(32)));
  const challenge = base64url(await crypto.subtle.digest('SHA-256', new TextEncoder().encode(verifier)));
  const query = new URLSearchParams({
    client_id: clientId,
    response_type: 'code',
    response_mode: 'web_message',
    code_challenge: challenge,
    code_challenge_method: 'S256',
    state: 'x',
    prompt: 'none',
    sessionToken,
  });
  const code = /"code":"([\w-]+)"/.exec(await (await fetch(`/oauth2/authorize?${query}`)).text())![1];
  return (await post('/oauth2/token', { clientId, grantType: 'authorization_code', code, codeVerifier: verifier })).access_token;
}

/** Lets the first insert reach the server, then loses its answer: what a dropped connection does. */
function loseFirstInsertResponse() {
  const real = window.fetch;
  const seen = { lost: 0 };
  window.fetch = async (input, init) => {
    const response = await real(input, init);
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (seen.lost === 0 && (init?.method ?? (input as Request).method) === 'POST' && /\/v2\/items$/.test(url.pathname)) {
      seen.lost++;
      throw new TypeError('Failed to fetch');
    }
    return response;
  };
  restorers.push(() => (window.fetch = real));
  return seen;
}

/** Before it is sent, the field's value becomes a malformed date (`{ $date: <the text> }`), which Wix refuses with a 400. */
function asMalformedDate(el: HTMLElement, field: string): void {
  el.addEventListener('wix-form-submit', (event) => {
    const { item } = (event as CustomEvent<{ item: Record<string, unknown> }>).detail;
    item[field] = { $date: String(item[field]) };
  });
}

describe('<wix-data-form> fields from the schema attribute', () => {
  it('renders each type with its label, constraints, parts and initial value', async () => {
    const el = await readyForm();
    expect(el.getAttribute('state')).to.equal('ready');
    expect([...el.shadowRoot!.querySelectorAll('[part~="field"]')].length).to.equal(7);
    expect([...el.shadowRoot!.querySelectorAll('[part~="label"]')].map((l) => text(l))).to.deep.equal([
      'Email*',
      'Quantity',
      'Code',
      'Note',
      'I agree*',
      'Day',
      'Size',
    ]);
    const email = control(el, 'email');
    expect(email.type).to.equal('email');
    expect(email.required).to.equal(true);
    expect(email.labels![0]!.textContent).to.contain('Email');
    expect(email.getAttribute('aria-describedby')).to.equal('h0');
    expect(text($(el, '#h0'))).to.equal('We never share it.');
    const qty = control(el, 'qty');
    expect([qty.type, qty.min, qty.max, qty.step]).to.deep.equal(['number', '1', '10', 'any']);
    expect(control(el, 'code').pattern).to.equal('[A-Z]{3}');
    expect(control(el, 'note').localName).to.equal('textarea');
    expect(control(el, 'note').maxLength).to.equal(200);
    expect(control(el, 'agree').type).to.equal('checkbox');
    expect([control(el, 'day').type, control(el, 'day').min]).to.deep.equal(['date', '2024-01-01']);
    const size = control(el, 'size') as unknown as HTMLSelectElement;
    expect([...size.options].map((o) => [o.value, o.text])).to.deep.equal([
      ['', 'Choose…'],
      ['S', 'S'],
      ['M', 'M'],
      ['L', 'Large'],
    ]);
    for (const part of ['form', 'field', 'label', 'input', 'submit', 'status']) expect(el.shadowRoot!.querySelector(`[part~="${part}"]`), part).to.exist;
    expect($(el, 'form').getAttribute('aria-label')).to.equal('Order');
    expect(text(submitButton(el))).to.equal('Submit');
    await expect(el).to.be.accessible();
  });

  it('initial values from the schema are rendered, sent, and restored by a reset', async () => {
    const fields = JSON.stringify([
      { field: 'note', type: 'text', label: 'Note', value: 'hi' },
      { field: 'agree', type: 'checkbox', label: 'Agree', value: true },
      { field: 'size', type: 'select', label: 'Size', options: ['S', 'M'], value: 'M' },
      { field: 'qty', type: 'number', label: 'Qty', value: '2' },
    ]);
    const el = await readyForm(html`<wix-data-form api-base-url=${host} collection="FormEntries" fields=${fields}></wix-data-form>`);
    expect([control(el, 'note').value, control(el, 'agree').checked, control(el, 'size').value, control(el, 'qty').value]).to.deep.equal([
      'hi',
      true,
      'M',
      '2',
    ]);
    fill(el, 'note', 'changed');
    const sent = once(el, 'wix-form-submit');
    void el.submit();
    const { item } = (await sent).detail;
    expect(item).to.include({ note: 'changed', agree: true, size: 'M', qty: 2 });
    expect(item._id).to.match(/^[0-9a-f-]{36}$/);
    await stateIs(el, 'success');
  });

  it('attributes: submit-label, success-message; without collection there is no submit button and no network', async () => {
    const seq = await lastSeq();
    const el = await readyForm(html`<wix-data-form api-base-url=${host} fields=${FIELDS} submit-label="Send order"></wix-data-form>`);
    expect(submitButton(el)).to.equal(null);
    expect(await el.submit()).to.equal(false);
    el.setAttribute('collection', 'FormEntries');
    await el.updateComplete;
    expect(text(submitButton(el))).to.equal('Send order');
    el.setAttribute('success-message', 'Got it!');
    fillValid(el);
    expect(await el.submit()).to.equal(true);
    await el.updateComplete;
    expect(text($(el, '[role="status"]'))).to.equal('Got it!');
    expect((await logSince(seq)).filter(isInsert)).to.have.length(1);
  });

  it('invalid JSON or a wrong field is a clear config-error state, not a crash', async () => {
    const errors: FormErrorDetail[] = [];
    document.addEventListener('wix-form-error', (e) => errors.push(e.detail));
    restorers.push(() => document.removeEventListener('wix-form-error', (e) => errors.push(e.detail)));
    const el = await form(html`<wix-data-form api-base-url=${host} collection="FormEntries" fields='[{"field":"email",'></wix-data-form>`);
    await stateIs(el, 'config-error');
    expect(el.getAttribute('state')).to.equal('config-error');
    expect(text(el.shadowRoot!)).to.contain('not set up correctly').and.to.contain('not valid JSON');
    expect($(el, '[role="alert"]')).to.exist;
    expect(errors.at(-1)).to.include({ kind: 'config' });
    await expect(el).to.be.accessible();
    expect(await el.submit()).to.equal(false);

    for (const [bad, words] of [
      ['{"field":"a"}', 'JSON list'],
      ['[{"field":"a","type":"color"}]', '"type" must be one of'],
      ['[{"field":"_id"}]', 'collection field key'],
      ['[{"field":"a.b"}]', 'collection field key'],
      ['[{"field":"a"},{"field":"a"}]', 'appears twice'],
      ['[{"field":"a","pattern":"("}]', 'not a valid regular expression'],
      ['[{"field":"a","type":"select"}]', 'needs "options"'],
      ['[{"field":"a","minLength":-1}]', 'whole number'],
    ] as const) {
      el.setAttribute('fields', bad);
      await el.updateComplete;
      expect(el.state, bad).to.equal('config-error');
      expect(text(el.shadowRoot!), bad).to.contain(words);
    }
    el.setAttribute('fields', '[{"field":"a"}]');
    await stateIs(el, 'ready');
    expect(control(el, 'a').type).to.equal('text');
    expect(() => parseFields([{ field: 'ok', label: 'OK' }])).not.to.throw();
  });
});

describe('<wix-data-form> client validation', () => {
  it('marks each invalid field with aria-invalid and a described message, focuses the first, sends nothing', async () => {
    const el = await readyForm();
    const seq = await lastSeq();
    const failed = once(el, 'wix-form-error');
    fill(el, 'qty', '12');
    fill(el, 'code', 'abc');
    fill(el, 'day', '2023-12-31');
    expect(await el.submit()).to.equal(false);
    const { detail } = await failed;
    await el.updateComplete;
    expect(detail.kind).to.equal('validation');
    expect(detail.fields.map((f) => f.field)).to.deep.equal(['email', 'qty', 'code', 'agree', 'day']);
    expect(el.shadowRoot!.activeElement).to.equal(control(el, 'email'));
    expect(errorOf(el, 'email')).to.equal('Fill in this field.');
    expect(errorOf(el, 'qty')).to.equal('Enter 10 or less.');
    expect(errorOf(el, 'code')).to.equal('Three capital letters, like ABC.');
    expect(errorOf(el, 'agree')).to.equal('Check this box to continue.');
    expect(errorOf(el, 'day')).to.equal('Choose 2024-01-01 or later.');
    for (const name of ['email', 'qty', 'code', 'agree', 'day']) expect(control(el, name).getAttribute('aria-invalid'), name).to.equal('true');
    expect(control(el, 'note').hasAttribute('aria-invalid')).to.equal(false);
    expect(control(el, 'email').getAttribute('aria-describedby')).to.equal('h0 e0');
    expect(text($(el, '[role="alert"]'))).to.equal('Check the 5 highlighted fields.');
    expect(el.state).to.equal('ready');
    await expect(el).to.be.accessible();

    // The other constraint kinds, and fixing a field clears its message at once.
    await typedShows(el, 'email', 'not-an-email', 'Enter an email address, like name@example.com.');
    await typedShows(el, 'qty', '0', 'Enter 1 or more.');
    fill(el, 'qty', '');
    control(el, 'qty').focus();
    await sendKeys({ type: '1e' }); // only typing can make a number input's value unreadable
    await el.updateComplete;
    expect(control(el, 'qty').validity.badInput).to.equal(true);
    expect(errorOf(el, 'qty')).to.equal(''); // a field not marked yet is not judged while one types
    expect(el.reportValidity()).to.equal(false);
    await el.updateComplete;
    expect(errorOf(el, 'qty')).to.equal('Enter a number.');
    fill(el, 'email', 'ada@example.com');
    fill(el, 'qty', '2');
    fill(el, 'code', 'ABC');
    fill(el, 'agree', true);
    fill(el, 'day', '2024-02-02');
    await el.updateComplete;
    expect(control(el, 'email').hasAttribute('aria-invalid')).to.equal(false);
    expect(control(el, 'email').getAttribute('aria-describedby')).to.equal('h0');
    expect(text($(el, '[role="alert"]'))).to.equal('');
    expect((await logSince(seq)).filter(isInsert)).to.have.length(0);
    expect(await el.submit()).to.equal(true);
  });

  it('blank-only required text and lengths set by script are caught too', async () => {
    const fields = JSON.stringify([{ field: 'note', label: 'Note', required: true, minLength: 3, maxLength: 5 }]);
    const el = await readyForm(html`<wix-data-form api-base-url=${host} collection="FormEntries" fields=${fields}></wix-data-form>`);
    fill(el, 'note', '   ');
    expect(await el.submit()).to.equal(false);
    await el.updateComplete;
    expect(errorOf(el, 'note')).to.equal('Fill in this field.');
    await typedShows(el, 'note', 'ab', 'Enter at least 3 characters.');
    await typedShows(el, 'note', 'abcdefg', 'Enter at most 5 characters.');
  });
});

describe('<wix-data-form> submitting (site widget, official SDK client)', () => {
  it('shows progress, then success with "Submit another"; the item is stored exactly as typed', async () => {
    const el = await readyForm();
    const marker = mark(el);
    await addFault({ path: INSERT_PATH, method: 'POST', latencyMs: 1500, times: 1 });
    fillValid(el);
    const succeeded = once(el, 'wix-form-success');
    submitButton(el).focus();
    submitButton(el).click();
    await stateIs(el, 'submitting');
    expect($(el, 'form').getAttribute('aria-busy')).to.equal('true');
    expect(submitButton(el).getAttribute('aria-disabled')).to.equal('true');
    expect(control(el, 'email').disabled).to.equal(true);
    expect(el.shadowRoot!.activeElement).to.equal(submitButton(el));
    expect(text($(el, '[role="status"]'))).to.equal('Sending…');
    await expect(el).to.be.accessible();

    const { item } = (await succeeded).detail;
    await stateIs(el, 'success');
    expect(item['_id']).to.be.a('string');
    expect(text($(el, '[role="status"]'))).to.equal('Thank you. Your entry was sent.');
    expect($(el, 'form')).to.equal(null);
    expect(el.shadowRoot!.activeElement).to.equal($(el, '[part~="another"]'));
    await expect(el).to.be.accessible();
    const stored = await getItem(item['_id'] as string);
    expect(stored).to.include({ email: 'ada@example.com', qty: 3, code: 'ABC', note: 'Hello', agree: true, day: '2024-05-01', size: 'L', marker });
    expect(await countMarked(marker)).to.equal(1);

    // Submit another: empty fields, focus on the first, and a new _id.
    $(el, '[part~="another"]').click();
    await stateIs(el, 'ready');
    expect(control(el, 'email').value).to.equal('');
    expect(el.shadowRoot!.activeElement).to.equal(control(el, 'email'));
    fillValid(el);
    const second = once(el, 'wix-form-success');
    await el.submit();
    expect((await second).detail.item['_id']).not.to.equal(item['_id']);
    expect(await countMarked(marker)).to.equal(2);
  });

  it('wix-form-submit is cancelable, and a listener may add fields', async () => {
    const el = await readyForm();
    const seq = await lastSeq();
    fillValid(el);
    el.addEventListener('wix-form-submit', (e) => e.preventDefault(), { once: true });
    expect(await el.submit()).to.equal(false);
    expect(el.state).to.equal('ready');
    expect((await logSince(seq)).filter(isInsert)).to.have.length(0);
    const marker = mark(el);
    expect(await el.submit()).to.equal(true);
    expect(await countMarked(marker)).to.equal(1);
  });

  it('a wix-form-submit listener that submits again is refused', async () => {
    const el = await readyForm();
    const marker = mark(el);
    const nested: Promise<boolean>[] = [];
    el.addEventListener('wix-form-submit', () => nested.push(el.submit()), { once: true });
    fillValid(el);
    expect(await el.submit()).to.equal(true);
    expect(await Promise.all(nested)).to.deep.equal([false]);
    expect(await countMarked(marker)).to.equal(1);
  });

  it('keyboard: Enter in a field submits, Enter in the textarea does not; Tab goes through the fields to the button', async () => {
    const el = await readyForm();
    const marker = mark(el);
    fillValid(el);
    control(el, 'note').focus();
    await sendKeys({ press: 'Enter' });
    await sleep(100);
    expect(el.state).to.equal('ready');
    control(el, 'email').focus();
    for (const name of ['qty', 'code', 'note', 'agree', 'day']) {
      await sendKeys({ press: 'Tab' });
      expect(el.shadowRoot!.activeElement, name).to.equal(control(el, name));
    }
    // The date input has three segments; Tab through them to the select, then to the button.
    for (let i = 0; i < 5 && el.shadowRoot!.activeElement !== control(el, 'size'); i++) await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement).to.equal(control(el, 'size'));
    await sendKeys({ press: 'Tab' });
    expect(el.shadowRoot!.activeElement).to.equal(submitButton(el));
    control(el, 'code').focus();
    await sendKeys({ press: 'Enter' });
    await stateIs(el, 'success');
    expect(await countMarked(marker)).to.equal(1);
  });

  it('a double click, Enter twice and concurrent submit() calls store exactly one item', async () => {
    const el = await readyForm();
    const marker = mark(el);
    const seq = await lastSeq();
    await addFault({ path: INSERT_PATH, method: 'POST', latencyMs: 1500, times: 1 });
    fillValid(el);
    const submits: unknown[] = [];
    el.addEventListener('wix-form-submit', (e) => submits.push(e.detail.item._id));
    submitButton(el).click();
    submitButton(el).click();
    control(el, 'email').focus();
    await sendKeys({ press: 'Enter' });
    await sendKeys({ press: 'Enter' });
    const results = await Promise.all([el.submit(), el.submit()]);
    expect(results).to.deep.equal([false, false]);
    await stateIs(el, 'success');
    expect(submits).to.have.length(1);
    expect((await logSince(seq)).filter(isInsert)).to.have.length(1);
    expect(await countMarked(marker)).to.equal(1);
  });

  it('server validation: a value the site refuses comes back on its field', async () => {
    // Wix stores a value of another type than its field's (the schema is not enforced), but refuses a malformed
    // date: a wix-form-submit listener (which may change the item) sends `qty` as one, so the platform answers 400.
    const fields = JSON.stringify([
      { field: 'email', type: 'email', label: 'Email' },
      { field: 'qty', type: 'text', label: 'Quantity' },
    ]);
    const el = await readyForm(html`<wix-data-form api-base-url=${host} collection="FormEntries" fields=${fields}></wix-data-form>`);
    const marker = mark(el);
    fill(el, 'email', 'ada@example.com');
    fill(el, 'qty', 'three');
    asMalformedDate(el, 'qty');
    const failed = once(el, 'wix-form-error');
    expect(await el.submit()).to.equal(false);
    const { detail } = await failed;
    await stateIs(el, 'ready');
    expect(detail.kind).to.equal('validation');
    expect(detail.fields).to.have.length(1);
    expect(detail.fields[0]!.field).to.equal('qty');
    expect(control(el, 'qty').getAttribute('aria-invalid')).to.equal('true');
    expect(errorOf(el, 'qty')).to.contain('The site did not accept this value').and.to.contain('not a valid date');
    expect(control(el, 'email').hasAttribute('aria-invalid')).to.equal(false);
    expect(el.shadowRoot!.activeElement).to.equal(control(el, 'qty'));
    expect(text($(el, '[role="alert"]'))).to.equal('Check the highlighted field.');
    expect(control(el, 'qty').disabled).to.equal(false);
    await expect(el).to.be.accessible();
    expect(await countMarked(marker)).to.equal(0);
    fill(el, 'qty', 'still text');
    await el.updateComplete;
    expect(control(el, 'qty').hasAttribute('aria-invalid')).to.equal(false);
  });

  it('permission denied: a visitor inserting into an admin-only collection gets a clear error state', async () => {
    const el = await readyForm(html`<wix-data-form api-base-url=${host} collection="FormAdminOnly" fields=${FIELDS}></wix-data-form>`);
    const marker = mark(el);
    fillValid(el);
    const failed = once(el, 'wix-form-error');
    expect(await el.submit()).to.equal(false);
    const { detail } = await failed;
    await stateIs(el, 'error');
    expect(detail).to.include({ kind: 'forbidden', code: 'WDE0027' });
    expect(detail.message).to.contain('Permission denied');
    expect(text($(el, '[role="alert"]'))).to.contain('Permission denied');
    expect(text(submitButton(el))).to.equal('Try again');
    expect(control(el, 'email').value).to.equal('ada@example.com');
    await expect(el).to.be.accessible();
    expect(await countMarked(marker, 'FormAdminOnly')).to.equal(0);
  });

  it('the collection decides: a visitor is refused where members may insert; after signing in, Try again stores it as the member', async () => {
    const current = { token: await anonymousToken() };
    const getter = async () => current.token;
    const el = await form(html`<wix-data-form api-base-url=${host} collection="FormMembers" fields=${FIELDS}></wix-data-form>`, getter);
    await stateIs(el, 'ready');
    const marker = mark(el);
    fillValid(el);
    expect(await el.submit()).to.equal(false);
    expect(el.state).to.equal('error');
    expect(text($(el, '[role="alert"]'))).to.contain('Permission denied');
    current.token = await memberToken(); // the member signs in: the host injects again
    const succeeded = once(el, 'wix-form-success');
    el.accessTokenListener(getter);
    // The refusal is about the visitor who was: it goes at once, and the entry is sent again without a click.
    await el.updateComplete;
    expect(text(el.shadowRoot!)).not.to.contain('Permission denied');
    const { item } = (await succeeded).detail;
    const stored = await getItem(item['_id'] as string, 'FormMembers');
    const { subjectId } = await (
      await fetch('/oauth2/token-info', { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ token: current.token }) })
    ).json();
    expect(stored).to.include({ marker, _owner: subjectId });
    expect(await countMarked(marker, 'FormMembers')).to.equal(1);
  });

  it('a sign-in that does not help: the retry is refused again, once (no loop), and the message comes back', async () => {
    const current = { token: await anonymousToken() };
    const getter = async () => current.token;
    const el = await form(html`<wix-data-form api-base-url=${host} collection="FormAdminOnly" fields=${FIELDS}></wix-data-form>`, getter);
    await stateIs(el, 'ready');
    const marker = mark(el);
    fillValid(el);
    const seq = await lastSeq();
    expect(await el.submit()).to.equal(false);
    const submits: unknown[] = [];
    el.addEventListener('wix-form-submit', (event) => submits.push(event.detail.item['_id']));
    current.token = await memberToken();
    const refusedAgain = once(el, 'wix-form-error');
    el.accessTokenListener(getter);
    expect((await refusedAgain).detail.kind).to.equal('forbidden');
    await stateIs(el, 'error');
    expect(text($(el, '[role="alert"]'))).to.contain('Permission denied');
    await sleep(300);
    expect(submits, 'one automatic retry').to.have.length(1);
    expect((await logSince(seq)).filter(isInsert)).to.have.length(2);
    expect(await countMarked(marker, 'FormAdminOnly')).to.equal(0);
    // A failure that is not a refusal (a 500) is not retried by a session change.
    await addFault({ path: INSERT_PATH, status: 500, times: 1 });
    const other = async () => current.token; // its own session: a change there is not one for the first form
    const anon = await form(html`<wix-data-form api-base-url=${host} collection="FormMembers" fields=${FIELDS}></wix-data-form>`, other);
    await stateIs(anon, 'ready');
    fillValid(anon);
    expect(await anon.submit()).to.equal(false);
    const before = await lastSeq();
    anon.accessTokenListener(other);
    await sleep(300);
    expect((await logSince(before)).filter(isInsert)).to.have.length(0);
    expect(anon.state).to.equal('error');
  });

  it('network failure mid-submit: the request was stored but its answer lost; "Try again" does not store it twice', async () => {
    const el = await readyForm();
    const marker = mark(el);
    const seq = await lastSeq();
    const lost = loseFirstInsertResponse();
    fillValid(el);
    const failed = once(el, 'wix-form-error');
    expect(await el.submit()).to.equal(false);
    expect((await failed).detail.kind).to.equal('network');
    await stateIs(el, 'error');
    expect(lost.lost).to.equal(1);
    expect(text($(el, '[role="alert"]'))).to.equal('Your entry could not be sent: the site did not answer. Try again; it will not be saved twice.');
    // The first write did land; the fields keep what was sent and cannot change before the retry.
    expect(await countMarked(marker)).to.equal(1);
    expect(control(el, 'email').disabled).to.equal(true);
    await expect(el).to.be.accessible();

    const ids: string[] = [];
    el.addEventListener('wix-form-submit', (e) => ids.push(e.detail.item._id));
    const succeeded = once(el, 'wix-form-success');
    submitButton(el).click();
    const { item } = (await succeeded).detail;
    await stateIs(el, 'success');
    expect(await countMarked(marker)).to.equal(1);
    const inserts = (await logSince(seq)).filter(isInsert);
    expect(inserts.map((e) => e.status)).to.deep.equal([200, 409]);
    expect(ids).to.have.length(1);
    expect(item['_id']).to.equal(ids[0]);
    expect(await getItem(ids[0]!)).to.include({ marker, email: 'ada@example.com' });
  });

  it('a slow answer past submit-timeout is a network error; the retry stores one item (platform latency fault)', async () => {
    const el = await readyForm(html`<wix-data-form api-base-url=${host} collection="FormEntries" fields=${FIELDS} submit-timeout="250"></wix-data-form>`);
    const marker = mark(el);
    await addFault({ path: INSERT_PATH, method: 'POST', latencyMs: 1200, times: 1 });
    fillValid(el);
    expect(await el.submit()).to.equal(false);
    await stateIs(el, 'error');
    expect(text($(el, '[role="alert"]'))).to.contain('did not answer');
    expect(await el.submit()).to.equal(true);
    await sleep(1300); // the first request lands too, late
    expect(await countMarked(marker)).to.equal(1);
  });

  it('a 500 shows the error state; the retry succeeds with one item', async () => {
    const el = await readyForm();
    const marker = mark(el);
    await addFault({ path: INSERT_PATH, method: 'POST', status: 500, times: 1 });
    fillValid(el);
    const failed = once(el, 'wix-form-error');
    await el.submit();
    expect((await failed).detail.kind).to.equal('server');
    await stateIs(el, 'error');
    expect(text($(el, '[role="alert"]'))).to.contain('had a problem');
    expect(await el.submit()).to.equal(true);
    expect(await countMarked(marker)).to.equal(1);
  });

  it('uses window.wixEmbedsAPI when nothing is injected', async () => {
    window.wixEmbedsAPI = { getExternalBaseUrl: () => location.origin, getAccessTokenFunction: () => anonymousToken };
    const el = await form(html`<wix-data-form collection="FormEntries" fields=${FIELDS}></wix-data-form>`, null);
    await stateIs(el, 'ready');
    const marker = mark(el);
    fillValid(el);
    expect(await el.submit()).to.equal(true);
    expect(await countMarked(marker)).to.equal(1);
  });
});

describe('<wix-data-form> fields from slotted native inputs', () => {
  const slotted = () => html`<wix-data-form api-base-url=${host} collection="FormEntries">
    <label>Email <input name="email" type="email" required /></label>
    <label for="q">Quantity</label><input id="q" name="qty" type="number" min="1" max="10" value="2" aria-describedby="qhint" />
    <span id="qhint">1 to 10</span>
    <label>Code <input name="code" pattern="[A-Z]{3}" title="Three capital letters." /></label>
    <label><input type="checkbox" name="agree" /> I agree</label>
    <fieldset><legend>Size</legend><label><input type="radio" name="size" value="S" /> S</label><label><input type="radio" name="size" value="M" checked /> M</label></fieldset>
    <label>Note <textarea name="note"></textarea></label>
    <input type="submit" value="ignored" /><input type="file" name="upload" aria-label="Upload" />
  </wix-data-form>`;

  it('reads names, values and constraints; shows messages next to them in the light DOM', async () => {
    const el = await readyForm(slotted());
    expect(el.shadowRoot!.querySelector('slot')).to.exist;
    expect(text(submitButton(el))).to.equal('Submit');
    const failed = once(el, 'wix-form-error');
    fill(el, 'code', 'abc');
    expect(await el.submit()).to.equal(false);
    const { detail } = await failed;
    await el.updateComplete;
    expect(detail.fields.map((f) => f.field)).to.deep.equal(['email', 'code']);
    expect(document.activeElement).to.equal(control(el, 'email'));
    expect(control(el, 'email').getAttribute('aria-invalid')).to.equal('true');
    expect(errorOf(el, 'email')).to.equal('Fill in this field.');
    expect(errorOf(el, 'code')).to.equal('Three capital letters.');
    expect(el.querySelectorAll('[data-wix-form-error]')).to.have.length(2);
    await expect(el).to.be.accessible();

    fill(el, 'email', 'ada@example.com');
    fill(el, 'code', 'XYZ');
    await el.updateComplete;
    expect(el.querySelectorAll('[data-wix-form-error]')).to.have.length(0);
    expect(control(el, 'email').hasAttribute('aria-invalid')).to.equal(false);
    expect(control(el, 'email').hasAttribute('aria-describedby')).to.equal(false);
    fill(el, 'qty', '12');
    await el.submit();
    await el.updateComplete;
    expect(control(el, 'qty').getAttribute('aria-describedby')).to.match(/^qhint wix-form-error-\d+$/);
    fill(el, 'qty', '4');
    await el.updateComplete;
    expect(control(el, 'qty').getAttribute('aria-describedby')).to.equal('qhint');

    const marker = mark(el);
    fill(el, 'agree', true);
    fill(el, 'note', 'From slots');
    control(el, 'code').focus();
    const succeeded = once(el, 'wix-form-success');
    await sendKeys({ press: 'Enter' }); // Enter in a slotted input submits too
    const { item } = (await succeeded).detail;
    expect(await getItem(item['_id'] as string)).to.include({
      email: 'ada@example.com',
      qty: 4,
      code: 'XYZ',
      agree: true,
      size: 'M',
      note: 'From slots',
      marker,
    });
    expect(await getItem(item['_id'] as string)).not.to.have.property('upload');
    await stateIs(el, 'success');
    expect(control(el, 'email').disabled).to.equal(false);

    $(el, '[part~="another"]').click();
    await stateIs(el, 'ready');
    expect([control(el, 'email').value, control(el, 'qty').value, control(el, 'agree').checked]).to.deep.equal(['', '2', false]);
    expect(el.querySelector<HTMLInputElement>('[name="size"][value="M"]')!.checked).to.equal(true);
  });

  it('locks the slotted controls while sending and after a failure, and gives them back', async () => {
    const el = await readyForm(slotted());
    el.querySelector<HTMLTextAreaElement>('[name="note"]')!.disabled = true; // the author's own choice stays
    await addFault({ path: INSERT_PATH, method: 'POST', status: 503, times: 1 });
    fill(el, 'email', 'ada@example.com');
    const done = el.submit();
    await el.updateComplete;
    expect(control(el, 'email').disabled).to.equal(true);
    expect(await done).to.equal(false);
    await stateIs(el, 'error');
    expect(control(el, 'email').disabled).to.equal(true);
    expect(await el.submit()).to.equal(true);
    await stateIs(el, 'success');
    expect(control(el, 'email').disabled).to.equal(false);
    expect(el.querySelector<HTMLTextAreaElement>('[name="note"]')!.disabled).to.equal(true);
  });

  it('with no named controls it says so', async () => {
    const el = await readyForm(html`<wix-data-form api-base-url=${host} collection="FormEntries"><p>Nothing here</p></wix-data-form>`);
    expect(text(el.shadowRoot!)).to.contain('This form has no fields yet.');
    el.insertAdjacentHTML('beforeend', '<label>Later <input name="note"></label>');
    await waitUntil(() => !text(el.shadowRoot!).includes('no fields'));
  });
});

describe('<wix-data-form> in a native form (ElementInternals)', () => {
  it('gives one entry per field to the form, its validity, reset and disabled state', async () => {
    const wrap = await fixture<HTMLFormElement>(html`<form><fieldset><wix-data-form fields=${FIELDS}></wix-data-form></fieldset></form>`);
    const el = wrap.querySelector('wix-data-form')!;
    await el.updateComplete;
    expect(el.state).to.equal('ready');
    expect(el.form).to.equal(wrap);
    expect(submitButton(el)).to.equal(null);
    expect(wrap.checkValidity()).to.equal(false);
    expect(el.validity.valueMissing).to.equal(true);
    expect(el.validationMessage).to.equal('Fill in this field.');
    fillValid(el);
    expect(el.checkValidity()).to.equal(true);
    expect(wrap.checkValidity()).to.equal(true);
    const data = new FormData(wrap);
    expect([...data]).to.deep.equal([
      ['email', 'ada@example.com'],
      ['qty', '3'],
      ['code', 'ABC'],
      ['note', 'Hello'],
      ['agree', 'on'],
      ['day', '2024-05-01'],
      ['size', 'L'],
    ]);
    fill(el, 'qty', '99');
    expect(el.validity.rangeOverflow).to.equal(true);
    wrap.reset();
    await el.updateComplete;
    expect(control(el, 'email').value).to.equal('');
    expect(control(el, 'agree').checked).to.equal(false);
    expect([...new FormData(wrap)]).to.deep.equal([]);
    wrap.querySelector('fieldset')!.disabled = true;
    await el.updateComplete;
    expect(control(el, 'email').disabled).to.equal(true);
    wrap.querySelector('fieldset')!.disabled = false;
    await el.updateComplete;
    expect(control(el, 'email').disabled).to.equal(false);
  });

  it('with a name, the value is the item as JSON; an invalid element shows its messages when the form is submitted', async () => {
    const wrap = await fixture<HTMLFormElement>(
      html`<form @submit=${(e: Event) => e.preventDefault()}><wix-data-form name="order" fields=${FIELDS}></wix-data-form><button>Go</button></form>`,
    );
    const el = wrap.querySelector('wix-data-form')!;
    await el.updateComplete;
    fill(el, 'qty', '4');
    fill(el, 'agree', true);
    expect(JSON.parse(new FormData(wrap).get('order') as string)).to.deep.equal({ qty: 4, agree: true });
    expect(wrap.reportValidity()).to.equal(false);
    await el.updateComplete;
    expect(errorOf(el, 'email')).to.equal('Fill in this field.');
    el.setAttribute('disabled', '');
    await el.updateComplete;
    expect(control(el, 'email').disabled).to.equal(true);
    expect(wrap.checkValidity()).to.equal(true); // a disabled control is not validated
  });
});

describe('<wix-data-form> states without a site', () => {
  it('Editor: a placeholder saying what it is and needs, no spinner, no network', async () => {
    (window as { commonConfig?: unknown }).commonConfig = { viewMode: 'Editor' };
    const seq = await lastSeq();
    const el = await form(html`<wix-data-form collection="Feedback" fields=${FIELDS}></wix-data-form>`, null);
    await el.updateComplete;
    expect(el.state).to.equal('editor');
    expect(el.getAttribute('state')).to.equal('editor');
    expect(text(el.shadowRoot!)).to.contain('Data form').and.to.contain('“Feedback”').and.to.contain('collection and fields');
    expect($(el, '.placeholder')).to.exist;
    el.accessTokenListener(anonymousToken);
    expect(await el.submit()).to.equal(false);
    await sleep(50);
    expect(await logSince(seq)).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('connecting, then not connected: neither a token nor page code after connect-timeout', async () => {
    const waiting = await form(html`<wix-data-form collection="FormEntries" fields=${FIELDS} connect-timeout="60000"></wix-data-form>`, null);
    expect(waiting.state).to.equal('connecting');
    expect(submitButton(waiting).getAttribute('aria-disabled')).to.equal('true');
    expect(await waiting.submit()).to.equal(false);
    await waiting.updateComplete;
    expect(text($(waiting, '[role="alert"]'))).to.contain('Still connecting');
    await expect(waiting).to.be.accessible();
    waiting.accessTokenListener(anonymousToken); // the token arrives: ready, and the note goes away
    await stateIs(waiting, 'ready');
    expect(text($(waiting, '[role="alert"]'))).to.equal('');

    const el = await form(html`<wix-data-form collection="FormEntries" fields=${FIELDS} connect-timeout="50"></wix-data-form>`, null);
    await stateIs(el, 'not-connected');
    expect(el.getAttribute('state')).to.equal('not-connected');
    expect(text(el.shadowRoot!)).to.contain('Not connected to a Wix site');
    expect(el.shadowRoot!.querySelector('form')).to.equal(null);
    await expect(el).to.be.accessible();
    el.setAttribute('bridge', 'ready'); // page code that binds late still connects it
    await stateIs(el, 'ready');
  });
});

describe('<wix-data-form> on a Velo site (page code through the bridge)', () => {
  /** Page code: `items` from @wix/data with the page's own session, as `insert` for this form. */
  function pageCode(id: string, insert?: (input: any) => Promise<unknown>) {
    const items = createSessionClient(sessionFor(anonymousToken), { apiBaseUrl: host }).items;
    const calls: any[] = [];
    const action = insert ?? (async ({ collection, item }: any) => ({ ok: true, data: await items.insert(collection, item) }));
    bindElements(createDollarW(), {
      [`#${id}`]: {
        actions: {
          insert: (input) => {
            calls.push(input);
            return action(input);
          },
        },
      },
    });
    return calls;
  }

  const veloForm = (id: string, collection = 'FormEntries', fields = FIELDS) =>
    form(html`<wix-data-form id=${id} api-base-url=${host} collection=${collection} fields=${fields}></wix-data-form>`, null);

  it('inserts through the page-code action `insert` with { collection, item }', async () => {
    const el = await veloForm('vf1');
    const calls = pageCode('vf1');
    await stateIs(el, 'ready');
    const marker = mark(el);
    fillValid(el);
    const succeeded = once(el, 'wix-form-success');
    expect(await el.submit()).to.equal(true);
    const { item } = (await succeeded).detail;
    expect(calls).to.have.length(1);
    expect(calls[0].collection).to.equal('FormEntries');
    expect(calls[0].item).to.include({ email: 'ada@example.com', qty: 3, marker });
    expect(item['_id']).to.equal(calls[0].item._id);
    expect(await countMarked(marker)).to.equal(1);
  });

  it('a duplicate answer for its _id (the first answer was lost) counts as success; one item', async () => {
    const el = await veloForm('vf2');
    let first = true;
    const items = createSessionClient(sessionFor(anonymousToken), { apiBaseUrl: host }).items;
    const calls = pageCode('vf2', async ({ collection, item }) => {
      const data = await items.insert(collection, item);
      if (first) {
        first = false;
        return { ok: false, code: 'UNAVAILABLE', message: 'The connection dropped.' };
      }
      return { ok: true, data };
    });
    await stateIs(el, 'ready');
    const marker = mark(el);
    fillValid(el);
    expect(await el.submit()).to.equal(false);
    await stateIs(el, 'error');
    expect(await el.submit()).to.equal(true); // the page code's insert throws WDE0074 this time
    expect(calls.map((c) => c.item._id)).to.have.length(2);
    expect(calls[0].item._id).to.equal(calls[1].item._id);
    expect(await countMarked(marker)).to.equal(1);
  });

  it('"already exists" on a first attempt is not taken for success (only after an answer was lost)', async () => {
    const el = await veloForm('vf7');
    const calls = pageCode('vf7', async () => ({ ok: false, code: 'WDE0074', message: 'Item already exists.' }));
    await stateIs(el, 'ready');
    fillValid(el);
    const failed = once(el, 'wix-form-error');
    expect(await el.submit()).to.equal(false);
    expect((await failed).detail).to.include({ kind: 'server', code: 'WDE0074', message: 'The site says this entry already exists.' });
    expect(await el.submit()).to.equal(false);
    expect(el.state).to.equal('error');
    expect(calls).to.have.length(2);
  });

  it('a sign-in in page code (bridge="ready" again) clears "Permission denied" and sends the held entry once more, with its _id', async () => {
    let signedIn = false;
    const el = await veloForm('vf-login');
    const calls = pageCode('vf-login', async ({ item }) =>
      signedIn ? { ok: true, data: item } : { ok: false, code: 'PERMISSION_DENIED', message: 'Members only.' },
    );
    await stateIs(el, 'ready');
    fillValid(el);
    expect(await el.submit()).to.equal(false);
    expect(text($(el, '[role="alert"]'))).to.contain('Permission denied');
    signedIn = true;
    const stored = once(el, 'wix-form-success');
    el.setAttribute('bridge', 'ready'); // what page code does after a login (elements/velo/page.ts)
    await stored;
    await stateIs(el, 'success');
    expect(calls).to.have.length(2);
    expect(calls[1].item._id).to.equal(calls[0].item._id);
  });

  it('server validation and permission errors through the bridge map like the SDK path', async () => {
    const fields = JSON.stringify([{ field: 'qty', type: 'text', label: 'Quantity' }]);
    const el = await veloForm('vf3', 'FormEntries', fields);
    pageCode('vf3');
    await stateIs(el, 'ready');
    fill(el, 'qty', 'many');
    asMalformedDate(el, 'qty');
    const failed = once(el, 'wix-form-error');
    expect(await el.submit()).to.equal(false);
    expect((await failed).detail.fields.map((f) => f.field)).to.deep.equal(['qty']);
    await el.updateComplete;
    expect(control(el, 'qty').getAttribute('aria-invalid')).to.equal('true');
    expect(errorOf(el, 'qty')).to.contain('not a valid date');

    const denied = await veloForm('vf4', 'FormAdminOnly');
    pageCode('vf4');
    await stateIs(denied, 'ready');
    fillValid(denied);
    const refused = once(denied, 'wix-form-error');
    expect(await denied.submit()).to.equal(false);
    expect((await refused).detail.kind).to.equal('forbidden');
    expect(text($(denied, '[role="alert"]'))).to.contain('Permission denied');

    const enveloped = await veloForm('vf5');
    pageCode('vf5', async () => ({ ok: false, code: 'PERMISSION_DENIED', message: 'Members only.' }));
    await stateIs(enveloped, 'ready');
    fillValid(enveloped);
    expect(await enveloped.submit()).to.equal(false);
    expect(enveloped.state).to.equal('error');
    expect(text($(enveloped, '[role="alert"]'))).to.contain('Permission denied');
  });

  it('through a web method: submitContactRequest takes the _id as its requestId, so a retry is stored once; its issues map to fields', async () => {
    setPageSession(anonymousToken);
    const fields = JSON.stringify([
      { field: 'name', label: 'Name', required: true },
      { field: 'email', label: 'Email (checked by the backend)' },
      { field: 'message', type: 'textarea', label: 'Message', required: true },
    ]);
    const el = await veloForm('vf8', 'ContactRequests', fields);
    const answers: any[] = [];
    let loseNext = true;
    // Page code: the element's item → the web method's input; the first answer is lost on the way back.
    pageCode('vf8', async ({ item }) => {
      const answer = await callWebMethod('data-admin.web', 'submitContactRequest', [
        { name: item.name, email: item.email, message: item.message, requestId: item._id },
      ]);
      answers.push(answer);
      if (answers.length === 2 && loseNext) {
        loseNext = false;
        return { ok: false, code: 'UNAVAILABLE', message: 'The connection dropped.' };
      }
      return answer;
    });
    await stateIs(el, 'ready');
    fill(el, 'name', 'Ada');
    fill(el, 'email', 'not an email');
    fill(el, 'message', 'Hello');
    const failed = once(el, 'wix-form-error');
    expect(await el.submit()).to.equal(false);
    expect((await failed).detail.fields).to.deep.equal([{ field: 'email', message: 'The site did not accept this value: it must be an email address.' }]);
    await el.updateComplete;
    expect(control(el, 'email').getAttribute('aria-invalid')).to.equal('true');
    expect(el.shadowRoot!.activeElement).to.equal(control(el, 'email'));

    fill(el, 'email', 'ada@example.com');
    expect(await el.submit()).to.equal(false); // stored, but the answer was lost
    await stateIs(el, 'error');
    expect(await el.submit()).to.equal(true);
    expect(answers.slice(1).map((a) => a.data.duplicate)).to.deep.equal([false, true]);
    expect(answers[1].data.requestId).to.equal(answers[2].data.requestId);
  });

  it('a token wins over the bridge', async () => {
    const el = await veloForm('vf6');
    const calls = pageCode('vf6');
    await stateIs(el, 'ready');
    el.accessTokenListener(anonymousToken);
    const marker = mark(el);
    fillValid(el);
    expect(await el.submit()).to.equal(true);
    expect(calls).to.have.length(0);
    expect(await countMarked(marker)).to.equal(1);
  });
});

describe('<wix-data-form> safety', () => {
  it('renders the XSS corpus as text: labels, help, placeholders, values, options, messages from the schema and the server', async () => {
    (window as { __xss?: unknown }).__xss = undefined;
    const fields = JSON.stringify([
      ...XSS_PAYLOADS.map((payload, i) => ({
        field: `f${i}`,
        label: payload,
        help: payload,
        placeholder: payload,
        value: payload,
        message: payload,
        pattern: 'x',
      })),
      { field: 'pick', type: 'select', label: 'Pick', options: XSS_PAYLOADS.map((p) => ({ value: p, label: p })), value: XSS_PAYLOADS[4] },
    ]);
    const el = await fixture<WixDataForm>(
      html`<wix-data-form id="xf" collection="FormEntries" fields=${fields} submit-label=${XSS_PAYLOADS[0]!} success-message=${XSS_PAYLOADS[1]!}></wix-data-form>`,
    );
    // Page code answers twice with a hostile message (naming a field, then not), then with success.
    const answers = [
      { ok: false, code: 'VALIDATION', message: `Invalid item: dataItem.data.f1 ${XSS_PAYLOADS[2]}` },
      { ok: false, code: 'VALIDATION', message: XSS_PAYLOADS[3] },
      { ok: true, data: { _id: 'x' } },
    ];
    bindElements(createDollarW(), { '#xf': { actions: { insert: async () => answers.shift() } } });
    await stateIs(el, 'ready');
    const names = XSS_PAYLOADS.map((_, i) => `f${i}`);
    expect([...el.shadowRoot!.querySelectorAll('[part~="label"]')].slice(0, -1).map((l) => l.textContent)).to.deep.equal(XSS_PAYLOADS);
    expect(names.map((n) => control(el, n).value)).to.deep.equal(XSS_PAYLOADS);
    expect(names.map((n) => control(el, n).placeholder)).to.deep.equal(XSS_PAYLOADS);
    expect([...(control(el, 'pick') as unknown as HTMLSelectElement).options].slice(1).map((o) => [o.value, o.text])).to.deep.equal(
      XSS_PAYLOADS.map((p) => [p, p]),
    );
    expect(control(el, 'pick').value).to.equal(XSS_PAYLOADS[4]);
    expect(text(submitButton(el))).to.equal(XSS_PAYLOADS[0]);

    expect(await el.submit()).to.equal(false); // every value breaks its pattern: the schema's message shows
    await el.updateComplete;
    expect(names.map((n) => errorOf(el, n))).to.deep.equal(XSS_PAYLOADS.map((p) => p.trim()));
    names.forEach((n) => fill(el, n, 'x'));
    expect(await el.submit()).to.equal(false);
    await el.updateComplete;
    expect(errorOf(el, 'f1')).to.contain(XSS_PAYLOADS[2]);
    expect(await el.submit()).to.equal(false);
    await el.updateComplete;
    expect(text($(el, '[role="alert"]'))).to.contain(XSS_PAYLOADS[3]);
    expect(await el.submit()).to.equal(true);
    await stateIs(el, 'success');
    expect($(el, '[role="status"]').textContent).to.equal(XSS_PAYLOADS[1]);
    await sleep(100);
    expect((window as { __xss?: unknown }).__xss).to.equal(undefined);
    expect(el.shadowRoot!.querySelector('img, script, svg, iframe, object, embed, video, math, marquee, details, style, a, template, noscript, body')).to.equal(
      null,
    );
  });

  it('no Lit dev-mode warnings in any state, and the token never reaches the DOM, storage, URL or console', async () => {
    const seen: string[] = [];
    const methods = ['log', 'info', 'warn', 'error', 'debug'] as const;
    const originals = methods.map((m) => console[m]);
    methods.forEach((m) => (console[m] = (...args: unknown[]) => void seen.push(args.map(String).join(' '))));
    let token = '';
    try {
      const el = await form(undefined, async () => (token = await anonymousToken()));
      await stateIs(el, 'ready');
      await el.submit();
      await el.updateComplete;
      fillValid(el);
      await el.submit();
      await stateIs(el, 'success');
      $(el, '[part~="another"]').click();
      await stateIs(el, 'ready');
      el.setAttribute('fields', '[');
      await stateIs(el, 'config-error');
      const slottedForm = await form(html`<wix-data-form api-base-url=${host} collection="FormAdminOnly"><input name="note" required /></wix-data-form>`);
      await stateIs(slottedForm, 'ready');
      await slottedForm.submit();
      (slottedForm.querySelector('input') as HTMLInputElement).value = 'x';
      await slottedForm.submit();
      await stateIs(slottedForm, 'error');
    } finally {
      methods.forEach((m, i) => (console[m] = originals[i]!));
    }
    expect(seen).to.deep.equal([]);
    expect(litWarnings).to.deep.equal([]);
    expect(token).to.match(/^OauthNG\.JWS\./);
    const everywhere = leakSurface(seen);
    expect(everywhere.includes(token.split('.')[3]!)).to.equal(false);
    expect(/eyJ[\w-]+\.eyJ[\w-]+/.test(everywhere)).to.equal(false);
  });
});
