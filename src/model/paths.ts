import path from 'node:path/posix';

/** Joins a repository-relative directory and a path as written in a script. */
export function resolveRel(cwd: string, p: string): string {
  // `path.normalize('./')` keeps the slash: strip it first, so `./` and `.` are one folder.
  const joined = path.normalize(path.join(cwd === '' ? '.' : cwd, p)).replace(/\/+$/, '');
  return joined === '.' || joined === '' ? '' : joined;
}

/** The folder holding a repository path: '' for a file at the root. */
export function folderOf(rel: string): string {
  const dir = path.dirname(rel);
  return dir === '.' ? '' : dir;
}

/** A character that may continue a file name: a name found in a text must not be part of a longer one (`build.sh` in `prebuild.sh`). */
export const NAME_CHAR = /[A-Za-z0-9_.\-]/;
/**
 * Whether a relative path read from a folder only known at run time may name `target` (a
 * repository path), a path inside it or a folder holding it: past any leading `./` and `../`,
 * its segments and the last segments of `target` agree as far as both go (`app`, `out/app`
 * and `out` may name `build/out/app`; so may `app/lib`). An absolute or home path, or one of
 * `.` or `..` alone, names none.
 */
export function mayNameFromAnywhere(p: string, target: string): boolean {
  if (p.startsWith('/') || p.startsWith('~')) return false;
  const parts = p.split('/').filter((s) => s !== '' && s !== '.');
  while (parts[0] === '..') parts.shift();
  if (parts.length === 0 || parts.includes('..') || target === '') return false;
  const t = target.split('/');
  for (let k = 0; k < t.length; k++) {
    const tail = t.slice(k);
    const n = Math.min(tail.length, parts.length);
    if (tail.slice(0, n).every((s, j) => parts[j] === s)) return true;
  }
  return false;
}
