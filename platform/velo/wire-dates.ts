/** The `{ "$date": ISO }` wire encoding of dates, decoded for hook code (which sees Date objects, as on Wix) and back. */

const MAX_DEPTH = 64;

function isDateEnvelope(value: object): value is { $date: string } {
  const keys = Object.keys(value);
  return keys.length === 1 && keys[0] === '$date' && typeof (value as { $date?: unknown }).$date === 'string';
}

/** Copies `value` with every `{ $date }` as a Date. Own enumerable keys only; `__proto__` stays an own key. */
export function decodeDates(value: unknown, depth = 0): unknown {
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => decodeDates(v, depth + 1));
  if (isDateEnvelope(value)) {
    const date = new Date(value.$date);
    return Number.isNaN(date.getTime()) ? value : date;
  }
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    Object.defineProperty(out, key, { value: decodeDates(v, depth + 1), enumerable: true, writable: true, configurable: true });
  return out;
}

/** Copies `value` with every Date as `{ $date }`. */
export function encodeDates(value: unknown, depth = 0): unknown {
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? null : { $date: value.toISOString() };
  if (typeof value !== 'object' || value === null || depth > MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((v) => encodeDates(v, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, v] of Object.entries(value))
    Object.defineProperty(out, key, { value: encodeDates(v, depth + 1), enumerable: true, writable: true, configurable: true });
  return out;
}
