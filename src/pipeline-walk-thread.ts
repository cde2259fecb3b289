/**
 * runRoot with the walk on a worker thread (discover/walk-thread.ts): the main thread analyses
 * each candidate as its text arrives, while the worker walks on. The walk is mostly system
 * calls and sends only strings (cheap to pass between threads); the analysis stays where the
 * parsers are loaded once, and its results never cross threads.
 *
 * The run gives the same bytes as runRoot: files are analysed in the order they arrive, which
 * is the walk's, each Dockerfile cache entry traced per file and the cache merged in the walk's
 * final order (analyze/traced-dockerfiles.ts; a JS file read after the walk because a script
 * names it arrives last); candidates the walk could not read are analysed (READ_ERROR) in the
 * walk's order once it ends; `followCallers` and `assemble` run then, as in runRoot.
 */
import path from 'node:path';
import { analyzeFile, assemble, followCallers, forPlan, type FileAnalysis } from './analyze/index.js';
import { mergeDockerfiles, TracedDockerfiles, type DockerfileTrace } from './analyze/traced-dockerfiles.js';
import { NodeRepoFs } from './discover/node-fs.js';
import { WalkThread, type WalkError, type WalkSource } from './discover/walk-thread.js';
import { walkThreadFor } from './analyze/thread-count.js';
import type { WalkResult } from './discover/walk.js';
import { NO_CLOCK } from './model/timing.js';
import { finishRoot, type RootOptions, type RootRun } from './pipeline.js';

/**
 * The walk of `display` on a worker thread, started now, when the environment asks for it
 * (analyze/thread-count.ts); null when it does not, or no thread can be started (the run is
 * then made as without it).
 */
export function startWalkThread(display: string, ignore: readonly string[], env: NodeJS.ProcessEnv): WalkThread | null {
  if (!walkThreadFor(env)) return null;
  try {
    return new WalkThread(path.resolve(display), ignore);
  } catch {
    return null;
  }
}

/**
 * The run of `display` from the walk `thread` makes of it; null when the thread stopped
 * before the walk ended (it crashed, or could not load): the caller then runs on one thread.
 * A walk that threw fails the run with its error, as on one thread.
 */
export async function runRootWalkThread(display: string, opts: RootOptions, thread: WalkSource): Promise<RootRun | null> {
  const abs = path.resolve(display);
  const fs = new NodeRepoFs(abs);
  const clock = opts.clock ?? NO_CLOCK;
  const cache = new TracedDockerfiles();
  const analysed = new Map<string, FileAnalysis>();
  const traces = new Map<string, DockerfileTrace>();
  let folders = 0;
  const analyse = (rel: string) => {
    cache.begin();
    analysed.set(rel, forPlan(analyzeFile(fs, rel, cache), fs));
    traces.set(rel, cache.begin());
    // Every 64 files, as analyze() reports them (the CLI checks the heap's size there too):
    // the walk's count while the number of files is not known, then the files analysed.
    if (!opts.progress || analysed.size % 64 !== 0) return;
    if (thread.files === null) opts.progress('walking', folders, null);
    else opts.progress('analysing', analysed.size, thread.files);
  };
  let walked: WalkResult | undefined;
  let began = 0;
  let ended = 0;
  try {
    while (!walked) {
      // discover: the time this thread waits for the walk; analyze: the time it analyses.
      const endWait = clock.start('discover');
      const m = await thread.next();
      endWait();
      if (m === null) return null;
      if (m.type === 'texts') {
        clock.time('analyze', () => {
          for (const [rel, text] of m.texts) {
            fs.prime(rel, text);
            analyse(rel);
          }
        });
      } else if (m.type === 'progress') {
        folders = m.folders;
        opts.progress?.('walking', m.folders, null);
      } else if (m.type === 'done') {
        ({ result: walked, began, ended } = m);
      } else {
        throw thrown(m.error);
      }
    }
  } catch (e) {
    await thread.stop();
    throw e;
  }
  const files = walked.files;
  const result = walked;
  clock.note(
    `discover ran on a worker thread while this one analysed (discover: the time this thread waited for it): the walk began ${(began - thread.startedAt).toFixed(0)} ms after the thread was started and took ${((ended - began) / 1000).toFixed(3)} s`,
  );
  const analysis = clock.time('analyze', () => {
    // Once the walk has ended the number of files is known (until then the walk's progress shows).
    opts.progress?.('analysing', analysed.size, files.length);
    // What the walk could not read (a READ_ERROR to report), read here from the disk.
    for (const rel of files) if (!analysed.has(rel)) analyse(rel);
    const dockerfiles = mergeDockerfiles(files, traces);
    followCallers(fs, files, result.quiet, analysed, dockerfiles);
    opts.progress?.('analysing', files.length, files.length);
    return assemble(files, analysed, dockerfiles, fs);
  });
  return finishRoot(display, abs, fs, result, analysis, opts);
}

/** The walk's error as the main thread throws it: the same name, message, stack and code. */
function thrown(e: WalkError): Error {
  const err: NodeJS.ErrnoException = new Error(e.message);
  err.name = e.name;
  if (e.stack !== undefined) err.stack = e.stack;
  if (e.code !== undefined) err.code = e.code;
  return err;
}
