/** One patch for `git apply` holding every planned change, with the file modes git expects. */
import fs from 'node:fs';
import path from 'node:path';
import { diffPath, type RootRun } from '../pipeline.js';
import type { FileChange } from '../plan/index.js';
import { unifiedDiff } from './diff.js';

function gitMode(abs: string): string {
  try {
    return fs.statSync(abs).mode & 0o111 ? '100755' : '100644';
  } catch {
    return '100644';
  }
}

export function buildPatch(changes: { run: RootRun; change: FileChange }[]): string {
  return changes
    .map(({ run, change }) => {
      const mode = gitMode(path.join(run.abs, change.path));
      return unifiedDiff({ ...change, path: diffPath(run, change.path) }, 3, mode);
    })
    .join('');
}
