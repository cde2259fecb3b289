/**
 * How the extraction lands the file (./grammar.ts): under a temporary name, renamed into place
 * after the container is removed (`docker cp c:/out/app ./.app.partial`, `mv [-f] ./.app.partial
 * ./app`), so a half-copied file never stands at the artifact's path. The tool folds an exact
 * rename into the extraction (src/analyze/renamed-artifacts.ts). And where the container is
 * removed: as the extraction's last step, at the end of the script (after the final build), or
 * both (a second `docker rm -f`, finding no container). Drawn from streams of their own, after
 * every other feature: `none`/`step` write what was written before.
 */
// Types only: ./grammar.ts spreads these features into its own, so this module reads nothing of it at load.
import type { RepoSpec } from './grammar.js';

export const EXTRACTION_LATE_FEATURES = {
  /** The file is copied out under a temporary name, then `mv` (or `mv -f`) renames it into place. */
  tmpRename: ['none', 'mv', 'mv-f'],
  /** The container's removal: the extraction's last step, the script's last line (after the final build), or both (`docker rm -f` again at the end). */
  removalAt: ['step', 'end', 'again'],
} as const;

/** Extractions whose container the script removes with a line of its own. */
const REMOVED_EXTRACTIONS = new Set(['create-cp', 'run-name', 'detached-idle', 'id-var']);

/** Extractions that copy the file out with `docker cp` to a path of the script's choosing. */
const CP_EXTRACTIONS = new Set(['create-cp', 'run-name', 'detached-idle', 'id-var', 'inline-create']);

/** The rename as the rest of the spec allows (a spec stored before it existed reads it as `none`). */
export function normalizeExtractionLate(s: RepoSpec): void {
  if (s.tmpRename === undefined) s.tmpRename = 'none';
  if (s.removalAt === undefined) s.removalAt = 'step';
  // a removal line of the script's own (not a trap's, not a sourced file's; `$id` only lives in one shell)
  if (!REMOVED_EXTRACTIONS.has(s.extraction) || s.trapCleanup || s.sourcedLib === 'cleanup' || s.runner !== 'script' || (s.extraction === 'id-var' && s.driver !== 'sh')) s.removalAt = 'step';
  // (a `docker rmi` of the builder image right after the final build fails while the container still holds it: fuzz seed 11126)
  if (s.removalAt === 'end' && s.builderRmi === 'same') s.removalAt = 'step';
  // a single file copied to a path at the root (`./app`, `./app-linux`), not Make's `$@`
  if (!CP_EXTRACTIONS.has(s.extraction) || s.artifact !== 'file' || !(s.dest === 'same' || s.dest === 'rename') || s.makeAuto) s.tmpRename = 'none';
}

/** The temporary path the `docker cp` writes and the `mv` that renames it to `host`, or null. */
export function tmpRenameOf(s: RepoSpec, host: string, quote: (p: string) => string): { dest: string; mv: string } | null {
  if (s.tmpRename === undefined || s.tmpRename === 'none') return null;
  const tmp = quote(`./.${host}.partial`);
  return { dest: tmp, mv: `mv ${s.tmpRename === 'mv-f' ? '-f ' : ''}${tmp} ${quote(`./${host}`)}` };
}
