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
import { decodeScalar, isMap, isScalar, isSeq, itemLines, resolveAlias, standInProgram, staticEnv, stepTimeout, undecodableStep } from './ci-yaml.js';
import { circleJobs, circleSteps, type CircleJob, type CircleStep } from './circleci-steps.js';
import { imageBuildkit } from './gitlab-docker-image.js';
import { machineBuildkit } from './circleci-machine.js';
import { yaml } from './yaml-module.js';
import { CIRCLECI_RUN_VARIABLES, jobWideVersions, stepEnvVersions } from './run-constants.js';

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

type Keys = { get(key: string): unknown };

/** `sh` for a step bash or sh runs, else the shell that runs it. */
function shellOf(step: YAMLMap | null, job: Keys): string {
  const named = scalarOf(step?.get('shell', true) ?? job.get('shell'));
  if (named !== null) return /^(\/bin\/|\/usr\/bin\/)?(bash|sh)\b/.test(named) ? 'sh' : named.split(/\s/)[0]!;
  const executor = job.get('executor');
  const name = isMap(executor) ? String(scalarOf(executor.get('name', true)) ?? '') : String(scalarOf(executor) ?? '');
  return /win/i.test(name) ? 'PowerShell (the default shell of Windows executors)' : 'sh';
}

/** Whether a step's shell starts with errexit on: CircleCI's default `/bin/bash -eo pipefail` does, a `shell:` of its own when it passes `-e`. */
function stepErrexit(step: YAMLMap | null, job: Keys): boolean {
  const named = scalarOf(step?.get('shell', true) ?? job.get('shell'));
  if (named === null) return true;
  return /(^|\s)-[a-zA-Z]*e[a-zA-Z]*(\s|$)/.test(named);
}

/**
 * A job's or step's `environment:`, each value known unless it holds `$` or a CircleCI parameter
 * (`<< pipeline.parameters.x >>`, `<< parameters.x >>`): CircleCI substitutes those before the
 * job runs, and a pipeline parameter may be given when the pipeline is triggered.
 */
function circleEnv(node: unknown, into: Map<string, string | null>): Map<string, string | null> {
  const out = staticEnv(node, into);
  if (isMap(node)) {
    for (const p of node.items) {
      const k = isScalar(p.key) ? String(p.key.value) : null;
      if (k !== null && isScalar(p.value) && String(p.value.value).includes('<<')) out.set(k, null);
    }
  }
  return out;
}

/**
 * DOCKER_BUILDKIT as a job's docker CLI gives it where the job sets none: the job's primary
 * image (the first of `docker:`) when it is an official `docker:` image, else the version
 * `setup_remote_docker` asks for; a CLI before 23 builds with the legacy builder
 * (./gitlab-docker-image.ts), which reads as DOCKER_BUILDKIT=0. And DOCKER_HOST where the
 * engine is a remote one (remoteEngine).
 */
function legacyDockerEnv(root: YAMLMap, job: CircleJob, steps: readonly CircleStep[]): { vars: Map<string, string | null>; notes: Map<string, string> } {
  const vars = new Map<string, string | null>();
  const notes = new Map<string, string>();
  const own = circleEnv(job.get('environment'), new Map());
  const executor = executorOf(root, job);
  const docker = executor.get('docker');
  remoteEngine(own, executor.get('machine'), steps, vars, notes);
  if (own.has('DOCKER_BUILDKIT')) return { vars, notes };
  const first = isSeq(docker) ? docker.items[0] : undefined;
  const image = isMap(first) ? scalarOf(first.get('image', true)) : null;
  let given = image === null ? undefined : imageBuildkit(image, new Map());
  // A machine executor builds on the docker engine of its image (./circleci-machine.ts).
  const machine = executor.get('machine');
  if (given === undefined && machine !== undefined && machine !== null) given = machineBuildkit(resolveAlias({ root }, machine));
  if (given === undefined) {
    const remote = steps.find((s) => s.kind === 'setup_remote_docker' && isMap(s.body) && s.body.has('version'));
    const version = remote && isMap(remote.body) ? scalarOf(remote.body.get('version', true)) : null;
    const read = version === null ? undefined : imageBuildkit(`docker:${version}`, new Map());
    if (read) given = { value: read.value, why: read.why.replace(/^in the job's image `docker:([^`]*)`/, 'with the docker of `setup_remote_docker: version: $1`') };
  }
  if (given) {
    vars.set('DOCKER_BUILDKIT', given.value);
    notes.set('DOCKER_BUILDKIT', given.why);
  }
  return { vars, notes };
}

/**
 * `setup_remote_docker` in a `docker:` job (any job but a `machine:` one: an orb's executor,
 * `node/default`, is a docker image too) starts the engine on a machine of its own and points
 * the job's docker CLI at it through DOCKER_HOST, a `tcp://` address only known at run time
 * (https://circleci.com/docs/building-docker-images/: a folder of the job cannot be mounted
 * into a container there). Read as DOCKER_HOST not known, so a bind mount is not taken for the
 * job's folder (../extractions.ts). A job setting DOCKER_HOST itself keeps its value.
 */
function remoteEngine(own: ReadonlyMap<string, string | null>, machine: unknown, steps: readonly CircleStep[], vars: Map<string, string | null>, notes: Map<string, string>): void {
  if ((machine !== undefined && machine !== null) || own.has('DOCKER_HOST') || !steps.some((s) => s.kind === 'setup_remote_docker')) return;
  vars.set('DOCKER_HOST', null);
  notes.set('DOCKER_HOST', 'set by `setup_remote_docker`, whose engine runs on a remote machine that shares no folder with the job');
}

/**
 * Where a job's executor keys are read: the job's own `docker:`/`machine:`, else the entry of
 * the file's `executors:` its `executor:` names (a string, or a map's `name:`). An orb's
 * executor (`node/default`) is not read.
 */
function executorOf(root: YAMLMap, job: CircleJob): Keys {
  if (job.get('docker') !== undefined || job.get('machine') !== undefined) return job;
  const named = job.get('executor');
  const name = isMap(named) ? scalarOf(named.get('name', true)) : scalarOf(named);
  const executors = resolveAlias({ root }, root.get('executors', true));
  const entry = name !== null && isMap(executors) ? resolveAlias({ root }, executors.get(name, true)) : undefined;
  return isMap(entry) ? { get: (key) => entry.get(key, true) } : job;
}


/** Whether a job's `parallelism` may run it on more than one node: a number above 1, or a value the file does not fix. */
function parallel(value: unknown): boolean {
  if (value === undefined || value === null) return false;
  const n = typeof value === 'number' ? value : typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : null;
  return n === null || n > 1;
}

export function parseCircleCi(file: string, text: string): { script: EmbeddedScript | null; diagnostics: Diagnostic[] } {
  const doc = yaml().parseDocument(text, { keepSourceTokens: true });
  if (doc.errors.length > 0) {
    return { script: null, diagnostics: [diag('SHELL_PARSE_ERROR', 'warning', `cannot parse ${file} as YAML (${doc.errors[0]!.message.split('\n')[0]}); it was not analysed`, { file, hint: 'Fix the YAML, then run the tool again.' })] };
  }
  const root = doc.contents;
  if (!isMap(root) || !isMap(resolveAlias({ root }, root.get('jobs', true)))) return { script: null, diagnostics: [] };
  const snippets: Snippet[] = [];
  const groups: number[][] = [];
  const names: string[] = [];
  const unread: UnreadStep[] = [];
  /** Steps that may change what any job's setup builds (an orb running docker): every setup of the file is refused. */
  const fileWide: Diagnostic[] = [];
  const lines = new LineIndex(text);
  const exprs = { n: 0 };
  for (const cj of circleJobs(root)) {
    const { name: jobName } = cj;
    const jobSteps = circleSteps(root, cj, file, (at) => lines.lineOf(at));
    const jobDir = String(scalarOf(cj.get('working_directory')) ?? DEFAULT_WORKDIR);
    const legacy = legacyDockerEnv(root, cj, jobSteps);
    const jobEnv = circleEnv(cj.get('environment'), legacy.vars);
    // `checkout: { path: … }` puts the repository somewhere else: folders are then not known.
    const checkoutElsewhere = jobSteps.some((s) => s.kind === 'checkout' && isMap(s.body) && s.body.has('path'));
    const group: number[] = [];
    // A `when:`/`unless:` step running docker is refused below as not read: its steps are not read either.
    const dockerGates = new Set(jobSteps.filter((s) => (s.kind === 'when' || s.kind === 'unless') && mentionsDocker(s.body)).map((s) => s.index));
    for (const step of jobSteps) {
      if (step.gates.some((g) => dockerGates.has(g.index))) continue;
      const line = lines.lineOf(step.node.range?.[0] ?? 0);
      const label = `${file} job ${jobName} step ${step.index}`;
      const branches = gateBranches(step, jobName);
      // (a `when:`/`unless:` step's own steps come next, each with its branch)
      if (step.kind === 'when' || step.kind === 'unless') continue;
      if (step.orb) {
        // An orb's command runs code the tool does not read, from the job's folder: a program it
        // does not model (the host checks keep what it may read there). One working with docker
        // may build or run any image of the file, in any job.
        const cwd = stepCwd(jobDir, checkoutElsewhere, undefined);
        if (step.node.range) {
          group.push(snippets.length);
          snippets.push({ ...standInProgram(`circleci-orb:${step.kind}`, step.node.range[0], cwd, jobEnv, label, `${label} runs ${step.kind}, which the tool does not read`), ...(branches ? { branches } : {}) });
        }
        if (/docker/i.test(step.kind) || mentionsDocker(step.body)) {
          fileWide.push(diag('SHELL_NOT_READ', 'warning', `${label} runs \`${step.kind}\`, a command the tool does not read that works with docker: it may build the runtime Dockerfile or run the builder image, so no setup of ${file} was migrated`, { file, line, hint: 'Write the docker commands as plain `run:` steps, or migrate this file by hand.' }));
        }
        continue;
      }
      // The deprecated `deploy` step runs its command as `run` does in a job without parallelism
      // (CircleCI's "Migrate from deploy to run"); with parallelism, once, on one node, after the
      // others: a program the tool does not model there, and not read where it runs docker.
      if (step.kind === 'deploy' && parallel(cj.get('parallelism'))) {
        if (mentionsDocker(step.body)) unread.push({ sequence: groups.length, diagnostic: diag('SHELL_NOT_READ', 'warning', `${label} is a \`deploy\` step running docker in a job with \`parallelism\`, which runs on one node only; its commands were not followed`, { file, line, hint: 'Write it as a `run:` step, or migrate this job by hand.' }) });
        else if (step.node.range) {
          group.push(snippets.length);
          snippets.push({ ...standInProgram('circleci-deploy', step.node.range[0], stepCwd(jobDir, checkoutElsewhere, undefined), jobEnv, label, `${label} is a \`deploy\` step, which runs on one node of the job's parallelism`), ...(branches ? { branches } : {}) });
        }
        continue;
      }
      if (step.kind !== 'run' && step.kind !== 'deploy') continue;
      const detail = isMap(step.body) ? step.body : null;
      const command = resolveAlias({ root }, detail ? detail.get('command', true) : step.body) as Scalar | undefined;
      if (!isScalar(command) || typeof command.value !== 'string' || !command.range) continue;
      const shell = shellOf(detail, cj);
      const cwd = stepCwd(jobDir, checkoutElsewhere, detail?.get('working_directory', true));
      const vars = circleEnv(detail?.get('environment', true), jobEnv);
      // `<< parameters.x >>` and `<< pipeline.… >>` are substituted before the shell runs; a
      // shell reading would take them for here-documents.
      const why = shell !== 'sh' ? shell : /<<\s*(pipeline|parameters)\./.test(command.value) ? 'a command with `<< … >>` parameters' : null;
      if (why !== null) {
        if (command.value.includes('docker')) {
          unread.push({ sequence: groups.length, diagnostic: diag('SHELL_NOT_READ', 'warning', `${label} runs docker in ${why}, which the tool does not read; its commands were not followed`, { file, line: lines.lineOf(command.range[0]), hint: 'Run the docker commands of the builder pattern from a plain bash step, or migrate this job by hand.' }) });
        } else {
          // Still a program run from the job's folder, which may use what the setup left there.
          group.push(snippets.length);
          snippets.push({ ...standInProgram(shell !== 'sh' ? `circleci-shell:${shell.split(/\s/)[0]!.replace(/[^\w./-]/g, '')}` : 'circleci-run-with-parameters', command.range[0], cwd, vars, label, `${label} runs in ${why}, which the tool does not write`), ...(branches ? { branches } : {}) });
        }
        continue;
      }
      const decoded = decodeScalar(text, command, exprs);
      if (!decoded) {
        const d = undecodableStep(command, file, lines.lineOf(command.range[0]), label);
        if (d) unread.push({ sequence: groups.length, diagnostic: d });
        continue;
      }
      group.push(snippets.length);
      const all = [...(branches ?? []), ...(circleciStepWhen(detail, jobName, step.index) ?? [])];
      // Without `no_output_timeout` a run step is killed after 10 minutes without output: a limit too.
      const limit = stepTimeout(detail, 'no_output_timeout');
      const remove = step.shared === undefined && step.node.range ? [{ ...itemLines(text, step.node.range[0], step.node.range[1]), text: '' }] : null;
      // (what CircleCI fixes for the run, `$CIRCLE_SHA1`, is one value in every step of the job: ./run-constants.ts)
      const versions = jobWideVersions(`${file}#step@${command.range[0]}`, `${file}#job:${jobName}`, vars, CIRCLECI_RUN_VARIABLES);
      // (a build-environment variable the step's own `environment:` sets to a value only known at
      // run time, a parameter's, is one value in the steps that give it the same text: CircleCI
      // substitutes parameters once, before the job runs)
      stepEnvVersions(versions, detail?.get('environment', true), vars, () => `${file}#job:${jobName}.step-env`);
      snippets.push({ ...decoded, cwd, vars, versions, remove, label, ...(step.shared !== undefined ? { shared: step.shared } : {}), ...(all.length > 0 ? { branches: all } : {}), ...(stepErrexit(detail, cj) ? { errexit: true } : {}), ...(detail?.get('when') === 'always' ? { afterFailure: true } : {}), ...(detail?.get('when') === 'on_fail' ? { onlyAfterFailure: true } : {}), timeout: limit !== null ? `no_output_timeout: ${limit}` : 'no_output_timeout: 10m (CircleCI\'s default)' });
    }
    // A `when:`/`unless:` step running docker: the docker commands of a setup may be split across pipelines.
    for (const step of jobSteps) {
      if ((step.kind !== 'when' && step.kind !== 'unless') || !dockerGates.has(step.index) || step.gates.some((g) => dockerGates.has(g.index))) continue;
      unread.push({ sequence: groups.length, diagnostic: diag('SHELL_NOT_READ', 'warning', `${file} job ${jobName} step ${step.index} is a \`${step.kind}:\` step that runs docker only on some pipelines; the tool does not read its steps, so their commands were not followed`, { file, line: lines.lineOf(step.node.range?.[0] ?? 0), hint: 'Migrate this job by hand, or move the builder pattern\'s docker commands out of the conditional step.' }) });
    }
    if (legacy.notes.size > 0) for (const id of group) snippets[id]!.varNotes = legacy.notes;
    groups.push(group);
    names.push(jobName);
  }
  for (const d of fileWide) for (const k of groups.keys()) unread.push({ sequence: k, diagnostic: d });
  const { script, diagnostics } = composeEmbedded(file, 'circleci', text, snippets, groups);
  script.entries = names;
  if (unread.length > 0) script.unread = unread;
  return { script, diagnostics };
}

/** Whether a step's map mentions docker anywhere (one that cannot be shown as JSON may: counted as if it did). */
function mentionsDocker(body: unknown): boolean {
  if (!isMap(body) && !isSeq(body)) return isScalar(body) && /docker/i.test(String(body.value));
  try {
    return /docker/i.test(JSON.stringify(body.toJSON()));
  } catch {
    return true;
  }
}

function scalarOf(v: unknown): string | null {
  if (isScalar(v)) return v.value === null || v.value === undefined ? null : String(v.value);
  return typeof v === 'string' ? v : null;
}

/** The branches of a step inside `when:`/`unless:` steps: it runs only on the pipelines whose condition holds. */
function gateBranches(step: CircleStep, job: string): Branch[] | undefined {
  if (step.gates.length === 0) return undefined;
  return step.gates.map((g) => ({ id: `circleci-${g.gate}:${job}:step${g.index}@${g.at}`, where: `in a \`${g.gate}:\` step (its steps run only on some pipelines)` }));
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
