import { LitElement, type PropertyDeclarations } from 'lit';
import { BridgeClient } from './bridge.ts';
import { createSessionClient, type DataClient } from './client.ts';
import { embedsApi, inEditor } from './host.ts';
import { sessionFor, type Session, type TokenGetter } from './session.ts';

/** How an element is connected to the Wix platform. */
export type ConnectionState = 'connecting' | 'connected' | 'not-connected' | 'editor';

const clients = new WeakMap<Session, DataClient>();

/**
 * Base class of every element: finds the host's token source, shares one Session per source across the
 * page, and exposes the official SDK client built on it.
 *
 * Host contract (same as @wix/site's `getAccessTokenInjector`): the Wix host calls
 * `element.accessTokenListener(getAccessToken)`. Without that, `window.wixEmbedsAPI.getAccessTokenFunction()`
 * is tried. On a Velo site page code sets `bridge="ready"` instead, and the element asks page code for data
 * (see bridge.ts); a token, whenever it comes, wins over the bridge. With none of them, after
 * `connect-timeout` ms the element shows "not connected", never a blank box.
 *
 * @attr bridge - Set to `ready` by page code (elements/velo/page.ts) once it answers `wix-bridge-request`.
 * @attr bridge-reply - Written by page code: one JSON reply per request.
 * @attr bridge-timeout - Milliseconds to wait for a page-code reply (default 10000).
 */
export class SessionElement extends LitElement {
  // Static declarations rather than decorators: the decorator runtime costs bytes in every editor bundle.
  static override properties: PropertyDeclarations = {
    connectTimeout: { type: Number, attribute: 'connect-timeout' },
    apiBaseUrl: { attribute: 'api-base-url' },
    connection: { state: true },
    sessionVersion: { state: true },
  };

  /** Milliseconds to wait for the host to inject a token getter before showing "not connected". */
  connectTimeout = 1500;
  /** Overrides the API base URL (host[:port][/path]); normally derived from the site's URL. */
  apiBaseUrl: string | undefined;
  protected connection: ConnectionState = 'connecting';
  /** Bumps when the session's identity may have changed, so data tasks run again. */
  protected sessionVersion = 0;

  protected session: Session | undefined;
  protected client: DataClient | undefined;
  // Created up front so bridge attributes are handled whatever order they arrive in.
  private readonly bridge = new BridgeClient(this);
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly onSessionChange = () => {
    this.sessionVersion++;
  };

  /** Called by the Wix host with the token getter. Calling it again means the identity may have changed. */
  accessTokenListener = (getter: TokenGetter): void => {
    // In the Editor the element stays a placeholder, even if a token comes.
    if (typeof getter !== 'function' || inEditor()) return;
    const session = sessionFor(getter);
    if (session === this.session) {
      session.reset(getter);
      return;
    }
    this.attach(session);
  };

  override connectedCallback(): void {
    super.connectedCallback();
    if (this.session) {
      this.session.addEventListener('change', this.onSessionChange);
      return;
    }
    if (inEditor()) {
      this.connection = 'editor';
      return;
    }
    const fromEmbeds = embedsApi()?.getAccessTokenFunction?.();
    if (typeof fromEmbeds === 'function') {
      this.attach(sessionFor(fromEmbeds));
      return;
    }
    this.connectTimer = setTimeout(() => {
      if (!this.client) this.connection = 'not-connected';
    }, this.connectTimeout);
  }

  // Bridge attributes are plain attributes, not reactive properties: a reply must not re-render the element.
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'bridge', 'bridge-reply', 'bridge-timeout'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name == 'bridge-reply') this.bridge.receive(value);
    if (name == 'bridge-timeout') this.bridge.timeoutMs = Number(value) || 10_000;
    // Setting `ready` again (say after a login in page code) reloads, like a new token injection.
    if (name == 'bridge' && value == 'ready' && !this.session && !inEditor()) {
      this.client = this.bridge;
      this.connection = 'connected';
      this.sessionVersion++;
    }
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    clearTimeout(this.connectTimer);
    this.session?.removeEventListener('change', this.onSessionChange);
  }

  private attach(session: Session): void {
    clearTimeout(this.connectTimer);
    this.session?.removeEventListener('change', this.onSessionChange);
    this.session = session;
    session.addEventListener('change', this.onSessionChange);
    let client = clients.get(session);
    if (!client) {
      client = createSessionClient(session, this.apiBaseUrl ? { apiBaseUrl: this.apiBaseUrl } : {});
      clients.set(session, client);
    }
    this.client = client;
    this.connection = 'connected';
    this.sessionVersion++;
  }
}
