/**
 * Worker-thread entry (walk-thread.ts starts it): walks one root and sends the candidates'
 * texts to the main thread in batches as it reads them, in the walk's order, so the main
 * thread analyses the first files while this one still walks. Ends with the WalkResult.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { walk } from './walk.js';
import type { WalkMessage, WalkWorkerData } from './walk-thread.js';

const BATCH = 32;
const { root, ignore } = workerData as WalkWorkerData;
const port = parentPort!;
let texts: [string, string][] = [];
const flush = () => {
  if (texts.length === 0) return;
  port.postMessage({ type: 'texts', texts } satisfies WalkMessage);
  texts = [];
};
const result = walk(root, {
  ignore,
  repoFs: {
    prime(rel, text) {
      texts.push([rel, text]);
      if (texts.length >= BATCH) flush();
    },
  },
  progress: (_phase, folders) => port.postMessage({ type: 'walking', folders } satisfies WalkMessage),
});
flush();
port.postMessage({ type: 'done', result } satisfies WalkMessage);
