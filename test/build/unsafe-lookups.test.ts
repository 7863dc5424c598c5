/**
 * Static check (issue 10, finding 1): no NEW plain-object lookup keyed by a non-literal key in the platform
 * (platform/) or the Velo backend (velo-backend/). The rules are in scripts/unsafe-lookups.ts; a lookup that
 * is safe says why with a `// safe-lookup: <reason>` comment on its line or the line above.
 *
 * BASELINE is empty: every known hit carries its reason in the source. It stays for a hit that must wait for its
 * file's owner; entries are matched by file and expression text (not line numbers), and an entry whose lookup is
 * gone is reported as a diagnostic.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatHit, scanProject, scanSource, type UnsafeLookup } from '../../scripts/unsafe-lookups.ts';

interface BaselineEntry {
  file: string;
  text: string;
  reason: string;
}

const BASELINE: BaselineEntry[] = [];

/** Hits left after the baseline (each baseline entry absorbs one hit), and the entries nothing matched. */
function applyBaseline(hits: UnsafeLookup[], baseline: BaselineEntry[]): { fresh: UnsafeLookup[]; stale: BaselineEntry[] } {
  const unused = [...baseline];
  const fresh = hits.filter((hit) => {
    const i = unused.findIndex((b) => b.file === hit.file && b.text === hit.text);
    if (i === -1) return true;
    unused.splice(i, 1);
    return false;
  });
  return { fresh, stale: unused };
}

describe('no plain-object lookup keyed by request data (scripts/unsafe-lookups.ts)', () => {
  it('platform and velo-backend have no unannotated lookup beyond the baseline', (t) => {
    const { fresh, stale } = applyBaseline(scanProject(), BASELINE);
    for (const entry of stale) t.diagnostic(`baseline entry no longer matches (remove it): ${entry.file} ${entry.text}`);
    assert.deepEqual(
      fresh.map(formatHit),
      [],
      'Each of these indexes an object with a key that is not a literal. Use a Map, a null-prototype object with ' +
        'Object.hasOwn, or, if the key cannot come from a request, say why with a `// safe-lookup: <reason>` comment.',
    );
  });

  it('every baseline entry gives a reason', () => {
    for (const entry of BASELINE) assert.ok(entry.reason.length > 20, `${entry.file} ${entry.text}`);
  });
});

describe('the checker itself', () => {
  const kinds = (source: string) => scanSource(source).map((h) => `${h.kind} ${h.text}`);

  it('flags a plain-object lookup, a write through it, `??=` walks and `in` with a request key', () => {
    const source = `
      export function handle(body: Record<string, unknown>, key: string, path: string[]) {
        const table: Record<string, string> = { a: 'x' };
        const read = table[key];
        body[key] = read;
        let dst: Record<string, unknown> = {};
        for (const s of path) dst = (dst[s] ??= {}) as Record<string, unknown>;
        return key in table;
      }`;
    assert.deepEqual(kinds(source), ['element-access table[key]', 'element-access body[key]', 'element-access dst[s]', 'in key in table']);
  });

  it('leaves literals, literal unions, numbers, arrays, strings, typed arrays and null-prototype consts alone', () => {
    const source = `
      export function ok(list: string[], tuple: [number, string], text: string, bytes: Uint8Array, i: number, op: '$gt' | '$lt', obj: Record<string, number>) {
        const map = Object.create(null) as Record<string, number>;
        const key = String(i);
        map[key] = 1;
        const sql = { $gt: '>', $lt: '<' }[op];
        return [list[i], tuple[0], text[i], bytes[i], obj['fixed'], obj[i], sql, map[key], 'fixed' in obj];
      }`;
    assert.deepEqual(kinds(source), []);
  });

  it('accepts Object.hasOwn guards and own-key iteration, but not a write through an own-key loop variable', () => {
    const source = `
      export function own(obj: Record<string, unknown>, key: string, other: Record<string, unknown>) {
        const a = Object.hasOwn(obj, key) ? obj[key] : undefined;
        if (Object.hasOwn(obj, key)) console.log(obj[key]);
        const b = Object.hasOwn(obj, key) && obj[key];
        for (const k of Object.keys(obj)) console.log(obj[k]);
        for (const k of Object.keys(obj)) other[k] = 1;
        const c = Object.hasOwn(other, key) ? obj[key] : undefined;
        return [a, b, c];
      }`;
    assert.deepEqual(kinds(source), ['element-access other[k]', 'element-access obj[key]']);
  });

  it('an annotation needs a reason, on the line or the line above', () => {
    const source = `
      export function f(obj: Record<string, unknown>, key: string) {
        // safe-lookup: obj is built by the caller with Object.create(null)
        const a = obj[key];
        const b = obj[key]; // safe-lookup: the key is checked against an allow-list above
        // safe-lookup:
        const c = obj[key];
        return [a, b, c];
      }`;
    assert.deepEqual(
      scanSource(source).map((h) => h.line),
      [7],
    );
  });
});
