/**
 * The demo page plays the Wix host (design: "Host simulation"). It owns the visitor/member session with
 * the official SDK's OAuthStrategy, exposes `window.wixEmbedsAPI`, and injects its token getter into every
 * custom element through `accessTokenListener`, exactly as a Wix site does for a site widget.
 *
 * The SDK's token endpoints are hard-coded to https://www.wixapis.com and use the global fetch, so this host
 * routes those two hosts to the page's own origin, where the local platform is mounted.
 *
 * A signed-in member stays signed in across reloads, as on a Wix site, whose server keeps the session behind an
 * HttpOnly cookie: here the dev server keeps the member's refresh token (demo/server/member-sessions.ts) and the
 * page asks for it on load. Tokens live in this page's memory only, and elements never see either (design: Storage).
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

/**
 * The member session the site's server keeps for this browser (demo/server/member-sessions.ts): the refresh token
 * is handed over after sign-in and each rotation, and asked back on load. The browser holds only an HttpOnly cookie
 * naming the session; no token goes into a cookie or web storage (design: Storage).
 */
const SESSION_PATH = '/_demo/session';

async function keptRefreshToken(): Promise<string | undefined> {
  const answer = await fetch(`${SESSION_PATH}/resume`, { method: 'POST', credentials: 'same-origin' });
  if (answer.status !== 200) return undefined;
  const body = (await answer.json()) as { refreshToken?: unknown };
  return typeof body.refreshToken === 'string' ? body.refreshToken : undefined;
}

function keepOnServer(refreshToken: string | undefined): Promise<unknown> {
  const request = refreshToken
    ? fetch(SESSION_PATH, {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ refreshToken }),
      })
    : fetch(SESSION_PATH, { method: 'DELETE', credentials: 'same-origin' });
  // Keeping the session is a convenience: a failure leaves this page signed in and the next load a visitor's.
  return request.catch(() => undefined);
}

type TokenGetter = () => Promise<string>;
interface TokenReceiver extends Element {
  accessTokenListener?: (getter: TokenGetter) => void;
}

/** The Wix host of the demo page. One instance per page. */
export class DemoWixHost extends EventTarget {
  readonly client;
  identity: Identity = { kind: 'visitor' };
  private getter: TokenGetter;
  /** Settles once a kept session has been resumed (or found missing); token getters wait for it. */
  private ready: Promise<void> = Promise.resolve();

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
    let inflight: Promise<string> | undefined;
    const get = async () => {
      let token = await this.authHeader();
      if (token && token === lastHanded) {
        const tokens = this.client.auth.getTokens();
        const renewed = await this.client.auth.renewToken(tokens.refreshToken);
        this.client.auth.setTokens(renewed);
        token = renewed.accessToken.value;
      }
      if (!token) throw new Error('The host has no session.');
      lastHanded = token;
      this.keep();
      return token;
    };
    // Single-flight: elements asking at once (two 401s after an expiry) share one answer and one renewal.
    return () =>
      (inflight ??= get().finally(() => {
        inflight = undefined;
      }));
  }

  private pendingHeader: Promise<string | undefined> | undefined;
  /**
   * The SDK's current Authorization header, one request at a time: the SDK's OAuthStrategy starts a new visitor
   * session for each concurrent call before it has one (two visitor tokens, and the elements holding the other).
   */
  private authHeader(): Promise<string | undefined> {
    this.pendingHeader ??= this.ready
      .then(() => this.client.auth.getAuthHeaders())
      .then(({ headers }) => headers.Authorization)
      .finally(() => {
        this.pendingHeader = undefined;
      });
    return this.pendingHeader;
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
    const header = await this.authHeader();
    if (!header) throw new Error('The host has no session.');
    this.keep();
    return header;
  }

  /**
   * Resumes the member session kept in the cookie, if any: renews it with the refresh token (the platform rotates
   * it) and asks the Members API who it is. A refused or unknown token ends the kept session; the page stays a
   * visitor's. Call it once, right after the constructor; token getters wait until it is done.
   */
  restore(): Promise<void> {
    this.ready = (async () => {
      const kept = await keptRefreshToken().catch(() => undefined);
      if (!kept) return;
      try {
        const tokens = await this.client.auth.renewToken({ value: kept, role: 'member' });
        // The Members API's getMyMember, on the site's own /_api path (the dev server mounts /_api/, not /members/).
        const me = await fetch('/_api/members/v1/members/my?fieldsets=FULL', { headers: { authorization: tokens.accessToken.value } });
        const body = (await me.json()) as { member?: { loginEmail?: unknown } };
        const email = body.member?.loginEmail;
        if (!me.ok || typeof email !== 'string') throw new Error('not a member');
        this.client.auth.setTokens(tokens);
        this.identity = { kind: 'member', email };
        await this.keepSession(tokens.refreshToken.value);
      } catch {
        await this.keepSession(undefined);
        this.identity = { kind: 'visitor' };
      }
    })();
    return this.ready.then(() => {
      if (this.identity.kind === 'member') this.dispatchEvent(new Event('identity-change'));
    });
  }

  /** The refresh token the server keeps for this browser, as last handed over. */
  private keptToken: string | undefined;

  /** The last keep or forget request; each waits for the one before, so a sign-out can never land before a keep. */
  private keeping: Promise<unknown> = Promise.resolve();

  private keepSession(refreshToken: string | undefined): Promise<unknown> {
    this.keptToken = refreshToken;
    this.keeping = this.keeping.then(() => keepOnServer(refreshToken));
    return this.keeping;
  }

  /** Hands the server the new refresh token when the SDK has renewed (and so rotated) it. */
  private keep(): void {
    if (this.identity.kind !== 'member') return;
    const refresh = this.client.auth.getTokens().refreshToken?.value;
    if (refresh && refresh !== this.keptToken) void this.keepSession(refresh);
  }

  /** Member login through the SDK's direct-login flow (login, then authorize in a hidden iframe, then PKCE). */
  async login(email: string, password: string): Promise<void> {
    const result = await this.client.auth.login({ email, password });
    if (result.loginState !== 'SUCCESS') throw new Error('Wrong email or password.');
    const tokens = await this.client.auth.getMemberTokensForDirectLogin(result.data.sessionToken);
    this.client.auth.setTokens(tokens);
    this.identity = { kind: 'member', email };
    await this.keepSession(tokens.refreshToken.value);
    this.changed();
  }

  async logout(): Promise<void> {
    // A visitor from here on, before the forget request is awaited: a token renewal that lands meanwhile must not hand
    // its rotated refresh token to the server again (keep() keeps only a member's), which would undo the sign-out.
    this.identity = { kind: 'visitor' };
    await this.keepSession(undefined);
    this.client.auth.setTokens({ accessToken: { value: '', expiresAt: 0 }, refreshToken: { value: '', role: 'none' as never } });
    this.changed();
  }

  private changed(): void {
    this.getter = this.makeGetter();
    this.injectAll();
    this.dispatchEvent(new Event('identity-change'));
  }
}
