/**
 * Whether calling one of the script's functions may change the caller's working directory.
 * A function whose body is a `{ }` group runs in the caller's shell: a `cd` in it
 * (`goto_deploy() { cd deploy; }`) moves every command after the call, so the walk cannot
 * keep the folder it had before (the call's cwd becomes unknown). A `( )` body runs in a
 * subshell and moves nothing. Read from the body's tree: any `cd`, `pushd`, `popd`, `source`,
 * `.` or `eval` in it (also behind `builtin` or `command`) (even one in a nested subshell: an over-reading that only makes the
 * folder unknown), a command whose name is only known at run time, or a call of another
 * function that may. A `pushd` and `popd` do not when the walk found each `pushd` of the body
 * undone by its `popd` on every path (./dir-stack.ts).
 */
import type { TsNode } from '../tree-sitter.js';
import { REDIRECTS } from './node-types.js';
import { pastShellPrefixes } from './shell-prefixes.js';
import { src, type ShellWalk } from './walk.js';

const MOVING = new Set(['cd', 'pushd', 'popd', 'source', '.', 'eval']);

export function callMayChangeFolder(w: ShellWalk, name: string, seen: Set<string> = new Set()): boolean {
  const body = w.functionBodies.get(name);
  if (body === undefined || seen.has(name)) return false;
  if (body.type === 'subshell') return false;
  seen.add(name);
  const walk = (n: TsNode): boolean => {
    if (n.type === 'command') {
      // `builtin cd deploy`, `command cd deploy`: the shell's own cd.
      const words = n.namedChildren.filter((c) => c.type !== 'variable_assignment' && !REDIRECTS.has(c.type)).map((c) => ({ value: src(w, c) }));
      const prog = words[0] ? pastShellPrefixes(words)?.[0]?.value ?? null : null;
      const stack = prog === 'pushd' || prog === 'popd';
      if (prog !== null && ((MOVING.has(prog) && !(stack && w.returnsHome.has(name))) || /[$`]/.test(prog) || callMayChangeFolder(w, prog, seen))) return true;
    }
    return n.namedChildren.some(walk);
  };
  return walk(body);
}

/**
 * A call of function `name` from folder `cwd`. Its body was read once, where it is defined, in
 * the folder there: called from another folder (`cd app` and then the call), its relative paths
 * name other files, so its commands' folder is only known at run time (forgetMovedBodies).
 */
export function noteCall(w: ShellWalk, name: string, cwd: string | null): void {
  const id = w.script.functions?.get(name);
  if (id !== undefined && w.bodyFolders.has(id) && w.bodyFolders.get(id) !== cwd) w.calledElsewhere.add(id);
}

/** Once the script is walked: the commands of each function body called from another folder than it was read in run in a folder only known at run time. */
export function forgetMovedBodies(w: ShellWalk): void {
  if (w.calledElsewhere.size === 0) return;
  for (const c of w.script.commands) if (c.branches?.some((b) => w.calledElsewhere.has(b.id))) c.cwd = null;
}
