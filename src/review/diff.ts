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

const NEEDS_QUOTES = /[\u0000-\u001f"\\\u007f-\uffff]/;
const C_ESCAPES: Record<number, string> = { 7: 'a', 8: 'b', 9: 't', 10: 'n', 11: 'v', 12: 'f', 13: 'r', 34: '"', 92: '\\' };

/**
 * A path as git writes it in patch headers: as it is when it is plain, else in double quotes
 * with C escapes (`\t`, `\n`, `\"`, `\\`) and every other control or non-ASCII byte of its
 * UTF-8 as three octal digits (git's core.quotePath default), which `git apply` reads back.
 */
export function quoteGitPath(p: string): string {
  // A character below U+0080 is its own byte and every other one has bytes from 0x80: one test of the string tells.
  if (!NEEDS_QUOTES.test(p)) return p;
  const bytes = Buffer.from(p, 'utf8');
  let out = '"';
  for (const b of bytes) {
    const esc = C_ESCAPES[b];
    if (esc) out += `\\${esc}`;
    else if (b < 0x20 || b >= 0x7f) out += `\\${b.toString(8).padStart(3, '0')}`;
    else out += String.fromCharCode(b);
  }
  return `${out}"`;
}

/**
 * The one hunk that takes a whole text away (`-`) or puts it in (`+`) from nothing, as the diff
 * package writes it: every line, its `\r` kept, and the mark of a last line without a newline.
 * A deleted builder Dockerfile is such a change in every migrated setup, and the package's
 * general diff took about 30 µs for each (tests compare the two on every shape of text).
 */
export function wholeTextHunk(text: string, sign: '-' | '+'): string {
  if (text === '') return '';
  const ended = text.endsWith('\n');
  const lines = (ended ? text.slice(0, -1) : text).split('\n');
  const range = `1,${lines.length}`;
  let out = sign === '-' ? `@@ -${range} +0,0 @@\n` : `@@ -0,0 +${range} @@\n`;
  for (const l of lines) out += `${sign}${l}\n`;
  return ended ? out : `${out}\\ No newline at end of file\n`;
}

/** The hunks of a change, without the diff package's header: only its hunks are kept (a name with a newline would split its header). */
function hunks(before: string, after: string, context: number): string {
  if (after === '') return wholeTextHunk(before, '-');
  if (before === '') return wholeTextHunk(after, '+');
  // The diff package is given plain names.
  const patch = createTwoFilesPatch('a', 'b', before, after, undefined, undefined, { context });
  const lines = patch.split('\n');
  const first = lines.findIndex((l) => l.startsWith('@@'));
  return first < 0 ? '' : lines.slice(first).join('\n');
}

export function unifiedDiff(change: DiffableChange, context = 3, mode = '100644'): string {
  const a = quoteGitPath(`a/${change.path}`);
  const b = quoteGitPath(`b/${change.path}`);
  const body = hunks(change.before ?? '', change.after ?? '', context);
  // As git does, a name with a space ends with a tab in the ---/+++ lines (so a trailing space is not lost).
  const tab = change.path.includes(' ') ? '\t' : '';
  let header = `diff --git ${a} ${b}\n`;
  if (change.action === 'create') header += `new file mode ${mode}\n`;
  if (change.action === 'delete') header += `deleted file mode ${mode}\n`;
  header += `--- ${change.action === 'create' ? '/dev/null' : `${a}${tab}`}\n+++ ${change.action === 'delete' ? '/dev/null' : `${b}${tab}`}\n`;
  const text = header + body;
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
