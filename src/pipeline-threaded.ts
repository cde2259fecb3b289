/**
 * runRoot for the CLI on large trees: the main thread walks and sends the candidates it reads,
 * in batches, to n - 1 worker threads that analyse them while it walks; once the walk ends, the
 * main thread analyses the rest of the batches beside them (analyze/analyse-pool.ts). Analyses
 * are assembled in the walk's order and `followCallers` runs once every file is analysed, so
 * the run gives the same bytes as runRoot, whatever the threads' timing (tests compare the two).
 */
import path from 'node:path';
import { AnalysePool } from './analyze/analyse-pool.js';
import { assemble, followCallers } from './analyze/index.js';
import { threadsFor } from './analyze/thread-count.js';
import { NodeRepoFs } from './discover/node-fs.js';
import { walk } from './discover/walk.js';
import { NO_CLOCK } from './model/timing.js';
import { finishRoot, runRoot, type RootOptions, type RootRun } from './pipeline.js';
import { runRootWalkThread, startWalkThread } from './pipeline-walk-thread.js';
import type { WalkThread } from './discover/walk-thread.js';

/** Candidates sent to the analysis at once: enough to make a message worth its cost, few enough to share the last ones out. */
const BATCH = 32;

/**
 * runRoot, on several threads when the environment, the machine and the tree call for it.
 * `walking`: the root's walk, started on a worker thread before the parsers were loaded (see
 * startWalkThread; null: it was decided not to); undefined: decided here.
 */
export async function runRootAuto(display: string, opts: RootOptions, env: NodeJS.ProcessEnv, walking?: WalkThread | null): Promise<RootRun> {
  const thread = walking === undefined ? startWalkThread(display, opts.ignore ?? [], env) : walking;
  if (thread) return (await runRootWalkThread(display, opts, thread)) ?? runRoot(display, opts);
  const abs = path.resolve(display);
  const threads = threadsFor(abs, env);
  if (threads < 2) return runRoot(display, opts);
  const fs = new NodeRepoFs(abs);
  let pool: AnalysePool;
  const clock = opts.clock ?? NO_CLOCK;
  try {
    pool = new AnalysePool(fs, threads - 1, opts.progress, (f) => f());
  } catch {
    // No thread to be had (a resource limit, a build without the worker's module): the same run on this thread.
    return runRoot(display, opts);
  }
  clock.note(`analyze ran on ${threads} threads (the walk's files went to ${threads - 1} worker thread${threads > 2 ? 's' : ''} as it read them)`);
  let batch: [string, string][] = [];
  const flush = () => {
    if (batch.length > 0) pool.add(batch);
    batch = [];
  };
  let walked;
  try {
    walked = clock.time('discover', () => {
      const w = walk(abs, {
        ignore: opts.ignore ?? [],
        repoFs: {
          prime(rel, text) {
            batch.push([rel, text]);
            if (batch.length >= BATCH) flush();
          },
        },
        ...(opts.progress ? { progress: opts.progress } : {}),
      });
      flush();
      return w;
    });
  } catch (e) {
    await pool.abort();
    throw e;
  }
  // What the walk could not read (a READ_ERROR to report) is analysed there too, from the disk.
  // analyze: from the walk's end until every file is analysed, on this thread or received.
  const end = clock.start('analyze');
  let result;
  try {
    result = await pool.finish(walked.files);
  } finally {
    end();
  }
  const { analysed, dockerfiles } = result;
  const analysis = clock.time('analyze', () => {
    followCallers(fs, walked.files, walked.quiet, analysed, dockerfiles);
    opts.progress?.('analysing', walked.files.length, walked.files.length);
    return assemble(walked.files, analysed, dockerfiles, fs);
  });
  return finishRoot(display, abs, fs, walked, analysis, opts);
}
