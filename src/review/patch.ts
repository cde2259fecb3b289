/**
 * One patch for `git apply` holding every planned change, with the file modes git expects.
 *
 * `git apply` in a repository reads the paths of a patch as relative to the repository's top
 * folder (from a subfolder it skips those outside that subfolder); outside a repository, as
 * relative to the folder it runs in. So the paths are relative to the top folder when every root
 * is in one git work tree, else to the current folder when every root is below it, else to the
 * deepest folder that holds every root; and the command printed to apply the patch runs git there
 * (`git -C FOLDER apply`) unless a plain `git apply` from here finds every file.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GitError, repositoryOf } from '../apply/git.js';
import { shellQuote } from '../model/shell-quote.js';
import type { RootRun } from '../pipeline.js';
import type { FileChange } from '../plan/index.js';
import { unifiedDiff } from './diff.js';

function gitMode(abs: string): string {
  try {
    return fs.statSync(abs).mode & 0o111 ? '100755' : '100644';
  } catch {
    return '100644';
  }
}

/** The folder the patch's paths are relative to (a real path), and whether it is a repository's top folder. */
export interface PatchBase {
  folder: string;
  repository: boolean;
}

function inside(p: string, folder: string): boolean {
  const rel = path.relative(folder, p);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** See the file's comment. `cwd` is the folder the tool runs in. */
export function patchBase(roots: readonly string[], cwd: string): PatchBase {
  const real = roots.map((r) => fs.realpathSync(r));
  const tops = new Set<string | null>();
  for (const r of real) {
    let top: string | null;
    try {
      top = repositoryOf(r)?.top ?? null;
    } catch (e) {
      // A repository git refuses cannot take `git apply` either: its paths are then as outside git.
      if (!(e instanceof GitError)) throw e;
      top = null;
    }
    tops.add(top);
  }
  const [only] = tops;
  if (tops.size === 1 && only) return { folder: only, repository: true };
  const here = fs.realpathSync(cwd);
  if (real.every((r) => inside(r, here))) return { folder: here, repository: false };
  let common = real[0] ?? here;
  while (!real.every((r) => inside(r, common))) common = path.dirname(common);
  return { folder: common, repository: false };
}

export function buildPatch(changes: { run: RootRun; change: FileChange }[], base: PatchBase): string {
  const realRoots = new Map<string, string>();
  return changes
    .map(({ run, change }) => {
      let root = realRoots.get(run.abs);
      if (root === undefined) realRoots.set(run.abs, (root = fs.realpathSync(run.abs)));
      const abs = path.join(root, ...change.path.split('/'));
      const rel = path.relative(base.folder, abs).split(path.sep).join('/');
      return unifiedDiff({ ...change, path: rel }, 3, gitMode(abs));
    })
    .join('');
}

/**
 * The command that applies the patch at `file` (as the user named it, '-' for standard input):
 * a plain `git apply` when run from `cwd` it finds every file, else `git -C FOLDER apply`.
 */
export function applyCommand(base: PatchBase, roots: readonly string[], file: string, cwd: string): string {
  const here = fs.realpathSync(cwd);
  const plain = base.repository ? inside(here, base.folder) && roots.every((r) => inside(fs.realpathSync(r), here)) : base.folder === here;
  if (plain) return `git apply ${file === '-' ? '' : shellQuote(file)}`.trimEnd();
  const rel = path.relative(here, base.folder);
  const folder = rel.length < base.folder.length ? rel : base.folder;
  return `git -C ${shellQuote(folder)} apply ${file === '-' ? '' : shellQuote(path.resolve(cwd, file))}`.trimEnd();
}
