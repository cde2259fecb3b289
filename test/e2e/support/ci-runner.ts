/**
 * A minimal local runner for the CI files in fixtures, so their old and migrated pipelines
 * can be built for real: GitHub Actions `run:` steps of one job (each with bash -e, in its
 * working-directory, with workflow/job/step `env:`; `uses:` steps skipped) and GitLab CI
 * jobs (before_script + script in one bash -e, with `variables:`). Test support only.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { parse } from 'yaml';

type Env = NodeJS.ProcessEnv;

function run(script: string, cwd: string, env: Env, what: string): void {
  const r = spawnSync('bash', ['-e', '-c', script], { cwd, env, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${what} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
}

const strings = (o: unknown): Record<string, string> => Object.fromEntries(Object.entries((o as Record<string, unknown>) ?? {}).map(([k, v]) => [k, String(v)]));

export function runGithubJob(repo: string, workflow: string, job: string, env: Env): void {
  const wf = parse(fs.readFileSync(path.join(repo, workflow), 'utf8'));
  const j = wf.jobs[job];
  const base = { ...env, ...strings(wf.env), ...strings(j.env) };
  for (const [k, step] of (j.steps as Record<string, unknown>[]).entries()) {
    if (typeof step.run !== 'string') continue;
    const cwd = path.join(repo, String(step['working-directory'] ?? j.defaults?.run?.['working-directory'] ?? '.'));
    run(step.run, cwd, { ...base, ...strings(step.env) }, `${workflow} ${job} step ${k + 1}`);
  }
}

export function runGitlabJob(repo: string, job: string, env: Env): void {
  const ci = parse(fs.readFileSync(path.join(repo, '.gitlab-ci.yml'), 'utf8'));
  const j = ci[job];
  const list = (x: unknown) => (Array.isArray(x) ? x.map(String) : x ? [String(x)] : []);
  const script = [...list(j.before_script ?? ci.default?.before_script ?? ci.before_script), ...list(j.script)].join('\n');
  run(script, repo, { ...env, ...strings(ci.variables), ...strings(j.variables) }, `.gitlab-ci.yml ${job}`);
}
