/**
 * Function bodies a shell script may run more than once in one run: a function called twice
 * (`build; build`), from a loop, or from another function's body. What a later call finds on
 * the host is what the earlier calls left there, not what the repository holds: a `docker cp
 * x:/out ./dist` that made `dist` in the first call lands inside it in the second.
 */
import type { ScriptCommand, ScriptFile } from '../model/script.js';

/** The function whose body `cmd` is in and that may run more than once (its name and branch id), or null. */
export function repeatedBody(script: ScriptFile, cmd: ScriptCommand): { name: string; id: string } | null {
  const functions = (script as { functions?: ReadonlyMap<string, string> }).functions;
  if (!functions) return null;
  const ids = new Set(cmd.branches?.map((b) => b.id) ?? []);
  for (const [name, id] of functions) {
    if (!ids.has(id)) continue;
    const calls = script.commands.filter((c) => c.words[0]?.value === name && !c.branches?.some((b) => b.id === id));
    const inBody = (c: ScriptCommand) => c.branches?.some((b) => [...functions.values()].includes(b.id)) ?? false;
    if (calls.length > 1 || calls.some((c) => c.loop || c.iteration !== null || inBody(c))) return { name, id };
  }
  return null;
}

/**
 * True when `call` runs the body of a function that holds `inner` (a setup's own builder
 * build) and runs only once: the body's commands then run as that one call, in their own order
 * around the setup, and are read where they stand; read again as the call's, they would all
 * count as run after it (`rm -f app` before the copy, in the same body, taken for a later use).
 */
export function callsOwnBody(script: ScriptFile, call: ScriptCommand, inner: ScriptCommand): boolean {
  const id = call.words[0]?.value ? (script as { functions?: ReadonlyMap<string, string> }).functions?.get(call.words[0].value) : undefined;
  return id !== undefined && (inner.branches?.some((b) => b.id === id) ?? false) && repeatedBody(script, inner) === null;
}

/**
 * `build() { …setup… }`, `main() { prepare; build; }`, `main "$@"`: the function holding the
 * setup (`inner`) has one call, in the body of one other function, itself called once on the
 * top level, whose body stands after the setup's. Null for any other layout.
 */
function outerCall(script: ScriptFile, inner: ScriptCommand, sequence: readonly ScriptCommand[]): { call: ScriptCommand; outer: ScriptCommand } | null {
  const functions = (script as { functions?: ReadonlyMap<string, string> }).functions;
  if (!functions) return null;
  const ids = new Set(functions.values());
  const nameOf = (id: string) => [...functions].find(([, v]) => v === id)?.[0];
  const innermost = (c: ScriptCommand) => [...(c.branches ?? [])].reverse().find((b) => ids.has(b.id))?.id;
  const once = (id: string) => {
    const name = nameOf(id);
    const calls = script.commands.filter((c) => c.words[0]?.value === name && !c.branches?.some((b) => b.id === id));
    return calls.length === 1 && !calls[0]!.loop && calls[0]!.iteration === null ? calls[0]! : null;
  };
  const f = innermost(inner);
  const call = f === undefined ? null : once(f);
  const g = call ? innermost(call) : undefined;
  const outer = g === undefined ? null : once(g);
  if (!call || !outer || g === undefined || outer.conditional || (outer.branches?.length ?? 0) > 0) return null;
  const pos = (c: ScriptCommand) => sequence.indexOf(c);
  const body = (id: string) => sequence.filter((c) => c.branches?.some((b) => b.id === id)).map(pos);
  return Math.min(...body(g)) > Math.max(...body(f!)) ? { call, outer } : null;
}

/**
 * True when `cmd` runs before the whole body holding `inner` (run once, as callsOwnBody), though
 * that body is read where it stands: on the top level after the body but before the function's
 * one call (`build() { …extraction… }`, then `prepare`, then `build`), or in the body of the
 * function that calls it, before that call, on the same paths (`main() { prepare; build; }`).
 * It is no later use of what the body extracts.
 */
export function runsBeforeOwnBody(script: ScriptFile, cmd: ScriptCommand, inner: ScriptCommand, sequence: readonly ScriptCommand[]): boolean {
  if (cmd.loop || cmd.iteration !== null || !inFunctionBody(script, inner)) return false;
  const at = sequence.indexOf(cmd);
  if (at < 0) return false;
  const oc = outerCall(script, inner, sequence);
  // (a command in a function body is conditional, its paths told by its branches; one conditional without them, `a && b`, runs on paths not known)
  if (oc && cmd !== oc.call && at < sequence.indexOf(oc.call) && (cmd.branches?.length ?? 0) > 0 && sameBranches(cmd, oc.call)) return true;
  if (cmd.conditional || (cmd.branches?.length ?? 0) > 0) return false;
  const calls = (c: ScriptCommand) => c === oc?.outer || (callsOwnBody(script, c, inner) && !c.loop && !c.conditional && c.iteration === null && !(c.branches?.length));
  return sequence.slice(at + 1).some(calls);
}

/**
 * True when `cmd` is the one top-level call of the function whose body calls the body holding
 * `inner` (`main "$@"`): both bodies are read where they stand, so the call adds nothing.
 */
export function callsOuterBody(script: ScriptFile, cmd: ScriptCommand, inner: ScriptCommand, sequence: readonly ScriptCommand[]): boolean {
  return inFunctionBody(script, inner) && outerCall(script, inner, sequence)?.outer === cmd;
}

/**
 * Whether `inner` stands in a function's body. Asked first, before the searches of the
 * sequence above, which can only answer yes for such a command: the linker asks about every
 * command of a script for each of its setups.
 */
function inFunctionBody(script: ScriptFile, inner: ScriptCommand): boolean {
  const functions = (script as { functions?: ReadonlyMap<string, string> }).functions;
  if (!functions || functions.size === 0 || !inner.branches?.length) return false;
  const ids = new Set(functions.values());
  return inner.branches.some((b) => ids.has(b.id));
}

const sameBranches = (a: ScriptCommand, b: ScriptCommand) => (a.branches ?? []).map((x) => x.id).join(' ') === (b.branches ?? []).map((x) => x.id).join(' ');
