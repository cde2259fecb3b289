/**
 * Runs the CI jobs of the fixtures for real, with the product's own reading of a job
 * (src/verify/ci-steps.ts): GitHub Actions `run:` steps and GitLab CI jobs. Test support only.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { EntryStep } from '../../../src/verify/entry.js';
import { githubSteps, gitlabSteps } from '../../../src/verify/ci-steps.js';

type Env = NodeJS.ProcessEnv;

function runSteps(repo: string, steps: EntryStep[] | { none: string }, env: Env, what: string): void {
  if ('none' in steps) throw new Error(`${what} cannot run here: ${steps.none}`);
  for (const s of steps) {
    const r = spawnSync(s.argv[0]!, s.argv.slice(1), { cwd: path.join(repo, s.cwd), env: { ...env, ...s.env }, encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${what} ${s.label} failed (${r.status}):\n${r.stdout}\n${r.stderr}`);
  }
}

export function runGithubJob(repo: string, workflow: string, job: string, env: Env): void {
  runSteps(repo, githubSteps(fs.readFileSync(path.join(repo, workflow), 'utf8'), job), env, `${workflow} ${job}`);
}

export function runGitlabJob(repo: string, job: string, env: Env): void {
  runSteps(repo, gitlabSteps(fs.readFileSync(path.join(repo, '.gitlab-ci.yml'), 'utf8'), job), env, `.gitlab-ci.yml ${job}`);
}
