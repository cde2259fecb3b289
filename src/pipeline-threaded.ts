/**
 * runRoot for the CLI on large trees: the walk runs in a worker thread while the main thread
 * analyses the files it sends (discover/walk-thread.ts). Files are analysed as they arrive
 * and assembled in the walk's order, so the run gives the same bytes as runRoot, whatever
 * the threads' timing (a test compares the two).
 */
import path from 'node:path';
import { analyzeFile, assemble, followCallers, type Analysis, type FileAnalysis } from './analyze/index.js';
import { NodeRepoFs } from './discover/node-fs.js';
import { walkInWorker, walkThread, WalkThreadError } from './discover/walk-thread.js';
import { NO_CLOCK } from './model/timing.js';
import { finishRoot, runRoot, type RootOptions, type RootRun } from './pipeline.js';

/** runRoot, with the walk in a worker thread when the environment and the tree call for it. */
export async function runRootAuto(display: string, opts: RootOptions, env: NodeJS.ProcessEnv): Promise<RootRun> {
  const abs = path.resolve(display);
  if (!walkInWorker(abs, env)) return runRoot(display, opts);
  try {
    return await threaded(display, abs, opts);
  } catch (e) {
    // No thread to be had (a resource limit, a build without the worker's module): the same
    // run on this thread. What the worker sent is dropped with its file system.
    if (e instanceof WalkThreadError) return runRoot(display, opts);
    throw e;
  }
}

async function threaded(display: string, abs: string, opts: RootOptions): Promise<RootRun> {
  const clock = opts.clock ?? NO_CLOCK;
  clock.note('discover ran in a worker thread, beside analyze (discover: the time analyze waited for it)');
  const fs = new NodeRepoFs(abs);
  const dockerfiles: Analysis['dockerfiles'] = new Map();
  const analysed = new Map<string, FileAnalysis>();
  // discover is the time spent waiting for the walk; analyze the time spent on what it sent.
  let endWaiting = clock.start('discover');
  const walked = await walkThread(
    abs,
    opts.ignore ?? [],
    (texts) => {
      endWaiting();
      clock.time('analyze', () => {
        for (const [rel, text] of texts) {
          fs.prime(rel, text);
          analysed.set(rel, analyzeFile(fs, rel, dockerfiles));
        }
      });
      endWaiting = clock.start('discover');
    },
    (folders) => opts.progress?.('walking', folders, null),
  );
  endWaiting();
  // What the worker could not read (a READ_ERROR to report) is analysed here, from the disk.
  const analysis = clock.time('analyze', () => {
    const rest = walked.files.filter((rel) => !analysed.has(rel));
    for (const [n, rel] of rest.entries()) {
      if (opts.progress && n % 64 === 0) opts.progress('analysing', walked.files.length - rest.length + n, walked.files.length);
      analysed.set(rel, analyzeFile(fs, rel, dockerfiles));
    }
    followCallers(fs, walked.files, walked.quiet, analysed, dockerfiles);
    opts.progress?.('analysing', walked.files.length, walked.files.length);
    return assemble(walked.files, analysed, dockerfiles);
  });
  return finishRoot(display, abs, fs, walked, analysis, opts);
}
