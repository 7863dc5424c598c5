import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { createClient } from '@wix/sdk';
import { items } from '@wix/data';
import type { PlatformHandle } from '../http/handler.ts';
import { inProcessDispatch, runWithinPlatform, WIX_API_HOSTS, type WixApiDispatch } from '../http/node-routing.ts';
import type { Caller } from '../identity/callers.ts';
import type { ApiKeyPermission } from '../identity/directory.ts';
import { API_KEY_PERMISSIONS } from '../identity/directory.ts';
import { createPlatform, type Platform, type PlatformOptions } from '../index.ts';
import type { Scope } from '../oauth/apps.ts';
import type { Seed } from '../seeding.ts';
import { veloCalls, type VeloRuntimeServices } from '../velo/context.ts';
import wixData from '../velo/modules/wix-data.ts';
import type { ModuleLoader } from '../velo/runtime.ts';
import { fixtureSeed, loadFixtures, type Fixtures } from './fixtures.ts';

/** Who a test acts as: build one with visitor(), member(), owner(), apiKey() or app(). */
export type CallerSpec =
  | { readonly kind: 'visitor'; readonly id?: string }
  | { readonly kind: 'member'; readonly name: string }
  | { readonly kind: 'owner' }
  | { readonly kind: 'apiKey'; readonly permissions: readonly ApiKeyPermission[] }
  | { readonly kind: 'app'; readonly name: string; readonly scopes: readonly Scope[] };

/** An anonymous site visitor; the same `id` is the same visitor (its `_owner` on items it creates). */
export const visitor = (id?: string): CallerSpec => (id === undefined ? { kind: 'visitor' } : { kind: 'visitor', id });
/** A site member from the fixtures, by its `name` (or by email). */
export const member = (name: string): CallerSpec => ({ kind: 'member', name });
/** The site owner (admin). */
export const owner = (): CallerSpec => ({ kind: 'owner' });
/** A server-to-server API key on the site, with these permissions (default: all of them). */
export const apiKey = (permissions: readonly ApiKeyPermission[] = API_KEY_PERMISSIONS): CallerSpec => ({ kind: 'apiKey', permissions });
/** A third-party app installed on the site (client credentials for its instance), with these scopes. */
export const app = (name: string, scopes: readonly Scope[] = ['wix-data.items.read', 'wix-data.items.write']): CallerSpec => ({ kind: 'app', name, scopes });

/** A web method's refusal or failure, as page code sees it: the status and Wix's error body. */
export class WebMethodError extends Error {
  constructor(
    readonly status: number,
    readonly body: { message?: string; details?: { applicationError?: { code?: string; description?: string; data?: unknown } } },
    where: string,
  ) {
    super(`${where} answered ${status}: ${body?.message ?? ''}`);
    this.name = 'WebMethodError';
  }
  /** `details.applicationError.code`, e.g. FORBIDDEN or WEB_METHOD_FAILED. */
  get code(): string | undefined {
    return this.body?.details?.applicationError?.code;
  }
}

type WixData = typeof wixData;

/** Everything a test does as one caller. */
export interface ActingAs {
  readonly spec: CallerSpec;
  /** The request headers this caller sends (Authorization, and wix-site-id for an API key); none for nobody. */
  headers(): Promise<Record<string, string>>;
  /**
   * Calls a web method the way page code does (`POST /_webMethods/<module>/<name>`): the permission, the JSON
   * round trip, the time and rate limits apply. Resolves to the result; rejects with a WebMethodError.
   */
  call<T = unknown>(module: string, fn: string, ...args: unknown[]): Promise<T>;
  /**
   * `wix-data` as backend code running for this caller (a visitor, member or owner) uses it: `suppressAuth`,
   * `suppressHooks`, the hooks and the collection permissions as on Wix. For an API key or an app: the `@wix/data`
   * items API with their credentials (what a server or an app's backend sends).
   */
  readonly data: WixData;
  /** Runs `fn` as a backend call of this caller (visitor, member or owner): site code imported directly sees them. */
  run<T>(fn: () => T): T;
  /** A request to the site, e.g. `http('/_functions/items?x=1', { method: 'OPTIONS' })`, with this caller's token. */
  http(path: string, init?: RequestInit): Promise<Response>;
}

export interface SiteKitOptions {
  /** The site's backend folder (web modules, http-functions.js, data.js). */
  backend: string;
  /** A fixture file or folder (see fixtures.ts), or fixtures already loaded. */
  fixtures?: string | Fixtures;
  /** More seeds, after the fixtures. */
  seed?: Seed | readonly Seed[];
  /** How backend modules are imported (the Vitest preset passes Vite's); Node with the Velo names by default. */
  loadModule?: ModuleLoader;
  /** Anything else of the platform's options (quotas, consistency, the Velo limits). */
  platform?: Omit<PlatformOptions, 'seed' | 'db' | 'port' | 'host'>;
  /** Route this process's own fetch() calls to www/edge.wixapis.com to the kit's platform (default true). */
  routeFetch?: boolean;
}

export interface SiteKit {
  /** The platform (in-process, in memory): services, dataQuotas, secrets, advanceClock … */
  readonly platform: Platform;
  readonly fixtures: Fixtures;
  /** Acts as one caller. */
  as(spec: CallerSpec): ActingAs;
  /** A raw request to the platform, answered in-process (no port, no TLS). Relative paths go to www.wixapis.com. */
  fetch(input: string | URL, init?: RequestInit): Promise<Response>;
  /** Empties the fixture collections and puts their fixture items back (call in beforeEach for a clean slate). */
  reset(): void;
  /** Errors the platform kept out of the test output (already redacted). */
  readonly serverErrors: readonly string[];
  stop(): Promise<void>;
}

const WIX_HOST = 'https://www.wixapis.com';

/** 'backend/notes.web.js' | 'notes.web' → 'notes.web' (the runtime's module name). */
function moduleName(module: string): string {
  return module.replace(/^\/?(backend\/)?/, '').replace(/\.(js|ts|jsw)$/, '');
}

/** Builders and results are class instances; items, arrays and dates pass through untouched. */
function isBuilder(value: unknown): value is object {
  if (typeof value !== 'object' || value === null || Array.isArray(value) || value instanceof Date) return false;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto !== Object.prototype && proto !== null;
}

/** Makes every call on `value` (and on the builders and results it returns) run inside `within`. */
function bind<T>(value: T, within: <R>(fn: () => R) => R): T {
  if (value instanceof Promise) return value.then((v: unknown) => bind(v, within)) as T;
  if (typeof value === 'function') return ((...args: unknown[]) => within(() => bind((value as (...a: unknown[]) => unknown)(...args), within))) as T;
  if (!isBuilder(value)) return value;
  return new Proxy(value, {
    get(target, prop) {
      const m = Reflect.get(target, prop, target) as unknown;
      if (typeof m !== 'function' || prop === 'constructor') return m;
      return (...args: unknown[]) => within(() => bind(Reflect.apply(m, target, args) as unknown, within));
    },
  });
}

/**
 * A site under test: the platform in this process (in memory, no port), seeded from fixtures, running the site's
 * backend folder unmodified, with `as(caller)` to act as anyone. The Vitest preset starts one per test file; any
 * other runner can call this directly.
 */
export async function startSiteKit(options: SiteKitOptions): Promise<SiteKit> {
  const backendDir = resolve(options.backend);
  const fixtures =
    typeof options.fixtures === 'string'
      ? loadFixtures(options.fixtures)
      : (options.fixtures ?? { collections: [], members: [], secrets: new Map(), apiKeys: [] });
  const extra = options.seed === undefined ? [] : typeof options.seed === 'function' ? [options.seed] : [...options.seed];
  const serverErrors: string[] = [];
  let platform: Platform | undefined;
  const rolesById = new Map<string, readonly string[]>();
  const p = createPlatform({
    onError: (m) => serverErrors.length < 1_000 && serverErrors.push(m),
    ...options.platform,
    db: ':memory:',
    seed: [fixtureSeed(fixtures), ...extra],
    velo: {
      ...options.platform?.velo,
      backendDir,
      ...(options.loadModule ? { loadModule: options.loadModule } : {}),
      memberRoles: (id) => rolesById.get(id) ?? [],
    },
  });
  platform = p;
  for (const m of fixtures.members) {
    const found = p.services.directory.findMemberByEmail(m.email);
    if (found) rolesById.set(found.id, m.roles);
  }
  const dispatch: WixApiDispatch = inProcessDispatch(p.handle as unknown as PlatformHandle);
  const send = (input: string | URL, init?: RequestInit) => {
    const url = typeof input === 'string' && input.startsWith('/') ? `${WIX_HOST}${input}` : input;
    return dispatch(new Request(url, init));
  };

  // The test process's own calls to wixapis.com (a test that builds its own @wix/sdk client) land here too.
  const original = globalThis.fetch;
  let routed: typeof fetch | undefined;
  if (options.routeFetch !== false) {
    routed = (input, init) => {
      let host: string | undefined;
      try {
        host = new URL(typeof input === 'string' ? input : input instanceof URL ? input.href : input.url).hostname;
      } catch {
        host = undefined;
      }
      return host && (WIX_API_HOSTS as readonly string[]).includes(host) ? dispatch(new Request(input, init)) : original(input, init);
    };
    globalThis.fetch = routed;
  }

  const runtime: VeloRuntimeServices = {
    secrets: p.secrets,
    siteId: p.siteId,
    getMember: (id) => p.services.directory.getMember(id),
    accessToken: async (caller, elevated) => {
      const role = elevated ? 'owner' : caller.kind === 'member' || caller.kind === 'owner' ? caller.kind : 'visitor';
      return (await p.services.tokens.issueAccess(role, caller.id, p.clientId)).token;
    },
    memberRoles: (id) => rolesById.get(id) ?? [],
  };

  const memberByName = (name: string) => {
    const fixture = fixtures.members.find((m) => m.name === name || m.email.toLowerCase() === name.toLowerCase());
    const found = p.services.directory.findMemberByEmail(fixture?.email ?? name);
    if (!found) {
      const known = fixtures.members.map((m) => m.name).join(', ') || 'none';
      throw new Error(`No member named "${name}" in the fixtures (known: ${known}).`);
    }
    return found;
  };

  const as = (spec: CallerSpec): ActingAs => {
    let caller: Caller | undefined;
    let headersPromise: Promise<Record<string, string>> | undefined;
    const siteCaller = (): Caller => {
      if (caller) return caller;
      let made: Caller;
      if (spec.kind === 'visitor') made = { kind: 'visitor', id: spec.id ?? randomUUID() };
      else if (spec.kind === 'member') {
        const m = memberByName(spec.name);
        made = { kind: m.role, id: m.id };
      } else if (spec.kind === 'owner') made = { kind: 'owner', id: p.owner.id };
      else throw new Error(`A backend call is made for a site visitor, member or owner, not for ${spec.kind === 'apiKey' ? 'an API key' : 'an app'}.`);
      return (caller = made);
    };
    const headers = () =>
      (headersPromise ??= (async (): Promise<Record<string, string>> => {
        if (spec.kind === 'apiKey') {
          const key = p.createApiKey({ name: `kit-${randomUUID()}`, permissions: spec.permissions });
          return { authorization: key, 'wix-site-id': p.siteId };
        }
        if (spec.kind === 'app') {
          const registered = p.oauthApps.register({ name: spec.name, redirectUris: ['https://localhost/callback'], scopes: [...spec.scopes] });
          const instanceId = p.services.oauth.apps.installOn(registered.clientId, p.siteId);
          const r = await send('/oauth2/token', {
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify({
              grant_type: 'client_credentials',
              client_id: registered.clientId,
              client_secret: registered.clientSecret,
              instance_id: instanceId,
            }),
          });
          const body = (await r.json()) as { access_token?: string };
          if (!r.ok || !body.access_token) throw new Error(`The app's client-credentials token was refused (${r.status}).`);
          return { authorization: `Bearer ${body.access_token}` };
        }
        const c = siteCaller();
        const role = c.kind === 'member' || c.kind === 'owner' ? c.kind : 'visitor';
        return { authorization: (await p.services.tokens.issueAccess(role, c.id, p.clientId)).token };
      })());
    const within = <R>(fn: () => R): R =>
      runWithinPlatform(dispatch, () => veloCalls.run({ caller: siteCaller(), elevated: false, functionName: 'test', runtime }, fn));
    const isSite = spec.kind === 'visitor' || spec.kind === 'member' || spec.kind === 'owner';
    let data: WixData | undefined;
    return {
      spec,
      headers,
      async call<T>(module: string, fn: string, ...args: unknown[]): Promise<T> {
        const name = moduleName(module);
        const r = await send(`/_webMethods/${encodeURIComponent(name)}/${encodeURIComponent(fn)}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', ...(await headers()) },
          body: JSON.stringify({ args }),
        });
        const text = await r.text();
        let body: unknown;
        try {
          body = JSON.parse(text) as unknown;
        } catch {
          body = { message: text.slice(0, 500) };
        }
        if (r.status !== 200) throw new WebMethodError(r.status, body as WebMethodError['body'], `${name}/${fn}`);
        return (body as { result: T }).result;
      },
      get data(): WixData {
        if (data) return data;
        if (isSite) return (data = Object.fromEntries(Object.entries(wixData).map(([k, f]) => [k, bind(f, within)])) as WixData);
        // The SDK reads `Authorization` as its own strategies write it (ApiKeyStrategy: Authorization + wix-site-id).
        const sdkHeaders = async (): Promise<Record<string, string>> => {
          const h = await headers();
          return { Authorization: h['authorization'] ?? '', ...(h['wix-site-id'] ? { 'wix-site-id': h['wix-site-id'] } : {}) };
        };
        const client = createClient({
          modules: { items },
          auth: { getAuthHeaders: async () => ({ headers: await sdkHeaders() }) },
          fetch: (input, init) => dispatch(new Request(input, init)),
        });
        return (data = client.items as unknown as WixData);
      },
      run: <T>(fn: () => T): T => within(fn),
      async http(path: string, init: RequestInit = {}): Promise<Response> {
        const h = new Headers(init.headers);
        if (spec.kind !== 'visitor' && !h.has('authorization')) for (const [k, value] of Object.entries(await headers())) h.set(k, value);
        return send(path, { ...init, headers: h });
      },
    };
  };

  return {
    platform: p,
    fixtures,
    as,
    fetch: send,
    reset() {
      const admin: Caller = { kind: 'owner', id: p.owner.id };
      for (const c of fixtures.collections) p.services.items.truncate(admin, c.id);
      p.seed((api) => {
        for (const c of fixtures.collections) if (c.items.length) api.insertItems(c.id, c.items);
      });
    },
    serverErrors,
    async stop() {
      if (routed && globalThis.fetch === routed) globalThis.fetch = original;
      platform?.close();
      platform = undefined;
    },
  };
}
