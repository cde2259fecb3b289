/**
 * The interactive review is answered unit by unit, but each root is planned as a whole, as if
 * every setup migrates: one setup's changes can rest on another's. (Seen: a builder Dockerfile
 * is deleted because the one other script that names it is rewritten by another setup; declined,
 * that script stays and still names it.) So when the review declines some setups of a root and
 * accepts others (`n`, or `q` before them), the root is planned again with the declined ones
 * refused (PlanOptions.declined), and every accepted setup whose changes are then not exactly
 * the ones shown is shown again, with what changed, and asked about again; until the plan that
 * is written is, change for change, the one the user saw and accepted. A setup the new plan
 * refuses is said so and not written.
 */
import type { RootRun } from '../pipeline.js';
import type { FileChange, Plan, SetupPlan } from '../plan/index.js';
import { printableName } from './printable.js';
import type { ReviewItem, ReviewResult } from './prompt.js';
import { reviewUnits } from './units.js';

export interface SettleIo {
  /** The root's plan with these setups refused as declined. */
  planAgain(run: RootRun, declined: ReadonlySet<string>): Plan;
  /** Reviews these units again (may throw the review's interrupt). */
  ask(items: ReviewItem[]): Promise<ReviewResult>;
  /** A line or paragraph for the user (why units are shown again, or refused now). */
  tell(text: string): void;
  /** How a path or setup id is shown for this root. */
  shown(run: RootRun, rel: string): string;
}

/** One file's change as written: what it does and the bytes it leaves. */
function changeKey(ch: FileChange): string {
  return `${ch.action}\0${ch.after ?? ''}`;
}

/** The changes of a plan that belong to a setup, by path. */
export function changesFor(plan: Plan, id: string): Map<string, FileChange> {
  return new Map(plan.changes.filter((ch) => ch.setups.includes(id)).map((ch) => [ch.path, ch]));
}

/** How the changes of `now` differ from those shown (`was`), one phrase a file; empty when equal. */
export function changeDifferences(was: Map<string, FileChange>, now: Map<string, FileChange>): { path: string; what: string }[] {
  const out: { path: string; what: string }[] = [];
  for (const [path, ch] of was) {
    const n = now.get(path);
    if (!n) out.push({ path, what: ch.action === 'delete' ? 'is no longer deleted' : ch.action === 'create' ? 'is no longer created' : 'is no longer changed' });
    else if (changeKey(n) !== changeKey(ch)) out.push({ path, what: n.action === 'delete' ? 'is now deleted' : 'is changed differently' });
  }
  for (const [path, n] of now) if (!was.has(path)) out.push({ path, what: n.action === 'delete' ? 'is now also deleted' : n.action === 'create' ? 'is now also created' : 'is now also changed' });
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/**
 * The setups to write, each root's `plan` replaced where it was planned again (declined setups
 * keep their first plan there, without changes: the review reports them skipped).
 */
export async function settleDeclined(runs: RootRun[], accepted: ReadonlySet<SetupPlan>, io: SettleIo): Promise<Set<SetupPlan>> {
  const out = new Set<SetupPlan>();
  for (const run of runs) {
    const migrating = run.plan.setups.filter((s) => s.status === 'migrate');
    const yes = new Set(migrating.filter((s) => accepted.has(s)).map((s) => s.id));
    const no = new Set(migrating.filter((s) => !accepted.has(s)).map((s) => s.id));
    if (yes.size === 0 || no.size === 0) {
      for (const s of migrating) if (accepted.has(s)) out.add(s);
      continue;
    }
    const first = new Map(run.plan.setups.map((s) => [s.id, s]));
    const refusedNow = new Map<string, SetupPlan>();
    // For each accepted setup, the plan whose changes the user saw and accepted for it.
    const seenIn = new Map<string, Plan>([...yes].map((id) => [id, run.plan]));
    let plan = run.plan;
    for (;;) {
      plan = io.planAgain(run, no);
      // An accepted setup the new plan refuses stays as it is too: plan again with it left out.
      const refused = plan.setups.filter((s) => yes.has(s.id) && s.status !== 'migrate');
      for (const s of refused) {
        yes.delete(s.id);
        no.add(s.id);
        refusedNow.set(s.id, s);
        const why = s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}: ${d.message}`).join('; ');
        io.tell(`${printableName(io.shown(run, s.id))} is not written: with the setups declined left as they are, it is refused (${why}).`);
      }
      if (refused.length > 0) {
        if (yes.size === 0) break;
        continue;
      }
      const again: ReviewItem[] = [];
      const notes: string[] = [];
      for (const unit of reviewUnits(plan)) {
        const ids = unit.setups.map((s) => s.id).filter((id) => yes.has(id));
        const diffs = ids.flatMap((id) => changeDifferences(changesFor(seenIn.get(id)!, id), changesFor(plan, id)));
        if (diffs.length === 0) continue;
        again.push({ run, unit });
        const files = [...new Map(diffs.map((d) => [d.path, d.what]))].map(([p, what]) => `${printableName(io.shown(run, p))} ${what}`);
        notes.push(`  ${unit.setups.map((s) => printableName(io.shown(run, s.id))).join(', ')}: ${files.join('; ')}`);
      }
      if (again.length === 0) break;
      const declined = [...no].map((id) => printableName(io.shown(run, id))).join(', ');
      io.tell(`\nWith ${declined} left as ${no.size === 1 ? 'it is' : 'they are'}, ${again.length === 1 ? 'a setup you accepted changes' : `${again.length} review units you accepted change`}:\n${notes.join('\n')}\nNothing is written for ${again.length === 1 ? 'it' : 'them'} unless accepted again as ${again.length === 1 ? 'it is' : 'they are'} now:`);
      const r = await io.ask(again);
      const now = new Set(r.accepted.flatMap((item) => item.unit.setups.map((s) => s.id)));
      for (const item of again) {
        for (const s of item.unit.setups) {
          if (!yes.has(s.id)) continue;
          if (now.has(s.id)) seenIn.set(s.id, plan);
          else {
            yes.delete(s.id);
            no.add(s.id);
          }
        }
      }
      if (yes.size === 0) break;
    }
    // What is written is the last plan's (the accepted setups' changes are the ones shown, unless
    // none is left); the declined keep their first plan, reported skipped, the refused their new one.
    run.plan = { ...plan, setups: plan.setups.map((s) => (no.has(s.id) ? (refusedNow.get(s.id) ?? first.get(s.id)!) : s)) };
    for (const s of run.plan.setups) if (yes.has(s.id)) out.add(s);
  }
  return out;
}
