/**
 * One entry of a PATH value, as the readers that follow PATH spell it (a shell assignment,
 * ./shell/assignments.ts; a Makefile's exported PATH, ./hosts/make-path.ts; a folder a CI step
 * appends, ./step-env-files.ts), each having first written its spelling of the folder it runs in
 * (`${PWD}`, `$(CURDIR)`, `${GITHUB_WORKSPACE}`) as `.`. Read by ./shadowed-commands.ts.
 */
import path from 'node:path/posix';
import { resolveRel } from '../model/paths.js';
import type { PathFolder } from './shell/types.js';

/**
 * The folder of the repository `entry` names, read from `from` (null: a folder only known at
 * run time): a relative entry is that folder; one under a value only known at run time
 * (`${ROOT}/tools`, `$(go env GOPATH)/bin`), or from an unknown folder, keeps what follows the
 * value (`tools`), which a folder of the repository may end with ('' when nothing usable follows:
 * any folder). Null for an entry that names no folder of the repository: empty, absolute,
 * under the home folder, or outside the repository.
 */
export function pathEntry(entry: string, from: string | null, line: number): PathFolder | null {
  if (entry === '' || entry.startsWith('/') || entry.startsWith('~')) return null;
  if (entry.includes('$') || from === null) {
    const after = entry.slice(Math.max(entry.lastIndexOf('}'), entry.lastIndexOf(')')) + 1).replace(/^\/+/, '');
    const tail = after === '' ? '' : path.normalize(after).replace(/\/+$/, '').replace(/^\.$/, '');
    const usable = !tail.includes('$') && tail !== '..' && !tail.startsWith('../');
    return { folder: null, tail: usable ? tail : '', line };
  }
  const folder = resolveRel(from, entry);
  return folder === '..' || folder.startsWith('../') ? null : { folder, line };
}
