/**
 * The one value formatter of the data elements (wix-data-list, wix-data-table) and the SEO markup (velo/seo.ts): a
 * field declares how its values read (`price:Price:currency`, `orderNumber:Order:id`), and the same value reads the
 * same in every element. Intl formatters are cached per locale and options (a table formats thousands of cells).
 *
 *   auto      numbers with at most two fraction digits and the locale's grouping, dates `dateStyle: medium`, booleans
 *             Yes/No, arrays item by item, an included referenced item its title, other objects JSON, else text
 *   text      the value as it is (objects as JSON)
 *   number    at most two fraction digits, grouped (10,250.5)
 *   id        an identifier that happens to be a number (an order number, a year, a ZIP code): as it is, never
 *             grouped (10250)
 *   currency  in the element's `currency` (ISO 4217, default USD): $502.50
 *   percent   0.125 → 12.5%
 *   date, datetime   `dateStyle: medium` (and `timeStyle: short`)
 *   boolean   Yes / No
 *   reference a referenced item's title (or name, or ID); a multi-reference as a comma-separated list
 *   image, url       text here; the table draws them (columns.ts)
 *
 * Missing values (null, undefined, '') read "—". A value of another type than its format expects (a string in a
 * currency field: Wix items are schemaless) is shown as text, never as NaN.
 */
export const FORMATS = ['auto', 'text', 'number', 'id', 'currency', 'percent', 'date', 'datetime', 'boolean', 'image', 'url', 'reference'] as const;
export type ValueFormat = (typeof FORMATS)[number];

const KNOWN = new Set<string>(FORMATS);

/** A format name as written in an attribute (case-insensitive), or undefined when it is not one. */
export const formatNamed = (name: string): ValueFormat | undefined => {
  const lower = name.toLowerCase();
  return KNOWN.has(lower) ? (lower as ValueFormat) : undefined;
};

export interface FormatOptions {
  locale: string | undefined;
  /** ISO 4217 code for `currency`. */
  currency: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value == 'object' && value !== null && !Array.isArray(value);

/**
 * Any value as text without running its code: objects as JSON (an item is JSON, so this never meets a cycle), never
 * String() on an object, whose own `toString` a stored item could set to anything.
 */
const text = (value: unknown): string => {
  if (typeof value != 'object' || value === null) return String(value);
  try {
    return JSON.stringify(value) ?? '';
  } catch {
    return '';
  }
};

/** A referenced item's title (or name, or ID); a reference Wix did not include is its ID already. */
export const referenceTitle = (value: unknown): string =>
  // safe-lookup: fixed keys, not request keys
  isObject(value) ? text(value['title'] ?? value['name'] ?? value['_id'] ?? '—') : text(value);

// Bounded: one entry per locale and option set an element uses; a page cannot make it grow without end.
const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let found = formatters.get(key) as T | undefined;
  if (!found) {
    if (formatters.size > 200) formatters.clear();
    formatters.set(key, (found = make()));
  }
  return found;
}

/** A whole number with the locale's grouping (a count of items), with a cached formatter. */
export const formatCount = (n: number, locale: string | undefined): string => formatter(`${locale}|count`, () => new Intl.NumberFormat(locale)).format(n);

const asDate = (value: unknown): Date | undefined => {
  const date = value instanceof Date ? value : typeof value == 'string' || typeof value == 'number' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
};

/** A value as text, for a format and a locale (Intl). An unknown locale or currency throws a RangeError (the caller checks them). */
export function formatCell(value: unknown, type: ValueFormat, { locale, currency }: FormatOptions): string {
  if (value === null || value === undefined || value === '') return '—';
  const number = (options: Intl.NumberFormatOptions) =>
    typeof value == 'number' ? formatter(`${locale}|n|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options)).format(value) : text(value);
  const date = (options: Intl.DateTimeFormatOptions) => {
    const parsed = asDate(value);
    return parsed ? formatter(`${locale}|d|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options)).format(parsed) : text(value);
  };
  switch (type) {
    case 'number':
      return number({ maximumFractionDigits: 2 });
    case 'id':
    case 'text':
    case 'url':
    case 'image':
      return text(value);
    case 'currency':
      return number({ style: 'currency', currency });
    case 'percent':
      return number({ style: 'percent', maximumFractionDigits: 1 });
    case 'date':
      return date({ dateStyle: 'medium' });
    case 'datetime':
      return date({ dateStyle: 'medium', timeStyle: 'short' });
    case 'boolean':
      return value === true ? 'Yes' : value === false ? 'No' : text(value);
    case 'reference':
      // Included: the referenced item (single) or items (multi); not included or not readable: the ID.
      if (Array.isArray(value)) return value.length ? value.map(referenceTitle).join(', ') : '—';
      return referenceTitle(value);
  }
  // auto
  if (value instanceof Date) return date({ dateStyle: 'medium' });
  if (typeof value == 'number') return number({ maximumFractionDigits: 2 });
  if (typeof value == 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.map((item) => formatCell(item, 'auto', { locale, currency })).join(', ');
  // An included referenced item (it has an `_id`) shows its title; any other object its JSON.
  return typeof value == 'object' && typeof (value as { _id?: unknown })._id == 'string' ? referenceTitle(value) : text(value);
}

/**
 * Builds the Intl formatters that values of these formats will need, so that it happens while a query is on its way
 * rather than when its rows are drawn: the first currency formatter loads locale data and takes tens of ms (about
 * 30 ms on a desktop, four times that on a slow phone). An unknown locale or currency is left to the caller's checks.
 */
export function prepareFormats(formats: readonly ValueFormat[], options: FormatOptions): void {
  for (const format of new Set(formats)) {
    try {
      formatCell(format === 'date' || format === 'datetime' ? new Date(0) : 0, format, options);
    } catch {
      // RangeError: reported where the values are formatted.
    }
  }
}
