/**
 * The handler a `trap` command sets: shell text the shell runs later, when the script ends
 * (EXIT) or on a signal, in the script's own shell and folder.
 *
 * `trap [--] HANDLER SIGNAL…`: the first operand is the handler, unless it is `-` (a reset) or
 * the command only lists (`trap`, `trap -p`, `trap -l`). An empty handler ignores the signals.
 * A single operand is a reset in bash (`trap EXIT`), so it sets nothing either.
 */
import type { ScriptCommand } from '../model/script.js';
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
