/**
 * A command that runs a program the script only names at run time: `$TOOL go vet`, Make's
 * `$(call IN_BUILDER,…)`, `sudo $CMD`, `eval "$CMD"` (or `eval "docker run app:\$TAG"`), `sh -c "$CMD"`, `find . -exec $CMD {} +`,
 * and a program that runs a file or package only named at run time: `sh "$SCRIPT"`, `make -f
 * "$MK"`, `npx "$TOOL"`, `yarn "$TASK"`.
 * Such a command may be `docker run` of the builder image, or anything else, so the callers
 * count it as a possible use of what the old script left behind.
 *
 * A wrapper whose options the tool does not read (`sudo -i …`, ../model/wrappers.ts) runs a
 * command the tool does not follow either: it counts too.
 */
import path from 'node:path/posix';
import { programAt } from '../model/wrappers.js';
import type { ScriptCommand, Word } from '../model/script.js';
import { ALL_SHELLS as SHELLS } from '../model/shells.js';

/** find's actions that run the words after them as a command. */
const FIND_ACTIONS = new Set(['-exec', '-execdir', '-ok', '-okdir']);
/** make's options naming the Makefile it reads, or the folder it reads it in. */
const MAKE_FILE_OPTIONS = ['-f', '--file', '--makefile', '-C', '--directory'];
/** Package runners, with the subcommands that run a program named by the next word. */
const RUNNERS: ReadonlyMap<string, ReadonlySet<string>> = new Map([
  ['npx', new Set()],
  ['bunx', new Set()],
  ['npm', new Set(['exec', 'x'])],
  ['yarn', new Set(['dlx', 'exec', 'run'])],
  ['pnpm', new Set(['dlx', 'exec', 'run'])],
  ['bun', new Set(['x', 'run'])],
]);

/** The value word of the first of `names` in `rest` (`-f FILE`, `-fFILE`, `--file=FILE`) that is only known at run time, else null. */
function optionValue(rest: readonly Word[], names: readonly string[]): Word | null {
  for (let k = 0; k < rest.length; k++) {
    const v = rest[k]!.value;
    if (v === null) {
      // `--file="$MK"`: the option's own word, its value only known at run time.
      if (names.some((n) => n.startsWith('--') && rest[k]!.staticPrefix.startsWith(`${n}=`))) return rest[k]!;
      continue;
    }
    if (v === '--') return null;
    if (names.includes(v)) {
      if (rest[k + 1]?.value === null) return rest[k + 1]!;
      k++;
    } else if (names.some((n) => !n.startsWith('--') && v.startsWith(n) && v.length > n.length)) continue;
  }
  return null;
}

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
  // eval reads its words again as shell text: a `$` or backquote in a static word (`eval docker run
  // "app:\$TAG"`) is an expansion there, only known at run time.
  if (name === 'eval') return rest.find((w) => w.value === null || /[$`]/.test(w.value)) ?? null;
  if (SHELLS.has(name)) {
    // `sh -c SCRIPT`, `bash -ec SCRIPT`, and `sh "$SCRIPT"`, `bash -o pipefail "$1"`: the
    // script, or the file it runs, is the first word after the options.
    let k = 0;
    for (; k < rest.length; k++) {
      const v = rest[k]!.value;
      if (v === null || v === '-' || v === '+' || !/^[-+]/.test(v)) break;
      if (v === '--') {
        k++;
        break;
      }
      if (/^[-+][a-zA-Z]*[oO]$/.test(v) || v === '--rcfile' || v === '--init-file') k++;
    }
    const script = rest[k];
    return script && script.value === null ? script : null;
  }
  // `make -f "$MK" target`, `make -C "$DIR"`: a Makefile the tool cannot name (a target only known
  // at run time, `make "$TARGET"`, is one of a Makefile it reads).
  if (name === 'make' || name === 'gmake') return optionValue(rest, MAKE_FILE_OPTIONS);
  // `npx "$TOOL"`, `yarn "$TASK"`, `pnpm dlx "$X"`: a package's program, or a script of one the
  // tool cannot name (`npm run "$S"` runs one of package.json's scripts, which it reads).
  if (RUNNERS.has(name)) {
    const ops = rest.filter((w) => w.value === null || !w.value.startsWith('-'));
    const first = ops[0];
    if (!first) return null;
    if (first.value === null) return first;
    return RUNNERS.get(name)!.has(first.value) && ops[1]?.value === null ? ops[1] : null;
  }
  if (name === 'find') {
    const action = rest.findIndex((w) => w.value !== null && FIND_ACTIONS.has(w.value));
    const run = action < 0 ? undefined : rest[action + 1];
    return run && run.value === null ? run : null;
  }
  return null;
}
