/**
 * The scripts a command runs, in every form a command can run one: by its path
 * (`./scripts/build.sh`, `bash -e scripts/build.sh`), past the wrappers the tool reads through
 * (`timeout 600 ./build.sh`, `sudo -E sh build.sh`, `nice -n 5 ./build.sh`,
 * ../model/wrappers.ts), from another folder (`env -C svc ./build.sh`), inside a shell's `-c`
 * text written out in full (`sh -c 'cd svc && ./build.sh'`, read with the shell reader) or
 * the command line another program runs (`su -c './build.sh' ci`, ./command-text.ts), and
 * from words only known at run time that a program builds from its input or its finds
 * (`find . -name build.sh -exec sh {} \;`, `ls svc/build.sh | xargs -n1 sh`): such a run has no
 * path, and may be of any script the caller's file names.
 *
 * A caller (./callers.ts) that runs a script in any of these forms is its caller: the script
 * starts in the caller's folder, and what the caller does afterwards uses what it left.
 */
import path from 'node:path/posix';
import { resolveRel } from '../model/paths.js';
import type { ScriptCommand, Word } from '../model/script.js';
import { programAt } from '../model/wrappers.js';
import { parseShell } from './shell/index.js';
import { commandText } from './command-text.js';
import { hostEffect } from '../plan/host-commands.js';
import { SCRIPT_SHELLS as SHELLS } from '../model/shells.js';

/** One script a command runs: its path as written (null: only known at run time) and the folder it runs from (null: not known). */
export interface ScriptRun {
  path: string | null;
  cwd: string | null;
  /** Run from the folder the script lies in (`find -execdir`), whatever `cwd` says. */
  ownFolder?: true;
  /** Named from `cwd` but run by a program the tool does not model, which may start it in any folder (`retry ./build.sh`). */
  anyFolder?: true;
}

/**
 * Programs given a script's path that only read it (a linter, a formatter, git): no run. Any
 * other program the tool does not model (`retry ./build.sh`, `parallel ::: ./build.sh`,
 * `systemd-run --scope ./build.sh`) may run a script it is given, from a folder it does not say.
 * Docker's are the linker's (a script run in a container, src/plan/passed-over-callers.ts);
 * `source`/`.` run the file in the caller's own shell, which is no call (./callers.ts).
 */
const READS_SCRIPTS = new Set(['shellcheck', 'shfmt', 'bashate', 'checkbashisms', 'git', 'docker', 'podman', '.', 'source']);

/** Programs that run the JavaScript/TypeScript file given as their first operand, in the folder they run in. */
const JS_RUNNERS = new Set(['node', 'nodejs', 'tsx', 'ts-node', 'zx', 'bun']);
/** Options of node (and the runners above, which pass them on) that take the next word as their value. */
const JS_VALUED = new Set(['-r', '--require', '--import', '--loader', '--experimental-loader', '-C', '--conditions', '--title', '--input-type', '--env-file', '--tsconfig', '--project', '-P']);
/** Options that make the runner run text instead of a file. */
const JS_TEXT = new Set(['-e', '--eval', '-p', '--print']);
/** npx options that take the next word as their value. */
const NPX_VALUED = new Set(['-p', '--package', '-c', '--call']);
const JS_FILE = /\.(?:[cm]?[jt]s|[jt]sx)$/;

/**
 * The word naming the JavaScript/TypeScript file a runner runs (`node --require ./env.js
 * tools/build.js`, `tsx scripts/image.ts`, `bun run build.ts`, `npx --yes zx deploy.mjs`), or
 * null when the command is no such run (another program, text run with `-e`, a first operand
 * that is no script file, a word only known at run time before it).
 */
function jsRun(name: string, rest: readonly Word[]): Word | null {
  let i = 0;
  if (name === 'npx') {
    for (; i < rest.length; i++) {
      const v = rest[i]!.value;
      if (v === null || !v.startsWith('-')) break;
      if (NPX_VALUED.has(v)) return null;
    }
    const runner = rest[i]?.value;
    return runner != null && JS_RUNNERS.has(runner) ? jsRun(runner, rest.slice(i + 1)) : null;
  }
  if (!JS_RUNNERS.has(name)) return null;
  if (name === 'bun' && rest[0]?.value === 'run') i = 1;
  for (; i < rest.length; i++) {
    const v = rest[i]!.value;
    if (v === null) return null;
    if (v === '--') {
      i++;
      break;
    }
    if (!v.startsWith('-')) break;
    if (JS_TEXT.has(v)) return null;
    if (JS_VALUED.has(v)) i++;
  }
  const file = rest[i];
  return file?.value != null && JS_FILE.test(file.value) ? file : null;
}

/** PowerShell's programs (`pwsh`, Windows PowerShell's `powershell`). */
const PS_RUNNERS = /^(pwsh|powershell)(\.exe)?$/i;
/** Their parameters that take the next word as their value (by the prefix they may be shortened to). */
const PS_VALUED = ['executionpolicy', 'ep', 'inputformat', 'if', 'outputformat', 'of', 'windowstyle', 'configurationname', 'config', 'custompipename', 'settingsfile', 'version', 'psconsolefile'];
/** Those that take no value. */
const PS_FLAGS = ['noprofile', 'nop', 'noninteractive', 'noni', 'nologo', 'nol', 'noexit', 'noe', 'sta', 'mta', 'login', 'l', 'interactive', 'i', 'noprofileloadtime'];

/**
 * The word naming the `.ps1` file a PowerShell program runs (`pwsh -NoProfile -File
 * scripts/build.ps1`, `powershell -ExecutionPolicy Bypass scripts/build.ps1`), or null when the
 * command is no such run: another program, `-Command` or `-EncodedCommand` text, `-WorkingDirectory`
 * (another folder), a parameter the table does not know.
 */
function psRun(name: string, rest: readonly Word[]): Word | null {
  if (!PS_RUNNERS.test(name)) return null;
  const is = (opt: string, full: string, min: number) => opt.length >= min && full.startsWith(opt);
  for (let i = 0; i < rest.length; i++) {
    const v = rest[i]!.value;
    if (v === null) return null;
    if (!/^[-/]/.test(v) || v === '-') return /\.ps1$/i.test(v) ? rest[i]! : null;
    const opt = v.replace(/^(--|-|\/)/, '').toLowerCase();
    if (is(opt, 'file', 1)) {
      const file = rest[i + 1];
      return file?.value != null && /\.ps1$/i.test(file.value) ? file : null;
    }
    if (PS_VALUED.some((o) => o === opt || (opt.length >= 3 && o.startsWith(opt)))) {
      i++;
      continue;
    }
    if (PS_FLAGS.includes(opt) || PS_FLAGS.some((o) => o.length > 3 && opt.length >= 3 && o.startsWith(opt))) continue;
    return null;
  }
  return null;
}

/** find's actions that run the words after them, up to `;` or `+`, for each file found. */
const FIND_ACTIONS = new Set(['-exec', '-execdir', '-ok', '-okdir']);
/** xargs options that take a value (the rest of the word, or the next word). */
const XARGS_VALUED = new Set(['-a', '-d', '-E', '-I', '-L', '-n', '-P', '-s', '--arg-file', '--delimiter', '--max-lines', '--max-args', '--max-procs', '--max-chars', '--process-slot-var']);
/** How deep `sh -c` texts are read inside each other. */
const DEPTH = 3;

/** Every script `cmd` may run, in the forms above. */
export function scriptRuns(cmd: ScriptCommand): ScriptRun[] {
  return runsOf(cmd, cmd.words, cmd.cwd, null, 0);
}

/**
 * `words` run from `cwd`; `slot`: the word that stands for a path only known at run time (`{}`
 * of find, xargs' `-I` string), with `appended` when the input is added after the words.
 */
function runsOf(cmd: ScriptCommand, words: readonly Word[], cwd: string | null, slot: { word: string | null; appended: boolean } | null, depth: number): ScriptRun[] {
  const past = pastWrappers(words, cwd);
  // `su -c TEXT ci`, `script -qc TEXT /dev/null`, `flock LOCK -c TEXT` (a wrapper whose -c the table leaves out): TEXT as a shell's -c text.
  const carried = past ? commandText(past.words, past.at) : commandText(words, programAt(words).at);
  if (carried !== undefined) return carried === null || depth >= DEPTH ? [] : inlineRuns(cmd, carried, past?.cwd ?? cwd, depth);
  if (!past) return [];
  const { at } = past;
  cwd = past.cwd;
  const prog = past.words[at];
  const rest = past.words.slice(at + 1);
  const value = prog?.value ?? null;
  if (value === null) return [];
  const placeholder = (w: Word | undefined) => slot !== null && slot.word !== null && w?.value != null && w.value.includes(slot.word);
  if (placeholder(prog)) return [{ path: null, cwd }];
  const name = path.basename(value);
  if (SHELLS.has(name)) {
    const { text, file, stdin } = shellOperand(rest);
    if (text !== undefined) return text === null || depth >= DEPTH ? [] : inlineRuns(cmd, text, cwd, depth);
    // `sh <<'EOF'`: the here-document is its script (the command's own input, not xargs' or find's).
    const fed = stdin && words === cmd.words ? stdinText(cmd) : undefined;
    if (typeof fed === 'string') return depth >= DEPTH ? [] : inlineRuns(cmd, fed, cwd, depth);
    // `xargs -n1 sh` (the file comes from the input), `-exec sh {} \;`.
    if (file === undefined) return slot?.appended ? [{ path: null, cwd }] : [];
    if (placeholder(file)) return [{ path: null, cwd }];
    return file.value !== null && !/^[/~]/.test(file.value) ? [{ path: file.value, cwd }] : [];
  }
  if (name === 'xargs') return xargsRuns(cmd, rest, cwd, depth);
  if (name === 'parallel') {
    const runs = parallelRuns(cmd, rest, cwd, depth);
    if (runs !== null) return runs;
  }
  if (name === 'find') return findRuns(cmd, rest, cwd, depth);
  // `node tools/build.js`, `npx tsx scripts/image.ts`, `pwsh -File scripts/build.ps1`: the file starts in the runner's folder.
  const js = value.includes('/') ? null : jsRun(name, rest) ?? psRun(name, rest);
  if (js !== null) {
    const others = rest.filter((w) => w !== js && w.value !== null && w.value.includes('/') && !/^[-/~]/.test(w.value) && !w.value.includes('='));
    return [...(js.value !== null && !/^[/~]/.test(js.value) ? [{ path: js.value, cwd }] : []), ...others.map((w) => ({ path: w.value, cwd, anyFolder: true as const }))];
  }
  // A program named without a slash is looked up on PATH, not in the repository.
  if (value.includes('/')) return !/^[/~]/.test(value) ? [{ path: value, cwd }] : [];
  if (READS_SCRIPTS.has(name) || hostEffect({ ...cmd, words: [...past.words] }).known) return [];
  return rest.filter((w) => w.value !== null && w.value.includes('/') && !/^[-/~]/.test(w.value) && !w.value.includes('=')).map((w) => ({ path: w.value, cwd, anyFolder: true as const }));
}

/**
 * Whether a command may run a script one of its words names in a form scriptRuns does not read
 * (`iex '.\scripts\build.ps1'`, `Start-Process pwsh -ArgumentList '.\scripts\build.ps1'`,
 * `bash "$DIR/build.sh"`, `"$DIR"/build.sh`): every command but those whose program only reads
 * the files it is given (a linter, git, `source`) or is one whose effect on files the tool knows
 * (`echo`, `cp`, `chmod`, `test -e`: ../plan/host-commands.ts), which run none.
 */
export function mayRunNamed(cmd: ScriptCommand): boolean {
  const past = pastWrappers(cmd.words, cmd.cwd);
  const value = past?.words[past.at]?.value;
  if (!past || value == null) return true;
  return !(READS_SCRIPTS.has(path.basename(value)) || hostEffect({ ...cmd, words: [...past.words] }).known);
}

/**
 * Whether a command runs what it names where it stands, in its own folder: a program only known
 * at run time (`"$DIR"/build.sh`), a shell given a file or text, `eval`, PowerShell's
 * `Invoke-Expression`. Any other program may change folder first.
 */
export function runsInPlace(cmd: ScriptCommand): boolean {
  const past = pastWrappers(cmd.words, cmd.cwd);
  if (!past || past.cwd !== cmd.cwd) return false;
  const value = past.words[past.at]?.value;
  return value == null || value === 'eval' || SHELLS.has(path.basename(value)) || /^(invoke-expression|iex)$/i.test(value);
}

/**
 * The words past the wrappers the tool reads through, and the folder the program runs from:
 * `env -C DIR` (`--chdir`) runs it from DIR (null when DIR is only known at run time). Null
 * when a wrapper's options cannot be read.
 */
function pastWrappers(words: readonly Word[], cwd: string | null): { words: readonly Word[]; at: number; cwd: string | null } | null {
  for (let tries = 0; tries < 4; tries++) {
    const { at, known } = programAt(words);
    if (known) return { words, at, cwd };
    if (words[at]?.value !== 'env') return null;
    const chdir = envChdir(words, at);
    if (!chdir) return null;
    const dir = chdir.dir?.value ?? null;
    cwd = cwd === null || dir === null || /^[/~]/.test(dir) ? null : resolveRel(cwd, dir);
    words = [...words.slice(0, chdir.from), ...words.slice(chdir.to)];
  }
  return null;
}

/** env's first `-C DIR`, `-CDIR`, `--chdir DIR` or `--chdir=DIR` among its options: the words it spans and the folder. */
function envChdir(words: readonly Word[], at: number): { from: number; to: number; dir: Word | null } | null {
  for (let k = at + 1; k < words.length; k++) {
    const v = words[k]!.value;
    if (v === null || v === '--' || !v.startsWith('-')) {
      // (an assignment, its value known or not: `env BASH_ENV="$HOME/.env" ./build.sh`)
      if (/^[A-Za-z_][A-Za-z0-9_]*=/.test(v ?? words[k]!.staticPrefix)) continue;
      return null;
    }
    if (v === '-C' || v === '--chdir') return { from: k, to: k + 2, dir: words[k + 1] ?? null };
    if (v.startsWith('--chdir=')) return { from: k, to: k + 1, dir: { ...words[k]!, value: v.slice('--chdir='.length) } };
    if (/^-C./.test(v)) return { from: k, to: k + 1, dir: { ...words[k]!, value: v.slice(2) } };
  }
  return null;
}

/**
 * A shell's operands past its options: `text` for `-c TEXT` (null when only known at run time),
 * else `file`, the script it runs (undefined when there is none: it reads standard input).
 */
function shellOperand(rest: readonly Word[]): { text?: string | null; file?: Word; stdin?: true } {
  let i = 0;
  let c = false;
  let s = false;
  for (; ; i++) {
    const opt = rest[i]?.value;
    if (opt === undefined || opt === null || opt === '-' || opt === '+' || !/^[-+]/.test(opt)) break;
    if (opt === '--') {
      i++;
      break;
    }
    if (/^-[a-zA-Z]*c/.test(opt)) c = true;
    if (/^-[a-zA-Z]*s/.test(opt)) s = true;
    if (/^[-+][a-zA-Z]*[oO]$/.test(opt) || opt === '--rcfile' || opt === '--init-file') i++;
  }
  if (c) return { text: rest[i] === undefined ? null : rest[i]!.value };
  // (`sh`, `bash -s ARGS`: the script is read from standard input)
  return rest[i] === undefined || s ? { stdin: true } : { file: rest[i]! };
}

/**
 * The script a shell reads on its standard input when that is a here-document or here-string of
 * `cmd` (`sh <<'EOF'`, `bash -s <<< 'docker rm x'`): its text, null when only known at run time;
 * undefined when standard input is something else (a file, a pipe, the caller's).
 */
function stdinText(cmd: ScriptCommand): string | null | undefined {
  const input = cmd.redirects.filter((r) => (r.fd === null || r.fd === '0') && (r.op === '<' || r.op.startsWith('<<') || r.op === '<&' || r.op === '<>')).pop();
  if (!input) return undefined;
  if (input.op === '<<' || input.op === '<<-') return input.body ?? null;
  if (input.op === '<<<') return input.target.value === null ? null : `${input.target.value}\n`;
  return undefined;
}

/** The scripts a `sh -c` text written out in full runs, read from `cwd` with the variables the caller exported. */
function inlineRuns(cmd: ScriptCommand, text: string, cwd: string | null, depth: number): ScriptRun[] {
  const runs = textCommands(cmd, text, cwd).flatMap((c) => runsOf(c, c.words, c.cwd, null, depth + 1));
  textRuns += runs.length;
  return runs;
}

/** How many runs inlineRuns found so far (runsInText compares it before and after a reading). */
let textRuns = 0;

/**
 * Whether a script `cmd` runs is run by a command of a text a shell or a text runner reads
 * (`sh -c './build.sh > build.log'`, `xargs -I{} sh -c '{} | tee log'`): that command's own
 * redirects and pipes then apply to the script's output too.
 */
export function runsInText(cmd: ScriptCommand): boolean {
  const before = textRuns;
  scriptRuns(cmd);
  return textRuns > before;
}

/**
 * The commands of a `sh -c` text written out in full (`sh -c "docker rm relay-x"`), or of the
 * command line `su -c`, `script -c` or `flock -c` runs (./command-text.ts), past the wrappers
 * the tool reads through, read from the folder it runs in and placed at `cmd`'s line; nested
 * texts too. None for any other command, or text the reader cannot take.
 */
export function inlineCommands(cmd: ScriptCommand, depth = 0): ScriptCommand[] {
  if (depth >= DEPTH) return [];
  return (carriedCommands(cmd) ?? []).flatMap((c) => [c, ...inlineCommands(c, depth + 1)]);
}

/**
 * The commands of the text `cmd` runs as a shell's script (its `-c` text, a here-document it
 * reads, the command line of `su -c`, `script -c`, `flock -c`), one level only, read as
 * inlineCommands reads them; null when it runs no text the tool can read.
 */
export function carriedCommands(cmd: ScriptCommand): ScriptCommand[] | null {
  const past = pastWrappers(cmd.words, cmd.cwd);
  const carried = past ? commandText(past.words, past.at) : commandText(cmd.words, programAt(cmd.words).at);
  if (typeof carried === 'string') return textCommands(cmd, carried, past?.cwd ?? cmd.cwd);
  const prog = past?.words[past.at]?.value;
  if (!past || prog == null || !SHELLS.has(path.basename(prog))) return null;
  const operand = shellOperand(past.words.slice(past.at + 1));
  // A here-document the shell reads as its script (`sh <<'EOF'`) runs as a `-c` text does.
  const text = operand.stdin ? stdinText(cmd) : operand.text;
  if (text == null) return null;
  return textCommands(cmd, text, past.cwd);
}

/** `text` read as a shell script from `cwd`, with the variables `cmd` exported, each command at `cmd`'s file and line. */
export function textCommands(cmd: ScriptCommand, text: string, cwd: string | null): ScriptCommand[] {
  const vars = new Map((cmd.exported ?? []).map((n) => [n, cmd.vars.get(n) ?? null] as const));
  const inner = parseShell(cmd.file, text, { cwd, vars }).script;
  // Text the reader cannot take may run anything: read as no script, the caller's other checks stand.
  return inner ? inner.commands.map((c) => ({ ...c, line: cmd.line + c.line - 1, ...(cmd.conditional ? { conditional: true } : {}) })) : [];
}

/** `xargs [options] PROGRAM [words]`: the program with the input's words added (at the end, or at each `-I` string). */
function xargsRuns(cmd: ScriptCommand, rest: readonly Word[], cwd: string | null, depth: number): ScriptRun[] {
  let replace: string | null = null;
  let i = 0;
  for (; i < rest.length; i++) {
    const v = rest[i]!.value;
    if (v === null) return [];
    if (v === '--') {
      i++;
      break;
    }
    if (!v.startsWith('-')) break;
    const name = v.startsWith('--') ? v.split('=', 1)[0]! : v.slice(0, 2);
    if (name === '-I') replace = v.length > 2 ? v.slice(2) : rest[i + 1]?.value ?? null;
    else if (name === '--replace' || name === '-i') replace = v.includes('=') ? v.slice(v.indexOf('=') + 1) : v.length > 2 && name === '-i' ? v.slice(2) : '{}';
    if (XARGS_VALUED.has(name) && !v.includes('=') && v.length === 2) i++;
  }
  // No program: xargs runs `echo`.
  if (i >= rest.length) return [];
  return runsOf(cmd, rest.slice(i), cwd, { word: replace, appended: replace === null }, depth);
}

/** GNU parallel's options the tool reads: none changes the folder or the command lines run. */
const PARALLEL_FLAGS = new Set(['-k', '--keep-order', '--line-buffer', '--lb', '--tag', '-u', '--ungroup', '-v', '--will-cite', '--no-notice', '--bar', '--eta', '--progress']);
const PARALLEL_VALUED = new Set(['-j', '--jobs', '-P', '--max-procs', '--halt', '--halt-on-error']);

/**
 * `parallel [options] ::: LINE…` runs each LINE as a shell command line; `parallel [options]
 * COMMAND [words] ::: ARG…`, COMMAND with each ARG added; both from the caller's folder. Null
 * (not read: the words may run anything) for an option not in the tables above, input sources
 * other than `:::` (`::::`, `:::+`, standard input) or replacement strings (`{}`).
 */
function parallelRuns(cmd: ScriptCommand, rest: readonly Word[], cwd: string | null, depth: number): ScriptRun[] | null {
  let i = 0;
  for (; i < rest.length; i++) {
    const v = rest[i]!.value;
    if (v === null) return null;
    if (!v.startsWith('-')) break;
    const name = v.split('=', 1)[0]!;
    if (PARALLEL_FLAGS.has(v)) continue;
    if (PARALLEL_VALUED.has(name)) {
      if (!v.includes('=')) i++;
      continue;
    }
    if (/^-j\d+$/.test(v)) continue;
    return null;
  }
  const sep = rest.findIndex((w) => w.value === ':::');
  if (sep < i || rest.some((w) => w.value === null || /^:::[:+]/.test(w.value) || w.value.includes('{'))) return null;
  const command = rest.slice(i, sep);
  const args = rest.slice(sep + 1);
  if (command.length === 0) return depth >= DEPTH ? [] : args.flatMap((a) => inlineRuns(cmd, a.value!, cwd, depth));
  return args.flatMap((a) => runsOf(cmd, [...command, a], cwd, null, depth));
}

/** `find … -exec PROGRAM [words] {} ;`: each action's words, `{}` a path only known at run time. */
function findRuns(cmd: ScriptCommand, rest: readonly Word[], cwd: string | null, depth: number): ScriptRun[] {
  const out: ScriptRun[] = [];
  for (let k = 0; k < rest.length; k++) {
    const action = rest[k]!.value;
    if (action === null || !FIND_ACTIONS.has(action)) continue;
    let end = k + 1;
    while (end < rest.length && rest[end]!.value !== ';' && rest[end]!.value !== '+') end++;
    const runs = runsOf(cmd, rest.slice(k + 1, end), cwd, { word: '{}', appended: false }, depth);
    // `-execdir` runs each from the folder of the file found.
    out.push(...(action.endsWith('dir') ? runs.map((r) => (r.path === null ? { ...r, ownFolder: true as const } : { ...r, cwd: null })) : runs));
    k = end;
  }
  return out;
}
