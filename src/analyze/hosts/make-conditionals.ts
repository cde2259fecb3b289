/**
 * Make's own conditionals (`ifeq`/`ifneq`/`ifdef`/`ifndef` … `else` … `endif`): Make keeps or
 * drops the lines between them when it reads the Makefile, by the values of its variables, which
 * come from the environment or the command line as often as from the file. A rule or a recipe
 * line inside one exists only in some runs: its commands get the branch they are in
 * (src/analyze/conditions.ts compares them), so a setup migrates only when all its steps are
 * in the same branch.
 */
import type { Branch } from '../../model/script.js';
import type { TsNode } from '../tree-sitter.js';

const DIRECTIVES = new Set(['ifeq_directive', 'ifneq_directive', 'ifdef_directive', 'ifndef_directive']);

export interface Conditioned {
  node: TsNode;
  /** The conditional branches around the node, outermost first (empty: always read). */
  branches: Branch[];
}

/**
 * The children of `parent` of type `type`, also those inside conditionals (at any depth), each
 * with the branches it is in. Nodes of other types are not entered (a rule's recipe is not
 * searched for rules).
 */
export function conditioned(parent: TsNode, type: string, text: string, lineOf: (offset: number) => number, outer: Branch[] = []): Conditioned[] {
  const out: Conditioned[] = [];
  for (const child of parent.children) {
    if (child.type === type) out.push({ node: child, branches: outer });
    else if (child.type === 'conditional') out.push(...branchesOf(child, type, text, lineOf, outer));
  }
  return out;
}

function branchesOf(cond: TsNode, type: string, text: string, lineOf: (offset: number) => number, outer: Branch[]): Conditioned[] {
  const head = cond.children.find((c) => DIRECTIVES.has(c.type));
  const spelled = (n: TsNode | undefined) => (n ? text.slice(n.startIndex, n.endIndex).split('\n', 1)[0]!.trim() : 'a conditional');
  const branch = (part: string, shown: string): Branch => ({
    id: `make-if:${cond.startIndex}:${part}`,
    where: `inside \`${shown}\` … \`endif\` of the Makefile (line ${lineOf(cond.startIndex)}; Make reads those lines only when the condition holds)`,
  });
  const out: Conditioned[] = [];
  // The lines right under the `ifeq …` line: the first branch.
  const first = [...outer, branch('then', spelled(head))];
  for (const child of cond.children) {
    if (child.type === type) out.push({ node: child, branches: first });
    else if (child.type === 'conditional') out.push(...branchesOf(child, type, text, lineOf, first));
    else if (child.type === 'else_directive' || child.type === 'elsif_directive') {
      const shown = child.type === 'else_directive' ? `else` : spelled(child);
      out.push(...conditioned(child, type, text, lineOf, [...outer, branch(String(child.startIndex), `${spelled(head)}\` … \`${shown}`)]));
    }
  }
  return out;
}

/**
 * Every rule of a Makefile with the branches it is in. tree-sitter-make reads a conditional
 * right after a recipe as part of that recipe, rules in it included; Make ends the recipe at
 * the first rule line, so those rules are rules of the file, in the conditional's branch.
 */
export function rulesIn(parent: TsNode, text: string, lineOf: (offset: number) => number, outer: Branch[] = []): Conditioned[] {
  const out: Conditioned[] = [];
  for (const r of conditioned(parent, 'rule', text, lineOf, outer)) {
    out.push(r);
    const recipe = r.node.namedChildren.find((c) => c.type === 'recipe');
    if (recipe) out.push(...rulesIn(recipe, text, lineOf, r.branches));
  }
  return out;
}
