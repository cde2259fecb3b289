/**
 * Azure Pipelines (`azure-pipelines.yml`), read with the `yaml` Document API (comments and
 * layout kept): `bash:` steps, and `script:` steps on Linux and macOS agents (where bash runs
 * them), each its own shell from the sources folder (or its `workingDirectory`), with the
 * step's `env:`. A job's steps are one sequence. `pwsh:`/`powershell:` steps and `PowerShell@2`
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
import { decodeScalar, isMap, isScalar, isSeq, itemLines, staticEnv, stepContinuesOnError, stepTimeout, substituteSpans, undecodableStep, type Decoded } from './ci-yaml.js';
import type { PsSnippet } from './powershell.js';
import { finishPowerShell, powerShellStep } from './powershell-steps.js';
import { azureStepCondition } from './step-conditions.js';
import { yaml } from './yaml-module.js';

const SOURCES = /^\$\((Build\.SourcesDirectory|System\.DefaultWorkingDirectory|Build\.Repository\.LocalPath)\)(\/|$)/;

/** The shell variable a macro is read as (`$(image.tag)` → `${__azp_image_tag}`). */
export const macroVar = (name: string) => `__azp_${name.replace(/\W/g, '_')}`;

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
function powerShellBody(step: YAMLMap, key: string): { body: Scalar; workingDirectory: unknown } | null {
  if (key === 'pwsh' || key === 'powershell') {
    const body = step.get(key, true);
    return isScalar(body) && typeof body.value === 'string' && body.range ? { body, workingDirectory: step.get('workingDirectory') } : null;
  }
  if (key !== 'task' || !/^PowerShell@2$/i.test(String(step.get('task')))) return null;
  const inputs = step.get('inputs', true);
  if (!isMap(inputs) || String(inputs.get('targetType') ?? 'filePath').toLowerCase() !== 'inline') return null;
  const body = inputs.get('script', true);
  return isScalar(body) && typeof body.value === 'string' && body.range ? { body, workingDirectory: inputs.get('workingDirectory') } : null;
}

export interface AzureJob {
  steps: unknown;
  pool: unknown;
  /** `Job` for root `steps:` (Azure's name for the implicit job), `STAGE.JOB` inside a stage. */
  name: string;
  vars: Map<string, string | null> | null;
}

/** The jobs of a pipeline, in file order, with the variables each sees (null: some come from elsewhere). */
export function azureJobs(root: YAMLMap): AzureJob[] {
  const vars = pipelineVariables(root.get('variables', true), new Map());
  const out: AzureJob[] = [];
  const fromJobs = (jobs: unknown, pool: unknown, scope: Map<string, string | null> | null, stage: string | null) => {
    if (!isSeq(jobs)) return;
    for (const j of jobs.items) {
      if (!isMap(j) || !j.has('job')) continue;
      const name = stage === null ? String(j.get('job')) : `${stage}.${String(j.get('job'))}`;
      out.push({ steps: j.get('steps', true), pool: j.get('pool', true) ?? pool, name, vars: matrixVariables(j.get('strategy', true), pipelineVariables(j.get('variables', true), scope)) });
    }
  };
  const pool = root.get('pool', true);
  if (root.has('steps')) out.push({ steps: root.get('steps', true), pool, name: 'Job', vars });
  fromJobs(root.get('jobs', true), pool, vars, null);
  const stages = root.get('stages', true);
  if (isSeq(stages)) {
    for (const s of stages.items) if (isMap(s)) fromJobs(s.get('jobs', true), s.get('pool', true) ?? pool, pipelineVariables(s.get('variables', true), vars), String(s.get('stage') ?? '?'));
  }
  return out;
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

export function parseAzurePipelines(file: string, text: string): { script: EmbeddedScript | null; diagnostics: Diagnostic[] } {
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
  for (const job of azureJobs(root)) {
    if (!isSeq(job.steps)) continue;
    const group: number[] = [];
    const onBash = bashAgent(job.pool);
    // Pipeline variables reach the shell as macros and as environment variables (NAME_WITH_UNDERSCORES).
    const env = new Map<string, string | null>();
    for (const [k, v] of job.vars ?? []) {
      env.set(macroVar(k), v);
      env.set(k.toUpperCase().replace(/\./g, '_'), v);
    }
    job.steps.items.forEach((step, k) => {
      if (!isMap(step) || !step.range) return;
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
    });
    function readStep(step: YAMLMap, k: number): void {
      if (!step.range) return;
      const label = `${file} job ${job.name} step ${k + 1}`;
      const key = ['bash', 'script', 'pwsh', 'powershell', 'task'].find((x) => step.has(x));
      if (!key) return;
      const body = step.get(key, true) as Scalar;
      const ps = powerShellBody(step, key);
      if (ps) {
        const decoded = decodeScalar(text, ps.body, exprs);
        const cwd = workingDirOf(ps.workingDirectory);
        if (decoded) {
          const r = powerShellStep(file, text, { decoded: withMacros(decoded, job.vars), cwd, vars: staticEnv(step.get('env', true), env), label, remove: [{ ...itemLines(text, step.range[0], step.range[1]), text: '' }] }, snippets, psRead);
          group.push(...r.ids);
          psDiagnostics.push(...r.diagnostics);
          return;
        }
      }
      const shell = key === 'bash' || (key === 'script' && onBash === true) ? 'sh' : key === 'script' ? (onBash === false ? 'cmd.exe (script: on a Windows agent)' : 'script: on an agent whose OS is not known') : key === 'task' ? `a task (${String(step.get('task'))})` : key;
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
      const cwd = workingDirOf(step.get('workingDirectory'));
      group.push(snippets.length);
      snippets.push({ ...withMacros(decoded, job.vars), cwd, vars: staticEnv(step.get('env', true), env), remove: [{ ...itemLines(text, step.range[0], step.range[1]), text: '' }], label });
    }
    groups.push(group);
    names.push(job.name);
  }
  const { script, diagnostics } = composeEmbedded(file, 'azure-pipelines', text, snippets, groups);
  finishPowerShell(script, psRead);
  script.entries = names;
  if (unread.length > 0) script.unread = unread;
  return { script, diagnostics: [...psDiagnostics, ...diagnostics] };
}
