import Database from 'better-sqlite3';
import type { Db } from '../storage/database.ts';

/**
 * Wix Data's eventual consistency, made visible: Wix serves reads from replicas unless a request sets
 * `consistentRead`, so a read right after a write may miss it. Off by default. With a lag set, reads without
 * `consistentRead` are served from a snapshot of the database that is at most `lagMs` old (on the platform clock):
 * an in-memory copy taken with SQLite's serialize, replaced on the first read after it has aged out or after the
 * schema changed (a new collection or index). Code that depends on read-after-write shows its bug locally; code that
 * sets `consistentRead` where it must reads the primary and works.
 */
export interface ConsistencyOptions {
  /** How stale a replica read may be, in ms. 0 or absent: every read is consistent (the default). */
  replicaLagMs?: number | undefined;
}

/** The longest lag accepted: longer would only make a demo look broken. */
export const MAX_REPLICA_LAG_MS = 60_000;

export function replicaLagProblem(lagMs: number | undefined): string | undefined {
  if (lagMs === undefined) return undefined;
  if (!Number.isInteger(lagMs) || lagMs < 0 || lagMs > MAX_REPLICA_LAG_MS)
    return `replicaLagMs must be a whole number of milliseconds from 0 to ${MAX_REPLICA_LAG_MS}.`;
  return undefined;
}

interface Snapshot<V> {
  db: Db;
  view: V;
  takenAt: number;
  schemaVersion: number;
}

/**
 * Hands out what a read runs on (`V`: a service built over a database): the primary's for a consistent read or
 * when the lag is off, else one built over the current snapshot by `makeView` (which also registers the SQL
 * functions the queries need on the copy).
 */
export class ReadReplica<V> {
  private lagMs = 0;
  private snapshot: Snapshot<V> | undefined;
  /** How many snapshots were taken (tests read it). */
  snapshots = 0;

  constructor(
    private readonly primary: Db,
    private readonly primaryView: V,
    private readonly makeView: (db: Db) => V,
    private readonly now: () => number,
    options: ConsistencyOptions = {},
  ) {
    this.configure(options);
  }

  configure(options: ConsistencyOptions): void {
    const problem = replicaLagProblem(options.replicaLagMs);
    if (problem) throw new RangeError(problem);
    this.lagMs = options.replicaLagMs ?? 0;
    this.drop();
  }

  current(): ConsistencyOptions {
    return this.lagMs ? { replicaLagMs: this.lagMs } : {};
  }

  /** Whether reads may be stale at all. */
  get enabled(): boolean {
    return this.lagMs > 0;
  }

  /** What a read runs on; the snapshot is taken anew when older than the lag or when the schema moved on since. */
  reader(consistentRead?: boolean): V {
    if (!this.enabled || consistentRead === true) return this.primaryView;
    const now = this.now();
    const schemaVersion = this.primary.pragma('schema_version', { simple: true }) as number;
    const current = this.snapshot;
    if (current && now - current.takenAt < this.lagMs && current.schemaVersion === schemaVersion) return current.view;
    this.drop();
    const db = new Database(this.primary.serialize());
    this.snapshot = { db, view: this.makeView(db), takenAt: now, schemaVersion };
    this.snapshots++;
    return this.snapshot.view;
  }

  /** Forgets the snapshot (the next stale-allowed read takes a new one). */
  drop(): void {
    this.snapshot?.db.close();
    this.snapshot = undefined;
  }
}
