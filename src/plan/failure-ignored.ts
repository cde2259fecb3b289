/**
 * Whether a command's failure is ignored where it stands, so that a command the migration makes
 * pointless (a `docker rm -f x` of a container no longer made, a `docker rmi` of an image no
 * longer built) is harmless left as it is.
 */
import type { EmbeddedScript } from '../analyze/embedded.js';
import type { ShellScript } from '../analyze/shell.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';

/**
 * The chain member after `cmd` runs when it fails (`cmd || true`), in a shell script or in the
 * shell snippet of another kind that holds it (a Make recipe line, a CI step); outside shell
 * scripts, a command that may not run at all (`conditional`) counts too.
 */
export function failureIgnored(cmd: ScriptCommand, script: ScriptFile): boolean {
  if (script.kind === 'shell') return chainIgnores(script as ShellScript, cmd);
  if (cmd.conditional) return true;
  const part = (script as Partial<EmbeddedScript>).parts?.find((p) => cmd.index >= p.first && cmd.index < p.first + p.count);
  const inner = part?.script.commands[cmd.index - part.first];
  return part !== undefined && inner !== undefined && chainIgnores(part.script, inner);
}

function chainIgnores(script: ShellScript, cmd: ScriptCommand): boolean {
  const units = script.units;
  const unit = units[cmd.unit];
  if (!unit || unit.chain === null) return false;
  const after = units.findIndex((u, k) => k > cmd.unit && u.chain === unit.chain);
  return after >= 0 && units[after]!.opBefore === '||';
}
