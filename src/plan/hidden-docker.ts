/**
 * Commands a command runs that the host-effects pass does not read as its own: the commands of
 * a shell's `-c` text written out in full (`sh -c 'docker rm relay-x'`), or of the one `su -c`,
 * `script -c` or `flock -c` runs (../analyze/command-text.ts), read exactly; and,
 * for a program the tool does not model, what it may run: its words from each `docker` word on
 * (`retry docker rm relay-x`, `chronic docker rm relay-x` through a wrapper it does not know)
 * and each of its words holding a command line (`su -l -c 'docker rm relay-x' ci`, `parallel
 * ::: 'docker rm relay-x'`), read with the shell reader. Such a
 * command that names a container the migration no longer makes would fail, or do other work,
 * once it is gone.
 */
import { PS_FLOW } from './host-commands.js';
import path from 'node:path/posix';
import { commandText } from '../analyze/command-text.js';
import { inlineCommands } from '../analyze/script-runs.js';
import { parseShell } from '../analyze/shell/index.js';
import { isDockerProgram } from '../model/docker-command.js';
import type { ScriptCommand, Word } from '../model/script.js';
import { ALL_SHELLS } from '../model/shells.js';
import { programAt } from '../model/wrappers.js';

/** How deep command lines inside words are read inside each other. */
const DEPTH = 3;

export interface HiddenCommands {
  /** The commands run inside: for `exact`, every command of the text; else those the words may run. */
  commands: ScriptCommand[];
  /** A shell's `-c` text written out in full: `commands` are all it runs. */
  exact: boolean;
}

/** What `cmd` runs inside it (above); none for a program the tool models, or one given no command. */
export function hiddenCommands(cmd: ScriptCommand, modelled: boolean): HiddenCommands {
  const { at } = programAt(cmd.words);
  const program = cmd.words[at]?.value;
  // The PowerShell reader's stand-ins name a command they read the status of, not one they run.
  if (program != null && PS_FLOW.has(program)) return { commands: [], exact: true };
  // A shell's -c text; `su -c 'docker rm relay-x' ci`, `script -qc '…' /dev/null`, `flock LOCK -c '…'` (../analyze/command-text.ts).
  if ((program != null && ALL_SHELLS.has(path.basename(program))) || typeof commandText(cmd.words, at) === 'string') {
    const inner = inlineCommands(cmd);
    if (inner.length > 0) return { commands: inner, exact: true };
  }
  return { commands: modelled ? [] : mayRun(cmd, at, 0), exact: false };
}

/** The commands the words after `at` may run, nested ones too. */
function mayRun(cmd: ScriptCommand, at: number, depth: number): ScriptCommand[] {
  if (depth >= DEPTH) return [];
  const out: ScriptCommand[] = [];
  cmd.words.forEach((w, k) => {
    if (k <= at) return;
    // `retry docker rm relay-x`: docker run with the words after it.
    if (isDockerProgram(w)) out.push({ ...cmd, words: cmd.words.slice(k) });
    else for (const inner of commandLine(cmd, w)) out.push(inner, ...mayRun(inner, programAt(inner.words).at, depth + 1));
  });
  return out;
}

/** A static word holding more than one shell word, read as a command line from `cmd`'s folder (none when the reader cannot take it). */
function commandLine(cmd: ScriptCommand, w: Word): ScriptCommand[] {
  if (w.value === null || !/\s/.test(w.value)) return [];
  const inner = parseShell(cmd.file, w.value, { cwd: cmd.cwd, vars: cmd.vars }).script;
  return inner ? inner.commands.map((c) => ({ ...c, line: cmd.line + c.line - 1 })) : [];
}
