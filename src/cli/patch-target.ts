/**
 * Where --patch FILE may write. A patch is a review artifact: writing it must never cost the
 * user a file. FILE may be a new file, an earlier patch (empty, or starting as one this tool
 * writes: `diff --git `), or, outside every root and every git work tree, any file that is not a
 * folder. Refused (a usage error, nothing written): a file git tracks, a file the migration
 * would create, and any other existing file inside a root or a git work tree (the run reads its
 * files there, and git cannot bring an untracked one back). A folder, or a folder that does not
 * exist, is a failure to write (exit 3), said in one line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { GitError, gitIn, repositoryOf } from '../apply/git.js';
import { writeProblem } from './write-problem.js';

export class PatchTargetError extends Error {
  constructor(
    message: string,
    /** The exit code: 2 for a file the patch must not replace, 3 for a place nothing can be written to. */
    readonly exit: 2 | 3,
  ) {
    super(message);
  }
}

export interface PatchTarget {
  /** FILE as the user gave it. */
  given: string;
  /** Where the patch is written: FILE's real folder and its name (a link is resolved). */
  real: string;
}

/** The start every patch this tool writes has (one with no changes is empty). */
const PATCH_START = 'diff --git ';

const failed = (given: string, why: string) => new PatchTargetError(`cannot write the patch to ${given}: ${why}`, 3);
const refused = (given: string, why: string) =>
  new PatchTargetError(`--patch ${given}: ${why}; nothing was written. Give the name of a new file (or of an earlier patch), or - for standard output.`, 2);

/** Whether `real` is inside `folder` (both real paths) or is it. */
function inside(real: string, folder: string): boolean {
  const rel = path.relative(folder, real);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

function isEarlierPatch(real: string): boolean {
  const fd = fs.openSync(real, 'r');
  try {
    const head = Buffer.alloc(PATCH_START.length);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return n === 0 || (n === head.length && head.toString('latin1') === PATCH_START);
  } finally {
    fs.closeSync(fd);
  }
}

/** Checks FILE before the run (see the file's comment). Throws PatchTargetError. */
export function checkPatchTarget(given: string, roots: readonly string[]): PatchTarget {
  const abs = path.resolve(given);
  let st: fs.Stats;
  try {
    st = fs.statSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw failed(given, writeProblem(e));
    // A new file: its folder must exist.
    const dir = path.dirname(abs);
    let dirStat: fs.Stats;
    try {
      dirStat = fs.statSync(dir);
    } catch (e2) {
      throw failed(given, (e2 as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such folder' : writeProblem(e2));
    }
    if (!dirStat.isDirectory()) throw failed(given, 'a part of the path is not a folder');
    return { given, real: path.join(fs.realpathSync(dir), path.basename(abs)) };
  }
  if (st.isDirectory()) throw failed(given, 'is a folder');
  const real = fs.realpathSync(abs);
  // A device or a pipe (/dev/stdout, a FIFO) holds nothing to lose.
  if (!st.isFile()) return { given, real };
  let repo;
  try {
    repo = repositoryOf(path.dirname(real));
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    throw failed(given, `it is an existing file, and git cannot tell whether it tracks it (${e.detail})`);
  }
  if (repo) {
    const inRepo = path.relative(repo.top, real).split(path.sep).join('/');
    if (gitIn(repo, ['ls-files', '-z', '--', `:(literal)${inRepo}`]) !== '') throw refused(given, 'it is a file git tracks: the patch would replace it');
  }
  const root = roots.map((r) => fs.realpathSync(r)).find((r) => inside(real, r));
  if ((repo || root !== undefined) && !isEarlierPatch(real)) {
    throw refused(given, `it is an existing file in ${root !== undefined ? 'the repository' : 'a git work tree'}, not an earlier patch: the patch would replace it`);
  }
  return { given, real };
}

/** After planning: FILE must not be a file the migration would create (or change). Throws PatchTargetError. */
export function checkAgainstChanges(target: PatchTarget, changes: readonly { root: string; path: string }[]): void {
  for (const ch of changes) {
    if (path.join(fs.realpathSync(ch.root), ...ch.path.split('/')) === target.real) throw refused(target.given, `it is ${ch.path}, a file the migration ${fs.existsSync(target.real) ? 'changes' : 'creates'}`);
  }
}
