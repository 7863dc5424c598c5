import { errors } from '../errors.ts';
import type { Caller } from '../identity/callers.ts';
import type { Collection } from './collections.ts';
import type { SqlFragment } from './filter.ts';
import { accessFor } from './permissions.ts';

/**
 * Small pieces shared by aggregate.ts and search.ts: composing SQL fragments with their bound values in text
 * order, the read permission as a WHERE fragment, and the scalar functions the pipeline's expressions use.
 */

export type Frag = SqlFragment;

/** Raw SQL written in this code (never request text). */
export const raw = (sql: string): Frag => ({ sql, params: [] });
/** One bound value. */
export const bind = (value: unknown): Frag => ({ sql: '?', params: [value] });

/** Joins fragments with a separator, keeping each fragment's values in the order its text appears. */
export function join(parts: readonly Frag[], separator: string): Frag {
  return { sql: parts.map((p) => p.sql).join(separator), params: parts.flatMap((p) => p.params) };
}

/** `sql\`SELECT ${a} FROM (${b})\``: strings are raw SQL written here, fragments bring their values along. */
export function sql(strings: TemplateStringsArray, ...parts: (Frag | string)[]): Frag {
  let text = strings[0]!;
  const params: unknown[] = [];
  parts.forEach((part, i) => {
    if (typeof part === 'string') text += part;
    else {
      text += part.sql;
      params.push(...part.params);
    }
    text += strings[i + 1]!;
  });
  return { sql: text, params };
}

/**
 * The read permission as a WHERE fragment over the collection's table: everything, or (SITE_MEMBER_AUTHOR) the
 * caller's own items only; a caller with no read access gets WDE0027 before anything is read.
 */
export function readScope(caller: Caller, collection: Collection): Frag {
  const access = accessFor(caller, collection.permissions.read, 'read');
  if (access === 'none') throw errors.permissionDenied('read', collection.id);
  return access === 'own' ? { sql: 'owner = ?', params: [caller.id] } : raw('1');
}

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Parses the JSON text SQLite hands a function (NULL: missing). */
function parse(json: unknown): unknown {
  if (json === null || json === undefined) return undefined;
  if (typeof json !== 'string') return json;
  try {
    return JSON.parse(json) as unknown;
  } catch {
    return undefined;
  }
}

const out = (value: unknown): string | null => {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number' && !Number.isFinite(value)) return null;
  return JSON.stringify(value);
};

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const isDate = (v: unknown): v is { $date: string } => isPlainObject(v) && Object.keys(v).length === 1 && typeof v['$date'] === 'string';

/**
 * The pipeline's expression operators over JSON values (reference: the Expression types of the installed
 * @wix/wix-data-items-common). A value of the wrong type gives null (the field is then left out of a projection),
 * never an error for the whole request: the docs say each operator "must resolve to" its type and do not say
 * what happens otherwise; null is MongoDB's answer for missing operands.
 */
export function evaluateOperator(op: string, args: unknown[]): unknown {
  const nums = () => {
    const values = args.map(num);
    return values.every((v) => v !== undefined) ? (values as number[]) : undefined;
  };
  switch (op) {
    case 'add':
    case 'sum': {
      const n = nums();
      return n ? n.reduce((a, b) => a + b, 0) : undefined;
    }
    case 'multiply': {
      const n = nums();
      return n ? n.reduce((a, b) => a * b, 1) : undefined;
    }
    case 'subtract': {
      const n = nums();
      return n ? n[0]! - n[1]! : undefined;
    }
    case 'divide': {
      const n = nums();
      return n && n[1] !== 0 ? n[0]! / n[1]! : undefined;
    }
    case 'mod': {
      const n = nums();
      return n && n[1] !== 0 ? n[0]! % n[1]! : undefined;
    }
    case 'abs': {
      const n = nums();
      return n ? Math.abs(n[0]!) : undefined;
    }
    case 'floor': {
      const n = nums();
      return n ? Math.floor(n[0]!) : undefined;
    }
    case 'ceil': {
      const n = nums();
      return n ? Math.ceil(n[0]!) : undefined;
    }
    case 'concat': {
      const s = args.map(str);
      return s.every((v) => v !== undefined) ? s.join('') : undefined;
    }
    case 'toLower':
      return str(args[0])?.toLocaleLowerCase('en-US');
    case 'toUpper':
      return str(args[0])?.toLocaleUpperCase('en-US');
    case 'length': {
      const s = str(args[0]);
      return s === undefined ? undefined : [...s].length;
    }
    case 'substring': {
      const s = str(args[0]);
      const start = num(args[1]);
      const length = args.length > 2 ? num(args[2]) : undefined;
      if (s === undefined || start === undefined || !Number.isInteger(start) || start < 0) return undefined;
      if (args.length > 2 && (length === undefined || !Number.isInteger(length) || length < 0)) return undefined;
      const chars = [...s];
      return chars.slice(start, length === undefined ? undefined : start + length).join('');
    }
    case 'stringify': {
      const v = args[0];
      if (v === undefined || v === null) return undefined;
      if (typeof v === 'string') return v;
      if (typeof v === 'number' || typeof v === 'boolean') return String(v);
      if (isDate(v)) return v.$date;
      return JSON.stringify(v);
    }
    default:
      return undefined;
  }
}

/**
 * min/max over mixed types: a sort key whose SQLite order is numbers, then strings, then booleans, then dates
 * (MongoDB's order among these types); objects, arrays, null and missing are skipped. `keyToJson` turns the
 * winner back into its JSON value.
 */
export function valueKey(json: unknown): number | string | null {
  const v = parse(json);
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string') return `s${v}`;
  if (typeof v === 'boolean') return v ? 'v1' : 'v0';
  if (isDate(v)) return `w${new Date(v.$date).toISOString()}`;
  return null;
}

export function keyToJson(key: unknown): string | null {
  if (typeof key === 'number' || typeof key === 'bigint') return JSON.stringify(Number(key));
  if (typeof key !== 'string' || key.length === 0) return null;
  const body = key.slice(1);
  switch (key[0]) {
    case 's':
      return JSON.stringify(body);
    case 'v':
      return body === '1' ? 'true' : 'false';
    case 'w':
      return JSON.stringify({ $date: body });
    default:
      return null;
  }
}

/** Registers the functions the pipeline SQL calls. Deterministic, no state: safe on a shared connection. */
export function registerQueryFunctions(db: {
  function: (name: string, options: { deterministic: boolean; varargs?: boolean }, fn: (...args: unknown[]) => unknown) => unknown;
}): void {
  db.function('wix_num', { deterministic: true }, (json) => {
    // JSON number text starts with a digit or '-'; anything else is not a number, without parsing it.
    if (typeof json !== 'string' || !/^-?\d/.test(json)) return null;
    const v = Number(json);
    return typeof v === 'number' && Number.isFinite(v) ? v : null;
  });
  db.function('wix_key', { deterministic: true }, (json) => valueKey(json));
  db.function('wix_unkey', { deterministic: true }, (key) => keyToJson(key));
  db.function('wix_expr', { deterministic: true, varargs: true }, (op, ...args) => out(evaluateOperator(String(op), args.map(parse))));
}
