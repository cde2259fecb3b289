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
    for (const c of groups[b]!) program.children.push(rebase(c, starts[b]!));
    out[i] = program;
  });
  return out;
}

/** A copy of a subtree with every index moved back by `by` (iterative: trees can nest deeply). */
function rebase(node: TsNode, by: number): TsNode {
  const copy = (n: TsNode) => new TsNode(n.type, n.isNamed, n.isMissing, n.startIndex - by, n.endIndex - by, n.field);
  const top = copy(node);
  const stack: [TsNode, TsNode][] = [[node, top]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    for (const c of from.children) {
      const d = copy(c);
      to.children.push(d);
      stack.push([c, d]);
    }
  }
  return top;
}
