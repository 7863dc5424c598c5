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
  brands: 'Brands',
  tags: 'Tags',
  suppliers: 'Suppliers',
} as const;

/**
 * The catalogue's references (issue 12), declared apart from PRODUCT_FIELDS so that a collection made with those
 * alone needs no Brands/Tags/Suppliers collections: `brandRef` (REFERENCE → Brands, public), `tagRefs`
 * (MULTI_REFERENCE ↔ Tags, public; Tags sees it as `products`) and `supplier` (REFERENCE → Suppliers, admin only, so
 * a visitor's include leaves it the ID). The TEXT `brand` and ARRAY_STRING `tags` stay for filters and search.
 */
export const PRODUCT_REFERENCE_FIELDS: CollectionField[] = [
  { key: 'brandRef', displayName: 'Brand (reference)', type: 'REFERENCE', typeMetadata: { reference: { referencedCollectionId: 'Brands' } } },
  {
    key: 'tagRefs',
    displayName: 'Tags (references)',
    type: 'MULTI_REFERENCE',
    typeMetadata: { multiReference: { referencedCollectionId: 'Tags', referencingFieldKey: 'products', referencingDisplayName: 'Products' } },
  },
  { key: 'supplier', displayName: 'Supplier', type: 'REFERENCE', typeMetadata: { reference: { referencedCollectionId: 'Suppliers' } } },
];

/** A stable item ID from a display name: `Kite & Crag` → `kite-crag`. */
export const slugId = (prefix: string, name: string): string =>
  `${prefix}-${name
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')}`;

const SUPPLIERS = ['Alder Textiles', 'Basalt Works', 'Cirrus Supply'] as const;

/** The catalogue with its references: each product's brand and one of the suppliers, by ID. */
function productsWithReferences(count: number): SeedItem[] {
  return catalogueProducts(count).map((p, i) => ({
    ...p,
    brandRef: slugId('brand', String(p['brand'])),
    supplier: slugId('supplier', SUPPLIERS[i % SUPPLIERS.length]!),
  }));
}

/** The collections the catalogue references, with their items (made before Products: a reference names a collection that exists). */
function seedReferencedCollections(api: SeedApi, products: readonly SeedItem[]): void {
  const brands = [...new Set(products.map((p) => String(p['brand'])))].sort();
  const tags = [...new Set(products.flatMap((p) => (Array.isArray(p['tags']) ? (p['tags'] as string[]) : [])))].sort();
  api.createCollection({
    id: DEMO_COLLECTIONS.brands,
    displayName: 'Brands',
    permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    fields: [
      { key: 'title', displayName: 'Name', type: 'TEXT' },
      { key: 'slug', displayName: 'Slug', type: 'TEXT' },
    ],
  });
  api.createCollection({
    id: DEMO_COLLECTIONS.tags,
    displayName: 'Tags',
    permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    fields: [{ key: 'title', displayName: 'Tag', type: 'TEXT' }],
  });
  api.createCollection({
    id: DEMO_COLLECTIONS.suppliers,
    displayName: 'Suppliers (admin only)',
    permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    fields: [
      { key: 'title', displayName: 'Supplier', type: 'TEXT' },
      { key: 'contactEmail', displayName: 'Contact', type: 'TEXT' },
    ],
  });
  api.insertItems(
    DEMO_COLLECTIONS.brands,
    brands.map((title) => ({ _id: slugId('brand', title), title, slug: slugId('brand', title).slice(6) })),
  );
  api.insertItems(
    DEMO_COLLECTIONS.tags,
    tags.map((title) => ({ _id: slugId('tag', title), title })),
  );
  const suppliers = SUPPLIERS.map((title) => ({
    _id: slugId('supplier', title),
    title,
    contactEmail: `orders@${slugId('', title).slice(1)}.example`,
  }));
  api.insertItems(DEMO_COLLECTIONS.suppliers, suppliers);
}

/** Each product references the Tags items of its `tags` (a multi-reference, kept apart from the item). */
function seedTagReferences(api: SeedApi, products: readonly SeedItem[]): void {
  api.insertReferences(
    DEMO_COLLECTIONS.products,
    'tagRefs',
    products.flatMap((p) => (Array.isArray(p['tags']) ? (p['tags'] as string[]).map((t) => [p._id, slugId('tag', t)] as const) : [])),
  );
}

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
    const products = productsWithReferences(400);
    seedReferencedCollections(api, products);
    api.createCollection({
      id: DEMO_COLLECTIONS.products,
      displayName: 'Product catalogue',
      permissions: { read: 'ANYONE', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
      fields: [...PRODUCT_FIELDS, ...PRODUCT_REFERENCE_FIELDS],
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
    api.insertItems(DEMO_COLLECTIONS.products, products);
    seedTagReferences(api, products);
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
