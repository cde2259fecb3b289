/**
 * What stands between a reviewed plan and the disk: for every file a run would write, its own
 * git repository must show no uncommitted change and must track it if it exists (an untracked or
 * ignored file cannot be restored by git) (DIRTY_TREE), and must be readable by git
 * (GIT_ERROR: a refused repository never counts as "no repository"). --force writes anyway
 * (a git error then becomes a warning). Files in no repository are written with a warning
 * (NOT_IN_GIT): nothing checked them, and git cannot undo the change.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { GitError } from './git.js';
import { uncommitted } from './git-guard.js';

export function guardWrites(root: string, paths: readonly string[], force: boolean): Diagnostic[] {
  if (paths.length === 0) return [];
  let report;
  try {
    report = uncommitted(root, paths);
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    return [
      diag('GIT_ERROR', force ? 'warning' : 'error', `${e.message}; ${force ? 'writing anyway (--force): nothing checked the files for uncommitted changes' : 'uncommitted changes cannot be checked, so nothing was written'}`, {
        hint: force ? 'Check the result with git once git can read the repository again.' : 'Fix what git reports (for "dubious ownership": run as the repository’s owner, or add it to safe.directory), or pass --force to write without the check.',
      }),
    ];
  }
  const out: Diagnostic[] = [];
  if (!force) {
    for (const p of report.dirty) out.push(diag('DIRTY_TREE', 'error', `${p} has uncommitted changes; nothing was written`, { file: p, hint: 'Commit or stash your changes first, or pass --force to write anyway.' }));
    for (const p of report.untracked) {
      out.push(diag('DIRTY_TREE', 'error', `${p} is not tracked by git (untracked or ignored), so git cannot restore it once the migration changes or deletes it; nothing was written`, { file: p, hint: 'Commit it first (git add -f for an ignored file), or pass --force to write anyway.' }));
    }
  }
  if (report.outside.length > 0) {
    const n = report.outside.length;
    out.push(
      diag('NOT_IN_GIT', 'warning', `${n === 1 ? `${report.outside[0]} is` : `${n} files to change are`} in no git repository: nothing checked ${n === 1 ? 'it' : 'them'} for uncommitted changes, and git cannot undo this change`, {
        ...(n === 1 ? { file: report.outside[0]! } : {}),
        hint: 'Keep a copy of the files (or put them under git) if you may want the old ones back.',
      }),
    );
  }
  return out;
}
