/**
 * A GitLab job's dotenv report (`artifacts: reports: dotenv: build.env`) passes variables on:
 * GitLab reads the file when the job ends and sets each `NAME=value` line of it in the jobs of
 * the later stages (and those that `needs:` the job). A line `DOCKER_BUILDKIT=0` or
 * `DOCKER_HOST=…` written there changes what a later job's docker commands do, where the tool
 * reads each job with the variables its YAML gives. So the commands of every other job that
 * declares such a report are read for their writes to the file (the hosts' reader:
 * ./hosts/ci-yaml.ts gitlabDotenv):
 *
 * - `echo "NAME=value" >> build.env` is read as that line: a name that matters (BASH_ENV,
 *   DOCKER_*, BUILDKIT_*, BUILDX_*: ./step-env-files.ts) refuses the setup (STEP_ENV_WRITTEN),
 *   any other changes nothing;
 * - any other write to the file (`printf … > build.env`, `env > build.env`, `tee build.env`, a
 *   repository script the job runs that names it) may set any name, and refuses;
 * - a report the tool cannot know (a template not in this file) refuses as such a write.
 *
 * Which later jobs get the variables (stages, `needs:`, `dependencies:`) is not told apart: every
 * other job counts, the safe side. A job's own report reaches only the jobs after it.
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { resolveRel } from '../model/paths.js';
import type { ScriptCommand, ScriptFile, Word } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import type { DotenvReport } from './embedded.js';
import { scriptRuns } from './script-runs.js';
import { echoedLine, envWriteWhat, HINT, SHOWS_ONLY, textOf, type TextOf, type Write } from './step-env-files.js';

/** The GitLab jobs with dotenv reports in `script`, or none. */
const reportsOf = (script: ScriptFile): readonly DotenvReport[] => (script.kind === 'gitlab-ci' ? ((script as { dotenv?: readonly DotenvReport[] }).dotenv ?? []) : []);

/** Whether `w` names one of `files` (a path from the root): by its value from the command's folder, else (a value only known at run time) by a file's name in its text. */
function names(w: Word, cwd: string | null, files: readonly string[]): boolean {
  if (w.value !== null && cwd !== null) return !w.value.startsWith('/') && files.includes(resolveRel(cwd, w.value));
  return files.some((f) => (w.value ?? w.raw).includes(path.basename(f)));
}

/** The writes to its report files the job of `report` makes (each a line `NAME=value`, or null when the tool cannot read it). */
function reportWrites(script: ScriptFile, report: DotenvReport, text: TextOf): Write[] {
  const via = `the dotenv report of job ${report.job} (${script.file}:${report.line}), whose variables GitLab gives the later jobs`;
  const sequences = (script as { sequences?: readonly (readonly ScriptCommand[])[] }).sequences ?? [];
  if ('unknown' in report) return [];
  const files = report.paths.map((p) => resolveRel('', p));
  const out: Write[] = [];
  for (const cmd of sequences[report.sequence] ?? []) {
    const byRedirect = cmd.redirects.some((r) => (r.op === '>' || r.op === '>>') && (r.fd === null || r.fd === '1') && names(r.target, cmd.cwd, files));
    const inWords = cmd.words.slice(1).some((w) => names(w, cmd.cwd, files));
    if (byRedirect || inWords) {
      // (`cat build.env`: a look at the file, no write)
      if (!byRedirect && SHOWS_ONLY.has(cmd.words[0]?.value ?? '')) continue;
      out.push({ cmd, at: 0, file: 'GITHUB_ENV', via, line: byRedirect && !inWords ? echoedLine(cmd) : null });
      continue;
    }
    // (a repository script the job runs may write the file itself: one naming it counts as a write the tool cannot read)
    for (const run of scriptRuns(cmd)) {
      if (run.path === null || run.cwd === null || run.path.startsWith('/') || run.path.startsWith('~')) continue;
      const body = text(resolveRel(run.cwd, run.path));
      if (body !== null && files.some((f) => body.includes(path.basename(f)))) out.push({ cmd, at: 0, file: 'GITHUB_ENV', via: `${via}: ${resolveRel(run.cwd, run.path)}, which names the file`, line: null });
    }
  }
  return out;
}

/** What the first dotenv write of a job other than the one running `sequence` sets that matters to its docker commands, or null. */
export function dotenvWriteBefore(script: ScriptFile, sequence: readonly ScriptCommand[], text: TextOf): string | null {
  const sequences = (script as { sequences?: readonly (readonly ScriptCommand[])[] }).sequences ?? [];
  for (const report of reportsOf(script)) {
    // (a job's own report reaches only the jobs after it)
    if (sequences[report.sequence] === sequence) continue;
    if ('unknown' in report) return `job ${report.job} (${script.file}:${report.line}) ${report.unknown}; its dotenv report may set any variable for the later jobs`;
    for (const w of reportWrites(script, report, text)) {
      const what = envWriteWhat(w);
      if (what !== null) return what;
    }
  }
  return null;
}

/** STEP_ENV_WRITTEN for a setup in a GitLab job that a dotenv report of another job may give a variable its steps depend on. */
export function dotenvWrites(script: ScriptFile, sequence: readonly ScriptCommand[], setup: Setup, fs: RepoFs): Diagnostic[] {
  if (reportsOf(script).length === 0) return [];
  const what = dotenvWriteBefore(script, sequence, textOf(fs));
  if (what === null) return [];
  return [
    diag('STEP_ENV_WRITTEN', 'error', `${what}: a variable such as BASH_ENV, DOCKER_BUILDKIT or DOCKER_HOST changes what this setup's steps run, and the tool reads each job with the variables its YAML gives`, {
      file: setup.builder.inv.cmd.file,
      line: setup.builder.inv.cmd.line,
      setup: setup.id,
      hint: HINT,
    }),
  ];
}

/** Whether `script` is a GitLab file with dotenv reports (cheap, before its calls are read for them). */
export const hasDotenvReports = (script: ScriptFile): boolean => reportsOf(script).length > 0;
