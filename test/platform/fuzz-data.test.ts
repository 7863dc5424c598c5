/**
 * Fuzz: the Data Items v2 surface under hostile keys, filters, projections and sort lists (issue 10, findings 1, 3, 8).
 * Every case goes through `attack()`: typed answer, nothing escaped, prototypes untouched, refused = data unchanged,
 * and a normal query still answers. FUZZ_RUNS=N for a long run; FUZZ_SEED/FUZZ_PATH replay a printed failure.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { anyJson, deepFilterJson, fieldsList, filter, hostileData, hostilePath, sortList, toJson } from './fuzz/arbitraries.ts';
import {
  assertNoCredentialLogged,
  attack,
  burst,
  check,
  JSON_HEADERS,
  MEMBER_NOTES,
  OPEN,
  params,
  PRODUCTS,
  send,
  type Role,
  type Target,
  startTarget,
} from './fuzz/harness.ts';

const PREFIXES = ['/_api/cloud-data/v2', '/wix-data/v2'] as const;
let t: Target;

before(async () => {
  t = await startTarget();
});
after(async () => {
  await t.stop();
});

const prefix = fc.constantFrom(...PREFIXES);
const writer = fc.constantFrom<Role>('visitor', 'member', 'owner', 'apiKey');
const collection = fc.constantFrom(OPEN, MEMBER_NOTES, PRODUCTS);

function post(role: Role, path: string, body: string) {
  return () => send(t.p, 'POST', path, { ...JSON_HEADERS, ...t.auth(role) }, body);
}
function getWithR(role: Role, path: string, body: unknown) {
  return () => send(t.p, 'GET', `${path}?.r=${Buffer.from(toJson(body)).toString('base64url')}`, t.auth(role));
}

describe('fuzz: Data Items v2 with hostile keys', () => {
  it('item data with prototype, unicode, empty, dotted and very long keys at any depth: written, then read back through hostile projections', async () => {
    await check(
      'hostile item data',
      fc.asyncProperty(
        prefix,
        writer,
        collection,
        hostileData,
        fc.array(hostilePath, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        async (pre, role, c, data, fields, viaGet) => {
          const inserted = await attack(
            t,
            `insert ${toJson(data).slice(0, 200)} as ${role} into ${c}`,
            post(role, `${pre}/items`, `{"dataCollectionId":${toJson(c)},"dataItem":{"data":${toJson(data)}}}`),
            `${pre}/items`,
          );
          const id = inserted.status === 200 ? (JSON.parse(inserted.text) as { dataItem?: { id?: string } }).dataItem?.id : undefined;
          const query = { dataCollectionId: c, query: { fields, ...(id ? { filter: { _id: id } } : {}) } };
          await attack(
            t,
            `query fields ${toJson(fields)} as ${role}`,
            viaGet ? getWithR(role, `${pre}/items/query`, query) : post(role, `${pre}/items/query`, toJson(query)),
            `${pre}/items/query`,
          );
          if (id) {
            await attack(
              t,
              `get ${id} fields ${toJson(fields)} as ${role}`,
              post(role, `${pre}/items/get`, toJson({ dataCollectionId: c, dataItemId: id, fields })),
              `${pre}/items/get`,
            );
            await attack(
              t,
              `update ${id} as ${role}`,
              post(role, `${pre}/items/update`, `{"dataCollectionId":${toJson(c)},"dataItem":{"id":${toJson(id)},"data":${toJson(data)}}}`),
              `${pre}/items/update`,
            );
            await attack(
              t,
              `save as ${role}`,
              post(role, `${pre}/items/save`, `{"dataCollectionId":${toJson(c)},"dataItem":{"data":${toJson(data)}}}`),
              `${pre}/items/save`,
            );
          }
          await attack(
            t,
            `distinct ${fields[0]} as ${role}`,
            post(role, `${pre}/items/query-distinct-values`, toJson({ dataCollectionId: c, fieldName: fields[0] })),
            `${pre}/items/query-distinct-values`,
          );
          await attack(
            t,
            `bulk insert as ${role}`,
            post(role, `${pre}/bulk/items/insert`, `{"dataCollectionId":${toJson(c)},"dataItems":[{"data":${toJson(data)}},{"data":${toJson(data)}}]}`),
            `${pre}/bulk/items/insert`,
          );
        },
      ),
      params(25),
    );
  });

  it('nested filters ($and/$or/$not, every operator, hostile operands) on query, count, distinct, conditional update and remove', async () => {
    await check(
      'hostile filters',
      fc.asyncProperty(prefix, writer, collection, filter, sortList, hostilePath, async (pre, role, c, f, sort, fieldName) => {
        const shortSort = sort.slice(0, 6);
        await attack(
          t,
          `query filter ${toJson(f)?.slice(0, 300)} sort ${toJson(shortSort)} as ${role}`,
          post(role, `${pre}/items/query`, toJson({ dataCollectionId: c, query: { filter: f, sort: shortSort } })),
          `${pre}/items/query`,
        );
        await attack(
          t,
          `count filter ${toJson(f)?.slice(0, 300)} as ${role}`,
          post(role, `${pre}/items/count`, toJson({ dataCollectionId: c, filter: f })),
          `${pre}/items/count`,
        );
        await attack(
          t,
          `distinct ${fieldName} filter as ${role}`,
          post(role, `${pre}/items/query-distinct-values`, toJson({ dataCollectionId: c, fieldName, filter: f, order: 'ASC' })),
          `${pre}/items/query-distinct-values`,
        );
        await attack(
          t,
          `update with condition as ${role}`,
          post(role, `${pre}/items/update`, toJson({ dataCollectionId: c, dataItem: { id: 'no-such-item', data: { title: 'x' } }, condition: { filter: f } })),
          `${pre}/items/update`,
        );
        await attack(
          t,
          `remove with condition as ${role}`,
          post(role, `${pre}/items/remove`, toJson({ dataCollectionId: c, dataItemId: 'no-such-item', condition: { filter: f } })),
          `${pre}/items/remove`,
        );
      }),
      params(40),
    );
  });

  it('no filter, sort or distinct widens what a caller may read: a member sees only their own Notes, a visitor no Orders', async () => {
    const memberId = t.p.services.directory.findMemberByEmail('member@example.com')!.id;
    const own = t.p.services.items.count({ kind: 'owner', id: t.p.owner.id }, MEMBER_NOTES, { _owner: memberId });
    await check(
      'read isolation',
      fc.asyncProperty(prefix, filter, sortList, async (pre, f, sort) => {
        const query = await attack(
          t,
          `member queries Notes with ${toJson(f)?.slice(0, 300)}`,
          post(
            'member',
            `${pre}/items/query`,
            toJson({ dataCollectionId: MEMBER_NOTES, query: { filter: f, sort: sort.slice(0, 4), paging: { limit: 1000 } } }),
          ),
          `${pre}/items/query`,
        );
        if (query.status === 200) {
          const owners = new Set((JSON.parse(query.text) as { dataItems: { data: { _owner?: string } }[] }).dataItems.map((d) => d.data._owner));
          assert.ok(
            [...owners].every((o) => o === memberId),
            `a member's query returned other members' notes: ${[...owners].join(', ')}`,
          );
        }
        const count = await attack(
          t,
          `member counts Notes with ${toJson(f)?.slice(0, 300)}`,
          post('member', `${pre}/items/count`, toJson({ dataCollectionId: MEMBER_NOTES, filter: f })),
          `${pre}/items/count`,
        );
        if (count.status === 200) assert.ok((JSON.parse(count.text) as { totalCount: number }).totalCount <= own, 'a member counted more notes than their own');
        const distinct = await attack(
          t,
          'member distinct _owner',
          post('member', `${pre}/items/query-distinct-values`, toJson({ dataCollectionId: MEMBER_NOTES, fieldName: '_owner', filter: f })),
          `${pre}/items/query-distinct-values`,
        );
        if (distinct.status === 200) {
          const values = (JSON.parse(distinct.text) as { distinctValues?: unknown[] }).distinctValues ?? [];
          assert.ok(
            values.every((v) => v === memberId),
            `distinct _owner showed other members: ${toJson(values).slice(0, 200)}`,
          );
        }
        const orders = await attack(
          t,
          `visitor queries Orders with ${toJson(f)?.slice(0, 200)}`,
          post('visitor', `${pre}/items/query`, toJson({ dataCollectionId: 'Orders', query: { filter: f } })),
          `${pre}/items/query`,
        );
        assert.ok(orders.status >= 400, `a visitor read admin-only Orders (${orders.status})`);
      }),
      params(30),
    );
  });

  it('no write with hostile ids, data or conditions changes another member’s Notes', async () => {
    const owner = { kind: 'owner' as const, id: t.p.owner.id };
    const river = t.p.services.directory.findMemberByEmail('river@example.com')!.id;
    const theirs = () => toJson(t.p.services.items.query(owner, MEMBER_NOTES, { filter: { _owner: river }, paging: { limit: 1000 } }, false).dataItems);
    const ids = (JSON.parse(theirs()) as { id: string }[]).map((i) => i.id);
    const before = theirs();
    await check(
      'write isolation',
      fc.asyncProperty(
        prefix,
        fc.constantFrom(
          '/items',
          '/items/update',
          '/items/save',
          '/items/remove',
          '/bulk/items/save',
          '/bulk/items/update',
          '/bulk/items/remove',
          '/items/truncate',
        ),
        fc.constantFrom(...ids),
        hostileData,
        filter,
        async (pre, route, id, data, condition) => {
          const dataItem = {
            id,
            data: { ...(typeof data === 'object' && data !== null ? data : {}), _id: id, _owner: 'a3c1f0de-0000-4000-8000-00000000d3e0' },
          };
          const body = route.startsWith('/bulk')
            ? route.endsWith('remove')
              ? { dataCollectionId: MEMBER_NOTES, dataItemIds: [id] }
              : { dataCollectionId: MEMBER_NOTES, dataItems: [dataItem] }
            : route === '/items/remove'
              ? { dataCollectionId: MEMBER_NOTES, dataItemId: id, condition: { filter: condition } }
              : { dataCollectionId: MEMBER_NOTES, dataItem, condition: { filter: condition } };
          await attack(t, `member ${route} on another member's note ${id}`, post('member', `${pre}${route}`, toJson(body)), `${pre}${route}`);
          assert.equal(theirs(), before, `member ${route} changed another member's notes`);
        },
      ),
      params(30),
    );
  });

  it('fields and sort lists of any length (up to 250,000 fields and 20,000 sort terms) and filters up to 20,000 deep or 50,000 wide answer 200 or a typed 400', async () => {
    await check(
      'long fields/sort lists',
      fc.asyncProperty(prefix, fc.constantFrom<Role>('visitor', 'apiKey'), fieldsList, sortList, deepFilterJson, async (pre, role, fields, sort, deep) => {
        await attack(
          t,
          `query ${fields.length} fields, ${sort.length} sort terms as ${role}`,
          post(role, `${pre}/items/query`, toJson({ dataCollectionId: PRODUCTS, query: { fields, sort, paging: { limit: 5 } } })),
          `${pre}/items/query`,
        );
        await attack(
          t,
          `deep/wide filter ${deep.slice(0, 60)}… (${deep.length} chars) as ${role}`,
          post(role, `${pre}/items/count`, `{"dataCollectionId":"${PRODUCTS}","filter":${deep}}`),
          `${pre}/items/count`,
        );
      }),
      params(8),
    );
  });

  it('bursts of concurrent hostile writes and reads (a write that plants keys racing reads that project them)', async () => {
    await check(
      'concurrent bursts',
      fc.asyncProperty(
        prefix,
        fc.array(
          fc.oneof(
            fc.record({ kind: fc.constant('insert' as const), role: writer, data: hostileData }),
            fc.record({ kind: fc.constant('query' as const), role: writer, fields: fc.array(hostilePath, { maxLength: 4 }), f: filter }),
            fc.record({ kind: fc.constant('distinct' as const), role: writer, fieldName: hostilePath }),
          ),
          { minLength: 2, maxLength: 12 },
        ),
        async (pre, ops) => {
          const requests = ops.map((op) => {
            if (op.kind === 'insert')
              return { path: `${pre}/items`, go: post(op.role, `${pre}/items`, `{"dataCollectionId":"${OPEN}","dataItem":{"data":${toJson(op.data)}}}`) };
            if (op.kind === 'query')
              return {
                path: `${pre}/items/query`,
                go: post(op.role, `${pre}/items/query`, toJson({ dataCollectionId: OPEN, query: { fields: op.fields, filter: op.f } })),
              };
            return {
              path: `${pre}/items/query-distinct-values`,
              go: post(op.role, `${pre}/items/query-distinct-values`, toJson({ dataCollectionId: OPEN, fieldName: op.fieldName })),
            };
          });
          await burst(t, `burst of ${ops.length}: ${ops.map((o) => o.kind).join(', ')}`, requests);
        },
      ),
      params(20),
    );
  });

  it('after all of the above, no credential reached the request log or the error output', () => {
    assertNoCredentialLogged(t);
  });

  it('random JSON bodies on every data route, as every caller', async () => {
    const routes = [
      '/items',
      '/items/query',
      '/items/get',
      '/items/update',
      '/items/save',
      '/items/remove',
      '/items/truncate',
      '/items/count',
      '/items/query-distinct-values',
      '/bulk/items/insert',
      '/bulk/items/save',
      '/bulk/items/update',
      '/bulk/items/remove',
      '/collections',
      '/items/aggregate',
    ];
    await check(
      'random data bodies',
      fc.asyncProperty(
        prefix,
        fc.constantFrom(...routes),
        fc.constantFrom<Role>('none', 'visitor', 'member', 'owner', 'apiKey'),
        anyJson,
        async (pre, route, role, body) => {
          // Truncate only ever reaches the fuzz suite's own open collection.
          const safe =
            route === '/items/truncate' && body && typeof body === 'object' && (body as { dataCollectionId?: unknown }).dataCollectionId !== OPEN
              ? { ...body, dataCollectionId: OPEN }
              : body;
          await attack(t, `POST ${route} ${toJson(safe)?.slice(0, 300)} as ${role}`, post(role, `${pre}${route}`, toJson(safe) ?? 'null'), `${pre}${route}`);
        },
      ),
      params(60),
    );
  });
});
