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
 * True when `cmd` stands on the script's top level after the body of the function holding
 * `inner` (run once, as callsOwnBody), but before that function's one call: it runs before
 * the whole body, though the body is read where it stands (`build() { …extraction… }`, then
 * `prepare`, then `build`). It is no later use of what the body extracts.
 */
export function runsBeforeOwnBody(script: ScriptFile, cmd: ScriptCommand, inner: ScriptCommand, sequence: readonly ScriptCommand[]): boolean {
  if (cmd.loop || cmd.conditional || cmd.iteration !== null || (cmd.branches?.length ?? 0) > 0) return false;
  const at = sequence.indexOf(cmd);
  return at >= 0 && sequence.slice(at + 1).some((c) => callsOwnBody(script, c, inner) && !c.loop && !c.conditional && c.iteration === null && !(c.branches?.length));
}
