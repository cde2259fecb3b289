/**
 * Whole-line deletion for line-oriented files (shell scripts, Makefiles, Dockerfiles).
 * Beyond the lines asked for, it removes what the deletion would leave behind as noise:
 * a comment paragraph whose every command went, and the doubled blank lines where a
 * block used to stand. Everything else keeps its bytes.
 */
import type { Edit } from '../src/model/edits.js';
import { LineIndex, isBlank } from '../src/model/text.js';

export interface DeleteLinesOptions {
  /** Prefix of a comment line (`#` for shell, Makefiles and Dockerfiles). */
  comment?: string;
  /**
   * Brace-delimited blocks (Groovy): a line opening a block (ending in `{`) and a line holding
   * only closing braces also end a paragraph, so the comment above the first or last
   * statements of a block goes with them.
   */
  braces?: boolean;
}

export function deleteLines(text: string, doomed: ReadonlySet<number>, opts: DeleteLinesOptions = {}): Edit[] {
  if (doomed.size === 0) return [];
  const idx = new LineIndex(text);
  // A final newline ends the last line; it does not start an empty one.
  const n = /\r?\n$|\r$/.test(text) ? idx.lineCount - 1 : idx.lineCount;
  const comment = opts.comment ?? '#';
  const del = new Set(doomed);
  const blank = (l: number) => isBlank(idx.lineText(l));
  const closer = (l: number) => opts.braces === true && /^[\s}]+$/.test(idx.lineText(l));
  const opener = (l: number) => opts.braces === true && idx.lineText(l).trimEnd().endsWith('{');
  const isComment = (l: number) => {
    const t = idx.lineText(l).trimStart();
    return t.startsWith(comment) && !(l === 1 && t.startsWith('#!'));
  };

  // A paragraph (lines between blank lines) whose non-comment lines are all deleted loses its comments too.
  for (let l = 1; l <= n; ) {
    if (blank(l)) {
      l++;
      continue;
    }
    let e = l;
    while (e + 1 <= n && !blank(e + 1) && !closer(e + 1) && !opener(e)) e++;
    let anyDeleted = false;
    let allCode = true;
    for (let k = l; k <= e; k++) {
      if (del.has(k)) anyDeleted = true;
      else if (!isComment(k)) allCode = false;
    }
    if (anyDeleted && allCode) for (let k = l; k <= e; k++) if (isComment(k)) del.add(k);
    l = e + 1;
  }

  // Blank lines that become adjacent across a deleted block collapse to the longest run that stood together before.
  const kept: number[] = [];
  for (let l = 1; l <= n; l++) if (!del.has(l)) kept.push(l);
  for (let i = 0; i < kept.length; ) {
    if (!blank(kept[i]!)) {
      i++;
      continue;
    }
    let j = i;
    while (j + 1 < kept.length && blank(kept[j + 1]!)) j++;
    const runs: number[] = [];
    let run = 1;
    for (let k = i + 1; k <= j; k++) {
      if (kept[k] === kept[k - 1]! + 1) run++;
      else {
        runs.push(run);
        run = 1;
      }
    }
    runs.push(run);
    const spansDeletion =
      runs.length > 1 ||
      (i > 0 && kept[i - 1]! + 1 !== kept[i]) ||
      (j + 1 < kept.length && kept[j]! + 1 !== kept[j + 1]) ||
      // A blank run left at the very end or start of the file by a deletion beyond it.
      (j === kept.length - 1 && kept[j] !== n) ||
      (i === 0 && kept[0] !== 1);
    let keepCount = Math.max(...runs);
    // At the start or end of the file, keep only the blank lines that stood there before.
    if (j === kept.length - 1) keepCount = kept[j] === n ? runs[runs.length - 1]! : 0;
    else if (i === 0) keepCount = kept[0] === 1 ? runs[0]! : 0;
    // A blank run a deletion left right after a block's opening line or before its closing brace goes.
    if (j + 1 < kept.length && closer(kept[j + 1]!) && kept[j]! + 1 !== kept[j + 1]) keepCount = 0;
    if (i > 0 && opener(kept[i - 1]!) && kept[i - 1]! + 1 !== kept[i]) keepCount = 0;
    if (spansDeletion) for (let k = i + keepCount; k <= j; k++) del.add(kept[k]!);
    i = j + 1;
  }

  const edits: Edit[] = [];
  for (let l = 1; l <= n; l++) {
    if (!del.has(l)) continue;
    let e = l;
    while (e + 1 <= n && del.has(e + 1)) e++;
    let s = idx.lineStart(l);
    const end = idx.lineEndWithTerminator(e);
    // Deleting the last line(s) of a file without a final newline: take the previous terminator instead.
    if (end === text.length && e === n && idx.lineEnd(e) === end && l > 1) s = idx.lineEnd(l - 1);
    edits.push({ start: s, end, text: '' });
    l = e;
  }
  return edits;
}
