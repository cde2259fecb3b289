/**
 * Runs the CI jobs of the fixtures for real, with the product's own reading of a job
 * (src/verify/ci-steps.ts): GitHub Actions `run:` steps and GitLab CI jobs. Test support only.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { EntryStep } from '../../../src/verify/entry.js';
import { parse } from 'yaml';
import { githubSteps, gitlabSteps } from '../../../src/verify/ci-steps.js';
import { readJenkinsfile } from '../../../src/analyze/hosts/jenkinsfile.js';
import { jenkinsSteps } from '../../../src/verify/jenkins-steps.js';

type Env = NodeJS.ProcessEnv;

function runSteps(repo: string, steps: EntryStep[] | { none: string }, env: Env, what: string): void {
  if ('none' in steps) throw new Error(`${what} cannot run here: ${steps.none}`);
  for (const s of steps) {
    const r = spawnSync(s.argv[0]!, s.argv.slice(1), { cwd: path.join(repo, s.cwd), env: { ...env, ...s.env }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${what} ${s.label} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

/** One bash -e for shell text: the fixture e2e's own simple reading of Travis, CircleCI, Azure and Bitbucket jobs (PowerShell steps skipped: no pwsh here); --verify's is src/verify/jobs/. */
function run(script: string, cwd: string, env: Env, what: string): void {
  const r = spawnSync('bash', ['-e', '-c', script], { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

const strings = (o: unknown): Record<string, string> => Object.fromEntries(Object.entries((o as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]));

export function runGithubJob(repo: string, workflow: string, job: string, env: Env): void {
  runSteps(repo, githubSteps(fs.readFileSync(path.join(repo, workflow), 'utf8'), job, repo), env, `${workflow} ${job}`);
}

export function runGitlabJob(repo: string, job: string, env: Env): void {
  runSteps(repo, gitlabSteps(fs.readFileSync(path.join(repo, '.gitlab-ci.yml'), 'utf8'), job), env, `.gitlab-ci.yml ${job}`);
}

/**
 * Travis CI: one job's phases that run shell (before_install … after_success, then the `provider:
 * script` deploys between before_deploy and after_deploy, as on a build of the branch they deploy)
 * in one bash -e, from the root, with `env: global`. `include` is the index of a `jobs.include`
 * entry, which inherits the root's keys it does not set; without it, the root's own job.
 */
export function runTravis(repo: string, env: Env, include?: number): void {
  const ci = parse(fs.readFileSync(path.join(repo, '.travis.yml'), 'utf8'));
  const own = include === undefined ? {} : ci.jobs.include[include];
  const job = (k: string) => (k in own ? own[k] : ci[k]);
  const list = (x: unknown) => (Array.isArray(x) ? x.map(String) : x ? [String(x)] : []);
  const globals = Object.fromEntries(list(ci.env?.global).map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const deploys = (Array.isArray(job('deploy')) ? job('deploy') : job('deploy') ? [job('deploy')] : []).filter((d: { provider?: string }) => d.provider === 'script');
  const deploy = deploys.length === 0 ? [] : [...list(job('before_deploy')), ...deploys.flatMap((d: { script?: unknown }) => list(d.script)), ...list(job('after_deploy'))];
  const script = [...['before_install', 'install', 'before_script', 'script', 'after_success'].flatMap((p) => list(job(p))), ...deploy].join('\n');
  run(script, repo, { ...env, ...globals }, '.travis.yml');
}

/** CircleCI: each `run:` step of one job in its own bash -e, in its working directory, with `environment:`. */
export function runCircleJob(repo: string, job: string, env: Env): void {
  const ci = parse(fs.readFileSync(path.join(repo, '.circleci/config.yml'), 'utf8'));
  const j = ci.jobs[job];
  for (const [k, step] of (j.steps as unknown[]).entries()) {
    const r = typeof step === 'object' && step !== null ? (step as Record<string, unknown>).run : undefined;
    if (r === undefined) continue;
    const detail = typeof r === 'string' ? { command: r } : (r as Record<string, unknown>);
    const cwd = path.join(repo, String(detail.working_directory ?? '.'));
    run(String(detail.command), cwd, { ...env, ...strings(j.environment), ...strings(detail.environment) }, `config.yml ${job} step ${k + 1}`);
  }
}

/** Bitbucket Pipelines: each step of the default pipeline, its `script:` items in one bash -e from the root. */
export function runBitbucketDefault(repo: string, env: Env): void {
  const ci = parse(fs.readFileSync(path.join(repo, 'bitbucket-pipelines.yml'), 'utf8'));
  for (const [k, entry] of (ci.pipelines.default as { step?: { script?: unknown[] } }[]).entries()) {
    if (!entry.step) continue;
    run((entry.step.script ?? []).map(String).join('\n'), repo, env, `bitbucket-pipelines.yml step ${k + 1}`);
  }
}

/**
 * Azure Pipelines: the root `steps:` on a Linux agent: `script:` and `bash:` steps each in
 * their own bash -e, macros `$(name)` substituted from `variables:` (and the sources folder),
 * variables also in the environment (upper case); `pwsh:` steps skipped (no PowerShell here).
 */
export function runAzureSteps(repo: string, env: Env): void {
  const ci = parse(fs.readFileSync(path.join(repo, 'azure-pipelines.yml'), 'utf8'));
  const vars: Record<string, string> = { ...strings(ci.variables), 'Build.SourcesDirectory': repo, 'System.DefaultWorkingDirectory': repo };
  const macros = (s: string) => s.replace(/\$\(([A-Za-z_][\w.-]*)\)/g, (m, name: string) => vars[name] ?? m);
  const upper = Object.fromEntries(Object.entries(strings(ci.variables)).map(([k, v]) => [k.toUpperCase().replace(/\./g, '_'), v]));
  for (const [k, step] of (ci.steps as Record<string, unknown>[]).entries()) {
    const body = step.script ?? step.bash;
    if (typeof body !== 'string') continue;
    const cwd = path.resolve(repo, macros(String(step.workingDirectory ?? '.')));
    run(macros(body), cwd, { ...env, ...upper, ...strings(step.env) }, `azure-pipelines.yml step ${k + 1}`);
  }
}

/**
 * A Jenkinsfile's one pipeline (or `node` block): its `sh` steps and `docker.build` calls in
 * order, each as the `sh -xe` Jenkins runs, in its `dir()`, with the `environment {}` values.
 */
export function runJenkinsfile(repo: string, env: Env, file = 'Jenkinsfile'): void {
  const text = fs.readFileSync(path.join(repo, file), 'utf8');
  const { reading } = readJenkinsfile(file, text);
  if (!reading || reading.names.length !== 1) throw new Error(`${file}: expected one pipeline, read ${reading?.names.length ?? 'none'}`);
  runSteps(repo, jenkinsSteps(file, text, reading.names[0]!), env, file);
}
