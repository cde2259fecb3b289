/**
 * A script that defines a shell function or alias under the name of a program the setup runs
 * (`docker() { command docker "$@"; chmod 0700 "$3"; }`, `alias docker='docker --config ci'`,
 * `rm() { :; }`): every step read as `docker cp …` or `chmod …` runs that function instead, and
 * what it does besides (or instead) is not what the tool reads. The migration would remove the
 * call and with it whatever the function did to the artifact, so the setup is refused
 * (COMMAND_SHADOWED). A function or alias of any other name is no concern here, and so is an
 * alias bash never expands in the script (./alias-expansion.ts), unless a caller runs it with
 * another shell.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { ScriptCommand, ScriptFile } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { aliasesOff } from './alias-expansion.js';

/** The names `alias NAME=VALUE` defines in the sequence; null stands for a name only known at run time. */
function aliasNames(sequence: readonly ScriptCommand[]): Map<string | null, ScriptCommand> {
  const names = new Map<string | null, ScriptCommand>();
  for (const cmd of sequence) {
    if (cmd.words[0]?.value !== 'alias') continue;
    for (const w of cmd.words.slice(1)) {
      if (w.value === null) names.set(null, cmd);
      else if (w.value.includes('=')) names.set(w.value.slice(0, w.value.indexOf('=')), cmd);
    }
  }
  return names;
}

/** COMMAND_SHADOWED for each program of the setup's own steps that the script redefines. */
export function shadowedCommands(script: ScriptFile, sequence: readonly ScriptCommand[], setup: Setup): Diagnostic[] {
  // Shell scripts record the functions they define (src/analyze/shell/statements.ts), scripts
  // embedded in other files (CI steps, Make recipes) those of any snippet (../analyze/embedded.ts).
  const own = script as { functions?: ReadonlyMap<string, string>; definedFunctions?: ReadonlySet<string> };
  const functions = new Set([...(own.functions?.keys() ?? []), ...(own.definedFunctions ?? [])]);
  const aliases = aliasNames(sequence);
  if (functions.size === 0 && aliases.size === 0) return [];
  const steps = [setup.builder.inv.cmd, ...setup.extraction, ...(setup.runtime ? [setup.runtime.inv.cmd] : []), ...setup.cleanup, ...setup.builderTagUsers];
  const out: Diagnostic[] = [];
  // Aliases bash never expands in this script shadow nothing, unless a caller runs it otherwise.
  const aliasesIdle = aliases.size > 0 && aliasesOff(script, sequence);
  const held: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const cmd of steps) {
    const prog = cmd.words[0]?.value;
    if (prog == null || seen.has(prog)) continue;
    const how = functions.has(prog) ? 'a function' : aliases.has(prog) ? `an alias (line ${aliases.get(prog)!.line})` : aliases.has(null) ? `possibly an alias (line ${aliases.get(null)!.line} defines one by a name only known at run time)` : null;
    if (how === null) continue;
    seen.add(prog);
    (how !== 'a function' && aliasesIdle ? held : out).push(
      diag('COMMAND_SHADOWED', 'error', `\`${prog}\` is ${how} the script defines, so \`${cmd.words.map((w) => w.raw).join(' ')}\` runs that instead of the program the tool reads; removing or rewriting the call would drop whatever it does besides`, {
        file: cmd.file,
        line: cmd.line,
        setup: setup.id,
        hint: `Call the program itself (\`command ${prog} …\`) and do the function's other work as separate steps, then run the tool again; or migrate by hand.`,
      }),
    );
  }
  if (held.length > 0) setup.aliasShadows = held;
  return out;
}
