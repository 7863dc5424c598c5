import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { ActionBridge, envelopeKind } from '../core/action-bridge.ts';
import { createInsertClient, type InsertClient } from '../core/data-client.ts';
import { kindOfCode, SessionError, toSessionError, type SessionErrorKind } from '../core/errors.ts';
import { WixElement } from '../core/element.ts';
import { themeAccent } from '../core/theme-accent.ts';
import { themeBase } from '../core/theme-base.ts';
import { themePanel } from '../core/theme-panel.ts';
import { dataFormStyles } from './data-form.styles.ts';
import { parseFields, problemOf, resetControl, slottedEntries, valueOf, type Control, type Entry, type FieldSpec, type Problem } from './fields.ts';

export type { FieldSpec, FieldType } from './fields.ts';

/**
 * `config-error`: the `fields` attribute cannot be read. `ready`: fields shown, the visitor can submit (also the
 * state of a form without `collection`, which only gives its value to an enclosing native form).
 */
export type DataFormState = 'editor' | 'config-error' | 'connecting' | 'not-connected' | 'ready' | 'submitting' | 'success' | 'error';

/** An item as the form sends it: the values of its fields, and the `_id` that makes a retry safe. */
export type FormItem = Record<string, unknown> & { _id: string };

export interface FormFieldError {
  field: string;
  message: string;
}

export interface FormSubmitDetail {
  item: FormItem;
}

export interface FormSuccessDetail {
  item: Record<string, unknown>;
}

export interface FormErrorDetail {
  /** `config`: the fields attribute is wrong; `validation`: see `fields`; otherwise what failed. */
  kind: SessionErrorKind | 'config';
  message: string;
  fields: FormFieldError[];
  code?: string;
}

/** The events of <wix-data-form>, by type: their detail. */
export interface DataFormEvents {
  'wix-form-submit': FormSubmitDetail;
  'wix-form-success': FormSuccessDetail;
  'wix-form-error': FormErrorDetail;
}

type Phase = 'connecting' | 'not-connected' | 'ready' | 'submitting' | 'success' | 'error';

/** "This `_id` is already stored": after an attempt whose answer was lost, proof that it got through. */
const DUPLICATE = /^(WDE0074|ALREADY_EXISTS|DUPLICATE_ITEM)$/;

const FAILURES: Partial<Record<SessionErrorKind, string>> = {
  forbidden: 'Permission denied: this form does not accept entries from you. Signing in may help.',
  network: 'Your entry could not be sent: the site did not answer. Try again; it will not be saved twice.',
  server: 'The site had a problem saving your entry. Try again; it will not be saved twice.',
  'not-found': 'This form’s collection does not exist.',
};

/** Over the page-code bridge only an envelope's code travels: read Wix codes (WDE0027…) as the data client does. */
const kindOfEnvelopeCode = (code: string): SessionErrorKind => {
  const kind = envelopeKind(code);
  return kind === 'server' ? (kindOfCode(code) ?? kind) : kind;
};

let errorIds = 0;

/**
 * A form that adds one item to a Wix collection as the current visitor or member, so that the collection's
 * insert permission decides. Fields come from the `fields` attribute (a JSON list) or, without it, from the
 * named native controls put inside the element (`<input name>`, `<select name>`, `<textarea name>`), whose
 * labels, values and constraints it uses as they are.
 *
 * Hosts, as in the other elements: with a token getter (a site widget: `accessTokenListener(getter)` or
 * `window.wixEmbedsAPI`), it inserts with the official SDK client (`items.insert`); on a Velo site, page code
 * binds the action `insert` (`bindElements($w, { '#form': { actions: { insert } } })`), which receives
 * `{ collection, item }` and answers `{ ok: true, data: item }` or `{ ok: false, code, message }` (or throws a
 * wix-data error). A token wins over the bridge. Page code (the element's ID is `form`; pinning the collection
 * there means the page, not an attribute, decides where entries go):
 *
 *   import { items } from '@wix/data';
 *   import { bindElements } from 'public/wix-session-elements/page';
 *   $w.onReady(() => bindElements($w, { '#form': { actions: {
 *     insert: async ({ item }) => ({ ok: true, data: await items.insert('Feedback', item) }),
 *   } } }));
 *
 * A thrown wix-data error reaches the element with its code (WDE0027: permission denied; WDE0074: the `_id`
 * exists). A web method works too, e.g. `insert: ({ item }) => submitContactRequest({ ...fields, requestId: item._id })`.
 *
 * Validation runs in the browser first (required, type, pattern, min/max, length, step): each invalid field
 * gets `aria-invalid` and a message it is described by, and focus moves to the first one. The platform's own
 * validation errors (a 400 naming `dataItem.data.<field>`) are shown on their fields too.
 *
 * A submission cannot be stored twice: it carries an `_id` made once (`crypto.randomUUID()`) and kept for every
 * retry until it succeeds or the form is reset, and a "duplicate item" answer for that `_id` means an earlier
 * attempt got through, so it counts as success. While a submission is on its way the form ignores another.
 * After a failure the fields stay as they were sent (read-only) and "Try again" sends the same item. After a
 * refusal ("Permission denied", a session that ended), a change of identity (the visitor signs in: a new token
 * injection, the session's `change`, or `bridge="ready"` set again) clears the message and sends the same item once
 * more, as the new identity; if that is refused too, the message comes back (one try per change, never a loop).
 *
 * It is form-associated: inside a native `<form>` its value is the item (JSON under its `name`, or one entry per
 * field when it has no `name`), its validity is that of its fields, and the form's reset and disabled state
 * apply. Without `collection` it only does that (no submit button, no network).
 *
 * @tag wix-data-form
 *
 * @attr collection - ID of the collection to insert into. Without it the form has no submit button and only serves an enclosing native form.
 * @attr fields - JSON list of fields: `{ field, type, label, required, min, max, step, minLength, maxLength, pattern, options, placeholder, help, message, value }`; `type` is text, textarea, email, number, date, checkbox, select (with `options`: strings or `{ value, label }`), url or tel. Without it, the named controls inside the element are the fields.
 * @attr label - Accessible name of the form (e.g. "Contact us").
 * @attr submit-label - Text of the submit button (default "Submit").
 * @attr success-message - Text shown after a successful submission (default "Thank you. Your entry was sent.").
 * @attr name - Inside a native form: submit the item as JSON under this name (without it, one entry per field).
 * @attr disabled - Disables every field and the submit button (as a native form control).
 * @attr connect-timeout - Milliseconds to wait for a token or page code before showing "not connected" (default 1500).
 * @attr submit-timeout - Milliseconds to wait for the site's answer before showing a network error (default 15000). A retry stays safe.
 * @attr api-base-url - Overrides the API host (`host[:port][/path]`); normally the site's URL.
 * @attr state - Read-only, reflected for CSS: editor, config-error, connecting, not-connected, ready, submitting, success, error.
 * @attr bridge - Set to `ready` by page code (elements/velo/page.ts) once it answers `wix-bridge-request`.
 * @attr bridge-reply - Written by page code: one JSON reply per request.
 * @attr bridge-timeout - Milliseconds to wait for a page-code reply (default 10000).
 *
 * @slot - Without `fields`: native controls with a `name` (and their labels); each name is a field of the item.
 *
 * @fires wix-form-submit - Before sending, after the fields are valid; cancelable. Detail: `{ item }`, the item with its `_id` (a listener may add fields).
 * @fires wix-form-success - The item is stored. Detail: `{ item }`, as the site answered (or as sent, when an earlier attempt had stored it).
 * @fires wix-form-error - Detail: `{ kind, message, fields, code? }`; `kind` is validation (client or server; `fields` lists `{ field, message }`), config, forbidden, network, unauthenticated, not-found, rate-limited or server.
 *
 * @csspart form - The form element.
 * @csspart field - The box around one field (label, control, help, error).
 * @csspart label - A field's label.
 * @csspart input - A field's control (input, textarea or select).
 * @csspart error - A field's error message.
 * @csspart submit - The submit button ("Try again" after a failure).
 * @csspart another - The "Submit another" button shown after success.
 * @csspart status - The status line (progress, success, error) and the not-connected, config-error and editor boxes.
 *
 * @cssprop --wse-font - Font (default: the site's).
 * @cssprop --wse-color-text - Text colour.
 * @cssprop --wse-color-background - Background of the element.
 * @cssprop --wse-color-surface - Background of the controls.
 * @cssprop --wse-color-accent - Submit button and focus ring.
 * @cssprop --wse-color-on-accent - Text of the submit button.
 * @cssprop --wse-color-muted - Help texts and the editor placeholder.
 * @cssprop --wse-color-border - Control and box borders.
 * @cssprop --wse-color-error - Error messages and invalid controls.
 * @cssprop --wse-color-success - The success message.
 * @cssprop --wse-radius - Corner radius of controls, buttons and boxes.
 * @cssprop --wse-space - Base gap.
 */
export class WixDataForm extends WixElement<DataFormEvents> {
  static formAssociated = true;
  static override styles = [themeBase, themeAccent, themePanel, dataFormStyles];
  // Static declarations rather than decorators, as in the other elements (bundle size).
  static override properties: PropertyDeclarations = {
    collection: {},
    fields: {},
    label: {},
    submitLabel: { attribute: 'submit-label' },
    successMessage: { attribute: 'success-message' },
    name: {},
    submitTimeout: { type: Number, attribute: 'submit-timeout' },
  };

  collection = '';
  /** JSON text (the attribute) or a list of field objects. */
  fields: string | unknown[] | null = null;
  label = '';
  submitLabel = 'Submit';
  successMessage = 'Thank you. Your entry was sent.';
  name = '';
  submitTimeout = 15_000;

  readonly #internals = this.attachInternals();
  #editor = false;
  #phase: Phase = 'connecting';
  #specs: FieldSpec[] | undefined;
  #configError: string | undefined;
  /** Field name → the message shown on it (client or server). */
  #errors = new Map<string, string>();
  #status = '';
  #tone: 'info' | 'error' | 'success' = 'info';
  /** The submission in progress or to retry; its `_id` is kept until success or reset. */
  #attempt: FormItem | undefined;
  /** The `_id` of an attempt that may have been stored although no answer said so. */
  #uncertainId: string | undefined;
  #formDisabled = false;
  #focus: Control | 'another' | 'first' | undefined;
  #announcedConfig: string | undefined;
  /** Only the latest submission may change the state (a reset abandons the one in flight). */
  #run = 0;
  /** The last failure was a refusal of who the visitor is (forbidden, unauthenticated): a new identity retries it. */
  #refused = false;

  #client: InsertClient | undefined;
  protected readonly bridge = new ActionBridge(this);
  /** Slotted controls that this element disabled (and must enable again). */
  readonly #lockedByUs = new Set<Control>();
  /** Field name → the light-DOM message element of a slotted control (a shadow id cannot describe it). */
  readonly #lightErrors = new Map<string, HTMLElement>();
  readonly #children = new MutationObserver(() => this.requestUpdate());

  /** The current state (read-only). */
  get state(): DataFormState {
    if (this.#editor) return 'editor';
    if (this.#configError) return 'config-error';
    return this.collection ? this.#phase : 'ready';
  }

  /** The validity of the fields, as a native control's. */
  get validity(): ValidityState {
    return this.#internals.validity;
  }

  get validationMessage(): string {
    return this.#internals.validationMessage;
  }

  get form(): HTMLFormElement | null {
    return this.#internals.form;
  }

  checkValidity(): boolean {
    return this.#internals.checkValidity();
  }

  /** Shows every field's message and focuses the first invalid field; true when all are valid. */
  reportValidity(): boolean {
    return this.#validate() === undefined;
  }

  override connectedCallback(): void {
    this.#children.observe(this, { childList: true, subtree: true, attributes: true, attributeFilter: ['name'] });
    this.addEventListener('invalid', this.#onInvalid);
    super.connectedCallback();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.#children.disconnect();
    this.removeEventListener('invalid', this.#onInvalid);
  }

  /** A token or page code arrived (or the identity changed: the SDK client is built again, lazily). */
  protected override onTransport(): void {
    this.#client = undefined;
    if (this.#phase === 'connecting' || this.#phase === 'not-connected') this.#set('ready');
    if (this.#status.startsWith('Still connecting')) this.#say('');
    // Refused as who the visitor was, and now the identity changed (a sign-in): the message no longer holds, so
    // the held entry is sent once more as who they are now (its `_id` unchanged, so it is never stored twice).
    if (this.#phase === 'error' && this.#refused && this.#attempt) {
      this.#refused = false;
      this.#say('');
      void this.submit();
    }
  }

  protected override onUnconnected(state: 'editor' | 'not-connected'): void {
    if (state === 'editor') this.#editor = true;
    else this.#set(state);
  }

  formDisabledCallback(disabled: boolean): void {
    this.#formDisabled = disabled;
    this.requestUpdate();
  }

  /** The enclosing form was reset: initial values, no messages, a new submission (a new `_id`). */
  formResetCallback(): void {
    this.#run++;
    this.#attempt = undefined;
    this.#entries().forEach((entry) => entry.controls.forEach(resetControl));
    this.#errors.clear();
    this.#say('');
    if (this.#phase === 'submitting' || this.#phase === 'success' || this.#phase === 'error') this.#set('ready');
    this.requestUpdate();
  }

  /**
   * Validates, then inserts the item. Resolves true once it is stored, false when it is not (invalid, cancelled,
   * failed, or another submission is already on its way). Never sends two submissions at once.
   */
  async submit(): Promise<boolean> {
    const phase = this.state;
    if ((phase !== 'ready' && phase !== 'error' && phase !== 'connecting') || !this.collection || this.#formDisabled) return false;
    if (!this.hasTransport) {
      this.#say('Still connecting to the site. Try again in a moment.', 'error');
      return false;
    }
    let item = phase === 'error' ? this.#attempt : undefined;
    if (!item) {
      if (this.#validate()) return false;
      item = { ...this.#item(), _id: this.#attempt?._id ?? crypto.randomUUID() };
    }
    // Submitting from here on, before the event: a listener that calls submit() again is refused.
    const before = this.#phase;
    this.#phase = 'submitting';
    if (!this.emit('wix-form-submit', { item }, true)) {
      this.#phase = before;
      return false;
    }
    this.#attempt = item;
    // Fields are locked while sending: keep focus in the form, on the button.
    if (this.matches(':focus-within')) this.renderRoot.querySelector<HTMLElement>('[part~="submit"]')?.focus();
    const run = ++this.#run;
    this.#set('submitting');
    this.#say('Sending…');
    let stored: Record<string, unknown>;
    try {
      stored = await this.#insert(item);
    } catch (error) {
      const typed = toSessionError(error);
      if (run !== this.#run) return false;
      const duplicate = DUPLICATE.test(typed.code ?? '');
      // "Already exists" proves success only for an _id whose earlier answer never came (lost, timed out, 5xx).
      if (!duplicate || this.#uncertainId !== item._id) {
        if (!duplicate && (typed.kind === 'network' || typed.kind === 'server')) this.#uncertainId = item._id;
        this.#fail(duplicate ? new SessionError('server', 'The site says this entry already exists.', { code: typed.code! }) : typed);
        return false;
      }
      stored = item;
    }
    if (run !== this.#run) return false;
    this.#attempt = undefined;
    this.#focus = this.matches(':focus-within') ? 'another' : undefined;
    this.#set('success');
    this.#say(this.successMessage, 'success');
    this.emit('wix-form-success', { item: stored });
    return true;
  }

  #set(phase: Phase): void {
    this.#phase = phase;
    this.requestUpdate();
  }

  #say(text: string, tone: 'info' | 'error' | 'success' = 'info'): void {
    this.#status = text;
    this.#tone = tone;
    this.requestUpdate();
  }

  /** Sends the item: SDK client with a token, page code otherwise; an answer later than `submit-timeout` is a network error. */
  async #insert(item: FormItem): Promise<Record<string, unknown>> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new SessionError('network', 'The site did not answer in time.')), this.submitTimeout);
    });
    try {
      return await Promise.race([this.session ? this.#sdk().items.insert(this.collection, item) : this.#viaPageCode(item), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  #sdk(): InsertClient {
    return (this.#client ??= createInsertClient(this.session!, { apiBaseUrl: this.apiBaseUrl }));
  }

  async #viaPageCode(item: FormItem): Promise<Record<string, unknown>> {
    const envelope = await this.bridge.call('insert', { collection: this.collection, item });
    if (!envelope.ok) throw new SessionError(kindOfEnvelopeCode(envelope.code), envelope.message, { code: envelope.code });
    const data = envelope.data as Record<string, unknown> | null;
    return data instanceof Object && typeof data['_id'] === 'string' ? data : item;
  }

  #fail(error: SessionError): void {
    const { kind, code } = error;
    this.#refused = kind === 'forbidden' || kind === 'unauthenticated';
    const fields = kind === 'validation' ? this.#serverFieldErrors(error) : [];
    let message: string;
    if (kind === 'validation') {
      // Nothing was written: back to editing, with the site's messages on their fields.
      this.#errors = new Map(fields.map(({ field, message }) => [field, message]));
      message = fields.length ? this.#checkMessage(fields.length) : `The site did not accept the entry: ${error.message.split('\n')[0]}`;
      this.#focus = fields.length ? this.#entries().find((e) => this.#errors.has(e.name))?.controls[0] : undefined;
      this.#set('ready');
    } else {
      message = (code && DUPLICATE.test(code) ? error.message : FAILURES[kind]) ?? error.userMessage;
      this.#set('error');
    }
    this.#say(message, 'error');
    this.emit('wix-form-error', { kind, message, fields, ...(code ? { code } : {}) });
  }

  /**
   * The platform names a field as `dataItem.data.<key>`: in `fieldViolations` with the SDK, and only in the
   * message over the page-code bridge, where a web method's `Invalid input: <key>: …` is read too. Only the
   * form's own fields are kept, in the form's order.
   */
  #serverFieldErrors(error: SessionError): FormFieldError[] {
    const cause = error.cause as { violations?: unknown; details?: { validationError?: { fieldViolations?: unknown } } } | undefined;
    const listed = cause?.violations ?? cause?.details?.validationError?.fieldViolations;
    const violations = Array.isArray(listed) ? listed.map((v) => [String(v?.field), String(v?.description ?? '')]) : [];
    const fields: FormFieldError[] = [];
    // Field names are plain keys (letters, digits, _), safe inside a RegExp.
    for (const { name } of this.#entries()) {
      const description = Array.isArray(listed)
        ? violations.find(([path]) => path === `dataItem.data.${name}`)?.[1]
        : new RegExp(`(?:dataItem\\.data\\.${name}:?|(?:^|\\s)${name}:) ([^\\n]+)`).exec(error.message)?.[1];
      if (description) fields.push({ field: name, message: `The site did not accept this value: it ${description.trim().replace(/\.$/, '')}.`.slice(0, 300) });
    }
    return fields;
  }

  #checkMessage(count: number): string {
    return count === 1 ? 'Check the highlighted field.' : `Check the ${count} highlighted fields.`;
  }

  /** The fields now shown: the rendered controls of the schema, or the slotted named controls. */
  #entries(): Entry[] {
    if (!this.#specs) return this.#configError ? [] : slottedEntries(this);
    const controls = this.renderRoot.querySelectorAll<Control>('[data-i]');
    return this.#specs.flatMap((spec, i) => (controls[i] ? [{ name: spec.field, spec, controls: [controls[i]!] }] : []));
  }

  #item(): Record<string, unknown> {
    const item: Record<string, unknown> = {};
    for (const entry of this.#entries()) {
      const value = valueOf(entry);
      if (value !== undefined) item[entry.name] = value;
    }
    return item;
  }

  /** Shows a message on every invalid field and focuses the first; returns the first problem. */
  #validate(): Problem | undefined {
    const problems = this.#entries().flatMap((entry) => problemOf(entry) ?? []);
    this.#errors = new Map(problems.map((p) => [p.entry.name, p.message]));
    const [first] = problems;
    if (!first) {
      if (this.#tone === 'error') this.#say('');
      return undefined;
    }
    this.#focus = first.control;
    const message = this.#checkMessage(problems.length);
    this.#say(message, 'error');
    this.emit('wix-form-error', { kind: 'validation', message, fields: problems.map((p) => ({ field: p.entry.name, message: p.message })) });
    return first;
  }

  /** A field changed: a field already marked is checked again at once (its server message goes away). */
  readonly #onEdit = (event: Event): void => {
    const name = (event.target as Control).name;
    if (this.#errors.has(name)) {
      const entry = this.#entries().find((e) => e.name === name);
      const problem = entry && problemOf(entry);
      if (problem) this.#errors.set(name, problem.message);
      else this.#errors.delete(name);
      if (this.#errors.size === 0 && this.#tone === 'error' && this.#phase === 'ready') this.#say('');
      this.requestUpdate();
    }
    this.#syncForm();
  };

  /** Enter in a slotted input submits, as it does in the rendered ones (native implicit submission). */
  readonly #onKeydown = (event: KeyboardEvent): void => {
    const target = event.target as Element;
    if (
      event.key !== 'Enter' ||
      event.defaultPrevented ||
      !this.collection ||
      !(target instanceof HTMLInputElement) ||
      target.getRootNode() === this.shadowRoot
    )
      return;
    if (/^(submit|button|reset|image|file)$/.test(target.type)) return;
    event.preventDefault();
    void this.submit();
  };

  /** An enclosing native form found this element invalid: show the messages too. */
  readonly #onInvalid = (): void => {
    if (this.#errors.size === 0) this.#validate();
  };

  readonly #onSubmit = (event: Event): void => {
    event.preventDefault();
    void this.submit();
  };

  #again(): void {
    this.#entries().forEach((entry) => entry.controls.forEach(resetControl));
    this.#errors.clear();
    this.#say('');
    this.#set('ready');
    this.#focus = 'first';
  }

  /** The form value and validity an enclosing native form sees. */
  #syncForm(): void {
    const entries = this.#entries();
    const item = this.#item();
    if (this.name) this.#internals.setFormValue(JSON.stringify(item));
    else if (this.#specs) {
      const data = new FormData();
      for (const [key, value] of Object.entries(item)) for (const v of [value].flat()) if (v !== false) data.append(key, v === true ? 'on' : String(v));
      this.#internals.setFormValue(data);
    } else this.#internals.setFormValue(null); // slotted controls take part in the form themselves
    const problem = entries.map(problemOf).find(Boolean);
    if (problem) this.#internals.setValidity({ [problem.flag]: true }, problem.message, problem.control);
    else this.#internals.setValidity({});
  }

  /** Slotted controls: messages live next to them in the light DOM (an id in the shadow root cannot describe them). */
  #syncSlotted(locked: boolean): void {
    const state = this.state;
    const entries = this.#specs || (state !== 'ready' && state !== 'submitting' && state !== 'error') ? [] : slottedEntries(this);
    for (const control of this.#lockedByUs) if (!locked) control.disabled = false;
    if (!locked) this.#lockedByUs.clear();
    const shown = new Set<string>();
    for (const { name, controls } of entries) {
      if (locked)
        for (const c of controls)
          if (!c.disabled) {
            this.#lockedByUs.add(c);
            c.disabled = true;
          }
      const message = this.#errors.get(name);
      if (message === undefined) continue;
      shown.add(name);
      let note = this.#lightErrors.get(name);
      if (!note) {
        note = document.createElement('span');
        note.id = `wix-form-error-${++errorIds}`;
        note.setAttribute('data-wix-form-error', '');
        this.#lightErrors.set(name, note);
      }
      if (note.textContent !== message) note.textContent = message;
      const last = controls.at(-1)!;
      const anchor = last.closest('label') ?? last;
      if (anchor.nextSibling !== note) anchor.after(note);
      for (const c of controls) {
        c.setAttribute('aria-invalid', 'true');
        const ids = (c.getAttribute('aria-describedby') ?? '').split(/\s+/).filter(Boolean);
        if (!ids.includes(note.id)) c.setAttribute('aria-describedby', [...ids, note.id].join(' '));
      }
    }
    for (const [name, note] of this.#lightErrors) {
      if (shown.has(name)) continue;
      for (const c of this.querySelectorAll<Control>(`[aria-describedby~="${note.id}"]`)) {
        c.removeAttribute('aria-invalid');
        const ids = c
          .getAttribute('aria-describedby')!
          .split(/\s+/)
          .filter((id) => id && id !== note.id);
        if (ids.length) c.setAttribute('aria-describedby', ids.join(' '));
        else c.removeAttribute('aria-describedby');
      }
      note.remove();
      this.#lightErrors.delete(name);
    }
  }

  protected override willUpdate(changed: PropertyValues): void {
    if (changed.has('fields')) {
      this.#configError = undefined;
      this.#specs = undefined;
      const blank = this.fields === null || this.fields === undefined || (typeof this.fields === 'string' && this.fields.trim() === '');
      try {
        if (!blank) this.#specs = parseFields(this.fields);
      } catch (error) {
        this.#configError = (error as Error).message;
      }
    }
  }

  protected override updated(): void {
    const state = this.state;
    if (this.getAttribute('state') !== state) this.setAttribute('state', state);
    this.#syncSlotted(this.#locked);
    this.#syncForm();
    if (this.#configError && this.#announcedConfig !== this.#configError)
      this.emit('wix-form-error', { kind: 'config', message: this.#configError, fields: [] });
    this.#announcedConfig = this.#configError;
    const focus = this.#focus;
    this.#focus = undefined;
    if (focus === 'another') this.renderRoot.querySelector<HTMLElement>('[part~="another"]')?.focus();
    else if (focus === 'first') this.#entries()[0]?.controls[0]?.focus();
    else focus?.focus();
  }

  get #locked(): boolean {
    return this.#formDisabled || this.#phase === 'submitting' || (this.#phase === 'error' && !!this.collection);
  }

  #field(spec: FieldSpec, i: number): TemplateResult {
    const error = this.#errors.get(spec.field);
    const described = [spec.help ? `h${i}` : '', error ? `e${i}` : ''].filter(Boolean).join(' ') || nothing;
    const invalid = error ? 'true' : nothing;
    const locked = this.#locked;
    const label = html`<label part="label" for="f${i}">${spec.label}${spec.required ? html`<span class="req" aria-hidden="true">*</span>` : nothing}</label>`;
    let control: TemplateResult;
    if (spec.type === 'textarea') {
      control = html`<textarea part="input" id="f${i}" data-i=${i} name=${spec.field} ?required=${spec.required} ?disabled=${locked} minlength=${spec.minLength ?? nothing}
        maxlength=${spec.maxLength ?? nothing} placeholder=${spec.placeholder ?? nothing} aria-invalid=${invalid} aria-describedby=${described} .defaultValue=${String(spec.value ?? '')}></textarea>`;
    } else if (spec.type === 'select') {
      control = html`<select part="input" id="f${i}" data-i=${i} name=${spec.field} ?required=${spec.required} ?disabled=${locked} aria-invalid=${invalid} aria-describedby=${described}>
        <option value="">${spec.placeholder ?? 'Choose…'}</option>
        ${spec.options!.map((o) => html`<option value=${o.value} ?selected=${o.value === spec.value}>${o.label}</option>`)}
      </select>`;
    } else {
      const checkbox = spec.type === 'checkbox';
      control = html`<input part="input" id="f${i}" data-i=${i} name=${spec.field} type=${spec.type} ?required=${spec.required} ?disabled=${locked}
        min=${spec.min ?? nothing} max=${spec.max ?? nothing} step=${spec.step ?? (spec.type === 'number' ? 'any' : nothing)} pattern=${spec.pattern ?? nothing}
        minlength=${spec.minLength ?? nothing} maxlength=${spec.maxLength ?? nothing} placeholder=${spec.placeholder ?? nothing}
        value=${!checkbox && typeof spec.value === 'string' ? spec.value : nothing} ?checked=${checkbox && spec.value === true} aria-invalid=${invalid} aria-describedby=${described} />`;
      if (checkbox) return html`<div part="field" class="field checkbox">${control}${label}${this.#notes(spec, i, error)}</div>`;
    }
    return html`<div part="field" class="field">${label}${control}${this.#notes(spec, i, error)}</div>`;
  }

  #notes(spec: FieldSpec, i: number, error: string | undefined): unknown {
    return html`${spec.help ? html`<p class="help" id="h${i}">${spec.help}</p>` : nothing}${error ? html`<p part="error" id="e${i}">${error}</p>` : nothing}`;
  }

  protected override render(): TemplateResult {
    const state = this.state;
    if (state === 'editor') {
      return html`<div part="status" class="placeholder">
        Data form: visitors fill in fields and each submission adds an item to ${this.collection ? html`the collection “${this.collection}”` : 'a collection'}. It needs the
        attributes collection and fields (or named inputs inside it).
      </div>`;
    }
    if (state === 'config-error') {
      return html`<div part="status" class="box error" role="alert"><strong>This form is not set up correctly.</strong><p>${this.#configError}</p></div>`;
    }
    if (state === 'not-connected') {
      return html`<div part="status" class="box" role="status"><strong>Not connected to a Wix site.</strong><p>This form needs a Wix site session to send entries.</p></div>`;
    }
    const busy = state === 'submitting';
    const blocked = busy || state === 'connecting';
    // Two live regions, always present so that a change is announced: errors as alerts, the rest politely.
    const status = (error: boolean) => {
      const text = (this.#tone === 'error') === error ? this.#status : '';
      return html`<p part="status" class="status ${error ? 'error' : this.#tone} ${text ? 'shown' : ''}" role=${error ? 'alert' : 'status'}>${text}</p>`;
    };
    return html`${
      state === 'success'
        ? nothing
        : html`<form part="form" novalidate aria-busy=${busy ? 'true' : 'false'} aria-label=${this.label || nothing} @submit=${this.#onSubmit} @input=${this.#onEdit} @change=${this.#onEdit} @keydown=${this.#onKeydown}>
            ${this.#specs ? this.#specs.map((spec, i) => this.#field(spec, i)) : html`<slot></slot>`}
            ${!this.#specs && this.#entries().length === 0 ? html`<p class="note">This form has no fields yet.</p>` : nothing}
            ${
              this.collection
                ? html`<div class="actions">
                  <button part="submit" type="submit" ?disabled=${this.#formDisabled} aria-disabled=${blocked ? 'true' : 'false'}>${state === 'error' ? 'Try again' : this.submitLabel}</button>
                </div>`
                : nothing
            }
          </form>`
    }
      ${status(false)}${status(true)}
      ${state === 'success' ? html`<div class="actions"><button part="another" type="button" @click=${() => this.#again()}>Submit another</button></div>` : nothing}`;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'wix-form-submit': CustomEvent<FormSubmitDetail>;
    'wix-form-success': CustomEvent<FormSuccessDetail>;
    'wix-form-error': CustomEvent<FormErrorDetail>;
  }
}
