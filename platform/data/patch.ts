import { errors, type FieldViolation } from '../errors.ts';
import { fieldSegments } from './filter.ts';
import { normalizeValue, nullObject, own, SYSTEM_KEYS } from './item-data.ts';
import { MAX_PATCH_MODIFICATIONS } from './limits.ts';

/**
 * Data Items v2 patch (`items.patch(...)`, `items.bulkPatch(...)`): the five field modifications the SDK sends
 * (`toFieldModificationApi` in @wix/wix-data-items-common), checked once per request and applied to an item's
 * stored data in memory. ItemsService runs the read, `applyModifications` and the write inside one SQLite
 * transaction, so concurrent patches of one item serialize and none is lost.
 *
 * Path walks read and write own properties only, on objects this module makes itself (null-prototype) or that
 * JSON.parse made; and the prototype names (`__proto__`, `constructor`, `prototype`) are refused as path segments
 * outright, so no patch path can ever reach an object's prototype.
 */

export const PATCH_ACTIONS = ['SET_FIELD', 'REMOVE_FIELD', 'INCREMENT_FIELD', 'APPEND_TO_ARRAY', 'REMOVE_FROM_ARRAY'] as const;
export type PatchAction = (typeof PATCH_ACTIONS)[number];

/** A field modification as it arrives (the route's schema has checked its shape, not its meaning). */
export interface RawFieldModification {
  fieldPath: string;
  action: PatchAction;
  setFieldOptions?: { value?: unknown } | undefined;
  incrementFieldOptions?: { value?: unknown } | undefined;
  appendToArrayOptions?: { value?: unknown } | undefined;
  removeFromArrayOptions?: { value?: unknown } | undefined;
}

/** A checked modification: its path split, its operand normalized (dates canonical, depth bounded). */
export interface FieldModification {
  action: PatchAction;
  fieldPath: string;
  segments: readonly string[];
  value: unknown;
}

const FORBIDDEN_SEGMENTS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype']);
const SYSTEM_KEY_SET: ReadonlySet<string> = new Set(SYSTEM_KEYS);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

function operand(mod: RawFieldModification): unknown {
  switch (mod.action) {
    case 'SET_FIELD':
      return mod.setFieldOptions?.value;
    case 'INCREMENT_FIELD':
      return mod.incrementFieldOptions?.value;
    case 'APPEND_TO_ARRAY':
      return mod.appendToArrayOptions?.value;
    case 'REMOVE_FROM_ARRAY':
      return mod.removeFromArrayOptions?.value;
    default:
      return undefined;
  }
}

/**
 * Checks a patch's modifications before anything is read or written: at most MAX_PATCH_MODIFICATIONS, each path a
 * valid field path that names a user field (not a system field, not a prototype name), each operand of the right
 * kind. Violations are collected, so one answer names every bad modification.
 */
export function checkModifications(raw: readonly RawFieldModification[], prefix: string, violations: FieldViolation[]): FieldModification[] {
  if (raw.length === 0) {
    violations.push({ field: prefix, description: 'must hold at least one field modification', violatedRule: 'REQUIRED' });
    return [];
  }
  if (raw.length > MAX_PATCH_MODIFICATIONS) {
    violations.push({ field: prefix, description: `has ${raw.length} entries; a patch may hold at most ${MAX_PATCH_MODIFICATIONS}`, violatedRule: 'MAX_SIZE' });
    return [];
  }
  const out: FieldModification[] = [];
  raw.forEach((mod, i) => {
    const at = `${prefix}[${i}]`;
    let segments: string[];
    try {
      segments = fieldSegments(mod.fieldPath);
    } catch (error) {
      violations.push({ field: `${at}.fieldPath`, description: (error as Error).message, violatedRule: 'FORMAT' });
      return;
    }
    const forbidden = segments.find((s) => FORBIDDEN_SEGMENTS.has(s));
    if (forbidden !== undefined) {
      violations.push({ field: `${at}.fieldPath`, description: `may not contain the segment "${forbidden}"`, violatedRule: 'FORMAT' });
      return;
    }
    if (SYSTEM_KEY_SET.has(segments[0]!)) {
      violations.push({ field: `${at}.fieldPath`, description: `names the system field ${segments[0]}, which a patch cannot change`, violatedRule: 'FORMAT' });
      return;
    }
    let value = operand(mod);
    if (mod.action === 'INCREMENT_FIELD' && (typeof value !== 'number' || !Number.isFinite(value))) {
      violations.push({ field: `${at}.incrementFieldOptions.value`, description: 'must be a finite number', violatedRule: 'TYPE' });
      return;
    }
    if (mod.action !== 'REMOVE_FIELD') {
      // A missing operand (the SDK drops `undefined`) sets or appends null, as JSON has no undefined.
      value = normalizeValue(value === undefined ? null : value, `${at}.value`, violations, segments.length);
    }
    out.push({ action: mod.action, fieldPath: mod.fieldPath, segments, value });
  });
  return out;
}

/** A modification that cannot apply to this item's current data: a 400, per item in a bulk patch. */
const cannotApply = (mod: FieldModification, why: string) => errors.badRequest(`Cannot apply ${mod.action} to field "${mod.fieldPath}": ${why}.`, 'WDE0080');

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

/** Deep equality of JSON values, key order ignored (REMOVE_FROM_ARRAY compares stored and request values). */
function jsonEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const bb = b as unknown[];
    return a.length === bb.length && a.every((x, i) => jsonEqual(x, bb[i]));
  }
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  return ka.every((k) => Object.hasOwn(b, k) && jsonEqual(own(a, k), own(b, k)));
}

/** Defines an own data property (never runs a setter, whatever the object or key). */
function defineOwn(target: object, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}

/**
 * The object that holds the path's last segment. With `create`, missing (or null) intermediate objects are made;
 * an intermediate that holds anything else is an error, as writing through it would destroy it.
 */
function parentOf(data: Record<string, unknown>, mod: FieldModification, create: boolean): object | undefined {
  let node: object = data;
  for (let i = 0; i < mod.segments.length - 1; i++) {
    const key = mod.segments[i]!;
    const next = own(node, key);
    if (isPlainObject(next)) {
      node = next;
    } else if (next === undefined || next === null) {
      if (!create) return undefined;
      const made = nullObject();
      defineOwn(node, key, made);
      node = made;
    } else {
      throw cannotApply(mod, `"${mod.segments.slice(0, i + 1).join('.')}" is ${describe(next)}, not an object`);
    }
  }
  return node;
}

/** Applies the modifications in order to `data` (an item's user fields, parsed from storage), in place. */
export function applyModifications(data: Record<string, unknown>, mods: readonly FieldModification[]): void {
  for (const mod of mods) {
    const last = mod.segments[mod.segments.length - 1]!;
    switch (mod.action) {
      case 'SET_FIELD':
        defineOwn(parentOf(data, mod, true)!, last, mod.value);
        break;
      case 'REMOVE_FIELD': {
        const parent = parentOf(data, mod, false);
        if (parent && Object.hasOwn(parent, last)) Reflect.deleteProperty(parent, last);
        break;
      }
      case 'INCREMENT_FIELD': {
        const parent = parentOf(data, mod, true)!;
        const current = own(parent, last);
        // A missing or empty field starts from 0.
        if (current !== undefined && current !== null && typeof current !== 'number')
          throw cannotApply(mod, `the field holds ${describe(current)}, not a number`);
        const next = ((current as number | null | undefined) ?? 0) + (mod.value as number);
        if (!Number.isFinite(next)) throw cannotApply(mod, 'the result is not a finite number');
        defineOwn(parent, last, next);
        break;
      }
      case 'APPEND_TO_ARRAY': {
        const parent = parentOf(data, mod, true)!;
        const current = own(parent, last);
        if (current === undefined || current === null) defineOwn(parent, last, [mod.value]);
        else if (Array.isArray(current)) current.push(mod.value);
        else throw cannotApply(mod, `the field holds ${describe(current)}, not an array`);
        break;
      }
      case 'REMOVE_FROM_ARRAY': {
        const parent = parentOf(data, mod, false);
        const current = parent ? own(parent, last) : undefined;
        if (current === undefined || current === null) break;
        if (!Array.isArray(current)) throw cannotApply(mod, `the field holds ${describe(current)}, not an array`);
        defineOwn(
          parent!,
          last,
          current.filter((element) => !jsonEqual(element, mod.value)),
        );
        break;
      }
    }
  }
}
