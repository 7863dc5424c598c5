import { SessionError } from '../core/errors.ts';

export interface FieldSpec {
  key: string;
  label: string;
}

export interface SortSpec {
  fieldName: string;
  order: 'ASC' | 'DESC';
}

const FIELD_KEY = /^[A-Za-z0-9_][A-Za-z0-9_.-]*$/;

function checkKey(key: string, attribute: string): string {
  if (!FIELD_KEY.test(key)) throw new SessionError('validation', `Invalid ${attribute} field "${key.slice(0, 40)}".`);
  return key;
}

/** `fields="title:Product, price:Price, category"` — key, optional label after a colon. */
export function parseFields(value: string | null | undefined): FieldSpec[] {
  const text = (value ?? '').trim();
  if (!text) return [{ key: 'title', label: 'Title' }];
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const colon = part.indexOf(':');
      const key = checkKey((colon === -1 ? part : part.slice(0, colon)).trim(), 'fields');
      const label = colon === -1 ? key : part.slice(colon + 1).trim() || key;
      return { key, label };
    });
}

/** `sort="price:desc, title"` — ascending unless `:desc`. */
export function parseSort(value: string | null | undefined): SortSpec[] {
  const text = (value ?? '').trim();
  if (!text) return [];
  return text
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean)
    .map((part) => {
      const [rawKey = '', rawOrder = 'asc'] = part.split(':').map((s) => s.trim());
      const order = rawOrder.toLowerCase();
      if (order !== 'asc' && order !== 'desc') throw new SessionError('validation', 'Sort order is asc or desc.');
      return { fieldName: checkKey(rawKey, 'sort'), order: order === 'desc' ? 'DESC' : 'ASC' };
    });
}

/** `filter` holds Wix filter JSON, e.g. `{"category":"Tents","price":{"$lt":100}}`. */
export function parseFilter(value: string | null | undefined): Record<string, unknown> | undefined {
  const text = (value ?? '').trim();
  if (!text) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    // Same answer as a non-object below.
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SessionError('validation', 'The filter attribute must be a valid JSON object.');
  }
  return parsed as Record<string, unknown>;
}

export function checkPageSize(value: number): number {
  if (!Number.isInteger(value) || value < 1 || value > 100) throw new SessionError('validation', 'page-size is 1 to 100.');
  return value;
}

/** Renders one field value as text for the current locale. */
export function formatValue(value: unknown, locale?: string): string {
  if (value === null || value === undefined) return '—';
  if (value instanceof Date) return new Intl.DateTimeFormat(locale, { dateStyle: 'medium' }).format(value);
  if (typeof value === 'number') return new Intl.NumberFormat(locale, { maximumFractionDigits: 2 }).format(value);
  if (typeof value === 'boolean') return value ? 'Yes' : 'No';
  if (Array.isArray(value)) return value.map((v) => formatValue(v, locale)).join(', ');
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** Reads a dotted key ("address.city") from an item. */
export function readField(item: Record<string, unknown>, key: string): unknown {
  let current: unknown = item;
  for (const segment of key.split('.')) {
    if (current === null || typeof current !== 'object') return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}
