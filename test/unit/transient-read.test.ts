/**
 * The executable's one buffer for the files it reads whole at its start (src/transient-read.cts):
 * each read gives the whole file, each overwrites the one before, and the buffer grows only for a
 * file larger than it.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readTransient, releaseTransient, reserveTransient } from '../../src/transient-read.cjs';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-tr-'));
  releaseTransient();
});
afterEach(() => {
  releaseTransient();
  fs.rmSync(dir, { recursive: true, force: true });
});

function file(name: string, bytes: Buffer): string {
  const f = path.join(dir, name);
  fs.writeFileSync(f, bytes);
  return f;
}

describe('readTransient', () => {
  it('reads each file whole, into the same memory as the read before', () => {
    const big = Buffer.alloc(300_000, 1);
    big.write('start', 0);
    big.write('end', big.length - 3);
    const small = Buffer.from('a small file\n');
    reserveTransient(big.length);
    const a = readTransient(file('big', big));
    expect(a.equals(big)).toBe(true);
    const b = readTransient(file('small', small));
    expect(b.equals(small)).toBe(true);
    // The same memory: the first view now shows the second file's bytes (callers copy at once).
    expect(b.buffer).toBe(a.buffer);
    expect(a.subarray(0, small.length).equals(small)).toBe(true);
  });

  it('grows for a file larger than what was reserved, and reads an empty file as empty', () => {
    reserveTransient(16);
    const large = Buffer.alloc(70_000, 7);
    expect(readTransient(file('large', large)).equals(large)).toBe(true);
    expect(readTransient(file('empty', Buffer.alloc(0))).length).toBe(0);
  });

  it('throws as readFileSync does for a missing file or a folder, and reads on after', () => {
    expect(() => readTransient(path.join(dir, 'missing'))).toThrow(expect.objectContaining({ code: 'ENOENT' }));
    expect(() => readTransient(dir)).toThrow(expect.objectContaining({ code: 'EISDIR' }));
    expect(readTransient(file('after', Buffer.from('ok'))).toString()).toBe('ok');
  });
});
