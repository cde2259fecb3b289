/**
 * How a setup's pipeline is started, the way its users start it: a shell script by its
 * shebang from its own folder, a Makefile target with `make TARGET`, an npm script with
 * `npm run X`, a CI job's steps (./ci-steps.ts, ./jobs/), a JavaScript build script with node.
 * A new file kind needs its case here (the switch covers every ScriptKind, so a missing one
 * does not compile). Compose commands run
 * inside whichever of these drove them.
 */
import path from 'node:path';
import { onPath } from './ci-steps.js';
import type { Analysis } from '../analyze/index.js';
import type { EmbeddedScript, MakeScript } from '../analyze/embedded.js';
import type { RepoFs } from '../model/fs.js';
import type { Setup } from '../model/setup.js';
import type { ScriptCommand } from '../model/script.js';

/** One process to run: argv from cwd (repository-relative), with extra environment. */
export interface EntryStep {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** For messages: `step 2`. */
  label: string;
  /** A variable the runner sets to the checkout's folder (`GITHUB_WORKSPACE`): the copy's folder here. */
  workspaceVar?: string;
}

export type Entry =
  | { kind: 'process'; label: string; step: EntryStep }
  /** A CI job: its steps run in order in one checkout; the job stops at the first that fails. */
  | { kind: 'ci'; label: string; file: string; job: string; ciKind: CiKind };

export type CiKind = 'github-actions' | 'gitlab-ci' | 'jenkinsfile' | 'travis-ci' | 'circleci' | 'azure-pipelines' | 'bitbucket-pipelines';

/** The entry that runs `setup`, or why there is none. */
export function entryOf(setup: Setup, analysis: Analysis, fs: RepoFs): Entry | { none: string } {
  const script = analysis.scripts.get(setup.script);
  if (!script) return { none: `${setup.script} was not read` };
  const dir = path.posix.dirname(setup.script) === '.' ? '' : path.posix.dirname(setup.script);
  const base = path.posix.basename(setup.script);
  switch (script.kind) {
    case 'shell': {
      // Run from the folder its callers run it from (src/analyze/callers.ts), else its own.
      const cwd = script.startCwd === undefined ? dir : script.startCwd;
      if (cwd === null) return { none: `the folder ${setup.script} is run from is not known` };
      const rel = path.posix.relative(cwd === '' ? '.' : cwd, setup.script);
      const argv = [...interpreter(script.text), rel];
      return { kind: 'process', label: argv.join(' '), step: { argv, cwd, env: {}, label: setup.script } };
    }
    case 'javascript': {
      if (!/\.[mc]?js$/.test(base)) return { none: `${setup.script} needs a TypeScript runner, which the tool does not choose for you` };
      // Run from the folder its callers run it from (src/analyze/callers.ts), else its package's (npm scripts start there).
      const pkg = script.startCwd === undefined ? packageDir(dir, fs) : script.startCwd;
      if (pkg === null) return { none: `the folder ${setup.script} is run from is not known` };
      const argv = ['node', path.posix.relative(pkg === '' ? '.' : pkg, setup.script)];
      return { kind: 'process', label: argv.join(' '), step: { argv, cwd: pkg, env: {}, label: setup.script } };
    }
    case 'jenkinsfile': {
      const name = sequenceName(script as EmbeddedScript, setup);
      if (name === null) return { none: `no single pipeline or node block of ${setup.script} runs both the builder and the runtime build` };
      return { kind: 'ci', label: `${setup.script} ${name}`, file: setup.script, job: name, ciKind: 'jenkinsfile' };
    }
    case 'make':
    case 'package-json':
    case 'github-actions':
    case 'gitlab-ci':
    case 'travis-ci':
    case 'circleci':
    case 'azure-pipelines':
    case 'bitbucket-pipelines': {
      const name = sequenceName(script as EmbeddedScript, setup);
      if (name === null) return { none: `no single ${script.kind === 'make' ? 'target' : script.kind === 'package-json' ? 'script' : script.kind === 'bitbucket-pipelines' ? 'step' : 'job'} of ${setup.script} runs both the builder and the runtime build` };
      if (script.kind === 'make') {
        const argv = /^(GNUmakefile|makefile|Makefile)$/.test(base) ? ['make', name] : ['make', '-f', base, name];
        return { kind: 'process', label: argv.join(' '), step: { argv, cwd: dir, env: {}, label: `${setup.script} target ${name}` } };
      }
      if (script.kind === 'package-json') {
        const argv = ['npm', 'run', name];
        return { kind: 'process', label: argv.join(' '), step: { argv, cwd: dir, env: {}, label: `${setup.script} script ${name}` } };
      }
      // Bitbucket names its steps `step N`; the other kinds name jobs.
      const label = script.kind === 'bitbucket-pipelines' ? `${setup.script} ${name}` : `${setup.script} job ${name}`;
      return { kind: 'ci', label, file: setup.script, job: name, ciKind: script.kind };
    }
    case 'powershell': {
      // A PowerShell script runs with pwsh from its callers' folder (src/analyze/callers.ts), else its own, when pwsh is installed.
      if (!onPath('pwsh')) return { none: 'no PowerShell here (`pwsh` is not on PATH)' };
      const cwd = script.startCwd === undefined ? dir : script.startCwd;
      if (cwd === null) return { none: `the folder ${setup.script} is run from is not known` };
      const argv = ['pwsh', '-NoProfile', '-NonInteractive', '-File', path.posix.relative(cwd === '' ? '.' : cwd, setup.script)];
      return { kind: 'process', label: argv.join(' '), step: { argv, cwd, env: {}, label: setup.script } };
    }
  }
}

function packageDir(dir: string, fs: RepoFs): string {
  for (let d = dir; ; d = d.includes('/') ? d.slice(0, d.lastIndexOf('/')) : '') {
    if (fs.kind(d === '' ? 'package.json' : `${d}/package.json`) === 'file') return d;
    if (d === '') return dir;
  }
}

/** The shebang's interpreter and its argument, or `sh` (what `sh build.sh` and most runners do). */
function interpreter(text: string): string[] {
  const first = text.split('\n', 1)[0] ?? '';
  if (!first.startsWith('#!')) return ['sh'];
  return first.slice(2).trim().split(/\s+/).filter(Boolean);
}

/**
 * The shortest named sequence running both the builder build and the runtime build. Of equal
 * ones (`all: image`, which runs the same commands) the later, usually the more specific.
 */
function sequenceName(script: EmbeddedScript, setup: Setup): string | null {
  const needed: ScriptCommand[] = [setup.builder.inv.cmd, ...(setup.runtime ? [setup.runtime.inv.cmd] : [])];
  let best: { name: string; length: number } | null = null;
  for (const [i, seq] of script.sequences.entries()) {
    const name = script.entries?.[i];
    // A `$(shell …)` of a Makefile is no target to run.
    if (!name || (script as Partial<MakeScript>).expansionSequences?.includes(i) || !needed.every((c) => seq.includes(c))) continue;
    if (!best || seq.length <= best.length) best = { name, length: seq.length };
  }
  return best?.name ?? null;
}
