/**
 * One differential trial on the real engine: the rendered repository's old pipeline (a script,
 * `make`, `npm run`, `node`, or a CI job's steps as the product reads them) runs in one
 * copy, the tool migrates another copy with `--yes`, and then either the tool refused and that
 * copy is byte-identical to the original, or the migrated pipeline runs and must exit the same
 * way, build the same final image(s) (files: path, type, mode, owner, hash; config) and leave
 * the same host files the old run left. An image difference counts only when the old pipeline,
 * run once more, builds its own image again (else the generated builder is not reproducible, and
 * the trial is invalid). Each pipeline runs in a store of its own (the old one's
 * images are gone when the migrated one runs, and nothing outside the trial is touched), so
 * several trials, e2e tests and CI runs can share the machine.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Engine } from '../../src/verify/engine.js';
import { compareSnapshots, formatDifferences, snapshotImage, type ImageSnapshot } from '../../src/verify/snapshot.js';
import { runCli } from '../support/cli.js';
import { execStatus, shellOf, treeDifferences, treeState, type RunResult } from '../e2e/support/pipeline.js';
import { openRunStore, type RunStore } from '../e2e/support/run-store.js';
import { envForEngine } from '../e2e/support/shim.js';
import { githubSteps, gitlabSteps } from '../../src/verify/ci-steps.js';
import { azureSteps } from '../../src/verify/jobs/azure.js';
import { bitbucketSteps } from '../../src/verify/jobs/bitbucket.js';
import { circleSteps } from '../../src/verify/jobs/circleci.js';
import { travisSteps } from '../../src/verify/jobs/travis.js';
import type { EntryStep } from '../../src/verify/entry.js';
import type { RepoSpec } from './grammar.js';
import { render, type PipelineEntry, type RenderedRepo } from './render.js';
import { finalImageTag } from './make-override-features.js';

export type FailureKind =
  | 'tool-error' // the CLI crashed or printed no report
  | 'refusal-wrote' // refused (or found nothing) yet changed the tree
  | 'exit-status' // the migrated pipeline exits differently from the old one
  | 'image-differs'
  | 'image-missing'
  | 'host-files-differ'
  | 'not-refused' // a pipeline this engine cannot run (RenderedRepo.mustRefuse) was migrated, or refused for another reason
  | 'passed-over' // no setup found, and nothing said why: a builder pattern passed over in silence
  | 'internal-refusal'; // refused with a code that means the tool's own output failed its checks (a bug, not a trap found)

export type Verdict =
  | { kind: 'identical'; tags: string[] }
  | { kind: 'refused'; codes: string[] }
  | { kind: 'ignored' }
  | { kind: 'invalid'; details: string }
  | { kind: 'failure'; what: FailureKind; details: string }
  | { kind: 'flaky'; first: string; second: string; /** What the failing run said, to look into later. */ details: string };

/** Writes the rendered repository into `dir` (created), with each file's mode. */
export function writeRepo(dir: string, repo: RenderedRepo): void {
  for (const f of repo.files) {
    const p = path.join(dir, f.path);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    fs.writeFileSync(p, f.content);
    fs.chmodSync(p, f.mode);
  }
}

function copy(src: string, into: string, name: string): string {
  const dir = path.join(into, name);
  fs.cpSync(src, dir, { recursive: true, preserveTimestamps: true });
  return dir;
}

export function runPipeline(engine: Engine, dir: string, repo: RenderedRepo): RunResult {
  return runEntry(engine, dir, repo.entry);
}

/**
 * What runs after the pipeline (a sibling target, the removal of the builder image), in order,
 * until one fails: `which` names it.
 */
export function runLater(engine: Engine, dir: string, repo: RenderedRepo): RunResult & { which?: string } {
  for (const entry of repo.later) {
    const r = runEntry(engine, dir, entry);
    if (r.status !== 0) return { ...r, which: JSON.stringify(entry) };
  }
  return { status: 0, stdout: '', stderr: '' };
}

/** The fuzzer's stand-ins (./bin: a `sudo` that keeps the docker shim on PATH), after the shim. */
const FUZZ_BIN = path.join(path.dirname(fileURLToPath(import.meta.url)), 'bin');

function runEntry(engine: Engine, dir: string, entry: PipelineEntry): RunResult {
  const shimmed = envForEngine(engine, process.env);
  const env = { ...shimmed, PATH: `${FUZZ_BIN}${path.delimiter}${shimmed.PATH ?? ''}` };
  switch (entry.kind) {
    case 'script':
      return execStatus(shellOf(path.join(dir, entry.script)), [path.basename(entry.script), ...(entry.args ?? [])], path.join(dir, path.dirname(entry.script)), env);
    case 'make':
      return execStatus('make', [entry.target], dir, env);
    case 'npm':
      return execStatus('npm', ['run', '--silent', entry.script], dir, env);
    case 'node':
      return execStatus('node', [entry.script], dir, env);
    case 'shell':
      return execStatus('sh', ['-c', entry.command], dir, env);
    case 'github':
      return runSteps(githubSteps(fs.readFileSync(path.join(dir, entry.workflow), 'utf8'), entry.job, dir), dir, env);
    case 'gitlab':
      return runSteps(gitlabSteps(fs.readFileSync(path.join(dir, '.gitlab-ci.yml'), 'utf8'), entry.job), dir, env);
    case 'circleci':
      return runSteps(circleSteps(fs.readFileSync(path.join(dir, '.circleci/config.yml'), 'utf8'), entry.job), dir, env);
    case 'azure':
      return runSteps(azureSteps(fs.readFileSync(path.join(dir, 'azure-pipelines.yml'), 'utf8'), entry.job, dir), dir, env);
    case 'bitbucket':
      return runSteps(bitbucketSteps(fs.readFileSync(path.join(dir, 'bitbucket-pipelines.yml'), 'utf8'), entry.step), dir, env);
    case 'travis':
      return runSteps(travisSteps(fs.readFileSync(path.join(dir, '.travis.yml'), 'utf8'), entry.job), dir, env);
  }
}

/** A CI job's steps as the product reads them (src/verify/ci-steps.ts), in order, until one fails. */
function runSteps(steps: EntryStep[] | { none: string }, dir: string, env: NodeJS.ProcessEnv): RunResult {
  if ('none' in steps) return { status: 127, stdout: '', stderr: `the job cannot run here: ${steps.none}` };
  const out: RunResult = { status: 0, stdout: '', stderr: '' };
  for (const step of steps) {
    const r = execStatus(step.argv[0]!, step.argv.slice(1), path.join(dir, step.cwd), { ...env, ...step.env });
    Object.assign(out, { status: r.status, stdout: out.stdout + r.stdout, stderr: out.stderr + r.stderr });
    if (r.status !== 0) break;
  }
  return out;
}

const tail = (r: RunResult) => `${r.stdout}\n${r.stderr}`.trim().split('\n').slice(-25).join('\n');

/** Files the run added under `dir` (paths not in the original tree), minus scratch paths. */
function added(orig: Map<string, string>, after: Map<string, string>, scratch: string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const [k, v] of after) {
    if (orig.has(k)) continue;
    if (scratch.some((p) => k === p || k.startsWith(`${p}/`))) continue;
    out.set(k, v);
  }
  return out;
}

export interface Report {
  setups: SetupReport[];
  diagnostics?: { code: string; severity: string }[];
}

/**
 * No setup found. Every generated repository holds a builder pattern, so the tool must say why
 * it found none (a near miss, a script it could not read: a warning or an error); an answer of
 * info alone ("no builder-pattern setup found") passed it over in silence (fuzz seed 10016: its
 * builds ran as `env DOCKER_BUILDKIT=0 docker build`).
 */
/**
 * Codes a setup is refused with when the tool's own work failed its checks: the merged
 * Dockerfile or a rewritten script read back unlike the plan, edits that overlap. Each is a bug
 * of the tool that happened to be caught (fuzz seed 10640), never a trap of the seed.
 */
const INTERNAL = /^(GENERATED_DOCKERFILE_INVALID|SCRIPT_REREAD_FAILED)$/;
const overlapping = (d: { code: string; message?: string }) => d.code === 'SCRIPT_EDIT_UNSAFE' && / overlap \(/.test(d.message ?? '');

/** A refusal, unless a setup was refused for the tool's own error. */
export function refusedVerdict(report: Report, codes: string[]): Verdict {
  const own = report.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error' && (INTERNAL.test(d.code) || overlapping(d))));
  if (own.length > 0) return { kind: 'failure', what: 'internal-refusal', details: own.map((d) => `${d.code}: ${d.message ?? ''}`).join('\n') };
  return { kind: 'refused', codes };
}

export function notFound(report: Report): Verdict {
  const said = (report.diagnostics ?? []).filter((d) => d.severity !== 'info');
  if (said.length > 0) return { kind: 'ignored' };
  return { kind: 'failure', what: 'passed-over', details: `no setup found, and nothing said why (${(report.diagnostics ?? []).map((d) => d.code).join(', ') || 'no diagnostic'})` };
}

interface SetupReport {
  status: string;
  /** The images the setup's final builds tag (the JSON report's). */
  finalTags?: string[];
  diagnostics: { code: string; severity: string; message?: string }[];
}

export async function runSeed(shared: Engine, spec: RepoSpec): Promise<Verdict> {
  const repo = render(spec);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), `msc-fuzz-${spec.seed}-`));
  const stores: RunStore[] = [];
  const store = () => {
    const s = openRunStore(shared, `store-${stores.length}`, work);
    stores.push(s);
    return s.engine;
  };
  try {
    const orig = path.join(work, 'orig');
    writeRepo(orig, repo);
    const origState = treeState(orig);

    if (repo.mustRefuse) return mustRefuse(orig, work, origState, repo.mustRefuse, repo.mustRefuseOne === true, finalImageTag(spec));

    // Old pipeline.
    let engine = store();
    const oldDir = copy(orig, work, 'old');
    const oldRun = runPipeline(engine, oldDir, repo);
    if (oldRun.status !== 0) return { kind: 'invalid', details: `the old pipeline failed (${oldRun.status}):\n${tail(oldRun)}` };
    const oldLater = runLater(engine, oldDir, repo);
    if (oldLater.status !== 0) return { kind: 'invalid', details: `the old pipeline's later step ${oldLater.which} failed (${oldLater.status}):\n${tail(oldLater)}` };
    const before = new Map<string, ImageSnapshot>();
    for (const t of repo.finalTags) {
      if (!(await engine.imageExists(t))) return { kind: 'invalid', details: `the old pipeline built no ${t}` };
      before.set(t, await snapshotImage(engine, t));
    }
    const oldLeft = added(origState, treeState(oldDir), repo.scratchPaths);
    await stores.pop()!.dispose();

    // The tool, on a fresh copy.
    const newDir = copy(orig, work, 'new');
    const cli = runCli(['.', '--yes', '--json'], newDir);
    let report: Report;
    try {
      report = JSON.parse(cli.stdout);
    } catch {
      return { kind: 'failure', what: 'tool-error', details: `exit ${cli.code}, no JSON report:\n${cli.stdout}\n${cli.stderr}` };
    }
    if (cli.code === 2 || cli.code === null) return { kind: 'failure', what: 'tool-error', details: `exit ${cli.code}:\n${cli.stderr}` };
    const migrated = report.setups.filter((s) => s.status === 'migrated');
    if (migrated.length === 0) {
      const changed = treeDifferences(origState, treeState(newDir));
      if (changed.length > 0) return { kind: 'failure', what: 'refusal-wrote', details: `nothing migrated, yet these changed: ${changed.join(', ')}` };
      const codes = [...new Set(report.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)))].sort();
      return report.setups.length === 0 ? notFound(report) : refusedVerdict(report, codes);
    }
    // a migration the images may not show wrong (./image-features.ts): the setup it is in (the one
    // building APP:latest) must not migrate; another setup beside it (twoSetups) may, and is compared
    // below. Refused for another reason, it need not name the code: as with one setup (above), a
    // blocker found first may leave the checks that would find it unmade (fuzz seed 7862); nor
    // found at all (docker under a wrapper the tool does not follow, fuzz seed 162100).
    if (repo.refuseWith) {
      // (the tag the Makefile writes, or the one make's command line gives it: ./make-override-features.ts)
      const holder = report.setups.find((s) => (s.finalTags ?? []).some((t) => t === `${spec.app}:latest` || t === finalImageTag(spec)));
      if (holder?.status === 'migrated') return { kind: 'failure', what: 'not-refused', details: `must refuse with ${repo.refuseWith}; the tool migrated ${migrated.length} setup(s)${holder ? ', the one holding it among them' : ''}` };
    }

    // Migrated pipeline, in a fresh store: none of the old run's images are left.
    engine = store();
    const newRun = runPipeline(engine, newDir, repo);
    if (newRun.status !== oldRun.status) return { kind: 'failure', what: 'exit-status', details: `the migrated pipeline exits ${newRun.status} (the old one ${oldRun.status}):\n${tail(newRun)}` };
    // a later step that ran after the old build must run after the migrated one: its failure is the migration's
    const newLater = runLater(engine, newDir, repo);
    if (newLater.status !== 0) return { kind: 'failure', what: 'exit-status', details: `after the migrated pipeline, the later step ${newLater.which} fails (${newLater.status}), as it did not after the old one:\n${tail(newLater)}` };
    const differences: string[] = [];
    for (const t of repo.finalTags) {
      if (!(await engine.imageExists(t))) return { kind: 'failure', what: 'image-missing', details: `the migrated pipeline built no ${t}` };
      const diffs = compareSnapshots(before.get(t)!, await snapshotImage(engine, t));
      if (diffs.length > 0) differences.push(`${t}:\n${formatDifferences(diffs, { labels: ['old pipeline', 'migrated'] })}`);
    }
    if (differences.length > 0) {
      // A builder that writes the time into a file (a tar's member times) builds other bytes each
      // run: the old pipeline, run again, must give its own image back before a difference counts.
      const again = await oldPipelineAgain(store, orig, work, repo, before);
      if (again.length > 0) return { kind: 'invalid', details: `the old pipeline does not build the same image twice:\n${again.join('\n')}` };
      return { kind: 'failure', what: 'image-differs', details: differences.join('\n') };
    }
    const newLeft = added(origState, treeState(newDir), repo.scratchPaths);
    const hostDiffs = treeDifferences(oldLeft, newLeft).map((p) => `${p}: ${!oldLeft.has(p) ? 'left only by the migrated run' : !newLeft.has(p) ? 'left by the old run, missing after the migrated run' : 'differs'}`);
    if (hostDiffs.length > 0) return { kind: 'failure', what: 'host-files-differ', details: hostDiffs.join('\n') };
    return { kind: 'identical', tags: repo.finalTags };
  } finally {
    for (const s of stores) await s.dispose();
    fs.rmSync(work, { recursive: true, force: true });
  }
}

/** The old pipeline run once more in a fresh store: how its final images differ from the first run's. */
async function oldPipelineAgain(store: () => Engine, orig: string, work: string, repo: RenderedRepo, first: Map<string, ImageSnapshot>): Promise<string[]> {
  const engine = store();
  const run = runPipeline(engine, copy(orig, work, 'old-again'), repo);
  if (run.status !== 0) return [`the second run failed (${run.status}):\n${tail(run)}`];
  const out: string[] = [];
  for (const [t, snap] of first) {
    const diffs = (await engine.imageExists(t)) ? compareSnapshots(snap, await snapshotImage(engine, t)) : null;
    if (diffs === null) out.push(`${t}: not built the second time`);
    else if (diffs.length > 0) out.push(`${t}:\n${formatDifferences(diffs, { labels: ['first run', 'second run'] })}`);
  }
  return out;
}

/** The tool's answer alone, for a pipeline this engine cannot run: a refusal with `code`, nothing written. */
function mustRefuse(orig: string, work: string, origState: Map<string, string>, code: string, one: boolean, finalTag: string): Verdict {
  const dir = copy(orig, work, 'new');
  const cli = runCli(['.', '--yes', '--json'], dir);
  let report: Report;
  try {
    report = JSON.parse(cli.stdout);
  } catch {
    return { kind: 'failure', what: 'tool-error', details: `exit ${cli.code}, no JSON report:\n${cli.stdout}\n${cli.stderr}` };
  }
  const changed = treeDifferences(origState, treeState(dir));
  const codes = [...new Set(report.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)))].sort();
  // (with `one`, the other setup may migrate: only the one holding the run step must refuse, with the code)
  const migrated = report.setups.filter((s) => s.status === 'migrated').length;
  const refusedWith = report.setups.some((s) => s.status !== 'migrated' && s.diagnostics.some((d) => d.severity === 'error' && d.code === code));
  // the setup holding the run step not found at all (docker under a wrapper the tool does not
  // follow): not migrated either, so only another setup beside it may be (fuzz seeds 8018, 162616)
  if (!report.setups.some((s) => (s.finalTags ?? []).includes(finalTag))) {
    if (migrated > (one ? report.setups.length : 0)) return { kind: 'failure', what: 'not-refused', details: `must refuse with ${code}; the tool migrated ${migrated} setup(s), the one holding it not found` };
    if (migrated === 0 && changed.length > 0) return { kind: 'failure', what: 'refusal-wrote', details: `refused, yet these changed: ${changed.join(', ')}` };
    return report.setups.length === 0 ? notFound(report) : refusedVerdict(report, codes);
  }
  if (migrated > (one ? report.setups.length - 1 : 0) || !refusedWith) return { kind: 'failure', what: 'not-refused', details: `must refuse with ${code}; the tool answered ${report.setups.map((s) => s.status).join(', ') || 'nothing'} (${codes.join(', ') || 'no error code'})` };
  if (migrated === 0 && changed.length > 0) return { kind: 'failure', what: 'refusal-wrote', details: `refused, yet these changed: ${changed.join(', ')}` };
  return refusedVerdict(report, codes);
}

/** Two verdicts that say the same thing (the same kind, and the same failure). */
export const sameVerdict = (a: Verdict, b: Verdict) => a.kind === b.kind && (a.kind !== 'failure' || (b.kind === 'failure' && a.what === b.what));

/**
 * A trial whose failure is confirmed: a failing or invalid trial runs again, and when the second
 * run disagrees the verdict is `flaky` (the engine, not the tool: e.g. a `docker run … cat`
 * through buildah once left an empty file under heavy load), printed but not a failure.
 */
export async function runSeedConfirmed(engine: Engine, spec: RepoSpec): Promise<Verdict> {
  const first = await runSeed(engine, spec);
  if (!isFailure(first)) return first;
  const second = await runSeed(engine, spec);
  if (sameVerdict(first, second)) return first;
  const details = [first, second].map((v) => (v.kind === 'failure' || v.kind === 'invalid' ? v.details : '')).filter((d) => d !== '').join('\n');
  return { kind: 'flaky', first: verdictLine(spec.seed, first), second: verdictLine(spec.seed, second), details };
}

/** One line for a verdict. */
export function verdictLine(seed: number, v: Verdict): string {
  switch (v.kind) {
    case 'identical':
      return `seed ${seed}: identical (${v.tags.join(', ')})`;
    case 'refused':
      return `seed ${seed}: refused, nothing written (${v.codes.join(', ') || 'no error code'})`;
    case 'ignored':
      return `seed ${seed}: no setup found, nothing written`;
    case 'invalid':
      return `seed ${seed}: INVALID (the generated old pipeline does not run): ${v.details.split('\n')[0]}`;
    case 'failure':
      return `seed ${seed}: FAILED ${v.what}: ${v.details.split('\n')[0]}`;
    case 'flaky':
      return `seed ${seed}: FLAKY, two runs disagree: ${v.first.replace(/^seed \d+: /, '')} / ${v.second.replace(/^seed \d+: /, '')}`;
  }
}

/** Failing verdicts: the tool's fault (failure) or the generator's (invalid). */
export const isFailure = (v: Verdict) => v.kind === 'failure' || v.kind === 'invalid';
