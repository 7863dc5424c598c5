import type { SeedApi } from '../../platform/index.ts';

export const SECOND_SITE_NAME = 'Northwind HQ';

const CITIES = [
  ['Seattle', 'US'],
  ['Portland', 'US'],
  ['Denver', 'US'],
  ['Vancouver', 'CA'],
  ['Calgary', 'CA'],
  ['Oslo', 'NO'],
  ['Tromsø', 'NO'],
  ['Stockholm', 'SE'],
  ['Reykjavík', 'IS'],
  ['Innsbruck', 'AT'],
  ['Chamonix', 'FR'],
  ['Queenstown', 'NZ'],
] as const;

/**
 * A second site of the same account, for the OAuth demo: the member connects "Northwind Insights" to it and
 * reads its stores. Stores are readable by members; the inventory is admin-only.
 */
export function seedSecondSite(api: SeedApi): string {
  const siteId = api.addSite({ key: 'site2', name: SECOND_SITE_NAME });
  if (api.hasCollection('Stores', siteId)) return siteId;
  api.createCollection({
    siteId,
    id: 'Stores',
    displayName: 'Stores',
    permissions: { read: 'SITE_MEMBER', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    fields: [
      { key: 'title', displayName: 'Store', type: 'TEXT' },
      { key: 'city', displayName: 'City', type: 'TEXT' },
      { key: 'country', displayName: 'Country', type: 'TEXT' },
      { key: 'opened', displayName: 'Opened', type: 'DATETIME' },
    ],
  });
  api.insertItems(
    'Stores',
    CITIES.map(([city, country], i) => ({
      _id: `store-${String(i + 1).padStart(2, '0')}`,
      title: `Northwind ${city}`,
      city,
      country,
      opened: new Date(Date.UTC(2012 + (i % 12), (i * 5) % 12, 1 + ((i * 7) % 27))),
    })),
    { siteId },
  );
  api.createCollection({
    siteId,
    id: 'Inventory',
    displayName: 'Inventory (admin only)',
    permissions: { read: 'ADMIN', insert: 'ADMIN', update: 'ADMIN', remove: 'ADMIN' },
    fields: [
      { key: 'sku', displayName: 'SKU', type: 'TEXT' },
      { key: 'units', displayName: 'Units', type: 'NUMBER' },
    ],
  });
  api.insertItems(
    'Inventory',
    Array.from({ length: 20 }, (_, i) => ({ sku: `NW-HQ-${1000 + i}`, units: (i * 37) % 200 })),
    { siteId },
  );
  return siteId;
}
