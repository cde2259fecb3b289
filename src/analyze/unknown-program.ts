/**
 * A command that runs a program the script only names at run time: `$TOOL go vet`, Make's
 * `$(call IN_BUILDER,…)`, `sudo $CMD`, `eval "$CMD"`, `sh -c "$CMD"`, `find . -exec $CMD {} +`.
 * Such a command may be `docker run` of the builder image, or anything else, so the callers
 * count it as a possible use of what the old script left behind.
 *
 * A wrapper whose options the tool does not read (`sudo -i …`, ../model/wrappers.ts) runs a
 * command the tool does not follow either: it counts too.
 */
import path from 'node:path/posix';
import { programAt } from '../model/wrappers.js';
import type { ScriptCommand, Word } from '../model/script.js';

/** Shells whose `-c` runs the word after it as a script. */
const SHELLS = new Set(['sh', 'bash', 'dash', 'zsh', 'ksh', 'mksh', 'ash', 'busybox']);
/** find's actions that run the words after them as a command. */
const FIND_ACTIONS = new Set(['-exec', '-execdir', '-ok', '-okdir']);

/** The word that makes the program only known at run time, or null when the command's program is known. */
export function unknownProgramWord(cmd: ScriptCommand): Word | null {
  const words = cmd.words;
  const { at, known } = programAt(words);
  if (!known) return words[at] ?? null;
  const program = words[at];
  if (!program) return null;
  if (program.value === null) return program;
  const name = path.basename(program.value);
  const rest = words.slice(at + 1);
  if (name === 'eval') return rest.find((w) => w.value === null) ?? null;
  if (SHELLS.has(name)) {
    // `sh -c SCRIPT`, `bash -ec SCRIPT`: the script is the first word after the options.
    const c = rest.findIndex((w) => w.value !== null && /^-[a-zA-Z]*c[a-zA-Z]*$/.test(w.value));
    if (c < 0) return null;
    const script = rest.slice(c + 1).find((w) => w.value === null || !w.value.startsWith('-'));
    return script && script.value === null ? script : null;
  }
  if (name === 'find') {
    const action = rest.findIndex((w) => w.value !== null && FIND_ACTIONS.has(w.value));
    const run = action < 0 ? undefined : rest[action + 1];
    return run && run.value === null ? run : null;
  }
  return null;
}
