/**
 * Bad input to every data-admin web method, generated with fast-check and sent through the local RPC endpoint
 * (`POST /_webMethods/data-admin.web/<name>`) as a caller who IS allowed to call the method, so that what is
 * tested is the argument check, not the permission check:
 *
 * - wrong types (numbers, booleans, null, arrays, nested and operator objects where strings or ints belong),
 *   huge strings (10k–100k characters), out-of-range and fractional numbers, numbers as strings ("NaN", "1e3"),
 *   unknown keys, prototype-pollution keys (`__proto__`, `constructor`, `prototype` as real own keys),
 *   injection strings (SQL, `$ne` operators, `<script>`, `../`, NUL, RTL override), credentials as values and
 *   keys, nesting past the depth limit, and missing required fields;
 * - every one must answer HTTP 200 with `{ ok: false, code: 'VALIDATION', issues: [...] }`;
 * - afterwards Orders, ContactRequests and Products are byte-for-byte what they were, every invalid Admin call
 *   left one 'invalid' audit record, and no audit record holds a secret value or a token.
 *
 * A few hand-written valid inputs per method show that the validator does not simply refuse everything.
 * Set FC_SEED (and FC_PATH) to replay a failing run.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { DEMO_MEMBER, DEMO_OWNER } from '../../demo/seed/index.ts';
import type { Caller } from '../../platform/index.ts';
import { ORDER_STATUSES } from '../../velo-backend/data-admin.web.ts';
import { callWebMethod, startVeloPlatform, tokenFor, type VeloTestPlatform } from './helpers.ts';

const MODULE = 'data-admin.web';
const NUM_RUNS = Number(process.env['FC_RUNS'] ?? 400);
const SNAPSHOT_COLLECTIONS = ['Orders', 'ContactRequests', 'Products'] as const;
const ADMIN_METHODS = ['listOrders', 'updateOrderStatus', 'queryOrdersForBridge'] as const;
const SORTABLE = ['orderNumber', 'placedAt', 'total', 'status'];
const STATUSES: readonly string[] = ORDER_STATUSES;
const UUID = /^[\da-f]{8}(?:-[\da-f]{4}){3}-[\da-f]{12}$/i;

type Who = 'owner' | 'member' | 'visitor';
type MethodName = 'listOrders' | 'updateOrderStatus' | 'myOrders' | 'categoryCounts' | 'submitContactRequest' | 'queryOrdersForBridge';

let p: VeloTestPlatform;
let owner: Caller;
const tokens = {} as Record<Who, string>;
/** Collections as the owner saw them before any bad input was sent. */
const before_: Record<string, string> = {};
/** How many invalid calls each Admin method received (each must have left exactly one 'invalid' audit record). */
const invalidAdminCalls: Record<string, number> = Object.fromEntries(ADMIN_METHODS.map((m) => [m, 0]));
/** Credentials that bad inputs carry as values and keys: the redaction of audit details is tested with them. */
let credentials: string[] = [];

function snapshot(collection: string): string {
  const page = p.services.items.query(owner, collection, { paging: { limit: 1000 } }, true);
  assert.equal(page.pagingMetadata['hasNext'], false, `${collection} fits in one page`);
  return JSON.stringify(page);
}

function auditRecords(): Record<string, unknown>[] {
  const page = p.services.items.query(owner, 'AuditLog', { paging: { limit: 1000 } }, true);
  let all = page.dataItems.map((item) => item.data);
  for (let offset = 1000; page.pagingMetadata['total'] !== undefined && offset < Number(page.pagingMetadata['total']); offset += 1000) {
    all = all.concat(p.services.items.query(owner, 'AuditLog', { paging: { limit: 1000, offset } }, false).dataItems.map((item) => item.data));
  }
  return all;
}

before(async () => {
  // The rate limit is not under test here, and FC_RUNS may be set far above the default for a long soak.
  p = await startVeloPlatform({ velo: { rateLimitPerMinute: 1_000_000 } });
  owner = { kind: 'owner', id: p.owner.id };
  tokens.owner = await tokenFor(p, { email: DEMO_OWNER.email });
  tokens.member = await tokenFor(p, { email: DEMO_MEMBER.email });
  tokens.visitor = await tokenFor(p, 'visitor');
  // Keys and tokens only: the site id is a secret too, but it is also a valid UUID, so it is not used as bad input.
  credentials = [...p.secrets.values().filter((value) => value.startsWith('IST.')), p.apiKey, tokens.owner, `Bearer ${tokens.member}`];
  for (const c of SNAPSHOT_COLLECTIONS) before_[c] = snapshot(c);
});

after(async () => {
  await p.stop();
});

// ---------------------------------------------------------------------------------------------------------------
// Building blocks
// ---------------------------------------------------------------------------------------------------------------

/** Sets an own, enumerable property even for `__proto__` (plain assignment would set the prototype instead). */
function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

const INJECTION = [
  "'; DROP TABLE Orders; --",
  "' OR '1'='1' --",
  '" OR ""="',
  '1; DELETE FROM AuditLog',
  '{"$ne":null}',
  '{"$gt":""}',
  '<script>alert(document.cookie)</script>',
  '"><img src=x onerror=alert(1)>',
  'javascript:alert(1)',
  '../../../../etc/passwd',
  '..\\..\\..\\windows\\win.ini',
  '%2e%2e%2f%2e%2e%2fsecrets.json',
  'Orders\u0000',
  '\u0000',
  'PAID\u0000DELIVERED',
  '\u202eDIAP',
  '\u202dPAID\u202c',
  '\u200bPAID',
  'PAID\u200f',
  '${process.env.WIX_SECRET_DATA_ADMIN_API_KEY}',
  '{{constructor.constructor("return process")()}}',
  '__proto__',
  'constructor',
  '\ud800',
  '*',
  '%',
  'orderNumber DESC; DROP TABLE x',
  "json_extract(data, '$.customerEmail')",
];

const OPERATORS: Record<string, unknown>[] = [
  { $ne: null },
  { $gt: '' },
  { $regex: '.*' },
  { $where: 'sleep(1000)' },
  { $in: ['PAID', 'SHIPPED'] },
  { $exists: true },
  { $or: [{ status: 'PAID' }, { status: 'PENDING' }] },
];

const CONTROL = ['\u0000', '\u0001', '\u0007', '\u0008', '\u000b', '\u000c', '\u000e', '\u001b', '\u001f', '\u007f'];
const WHITESPACE = [' ', '   ', '\t', '\n\r\t ', '\u00a0', '\u2003', '\ufeff', '\u2028'];

/** Any JSON value that survives JSON.stringify as itself (no undefined, no NaN). */
const json = fc.jsonValue({ maxDepth: 3 });

/** 10k–100k characters of one repeated unit (ASCII, multi-byte, RTL override, SQL, markup or NUL). */
const huge = fc
  .record({ n: fc.integer({ min: 10_000, max: 100_000 }), unit: fc.constantFrom('a', 'x ', '€', '\u202e', "'; DROP TABLE x; --", '<script>', '\u0000', '😀') })
  .map(({ n, unit }) => unit.repeat(Math.ceil(n / unit.length)).slice(0, n));

/** 21–400 levels of arrays or objects: past the validator's depth limit of 20. */
const deep = fc.record({ depth: fc.integer({ min: 21, max: 400 }), asObject: fc.boolean() }).map(({ depth, asObject }) => {
  let value: unknown = 'bottom';
  for (let i = 0; i < depth; i++) value = asObject ? { a: value } : [value];
  return value;
});

/** An object with hundreds to thousands of keys. */
const manyKeys = fc.integer({ min: 200, max: 3000 }).map((n) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i])));

const injection = fc.constantFrom(...INJECTION);
const operator = fc.constantFrom(...OPERATORS);
const credential = () => fc.constantFrom(...credentials);

/** Strings that are not valid in a strict position: credentials, injection, huge or arbitrary text. */
const withControl = fc.tuple(fc.string({ maxLength: 20 }), fc.constantFrom(...CONTROL), fc.string({ maxLength: 20 })).map(([a, c, b]) => `${a}${c}${b}`);

const notString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(json, { maxLength: 4 }),
  operator,
  fc.dictionary(fc.string({ maxLength: 10 }), json, { maxKeys: 4 }),
  deep,
);

const notNumber = fc.oneof(
  fc.constantFrom('NaN', 'Infinity', '-Infinity', '1', '20', '0x10', '1e3', '', ' 5', '5 ', '١٢'),
  injection,
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer({ min: 1, max: 10 }), { maxLength: 3 }),
  operator,
  fc.dictionary(fc.string({ maxLength: 10 }), json, { maxKeys: 3 }),
  json.filter((v) => typeof v !== 'number'),
  huge,
);

/** Not an integer in [min, max]: below, above, fractional, astronomically large, or not a number at all. */
const badInt = (min: number, max: number) =>
  fc.oneof(
    { weight: 2, arbitrary: fc.integer({ min: -2_000_000_000, max: min - 1 }) },
    { weight: 2, arbitrary: fc.integer({ min: max + 1, max: 2_000_000_000 }) },
    { weight: 2, arbitrary: fc.double({ min: min - 1, max: max + 1, noNaN: true, noDefaultInfinity: true }).filter((d) => !Number.isInteger(d)) },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        1e300,
        -1e300,
        2 ** 53 + 2,
        -(2 ** 53),
        Number.MAX_VALUE,
        Number.MIN_VALUE,
        -Number.MIN_VALUE,
        0.5,
        99.99,
        100.000001,
        min - 0.5,
      ),
    },
    { weight: 3, arbitrary: notNumber },
  );

/** Not a member of `allowed`. */
const badChoice = (allowed: readonly string[], extra: string[] = []) =>
  fc.oneof(
    fc.string().filter((s) => !allowed.includes(s)),
    fc.constantFrom(
      ...allowed.flatMap((a) => [a.toLowerCase(), ` ${a}`, `${a} `, `${a}\u0000`, `${a},${a}`, `\u202e${a}`]).filter((s) => !allowed.includes(s)),
      ...extra,
    ),
    injection,
    credential(),
    huge,
    notString,
  );

/** Not bounded plain text: wrong type, too long, control characters, empty (and blank when `trimmed`). */
const badText = (max: number, trimmed: boolean) =>
  fc.oneof(
    notString,
    huge,
    fc.string({ minLength: max + 1, maxLength: max + 50 }),
    withControl,
    injection.map((s) => `${s}\u0000`),
    fc.constant(''),
    ...(trimmed ? [fc.constantFrom(...WHITESPACE)] : []),
  );

const badEmail = fc.oneof(
  notString,
  fc.string().filter((s) => !s.includes('@')),
  fc.constantFrom(
    'a@',
    '@example.com',
    'a@b',
    'a@b.c',
    'a b@example.com',
    'a@example.com\n',
    'a@@example.com',
    'a@example..com',
    '<script>@x.co',
    "x'--@example.com",
    `${'a'.repeat(250)}@example.com`,
  ),
  injection,
  huge,
);

const badUuid = fc.oneof(
  notString,
  fc.string().filter((s) => !UUID.test(s)),
  fc.uuid().chain((u) => fc.constantFrom(`${u}x`, `{${u}}`, u.replace(/-/g, ''), `${u}\n`, ` ${u}`, u.slice(1), `${u}' OR 1=1 --`, `${u}\u0000`)),
  injection,
  huge,
);

/** Not a JSON object, empty arrays included. */
const notObject = (allowNull: boolean) =>
  fc.oneof(
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    ...(allowNull ? [] : [fc.constant(null)]),
    fc.string(),
    injection,
    huge,
    fc.array(json, { minLength: 0, maxLength: 4 }),
    deep.filter((d) => Array.isArray(d)),
  );

/** Not an array. */
const notArray = fc.oneof(
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.string(),
  injection,
  operator,
  fc.dictionary(fc.string({ maxLength: 5 }), json, { minKeys: 1, maxKeys: 3 }),
);

/** A value that is not a boolean. */
const notBoolean = fc.oneof(
  fc.constantFrom('true', 'false', 0, 1, null, 'yes'),
  json.filter((v) => typeof v !== 'boolean'),
);

interface Field {
  valid: fc.Arbitrary<unknown>;
  bad: fc.Arbitrary<unknown>;
  required?: boolean;
}
type Shape = Record<string, Field>;

const validObject = (shape: Shape): fc.Arbitrary<Record<string, unknown>> => {
  const required = Object.entries(shape)
    .filter(([, f]) => f.required)
    .map(([k]) => k);
  return fc.record(Object.fromEntries(Object.entries(shape).map(([k, f]) => [k, f.valid])), { requiredKeys: required }) as fc.Arbitrary<
    Record<string, unknown>
  >;
};

type Mutation = { kind: 'set' | 'extra' | 'pollute'; key: string; value: unknown } | { kind: 'drop'; key: string };

const POLLUTION_VALUES: unknown[] = [{ isAdmin: true }, { polluted: 'yes' }, { prototype: { polluted: 'yes' } }, { toString: 'x' }, null, 'x', 1];

/** An unknown key: arbitrary text, look-alikes of known keys, operator names, Object.prototype names, credentials. */
const unknownKey = (known: string[]) =>
  fc
    .oneof(
      fc.string({ maxLength: 30 }),
      fc.constantFrom(
        'isAdmin',
        'role',
        '$where',
        '$or',
        'filter',
        'where',
        'toString',
        'hasOwnProperty',
        'valueOf',
        '__defineGetter__',
        '__lookupSetter__',
        '',
        ' ',
        ...known.flatMap((k) => [`${k} `, k.toUpperCase(), `${k}\u0000`]),
      ),
      injection,
      credential(),
      huge.map((s) => s.slice(0, 20_000)),
    )
    .filter((k) => !known.includes(k));

/**
 * An invalid object: a valid one of the shape with one to three faults: a bad field value, an unknown key,
 * a prototype-pollution key, or a missing required field.
 */
const badObject = (shape: Shape): fc.Arbitrary<Record<string, unknown>> => {
  const keys = Object.keys(shape);
  const required = keys.filter((k) => shape[k]!.required);
  const mutations: fc.WeightedArbitrary<Mutation>[] = [
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('extra' as const), key: unknownKey(keys), value: fc.oneof(json, operator, huge, manyKeys) }) },
    {
      weight: 2,
      arbitrary: fc.record({
        kind: fc.constant('pollute' as const),
        key: fc.constantFrom('__proto__', 'constructor', 'prototype'),
        value: fc.constantFrom(...POLLUTION_VALUES),
      }),
    },
  ];
  if (keys.length)
    mutations.push({ weight: 6, arbitrary: fc.constantFrom(...keys).chain((key) => shape[key]!.bad.map((value): Mutation => ({ kind: 'set', key, value }))) });
  if (required.length) mutations.push({ weight: 1, arbitrary: fc.constantFrom(...required).map((key): Mutation => ({ kind: 'drop', key })) });
  return fc.tuple(validObject(shape), fc.array(fc.oneof(...mutations), { minLength: 1, maxLength: 3 })).map(([base, list]) => {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(base)) setOwn(out, k, v);
    for (const m of list) {
      if (m.kind === 'drop') delete out[m.key];
      else setOwn(out, m.key, m.value);
    }
    return out;
  });
};

/** A field holding a nested object of `shape`: valid, or a bad nested object, or not an object at all. */
const nested = (shape: Shape, required = false): Field => ({
  valid: validObject(shape),
  bad: fc.oneof({ weight: 3, arbitrary: badObject(shape) }, { weight: 1, arbitrary: notObject(false) }),
  required,
});

const LIMIT: Field = { valid: fc.integer({ min: 1, max: 100 }), bad: badInt(1, 100) };
const OFFSET: Field = { valid: fc.integer({ min: 0, max: 100_000 }), bad: badInt(0, 100_000) };
/** A function: its bad values include the credentials, known only once the platform runs. */
const status = (): Field => ({ valid: fc.constantFrom(...STATUSES), bad: badChoice(STATUSES, ['ALL', 'CANCELLED', '']) });

/** The arguments of one RPC call: one input, or none at all. */
const NO_ARGS = Symbol('no arguments');
type Input = unknown;

interface MethodCase {
  who: Who;
  shape: Shape;
  /** Whether null (page code's "no argument") is a valid input, as it is for the methods whose input is optional. */
  nullable: boolean;
  /** Whether the input may be left out entirely. */
  optional: boolean;
}

function methodCases(orderIds: string[]): Record<MethodName, MethodCase> {
  const sortEntry: Shape = {
    fieldName: { valid: fc.constantFrom(...SORTABLE), bad: badChoice(SORTABLE, ['customerEmail', '_id', '_owner', 'data', 'ORDERNUMBER']), required: true },
    order: { valid: fc.constantFrom('ASC', 'DESC'), bad: badChoice(['ASC', 'DESC'], ['RANDOM()', '1']), required: true },
  };
  const validEntry = validObject(sortEntry);
  const badSort = fc.oneof(
    notArray,
    fc.array(validEntry, { minLength: 4, maxLength: 10 }),
    fc
      .tuple(fc.array(validEntry, { maxLength: 2 }), fc.oneof(badObject(sortEntry), notObject(false), fc.constant([])), fc.nat())
      .map(([entries, badEntry, at]) => {
        const list: unknown[] = [...entries];
        list.splice(at % (list.length + 1), 0, badEntry);
        return list;
      }),
  );
  const request: Shape = {
    filter: nested({ status: status() }),
    sort: { valid: fc.array(validEntry, { maxLength: 3 }), bad: badSort },
    paging: nested({ limit: LIMIT, offset: OFFSET }),
  };
  return {
    listOrders: { who: 'owner', nullable: true, optional: true, shape: { status: status(), limit: LIMIT, offset: OFFSET } },
    updateOrderStatus: {
      who: 'owner',
      nullable: false,
      optional: false,
      shape: { orderId: { valid: fc.constantFrom(...orderIds), bad: badText(100, false), required: true }, status: { ...status(), required: true } },
    },
    myOrders: { who: 'member', nullable: true, optional: true, shape: { limit: LIMIT, offset: OFFSET } },
    categoryCounts: { who: 'visitor', nullable: true, optional: true, shape: {} },
    submitContactRequest: {
      who: 'visitor',
      nullable: false,
      optional: false,
      shape: {
        name: { valid: fc.constantFrom('Ada Lovelace', 'Grace', 'Ω'), bad: badText(100, true), required: true },
        email: { valid: fc.constantFrom('ada@example.com', 'grace.hopper+test@example.org'), bad: badEmail, required: true },
        message: { valid: fc.constantFrom('Hello', 'Where is my order?'), bad: badText(2000, true), required: true },
        requestId: { valid: fc.uuid(), bad: badUuid, required: true },
      },
    },
    queryOrdersForBridge: {
      who: 'owner',
      nullable: false,
      optional: false,
      shape: {
        collection: {
          valid: fc.constant('Orders'),
          bad: badChoice(['Orders'], ['AuditLog', 'ContactRequests', 'Products', 'Orders/../AuditLog']),
          required: true,
        },
        request: nested(request),
        options: nested({ returnTotalCount: { valid: fc.boolean(), bad: notBoolean } }),
      },
    },
  };
}

/** Every bad input of one method: a faulty object (most), or a top-level value of the wrong type, or no argument. */
function badInputs(c: MethodCase): fc.Arbitrary<Input> {
  const wholes: fc.Arbitrary<Input>[] = [notObject(c.nullable), operator.map((o) => [o]), credential()];
  if (!c.optional) wholes.push(fc.constant(NO_ARGS));
  return fc.oneof({ weight: 8, arbitrary: badObject(c.shape) }, { weight: 2, arbitrary: fc.oneof(...wholes) });
}

async function call(method: MethodName, who: Who, input: Input) {
  return input === NO_ARGS ? callWebMethod(p, tokens[who], MODULE, method) : callWebMethod(p, tokens[who], MODULE, method, input);
}

/** Calls the method with a bad input and checks the answer is a VALIDATION envelope. */
async function expectInvalid(method: MethodName, who: Who, input: Input): Promise<void> {
  if ((ADMIN_METHODS as readonly string[]).includes(method)) invalidAdminCalls[method]!++;
  const r = await call(method, who, input);
  const shown = () => (input === NO_ARGS ? '(no arguments)' : JSON.stringify(input).slice(0, 300));
  assert.equal(r.status, 200, `${method}(${shown()}): HTTP ${r.status}: ${r.text.slice(0, 300)}`);
  const result = r.body.result as { ok?: unknown; code?: unknown; issues?: unknown } | undefined;
  assert.equal(result?.ok, false, `${method}(${shown()}) was accepted: ${r.text.slice(0, 300)}`);
  assert.equal(result?.code, 'VALIDATION', `${method}(${shown()}): ${r.text.slice(0, 300)}`);
  assert.ok(Array.isArray(result?.issues) && result.issues.length > 0, `${method}(${shown()}): no issues: ${r.text.slice(0, 300)}`);
  for (const issue of result.issues as unknown[]) {
    const { path, message } = issue as { path?: unknown; message?: unknown };
    assert.ok(
      typeof path === 'string' && typeof message === 'string' && message.length > 0,
      `${method}: malformed issue ${JSON.stringify(issue).slice(0, 200)}`,
    );
  }
}

/** The raw RPC, for bodies written by hand (a `__proto__` key exactly as an attacker would send it). */
async function rawCall(method: MethodName, who: Who, bodyText: string) {
  const response = await fetch(`https://www.wixapis.com/_webMethods/${MODULE}/${method}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: tokens[who] },
    body: bodyText,
  });
  return { status: response.status, text: await response.text() };
}

// ---------------------------------------------------------------------------------------------------------------
// The properties
// ---------------------------------------------------------------------------------------------------------------

const METHODS: MethodName[] = ['listOrders', 'updateOrderStatus', 'myOrders', 'categoryCounts', 'submitContactRequest', 'queryOrdersForBridge'];

describe('bad input to every data-admin web method answers VALIDATION', () => {
  it('the generators put prototype-pollution keys on the wire as real own keys', () => {
    const o: Record<string, unknown> = {};
    setOwn(o, '__proto__', { isAdmin: true });
    assert.equal(JSON.stringify({ args: [o] }), '{"args":[{"__proto__":{"isAdmin":true}}]}');
    assert.equal(Object.getPrototypeOf(o), Object.prototype);
  });

  for (const method of METHODS) {
    it(`${method}: ${NUM_RUNS} generated bad inputs, each a VALIDATION envelope`, async (t) => {
      const owner_ = { kind: 'owner' as const, id: p.owner.id };
      const orderIds = p.services.items.query(owner_, 'Orders', { paging: { limit: 20 } }, false).dataItems.map((item) => item.id);
      const c = methodCases(orderIds)[method];
      const seen = { huge: 0, pollution: 0, credential: 0, injection: 0, notAnObject: 0, noArgs: 0 };
      await fc.assert(
        fc.asyncProperty(badInputs(c), async (input) => {
          const text = input === NO_ARGS ? '' : JSON.stringify(input);
          if (input === NO_ARGS) seen.noArgs++;
          else if (input === null || typeof input !== 'object' || Array.isArray(input)) seen.notAnObject++;
          if (text.length >= 10_000) seen.huge++;
          if (/"(?:__proto__|constructor|prototype)":/.test(text)) seen.pollution++;
          if (/IST\.|OauthNG/.test(text)) seen.credential++;
          if (INJECTION.some((s) => text.includes(JSON.stringify(s).slice(1, -1)))) seen.injection++;
          await expectInvalid(method, c.who, input);
        }),
        {
          numRuns: NUM_RUNS,
          ...(process.env['FC_SEED'] ? { seed: Number(process.env['FC_SEED']) } : {}),
          ...(process.env['FC_PATH'] ? { path: process.env['FC_PATH'] } : {}),
        },
      );
      t.diagnostic(`${method}: ${JSON.stringify(seen)}`);
      // The mix reached every kind of fault (counted over all runs, shrinking included).
      for (const kind of ['huge', 'pollution', 'credential', 'injection', 'notAnObject'] as const)
        assert.ok(seen[kind] > 0, `${method}: no ${kind} input was generated`);
    });
  }

  it('hand-written JSON bodies with __proto__, constructor and prototype keys, at every depth', async () => {
    const uuid = crypto.randomUUID();
    const bodies: [MethodName, Who, string][] = [
      ['listOrders', 'owner', '{"args":[{"__proto__":{"isAdmin":true},"limit":5}]}'],
      ['listOrders', 'owner', '{"args":[{"status":"PAID","constructor":{"prototype":{"polluted":"yes"}}}]}'],
      ['myOrders', 'member', '{"args":[{"limit":1,"prototype":{"polluted":"yes"}}]}'],
      ['categoryCounts', 'visitor', '{"args":[{"__proto__":{"polluted":"yes"}}]}'],
      ['updateOrderStatus', 'owner', '{"args":[{"orderId":"order-00001","status":"PAID","__proto__":{"status":"REFUNDED"}}]}'],
      ['submitContactRequest', 'visitor', `{"args":[{"name":"A","email":"a@example.com","message":"m","requestId":"${uuid}","__proto__":{"polluted":"yes"}}]}`],
      ['queryOrdersForBridge', 'owner', '{"args":[{"collection":"Orders","request":{"filter":{"__proto__":{"customerEmail":"x"}}}}]}'],
      [
        'queryOrdersForBridge',
        'owner',
        '{"args":[{"collection":"Orders","request":{"sort":[{"fieldName":"total","order":"ASC","constructor":{"prototype":{"polluted":"yes"}}}]}}]}',
      ],
      ['queryOrdersForBridge', 'owner', '{"args":[{"collection":"Orders","request":{"paging":{"limit":5,"__proto__":{"limit":1000}}}}]}'],
      ['queryOrdersForBridge', 'owner', '{"args":[{"collection":"Orders","options":{"prototype":{"returnTotalCount":true}}}]}'],
    ];
    for (const [method, who, body] of bodies) {
      if ((ADMIN_METHODS as readonly string[]).includes(method)) invalidAdminCalls[method]!++;
      const r = await rawCall(method, who, body);
      assert.equal(r.status, 200, `${method} ${body}: ${r.text.slice(0, 300)}`);
      const result = (JSON.parse(r.text) as { result: { ok: boolean; code: string; issues: { path: string }[] } }).result;
      assert.equal(result.ok, false, `${method} ${body}: ${r.text}`);
      assert.equal(result.code, 'VALIDATION', `${method} ${body}: ${r.text}`);
      assert.match(result.issues[0]!.path, /__proto__|constructor|prototype/);
    }
  });

  it('nothing polluted Object.prototype in the process that runs the backend', () => {
    const probe = {} as Record<string, unknown>;
    for (const key of ['isAdmin', 'polluted', 'status', 'limit', 'customerEmail', 'returnTotalCount']) assert.equal(probe[key], undefined, key);
  });

  it('Orders, ContactRequests and Products are byte-for-byte unchanged', () => {
    for (const c of SNAPSHOT_COLLECTIONS) assert.equal(snapshot(c), before_[c], `${c} changed`);
  });

  it("every invalid Admin call left one 'invalid' audit record, by the owner", () => {
    const records = auditRecords();
    for (const method of ADMIN_METHODS) {
      const mine = records.filter((r) => r['what'] === method);
      const invalid = mine.filter((r) => r['outcome'] === 'invalid');
      assert.ok(invalidAdminCalls[method]! >= NUM_RUNS, `${method}: ${invalidAdminCalls[method]} invalid calls were made`);
      assert.equal(
        invalid.length,
        invalidAdminCalls[method],
        `${method}: ${invalid.length} 'invalid' audit records for ${invalidAdminCalls[method]} invalid calls`,
      );
      assert.equal(mine.length, invalid.length, `${method}: only invalid calls were made so far`);
      for (const r of invalid) {
        assert.equal(r['who'], DEMO_OWNER.email);
        assert.ok(
          typeof r['detail'] === 'string' && r['detail'].length > 0 && r['detail'].length <= 500,
          `${method}: detail ${JSON.stringify(r['detail'])?.slice(0, 100)}`,
        );
      }
    }
    // Methods that are not privileged are not audited for bad input.
    assert.equal(records.filter((r) => !(ADMIN_METHODS as readonly string[]).includes(String(r['what']))).length, 0);
  });

  it('no audit record holds a secret value or anything token-like, though bad inputs carried keys and tokens', () => {
    const secrets = p.secrets.values();
    assert.ok(secrets.length >= 3);
    const records = auditRecords();
    assert.ok(
      records.some((r) => String(r['detail']).includes('[redacted]')),
      'credentials were sent and redacted at least once',
    );
    for (const r of records) {
      const text = JSON.stringify(r);
      for (const secret of secrets) assert.ok(!text.includes(secret), `an audit record holds a secret value: ${text.slice(0, 200)}`);
      assert.doesNotMatch(text, /IST\.|OauthNG|eyJ/, `an audit record holds something token-like: ${text.slice(0, 300)}`);
    }
  });
});

// ---------------------------------------------------------------------------------------------------------------
// A known gap, kept visible
// ---------------------------------------------------------------------------------------------------------------

describe('arrays where an object is expected', () => {
  // valibot's strictObject accepts any non-null `typeof === 'object'` value; an empty array has no keys, so it
  // passes as `{}` (a non-empty one fails on the unknown key "0"). See the report; velo-backend is not changed here.
  it('an empty array in place of an input object is refused with VALIDATION', async () => {
    const cases: [MethodName, Who, unknown][] = [
      ['listOrders', 'owner', []],
      ['myOrders', 'member', []],
      ['categoryCounts', 'visitor', []],
      // Refused today, but only because valibot then reads Array.prototype.filter and .sort as the fields.
      ['queryOrdersForBridge', 'owner', { collection: 'Orders', request: [] }],
      ['queryOrdersForBridge', 'owner', { collection: 'Orders', request: { filter: [] } }],
      ['queryOrdersForBridge', 'owner', { collection: 'Orders', request: { paging: [] } }],
      ['queryOrdersForBridge', 'owner', { collection: 'Orders', options: [] }],
    ];
    const accepted: string[] = [];
    for (const [method, who, input] of cases) {
      const r = await call(method, who, input);
      const result = r.body.result as { ok?: boolean; code?: string } | undefined;
      if (r.status !== 200 || result?.ok !== false || result.code !== 'VALIDATION')
        accepted.push(`${method}(${JSON.stringify(input)}) → ${r.status} ${r.text.slice(0, 80)}`);
    }
    assert.deepEqual(accepted, [], `accepted:\n${accepted.join('\n')}`);
  });
});

describe('text that is not valid Unicode', () => {
  // Wix Data refuses to store a lone surrogate: the method refuses it first, as VALIDATION, rather than failing on the
  // insert with UNAVAILABLE. The audit record of the refused call is still written (audit.ts makes its detail valid).
  it('a contact request whose message or name holds a lone surrogate is VALIDATION and stores nothing; an emoji is fine', async () => {
    const before = p.services.items.query(owner, 'ContactRequests', { paging: { limit: 1000 } }, false).dataItems.length;
    for (const field of ['name', 'message'] as const) {
      const input = { name: 'Ada', email: 'ada@example.com', message: 'Hello', requestId: crypto.randomUUID(), [field]: 'broken \ud800 text' };
      const r = await call('submitContactRequest', 'visitor', input);
      const result = r.body.result as { ok?: boolean; code?: string; issues?: { path: string }[] } | undefined;
      assert.equal(result?.ok, false, r.text.slice(0, 200));
      assert.equal(result?.code, 'VALIDATION', r.text.slice(0, 200));
      assert.equal(result?.issues?.[0]?.path, field);
    }
    assert.equal(p.services.items.query(owner, 'ContactRequests', { paging: { limit: 1000 } }, false).dataItems.length, before);
    const emoji = { name: 'Ada \ud83d\ude00', email: 'ada@example.com', message: 'Thanks \ud83d\udc4d', requestId: crypto.randomUUID() };
    const accepted = await call('submitContactRequest', 'visitor', emoji);
    assert.equal(accepted.body.result?.ok, true, accepted.text.slice(0, 300));
    assert.equal(p.services.items.get(owner, 'ContactRequests', emoji.requestId).data['message'], emoji.message);
  });
});

// ---------------------------------------------------------------------------------------------------------------
// Valid inputs (after the snapshot checks: some of them write)
// ---------------------------------------------------------------------------------------------------------------

describe('valid inputs are accepted', () => {
  async function expectOk(method: MethodName, who: Who, input: Input): Promise<any> {
    const r = await call(method, who, input);
    assert.equal(r.status, 200, r.text.slice(0, 300));
    assert.equal(r.body.result?.ok, true, `${method}(${input === NO_ARGS ? '' : JSON.stringify(input)}): ${r.text.slice(0, 300)}`);
    return r.body.result.data;
  }

  it('listOrders', async () => {
    assert.equal((await expectOk('listOrders', 'owner', NO_ARGS)).items.length, 20);
    assert.equal((await expectOk('listOrders', 'owner', null)).items.length, 20, 'page code sends a missing argument as null');
    const paid = await expectOk('listOrders', 'owner', { status: 'PAID', limit: 5 });
    assert.ok(paid.items.length <= 5 && paid.items.every((o: { status: string }) => o.status === 'PAID'));
    const last = await expectOk('listOrders', 'owner', { limit: 100, offset: 245 });
    assert.equal(last.items.length, last.totalCount - 245);
    assert.equal((await expectOk('listOrders', 'owner', { offset: 100_000 })).items.length, 0);
  });

  it('updateOrderStatus', async () => {
    const id = p.services.items.query(owner, 'Orders', { paging: { limit: 1 } }, false).dataItems[0]!.id;
    assert.equal((await expectOk('updateOrderStatus', 'owner', { orderId: id, status: 'REFUNDED' })).status, 'REFUNDED');
    // A well-formed id of an order that does not exist passes validation and is NOT_FOUND.
    const r = await call('updateOrderStatus', 'owner', { orderId: `'; DROP TABLE Orders; --${'x'.repeat(75)}`, status: 'PAID' });
    assert.equal(r.body.result.code, 'NOT_FOUND', r.text);
  });

  it('myOrders', async () => {
    const mine = await expectOk('myOrders', 'member', {});
    assert.ok(mine.items.length > 0);
    assert.equal((await expectOk('myOrders', 'member', { limit: 1 })).items.length, 1);
    assert.equal((await expectOk('myOrders', 'member', { limit: 100, offset: 100_000 })).items.length, 0);
    await expectOk('myOrders', 'member', null);
  });

  it('categoryCounts', async () => {
    assert.ok((await expectOk('categoryCounts', 'visitor', NO_ARGS)).length > 0);
    await expectOk('categoryCounts', 'visitor', null);
    await expectOk('categoryCounts', 'visitor', {});
  });

  it('submitContactRequest: free text may hold SQL, markup and RTL marks; it is stored verbatim, trimmed', async () => {
    const requestId = crypto.randomUUID();
    const input = {
      name: '  \u202eAda\u202c  ',
      email: 'ada@example.com',
      message: "'; DROP TABLE ContactRequests; -- <script>x</script> ../../etc\tpasswd",
      requestId,
    };
    assert.deepEqual(await expectOk('submitContactRequest', 'visitor', input), { requestId, duplicate: false });
    const stored = p.services.items.get(owner, 'ContactRequests', requestId).data;
    assert.equal(stored['name'], '\u202eAda\u202c');
    assert.equal(stored['message'], input.message);
    await expectOk('submitContactRequest', 'member', {
      name: 'x'.repeat(100),
      email: `${'a'.repeat(64)}@example.com`,
      message: 'y'.repeat(2000),
      requestId: requestId.toUpperCase().replace(/^./, 'A'),
    });
  });

  it('queryOrdersForBridge', async () => {
    assert.equal((await expectOk('queryOrdersForBridge', 'owner', { collection: 'Orders' })).items.length, 20);
    const page = await expectOk('queryOrdersForBridge', 'owner', {
      collection: 'Orders',
      request: {
        filter: { status: 'SHIPPED' },
        sort: [
          { fieldName: 'total', order: 'DESC' },
          { fieldName: 'placedAt', order: 'ASC' },
          { fieldName: 'orderNumber', order: 'ASC' },
        ],
        paging: { limit: 3, offset: 1 },
      },
      options: { returnTotalCount: true },
    });
    assert.ok(page.items.length === 3 && page.items.every((o: { status: string }) => o.status === 'SHIPPED'));
    assert.ok(page.items[0].total >= page.items[1].total);
    await expectOk('queryOrdersForBridge', 'owner', { collection: 'Orders', request: { filter: {}, sort: [], paging: {} }, options: {} });
  });
});
