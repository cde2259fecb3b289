/**
 * --verify's verdicts as an input of the plan: a setup verified identical keeps its place
 * (with a note saying so); any other verdict refuses it, so nothing is written for it.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { Verdict } from '../model/verdict.js';
import type { SetupPlan } from './index.js';

/**
 * A setup the interactive review declined stays as it is: planning again with it refused shows
 * what the setups accepted must then write (src/review/declined.ts). The diagnostic is what the
 * plan records; the review reports the setup as skipped.
 */
export function declinedProblem(plan: SetupPlan, declined: ReadonlySet<string> | undefined): Diagnostic | null {
  if (!declined?.has(plan.id)) return null;
  return diag('DECLINED', 'info', 'declined in the review: its files stay as they are', { file: plan.script, setup: plan.id });
}

/** Refused only because it was declined (reported as skipped, not refused). */
export function isDeclined(plan: SetupPlan): boolean {
  return plan.status === 'refused' && plan.diagnostics.some((d) => d.code === 'DECLINED');
}

/** Records the verdict on the plan; returns the diagnostic that refuses the setup, or null. */
export function applyVerdict(plan: SetupPlan, v: Verdict | undefined): Diagnostic | null {
  if (!v) return null;
  plan.verification = v;
  if (v.status === 'identical') {
    plan.notes.push(v.message);
    return null;
  }
  const details = v.differences.length ? `:\n      ${v.differences.join('\n      ')}` : '';
  if (v.status === 'engine-error') {
    return diag('ENGINE_ERROR', 'error', `${v.message}${details}`, { file: plan.script, setup: plan.id, hint: 'The container engine failed, not the migration; fix the engine and run again.' });
  }
  const hint =
    v.status === 'not-verified'
      ? 'Nothing is written for it. Make the pipeline runnable here, or run without --verify and check the result by hand.'
      : 'Nothing is written for this setup. Please report it with the files involved.';
  return diag('VERIFY_FAILED', 'error', `${v.message}${details}`, { file: plan.script, setup: plan.id, hint });
}
