/**
 * An Azure Pipelines job as --verify runs it: `bash:` steps, and `script:` steps on Linux and
 * macOS agents, each its own `bash --noprofile --norc` (no `-e`, as the agent runs them) in the
 * sources folder or its `workingDirectory`; `pwsh:`/`powershell:` steps in `pwsh` with the
 * task's error handling. Macros `$(name)` are replaced before the shell runs, as the agent does:
 * pipeline, stage and job `variables:` and the sources folder; pipeline variables are in the
 * environment too (`NAME_WITH_UNDERSCORES`), and so are made-up values of what Azure fixes for the
 * run (RUN_VALUES). `checkout: self` is the copy itself. Tasks,
 * templates, conditions, runtime expressions, variable groups and other predefined variables
 * make the job one that cannot run here.
 */
import path from 'node:path';
import { azureJobs, bashAgent, envVar, type AzureJob } from '../../analyze/hosts/azure-pipelines.js';
import { isMap, isSeq } from '../../analyze/hosts/ci-yaml.js';
import { yaml } from '../../analyze/hosts/yaml-module.js';
import type { EntryStep } from '../entry.js';
import { RUN } from '../run-values.js';

type Obj = Record<string, unknown>;
const obj = (x: unknown): Obj => (x && typeof x === 'object' && !Array.isArray(x) ? (x as Obj) : {});

const SOURCES = new Set(['Build.SourcesDirectory', 'System.DefaultWorkingDirectory', 'Build.Repository.LocalPath']);

/**
 * Values for the predefined variables Azure fixes for a whole run (../../analyze/hosts/run-constants.ts),
 * as macros and in the environment: made up here, but one value in every step of both pipelines.
 */
const RUN_VALUES: Record<string, string> = {
  'Build.BuildId': RUN.number,
  'Build.SourceVersion': RUN.commit,
  'Build.SourceBranch': `refs/heads/${RUN.branch}`,
  'Build.SourceBranchName': RUN.branch,
  'Build.Repository.Name': RUN.repository,
  'Build.DefinitionName': 'verify',
  'Build.Reason': 'Manual',
  'System.TeamProject': 'project',
  'System.DefinitionId': RUN.number,
};

/** `text` with its macros replaced, or why it cannot be. */
function macros(text: string, job: AzureJob, dir: string): string | { none: string } {
  if (/\$\[|\$\{\{/.test(text)) return { none: 'uses template or runtime expressions, which only Azure Pipelines evaluates' };
  let why: string | null = null;
  const out = text.replace(/\$\(([A-Za-z_][\w.-]*)\)/g, (m, name: string) => {
    if (SOURCES.has(name)) return dir;
    if (Object.hasOwn(RUN_VALUES, name)) return RUN_VALUES[name]!;
    const known = job.vars?.get(name);
    if (typeof known === 'string') return known;
    if (known === null || name.includes('.') || job.vars === null) why ??= `uses $(${name}), which only Azure Pipelines gives`;
    return m; // a command substitution
  });
  return why === null ? out : { none: why };
}

/** The argv running a step's body in its shell, or null for a step that is not a shell step. */
function shellOf(step: Obj, job: AzureJob): { argv: (body: string) => string[]; body: unknown } | { none: string } | null {
  if ('bash' in step) return { argv: (b) => ['bash', '--noprofile', '--norc', '-c', b], body: step['bash'] };
  if ('script' in step) {
    if (bashAgent(job.pool) !== true) return { none: 'runs script: on an agent that is not Linux or macOS' };
    return { argv: (b) => ['bash', '--noprofile', '--norc', '-c', b], body: step['script'] };
  }
  for (const key of ['pwsh', 'powershell']) {
    if (key in step) {
      const wrap = (b: string) => `$ErrorActionPreference = 'Stop'\n${b}\nif (Test-Path -LiteralPath variable:\\LASTEXITCODE) { exit $LASTEXITCODE }`;
      return { argv: (b) => ['pwsh', '-NoLogo', '-NoProfile', '-NonInteractive', '-Command', wrap(b)], body: step[key] };
    }
  }
  return null;
}

/** Azure Pipelines job `job` (`Job` for root steps, `STAGE.JOB` in a stage) of `text`, run from `dir`, or why it cannot run here. */
export function azureSteps(text: string, job: string, dir: string): EntryStep[] | { none: string } {
  const doc = yaml().parseDocument(text);
  const why = (w: string) => ({ none: `azure-pipelines.yml job ${job} ${w}` });
  const j = isMap(doc.contents) ? azureJobs(doc.contents).find((x) => x.name === job) : undefined;
  if (!j || !isSeq(j.steps)) return why('is not in the file');
  const env: Record<string, string> = { TF_BUILD: 'True', BUILD_SOURCESDIRECTORY: dir, SYSTEM_DEFAULTWORKINGDIRECTORY: dir, BUILD_REPOSITORY_LOCALPATH: dir };
  for (const [k, v] of Object.entries(RUN_VALUES)) env[envVar(k)] = v;
  for (const [k, v] of j.vars ?? []) if (v !== null) env[envVar(k)] = v;
  const out: EntryStep[] = [];
  for (const [k, node] of j.steps.items.entries()) {
    const step = obj((node as { toJSON?: () => unknown }).toJSON?.());
    const label = `step ${k + 1}${typeof step['displayName'] === 'string' ? ` (${step['displayName']})` : ''}`;
    if (step['enabled'] === false) continue;
    if ('checkout' in step) {
      if (step['checkout'] !== 'self') return why(`${label} checks out ${String(step['checkout'])}`);
      continue;
    }
    if ('publish' in step) continue; // uploads a pipeline artifact: changes nothing here
    if (step['condition'] !== undefined && String(step['condition']).replace(/\s/g, '') !== 'succeeded()') return why(`${label} has a condition, which only Azure Pipelines evaluates`);
    if (step['continueOnError'] === true) return why(`${label} continues on error`);
    const shell = shellOf(step, j);
    if (shell === null) return why(`${label} runs ${Object.keys(step)[0] ?? 'a step'}, which cannot run here`);
    if ('none' in shell) return why(`${label} ${shell.none}`);
    if (typeof shell.body !== 'string') return why(`${label} has no script`);
    const body = macros(shell.body, j, dir);
    if (typeof body !== 'string') return why(`${label} ${body.none}`);
    const stepEnv: Record<string, string> = {};
    for (const [name, value] of Object.entries(obj(step['env']))) {
      const v = macros(String(value), j, dir);
      if (typeof v !== 'string') return why(`${label} ${v.none}`);
      stepEnv[name] = v;
    }
    const wd = macros(String(step['workingDirectory'] ?? '.'), j, dir);
    if (typeof wd !== 'string') return why(`${label} ${wd.none}`);
    const rel = path.relative(dir, path.resolve(dir, wd));
    if (rel.startsWith('..') || path.isAbsolute(rel)) return why(`${label} runs outside the sources folder (${wd})`);
    out.push({ argv: shell.argv(body), cwd: rel.split(path.sep).join('/'), env: { ...env, ...stepEnv }, label });
  }
  return out;
}
