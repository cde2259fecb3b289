import type { TsNode } from '../tree-sitter.js';

/** Where a syntax error is: the first ERROR or MISSING node on the way down. */
export function syntaxError(root: TsNode): { why: string; at: number } {
  let n: TsNode = root;
  for (;;) {
    if (n.type === 'ERROR' || n.isMissing) return { why: n.isMissing ? `missing ${JSON.stringify(n.type)}` : 'syntax error', at: n.startIndex };
    const next = n.children.find((c) => c.hasError || c.isMissing);
    if (!next) return { why: 'syntax error', at: n.startIndex };
    n = next;
  }
}
