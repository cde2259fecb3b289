/**
 * Review units: the setups that must be accepted or skipped together. Setups whose changes
 * share a file (builders merged into one Dockerfile, setups edited in one script, one builder
 * file deleted for two builds) are one unit: the file's planned content holds all of them, so
 * it can only be written whole. Writing a unit's changes exactly as planned is then writing
 * exactly what the review showed, with no second plan that could differ from the first.
 */
import type { FileChange, Plan, SetupPlan } from '../plan/index.js';

export interface ReviewUnit {
  /** The unit's setups, in plan order. */
  setups: SetupPlan[];
  /** Every planned change that belongs to one of them, in plan order (each belongs to exactly one unit). */
  changes: FileChange[];
}

/** The migratable setups of a plan, joined into units wherever their changes share a file. */
export function reviewUnits(plan: Plan): ReviewUnit[] {
  const migrating = plan.setups.filter((s) => s.status === 'migrate');
  const parent = new Map(migrating.map((s) => [s.id, s.id]));
  const find = (id: string): string => {
    let r = id;
    while (parent.get(r) !== r) r = parent.get(r)!;
    parent.set(id, r);
    return r;
  };
  for (const ch of plan.changes) {
    const ids = ch.setups.filter((id) => parent.has(id));
    for (const id of ids.slice(1)) parent.set(find(id), find(ids[0]!));
  }
  const units = new Map<string, ReviewUnit>();
  for (const s of migrating) {
    const root = find(s.id);
    const unit = units.get(root) ?? { setups: [], changes: [] };
    unit.setups.push(s);
    units.set(root, unit);
  }
  for (const ch of plan.changes) {
    const id = ch.setups.find((x) => parent.has(x));
    if (id !== undefined) units.get(find(id))!.changes.push(ch);
  }
  return [...units.values()];
}

/**
 * The planned changes to write when the setups in `accepted` are accepted: those whose setups
 * are all accepted. A change that belongs to an accepted and a skipped setup cannot be written
 * as planned; accepting by units rules it out, and it is an error to ask for it.
 */
export function acceptedChanges(plan: Plan, accepted: ReadonlySet<string>): FileChange[] {
  return plan.changes.filter((ch) => {
    const yes = ch.setups.filter((id) => accepted.has(id)).length;
    if (yes > 0 && yes < ch.setups.length) {
      throw new Error(`internal error: ${ch.path} belongs to setups accepted (${ch.setups.filter((id) => accepted.has(id)).join(', ')}) and skipped alike`);
    }
    return yes > 0;
  });
}
