/**
 * Which runs write the executable's code cache (./code-cache.cts). V8's cached data holds every
 * function the run that made it compiled, and every later run deserialises all of it at start:
 * a cache made by a sweep of a monorepo (the readers of Makefiles, package.json, CI files, the
 * planner's rarer checks) made the bundled example's cold `--dry-run` take about 9% more
 * instructions (callgrind: 838 against 770 million) than one made by a single-repository run.
 * A large run's own compile time is a small part of it (about 40 ms of a run of seconds), so a
 * run that analyses more than LARGE_RUN_FILES candidates writes no cache: it uses one if there
 * is one, and the next small run writes it.
 *
 * bin.cjs and the bundled CLI are separate module graphs: the mark lives on the global object,
 * as the memory policy's state does (./memory-policy.ts).
 */
export const LARGE_RUN_FILES = 256;
const RUN = Symbol.for('multistage-codemod.code-cache-run');

/** The analysis of a root reports how many candidate files it reads. */
export function noteCandidates(total: number): void {
  if (total > LARGE_RUN_FILES) (globalThis as Record<symbol, unknown>)[RUN] = { large: true };
}
