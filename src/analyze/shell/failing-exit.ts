/**
 * What runs only after a failure and then fails the script in turn: the `{ …; exit 1; }` after
 * `||`, the body of `if ! cmd; then …; exit 1; fi`, the else of `if cmd; then …; else …; exit 1;
 * fi`. Its branch is marked `failing` (Branch): a
 * removal of the setup's container there ran only where the old script failed anyway
 * (../conditions.ts); whether the edit can take the whole handler out is the writing side's to
 * judge (transforms/guards.ts).
 *
 * An `exit` in a subshell ends only that subshell: `cmd || ( docker rm -f x; exit 1 )` fails
 * its statement, which ends the run only where errexit applies to it, or where it ends a Make
 * recipe line. Such a branch is marked `failsStatement`, and the reader of conditions asks
 * (failureEndsRun, ../../plan/run-failure.ts). An `exit` inside a `$(…)` gives the substitution's status, which the command around it
 * may or may not pass on: no mark.
 */
import type { Branch } from '../../model/script.js';
import type { TsNode } from '../tree-sitter.js';
import { STATEMENTS } from './node-types.js';
import type { Ctx } from './types.js';

/**
 * How the last statement of `nodes` ends in `exit N`, N a literal whose status is not 0: 'exit'
 * when the exit is a statement of the shell running `nodes` (maybe in a `{ }` group), 'subshell'
 * when it ends a `( )` subshell that is that last statement; null when there is no such exit.
 */
export function failingExitIn(text: string, nodes: readonly TsNode[]): 'exit' | 'subshell' | null {
  const last = nodes.filter((n) => STATEMENTS.has(n.type)).pop();
  if (last?.type === 'compound_statement') return failingExitIn(text, last.children);
  if (last?.type === 'subshell') return failingExitIn(text, last.children) === null ? null : 'subshell';
  if (last?.type !== 'command') return null;
  const [name, status, ...rest] = last.namedChildren;
  const of = (n: TsNode) => text.slice(n.startIndex, n.endIndex);
  if (name?.type !== 'command_name' || of(name) !== 'exit' || !status || rest.length > 0) return null;
  return /^[0-9]+$/.test(of(status)) && Number(of(status)) % 256 !== 0 ? 'exit' : null;
}

/** The mark (Branch.failing, Branch.failsStatement) of a branch whose statements are `nodes`, walked in `ctx`. */
export function failingMark(text: string, nodes: readonly TsNode[], ctx: Ctx): Pick<Branch, 'failing' | 'failsStatement'> {
  const ends = failingExitIn(text, nodes);
  if (ends === null || ctx.exitScope === 'substitution') return {};
  return ends === 'exit' && ctx.exitScope === undefined ? { failing: true } : { failsStatement: true };
}
