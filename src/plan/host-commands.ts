/**
 * What a host command does to files: which paths it reads, which it writes, and which it is
 * given without the tool knowing what it does with them ("may touch"). The host-effects pass
 * checks these against a setup's artifact paths and Dockerfiles. A command the table does not
 * know is never assumed harmless: every path it is given may be written.
 */
import { resolveRel } from '../model/paths.js';
import { globToRegExp } from '../model/glob.js';
import type { ScriptCommand, Word } from '../model/script.js';
import { testedPaths } from './test-operands.js';
import { programAt } from '../model/wrappers.js';

export interface PathUse {
  /** Repository-relative path, or null when only known at run time. */
  path: string | null;
  /** Written as a pattern the shell expands (`bin/*`). */
  glob: boolean;
  word: Word;
}

export interface HostEffect {
  /**
   * The program after wrappers (`sudo -u ci`, `env A=b`, `nice -n 10`, `timeout 5m`…: ../model/wrappers.ts);
   * a wrapper whose options the tool cannot read is itself the program (one no table models).
   */
  program: string | null;
  /** Index of the program's word in the command (past the wrappers). */
  at: number;
  reads: PathUse[];
  writes: PathUse[];
  /** Paths given to a program the tool does not model. */
  mayTouch: PathUse[];
  known: boolean;
}

/** Programs that never read or write files named by their operands. */
const NO_PATHS = new Set(['echo', 'printf', 'true', 'false', ':', 'set', 'export', 'cd', 'pushd', 'popd', 'exit', 'return', 'shift', 'unset', 'local', 'readonly', 'declare', 'typeset', 'sleep', 'date', 'pwd', 'whoami', 'id', 'uname', 'umask', 'wait', 'basename', 'dirname', 'hostname', 'trap', 'shopt', 'seq', 'expr']);
/** Programs that only read the files they are given. */
const READS = new Set(['cat', 'ls', 'sha256sum', 'sha1sum', 'sha512sum', 'md5sum', 'b2sum', 'cksum', 'grep', 'egrep', 'fgrep', 'head', 'tail', 'wc', 'file', 'stat', 'du', 'diff', 'cmp', 'cut', 'sort', 'uniq', 'od', 'xxd', 'hexdump', 'readlink', 'realpath', 'less', 'more', 'ldd', 'nm', 'objdump', 'readelf', 'size', 'jq']);
/** Whether what `program` prints depends on the files its operands name alone (none for `echo`, `date`), not on the repository's state (`git describe`). */
export const printsFromNamedFiles = (program: string | null): boolean => program !== null && (NO_PATHS.has(program) || READS.has(program));
/** Readers that list the folder they run in when given no operand. */
const LISTS_FOLDER = new Set(['ls', 'du']);
/** `test`, `[` and `[[`: only the operands of file operators are paths (src/plan/test-operands.ts). */
export const TESTS: ReadonlySet<string> = new Set(['test', '[', '[[']);
/** Programs that write (change, create or remove) every file they are given. */
const WRITES = new Set(['rm', 'rmdir', 'mkdir', 'touch', 'truncate', 'strip', 'upx', 'shred', 'gzip', 'gunzip', 'bzip2', 'xz', 'unxz', 'zstd', 'dos2unix', 'unix2dos', 'patchelf', 'setfattr', 'codesign']);
/** The first operand is not a path (a mode, an owner), the rest are written. */
const MODE_FIRST = new Set(['chmod', 'chown', 'chgrp']);
/** The last operand is written (a destination), the others read (`mv` removes its sources too). */
const COPIES = new Set(['cp', 'install', 'ln', 'rsync']);
/**
 * Subcommands that write no file (they print): `git describe > VERSION` writes through its
 * redirect alone. `git status` is not here: it may refresh .git/index.
 */
const PRINTS: Readonly<Record<string, ReadonlySet<string>>> = {
  go: new Set(['vet', 'version', 'list']),
  git: new Set(['describe', 'rev-parse', 'log', 'show', 'rev-list']),
};

/** A word as a path relative to the repository (null when not static or the cwd is unknown). */
export function use(cmd: ScriptCommand, w: Word): PathUse {
  const v = w.value;
  // The shell reader says which words it expands (`"$D"/*` is a pattern, `"$F"` holding a `*` is not);
  // other readers' words count when they do not start with a quote.
  const glob = v !== null && /[*?[]/.test(v) && (w.pattern === true || !/^['"]/.test(w.raw));
  // An absolute path is outside the repository as far as the script says (its root is not known).
  return { path: v === null || cmd.cwd === null ? null : v.startsWith('/') ? v : resolveRel(cmd.cwd, v), glob, word: w };
}

/**
 * A file the GitHub Actions runner gives each step outside the workspace (`>> "$GITHUB_OUTPUT"`,
 * `$GITHUB_ENV`, `$GITHUB_PATH`, `$GITHUB_STEP_SUMMARY`, `$GITHUB_STATE`), named by its variable
 * alone and not set by the script: no file of the repository. (What a step writes there for the
 * next steps is read by src/analyze/step-env-files.ts.)
 */
const RUNNER_FILE = /^\$\{(GITHUB_OUTPUT|GITHUB_ENV|GITHUB_PATH|GITHUB_STEP_SUMMARY|GITHUB_STATE)\}$/;
const runnerFile = (w: Word) => w.value === null && RUNNER_FILE.test(w.symbol);

const isFlag = (w: Word) => w.value !== null && w.value.startsWith('-') && w.value !== '-';

/** The file effects of one host command, redirects included. */
export function hostEffect(cmd: ScriptCommand): HostEffect {
  const { at } = programAt(cmd.words);
  const program = cmd.words[at]?.value ?? null;
  const args = cmd.words.slice(at + 1);
  const operands = args.filter((w) => !isFlag(w));
  const flags = args.filter(isFlag).map((w) => w.value!);
  const effect: HostEffect = { program, at, reads: [], writes: [], mayTouch: [], known: true };
  for (const r of cmd.redirects) {
    if (r.op.startsWith('<<') || runnerFile(r.target)) continue;
    if (r.op === '<') effect.reads.push(use(cmd, r.target));
    else if (/^(>|>>|>\||&>|&>>)$/.test(r.op) && !/^&?\d*-?$/.test(r.target.value ?? 'x')) effect.writes.push(use(cmd, r.target));
  }
  // `exec 3> build.log`, `exec > build.log 2>&1`: the shell opens its files, no program runs.
  if (program === null && cmd.words.length === 1 && cmd.words[0]!.value === 'exec') return { ...effect, program: 'exec' };
  if (program === null) {
    effect.known = false;
    effect.mayTouch.push(...args.map((w) => use(cmd, w)));
    return effect;
  }
  if (NO_PATHS.has(program)) {
    // The shell expands an unquoted pattern into the names it matches before the program runs
    // (`echo ap? > list.txt`, `printf '%s\n' dist/*`): whatever the program, that is a listing.
    // (an escaped or quoted character, `expr 2 \* 3`, is no pattern: the shell reader marks those it expands)
    effect.reads.push(...args.filter((w) => w.pattern === true || !/[\\'"]/.test(w.raw)).map((w) => use(cmd, w)).filter((u) => u.glob));
    return effect;
  }
  // The subcommand is the first operand; a `git -C dir` (another repository) is not read.
  if (PRINTS[program] && operands[0]?.value !== undefined && PRINTS[program]!.has(operands[0]!.value ?? '') && !flags.some((f) => f === '-C' || f.startsWith('--git-dir') || f.startsWith('--work-tree'))) return effect;
  if (TESTS.has(program)) effect.reads.push(...testedPaths(args, program).map((w) => use(cmd, w)));
  else if (READS.has(program)) {
    effect.reads.push(...operands.map((w) => use(cmd, w)));
    // `ls > FILES`, `files=$(ls)`: with no operand they read the folder they run in, a result
    // when a file or a variable receives it (piped on, `ls -la | grep -v foo`, it is taken for a
    // report as on the terminal).
    if (operands.length === 0 && LISTS_FOLDER.has(program) && (cmd.stdout?.kind === 'capture' || cmd.redirects.some((r) => /^(>|>>|>\||&>|&>>)$/.test(r.op) && !/^&?\d*-?$/.test(r.target.value ?? 'x') && r.target.value !== '/dev/null'))) effect.reads.push({ path: cmd.cwd, glob: false, word: cmd.words[at]! });
  } else if (WRITES.has(program)) effect.writes.push(...operands.map((w) => use(cmd, w)));
  else if (MODE_FIRST.has(program) && !flags.some((f) => f.startsWith('--reference'))) effect.writes.push(...operands.slice(1).map((w) => use(cmd, w)));
  else if ((COPIES.has(program) || program === 'mv') && !flags.some((f) => f === '-t' || f.startsWith('--target-directory'))) {
    const dest = operands[operands.length - 1];
    // One operand must expand into several (`cp dist/app{,.bak}`): which are sources is not known.
    const sources = operands.length === 1 && (program === 'cp' || program === 'mv') ? operands : operands.slice(0, -1);
    (program === 'mv' ? effect.writes : effect.reads).push(...sources.map((w) => use(cmd, w)));
    if (dest) effect.writes.push(use(cmd, dest));
  } else if (program === 'sed' || (program === 'perl' && flags.some((f) => /^-[A-Za-z]*[pni]/.test(f)))) {
    // perl as a filter over its operands (`perl -pi -e …`); `perl tools/stamp.pl` runs a program the tool does not model.
    const inPlace = flags.some((f) => /^-[A-Za-z]*i|^--in-place/.test(f));
    (inPlace ? effect.writes : effect.reads).push(...operands.map((w) => use(cmd, w)));
  } else if (program === 'tee') effect.writes.push(...operands.map((w) => use(cmd, w)));
  else if (program === 'tar') tarEffect(cmd, args, effect);
  else {
    effect.known = false;
    effect.mayTouch.push(...operands.map((w) => use(cmd, w)));
  }
  return effect;
}

/** `tar -x` writes into its `-C` folder (or the working directory); `tar -c` reads its operands and writes its `-f` archive. */
function tarEffect(cmd: ScriptCommand, args: Word[], effect: HostEffect): void {
  const letters = new Set<string>();
  let archive: Word | null = null;
  let dir: Word | null = null;
  const rest: Word[] = [];
  let unclear = false;
  for (let k = 0; k < args.length; k++) {
    const v = args[k]!.value;
    const cluster = v !== null && (/^-[A-Za-z]+$/.test(v) || (k === 0 && /^[A-Za-z]+$/.test(v))) ? v.replace(/^-/, '') : null;
    if (cluster !== null) {
      cluster.split('').forEach((l) => letters.add(l));
      // A short option taking a value takes the next word when it ends the cluster.
      for (const [l, set] of [['f', (w: Word) => (archive = w)], ['C', (w: Word) => (dir = w)]] as const) {
        if (!cluster.includes(l)) continue;
        if (!cluster.endsWith(l) || !args[k + 1]) unclear = true;
        else set(args[++k]!);
      }
      continue;
    }
    if (v !== null && /^--(file|directory)=/.test(v)) {
      const w = { ...args[k]!, value: v.slice(v.indexOf('=') + 1) };
      if (v.startsWith('--file')) archive = w;
      else dir = w;
      continue;
    }
    if (v === '--file' || v === '--directory') {
      if (v === '--file') archive = args[++k] ?? null;
      else dir = args[++k] ?? null;
      continue;
    }
    if (v === '--extract' || v === '--get') letters.add('x');
    else if (v === '--create') letters.add('c');
    else if (v === '--list') letters.add('t');
    else if (v !== null && v.startsWith('-')) continue;
    else rest.push(args[k]!);
  }
  const inDir = (w: Word): PathUse => {
    const d = dir as Word | null;
    if (!d) return use(cmd, w);
    return { ...use(cmd, w), path: w.value === null || d.value === null || cmd.cwd === null ? null : resolveRel(resolveRel(cmd.cwd, d.value), w.value) };
  };
  const a = archive as Word | null;
  if (unclear) {
    effect.known = false;
    effect.mayTouch.push(...args.map((w) => use(cmd, w)));
  } else if (letters.has('x')) {
    if (a) effect.reads.push(use(cmd, a));
    effect.writes.push(dir ? use(cmd, dir) : { path: cmd.cwd, glob: false, word: args[0] ?? cmd.words[0]! });
  } else if (letters.has('c')) {
    if (a) effect.writes.push(use(cmd, a));
    effect.reads.push(...rest.map(inDir));
  } else if (letters.has('t')) {
    if (a) effect.reads.push(use(cmd, a));
  } else {
    effect.known = false;
    effect.mayTouch.push(...args.map((w) => use(cmd, w)));
  }
}

/** How a path use meets a target path: at it, under it, over it (a parent), through a pattern, or unknown. */
export function meets(u: PathUse, target: string): 'at' | 'under' | 'over' | 'glob' | 'unknown' | null {
  if (u.path === null) return 'unknown';
  if (u.path === target) return 'at';
  if (u.path.startsWith(`${target}/`)) return 'under';
  if (u.path === '' || target.startsWith(`${u.path}/`)) return 'over';
  if (u.glob) {
    const re = globToRegExp(u.path);
    const parts = target.split('/');
    for (let k = parts.length; k > 0; k--) if (re.test(parts.slice(0, k).join('/'))) return 'glob';
  }
  return null;
}

/**
 * Programs the tables above do not model that still read no file of the folder they run in
 * unless a word names it (which the named-path check sees): a program the tool does not model
 * is otherwise taken to read whatever its folder holds (src/analyze/later-uses.ts). Kept short
 * on purpose: `git add`, `git commit -a`, `git status`, `npm publish`, `make`, interpreters and
 * `./anything` may read any file there, and are not here.
 */
const LOOKUPS = new Set(['which', 'type', 'hash', 'tput', 'read', 'let', 'break', 'continue', 'getopts', 'ulimit', 'times', 'jobs', 'kill', 'alias', 'unalias']);
/**
 * The PowerShell reader's stand-ins for a `$LASTEXITCODE`/`$?` check and for loop flow
 * (src/analyze/hosts/powershell.ts); `__ps_statement`, an expression it does not model
 * (`[IO.File]::ReadAllBytes('app')`), is not here.
 */
export const PS_FLOW: ReadonlySet<string> = new Set(['__ps_last_status', '__ps_break', '__ps_continue', '__ps_return', '__ps_flow']);
/** git subcommands that talk to refs, the remote or the config, not the working tree. */
const GIT_REFS_ONLY = new Set(['tag', 'push', 'fetch', 'remote', 'config', 'clone', 'ls-remote']);
/** curl/wget options that send or read a local file (`-T app`, `--data-binary @app`, `--post-file=app`, `-K cfg`). */
const UPLOADS = /^(--upload-file|--data|--data-binary|--data-raw|--data-urlencode|--form|--json|--config|--post-file|--body-file|--input-file|--load-cookies|-i$|-d|-F|-K|-T)/;
/** kubectl options that read manifests or files (`-f k8s/`, `-k overlay/`, `--from-file=app`). */
const KUBE_FILES = /^(-f|-k|--filename|--kustomize|--from-file|--from-env-file)/;

/** A run-time word left unquoted (`$CURL_OPTS`) may split into options of its own (`-T app`); a quoted one is one operand (a URL, a name). */
const splits = (w: Word) => !/^["']/.test(w.raw);

/** Whether a program the tables do not model is known to read no file of its folder that no word names. */
export function readsOnlyNamed(cmd: ScriptCommand, effect: HostEffect): boolean {
  const p = effect.program;
  if (p === null) return false;
  const args = cmd.words.slice(effect.at + 1);
  // `command -v jq`: a look-up on PATH (the wrapper skipped to `jq`, which is not run).
  if (effect.at > 0 && cmd.words.slice(0, effect.at).some((w) => w.value === 'command') && cmd.words.slice(1, effect.at).some((w) => w.value === '-v' || w.value === '-V')) return true;
  if (LOOKUPS.has(p) || PS_FLOW.has(p)) return true;
  if (p === 'git') {
    // The subcommand first: `git -C dir …` and other global options are not read past.
    return GIT_REFS_ONLY.has(args[0]?.value ?? '');
  }
  if (p === 'curl' || p === 'wget') {
    // `-sSfT app`: a short option cluster may end in an uploading one; `@file` and `file:` operands read local files.
    return !args.some((w) => w.value === null ? splits(w) : UPLOADS.test(w.value) || /^-[A-Za-z]*[TKdFi]$/.test(w.value) || w.value.includes('@') || w.value.startsWith('file:'));
  }
  if (p === 'kubectl') return !args.some((w) => w.value === null ? splits(w) : KUBE_FILES.test(w.value) || w.value === 'cp' || w.value === 'kustomize');
  return false;
}
