/**
 * The parts of a passed-over file that cannot run anything, where a parser says so exactly: in
 * a Python file (tree-sitter's Python grammar), its comments, and its docstrings (a string
 * literal standing alone as a statement: evaluated and thrown away), unless the file reads a
 * `__doc__`, through which such a string could reach a call. A word there (`# make sure…`,
 * `"""Builds the image with make."""`) is no call of a program. Any other string may be a
 * command (`os.system("make image")`) and counts. A file that does not parse, or of another
 * language, has no such parts: every word in it counts.
 */
import { parseWith, type TsNode } from '../analyze/tree-sitter.js';

/** Sorted, non-overlapping [start, end) offsets of `text` that cannot run anything. */
export function inertRanges(rel: string, text: string): [number, number][] {
  if (!rel.endsWith('.py')) return [];
  const root = parseWith('tree-sitter-python', text);
  if (root.hasError) return [];
  const out: [number, number][] = [];
  const docs = !text.includes('__doc__');
  const visit = (n: TsNode) => {
    if (n.type === 'comment') out.push([n.startIndex, n.endIndex]);
    else if (docs && n.type === 'expression_statement' && n.namedChildren.length === 1 && isPlainString(n.namedChildren[0]!)) out.push([n.startIndex, n.endIndex]);
    else for (const c of n.namedChildren) visit(c);
  };
  visit(root);
  return out.sort((a, b) => a[0] - b[0]);
}

/** A string literal with nothing evaluated inside (an f-string's `{…}` may call anything), or a concatenation of such. */
function isPlainString(n: TsNode): boolean {
  if (n.type === 'concatenated_string') return n.namedChildren.every(isPlainString);
  return n.type === 'string' && n.namedChildren.every((c) => c.type === 'string_start' || c.type === 'string_end' || c.type === 'string_content' || c.type === 'escape_sequence');
}

/** Whether offset `at` lies in one of `ranges` (as inertRanges gives them). */
export function inert(ranges: readonly [number, number][], at: number): boolean {
  return ranges.some(([s, e]) => at >= s && at < e);
}
