/**
 * A recipe line holds two kinds of variable: Make's, which it expands before the shell runs
 * (`$(TAG)`), and the shell's own (`$$TAG`, `TAG=x`). The reader passes a Make expansion on as
 * the shell reading `${TAG}` (so a caller's `make TAG=…` is one value for the run: makefile.ts),
 * which is only right while the shell's own TAG is the same value at every place it expands:
 *
 * - the line's shell writes TAG (`TAG=other; docker build -t $(TAG)` still builds Make's
 *   TAG: the expansion was text before the shell started), or
 * - TAG is a variable the file sets and does not export: the shell's `$$TAG` is then whatever
 *   the environment gave make (unset, or the file's value when the environment had a TAG), not
 *   the file's value.
 *
 * For such a name the line's Make expansions are read as expansions the reader does not model,
 * and the shell's TAG starts at a value only known when make runs (makefile.ts does both): no
 * word of the one is then the same as a word of the other.
 */
import { parseWith, type TsNode } from '../tree-sitter.js';

/** A span of a recipe line's shell text that a Make expansion gave (not the file's own shell text). */
export type Expanded = readonly [start: number, end: number];

/**
 * The names among `candidates` that the shell text outside `expanded` mentions as a variable:
 * `writes` where it may assign them, `reads` where it only expands them. A cheap search first:
 * the text is parsed only when a candidate appears in it as a word of its own.
 */
export function shellNameUses(shell: string, expanded: readonly Expanded[], candidates: ReadonlySet<string>): { writes: Set<string>; reads: Set<string> } {
  const writes = new Set<string>();
  const reads = new Set<string>();
  const outside = (start: number, end: number) => !expanded.some(([s, e]) => start < e && end > s);
  const maybe = [...candidates].filter((name) => occursAsWord(shell, name, outside));
  if (maybe.length === 0) return { writes, reads };
  const wanted = new Set(maybe);
  const root = parseWith('tree-sitter-bash', shell);
  const stack: { node: TsNode; parent: TsNode | null }[] = [{ node: root, parent: null }];
  while (stack.length > 0) {
    const { node, parent } = stack.pop()!;
    if (node.type === 'variable_name') {
      const name = shell.slice(node.startIndex, node.endIndex);
      if (wanted.has(name) && outside(node.startIndex, node.endIndex)) (isRead(shell, node, parent) ? reads : writes).add(name);
    }
    for (const child of node.children) stack.push({ node: child, parent: node });
  }
  return { writes, reads };
}

/** `$NAME`, or `${NAME…}` with an operator that does not assign (`${NAME:=x}` and `${NAME=x}` do). */
function isRead(shell: string, name: TsNode, parent: TsNode | null): boolean {
  if (parent?.type === 'simple_expansion') return true;
  if (parent?.type !== 'expansion') return false;
  const after = shell.slice(name.endIndex, name.endIndex + 2);
  return !after.startsWith('=') && !after.startsWith(':=');
}

/** Whether `name` stands in the text (outside Make's expansions) with no name character either side. */
function occursAsWord(shell: string, name: string, outside: (start: number, end: number) => boolean): boolean {
  const nameChar = (c: string | undefined) => c !== undefined && /[A-Za-z0-9_]/.test(c);
  for (let at = shell.indexOf(name); at >= 0; at = shell.indexOf(name, at + 1)) {
    if (!nameChar(shell[at - 1]) && !nameChar(shell[at + name.length]) && outside(at, at + name.length)) return true;
  }
  return false;
}
