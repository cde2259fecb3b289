/**
 * runRoot for the CLI on large trees: the walk runs in a worker thread (discover/walk-thread.ts)
 * while the main thread and n - 1 worker threads analyse the files it sends
 * (analyze/analyse-pool.ts). Analyses are assembled in the walk's order and `followCallers`
 * runs once every file is analysed, so the run gives the same bytes as runRoot, whatever the
 * threads' timing (tests compare the two).
 */
import path from 'node:path';
import { AnalysePool } from './analyze/analyse-pool.js';
import { assemble, followCallers } from './analyze/index.js';
import { NodeRepoFs } from './discover/node-fs.js';
import { threadsFor, walkThread, WalkThreadError } from './discover/walk-thread.js';
import { NO_CLOCK } from './model/timing.js';
import { finishRoot, runRoot, type RootOptions, type RootRun } from './pipeline.js';

/** runRoot, on several threads when the environment, the machine and the tree call for it. */
export async function runRootAuto(display: string, opts: RootOptions, env: NodeJS.ProcessEnv): Promise<RootRun> {
  const abs = path.resolve(display);
  const threads = threadsFor(abs, env);
  if (threads < 2) return runRoot(display, opts);
  try {
    return await threaded(display, abs, opts, threads);
  } catch (e) {
    // No thread to be had (a resource limit, a build without the workers' modules): the same
    // run on this thread. What the workers sent is dropped with its file system.
    if (e instanceof WalkThreadError) return runRoot(display, opts);
    throw e;
  }
}

async function threaded(display: string, abs: string, opts: RootOptions, threads: number): Promise<RootRun> {
  const clock = opts.clock ?? NO_CLOCK;
  clock.note(`discover ran in a worker thread, beside analyze on ${threads} threads (discover: the time the main thread waited)`);
  const fs = new NodeRepoFs(abs);
  // discover is the time the main thread waits; analyze the time it analyses and receives analyses.
  let endWaiting = clock.start('discover');
  const time = <T>(f: () => T): T => {
    endWaiting();
    try {
      return clock.time('analyze', f);
    } finally {
      endWaiting = clock.start('discover');
    }
  };
  let pool: AnalysePool;
  try {
    pool = new AnalysePool(fs, threads - 1, opts.progress, time);
  } catch (e) {
    throw new WalkThreadError((e as Error).message);
  }
  const walked = await walkThread(abs, opts.ignore ?? [], (texts) => pool.add(texts), (folders) => opts.progress?.('walking', folders, null)).catch(async (e: unknown) => {
    await pool.abort();
    throw e;
  });
  // What the walk could not read (a READ_ERROR to report) is analysed there too, from the disk.
  const { analysed, dockerfiles } = await pool.finish(walked.files);
  endWaiting();
  const analysis = clock.time('analyze', () => {
    followCallers(fs, walked.files, walked.quiet, analysed, dockerfiles);
    opts.progress?.('analysing', walked.files.length, walked.files.length);
    return assemble(walked.files, analysed, dockerfiles);
  });
  return finishRoot(display, abs, fs, walked, analysis, opts);
}
