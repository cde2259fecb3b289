/**
 * The handler a `trap` command sets: shell text the shell runs later, when the script ends
 * (EXIT) or on a signal, in the script's own shell and folder.
 *
 * `trap [--] HANDLER SIGNAL…`: the first operand is the handler, unless it is `-` (a reset) or
 * the command only lists (`trap`, `trap -p`, `trap -l`). An empty handler ignores the signals.
 * A single operand is a reset in bash (`trap EXIT`), so it sets nothing either.
 */
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import { programAt } from '../model/wrappers.js';
import { parseShell } from './shell/index.js';

/**
 * The commands of the handler `cmd` sets, read from the folder it is set in ([] when it sets
 * none, or sets an empty one); null when `cmd` is a trap whose handler is only known at run
 * time or cannot be read; undefined when `cmd` is no `trap`.
 */
export function trapHandlerCommands(cmd: ScriptCommand): ScriptCommand[] | null | undefined {
  const { at } = programAt(cmd.words);
  const prog = cmd.words[at]?.value;
  if (prog !== 'trap') return undefined;
  let rest = cmd.words.slice(at + 1);
  if (rest[0]?.value === '--') rest = rest.slice(1);
  else if (rest[0]?.value !== null && rest[0]?.value !== '-' && rest[0]?.value?.startsWith('-')) return [];
  if (rest.length < 2) return [];
  const handler = rest[0]!.value;
  if (handler === null) return null;
  if (handler === '-' || handler.trim() === '') return [];
  // (the script's own shell: every variable it has where the trap is set, not only exported ones)
  const inner = parseShell(cmd.file, handler, { vars: cmd.vars, cwd: cmd.cwd }).script;
  // Text the reader cannot take may run anything.
  if (!inner) return null;
  return inner.commands.map((c) => ({ ...c, line: cmd.line + c.line - 1 }));
}

/**
 * What the handler `cmd` sets runs, for checks of single commands: its commands, and the bodies
 * of the script's functions they call (and those those call). null: a handler only known at
 * run time, or one that cannot be read; undefined when `cmd` is no `trap`.
 */
export function trapRuns(cmd: ScriptCommand, script: ScriptFile | null): ScriptCommand[] | null | undefined {
  const handler = trapHandlerCommands(cmd);
  if (!handler) return handler;
  const functions = (script as { functions?: ReadonlyMap<string, string> } | null)?.functions;
  const out: ScriptCommand[] = [];
  const seen = new Set<string>();
  const visit = (cmds: readonly ScriptCommand[]) => {
    for (const c of cmds) {
      out.push(c);
      const name = c.words[0]?.value;
      const id = name ? functions?.get(name) : undefined;
      if (!name || id === undefined || seen.has(name) || !script) continue;
      seen.add(name);
      visit(script.commands.filter((b) => b.branches?.some((x) => x.id === id)));
    }
  };
  visit(handler);
  return out;
}
