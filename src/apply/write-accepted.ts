/**
 * Writes the accepted setups of each root: exactly the planned changes of the accepted review
 * units (what was shown), one transaction per root, and says what became of every setup.
 * Shared by the CLI and the programmatic API.
 */
import type { Diagnostic } from '../model/diagnostics.js';
import type { RootRun } from '../pipeline.js';
import type { FileChange, SetupPlan } from '../plan/index.js';
import type { SetupOutcome } from '../review/report.js';
import { acceptedChanges } from '../review/units.js';
import { isDeclined } from '../plan/verdicts.js';
import { ApplyRefused, applyOps } from './apply.js';

export interface WriteResult {
  outcomes: SetupOutcome[];
  written: { run: RootRun; change: FileChange }[];
  /** Why a root's transaction wrote nothing (its accepted setups are then reported refused). */
  failures: { run: RootRun; d: Diagnostic }[];
}

/**
 * With `write` false nothing is written and every migratable setup is `planned`. `writing`
 * is told when a transaction starts and ends, so an interrupt can say what really happened.
 */
export function writeAccepted(runs: RootRun[], accepted: ReadonlySet<SetupPlan>, write: boolean, writing: (active: boolean) => void = () => {}): WriteResult {
  const result: WriteResult = { outcomes: [], written: [], failures: [] };
  for (const run of runs) {
    const ids = new Set(run.plan.setups.filter((s) => accepted.has(s)).map((s) => s.id));
    const ops = write ? acceptedChanges(run.plan, ids) : [];
    let ok = true;
    if (ops.length > 0) {
      try {
        writing(true);
        applyOps(run.abs, ops);
        result.written.push(...ops.map((change) => ({ run, change })));
      } catch (e) {
        if (!(e instanceof ApplyRefused)) throw e;
        ok = false;
        result.failures.push(...e.diagnostics.map((d) => ({ run, d })));
      } finally {
        writing(false);
      }
    }
    for (const s of run.plan.setups) {
      const outcome = isDeclined(s) ? 'skipped' : s.status === 'refused' ? 'refused' : !write ? 'planned' : ids.has(s.id) && ok ? 'migrated' : ids.has(s.id) ? 'refused' : 'skipped';
      result.outcomes.push({ run, setup: s, outcome });
    }
  }
  return result;
}
