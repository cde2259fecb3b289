/**
 * bash's directory stack: `pushd DIR` goes to DIR as `cd DIR` would and remembers the folder it
 * left; `popd` goes back there, whatever `cd` ran in between. The folder after a `popd` is known
 * when the `pushd` it undoes ran on the same paths (the same branches: both in a function's body,
 * both in one `if` body) and nothing between them may leave without it: a `return`, `exit`,
 * `break` or `continue` between them (even one under a condition) may skip the `popd`. Any other
 * use (`pushd` with no folder or an option, `popd +1`, `dirs -c`, a `popd` with nothing pushed in
 * this walk) leaves the folder unknown.
 */
import type { Word } from '../../model/script.js';
import type { Ctx, Scope } from './types.js';

/** One `pushd`: the folder it left, the branches it ran in, and whether something between it and its `popd` may leave. */
export interface Pushed {
  cwd: string | null;
  branches: string;
  escaped: boolean;
}

/** Commands that may leave a function, script or loop body before the `popd` after them. */
const ESCAPES = new Set(['return', 'exit', 'break', 'continue']);

const branchKey = (ctx: Ctx) => (ctx.branches ?? []).map((b) => b.id).join(' ');

/**
 * The effect of `prog` (with argument words `args`) on the scope's directory stack and folder,
 * or false when it is no stack command. `cdTo` is where a `cd` to the word would go.
 */
export function stackEffects(prog: string, args: readonly Word[], scope: Scope, ctx: Ctx, cdTo: (arg: Word) => string | null): boolean {
  const stack = (scope.dirs ??= []);
  if (ESCAPES.has(prog)) {
    for (const p of stack) p.escaped = true;
    return false;
  }
  if (prog === 'pushd') {
    const arg = args.length === 1 && args[0]!.value !== null && !/^[-+]/.test(args[0]!.value) ? args[0]! : null;
    if (arg === null) return forgetStack(scope);
    stack.push({ cwd: scope.cwd, branches: branchKey(ctx), escaped: false });
    scope.cwd = cdTo(arg);
    return true;
  }
  if (prog === 'popd') {
    const top = stack.pop();
    if (args.length > 0 || top === undefined || top.escaped || top.branches !== branchKey(ctx)) return forgetStack(scope);
    scope.cwd = top.cwd;
    return true;
  }
  if (prog === 'dirs') {
    if (args.length > 0) forgetStack(scope);
    return true;
  }
  return false;
}

/** A stack the walk no longer follows: the folder is unknown, and so is every folder a later `popd` goes back to. */
export function forgetStack(scope: Scope): true {
  scope.cwd = null;
  for (const p of scope.dirs ?? []) p.cwd = null;
  return true;
}

/** True when the stack holds what it held when the scope began: every `pushd` undone by its `popd`. */
export const stackBalanced = (scope: Scope) => (scope.dirs ?? []).length === 0;
