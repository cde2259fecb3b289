/**
 * Worker-thread entry (walk-thread.ts starts it): walks one root exactly as the main thread
 * would (walk.ts over node:fs) and streams what it finds to the main thread, which analyses
 * each candidate as it arrives: the texts it reads, in batches and in the walk's order, the
 * walk's progress, then the walk's result (every list the walk makes), or the error it threw.
 * It imports the walk alone, so it begins walking while the main thread is still starting.
 * scripts/bundle.mjs bundles this module and all it imports into walk-worker.bundle.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { walk } from './walk.js';
import type { WalkMessage, WalkWorkerData } from './walk-thread.js';

/**
 * Texts sent at once. The first batches are small, so the main thread has a file to analyse
 * as soon as it is ready; later ones larger, so the messages cost little beside the walk.
 */
const FIRST_BATCH = 4;
const BATCH = 32;

const { root, ignore } = workerData as WalkWorkerData;
const port = parentPort!;
const send = (m: WalkMessage) => port.postMessage(m);

let texts: [string, string][] = [];
let limit = FIRST_BATCH;
const flush = () => {
  if (texts.length === 0) return;
  send({ type: 'texts', texts });
  texts = [];
  limit = BATCH;
};

const now = () => performance.timeOrigin + performance.now();
const began = now();
try {
  const result = walk(root, {
    ignore,
    repoFs: {
      prime(rel, text) {
        texts.push([rel, text]);
        if (texts.length >= limit) flush();
      },
    },
    progress: (_phase, folders) => send({ type: 'progress', folders }),
  });
  flush();
  send({ type: 'done', result, began, ended: now() });
} catch (e) {
  // What the walk read before it threw is of no use: the run fails as it does on one thread.
  const err = e as NodeJS.ErrnoException;
  send({ type: 'failed', error: { name: err?.name ?? 'Error', message: err?.message ?? String(e), stack: err?.stack, code: err?.code } });
}
