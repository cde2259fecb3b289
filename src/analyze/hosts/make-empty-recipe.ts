/**
 * A Make rule the migration empties keeps an empty recipe. A target whose rules have no recipe
 * gets one from Make's implicit rules (GNU make's built-in `%: %.c`, `%: %.sh`, `%.o: %.c`,
 * RCS/SCCS…): `app: app.c` left with no recipe line would compile `app.c` on the host. An
 * empty recipe, `app: app.c ;`, runs nothing and stops that search (GNU make manual, "Using
 * Empty Recipes"). A `.PHONY` target is never looked up in the implicit rules: its rule is left
 * as it was.
 */
import type { Edit } from '../../model/edits.js';
import type { TsNode } from '../tree-sitter.js';

/**
 * The edits removing every recipe line of `rule` (`removals`, each line's own), keeping an empty
 * recipe: a recipe written after `;` on the rule's line keeps its `;` already (its line's own
 * removal stops there), any other rule gets ` ;` after its prerequisites (before a comment).
 */
export function emptiedRecipe(text: string, rule: TsNode, removals: readonly Edit[]): Edit[] {
  const recipe = rule.namedChildren.find((c) => c.type === 'recipe');
  if (recipe?.children[0]?.type === ';') return [...removals];
  // The end of the rule's head: its last prerequisite word, or the `:`/`::` (comments left out).
  let end = rule.startIndex;
  for (const c of rule.children) {
    if (c === recipe || c.type === 'comment') continue;
    const words = c.type === 'prerequisites' || c.type === 'targets' ? c.namedChildren : [c];
    const last = words[words.length - 1];
    if (last) end = Math.max(end, last.endIndex);
  }
  return [...removals, { start: end, end, text: ' ;' }];
}

/**
 * The removal of a recipe line: its whole line (with its newline), or for a line written after
 * `;` on the rule's own line (`binary: ; cmd`), the text after the `;`, which keeps the rule and
 * an empty recipe (`binary: ;`): deleted whole, the rule would be gone and a target naming it as
 * a prerequisite would stop Make ("No rule to make target").
 */
export function recipeLineRemoval(text: string, line: TsNode): Edit {
  let before = line.startIndex;
  while (before > 0 && (text[before - 1] === ' ' || text[before - 1] === '\t')) before--;
  let end = line.endIndex;
  while (end < text.length && text[end] !== '\n') end++;
  if (before > 0 && text[before - 1] === ';') return { start: before, end, text: '' };
  let start = line.startIndex;
  while (start > 0 && text[start - 1] !== '\n') start--;
  if (end < text.length) end++;
  return { start, end, text: '' };
}
