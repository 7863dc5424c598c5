import { LitElement, type PropertyDeclarations } from 'lit';
import { embedsApi, inEditor } from './host.ts';
import type { PendingReplies } from './pending-replies.ts';
import { sessionFor, type Session, type TokenGetter } from './session.ts';

/**
 * The one session wiring of every element, SDK-free (an element that needs Wix Data builds the SDK client itself,
 * lazily: session-element.ts, data-form.ts).
 *
 * - Token discovery, as @wix/site's `getAccessTokenInjector`: the Wix host calls `element.accessTokenListener(getter)`;
 *   without that, `window.wixEmbedsAPI.getAccessTokenFunction()` is tried when the element connects. Elements that get
 *   the same getter share one Session (session.ts). Calling the listener again, or the session's `change` event (a
 *   login or logout), means the identity may have changed.
 * - The page-code bridge on a Velo site: page code sets `bridge="ready"` (elements/velo/page.ts) and writes replies into
 *   `bridge-reply`. A token, whenever it comes, wins over the bridge; setting `ready` again (a login in page code) is
 *   handled like a new token injection.
 * - The Editor: nothing connects; the element shows its placeholder.
 * - With neither a token nor page code after `connect-timeout` ms, the element is told so (it shows "not connected",
 *   never a blank box).
 *
 * A subclass reacts in two hooks: `onTransport()` (a session or the bridge arrived, or the identity may have
 * changed) and `onUnconnected(state)` (the Editor, or nothing came in time). Its events go out through the typed `emit()`; `E` maps each event type
 * of the element to its detail type.
 *
 * @attr connect-timeout - Milliseconds to wait for a token or page code before showing "not connected" (default 1500).
 * @attr api-base-url - Overrides the API host (`host[:port][/path]`); normally the site's URL.
 * @attr bridge - Set to `ready` by page code (elements/velo/page.ts) once it answers `wix-bridge-request`.
 * @attr bridge-reply - Written by page code: one JSON reply per request.
 * @attr bridge-timeout - Milliseconds to wait for a page-code reply (default 10000).
 */
export abstract class WixElement<E extends object = object> extends LitElement {
  // Static declarations rather than decorators: the decorator runtime costs bytes in every editor bundle.
  static override properties: PropertyDeclarations = {
    connectTimeout: { type: Number, attribute: 'connect-timeout' },
    apiBaseUrl: { attribute: 'api-base-url' },
  };

  /** Milliseconds to wait for the host to inject a token getter before showing "not connected". */
  connectTimeout = 1500;
  /** Overrides the API base URL (host[:port][/path]); normally derived from the site's URL. */
  apiBaseUrl: string | undefined;

  protected session: Session | undefined;
  /** Page code set `bridge="ready"` (and no session came first). */
  protected bridgeReady?: boolean;
  /** Created up front by each element, so that bridge attributes are handled whatever order they arrive in. */
  protected abstract readonly bridge: Pick<PendingReplies<unknown>, 'timeoutMs' | 'receive'>;
  #timer: ReturnType<typeof setTimeout> | undefined;

  /** Called by the Wix host with the token getter. Calling it again means the identity may have changed. */
  accessTokenListener = (getter: TokenGetter): void => {
    // In the Editor the element stays a placeholder, even if a token comes.
    if (typeof getter !== 'function' || inEditor()) return;
    const session = sessionFor(getter);
    if (session === this.session) return session.reset(getter);
    clearTimeout(this.#timer);
    this.session?.removeEventListener('change', this);
    this.session = session;
    session.addEventListener('change', this);
    this.onTransport();
  };

  /** The session's `change` (the element is its listener object): the identity may have changed. */
  handleEvent(): void {
    this.onTransport();
  }

  /** A session or the page-code bridge is there to talk to. */
  protected get hasTransport(): boolean {
    return this.session !== undefined || !!this.bridgeReady;
  }

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.session) return this.session.addEventListener('change', this);
    if (inEditor()) return this.onUnconnected('editor');
    const fromEmbeds = embedsApi()?.getAccessTokenFunction?.();
    if (typeof fromEmbeds === 'function') return this.accessTokenListener(fromEmbeds);
    // disconnectedCallback clears it. With the bridge already ready, it fires and finds a transport.
    this.#timer = setTimeout(() => this.hasTransport || this.onUnconnected('not-connected'), this.connectTimeout);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.#timer);
    this.session?.removeEventListener('change', this);
  }

  // Bridge attributes are plain attributes, not reactive properties: a reply must not re-render the element.
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'bridge', 'bridge-reply', 'bridge-timeout'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name == 'bridge-reply') this.bridge.receive(value);
    if (name == 'bridge-timeout') this.bridge.timeoutMs = Number(value) || 10_000;
    if (name == 'bridge' && value == 'ready' && !this.session && !inEditor()) {
      clearTimeout(this.#timer);
      this.bridgeReady = true;
      this.onTransport();
    }
  }

  /** A session or the bridge arrived, or the identity may have changed (a new injection, `change`, `ready` again). */
  protected onTransport(): void {}

  /** The page is the Wix Editor (show the placeholder), or neither a token nor page code came within `connect-timeout`. */
  protected onUnconnected(_state: 'editor' | 'not-connected'): void {}

  /** Dispatches one of the element's events (bubbles, composed); returns false when a listener cancelled it. */
  protected emit<K extends keyof E & string>(type: K, detail: E[K], cancelable?: boolean): boolean {
    return this.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable }));
  }
}

/**
 * Registers a tag once. Defining it again (a second bundle on the same page), or a tag another class already has,
 * is a no-op, not an error: the first definition stays.
 */
export function define(tag: string, element: CustomElementConstructor): void {
  if (!customElements.get(tag)) customElements.define(tag, element);
}
