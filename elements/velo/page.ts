/**
 * The page-code side of the bridge (see elements/core/bridge.ts). A Velo site's page code imports this
 * (copied to `src/public/`) and binds its custom elements:
 *
 *   import { items } from '@wix/data';
 *   import { bindElements } from 'public/wix-session-elements/page';
 *   $w.onReady(() => bindElements($w, { '#products': { items } }));
 *
 * Page code runs as the current visitor or member with no token to handle, so the element gets data without
 * ever seeing a token: only items (or a typed error) are written back, as JSON in an attribute.
 *
 * An element that runs named actions (`<wix-oauth-connect>`, op `call`) is bound to web methods instead:
 *
 *   import { callConnected, connectionStatus, disconnect, startConnect } from 'backend/oauth.web';
 *   bindElements($w, { '#connect': { actions: { callConnected, connectionStatus, disconnect, startConnect } } });
 */
import { BRIDGE_ATTRIBUTE, BRIDGE_REPLY_ATTRIBUTE, BRIDGE_REQUEST_EVENT, type BridgeError, type BridgeReply, type BridgeRequest } from '../core/bridge.ts';
import { envelopeKind, type ActionEnvelope, type ActionReply, type ActionRequest } from '../core/action-bridge.ts';
import type { QueryOptions, QueryRequest, QueryResult } from '../core/data-client.ts';
import { toSessionError } from '../core/errors.ts';
import { redact } from '../core/redact.ts';

export { BRIDGE_ATTRIBUTE, BRIDGE_REPLY_ATTRIBUTE, BRIDGE_REQUEST_EVENT };
export type { ActionEnvelope, ActionReply, ActionRequest, BridgeError, BridgeReply, BridgeRequest, QueryOptions, QueryRequest, QueryResult };

/** What `$w('#id')` gives page code for a custom element: attributes in, events out. */
export interface VeloCustomElement {
  setAttribute(name: string, value: string): void;
  on(event: string, handler: (event: { detail: unknown }) => void): void;
}

export type DollarW = (selector: string) => VeloCustomElement;

/** `items` from `@wix/data`, which in page code runs with the page's automatic visitor/member session. */
export interface ItemsLike {
  query(collection: string, request: QueryRequest, options: QueryOptions): Promise<QueryResult>;
}

/** What a privileged backend web method returns. */
export type Envelope = { ok: true; data: QueryResult } | { ok: false; code: string; message: string };

export interface BackendQueryArgs {
  collection: string;
  request: QueryRequest;
  options: QueryOptions;
}

export interface Binding {
  /** Queries with the page's own session. */
  items?: ItemsLike;
  /** Web methods; when given, they are used instead of `items`. */
  backend?: { query?: (args: BackendQueryArgs) => Promise<Envelope> };
  /**
   * Web methods an element may call by name (op `call`), each taking the element's input and answering an
   * envelope, e.g. those of `backend/oauth.web`. Only these own properties can be called.
   */
  actions?: Record<string, (input: unknown) => Promise<unknown>>;
}

const MAX_COLLECTION_LENGTH = 256;
const MAX_ID_LENGTH = 64;
const MAX_ACTION_LENGTH = 64;
const MAX_MESSAGE_LENGTH = 500;
/** The element refuses longer replies (BridgeClient's default); saying why beats sending one it will refuse. */
const MAX_REPLY_SIZE = 1_000_000;

/** Thrown for a failure the element should see as it is (kind and message), not re-mapped. */
class ReplyError extends Error {
  constructor(readonly body: BridgeError) {
    super(body.message);
  }
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);

// Error messages are shown to the visitor and sit in the DOM: cut them short and blank out anything that
// looks like a credential (the package's one redaction rule), in case a thrown error quoted one.
const safeMessage = (message: string) => redact(message).slice(0, MAX_MESSAGE_LENGTH);

/** The request fields a data source may see: nothing else the element sent is passed on. */
function readRequest(detail: Record<string, unknown>): BackendQueryArgs {
  const { op, collection, request = {}, options = {} } = detail;
  if (op !== 'query') throw new ReplyError({ kind: 'validation', message: `Unknown bridge operation.` });
  if (typeof collection !== 'string' || collection.length === 0 || collection.length > MAX_COLLECTION_LENGTH) {
    throw new ReplyError({ kind: 'validation', message: `The collection must be a string of 1 to ${MAX_COLLECTION_LENGTH} characters.` });
  }
  if (!isRecord(request) || !isRecord(options)) throw new ReplyError({ kind: 'validation', message: 'The request and options must be objects.' });
  const { filter, sort, paging } = request as QueryRequest;
  const picked: QueryRequest = {};
  if (filter !== undefined) picked.filter = filter;
  if (sort !== undefined) picked.sort = sort;
  if (paging !== undefined) picked.paging = paging;
  const picks: QueryOptions = options['returnTotalCount'] === true ? { returnTotalCount: true } : {};
  const include = readIncludes(options['includeReferences']);
  if (include) picks.includeReferences = include;
  return { collection, request: picked, options: picks };
}

const INCLUDE_FIELD = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;
const MAX_INCLUDES = 100;

/** The element's `include` (Data Items' includeReferences), checked: field keys and whole limits 1–1000, nothing else. */
function readIncludes(value: unknown): QueryOptions['includeReferences'] {
  if (value === undefined) return undefined;
  const bad = () => new ReplyError({ kind: 'validation', message: `includeReferences is a list of at most ${MAX_INCLUDES} { field, limit? }.` });
  if (!Array.isArray(value) || value.length > MAX_INCLUDES) throw bad();
  return value.map((entry: unknown) => {
    if (!isRecord(entry) || typeof entry['field'] !== 'string' || !INCLUDE_FIELD.test(entry['field'])) throw bad();
    const limit = entry['limit'];
    if (limit === undefined) return { field: entry['field'] };
    if (typeof limit !== 'number' || !Number.isInteger(limit) || limit < 1 || limit > 1000) throw bad();
    return { field: entry['field'], limit };
  });
}

async function fromEnvelope(envelope: Promise<Envelope>): Promise<QueryResult> {
  const answer: unknown = await envelope;
  if (isRecord(answer) && answer['ok'] === true && isRecord(answer['data'])) return answer['data'] as unknown as QueryResult;
  if (isRecord(answer) && answer['ok'] === false) {
    const code = typeof answer['code'] === 'string' ? answer['code'] : 'UNKNOWN';
    const message = typeof answer['message'] === 'string' ? answer['message'] : 'The backend refused the request.';
    throw new ReplyError({ kind: envelopeKind(code), message, code });
  }
  throw new ReplyError({ kind: 'server', message: 'The backend answered with a malformed envelope.' });
}

async function answer(binding: Binding, detail: Record<string, unknown>): Promise<QueryResult> {
  const args = readRequest(detail);
  const { items, backend } = binding;
  if (backend?.query) return fromEnvelope(backend.query(args));
  if (items) return items.query(args.collection, args.request, args.options);
  throw new ReplyError({ kind: 'not-connected', message: 'Page code bound no data source for this element.' });
}

/**
 * Runs a bound action (op `call`) with the element's input as it came, and hands back its envelope. Only the
 * envelope's documented fields go back, and a failure's code and message are cut short and redacted.
 */
async function callAction(binding: Binding, detail: Record<string, unknown>): Promise<ActionEnvelope> {
  const { action, input } = detail;
  const { actions } = binding;
  const method =
    actions && typeof action === 'string' && action.length <= MAX_ACTION_LENGTH && Object.prototype.hasOwnProperty.call(actions, action)
      ? actions[action]
      : undefined;
  if (typeof method !== 'function') throw new ReplyError({ kind: 'validation', message: 'Unknown action.' });
  const envelope: unknown = await method(input);
  if (isRecord(envelope) && envelope['ok'] === true && envelope['data'] !== undefined) return { ok: true, data: envelope['data'] };
  if (isRecord(envelope) && envelope['ok'] === false && typeof envelope['code'] === 'string' && typeof envelope['message'] === 'string') {
    return { ok: false, code: safeMessage(envelope['code']), message: safeMessage(envelope['message']) };
  }
  throw new ReplyError({ kind: 'server', message: 'The backend answered with a malformed envelope.' });
}

/**
 * Velo's wix-data errors carry their Wix code at the top (`error.code`, e.g. WDE0027); the SDK keeps it in
 * `details.applicationError.code`, which is where toSessionError looks.
 */
function asSdkError(error: unknown): unknown {
  if (!(error instanceof Error) || !('code' in error) || 'details' in error) return error;
  const { code } = error;
  if (typeof code !== 'string' && typeof code !== 'number') return error;
  return { name: error.name, message: error.message, details: { applicationError: { code } } };
}

function errorBody(error: unknown): BridgeError {
  // A rejected web method may carry only an HTTP status (403, 429…): toSessionError reads kinds from it too.
  const status = (error as { status?: unknown } | null)?.status;
  const body: BridgeError = error instanceof ReplyError ? error.body : toSessionError(asSdkError(error), typeof status === 'number' ? status : undefined);
  const reply: BridgeError = { kind: body.kind, message: safeMessage(body.message) };
  if (typeof body.code === 'string') reply.code = safeMessage(body.code);
  return reply;
}

/** Dates travel as `{ "$date": ISO }`, as Wix Data encodes them; the element revives them. */
function encodeDates(this: unknown, key: string, value: unknown): unknown {
  const raw = (this as Record<string, unknown>)[key];
  if (raw instanceof Date) return Number.isNaN(raw.getTime()) ? null : { $date: raw.toISOString() };
  return value;
}

const failureJson = (id: string, message: string) => JSON.stringify({ id, ok: false, error: { kind: 'server', message } } satisfies BridgeReply);

/** The reply as JSON, with `id` first so that the element can match even a reply it refuses to parse. */
export function encodeReply(reply: BridgeReply | ActionReply): string {
  let json: string;
  try {
    json = JSON.stringify(reply, encodeDates);
  } catch {
    // Not JSON-safe (a cycle, a BigInt): the element gets an error instead of nothing.
    return failureJson(reply.id, 'The page could not encode the reply.');
  }
  return json.length > MAX_REPLY_SIZE ? failureJson(reply.id, 'The reply is too large. Ask for fewer items.') : json;
}

async function handle(element: VeloCustomElement, binding: Binding, detail: unknown): Promise<void> {
  if (!isRecord(detail)) return;
  const { id } = detail;
  // Without a readable id there is nobody to answer.
  if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ID_LENGTH) return;
  let reply: BridgeReply | ActionReply;
  try {
    if (detail['op'] === 'call') reply = { id, ok: true, data: await callAction(binding, detail) };
    else {
      const { items, pagingMetadata } = await answer(binding, detail);
      // Only the two documented fields go back: nothing else a data source returned reaches the DOM.
      reply = { id, ok: true, data: { items, pagingMetadata } };
    }
  } catch (error) {
    reply = { id, ok: false, error: errorBody(error) };
  }
  element.setAttribute(BRIDGE_REPLY_ATTRIBUTE, encodeReply(reply));
}

/**
 * Answers the requests of custom elements. `bindings` maps a `$w` selector (`'#list'`) to its data source:
 * `items` from `@wix/data`, or `backend.query`, a web method returning an Envelope, which wins when both are
 * given; and/or `actions`, web methods an element calls by name. Each element is then told `bridge="ready"`.
 */
export function bindElements($w: DollarW, bindings: Record<string, Binding>): void {
  for (const [selector, binding] of Object.entries(bindings)) {
    if (!binding.items && !binding.backend?.query && !isRecord(binding.actions))
      throw new TypeError(`bindElements: ${selector} needs items, backend.query or actions.`);
    const element = $w(selector);
    element.on(BRIDGE_REQUEST_EVENT, (event) => void handle(element, binding, event.detail));
    element.setAttribute(BRIDGE_ATTRIBUTE, 'ready');
  }
}

// Crawler-visible markup for the elements' data (seoMarkup), built in page code from the same items.
export { applySeoMarkup, formSeoMarkup, listSeoMarkup, tableSeoMarkup, type FormSeoOptions, type ListSeoOptions, type TableSeoOptions } from './seo.ts';
