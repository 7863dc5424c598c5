/**
 * The one attribute grammar of the data elements (wix-data-list, wix-data-table) and of the SEO markup (velo/seo.ts):
 * the same syntax, the same bounds and the same error messages wherever an attribute names fields, a sort or a filter.
 *
 *   list     := item ("," item)*              items are trimmed; empty items are skipped
 *   field    := [A-Za-z0-9_][A-Za-z0-9_.-]{0,99}
 *               a field key, dotted for a nested value ("address.city"; readField)
 *   fields   := list of  field [":" label [":" format]]
 *                                              wix-data-list `fields`; the label is the rest after the first colon
 *                                              (default: the key), except a last ":" part that names a format
 *                                              (format.ts: auto, text, number, id, currency, percent, date, datetime,
 *                                              boolean, reference…; case-insensitive); no fields at all means "title:Title"
 *   columns  := list of  field [":" [label] [":" type]]
 *                                              wix-data-table `columns` (columns.ts adds the types); default "title:Title"
 *   sort     := list of  field [":" ("asc" | "desc")]
 *                                              the order is case-insensitive and ascending by default; the table sorts
 *                                              by one column, the first
 *   filter   := a JSON object in Wix's filter syntax, e.g. {"category":"Tents","price":{"$lt":100}}
 *   page-size := an integer from 1 to 100
 *
 * Every error is a SessionError of kind `validation`, with one of these messages:
 *   Invalid <attribute> field "<the first 40 characters>".
 *   Sort order is asc or desc.
 *   The <attribute> attribute must be a JSON object.
 *   page-size is 1 to 100.
 *
 * Formatting: format.ts (`formatCell`), one formatter for the table, the list and the SEO markup.
 */
import { SessionError } from './errors.ts';
import { formatNamed, type ValueFormat } from './format.ts';

export interface FieldSpec {
  key: string;
  label: string;
  /** How the values read (format.ts); `auto` unless the field names one. */
  format: ValueFormat;
}

export interface SortSpec {
  fieldName: string;
  order: 'ASC' | 'DESC';
}

const FIELD = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,99}$/;

export const invalid = (message: string): SessionError => new SessionError('validation', message);

/** A field key as the grammar allows it, or the validation error naming the attribute. */
export function checkField(field: string, attribute: string): string {
  if (!FIELD.test(field)) throw invalid(`Invalid ${attribute} field "${field.slice(0, 40)}".`);
  return field;
}

/** The trimmed, non-empty items of a comma-separated list. */
export const splitList = (value: string | null | undefined): string[] =>
  (value ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);

/** The trimmed parts of one item (`field:label:type`). */
export const splitItem = (item: string): string[] => item.split(':').map((part) => part.trim());

/**
 * `fields="title:Product, price:Price (USD):currency, orderNumber:Order:id, category"`: a key, an optional label after
 * the first colon, and an optional format as the last colon-separated part (only a format's name counts as one, so a
 * label may hold colons: "Opens: 9:30").
 */
export function parseFields(value: string | null | undefined): FieldSpec[] {
  const items = splitList(value);
  if (!items.length) return [{ key: 'title', label: 'Title', format: 'auto' }];
  return items.map((item) => {
    const colon = item.indexOf(':');
    const key = checkField((colon < 0 ? item : item.slice(0, colon)).trim(), 'fields');
    let label = colon < 0 ? '' : item.slice(colon + 1);
    const last = label.lastIndexOf(':');
    const format = last < 0 ? undefined : formatNamed(label.slice(last + 1).trim());
    if (format) label = label.slice(0, last);
    return { key, label: label.trim() || key, format: format ?? 'auto' };
  });
}

/** A list of field keys (`search-fields`, `sortable`). */
export const parseFieldList = (value: string, attribute: string): string[] => splitList(value).map((field) => checkField(field, attribute));

/** `sort="price:desc, title"`: ascending unless `:desc`. */
export function parseSort(value: string | null | undefined): SortSpec[] {
  return splitList(value).map((item) => {
    const [field = '', order = 'asc'] = splitItem(item);
    if (!/^(asc|desc)$/i.test(order)) throw invalid('Sort order is asc or desc.');
    return { fieldName: checkField(field, 'sort'), order: /^desc$/i.test(order) ? 'DESC' : 'ASC' };
  });
}

/** A Wix filter object given as JSON in `attribute`; undefined when the attribute is empty. */
export function parseFilter(value: string | null | undefined, attribute = 'filter'): Record<string, unknown> | undefined {
  const text = (value ?? '').trim();
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Same answer as a non-object below.
  }
  if (typeof parsed != 'object' || parsed === null || Array.isArray(parsed)) throw invalid(`The ${attribute} attribute must be a JSON object.`);
  return parsed as Record<string, unknown>;
}

export function checkPageSize(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 100) throw invalid('page-size is 1 to 100.');
  return value;
}

/** Reads a dotted key ("address.city") from an item: own properties only, so "constructor" is not found. */
export function readField(item: Record<string, unknown>, key: string): unknown {
  let current: unknown = item;
  for (const segment of key.split('.')) {
    if (current === null || typeof current != 'object' || !Object.hasOwn(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment]; // safe-lookup: own property checked on the line above
  }
  return current;
}
