/**
 * Worker-thread entry (analyse-pool.ts starts it): analyses the batches of candidate files the
 * main thread sends, in the order they come (the walk's), but for those the main thread has
 * taken back (their claim, analyse-pool.ts), each file exactly as the main thread
 * would (analyzeFile over the same tree), and sends each batch's analyses back packed
 * (transfer.ts). A file whose analysis throws, or cannot be packed, is sent back as failed:
 * the main thread analyses it itself, so it fails, or succeeds, as on one thread.
 * scripts/bundle.mjs bundles this module and all it imports into analyse-worker.bundle.js.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { NodeRepoFs } from '../discover/node-fs.js';
import { analyzeFile } from './index.js';
import type { AnalyseBatch, AnalysedFile, AnalyseWorkerData, AnalysedBatch } from './analyse-pool.js';
import { TracedDockerfiles } from './traced-dockerfiles.js';
import { packFacts, packFile } from './transfer.js';
import { loadTreeSitter } from './tree-sitter.js';

const { root, finished, wasm } = workerData as AnalyseWorkerData;
const done = new Int32Array(finished);
const port = parentPort!;
const fs = new NodeRepoFs(root);
const cache = new TracedDockerfiles();
const ready = loadTreeSitter(wasm);

port.on('message', (batch: AnalyseBatch) => {
  void ready.then(() => analyseBatch(batch));
});

function analyseBatch(batch: AnalyseBatch): void {
  // The main thread took it back (it had nothing else to do): it only counts as finished.
  if (batch.claim && Atomics.compareExchange(new Int32Array(batch.claim), 0, 0, 1) !== 0) {
    countFinished(batch);
    return;
  }
  const files: AnalysedFile[] = [];
  const restores: (() => void)[] = [];
  for (const [rel, text] of batch.texts) {
    fs.prime(rel, text);
    cache.begin();
    try {
      const analysis = analyzeFile(fs, rel, cache);
      const trace = cache.begin();
      const { packed, restore } = packFile(analysis);
      restores.push(restore);
      files.push({ rel, packed, used: trace.used, stored: trace.stored.map(([k, v]) => [k, packFacts(v)]) });
    } catch {
      files.push({ rel, packed: null, used: [], stored: [] });
    }
  }
  try {
    port.postMessage({ id: batch.id, files } satisfies AnalysedBatch);
  } catch {
    // Something the packing did not foresee would not clone: the main thread analyses the batch.
    port.postMessage({ id: batch.id, files: batch.texts.map(([rel]) => ({ rel, packed: null, used: [], stored: [] })) } satisfies AnalysedBatch);
  } finally {
    for (const r of restores) r();
    countFinished(batch);
  }
}

/** The main thread may be walking, unable to receive a message: this tells it there is room. */
function countFinished(batch: AnalyseBatch): void {
  Atomics.add(done, 1, batch.texts.length);
  Atomics.add(done, 0, 1);
}
