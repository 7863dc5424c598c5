import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { errors, WixApiError } from '../errors.ts';
import { runWithinPlatform, type WixApiDispatch } from '../http/node-routing.ts';
import { redact } from '../http/redact.ts';
import { RawResponse, type RequestContext, type Router } from '../http/router.ts';
import type { Caller } from '../identity/callers.ts';
import type { PlatformServices } from '../services.ts';
import { installAmbientWixContext } from './backend-client.ts';
import { veloCalls, type VeloRuntimeServices } from './context.ts';
import { registerVeloModuleResolution } from './module-resolution.ts';
import { isHttpFunctionResponse, type WixHttpFunctionRequest } from './modules/wix-http-functions.ts';
import type { Permission } from './modules/wix-web-module.ts';
import type { SecretsVault } from './secrets-vault.ts';
import { siteVisibleHeaders } from '../http/site-headers.ts';

export type ModuleLoader = (name: string) => Promise<Record<string, unknown>>;

export interface VeloOptions {
  /** Folder of the backend modules (default `velo-backend`). */
  backendDir?: string;
  /** Loads `<name>.ts` from the backend folder; Vite passes its SSR loader so its aliases apply. */
  loadModule?: ModuleLoader;
  /** Backend requests per minute before 429; Wix's free-site limit by default. */
  rateLimitPerMinute?: number;
  /** Wall time of one backend call before 504; Wix's 14 s by default. */
  timeoutMs?: number;
  /** Wall time of one data hook (data.js) before the operation fails with WDE0078; 5 s by default. */
  hookTimeoutMs?: number;
  /** The custom member roles (names) of a member, for `currentMember.getRoles()`; none by default. */
  memberRoles?: (memberId: string) => readonly string[];
}

const MODULE_NAME = /^[a-z0-9][a-z0-9-]{0,63}(\.web)?$/;
const FUNCTION_NAME = /^[A-Za-z_$][\w$]{0,99}$/;

/**
 * `import()` of the backend module from `backendDir`, which may be anywhere (a Wix site repository's
 * `src/backend`): Node resolution hooks make the Velo module names (`wix-data`, `wix-web-module`,
 * `@wix/essentials` …) and `backend/<path>` resolve there without any tsconfig of the site's (module-resolution.ts).
 */
export function nodeModuleLoader(backendDir: string): ModuleLoader {
  const dir = resolve(backendDir);
  return async (name) => {
    // A Wix site's backend is JavaScript (`.web.js`, `http-functions.js`, `data.js`); this project's is TypeScript.
    const file = [`${name}.ts`, `${name}.js`].map((f) => resolve(dir, f)).find((f) => existsSync(f));
    if (!file) throw errors.notFound(`No backend module named ${name}.`);
    await registerVeloModuleResolution(dir);
    return (await import(pathToFileURL(file).href)) as Record<string, unknown>;
  };
}

function allowed(permission: Permission, caller: Caller): boolean {
  if (caller.kind === 'app' || caller.kind === 'apiKey') return false;
  if (permission === 'Anyone') return true;
  if (permission === 'SiteMember') return caller.kind === 'member' || caller.kind === 'owner';
  return caller.kind === 'owner';
}

/** A fixed one-minute window on the platform clock, as Wix counts backend requests per minute. */
class MinuteLimiter {
  private windowStart = 0;
  private count = 0;
  constructor(
    private readonly limit: number,
    private readonly now: () => number,
  ) {}
  take(): boolean {
    const now = this.now();
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.count = 0;
    }
    return ++this.count <= this.limit;
  }
}

/**
 * The Velo runtime: web methods over a local RPC endpoint (`POST /_webMethods/<module>.web/<name>` with
 * `{ args: [...] }`, answered `{ result }`), and HTTP functions at `/_functions/<name>` and `/_functions-dev/<name>`.
 * The caller's identity comes from its session token; permissions, the 14 s limit and the rate limit apply.
 * With `wixApis`, each call runs inside that platform's routing context: the backend's calls to www/edge.wixapis.com
 * are answered by this platform in-process, however it was started (CLI, startPlatform, createPlatform, Vite).
 */
export function registerVeloRoutes(
  router: Router,
  services: PlatformServices,
  secrets: SecretsVault,
  options: VeloOptions = {},
  wixApis?: WixApiDispatch,
): void {
  const backendDir = resolve(options.backendDir ?? 'velo-backend');
  const load = options.loadModule ?? nodeModuleLoader(backendDir);
  const timeoutMs = options.timeoutMs ?? 14_000;
  const limiter = new MinuteLimiter(options.rateLimitPerMinute ?? 5_000, () => services.clock.now());
  const runtime: VeloRuntimeServices = {
    secrets,
    siteId: services.siteId,
    getMember: (id) => services.directory.getMember(id),
    // Elevated: the site's admin rights with the caller as the subject, so an item inserted under suppressAuth
    // or elevate() is still owned by the caller. Tokens never leave the process.
    accessToken: async (caller, elevated) => {
      const role = elevated ? 'owner' : caller.kind === 'member' || caller.kind === 'owner' ? caller.kind : 'visitor';
      return (await services.tokens.issueAccess(role, caller.id, services.clientId)).token;
    },
    ...(options.memberRoles ? { memberRoles: options.memberRoles } : {}),
  };
  installAmbientWixContext();
  services.data?.attach({
    // A backend without data.js / data.ts has no hooks (whatever the loader: Vite's would throw its own error).
    load: async () => (['data.ts', 'data.js'].some((f) => existsSync(resolve(backendDir, f))) ? load('data') : undefined),
    runtime,
    withinPlatform: (body) => (wixApis ? runWithinPlatform(wixApis, body) : body()),
    timeoutMs: options.hookTimeoutMs ?? 5_000,
  });

  /** Runs one backend call in its context, cut off at the time limit. */
  const run = async <T>(caller: Caller, functionName: string, body: () => Promise<T> | T): Promise<T> => {
    if (!limiter.take()) {
      throw new WixApiError(429, `${functionName} was throttled: more than ${options.rateLimitPerMinute ?? 5_000} backend requests this minute.`, {
        code: 'RESOURCE_EXHAUSTED',
      });
    }
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(
        () => reject(new WixApiError(504, `${functionName} did not finish within ${timeoutMs / 1000} s.`, { code: 'DEADLINE_EXCEEDED' })),
        timeoutMs,
      );
    });
    try {
      const call = () => veloCalls.run({ caller, elevated: false, functionName, runtime }, body);
      return await Promise.race([wixApis ? runWithinPlatform(wixApis, call) : call(), timeout]);
    } finally {
      clearTimeout(timer);
    }
  };

  const loadChecked = async (name: string) => {
    if (!MODULE_NAME.test(name)) throw errors.notFound('No such backend module.');
    return load(name);
  };

  router.add('POST', '/_webMethods/:module/:method', async (ctx) => {
    const moduleName = ctx.params['module']!;
    const methodName = ctx.params['method']!;
    if (!moduleName.endsWith('.web') || !FUNCTION_NAME.test(methodName)) throw errors.notFound('No such web method.');
    const caller = await ctx.caller();
    if (caller.kind === 'apiKey' || caller.kind === 'app') throw errors.forbidden('Web methods are called from page code with a site session.');
    const mod = await loadChecked(moduleName);
    // safe-lookup: mod is an ES module namespace (null prototype); methodName passed FUNCTION_NAME and must be an exported web method
    const fn = mod[methodName] as (((...args: unknown[]) => unknown) & { permission?: Permission }) | undefined;
    if (typeof fn !== 'function' || !fn.permission) throw errors.notFound(`${moduleName}/${methodName} is not a web method.`);
    if (!allowed(fn.permission, caller)) {
      throw errors.forbidden(`${moduleName}/${methodName} requires the ${fn.permission} permission.`);
    }
    const body = ctx.body as { args?: unknown } | undefined;
    const args = body?.args ?? [];
    if (!Array.isArray(args)) throw errors.badRequest('args must be an array.', 'INVALID_ARGUMENT');
    try {
      const result = await run(caller, `/backend/${moduleName}.js/${methodName}`, () => fn(...args));
      // Arguments and results travel as JSON: a Date arrives as an ISO string and is not revived.
      return { result: result === undefined ? null : (JSON.parse(JSON.stringify(result)) as unknown) };
    } catch (error) {
      if (error instanceof WixApiError) throw error;
      throw new WixApiError(500, 'The web method failed.', {
        code: 'WEB_METHOD_FAILED',
        data: { reason: redact(String((error as Error).message ?? error)).slice(0, 500) },
      });
    }
  });

  const httpFunction = async (ctx: RequestContext) => {
    const [name = '', ...path] = (ctx.params['rest'] ?? '').split('/');
    if (!FUNCTION_NAME.test(name)) throw errors.notFound('No such HTTP function.');
    const mod = await loadChecked('http-functions');
    // An OPTIONS request (a CORS preflight) goes to the site's own options_<name>, as on Wix; `use_` answers the others.
    // safe-lookup: mod is an ES module namespace (null prototype); name passed FUNCTION_NAME
    const exact = mod[`${ctx.method.toLowerCase()}_${name}`];
    // safe-lookup: as above
    const handler = (exact ?? (ctx.method === 'OPTIONS' ? undefined : mod[`use_${name}`])) as ((req: WixHttpFunctionRequest) => unknown) | undefined;
    if (typeof handler !== 'function') throw errors.notFound(`No HTTP function ${ctx.method} ${name}.`);
    // A direct call is an anonymous visitor unless it carries a session token (reference §4.3).
    const caller: Caller = ctx.headers['authorization'] ? await ctx.caller() : { kind: 'visitor', id: randomUUID() };
    // HTTP functions get the raw body text (the host does not parse it for /_functions paths).
    const text = typeof ctx.body === 'string' ? ctx.body : '';
    const request: WixHttpFunctionRequest = {
      baseUrl: `${ctx.origin}/_functions`,
      body: { json: async () => JSON.parse(text || 'null') as unknown, text: async () => text, buffer: async () => Buffer.from(text) },
      functionName: name,
      headers: siteVisibleHeaders(ctx.headers),
      ip: '127.0.0.1',
      method: ctx.method,
      path,
      query: Object.fromEntries(ctx.query),
      url: `${ctx.origin}${ctx.path}${ctx.query.size ? `?${ctx.query}` : ''}`,
    };
    const result = await run(caller, `/backend/http-functions.js/${name}`, () => handler(request));
    if (!isHttpFunctionResponse(result))
      throw new WixApiError(500, 'An HTTP function must return ok(), response() or another wix-http-functions response.', { code: 'WEB_METHOD_FAILED' });
    const isText = typeof result.body === 'string';
    const bodyText = result.body === undefined ? '' : isText ? (result.body as string) : JSON.stringify(result.body);
    // Header names are case-insensitive: the function's own (any case) replace the host's defaults, never doubling them.
    const own: Record<string, string> = {};
    for (const [key, value] of Object.entries(result.headers ?? {}).slice(0, 100)) {
      // safe-lookup: the site's own header names, lowercased into a fresh object and written with defineProperty
      if (typeof value === 'string' || typeof value === 'number') Object.defineProperty(own, key.toLowerCase(), { value: String(value), enumerable: true });
    }
    const status = Number.isInteger(result.status) && result.status >= 200 && result.status <= 599 ? result.status : 500;
    const bodyOut = status === 204 || status === 304 ? '' : bodyText;
    return new RawResponse(status, bodyOut, { 'content-type': isText ? 'text/plain; charset=utf-8' : 'application/json', ...own });
  };
  for (const prefix of ['/_functions', '/_functions-dev']) {
    for (const method of ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS']) router.add(method, `${prefix}/*rest`, httpFunction);
  }
}
