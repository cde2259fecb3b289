import { parseWith, TsNode } from '../tree-sitter.js';

/**
 * Syntax trees for many small scripts (npm scripts, recipe lines, CI steps) from one parse:
 * a parse call has a fixed cost that dwarfs a one-line script. The texts are parsed joined by
 * newlines; each gets the top-level statements inside its own range, re-based to its own
 * offsets. A text is parsed alone (null in the result) when joining could change how it reads:
 * it ends in a backslash, the joined tree has an error, or a statement crosses from one text
 * into the next (an unclosed quote, a here-document).
 */
export function shellTrees(texts: readonly string[]): (TsNode | null)[] {
  const out: (TsNode | null)[] = texts.map(() => null);
  const batch = texts.map((t, i) => ({ t, i })).filter(({ t }) => !/\\\s*$/.test(t));
  if (batch.length < 2) return out;
  const starts: number[] = [];
  let at = 0;
  for (const { t } of batch) {
    starts.push(at);
    at += t.length + 1;
  }
  const joined = batch.map(({ t }) => t).join('\n');
  const root = parseWith('tree-sitter-bash', joined);
  if (root.hasError) return out;
  const groups: TsNode[][] = batch.map(() => []);
  let k = 0;
  for (const child of root.children) {
    while (k + 1 < batch.length && child.startIndex >= starts[k + 1]!) k++;
    const end = starts[k]! + batch[k]!.t.length;
    if (child.endIndex > end) return out;
    groups[k]!.push(child);
  }
  batch.forEach(({ t, i }, b) => {
    const program = new TsNode('program', true, false, 0, t.length, null);
    program.children = groups[b]!.map((c) => rebase(c, starts[b]!));
    out[i] = program;
  });
  return out;
}

/**
 * Moves every index of a subtree back by `by`, in place (iterative: trees can nest deeply). The
 * joined tree is this function's own and each subtree goes to one text, so no node is moved twice.
 */
function rebase(node: TsNode, by: number): TsNode {
  const stack: TsNode[] = [node];
  while (stack.length > 0) {
    const n = stack.pop()!;
    n.startIndex -= by;
    n.endIndex -= by;
    for (const c of n.children) stack.push(c);
  }
  return node;
}
