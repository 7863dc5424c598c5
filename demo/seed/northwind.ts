import { DEFAULT_OWNER, type CollectionField, type SeedApi } from '../../platform/index.ts';
import { adminOrders, catalogueProducts, memberNotes, type SeedItem } from './demo-data.ts';

export const DEMO_MEMBER = { email: 'member@example.com', password: 'demo-member-pass', nickname: 'Dana Demo' };
export const SECOND_MEMBER = { email: 'river@example.com', password: 'demo-river-pass', nickname: 'River Stone' };
/** The site owner is the platform's own default account; the demo only names it. */
export const DEMO_OWNER = DEFAULT_OWNER;

export const DEMO_COLLECTIONS = {
  products: 'Products',
  notes: 'Notes',
  orders: 'Orders',
  feedback: 'Feedback',
  productLikes: 'ProductLikes',
} as const;

/**
 * `Feedback`: what the gallery's public form writes. Anyone may insert; only the owner may read. Added to an
 * existing demo database too, so that a database made before the gallery still has it.
 */
function ensureFeedback(api: SeedApi): void {
  api.createCollection({
    id: DEMO_COLLECTIONS.feedback,
    displayName: 'Feedback',
    permissions: { read: 'ADMIN', insert: 'ANYONE', update: 'ADMIN', remove: 'ADMIN' },
    fields: [
      { key: 'name', displayName: 'Name', type: 'TEXT' },
      { key: 'email', displayName: 'Email', type: 'TEXT' },
      { key: 'rating', displayName: 'Rating', type: 'NUMBER' },
      { key: 'message', displayName: 'Message', type: 'TEXT' },
    ],
  });
}

/** The declared fields of the public catalogue; each TEXT/NUMBER/BOOLEAN/DATETIME one gets an expression index. */
export const PRODUCT_FIELDS: CollectionField[] = [
  { key: 'title', displayName: 'Title', type: 'TEXT' },
  { key: 'sku', displayName: 'SKU', type: 'TEXT' },
  { key: 'category', displayName: 'Category', type: 'TEXT' },
  { key: 'brand', displayName: 'Brand', type: 'TEXT' },
  { key: 'price', displayName: 'Price', type: 'NUMBER' },
  { key: 'inStock', displayName: 'In stock', type: 'BOOLEAN' },
  { key: 'rating', displayName: 'Rating', type: 'NUMBER' },
  { key: 'reviewCount', displayName: 'Reviews', type: 'NUMBER' },
  { key: 'tags', displayName: 'Tags', type: 'ARRAY_STRING' },
  { key: 'releaseDate', displayName: 'Released', type: 'DATETIME' },
  { key: 'description', displayName: 'Description', type: 'RICH_TEXT' },
  { key: 'image', displayName: 'Image', type: 'IMAGE' },
];

/** Dates become `{$date}` the way the SDK sends them. */
export function toWireData(item: SeedItem): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // safe-lookup: keys come from the seed data in code
  for (const [k, v] of Object.entries(item)) out[k] = v instanceof Date ? { $date: v.toISOString() } : v;
  return out;
}

/**
 * The `demo` seed: a public catalogue (400), member-authored notes (60) and admin-only orders (250),
 * 710 items in all. It runs once per database; a restart keeps what is there.
 */
/** `ProductLikes`: one record per member and liked product, written only by the likeProduct web method. */
function ensureProductLikes(api: SeedApi): void {
  api.createCollection({
    id: DEMO_COLLECTIONS.productLikes,
    displayName: 'Product likes',
    permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    fields: [
      { key: 'productId', displayName: 'Product', type: 'TEXT' },
      { key: 'memberId', displayName: 'Member', type: 'TEXT' },
    ],
  });
}

export function seedDemo(api: SeedApi): { created: boolean } {
  ensureFeedback(api);
  ensureProductLikes(api);
  if (api.hasCollection(DEMO_COLLECTIONS.products)) return { created: false };
  const member = api.ensureMember({ ...DEMO_MEMBER, id: 'a3c1f0de-0000-4000-8000-00000000d3e0' });
  const river = api.ensureMember({ ...SECOND_MEMBER, id: 'b7e2a1c4-0000-4000-8000-0000000071e2' });

  api.transaction(() => {
    api.createCollection({
      id: DEMO_COLLECTIONS.products,
      displayName: 'Product catalogue',
      permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
      fields: PRODUCT_FIELDS,
    });
    api.createCollection({
      id: DEMO_COLLECTIONS.notes,
      displayName: 'Member notes',
      permissions: { read: 'SITE_MEMBER_AUTHOR', insert: 'SITE_MEMBER', update: 'SITE_MEMBER_AUTHOR', remove: 'SITE_MEMBER_AUTHOR' },
      fields: [
        { key: 'title', displayName: 'Title', type: 'TEXT' },
        { key: 'body', displayName: 'Note', type: 'RICH_TEXT' },
        { key: 'pinned', displayName: 'Pinned', type: 'BOOLEAN' },
        { key: 'color', displayName: 'Colour', type: 'TEXT' },
        { key: 'tags', displayName: 'Tags', type: 'ARRAY_STRING' },
        { key: 'remindAt', displayName: 'Remind at', type: 'DATETIME' },
      ],
    });
    api.createCollection({
      id: DEMO_COLLECTIONS.orders,
      displayName: 'Orders (admin only)',
      permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
      fields: [
        { key: 'orderNumber', displayName: 'Order #', type: 'NUMBER' },
        { key: 'customerName', displayName: 'Customer', type: 'TEXT' },
        { key: 'customerEmail', displayName: 'Email', type: 'TEXT' },
        { key: 'status', displayName: 'Status', type: 'TEXT' },
        { key: 'placedAt', displayName: 'Placed', type: 'DATETIME' },
        { key: 'lineItems', displayName: 'Lines', type: 'ARRAY_DOCUMENT' },
        { key: 'total', displayName: 'Total', type: 'NUMBER' },
        { key: 'currency', displayName: 'Currency', type: 'TEXT' },
        { key: 'shippingCountry', displayName: 'Country', type: 'TEXT' },
      ],
    });
    const products = catalogueProducts(400);
    api.insertItems(DEMO_COLLECTIONS.products, products);
    api.insertItems(DEMO_COLLECTIONS.notes, memberNotes(60, [member.id, river.id]));
    // A few orders belong to the demo members, so "my orders" has something to show.
    const orders = adminOrders(
      250,
      products.map((p) => p._id),
    );
    for (const [index, who] of [
      [3, DEMO_MEMBER],
      [17, DEMO_MEMBER],
      [42, DEMO_MEMBER],
      [88, DEMO_MEMBER],
      [121, DEMO_MEMBER],
      [7, SECOND_MEMBER],
      [64, SECOND_MEMBER],
    ] as const) {
      const order = orders[index];
      if (order) Object.assign(order, { customerEmail: who.email, customerName: who.nickname });
    }
    api.insertItems(DEMO_COLLECTIONS.orders, orders);
  });
  return { created: true };
}
