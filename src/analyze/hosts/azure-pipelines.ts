/**
 * Azure Pipelines (`azure-pipelines.yml`), read with the `yaml` Document API (comments and
 * layout kept): `bash:` steps and `Bash@3` inline scripts, and `script:` steps and `CmdLine@2`
 * scripts on Linux and macOS agents (where bash runs them), each its own shell from the sources
 * folder (or its `workingDirectory`), with the step's `env:`. A job's steps are one sequence
 * (each hook of a deployment job's strategy is a job of its own); jobs on the project's own
 * agents that do not clean their folder may share it (sharesWorkspace). A `##vso[task.setvariable]`
 * an earlier step prints (or a repository script it runs, or a task known to set variables:
 * ./azure-set-variables.ts) leaves that variable only known at run time in the later steps. `pwsh:`/`powershell:` steps and `PowerShell@2`
 * inline scripts are read by the PowerShell reader (powershell-steps.ts). `script:` on Windows
 * or unknown agents (cmd.exe there) and other tasks are not read; one that mentions docker
 * refuses a setup in its job. Macros `$(name)` are substituted before the shell runs: they are
 * read as variables, with the value `variables:` gives them when it is static.
 */
import type { Scalar, YAMLMap } from 'yaml';
import { diag, type Diagnostic } from '../../model/diagnostics.js';
import { resolveRel } from '../../model/paths.js';
import { LineIndex } from '../../model/text.js';
import { composeEmbedded, type EmbeddedScript, type Snippet, type UnreadStep } from '../embedded.js';
import { decodeScalar, isMap, isScalar, isSeq, itemLines, staticEnv, stepContinuesOnError, stepTimeout, standInProgram, substituteSpans, undecodableStep, unparsedPowerShell, type Decoded } from './ci-yaml.js';
import type { PsSnippet } from './powershell.js';
import { finishPowerShell, powerShellStep } from './powershell-steps.js';
import { azureStepCondition } from './step-conditions.js';
import { yaml } from './yaml-module.js';
import { AZURE_RUN_VARIABLES, jobWideVersions, stepEnvVersions } from './run-constants.js';
import { commandsSetVariables, taskSetVariables, textSetVariables } from './azure-set-variables.js';
import { parseShell } from '../shell.js';
import { textOf } from '../step-env-files.js';
import type { RepoFs } from '../../model/fs.js';

const SOURCES = /^\$\((Build\.SourcesDirectory|System\.DefaultWorkingDirectory|Build\.Repository\.LocalPath)\)(\/|$)/;

/** The shell variable a macro is read as (`$(image.tag)` → `${__azp_image_tag}`). */
export const macroVar = (name: string) => `__azp_${name.replace(/\W/g, '_')}`;

/** The environment variable a pipeline variable is also given as (`Build.SourceVersion` → `BUILD_SOURCEVERSION`). */
export const envVar = (name: string) => name.toUpperCase().replace(/\./g, '_');

/** A template expression used as a key: a conditional insertion or a loop (`${{ if … }}:`, `${{ each … }}:`), which Azure expands at compile time. */
const insertion = (m: YAMLMap): boolean => m.items.some((p) => isScalar(p.key) && String(p.key.value).trimStart().startsWith('${{'));

/**
 * Pipeline `variables:` (a map, or a list of `name`/`value` entries); null: some come from
 * elsewhere (a group, a template) or are set by a conditional insertion or loop (`${{ if … }}:`
 * redefining a name on some branches), so no value is known.
 */
export function pipelineVariables(node: unknown, into: Map<string, string | null> | null): Map<string, string | null> | null {
  if (into === null) return null;
  const out = new Map(into);
  const set = (k: string, v: unknown) => out.set(k, isScalar(v) && !String(v.value).includes('$') ? String(v.value) : null);
  if (isMap(node)) {
    if (insertion(node)) return null;
    for (const p of node.items) set(String(isScalar(p.key) ? p.key.value : ''), p.value);
  } else if (isSeq(node)) {
    for (const e of node.items) {
      if (!isMap(e)) return null;
      if (e.has('group') || e.has('template') || insertion(e)) return null;
      if (e.has('name')) set(String(e.get('name')), e.get('value', true));
    }
  } else if (node !== undefined && node !== null) return null;
  return out;
}

/**
 * Replaces each macro `$(name)` of the shell text by a variable reference, with the map back to
 * the file kept (every character of the reference maps to the macro's start). A one-word
 * `$(cmd)` that is no known variable stays a command substitution when every variable is known.
 */
function withMacros(d: Decoded, known: Map<string, string | null> | null): Decoded {
  const macro = /\$\(([A-Za-z_][\w.-]*)\)/y;
  return substituteSpans(d, (shell, i) => {
    macro.lastIndex = i;
    const m = macro.exec(shell);
    return m && (m[1]!.includes('.') || known === null || known.has(m[1]!)) ? { end: i + m[0].length, text: `\${${macroVar(m[1]!)}}` } : null;
  });
}

/** Linux or macOS agent: `script:` runs in bash. Null when the agent's OS is not known. */
export function bashAgent(pool: unknown): boolean | null {
  if (pool === undefined || pool === null) return true; // the hosted default, ubuntu-latest
  const image = isMap(pool) ? pool.get('vmImage') : null;
  if (typeof image !== 'string' || image.includes('$')) return null;
  if (/windows|vs20\d\d|win/i.test(image)) return false;
  return /ubuntu|macos/i.test(image) ? true : null;
}

/** A step's `workingDirectory` as a repository folder ('' the sources folder), null when not known. */
function workingDirOf(wd: unknown): string | null {
  return wd === undefined ? '' : typeof wd === 'string' && SOURCES.test(wd) ? resolveRel('', wd.replace(SOURCES, '') || '.') : typeof wd === 'string' && !wd.includes('$') && !wd.startsWith('/') ? resolveRel('', wd) : null;
}

/**
 * The PowerShell a step runs inline: a `pwsh:` or `powershell:` step, or a `PowerShell@2` task
 * whose `inputs:` give an inline `script:` (`targetType: inline`), with its working directory.
 */
function powerShellBody(step: YAMLMap, key: string): { body: Scalar; workingDirectory: unknown; ignoreLastExitCode: boolean | null } | null {
  if (key === 'pwsh' || key === 'powershell') {
    const body = step.get(key, true);
    return isScalar(body) && typeof body.value === 'string' && body.range ? { body, workingDirectory: step.get('workingDirectory'), ignoreLastExitCode: flagOf(step.get('ignoreLASTEXITCODE')) } : null;
  }
  if (key !== 'task' || !/^PowerShell@2$/i.test(String(step.get('task')))) return null;
  const inputs = step.get('inputs', true);
  if (!isMap(inputs) || String(inputs.get('targetType') ?? 'filePath').toLowerCase() !== 'inline') return null;
  const body = inputs.get('script', true);
  return isScalar(body) && typeof body.value === 'string' && body.range ? { body, workingDirectory: inputs.get('workingDirectory'), ignoreLastExitCode: flagOf(inputs.get('ignoreLASTEXITCODE')) } : null;
}

/** A boolean step setting or task input (absent: false); null when only known at run time (a macro, an expression). */
function flagOf(v: unknown): boolean | null {
  if (v === undefined || v === null || v === false) return false;
  if (v === true) return true;
  const t = String(v).trim().toLowerCase();
  return t === 'true' ? true : t === 'false' || t === '' ? false : null;
}

/**
 * The shell text a step runs inline, with its working directory: a `bash:` step, a `script:`
 * step, a `Bash@3` task's inline `script:` input (`targetType: inline`; bash on every agent) or
 * a `CmdLine@2` task's `script:` input (bash on Linux and macOS agents, cmd.exe on Windows, as
 * `script:`), each task with its `workingDirectory` input. Null for any other step.
 */
function shellBody(step: YAMLMap, key: string): { body: unknown; workingDirectory: unknown; as: 'bash' | 'script' } | null {
  if (key === 'bash' || key === 'script') return { body: step.get(key, true), workingDirectory: step.get('workingDirectory'), as: key };
  if (key !== 'task') return null;
  const task = String(step.get('task'));
  const inputs = step.get('inputs', true);
  if (!isMap(inputs)) return null;
  if (/^Bash@3$/i.test(task) && String(inputs.get('targetType') ?? 'filePath').toLowerCase() === 'inline') return { body: inputs.get('script', true), workingDirectory: inputs.get('workingDirectory'), as: 'bash' };
  if (/^CmdLine@2$/i.test(task)) return { body: inputs.get('script', true), workingDirectory: inputs.get('workingDirectory'), as: 'script' };
  return null;
}

/**
 * The variables a step sets for the later steps of its job by printing a logging command
 * (`##vso[task.setvariable variable=NAME]VALUE`) anywhere in its text; null when one names a
 * variable the tool cannot read (`variable=$NAME`), which may be any.
 */
export const setVariables = (step: YAMLMap): string[] | null => textSetVariables(JSON.stringify(step.toJSON()));

export interface AzureJob {
  steps: unknown;
  pool: unknown;
  /** `Job` for root `steps:` (Azure's name for the implicit job), `STAGE.JOB` inside a stage; a deployment job's hook `STAGE.JOB.deploy`. */
  name: string;
  vars: Map<string, string | null> | null;
  /** The job's `workspace: clean:` value, where it sets one. */
  clean?: unknown;
  /** A deployment job's hook: with no pool anywhere, its steps may run on an environment's virtual machine. */
  deployment?: true;
  /** A `- template:` item of `jobs:` or `stages:`: jobs from another file, at this offset (no steps read). */
  template?: { path: string; at: number };
}

/** The lifecycle hooks of a deployment job's strategies (each run as an agent job of its own), in the order they run. */
const HOOKS = ['preDeploy', 'deploy', 'routeTraffic', 'postRouteTraffic'];

/** The jobs of a pipeline, in file order, with the variables each sees (null: some come from elsewhere). */
export function azureJobs(root: YAMLMap): AzureJob[] {
  const vars = pipelineVariables(root.get('variables', true), new Map());
  const out: AzureJob[] = [];
  const templateOf = (j: YAMLMap, pool: unknown, scope: Map<string, string | null> | null, stage: string | null) => {
    const path = String(j.get('template'));
    out.push({ steps: undefined, pool, name: `${stage === null ? '' : `${stage}.`}template ${path}`, vars: scope, template: { path, at: j.range?.[0] ?? 0 } });
  };
  const fromJobs = (jobs: unknown, pool: unknown, scope: Map<string, string | null> | null, stage: string | null) => {
    if (!isSeq(jobs)) return;
    for (const j of jobs.items) {
      if (!isMap(j)) continue;
      if (j.has('template')) templateOf(j, pool, scope, stage);
      if (!j.has('job') && !j.has('deployment')) continue;
      const name = stage === null ? String(j.get('job') ?? j.get('deployment')) : `${stage}.${String(j.get('job') ?? j.get('deployment'))}`;
      const jobVars = pipelineVariables(j.get('variables', true), scope);
      const jobPool = j.get('pool', true) ?? pool;
      if (j.has('job')) {
        out.push({ steps: j.get('steps', true), pool: jobPool, name, vars: matrixVariables(j.get('strategy', true), jobVars), clean: workspaceClean(j) });
        continue;
      }
      // A deployment job: each hook of its strategy (runOnce, rolling, canary) is a job of its own, with a pool of its own or the job's.
      const strategy = j.get('strategy', true);
      for (const [kind, hooks] of isMap(strategy) ? strategy.items.map((p) => [String(isScalar(p.key) ? p.key.value : ''), p.value] as const) : []) {
        if (!isMap(hooks)) continue;
        const on = hooks.get('on', true);
        const named: [string, unknown][] = [...HOOKS.map((h) => [h, hooks.get(h, true)] as [string, unknown]), ...(isMap(on) ? (['failure', 'success'] as const).map((h) => [`on.${h}`, on.get(h, true)] as [string, unknown]) : [])];
        for (const [hook, node] of named) {
          if (!isMap(node)) continue;
          out.push({ steps: node.get('steps', true), pool: node.get('pool', true) ?? jobPool, name: `${name}.${kind}.${hook}`, vars: jobVars, clean: workspaceClean(j), deployment: true });
        }
      }
    }
  };
  const pool = root.get('pool', true);
  if (root.has('steps')) out.push({ steps: root.get('steps', true), pool, name: 'Job', vars, clean: workspaceClean(root) });
  fromJobs(root.get('jobs', true), pool, vars, null);
  const stages = root.get('stages', true);
  if (isSeq(stages)) {
    for (const s of stages.items) {
      if (!isMap(s)) continue;
      if (s.has('template')) templateOf(s, pool, vars, null);
      else fromJobs(s.get('jobs', true), s.get('pool', true) ?? pool, pipelineVariables(s.get('variables', true), vars), String(s.get('stage') ?? '?'));
    }
  }
  return out;
}

const workspaceClean = (m: YAMLMap): unknown => {
  const w = m.get('workspace', true);
  return isMap(w) ? w.get('clean') : undefined;
};

/**
 * Whether a job may run in a working folder another job of the run used, with the files that
 * job left: a pool of agents the project keeps (`pool: NAME`, `pool: {name: NAME}` without a
 * `vmImage`, or a deployment job's hook with no pool anywhere, whose steps may run on an
 * environment's virtual machine) reuses the pipeline's folder on an agent from one job to the
 * next, and keeps files the repository does not track unless the job cleans them
 * (`workspace: clean: all` or `resources`, or its `checkout: self` step's `clean: true`; a value
 * only known at run time does not count). A Microsoft-hosted agent (`vmImage`, or no pool:
 * ubuntu-latest) is a fresh machine for every job.
 */
export function sharesWorkspace(job: AzureJob): boolean {
  const pool = job.pool;
  const hosted = pool === undefined || pool === null ? !job.deployment : isMap(pool) && typeof pool.get('vmImage') === 'string' && (!pool.has('name') || /^Azure Pipelines$/i.test(String(pool.get('name'))));
  if (hosted) return false;
  if (typeof job.clean === 'string' && /^(all|resources)$/i.test(job.clean)) return false;
  const steps = isSeq(job.steps) ? job.steps.items : [];
  return !steps.some((st) => isMap(st) && String(st.get('checkout')) === 'self' && (st.get('clean') === true || String(st.get('clean')).toLowerCase() === 'true'));
}

/**
 * A job's `strategy: matrix:` runs it once per leg, each leg's variables overriding the others:
 * a name any leg sets has no one value (null); a matrix written as an expression, or through an
 * insertion, may set any name (null for all).
 */
function matrixVariables(strategy: unknown, vars: Map<string, string | null> | null): Map<string, string | null> | null {
  const matrix = isMap(strategy) ? strategy.get('matrix', true) : undefined;
  if (matrix === undefined || matrix === null || vars === null) return vars;
  if (!isMap(matrix) || insertion(matrix)) return null;
  const out = new Map(vars);
  for (const leg of matrix.items) {
    if (!isMap(leg.value) || insertion(leg.value)) return null;
    for (const p of leg.value.items) out.set(String(isScalar(p.key) ? p.key.value : ''), null);
  }
  return out;
}

export function parseAzurePipelines(file: string, text: string, fs?: RepoFs): { script: EmbeddedScript | null; diagnostics: Diagnostic[] } {
  const doc = yaml().parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length > 0) {
    return { script: null, diagnostics: [diag('SHELL_PARSE_ERROR', 'warning', `cannot parse ${file} as YAML (${doc.errors[0]!.message.split('\n')[0]}); it was not analysed`, { file, hint: 'Fix the YAML, then run the tool again.' })] };
  }
  const root = doc.contents;
  if (!isMap(root)) return { script: null, diagnostics: [] };
  const snippets: Snippet[] = [];
  const groups: number[][] = [];
  const unread: UnreadStep[] = [];
  const lines = new LineIndex(text);
  const exprs = { n: 0 };
  const psRead: PsSnippet[] = [];
  const psDiagnostics: Diagnostic[] = [];
  const names: string[] = [];
  const shared: boolean[] = [];
  const templates: NonNullable<AzureJob['template']>[] = [];
  for (const job of azureJobs(root)) {
    if (job.template) templates.push(job.template);
    if (!isSeq(job.steps)) continue;
    const group: number[] = [];
    const onBash = bashAgent(job.pool);
    // Pipeline variables reach the shell as macros and as environment variables (NAME_WITH_UNDERSCORES).
    let vars = job.vars;
    let env = new Map<string, string | null>();
    for (const [k, v] of vars ?? []) {
      env.set(macroVar(k), v);
      env.set(envVar(k), v);
    }
    // A step that prints `##vso[task.setvariable variable=NAME]…` sets NAME for the later steps:
    // its value there is only known at run time (a name the tool cannot read: any name).
    // So does a repository script it runs, and a task known to set variables (./azure-set-variables.ts).
    let ranShell: { shell: string; cwd: string | null }[] = [];
    // (steps after one that may set variables for the later ones read a step `env:` anew)
    let setEpoch = 0;
    let ranPowerShell = false;
    const afterStep = (step: YAMLMap) => {
      const read = fs ? textOf(fs) : null;
      const commands = read ? ranShell.flatMap((r) => parseShell(file, r.shell, { cwd: r.cwd }).script?.commands ?? []) : [];
      const inTask = step.has('task') && read ? taskSetVariables(step, read) : [];
      const own = setVariables(step);
      const ran = read && own !== null && inTask !== null ? commandsSetVariables(commands, read, 0, !ranPowerShell) : [];
      const set = own === null || inTask === null || ran === null ? null : [...own, ...inTask, ...ran];
      if (set === null || set.length > 0) setEpoch++;
      if (set === null) {
        vars = null;
        env = new Map();
        return;
      }
      if (set.length === 0) return;
      // (names are case-insensitive: each spelling the variables have goes too)
      const spellings = set.flatMap((name) => [name, ...[...(vars?.keys() ?? [])].filter((k) => k.toLowerCase() === name.toLowerCase())]);
      if (vars !== null) {
        vars = new Map(vars);
        for (const k of spellings) vars.set(k, null);
      }
      env = new Map(env);
      for (const k of spellings) {
        env.set(macroVar(k), null);
        env.set(envVar(k), null);
      }
    };
    job.steps.items.forEach((step, k) => {
      if (!isMap(step) || !step.range) return;
      ranShell = [];
      ranPowerShell = false;
      readJobStep(step, k);
      afterStep(step);
    });
    function readJobStep(step: YAMLMap, k: number): void {
      if (!step.range) return;
      // `- template: steps.yml` and `- ${{ if … }}:` / `- ${{ each … }}:` insert steps at compile
      // time, which the tool does not read: they may use the artifact or the builder image.
      const inserted = step.has('template') ? `inserts the steps of the template ${String(step.get('template'))}` : insertion(step) ? 'inserts steps through a template expression (`${{ if … }}:`, `${{ each … }}:`)' : null;
      if (inserted) {
        unread.push({ sequence: groups.length, diagnostic: diag('SHELL_NOT_READ', 'warning', `${file} job ${job.name} step ${k + 1} ${inserted}, which the tool does not read: they may use the artifact or the builder image, so the job's steps were not followed`, { file, line: lines.lineOf(step.range[0]), hint: 'Write the inserted steps out in the job, or migrate this job by hand.' }) });
        return;
      }
      const first = snippets.length;
      readStep(step, k);
      const branches = azureStepCondition(step, job.name, k + 1);
      if (branches) for (const sn of snippets.slice(first)) sn.branches = branches;
      // `continueOnError: true` (or an expression): a failing step leaves the job "partially
      // succeeded", which later jobs' default `succeeded()` counts as success.
      if (stepContinuesOnError(step, 'continueOnError')) for (const sn of snippets.slice(first)) sn.goesOnAfterFailure = true;
      const condition = step.get('condition');
      if (typeof condition === 'string' && /\bfailed\s*\(/.test(condition) && !/\b(always|succeeded|succeededOrFailed)\s*\(/.test(condition)) for (const sn of snippets.slice(first)) sn.onlyAfterFailure = true;
      const limit = stepTimeout(step, 'timeoutInMinutes');
      if (limit !== null) for (const sn of snippets.slice(first)) sn.timeout = `timeoutInMinutes: ${limit}`;
      // A step tried again when it fails: a compile moving into or out of it is retried otherwise than before.
      const retry = step.get('retryCountOnTaskFailure');
      if (retry !== undefined && retry !== null && String(retry) !== '0') for (const sn of snippets.slice(first)) sn.wrappedBy = `retryCountOnTaskFailure: ${String(retry)}`;
    }
    function readStep(step: YAMLMap, k: number): void {
      if (!step.range) return;
      const label = `${file} job ${job.name} step ${k + 1}`;
      const key = ['bash', 'script', 'pwsh', 'powershell', 'task'].find((x) => step.has(x));
      if (!key) return;
      const ps = powerShellBody(step, key);
      if (ps) {
        const decoded = decodeScalar(text, ps.body, exprs);
        const cwd = workingDirOf(ps.workingDirectory);
        if (decoded) {
          const r = powerShellStep(file, text, { decoded: withMacros(decoded, vars), cwd, vars: staticEnv(step.get('env', true), env), label, remove: [{ ...itemLines(text, step.range[0], step.range[1]), text: '' }], ignoreLastExitCode: ps.ignoreLastExitCode }, snippets, psRead, fs);
          if (unparsedPowerShell(r)) {
            // PowerShell the grammar cannot read still runs: with docker in it, its job's setups
            // refuse; without, it is a program the tool does not model, which may read or write
            // the files in its folder.
            psDiagnostics.push(...r.diagnostics);
            if (/docker/i.test(decoded.shell)) unread.push({ sequence: groups.length, diagnostic: diag('SHELL_NOT_READ', 'warning', `${label} runs docker in PowerShell the tool cannot parse; its commands were not followed`, { file, line: lines.lineOf(step.range[0]), hint: 'Rewrite the statement the tool cannot parse, or run the docker commands of the builder pattern from a bash: step, or migrate this job by hand.' }) });
            else {
              group.push(snippets.length);
              snippets.push(standInProgram(`shell:${key}`, step.range[0], cwd, staticEnv(step.get('env', true), env), label, `${label} is PowerShell the tool cannot parse`));
            }
            return;
          }
          group.push(...r.ids);
          // (read as shell text, for the scripts it runs)
          ranShell = r.ids.map((id) => ({ shell: snippets[id]!.shell, cwd: snippets[id]!.cwd }));
          ranPowerShell = true;
          psDiagnostics.push(...r.diagnostics);
          return;
        }
      }
      const inline = shellBody(step, key);
      const shell = inline?.as === 'bash' || (inline?.as === 'script' && onBash === true) ? 'sh' : inline?.as === 'script' ? (onBash === false ? `cmd.exe (${key === 'task' ? String(step.get('task')) : 'script:'} on a Windows agent)` : `${key === 'task' ? String(step.get('task')) : 'script:'} on an agent whose OS is not known`) : key === 'task' ? `a task (${String(step.get('task'))})` : key;
      const body = inline?.body;
      if (shell !== 'sh' || !isScalar(body) || typeof body.value !== 'string' || !body.range) {
        if (/docker/i.test(JSON.stringify(step.toJSON()))) {
          unread.push({ sequence: groups.length, diagnostic: diag('SHELL_NOT_READ', 'warning', `${label} runs docker in ${shell}, which the tool does not read; its commands were not followed`, { file, line: lines.lineOf(step.range[0]), hint: 'Run the docker commands of the builder pattern from a bash: step, or migrate this job by hand.' }) });
        }
        return;
      }
      const decoded = decodeScalar(text, body, exprs);
      if (!decoded) {
        const d = undecodableStep(body, file, lines.lineOf(body.range[0]), label);
        if (d) unread.push({ sequence: groups.length, diagnostic: d });
        return;
      }
      const cwd = workingDirOf(inline!.workingDirectory);
      group.push(snippets.length);
      const shellText = withMacros(decoded, vars);
      ranShell = [{ shell: shellText.shell, cwd }];
      const stepVars = staticEnv(step.get('env', true), env);
      // (what Azure fixes for the run, `$(Build.SourceVersion)`, is one value in every step: ./run-constants.ts)
      const versions = jobWideVersions(`${file}#step@${step.range[0]}`, `${file}#job:${job.name}`, stepVars, AZURE_RUN_VARIABLES.flatMap((n) => [macroVar(n), envVar(n)]));
      // (a build-environment variable the step's own `env:` sets to a value only known at run time,
      // `$(remoteHost)`, is one value in the steps that give it the same text, until a step that
      // may set variables for the later ones)
      stepEnvVersions(versions, step.get('env', true), stepVars, () => `${file}#job:${job.name}.step-env@${setEpoch}`);
      snippets.push({ ...shellText, cwd, vars: stepVars, versions, remove: [{ ...itemLines(text, step.range[0], step.range[1]), text: '' }], label });
    }
    groups.push(group);
    names.push(job.name);
    shared.push(sharesWorkspace(job));
  }
  // Jobs a `- template:` of `jobs:` or `stages:` inserts are not read: where a job may leave its
  // files to the next job on its agent, they may run there and use the artifact it leaves.
  for (const t of templates) {
    shared.forEach((sh, k) => {
      if (sh) unread.push({ sequence: k, diagnostic: diag('SHELL_NOT_READ', 'warning', `${file} inserts the jobs of the template ${t.path}, which the tool does not read: job ${names[k]} runs on a pool of the project's own agents without cleaning its folder, so they may run in that folder after it and use the artifact it leaves`, { file, line: lines.lineOf(t.at), hint: 'Write the template\'s jobs out in the file, clean the workspace of the job (`workspace: clean: all`), run it on a Microsoft-hosted pool (`vmImage:`), or migrate by hand.' }) });
    });
  }
  const { script, diagnostics } = composeEmbedded(file, 'azure-pipelines', text, snippets, groups);
  finishPowerShell(script, psRead);
  script.entries = names;
  if (shared.some((x) => x)) script.sharedWorkspace = shared;
  if (unread.length > 0) script.unread = unread;
  return { script, diagnostics: [...psDiagnostics, ...diagnostics] };
}
