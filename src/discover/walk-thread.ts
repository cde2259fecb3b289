/**
 * The walk in a worker thread, for large trees: the walk is bound by system calls (readdir,
 * open, read) and analysis by parsing, so the walk runs while other threads analyse the files
 * it has already sent: the main thread and n - 1 analysis workers (src/analyze/analyse-pool.ts,
 * whose results cross threads through src/analyze/transfer.ts). Planning stays on the main
 * thread: the plan looks at every setup at once.
 *
 * How many threads: MULTISTAGE_CODEMOD_WORKERS=0 or 1 keeps everything on the main thread, n ≥ 2
 * uses n threads whatever the tree's size; unset, a machine with at least MIN_CORES cores
 * (os.availableParallelism()) uses all of them when the tree is large (a breadth-first probe
 * finds more than PROBE_FOLDERS folders): starting threads and loading the tool's modules in
 * them costs more than analysing a small tree.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { SKIP_DIRS, type WalkResult } from './walk.js';
import { workerThreads } from '../model/node-lazy.js';

export const WORKERS_ENV = 'MULTISTAGE_CODEMOD_WORKERS';

/** A tree with more folders than this is walked in a worker (when there is a core for it). */
export const PROBE_FOLDERS = 1000;

export interface WalkWorkerData {
  root: string;
  ignore: string[];
}

export type WalkMessage =
  | { type: 'texts'; texts: [string, string][] }
  | { type: 'walking'; folders: number }
  | { type: 'done'; result: WalkResult };

/** How many threads the environment asks for (null: decide by the machine and the tree). */
export function requestedThreads(env: NodeJS.ProcessEnv): number | null {
  const v = env[WORKERS_ENV];
  if (v === undefined || v.trim() === '') return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new Error(`${WORKERS_ENV} must be a whole number (0 or 1: no worker thread), not ${JSON.stringify(v)}`);
  return n;
}

/**
 * Cores a machine needs before large trees use threads by default. On 2 cores V8's own helper
 * threads (concurrent marking, sweeping, compiling) already use the second one: measured there
 * (a shared machine at load 10-19, bench 1× tree, same rounds), two threads cost 25% more CPU
 * and three 40% more, for no wall time (a walk-only worker: 4% more).
 * `MULTISTAGE_CODEMOD_WORKERS=2` still asks for them.
 */
export const MIN_CORES = 3;

/**
 * How many threads analyse `root` (1: the whole run on the main thread). From 2, the walk runs
 * in a worker thread and the main thread and n - 1 worker threads analyse what it finds
 * (src/analyze/analyse-pool.ts).
 */
export function threadsFor(root: string, env: NodeJS.ProcessEnv): number {
  const n = requestedThreads(env);
  if (n !== null) return Math.max(n, 1);
  const cores = os.availableParallelism();
  return cores >= MIN_CORES && largerThan(root, PROBE_FOLDERS) ? cores : 1;
}

/** Whether to walk `root` in a worker thread. */
export function walkInWorker(root: string, env: NodeJS.ProcessEnv): boolean {
  return threadsFor(root, env) >= 2;
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

/** The worker thread could not be started, or failed: the caller may walk on its own thread instead. */
export class WalkThreadError extends Error {}

/**
 * Walks `root` in a worker thread. `onTexts` gets each batch of candidates' texts as the
 * worker reads them (in the walk's order), `onFolders` the count of folders walked; resolves
 * with the walk's result. Rejects with a WalkThreadError when the thread cannot be started or
 * fails, and with what `onTexts` threw when that fails.
 */
export function walkThread(root: string, ignore: string[], onTexts: (texts: [string, string][]) => void, onFolders?: (n: number) => void): Promise<WalkResult> {
  return new Promise((resolve, reject) => {
    let worker: Worker;
    try {
      worker = new (workerThreads().Worker)(new URL('./walk-worker.js', import.meta.url), { workerData: { root, ignore } satisfies WalkWorkerData });
    } catch (e) {
      reject(new WalkThreadError((e as Error).message));
      return;
    }
    let done = false;
    worker.on('message', (m: WalkMessage) => {
      try {
        if (m.type === 'texts') onTexts(m.texts);
        else if (m.type === 'walking') onFolders?.(m.folders);
        else {
          done = true;
          resolve(m.result);
        }
      } catch (e) {
        done = true;
        void worker.terminate();
        reject(e as Error);
      }
    });
    worker.on('error', (e) => {
      if (done) return;
      done = true;
      reject(new WalkThreadError(e.message));
    });
    worker.on('exit', (code) => {
      if (done) return;
      done = true;
      reject(new WalkThreadError(`the walk's worker thread exited with ${code}`));
    });
  });
}
