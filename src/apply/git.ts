/**
 * Asking git about a repository without letting the repository run anything.
 *
 * A repository's own config can name commands git starts: filter drivers (`filter.NAME.clean`,
 * `.smudge`, `.process`, for files `.gitattributes` selects), diff drivers (`diff.NAME.textconv`,
 * `.command`), `core.fsmonitor`, hooks, a pager. Every call made here switches them off through
 * `GIT_CONFIG_COUNT`/`GIT_CONFIG_KEY_n`/`GIT_CONFIG_VALUE_n` (command-line scope, so they win over
 * the repository's config, and unlike `-c` they are not split at the first `=`, so a driver named
 * `x=y` is switched off too). Only read-only commands are used (`rev-parse`, `config`, `status`,
 * `ls-files`), with no optional locks, no lazy fetching and no prompts.
 *
 * A git that refuses the repository ("dubious ownership", a broken `.git`, no git installed for a
 * folder that is a repository) is a `GitError`, never "not a repository": the callers' guards must
 * not switch off silently. "Not a repository" means no `.git` exists in the folder or above it.
 */
import fs from 'node:fs';
import path from 'node:path';
import { childProcess } from '../model/node-lazy.js';

export class GitError extends Error {
  constructor(
    /** The folder git was asked about. */
    readonly dir: string,
    /** What git said (its stderr), or why it could not be run. */
    readonly detail: string,
  ) {
    super(`git cannot read the repository at ${dir}: ${detail}`);
  }
}

/** Variables that would make git look at another repository, index or work tree than the folder asked about, or run a program. */
const DROPPED_ENV = ['GIT_DIR', 'GIT_WORK_TREE', 'GIT_INDEX_FILE', 'GIT_COMMON_DIR', 'GIT_OBJECT_DIRECTORY', 'GIT_ALTERNATE_OBJECT_DIRECTORIES', 'GIT_NAMESPACE', 'GIT_CEILING_DIRECTORIES', 'GIT_EXTERNAL_DIFF', 'GIT_PAGER', 'GIT_SSH', 'GIT_SSH_COMMAND', 'GIT_ASKPASS', 'GIT_EDITOR', 'GIT_SEQUENCE_EDITOR'];

/** Config that switches off everything git could start, whatever the repository configures. */
const ALWAYS_OFF: [string, string][] = [
  ['core.fsmonitor', 'false'],
  ['core.hooksPath', '/dev/null'],
  ['core.pager', 'cat'],
  ['core.sshCommand', 'false'],
  ['core.askPass', ''],
  ['core.untrackedCache', 'false'],
  ['credential.helper', ''],
  ['protocol.allow', 'never'],
];

/** Per-driver keys that name commands, for every driver name the config mentions. */
const DRIVER_OFF: Record<string, [string, string][]> = {
  filter: [
    ['clean', ''],
    ['smudge', ''],
    ['process', ''],
    ['required', 'false'],
  ],
  diff: [
    ['textconv', ''],
    ['command', ''],
  ],
};

export interface GitResult {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs git in `cwd` with the given config entries (command-line scope), the repository redirections dropped. */
function spawnGit(cwd: string, args: readonly string[], config: readonly [string, string][]): GitResult | Error {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of DROPPED_ENV) delete env[k];
  let n = Number(env.GIT_CONFIG_COUNT ?? 0);
  if (!Number.isInteger(n) || n < 0) n = 0;
  for (const [k, v] of config) {
    env[`GIT_CONFIG_KEY_${n}`] = k;
    env[`GIT_CONFIG_VALUE_${n}`] = v;
    n++;
  }
  env.GIT_CONFIG_COUNT = String(n);
  env.GIT_NO_LAZY_FETCH = '1';
  env.GIT_TERMINAL_PROMPT = '0';
  env.GIT_OPTIONAL_LOCKS = '0';
  const r = childProcess().spawnSync('git', ['--no-optional-locks', ...args], { cwd, env, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024, stdio: ['ignore', 'pipe', 'pipe'] });
  if (r.error) return r.error;
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Whether `dir` or a folder above it holds a `.git` (folder or file): then git must be able to read it. */
function looksLikeRepository(dir: string): boolean {
  for (let d = dir; ; d = path.dirname(d)) {
    try {
      fs.lstatSync(path.join(d, '.git'));
      return true;
    } catch {
      /* not here */
    }
    if (d === path.dirname(d)) return false;
  }
}

function failure(dir: string, r: GitResult | Error): GitError {
  if (r instanceof Error) return new GitError(dir, (r as NodeJS.ErrnoException).code === 'ENOENT' ? 'git is not installed (or not on PATH)' : r.message);
  return new GitError(dir, r.stderr.trim() || `git exited with status ${r.status}`);
}

/** One repository (work tree) as git sees it, with the config that keeps its commands from running. */
export interface Repository {
  /** The work tree's top folder, as git reports it (real path). */
  top: string;
  config: [string, string][];
}

/** What one question about many paths learnt: folder → repository, top folder → repository. */
interface Lookup {
  dirs: Map<string, Repository | null>;
  tops: Map<string, Repository>;
}

/**
 * The repository whose work tree holds the folder `dir` (which must exist): a submodule or a
 * nested repository is its own. Null when no repository holds it; GitError when git refuses it.
 */
export function repositoryOf(dir: string, seen: Lookup = { dirs: new Map(), tops: new Map() }): Repository | null {
  const real = fs.realpathSync(dir);
  const cached = seen.dirs.get(real);
  if (cached !== undefined) return cached;
  const r = spawnGit(real, ['rev-parse', '--show-toplevel'], ALWAYS_OFF);
  let repo: Repository | null;
  if (r instanceof Error || r.status !== 0) {
    if (!looksLikeRepository(real)) repo = null;
    else throw failure(real, r);
  } else {
    const top = r.stdout.replace(/\n$/, '');
    repo = seen.tops.get(top) ?? { top, config: [...ALWAYS_OFF, ...driverConfig(top)] };
    seen.tops.set(top, repo);
  }
  seen.dirs.set(real, repo);
  return repo;
}

/** Config entries switching off every filter and diff driver the repository's config names, whatever their names. */
function driverConfig(top: string): [string, string][] {
  const r = spawnGit(top, ['config', '-z', '--get-regexp', '^(filter|diff)\\.'], ALWAYS_OFF);
  if (r instanceof Error || (r.status !== 0 && r.status !== 1)) throw failure(top, r); // 1: none configured
  const out: [string, string][] = [];
  const seen = new Set<string>();
  for (const entry of r.stdout.split('\0')) {
    const key = entry.split('\n', 1)[0]!;
    const first = key.indexOf('.');
    const last = key.lastIndexOf('.');
    if (first < 0 || last <= first) continue; // no subsection: not a driver
    const section = key.slice(0, first).toLowerCase();
    const name = key.slice(first + 1, last);
    const off = DRIVER_OFF[section];
    if (!off || seen.has(`${section}\0${name}`)) continue;
    seen.add(`${section}\0${name}`);
    for (const [k, v] of off) out.push([`${section}.${name}.${k}`, v]);
  }
  return out;
}

/** Runs a read-only git command in a repository's top folder; a failure is a GitError. */
export function gitIn(repo: Repository, args: readonly string[]): string {
  const r = spawnGit(repo.top, args, repo.config);
  if (r instanceof Error || r.status !== 0) throw failure(repo.top, r);
  return r.stdout;
}

/**
 * Groups repository-relative paths under `root` by the repository that holds each (asked from
 * the nearest existing folder, so files still to be created count too). Paths no repository
 * holds come under `null`. Each path is given as git's top-relative path too.
 */
export function byRepository(root: string, rels: readonly string[]): Map<Repository | null, { rel: string; inRepo: string }[]> {
  const out = new Map<Repository | null, { rel: string; inRepo: string }[]>();
  const seen: Lookup = { dirs: new Map(), tops: new Map() };
  for (const rel of rels) {
    let dir = path.dirname(path.join(root, ...rel.split('/')));
    const rest: string[] = [path.basename(rel)];
    while (!isDir(dir) && dir !== path.dirname(dir)) {
      rest.unshift(path.basename(dir));
      dir = path.dirname(dir);
    }
    const repo = repositoryOf(dir, seen);
    const inRepo = repo ? path.relative(repo.top, path.join(fs.realpathSync(dir), ...rest)).split(path.sep).join('/') : rel;
    if (repo && (inRepo.startsWith('../') || path.isAbsolute(inRepo))) throw new GitError(dir, `${rel} is outside the work tree git reports (${repo.top})`);
    const list = out.get(repo) ?? [];
    list.push({ rel, inRepo });
    out.set(repo, list);
  }
  return out;
}

function isDir(p: string): boolean {
  try {
    return fs.lstatSync(p).isDirectory();
  } catch {
    return false;
  }
}
