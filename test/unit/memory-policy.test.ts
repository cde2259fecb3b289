/**
 * The executable's heap policy (src/memory-policy.ts): once a run's heap is large, V8's heap
 * grows by a quarter between full collections, once it is huge by a tenth; a small run, and any process that did not enable
 * the policy (the API's host), keeps V8's default.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import v8 from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { enableMemoryPolicy, HEAP_GROWING_FLAG, heapCheckpoint, HUGE_HEAP, HUGE_HEAP_GROWING_FLAG, LARGE_HEAP } from '../../src/memory-policy.js';
import { binCopy } from '../support/bin-copy.js';

const STATE = Symbol.for('multistage-codemod.memory-policy');

function heapOf(used: number) {
  vi.spyOn(v8, 'getHeapStatistics').mockReturnValue({ ...v8.getHeapStatistics(), used_heap_size: used });
  return vi.spyOn(v8, 'setFlagsFromString').mockImplementation(() => undefined);
}

afterEach(() => {
  vi.restoreAllMocks();
  delete (globalThis as Record<symbol, unknown>)[STATE];
});

describe('memory policy', () => {
  it('not enabled (the API in a host process): never touches the flags, however large the heap', () => {
    const set = heapOf(LARGE_HEAP * 4);
    heapCheckpoint();
    expect(set).not.toHaveBeenCalled();
  });

  it('enabled, small heap: V8 keeps its default', () => {
    enableMemoryPolicy();
    const set = heapOf(LARGE_HEAP - 1);
    heapCheckpoint();
    expect(set).not.toHaveBeenCalled();
  });

  it('enabled, large heap: the heap grows by a quarter from then on, set once', () => {
    enableMemoryPolicy();
    const set = heapOf(LARGE_HEAP);
    heapCheckpoint();
    heapCheckpoint();
    expect(set.mock.calls).toEqual([['--heap-growing-percent=25']]);
  });

  it('enabled, huge heap: the heap grows by a tenth from then on, set once', () => {
    enableMemoryPolicy();
    const set = heapOf(HUGE_HEAP);
    heapCheckpoint();
    heapCheckpoint();
    expect(set.mock.calls).toEqual([['--heap-growing-percent=10']]);
  });

  it('a heap that grows large, then huge: a quarter, then a tenth; never back once it shrinks', () => {
    enableMemoryPolicy();
    let used = LARGE_HEAP;
    const real = v8.getHeapStatistics();
    vi.spyOn(v8, 'getHeapStatistics').mockImplementation(() => ({ ...real, used_heap_size: used }));
    const set = vi.spyOn(v8, 'setFlagsFromString').mockImplementation(() => undefined);
    heapCheckpoint();
    used = HUGE_HEAP - 1;
    heapCheckpoint();
    used = HUGE_HEAP * 2;
    heapCheckpoint();
    used = LARGE_HEAP;
    heapCheckpoint();
    expect(set.mock.calls).toEqual([['--heap-growing-percent=25'], ['--heap-growing-percent=10']]);
    expect(HUGE_HEAP).toBeGreaterThan(LARGE_HEAP);
  });

  it('the flag is one this Node has (V8 would ignore an unknown one silently)', () => {
    const r = spawnSync(process.execPath, ['--v8-options'], { encoding: 'utf8' });
    expect(r.stdout).toContain(HEAP_GROWING_FLAG.split('=')[0]!);
    expect(HUGE_HEAP_GROWING_FLAG.split('=')[0]).toBe(HEAP_GROWING_FLAG.split('=')[0]);
  });
});

describe('bin.js enables it', () => {
  it('before loading the CLI, with the state memory-policy reads', async () => {
    const fs = await import('node:fs');
    const dir = binCopy({ 'main.bundle.cjs': { text: `process.stdout.write(JSON.stringify(globalThis[Symbol.for('multistage-codemod.memory-policy')]));\n` } });
    try {
      const r = spawnSync(process.execPath, [path.join(dir, 'bin.js')], { encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(JSON.parse(r.stdout)).toEqual({ enabled: true, applied: false });
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
