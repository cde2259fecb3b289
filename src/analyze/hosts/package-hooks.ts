/**
 * Whether running a package.json script by its name (`npm run image`, `yarn image`, `pnpm
 * image`) also runs its `preimage` and `postimage` scripts around it. That depends on the
 * package manager the package is run with:
 * - npm does (npm's scripts documentation, "Pre & Post Scripts"), except under
 *   `ignore-scripts`, with which `npm run X` runs X alone ("ignore-scripts" in npm's config
 *   documentation);
 * - yarn 1 does; yarn 2 and later never do for a script of the package's own (yarn's
 *   "Lifecycle Scripts" page: "we intentionally don't support arbitrary pre and post hooks for
 *   user-defined scripts");
 * - pnpm 6 and later do only with `enable-pre-post-scripts` (pnpm/pnpm#2891), whose default
 *   has changed between its versions;
 * - bun: not known here.
 * The manager is read from the `packageManager` field (corepack) of the package.json or of the
 * nearest one above it holding one, else from the files each manager leaves in the package's
 * folder and above it (lock files, `.yarnrc.yml`); none of them: npm.
 */
import path from 'node:path/posix';
import { yaml } from './yaml-module.js';
import type { RepoFs } from '../../model/fs.js';

/** `run`: the hooks run around the script; `skipped`: the script runs alone; `unknown`. */
export type HookRunning = 'run' | 'skipped' | 'unknown';

/** What the package's manager does with hooks, and whether npm itself runs them (`ignore-scripts`). */
export interface PackageHooks {
  /** A script run by its name through the package's own manager. */
  byName: HookRunning;
  /** A script run by `npm run X`. */
  npm: HookRunning;
  /** The runners (`npm`, `yarn`, `pnpm`) known to run the hooks of a script they run by name here. */
  runners: string[];
}

/** The folders from `dir` up to the root ('' the root). */
function foldersUp(dir: string): string[] {
  const out = [dir];
  for (let d = dir; d !== ''; ) {
    d = path.dirname(d) === '.' ? '' : path.dirname(d);
    out.push(d);
  }
  return out;
}

const inFolder = (dir: string, name: string) => (dir === '' ? name : `${dir}/${name}`);

/** The value a `.npmrc` (ini: `key=value` lines) gives `key`: true, false, null when absent, undefined when not read. */
function npmrcFlag(text: string, key: string): boolean | null | undefined {
  let found: boolean | null | undefined = null;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue;
    const eq = line.indexOf('=');
    const name = (eq < 0 ? line : line.slice(0, eq)).trim();
    if (name !== key) continue;
    const value = eq < 0 ? 'true' : line.slice(eq + 1).trim();
    found = value === 'true' ? true : value === 'false' ? false : undefined;
  }
  return found;
}

/** The verdict of a manager named by `packageManager` (`yarn@4.1.0`), or by the files it left. */
function managerHooks(manager: string, version: string | null, npmrc: (key: string) => boolean | null | undefined): HookRunning {
  const major = version === null ? null : Number(/^\d+/.exec(version)?.[0] ?? NaN);
  if (manager === 'npm') return npmHooks(npmrc);
  if (manager === 'yarn') return major === 1 ? 'run' : major !== null && major >= 2 ? 'skipped' : 'unknown';
  if (manager === 'pnpm') {
    const set = npmrc('enable-pre-post-scripts');
    return set === true ? 'run' : set === false ? 'skipped' : 'unknown';
  }
  return 'unknown';
}

function npmHooks(npmrc: (key: string) => boolean | null | undefined): HookRunning {
  const ignore = npmrc('ignore-scripts');
  return ignore === null || ignore === false ? 'run' : ignore === true ? 'skipped' : 'unknown';
}

/** Several managers' verdicts as one: `unknown` where they differ. */
const joined = (all: readonly HookRunning[]): HookRunning => (all.length > 0 && all.every((v) => v === all[0]) ? all[0]! : 'unknown');

/** The yarn major version a `yarn.lock` was written by: 1, 2 (for 2 and later), or null. */
function yarnLockMajor(text: string): 1 | 2 | null {
  if (text.split('\n', 5).some((l) => l.trim() === '# yarn lockfile v1')) return 1;
  // yarn 2+ writes `__metadata:` as the first key, after its header comment: a lock file of a
  // monorepo runs to megabytes, read for each package with hooks, so it is parsed only otherwise.
  const first = text.split('\n', 20).find((l) => l.trim() !== '' && !l.startsWith('#'));
  if (first?.trimEnd() === '__metadata:') return 2;
  try {
    const doc: unknown = yaml().parse(text);
    return doc !== null && typeof doc === 'object' && '__metadata' in doc ? 2 : null;
  } catch {
    return null;
  }
}

/**
 * How a package.json at `file` (`packageManager`: its field, or null) runs the hooks of a
 * script it runs by name, read from `fs`.
 */
export function packageHooks(file: string, packageManager: string | null, fs: RepoFs | undefined): PackageHooks {
  const dir = path.dirname(file) === '.' ? '' : path.dirname(file);
  const folders = foldersUp(dir);
  const read = (rel: string) => (fs === undefined ? null : (fs.peekText ?? fs.readText).call(fs, rel));
  // npm reads the `.npmrc` of the package's folder; pnpm the one of its workspace's root too.
  const npmrcs = folders.map((d) => read(inFolder(d, '.npmrc'))).filter((t): t is string => t !== null);
  const npmrc = (key: string) => {
    for (const t of npmrcs) {
      const v = npmrcFlag(t, key);
      if (v !== null) return v;
    }
    return null;
  };
  const npm = npmHooks(npmrc);
  let field = packageManager;
  for (const d of folders.slice(1)) {
    if (field !== null) break;
    const text = read(inFolder(d, 'package.json'));
    if (text === null) continue;
    try {
      const v = (JSON.parse(text) as { packageManager?: unknown }).packageManager;
      if (typeof v === 'string') field = v;
    } catch {
      // (not read: the other signs decide)
    }
  }
  const runners = npm === 'run' ? ['npm'] : [];
  // (pnpm's setting is read whichever manager the package names)
  if (npmrc('enable-pre-post-scripts') === true) runners.push('pnpm');
  if (field !== null) {
    const at = field.indexOf('@');
    const byName = at > 0 ? managerHooks(field.slice(0, at), field.slice(at + 1), npmrc) : 'unknown';
    if (byName === 'run' && field.slice(0, at) === 'yarn') runners.push('yarn');
    return { byName, npm, runners };
  }
  const verdicts: HookRunning[] = [];
  const exists = (d: string, name: string) => fs !== undefined && fs.kind(inFolder(d, name)) !== null;
  let yarn1 = false;
  for (const d of folders) {
    if (exists(d, '.yarnrc.yml')) verdicts.push('skipped');
    if (exists(d, 'yarn.lock')) {
      const lock = read(inFolder(d, 'yarn.lock'));
      const major = lock === null ? null : yarnLockMajor(lock);
      yarn1 ||= major === 1;
      verdicts.push(major === 1 ? 'run' : major === 2 ? 'skipped' : 'unknown');
    }
    if (exists(d, 'pnpm-lock.yaml') || exists(d, 'pnpm-workspace.yaml')) verdicts.push(managerHooks('pnpm', null, npmrc));
    if (exists(d, 'bun.lockb') || exists(d, 'bun.lock')) verdicts.push('unknown');
    if (exists(d, 'package-lock.json') || exists(d, 'npm-shrinkwrap.json')) verdicts.push(npm);
  }
  const byName = verdicts.length === 0 ? npm : joined(verdicts);
  if (yarn1 && byName === 'run') runners.push('yarn');
  return { byName, npm, runners };
}
