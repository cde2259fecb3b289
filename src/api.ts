/**
 * The programmatic API, the package's main export: plan repositories, look at the result (the
 * `--json` report's shape), apply it. For batch engines and scripts that should not parse text.
 *
 *   import { plan, apply } from 'multistage-codemod';
 *   const p = await plan(['services/api']);
 *   if (p.summary.refused === 0) apply(p);
 */
import fs from 'node:fs';
import { guardWrites } from './apply/write-guard.js';
import { writeAccepted } from './apply/write-accepted.js';
import { loadTreeSitter } from './analyze/tree-sitter.js';
import { rootOverlap } from './discover/root-overlap.js';
import { readVersion } from './cli/version.js';
import { runRoot, shown, type RootRun } from './pipeline.js';
import { planMigration, type SetupPlan } from './plan/index.js';
import { isDeclined } from './plan/verdicts.js';
import { changeDifferences, changesFor } from './review/declined.js';
import { jsonReport, type JsonReport } from './review/report.js';
import { reviewUnits } from './review/units.js';

export type { JsonChange, JsonDiagnostic, JsonReport, JsonSetup } from './review/report.js';

export interface PlanOptions {
  /** Name of the builder stage when the builder has none (default `builder`). */
  stageName?: string;
  /** Paths to leave out (gitignore syntax, relative to each root), as `--ignore`. */
  ignore?: string[];
  /**
   * Setups (report ids) to leave as they are, as if declined in the review: reported `skipped`,
   * and the others planned for a tree where those keep their files (which can change what they
   * write: a builder Dockerfile a left script still names is kept).
   */
  leave?: string[];
}

/** What `plan` returns: the `--json --dry-run` report. Pass it, unchanged, to `apply`. */
export type MigrationPlan = JsonReport & { mode: 'dry-run' };

export interface ApplyOptions {
  /**
   * The setups to write, by their report `id`; default every setup that can migrate. Setups
   * whose changes share a file go together: naming one of them without the others throws.
   */
  setups?: string[];
  /** Write even over files with uncommitted git changes (as `--force`). */
  force?: boolean;
}

/** What plan() made, for apply(): the runs, and the options to plan them again with. */
const runsOf = new WeakMap<object, { runs: RootRun[]; stageName: string; stageNameFixed: boolean; ignore: readonly string[] }>();
const STAGE_NAME = /^[a-zA-Z][a-zA-Z0-9_.-]*$/;

/** Walks, analyses and plans each root (a repository folder); reads files, writes nothing. */
export async function plan(roots: string | string[], options: PlanOptions = {}): Promise<MigrationPlan> {
  const list = typeof roots === 'string' ? [roots] : roots;
  const stageName = options.stageName ?? 'builder';
  if (!STAGE_NAME.test(stageName)) throw new TypeError(`stageName ${JSON.stringify(stageName)} is not a valid stage name`);
  for (const r of list) if (!fs.statSync(r, { throwIfNoEntry: false })?.isDirectory()) throw new TypeError(`${r} is not a folder`);
  const overlap = rootOverlap(list);
  if (overlap) throw new TypeError(overlap);
  await loadTreeSitter();
  const planOptions = { stageName, stageNameFixed: options.stageName !== undefined, ignore: options.ignore ?? [] };
  const runs = list.map((root) => runRoot(root, planOptions));
  const leave = new Set(options.leave ?? []);
  for (const run of runs) {
    const declined = new Set(run.plan.setups.filter((s) => s.status === 'migrate' && leave.delete(shown(run, s.id))).map((s) => s.id));
    if (declined.size > 0) run.plan = planMigration(run.analysis, run.fs, { ...planOptions, declined });
  }
  if (leave.size > 0) throw new TypeError(`leave: no setup of these roots can migrate as ${[...leave].join(', ')}`);
  const outcomes = runs.flatMap((run) => run.plan.setups.map((setup) => ({ run, setup, outcome: isDeclined(setup) ? ('skipped' as const) : setup.status === 'refused' ? ('refused' as const) : ('planned' as const) })));
  const changes = runs.flatMap((run) => run.plan.changes.map((change) => ({ run, change })));
  const diagnostics = runs.flatMap((run) => run.plan.diagnostics.map((d) => ({ run, d })));
  const report = jsonReport(outcomes, changes, diagnostics, { version: readVersion(), mode: 'dry-run', applied: false }) as MigrationPlan;
  runsOf.set(report, { runs, ...planOptions });
  return report;
}

/**
 * Writes a plan's changes (all, or `options.setups`) exactly as planned, one transaction per
 * root, and returns the `--json --yes` report: each setup `migrated`, `skipped` or `refused`,
 * and the diagnostics of a write that failed (`FILE_CHANGED` when a file changed since the
 * plan, `DIRTY_TREE` for uncommitted changes or `GIT_ERROR` when git cannot read the repository:
 * then nothing is written; `NOT_IN_GIT` warns when no repository holds the files).
 */
export function apply(migration: MigrationPlan, options: ApplyOptions = {}): JsonReport {
  const made = runsOf.get(migration);
  if (!made) throw new TypeError('apply() takes the object plan() returned in this process');
  const runs = made.runs;
  const chosen = chooseSetups(runs, options.setups);
  for (const run of runs) checkAlone(run, chosen, made);
  const meta = { version: readVersion(), mode: 'apply' as const };
  // The CLI's guard (write-guard.ts): DIRTY_TREE and GIT_ERROR stop the write unless force; NOT_IN_GIT warns.
  const guard = runs.flatMap((run) => guardWrites(run.abs, run.plan.changes.map((ch) => ch.path), options.force ?? false).map((d) => ({ run, d })));
  if (guard.some((x) => x.d.severity === 'error')) {
    const { outcomes } = writeAccepted(runs, new Set(), false);
    return jsonReport(outcomes, [], guard, { ...meta, applied: false });
  }
  const { outcomes, written, failures } = writeAccepted(runs, chosen, true);
  const diagnostics = [...runs.flatMap((run) => run.plan.diagnostics.map((d) => ({ run, d }))), ...guard, ...failures];
  return jsonReport(outcomes, written, diagnostics, { ...meta, applied: written.length > 0 });
}

/**
 * Setups chosen without others of their root were planned as if those migrate too: planned again
 * with the others left as they are, their changes must be the ones the plan shows, or nothing is
 * written (the plan to apply is then one made with `leave`).
 */
function checkAlone(run: RootRun, chosen: ReadonlySet<SetupPlan>, opts: { stageName: string; stageNameFixed: boolean; ignore: readonly string[] }): void {
  const migrating = run.plan.setups.filter((s) => s.status === 'migrate');
  const yes = migrating.filter((s) => chosen.has(s));
  const rest = migrating.filter((s) => !chosen.has(s));
  if (yes.length === 0 || rest.length === 0) return;
  const declined = new Set([...run.plan.setups.filter(isDeclined), ...rest].map((s) => s.id));
  const again = planMigration(run.analysis, run.fs, { stageName: opts.stageName, stageNameFixed: opts.stageNameFixed, ignore: opts.ignore, declined });
  const problems = yes.flatMap((s) => {
    const now = again.setups.find((x) => x.id === s.id);
    if (now?.status !== 'migrate') return [`${shown(run, s.id)} is refused (${now?.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code).join(', ')})`];
    return changeDifferences(changesFor(run.plan, s.id), changesFor(again, s.id)).map((d) => `${shown(run, d.path)} ${d.what}`);
  });
  if (problems.length === 0) return;
  const left = rest.map((s) => shown(run, s.id));
  throw new Error(`with ${left.join(', ')} left as ${left.length === 1 ? 'it is' : 'they are'}, the setups chosen would not write what this plan shows: ${[...new Set(problems)].join('; ')}. Apply them together, or plan again with { leave: ${JSON.stringify(left)} } and apply that plan.`);
}

function chooseSetups(runs: RootRun[], ids: string[] | undefined): Set<SetupPlan> {
  const units = runs.flatMap((run) => reviewUnits(run.plan).map((unit) => ({ run, unit })));
  if (ids === undefined) return new Set(units.flatMap((x) => x.unit.setups));
  const wanted = new Set(ids);
  const chosen = new Set<SetupPlan>();
  for (const { run, unit } of units) {
    const named = unit.setups.filter((s) => wanted.delete(shown(run, s.id)));
    if (named.length === 0) continue;
    if (named.length < unit.setups.length) {
      throw new Error(`setups ${unit.setups.map((s) => shown(run, s.id)).join(', ')} change the same files: apply all of them or none`);
    }
    for (const s of unit.setups) chosen.add(s);
  }
  if (wanted.size > 0) throw new Error(`no setup of this plan can be applied as ${[...wanted].join(', ')}`);
  return chosen;
}
