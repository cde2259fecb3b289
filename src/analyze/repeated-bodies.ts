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
