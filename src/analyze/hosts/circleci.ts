/**
 * CircleCI (`.circleci/config.yml`), read with the `yaml` Document API (comments and layout
 * kept): every `run:` step of a job is its own shell (bash by default), in the job's
 * `working_directory` (where `checkout` puts the repository) or the step's own, with the job's
 * and step's `environment:`. A job's steps are one sequence.
 */
import type { Scalar, YAMLMap } from 'yaml';
import { diag, type Diagnostic } from '../../model/diagnostics.js';
import type { Branch } from '../../model/script.js';
import { resolveRel } from '../../model/paths.js';
import { LineIndex } from '../../model/text.js';
import { composeEmbedded, type EmbeddedScript, type Snippet, type UnreadStep } from '../embedded.js';
import { decodeScalar, isMap, isScalar, isSeq, itemLines, staticEnv, stepTimeout, undecodableStep } from './ci-yaml.js';
import { yaml } from './yaml-module.js';

const DEFAULT_WORKDIR = '~/project';

/** The repository-relative folder a step runs in, or null when it is not known. */
function stepCwd(jobDir: string, checkoutElsewhere: boolean, wd: unknown): string | null {
  if (checkoutElsewhere) return null;
  if (wd === undefined || wd === null) return '';
  const dir = isScalar(wd) ? String(wd.value) : null;
  if (dir === null || dir.includes('<<') || dir.includes('$')) return null;
  if (dir === jobDir) return '';
  if (dir.startsWith(`${jobDir}/`)) return resolveRel('', dir.slice(jobDir.length + 1));
  if (dir.startsWith('/') || dir.startsWith('~')) return null;
  const rel = resolveRel('', dir);
  return rel.startsWith('..') ? null : rel;
}

/** `sh` for a step bash or sh runs, else the shell that runs it. */
function shellOf(step: YAMLMap | null, job: YAMLMap): string {
  const named = step?.get('shell') ?? job.get('shell');
  if (named !== undefined && named !== null) return /^(\/bin\/|\/usr\/bin\/)?(bash|sh)\b/.test(String(named)) ? 'sh' : String(named).split(/\s/)[0]!;
  const executor = job.get('executor');
  const name = isMap(executor) ? String(executor.get('name') ?? '') : String(executor ?? '');
  return /win/i.test(name) ? 'PowerShell (the default shell of Windows executors)' : 'sh';
}

/** Whether a step's shell starts with errexit on: CircleCI's default `/bin/bash -eo pipefail` does, a `shell:` of its own when it passes `-e`. */
function stepErrexit(step: YAMLMap | null, job: YAMLMap): boolean {
  const named = step?.get('shell') ?? job.get('shell');
  if (named === undefined || named === null) return true;
  return /(^|\s)-[a-zA-Z]*e[a-zA-Z]*(\s|$)/.test(String(named));
}

export function parseCircleCi(file: string, text: string): { script: EmbeddedScript | null; diagnostics: Diagnostic[] } {
  const doc = yaml().parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length > 0) {
    return { script: null, diagnostics: [diag('SHELL_PARSE_ERROR', 'warning', `cannot parse ${file} as YAML (${doc.errors[0]!.message.split('\n')[0]}); it was not analysed`, { file, hint: 'Fix the YAML, then run the tool again.' })] };
  }
  const root = doc.contents;
  const jobs = isMap(root) ? root.get('jobs', true) : null;
  if (!isMap(jobs)) return { script: null, diagnostics: [] };
  const snippets: Snippet[] = [];
  const groups: number[][] = [];
  const names: string[] = [];
  const unread: UnreadStep[] = [];
  const lines = new LineIndex(text);
  const exprs = { n: 0 };
  for (const jp of jobs.items) {
    const job = jp.value;
    const steps = isMap(job) ? job.get('steps', true) : null;
    if (!isMap(job) || !isSeq(steps)) continue;
    const jobName = String(isScalar(jp.key) ? jp.key.value : '?');
    const jobDir = String(job.get('working_directory') ?? DEFAULT_WORKDIR);
    const jobEnv = staticEnv(job.get('environment', true), new Map());
    // `checkout: { path: … }` puts the repository somewhere else: folders are then not known.
    const checkoutElsewhere = steps.items.some((s) => {
      const checkout = isMap(s) ? s.get('checkout', true) : null;
      return isMap(checkout) && checkout.has('path');
    });
    const group: number[] = [];
    steps.items.forEach((step, k) => {
      if (!isMap(step) || !step.range) return;
      // `- when:`/`- unless:` hold steps that run only on some pipelines: not followed.
      const gate = ['when', 'unless'].find((g) => step.has(g));
      if (gate) {
        if (JSON.stringify(step.toJSON()).includes('docker')) {
          unread.push({ sequence: groups.length, diagnostic: diag('SHELL_NOT_READ', 'warning', `${file} job ${jobName} step ${k + 1} is a \`${gate}:\` step that runs docker only on some pipelines; the tool does not read its steps, so their commands were not followed`, { file, line: lines.lineOf(step.range[0]), hint: 'Migrate this job by hand, or move the builder pattern\'s docker commands out of the conditional step.' }) });
        }
        return;
      }
      const run = step.get('run', true);
      const detail = isMap(run) ? run : null;
      const command = (detail ? detail.get('command', true) : run) as Scalar | undefined;
      if (!isScalar(command) || typeof command.value !== 'string' || !command.range) return;
      const label = `${file} job ${jobName} step ${k + 1}`;
      const shell = shellOf(detail, job);
      // `<< parameters.x >>` and `<< pipeline.… >>` are substituted before the shell runs; a
      // shell reading would take them for here-documents.
      const why = shell !== 'sh' ? shell : /<<\s*(pipeline|parameters)\./.test(command.value) ? 'a command with `<< … >>` parameters' : null;
      if (why !== null) {
        if (command.value.includes('docker')) {
          unread.push({ sequence: groups.length, diagnostic: diag('SHELL_NOT_READ', 'warning', `${label} runs docker in ${why}, which the tool does not read; its commands were not followed`, { file, line: lines.lineOf(command.range[0]), hint: 'Run the docker commands of the builder pattern from a plain bash step, or migrate this job by hand.' }) });
        }
        return;
      }
      const decoded = decodeScalar(text, command, exprs);
      if (!decoded) {
        const d = undecodableStep(command, file, lines.lineOf(command.range[0]), label);
        if (d) unread.push({ sequence: groups.length, diagnostic: d });
        return;
      }
      const cwd = stepCwd(jobDir, checkoutElsewhere, detail?.get('working_directory', true));
      const vars = staticEnv(detail?.get('environment', true), jobEnv);
      group.push(snippets.length);
      const branches = circleciStepWhen(detail, jobName, k + 1);
      // Without `no_output_timeout` a run step is killed after 10 minutes without output: a limit too.
      const limit = stepTimeout(detail, 'no_output_timeout');
      snippets.push({ ...decoded, cwd, vars, remove: [{ ...itemLines(text, step.range[0], step.range[1]), text: '' }], label, ...(branches ? { branches } : {}), ...(stepErrexit(detail, job) ? { errexit: true } : {}), ...(detail?.get('when') === 'always' ? { afterFailure: true } : {}), ...(detail?.get('when') === 'on_fail' ? { onlyAfterFailure: true } : {}), timeout: limit !== null ? `no_output_timeout: ${limit}` : 'no_output_timeout: 10m (CircleCI\'s default)' });
    });
    groups.push(group);
    names.push(jobName);
  }
  const { script, diagnostics } = composeEmbedded(file, 'circleci', text, snippets, groups);
  script.entries = names;
  if (unread.length > 0) script.unread = unread;
  return { script, diagnostics };
}

/**
 * A run step's `when:` (on_success, the default; always; on_fail): a step that runs only after
 * an earlier one failed is in a branch of its own (src/analyze/conditions.ts), so a setup
 * with a step there is refused (CONDITIONAL_STEP). `always` also runs on every successful run.
 */
function circleciStepWhen(detail: YAMLMap | null, job: string, stepNo: number): Branch[] | undefined {
  const when = detail?.get('when');
  if (when === undefined || when === null || when === 'on_success' || when === 'always') return undefined;
  return [{ id: `circleci-when:${job}:step${stepNo}`, where: `in a step with \`when: ${String(when)}\` (it runs only after an earlier step failed)` }];
}
