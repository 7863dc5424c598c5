/**
 * Privileged data operations for page code. Each export is a web method with the permission it needs; the
 * API key behind them (Secrets Manager) needs only "Read Data Items" and "Write Data Items".
 * Every argument is checked with a schema; every answer is an envelope `{ ok, data } | { ok: false, code, message }`.
 */
import * as v from 'valibot';
import { Permissions, webMethod } from 'wix-web-module';
import { currentMember } from 'wix-members-backend';
import wixData from 'wix-data';
import { withDataApi, type RotationListener } from './lib/api-key.ts';
import { audit, type AuditOutcome } from './lib/audit.ts';
import { EnvelopeError, fail, ok, type Envelope } from './lib/envelope.ts';
import { parseInput, strictRecord, text } from './lib/validation.ts';
import { redact } from './lib/redact.ts';

export const ORDER_STATUSES = ['PENDING', 'PAID', 'SHIPPED', 'DELIVERED', 'REFUNDED'] as const;
const ORDERS = 'Orders';
const PRODUCTS = 'Products';
const CONTACT = 'ContactRequests';
const LIKES = 'ProductLikes';

const Limit = v.optional(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(100)), 20);
const Offset = v.optional(v.pipe(v.number(), v.integer(), v.minValue(0), v.maxValue(100_000)), 0);
const Status = v.picklist(ORDER_STATUSES, 'must be one of PENDING, PAID, SHIPPED, DELIVERED, REFUNDED');

export interface OrderSummary {
  _id: string;
  orderNumber: number;
  customerName: string;
  customerEmail: string;
  status: (typeof ORDER_STATUSES)[number];
  total: number;
  currency: string;
  placedAt: string | null;
}

export interface Page<T> {
  items: T[];
  totalCount: number;
}

const iso = (value: unknown) => (value instanceof Date ? value.toISOString() : typeof value === 'string' ? value : null);

function toSummary(item: Record<string, unknown>): OrderSummary {
  return {
    _id: String(item['_id']),
    orderNumber: Number(item['orderNumber']),
    customerName: String(item['customerName'] ?? ''),
    customerEmail: String(item['customerEmail'] ?? ''),
    status: item['status'] as OrderSummary['status'],
    total: Number(item['total']),
    currency: String(item['currency'] ?? 'USD'),
    placedAt: iso(item['placedAt']),
  };
}

const recordRotation: RotationListener = ({ reason }) => audit({ what: 'api-key rotation', outcome: 'rotated', detail: reason });

/** Runs one method body: validation and known failures become envelopes, every outcome of a privileged call is audited. */
async function guarded<T>(what: string, privileged: boolean, body: () => Promise<T>): Promise<Envelope<T>> {
  let outcome: AuditOutcome = 'ok';
  let detail: string | undefined;
  try {
    return ok(await body());
  } catch (error) {
    if (error instanceof EnvelopeError) {
      outcome = error.code === 'VALIDATION' ? 'invalid' : error.code === 'NOT_FOUND' ? 'not-found' : 'denied';
      detail = error.message;
      return fail(error.code, error.message, error.issues);
    }
    outcome = 'error';
    detail = (error as Error).message;
    return fail('UNAVAILABLE', 'The data service could not complete the request. Try again later.');
  } finally {
    if (privileged || outcome === 'error') await audit({ what, outcome, ...(detail ? { detail: redact(detail) } : {}) });
  }
}

const dataApi = <T>(run: Parameters<typeof withDataApi<T>>[0]) => withDataApi(run, recordRotation);

/** Admin: a page of the admin-only orders, optionally by status. */
export const listOrders = webMethod(Permissions.Admin, (input?: unknown): Promise<Envelope<Page<OrderSummary>>> =>
  guarded('listOrders', true, async () => {
    const { status, limit, offset } = parseInput(strictRecord({ status: v.optional(Status), limit: Limit, offset: Offset }), input ?? {});
    const result = await dataApi((client) =>
      client.items.query(
        ORDERS,
        { filter: status ? { status } : {}, sort: [{ fieldName: 'orderNumber', order: 'DESC' }], paging: { limit, offset } },
        { returnTotalCount: true },
      ),
    );
    return { items: result.items.map(toSummary), totalCount: result.pagingMetadata?.total ?? result.items.length };
  }),
);

/** Admin: changes an order's status. The whole item is read and written back, so no other field changes. */
export const updateOrderStatus = webMethod(Permissions.Admin, (input?: unknown): Promise<Envelope<OrderSummary>> =>
  guarded('updateOrderStatus', true, async () => {
    const { orderId, status } = parseInput(strictRecord({ orderId: v.pipe(text(100), v.minLength(1, 'is required')), status: Status }), input);
    const updated = await dataApi(async (client) => {
      const order = await client.items.get(ORDERS, orderId);
      if (!order) throw new EnvelopeError('NOT_FOUND', `Order ${orderId} does not exist.`);
      return client.items.update(ORDERS, { ...order, status });
    });
    return toSummary(updated);
  }),
);

/** Members: their own orders only. The filter comes from the caller's identity on the server, never from the page. */
export const myOrders = webMethod(Permissions.SiteMember, (input?: unknown): Promise<Envelope<Page<Omit<OrderSummary, 'customerEmail'>>>> =>
  guarded('myOrders', false, async () => {
    const { limit, offset } = parseInput(strictRecord({ limit: Limit, offset: Offset }), input ?? {});
    const member = await currentMember.getMember().catch(() => {
      throw new EnvelopeError('UNAUTHENTICATED', 'Sign in to see your orders.');
    });
    // Orders are admin-only: wix-data with suppressAuth, as a Velo backend does, filtered by the caller's own email.
    const result = await wixData
      .query(ORDERS)
      .eq('customerEmail', member.loginEmail)
      .descending('orderNumber')
      .skip(offset)
      .limit(limit)
      .find({ suppressAuth: true, returnTotalCount: true });
    return {
      items: result.items.map((item) => {
        const { customerEmail: _omit, ...rest } = toSummary(item);
        return rest;
      }),
      totalCount: result.totalCount ?? result.items.length,
    };
  }),
);

/** Anyone: how many products each category holds. Counts only; no item data leaves the backend. */
export const categoryCounts = webMethod(Permissions.Anyone, (input?: unknown): Promise<Envelope<{ category: string; count: number }[]>> =>
  guarded('categoryCounts', false, async () => {
    // Page code's JSON turns a missing argument into null.
    parseInput(v.nullish(strictRecord({})), input);
    // The catalogue is public: wix-data as the visitor who asked, as a Velo backend reads it.
    const categories = await wixData.query(PRODUCTS).ascending('category').limit(100).distinct('category');
    return Promise.all(
      categories.items.map(async (category) => ({ category: String(category), count: await wixData.query(PRODUCTS).eq('category', category).count() })),
    );
  }),
);

/**
 * Members: likes a product once. The like is recorded under the member's id (admin-only ProductLikes, its id
 * `<memberId>:<productId>`, so a second like is a duplicate insert, not a second increment), then the product's
 * `likes` counter goes up with a patch increment, which is atomic however many members like at once. If the
 * increment fails, the like record is removed again, so a like is never half-written.
 */
export const likeProduct = webMethod(
  Permissions.SiteMember,
  (input?: unknown): Promise<Envelope<{ productId: string; likes: number; alreadyLiked: boolean }>> =>
    guarded('likeProduct', false, async () => {
      const { productId } = parseInput(strictRecord({ productId: v.pipe(text(100), v.minLength(1, 'is required')) }), input);
      const member = await currentMember.getMember().catch(() => {
        throw new EnvelopeError('UNAUTHENTICATED', 'Sign in to like products.');
      });
      const product = await wixData.get(PRODUCTS, productId);
      if (!product) throw new EnvelopeError('NOT_FOUND', `Product ${productId} does not exist.`);
      const likeId = `${member._id}:${productId}`;
      try {
        await wixData.insert(LIKES, { _id: likeId, productId, memberId: member._id }, { suppressAuth: true });
      } catch (error) {
        if ((error as { code?: string }).code !== 'WDE0074') throw error;
        return { productId, likes: Number(product['likes'] ?? 0), alreadyLiked: true };
      }
      try {
        const updated = await wixData.patch(PRODUCTS, productId).incrementField('likes', 1).run({ suppressAuth: true });
        return { productId, likes: Number(updated?.['likes'] ?? 0), alreadyLiked: false };
      } catch (error) {
        await wixData.remove(LIKES, likeId, { suppressAuth: true });
        throw error;
      }
    }),
);

/**
 * Anyone: a contact form that writes to an admin-only collection through the backend. `requestId` makes it
 * idempotent: the same request sent twice (a double click, a retry) is stored once.
 */
export const submitContactRequest = webMethod(Permissions.Anyone, (input?: unknown): Promise<Envelope<{ requestId: string; duplicate: boolean }>> =>
  guarded('submitContactRequest', false, async () => {
    const { name, email, message, requestId } = parseInput(
      strictRecord({
        name: v.pipe(text(100), v.trim(), v.minLength(1, 'is required')),
        email: v.pipe(v.string(), v.maxLength(254), v.email('must be an email address')),
        message: v.pipe(text(2000), v.trim(), v.minLength(1, 'is required')),
        requestId: v.pipe(v.string(), v.uuid('must be a UUID')),
      }),
      input,
    );
    return dataApi(async (client) => {
      try {
        await client.items.insert(CONTACT, { _id: requestId, name, email, message, requestId });
        return { requestId, duplicate: false };
      } catch (error) {
        const code = (error as { details?: { applicationError?: { code?: unknown } } }).details?.applicationError?.code;
        if (code === 'WDE0074') return { requestId, duplicate: true };
        throw error;
      }
    });
  }),
);

const SORTABLE = ['orderNumber', 'placedAt', 'total', 'status'] as const;

/**
 * Admin, for the page-code bridge: answers a data-list's query on the orders. Only the orders collection, a
 * status filter, a few sort fields and bounded paging are accepted from the page.
 */
export const queryOrdersForBridge = webMethod(
  Permissions.Admin,
  (input?: unknown): Promise<Envelope<{ items: Record<string, unknown>[]; pagingMetadata: Record<string, unknown> }>> =>
    guarded('queryOrdersForBridge', true, async () => {
      const { request } = parseInput(
        strictRecord({
          collection: v.literal(ORDERS, 'must be "Orders"'),
          request: v.optional(
            strictRecord({
              filter: v.optional(strictRecord({ status: v.optional(Status) })),
              sort: v.optional(v.pipe(v.array(strictRecord({ fieldName: v.picklist(SORTABLE), order: v.picklist(['ASC', 'DESC']) })), v.maxLength(3))),
              paging: v.optional(strictRecord({ limit: Limit, offset: Offset })),
            }),
            {},
          ),
          options: v.optional(strictRecord({ returnTotalCount: v.optional(v.boolean()) })),
        }),
        input,
      );
      const result = await dataApi((client) =>
        client.items.query(
          ORDERS,
          {
            filter: request.filter ?? {},
            sort: request.sort ?? [{ fieldName: 'orderNumber', order: 'DESC' }],
            paging: request.paging ?? { limit: 20, offset: 0 },
          },
          { returnTotalCount: true },
        ),
      );
      return { items: result.items.map((item) => ({ ...toSummary(item) })), pagingMetadata: { ...result.pagingMetadata } };
    }),
);
