import { readdirSync, readFileSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import * as v from 'valibot';
import { strictPlainObject } from '../validation.ts';
import { FIELD_TYPES, ROLES } from '../data/collections.ts';
import { API_KEY_PERMISSIONS } from '../identity/directory.ts';
import type { Seed } from '../seeding.ts';

/**
 * The testing kit's fixture format: JSON a site repository keeps beside its backend, validated before anything is
 * written (a refused fixture seeds nothing). One file, or a folder whose `*.json` files are read in name order and
 * merged (a collection, member, secret or key named twice is an error):
 *
 *     {
 *       "collections": [{ "id": "Notes", "permissions": { "read": "ANYONE", "insert": "SITE_MEMBER",
 *                          "update": "SITE_MEMBER_AUTHOR", "remove": "ADMIN" },
 *                         "fields": [{ "key": "title", "type": "TEXT", "required": true }],
 *                         "items": [{ "_id": "n1", "title": "Hello", "due": { "$date": "2026-01-01T00:00:00Z" } }] }],
 *       "members": [{ "name": "ana", "roles": ["Gold"] }, { "name": "boss", "owner": true }],
 *       "secrets": { "STRIPE_KEY": "sk_test_123" },
 *       "apiKeys": [{ "name": "ci", "permissions": ["WIX_DATA.READ_ITEMS"] }]
 *     }
 *
 * A member's email defaults to `<name>@example.com`, its nickname to the name, its password to `<name>-password-1`.
 * A collection's permissions default to ADMIN for every operation (as the platform's collections do); an item value
 * `{ "$date": "<ISO>" }` is a Date, as Wix writes dates in JSON.
 */
export interface Fixtures {
  collections: FixtureCollection[];
  members: FixtureMember[];
  secrets: Map<string, string>;
  apiKeys: { name: string; permissions: (typeof API_KEY_PERMISSIONS)[number][] }[];
}

export interface FixtureCollection {
  id: string;
  displayName?: string;
  permissions?: Record<'read' | 'insert' | 'update' | 'remove', (typeof ROLES)[number]>;
  fields?: { key: string; type: (typeof FIELD_TYPES)[number]; displayName?: string; required?: boolean; referencedCollectionId?: string }[];
  items: Record<string, unknown>[];
}

export interface FixtureMember {
  name: string;
  email: string;
  nickname: string;
  password: string;
  owner: boolean;
  roles: string[];
}

/** Bounds: fixtures are test data, not a database dump. */
export const FIXTURE_LIMITS = {
  maxFileBytes: 20_000_000,
  maxFiles: 200,
  maxCollections: 200,
  maxFields: 500,
  maxItemsPerCollection: 20_000,
  maxMembers: 1_000,
  maxRoles: 20,
  maxSecrets: 1_000,
  maxSecretBytes: 65_536,
  maxApiKeys: 50,
} as const;

export class FixtureError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FixtureError';
  }
}

const RESERVED = new Set(['__proto__', 'constructor', 'prototype']);
const notReserved = v.check((s: string) => !RESERVED.has(s), 'is a reserved name');
const name = (pattern: RegExp, what: string) => v.pipe(v.string(), v.regex(pattern, `must be ${what}`), notReserved);
const COLLECTION_ID = name(/^[A-Za-z][A-Za-z0-9_-]{0,99}(\/[A-Za-z][A-Za-z0-9_-]{0,99})?$/, 'a collection id (letters, digits, _ and -, at most 100)');
const FIELD_KEY = name(/^[A-Za-z_][A-Za-z0-9_]{0,99}$/, 'a field key (letters, digits and _, at most 100)');
const MEMBER_NAME = name(/^[a-z0-9][a-z0-9._-]{0,63}$/, 'a lowercase name (a-z, 0-9, ".", "_", "-", at most 64)');
const SECRET_NAME = /^[A-Za-z0-9_.-]{1,100}$/;
const ROLE = (list: readonly string[]) => v.picklist(list as [string, ...string[]], `must be one of ${list.join(', ')}`);

const PlainObject = v.custom<Record<string, unknown>>(
  (value) => typeof value === 'object' && value !== null && !Array.isArray(value) && Object.getPrototypeOf(value) === Object.prototype,
  'must be an object',
);

const Schema = strictPlainObject({
  $schema: v.optional(v.string()),
  collections: v.optional(
    v.pipe(
      v.array(
        strictPlainObject({
          id: COLLECTION_ID,
          displayName: v.optional(v.pipe(v.string(), v.maxLength(200))),
          permissions: v.optional(strictPlainObject({ read: ROLE(ROLES), insert: ROLE(ROLES), update: ROLE(ROLES), remove: ROLE(ROLES) })),
          fields: v.optional(
            v.pipe(
              v.array(
                strictPlainObject({
                  key: FIELD_KEY,
                  type: ROLE(FIELD_TYPES),
                  displayName: v.optional(v.pipe(v.string(), v.maxLength(200))),
                  required: v.optional(v.boolean()),
                  referencedCollectionId: v.optional(COLLECTION_ID),
                }),
              ),
              v.maxLength(FIXTURE_LIMITS.maxFields, `must have at most ${FIXTURE_LIMITS.maxFields} fields`),
            ),
          ),
          items: v.optional(
            v.pipe(v.array(PlainObject), v.maxLength(FIXTURE_LIMITS.maxItemsPerCollection, `must have at most ${FIXTURE_LIMITS.maxItemsPerCollection} items`)),
          ),
        }),
      ),
      v.maxLength(FIXTURE_LIMITS.maxCollections, `must have at most ${FIXTURE_LIMITS.maxCollections} collections`),
    ),
  ),
  members: v.optional(
    v.pipe(
      v.array(
        strictPlainObject({
          name: MEMBER_NAME,
          email: v.optional(v.pipe(v.string(), v.maxLength(254), v.email('must be an email address'))),
          nickname: v.optional(v.pipe(v.string(), v.minLength(1), v.maxLength(100))),
          password: v.optional(v.pipe(v.string(), v.minLength(8, 'must be at least 8 characters'), v.maxLength(200))),
          owner: v.optional(v.boolean()),
          roles: v.optional(
            v.pipe(
              v.array(v.pipe(v.string(), v.minLength(1), v.maxLength(50), notReserved)),
              v.maxLength(FIXTURE_LIMITS.maxRoles, `must have at most ${FIXTURE_LIMITS.maxRoles} roles`),
            ),
          ),
        }),
      ),
      v.maxLength(FIXTURE_LIMITS.maxMembers, `must have at most ${FIXTURE_LIMITS.maxMembers} members`),
    ),
  ),
  secrets: v.optional(PlainObject),
  apiKeys: v.optional(
    v.pipe(
      v.array(strictPlainObject({ name: name(/^[A-Za-z0-9 _.-]{1,100}$/, 'a key name'), permissions: v.array(ROLE(API_KEY_PERMISSIONS)) })),
      v.maxLength(FIXTURE_LIMITS.maxApiKeys, `must have at most ${FIXTURE_LIMITS.maxApiKeys} keys`),
    ),
  ),
});

/** `{ "$date": "<ISO>" }` (Wix's JSON form of a date) at the top level of an item becomes a Date. */
function revive(item: Record<string, unknown>, where: string): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(item).map(([key, value]) => {
      if (RESERVED.has(key)) throw new FixtureError(`${where}: "${key}" is a reserved name, not a field key`);
      const date = typeof value === 'object' && value !== null && Object.keys(value).length === 1 ? (value as { $date?: unknown }).$date : undefined;
      if (date === undefined || !Object.hasOwn(value as object, '$date')) return [key, value];
      const parsed = typeof date === 'string' ? new Date(date) : new Date(NaN);
      if (Number.isNaN(parsed.getTime())) throw new FixtureError(`${where}.${key}: $date must be an ISO date string`);
      return [key, parsed];
    }),
  );
}

/** Validates one parsed fixture document; `source` names it in errors. */
export function parseFixtures(input: unknown, source = 'fixtures'): Fixtures {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    throw new FixtureError(`${source}: must be a JSON object ({ collections, members, secrets, apiKeys })`);
  const result = v.safeParse(Schema, input);
  if (!result.success) {
    const issue = result.issues[0];
    const path = v.getDotPath(issue) ?? '';
    throw new FixtureError(`${source}${path ? `: ${path}` : ''}: ${issue.message}`);
  }
  const doc = result.output;
  const secrets = new Map<string, string>();
  const secretEntries = Object.entries(doc.secrets ?? {});
  if (secretEntries.length > FIXTURE_LIMITS.maxSecrets) throw new FixtureError(`${source}: secrets: must have at most ${FIXTURE_LIMITS.maxSecrets} secrets`);
  for (const [key, value] of secretEntries) {
    if (!SECRET_NAME.test(key) || RESERVED.has(key))
      throw new FixtureError(`${source}: secrets: "${key.slice(0, 100)}" is not a secret name (A-Z, a-z, 0-9, _ . -)`);
    if (typeof value !== 'string' || value.length > FIXTURE_LIMITS.maxSecretBytes)
      throw new FixtureError(`${source}: secrets.${key}: must be a string of at most ${FIXTURE_LIMITS.maxSecretBytes} characters`);
    secrets.set(key, value);
  }
  const collections = (doc.collections ?? []).map((c, i) => {
    for (const f of c.fields ?? []) {
      const isRef = f.type === 'REFERENCE' || f.type === 'MULTI_REFERENCE';
      if (isRef !== (f.referencedCollectionId !== undefined))
        throw new FixtureError(
          `${source}: collections.${i}.fields.${f.key}: referencedCollectionId is required for REFERENCE and MULTI_REFERENCE, and only for them`,
        );
    }
    return { ...c, items: (c.items ?? []).map((item, j) => revive(item, `${source}: collections.${i}.items.${j}`)) } as FixtureCollection;
  });
  const members = (doc.members ?? []).map((m) => ({
    name: m.name,
    email: m.email ?? `${m.name}@example.com`,
    nickname: m.nickname ?? m.name,
    password: m.password ?? `${m.name}-password-1`,
    owner: m.owner ?? false,
    roles: [...new Set(m.roles ?? [])],
  }));
  return { collections, members, secrets, apiKeys: (doc.apiKeys ?? []) as Fixtures['apiKeys'] };
}

function merge(into: Fixtures, next: Fixtures, source: string): void {
  const dup = (what: string, have: Iterable<string>, add: Iterable<string>) => {
    const seen = new Set(have);
    for (const id of add) {
      if (seen.has(id)) throw new FixtureError(`${source}: ${what} "${id}" is defined twice`);
      seen.add(id);
    }
  };
  dup(
    'collection',
    into.collections.map((c) => c.id),
    next.collections.map((c) => c.id),
  );
  dup(
    'member',
    into.members.map((m) => m.name),
    next.members.map((m) => m.name),
  );
  dup(
    'member email',
    into.members.map((m) => m.email.toLowerCase()),
    next.members.map((m) => m.email.toLowerCase()),
  );
  dup('secret', into.secrets.keys(), next.secrets.keys());
  dup(
    'API key',
    into.apiKeys.map((k) => k.name),
    next.apiKeys.map((k) => k.name),
  );
  into.collections.push(...next.collections);
  into.members.push(...next.members);
  for (const [k, value] of next.secrets) into.secrets.set(k, value);
  into.apiKeys.push(...next.apiKeys);
}

function readJson(file: string): unknown {
  const size = statSync(file).size;
  if (size > FIXTURE_LIMITS.maxFileBytes) throw new FixtureError(`${file}: larger than ${FIXTURE_LIMITS.maxFileBytes} bytes`);
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as unknown;
  } catch (error) {
    throw new FixtureError(`${file}: not valid JSON: ${(error as Error).message}`);
  }
}

/** Reads a fixture file, or every `*.json` of a folder in name order, and validates all of it before returning. */
export function loadFixtures(path: string): Fixtures {
  const full = resolve(path);
  let stat;
  try {
    stat = statSync(full);
  } catch {
    throw new FixtureError(`${path}: no such fixture file or folder`);
  }
  const files = stat.isDirectory()
    ? readdirSync(full)
        .filter((f) => f.endsWith('.json'))
        .sort()
        .map((f) => join(full, f))
    : [full];
  if (files.length > FIXTURE_LIMITS.maxFiles) throw new FixtureError(`${path}: more than ${FIXTURE_LIMITS.maxFiles} fixture files`);
  const all: Fixtures = { collections: [], members: [], secrets: new Map(), apiKeys: [] };
  for (const file of files) merge(all, parseFixtures(readJson(file), stat.isDirectory() ? basename(file) : path), basename(file));
  const total = all.collections.reduce((n, c) => n + c.items.length, 0);
  if (total > FIXTURE_LIMITS.maxItemsPerCollection * 5) throw new FixtureError(`${path}: more than ${FIXTURE_LIMITS.maxItemsPerCollection * 5} items in all`);
  return all;
}

/**
 * The seed that writes validated fixtures: collections, then their items (in one transaction), members, secrets, keys.
 * Idempotent like every seed: a collection that exists already is left as it is, items included.
 */
export function fixtureSeed(fixtures: Fixtures): Seed {
  return (api) => {
    api.transaction(() => {
      // Seeds run at every start: on a database that already has a collection, its fixture items are not added again.
      const created = new Set<string>();
      for (const c of fixtures.collections) {
        if (api.hasCollection(c.id)) continue;
        created.add(c.id);
        api.createCollection({
          id: c.id,
          ...(c.displayName ? { displayName: c.displayName } : {}),
          ...(c.permissions ? { permissions: c.permissions } : {}),
          ...(c.fields
            ? {
                fields: c.fields.map((f) => ({
                  key: f.key,
                  displayName: f.displayName ?? f.key,
                  type: f.type,
                  ...(f.required !== undefined ? { required: f.required } : {}),
                  ...(f.referencedCollectionId
                    ? {
                        typeMetadata:
                          f.type === 'REFERENCE'
                            ? { reference: { referencedCollectionId: f.referencedCollectionId } }
                            : {
                                multiReference: {
                                  referencedCollectionId: f.referencedCollectionId,
                                  referencingFieldKey: `${c.id}-${f.key}`,
                                  referencingDisplayName: c.displayName ?? c.id,
                                },
                              },
                      }
                    : {}),
                })),
              }
            : {}),
        });
      }
      for (const c of fixtures.collections) if (created.has(c.id) && c.items.length) api.insertItems(c.id, c.items);
      for (const m of fixtures.members) api.ensureMember({ email: m.email, password: m.password, nickname: m.nickname, role: m.owner ? 'owner' : 'member' });
    });
    for (const [key, value] of fixtures.secrets) api.setSecret(key, value);
    for (const k of fixtures.apiKeys) api.createApiKey(k);
  };
}
