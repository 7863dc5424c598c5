/**
 * The light Data Items client (elements/core/data-client.ts) against the official one: for the same calls, the same
 * requests (method, URL, body, Authorization) and the same decoded answers (items with their Dates, paging metadata,
 * the typed error), first against the platform mounted on the test server, then, for get, insert, patch and the
 * include options, against a fake fetch that records both clients' requests and answers the same canned bodies.
 * Both clients share one session; the official one is @wix/sdk's createClient with @wix/data's items module, as the
 * elements used it before (client.ts's createClientWith).
 */
import { expect } from '@open-wc/testing';
import fc from 'fast-check';
import { items } from '@wix/data';
import { createClientWith } from '../../elements/core/client.ts';
import {
  dataContext,
  getItem,
  insertItem,
  patchItem,
  queryItems,
  type FieldModification,
  type QueryOptions,
  type QueryRequest,
} from '../../elements/core/data-client.ts';
import { SessionError, toSessionError } from '../../elements/core/errors.ts';
import { Session } from '../../elements/core/session.ts';
import { addFault, anonymousToken, clearFaults } from './helpers.ts';

interface Sent {
  method: string;
  url: string;
  body: string | undefined;
  authorization: string | null;
  contentType: string | null;
}

type Answer = (request: Request) => Response | Promise<Response>;

/** Runs `call` with window.fetch recording every request (and answering with `answer` when given, else the real fetch). */
async function record<T>(call: () => Promise<T>, answer?: Answer): Promise<{ sent: Sent[]; result?: T; error?: unknown }> {
  const original = window.fetch;
  const sent: Sent[] = [];
  window.fetch = async (input: RequestInfo | URL, init?: RequestInit) => {
    const request = new Request(input, init);
    sent.push({
      method: request.method,
      url: request.url,
      body: request.method === 'GET' ? undefined : await request.clone().text(),
      authorization: request.headers.get('authorization'),
      contentType: request.headers.get('content-type'),
    });
    return answer ? answer(request) : original(input, init);
  };
  try {
    return { sent, result: await call() };
  } catch (error) {
    return { sent, error };
  } finally {
    window.fetch = original;
  }
}

const session = new Session(anonymousToken);
const host = location.host;
const light = dataContext(session, { apiBaseUrl: host });
const official = createClientWith(session, { items }, { apiBaseUrl: host });

/** The decoded body of a `.r` GET (for readable failure messages). */
const dotR = (url: string) => {
  const r = new URL(url).searchParams.get('.r');
  return r === null ? undefined : new TextDecoder().decode(Uint8Array.from(atob(r.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0)));
};

/** Both clients make the same query: same requests, same items and paging metadata (or the same typed error). */
async function sameQuery(collection: string, request: QueryRequest, options?: QueryOptions, answer?: Answer) {
  const theirs = await record(() => official.items.query(collection, request as never, options as never), answer);
  const ours = await record(() => queryItems(light, collection, request, options), answer);
  expect(
    ours.sent.map((s) => dotR(s.url) ?? s.body),
    'decoded request',
  ).to.deep.equal(theirs.sent.map((s) => dotR(s.url) ?? s.body));
  expect(ours.sent, 'requests').to.deep.equal(theirs.sent);
  if (theirs.error !== undefined) {
    const expected = toSessionError(theirs.error);
    expect(ours.error, 'a typed error').to.be.instanceOf(SessionError);
    const { kind, code, message } = ours.error as SessionError;
    // Where the SDK's message is empty (a body without a Wix error), the light client gives the kind's plain words.
    expect({ kind, code, message }).to.deep.equal({
      kind: expected.kind,
      code: expected.code,
      message: expected.message || new SessionError(expected.kind).message,
    });
  } else {
    expect(ours.error, 'no error').to.equal(undefined);
    expect(ours.result).to.deep.equal(theirs.result);
  }
  return ours;
}

before(async () => {
  await session.token();
});

afterEach(async () => {
  await clearFaults();
});

describe('light data client: queries against the platform, request by request with @wix/data', () => {
  it('a query with nothing set', async () => {
    const { sent, result } = await sameQuery('Numbers', {});
    expect(sent).to.have.length(1);
    expect(sent[0]!.method).to.equal('GET');
    expect(sent[0]!.url).to.match(new RegExp(`^https://${host}/_api/cloud-data/v2/items/query\\?\\.r=[\\w-]+$`));
    expect(result!.items.length).to.be.greaterThan(0);
  });

  it('filter, sort, paging and returnTotalCount, as the list and the table send them', async () => {
    const { result } = await sameQuery(
      'Numbers',
      { filter: { parity: 'odd', n: { $gt: 4 } }, sort: [{ fieldName: 'n', order: 'DESC' }], paging: { limit: 5, offset: 2 } },
      { returnTotalCount: true },
    );
    expect(result!.items.map((i) => i['n'])).to.deep.equal([19, 17, 15, 13, 11]);
    expect(result!.pagingMetadata.total).to.equal(10);
  });

  it('$and / $or / $in / $contains / $startsWith, ascending sort, a first page without offset', async () => {
    await sameQuery('Numbers', {
      filter: { $or: [{ n: { $in: [1, 2, 3] } }, { $and: [{ title: { $contains: 'umber 2' } }, { title: { $startsWith: 'Num' } }] }] },
      sort: [{ fieldName: 'title', order: 'ASC' }],
      paging: { limit: 50, offset: 0 },
    });
  });

  it('only an offset, only some fields, consistentRead', async () => {
    await sameQuery('Numbers', { paging: { offset: 20 }, fields: ['title'] }, { consistentRead: true });
  });

  it('Dates in the filter travel as {"$date"} and Dates in the items come back as Date objects', async () => {
    const { result } = await sameQuery(
      'TableItems',
      { filter: { added: { $gte: new Date(Date.UTC(2026, 0, 1, 5)) } }, sort: [{ fieldName: 'added', order: 'ASC' }], paging: { limit: 3, offset: 0 } },
      { returnTotalCount: true },
    );
    expect(result!.items[0]!['added']).to.be.instanceOf(Date);
    expect((result!.items[0]!['added'] as Date).toISOString()).to.equal('2026-01-01T05:00:00.000Z');
    expect(result!.items[0]!['_createdDate']).to.be.instanceOf(Date);
  });

  it('non-ASCII text in the filter (the .r body is base64url of UTF-8)', async () => {
    await sameQuery('XssCorpus', { filter: { title: { $contains: 'é “quotes” 🦄 <script>' } } });
  });

  it('includeReferences: the referenced item comes back whole', async () => {
    const { result } = await sameQuery(
      'Products',
      { paging: { limit: 3, offset: 0 } },
      { includeReferences: [{ field: 'brandRef' }, { field: 'tagRefs', limit: 2 }] },
    );
    expect(result!.items.some((i) => i['brandRef'] instanceof Object)).to.equal(true);
  });

  it('a request too long for a GET URL goes as a POST with the same body', async () => {
    const many = Array.from({ length: 400 }, (_, i) => `title number ${i}`);
    const { sent } = await sameQuery('Numbers', { filter: { title: { $in: many } } });
    expect(sent[0]!.method).to.equal('POST');
    expect(sent[0]!.url).to.equal(`https://${host}/_api/cloud-data/v2/items/query`);
    expect(sent[0]!.contentType).to.equal('application/json');
  });

  it('errors: a missing collection, a forbidden one, a limit above the maximum, a bad filter', async () => {
    const missing = await sameQuery('NoSuchCollection', {});
    expect((missing.error as SessionError).kind).to.equal('not-found');
    const forbidden = await sameQuery('Orders', {});
    expect((forbidden.error as SessionError).kind).to.equal('forbidden');
    const tooMany = await sameQuery('Numbers', { paging: { limit: 5000, offset: 0 } });
    expect((tooMany.error as SessionError).kind).to.equal('validation');
    await sameQuery('Numbers', { filter: { n: { $nope: 1 } } });
  });

  it('a 429 and a 5xx from the platform become rate-limited and server errors, as through the SDK', async () => {
    await addFault({ path: '/_api/cloud-data/v2/items/query', status: 429, times: 2 });
    const limited = await sameQuery('Numbers', {});
    expect((limited.error as SessionError).kind).to.equal('rate-limited');
    await addFault({ path: '/_api/cloud-data/v2/items/query', status: 503, times: 2 });
    const down = await sameQuery('Numbers', {});
    expect((down.error as SessionError).kind).to.equal('server');
  });
});

/** A canned Wix answer (JSON) for the fake fetch. */
const json = (status: number, body: unknown) => new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
const stored = { _id: 'a-1', title: 'Stored', when: { $date: '2024-01-02T03:04:05.000Z' }, nested: [{ at: { $date: '2023-05-06T07:08:09.000Z' } }] };

describe('light data client: get, insert, patch and the include options, request shapes against @wix/data (fake fetch)', () => {
  const item = () => json(200, { dataItem: { id: 'a-1', dataCollectionId: 'Products', data: stored } });

  it('get: the same GET with query parameters, the same item; a missing item is null', async () => {
    const theirs = await record(() => official.items.get('Products', 'a-1'), item);
    const ours = await record(() => getItem(light, 'Products', 'a-1'), item);
    expect(ours.sent).to.deep.equal(theirs.sent);
    expect(ours.sent[0]!.url).to.equal(`https://${host}/_api/cloud-data/v2/items/a-1?dataCollectionId=Products&dataItemId=a-1`);
    expect(ours.result).to.deep.equal(theirs.result);
    expect((ours.result as Record<string, unknown>)['when']).to.be.instanceOf(Date);
    const missing = () => json(404, { message: 'Item a-2 not found', details: { applicationError: { code: 'WDE0073', description: 'Item not found' } } });
    expect((await record(() => getItem(light, 'Products', 'a-2'), missing)).result).to.equal(null);
    expect((await record(() => official.items.get('Products', 'a-2'), missing)).result).to.equal(null);
  });

  it('get with includeReferences: the whole request as .r, as @wix/sdk sends it', async () => {
    const includeReferences = [{ field: 'brandRef' }, { field: 'tagRefs', limit: 3 }];
    const theirs = await record(() => official.items.get('Products', 'a-1', { includeReferences } as never), item);
    const ours = await record(() => getItem(light, 'Products', 'a-1', { includeReferences }), item);
    expect(dotR(ours.sent[0]!.url)).to.equal(dotR(theirs.sent[0]!.url));
    expect(ours.sent).to.deep.equal(theirs.sent);
  });

  it('insert: the same POST body (Dates as $date, the _id as dataItem.id), the same stored item', async () => {
    const input = { _id: 'a-1', title: 'New', when: new Date('2024-01-02T03:04:05.000Z'), list: [new Date(0), 'x'], invalid: new Date(NaN) };
    const theirs = await record(() => official.items.insert('Products', input), item);
    const ours = await record(() => insertItem(light, 'Products', input), item);
    expect(ours.sent).to.deep.equal(theirs.sent);
    expect(JSON.parse(ours.sent[0]!.body!)).to.deep.equal({
      dataCollectionId: 'Products',
      dataItem: {
        id: 'a-1',
        data: { _id: 'a-1', title: 'New', when: { $date: '2024-01-02T03:04:05.000Z' }, list: [{ $date: '1970-01-01T00:00:00.000Z' }, 'x'], invalid: {} },
      },
    });
    expect(ours.result).to.deep.equal(theirs.result);
    const withoutId = { title: 'No id yet' };
    expect((await record(() => insertItem(light, 'Products', withoutId), item)).sent).to.deep.equal(
      (await record(() => official.items.insert('Products', withoutId), item)).sent,
    );
  });

  it('insert with includeReferences: includeReferencedItems, as @wix/data sends it', async () => {
    const theirs = await record(() => official.items.insert('Products', { title: 't' }, { includeReferences: ['brandRef'] } as never), item);
    const ours = await record(() => insertItem(light, 'Products', { title: 't' }, { includeReferences: ['brandRef'] }), item);
    expect(ours.sent).to.deep.equal(theirs.sent);
    expect(JSON.parse(ours.sent[0]!.body!).includeReferencedItems).to.deep.equal(['brandRef']);
  });

  it('patch: every kind of field modification, the same body and item', async () => {
    const modifications: FieldModification[] = [
      { action: 'SET_FIELD', fieldPath: 'title', value: 'z' },
      { action: 'SET_FIELD', fieldPath: 'when', value: new Date(0) },
      { action: 'INCREMENT_FIELD', fieldPath: 'n', value: 2 },
      { action: 'APPEND_TO_ARRAY', fieldPath: 'tags', value: 't' },
      { action: 'REMOVE_FROM_ARRAY', fieldPath: 'tags', value: 'u' },
      { action: 'REMOVE_FIELD', fieldPath: 'old' },
    ];
    const theirs = await record(() => official.items.patch('Products', 'a-1', modifications as never), item);
    const ours = await record(() => patchItem(light, 'Products', 'a-1', modifications), item);
    expect(ours.sent).to.deep.equal(theirs.sent);
    expect(ours.result).to.deep.equal(theirs.result);
  });

  it('query with includeReferences through the fake: the same .r request', async () => {
    const page = () => json(200, { dataItems: [{ id: 'a-1', data: stored }], pagingMetadata: { count: 1, offset: 0, total: 1 } });
    await sameQuery('Products', { paging: { limit: 10, offset: 0 } }, { includeReferences: [{ field: 'brandRef', limit: 1 }], returnTotalCount: true }, page);
  });

  it('a validation error body: the same kind and message (the message and one line per violation)', async () => {
    const invalid = () =>
      json(400, { message: 'Bad request', details: { validationError: { fieldViolations: [{ field: 'paging.limit', description: 'too big' }] } } });
    const { error } = await sameQuery('Numbers', {}, undefined, invalid);
    expect((error as SessionError).message).to.equal('Bad request\npaging.limit: too big');
  });
});

describe('light data client: hostile answers and the session rules', () => {
  it('a prototype key in an item stays an own field and pollutes nothing', async () => {
    const answer = () =>
      new Response('{"dataItems":[{"data":{"_id":"p","__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}}],"pagingMetadata":{}}', {
        status: 200,
      });
    const { result } = await record(() => queryItems(light, 'Numbers', {}), answer);
    const [first] = result!.items;
    expect(Object.hasOwn(first!, '__proto__')).to.equal(true);
    expect(({} as Record<string, unknown>)['polluted']).to.equal(undefined);
    expect(Object.getPrototypeOf(first)).to.equal(Object.prototype);
  });

  it('malformed answers are typed server errors, never a crash: not JSON, no dataItems, items that are not objects', async () => {
    for (const body of ['<html>', '{}', '{"dataItems":"x"}', '{"dataItems":[1]}', '{"dataItems":[{"data":[]}]}', 'null']) {
      const { error } = await record(
        () => queryItems(light, 'Numbers', {}),
        () => new Response(body, { status: 200 }),
      );
      expect(error, body).to.be.instanceOf(SessionError);
      expect((error as SessionError).kind, body).to.equal('server');
    }
  });

  it('an error status with no JSON body is typed by its status', async () => {
    const cases: [number, string][] = [
      [429, 'rate-limited'],
      [502, 'server'],
      [403, 'forbidden'],
      [404, 'not-found'],
    ];
    for (const [status, kind] of cases) {
      const { error } = await record(
        () => queryItems(light, 'Numbers', {}),
        () => new Response('<html>bad gateway</html>', { status }),
      );
      expect((error as SessionError).kind, String(status)).to.equal(kind);
      expect((error as SessionError).status, String(status)).to.equal(status);
    }
  });

  it('a failed fetch is a network error', async () => {
    const { error } = await record(
      () => queryItems(light, 'Numbers', {}),
      () => Promise.reject(new TypeError('Failed to fetch')),
    );
    expect((error as SessionError).kind).to.equal('network');
  });

  it('after a 401 the token is renewed once and the call sent once more; a second 401 is unauthenticated, never a loop', async () => {
    let tokens = 0;
    const own = new Session(async () => `token-${++tokens}`);
    const context = dataContext(own, { apiBaseUrl: host });
    const page = () => json(200, { dataItems: [], pagingMetadata: {} });
    let first = true;
    const once = await record(
      () => queryItems(context, 'Numbers', {}),
      () => (first ? ((first = false), json(401, { message: 'expired' })) : page()),
    );
    expect(once.error).to.equal(undefined);
    expect(once.sent.map((s) => s.authorization)).to.deep.equal(['token-1', 'token-2']);
    expect(own.stats).to.deep.equal({ acquisitions: 2, renewals: 1 });
    const always = await record(
      () => queryItems(context, 'Numbers', {}),
      () => json(401, { message: 'expired' }),
    );
    expect(always.sent).to.have.length(2);
    expect((always.error as SessionError).kind).to.equal('unauthenticated');
  });

  it('50 concurrent calls on a cold session: one token request', async () => {
    let tokens = 0;
    const cold = new Session(async () => {
      tokens++;
      return anonymousToken();
    });
    const context = dataContext(cold, { apiBaseUrl: host });
    const results = await Promise.all(Array.from({ length: 50 }, (_, i) => queryItems(context, 'Numbers', { paging: { limit: 1, offset: i % 23 } })));
    expect(results.every((r) => r.items.length === 1)).to.equal(true);
    expect(tokens).to.equal(1);
  });

  it('property: for random filters, sorts and paging, the same request as @wix/data (fake fetch)', async () => {
    const page = () => json(200, { dataItems: [], pagingMetadata: {} });
    const scalar = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double({ noNaN: true, noDefaultInfinity: true }),
      fc.boolean(),
      fc.constant(null),
      fc.date({ noInvalidDate: true }),
    );
    const value = fc.letrec((tie) => ({
      node: fc.oneof(
        { depthSize: 'small' },
        scalar,
        fc.array(tie('node'), { maxLength: 4 }),
        fc.dictionary(fc.string({ maxLength: 8 }), tie('node'), { maxKeys: 4 }),
      ),
    })).node;
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ minLength: 1, maxLength: 12 }), value, { maxKeys: 5 }),
        fc.array(fc.record({ fieldName: fc.string({ minLength: 1, maxLength: 12 }), order: fc.constantFrom('ASC' as const, 'DESC' as const) }), {
          maxLength: 3,
        }),
        fc.option(fc.record({ limit: fc.integer({ min: 1, max: 1000 }), offset: fc.nat(10_000) }), { nil: undefined }),
        fc.boolean(),
        async (filter, sort, paging, returnTotalCount) => {
          const request: QueryRequest = { filter, sort, ...(paging ? { paging } : {}) };
          const theirs = await record(() => official.items.query('Numbers', request as never, { returnTotalCount } as never), page);
          const ours = await record(() => queryItems(light, 'Numbers', request, { returnTotalCount }), page);
          expect(ours.sent).to.deep.equal(theirs.sent);
        },
      ),
      { numRuns: 150 },
    );
  });
});
