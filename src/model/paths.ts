import path from 'node:path/posix';

/** Joins a repository-relative directory and a path as written in a script. */
export function resolveRel(cwd: string, p: string): string {
  // `path.normalize('./')` keeps the slash: strip it first, so `./` and `.` are one folder.
  const joined = path.normalize(path.join(cwd === '' ? '.' : cwd, p)).replace(/\/+$/, '');
  return joined === '.' || joined === '' ? '' : joined;
}
