/**
 * How many threads analyse a root. From 2, the main thread walks the tree and sends the
 * candidates it reads, in batches, to n - 1 worker threads that analyse them
 * (src/analyze/analyse-pool.ts, whose results cross threads through src/analyze/transfer.ts);
 * once the walk ends the main thread analyses beside them. Planning stays on the main thread:
 * the plan looks at every setup at once.
 *
 * MULTISTAGE_CODEMOD_WORKERS=0 or 1 keeps everything on the main thread, n ≥ 2 uses n threads
 * whatever the tree's size, `walk` walks on a worker thread and analyses on the main one
 * (walkThreadFor); unset, a machine with at least MIN_CORES cores (os.availableParallelism())
 * uses all of them when the tree is large (a breadth-first probe
 * finds more than PROBE_FOLDERS folders): starting a thread and loading the analysis in it
 * costs more than analysing a small tree.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SKIP_DIRS } from '../discover/walk.js';

export const WORKERS_ENV = 'MULTISTAGE_CODEMOD_WORKERS';

/** A tree with more folders than this is analysed on several threads (when there are the cores). */
export const PROBE_FOLDERS = 1000;

/** The value of WORKERS_ENV that asks for the walk on a worker thread whatever the tree's size. */
export const WALK_THREAD = 'walk';

/**
 * How many threads the environment asks for, or WALK_THREAD (the walk on a worker thread, the
 * analysis on the main thread); null: decide by the machine and the tree.
 */
export function requestedThreads(env: NodeJS.ProcessEnv): number | typeof WALK_THREAD | null {
  const v = env[WORKERS_ENV];
  if (v === undefined || v.trim() === '') return null;
  if (v.trim() === WALK_THREAD) return WALK_THREAD;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${WORKERS_ENV} must be a whole number (0 or 1: no worker thread) or ${WALK_THREAD}, not ${JSON.stringify(v)}`);
  const most = maxThreads();
  if (n > most) throw new Error(`${WORKERS_ENV}=${n} asks for more threads than this machine runs at once (${os.availableParallelism()} cores): give at most ${most}`);
  return n;
}

/**
 * The most threads a run may be asked for: the machine's cores, and never fewer than 4 (two
 * threads, or four, still run on a 2-core machine, and the output is the same). Each thread is
 * a V8 isolate of its own, 20 to 40 MiB before it reads anything: 500 of them took 5 GiB.
 */
export function maxThreads(): number {
  return Math.max(4, os.availableParallelism());
}

/**
 * Cores a machine needs before large trees use threads by default. On 2 cores V8's own helper
 * threads (TurboFan compiling, concurrent marking and sweeping) already keep the second one
 * about half busy, and a worker is a second isolate that compiles the analysis again: measured
 * there (a shared machine at load 8-12, bench 1× tree, same rounds), two threads cost 14-24%
 * more CPU for no clear wall time. With the worker kept busy (analyse-pool.ts) the main thread's
 * CPU falls to 0.76-0.89 of one thread's but the process's rises 14-25%, so a run on 2 cores
 * cannot take less than 0.83-0.93 of one thread's (docs/performance.md, Threads). `MULTISTAGE_CODEMOD_WORKERS=2`
 * still asks for them.
 */
export const MIN_CORES = 3;

/** How many threads analyse `root` (1: the whole run on the main thread), when the walk stays on it. */
export function threadsFor(root: string, env: NodeJS.ProcessEnv): number {
  const n = requestedThreads(env);
  if (n === WALK_THREAD) return 1;
  if (n !== null) return Math.max(n, 1);
  const cores = os.availableParallelism();
  return cores >= MIN_CORES && largerThan(root, PROBE_FOLDERS) ? cores : 1;
}

/**
 * Whether the walk runs on a worker thread while the main thread analyses what it reads
 * (src/pipeline-walk-thread.ts): only when the environment says WALK_THREAD. Never by default:
 * on the 2-core machine it was measured on, it gave no clear wall time for a little more CPU
 * (docs/performance.md, Threads).
 */
export function walkThreadFor(env: NodeJS.ProcessEnv): boolean {
  return requestedThreads(env) === WALK_THREAD;
}

/**
 * True when the tree under `root` holds more than `limit` folders, read breadth first and
 * stopping there (so a small tree costs a few readdirs, a large one `limit` of them). Ignore
 * files are not read: this only sizes the work.
 */
export function largerThan(root: string, limit: number): boolean {
  const queue = [root];
  let seen = 0;
  for (let i = 0; i < queue.length; i++) {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(queue[i]!, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      if (!e.isDirectory() || SKIP_DIRS.has(e.name)) continue;
      if (++seen > limit) return true;
      queue.push(path.join(queue[i]!, e.name));
    }
  }
  return false;
}
