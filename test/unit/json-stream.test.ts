/** writeJson writes what JSON.stringify(value, null, 2) gives, byte for byte, in chunks. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { writeJson } from '../../src/review/json-stream.js';

function written(value: unknown): { text: string; chunks: number } {
  const parts: string[] = [];
  writeJson(value, (t) => parts.push(t));
  return { text: parts.join(''), chunks: parts.length };
}

describe('writeJson', () => {
  it('equals JSON.stringify(value, null, 2) for any JSON value, objects of arrays above all', () => {
    const row = fc.dictionary(fc.string(), fc.jsonValue());
    const report = fc.dictionary(fc.string(), fc.oneof(fc.array(row), fc.array(fc.jsonValue()), fc.jsonValue()));
    fc.assert(
      fc.property(fc.oneof(report, fc.jsonValue()), (v) => {
        expect(written(v).text).toBe(JSON.stringify(v, null, 2));
      }),
      { numRuns: 300 },
    );
  });

  it('leaves out what JSON.stringify leaves out, and follows toJSON', () => {
    const v = {
      gone: undefined,
      fn: () => 1,
      sym: Symbol('s'),
      rows: [undefined, () => 1, { a: 1, b: undefined }, 'line\nbreak', []],
      when: new Date(0),
      custom: { toJSON: () => ({ shown: true }) },
      none: { toJSON: () => undefined },
      empty: [],
      nested: { list: [{ deep: ['x', { y: null }] }] },
    };
    expect(written(v).text).toBe(JSON.stringify(v, null, 2));
    expect(written({ only: undefined }).text).toBe('{}');
    expect(written([1, { a: [2] }]).text).toBe(JSON.stringify([1, { a: [2] }], null, 2));
    expect(written('text').text).toBe('"text"');
    expect(written({ toJSON: () => ({ x: [1] }) }).text).toBe(JSON.stringify({ x: [1] }, null, 2));
  });

  it('hands a large report over in chunks, never as one string', () => {
    const setups = Array.from({ length: 5000 }, (_, i) => ({ id: `packages/p${i}/build.sh:4`, status: 'planned', notes: ['a note that takes some room'] }));
    const report = { schemaVersion: 1, setups, changes: [], summary: { planned: setups.length } };
    const { text, chunks } = written(report);
    expect(text).toBe(JSON.stringify(report, null, 2));
    expect(chunks).toBeGreaterThan(5);
  });
});
