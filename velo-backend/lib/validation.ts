import * as v from 'valibot';
import { EnvelopeError } from './envelope.ts';

const FORBIDDEN_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

/** Rejects prototype-pollution keys anywhere in the input before any schema sees it. */
function assertNoPollution(value: unknown, path: string, depth = 0): void {
  if (depth > 20) throw new EnvelopeError('VALIDATION', 'The input is nested too deeply.', [{ path, message: 'is nested too deeply' }]);
  if (Array.isArray(value)) {
    value.forEach((item, i) => assertNoPollution(item, `${path}[${i}]`, depth + 1));
    return;
  }
  if (value && typeof value === 'object') {
    for (const key of Object.keys(value)) {
      if (FORBIDDEN_KEYS.has(key))
        throw new EnvelopeError('VALIDATION', `The key "${key}" is not allowed.`, [{ path: `${path}.${key}`, message: 'is not allowed' }]);
      assertNoPollution((value as Record<string, unknown>)[key], `${path}.${key}`, depth + 1);
    }
  }
}

/**
 * Checks a web method's argument with a valibot schema (strict objects: unknown keys are refused).
 * Failure ends the call with a VALIDATION envelope that names the offending fields.
 */
export function parseInput<S extends v.GenericSchema>(schema: S, input: unknown): v.InferOutput<S> {
  assertNoPollution(input, 'input');
  const result = v.safeParse(schema, input);
  if (result.success) return result.output;
  const issues = result.issues.slice(0, 10).map((issue) => ({ path: v.getDotPath(issue) ?? 'input', message: issue.message }));
  throw new EnvelopeError('VALIDATION', `Invalid input: ${issues[0]!.path}: ${issues[0]!.message}`, issues);
}

// eslint-disable-next-line no-control-regex -- control characters are exactly what this refuses
const NO_CONTROL_CHARACTERS = /^[^\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]*$/;
/** Half of a UTF-16 pair on its own: Wix Data refuses to store it, so it is refused here, as VALIDATION, first. */
const LONE_SURROGATE = /\p{Cs}/u;
/** Plain text of bounded length with no control characters, valid Unicode. */
export const text = (max: number) =>
  v.pipe(
    v.string(),
    v.maxLength(max, `must be at most ${max} characters`),
    v.regex(NO_CONTROL_CHARACTERS, 'must not contain control characters'),
    v.check((value) => !LONE_SURROGATE.test(value), 'must be valid Unicode (no lone surrogate)'),
  );

/**
 * A strict object (unknown keys refused) that is really an object: valibot's strictObject alone takes `[]`
 * for `{}`, because an empty array has no keys.
 */
export const strictRecord = <E extends v.ObjectEntries>(entries: E) =>
  v.pipe(
    v.unknown(),
    v.check((value) => !Array.isArray(value), 'must be an object, not an array'),
    v.strictObject(entries),
  );
