/**
 * The attack harness for the fuzz suite (issue 10): a demo-seeded in-memory platform, raw HTTPS and raw TLS
 * clients that send exactly what they are given, and the invariants every case is checked against:
 *
 * - the answer is a 2xx or a typed 4xx (Wix error shape, or the RFC 6749 / HTML shapes where Wix uses them);
 *   never a 5xx (no route answers 501 any more: issue 12 served the last ones), never a dropped connection;
 * - nothing escaped the handler (no unhandled rejection or uncaught exception: in `wix-local` either ends the process),
 *   and a normal visitor query still answers 200;
 * - Object.prototype, Array.prototype, Function.prototype and String.prototype have the same own property names;
 * - a refused request (4xx) left every SQLite table byte-identical.
 */
import assert from 'node:assert/strict';
import { createHash, randomUUID } from 'node:crypto';
import { Agent, request as httpsRequest } from 'node:https';
import { connect as tlsConnect } from 'node:tls';
import fc from 'fast-check';
import { DEMO_MEMBER, SECOND_MEMBER } from '../../../demo/seed/index.ts';
import { startTestPlatform, type TestPlatform } from '../helpers.ts';

// ---------------------------------------------------------------------------------------------
// Run sizes and replay
// ---------------------------------------------------------------------------------------------

/** Bounded by default (the whole fuzz set stays well under a minute in `npm test`); FUZZ_RUNS=N for a long run. */
export function runs(bounded: number): number {
  const fromEnv = Number(process.env['FUZZ_RUNS']);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : bounded;
}

/** fast-check parameters: FUZZ_SEED (and FUZZ_PATH) replay a reported failure; the seed is printed on failure. */
export function params<T>(bounded: number, examples: T[] = []): fc.Parameters<T> {
  const seed = Number(process.env['FUZZ_SEED']);
  const path = process.env['FUZZ_PATH'];
  return {
    numRuns: runs(bounded),
    examples,
    // Shrink to a small counterexample, but never for long in a bounded run.
    ...(process.env['FUZZ_RUNS'] ? {} : { interruptAfterTimeLimit: 45_000 }),
    ...(Number.isFinite(seed) && process.env['FUZZ_SEED'] ? { seed } : {}),
    ...(path ? { path } : {}),
  };
}

/** fc.assert that prints how to replay (seed and path) when a property fails. */
export async function check<T>(name: string, property: fc.IAsyncPropertyWithHooks<T> | fc.IAsyncProperty<T>, parameters: fc.Parameters<T>): Promise<void> {
  const details = await fc.check(property, parameters);
  if (details.failed) {
    const replay = `FUZZ_SEED=${details.seed} FUZZ_PATH=${details.counterexamplePath ?? ''}`;
    const example = truncate(fc.stringify(details.counterexample), 800);
    const reason = details.errorInstance instanceof Error ? details.errorInstance.message : String(details.errorInstance);
    process.stderr.write(
      `\n[fuzz] ${name} failed after ${details.numRuns} runs; replay with ${replay}\n[fuzz] counterexample: ${example}\n[fuzz] ${truncate(reason, 800)}\n`,
    );
    throw new assert.AssertionError({ message: `${name}: ${truncate(reason, 800)}\n  counterexample: ${example}\n  replay: ${replay}` });
  }
}

export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max)}… (${text.length} chars)`;
}

// ---------------------------------------------------------------------------------------------
// The platform under attack
// ---------------------------------------------------------------------------------------------

/** The demo seed's notes: SITE_MEMBER may insert, only the author reads, updates and removes. */
export const MEMBER_NOTES = 'Notes';
export const PRODUCTS = 'Products';
export const ORDERS = 'Orders';
/** A collection the fuzz suite adds: anyone may do anything, so permission denials never hide a bug. */
export const OPEN = 'FuzzOpen';

export interface Callers {
  visitor: string;
  member: string;
  otherMember: string;
  owner: string;
}

export type Role = 'none' | 'visitor' | 'member' | 'owner' | 'apiKey';
export const ROLES: readonly Role[] = ['none', 'visitor', 'member', 'owner', 'apiKey'];

export interface Target {
  p: TestPlatform;
  tokens: Callers;
  /** What the platform reported through onError (already redacted by the platform) during the run. */
  errors: string[];
  /** Authorization (and wix-site-id) headers for a role. */
  auth(role: Role): Record<string, string>;
  /** Re-issues the session tokens (after a test moved the clock or expired tokens). */
  refreshTokens(): Promise<void>;
  stop(): Promise<void>;
}

export async function startTarget(): Promise<Target> {
  const errors: string[] = [];
  const p = await startTestPlatform({ seed: 'demo', velo: { rateLimitPerMinute: 1_000_000 }, onError: (m) => errors.push(m) });
  p.services.collections.create({ id: OPEN, permissions: { read: 'ANYONE', insert: 'ANYONE', update: 'ANYONE', remove: 'ANYONE' } });
  const issue = async (): Promise<Callers> => {
    const member = p.services.directory.findMemberByEmail(DEMO_MEMBER.email)!;
    const other = p.services.directory.findMemberByEmail(SECOND_MEMBER.email)!;
    const { tokens } = p.services;
    return {
      visitor: (await tokens.issueAccess('visitor', randomUUID(), p.clientId)).token,
      member: (await tokens.issueAccess('member', member.id, p.clientId)).token,
      otherMember: (await tokens.issueAccess('member', other.id, p.clientId)).token,
      owner: (await tokens.issueAccess('owner', p.owner.id, p.clientId)).token,
    };
  };
  const target: Target = {
    p,
    errors,
    tokens: await issue(),
    auth(role): Record<string, string> {
      switch (role) {
        case 'none':
          return {};
        case 'apiKey':
          return { authorization: p.apiKey, 'wix-site-id': p.siteId };
        default:
          return { authorization: target.tokens[role] };
      }
    },
    async refreshTokens() {
      target.tokens = await issue();
    },
    async stop() {
      agent.destroy();
      await p.stop();
    },
  };
  return target;
}

// ---------------------------------------------------------------------------------------------
// Clients
// ---------------------------------------------------------------------------------------------

export interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
  /** Set when the connection closed or errored without an HTTP answer. */
  dropped?: string;
  /**
   * Node's own HTTP layer refused the request before the platform saw it (a bare 400/414/431, or 417 for an
   * `Expect` it does not know, with no body and no request id): a transport-level refusal, typed by its status.
   */
  parserRefusal?: boolean;
  /** The request was HEAD: the answer has headers only, so its body shape cannot be checked. */
  head?: boolean;
}

const agent = new Agent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: false });

/** One request over node:https, sent as given (no normalisation beyond Node's header rules). */
export function send(
  p: { port: number },
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string | Buffer,
  timeoutMs = 20_000,
): Promise<Answer> {
  return new Promise((resolve) => {
    const req = httpsRequest(
      // Content-Length is always set with a body: Node frames no body of a GET/DELETE by itself, and unframed bytes
      // would be read as the start of the next request on this keep-alive socket.
      {
        host: '127.0.0.1',
        port: p.port,
        servername: 'localhost',
        method,
        path,
        headers: { host: 'www.wixapis.com', ...(body !== undefined ? { 'content-length': String(Buffer.byteLength(body)) } : {}), ...headers },
        agent,
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (e) => resolve({ status: 0, headers: {}, text: '', dropped: e.message }));
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => resolve({ status: 0, headers: {}, text: '', dropped: e.message }));
    if (body !== undefined) req.end(body);
    else req.end();
  });
}

/** Sends raw bytes over a fresh TLS socket (nothing normalises the request target) and reads the whole answer. */
export function sendRaw(p: { port: number }, bytes: string | Buffer, timeoutMs = 10_000): Promise<Answer> {
  return new Promise((resolve) => {
    const socket = tlsConnect({ host: '127.0.0.1', port: p.port, servername: 'localhost', rejectUnauthorized: false });
    const chunks: Buffer[] = [];
    const head = Buffer.from(bytes.slice(0, 5)).toString('latin1').toUpperCase() === 'HEAD ';
    let done = false;
    const finish = (dropped?: string) => {
      if (done) return;
      done = true;
      socket.destroy();
      const raw = Buffer.concat(chunks).toString('latin1');
      const match = /^HTTP\/1\.[01] (\d{3})[^\r\n]*\r\n/.exec(raw);
      if (!match)
        return resolve({ status: 0, headers: {}, text: raw, dropped: dropped ?? `no HTTP answer (${raw.length} bytes: ${JSON.stringify(raw.slice(0, 80))})` });
      const headEnd = raw.indexOf('\r\n\r\n');
      const headers: Record<string, string> = {};
      for (const line of raw.slice(match[0].length, headEnd < 0 ? undefined : headEnd).split('\r\n')) {
        const colon = line.indexOf(':');
        if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
      }
      let payload = headEnd < 0 ? '' : raw.slice(headEnd + 4);
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) payload = dechunk(payload);
      const text = Buffer.from(payload, 'latin1').toString('utf8');
      const status = Number(match[1]);
      const parserRefusal =
        [400, 414, 417, 431].includes(status) && text === '' && headers['x-wix-request-id'] === undefined && headers['content-type'] === undefined;
      resolve({ status, headers, text, ...(parserRefusal ? { parserRefusal } : {}), ...(head ? { head } : {}) });
    };
    socket.setTimeout(timeoutMs, () => finish(`no answer within ${timeoutMs} ms`));
    socket.on('secureConnect', () => socket.write(bytes));
    socket.on('data', (c: Buffer) => {
      chunks.push(c);
      // One answer is enough: stop once the declared body has arrived.
      const raw = Buffer.concat(chunks).toString('latin1');
      const headEnd = raw.indexOf('\r\n\r\n');
      const length = /\r\ncontent-length:\s*(\d+)/i.exec(raw.slice(0, headEnd < 0 ? raw.length : headEnd));
      if (headEnd >= 0 && head) finish();
      else if (headEnd >= 0 && length && Buffer.byteLength(raw.slice(headEnd + 4), 'latin1') >= Number(length[1])) finish();
    });
    socket.on('end', () => finish());
    socket.on('close', () => finish());
    socket.on('error', (e) => finish(e.message));
  });
}

/** Decodes an HTTP/1.1 chunked body (latin1 in, latin1 out). */
function dechunk(raw: string): string {
  let out = '';
  let at = 0;
  for (;;) {
    const lineEnd = raw.indexOf('\r\n', at);
    if (lineEnd < 0) return out;
    const size = parseInt(raw.slice(at, lineEnd), 16);
    if (!Number.isFinite(size) || size === 0) return out;
    out += raw.slice(lineEnd + 2, lineEnd + 2 + size);
    at = lineEnd + 2 + size + 2;
  }
}

export const json = (value: unknown, replacer?: (key: string, value: unknown) => unknown) => JSON.stringify(value, replacer);
export const JSON_HEADERS = { 'content-type': 'application/json' };

export function parse(text: string): any {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

// ---------------------------------------------------------------------------------------------
// Invariants
// ---------------------------------------------------------------------------------------------

const PROTOTYPES = {
  Object: Object.prototype,
  Array: Array.prototype,
  Function: Function.prototype,
  String: String.prototype,
  Number: Number.prototype,
} as const;

export function prototypeSnapshot(): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [name, proto] of Object.entries(PROTOTYPES)) out[name] = Reflect.ownKeys(proto).map(String).sort();
  return out;
}

const baselinePrototypes = prototypeSnapshot();

/** Fails (and cleans up, so later cases are not poisoned) when a prototype gained or lost an own property. */
export function assertPrototypesClean(what: string): void {
  const now = prototypeSnapshot();
  for (const [name, keys] of Object.entries(now)) {
    const before = baselinePrototypes[name]!;
    const added = keys.filter((k) => !before.includes(k));
    const removed = before.filter((k) => !keys.includes(k));
    if (added.length || removed.length) {
      const proto = PROTOTYPES[name as keyof typeof PROTOTYPES] as unknown as Record<string, unknown>;
      for (const k of added) delete proto[k];
      assert.fail(`${what}: ${name}.prototype changed (added ${json(added)}, removed ${json(removed)})`);
    }
  }
}

/** Errors that escaped every handler: under `wix-local` each of them ends the process. */
const escaped: string[] = [];
process.on('unhandledRejection', (reason) => escaped.push(`unhandledRejection: ${(reason as Error)?.stack ?? String(reason)}`));
process.on('uncaughtException', (error) => escaped.push(`uncaughtException: ${error.stack ?? String(error)}`));

export function assertNothingEscaped(what: string): void {
  if (escaped.length) {
    const all = escaped.splice(0);
    assert.fail(`${what}: ${all.length} error(s) escaped the request handler (the process would end): ${truncate(all[0]!, 600)}`);
  }
}

/**
 * Collections that record refusals on purpose: the backend's audit trail (velo-backend/lib/audit.ts) writes an
 * entry for a refused OAuth callback or a failed privileged call. Everything else must stay byte-identical.
 */
const AUDIT_TRAILS = ['AuditLog'];

const cache = new WeakMap<object, { changes: number; snapshot: Map<string, string> }>();

/**
 * A hash of every row of every SQLite table (rowid order), per table; audit-trail tables left out.
 * SQLite's total_changes() (one connection) tells when nothing at all was written since the last snapshot, and
 * then the last snapshot is reused; any write, even one rolled back, makes it hash everything again.
 */
export function dataSnapshot(p: TestPlatform): Map<string, string> {
  const db = p.services.db;
  const changes = (db.prepare('SELECT total_changes() AS n').get() as { n: number }).n;
  const cached = cache.get(db);
  if (cached && cached.changes === changes) return cached.snapshot;
  const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").all() as { name: string }[];
  const audit = new Set(
    (db.prepare(`SELECT table_name AS t FROM collections WHERE id IN (${AUDIT_TRAILS.map(() => '?').join(', ')})`).all(...AUDIT_TRAILS) as { t: string }[]).map(
      (r) => r.t,
    ),
  );
  const out = new Map<string, string>();
  for (const { name } of tables) {
    if (audit.has(name)) continue;
    const quoted = `"${name.replace(/"/g, '""')}"`;
    let rows: unknown[][];
    try {
      rows = db.prepare(`SELECT * FROM ${quoted} ORDER BY rowid`).raw(true).all() as unknown[][];
    } catch {
      rows = db.prepare(`SELECT * FROM ${quoted} ORDER BY 1`).raw(true).all() as unknown[][];
    }
    const hash = createHash('sha256');
    for (const row of rows) {
      for (const value of row) {
        if (Buffer.isBuffer(value)) hash.update(`b${value.length}:`).update(value);
        else {
          const text = value === null ? 'null' : `${typeof value}:${String(value)}`;
          hash.update(`${text.length}:${text}`);
        }
      }
      hash.update('\n');
    }
    out.set(name, hash.digest('hex'));
  }
  cache.set(db, { changes, snapshot: out });
  return out;
}

export function assertSameData(before: Map<string, string>, after: Map<string, string>, what: string): void {
  const changed = [...new Set([...before.keys(), ...after.keys()])].filter((t) => before.get(t) !== after.get(t));
  assert.deepEqual(changed, [], `${what}: a refused request changed stored data (tables ${json(changed)})`);
}

/** Where Wix (and the platform) answer in a shape other than the Wix error body. */
function otherShapeAllowed(path: string, answer: Answer, body: any): boolean {
  const type = String(answer.headers['content-type'] ?? '');
  const p = path.split('?')[0]!;
  // RFC 6749 error bodies on the OAuth token endpoints.
  if (/^\/(oauth2\/(token|revoke|connected-apps)|oauth\/access)/.test(p) && body && typeof body.error === 'string') return true;
  // The authorize, consent, connected-apps and logout pages are HTML (forms a browser posts).
  if (/^\/oauth2\/(authorize|logout|connected-apps)/.test(p) && type.startsWith('text/html')) return true;
  // An HTTP function answers what its code returns (wix-http-functions badRequest(), forbidden() …).
  if (/^\/_functions(-dev)?\//.test(p) && answer.text.length > 0) return true;
  return false;
}

export function isWixError(body: any): boolean {
  if (!body || typeof body !== 'object' || typeof body.message !== 'string' || !body.details || typeof body.details !== 'object') return false;
  const app = body.details.applicationError;
  if (app && typeof app.code === 'string' && app.code.length > 0 && typeof app.description === 'string') return true;
  const validation = body.details.validationError;
  return Boolean(validation && Array.isArray(validation.fieldViolations) && validation.fieldViolations.length > 0);
}

/** 2xx/3xx, or a typed 4xx; never a 5xx and never a dropped connection. */
export function assertTypedAnswer(path: string, answer: Answer, what: string): void {
  assert.equal(answer.dropped, undefined, `${what}: the connection was dropped: ${answer.dropped}`);
  if (answer.parserRefusal) return;
  const body = parse(answer.text);
  assert.ok(answer.status >= 200 && answer.status < 500, `${what}: answered ${answer.status}: ${truncate(answer.text, 300)}`);
  if (answer.status >= 400 && answer.head) {
    assert.match(String(answer.headers['content-type'] ?? ''), /application\/json/, `${what}: HEAD refused without a JSON error type`);
  } else if (answer.status >= 400) {
    assert.ok(isWixError(body) || otherShapeAllowed(path, answer, body), `${what}: ${answer.status} without a typed error body: ${truncate(answer.text, 300)}`);
  }
}

/** A normal visitor query still answers 200 with items. */
export async function assertStillServing(t: Target, what: string): Promise<void> {
  const answer = await send(
    t.p,
    'POST',
    '/_api/cloud-data/v2/items/query',
    { ...JSON_HEADERS, ...t.auth('apiKey') },
    json({ dataCollectionId: PRODUCTS, query: { paging: { limit: 1 } } }),
  );
  assert.equal(answer.status, 200, `${what}: a normal query afterwards answered ${answer.status}: ${truncate(answer.text, 300)}`);
  assert.equal(parse(answer.text)?.dataItems?.length, 1, `${what}: a normal query afterwards returned no item`);
}

/**
 * Sends one hostile request and checks every invariant. Returns the answer for extra assertions.
 * `expectRefusedUnchanged` (default true): a 4xx must leave the data byte-identical.
 */
export async function attack(
  t: Target,
  what: string,
  sendIt: () => Promise<Answer>,
  path: string,
  options: { expectRefusedUnchanged?: boolean } = {},
): Promise<Answer> {
  const before = dataSnapshot(t.p);
  const answer = await sendIt();
  const label = `${what} → ${answer.status}`;
  assertNothingEscaped(label);
  assertPrototypesClean(label);
  assertTypedAnswer(path, answer, label);
  if (answer.status >= 400 && options.expectRefusedUnchanged !== false) assertSameData(before, dataSnapshot(t.p), label);
  await assertStillServing(t, label);
  assertPrototypesClean(`${label} (after the follow-up query)`);
  assertNothingEscaped(`${label} (after the follow-up query)`);
  return answer;
}

/**
 * Every credential the fuzz suite sent or the platform holds: the API key, every session token issued to the
 * fuzz callers, the control secret, the demo passwords, the token-signing key.
 */
export function credentials(t: Target, issued: string[] = []): string[] {
  const key = (t.p.services.db.prepare("SELECT value FROM meta WHERE key = 'tokens.secret'").get() as { value: string }).value;
  return [t.p.apiKey, t.p.controlSecret, key, 'demo-member-pass', 'demo-owner-pass', 'demo-river-pass', ...Object.values(t.tokens), ...issued].filter(
    (c) => c.length >= 8,
  );
}

/** The request log and the error output hold no credential (issue 10: one redaction rule everywhere). */
export function assertNoCredentialLogged(t: Target, issued: string[] = []): void {
  const logged = JSON.stringify(t.p.log.since(0)) + '\n' + t.errors.join('\n');
  for (const credential of credentials(t, issued)) {
    assert.ok(!logged.includes(credential), `a credential (${credential.slice(0, 6)}…) reached the request log or the error output`);
  }
}

/**
 * Sends several hostile requests at once (races: a request that plants something while another reads it), then
 * checks the invariants for all of them together: each answer typed, nothing escaped, prototypes clean, serving.
 */
export async function burst(t: Target, what: string, requests: { path: string; go: () => Promise<Answer> }[]): Promise<Answer[]> {
  const answers = await Promise.all(requests.map((r) => r.go()));
  assertNothingEscaped(what);
  assertPrototypesClean(what);
  answers.forEach((answer, i) => assertTypedAnswer(requests[i]!.path, answer, `${what} [${i}] → ${answer.status}`));
  await assertStillServing(t, what);
  return answers;
}
