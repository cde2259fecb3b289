/**
 * Rules that give one target a recipe each (`binary:` twice, both with recipe lines): GNU make
 * warns "overriding recipe for target 'binary'" and runs only the last recipe read (the
 * prerequisites of all of them still count). A double-colon rule (`binary::`) is one of its
 * own, and each runs. Two rules in different branches of one conditional are never both read.
 */
import type { Branch } from '../../model/script.js';
import type { Conditioned } from './make-conditionals.js';
import type { TsNode } from '../tree-sitter.js';

/** A target with recipes in several rules: each rule's snippet scope and line, in file order (make runs the last). */
export interface OverriddenRecipes {
  target: string;
  rules: { scope: string; line: number }[];
}

/** Whether two rules' branch lists put them in different branches of one conditional (never both read). */
function exclusive(a: readonly Branch[], b: readonly Branch[]): boolean {
  for (let i = 0; i < Math.min(a.length, b.length); i++) {
    if (a[i]!.id === b[i]!.id) continue;
    const cond = (x: Branch) => x.id.split(':').slice(0, 2).join(':');
    return cond(a[i]!) === cond(b[i]!);
  }
  return false;
}

export function overriddenRecipes(rules: readonly Conditioned[], text: string, lineOf: (offset: number) => number): OverriddenRecipes[] {
  const byTarget = new Map<string, { scope: string; line: number; branches: Branch[] }[]>();
  for (const { node, branches } of rules) {
    if (node.children.some((c) => !c.isNamed && c.type === '::')) continue;
    const recipe = node.namedChildren.find((c: TsNode) => c.type === 'recipe');
    if (!recipe || recipe.descendantsOfType('recipe_line').length === 0) continue;
    const targets = (node.namedChildren.find((c) => c.type === 'targets')?.namedChildren ?? []).map((w) => text.slice(w.startIndex, w.endIndex));
    for (const t of targets) {
      if (t.startsWith('.') || t.includes('%')) continue;
      const list = byTarget.get(t) ?? [];
      list.push({ scope: `rule@${node.startIndex}`, line: lineOf(node.startIndex), branches });
      byTarget.set(t, list);
    }
  }
  const out: OverriddenRecipes[] = [];
  for (const [target, list] of byTarget) {
    if (list.length < 2) continue;
    // Only rules that may be read together count.
    if (list.every((r, i) => list.every((o, j) => i === j || exclusive(r.branches, o.branches)))) continue;
    out.push({ target, rules: list.map(({ scope, line }) => ({ scope, line })) });
  }
  return out;
}
