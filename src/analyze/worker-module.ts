/**
 * Which file an analysis thread runs: the bundle of analyse-worker.js and all it imports
 * (analyse-worker.bundle.js, made by scripts/bundle.mjs: one file to load instead of about
 * 150) when it is at least as new as the compiled module, else the compiled module (a build
 * that compiled again without bundling). bin.js chooses between main's bundle and modules the
 * same way.
 */
import { statSync } from 'node:fs';

/** `bundle` when it exists and is at least as new as `modules` (npm pack gives every file the same time), else `modules`. */
export function newestBuild(bundle: URL, modules: URL): URL {
  const mtime = (u: URL) => statSync(u, { throwIfNoEntry: false })?.mtimeMs;
  const [bundled, compiled] = [mtime(bundle), mtime(modules)];
  return bundled !== undefined && (compiled === undefined || bundled >= compiled) ? bundle : modules;
}

/** The analysis worker's module, beside this one. */
export function analyseWorkerModule(): URL {
  return newestBuild(new URL('./analyse-worker.bundle.js', import.meta.url), new URL('./analyse-worker.js', import.meta.url));
}
