/**
 * The executable's heap policy (src/memory-policy.ts): once a run's heap is large, V8's heap
 * grows by a quarter between full collections, once it is huge by a tenth; a small run, and any process that did not enable
 * the policy (the API's host), keeps V8's default. The first step collects at once, since V8
 * reads the growth only as a full collection ends.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import v8 from 'node:v8';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { PerformanceObserver, constants } from 'node:perf_hooks';
import { enableMemoryPolicy, fullCollection, HEAP_GROWING_FLAG, heapCheckpoint, HUGE_HEAP, HUGE_HEAP_GROWING_FLAG, LARGE_HEAP } from '../../src/memory-policy.js';
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
  it('not enabled (the API in a host process): never touches the flags nor collects, however large the heap', () => {
    const set = heapOf(LARGE_HEAP * 4);
    const collect = vi.fn();
    heapCheckpoint(collect);
    expect(set).not.toHaveBeenCalled();
    expect(collect).not.toHaveBeenCalled();
  });

  it('enabled, small heap: V8 keeps its default', () => {
    enableMemoryPolicy();
    const set = heapOf(LARGE_HEAP - 1);
    const collect = vi.fn();
    heapCheckpoint(collect);
    expect(set).not.toHaveBeenCalled();
    expect(collect).not.toHaveBeenCalled();
  });

  it('enabled, large heap: the heap grows by a quarter from then on, set once, with one full collection after it is set', () => {
    enableMemoryPolicy();
    const set = heapOf(LARGE_HEAP);
    const collect = vi.fn(() => expect(set).toHaveBeenCalledTimes(1));
    heapCheckpoint(collect);
    heapCheckpoint(collect);
    expect(set.mock.calls).toEqual([['--heap-growing-percent=25']]);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it('enabled, huge heap: the heap grows by a tenth from then on, set once, with one full collection', () => {
    enableMemoryPolicy();
    const set = heapOf(HUGE_HEAP);
    const collect = vi.fn();
    heapCheckpoint(collect);
    heapCheckpoint(collect);
    expect(set.mock.calls).toEqual([['--heap-growing-percent=10']]);
    expect(collect).toHaveBeenCalledTimes(1);
  });

  it('the full collection is a real one: V8 reports a major collection', async () => {
    const kinds: number[] = [];
    const seen = new Promise<void>((resolve) => {
      const obs = new PerformanceObserver((list) => {
        for (const e of list.getEntries()) kinds.push((e as unknown as { detail: { kind: number } }).detail.kind);
        if (kinds.includes(constants.NODE_PERFORMANCE_GC_MAJOR)) {
          obs.disconnect();
          resolve();
        }
      });
      obs.observe({ entryTypes: ['gc'] });
    });
    fullCollection();
    await seen;
    expect(kinds).toContain(constants.NODE_PERFORMANCE_GC_MAJOR);
  });

  it('a heap that grows large, then huge: a quarter, then a tenth; never back once it shrinks', () => {
    enableMemoryPolicy();
    let used = LARGE_HEAP;
    const real = v8.getHeapStatistics();
    vi.spyOn(v8, 'getHeapStatistics').mockImplementation(() => ({ ...real, used_heap_size: used }));
    const set = vi.spyOn(v8, 'setFlagsFromString').mockImplementation(() => undefined);
    const collect = vi.fn();
    heapCheckpoint(collect);
    used = HUGE_HEAP - 1;
    heapCheckpoint(collect);
    used = HUGE_HEAP * 2;
    heapCheckpoint(collect);
    used = LARGE_HEAP;
    heapCheckpoint(collect);
    expect(set.mock.calls).toEqual([['--heap-growing-percent=25'], ['--heap-growing-percent=10']]);
    // Only the first step collects: the one after it is read at the next full collection, due at a quarter over.
    expect(collect).toHaveBeenCalledTimes(1);
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
