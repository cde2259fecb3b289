/**
 * What runs only after a failure and then fails the script in turn: the `{ …; exit 1; }` after
 * `||`, the body of `if ! cmd; then …; exit 1; fi`. Its branch is marked `failing` (Branch): a
 * removal of the setup's container there ran only where the old script failed anyway
 * (../conditions.ts); whether the edit can take the whole handler out is the writing side's to
 * judge (transforms/guards.ts).
 */
import type { TsNode } from '../tree-sitter.js';
import { STATEMENTS } from './node-types.js';

/** Whether the last statement of `nodes` is `exit N`, N a literal whose status is not 0. */
export function endsInFailingExit(text: string, nodes: readonly TsNode[]): boolean {
  const last = nodes.filter((n) => STATEMENTS.has(n.type)).pop();
  if (last?.type === 'compound_statement') return endsInFailingExit(text, last.children);
  if (last?.type !== 'command') return false;
  const [name, status, ...rest] = last.namedChildren;
  const of = (n: TsNode) => text.slice(n.startIndex, n.endIndex);
  if (name?.type !== 'command_name' || of(name) !== 'exit' || !status || rest.length > 0) return false;
  return /^[0-9]+$/.test(of(status)) && Number(of(status)) % 256 !== 0;
}
