import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApplyRefused, applyOps, type WriteOp } from '../../src/apply/apply.js';
import { readTree, writeTemp } from '../support/tree.js';

const ops = (): WriteOp[] => [
  { path: 'a.txt', action: 'update', before: 'old a\n', after: 'new a\n' },
  { path: 'b.txt', action: 'delete', before: 'old b\n', after: null },
  { path: 'sub/c.txt', action: 'create', before: null, after: 'c\n' },
];

describe('apply', () => {
  it('writes updates, creations and deletions, leaving no temporary file', () => {
    const dir = writeTemp({ 'a.txt': 'old a\n', 'b.txt': 'old b\n', 'sub/keep': '' });
    fs.chmodSync(path.join(dir, 'a.txt'), 0o755);
    applyOps(dir, ops());
    expect(readTree(dir)).toEqual({ 'a.txt': 'new a\n', 'sub/c.txt': 'c\n', 'sub/keep': '' });
    expect(fs.statSync(path.join(dir, 'a.txt')).mode & 0o777).toBe(0o755);
  });

  it('refuses everything when one file changed after planning, writing nothing', () => {
    const dir = writeTemp({ 'a.txt': 'old a\n', 'b.txt': 'edited meanwhile\n', 'sub/keep': '' });
    const before = readTree(dir);
    expect(() => applyOps(dir, ops())).toThrow(ApplyRefused);
    try {
      applyOps(dir, ops());
    } catch (e) {
      expect((e as ApplyRefused).diagnostics.map((d) => [d.code, d.file])).toEqual([['FILE_CHANGED', 'b.txt']]);
    }
    expect(readTree(dir)).toEqual(before);
  });

  it('refuses paths that leave the root or pass through a symbolic link', () => {
    const outside = writeTemp({ 'x.txt': 'x\n' });
    const dir = writeTemp({ 'a.txt': 'old a\n' });
    fs.symlinkSync(outside, path.join(dir, 'link'));
    const bad: WriteOp[] = [
      { path: '../escape.txt', action: 'create', before: null, after: 'no' },
      { path: 'link/x.txt', action: 'update', before: 'x\n', after: 'changed' },
    ];
    expect(() => applyOps(dir, bad)).toThrow(/leaves the repository|symbolic link/);
    expect(fs.readFileSync(path.join(outside, 'x.txt'), 'utf8')).toBe('x\n');
    expect(fs.existsSync(path.join(dir, '..', 'escape.txt'))).toBe(false);
  });
});
