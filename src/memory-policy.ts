/**
 * How far the executable lets V8's heap grow between full collections once a run's heap is
 * large. A sweep holds data that grows with the tree (the analysis of every script and
 * Dockerfile until the plan is made), and V8's default lets a large heap grow to up to 4× what
 * was live at the last full collection before collecting again: on the bench's 3× tree the
 * peak RSS was about twice the live heap. Growing by a quarter instead costs more full
 * collections, which a small run does not need (by half, the first setting: the 10× tree
 * peaked about 70 MiB higher, 625–643 against 555–569 MiB, for CPU within the load's noise,
 * two rounds each; the 3× tree about 15 MiB higher): the policy applies only once the heap holds more than
 * LARGE_HEAP (checked as the CLI reports progress: every few folders, files or setups; the
 * bench's 1× tree stays below it). Past HUGE_HEAP the heap grows by a tenth: the 10× tree's
 * analysis ends with about 250 MiB live, and a quarter of that on top, with what V8 allocates
 * while it marks, was the run's peak (its peak RSS 418 against 411 MiB with a tenth past 192
 * MiB, and 501 before the analysis was made compact; a few more full collections as the plan
 * starts). Only the executable enables it: the API leaves a host
 * process's heap alone.
 *
 * V8 reads the growth when a full collection ends, to set the size at which the next one
 * starts; a flag set in between changes nothing until then. So the first step collects at
 * once: the last full collection before it (on the 10x tree at about 82 MiB live, 10 s into
 * the analysis) had set the next at about 350 MiB, and the heap filled with what the analysis
 * had let go up to there, the run's peak (--trace-gc: 383 MiB committed, 93 MiB of it live).
 */
import v8 from 'node:v8';
import vm from 'node:vm';

export const LARGE_HEAP = 128 * 1024 * 1024;
export const HUGE_HEAP = 192 * 1024 * 1024;
/** The growth allowed once the heap holds more than LARGE_HEAP, then more than HUGE_HEAP. */
export const HEAP_GROWING_FLAG = '--heap-growing-percent=25';
export const HUGE_HEAP_GROWING_FLAG = '--heap-growing-percent=10';

// bin.cjs and the bundled CLI are separate module graphs: the state lives on the global object
// (bin.cts sets `{ enabled: true, applied: false }` itself, importing nothing). `applied`: the
// first step was taken; `huge`: the second.
const STATE = Symbol.for('multistage-codemod.memory-policy');
type State = { enabled: boolean; applied: boolean; huge?: boolean };
const state = (): State => ((globalThis as Record<symbol, unknown>)[STATE] ??= { enabled: false, applied: false }) as State;

/** The executable's choice (bin.cts): large runs grow their heap by a quarter, huge ones by a tenth. */
export function enableMemoryPolicy(): void {
  state().enabled = true;
}

/**
 * Where a run's heap may have grown (the CLI's progress): takes each step once the heap is past
 * it, the first with a full collection so that the growth applies from now (`collect`: tests).
 */
export function heapCheckpoint(collect: () => void = fullCollection): void {
  const s = state();
  if (!s.enabled || s.huge) return;
  const used = v8.getHeapStatistics().used_heap_size;
  if (used < LARGE_HEAP) return;
  const first = !s.applied;
  if (used >= HUGE_HEAP) {
    v8.setFlagsFromString(HUGE_HEAP_GROWING_FLAG);
    s.applied = true;
    s.huge = true;
  } else if (first) {
    v8.setFlagsFromString(HEAP_GROWING_FLAG);
    s.applied = true;
  }
  if (first) collect();
}

/** A full collection now: V8's `gc`, which a new context has once the flag exposes it. */
export function fullCollection(): void {
  v8.setFlagsFromString('--expose-gc');
  (vm.runInNewContext('gc') as () => void)();
}
