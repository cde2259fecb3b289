/**
 * A file the sh or bash script sources (./grammar.ts `sourcedLib`), lib/build-env.sh. It runs in
 * the script's own shell, so what it defines stays defined after it, and the tool does not edit
 * it:
 *
 * - `settings`: an exported variable and a logging function the script calls before the builder
 *   build. Nothing of the pattern is in it: the setup migrates as it would without it.
 * - `trap`: the EXIT trap that removes the extraction's container, written in the file, which is
 *   sourced where the trap stood. The migration makes no container, and the file keeps naming it:
 *   the tool must refuse (REMOVED_NAME_USED).
 * - `cleanup`: the container's removal as a function of the file (`drop_container`), sourced at
 *   the top and called where the removal stood: the call would remove a container that is no
 *   longer made, so the tool must refuse (REMOVED_NAME_USED).
 *
 * Drawn from a stream of its own, after every other feature: `none` writes what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';

export const SOURCED_FEATURES = {
  sourcedLib: ['none', 'settings', 'trap', 'cleanup'],
} as const;

/** The sourced file, from the repository's root (where the script runs its commands). */
export const LIB = 'lib/build-env.sh';
/** The line that sources it. */
export const SOURCE_LINE = `. ./${LIB}`;
/** The function of `cleanup` that removes the container. */
export const DROP = 'drop_container';

/** Extractions whose container the script names or holds in `$id`, and removes. */
const REMOVES = new Set(['create-cp', 'run-name', 'detached-idle', 'id-var']);

/** The draw as the rest of the spec allows (a spec stored before it existed reads it as `none`). */
export function normalizeSourced(s: RepoSpec): void {
  if (s.sourcedLib === undefined) s.sourcedLib = 'none';
  // only a sh or bash script sources a file (a Makefile recipe line, an npm script, a CI step or a JS call run lines of their own)
  if (s.runner !== 'script' || (s.driver !== 'sh' && s.driver !== 'bash')) s.sourcedLib = 'none';
  // the trap or the removal must be there to move
  if (s.sourcedLib === 'trap' && (!s.trapCleanup || !REMOVES.has(s.extraction))) s.sourcedLib = 'settings';
  if (s.sourcedLib === 'cleanup' && (s.trapCleanup || !REMOVES.has(s.extraction))) s.sourcedLib = 'settings';
}

/** The lines after the script's `set` line (and its `cd`): the sourcing, and a call of the logging function. */
export function sourcedHead(s: RepoSpec): string[] {
  if (s.sourcedLib === 'settings') return [SOURCE_LINE, `note "building ${s.app}"`];
  if (s.sourcedLib === 'cleanup') return [SOURCE_LINE];
  return [];
}

/** The extraction's trap line as the script writes it: the sourcing in its place for `trap`. */
export const trapLine = (s: RepoSpec, line: string) => (s.sourcedLib === 'trap' ? SOURCE_LINE : line);
/** The container's removal as the script writes it: the function's call in its place for `cleanup`. */
export const removalLine = (s: RepoSpec, line: string) => (s.sourcedLib === 'cleanup' ? DROP : line);

/** The sourced file, given the trap and removal lines the script would have written; null for `none`. */
export function sourcedFile(s: RepoSpec, trap: string | null, removal: string | null): { path: string; content: string; mode: number } | null {
  const head = '# Settings and helpers the build script sources.\n';
  switch (s.sourcedLib) {
    case 'settings':
      return { path: LIB, content: `${head}export BUILD_ORIGIN=fuzz\nnote() { printf '[%s] %s\\n' "$BUILD_ORIGIN" "$*"; }\n`, mode: 0o644 };
    case 'trap':
      return { path: LIB, content: `${head}${trap}\n`, mode: 0o644 };
    case 'cleanup':
      return { path: LIB, content: `${head}${DROP}() {\n  ${removal}\n}\n`, mode: 0o644 };
    default:
      return null;
  }
}

/** The code the tool must refuse with: the file keeps naming the container the migration removes. */
export const sourcedRefusal = (s: RepoSpec): string | null => (s.sourcedLib === 'trap' || s.sourcedLib === 'cleanup' ? 'REMOVED_NAME_USED' : null);
