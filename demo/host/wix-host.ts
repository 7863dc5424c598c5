/**
 * The demo page plays the Wix host (design: "Host simulation"). It owns the visitor/member session with
 * the official SDK's OAuthStrategy, exposes `window.wixEmbedsAPI`, and injects its token getter into every
 * custom element through `accessTokenListener`, exactly as a Wix site does for a site widget.
 *
 * The SDK's token endpoints are hard-coded to https://www.wixapis.com and use the global fetch, so this host
 * routes those two hosts to the page's own origin, where the local platform is mounted.
 */
import { createClient, OAuthStrategy } from '@wix/sdk';

const WIX_API_HOSTS = new Set(['www.wixapis.com', 'edge.wixapis.com']);

export function routeWixApisToPage(origin = location.origin): void {
  const original = window.fetch.bind(window);
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    if (!WIX_API_HOSTS.has(url.hostname)) return original(input, init);
    const routed = `${origin}${url.pathname}${url.search}`;
    return input instanceof Request ? original(new Request(routed, input), init) : original(routed, init);
  };
}

export type Identity = { kind: 'visitor' } | { kind: 'member'; email: string };

type TokenGetter = () => Promise<string>;
interface TokenReceiver extends Element {
  accessTokenListener?: (getter: TokenGetter) => void;
}

/** The Wix host of the demo page. One instance per page. */
export class DemoWixHost extends EventTarget {
  readonly client;
  identity: Identity = { kind: 'visitor' };
  private getter: TokenGetter;

  constructor(readonly clientId: string) {
    super();
    this.client = createClient({ auth: OAuthStrategy({ clientId }) });
    this.getter = this.makeGetter();
    window.wixEmbedsAPI = {
      getExternalBaseUrl: () => location.origin,
      getAccessTokenFunction: () => this.getter,
      getMonitoringClientFunction: () => () => ({ captureException() {}, captureMessage() {}, addBreadcrumb() {} }),
      getMetaSiteId: () => 'local',
    };
    this.watchElements();
  }

  /**
   * A new getter per identity: elements treat a new injection as "the identity may have changed".
   * Elements call it once per token lifetime, so being asked again for the token it last handed out
   * means the platform rejected that token (401): the host then renews with the refresh token.
   */
  private makeGetter(): TokenGetter {
    let lastHanded: string | undefined;
    return async () => {
      const { headers } = await this.client.auth.getAuthHeaders();
      let token = headers.Authorization;
      if (token && token === lastHanded) {
        const tokens = this.client.auth.getTokens();
        const renewed = await this.client.auth.renewToken(tokens.refreshToken);
        this.client.auth.setTokens(renewed);
        token = renewed.accessToken.value;
      }
      if (!token) throw new Error('The host has no session.');
      lastHanded = token;
      return token;
    };
  }

  private inject(el: Element): void {
    const receiver = el as TokenReceiver;
    if (typeof receiver.accessTokenListener === 'function') receiver.accessTokenListener(this.getter);
  }

  private injectAll(): void {
    for (const el of document.querySelectorAll('*')) {
      if (el.localName.includes('-')) this.inject(el);
    }
  }

  private watchElements(): void {
    const observer = new MutationObserver((records) => {
      for (const r of records) {
        for (const node of r.addedNodes) {
          if (node instanceof Element && node.localName.includes('-')) {
            void customElements.whenDefined(node.localName).then(() => this.inject(node));
          }
        }
      }
    });
    observer.observe(document.documentElement, { childList: true, subtree: true });
    for (const el of document.querySelectorAll('*')) {
      if (el.localName.includes('-')) void customElements.whenDefined(el.localName).then(() => this.inject(el));
    }
  }

  /** The page's own session token, for page code (the Velo section): Wix's automatic session. */
  async token(): Promise<string> {
    const { headers } = await this.client.auth.getAuthHeaders();
    if (!headers.Authorization) throw new Error('The host has no session.');
    return headers.Authorization;
  }

  /** Member login through the SDK's direct-login flow (login, then authorize in a hidden iframe, then PKCE). */
  async login(email: string, password: string): Promise<void> {
    const result = await this.client.auth.login({ email, password });
    if (result.loginState !== 'SUCCESS') throw new Error('Wrong email or password.');
    const tokens = await this.client.auth.getMemberTokensForDirectLogin(result.data.sessionToken);
    this.client.auth.setTokens(tokens);
    this.identity = { kind: 'member', email };
    this.changed();
  }

  logout(): void {
    this.client.auth.setTokens({ accessToken: { value: '', expiresAt: 0 }, refreshToken: { value: '', role: 'none' as never } });
    this.identity = { kind: 'visitor' };
    this.changed();
  }

  private changed(): void {
    this.getter = this.makeGetter();
    this.injectAll();
    this.dispatchEvent(new Event('identity-change'));
  }
}
