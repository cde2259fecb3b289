/**
 * discover → analyze → plan for one root. Pure apart from reading the root; the CLI
 * decides what to show, ask and write.
 */
import path from 'node:path';
import { analyze, type Analysis } from './analyze/index.js';
import { NodeRepoFs } from './discover/node-fs.js';
import { walk, type WalkResult } from './discover/walk.js';
import { NO_CLOCK, type PhaseClock } from './model/timing.js';
import { diag } from './model/diagnostics.js';
import { planMigration, type Plan, type PlanOptions } from './plan/index.js';

export interface RootRun {
  /** The root as the user wrote it (used to show paths). */
  display: string;
  abs: string;
  fs: NodeRepoFs;
  analysis: Analysis;
  plan: Plan;
  /** The tool's own temporary files the walk saw (the CLI removes those a crashed run left). */
  temps: string[];
}

export interface RootOptions extends PlanOptions {
  /** MULTISTAGE_CODEMOD_TIMING: each phase is measured on it. */
  clock?: PhaseClock;
}

export function runRoot(display: string, opts: RootOptions): RootRun {
  const abs = path.resolve(display);
  const fs = new NodeRepoFs(abs);
  // The walk reads each candidate once and keeps its text in fs, so analysis reads nothing twice.
  const clock = opts.clock ?? NO_CLOCK;
  const walked = clock.time('discover', () => walk(abs, { ignore: opts.ignore ?? [], repoFs: fs, ...(opts.progress ? { progress: opts.progress } : {}) }));
  const analysis = clock.time('analyze', () => analyze(fs, walked.files, opts.progress, walked.quiet));
  return finishRoot(display, abs, fs, walked, analysis, opts);
}

/** The walk's notices (unreadable folders, skipped files) and the plan: the end of every root's run. */
export function finishRoot(display: string, abs: string, fs: NodeRepoFs, walked: WalkResult, analysis: Analysis, opts: RootOptions): RootRun {
  for (const u of walked.unreadable) {
    analysis.diagnostics.push(diag('READ_ERROR', 'warning', `cannot read the folder ${u.path} (${u.reason}); it was skipped`, { file: u.path }));
  }
  for (const f of walked.skipped) {
    analysis.diagnostics.push(
      diag('FILE_SKIPPED', 'info', `${f.path} was not read: ${f.reason === 'binary' ? 'it is binary' : `it is larger than the size limit (${f.bytes} bytes)`}`, { file: f.path, hint: 'A script this tool reads is text; if this one drives a builder-pattern setup, migrate that setup by hand.' }),
    );
  }
  analysis.passedOver = walked.passedOver;
  analysis.quiet = walked.quiet;
  analysis.ignored = walked.ignored;
  const plan = (opts.clock ?? NO_CLOCK).time('plan', () => planMigration(analysis, fs, opts));
  return { display, abs, fs, analysis, plan, temps: walked.temps };
}

/**
 * Lets a run's analysis go once nothing will plan the root again: it is the reading of every
 * script and Dockerfile of the tree, far more than the plan and the report need. Asking for it
 * afterwards is an internal error, never a silent empty analysis.
 */
export function releaseAnalysis(run: RootRun): void {
  Object.defineProperty(run, 'analysis', {
    configurable: true,
    enumerable: false,
    get() {
      throw new Error(`internal error: the analysis of ${run.display} was asked for after it was released`);
    },
  });
}

/** A repository-relative path as the user should see it. */
export function shown(run: { display: string }, rel: string): string {
  const d = run.display.replace(/\\/g, '/').replace(/\/+$/, '');
  return d === '' || d === '.' ? rel : `${d}/${rel}`;
}

/** A path for diff headers: relative to the working directory when the root is below it, else to the root. */
export function diffPath(run: { abs: string }, rel: string): string {
  const p = path.relative(process.cwd(), path.join(run.abs, rel)).split(path.sep).join('/');
  return p.startsWith('..') || path.isAbsolute(p) ? rel : p;
}
