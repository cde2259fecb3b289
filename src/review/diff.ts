/**
 * Unified diffs of planned file changes (the `diff` package), in the format `git apply`
 * reads: `a/` and `b/` prefixes, /dev/null for created and deleted files.
 */
import { createTwoFilesPatch } from 'diff';
import type { Colors } from './colors.js';

export interface DiffableChange {
  path: string;
  action: 'create' | 'update' | 'delete';
  before: string | null;
  after: string | null;
}

export function unifiedDiff(change: DiffableChange, context = 3, mode = '100644'): string {
  const oldName = change.action === 'create' ? '/dev/null' : `a/${change.path}`;
  const newName = change.action === 'delete' ? '/dev/null' : `b/${change.path}`;
  let patch = createTwoFilesPatch(oldName, newName, change.before ?? '', change.after ?? '', undefined, undefined, { context });
  // The diff package writes an "Index:"-less header with a separator line; git wants `diff --git` first.
  patch = patch.replace(/^=+\n/m, '');
  const lines = patch.split('\n');
  const body = lines.filter((l) => !l.startsWith('--- ') && !l.startsWith('+++ ')).join('\n');
  let header = `diff --git a/${change.path} b/${change.path}\n`;
  if (change.action === 'create') header += `new file mode ${mode}\n`;
  if (change.action === 'delete') header += `deleted file mode ${mode}\n`;
  header += `--- ${oldName}\n+++ ${newName}\n`;
  const text = header + body.replace(/^\n+/, '');
  return text.endsWith('\n') ? text : `${text}\n`;
}

export function colorDiff(text: string, c: Colors): string {
  return text
    .split('\n')
    .map((l) => {
      if (l.startsWith('diff --git') || l.startsWith('--- ') || l.startsWith('+++ ') || l.startsWith('new file') || l.startsWith('deleted file')) return c.bold(l);
      if (l.startsWith('@@')) return c.cyan(l);
      if (l.startsWith('+')) return c.green(l);
      if (l.startsWith('-')) return c.red(l);
      if (l.startsWith('\\')) return c.dim(l);
      return l;
    })
    .join('\n');
}
