/**
 * A CI job as the processes a runner would start, so --verify can run it locally: GitHub
 * Actions `run:` steps (in the shell the runner starts: `bash -e` when none is named, `bash
 * --noprofile --norc -eo pipefail` for `shell: bash`, `sh -e` for `shell: sh`; in their
 * working-directory, with workflow, job and step `env:`; `actions/checkout` is the copy itself)
 * and GitLab CI jobs (./jobs/gitlab.ts). What only the CI service can give (another action,
 * `${{ … }}` expressions but `${{ github.workspace }}`, the run's own values (`${{ github.sha }}`) and `${{ env.NAME }}`, secrets, a step's `if:` other than `success()`, `continue-on-error`,
 * the runner's `$GITHUB_ENV`/`$GITHUB_PATH`/`$GITHUB_OUTPUT` files) makes the job one that
 * cannot run here.
 */
import fs from 'node:fs';
import path from 'node:path';
import { yaml } from '../analyze/hosts/yaml-module.js';
import { underWorkspace } from '../analyze/hosts/github-workspace.js';
import type { EntryStep } from './entry.js';
import { RUN } from './run-values.js';

type Obj = Record<string, unknown>;

const obj = (x: unknown): Obj => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : {});
const strings = (o: unknown): Record<string, string> => Object.fromEntries(Object.entries(obj(o)).map(([k, v]) => [k, String(v)]));
const EXPR = /\$\{\{/;

function noExpressions(where: string, ...values: unknown[]): string | null {
  for (const v of values) {
    const text = typeof v === 'string' ? v : JSON.stringify(v ?? '');
    if (EXPR.test(text)) return `${where} uses \${{ … }} expressions, which only the CI service evaluates`;
  }
  return null;
}

/**
 * Values for what GitHub fixes for a whole run (the commit, the branch, the run's number…), as
 * the default variables (`GITHUB_SHA`) and the `github` context (`${{ github.sha }}`) give them
 * to every step: made up here, but one value in every step of both pipelines, as on the service
 * (the tool reads them so: ../analyze/hosts/github-expressions.ts).
 */
const RUN_VALUES: Record<string, string> = {
  sha: RUN.commit,
  ref: `refs/heads/${RUN.branch}`,
  ref_name: RUN.branch,
  ref_type: 'branch',
  run_id: RUN.number,
  run_number: RUN.number,
  run_attempt: RUN.number,
  repository: `${RUN.owner}/${RUN.repository}`,
  repository_owner: RUN.owner,
  event_name: 'push',
  actor: RUN.owner,
  triggering_actor: RUN.owner,
  workflow: 'verify',
  server_url: 'https://github.com',
};
const RUN_ENV = Object.fromEntries(Object.entries(RUN_VALUES).map(([k, v]) => [`GITHUB_${k.toUpperCase()}`, v]));

/**
 * A step's `run:` text with the expressions the runner here can give as the service would
 * substituted: `${{ github.workspace }}` (the copy's folder, `dir`, as GITHUB_WORKSPACE is),
 * the run's own values (`${{ github.sha }}`: RUN_VALUES) and `${{ env.NAME }}` for a NAME
 * `env:` gives (`env`: the workflow's, the job's and the step's merged). Any other is left for
 * noExpressions to refuse.
 */
function substituted(run: string, env: Record<string, string>, dir: string): string {
  return run.replace(/\$\{\{\s*(github\.([a-z_]+)|env\.([A-Za-z_][A-Za-z0-9_]*))\s*\}\}/g, (all, what: string, property: string | undefined, name: string | undefined) => {
    if (name === undefined) return what === 'github.workspace' ? dir : property !== undefined && Object.hasOwn(RUN_VALUES, property) ? RUN_VALUES[property]! : all;
    const v = Object.hasOwn(env, name) ? env[name]! : undefined;
    return v !== undefined && !EXPR.test(v) ? v : all;
  });
}

/** The steps of GitHub Actions job `job` in workflow text `text`, run from `dir`, or why it cannot run here. */
export function githubSteps(text: string, job: string, dir: string): EntryStep[] | { none: string } {
  const wf = obj(yaml().parse(text));
  const j = obj(obj(wf['jobs'])[job]);
  const steps = Array.isArray(j['steps']) ? (j['steps'] as unknown[]) : [];
  const defaults = obj(obj(j['defaults'])['run'])['working-directory'] ?? obj(obj(wf['defaults'])['run'])['working-directory'];
  const out: EntryStep[] = [];
  for (const [k, raw] of steps.entries()) {
    const step = obj(raw);
    const label = `step ${k + 1}${typeof step['name'] === 'string' ? ` (${step['name']})` : ''}`;
    if (typeof step['uses'] === 'string') {
      // Checking out is done; an upload or a release only reads the workspace and sends it to the service, which changes no image.
      if (/^(actions\/(checkout|upload-artifact)|softprops\/action-gh-release)@/.test(step['uses'])) continue;
      return { none: `job ${job} ${label} uses the action ${step['uses']}, which cannot run here` };
    }
    if (typeof step['run'] !== 'string') continue;
    const named = step['shell'] ?? obj(obj(j['defaults'])['run'])['shell'] ?? obj(obj(wf['defaults'])['run'])['shell'];
    const shell = named === undefined ? 'bash' : String(named);
    const ps = shell === 'pwsh' || shell === 'powershell';
    if (ps && !onPath('pwsh')) return { none: `job ${job} ${label} runs in ${shell}: no PowerShell here (\`pwsh\` is not on PATH)` };
    // `shell: python` runs the step's text as a Python program (`python {0}`): python3 here, where there is one.
    const py = shell === 'python' && onPath('python3');
    if (!ps && !py && shell !== 'bash' && shell !== 'sh') return { none: `job ${job} ${label} runs in ${shell}, which is not run here` };
    // (`${{ github.workspace }}` is the workspace, where a relative working-directory starts: ../analyze/hosts/github-workspace.ts)
    const wd = underWorkspace(String(step['working-directory'] ?? defaults ?? '.'));
    const stepEnv = { ...strings(wf['env']), ...strings(j['env']), ...strings(step['env']) };
    const run = substituted(step['run'], stepEnv, dir);
    const bad = noExpressions(`job ${job} ${label}`, run, wd, wf['env'], j['env'], step['env'], step['if']);
    if (bad) return { none: bad };
    // Steps run here one after another until one fails: a condition (`if: failure()`, `always()`,
    // `github.ref == …`) or a failure that does not stop the job would run otherwise there.
    if (step['if'] !== undefined && String(step['if']).replace(/\s+/g, '') !== 'success()') return { none: `job ${job} ${label} runs under \`if: ${String(step['if'])}\`, which only the CI service decides` };
    if (step['continue-on-error'] !== undefined && String(step['continue-on-error']) !== 'false') return { none: `job ${job} ${label} has \`continue-on-error\`, which the runner here does not model` };
    if (/\bGITHUB_(ENV|PATH|OUTPUT|STEP_SUMMARY|STATE)\b/.test(run)) return { none: `job ${job} ${label} writes one of the runner's files ($GITHUB_ENV, $GITHUB_PATH, $GITHUB_OUTPUT…), which only the runner reads` };
    // pwsh steps as the runner wraps them: errors stop, and the last native command's status is the step's.
    const argv = py
      ? ['python3', '-c', run]
      : ps
        ? ['pwsh', '-NoProfile', '-NonInteractive', '-Command', `$ErrorActionPreference = 'stop'\n${run}\nif ((Test-Path -LiteralPath variable:\\LASTEXITCODE)) { exit $LASTEXITCODE }`]
        : named === undefined
          ? ['bash', '-e', '-c', run]
          : shell === 'bash'
            ? ['bash', '--noprofile', '--norc', '-eo', 'pipefail', '-c', run]
            : ['sh', '-e', '-c', run];
    out.push({ argv, cwd: String(wd).replace(/^\.\/?/, '').replace(/\/$/, ''), env: { CI: 'true', GITHUB_ACTIONS: 'true', ...RUN_ENV, ...stepEnv }, label, workspaceVar: 'GITHUB_WORKSPACE' });
  }
  return out;
}

/** GitLab CI jobs: ./jobs/gitlab.ts. */
export { gitlabSteps } from './jobs/gitlab.js';

/** Whether a program is on PATH. */
export function onPath(program: string): boolean {
  return (process.env['PATH'] ?? '').split(path.delimiter).some((d) => d !== '' && fs.existsSync(path.join(d, program)));
}
