import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { ActionBridge, envelopeKind, isEnvelope, type ActionEnvelope } from '../core/action-bridge.ts';
import { postHttpFunction } from '../core/http-function.ts';
import { SessionError, asSessionError, type SessionErrorKind } from '../core/errors.ts';
import { WixElement } from '../core/element.ts';
import type { Session } from '../core/session.ts';
import { oauthConnectStyles } from './oauth-connect.styles.ts';
import { themeAccent } from '../core/theme-accent.ts';
import { themeBase } from '../core/theme-base.ts';
import { accentButtonStyles } from '../core/button.styles.ts';

/**
 * What the element shows. `no-session`: neither a token nor page code after `connect-timeout` (shown as "Not
 * connected", the words every element uses for that); `not-connected`: a session, but no Wix site connected yet.
 */
export type OAuthConnectState = 'checking' | 'not-connected' | 'connecting' | 'connected' | 'revoked' | 'error' | 'no-session' | 'editor';

/** The backend's `connectionStatus()` answer (never a token). */
export interface OAuthConnection {
  status: 'not-connected' | 'connected' | 'revoked';
  siteId?: string;
  scopes?: string[];
  connectedAt?: string;
}

export interface OAuthChangeDetail {
  status: OAuthConnectState;
}

export interface OAuthErrorDetail {
  kind: SessionErrorKind;
  message: string;
  code?: string;
}

/** The events of <wix-oauth-connect>, by type: their detail. */
export interface OAuthConnectEvents {
  'wix-oauth-change': OAuthChangeDetail;
  'wix-oauth-error': OAuthErrorDetail;
}

/** The window name and features of the consent popup; the callback page posts this message type back. */
const POPUP_NAME = 'wix-oauth-connect';
const POPUP_FEATURES = 'popup,width=520,height=680';
const MESSAGE_TYPE = 'wix-oauth-connect';
const PREVIEW_LIMIT = 3;
/** The least time between two rechecks on focus or visibility (a window flicking focus asks once). */
const RECHECK_MS = 1000;
/** The backend's codes for "the grant is gone": revoked at the server (UNAUTHENTICATED), or no connection (NOT_FOUND). */
const GRANT_GONE = /^(UNAUTHENTICATED|NOT_FOUND)$/;

// A Map, so that a scope named "constructor" cannot reach Object.prototype.
const SCOPE_WORDS = new Map([
  ['wix-data.items.read', 'read items in your site’s collections'],
  ['wix-data.items.write', 'add, change and delete items in your site’s collections'],
]);

const malformed = () => new SessionError('server', 'The site answered with a malformed response.');

/** The `error` of the callback page's message (or of `?oauth=` after a redirect), as a readable error. */
function callbackError(raw: unknown): SessionError {
  const code = typeof raw == 'string' && /^[\w.-]{1,64}$/.test(raw) ? raw : 'failed';
  if (code == 'access_denied') return new SessionError('forbidden', 'The connection was declined on Wix.', { code });
  if (code == 'invalid_state') return new SessionError('validation', 'The connection request expired or was already used. Try again.', { code });
  return new SessionError('server', 'The connection could not be completed. Try again.', { code });
}

/** What the backend's answers may hold; anything may be missing or of another type. */
type Answer = Partial<Record<'status' | 'siteId' | 'scopes' | 'connectedAt' | 'authorizeUrl' | 'items', unknown>> | null | undefined;

function readConnection(answer: unknown): OAuthConnection {
  const { status, siteId, scopes, connectedAt } = (answer ?? {}) as NonNullable<Answer>;
  if (status !== 'not-connected' && status !== 'connected' && status !== 'revoked') throw malformed();
  return {
    status,
    ...(typeof siteId == 'string' && { siteId }),
    ...(Array.isArray(scopes) && { scopes: scopes.filter((scope: unknown) => typeof scope == 'string') }),
    ...(typeof connectedAt == 'string' && { connectedAt }),
  };
}

/** Only an http(s) address is opened or navigated to: never `javascript:` or `data:`. */
function authorizeUrlOf(answer: unknown): string {
  const data = answer as Answer;
  let url: URL | undefined;
  try {
    url = new URL(data!.authorizeUrl as string, location.href);
  } catch {
    // falls through to the error below
  }
  if (typeof data?.authorizeUrl != 'string' || !/^https?:$/.test(url?.protocol ?? '')) throw malformed();
  return url!.href;
}

/**
 * Shows, and changes, the connection of the signed-in member's account to a Wix site through OAuth 2.0. The
 * site's backend is the confidential client (velo-backend/oauth.web.ts); this element never sees a token or
 * a secret, only the connection's status.
 *
 * Transports, chosen like the other elements choose their host: with a token getter (a site widget:
 * `accessTokenListener(getter)` or `window.wixEmbedsAPI`), it POSTs to the HTTP function
 * `/_functions/oauth/<action>` with `Authorization: <session token>`; on a Velo site, page code binds it with
 * `bindElements($w, { '#id': { actions: { connectionStatus, startConnect, disconnect, callConnected } } })` and
 * it asks through the bridge (`op: 'call'`). A token, whenever it comes, wins over the bridge.
 *
 * Fresh states: the card checks the connection again, quietly, when the visitor comes back to the page (window
 * `focus`, `visibilitychange` to visible; at most once a second), and reads its preview again, which is what finds
 * a grant revoked elsewhere. A call that answers "the grant is gone" (UNAUTHENTICATED, NOT_FOUND) makes it check the
 * status once more and show `revoked`, never "Connected" next to a revoked preview. A visitor who is not signed in is
 * asked to sign in (no "Try again" that would fail the same way); a session change checks again by itself. After a
 * declined consent or a failed start, "Try again" starts the connection again in one click.
 *
 * @tag wix-oauth-connect
 *
 * @attr site-name - The connected site's name, shown instead of its ID.
 * @attr preview-collection - When connected, show the titles of the first 3 items of this collection of the connected site.
 * @attr login-hint - The account to suggest on the consent page (OIDC `login_hint`, e.g. the member's email), at most 254 characters; it only pre-fills the sign-in field.
 * @attr connect-timeout - Milliseconds to wait for a token or page code before showing "Not connected" (default 1500).
 * @attr api-base-url - Overrides the host of the HTTP functions (`host[:port][/path]`); normally the site's URL.
 * @attr bridge - Set to `ready` by page code (elements/velo/page.ts) once it answers `wix-bridge-request`.
 * @attr bridge-reply - Written by page code: one JSON reply per request.
 * @attr bridge-timeout - Milliseconds to wait for a page-code reply (default 10000).
 *
 * @fires wix-oauth-change - The state changed. Detail: `{ status }`, one of checking, not-connected, connecting, connected, revoked, error, no-session, editor.
 * @fires wix-oauth-error - Something failed. Detail: `{ kind, message, code? }`; `kind` is one of network, unauthenticated, forbidden, not-found, validation, rate-limited, server, not-connected.
 *
 * @csspart state - The box every state is shown in.
 * @csspart title - The state's title line.
 * @csspart scopes - What the connection allows, in plain words.
 * @csspart since - When the connection was made.
 * @csspart preview - The list of preview items.
 * @csspart preview-item - One preview item.
 * @csspart actions - The row of buttons.
 * @csspart button - Every button; each also has its own part: `connect`, `disconnect`, `retry`, `cancel`.
 *
 * @cssprop --wse-font - Font (default: the site font, inherited).
 * @cssprop --wse-color-text - Text colour.
 * @cssprop --wse-color-background - Background.
 * @cssprop --wse-color-accent - Buttons and focus ring.
 * @cssprop --wse-color-on-accent - Text on buttons.
 * @cssprop --wse-color-muted - Secondary text.
 * @cssprop --wse-color-border - Box borders.
 * @cssprop --wse-color-error - Errors and warnings.
 * @cssprop --wse-radius - Corner radius.
 */
export class WixOAuthConnect extends WixElement<OAuthConnectEvents> {
  static override styles = [themeBase, themeAccent, accentButtonStyles, oauthConnectStyles];
  // Static declarations rather than decorators, as in the other elements (bundle size).
  static override properties: PropertyDeclarations = {
    siteName: { attribute: 'site-name' },
    previewCollection: { attribute: 'preview-collection' },
    loginHint: { attribute: 'login-hint' },
    view: { state: true },
    connection: { state: true },
    failure: { state: true },
    previewTitles: { state: true },
    previewError: { state: true },
    busy: { state: true },
    transportVersion: { state: true },
  };

  siteName = '';
  previewCollection = '';
  loginHint = '';

  private view: OAuthConnectState = 'checking';
  private connection: OAuthConnection | undefined;
  private failure: SessionError | undefined;
  private previewTitles: string[] | undefined;
  private previewError: string | undefined;
  /** An action is on its way: buttons say so (aria-disabled) and ignore clicks. */
  private busy = false;
  /** Bumps when a transport arrives or the identity may have changed: the status is loaded again. */
  private transportVersion = 0;

  protected readonly bridge = new ActionBridge(this);
  /** Only the latest run may change the state: a slower, older answer never overwrites a newer one. */
  #run = 0;
  #popup: Window | null = null;
  #pollTimer: ReturnType<typeof setInterval> | undefined;
  #beforeConnect: OAuthConnectState = 'not-connected';
  #redirectChecked = false;
  #hadFocus = false;
  /** The failure came from starting a connection (or from the consent page): "Try again" connects again, in one click. */
  #failedConnecting = false;
  #lastRecheck = -Infinity;

  /** The current state (read-only). */
  get state(): OAuthConnectState {
    return this.view;
  }

  /** A token, the bridge (`ready` set again: a login in page code) or the session's `change`: load again. */
  protected override onTransport(): void {
    this.transportVersion++;
  }

  protected override onUnconnected(state: 'editor' | 'not-connected'): void {
    // This element's own `not-connected` means "no OAuth connection yet"; no session at all is `no-session`.
    this.view = state === 'editor' ? state : 'no-session';
  }

  override connectedCallback(): void {
    super.connectedCallback();
    window.addEventListener('focus', this.#onReturn);
    document.addEventListener('visibilitychange', this.#onReturn);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    window.removeEventListener('focus', this.#onReturn);
    document.removeEventListener('visibilitychange', this.#onReturn);
    if (this.#popup) {
      this.#unwatch();
      this.view = this.#beforeConnect;
    }
  }

  /**
   * Checks the connection again. `grantGone`: a call just said the grant is gone, so a `connected` answer is not
   * believed (the backend may not have noticed yet) and shows as `revoked`; no further call is made (never a loop).
   * `quiet` (the visitor came back to the page): no "checking" in between, the card changes only if the answer
   * differs, and a failure is no news.
   */
  async reload(grantGone = false, quiet = false): Promise<void> {
    if (!this.hasTransport) return;
    const run = ++this.#run;
    if (!quiet) {
      this.view = 'checking';
      this.busy = false;
      this.previewTitles = this.previewError = undefined;
    }
    try {
      let connection = readConnection(await this.#call('connectionStatus'));
      if (run !== this.#run) return;
      if (grantGone && connection.status === 'connected') connection = { ...connection, status: 'revoked' };
      if (JSON.stringify(connection) !== JSON.stringify(this.connection)) this.previewTitles = this.previewError = undefined;
      this.connection = connection;
      this.view = connection.status;
      // With a preview, reading it again is what finds a grant revoked at the server.
      if (this.view === 'connected' && this.previewCollection) await this.#loadPreview(run);
    } catch (error) {
      if (run === this.#run && !quiet) this.#fail(error, false);
    }
  }

  /**
   * Starts a connection: the consent page opens in a popup; if the browser blocks it, the whole page goes there
   * (redirect mode) and comes back with `?oauth=connected` or `?oauth=<error>`.
   */
  async connect(): Promise<void> {
    if (!this.hasTransport || this.busy || this.#popup) return;
    // From an error (a declined consent), giving up the new popup goes back to where the card was before that.
    const previous = this.view === 'error' || this.view === 'checking' ? this.#beforeConnect : this.view;
    const run = ++this.#run;
    this.busy = true;
    try {
      const popupUrl = this.#withHint(authorizeUrlOf(await this.#call('startConnect', { mode: 'popup' })));
      if (run !== this.#run) return;
      const popup = window.open(popupUrl, POPUP_NAME, POPUP_FEATURES);
      if (popup) return this.#watch(popup, previous);
      const redirectUrl = this.#withHint(authorizeUrlOf(await this.#call('startConnect', { mode: 'redirect' })));
      if (run !== this.#run) return;
      this.view = 'connecting';
      this.navigate(redirectUrl);
    } catch (error) {
      if (run === this.#run) this.#fail(error, true);
    } finally {
      if (run === this.#run) this.busy = false;
    }
  }

  /** Revokes the connection (at the authorization server, through the backend), then checks again. */
  async disconnect(): Promise<void> {
    if (!this.hasTransport || this.busy) return;
    const run = ++this.#run;
    this.busy = true;
    try {
      await this.#call('disconnect');
      if (run === this.#run) await this.reload();
    } catch (error) {
      if (run === this.#run) this.#fail(error, false);
    }
  }

  /**
   * The authorize URL with the OIDC `login_hint` (the `login-hint` attribute, trimmed; ignored above 254 characters;
   * encoded by URLSearchParams). The consent page only pre-fills its field with it, and ignores a hint it cannot use.
   */
  #withHint(url: string): string {
    const hint = this.loginHint.trim();
    if (!hint || hint.length > 254) return url;
    const target = new URL(url);
    target.searchParams.set('login_hint', hint);
    return target.href;
  }

  /** Sends the page to the consent page in redirect mode. A seam for tests; `location.assign` cannot be stubbed. */
  navigate(url: string): void {
    location.assign(url);
  }

  /** Runs an action on the backend and unwraps its envelope; a failure envelope throws a typed error. */
  async #call(action: string, input: unknown = {}): Promise<unknown> {
    const envelope = this.session ? await this.#post(this.session, action, input) : await this.bridge.call(action, input);
    if (envelope.ok) return envelope.data;
    throw new SessionError(envelopeKind(envelope.code), envelope.message, { code: envelope.code });
  }

  /**
   * A site widget: POST /_functions/oauth/<action> with the session token; one renewal and retry on a 401. The
   * answer to startConnect sets the HttpOnly cookie that binds this browser to the connect (the callback requires
   * it), so that one call stores same-origin cookies; the others send and store none.
   */
  async #post(session: Session, action: string, input: unknown): Promise<ActionEnvelope> {
    const credentials = action === 'startConnect' ? 'same-origin' : 'omit';
    const response = await postHttpFunction(session, `oauth/${action}`, JSON.stringify(input), this.apiBaseUrl, credentials);
    const { status } = response;
    if (status !== 200) throw new SessionError(asSessionError(0, status).kind, undefined, { status });
    const envelope: unknown = await response.json().catch(() => undefined);
    if (!isEnvelope(envelope)) throw malformed();
    return envelope;
  }

  async #loadPreview(run: number): Promise<void> {
    try {
      const data = (await this.#call('callConnected', { collection: this.previewCollection, limit: PREVIEW_LIMIT })) as Answer;
      if (!Array.isArray(data?.items)) throw malformed();
      if (run === this.#run) this.previewTitles = data.items.slice(0, PREVIEW_LIMIT).map((item: { title?: unknown } | null) => String(item?.title ?? ''));
    } catch (error) {
      if (run !== this.#run) return;
      const typed = asSessionError(error);
      this.#emitError(typed);
      // The grant is gone (revoked elsewhere): "Connected" would now be false. Check the status again, once.
      if (GRANT_GONE.test(typed.code ?? '') || typed.kind === 'unauthenticated') return void this.reload(true);
      this.previewError = typed.message;
    }
  }

  #watch(popup: Window, previous: OAuthConnectState): void {
    this.#popup = popup;
    this.#beforeConnect = previous;
    this.view = 'connecting';
    window.addEventListener('message', this.#onMessage);
    // Closed without a message (the member gave up): back to where it was.
    this.#pollTimer = setInterval(() => {
      if (!popup.closed) return;
      this.#unwatch();
      if (this.view === 'connecting') this.view = this.#beforeConnect;
    }, 500);
  }

  #unwatch(): void {
    clearInterval(this.#pollTimer);
    window.removeEventListener('message', this.#onMessage);
    this.#popup = null;
  }

  /**
   * The visitor came back (focus, the tab shown again): the connection may have changed elsewhere (revoked under
   * "Manage connected apps", connected in another tab). Checked quietly, at most once a second, in a settled state.
   */
  readonly #onReturn = (): void => {
    const now = Date.now();
    if (document.visibilityState !== 'visible' || !/^(connected|revoked|not-connected)$/.test(this.view) || this.busy || this.#popup) return;
    if (now - this.#lastRecheck < RECHECK_MS) return;
    this.#lastRecheck = now;
    void this.reload(false, true);
  };

  /** Only the callback page in our popup, posting to this exact origin, may say how the connection went. */
  readonly #onMessage = (event: MessageEvent): void => {
    const { data } = event;
    if (!this.#popup || event.origin !== location.origin || event.source !== this.#popup || data?.type !== MESSAGE_TYPE) return;
    this.#unwatch();
    if (data.ok === true) void this.reload();
    else {
      this.#run++;
      this.#fail(callbackError(data.error), true);
    }
  };

  #cancel(): void {
    const popup = this.#popup;
    this.#unwatch();
    try {
      popup?.close();
    } catch {
      // already gone
    }
    this.view = this.#beforeConnect;
  }

  /** The first load on a transport: after a redirect-mode connect, `?oauth=` says how it went. */
  #begin(): void {
    if (!this.#redirectChecked) {
      this.#redirectChecked = true;
      const result = new URLSearchParams(location.search).get('oauth');
      if (result !== null && result !== 'connected') {
        this.#run++;
        return this.#fail(callbackError(result), true);
      }
    }
    void this.reload();
  }

  #fail(error: unknown, connecting: boolean): void {
    const typed = asSessionError(error);
    this.#failedConnecting = connecting;
    this.failure = typed;
    this.busy = false;
    this.view = 'error';
    this.#emitError(typed);
  }

  #emitError({ kind, message, code }: SessionError): void {
    this.emit('wix-oauth-error', { kind, message, ...(code ? { code } : {}) });
  }

  protected override willUpdate(changed: PropertyValues): void {
    this.#hadFocus = !!this.shadowRoot?.activeElement;
    if (changed.has('transportVersion') && this.hasTransport) this.#begin();
    else if (changed.has('previewCollection') && this.view === 'connected' && !this.busy) {
      this.previewTitles = this.previewError = undefined;
      if (this.previewCollection) void this.#loadPreview(++this.#run);
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('view')) this.emit('wix-oauth-change', { status: this.view });
    // A re-render removed the focused button: keep focus in the element, on the next thing to do (or the box).
    const active = this.shadowRoot!.activeElement;
    if (this.#hadFocus && (!active || active.matches('.state')))
      (this.renderRoot.querySelector('button') ?? this.renderRoot.querySelector<HTMLElement>('.state'))?.focus();
  }

  #button(name: string, label: string, onClick: () => void): TemplateResult {
    return html`<button part="button ${name}" type="button" aria-disabled=${this.busy ? 'true' : 'false'} @click=${() => this.busy || onClick()}>${label}</button>`;
  }

  // One box for every state, so that the live region stays in place and its changes are announced.
  #box(tone: 'info' | 'ok' | 'warning' | 'error', title: string, body: unknown = nothing, actions: unknown = nothing): TemplateResult {
    return html`<div part="state" class="state ${tone}" role=${tone === 'error' ? 'alert' : 'status'} tabindex="-1" aria-busy=${this.view === 'checking' || this.busy ? 'true' : 'false'}><strong part="title">${title}</strong>${body}${actions === nothing ? nothing : html`<div part="actions" class="actions">${actions}</div>`}</div>`;
  }

  #renderConnected(connection: OAuthConnection): TemplateResult {
    const words = (connection.scopes ?? []).map((scope) => SCOPE_WORDS.get(scope) ?? scope);
    const since = new Date(connection.connectedAt ?? NaN);
    const locale = this.closest('[lang]')?.getAttribute('lang') || undefined;
    let date = '';
    try {
      if (!Number.isNaN(since.getTime())) date = new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(since);
    } catch {
      date = since.toDateString(); // an unknown lang tag
    }
    const preview = !this.previewCollection
      ? nothing
      : this.previewError
        ? html`<p class="note">Could not load items from ${this.previewCollection}: ${this.previewError}</p>`
        : !this.previewTitles
          ? html`<p class="note">Loading items from ${this.previewCollection}…</p>`
          : this.previewTitles.length === 0
            ? html`<p class="note">${this.previewCollection} has no items yet.</p>`
            : html`<ul part="preview" aria-label=${`Items from ${this.previewCollection}`}>
                ${this.previewTitles.map((title) => html`<li part="preview-item">${title || '(untitled)'}</li>`)}
              </ul>`;
    return this.#box(
      'ok',
      `Connected to ${this.siteName || connection.siteId || 'a Wix site'}`,
      html`${words.length ? html`<p part="scopes">It can ${words.join(' and ')}.</p>` : nothing}${date ? html`<p part="since">Since ${date}.</p>` : nothing}${preview}`,
      this.#button('disconnect', 'Disconnect', () => void this.disconnect()),
    );
  }

  protected override render(): TemplateResult {
    const connect = (label: string) => this.#button('connect', label, () => void this.connect());
    switch (this.view) {
      case 'editor':
        return this.#box('info', 'Wix site connection', html`<p>Members connect their account to a Wix site here.</p>`);
      case 'no-session':
        return this.#box('info', 'Not connected', html`<p>It needs a Wix site session.</p>`);
      case 'not-connected':
        return this.#box('info', 'No Wix site connected', html`<p>Connect your account to a Wix site.</p>`, connect('Connect'));
      case 'connecting':
        return this.#box(
          'info',
          'Connecting…',
          html`<p>${this.#popup ? 'Finish in the window that opened.' : 'Taking you to Wix…'}</p>`,
          this.#popup ? this.#button('cancel', 'Cancel', () => this.#cancel()) : nothing,
        );
      case 'connected':
        return this.#renderConnected(this.connection!);
      case 'revoked':
        return this.#box('warning', 'The connection was revoked', html`<p>Connect again to use your Wix site here.</p>`, connect('Connect again'));
      case 'error': {
        const { kind, message, code } = this.failure ?? new SessionError('server');
        // Signing in is the only way on, and the card checks again by itself when the session changes: no button
        // that would only fail the same way.
        if (kind === 'unauthenticated')
          return this.#box(
            'error',
            'Not signed in',
            html`<p>${code === 'UNAUTHENTICATED' ? 'Sign in to connect your account to a Wix site.' : message} This card updates when you sign in.</p>`,
          );
        const title =
          code === 'access_denied'
            ? 'Connection declined'
            : kind === 'forbidden'
              ? 'Not allowed'
              : kind === 'network'
                ? 'Could not reach the site'
                : 'Something went wrong';
        // After a failed start or a declined consent, one click starts the connection again; else the status is checked again.
        const retry = this.#failedConnecting ? () => void this.connect() : () => void this.reload();
        return this.#box('error', title, html`<p>${message}</p>`, this.#button('retry', 'Try again', retry));
      }
      default:
        return this.#box('info', 'Checking the connection…');
    }
  }
}

declare global {
  interface GlobalEventHandlersEventMap {
    'wix-oauth-change': CustomEvent<OAuthChangeDetail>;
    'wix-oauth-error': CustomEvent<OAuthErrorDetail>;
  }
}
