import { createHmac, randomUUID } from 'node:crypto';
import type { CollectionField, CollectionPermissions } from './data/collections.ts';
import { MAX_REFERENCES_PER_CALL, ReferenceService } from './data/references.ts';
import type { ApiKeyPermission, Directory, Member } from './identity/directory.ts';
import type { AppRegistry, Scope } from './oauth/apps.ts';
import type { PlatformServices } from './services.ts';
import { getMeta, setMeta } from './storage/database.ts';
import type { SecretsVault } from './velo/secrets-vault.ts';

/** A collection as a seed declares it. */
export interface SeedCollection {
  id: string;
  displayName?: string;
  /** Default: ADMIN for every operation. */
  permissions?: CollectionPermissions;
  fields?: CollectionField[];
  /** Another site of the account (one added with `addSite`); default the platform's own site. */
  siteId?: string;
}

/**
 * What a seed may do to a new (or existing) platform database. Every call is idempotent, because a seed runs at
 * each start: on a file database the second start finds what the first one made, and nothing is made twice.
 * Keys, app secrets and derived secrets come from the platform's signing secret, so one database always yields
 * the same values, and none of them is ever written down in plain text.
 */
export interface SeedApi {
  /** The platform's own site, its account, and the site owner (the platform creates all three). */
  readonly siteId: string;
  readonly accountId: string;
  readonly owner: Member;
  /** Runs `fn` in one database transaction: all of it lands, or none. */
  transaction(fn: () => void): void;
  hasCollection(id: string, siteId?: string): boolean;
  /** Creates the collection; false (and no change) when it exists already. */
  createCollection(collection: SeedCollection): boolean;
  /**
   * Inserts items as the site owner, with the collection's field rules applied; `Date` values are stored as Wix
   * stores them (`{ $date }`). Throws when an item is refused (a seed is code: its data must be valid).
   */
  insertItems(collectionId: string, items: readonly Record<string, unknown>[], options?: { siteId?: string }): void;
  /** Adds multi-reference rows as the site owner: `[referringItemId, referencedItemId]` pairs of the collection's `field`. */
  insertReferences(collectionId: string, field: string, pairs: readonly (readonly [string, string])[], options?: { siteId?: string }): void;
  findMember(email: string): Member | undefined;
  /** The member with this email, created when missing (a fixed `id` keeps links stable across databases). */
  ensureMember(input: { email: string; password: string; nickname?: string; id?: string; role?: 'member' | 'owner' }): Member;
  /** An API key on the account, derived from `name`: the same database gives the same key at each start. */
  createApiKey(input: { name: string; permissions: readonly ApiKeyPermission[] }): string;
  /** Registers (or updates) a third-party OAuth app with a derived client secret. */
  registerOAuthApp(input: { name: string; clientId: string; redirectUris: string[]; scopes: Scope[] }): { clientId: string; clientSecret: string };
  /** Adds another site of the same account; `key` names it in this database, so the id stays the same. */
  addSite(input: { key: string; name: string }): string;
  readSecret(name: string): string | undefined;
  /** Puts a value in the local Secrets Manager (written only when it differs). */
  setSecret(name: string, value: string): void;
  hasSecret(name: string): boolean;
  /** A value derived from the platform's signing secret and `label` (base64url), e.g. an encryption key. */
  deriveSecret(label: string): string;
}

/** A seed: runs synchronously in createPlatform, after the platform's own defaults (site, owner, admin key). */
export type Seed = (api: SeedApi) => void;

const SITE_KEY = /^[a-z][a-z0-9-]{0,31}$/i;

export function createSeedApi(context: {
  services: PlatformServices;
  directory: Directory;
  apps: AppRegistry;
  secrets: SecretsVault;
  signingSecret: Uint8Array;
  owner: Member;
  /** Called for each site a seed adds (key → id). */
  onSite: (key: string, id: string, name: string) => void;
}): SeedApi {
  const { services, directory, apps, secrets, signingSecret, owner } = context;
  const { db, collections, items, siteId, accountId } = services;
  return {
    siteId,
    accountId,
    owner,
    transaction: (fn) => db.transaction(fn)(),
    hasCollection: (id, site) => collections.get(id, site) !== undefined,
    createCollection: (collection) => {
      if (collections.get(collection.id, collection.siteId)) return false;
      collections.create(collection);
      return true;
    },
    insertItems: (collectionId, list, options = {}) => {
      const caller = { kind: 'owner' as const, id: owner.id, ...(options.siteId ? { siteId: options.siteId } : {}) };
      // Object.fromEntries defines own properties: a "__proto__" key in seed data stays a plain field.
      const wire = list.map((item) => Object.fromEntries(Object.entries(item).map(([k, v]) => [k, v instanceof Date ? { $date: v.toISOString() } : v])));
      for (let i = 0; i < wire.length; i += 1_000) {
        let result;
        try {
          result = items.bulkWrite(caller, collectionId, 'insert', wire.slice(i, i + 1_000));
        } catch (error) {
          throw new Error(`seed: an item for ${collectionId} was refused: ${(error as Error).message}`, { cause: error });
        }
        const failed = result.results.find((r) => !r.itemMetadata.success);
        if (failed) throw new Error(`seed: an item for ${collectionId} was refused: ${JSON.stringify(failed.itemMetadata.error)}`);
      }
    },
    insertReferences: (collectionId, field, pairs, options = {}) => {
      const caller = { kind: 'owner' as const, id: owner.id, ...(options.siteId ? { siteId: options.siteId } : {}) };
      const references = new ReferenceService(db, collections);
      for (let i = 0; i < pairs.length; i += MAX_REFERENCES_PER_CALL) {
        const refs = pairs
          .slice(i, i + MAX_REFERENCES_PER_CALL)
          .map(([referringItemId, referencedItemId]) => ({ referringItemFieldName: field, referringItemId, referencedItemId }));
        references.insertReferences(caller, collectionId, refs);
      }
    },
    findMember: (email) => {
      const found = directory.findMemberByEmail(email);
      if (!found) return undefined;
      const { passwordHash: _hidden, ...member } = found;
      return member;
    },
    ensureMember: (input) => {
      const found = directory.findMemberByEmail(input.email);
      if (found) {
        const { passwordHash: _hidden, ...member } = found;
        return member;
      }
      return directory.createMember({ nickname: input.email.split('@')[0]!, ...input });
    },
    createApiKey: (input) => directory.createApiKey({ name: input.name, accountId, permissions: input.permissions, derivedFrom: signingSecret }).key,
    registerOAuthApp: (input) => apps.register({ ...input, derivedFrom: signingSecret }),
    addSite: (input) => {
      if (!SITE_KEY.test(input.key)) throw new RangeError(`A site key is 1 to 32 letters, digits or dashes: "${input.key}"`);
      const metaKey = `${input.key}.id`;
      let id = getMeta(db, metaKey);
      if (!id) {
        id = randomUUID();
        setMeta(db, metaKey, id);
      }
      directory.ensureSite({ id, accountId, name: input.name });
      context.onSite(input.key, id, input.name);
      return id;
    },
    readSecret: (name) => secrets.read(name),
    setSecret: (name, value) => {
      if (secrets.read(name) !== value) secrets.set(name, value);
    },
    hasSecret: (name) => secrets.has(name),
    deriveSecret: (label) => createHmac('sha256', signingSecret).update(label).digest('base64url'),
  };
}
