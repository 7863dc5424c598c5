import type { PlatformClock } from './clock.ts';
import type { CollectionStore } from './data/collections.ts';
import type { ItemsService } from './data/items.ts';
import type { ReadReplica } from './data/read-replica.ts';
import type { FaultInjector } from './faults/faults.ts';
import type { ClientRegistry } from './identity/clients.ts';
import type { Directory } from './identity/directory.ts';
import type { TokenService } from './identity/tokens.ts';
import type { Db } from './storage/database.ts';
import type { AppAuthorizationServer } from './oauth/server.ts';
import { HookedItemsService } from './velo/data-hooks.ts';

/** Everything a route handler may use. One instance per running platform. */
export interface PlatformServices {
  db: Db;
  clock: PlatformClock;
  tokens: TokenService;
  directory: Directory;
  clients: ClientRegistry;
  collections: CollectionStore;
  items: ItemsService;
  /**
   * The items service with the site's data hooks (backend/data.js) around every operation: what every route that
   * reads or writes items calls (async: hooks may be). The Velo runtime attaches the hooks once it knows the backend.
   */
  data?: HookedItemsService;
  /**
   * Where reads without `consistentRead` run: the primary, or a snapshot at most `replicaLagMs` old when eventual
   * consistency is switched on (data/read-replica.ts). Absent: every read is consistent.
   */
  reads?: ReadReplica<HookedItemsService>;
  faults: FaultInjector;
  siteId: string;
  accountId: string;
  clientId: string;
  /** Third-party apps: the authorization server (oauth/). */
  oauth: AppAuthorizationServer;
  /** An app token's grant when it is still active (resolveCaller uses it on every app call). */
  activeGrant(grantId: string): { subjectRole: 'member' | 'owner' | undefined } | undefined;
}

/** The items service as the routes use it: `items` with the site's data hooks around it (velo/data-hooks.ts). */
export function withDataHooks(items: ItemsService): HookedItemsService {
  return new HookedItemsService(items);
}
