import type { FieldViolation } from '../errors.ts';
import type { Collection } from './collections.ts';
import { isDateObject } from './filter.ts';
import { MAX_ITEM_BYTES, MAX_ITEM_ID_LENGTH, MAX_ITEM_NESTING } from './limits.ts';
import { dataWarning, quoteName } from './warnings.ts';

export { MAX_ITEM_BYTES };
export const SYSTEM_KEYS = ['_id', '_owner', '_createdDate', '_updatedDate'] as const;
const SYSTEM_KEY_SET: ReadonlySet<string> = new Set(SYSTEM_KEYS);

export interface NormalizedItem {
  id?: string;
  owner?: string;
  /** Null-prototype at every depth: `__proto__`, `constructor` ... are stored as ordinary fields. */
  data: Record<string, unknown>;
  /** Fields whose values do not match their declared types (stored anyway; reported once written). */
  mismatches?: string[];
}

/** An object that has no prototype, so any key (including `__proto__`) is an ordinary own property. */
export const nullObject = (): Record<string, unknown> => Object.create(null) as Record<string, unknown>;

/** Reads an own property only: nothing inherited (or planted on Object.prototype) is ever seen. */
export const own = (obj: object, key: string): unknown => (Object.hasOwn(obj, key) ? (obj as Record<string, unknown>)[key] : undefined);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

const STRING_TYPES = new Set(['TEXT', 'RICH_TEXT', 'URL', 'IMAGE', 'VIDEO', 'AUDIO', 'DOCUMENT', 'LANGUAGE', 'TIME', 'PAGE_LINK']);
const ARRAY_TYPES = new Set(['ARRAY', 'ARRAY_DOCUMENT', 'MEDIA_GALLERY']);
const OBJECT_TYPES = new Set(['OBJECT', 'ADDRESS', 'RICH_CONTENT']);

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  if (isDateObject(value)) return 'a date';
  return `a ${typeof value}`;
}

/** Checks one value against its declared Wix field type. Returns the expected type's name when it does not fit. */
function typeMismatch(type: string, value: unknown): string | undefined {
  if (value === null || type === 'ANY') return undefined;
  if (STRING_TYPES.has(type)) return typeof value === 'string' ? undefined : 'a string';
  switch (type) {
    case 'NUMBER':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : 'a finite number';
    case 'BOOLEAN':
      return typeof value === 'boolean' ? undefined : 'a boolean';
    case 'DATE':
    case 'DATETIME':
      return isDateObject(value) || (typeof value === 'string' && !Number.isNaN(Date.parse(value))) ? undefined : 'a date';
    case 'REFERENCE':
      return typeof value === 'string' || (isPlainObject(value) && typeof own(value, '_id') === 'string') ? undefined : 'an item ID';
    case 'ARRAY_STRING':
      return Array.isArray(value) && value.every((v) => typeof v === 'string') ? undefined : 'an array of strings';
    case 'MULTI_REFERENCE':
      return Array.isArray(value) ? undefined : 'an array of item IDs';
    default:
      if (ARRAY_TYPES.has(type)) return Array.isArray(value) ? undefined : 'an array';
      if (OBJECT_TYPES.has(type)) return isPlainObject(value) ? undefined : 'an object';
      return undefined;
  }
}

/** Canonicalises every nested `{$date}` to a full ISO string; reports bad dates, non-finite numbers and deep nesting. */
export function normalizeValue(value: unknown, path: string, violations: FieldViolation[], depth: number): unknown {
  if (depth > MAX_ITEM_NESTING) {
    violations.push({ field: path, description: 'is nested too deeply', violatedRule: 'MAX_DEPTH' });
    return null;
  }
  if (Array.isArray(value)) return value.map((v, i) => normalizeValue(v, `${path}[${i}]`, violations, depth + 1));
  if (!isPlainObject(value)) {
    if (typeof value === 'number' && !Number.isFinite(value)) {
      violations.push({ field: path, description: 'must be a finite number', violatedRule: 'TYPE' });
    }
    return value;
  }
  if (isDateObject(value)) {
    const time = typeof value.$date === 'string' ? Date.parse(value.$date) : Number.NaN;
    if (Number.isNaN(time)) {
      violations.push({ field: path, description: 'is not a valid date', violatedRule: 'FORMAT' });
      return null;
    }
    return { $date: new Date(time).toISOString() };
  }
  const out = nullObject();
  // safe-lookup: out is a null-prototype object, so k (any request key) is an own property
  for (const [k, v] of Object.entries(value)) out[k] = normalizeValue(v, `${path}.${k}`, violations, depth + 1);
  return out;
}

/**
 * Wix does not enforce a collection's schema ("if you add or update an item containing a field or data type that
 * doesn't match the collection's schema specification, your data is stored anyway"), so neither does the platform:
 * a mismatching value is stored, and the developer gets a warning naming the field in the request log.
 */
export function schemaMismatch(collection: Collection, key: string, value: unknown): string | undefined {
  if (value === undefined) return undefined;
  const declared = collection.fieldTypes.get(key);
  const expected = declared ? typeMismatch(declared, value) : undefined;
  if (!expected) return undefined;
  return `field ${quoteName(key)} is ${declared} in the collection's schema but holds ${describe(value)} (expected ${expected}); stored anyway, as Wix does`;
}

/** Reports an item's schema mismatches once it is stored (a refused request stores nothing and warns of nothing). */
export function reportMismatches(collection: Collection, itemId: string, mismatches: readonly string[] | undefined): void {
  for (const m of mismatches ?? []) dataWarning(`${collection.id} item ${quoteName(itemId)}: ${m}.`);
}

/**
 * Turns an item as the SDK sends it (`dataItem.data`, with `_id` and Dates as `{$date}`) into what is stored:
 * user fields only, dates canonical. What Wix refuses is a violation (not an object, a bad `_id`, over 500 KB; and
 * the platform's own bounds: bad dates, nesting); a value that does not match its declared type is a warning only.
 */
export function normalizeItem(raw: unknown, collection: Collection, violations: FieldViolation[], prefix = 'dataItem.data'): NormalizedItem {
  if (!isPlainObject(raw)) {
    violations.push({ field: prefix, description: 'must be an object', violatedRule: 'TYPE' });
    return { data: nullObject() };
  }
  const out: NormalizedItem = { data: nullObject() };
  const id = own(raw, '_id');
  if (id !== undefined && id !== null) {
    if (typeof id !== 'string' || id.length === 0 || id.length > MAX_ITEM_ID_LENGTH) {
      violations.push({
        field: `${prefix}._id`,
        description: `must be a non-empty string of at most ${MAX_ITEM_ID_LENGTH} characters`,
        violatedRule: 'FORMAT',
      });
    } else out.id = id;
  }
  const owner = own(raw, '_owner');
  if (typeof owner === 'string' && owner) out.owner = owner;

  for (const [key, value] of Object.entries(raw)) {
    if (SYSTEM_KEY_SET.has(key) || value === undefined) continue;
    const declared = collection.fieldTypes.get(key);
    if (declared === 'MULTI_REFERENCE') {
      // Wix keeps a multi-reference apart from the item: a value sent with the item is not stored with it.
      (out.mismatches ??= []).push(
        `field ${quoteName(key)} is a multi-reference; a value sent with the item is not stored (use insertReference or replaceReferences), as on Wix`,
      );
      continue;
    }
    // A single reference sent as the referenced item (`{_id, ...}`) is stored as its ID, as Wix does.
    const stored = declared === 'REFERENCE' && isPlainObject(value) && typeof own(value, '_id') === 'string' ? own(value, '_id') : value;
    const normalized = normalizeValue(stored, `${prefix}.${key}`, violations, 1);
    const mismatch = schemaMismatch(collection, key, normalized);
    if (mismatch) (out.mismatches ??= []).push(mismatch);
    // safe-lookup: out.data is a null-prototype object, so key (any request key) is an own property
    out.data[key] = normalized;
  }
  // A field the schema marks required but the item leaves out is stored anyway (Wix does not enforce the schema on
  // writes through the API), and the developer is told, like a type mismatch.
  for (const f of collection.fields) {
    const present = own(out.data, f.key);
    if (f.required && f.type !== 'MULTI_REFERENCE' && (present === undefined || present === null)) {
      (out.mismatches ??= []).push(`required field ${quoteName(f.key)} is missing; stored anyway, as Wix does`);
    }
  }
  const size = Buffer.byteLength(JSON.stringify(out.data));
  if (size > MAX_ITEM_BYTES) {
    violations.push({ field: prefix, description: `is ${size} bytes; an item may be at most ${MAX_ITEM_BYTES} bytes`, violatedRule: 'MAX_SIZE' });
  }
  return out;
}
