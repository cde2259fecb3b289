/**
 * The CLI edge: flags, output, prompts and exit codes. The only place that prints errors
 * and calls process.exit. Exit codes: 0 done or nothing to do; 1 findings (refused setups,
 * --check hits, pending changes) with everything else applied; 2 bad usage; 3 a failure (a
 * write failed or was refused, no engine for --verify, the patch or standard output could not
 * be written (bin.ts), an internal error); 130 interrupted.
 */
import fs from 'node:fs';
import { cleanStrayTemps, recoverJournal } from './apply/apply.js';
import type { RecoveryReport } from './apply/journal.js';
import { writeAccepted } from './apply/write-accepted.js';
import type { Progress } from './model/progress.js';
import { NO_CLOCK, type PhaseClock } from './model/timing.js';
import { guardWrites } from './apply/write-guard.js';
import { HELP, parseCli, UsageError, type CliOptions } from './cli/args.js';
import { readVersion } from './cli/version.js';
import { checkAgainstChanges, checkPatchTarget, PatchTargetError, type PatchTarget } from './cli/patch-target.js';
import { writeProblem } from './cli/write-problem.js';
import type { Verdict } from './model/verdict.js';
import { loadTreeSitter } from './analyze/tree-sitter.js';
import { diag, type Diagnostic } from './model/diagnostics.js';
import { releaseAnalysis, shown, type RootRun } from './pipeline.js';
import { heapCheckpoint } from './memory-policy.js';
import { noteCandidates } from './cache-run.js';
import { runRootAuto } from './pipeline-threaded.js';
import { startWalkThread } from './pipeline-walk-thread.js';
import { requestedThreads } from './analyze/thread-count.js';
import { reviewUnits as unitsOf, type ReviewUnit } from './review/units.js';
import { settleDeclined } from './review/declined.js';
import type { Asker } from './review/prompt.js';
import { planMigration, type FileChange, type PlanOptions, type SetupPlan } from './plan/index.js';
import { makeColors, type Colors } from './review/colors.js';
import { groupDigits } from './review/digits.js';
import { applyCommand, buildPatch, patchBase } from './review/patch.js';
import { sarifLog } from './review/sarif.js';
import { writeJson } from './review/json-stream.js';
import { describeSetup, formatDiagnostic, jsonReport, renderDiffs, setupHeader, stoppedSummary, summary, summaryTable, type SetupOutcome } from './review/report.js';
import { printable, printableName } from './review/printable.js';
import { checkAdvice } from './review/check-advice.js';

export const EXIT = { ok: 0, refused: 1, usage: 2, failed: 3, interrupted: 130 } as const;

/**
 * `active` is set while files are being written, so an interrupt says what really happened;
 * `written` says what the run wrote (`updated build.sh`), so a run whose standard output failed
 * can still say it on stderr (bin.ts).
 */
export const writing: { active: boolean; written: string[] } = { active: false, written: [] };

interface Io {
  stdout: NodeJS.WriteStream;
  stderr: NodeJS.WriteStream;
  stdinIsTTY: boolean;
  env: NodeJS.ProcessEnv;
  /** The terminal's input (default process.stdin). */
  stdin?: NodeJS.ReadableStream;
  /** Answers the review's questions instead of the terminal (tests drive the review with it). */
  asker?: Asker;
  /** MULTISTAGE_CODEMOD_TIMING: the phases are measured on it (bin.ts prints it). */
  clock?: PhaseClock;
  /** For tests only (bin.ts never sets it): see PlanOptions.perturb. */
  perturb?: PlanOptions['perturb'];
}

export async function main(argv: string[], io: Io): Promise<number> {
  let opts: CliOptions;
  try {
    opts = parseCli(argv);
  } catch (e) {
    if (e instanceof UsageError) {
      io.stderr.write(`multistage-codemod: ${e.message}\nRun \`multistage-codemod --help\` for usage.\n`);
      return EXIT.usage;
    }
    throw e;
  }
  try {
    requestedThreads(io.env);
  } catch (e) {
    io.stderr.write(`multistage-codemod: ${(e as Error).message}\n`);
    return EXIT.usage;
  }
  if (opts.help) {
    io.stdout.write(HELP);
    return EXIT.ok;
  }
  if (opts.version) {
    io.stdout.write(`${readVersion()}\n`);
    return EXIT.ok;
  }
  // Where --patch writes is checked before the run: a file it must not replace is never planned over.
  let patchTarget: PatchTarget | null = null;
  if (opts.patch !== null && opts.patch !== '-') {
    try {
      patchTarget = checkPatchTarget(opts.patch, opts.paths);
    } catch (e) {
      if (!(e instanceof PatchTargetError)) throw e;
      io.stderr.write(`multistage-codemod: ${printable(e.message)}\n`);
      return e.exit;
    }
  }
  const clock = io.clock ?? NO_CLOCK;
  const c = makeColors({ noColor: opts.noColor, isTTY: Boolean(io.stdout.isTTY), env: io.env });
  // What goes to stderr is coloured by whether stderr is a terminal (`2> log` gets no escapes).
  const ce = makeColors({ noColor: opts.noColor, isTTY: Boolean(io.stderr.isTTY), env: io.env });
  const reviewOnly = opts.dryRun || opts.check || opts.patch !== null;
  const interactive = !opts.yes && !reviewOnly && !opts.json && io.stdinIsTTY && Boolean(io.stdout.isTTY);
  // Progress is drawn on one line of a terminal's stderr (`\r` + erase line), never with --json.
  // Not on a dumb terminal, which would show the line-erasing escape as text.
  const live = Boolean(io.stderr.isTTY) && io.env.TERM !== 'dumb' && !opts.json && !opts.sarif;
  const clearLine = live ? '\r\x1b[K' : '';
  const progress = (msg: string) => {
    if (live) io.stderr.write(`${clearLine}${ce.dim(msg)}`);
  };

  // An earlier run killed while writing left a journal: finish it (or roll it back) before
  // planning, so no setup is ever seen half migrated. Review-only runs only report it.
  // Temporary files a crashed run left without a journal changed nothing: the walk finds
  // them (no second walk of the tree) and they are removed after it.
  const interrupted = new Set<string>();
  const blockedRoots = new Set<string>();
  const writes = opts.yes || interactive;
  // What was found of interrupted runs and done about them: the JSON report says it too.
  const recovered: RecoveryReport[] = [];
  const mode = reviewOnly ? 'dry-run' : opts.yes ? 'apply' : 'plan';
  for (const root of opts.paths) {
    const r = recoverJournal(root, { dryRun: !writes, temps: [], force: opts.force });
    if (!r) continue;
    recovered.push(r);
    io.stderr.write(`${printable(r.message)}\n`);
    for (const d of r.diagnostics) io.stderr.write(`${formatDiagnostic(d, { display: root }, ce)}\n`);
    if (!r.ok || (r.dryRun && r.outcome !== 'cleaned')) interrupted.add(root);
    if (!r.ok) blockedRoots.add(root);
  }
  if (interrupted.size > 0) {
    const advice = interruptedAdvice(interrupted, blockedRoots);
    io.stderr.write(`${printable(advice)}\n`);
    // --json still gets its report: nothing planned, and what was found (and done) per root.
    if (opts.json) {
      const diagnostics = recovered.flatMap((r) => r.diagnostics.map((d) => ({ run: { display: r.root }, d })));
      writeJson(jsonReport([], [], diagnostics, { version: readVersion(), mode, applied: false, interrupted: recovered }), (text) => io.stdout.write(text));
      io.stdout.write('\n');
    }
    // --summary its table: why nothing was planned in each root.
    if (opts.summary && !opts.json && !opts.sarif) {
      const waiting = new Set([...interrupted].filter((r) => !blockedRoots.has(r)));
      io.stdout.write(`${stoppedSummary(opts.paths, waiting, blockedRoots, c)}\n`);
    }
    // So does --format sarif: a log whose run says it stopped, with what was found.
    if (opts.sarif) {
      const diagnostics = recovered.flatMap((r) => r.diagnostics.map((d) => ({ run: { display: r.root }, d })));
      io.stdout.write(`${JSON.stringify(sarifLog([], diagnostics, readVersion(), advice), null, 2)}\n`);
    }
    return EXIT.failed;
  }

  // How every root is planned (again): --verify adds its verdicts per root.
  const verdicts = new Map<RootRun, Map<string, Verdict>>();
  const planOptions = (run: RootRun): PlanOptions => ({ stageName: opts.stageName, stageNameFixed: opts.stageNameFixed, ignore: opts.ignore, ...(io.perturb ? { perturb: io.perturb } : {}), ...(verdicts.has(run) ? { verdicts: verdicts.get(run)! } : {}) });
  const runs: RootRun[] = [];
  const planAgain = opts.verify || interactive;
  // A large first root is walked on a worker thread from now on, while the parsers load.
  const walking = opts.paths.length > 0 ? startWalkThread(opts.paths[0]!, opts.ignore, io.env) : null;
  await loadTreeSitter();
  for (const [k, root] of opts.paths.entries()) {
    // A batch run says which root of how many it is on.
    const label = opts.paths.length > 1 ? `root ${k + 1}/${opts.paths.length} ${root}` : root;
    progress(`${label}: walking …`);
    const run = await runRootAuto(root, { stageName: opts.stageName, stageNameFixed: opts.stageNameFixed, ignore: opts.ignore, progress: phaseProgress(label, progress), clock, ...(io.perturb ? { perturb: io.perturb } : {}), release: !planAgain }, io.env, k === 0 ? walking : undefined);
    // Only --verify (with its verdicts) and the interactive review (with the setups it
    // declines: review/declined.ts) plan again; otherwise the plan is all the rest needs
    // (planning let each part's scripts go already: `release`).
    if (!planAgain) releaseAnalysis(run);
    runs.push(run);
    const strays = cleanStrayTemps(run.abs, run.temps, null, !writes);
    if (strays) {
      recovered.push({ ...strays, root: run.display });
      io.stderr.write(`${clearLine}${printable(strays.message)}\n`);
    }
  }
  if (live) io.stderr.write(clearLine);

  const globalDiags = runs.flatMap((run) => run.plan.diagnostics.map((d) => ({ run, d })));
  let items = runs.flatMap((run) => run.plan.setups.map((setup) => ({ run, setup })));

  if (opts.check) return reportCheck(io, c, ce, opts, items, globalDiags, runs);
  if (opts.verify) {
    const endVerify = clock.start('verify');
    const code = await verifyRuns(runs, opts, io, ce, progress, verdicts);
    endVerify();
    if (code !== null) return code;
    for (const run of runs) if (verdicts.has(run)) run.plan = planMigration(run.analysis, run.fs, planOptions(run));
  }

  items = runs.flatMap((run) => run.plan.setups.map((setup) => ({ run, setup })));
  const migratable = items.filter((x) => x.setup.status === 'migrate');

  // Files with uncommitted edits (in their own repository) are not written over, and a git that
  // refuses a repository stops the run too (see write-guard.ts).
  if (opts.yes || interactive) {
    const guard = runs.flatMap((run) => guardWrites(run.abs, run.plan.changes.map((ch) => ch.path), opts.force).map((d) => ({ run, d })));
    if (guard.some((x) => x.d.severity === 'error')) {
      for (const { run, d } of guard) io.stderr.write(`${formatDiagnostic(d, run, ce)}\n`);
      // --json still gets its report: nothing written by this run (as the API's apply reports it).
      if (opts.json) {
        const { outcomes } = writeAccepted(runs, new Set(), false);
        const recoveryDiags = recovered.flatMap((r) => r.diagnostics.map((d) => ({ run: { display: r.root }, d })));
        writeJson(jsonReport(outcomes, [], [...recoveryDiags, ...guard], { version: readVersion(), mode, applied: false, interrupted: recovered }), (text) => io.stdout.write(text));
        io.stdout.write('\n');
      }
      return EXIT.failed;
    }
    if (opts.json) globalDiags.push(...guard);
    else for (const { run, d } of guard) io.stderr.write(`${formatDiagnostic(d, run, ce)}\n`);
  }

  // Decide which setups to write: with --yes all of them; on a terminal, unit by unit.
  let accepted = new Set<SetupPlan>(opts.yes ? migratable.map((x) => x.setup) : []);
  if (interactive && migratable.length > 0) {
    for (const { run, setup } of items.filter((x) => x.setup.status === 'refused')) io.stdout.write(`${describeSetup(run, setup, c)}\n`);
    const endAsking = clock.start('review');
    const review = await interactiveReview(runs, c, io, opts, planOptions);
    endAsking();
    if (review === 'interrupted') {
      io.stderr.write('\nInterrupted: nothing was written.\n');
      return EXIT.interrupted;
    }
    accepted = review;
  }

  const write = opts.yes || interactive;
  const { outcomes, written, failures } = clock.time('apply', () => writeAccepted(runs, accepted, write, (active) => {
    writing.active = active;
  }));
  writing.written = written.map(({ run, change }) => `${change.action === 'delete' ? 'deleted' : change.action === 'create' ? 'created' : 'updated'} ${printableName(shown(run, change.path))}`);
  const planned = runs.flatMap((run) => run.plan.changes.map((change) => ({ run, change })));
  const shownChanges = write ? written : planned;
  if (opts.patch !== null) {
    const base = patchBase(opts.paths, process.cwd());
    const patch = buildPatch(planned, base);
    const apply = applyCommand(base, opts.paths, opts.patch, process.cwd());
    if (patchTarget === null) io.stdout.write(patch);
    else {
      try {
        checkAgainstChanges(patchTarget, planned.map(({ run, change }) => ({ root: run.abs, path: change.path })));
        fs.writeFileSync(patchTarget.real, patch);
      } catch (e) {
        const message = e instanceof PatchTargetError ? e.message : `cannot write the patch to ${opts.patch}: ${writeProblem(e)}`;
        io.stderr.write(`multistage-codemod: ${printable(message)}\n`);
        return e instanceof PatchTargetError ? e.exit : EXIT.failed;
      }
    }
    const refusedAny = outcomes.some((o) => o.outcome === 'refused');
    // An empty patch is no patch to git (`git apply` fails: "No valid patches in input"): say
    // there is nothing to apply instead of how to apply it. The file is still written (empty),
    // so an earlier patch at that name is never left to be applied by mistake.
    if (planned.length === 0) {
      const refusedCount = outcomes.filter((o) => o.outcome === 'refused').length;
      const why = refusedAny ? `none of the ${refusedCount} setup(s) found can be migrated (${opts.patch === '-' ? '--dry-run says why' : 'the report says why'})` : 'no change is planned';
      io.stderr.write(`Nothing to apply: ${why}, so ${opts.patch === '-' ? 'the patch is empty' : `the patch written to ${printable(opts.patch)} is empty`}; \`git apply\` would reject it.\n`);
    } else if (opts.patch !== '-') io.stderr.write(`Wrote a patch of ${planned.length} file change(s) to ${printable(opts.patch)} (apply it with \`${printable(apply)}\`).\n`);
    else if (apply !== 'git apply') io.stderr.write(`The paths in the patch are relative to ${printable(base.folder)}: apply it with \`${printable(apply)}\`.\n`);
    if (opts.patch === '-') return refusedAny ? EXIT.refused : EXIT.ok;
  }

  const endReview = clock.start('review');
  if (opts.sarif) {
    io.stdout.write(`${JSON.stringify(sarifLog(outcomes, [...globalDiags, ...failures], readVersion()), null, 2)}\n`);
  } else if (opts.json) {
    const recoveryDiags = recovered.flatMap((r) => r.diagnostics.map((d) => ({ run: { display: r.root }, d })));
    const report = jsonReport(outcomes, shownChanges, [...recoveryDiags, ...globalDiags, ...failures], {
      version: readVersion(),
      mode,
      applied: written.length > 0,
      interrupted: recovered,
    });
    writeJson(report, (text) => io.stdout.write(text));
    io.stdout.write('\n');
  } else {
    printText(io, c, { runs, interactive, write, items, outcomes, globalDiags, failures, shownChanges, dryRun: !write, diffs: opts.patch === null, summaryOnly: opts.summary, ce });
  }
  endReview();

  const pending = !write && !reviewOnly && planned.length > 0;
  if (pending && !opts.json) {
    io.stderr.write(`\nNothing was written: ${interactive ? '' : 'no terminal to ask on. '}Run again with --yes to apply these changes, or --dry-run to only review them.\n`);
    // Piped into a pager (`multistage-codemod | less`): the review needs the terminal for itself.
    if (io.stdinIsTTY && !io.stdout.isTTY) io.stderr.write('The review asks on a terminal, so it is off while the output is piped. Run the tool without a pipe: each setup\'s diff is paged through $PAGER (less -R) there. To page the plan alone: FORCE_COLOR=1 multistage-codemod --dry-run | less -R\n');
  }
  if (pending && opts.json) io.stderr.write('Nothing was written (plan only). Add --yes to apply or --dry-run to mark this as a review.\n');
  if (failures.length > 0) return EXIT.failed;
  const refused = outcomes.some((o) => o.outcome === 'refused');
  return refused || pending ? EXIT.refused : EXIT.ok;
}

/** What to do about roots whose interrupted run was not settled: blocked ones need the user; the others only a writing run. */
function interruptedAdvice(interrupted: Set<string>, blocked: Set<string>): string {
  const waiting = [...interrupted].filter((r) => !blocked.has(r));
  const parts: string[] = [];
  if (blocked.size > 0) parts.push(`Nothing was planned for ${[...blocked].join(', ')}: the interrupted run there can be neither finished nor undone as things are. Do what the hint above says, then run the tool again.`);
  if (waiting.length > 0) parts.push(`Nothing was planned for ${waiting.join(', ')}: run again with --yes (or interactively) to complete the interrupted run first.`);
  return parts.join('\n');
}

/**
 * The review on a terminal: the setups accepted, or 'interrupted' (Ctrl+C: nothing is written).
 * `q` keeps what was accepted before it; the CLI says so before writing.
 */
async function interactiveReview(runs: RootRun[], c: Colors, io: Io, opts: CliOptions, planOptions: (run: RootRun) => PlanOptions): Promise<Set<SetupPlan> | 'interrupted'> {
  const { reviewUnits, ReviewInterrupted } = await import('./review/prompt.js');
  const { terminalAsker, terminalPager } = await import('./review/terminal.js');
  const items = runs.flatMap((run) => unitsOf(run.plan).map((unit) => ({ run, unit })));
  const asker = io.asker ?? terminalAsker(io.stdin ?? process.stdin, io.stdout);
  const pager = opts.pager ? terminalPager(io.env) : null;
  try {
    const r = await reviewUnits(items, c, io.stdout, asker, pager);
    const setups = r.accepted.flatMap((x) => x.unit.setups);
    if (r.quit) {
      io.stderr.write(setups.length === 0 ? 'Quit: nothing was accepted, so nothing is written.\n' : `Quit: writing the ${setups.length} setup(s) accepted so far (${r.accepted.flatMap((x) => x.unit.setups.map((s) => shown(x.run, s.id))).join(', ')}); the rest are left as they are.\n`);
    }
    // Setups declined or left by `q` stay as they are: the accepted ones whose changes that
    // alters are shown and asked about again.
    return await settleDeclined(runs, new Set(setups), {
      planAgain: (run, declined) => planMigration(run.analysis, run.fs, { ...planOptions(run), declined }),
      ask: (again) => reviewUnits(again, c, io.stdout, asker, pager),
      tell: (text) => io.stdout.write(`${printable(text)}\n`),
      shown,
    });
  } catch (e) {
    if (e instanceof ReviewInterrupted) return 'interrupted';
    throw e;
  }
}

function printText(
  io: Io,
  c: Colors,
  s: {
    runs: RootRun[];
    interactive: boolean;
    write: boolean;
    items: { run: RootRun; setup: SetupPlan }[];
    outcomes: SetupOutcome[];
    globalDiags: { run: RootRun; d: Diagnostic }[];
    failures: { run: RootRun; d: Diagnostic }[];
    shownChanges: { run: RootRun; change: FileChange }[];
    dryRun: boolean;
    diffs: boolean;
    summaryOnly: boolean;
    /** Colours of what goes to stderr. */
    ce: Colors;
  },
): void {
  const out = io.stdout;
  if (s.summaryOnly) {
    out.write(`${summaryTable(s.runs, s.outcomes, s.shownChanges, s.dryRun, c, true)}\n${summary(s.outcomes, s.shownChanges.map((x) => x.change), s.dryRun, c)}\n`);
    return;
  }
  if (!s.interactive) {
    // As in the review: setups that change the same files are shown together, each diff once.
    const unitOf = new Map(s.runs.flatMap((run) => unitsOf(run.plan).flatMap((unit) => unit.setups.map((setup) => [setup, unit] as const))));
    const printed = new Set<ReviewUnit>();
    for (const { run, setup } of s.items) {
      const unit = unitOf.get(setup);
      if (!unit) out.write(`${describeSetup(run, setup, c)}\n`);
      if (!unit || printed.has(unit)) continue;
      printed.add(unit);
      out.write(`${unit.setups.map((x) => describeSetup(run, x, c)).join('\n')}\n`);
      if (s.diffs && unit.changes.length > 0) out.write(`\n${renderDiffs(run, unit.changes, c)}\n`);
    }
  }
  for (const { run, d } of [...s.globalDiags, ...s.failures]) {
    if (d.severity === 'info') out.write(`${formatDiagnostic(d, run, c)}\n`);
    else io.stderr.write(`${formatDiagnostic(d, run, s.ce)}\n`);
  }
  if (s.write) for (const { run, change } of s.shownChanges) out.write(`${c.green(change.action === 'delete' ? 'deleted' : change.action === 'create' ? 'created' : 'updated')} ${printableName(run.display === '.' ? change.path : `${run.display.replace(/\/+$/, '')}/${change.path}`)}\n`);
  const table = summaryTable(s.runs, s.outcomes, s.shownChanges, s.dryRun, c);
  if (table) out.write(`\n${table}\n`);
  out.write(`${summary(s.outcomes, s.shownChanges.map((x) => x.change), s.dryRun, c)}\n`);
}

/** --check: list every setup found and fail when there is any; write nothing. */
function reportCheck(io: Io, c: Colors, ce: Colors, opts: CliOptions, items: { run: RootRun; setup: SetupPlan }[], globalDiags: { run: RootRun; d: Diagnostic }[], runs: RootRun[]): number {
  const checked = (): SetupOutcome[] => items.map(({ run, setup }) => ({ run, setup, outcome: setup.status === 'refused' ? 'refused' : 'planned' }));
  // Extraction steps the tool could not follow are builder-pattern remains too.
  const misses = globalDiags.filter(({ d }) => d.code === 'EXTRACTION_NOT_FOLLOWED');
  const notFollowedList = (list: typeof misses, c: Colors) =>
    list.length === 0 ? '' : `${list.length} extraction step(s) not followed:\n${list.map(({ run, d }) => `  ${formatDiagnostic(d, run, c).replace(/\n/g, '\n  ')}\n`).join('')}`;
  if (opts.sarif) {
    io.stdout.write(`${JSON.stringify(sarifLog(checked(), globalDiags, readVersion()), null, 2)}\n`);
  } else if (opts.summary) {
    // The files the migration would change, counted as --dry-run --summary counts them.
    const planned = runs.flatMap((run) => run.plan.changes.map((change) => ({ run, change })));
    io.stdout.write(`${summaryTable(runs, checked(), planned, true, c, true)}\n${summary(checked(), planned.map((x) => x.change), true, c)}\n`);
  } else if (opts.json) {
    io.stdout.write(`${JSON.stringify(jsonReport(checked(), [], globalDiags, { version: readVersion(), mode: 'dry-run', applied: false }), null, 2)}\n`);
  } else if (items.length === 0 && misses.length === 0) {
    io.stdout.write('No builder-pattern setup found.\n');
  } else if (items.length === 0) {
    io.stdout.write(notFollowedList(misses, c));
  } else {
    io.stdout.write(`${items.length} builder-pattern setup(s) found:\n`);
    for (const { run, setup } of items) {
      io.stdout.write(`  ${setupHeader(run, setup, c)}: ${setup.status === 'migrate' ? c.green('migratable') : c.red('needs a manual migration')}\n`);
      for (const d of setup.diagnostics.filter((x) => x.severity === 'error')) io.stdout.write(`    ${formatDiagnostic(d, run, c).replace(/\n/g, '\n    ')}\n`);
    }
    io.stdout.write(checkAdvice(items.map(({ setup }) => setup)));
    io.stdout.write(notFollowedList(misses, c));
  }
  // What the run could not read (a script that does not parse, a Makefile giving .ONESHELL prerequisites) may
  // hold a setup the list above lacks: said on stderr, as every other mode says it (--json and
  // SARIF carry it in their reports).
  if (!opts.sarif && !opts.json) {
    for (const { run, d } of globalDiags) if (d.severity !== 'info' && d.code !== 'EXTRACTION_NOT_FOLLOWED') io.stderr.write(`${formatDiagnostic(d, run, ce)}\n`);
  }
  return items.length + misses.length > 0 ? EXIT.refused : EXIT.ok;
}

/**
 * --verify: run every migratable setup's pipeline both ways and record the verdicts, which the
 * plan then takes as an input (a setup that does not verify is refused there). Returns an exit
 * code when no engine can be used, else null.
 */
async function verifyRuns(runs: RootRun[], opts: CliOptions, io: Io, ce: Colors, progress: (msg: string) => void, verdicts: Map<RootRun, Map<string, Verdict>>): Promise<number | null> {
  // Loaded here: a run without --verify does not pay for the engine code (and the YAML parser).
  const { detectEngine, EngineCommandError, EngineUnavailableError, STORAGE_DRIVER_ENV } = await import('./verify/engine.js');
  const { verifyRoot } = await import('./verify/verify.js');
  let engine;
  try {
    // podman first: only podman can give the scripts a private store. The store (driver, graph
    // root, run root) is read once here; MULTISTAGE_CODEMOD_STORAGE_DRIVER names a driver.
    engine = await detectEngine(opts.engine ?? 'podman', { storageDriver: io.env[STORAGE_DRIVER_ENV] ?? '', env: io.env, only: opts.engine !== null });
  } catch (e) {
    if (!(e instanceof EngineUnavailableError) && !(e instanceof EngineCommandError)) throw e;
    const code = e instanceof EngineUnavailableError ? 'ENGINE_UNAVAILABLE' : 'ENGINE_ERROR';
    io.stderr.write(`${formatDiagnostic(diag(code, 'error', `--verify needs a container engine: ${e.message}`, { hint: opts.engine === 'docker' ? 'Start the Docker daemon, or use --engine podman.' : 'Install podman and buildah, or check `podman info`.' }), { display: '.' }, ce)}\n`);
    return EXIT.failed;
  }
  for (const run of runs) {
    const ids = run.plan.setups.filter((s) => s.status === 'migrate').map((s) => s.id);
    if (ids.length === 0) continue;
    const results = await verifyRoot(engine, run, run.plan.changes, ids, { progress, env: io.env, timeoutMs: opts.verifyTimeout * 1000 });
    progress('');
    verdicts.set(run, results);
  }
  return null;
}

/**
 * A Progress that shows `root: analysing 1,234/5,678 files` through `show`: each new phase at
 * once, then at most ten times a second (a redraw per file would cost more than the work).
 */
function phaseProgress(root: string, show: (msg: string) => void): Progress {
  let last = 0;
  let lastPhase = '';
  const n = groupDigits;
  return (phase, done, total) => {
    // Called every few files or setups: where a run's heap may have become large.
    heapCheckpoint();
    // A run over many files leaves the code cache to a smaller one (src/cache-run.ts).
    if (phase === 'analysing' && total !== null) noteCandidates(total);
    const now = Date.now();
    // At most ten redraws a second, but a phase's last count is always shown.
    if (phase === lastPhase && now - last < 100 && done !== total) return;
    last = now;
    lastPhase = phase;
    if (phase === 'walking') show(`${root}: walking … ${n(done)} folders`);
    else show(`${root}: ${phase} ${n(done)}/${n(total ?? 0)} ${phase === 'planning' ? 'setups' : 'files'}`);
  };
}
