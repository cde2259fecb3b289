/**
 * Runs an entry (./entry.ts) in a copy of the repository: each step as its own process group,
 * stdin closed, output kept (its end, for messages), killed as a group when the time limit for
 * the whole run is reached.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import type { CiKind, Entry, EntryStep } from './entry.js';
import { githubSteps, gitlabSteps } from './ci-steps.js';
import { azureSteps } from './jobs/azure.js';
import { bitbucketSteps } from './jobs/bitbucket.js';
import { circleSteps } from './jobs/circleci.js';
import { travisSteps } from './jobs/travis.js';
import { jenkinsSteps } from './jenkins-steps.js';

export interface RunOutcome {
  /** Exit status of the step that ended the run (0 when every step passed); null when killed. */
  exitCode: number | null;
  timedOut: boolean;
  /** The step that failed, for messages. */
  failedStep: string | null;
  /** The end of the run's output (stdout and stderr interleaved). */
  output: string;
  seconds: number;
}

const KEEP = 8000;

/** The steps an entry runs, or why it cannot run here (a CI job that needs the CI service). */
export function stepsOf(entry: Entry, dir: string): EntryStep[] | { none: string } {
  if (entry.kind === 'process') return [entry.step];
  const text = fs.readFileSync(path.join(dir, entry.file), 'utf8');
  return ciSteps(entry.ciKind, entry.file, text, entry.job, dir);
}

function ciSteps(kind: CiKind, file: string, text: string, job: string, dir: string): EntryStep[] | { none: string } {
  switch (kind) {
    case 'github-actions':
      return githubSteps(text, job, dir);
    case 'gitlab-ci':
      return gitlabSteps(text, job);
    case 'jenkinsfile':
      return jenkinsSteps(file, text, job);
    case 'travis-ci':
      return travisSteps(text, job);
    case 'circleci':
      return circleSteps(text, job);
    case 'azure-pipelines':
      return azureSteps(text, job, dir);
    case 'bitbucket-pipelines':
      return bitbucketSteps(text, job);
  }
}

/** The first program of `steps` that is not on PATH, or null. */
export function missingProgram(steps: readonly EntryStep[], env: NodeJS.ProcessEnv): string | null {
  const dirs = (env['PATH'] ?? '').split(path.delimiter).filter(Boolean);
  for (const s of steps) {
    const prog = s.argv[0]!;
    if (prog.includes('/')) {
      if (!fs.existsSync(prog)) return prog;
      continue;
    }
    if (!dirs.some((d) => isExecutable(path.join(d, prog)))) return prog;
  }
  return null;
}

function isExecutable(p: string): boolean {
  try {
    fs.accessSync(p, fs.constants.X_OK);
    return fs.statSync(p).isFile();
  } catch {
    return false;
  }
}

export async function runSteps(steps: readonly EntryStep[], dir: string, env: NodeJS.ProcessEnv, timeoutMs: number): Promise<RunOutcome> {
  const started = Date.now();
  let output = '';
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-KEEP);
  };
  for (const step of steps) {
    const left = timeoutMs - (Date.now() - started);
    const end = left <= 0 ? { code: null, timedOut: true } : await runOne(step, dir, env, left, keep);
    if (end.timedOut || end.code !== 0) {
      return { exitCode: end.code, timedOut: end.timedOut, failedStep: step.label, output, seconds: (Date.now() - started) / 1000 };
    }
  }
  return { exitCode: 0, timedOut: false, failedStep: null, output, seconds: (Date.now() - started) / 1000 };
}

function runOne(step: EntryStep, dir: string, env: NodeJS.ProcessEnv, timeoutMs: number, keep: (b: Buffer) => void): Promise<{ code: number | null; timedOut: boolean }> {
  return new Promise((resolve) => {
    const child = spawn(step.argv[0]!, step.argv.slice(1), { cwd: path.join(dir, step.cwd), env: { ...env, ...step.env, ...(step.workspaceVar ? { [step.workspaceVar]: dir } : {}) }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout.on('data', keep);
    child.stderr.on('data', keep);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      // The whole group: a script's builds and runs are its children.
      try {
        process.kill(-child.pid!, 'SIGKILL');
      } catch {
        child.kill('SIGKILL');
      }
    }, timeoutMs);
    child.on('error', (e) => {
      keep(Buffer.from(`${step.argv[0]}: ${e.message}\n`));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code: timedOut ? null : (code ?? 1), timedOut });
    });
  });
}
