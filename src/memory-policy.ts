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
 * bench's 1× tree stays below it). Only the executable enables it: the API leaves a host
 * process's heap alone.
 */
import v8 from 'node:v8';

export const HEAP_GROWING_FLAG = '--heap-growing-percent=25';
export const LARGE_HEAP = 128 * 1024 * 1024;

// bin.cjs and the bundled CLI are separate module graphs: the state lives on the global object
// (bin.cts sets `{ enabled: true, applied: false }` itself, importing nothing).
const STATE = Symbol.for('multistage-codemod.memory-policy');
type State = { enabled: boolean; applied: boolean };
const state = (): State => ((globalThis as Record<symbol, unknown>)[STATE] ??= { enabled: false, applied: false }) as State;

/** The executable's choice (bin.cts): large runs grow their heap by a quarter. */
export function enableMemoryPolicy(): void {
  state().enabled = true;
}

/** Where a run's heap may have grown (the CLI's progress): applies the policy once it is large. */
export function heapCheckpoint(): void {
  const s = state();
  if (!s.enabled || s.applied || v8.getHeapStatistics().used_heap_size < LARGE_HEAP) return;
  v8.setFlagsFromString(HEAP_GROWING_FLAG);
  s.applied = true;
}
