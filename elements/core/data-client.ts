/**
 * The elements' light Data Items v2 client (issue 15): exactly the routes the elements call, with the shared session's
 * token, instead of the official `@wix/data` items module and `@wix/sdk` client in every data element's bundle (the
 * items module alone is about 27 KB gzip; the elements use four of its calls). Each request is the one @wix/data
 * sends for the same call, and each answer is decoded as it decodes it (test/elements/data-client.test.ts compares
 * both, request by request):
 *
 * - query: `GET <base>/v2/items/query?.r=<base64url(JSON body)>`, or `POST` with the same body when that URL would be
 *   longer than 2048 characters; the answer is `{ items, pagingMetadata }`;
 * - get: `GET <base>/v2/items/<id>?dataCollectionId=…&dataItemId=…` (the whole request as `.r` when it includes
 *   referenced items); a missing item (404, WDE0073) is `null`;
 * - insert: `POST <base>/v2/items`; patch: `POST <base>/v2/items/patch`; each answers the stored item.
 *
 * `<base>` is `https://<host>/_api/cloud-data` (a site's own domain, the local platform), or
 * `https://www.wixapis.com/wix-data`, as @wix/data's URL mapping has it. Dates travel as `{"$date": ISO}` both ways.
 * Only a 200 is a success (as in @wix/sdk); any other answer becomes a typed SessionError from Wix's error body
 * (`details.applicationError.code`, `details.validationError`) and the status. After a 401 the token is renewed once and
 * the call sent once more (Session.withRenewal). The token goes only into the `Authorization` header.
 *
 * Unlike @wix/data, an item id in the URL path is percent-encoded (@wix/data pastes it in as it is, so an id holding `?`
 * or `#` would change the request); the platform and Wix read the id from the query string.
 */
import { asSessionError, SessionError, toSessionError } from './errors.ts';
import { apiBase, embedsApi } from './host.ts';
import { unauthorized, type Session } from './session.ts';
import { WIX_API_HOST } from './shared/hosts.ts';

/** An item as Wix Data stores it: its fields, `_id` among them. */
export type DataItem = Record<string, unknown> & { _id: string };

/** A query as the elements build it: the JSON-safe part of @wix/data's `items.query(collection, request)`. */
export interface QueryRequest {
  filter?: Record<string, unknown> | undefined;
  sort?: { fieldName: string; order: 'ASC' | 'DESC' }[];
  paging?: { limit?: number; offset?: number };
  /** Fields to return (all when absent or empty). */
  fields?: string[];
}

/** A referenced field to return whole in each item (@wix/data's `includeReferences`): up to `limit` items of a multi-reference. */
export interface IncludeReference {
  field: string;
  limit?: number;
}

export interface QueryOptions {
  returnTotalCount?: boolean;
  includeReferences?: IncludeReference[];
  consistentRead?: boolean;
}

export interface QueryResult {
  items: DataItem[];
  pagingMetadata: { total?: number | null; count?: number | null; offset?: number | null; tooManyToCount?: boolean | null; hasNext?: boolean | null };
}

/** One change of a patch, as @wix/data's `items.patch(collection, id, modifications)` takes it. */
export type FieldModification =
  | { action: 'SET_FIELD' | 'INCREMENT_FIELD' | 'APPEND_TO_ARRAY' | 'REMOVE_FROM_ARRAY'; fieldPath: string; value: unknown }
  | { action: 'REMOVE_FIELD'; fieldPath: string };

/** Where the calls go and who makes them. */
export interface DataContext {
  session: Session;
  /** The API host (`host[:port][/path]`), as host.ts's apiBase gives it. */
  host: string;
}

/** The longest URL the GET form may have (@wix/wix-data-items-common's ApiClient). */
const MAX_GET_URL = 2048;

/** The Data Items v2 URL on an API host, by @wix/data's URL mapping (data-items-api-client.js). */
export function dataItemsUrl(host: string): string {
  const domain = host.split('/')[0];
  return `https://${host}${domain == WIX_API_HOST ? '/wix-data' : domain == 'cloud-data.wix-code.com' ? '' : '/_api/cloud-data'}/v2/items`;
}

/** JSON with every Date as `{"$date": ISO}`, as @wix/data encodes requests (an invalid Date becomes `{}`, as there). */
export const encodeDates = (value: unknown): string =>
  JSON.stringify(value, function (this: Record<string, unknown>, key: string, json: unknown) {
    // safe-lookup: `this` is the object JSON.stringify is walking and `key` one of its own keys.
    const raw = this[key];
    return raw instanceof Date ? (isNaN(+raw) ? {} : { $date: json }) : json;
  });

/** A `{"$date": "<date>"}` object becomes a Date, at any depth, exactly when @wix/data's decoder would turn it into one. */
export const reviveDates = (_key: string, value: unknown): unknown => {
  const date = (value as { $date?: unknown } | null)?.$date as string;
  return date && isNaN(date as never) && !isNaN(new Date(date).getDate()) ? new Date(date) : value;
};

/** base64url of a string's UTF-8 bytes, without padding (the `.r` encoding). */
const base64url = (text: string): string =>
  btoa(Array.from(new TextEncoder().encode(text), (byte) => String.fromCharCode(byte)).join(''))
    .replace(/\+/g, '-')
    .replace(/\//g, '_')
    .replace(/=+$/, '');

/** `x-wix-linguist`, which @wix/site's host adds on a multilingual site (`language|locale|false|<zero instance id>`). */
function linguist(): Record<string, string> {
  const config = embedsApi() && (window as { commonConfig?: { language?: unknown; locale?: unknown } }).commonConfig;
  return config?.language ? { 'x-wix-linguist': `${config.language}|${config.locale || config.language}|false|00000000-0000-0000-0000-000000000000` } : {};
}

/**
 * Sends one Data Items request: `GET <url>` when `get` is set (`get` is the URL's query: `.r` form or parameters),
 * else `POST <url>` with `body`. Resolves with the answer's JSON (dates revived) when the status is 200; throws a
 * SessionError otherwise.
 */
async function send(
  context: DataContext,
  path: string,
  body: unknown,
  get?: (json: string, url: string) => string | undefined,
): Promise<Record<string, unknown>> {
  const json = encodeDates(body);
  let url = dataItemsUrl(context.host) + path;
  const query = get?.(json, url);
  const headers: Record<string, string> = { ...linguist(), ...(query ? {} : { 'content-type': 'application/json' }) };
  if (query) url += query;
  let status = 0;
  try {
    const { session } = context;
    const response = await session.withRenewal(
      await session.token(),
      (authorization) =>
        fetch(url, query ? { headers: { ...headers, authorization } } : { method: 'POST', headers: { ...headers, authorization }, body: json }),
      unauthorized,
    );
    status = response.status;
    const text = await response.text();
    let answer: WixAnswer | undefined;
    try {
      answer = JSON.parse(text, reviveDates) as WixAnswer;
    } catch {
      // Not JSON: a malformed answer on a 200; on an error status, the status says what went wrong.
    }
    if (status !== 200) throw wixError(answer, status);
    if (!(answer instanceof Object)) throw new SessionError('server', 'The site answered with a malformed response.', { status });
    return answer as Record<string, unknown>;
  } catch (error) {
    throw asSessionError(error, status || undefined);
  }
}

/** A Wix error body: `{ message, details: { applicationError: { code, description, data } } }` or `{ message, details: { validationError } }`. */
type WixAnswer = {
  message?: unknown;
  details?: { applicationError?: { code?: unknown; description?: unknown }; validationError?: { fieldViolations?: unknown } };
} | null;

/**
 * The SessionError for a non-200 answer, with the code and message @wix/data's error would carry: an application
 * error's code and `description`; for a validation error the body's message and one `field: description` line per
 * violation (at most 100); when the body says neither, the status as the code (as the SDK does) and the kind's plain
 * words as the message (the SDK's is empty).
 */
function wixError(answer: WixAnswer | undefined, status: number): SessionError {
  const given = answer instanceof Object ? answer.details : undefined;
  const details =
    given instanceof Object && (given.applicationError instanceof Object || given.validationError instanceof Object)
      ? given
      : { applicationError: { code: status } };
  const violations = details.validationError?.fieldViolations;
  const message = details.applicationError
    ? details.applicationError.description || undefined
    : details.validationError
      ? [
          answer!.message,
          ...(Array.isArray(violations) ? violations.slice(0, 100) : []).map(
            (v: { field?: unknown; description?: unknown } | null) => `${v?.field}: ${v?.description}`,
          ),
        ].join('\n')
      : undefined;
  return toSessionError({ message, details }, status);
}

/** The `.r` form of a GET: the whole request as base64url JSON; undefined (send a POST) when the URL would be too long. */
const dotR = (json: string, url: string): string | undefined => {
  // base64 is longer than the text it encodes: a body that cannot fit is not encoded at all.
  if (url.length + json.length > MAX_GET_URL) return undefined;
  const query = `?.r=${base64url(json)}`;
  return url.length + query.length <= MAX_GET_URL ? query : undefined;
};

/** The `data` of an answer's `dataItem` (or of each of its `dataItems`); anything else is a malformed answer. */
function itemOf(dataItem: unknown): DataItem {
  const data = (dataItem as { data?: unknown } | null)?.data;
  if (!(data instanceof Object) || Array.isArray(data)) throw new SessionError('server', 'The site answered with a malformed response.');
  return data as DataItem;
}

/** `items.query(collection, request, options)`: one page of items. */
export async function queryItems(context: DataContext, collection: string, request: QueryRequest = {}, options: QueryOptions = {}): Promise<QueryResult> {
  const limit = request.paging?.limit;
  const offset = request.paging?.offset ?? 0;
  const answer = await send(
    context,
    '/query',
    {
      dataCollectionId: collection,
      query: {
        fields: request.fields,
        ...(limit !== undefined || offset > 0 ? { paging: { limit, offset } } : {}),
        filter: request.filter,
        sort: (request.sort ?? []).map(({ fieldName, order }) => ({ fieldName, order: order === 'DESC' ? order : 'ASC' })),
      },
      includeReferences: options.includeReferences?.map(({ field, limit }) => ({ field, limit })),
      consistentRead: options.consistentRead,
      returnTotalCount: options.returnTotalCount,
    },
    dotR,
  );
  const { dataItems, pagingMetadata } = answer;
  if (!Array.isArray(dataItems)) throw new SessionError('server', 'The site answered with a malformed response.');
  return { items: dataItems.map(itemOf), pagingMetadata: pagingMetadata as QueryResult['pagingMetadata'] };
}

/** `items.get(collection, id, options)`: the item, or null when there is none (404 with WDE0073). */
export async function getItem(
  context: DataContext,
  collection: string,
  id: string,
  options: { includeReferences?: IncludeReference[] } = {},
): Promise<DataItem | null> {
  const includeReferences = options.includeReferences?.map(({ field, limit }) => ({ field, limit }));
  try {
    const answer = await send(context, `/${encodeURIComponent(id)}`, { dataCollectionId: collection, dataItemId: id, includeReferences }, (json) =>
      // Flat requests go as query parameters; one with objects inside (includeReferences) as `.r`, as @wix/sdk does.
      includeReferences ? `?.r=${base64url(json)}` : `?${new URLSearchParams({ dataCollectionId: collection, dataItemId: id })}`,
    );
    return itemOf(answer.dataItem);
  } catch (error) {
    if ((error as SessionError).code === 'WDE0073') return null;
    throw error;
  }
}

/** `items.insert(collection, item, options)`: the stored item (`includeReferences`: referenced fields returned whole). */
export async function insertItem(
  context: DataContext,
  collection: string,
  item: Record<string, unknown>,
  options: { includeReferences?: string[] } = {},
): Promise<DataItem> {
  const answer = await send(context, '', {
    dataCollectionId: collection,
    dataItem: { id: item['_id'], data: item },
    includeReferencedItems: options.includeReferences,
  });
  return itemOf(answer.dataItem);
}

/** `items.patch(collection, id, modifications)`: the item after the changes. */
export async function patchItem(context: DataContext, collection: string, id: string, modifications: FieldModification[]): Promise<DataItem> {
  const fieldModifications = modifications.map((m) => ({
    action: m.action,
    fieldPath: m.fieldPath,
    // SET_FIELD → setFieldOptions, APPEND_TO_ARRAY → appendToArrayOptions…
    ...('value' in m ? { [`${m.action.toLowerCase().replace(/_(\w)/g, (_, c: string) => c.toUpperCase())}Options`]: { value: m.value } } : {}),
  }));
  const answer = await send(context, '/patch', { dataCollectionId: collection, patch: { dataItemId: id, fieldModifications } });
  return itemOf(answer.dataItem);
}

export interface DataClientOptions {
  /** Overrides the API host (`host[:port][/path]`); by default the site's URL, else www.wixapis.com (host.ts's apiBase). */
  apiBaseUrl?: string | undefined;
}

/** Where a session's Data calls go (the one API-base rule, host.ts). */
export const dataContext = (session: Session, options: DataClientOptions = {}): DataContext => ({ session, host: apiBase(options.apiBaseUrl, WIX_API_HOST) });

/**
 * The part of a data client the list and the table use. The light client and the page-code bridge (BridgeClient)
 * both satisfy it, so an element does not care which host it lives in.
 */
export interface DataClient {
  items: { query(collection: string, request: QueryRequest, options?: QueryOptions): Promise<QueryResult> };
}

/** A client for the data elements' queries: `items.query` only (so a bundle carries no other call). */
export const createQueryClient = (session: Session, options?: DataClientOptions): DataClient => {
  const context = dataContext(session, options);
  return { items: { query: (collection, request, queryOptions) => queryItems(context, collection, request, queryOptions) } };
};

/** A client for wix-data-form: `items.insert` only. */
export const createInsertClient = (session: Session, options?: DataClientOptions) => {
  const context = dataContext(session, options);
  return { items: { insert: (collection: string, item: Record<string, unknown>) => insertItem(context, collection, item) } };
};

export type InsertClient = ReturnType<typeof createInsertClient>;
