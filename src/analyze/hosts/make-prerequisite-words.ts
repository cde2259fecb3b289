/**
 * Where the prerequisites of a Makefile's top-level rules are (`bin/app: Dockerfile.build
 * main.go`): the plan looks for a deleted builder Dockerfile among them
 * (src/plan/make-prerequisites.ts). The Makefile reader finds them in the tree it parses
 * anyway and keeps them with the script, so the plan does not parse every Makefile again.
 */
import type { TsNode } from '../tree-sitter.js';

/**
 * Each prerequisite word's start and end offsets, in file order: [start0, end0, start1, end1, …]
 * (a plain array: a typed array could not cross threads with the analysis, ../transfer.ts).
 */
export function prerequisiteWords(root: TsNode): number[] {
  const out: number[] = [];
  for (const rule of root.namedChildren) {
    if (rule.type !== 'rule') continue;
    for (const list of rule.namedChildren) {
      if (list.type !== 'prerequisites') continue;
      for (const w of list.namedChildren) out.push(w.startIndex, w.endIndex);
    }
  }
  return out;
}
