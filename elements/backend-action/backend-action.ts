import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { ActionBridge, envelopeKind, isEnvelope, type ActionEnvelope } from '../core/action-bridge.ts';
import { SessionError, asSessionError, type SessionErrorKind } from '../core/errors.ts';
import { WixElement } from '../core/element.ts';
import { postHttpFunction } from '../core/http-function.ts';
import type { Session } from '../core/session.ts';
import { themeAccent } from '../core/theme-accent.ts';
import { themeBase } from '../core/theme-base.ts';
import { themePanel } from '../core/theme-panel.ts';
import { accentButtonStyles } from '../core/button.styles.ts';
import { backendActionStyles } from './backend-action.styles.ts';

/** What the element shows. */
export type BackendActionState = 'idle' | 'confirming' | 'running' | 'success' | 'error' | 'not-connected' | 'editor';

export interface ActionStartDetail {
  action: string;
  /** The input that will be sent (a copy: changing it changes nothing). */
  input: Record<string, unknown>;
}

export interface ActionResultDetail {
  action: string;
  /** The `data` of the web method's `{ ok: true, data }` envelope. */
  data: unknown;
}

export interface ActionErrorDetail {
  action: string;
  kind: SessionErrorKind;
  message: string;
  code?: string;
}

/** The events of <wix-backend-action>, by type: their detail. */
export interface BackendActionEvents {
  'wix-action-start': ActionStartDetail;
  'wix-action-result': ActionResultDetail;
  'wix-action-error': ActionErrorDetail;
}

/** The backend's limit on the body of `POST /_functions/action/<name>` (velo-backend/site-actions.ts). */
const MAX_INPUT_BYTES = 32_768;
const MAX_MESSAGE_LENGTH = 500;
const ACTION_NAME = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;

const TITLES: Partial<Record<SessionErrorKind, string>> = {
  unauthenticated: 'Not signed in.',
  forbidden: 'Not allowed.',
  network: 'Could not reach the site.',
  validation: 'Not accepted.',
  'not-found': 'Not found.',
  'rate-limited': 'Too busy.',
};

const malformed = () => new SessionError('server', 'The site answered with a malformed response.');
const invalid = (message: string) => new SessionError('validation', message);

/**
 * A button that runs a named backend action (a Velo web method) for the current visitor or member: with an
 * optional inline confirm step, progress, a success line and a typed error with retry. The backend decides who
 * may run what; this element never holds a secret and never sees more than the action's answer.
 *
 * Transports, chosen like the other elements choose their host: with a token getter (a site widget:
 * `accessTokenListener(getter)` or `window.wixEmbedsAPI`), it POSTs the input to the HTTP function
 * `/_functions/action/<action>` with `Authorization: <session token>` (one renewal and one retry on a 401); the
 * backend runs only actions on its allow-list, each with its own permission (velo-backend/site-actions.ts). On a
 * Velo site, page code binds it to web methods: `bindElements($w, { '#id': { actions: { name: webMethod } } })`,
 * and it asks through the bridge (`op: 'call'`). A token, whenever it comes, wins over the bridge.
 *
 * @tag wix-backend-action
 *
 * @slot - The button's content (text, an icon); by default the `label`.
 *
 * @attr action - The name of the backend action to run (letters, digits and `_`, up to 64), e.g. `updateOrderStatus`.
 * @attr input - The action's input: a JSON object, e.g. `{"orderId":"o-1","status":"SHIPPED"}`. Bad JSON shows an error and nothing runs. The `input` property also takes an object.
 * @attr label - The button's text (default "Run"), e.g. `Mark as shipped`.
 * @attr confirm - When set, a click first asks this question inline, with Confirm and Cancel (Escape cancels), e.g. `Mark this order as shipped?`.
 * @attr confirm-label - The confirm button's text (default "Confirm").
 * @attr cancel-label - The cancel button's text (default "Cancel").
 * @attr running-text - What the status line says while the action runs (default "Working…").
 * @attr success-text - What the status line says when the action succeeded (default "Done."), e.g. `Order shipped.`
 * @attr disabled - The button cannot be used.
 * @attr connect-timeout - Milliseconds to wait for a token or page code before showing "Not connected" (default 1500).
 * @attr api-base-url - Overrides the host of the HTTP functions (`host[:port][/path]`); normally the site's URL.
 * @attr state - Read-only, reflected for CSS (`wix-backend-action[state=running]`): idle, confirming, running, success, error, not-connected, editor.
 * @attr bridge - Set to `ready` by page code (elements/velo/page.ts) once it answers `wix-bridge-request`.
 * @attr bridge-reply - Written by page code: one JSON reply per request.
 * @attr bridge-timeout - Milliseconds to wait for a page-code reply (default 10000).
 *
 * @fires wix-action-start - The action is about to run (after the confirm step). Cancelable: `preventDefault()` stops it. Detail: `{ action, input }`.
 * @fires wix-action-result - The action succeeded. Detail: `{ action, data }`, `data` being the web method's result.
 * @fires wix-action-error - The action failed, or the element cannot run it. Detail: `{ action, kind, message, code? }`; `kind` is one of network, unauthenticated, forbidden, not-found, validation, rate-limited, server, not-connected.
 *
 * @csspart button - The main button.
 * @csspart confirm - The Confirm button of the confirm step.
 * @csspart cancel - The Cancel button of the confirm step.
 * @csspart prompt - The question of the confirm step.
 * @csspart status - The status line: progress, success, not connected, the Editor placeholder.
 * @csspart error - The error line.
 *
 * @cssprop --wse-font - Font. Default: the site's, inherited.
 * @cssprop --wse-color-text - Text colour. Default: inherited.
 * @cssprop --wse-color-background - Background of the element.
 * @cssprop --wse-color-surface - Background of the confirm step.
 * @cssprop --wse-color-accent - Button colour and focus ring.
 * @cssprop --wse-color-on-accent - Text on the button.
 * @cssprop --wse-color-muted - Status text.
 * @cssprop --wse-color-border - Border of the confirm step and the Editor placeholder.
 * @cssprop --wse-color-error - Error text.
 * @cssprop --wse-color-success - Success text.
 * @cssprop --wse-radius - Corner radius.
 * @cssprop --wse-space - Gaps.
 */
export class WixBackendAction extends WixElement<BackendActionEvents> {
  static override styles = [themeBase, themeAccent, themePanel, accentButtonStyles, backendActionStyles];
  // Static declarations rather than decorators, as in the other elements (bundle size). `input` has its own
  // accessor (an attribute holding JSON, or any object set from script), so Lit does not observe it.
  static override properties: PropertyDeclarations = {
    action: {},
    input: { attribute: false, noAccessor: true },
    label: {},
    confirm: {},
    confirmLabel: { attribute: 'confirm-label' },
    cancelLabel: { attribute: 'cancel-label' },
    runningText: { attribute: 'running-text' },
    successText: { attribute: 'success-text' },
    disabled: { type: Boolean, reflect: true },
  };

  action = '';
  label = '';
  confirm = '';
  confirmLabel = '';
  cancelLabel = '';
  runningText = '';
  successText = '';
  disabled = false;

  #input: unknown;
  /** Why the `input` attribute could not be read (bad JSON). */
  #inputSyntax: string | undefined;
  #view: 'idle' | 'confirming' | 'running' | 'success' | 'error' = 'idle';
  #failure: SessionError | undefined;
  /** What is wrong with `action` or `input`: the button cannot be used until it is fixed. */
  #problem: SessionError | undefined;
  #notConnected = false;
  #editor = false;
  protected readonly bridge = new ActionBridge(this);
  /** Runs waiting for a transport (a click before the host answered): true when one came, false at the timeout. */
  #waiting: ((arrived: boolean) => void)[] = [];
  #focus: 'button' | 'confirm' | undefined;

  /** The current state (read-only). */
  get state(): BackendActionState {
    if (this.#editor) return 'editor';
    if (this.#view === 'running') return 'running';
    if (this.#problem) return 'error';
    if (this.#notConnected) return 'not-connected';
    return this.#view;
  }

  /** The action's input: what the `input` attribute's JSON parsed to, or an object set from script. */
  get input(): unknown {
    return this.#input;
  }

  set input(value: unknown) {
    this.#setInput(value, undefined);
  }

  // `input` is a plain attribute, not a reactive property (its JSON is read here).
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'input', 'state'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name == 'input') this.#readInputAttribute(value);
    // Read-only: a value written by anyone else is put back (and never read to decide anything).
    if (name == 'state' && value !== this.state && this.hasUpdated) this.setAttribute('state', this.state);
  }

  /**
   * Runs the action now, without the confirm step (a click goes through it). Does nothing while the action
   * runs, when disabled, or in the Editor. Resolves when the action has succeeded or failed.
   */
  async run(): Promise<void> {
    if (this.#view === 'running' || this.disabled || this.#editor) return;
    const action = this.action;
    // A problem with action or input is shown until it is fixed; a call from script hears about it again.
    if (!this.#check() && this.#problem) this.#emitError(action, this.#problem);
    // It goes ahead unless there is a problem or a wix-action-start listener cancelled it; either way the confirm step ends.
    const body = this.#problem ? '' : this.#body();
    const go = !this.#problem && this.emit('wix-action-start', { action, input: JSON.parse(body) as Record<string, unknown> }, true);
    if (this.#view === 'confirming') this.#focus = 'button';
    this.#view = go ? 'running' : 'idle';
    this.requestUpdate();
    if (!go) return;
    this.#failure = undefined;
    try {
      if (!this.hasTransport && (this.#notConnected || !(await new Promise<boolean>((resolve) => this.#waiting.push(resolve))))) {
        throw new SessionError('not-connected', 'Not connected: this button needs a Wix site session or page code to run.');
      }
      const envelope = this.session ? await this.#post(this.session, action, body) : await this.bridge.call(action, JSON.parse(body));
      if (!envelope.ok) throw new SessionError(envelopeKind(envelope.code), envelope.message, { code: envelope.code });
      this.#view = 'success';
      this.requestUpdate();
      this.emit('wix-action-result', { action, data: envelope.data });
    } catch (error) {
      this.#view = 'idle';
      this.#fail(action, error);
    }
  }

  /** A token or page code arrived: runs waiting for one go ahead. */
  protected override onTransport(): void {
    this.#notConnected = false;
    for (const resolve of this.#waiting.splice(0)) resolve(true);
    this.requestUpdate();
  }

  protected override onUnconnected(state: 'editor' | 'not-connected'): void {
    if (state === 'editor') return void (this.#editor = true);
    this.#notConnected = true;
    if (this.#view === 'confirming') this.#view = 'idle';
    for (const resolve of this.#waiting.splice(0)) resolve(false);
    this.requestUpdate();
  }

  #readInputAttribute(value: string | null): void {
    if (value === null) return this.#setInput(undefined, undefined);
    try {
      this.#setInput(JSON.parse(value), undefined);
    } catch (error) {
      this.#setInput(undefined, (error as Error).message);
    }
  }

  #setInput(value: unknown, syntax: string | undefined): void {
    const old = this.#input;
    this.#input = value;
    this.#inputSyntax = syntax;
    // Always checked again: the same object may have been changed, or the attribute's JSON may have broken.
    this.requestUpdate('input', old === value ? Symbol() : old);
  }

  /** The input as the JSON body to send: a JSON object within the backend's size limit. Throws a validation error. */
  #body(): string {
    if (this.#inputSyntax !== undefined) throw invalid(`The input attribute is not valid JSON (${this.#inputSyntax}).`);
    const input = this.#input ?? {};
    if (typeof input !== 'object' || Array.isArray(input)) throw invalid('The input must be a JSON object, such as {"orderId": "…"}.');
    let body: string;
    try {
      body = JSON.stringify(input);
    } catch {
      throw invalid('The input cannot be sent as JSON.');
    }
    if (new TextEncoder().encode(body).length > MAX_INPUT_BYTES) throw invalid(`The input is larger than ${MAX_INPUT_BYTES / 1024} KB.`);
    return body;
  }

  /**
   * Checks `action` and `input`; a problem is shown until it is fixed, and announced with wix-action-error
   * when it is new. Returns whether it announced one.
   */
  #check(): boolean {
    let problem: SessionError | undefined;
    try {
      if (!ACTION_NAME.test(this.action ?? '')) throw invalid('Set the action attribute to the name of a backend action.');
      this.#body();
    } catch (error) {
      problem = error as SessionError;
    }
    const known = this.#problem?.message;
    this.#problem = problem;
    if (!problem || problem.message === known || this.#editor) return false;
    if (this.#view === 'confirming') this.#view = 'idle';
    this.#emitError(this.action, problem);
    return true;
  }

  /** A site widget: POST /_functions/action/<action> with the session token (one renewal and retry on a 401). */
  async #post(session: Session, action: string, body: string): Promise<ActionEnvelope> {
    const response = await postHttpFunction(session, `action/${action}`, body, this.apiBaseUrl);
    const { status } = response;
    const answer: unknown = await response.json().catch(() => undefined);
    if (status === 200) {
      if (!isEnvelope(answer)) throw malformed();
      return answer;
    }
    // A refusal (403, 404, 400, 413) carries an envelope whose message says why; other failures only a status.
    const { kind } = asSessionError(0, status);
    const refusal = isEnvelope(answer) && !answer.ok ? answer : undefined;
    throw new SessionError(kind, refusal?.message, { status, ...(refusal ? { code: refusal.code } : {}) });
  }

  #fail(action: string, error: unknown): void {
    const typed = asSessionError(error);
    if (typed.kind === 'not-connected') this.#notConnected = true;
    else {
      this.#failure = typed;
      this.#view = 'error';
    }
    this.#focus ??= this.shadowRoot?.activeElement ? 'button' : undefined;
    this.requestUpdate();
    this.#emitError(action, typed);
  }

  #emitError(action: string, { kind, message, code }: SessionError): void {
    this.emit('wix-action-error', { action, kind, message: message.slice(0, MAX_MESSAGE_LENGTH), ...(code ? { code } : {}) });
  }

  readonly #onClick = (): void => {
    const state = this.state;
    if (this.disabled || !(state === 'idle' || state === 'success' || state === 'error')) return;
    if (!this.confirm) return void this.run();
    this.#view = 'confirming';
    this.#focus = 'confirm';
    this.requestUpdate();
  };

  readonly #onCancel = (): void => {
    if (this.#view !== 'confirming') return;
    this.#view = 'idle';
    this.#focus = 'button';
    this.requestUpdate();
  };

  readonly #onKeydown = (event: KeyboardEvent): void => {
    if (event.key !== 'Escape' || this.#view !== 'confirming') return;
    event.preventDefault();
    event.stopPropagation();
    this.#onCancel();
  };

  protected override willUpdate(changed: PropertyValues): void {
    if (!this.hasUpdated || changed.has('action') || changed.has('input')) this.#check();
    if (changed.has('disabled') && this.disabled && this.#view === 'confirming') this.#view = 'idle';
  }

  protected override updated(): void {
    const state = this.state;
    if (this.getAttribute('state') !== state) this.setAttribute('state', state);
    const focus = this.#focus;
    this.#focus = undefined;
    if (focus) this.renderRoot.querySelector<HTMLElement>(`[part~="${focus}"]`)?.focus();
  }

  #statusLine(state: BackendActionState): TemplateResult | string | typeof nothing {
    if (state === 'running') return this.runningText || 'Working…';
    if (state === 'success') return this.successText || 'Done.';
    if (state === 'not-connected') return 'Not connected: this button needs a Wix site session or page code to run.';
    return nothing;
  }

  protected override render(): TemplateResult {
    const state = this.state;
    if (state === 'editor') {
      const what = ACTION_NAME.test(this.action ?? '') ? `the backend action “${this.action}”` : 'a backend action (set the action attribute)';
      return html`<div part="status" class="placeholder">Action button “${this.label || 'Run'}”: runs ${what} when clicked. On the live site it needs a site session or page code.</div>`;
    }
    const running = state === 'running';
    const confirming = state === 'confirming';
    const failure = state === 'error' ? (this.#problem ?? this.#failure) : undefined;
    const blocked = this.disabled || this.#problem !== undefined || this.#notConnected;
    return html`<div class="action" @keydown=${this.#onKeydown}>
        <button part="button" type="button" ?hidden=${confirming} ?disabled=${blocked && !running} aria-disabled=${running ? 'true' : 'false'} aria-busy=${running ? 'true' : 'false'} aria-describedby="status error" @click=${this.#onClick}>
          <slot>${this.label || 'Run'}</slot>
        </button>
        ${
          confirming
            ? html`<div class="confirm" role="group" aria-labelledby="prompt">
              <span part="prompt" id="prompt" class="prompt">${this.confirm}</span>
              <button part="confirm" type="button" @click=${() => void this.run()}>${this.confirmLabel || 'Confirm'}</button>
              <button part="cancel" type="button" @click=${this.#onCancel}>${this.cancelLabel || 'Cancel'}</button>
            </div>`
            : nothing
        }
      </div>
      <div part="status" id="status" class="status ${state === 'success' ? 'success' : ''}" role="status">${this.#statusLine(state)}</div>
      <div part="error" id="error" class="error" role="alert">${failure ? `${TITLES[failure.kind] ?? 'Something went wrong.'} ${failure.message.slice(0, MAX_MESSAGE_LENGTH)}` : nothing}</div>`;
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'wix-action-start': CustomEvent<ActionStartDetail>;
    'wix-action-result': CustomEvent<ActionResultDetail>;
    'wix-action-error': CustomEvent<ActionErrorDetail>;
  }
}
