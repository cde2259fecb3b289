/**
 * BASH_ENV: a bash started to run a script or a `-c` text (not interactive) first sources the
 * file that variable names, in its own shell. Whatever that file defines (a `docker` function,
 * an alias with `shopt -s expand_aliases`, `set +e`, a trap removing the extraction's container,
 * a `umask`) then applies to every command the tool reads, while the script's text holds none
 * of it. CI files set it to load tool versions (`env: BASH_ENV: ~/.profile`), Makefiles
 * export it for recipe shells. The tool does not follow that file, so a setup whose shell may
 * start with BASH_ENV set by the repository (the CI step's or job's environment, a make
 * export, the script's own assignment reaching the shells it starts, or a caller's
 * environment) is refused (BASH_ENV_SET). A user's own login environment is no file of the
 * repository and not seen here.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { shownCommand, type ScriptCommand } from '../model/script.js';
import { setupCommands, type Setup } from '../model/setup.js';
import { envPrefix } from '../model/wrappers.js';

/** The value of BASH_ENV `cmd` runs with (its own assignments, an `env` prefix, the script's or step's variables): undefined when unset, null when only known at run time. */
export function bashEnvOf(cmd: ScriptCommand): string | null | undefined {
  const prefixed = envPrefix(cmd)?.vars;
  if (prefixed?.has('BASH_ENV')) return prefixed.get('BASH_ENV')!;
  if (cmd.env?.has('BASH_ENV')) return cmd.env.get('BASH_ENV')!;
  return cmd.vars.has('BASH_ENV') ? cmd.vars.get('BASH_ENV')! : undefined;
}

const shown = (v: string | null) => (v === null ? 'a value only known at run time' : v === '' ? 'an empty value' : `\`${v}\``);

/** BASH_ENV_SET for a setup whose steps run where BASH_ENV is set; none otherwise. */
export function bashEnvSet(setup: Setup): Diagnostic[] {
  // (an empty BASH_ENV names no file)
  const at = setupCommands(setup).find((c) => bashEnvOf(c) !== undefined && bashEnvOf(c) !== '');
  if (!at) return [];
  const value = bashEnvOf(at)!;
  return [
    diag('BASH_ENV_SET', 'error', `BASH_ENV is set to ${shown(value)} where \`${shownCommand(at)}\` runs: a bash started there sources that file first, and what it defines (functions, aliases, shell options, traps) may change what these steps do; the tool does not read it`, {
      file: at.file,
      line: at.line,
      setup: setup.id,
      hint: 'Source the file in the script itself (`. ./ci/env.sh`), where the tool reads it, or unset BASH_ENV for these steps; then run the tool again, or migrate by hand.',
    }),
  ];
}
