/**
 * Programs whose file writes the tool cannot tell, given a script's output: a reader of a
 * caller's pipe from the script (`./build.sh | awk '{print > "build.log"}'`, `| sed -n 'w
 * build.log'`, `| ./tools/logsplit build.log`, `| split -l 1000 - log.`), and a program that
 * runs the script itself (`retry ./build.sh`; util-linux `script` is read for its files). What they
 * write may be any file, named in their own text or by their own code; a program known to write
 * nothing but its standard output (`grep`, `gzip`, `ts`) and the shells are not among them.
 * `tee` is read for its files (./descriptor-outputs.ts).
 */
import path from 'node:path/posix';
import { ALL_SHELLS } from '../model/shells.js';
import type { ScriptCommand } from '../model/script.js';
import { printsFromNamedFiles, TESTS } from './host-commands.js';

/** Filters that read standard input and write only their standard output (besides `printsFromNamedFiles`: `cat`, `grep`, `head`, `wc`, `echo`…). */
const FILTERS = new Set(['tr', 'ts', 'logger', 'column', 'fold', 'fmt', 'nl', 'tac', 'rev', 'expand', 'unexpand', 'base64', 'pv', 'col', 'colrm', 'strings', 'gzip', 'bzip2', 'xz', 'zstd', 'lz4', 'cat']);

/** Shell builtins that read their input into variables, and tests: they write no file (`| while read l; do …; done`). */
const NO_WRITES = new Set(['read', 'mapfile', 'readarray', ...TESTS]);

/** The words of `args` that are no option (`-` alone, standard input, is one), or null where one is only known at run time. */
const operands = (args: readonly (string | null)[]) => args.filter((a) => a === null || !a.startsWith('-') || a === '-');
/** Whether `args` hold a word only known at run time, or a file operand other than standard input. */
const namesFiles = (args: readonly (string | null)[]) => operands(args).some((a) => a !== '-');

/**
 * Programs that write files named by options the table above does not read, or by an operand:
 * `sort -o FILE`, `uniq IN OUT`, `less -o FILE`, `zstd -o FILE` (and a FILE operand, which it
 * writes FILE.zst of), `lz4 - OUT`, `xxd - OUT`, `pv -o FILE` (pv 1.8) and its `-P` pid file.
 * The compressors given a file compress that file, a write the tool does not follow either.
 */
const WRITING_OPTIONS: Readonly<Record<string, (args: readonly (string | null)[]) => boolean>> = {
  sort: (args) => args.some((a) => a === null || /^-[A-Za-z]*o|^--output/.test(a)),
  uniq: (args) => operands(args).length > 1,
  zstd: (args) => namesFiles(args) || args.some((a) => a !== null && /^-[A-Za-z0-9#]*o|^--output/.test(a)),
  lz4: namesFiles,
  gzip: namesFiles,
  bzip2: namesFiles,
  xz: namesFiles,
  xxd: (args) => operands(args).length > 1 || args.some((a) => a === null),
  pv: (args) => args.some((a) => a === null || /^-[A-Za-z]*[oPU]|^--(output|pidfile|store-and-forward)/.test(a)),
  less: () => true,
  more: () => true,
};

/** Whether `cmd`, whose program is its word `at` (past the wrappers), reading a pipe, may write files the tool cannot tell. */
export function pipeWritesUntold(cmd: ScriptCommand, at: number): boolean {
  const program = cmd.words[at]?.value ?? null;
  if (program === null) return true;
  const args = cmd.words.slice(at + 1).map((w) => w.value);
  const writing = WRITING_OPTIONS[program];
  if (writing) return writing(args);
  if (program === 'sed') return sedMayWrite(args);
  if (AWKS.has(program)) return awkMayWrite(args);
  return !(FILTERS.has(program) || NO_WRITES.has(program) || printsFromNamedFiles(program));
}

/**
 * Whether sed given `args` may write a file: only its `w` and `W` commands, the `w` flag of `s`,
 * and the `e` command and flag (which run a shell command) do, besides `-i`; so a script
 * without any of those letters (`s/^/[build] /`) writes none. The letters are looked for in the
 * whole text, so a script that holds one anywhere (`s/error/ERROR/`) counts as writing: the
 * test may take a filter for a writer, never a writer for a filter. A script file (`-f`) or an
 * option not listed may write.
 */
function sedMayWrite(args: readonly (string | null)[]): boolean {
  const scripts: (string | null)[] = [];
  let options = true;
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === null) return true;
    if (options && a === '--') options = false;
    else if (options && (a === '-e' || a === '--expression')) scripts.push(args[++i] ?? null);
    else if (options && a.startsWith('--expression=')) scripts.push(a.slice('--expression='.length));
    else if (options && /^-[nErsuz]+$/.test(a)) continue;
    else if (options && ['--quiet', '--silent', '--regexp-extended', '--separate', '--unbuffered', '--null-data', '--posix', '--debug', '--sandbox'].includes(a)) continue;
    else if (options && a.startsWith('-') && a !== '-') return true;
    // the first operand is the script when no -e gave one; the others are files it reads
    else if (scripts.length === 0) scripts.push(a);
  }
  return scripts.length === 0 || scripts.some((t) => t === null || /[wWe]/.test(t));
}

const AWKS = new Set(['awk', 'gawk', 'mawk', 'nawk']);

/**
 * Whether awk given `args` may write a file: only its output redirections (`print > "f"`, `>>`,
 * `| cmd`), `system()` and gawk's `@` directives and indirect calls do in a program, so one without `>`, `|`, `@` and `system`
 * (`{ print $1 }`) writes none; the test may take a filter for a writer, never the other way.
 * Only `-F` and `-v` (and `--`) are read among its options: another (a program file, gawk's
 * `-i inplace`, `--dump-variables`) may write.
 */
function awkMayWrite(args: readonly (string | null)[]): boolean {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    if (a === null) return true;
    if (a === '-F' || a === '-v') {
      i++;
      continue;
    }
    if (/^-[Fv]./.test(a) || a === '--') continue;
    if (a.startsWith('-')) return true;
    // (gawk's `@include`/`@load` bring in code or functions that write, `writea()`; `@f()` calls a function named at run time)
    return /[>|@]|system/.test(a);
  }
  return true;
}

/** Programs that run a script they are given and write no file of its output themselves (a wrapper among them whose options the tool does not read, `env -C svc`, too). */
const RUNNERS = new Set(['npx', 'npm', 'yarn', 'pnpm', 'bunx', 'exec', 'command', 'env', 'sudo', 'doas', 'su', 'runuser', 'flock', 'xargs', 'find', 'timeout', 'nice', 'ionice', 'chrt', 'taskset', 'setsid', 'stdbuf']);

/**
 * The files the program of a call of `script` (its word `at`, past the wrappers; `known` false
 * where their options cannot be read) writes the script's output to of its own: none for the
 * script run by its path or name, a shell or a package runner (the text a shell runs, `sh -c
 * './build.sh > build.log'`, is read as a shell of its own: ./descriptor-outputs.ts callSinks); util-linux `script`'s typescript
 * (`script -qc ./build.sh build.log`, `typescript` when it names none) and log files; null for
 * any other program, whose writes the tool cannot tell.
 */
export function callWrites(call: ScriptCommand, at: number, known: boolean, script: string): string[] | null {
  const first = call.words[0]?.value;
  const program = known ? call.words[at]?.value ?? null : first !== null && first !== undefined && RUNNERS.has(path.basename(first)) ? first : null;
  if (program === null) return null;
  const name = path.basename(program);
  if (program.includes('/') || name === path.basename(script) || ALL_SHELLS.has(name) || RUNNERS.has(name)) return [];
  return name === 'script' ? typescriptFiles(call.words.slice(at + 1).map((w) => w.value)) : null;
}

/** util-linux script's options: without a value, with one, with a file it writes (`-O`, `-B`, `-T`). */
const SCRIPT_FLAGS = new Set(['a', 'e', 'f', 'q']);
const SCRIPT_VALUED = new Set(['c', 'E', 'm', 'o', 'I']);
const SCRIPT_FILES = new Set(['B', 'O', 'T']);
const SCRIPT_LONG: Readonly<Record<string, 'flag' | 'valued' | 'file'>> = {
  '--append': 'flag', '--return': 'flag', '--flush': 'flag', '--quiet': 'flag', '--force': 'flag',
  '--command': 'valued', '--echo': 'valued', '--logging-format': 'valued', '--output-limit': 'valued', '--log-in': 'valued',
  '--log-out': 'file', '--log-io': 'file', '--log-timing': 'file',
};

/** The files `script ARGS` writes (its typescript operand, `typescript` without one, its log files); null where its words cannot be read. */
function typescriptFiles(args: readonly (string | null)[]): string[] | null {
  const files: string[] = [];
  let operand: string | undefined;
  for (let i = 0; i < args.length; i++) {
    const v = args[i];
    if (v === null || v === undefined) return null;
    if (v === '--' || !v.startsWith('-') || v === '-') {
      const rest = v === '--' ? args.slice(i + 1) : args.slice(i);
      if (rest.length > 1 || rest.some((r) => r === null)) return null;
      operand = rest[0] ?? undefined;
      break;
    }
    if (v.startsWith('--')) {
      const eq = v.indexOf('=');
      const [opt, value] = eq < 0 ? [v, undefined] : [v.slice(0, eq), v.slice(eq + 1)];
      // `--timing` alone writes the timing to standard error; `--timing=FILE` to the file.
      const kind = opt === '--timing' ? (value === undefined ? 'flag' : 'file') : SCRIPT_LONG[opt];
      if (kind === undefined) return null;
      if (kind === 'flag') continue;
      const val = value ?? args[++i];
      if (val === null || val === undefined) return null;
      if (kind === 'file') files.push(val);
      continue;
    }
    for (let j = 1; j < v.length; j++) {
      const c = v[j]!;
      if (SCRIPT_FLAGS.has(c)) continue;
      // `-t` takes its file only attached (`-ttiming.log`); alone it writes to standard error.
      if (c === 't') {
        if (j + 1 < v.length) files.push(v.slice(j + 1));
        break;
      }
      if (!SCRIPT_VALUED.has(c) && !SCRIPT_FILES.has(c)) return null;
      const val = j + 1 < v.length ? v.slice(j + 1) : args[++i];
      if (val === null || val === undefined) return null;
      if (SCRIPT_FILES.has(c)) files.push(val);
      break;
    }
  }
  return [...files, operand ?? 'typescript'];
}
