/**
 * A Wix host for custom elements under @web/test-runner (browser code, no Node imports): mounts any custom element
 * the way a Wix site does, and gives the test page code's view of it (`$w('#id')` of a `$w.CustomElement`).
 *
 * - The token: Wix calls `element.accessTokenListener(getter)` after the element is on the page, and exposes the same
 *   getter as `window.wixEmbedsAPI.getAccessTokenFunction()`. `token: 'now'` injects at once, `'late'` after
 *   `lateMs` (default 50 ms, or when the test calls `injectToken()`), `'never'` not at all (a Velo page where the
 *   element must ask page code). One getter may be shared by several elements (`sharedToken()`), as one site session.
 * - The view mode: `window.commonConfig.viewMode` is `'Site'`, `'Preview'` or `'Editor'`, set before the element
 *   connects (elements show a placeholder in the Editor).
 * - Attributes as Wix sets them: page code's `setAttribute(name, value)` and the Editor's settings give strings only,
 *   an object or array becomes its JSON.
 * - Page-code bridge events: `on(type, handler)` as `$w('#el').on(...)`: the handler gets `{ type, detail, target }`;
 *   every event the element dispatches is also recorded in `events`.
 * - `seoMarkup`: what page code assigns is captured (Wix renders it for crawlers instead of the element), capped at
 *   Wix's 100 kB; `seoMarkup` reads it back.
 */

export type ViewMode = 'Site' | 'Preview' | 'Editor';
export type TokenGetter = () => Promise<string>;

export interface WixHostOptions {
  /** Attributes set before the element connects: strings, or objects/arrays as JSON (as the Editor's settings). */
  attributes?: Record<string, string | number | boolean | object>;
  viewMode?: ViewMode;
  /** When the host injects the token getter (default 'now'). */
  token?: 'now' | 'late' | 'never';
  /** With token 'late': inject after this many ms (default 50); 0 leaves it to `injectToken()`. */
  lateMs?: number;
  /** The getter the host injects (default: one that rejects, for elements that must not need a token). */
  getter?: TokenGetter;
  /** Where the element goes (default document.body). */
  parent?: HTMLElement;
  /** Also expose the getter as window.wixEmbedsAPI.getAccessTokenFunction() (default true). */
  embedsApi?: boolean;
  /** The site's external URL wixEmbedsAPI reports (default this page's origin). */
  externalBaseUrl?: string;
}

export interface RecordedEvent {
  type: string;
  detail: unknown;
}

/** Page code's handle on a custom element, as `$w('#id')` gives it. */
export interface CustomElementHandle {
  readonly type: '$w.CustomElement';
  readonly id: string;
  setAttribute(name: string, value: unknown): void;
  on(type: string, handler: (event: { type: string; detail: unknown; target: CustomElementHandle }) => void): CustomElementHandle;
  seoMarkup: string;
}

export interface MountedElement<E extends HTMLElement = HTMLElement> {
  readonly element: E;
  /** Page code's `$w('#id')` for the element. */
  readonly $w: CustomElementHandle;
  /** Every event the element dispatched that page code could listen to (CustomEvents), in order. */
  readonly events: readonly RecordedEvent[];
  /** What page code last assigned to seoMarkup. */
  readonly seoMarkup: string;
  /** How often the element asked the host for a token. */
  readonly tokenCalls: number;
  /** Injects the token getter now (for token 'late' with lateMs 0, or again after an identity change). */
  injectToken(getter?: TokenGetter): void;
  /** Resolves on the next event of this type the element dispatches. */
  nextEvent(type: string, timeoutMs?: number): Promise<RecordedEvent>;
  remove(): void;
}

/** Wix's limit on a custom element's seoMarkup. */
export const SEO_MARKUP_MAX_BYTES = 100_000;

interface TokenReceiver extends HTMLElement {
  accessTokenListener?: (getter: TokenGetter) => void;
}

declare global {
  interface Window {
    commonConfig?: { viewMode?: string };
  }
}

let counter = 0;

/** A getter that counts its calls: hand the same one to several mounts to share one session across elements. */
export function sharedToken(source: () => Promise<string> | string): TokenGetter & { calls: number } {
  const getter = Object.assign(
    async () => {
      getter.calls++;
      return source();
    },
    { calls: 0 },
  );
  return getter;
}

/** Sets the page's view mode as the Wix host reports it (commonConfig.viewMode). */
export function setViewMode(mode: ViewMode): void {
  window.commonConfig = { ...window.commonConfig, viewMode: mode };
}

/** Stringifies a value as Wix's setAttribute does for custom elements: strings as they are, anything else as JSON. */
export function wixAttributeValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value) ?? '';
}

const NAME = /^[a-z][a-z0-9._-]{0,99}$/;

/**
 * Mounts `<tag>` as a Wix site does and returns the page-code handle and what the host observed. The element's
 * class must be defined already (import its module first); any custom element works, not only this package's.
 */
export function mountWixElement<E extends HTMLElement = HTMLElement>(tag: string, options: WixHostOptions = {}): MountedElement<E> {
  if (!tag.includes('-') || !/^[a-z][a-z0-9-]*$/.test(tag)) throw new TypeError(`"${tag}" is not a custom element name.`);
  setViewMode(options.viewMode ?? 'Site');
  const element = document.createElement(tag) as E & TokenReceiver;
  const id = `wix-el-${++counter}`;
  element.id = id;
  for (const [name, value] of Object.entries(options.attributes ?? {})) {
    if (!NAME.test(name)) throw new TypeError(`"${name}" is not an attribute name.`);
    element.setAttribute(name, wixAttributeValue(value));
  }
  const events: RecordedEvent[] = [];
  const waiters = new Set<{ type: string; done: (e: RecordedEvent) => void }>();
  const seen = new Set<string>();
  const record = (event: Event) => {
    if (!(event instanceof CustomEvent) || event.target !== element) return;
    const entry = { type: event.type, detail: event.detail as unknown };
    events.push(entry);
    for (const w of [...waiters]) {
      if (w.type !== entry.type) continue;
      waiters.delete(w);
      w.done(entry);
    }
  };
  const listen = (type: string) => {
    if (seen.has(type)) return;
    seen.add(type);
    element.addEventListener(type, record);
  };
  // CustomEvents of any name: patch this element's dispatchEvent so every type is recorded, not only known ones.
  const dispatch = element.dispatchEvent.bind(element);
  element.dispatchEvent = (event: Event) => {
    listen(event.type);
    return dispatch(event);
  };

  let seo = '';
  const user = options.getter ?? (() => Promise.reject(new Error('This host has no session for the element.')));
  let calls = 0;
  const counted: TokenGetter = async () => {
    calls++;
    return user();
  };
  const inject = (getter: TokenGetter = counted) => {
    if (options.embedsApi !== false) {
      window.wixEmbedsAPI = {
        getExternalBaseUrl: () => options.externalBaseUrl ?? location.origin,
        getAccessTokenFunction: () => getter,
        getMonitoringClientFunction: () => () => ({ captureException() {}, captureMessage() {}, addBreadcrumb() {} }),
        getMetaSiteId: () => 'local',
      };
    }
    if (typeof element.accessTokenListener === 'function') element.accessTokenListener(getter);
  };
  // Before the element connects, the page has no wixEmbedsAPI token yet unless it is injected at once.
  if (options.embedsApi !== false && options.token !== 'now') delete window.wixEmbedsAPI;

  const handle: CustomElementHandle = {
    type: '$w.CustomElement',
    id,
    setAttribute(name, value) {
      if (typeof name !== 'string' || !NAME.test(name)) throw new TypeError(`"${String(name)}" is not an attribute name.`);
      element.setAttribute(name, wixAttributeValue(value));
    },
    on(type, handler) {
      listen(type);
      element.addEventListener(type, (event) => handler({ type, detail: (event as CustomEvent).detail as unknown, target: handle }));
      return handle;
    },
    get seoMarkup() {
      return seo;
    },
    set seoMarkup(value: string) {
      if (typeof value !== 'string') throw new TypeError('seoMarkup must be a string.');
      if (new TextEncoder().encode(value).length > SEO_MARKUP_MAX_BYTES) throw new RangeError(`seoMarkup is larger than ${SEO_MARKUP_MAX_BYTES} bytes.`);
      seo = value;
    },
  };

  (options.parent ?? document.body).append(element);
  let timer: ReturnType<typeof setTimeout> | undefined;
  if (options.token === undefined || options.token === 'now') inject();
  else if (options.token === 'late' && options.lateMs !== 0) timer = setTimeout(() => inject(), options.lateMs ?? 50);

  return {
    element,
    $w: handle,
    events,
    get seoMarkup() {
      return seo;
    },
    get tokenCalls() {
      return calls;
    },
    injectToken: (getter) => {
      clearTimeout(timer);
      inject(getter ?? counted);
    },
    nextEvent: (type, timeoutMs = 5_000) =>
      new Promise((resolve, reject) => {
        listen(type);
        const waiter = { type, done: resolve };
        waiters.add(waiter);
        setTimeout(() => {
          if (waiters.delete(waiter)) reject(new Error(`No ${type} event within ${timeoutMs} ms.`));
        }, timeoutMs);
      }),
    remove: () => {
      clearTimeout(timer);
      element.remove();
    },
  };
}

/** Cookies Wix keeps for itself on a site (session, security): frontend code can neither read nor write them. */
export const WIX_INTERNAL_COOKIES: readonly string[] = [
  'svSession',
  'hs',
  'XSRF-TOKEN',
  'server-session-bind',
  'client-session-bind',
  'wixSession',
  'wixSession2',
  'bSession',
];
/** Paths of Wix's internal access-token services, which the secured fetch refuses. */
export const WIX_INTERNAL_TOKEN_PATHS: readonly string[] = ['/_api/v1/access-tokens', '/_api/v2/dynamicmodel'];

/**
 * The frontend restrictions Wix documents for all code on a site's pages ("About Frontend Security"), as far as a
 * browser page can emulate them; returns a function that lifts them (call it in afterEach):
 * - `window.fetch` and `XMLHttpRequest` cannot be replaced: assigning them has no effect;
 * - requests to Wix's internal access-token services are refused;
 * - `document.cookie` neither shows nor changes Wix's internal cookies (silently, no error);
 * - `window.open` of a same-origin page returns an empty object instead of the window (here no window opens);
 * - setting an iframe's `srcdoc` throws.
 */
export function applyWixFrontendRestrictions(): () => void {
  const undo: (() => void)[] = [];
  const lock = <T extends object>(target: T, key: string, value: unknown) => {
    const before = Object.getOwnPropertyDescriptor(target, key);
    Object.defineProperty(target, key, { configurable: true, enumerable: true, get: () => value, set: () => {} });
    // safe-lookup: key is one of this function's own literal property names (fetch, XMLHttpRequest, cookie …), never a request's
    undo.push(() => (before ? Object.defineProperty(target, key, before) : delete (target as Record<string, unknown>)[key]));
  };

  const nativeFetch = window.fetch.bind(window);
  const internal = (input: RequestInfo | URL) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    return url.origin === location.origin && WIX_INTERNAL_TOKEN_PATHS.some((p) => url.pathname.startsWith(p));
  };
  const securedFetch = (input: RequestInfo | URL, init?: RequestInit) =>
    internal(input) ? Promise.reject(new TypeError('Blocked: frontend code cannot call Wix access-token services.')) : nativeFetch(input, init);
  lock(window, 'fetch', securedFetch);
  lock(window, 'XMLHttpRequest', window.XMLHttpRequest);

  const cookieDescriptor = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
  const isInternal = (pair: string) => WIX_INTERNAL_COOKIES.includes(pair.split('=')[0]!.trim());
  Object.defineProperty(document, 'cookie', {
    configurable: true,
    get: () =>
      (cookieDescriptor.get!.call(document) as string)
        .split('; ')
        .filter((pair) => pair && !isInternal(pair))
        .join('; '),
    set: (value: string) => {
      if (!isInternal(String(value))) cookieDescriptor.set!.call(document, value);
    },
  });
  undo.push(() => delete (document as unknown as Record<string, unknown>)['cookie']);

  const nativeOpen = window.open.bind(window);
  // Same origin: the empty object Wix returns (the harness opens no window, so a test leaves no popup behind).
  lock(window, 'open', (url?: string | URL, target?: string, features?: string) =>
    url !== undefined && new URL(String(url), location.href).origin === location.origin ? {} : nativeOpen(url, target, features),
  );

  const srcdoc = Object.getOwnPropertyDescriptor(HTMLIFrameElement.prototype, 'srcdoc')!;
  Object.defineProperty(HTMLIFrameElement.prototype, 'srcdoc', {
    configurable: true,
    get: srcdoc.get!,
    set: () => {
      throw new DOMException('Setting srcdoc on an iframe is blocked on Wix sites.', 'SecurityError');
    },
  });
  const setAttribute = Element.prototype.setAttribute;
  Element.prototype.setAttribute = function (this: Element, name: string, value: string) {
    if (this instanceof HTMLIFrameElement && name.toLowerCase() === 'srcdoc')
      throw new DOMException('Setting srcdoc on an iframe is blocked on Wix sites.', 'SecurityError');
    return setAttribute.call(this, name, value);
  };
  undo.push(() => {
    Object.defineProperty(HTMLIFrameElement.prototype, 'srcdoc', srcdoc);
    Element.prototype.setAttribute = setAttribute;
  });

  return () => {
    for (const step of undo.reverse()) step();
  };
}
