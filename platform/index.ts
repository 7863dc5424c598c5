import { randomBytes, randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import type { AddressInfo } from 'node:net';
import { join, resolve } from 'node:path';
import { PlatformClock } from './clock.ts';
import { createControlRouter } from './control.ts';
import { CollectionStore } from './data/collections.ts';
import { registerFilterFunctions } from './data/filter.ts';
import { ItemsService } from './data/items.ts';
import { DataQuotas, type DataQuotaOptions } from './data/quotas.ts';
import { ReadReplica, type ConsistencyOptions } from './data/read-replica.ts';
import { registerQueryFunctions } from './data/query-sql.ts';
import { registerDataRoutes } from './data/routes.ts';
import { registerQueryRoutes } from './data/query-routes.ts';
import { registerIndexRoutes } from './data/indexes.ts';
import { registerMembersRoutes } from './members/routes.ts';
import { FaultInjector } from './faults/faults.ts';
import { createHandler, DEFAULT_MAX_BODY_BYTES, type PlatformHandle } from './http/handler.ts';
import { HOST_LIMITS, type HostLimits } from './http/limits.ts';
import { inProcessDispatch } from './http/node-routing.ts';
import { redact } from './http/redact.ts';
import { RequestLog } from './http/request-log.ts';
import { Router } from './http/router.ts';
import { ensureTls } from './http/tls.ts';
import { ClientRegistry } from './identity/clients.ts';
import { API_KEY_PERMISSIONS, Directory, type ApiKeyPermission, type Member } from './identity/directory.ts';
import { registerIdentityRoutes } from './identity/routes.ts';
import { DEFAULT_ACCESS_TTL_SECONDS, TokenService } from './identity/tokens.ts';
import { withDataHooks, type PlatformServices } from './services.ts';
import { getMeta, openDatabase, setMeta, StatementCache } from './storage/database.ts';
import { registerVeloRoutes, type VeloOptions } from './velo/runtime.ts';
import { AppRegistry, type Scope } from './oauth/apps.ts';
import { registerOAuthRoutes } from './oauth/routes.ts';
import { AppAuthorizationServer, type OAuthAuditEntry } from './oauth/server.ts';
import { SecretsVault } from './velo/secrets-vault.ts';
import { createSeedApi, type Seed, type SeedApi } from './seeding.ts';
import { createDashboard, DASHBOARD_HOST } from './dashboard/server.ts';

export type { FaultRule } from './faults/faults.ts';
export type { RequestLogEntry } from './http/request-log.ts';
export type { VeloOptions } from './velo/runtime.ts';
export type { Seed, SeedApi, SeedCollection } from './seeding.ts';
export type { CollectionField, CollectionPermissions, FieldType, Role } from './data/collections.ts';
export type { ApiKeyPermission, Member } from './identity/directory.ts';
export type { Scope } from './oauth/apps.ts';
export type { Caller } from './identity/callers.ts';
export type { HostLimits } from './http/limits.ts';
export { API_KEY_PERMISSIONS } from './identity/directory.ts';
/** The local Secrets Manager (`platform.secrets`): env `WIX_SECRET_<NAME>` values win over the file's. */
export { SecretsVault } from './velo/secrets-vault.ts';
export { CONTROL_SECRET_HEADER, PLATFORM_PATH_PREFIXES } from './http/handler.ts';
export { HOST_LIMITS } from './http/limits.ts';
export { AUTH_LIMITS } from './identity/limits.ts';
export * as DATA_LIMITS from './data/limits.ts';
export { ensureTls } from './http/tls.ts';
export { routeOwnOrigin, routeWixApisTo } from './http/node-routing.ts';
export { redact } from './http/redact.ts';
export { wixLocalPlatform, type WixLocalPlatformOptions } from './vite.ts';
export { startTestPlatform, type TestPlatform } from './testing.ts';
/** The local dashboard (on its own origin, https://dashboard.localhost:<port>): its host, API header and session cookie, and its usage monitor. */
export { DASHBOARD_HEADER, DASHBOARD_HOST, hostProblem, isDashboardHost, SESSION_COOKIE } from './dashboard/server.ts';
export { UsageMonitor, routeOf, type MonitorSettings } from './dashboard/monitor.ts';
/**
 * The layers below the HTTP surface, for benchmarks and tools that time them in-process (`platform.services`
 * holds the running instances). Not a stable API: they follow the platform's inside.
 */
export { ItemsService, type QueryInput } from './data/items.ts';
export { ReferenceService } from './data/references.ts';
export { inProcessSend } from './http/node-routing.ts';
export { StatementCache, type Db } from './storage/database.ts';
export { veloCalls } from './velo/context.ts';
export type { PlatformServices } from './services.ts';

/**
 * The site owner every platform has (the seed may add members, never another owner). Log in with these on the
 * consent and login pages; change them with the `owner` option.
 */
export const DEFAULT_OWNER = { email: 'owner@example.com', password: 'demo-owner-pass', nickname: 'Site Owner' } as const;

/** The environment variable that fixes the control secret (otherwise a random one per start). */
export const CONTROL_SECRET_ENV = 'WIX_LOCAL_CONTROL_SECRET';

export interface PlatformOptions {
  /** Port to listen on; 0 (the default) picks a free one. */
  port?: number;
  /** Interface to bind; loopback by default. */
  host?: string;
  /** SQLite file, or ':memory:'. Default: `<dataDir>/platform.db`, so data survives a restart. */
  db?: string;
  /**
   * What to put in the database after the platform's defaults (the site, its owner and the admin key): a seed
   * function (see SeedApi), several in order, or 'none' (the default). Seeds run at every start and are idempotent.
   */
  seed?: Seed | readonly Seed[] | 'none';
  /** The site's display name (shown on the consent page). Default "Local site". */
  siteName?: string;
  /** The site owner's account. Default DEFAULT_OWNER. */
  owner?: { email: string; password: string; nickname?: string };
  /** Where the certificate and the default database live. Default `.wix-local` in the working directory. */
  dataDir?: string;
  /** Access-token lifetime; Wix's is 14400 s. */
  accessTokenTtlSeconds?: number;
  /** Largest accepted request body. */
  maxBodyBytes?: number;
  /** Serve `/_platform/*` (faults, clock, request log). Default true. */
  controlRoutes?: boolean;
  /**
   * The secret every `/_platform/*` request must carry in the `x-wix-local-control-secret` header. Default: the
   * WIX_LOCAL_CONTROL_SECRET environment variable, else a random one for each start. At least 16 characters.
   */
  controlSecret?: string;
  /** Overrides of the host's limits (URL, headers, timeouts); HOST_LIMITS has the defaults. */
  limits?: Partial<HostLimits>;
  /** Where unexpected server errors go (already redacted). Default: console.error. */
  onError?: (message: string) => void;
  /** The Velo runtime: backend folder, module loader, rate limit, time limit. */
  velo?: VeloOptions;
  /** The local Secrets Manager file. Default `<dataDir>/secrets.json`; none (memory only) with an in-memory db. */
  secretsFile?: string;
  /**
   * Wix Data's quotas (reads and writes per site per minute → WDE0014) and its operation time limit (→ WDE0028).
   * Off by default; `/_platform/data-quotas` switches them at run time.
   */
  dataQuotas?: DataQuotaOptions;
  /**
   * Wix Data's eventual consistency: with `replicaLagMs`, a read without `consistentRead` may miss a write made up to
   * that long before it. Off by default; `/_platform/consistency` switches it at run time.
   */
  consistency?: ConsistencyOptions;
}

/** A platform without its own listener: what Vite mounts as middleware. */
export interface Platform {
  siteId: string;
  accountId: string;
  /** The site's OAuth client id, for `OAuthStrategy` / `SiteSessionAuth` visitor sessions. */
  clientId: string;
  /** An API key with every data permission on `siteId`, for server-to-server calls. */
  apiKey: string;
  owner: Member;
  services: PlatformServices;
  log: RequestLog;
  /** This run's control secret: send it as `x-wix-local-control-secret` to `/_platform/*`. */
  controlSecret: string;
  /** Node middleware: platform paths are answered, anything else goes to `next`. Never rejects. */
  handle(req: IncomingMessage, res: ServerResponse, next?: () => void): Promise<void>;
  createMember(input: { email: string; password: string; nickname?: string; role?: 'member' | 'owner' }): Member;
  createApiKey(input: { name: string; permissions: readonly ApiKeyPermission[]; accountId?: string }): string;
  /** Revokes an API key at once. */
  revokeApiKey(key: string): boolean;
  /** The local Secrets Manager behind wix-secrets-backend and @wix/secrets. */
  secrets: SecretsVault;
  /** The sites seeds added with `addSite`, by key (the platform's own site is `siteId`). */
  readonly sites: ReadonlyMap<string, { id: string; name: string }>;
  /** Runs one more seed now (the same API the `seed` option's seeds get) and returns what it returns. */
  seed<T>(seed: (api: SeedApi) => T): T;
  /** Third-party OAuth apps: `register({ name, redirectUris, scopes })` → `{ clientId, clientSecret }`. */
  oauthApps: { register(input: { name: string; redirectUris: string[]; scopes: Scope[] }): { clientId: string; clientSecret: string } };
  /** The authorization server's audit trail (refusals, refreshes, revocations); no token or secret in it. */
  oauthAudit: readonly OAuthAuditEntry[];
  /** Wix Data's quotas and time limit for this platform: `dataQuotas.configure({ readsPerMinute: 100 })`, `{}` for off. */
  dataQuotas: DataQuotas;
  /** Moves the platform clock forward (tokens expire without waiting). */
  advanceClock(ms: number): void;
  /** Makes every access token issued so far count as expired (refresh tokens still renew). */
  expireTokens(): void;
  close(): void;
}

export interface RunningPlatform extends Platform {
  /** e.g. https://localhost:43123 */
  url: string;
  /** The dashboard's own origin on the same port, e.g. https://dashboard.localhost:43123 (`DASHBOARD_HOST`). */
  dashboardUrl: string;
  port: number;
  /** PEM of the self-signed certificate, for clients that should trust it. */
  ca: string;
  server: Server;
  close(): Promise<void>;
}

function metaOrCreate(db: ReturnType<typeof openDatabase>, key: string, make: () => string): string {
  const existing = getMeta(db, key);
  if (existing) return existing;
  const value = make();
  setMeta(db, key, value);
  return value;
}

function chooseControlSecret(given: string | undefined): string {
  const secret = given ?? process.env[CONTROL_SECRET_ENV] ?? randomBytes(24).toString('base64url');
  if (secret.length < 16 || !/^[\x21-\x7e]+$/.test(secret))
    throw new RangeError('The control secret must be at least 16 printable ASCII characters without spaces.');
  return secret;
}

/** Builds the platform on a database: identity, data, faults, routes. Does not listen. */
export function createPlatform(options: PlatformOptions = {}): Platform {
  const controlSecret = chooseControlSecret(options.controlSecret);
  const dataDir = resolve(options.dataDir ?? '.wix-local');
  const db = openDatabase(options.db ?? join(dataDir, 'platform.db'));
  registerFilterFunctions(db);
  const clock = new PlatformClock();
  const siteId = metaOrCreate(db, 'site.id', randomUUID);
  const accountId = metaOrCreate(db, 'account.id', randomUUID);
  const clientId = metaOrCreate(db, 'site.clientId', randomUUID);
  const secret = Buffer.from(
    metaOrCreate(db, 'tokens.secret', () => randomBytes(32).toString('base64url')),
    'base64url',
  );

  const directory = new Directory(db, () => clock.now());
  directory.ensureSite({ id: siteId, accountId, name: options.siteName ?? 'Local site' });
  const clients = new ClientRegistry(db);
  clients.ensure({
    clientId,
    name: 'Site visitors and members',
    kind: 'site',
    redirectUris: ['https://localhost/callback', 'https://127.0.0.1/callback', 'https://localhost/', 'https://localhost/demo/login-callback.html'],
  });
  const ownerAccount = { nickname: 'Site Owner', ...(options.owner ?? DEFAULT_OWNER) };
  const owner = directory.findMemberByEmail(ownerAccount.email) ?? directory.createMember({ ...ownerAccount, role: 'owner' });
  const { passwordHash: _hidden, ...ownerMember } = owner as Member & { passwordHash?: string };
  const apiKey = directory.createApiKey({ name: 'Local admin key', accountId, permissions: API_KEY_PERMISSIONS, derivedFrom: secret }).key;

  const tokens = new TokenService(
    secret,
    clock,
    siteId,
    options.accessTokenTtlSeconds ?? DEFAULT_ACCESS_TTL_SECONDS,
    (id) => directory.getSite(id) !== undefined,
  );
  const collections = new CollectionStore(db, () => clock.now(), siteId);
  const statements = new StatementCache(db);
  const items = new ItemsService(db, collections, statements, () => clock.now());
  const faults = new FaultInjector();
  const appRegistry = new AppRegistry(db, () => clock.now());
  const oauth = new AppAuthorizationServer(appRegistry, tokens, directory, clock, siteId);
  const services: PlatformServices = {
    db,
    clock,
    tokens,
    directory,
    clients,
    collections,
    items,
    data: withDataHooks(items),
    faults,
    siteId,
    accountId,
    clientId,
    oauth,
    activeGrant: (grantId) => appRegistry.activeGrant(grantId),
  };
  // Eventual consistency (off unless configured): reads without consistentRead may run on a lagging snapshot, with
  // the same SQL functions and the same data hooks as the primary.
  const hooked = services.data!;
  services.reads = new ReadReplica(
    db,
    hooked,
    (snapshot) => {
      registerFilterFunctions(snapshot);
      registerQueryFunctions(snapshot);
      return hooked.over(new ItemsService(snapshot, collections, new StatementCache(snapshot), () => clock.now()));
    },
    () => clock.now(),
    options.consistency,
  );

  const dbPath = options.db ?? join(dataDir, 'platform.db');
  const secrets = new SecretsVault(options.secretsFile ?? (dbPath === ':memory:' ? undefined : join(dataDir, 'secrets.json')));
  const sites = new Map<string, { id: string; name: string }>();
  const seedApi = createSeedApi({
    services,
    directory,
    apps: appRegistry,
    secrets,
    signingSecret: secret,
    owner: ownerMember,
    onSite: (key, id, name) => sites.set(key, { id, name }),
  });
  const runSeed = <T>(seed: (api: typeof seedApi) => T): T => {
    const result = seed(seedApi);
    // The read counter is for what the running backend reads, not for what a seed checked.
    secrets.reads = 0;
    return result;
  };
  const seeds = options.seed === undefined || options.seed === 'none' ? [] : typeof options.seed === 'function' ? [options.seed] : options.seed;
  try {
    for (const seed of seeds) {
      if (typeof seed !== 'function') throw new TypeError('The seed option is a function (see SeedApi), an array of them, or "none".');
      runSeed(seed);
    }
  } catch (error) {
    // A failed seed fails the start; the database is not left open behind it.
    statements.clear();
    db.close();
    throw error;
  }

  const router = new Router();
  registerIdentityRoutes(router, services);
  registerOAuthRoutes(router, services);
  registerDataRoutes(router, services);
  registerMembersRoutes(router, services);
  registerQueryRoutes(router, services);
  registerIndexRoutes(router, services);
  // The backend's Wix API calls are answered by this platform's own handler, in-process (http/node-routing.ts).
  let handle: PlatformHandle | undefined;
  const wixApis = inProcessDispatch((req, res, next) => handle!(req, res, next));
  registerVeloRoutes(router, services, secrets, options.velo, wixApis);
  const log = new RequestLog();
  const dataQuotas = new DataQuotas(() => clock.now(), options.dataQuotas);
  const controlRouter = createControlRouter(services, log, dataQuotas, () => ({
    siteId,
    accountId,
    clientId,
    collections: collections.list().map((c) => ({ id: c.id, displayName: c.displayName, permissions: c.permissions })),
  }));
  const limits = { ...HOST_LIMITS, ...options.limits };
  // The local dashboard (platform/dashboard): everything on its own host, dashboard.localhost; redirects from `/_dashboard/*` (and `/` on the standalone platform) elsewhere.
  const dashboard = createDashboard({ services, log, secrets, owner: ownerMember, sites, siteName: options.siteName ?? 'Local site', controlSecret });
  handle = createHandler(services, router, {
    maxBodyBytes: options.maxBodyBytes ?? DEFAULT_MAX_BODY_BYTES,
    maxUrlBytes: limits.maxUrlBytes,
    maxHeaderCount: limits.maxHeaderCount,
    controlRoutes: options.controlRoutes ?? true,
    controlSecret,
    controlRouter,
    log,
    dataQuotas,
    onError: options.onError ?? ((m) => console.error(m)),
  });
  handle = dashboard.wrap(handle, options.onError ?? ((m) => console.error(m)));

  return {
    siteId,
    accountId,
    clientId,
    apiKey,
    owner: ownerMember,
    services,
    log,
    controlSecret,
    handle: handle as Platform['handle'],
    createMember: (input) => directory.createMember({ nickname: input.email.split('@')[0]!, ...input }),
    createApiKey: (input) => directory.createApiKey({ name: input.name, accountId: input.accountId ?? accountId, permissions: input.permissions }).key,
    revokeApiKey: (key) => directory.revokeApiKey(key),
    oauthApps: { register: (input) => appRegistry.register(input) },
    sites,
    seed: runSeed,
    oauthAudit: oauth.audit,
    secrets,
    dataQuotas,
    advanceClock: (ms) => clock.advance(ms),
    expireTokens: () => tokens.expireAllIssued(),
    close: () => {
      statements.clear();
      db.close();
    },
  };
}

const CLIENT_ERROR_STATUS = new Map<string, [number, string]>([
  ['HPE_HEADER_OVERFLOW', [431, 'Request Header Fields Too Large']],
  ['ERR_HTTP_REQUEST_TIMEOUT', [408, 'Request Timeout']],
  ['HPE_HEADERS_TIMEOUT', [408, 'Request Timeout']],
]);

/**
 * Malformed HTTP never reaches the handler: Node reports it as 'clientError'. The client gets a 400 (431 for
 * oversized headers, 408 for a slow client) in Wix's error shape, and the socket is closed.
 */
function answerClientError(error: NodeJS.ErrnoException, socket: Duplex): void {
  if (error.code === 'ECONNRESET' || !socket.writable) {
    socket.destroy();
    return;
  }
  const [status, reason] = CLIENT_ERROR_STATUS.get(error.code ?? '') ?? [400, 'Bad Request'];
  const description =
    status === 400 ? 'The request is not valid HTTP.' : status === 431 ? 'The request headers are too large.' : 'The request was not received in time.';
  const code = status === 400 ? 'INVALID_ARGUMENT' : status === 431 ? 'REQUEST_HEADER_FIELDS_TOO_LARGE' : 'DEADLINE_EXCEEDED';
  answerRaw(socket, status, reason, code, description);
}

/** Writes one Wix-shaped JSON error straight to a socket and closes it (for requests that never reach the handler). */
function answerRaw(socket: Duplex, status: number, reason: string, code: string, description: string, extra = ''): void {
  const body = JSON.stringify({ message: description, details: { applicationError: { code, description, data: {} } } });
  socket.end(
    `HTTP/1.1 ${status} ${reason}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\n${extra}connection: close\r\n\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), 1_000).unref();
}

/** Starts the platform on HTTPS with its self-signed certificate. */
export async function startPlatform(options: PlatformOptions = {}): Promise<RunningPlatform> {
  const dataDir = resolve(options.dataDir ?? '.wix-local');
  const tls = await ensureTls(dataDir);
  const platform = createPlatform({ ...options, dataDir });
  const limits = { ...HOST_LIMITS, ...options.limits };
  const server = createServer(
    {
      cert: tls.cert,
      key: tls.key,
      // Slow or oversized clients are cut off by Node itself (408 / 431 through 'clientError' below).
      maxHeaderSize: limits.maxHeaderBytes,
      headersTimeout: limits.headersTimeoutMs,
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
      // Longer than Node clients' 5 s idle timeout, so the client closes idle sockets first and never writes to a dead one.
      keepAliveTimeout: limits.keepAliveTimeoutMs,
    },
    (req, res) => {
      // handle() never rejects (one error boundary inside); the catch is for the impossible case all the same.
      platform
        .handle(req, res)
        .catch((error: unknown) => (options.onError ?? console.error)(redact(`[wix-local] ${String((error as Error)?.stack ?? error)}`)));
    },
  );
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => answerClientError(error, socket));
  // CONNECT (a proxy tunnel) is not something the platform does: 405 instead of Node's silent close.
  server.on('connect', (_req: IncomingMessage, socket: Duplex) => {
    socket.on('error', () => socket.destroy());
    answerRaw(
      socket,
      405,
      'Method Not Allowed',
      'METHOD_NOT_ALLOWED',
      'CONNECT is not allowed: the platform is not a proxy.',
      'allow: GET, POST, PUT, PATCH, DELETE, OPTIONS\r\n',
    );
  });
  // An Expect header other than 100-continue: 417 in Wix's shape instead of Node's bare one.
  server.on('checkExpectation', (_req: IncomingMessage, res: ServerResponse) => {
    const description = 'Only "Expect: 100-continue" is supported.';
    const body = JSON.stringify({ message: description, details: { applicationError: { code: 'EXPECTATION_FAILED', description, data: {} } } });
    res.writeHead(417, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), connection: 'close' });
    res.end(body);
  });
  await new Promise<void>((resolveListen, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => resolveListen());
  });
  const port = (server.address() as AddressInfo).port;
  return {
    ...platform,
    url: `https://localhost:${port}`,
    dashboardUrl: `https://${DASHBOARD_HOST}:${port}`,
    port,
    ca: tls.cert,
    server,
    close: async () => {
      await new Promise<void>((r) => {
        server.close(() => r());
        server.closeAllConnections();
      });
      platform.close();
    },
  };
}
