import { randomUUID } from 'node:crypto';
import * as v from 'valibot';
import { ROLES } from '../data/collections.ts';
import { errors, WixApiError } from '../errors.ts';
import type { RequestLog, RequestLogEntry } from '../http/request-log.ts';
import { Router } from '../http/router.ts';
import { API_KEY_PERMISSIONS, MAX_API_KEY_NAME, MAX_API_KEYS, MAX_ROTATION_GRACE_MS, type Member } from '../identity/directory.ts';
import { HashPoolBusy, hashPassword } from '../identity/passwords.ts';
import type { PlatformServices } from '../services.ts';
import { parseBody, strictPlainObject } from '../validation.ts';
import type { SecretsVault } from '../velo/secrets-vault.ts';
import { validSecretName } from '../velo/secrets-vault.ts';
import { DIMENSIONS, type Dimension, type UsageMonitor } from './monitor.ts';

/** What the dashboard's JSON API works on: the running platform's parts (platform/index.ts hands them over). */
export interface DashboardDeps {
  services: PlatformServices;
  log: RequestLog;
  secrets: SecretsVault;
  monitor: UsageMonitor;
  owner: Member;
  /** The sites seeds added (by key), besides the platform's own. */
  sites: ReadonlyMap<string, { id: string; name: string }>;
  siteName: string;
}

/** Bounds of the dashboard's lists and inputs. */
export const DASHBOARD_LIMITS = {
  members: 1_000,
  apps: 200,
  grants: 1_000,
  requests: 500,
  collectionsPerSite: 200,
  sites: 50,
} as const;

const Email = v.pipe(v.string(), v.trim(), v.minLength(3), v.maxLength(320), v.email());
const CreateMember = strictPlainObject({
  email: Email,
  password: v.pipe(v.string(), v.minLength(8), v.maxLength(1000)),
  nickname: v.optional(v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(100))),
});
const CreateKey = strictPlainObject({
  name: v.pipe(v.string(), v.trim(), v.minLength(1), v.maxLength(MAX_API_KEY_NAME)),
  permissions: v.pipe(v.array(v.picklist(API_KEY_PERMISSIONS)), v.minLength(1), v.maxLength(API_KEY_PERMISSIONS.length)),
});
const RotateKey = strictPlainObject({
  graceSeconds: v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(MAX_ROTATION_GRACE_MS / 1000)),
});
const ActAs = strictPlainObject({
  as: v.picklist(['owner', 'member', 'visitor']),
  memberId: v.optional(v.pipe(v.string(), v.maxLength(100))),
  siteId: v.optional(v.pipe(v.string(), v.maxLength(100))),
});
const SetSecret = strictPlainObject({ value: v.pipe(v.string(), v.minLength(1), v.maxLength(3500)) });
const MonitorSettingsBody = strictPlainObject({
  spikeMultiple: v.optional(v.pipe(v.number(), v.minValue(1.5), v.maxValue(1000))),
  spikeMinRequests: v.optional(v.pipe(v.number(), v.integer(), v.minValue(2), v.maxValue(100_000))),
  baselineMinutes: v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(30))),
});

const iso = (ms: number | undefined) => (ms === undefined ? undefined : new Date(ms).toISOString());

/** The sign-in status the dashboard shows: a password sign-in or a call within this window counts as signed in. */
export const SIGNED_IN_WINDOW_MS = 30 * 60_000;

/** The JSON API under /_dashboard/api/: owner-only (server.ts checks that before any of these run). */
export function createDashboardApi(deps: DashboardDeps): Router {
  const { services, log, secrets, monitor } = deps;
  const { directory, collections } = services;
  const apps = services.oauth.apps;
  const router = new Router();
  const P = '/_dashboard/api';

  const allSites = () => {
    const list = [{ id: services.siteId, name: deps.siteName, primary: true }];
    for (const site of deps.sites.values()) if (site.id !== services.siteId) list.push({ id: site.id, name: site.name, primary: false });
    return list.slice(0, DASHBOARD_LIMITS.sites);
  };
  const knownSite = (siteId: string | undefined) => {
    if (siteId === undefined || siteId === services.siteId) return services.siteId;
    if (!allSites().some((s) => s.id === siteId)) throw errors.notFound(`No site ${siteId.slice(0, 100)} on this platform.`);
    return siteId;
  };

  router.add('GET', `${P}/overview`, () => ({
    siteName: deps.siteName,
    owner: { id: deps.owner.id, email: deps.owner.email },
    roles: ROLES,
    sites: allSites().map((site) => ({
      ...site,
      collections: collections
        .list(site.primary ? undefined : site.id)
        .slice(0, DASHBOARD_LIMITS.collectionsPerSite)
        .map((c) => {
          let count: number | undefined;
          try {
            count = services.items.count({ kind: 'owner', id: deps.owner.id, siteId: site.id }, c.id, undefined);
          } catch {
            count = undefined;
          }
          return {
            id: c.id,
            displayName: c.displayName,
            count,
            permissions: c.permissions,
            fields: c.fields.map((f) => ({ key: f.key, displayName: f.displayName, type: f.type })),
          };
        }),
    })),
    counts: { members: directory.countMembers(), apiKeys: directory.listApiKeys().length, faults: services.faults.list().length },
  }));

  // An access token for the item browser: the browser calls the real Data API with it, so every read and write
  // meets the collection's permissions, the site's hooks and validation as that caller.
  router.add('POST', `${P}/act-as`, async (ctx) => {
    const body = parseBody(ActAs, ctx.body);
    const siteId = knownSite(body.siteId);
    let role: 'owner' | 'member' | 'visitor' = body.as;
    let subject = deps.owner.id;
    if (body.as === 'member') {
      const member = body.memberId ? directory.getMember(body.memberId) : undefined;
      if (!member) throw errors.notFound('No such member.');
      subject = member.id;
      role = member.role;
    } else if (body.as === 'visitor') {
      subject = randomUUID();
    }
    const { token, expiresIn } = await services.tokens.issueAccess(role, subject, services.clientId, siteId);
    return { accessToken: token, expiresIn, siteId, role, subjectId: subject };
  });

  router.add('GET', `${P}/members`, () => {
    const now = services.clock.now();
    return {
      members: directory.listMemberRecords(DASHBOARD_LIMITS.members).map((m) => {
        const signIn = directory.lastSignIn(m.id);
        const active = monitor.lastActive(m.id);
        const recent = Math.max(signIn ?? 0, active ?? 0);
        return {
          id: m.id,
          email: m.email,
          nickname: m.nickname,
          role: m.role,
          createdAt: m.createdAt,
          lastSignIn: iso(signIn),
          lastActive: iso(active),
          status: recent > 0 && now - recent < SIGNED_IN_WINDOW_MS ? 'signed-in' : 'signed-out',
        };
      }),
    };
  });
  router.add('POST', `${P}/members`, async (ctx) => {
    const body = parseBody(CreateMember, ctx.body);
    if (directory.findMemberByEmail(body.email)) throw new WixApiError(409, 'A member with this email already exists.', { code: 'ALREADY_EXISTS' });
    if (directory.countMembers() >= DASHBOARD_LIMITS.members) throw errors.badRequest(`A local site has at most ${DASHBOARD_LIMITS.members} members.`, 'LIMIT');
    // Hashed off the event loop (the bounded pool), then stored.
    const passwordHash = await hashPassword(body.password).catch((error: unknown) => {
      if (error instanceof HashPoolBusy)
        throw new WixApiError(429, 'Too many password hashes are in progress; try again in a moment.', { code: 'TOO_MANY_REQUESTS' });
      throw error;
    });
    // Checked again after the hash: two requests for one email in parallel both passed the check above (a 500 from
    // the store's unique index for the second).
    if (directory.findMemberByEmail(body.email)) throw new WixApiError(409, 'A member with this email already exists.', { code: 'ALREADY_EXISTS' });
    const member = directory.createMember({
      email: body.email,
      password: '',
      passwordHash,
      nickname: body.nickname ?? body.email.split('@')[0]!,
      role: 'member',
    });
    return { member };
  });

  router.add('GET', `${P}/keys`, () => ({
    permissions: API_KEY_PERMISSIONS,
    keys: directory.listApiKeys().map((k) => ({ ...k, usage: monitor.keyUsage(k.id) })),
  }));
  router.add('POST', `${P}/keys`, (ctx) => {
    const body = parseBody(CreateKey, ctx.body);
    if (directory.countApiKeys() >= MAX_API_KEYS) throw errors.badRequest(`A platform keeps at most ${MAX_API_KEYS} API keys: revoke some first.`, 'LIMIT');
    const { key, record } = directory.createApiKey({ name: body.name, accountId: services.accountId, permissions: [...new Set(body.permissions)] });
    return { key, id: record.id, name: record.name, permissions: [...record.permissions] };
  });
  router.add('POST', `${P}/keys/:id/rotate`, (ctx) => {
    const body = parseBody(RotateKey, ctx.body);
    const rotated = directory.rotateApiKey(ctx.params['id']!, body.graceSeconds * 1000);
    if (!rotated) throw errors.notFound('No such API key (or it has already been retired).');
    const old = directory.listApiKeys().find((k) => k.id === ctx.params['id']);
    return {
      key: rotated.key,
      id: rotated.record.id,
      name: rotated.record.name,
      oldKeyExpiresAt: old?.expiresAt ?? new Date(services.clock.now()).toISOString(),
    };
  });
  router.add('DELETE', `${P}/keys/:id`, (ctx) => {
    if (!directory.revokeApiKeyById(ctx.params['id']!)) throw errors.notFound('No such API key.');
    return {};
  });

  router.add('GET', `${P}/apps`, () => {
    const grants = apps.activeGrants(DASHBOARD_LIMITS.grants);
    const emails = new Map<string, string>();
    const email = (id: string | undefined) => {
      if (!id) return undefined;
      if (!emails.has(id)) emails.set(id, directory.getMember(id)?.email ?? '');
      return emails.get(id) || undefined;
    };
    return {
      apps: apps.listApps(DASHBOARD_LIMITS.apps).map((app) => ({
        ...app,
        grants: grants
          .filter((g) => g.clientId === app.clientId)
          .map((g) => ({
            id: g.id,
            subjectId: g.subjectId,
            memberEmail: email(g.subjectId),
            siteId: g.siteId ?? services.siteId,
            scopes: g.scopes,
            createdAt: g.createdAt,
          })),
      })),
    };
  });
  router.add('DELETE', `${P}/grants/:id`, (ctx) => {
    if (!apps.revokeGrant(ctx.params['id']!)) throw errors.notFound('No such active grant.');
    return {};
  });

  router.add('GET', `${P}/secrets`, () => ({
    secrets: secrets
      .names()
      .map((name) => ({ name, source: secrets.fromEnvironment(name) ? 'environment' : 'file', lastReadAt: iso(secrets.lastReads.get(name)) })),
  }));
  router.add('PUT', `${P}/secrets/:name`, (ctx) => {
    // The page sends the name percent-encoded (`+ = @ # $` are allowed in names): decoded here, or those were refused.
    let name: string;
    try {
      name = decodeURIComponent(ctx.params['name']!);
    } catch {
      throw errors.badRequest('The secret name in the path is not valid URL encoding.', 'INVALID_ARGUMENT');
    }
    if (!validSecretName(name)) throw errors.badRequest('A secret name is 1 to 50 of A-Z a-z 0-9 _+=-@#$ and does not start with "wix".', 'INVALID_ARGUMENT');
    const { value } = parseBody(SetSecret, ctx.body);
    secrets.set(name, value);
    // The answer names the secret only; the value never comes back.
    return { name, source: secrets.fromEnvironment(name) ? 'environment' : 'file' };
  });

  router.add('GET', `${P}/usage`, (ctx) => {
    const dimension = queryParam(ctx.query, 'dimension', ['dimension']) ?? 'kind';
    if (!(DIMENSIONS as readonly string[]).includes(dimension)) throw errors.badRequest(`dimension is one of ${DIMENSIONS.join(', ')}.`, 'INVALID_ARGUMENT');
    return monitor.usage(dimension as Dimension);
  });
  router.add('PUT', `${P}/monitor`, (ctx) => {
    const settings = parseBody(MonitorSettingsBody, ctx.body);
    monitor.settings = { ...monitor.settings, ...settings };
    return { settings: monitor.settings };
  });

  router.add('GET', `${P}/requests`, (ctx) => {
    const known = ['since', 'role', 'status', 'path', 'flagged'];
    const sinceText = queryParam(ctx.query, 'since', known) ?? '0';
    if (!/^\d{1,15}$/.test(sinceText)) throw errors.badRequest('since is a request sequence number (0 or more).', 'INVALID_ARGUMENT');
    const since = Number(sinceText);
    const role = queryParam(ctx.query, 'role', known);
    if (role !== undefined && role.length > 20) throw errors.badRequest('role is at most 20 characters.', 'INVALID_ARGUMENT');
    const status = queryParam(ctx.query, 'status', known);
    if (status !== undefined && !/^(ok|error|[1-5]\d\d)$/.test(status))
      throw errors.badRequest('status is ok, error or an HTTP status (100–599).', 'INVALID_ARGUMENT');
    const path = queryParam(ctx.query, 'path', known);
    if (path !== undefined && path.length > 200) throw errors.badRequest('path is at most 200 characters.', 'INVALID_ARGUMENT');
    const flaggedText = queryParam(ctx.query, 'flagged', known);
    if (flaggedText !== undefined && flaggedText !== 'true' && flaggedText !== 'false')
      throw errors.badRequest('flagged is true or false.', 'INVALID_ARGUMENT');
    const flagged = flaggedText === 'true';
    const matches = (e: RequestLogEntry) =>
      (!role || e.role === role) &&
      (!status || (status === 'error' ? e.status >= 400 : status === 'ok' ? e.status < 400 : String(e.status) === status)) &&
      (!path || e.path.includes(path)) &&
      (!flagged || Boolean(e.flags?.length));
    const requests = log.since(since).filter(matches).slice(-DASHBOARD_LIMITS.requests);
    return { requests, lastSeq: log.lastSeq };
  });

  router.add('GET', `${P}/faults`, () => ({ faults: services.faults.list() }));
  router.add('DELETE', `${P}/faults`, () => {
    services.faults.clear();
    return {};
  });
  return router;
}

/**
 * One query parameter of a dashboard GET, or undefined (empty counts as absent): a parameter given twice, or one the
 * route does not take, is a 400 naming it, not a silent first-wins or an ignored typo.
 */
function queryParam(query: URLSearchParams, name: string, known: readonly string[]): string | undefined {
  for (const key of new Set(query.keys())) {
    if (!known.includes(key)) throw errors.badRequest(`Unknown parameter "${key.slice(0, 40)}"; this route takes ${known.join(', ')}.`, 'INVALID_ARGUMENT');
  }
  const values = query.getAll(name);
  if (values.length > 1) throw errors.badRequest(`${name} is given ${values.length} times; give it once.`, 'INVALID_ARGUMENT');
  return values[0] || undefined;
}
