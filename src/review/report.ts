/** Human text for plans and outcomes, and the JSON report (its schema is documented in README.md). */
import type { Diagnostic } from '../model/diagnostics.js';
import type { RecoveryOutcome, RecoveryReport } from '../apply/journal.js';
import type { FileChange, PlannedArtifact, SetupPlan } from '../plan/index.js';
import { diffPath, shown, type RootRun } from '../pipeline.js';
import type { Colors } from './colors.js';
import { colorDiff, unifiedDiff } from './diff.js';
import { printable, printableName } from './printable.js';

export type Outcome = 'migrated' | 'planned' | 'skipped' | 'refused';

export interface SetupOutcome {
  run: RootRun;
  setup: SetupPlan;
  outcome: Outcome;
}

export function formatDiagnostic(d: Diagnostic, run: { display: string } | null, c: Colors): string {
  const where = d.file ? `${printableName(run ? shown(run, d.file) : d.file)}${d.line ? `:${d.line}` : ''}: ` : '';
  const sev = d.severity === 'error' ? c.red('error') : d.severity === 'warning' ? c.yellow('warning') : c.dim('info');
  return `${where}${sev} ${c.bold(d.code)} ${printable(d.message)}${d.hint ? `\n    ${c.dim(`hint: ${printable(d.hint)}`)}` : ''}`;
}

export function setupHeader(run: RootRun, s: SetupPlan, c: Colors): string {
  const target = s.finalTags[0] ? ` → ${printableName(s.finalTags[0])}` : '';
  const name = (rel: string) => printableName(shown(run, rel));
  const from = s.builderDockerfile ? ` (${name(s.builderDockerfile)}${s.runtimeDockerfile ? ` + ${name(s.runtimeDockerfile)}` : ''})` : '';
  return c.bold(`Setup ${name(s.id)}${from}${target}`);
}

export function describeSetup(run: RootRun, s: SetupPlan, c: Colors): string {
  const lines = [setupHeader(run, s, c)];
  if (s.status === 'refused') lines.push(`  ${c.red('refused')}: nothing will be written for it`);
  for (const n of s.notes) lines.push(`  - ${printable(n)}`);
  for (const d of s.diagnostics) lines.push(`  ${formatDiagnostic(d, run, c).replace(/\n/g, '\n  ')}`);
  return lines.join('\n');
}

export function changesOf(run: RootRun, s: SetupPlan): FileChange[] {
  return run.plan.changes.filter((ch) => ch.setups.includes(s.id));
}

export function renderDiffs(run: RootRun, changes: FileChange[], c: Colors): string {
  return changes.map((ch) => colorDiff(printable(unifiedDiff({ ...ch, path: diffPath(run, ch.path) })), c)).join('\n');
}

export function summary(outcomes: SetupOutcome[], changes: FileChange[], dryRun: boolean, c: Colors): string {
  const count = (o: Outcome) => outcomes.filter((x) => x.outcome === o).length;
  const files = (a: FileChange['action']) => changes.filter((x) => x.action === a).length;
  const verb = dryRun ? 'would be ' : '';
  const parts = [
    `${count(dryRun ? 'planned' : 'migrated')} setup(s) ${dryRun ? 'would be migrated' : 'migrated'}`,
    `${count('skipped')} skipped`,
    `${count('refused')} refused`,
  ];
  return `${c.bold('Summary:')} ${parts.join(', ')}; files ${verb}created ${files('create')}, updated ${files('update')}, deleted ${files('delete')}`;
}

/**
 * The end of a batch run: one row per root (and a total when there are several) with how many
 * setups were found and what became of them, the files changed, and which diagnostic codes
 * refused setups (what to fix first). Empty for a run with at most one setup in one root.
 */
export function summaryTable(roots: RootRun[], outcomes: SetupOutcome[], changes: { run: RootRun; change: FileChange }[], dryRun: boolean, c: Colors, always = false): string {
  if (!always && roots.length < 2 && outcomes.length < 2) return '';
  const done: Outcome = dryRun ? 'planned' : 'migrated';
  const head = ['root', 'setups', dryRun ? 'would migrate' : 'migrated', 'skipped', 'refused', dryRun ? 'files to change' : 'files changed'];
  const row = (label: string, os: SetupOutcome[], files: number) => [label, os.length, os.filter((o) => o.outcome === done).length, os.filter((o) => o.outcome === 'skipped').length, os.filter((o) => o.outcome === 'refused').length, files].map(String);
  const rows = roots.map((r) => row(printableName(r.display), outcomes.filter((o) => o.run === r), changes.filter((x) => x.run === r).length));
  if (roots.length > 1) rows.push(row('total', outcomes, changes.length));
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  // A refused count above zero is red, coloured after padding so the columns stay aligned.
  const refusedCol = head.indexOf('refused');
  const line = (cells: string[], paint = false) =>
    `  ${cells
      .map((x, i) => {
        const cell = i === 0 ? x.padEnd(widths[i]!) : x.padStart(widths[i]!);
        return paint && i === refusedCol && x !== '0' ? c.red(cell) : cell;
      })
      .join('  ')}`.trimEnd();
  const out = [c.bold(line(head)), ...rows.map((r) => line(r, true))];
  const codes = new Map<string, number>();
  for (const o of outcomes) {
    if (o.outcome !== 'refused') continue;
    for (const code of new Set(o.setup.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))) codes.set(code, (codes.get(code) ?? 0) + 1);
  }
  if (codes.size > 0) out.push(`  refused by: ${[...codes].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).map(([k, v]) => `${k} ×${v}`).join(', ')}`);
  return out.join('\n');
}

/**
 * `--summary` when the run stops before planning (an earlier run's journal to settle first): a
 * row per root saying why nothing was planned there, and the summary line. `blocked`: roots whose
 * interrupted run needs the user; `waiting`: those a writing run completes first.
 */
export function stoppedSummary(roots: readonly string[], waiting: ReadonlySet<string>, blocked: ReadonlySet<string>, c: Colors): string {
  const state = (r: string) => (blocked.has(r) ? 'interrupted run: settle it by hand (see the hint above)' : waiting.has(r) ? 'interrupted run: complete it with --yes' : 'not planned');
  const rows = roots.map((r) => [printableName(r), state(r)]);
  const width = Math.max('root'.length, ...rows.map((r) => r[0]!.length));
  const line = (cells: string[]) => `  ${cells[0]!.padEnd(width)}  ${cells[1]}`;
  const stopped = roots.filter((r) => blocked.has(r) || waiting.has(r)).length;
  return [c.bold(line(['root', 'state'])), ...rows.map(line), `${c.bold('Summary:')} nothing planned; ${stopped} root(s) with an interrupted run to settle first`].join('\n');
}

/** A diagnostic as the report gives it: paths as the user wrote the root. */
export interface JsonDiagnostic {
  code: string;
  severity: 'error' | 'warning' | 'info';
  file: string | null;
  line: number | null;
  message: string;
  hint: string | null;
}

export interface JsonSetup {
  /** The script and line of the builder build (`build.sh:4`), under the root as written. */
  id: string;
  root: string;
  status: Outcome;
  script: string;
  builderDockerfile: string | null;
  runtimeDockerfile: string | null;
  stage: string | null;
  finalTags: string[];
  artifacts: PlannedArtifact[];
  notes: string[];
  verification: { status: string; message: string; differences: string[] } | null;
  /** Paths of the files this setup changes. */
  changes: string[];
  diagnostics: JsonDiagnostic[];
}

export interface JsonChange {
  path: string;
  action: 'create' | 'update' | 'delete';
  setups: string[];
  /** A unified diff `git apply` accepts. */
  diff: string;
}

/**
 * What the run found of an earlier run that was interrupted while writing (its journal, or
 * temporary files it left), and what it did about it: this run's own changes are not in it.
 */
export interface JsonInterruptedRun {
  root: string;
  /**
   * completed: the interrupted change was finished; rolled-back: it was undone; cleaned: only
   * temporary files of a run that had changed nothing were removed; blocked: nothing was done
   * (the diagnostics say why).
   */
  outcome: RecoveryOutcome;
  /** True when this run only said what it would do (a review-only run): `files` and `removedTemps` were not touched. */
  dryRun: boolean;
  message: string;
  /** The files the interrupted change reached, with what was (or would be) done to each. */
  files: { path: string; action: RecoveryReport['changed'][number]['action'] }[];
  /** Temporary files removed (or to remove). */
  removedTemps: string[];
}

export interface JsonReport {
  schemaVersion: 1;
  tool: { name: string; version: string };
  mode: 'dry-run' | 'apply' | 'plan';
  /** Whether any file was written: this run's changes, or an interrupted run's completed or undone by it. */
  applied: boolean;
  setups: JsonSetup[];
  changes: JsonChange[];
  diagnostics: JsonDiagnostic[];
  interruptedRuns: JsonInterruptedRun[];
  summary: { setups: number; migrated: number; planned: number; skipped: number; refused: number; created: number; updated: number; deleted: number };
}

export function jsonReport(
  outcomes: SetupOutcome[],
  changes: { run: RootRun; change: FileChange }[],
  diagnostics: { run: { display: string }; d: Diagnostic }[],
  meta: { version: string; mode: JsonReport['mode']; applied: boolean; interrupted?: readonly RecoveryReport[] },
): JsonReport {
  const diagJson = (run: { display: string }, d: Diagnostic): JsonDiagnostic => ({
    code: d.code,
    severity: d.severity,
    file: d.file ? shown(run, d.file) : null,
    line: d.line ?? null,
    message: d.message,
    hint: d.hint ?? null,
  });
  const count = (o: Outcome) => outcomes.filter((x) => x.outcome === o).length;
  return {
    schemaVersion: 1,
    tool: { name: 'multistage-codemod', version: meta.version },
    mode: meta.mode,
    applied: meta.applied || (meta.interrupted ?? []).some((r) => !r.dryRun && r.changed.length > 0),
    setups: outcomes.map(({ run, setup: s, outcome }) => ({
      id: shown(run, s.id),
      root: run.display,
      status: outcome,
      script: shown(run, s.script),
      builderDockerfile: s.builderDockerfile ? shown(run, s.builderDockerfile) : null,
      runtimeDockerfile: s.runtimeDockerfile ? shown(run, s.runtimeDockerfile) : null,
      stage: s.stage,
      finalTags: s.finalTags,
      artifacts: s.artifacts.map((a) => ({
        containerPath: a.containerPath,
        hostPath: shown(run, a.hostPath),
        extractedAt: { file: shown(run, a.extractedAt.file), line: a.extractedAt.line },
        copies: a.copies.map((cp) => ({ file: shown(run, cp.file), line: cp.line, stagePath: cp.stagePath })),
      })),
      notes: s.notes,
      verification: s.verification ?? null,
      changes: s.changes.map((p) => shown(run, p)),
      diagnostics: s.diagnostics.map((d) => diagJson(run, d)),
    })),
    changes: changes.map(({ run, change }) => ({
      path: shown(run, change.path),
      action: change.action,
      setups: change.setups.map((id) => shown(run, id)),
      diff: unifiedDiff({ ...change, path: diffPath(run, change.path) }),
    })),
    diagnostics: diagnostics.map(({ run, d }) => diagJson(run, d)),
    interruptedRuns: (meta.interrupted ?? []).map((r) => ({
      root: r.root,
      outcome: r.outcome,
      dryRun: r.dryRun,
      message: r.message,
      files: r.changed.map((f) => ({ path: shown({ display: r.root }, f.path), action: f.action })),
      removedTemps: r.removedTemps.map((t) => shown({ display: r.root }, t)),
    })),
    summary: {
      setups: outcomes.length,
      migrated: count('migrated'),
      planned: count('planned'),
      skipped: count('skipped'),
      refused: count('refused'),
      created: changes.filter((x) => x.change.action === 'create').length,
      updated: changes.filter((x) => x.change.action === 'update').length,
      deleted: changes.filter((x) => x.change.action === 'delete').length,
    },
  };
}
