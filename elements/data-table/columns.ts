import { checkField, formatValue, invalid, parseFieldList, parseSort, splitItem, splitList } from '../core/grammar.ts';

export { checkField, parseFieldList, readField } from '../core/grammar.ts';

/** How a column's values are shown. `auto` decides from the value itself. */
export const COLUMN_TYPES = ['auto', 'text', 'number', 'currency', 'percent', 'date', 'datetime', 'boolean', 'image', 'url', 'reference'] as const;
export type ColumnType = (typeof COLUMN_TYPES)[number];

export interface ColumnSpec {
  field: string;
  label: string;
  type: ColumnType;
  sortable: boolean;
}

export interface FilterChip {
  label: string;
  filter: Record<string, unknown>;
  /** Chips in one group are alternatives (OR); groups narrow each other (AND). */
  group: string;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value == 'object' && value !== null && !Array.isArray(value);
const TYPES = new Set<string>(COLUMN_TYPES);

/** A referenced item's title (or name, or ID); a reference Wix did not include is its ID already. */
const referenceTitle = (value: unknown): string => (isObject(value) ? String(value['title'] ?? value['name'] ?? value['_id'] ?? '—') : String(value));

/**
 * `columns="title:Product, price:Price:currency, createdDate:Added:date, photo::image"`: field, optional label,
 * optional type. Images and references are not sortable; `sortable` (a field list) narrows the rest.
 */
export function parseColumns(value: string, sortable: string): ColumnSpec[] {
  const sortableFields = sortable.trim() ? new Set(parseFieldList(sortable, 'sortable')) : undefined;
  const parts = splitList(value);
  if (parts.length === 0) parts.push('title:Title');
  if (parts.length > 30) throw invalid('A table shows at most 30 columns.');
  return parts.map((part) => {
    const [rawField = '', rawLabel = '', rawType = 'auto'] = splitItem(part);
    const field = checkField(rawField, 'columns');
    const type = (rawType || 'auto').toLowerCase();
    if (!TYPES.has(type)) throw invalid(`Unknown column type "${type.slice(0, 20)}" for ${field}; use one of ${COLUMN_TYPES.join(', ')}.`);
    const fixed = type === 'image' || type === 'reference';
    return { field, label: rawLabel || field, type: type as ColumnType, sortable: !fixed && (sortableFields?.has(field) ?? true) };
  });
}

/** `sort="price:desc"`: the table sorts by one column at a time, the first of the grammar's sort list. */
export function parseTableSort(value: string): { field: string; order: 'ASC' | 'DESC' } | undefined {
  const [first] = parseSort(value);
  return first && { field: first.fieldName, order: first.order };
}

/** `filters='[{"label":"Tents","filter":{"category":"Tents"},"group":"category"}]'`: the filter chips. */
export function parseChips(value: string): FilterChip[] {
  if (!value.trim()) return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(value);
  } catch {
    // Reported below.
  }
  if (!Array.isArray(parsed) || parsed.length > 50)
    throw invalid('The filters attribute must be a JSON array of at most 50 { label, filter, group? } objects.');
  return parsed.map((chip, index) => {
    if (
      !isObject(chip) ||
      typeof chip['label'] != 'string' ||
      !chip['label'] ||
      !isObject(chip['filter']) ||
      (chip['group'] !== undefined && typeof chip['group'] != 'string')
    ) {
      throw invalid(`Filter chip ${index + 1} needs a label (text) and a filter (a JSON object).`);
    }
    return { label: chip['label'], filter: chip['filter'], group: (chip['group'] as string | undefined) ?? '' };
  });
}

/** ANDs the parts that are set; undefined when none is. */
export function allOf(parts: (Record<string, unknown> | undefined)[]): Record<string, unknown> | undefined {
  const set = parts.filter((p): p is Record<string, unknown> => p !== undefined);
  return set.length > 1 ? { $and: set } : set[0];
}

/** ORs the parts; undefined when there are none. */
export function anyOf(parts: Record<string, unknown>[]): Record<string, unknown> | undefined {
  return parts.length > 1 ? { $or: parts } : parts[0];
}

/** The server-side search: any of the fields contains the text (case-insensitive on Wix). */
export function searchFilter(text: string, fields: string[]): Record<string, unknown> | undefined {
  const query = text.trim();
  if (!query || fields.length === 0) return undefined;
  return anyOf(fields.map((field) => ({ [field]: { $contains: query } })));
}

/** The active chips as one filter: OR within a group, AND across groups. */
export function chipsFilter(chips: FilterChip[], active: ReadonlySet<number>): Record<string, unknown> | undefined {
  const groups = new Map<string, Record<string, unknown>[]>();
  chips.forEach((chip, index) => {
    if (active.has(index)) groups.set(chip.group, [...(groups.get(chip.group) ?? []), chip.filter]);
  });
  return allOf([...groups.values()].map(anyOf));
}

/** A Wix media image (`wix:image://v1/<id>/<name>#...`) or an https URL, as a URL a browser can load. */
export function imageSource(value: unknown): { src: string; alt: string } | undefined {
  if (typeof value != 'string') return undefined;
  const media = /^wix:image:\/\/v1\/([\w.~-]+)\/([^#?]*)/.exec(value);
  if (media) {
    let name = media[2] ?? '';
    try {
      name = decodeURIComponent(name);
    } catch {
      // A malformed name is shown as it is.
    }
    return { src: `https://static.wixstatic.com/media/${media[1]}`, alt: name.replace(/\.[a-z0-9]+$/i, '') };
  }
  try {
    const url = new URL(value);
    if (url.protocol === 'https:') return { src: url.href, alt: '' };
  } catch {
    // Not a URL: not an image.
  }
  return undefined;
}

/** An https or http link, or undefined (never `javascript:` and the like). */
export function linkHref(value: unknown): string | undefined {
  if (typeof value != 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

const formatters = new Map<string, Intl.NumberFormat | Intl.DateTimeFormat>();
function formatter<T extends Intl.NumberFormat | Intl.DateTimeFormat>(key: string, make: () => T): T {
  let found = formatters.get(key) as T | undefined;
  if (!found) formatters.set(key, (found = make()));
  return found;
}

/** A whole number with the locale's grouping (the status line's count), with a cached formatter. */
export const formatCount = (n: number, locale: string | undefined): string => formatter(`${locale}|count`, () => new Intl.NumberFormat(locale)).format(n);

export interface FormatOptions {
  locale: string | undefined;
  currency: string;
}

const asDate = (value: unknown): Date | undefined => {
  const date = value instanceof Date ? value : typeof value == 'string' || typeof value == 'number' ? new Date(value) : undefined;
  return date && !Number.isNaN(date.getTime()) ? date : undefined;
};

/** A value as text, for a column type and a locale (Intl). References show their title, name or id. */
export function formatCell(value: unknown, type: ColumnType, { locale, currency }: FormatOptions): string {
  if (value === null || value === undefined || value === '') return '—';
  const number = (options: Intl.NumberFormatOptions) =>
    typeof value == 'number' ? formatter(`${locale}|n|${JSON.stringify(options)}`, () => new Intl.NumberFormat(locale, options)).format(value) : String(value);
  const date = (options: Intl.DateTimeFormatOptions) => {
    const parsed = asDate(value);
    return parsed ? formatter(`${locale}|d|${JSON.stringify(options)}`, () => new Intl.DateTimeFormat(locale, options)).format(parsed) : String(value);
  };
  switch (type) {
    case 'number':
      return number({ maximumFractionDigits: 2 });
    case 'currency':
      return number({ style: 'currency', currency });
    case 'percent':
      return number({ style: 'percent', maximumFractionDigits: 1 });
    case 'date':
      return date({ dateStyle: 'medium' });
    case 'datetime':
      return date({ dateStyle: 'medium', timeStyle: 'short' });
    case 'boolean':
      return value === true ? 'Yes' : value === false ? 'No' : String(value);
    case 'reference':
      // Included: the referenced item (single) or items (multi); not included or not readable: the ID.
      if (Array.isArray(value)) return value.length ? value.map(referenceTitle).join(', ') : '—';
      return referenceTitle(value);
    case 'text':
    case 'url':
    case 'image':
      return typeof value == 'object' ? JSON.stringify(value) : String(value);
  }
  // auto
  // `auto`: the grammar's rule (core/grammar.ts), with cached Intl formatters and a reference's title for an object.
  if (value instanceof Date) return date({ dateStyle: 'medium' });
  if (typeof value == 'number') return number({ maximumFractionDigits: 2 });
  return formatValue(value, locale, (object) => formatCell(object, 'reference', { locale, currency }));
}

/** The type a cell is drawn as: an `auto` column shows Wix media as images and https links as links. */
export function cellKind(value: unknown, type: ColumnType): 'image' | 'url' | 'boolean' | 'number' | 'text' {
  if (type === 'image' || (type === 'auto' && typeof value == 'string' && value.startsWith('wix:image://'))) return 'image';
  if (type === 'url') return 'url';
  if (type === 'boolean' || (type === 'auto' && typeof value == 'boolean')) return 'boolean';
  if (type === 'number' || type === 'currency' || type === 'percent' || (type === 'auto' && typeof value == 'number')) return 'number';
  return 'text';
}
