/**
 * A cleanup guarded by a test of the path it removes, after the runtime build:
 * `[ -f app ] && rm app`, `test -e app && rm -f app`, `if [ -f app ]; then rm app; fi`. In the
 * old script the test was true whenever it was reached after the extraction (or the file was
 * already gone, and the removal did nothing): the guard decides nothing the migration changes,
 * so the removal is cleanup like a bare `rm -f app`, and the test is no use of the artifact.
 */
import { resolveRel } from '../model/paths.js';
import type { ScriptCommand } from '../model/script.js';

const TESTS = new Set(['[', '[[', 'test']);

/** The path `[ -f P ]`, `[ -e P ]`, `[ -d P ]` (or `test …`, `[[ … ]]`) tests, resolved in the repository, or null. */
export function testedPath(cmd: ScriptCommand): string | null {
  const v = cmd.words.map((w) => w.value);
  if (v.some((x) => x === null) || !TESTS.has(v[0]!) || cmd.cwd === null) return null;
  const close = v[0] === '[' ? ']' : v[0] === '[[' ? ']]' : null;
  if (close !== null && v[v.length - 1] !== close) return null;
  const words = v.slice(1, close === null ? undefined : -1) as string[];
  if (words.length !== 2 || !['-f', '-e', '-d'].includes(words[0]!)) return null;
  return resolveRel(cmd.cwd, words[1]!);
}

/**
 * Whether `test` only guards removals of the path it tests, and the setup's artifacts hold that
 * path: every command that runs when it succeeds (the rest of its `&&` chain, the body of the
 * `if` it is the condition of) is an `rm` of that path alone. `chain`: the guard is a chain
 * member, which goes with the removal; an `if` condition stays (its body keeps `:`).
 */
export function guardOfRemoval(test: ScriptCommand, sequence: readonly ScriptCommand[], artifactPaths: ReadonlySet<string>): { removals: ScriptCommand[]; chain: boolean } | null {
  const p = testedPath(test);
  if (p === null || !artifactPaths.has(p)) return null;
  const chained = sequence.filter((c) => c.branches?.some((b) => b.after?.includes(test.index)));
  const bodies = sequence.filter((c) => c.branches?.some((b) => b.when?.some((w) => w.cmds.includes(test.index))));
  if (chained.length > 0 && bodies.length > 0) return null;
  const guarded = chained.length > 0 ? chained : bodies;
  if (guarded.length === 0) return null;
  // Only `&&` after the test, and an `if` without `else`/`elif` branches that run when it fails.
  if (chained.some((c) => c.branches!.some((b) => b.after?.includes(test.index) && (b.on !== 'success' || b.negated)))) return null;
  if (bodies.some((c) => c.branches!.some((b) => b.when?.some((w) => w.cmds.includes(test.index) && (!w.want || b.when!.length !== 1))))) return null;
  const removesOnly = (c: ScriptCommand) =>
    c.words[0]?.value === 'rm' &&
    c.cwd !== null &&
    c.redirects.length === 0 &&
    c.words.slice(1).every((w) => w.value !== null && (w.value.startsWith('-') ? /^-[rRf]+$/.test(w.value) : resolveRel(c.cwd!, w.value) === p)) &&
    c.words.slice(1).some((w) => !w.value!.startsWith('-'));
  if (!guarded.every(removesOnly)) return null;
  return { removals: guarded, chain: chained.length > 0 };
}
