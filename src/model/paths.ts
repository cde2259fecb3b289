import path from 'node:path/posix';

/** Joins a repository-relative directory and a path as written in a script. */
export function resolveRel(cwd: string, p: string): string {
  // `path.normalize('./')` keeps the slash: strip it first, so `./` and `.` are one folder.
  const joined = path.normalize(path.join(cwd === '' ? '.' : cwd, p)).replace(/\/+$/, '');
  return joined === '.' || joined === '' ? '' : joined;
}

/** A character that may continue a file name: a name found in a text must not be part of a longer one (`build.sh` in `prebuild.sh`). */
export const NAME_CHAR = /[A-Za-z0-9_.\-]/;
