import { html, nothing, type PropertyDeclarations, type PropertyValues, type TemplateResult } from 'lit';
import { ActionBridge, envelopeKind, isEnvelope, type ActionEnvelope } from '../core/action-bridge.ts';
import { postHttpFunction } from '../core/http-function.ts';
import { SessionError, asSessionError, type SessionErrorKind } from '../core/errors.ts';
import { WixElement } from '../core/element.ts';
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

const malformed = () => new SessionError('server', 'The site answered with a malformed response.');

/** The `error` of the callback page's message (or of `?oauth=` after a redirect), as a readable error. */
function callbackError(raw: unknown): SessionError {
  const code = typeof raw == 'string' && /^[\w.-]{1,64}$/.test(raw) ? raw : 'failed';
  const declined = code == 'access_denied';
  return new SessionError(
    declined ? 'forbidden' : code == 'invalid_state' ? 'validation' : 'server',
    declined ? 'The connection was declined on Wix.' : 'The connection could not be completed. Try again.',
    { code },
  );
}

/** What the backend's answers may hold; anything may be missing or of another type. */
type Answer = Partial<Record<'status' | 'siteId' | 'scopes' | 'connectedAt' | 'authorizeUrl' | 'items', unknown>> | null | undefined;

/** The status answer, typed; a field of another type is left out (undefined, which JSON.stringify drops). */
function readConnection(answer: unknown): OAuthConnection {
  const { status, siteId, scopes, connectedAt } = (answer ?? {}) as NonNullable<Answer>;
  // includes() compares with SameValueZero: only these exact strings pass, never an array or an object.
  if (!['not-connected', 'connected', 'revoked'].includes(status as string)) throw malformed();
  return {
    status: status as OAuthConnection['status'],
    siteId: typeof siteId == 'string' ? siteId : undefined,
    scopes: Array.isArray(scopes) ? scopes.filter((scope: unknown) => typeof scope == 'string') : undefined,
    connectedAt: typeof connectedAt == 'string' ? connectedAt : undefined,
  };
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
    preview: { state: true },
    busy: { state: true },
  };

  siteName = '';
  previewCollection = '';
  loginHint = '';

  private view: OAuthConnectState = 'checking';
  private connection: OAuthConnection | undefined;
  private failure: SessionError | undefined;
  /** The preview: its titles once loaded, the message of its failure (a string), or undefined while it loads. */
  private preview: string[] | string | undefined;
  /** An action is on its way: buttons say so (aria-disabled) and ignore clicks. */
  private busy = false;

  protected readonly bridge = new ActionBridge(this);
  /** Only the latest run may change the state: a slower, older answer never overwrites a newer one. */
  #run = 0;
  /** A transport arrived or the identity may have changed: the next update loads the status again (once per update). */
  #fresh?: boolean;
  #popup?: Window | null;
  #pollTimer: ReturnType<typeof setInterval> | undefined;
  #beforeConnect: OAuthConnectState = 'not-connected';
  #redirectChecked?: boolean;
  #hadFocus?: boolean;
  /** The failure came from starting a connection (or from the consent page): "Try again" connects again, in one click. */
  #failedConnecting?: boolean;
  #lastRecheck = 0;

  /** The current state (read-only). */
  get state(): OAuthConnectState {
    return this.view;
  }

  /** A token, the bridge (`ready` set again: a login in page code) or the session's `change`: load again. */
  protected override onTransport(): void {
    this.#fresh = true;
    this.requestUpdate();
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
    if (this.#popup) this.#unwatch();
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
      this.preview = undefined;
    }
    try {
      const connection = readConnection(await this.#call('connectionStatus'));
      if (run !== this.#run) return;
      if (grantGone && connection.status === 'connected') connection.status = 'revoked';
      if (JSON.stringify(connection) !== JSON.stringify(this.connection)) this.preview = undefined;
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
      const popupUrl = await this.#start('popup');
      if (run !== this.#run) return;
      const popup = window.open(popupUrl, POPUP_NAME, POPUP_FEATURES);
      if (popup) {
        this.#popup = popup;
        this.#beforeConnect = previous;
        this.view = 'connecting';
        window.addEventListener('message', this.#onMessage);
        // Closed without a message (the member gave up): back to where it was.
        this.#pollTimer = setInterval(() => popup.closed && this.#unwatch(), 500);
        return;
      }
      const redirectUrl = await this.#start('redirect');
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
   * The authorize URL for `mode`, only an http(s) address (never `javascript:` or `data:`), with the OIDC
   * `login_hint` (the `login-hint` attribute, trimmed; ignored above 254 characters; encoded by URLSearchParams). The
   * consent page only pre-fills its field with it, and ignores a hint it cannot use.
   */
  async #start(mode: 'popup' | 'redirect'): Promise<string> {
    const raw = ((await this.#call('startConnect', { mode })) as Answer)?.authorizeUrl;
    let url: URL | undefined;
    try {
      url = new URL(raw as string, location.href);
    } catch {
      // not a URL: the error below
    }
    if (typeof raw != 'string' || !/^https?:$/.test(url?.protocol as string)) throw malformed();
    // Lit sets the property to null when the attribute is removed.
    const hint = (this.loginHint ?? '').trim();
    if (hint && hint.length < 255) url!.searchParams.set('login_hint', hint);
    return url!.href;
  }

  /** Sends the page to the consent page in redirect mode. A seam for tests; `location.assign` cannot be stubbed. */
  navigate(url: string): void {
    location.assign(url);
  }

  /** Runs an action on the backend and unwraps its envelope; a failure envelope throws a typed error. */
  /**
   * A site widget: POST /_functions/oauth/<action> with the session token; one renewal and retry on a 401 (another
   * status is the error of its kind; a body that is not JSON, a SyntaxError, reads as malformed, errors.ts). The
   * answer to startConnect sets the HttpOnly cookie that binds this browser to the connect (the callback requires
   * it), so that one call stores same-origin cookies; the others send and store none.
   */
  async #call(action: string, input: unknown = {}): Promise<unknown> {
    const { session } = this;
    let envelope: ActionEnvelope;
    if (session) {
      const credentials = action === 'startConnect' ? 'same-origin' : 'omit';
      const response = await postHttpFunction(session, `oauth/${action}`, JSON.stringify(input), this.apiBaseUrl, credentials);
      if (response.status !== 200) throw asSessionError(0, response.status);
      envelope = (await response.json()) as ActionEnvelope; // checked on the next line
      if (!isEnvelope(envelope)) throw malformed();
    } else envelope = await this.bridge.call(action, input);
    if (envelope.ok) return envelope.data;
    throw new SessionError(envelopeKind(envelope.code), envelope.message, { code: envelope.code });
  }

  async #loadPreview(run: number): Promise<void> {
    try {
      const data = (await this.#call('callConnected', { collection: this.previewCollection, limit: PREVIEW_LIMIT })) as Answer;
      if (!Array.isArray(data?.items)) throw malformed();
      if (run === this.#run) this.preview = data.items.slice(0, PREVIEW_LIMIT).map((item: { title?: unknown } | null) => String(item?.title ?? ''));
    } catch (error) {
      if (run !== this.#run) return;
      const typed = asSessionError(error);
      this.#emitError(typed);
      // The grant is gone (revoked elsewhere): "Connected" would now be false. Check the status again, once.
      // The backend's UNAUTHENTICATED (revoked at the server) is of this kind, as is a 401; NOT_FOUND: no connection.
      if (typed.kind === 'unauthenticated' || typed.code === 'NOT_FOUND') return void this.reload(true);
      this.preview = typed.message;
    }
  }

  /** The popup is done with (closed, cancelled, answered, or the element removed); a card still connecting goes back to where it was. */
  #unwatch(): void {
    clearInterval(this.#pollTimer);
    window.removeEventListener('message', this.#onMessage);
    this.#popup = null;
    if (this.view === 'connecting') this.view = this.#beforeConnect;
  }

  /**
   * The visitor came back (focus, the tab shown again): the connection may have changed elsewhere (revoked under
   * "Manage connected apps", connected in another tab). Checked quietly, at most once a second, in a settled state.
   */
  readonly #onReturn = (): void => {
    const now = Date.now();
    if (document.hidden || !/^(connected|revoked|not-connected)$/.test(this.view) || this.busy || this.#popup) return;
    if (now - this.#lastRecheck < RECHECK_MS) return;
    this.#lastRecheck = now;
    void this.reload(false, true);
  };

  /** Only the callback page in our popup, posting to this exact origin, may say how the connection went. */
  readonly #onMessage = (event: MessageEvent): void => {
    const data = event.data;
    // Listened to only while #popup is a window (set before, cleared after), so a message with no source never matches.
    if (event.origin !== location.origin || event.source !== this.#popup || data?.type !== MESSAGE_TYPE) return;
    this.#unwatch();
    if (data.ok === true) void this.reload();
    else this.#fail(callbackError(data.error), true);
  };

  /** Shows the error; it supersedes any call still on its way (the callback page's answer comes from no call). */
  #fail(error: unknown, connecting: boolean): void {
    const typed = asSessionError(error);
    this.#run++;
    this.#failedConnecting = connecting;
    this.failure = typed;
    this.busy = false;
    this.view = 'error';
    this.#emitError(typed);
  }

  #emitError({ kind, message, code }: SessionError): void {
    this.emit('wix-oauth-error', code ? { kind, message, code } : { kind, message });
  }

  protected override willUpdate(changed: PropertyValues): void {
    this.#hadFocus = !!this.shadowRoot?.activeElement;
    if (this.#fresh) {
      this.#fresh = false;
      // The first load on a transport: after a redirect-mode connect, `?oauth=` says how it went.
      const result = this.#redirectChecked ? null : new URLSearchParams(location.search).get('oauth');
      this.#redirectChecked = true;
      if (result !== null && result !== 'connected') this.#fail(callbackError(result), true);
      else void this.reload();
    } else if (changed.has('previewCollection') && this.view === 'connected' && !this.busy) {
      this.preview = undefined;
      if (this.previewCollection) void this.#loadPreview(++this.#run);
    }
  }

  protected override updated(changed: PropertyValues): void {
    if (changed.has('view')) this.emit('wix-oauth-change', { status: this.view });
    // A re-render removed the focused button: keep focus in the element, on the next thing to do (or the box).
    // Only the buttons and the box take focus, and every state has the box.
    if (this.#hadFocus && !this.shadowRoot!.activeElement?.matches('button'))
      (this.renderRoot.querySelector('button') ?? this.renderRoot.querySelector<HTMLElement>('.state')!).focus();
  }

  /** A button; `action` runs as a method of the element, and not while something is on its way. */
  #button(name: string, label: string, action: (this: WixOAuthConnect) => unknown): TemplateResult {
    return html`<button part="button ${name}" type="button" aria-disabled=${this.busy} @click=${() => this.busy || action.call(this)}>${label}</button>`;
  }

  // One box for every state, so that the live region stays in place and its changes are announced. A string body is one paragraph.
  #box(tone: 'info' | 'ok' | 'warning' | 'error', title: string, body?: unknown, actions?: unknown): TemplateResult {
    return html`<div part="state" class="state ${tone}" role=${tone === 'error' ? 'alert' : 'status'} tabindex="-1" aria-busy=${this.view === 'checking' || this.busy}><strong part="title">${title}</strong>${typeof body == 'string' ? html`<p>${body}</p>` : body}${actions && html`<div part="actions" class="actions">${actions}</div>`}</div>`;
  }

  #renderConnected({ scopes = [], connectedAt, siteId }: OAuthConnection): TemplateResult {
    // What each scope allows, in plain words (an unknown scope as it is); compared, never looked up, so "constructor" is only a name.
    const words = scopes.map((scope) =>
      scope == 'wix-data.items.read'
        ? 'read items in your site’s collections'
        : scope == 'wix-data.items.write'
          ? 'add, change and delete items in your site’s collections'
          : scope,
    );
    const since = new Date(connectedAt as string); // undefined: an invalid date, no line
    let date = '';
    try {
      if (!isNaN(+since)) date = since.toLocaleDateString((this.closest('[lang]') as HTMLElement | null)?.lang || undefined, { dateStyle: 'medium' });
    } catch {
      date = since.toDateString(); // an unknown lang tag
    }
    const { preview, previewCollection: from } = this;
    // The preview's one line when it has no titles to list: failed (a string), loading (undefined) or empty.
    const note =
      typeof preview == 'string'
        ? `Could not load items from ${from}: ${preview}`
        : !preview
          ? `Loading items from ${from}…`
          : !preview.length && `${from} has no items yet.`;
    return this.#box(
      'ok',
      `Connected to ${this.siteName || siteId || 'a Wix site'}`,
      [
        words.length ? html`<p part="scopes">It can ${words.join(' and ')}.</p>` : nothing,
        date ? html`<p part="since">Since ${date}.</p>` : nothing,
        !from
          ? nothing
          : note
            ? html`<p class="note">${note}</p>`
            : html`<ul part="preview" aria-label="Items from ${from}">
                ${(preview as string[]).map((title) => html`<li part="preview-item">${title || '(untitled)'}</li>`)}
              </ul>`,
      ],
      this.#button('disconnect', 'Disconnect', this.disconnect),
    );
  }

  protected override render(): TemplateResult {
    const connect = (label: string) => this.#button('connect', label, this.connect);
    switch (this.view) {
      case 'editor':
        return this.#box('info', 'Wix site connection', 'Connect your account to a Wix site.');
      case 'no-session':
        return this.#box('info', 'Not connected', 'It needs a Wix site session.');
      case 'not-connected':
        return this.#box('info', 'No Wix site connected', 'Connect your account to a Wix site.', connect('Connect'));
      case 'connecting':
        return this.#box(
          'info',
          'Connecting…',
          this.#popup ? 'Finish in the window that opened.' : 'Taking you to Wix…',
          this.#popup && this.#button('cancel', 'Cancel', () => (this.#popup!.close(), this.#unwatch())),
        );
      case 'connected':
        return this.#renderConnected(this.connection!);
      case 'revoked':
        return this.#box('warning', 'The connection was revoked', 'Connect your account to a Wix site again.', connect('Connect again'));
      case 'error': {
        const { kind, message, code } = this.failure!;
        // Signing in is the only way on, and the card checks again by itself when the session changes: no button
        // that would only fail the same way. A refused status check is the same case: the actions are members-only,
        // and page code's web methods refuse a visitor as forbidden where the HTTP actions say unauthenticated.
        // A prompt, not a failure: the info tone, announced politely (a visitor who opens the page is not alerted).
        if (kind === 'unauthenticated' || (kind === 'forbidden' && !this.#failedConnecting))
          return this.#box(
            'info',
            'Not signed in',
            `${code === 'UNAUTHENTICATED' ? 'Sign in to connect your account to a Wix site.' : message} This card updates when you sign in.`,
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
        return this.#box('error', title, message, this.#button('retry', 'Try again', this.#failedConnecting ? this.connect : this.reload));
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
