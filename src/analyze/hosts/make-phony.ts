/**
 * The targets each rule of a Makefile names that `.PHONY` does not list, by the rule's snippet
 * scope (`rule@OFFSET`): Make runs such a rule's recipe only when its target is out of date
 * (src/plan/make-up-to-date.ts checks them against the repository). Words with `$` or `%` are
 * left out (a name Make only knows when it expands them).
 */
import type { TsNode } from '../tree-sitter.js';

export function rulesNotPhony(root: TsNode, text: string): Record<string, string[]> {
  const slice = (n: TsNode) => text.slice(n.startIndex, n.endIndex);
  const rules = root.descendantsOfType('rule');
  const targetsOf = (r: TsNode) => r.namedChildren.find((c) => c.type === 'targets')?.namedChildren.map(slice) ?? [];
  const phony = phonyTargets(root, text);
  const out: Record<string, string[]> = {};
  for (const r of rules) {
    const names = targetsOf(r).filter((t) => !t.startsWith('.') && !phony.has(t) && !/[$%]/.test(t));
    if (names.length > 0) out[`rule@${r.startIndex}`] = names;
  }
  return out;
}

/** The names the file's `.PHONY` rules list (as written). */
export function phonyTargets(root: TsNode, text: string): Set<string> {
  const slice = (n: TsNode) => text.slice(n.startIndex, n.endIndex);
  const rules = root.descendantsOfType('rule');
  const targetsOf = (r: TsNode) => r.namedChildren.find((c) => c.type === 'targets')?.namedChildren.map(slice) ?? [];
  return new Set(rules.filter((r) => targetsOf(r).includes('.PHONY')).flatMap((r) => r.namedChildren.filter((c) => c.type === 'prerequisites').flatMap((c) => c.namedChildren.map(slice))));
}
