/** The read replica behind the eventual-consistency option: stale within the lag, fresh after it or on a schema change. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { ReadReplica } from '../../platform/data/read-replica.ts';

function setup(lagMs: number) {
  const primary = new Database(':memory:');
  primary.exec('CREATE TABLE t (v INTEGER)');
  let now = 1_000;
  const replica = new ReadReplica(
    primary,
    primary,
    (db) => db,
    () => now,
    { replicaLagMs: lagMs },
  );
  const count = (db: Database.Database) => (db.prepare('SELECT count(*) AS n FROM t').get() as { n: number }).n;
  return { primary, replica, count, advance: (ms: number) => (now += ms) };
}

describe('ReadReplica', () => {
  it('a read right after a write misses it, a consistent read sees it, and after the lag every read sees it', () => {
    const { primary, replica, count, advance } = setup(1000);
    assert.equal(count(replica.reader()), 0);
    primary.exec('INSERT INTO t VALUES (1)');
    assert.equal(count(replica.reader()), 0, 'the stale read misses the write');
    assert.equal(count(replica.reader(true)), 1, 'consistentRead reads the primary');
    advance(999);
    assert.equal(count(replica.reader()), 0, 'still within the lag');
    advance(1);
    assert.equal(count(replica.reader()), 1, 'the lag has passed');
    assert.equal(replica.snapshots, 2);
  });

  it('a schema change (a new collection table) takes a new snapshot at once, so a new table is never missing', () => {
    const { primary, replica } = setup(60_000);
    replica.reader();
    primary.exec('CREATE TABLE u (v INTEGER)');
    assert.doesNotThrow(() => replica.reader().prepare('SELECT * FROM u').all());
    assert.equal(replica.snapshots, 2);
  });

  it('off (lag 0, the default) every read is the primary and no snapshot is taken', () => {
    const primary = new Database(':memory:');
    const replica = new ReadReplica(
      primary,
      'primary',
      () => 'copy',
      () => 0,
    );
    assert.equal(replica.reader(), 'primary');
    assert.equal(replica.reader(false), 'primary');
    assert.equal(replica.snapshots, 0);
    assert.deepEqual(replica.current(), {});
  });

  it('refuses a lag that is negative, fractional or over a minute, and keeps working after', () => {
    const { replica } = setup(10);
    for (const bad of [-1, 0.5, 60_001, Number.NaN, Number.POSITIVE_INFINITY]) {
      assert.throws(() => replica.configure({ replicaLagMs: bad }), RangeError);
    }
    assert.deepEqual(replica.current(), { replicaLagMs: 10 });
  });
});
