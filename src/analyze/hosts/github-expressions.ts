/**
 * GitHub Actions expressions in a step's `run:` text. The runner replaces each `${{ … }}` with
 * its value's text before the shell runs; the reader reads each as a variable nothing in the
 * text assigns (`${__ci_expression_N}`, ./ci-yaml.ts). Those whose value the tool knows are
 * given it, as the shell would read the same value in a variable:
 * - `${{ github.workspace }}`: the workspace's path, which is the repository's root where the
 *   job checks this repository out there (./github-workspace.ts); the value
 *   `$GITHUB_WORKSPACE` holds, but in a job with a `container:`, where the expression gives the
 *   runner's own path and the variable the container's: left unknown there.
 * - `${{ env.NAME }}`: the value the job's `env:` (over the workflow's) gives NAME where it is
 *   static, not written to $GITHUB_ENV by an earlier step, not set otherwise by the step's own
 *   `env:` (whether the runner evaluates the step's text with it is left unassumed), and plain
 *   text the shell reads back as itself (the runner writes the text into the script, so a
 *   `$`, a quote or a blank in it would be read again as shell).
 * Any other expression stays an unknown value. One whose value GitHub fixes for the whole run
 * (`${{ github.sha }}`, `${{ github.ref_name }}`…: runConstantName) is read by one name
 * wherever it stands, and, with the default variables that hold such values (`$GITHUB_SHA`,
 * which no step can overwrite), at one version in every step of the job (runConstantVersions):
 * a builder tagged `app-builder:${{ github.sha }}` in one step is the image a later step's
 * `docker create app-builder:${{ github.sha }}` names, though neither value is known.
 */
import { folderValue } from '../script-folder.js';
import type { Versions } from '../shell/versions.js';
import { jobWideVersions } from './run-constants.js';

export interface ReadExpression {
  /** The variable the shell text reads the expression as. */
  name: string;
  /** The expression as written (`${{ github.workspace }}`). */
  text: string;
}

const WORKSPACE = /^\$\{\{\s*github\.workspace\s*\}\}$/;
const ENV = /^\$\{\{\s*env\.([A-Za-z_][A-Za-z0-9_]*)\s*\}\}$/;
const PLAIN = /^[A-Za-z0-9_./:@%+=,-]+$/;

/** The values of the expressions the tool knows, by the name each is read as. */
export function expressionValues(read: readonly ReadExpression[], env: ReadonlyMap<string, string | null>, atWorkspace: boolean): [string, string][] {
  const out: [string, string][] = [];
  for (const e of read) {
    if (WORKSPACE.test(e.text)) {
      if (atWorkspace) out.push([e.name, folderValue('')]);
      continue;
    }
    const m = ENV.exec(e.text);
    const v = m ? env.get(m[1]!) : undefined;
    if (typeof v === 'string' && PLAIN.test(v)) out.push([e.name, v]);
  }
  return out;
}

/**
 * Properties of the `github` context that hold one value for the whole run (GitHub's variables
 * reference); not those naming the step or action running (`github.action`, `github.action_path`…).
 */
const RUN_CONSTANT_PROPERTIES = new Set(['sha', 'ref', 'ref_name', 'ref_type', 'ref_protected', 'run_id', 'run_number', 'run_attempt', 'repository', 'repository_id', 'repository_owner', 'repository_owner_id', 'event_name', 'event_path', 'actor', 'actor_id', 'triggering_actor', 'workflow', 'workflow_ref', 'workflow_sha', 'job', 'head_ref', 'base_ref', 'server_url', 'api_url', 'graphql_url', 'retention_days']);

/**
 * The default variables holding those values: GitHub sets them for every step, and a step cannot
 * overwrite a `GITHUB_*` or `RUNNER_*` variable for the steps after it (`$GITHUB_ENV` ignores
 * them). Not the ones that name the step's own files or action (`GITHUB_ENV`, `GITHUB_OUTPUT`,
 * `GITHUB_ACTION`…), which differ from step to step.
 */
const RUN_CONSTANT_VARIABLES = [...[...RUN_CONSTANT_PROPERTIES].map((p) => `GITHUB_${p.toUpperCase()}`), 'RUNNER_OS', 'RUNNER_ARCH', 'RUNNER_NAME', 'RUNNER_TEMP', 'RUNNER_TOOL_CACHE', 'RUNNER_ENVIRONMENT'];

const GITHUB_PROPERTY = /^\$\{\{\s*github\.([a-z_]+)\s*\}\}$/;
const CONSTANT_PREFIX = '__ci_expression_github_';

/**
 * Contexts GitHub fixes before a job's first step and no step changes (its expressions
 * reference): `matrix` and `strategy` (the job's leg), `inputs` (a `workflow_call` or
 * `workflow_dispatch` run's; `github.event.inputs` too), `vars` (the configuration variables)
 * and `needs.<job>.outputs`/`result` (the jobs this one waits for, finished before it starts).
 * A property path of plain names (`matrix.arch`, `needs.build.outputs.tag`), read whole.
 */
const JOB_CONSTANT = /^\$\{\{\s*((?:matrix|strategy|inputs|vars)\.[A-Za-z_][\w-]*|github\.event\.inputs\.[A-Za-z_][\w-]*|needs\.[A-Za-z_][\w-]*\.(?:outputs\.[A-Za-z_][\w-]*|result))\s*\}\}$/;
const JOB_PREFIX = '__ci_expression_job_';

/** A property path as a shell name's tail: each character but a letter or digit as `_` and its two hex digits (`matrix.arch` is `matrix_2earch`), so two paths never share a name. */
const encoded = (path: string) => path.replace(/[^A-Za-z0-9]/g, (c) => `_${c.charCodeAt(0).toString(16).padStart(2, '0')}`);

/**
 * The name an expression GitHub fixes for the whole run or job is read by (the same wherever
 * it stands): `${{ github.PROPERTY }}` of a run-constant property, or a JOB_CONSTANT path, or an
 * output or the status of a step of `ran` (the ids of the steps before the one read); null for any other.
 */
export function runConstantName(text: string, ran: ReadonlySet<string> = new Set()): string | null {
  const m = GITHUB_PROPERTY.exec(text);
  if (m) return RUN_CONSTANT_PROPERTIES.has(m[1]!) ? `${CONSTANT_PREFIX}${m[1]}` : null;
  const j = JOB_CONSTANT.exec(text);
  if (j) return `${JOB_PREFIX}${encoded(j[1]!)}`;
  // A step's outputs and status are set once, as it runs: read after it, they hold one value in every later step of the job.
  const s = STEP_RESULT.exec(text);
  return s && ran.has(s[2]!) ? `${JOB_PREFIX}${encoded(s[1]!)}` : null;
}

/** `${{ steps.ID.outputs.NAME }}`, `${{ steps.ID.outcome }}`, `${{ steps.ID.conclusion }}`: what an earlier step of the job left (a step's `id` runs once). */
const STEP_RESULT = /^\$\{\{\s*(steps\.([A-Za-z_][\w-]*)\.(?:outputs\.[A-Za-z_][\w-]*|outcome|conclusion))\s*\}\}$/;

/**
 * The versions a step's shell starts with (`seed` names the step): the run-constant variables
 * and expressions it may read are at the job's one version (`job` names the job), unless the
 * step's environment gives them a value (`vars`); so are the names of `jobEnv`, the job's `env:`
 * values only known at run time, each at the epoch given (a step that may rewrite them starts
 * another).
 */
export function runConstantVersions(seed: string, job: string, vars: ReadonlyMap<string, string | null>, read: readonly ReadExpression[], jobEnv: ReadonlyMap<string, string> = new Map()): Versions {
  const versions = jobWideVersions(seed, job, vars, [...RUN_CONSTANT_VARIABLES, ...read.map((e) => e.name).filter((n) => n.startsWith(CONSTANT_PREFIX) || n.startsWith(JOB_PREFIX))]);
  // (a variable of the job's `env:` GitHub fixed before its first step, at the epoch the reader gives it: ./ci-yaml.ts)
  for (const [name, epoch] of jobEnv) versions.of.set(name, { id: `${job}${JOB_ENV}${epoch}.${name}`, fallback: null });
  return versions;
}

const JOB_ENV = '.job-env@';

/**
 * Expressions a step's `env:` reads alike in every step of its job, until a step that may write
 * the job's environment (`env.NAME`, which `$GITHUB_ENV` may change): besides those of
 * runConstantName, `secrets.NAME`, fixed for the run, and `runner.NAME`, the machine's.
 * Not `steps.…` (another step's outputs, set as it runs), `hashFiles(…)` (the files as they are
 * then) or any other.
 */
const STEP_ENV_STABLE = /^\$\{\{\s*(?:secrets|env|runner)\.[A-Za-z_][\w-]*\s*\}\}$/;

/** Whether a value of a step's `env:` gives the same text in every step of its job until a step that may write the job's environment: its expressions are each one of STEP_ENV_STABLE or runConstantName. */
export function stepEnvStable(text: string): boolean {
  const rest = text.replace(/\$\{\{[\s\S]*?\}\}/g, (e) => (runConstantName(e) !== null || STEP_ENV_STABLE.test(e) ? '' : '${{'));
  return !rest.includes('${{');
}

/** Whether a variable's version is one of a job's `env:` GitHub fixed before its first step (runConstantVersions): a script that writes it to `$GITHUB_ENV` between two steps gives the later one another value. */
export const isJobEnvVersion = (id: string) => id.includes(JOB_ENV);
