/**
 * The fixture format: what it accepts, the clear error for what it refuses (file and path of the bad value), and
 * that a refused fixture writes nothing. Hostile input: prototype keys, huge lists, wrong types, random JSON.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import fc from 'fast-check';
import { FIXTURE_LIMITS, FixtureError, loadFixtures, parseFixtures, startSiteKit } from '../../platform/testing/index.ts';

const dir = mkdtempSync(join(tmpdir(), 'wix-fixtures-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const backend = join(dir, 'backend');
mkdirSync(backend);

const refuses = (input: unknown, pattern: RegExp) =>
  assert.throws(
    () => parseFixtures(input, 'site.json'),
    (e: unknown) => e instanceof FixtureError && pattern.test(e.message),
  );

describe('fixture format', () => {
  it('accepts the documented example and fills the member defaults', () => {
    const f = parseFixtures({
      collections: [
        {
          id: 'Notes',
          permissions: { read: 'ANYONE', insert: 'SITE_MEMBER', update: 'SITE_MEMBER_AUTHOR', remove: 'ADMIN' },
          fields: [{ key: 'title', type: 'TEXT', required: true }],
          items: [{ _id: 'n1', title: 'Hello', due: { $date: '2026-01-01T00:00:00Z' } }],
        },
      ],
      members: [{ name: 'ana', roles: ['Gold', 'Gold'] }],
      secrets: { STRIPE_KEY: 'sk_test_123' },
      apiKeys: [{ name: 'ci', permissions: ['WIX_DATA.READ_ITEMS'] }],
    });
    assert.ok(f.collections[0]!.items[0]!['due'] instanceof Date);
    assert.deepEqual(f.members[0], { name: 'ana', email: 'ana@example.com', nickname: 'ana', password: 'ana-password-1', owner: false, roles: ['Gold'] });
    assert.equal(f.secrets.get('STRIPE_KEY'), 'sk_test_123');
  });

  it('names the file and the path of the bad value', () => {
    refuses(
      { collections: [{ id: 'Notes', permissions: { read: 'EVERYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' } }] },
      /^site\.json: collections\.0\.permissions\.read: must be one of ANYONE/,
    );
    refuses({ collections: [{ id: 'Notes', fields: [{ key: 'x', type: 'STRING' }] }] }, /collections\.0\.fields\.0\.type: must be one of TEXT/);
    refuses({ members: [{ name: 'Ana' }] }, /members\.0\.name: must be a lowercase name/);
    refuses({ members: [{ name: 'ana', password: 'short' }] }, /members\.0\.password: must be at least 8/);
    refuses({ colections: [] }, /colections/);
    refuses({ collections: [{ id: 'Notes', items: [{ d: { $date: 'yesterday' } }] }] }, /items\.0\.d: \$date must be an ISO date/);
    refuses({ collections: [{ id: 'R', fields: [{ key: 'ref', type: 'REFERENCE' }] }] }, /referencedCollectionId is required/);
    refuses([], /site\.json: must be a JSON object/);
    refuses('nope', /site\.json/);
  });

  it('refuses prototype keys as names, never touching Object.prototype', () => {
    refuses(JSON.parse('{"secrets":{"__proto__":"x"}}'), /not a secret name/);
    refuses({ collections: [{ id: 'constructor' }] }, /reserved/);
    refuses({ members: [{ name: '__proto__' }] }, /lowercase name|reserved/);
    refuses({ members: [{ name: 'ana', roles: ['__proto__'] }] }, /reserved/);
    refuses({ collections: [{ id: 'N', items: [JSON.parse('{"__proto__":{"polluted":true}}')] }] }, /items\.0: "__proto__" is a reserved name/);
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
  });

  it('bounds every list', () => {
    refuses({ members: Array.from({ length: FIXTURE_LIMITS.maxMembers + 1 }, (_, i) => ({ name: `m${i}` })) }, /at most 1000 members/);
    refuses({ collections: [{ id: 'N', items: Array.from({ length: FIXTURE_LIMITS.maxItemsPerCollection + 1 }, () => ({})) }] }, /at most 20000 items/);
    refuses({ members: [{ name: 'a', roles: Array.from({ length: 21 }, (_, i) => `r${i}`) }] }, /at most 20 roles/);
    refuses({ secrets: Object.fromEntries(Array.from({ length: FIXTURE_LIMITS.maxSecrets + 1 }, (_, i) => [`S${i}`, 'v'])) }, /at most 1000 secrets/);
  });

  it('random JSON is either valid fixtures or a FixtureError, never another exception', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        try {
          parseFixtures(value);
        } catch (error) {
          assert.ok(error instanceof FixtureError, String(error));
        }
      }),
      { numRuns: Number(process.env['FUZZ_RUNS'] ?? 300) },
    );
  });

  it('a folder merges its *.json files in name order and refuses a collection defined twice', () => {
    const folder = join(dir, 'merge');
    mkdirSync(folder);
    writeFileSync(join(folder, 'a.json'), JSON.stringify({ collections: [{ id: 'A' }] }));
    writeFileSync(join(folder, 'b.json'), JSON.stringify({ collections: [{ id: 'B' }], members: [{ name: 'ana' }] }));
    writeFileSync(join(folder, 'notes.txt'), 'ignored');
    assert.deepEqual(
      loadFixtures(folder).collections.map((c) => c.id),
      ['A', 'B'],
    );
    writeFileSync(join(folder, 'c.json'), JSON.stringify({ collections: [{ id: 'A' }] }));
    assert.throws(() => loadFixtures(folder), /c\.json: collection "A" is defined twice/);
    writeFileSync(join(folder, 'c.json'), '{ not json');
    assert.throws(() => loadFixtures(folder), /c\.json: not valid JSON/);
    assert.throws(() => loadFixtures(join(dir, 'missing')), /no such fixture file or folder/);
  });

  it('a fixture whose item the collection refuses starts no platform (nothing half-seeded)', async () => {
    const bad = parseFixtures({
      collections: [
        {
          id: 'N',
          items: [
            { _id: 'same', n: 1 },
            { _id: 'same', n: 2 },
          ],
        },
      ],
    });
    await assert.rejects(startSiteKit({ backend, fixtures: bad, routeFetch: false }), /refused/);
  });

  it('seeds collections, items with dates, members with roles, secrets and API keys', async () => {
    const kit = await startSiteKit({
      backend,
      routeFetch: false,
      fixtures: parseFixtures({
        collections: [
          {
            id: 'Events',
            permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
            items: [{ _id: 'e1', at: { $date: '2026-05-01T10:00:00.000Z' } }],
          },
        ],
        members: [{ name: 'ana', roles: ['Gold'] }],
        secrets: { KEY: 'value' },
        apiKeys: [{ name: 'ci', permissions: ['WIX_DATA.READ_ITEMS'] }],
      }),
    });
    try {
      const e1 = await kit.as({ kind: 'visitor' }).data.get('Events', 'e1');
      assert.ok(e1?.['at'] instanceof Date);
      assert.equal((e1['at'] as Date).toISOString(), '2026-05-01T10:00:00.000Z');
      assert.ok(kit.platform.services.directory.findMemberByEmail('ana@example.com'));
      assert.equal(kit.platform.secrets.read('KEY'), 'value');
    } finally {
      await kit.stop();
    }
  });
});
