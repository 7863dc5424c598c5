/** The pieces behind data hooks and backend module resolution, attacked directly: date codec, hook query, module paths. */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { hookError } from '../../platform/velo/data-hooks.ts';
import { HookAggregate } from '../../platform/velo/hook-aggregate.ts';
import { HookDistinct } from '../../platform/velo/hook-distinct.ts';
import { HookQuery } from '../../platform/velo/hook-query.ts';
import { registerVeloModuleResolution } from '../../platform/velo/module-resolution.ts';
import { decodeDates, encodeDates } from '../../platform/velo/wire-dates.ts';

const isoDate = fc
  .date({ min: new Date('1970-01-01T00:00:00Z'), max: new Date('2100-01-01T00:00:00Z'), noInvalidDate: true })
  .map((d) => ({ $date: d.toISOString() }));
const wireValue = fc.letrec((tie) => ({
  value: fc.oneof(
    { depthSize: 'small' },
    fc.string(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.boolean(),
    fc.constant(null),
    isoDate,
    tie('array'),
    tie('object'),
  ),
  array: fc.array(tie('value'), { maxLength: 4 }),
  object: fc.dictionary(fc.oneof(fc.string(), fc.constantFrom('__proto__', 'constructor', 'prototype')), tie('value'), { maxKeys: 4 }),
})).value;

describe('the { $date } codec hooks see items through', () => {
  it('decode then encode gives back the wire value; keys such as __proto__ stay own data', () => {
    fc.assert(
      fc.property(wireValue, (value) => {
        const wire = JSON.parse(JSON.stringify(value)) as unknown;
        assert.deepEqual(encodeDates(decodeDates(wire)), wire);
        assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
      }),
      { numRuns: 300 },
    );
  });

  it('a hook sees Date objects, and its Dates go back as { $date }', () => {
    const decoded = decodeDates({ at: { $date: '2024-01-02T03:04:05.000Z' }, list: [{ $date: '2024-01-02T03:04:05.000Z' }] }) as { at: Date; list: Date[] };
    assert.ok(decoded.at instanceof Date && decoded.list[0] instanceof Date);
    assert.deepEqual(encodeDates({ at: new Date('2024-01-02T03:04:05.000Z') }), { at: { $date: '2024-01-02T03:04:05.000Z' } });
  });

  it('hostile: nesting far deeper than any item never overflows the stack', () => {
    let deep: unknown = { $date: '2024-01-02T03:04:05.000Z' };
    for (let i = 0; i < 100_000; i++) deep = { d: deep };
    assert.doesNotThrow(() => encodeDates(decodeDates(deep)));
  });
});

describe('the query a beforeQuery hook receives', () => {
  it('refinements AND onto the original filter; sort and paging carry over', () => {
    const q = HookQuery.from('Notes', { filter: { a: { $eq: 1 } }, paging: { limit: 5, offset: 10 } });
    const input = q
      .ne('hidden', true)
      .ascending('rank')
      .limit(3)
      .toInput({ filter: { a: { $eq: 1 } }, paging: { limit: 5, offset: 10 } });
    assert.deepEqual(input.filter, { $and: [{ a: { $eq: 1 } }, { hidden: { $ne: true } }] });
    assert.deepEqual(input.sort, [{ fieldName: 'rank', order: 'ASC' }]);
    assert.deepEqual(input.paging, { limit: 3, offset: 10 });
  });

  it('hostile: a field named __proto__ is an own key of the filter, and a hook may add at most 100 conditions', () => {
    const input = HookQuery.from('Notes', {}).eq('__proto__', 1).toInput({});
    assert.ok(Object.hasOwn(input.filter as object, '__proto__'));
    let q = HookQuery.from('Notes', {});
    for (let i = 0; i < 100; i++) q = q.eq('f', i);
    assert.throws(() => q.eq('f', 101), RangeError);
    assert.throws(() => HookQuery.from('Notes', {}).eq('', 1), TypeError);
  });
});

describe('the WixDataDistinct and WixDataAggregate hooks receive', () => {
  it('distinct: a filter from wixData.filter() (its filterTree, dates as $date) replaces the filter; order and paging carry over', () => {
    const at = new Date('2024-01-02T03:04:05.000Z');
    const d = HookDistinct.from('T', { fieldName: 'f', filter: { a: { $eq: 1 } }, order: 'ASC' });
    const input = d
      .filter({ filterTree: { at: { $gt: at } } })
      .descending()
      .limit(3)
      .skip(2)
      .toInput({ fieldName: 'f' });
    assert.deepEqual(input, { fieldName: 'f', filter: { at: { $gt: { $date: at.toISOString() } } }, order: 'DESC', limit: 3, offset: 2 });
    assert.deepEqual(d.getFilter().ge('b', 2).filterTree, { $and: [{ a: { $eq: 1 } }, { b: { $gte: 2 } }] });
    assert.equal(d.isAscending(), true);
    const cursorPage = { cursorPaging: { cursor: 'c' } };
    assert.equal(d.descending().toInput(cursorPage), cursorPage, 'a cursor page runs as its cursor says');
  });

  it('hostile: a wrong filter, a negative limit, a prototype-named field stays own data, at most 100 aggregate operations', () => {
    assert.throws(() => HookDistinct.from('T', {}).filter('x'), TypeError);
    assert.throws(() => HookDistinct.from('T', {}).limit(-1), TypeError);
    assert.throws(() => HookAggregate.from('T', {}).having(null), TypeError);
    assert.throws(() => HookAggregate.from('T', {}).group(''), TypeError);
    const input = HookAggregate.from('T', {}).group('__proto__').sum('__proto__').count().toInput({});
    assert.deepEqual(input.aggregation, {
      groupingFields: ['__proto__'],
      operations: [
        { resultFieldName: '__proto__Sum', sum: { itemFieldName: '__proto__' } },
        { resultFieldName: 'count', itemCount: {} },
      ],
    });
    assert.equal(({} as Record<string, unknown>)['itemFieldName'], undefined);
    let a = HookAggregate.from('T', {});
    for (let i = 0; i < 100; i++) a = a.count();
    assert.throws(() => a.count(), RangeError);
  });

  it('aggregate: filter and having AND onto what the request had; sort and paging as the hook sets them', () => {
    const input = HookAggregate.from('T', { initialFilter: { a: 1 }, paging: { limit: 5 } })
      .filter({ filterTree: { b: 2 } })
      .having({ filterTree: { count: { $gt: 1 } } })
      .ascending('count')
      .skip(1)
      .toInput({ paging: { limit: 5 } });
    assert.deepEqual(input.initialFilter, { $and: [{ a: 1 }, { b: 2 }] });
    assert.deepEqual(input.finalFilter, { count: { $gt: 1 } });
    assert.deepEqual(input.sort, [{ fieldName: 'count', order: 'ASC' }]);
    assert.deepEqual(input.paging, { limit: 5, offset: 1 });
  });
});

describe('the hook error', () => {
  it('is WDE0078 with what @wix/data reads back: jsErrorValue for an Error, value for anything else', () => {
    const thrown = hookError('beforeInsert', 'Notes', Object.assign(new TypeError('nope'), { code: 'MY_CODE' }));
    assert.equal(thrown.code, 'WDE0078');
    assert.deepEqual(thrown.data, { jsErrorValue: { name: 'TypeError', message: 'nope', code: 'MY_CODE' } });
    assert.deepEqual(hookError('beforeInsert', 'Notes', { reason: 'x' }).data, { value: { reason: 'x' } });
    const circular: Record<string, unknown> = {};
    circular['self'] = circular;
    assert.equal(typeof hookError('beforeInsert', 'Notes', circular).data['value'], 'string', 'an unserialisable value becomes its string');
    assert.ok(hookError('beforeInsert', 'Notes', new Error('x'.repeat(5000))).message.length <= 1000);
  });
});

describe('backend module resolution', () => {
  it('backend/<path> resolves inside the backend folder only: a path with .. is refused', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'wix-resolve-'));
    try {
      writeFileSync(join(dir, 'secret.js'), 'export const secret = 1;\n');
      const backend = join(dir, 'backend');
      (await import('node:fs')).mkdirSync(backend);
      writeFileSync(join(backend, 'ok.js'), "export { label } from 'backend/lib';\n");
      writeFileSync(join(backend, 'lib.js'), "export const label = 'lib';\n");
      writeFileSync(join(backend, 'escape.js'), "export { secret } from 'backend/../secret.js';\n");
      await registerVeloModuleResolution(backend);
      assert.equal(((await import(pathToFileURL(join(backend, 'ok.js')).href)) as { label: string }).label, 'lib');
      await assert.rejects(import(pathToFileURL(join(backend, 'escape.js')).href));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
