/**
 * Whether a command's failure is ignored where it stands, so that a command the migration makes
 * pointless (a `docker rm -f x` of a container no longer made, a `docker rmi` of an image no
 * longer built) is harmless left as it is.
 */
import { partHolding, type EmbeddedScript } from '../analyze/embedded.js';
import type { ShellScript } from '../analyze/shell.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import { orExit } from './run-failure.js';

/**
 * The chain member after `cmd` runs when it fails (`cmd || true`), in a shell script or in the
 * shell snippet of another kind that holds it (a Make recipe line, a CI step); or `cmd` is the
 * last command of a snippet whose host ignores its exit status (a Make recipe line `-cmd`, a
 * recipe of a target `.IGNORE` lists). Outside shell scripts, a command that may not run at all
 * (`conditional`) counts too.
 */
export function failureIgnored(cmd: ScriptCommand, script: ScriptFile): boolean {
  if (script.kind === 'shell') return chainIgnores(script as ShellScript, cmd);
  if (cmd.conditional) return true;
  const part = (script as Partial<EmbeddedScript>).parts?.find((p) => cmd.index >= p.first && cmd.index < p.first + p.count);
  const inner = part?.script.commands[cmd.index - part.first];
  if (part === undefined || inner === undefined) return false;
  return chainIgnores(part.script, inner) || (part.snippet.failureIgnored === true && lastRun(part.script, inner));
}

/**
 * Whether a command is the last one its shell runs (no pipe after it, no command after it in the
 * text): its failure is then only the snippet's exit status, which its host may ignore.
 */
function lastRun(script: ShellScript, cmd: ScriptCommand): boolean {
  return cmd.stdout?.kind !== 'pipe' && script.commands.every((c) => c.index <= cmd.index && c.start <= cmd.start);
}

function chainIgnores(script: ShellScript, cmd: ScriptCommand): boolean {
  const units = script.units;
  const unit = units[cmd.unit];
  if (!unit || unit.chain === null) return false;
  const after = units.findIndex((u, k) => k > cmd.unit && u.chain === unit.chain);
  return after >= 0 && units[after]!.opBefore === '||';
}

/** Whether the host of the snippet holding `cmd` goes on whatever its shell exits with (a Make recipe line `-cmd`, a target `.IGNORE` lists). */
export function snippetIgnoresFailure(cmd: ScriptCommand, script: ScriptFile): boolean {
  return (script as Partial<EmbeddedScript>).parts?.find((p) => cmd.index >= p.first && cmd.index < p.first + p.count)?.snippet.failureIgnored === true;
}

/**
 * Whether the text holding `cmd` goes on with a success status when `cmd` fails: a chain member
 * after it runs on failure and does not end the text in turn (`cmd || true`, `cmd || echo
 * failed`, not `cmd || exit 1`), or it is the last command of a snippet whose host ignores its
 * exit status (a Make recipe line `-cmd`). Unlike failureIgnored, a command that may not run
 * at all does not count.
 */
export function goesOnAfterFailure(cmd: ScriptCommand, script: ScriptFile): boolean {
  if (script.kind === 'shell') return chainIgnores(script as ShellScript, cmd) && !orExit(script as ShellScript, cmd);
  const held = partHolding(script, cmd);
  if (held === null) return false;
  const { part, inner } = held;
  return (chainIgnores(part.script, inner) && !orExit(part.script, inner)) || (part.snippet.failureIgnored === true && lastRun(part.script, inner));
}
