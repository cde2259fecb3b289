/** A `\` followed by spaces, as the Docker documentation prints it: two lines read as the one command meant. */
import { diag } from '../../model/diagnostics.js';
import type { TsNode } from '../tree-sitter.js';
import type { ShellWalk } from './walk.js';

/**
 * The Docker documentation prints `docker build … \` with two spaces after the backslash,
 * so the next line runs as a command of its own. When a command's line ends in such an
 * escaped space and the next line is visibly its continuation (indented, or starting with a
 * flag), read the two as the one command the author meant, and say so.
 */
export function brokenContinuation(w: ShellWalk, children: readonly TsNode[], i: number): { node: TsNode; index: number } | null {
  const { lines, text } = w;
  const stmt = children[i]!;
  if (stmt.type !== 'command') return null;
  const backslashLine = lines.lineOf(Math.max(0, stmt.endIndex - 1));
  const rest = text.slice(stmt.endIndex, lines.lineEnd(backslashLine));
  const m = /^[ \t]+\\([ \t]+)$/.exec(rest);
  if (!m) return null;
  let j = i + 1;
  while (j < children.length && !children[j]!.isNamed && children[j]!.type !== ';' && children[j]!.type !== '&') j++;
  const next = children[j];
  if (!next || next.type !== 'command' || lines.lineOf(next.startIndex) !== backslashLine + 1) return null;
  const nextLine = backslashLine + 1;
  if (!/^[ \t]+\S|^-/.test(lines.lineText(nextLine))) return null;
  w.diagnostics.push(
    diag(
      'BROKEN_CONTINUATION',
      'warning',
      `the backslash at the end of line ${backslashLine} is followed by ${m[1]!.length} space(s), so line ${nextLine} runs as a separate command; read as one command, as evidently intended`,
      { file: w.file, line: backslashLine, hint: 'Delete the spaces after the backslash so the line continues.' },
    ),
  );
  return { node: next, index: j };
}
