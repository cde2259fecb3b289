/**
 * The language-neutral view of a script every adapter (shell, Makefile recipe, CI YAML,
 * package.json, JS) reduces its file to: an ordered list of simple commands, each a list
 * of words with their static value when known and their exact source range.
 */
import type { Edit } from './edits.js';

export interface Word {
  /** The word's value after quote removal and variable expansion, or null when only known at run time. */
  value: string | null;
  /** A stable spelling for comparing words whose value is not static (e.g. `app:${TAG}`). */
  symbol: string;
  /** The static text before the first dynamic part (e.g. `https_proxy=` of `https_proxy=$https_proxy`). */
  staticPrefix: string;
  /** The word exactly as written in the file. */
  raw: string;
  /**
   * For a word whose value is not static, a key equal for two words only when they surely
   * expand to the same text: the same static text around the same variables, read at the same
   * assignment of each (src/analyze/shell/versions.ts). Null: the word may expand differently
   * each time (a `$(…)`, `$RANDOM`, a variable after a `read`); absent: the reader does not say.
   */
  same?: string | null;
  /** The value when the environment sets none of the variables the script did not assign; null or absent: not known. */
  fallback?: string | null;
  /**
   * True when the shell sees a `*`, `?` or `[` of it unquoted (`"$D"/*`, `$PATTERN`), so it
   * expands the word into the names it matches; absent: none, or the reader does not say.
   */
  pattern?: true;
  start: number;
  end: number;
}

export interface Redirect {
  op: string;
  /** File descriptor the redirect applies to, when written (`2>`). */
  fd: string | null;
  target: Word;
  /**
   * A here-document's text as the command reads it (`<<'EOF'`, or `<<EOF` with no expansion,
   * quote or escape in it; `<<-` without its leading tabs); null when only known at run time.
   * Absent for other redirects.
   */
  body?: string | null;
  /**
   * For an output into a process substitution holding only `tee [-a] FILE…` (`> >(tee -a
   * build.log)`): the files tee writes; null when tee gets an option not read here. Absent for
   * other redirects.
   */
  tee?: readonly Word[] | null;
  /**
   * In ScriptCommand.around, a pipe the command's output goes into where the pipe's writer or
   * reader is not one simple command (`{ … } | tee log`, `sh build.sh | while read l; do …;
   * done`, op `|` or `|&`, the target the reader as written): the indices of the reader's
   * commands, all of a compound statement's. Absent for other redirects.
   */
  pipe?: readonly number[];
}

export interface ScriptCommand {
  /** Repository-relative path of the file. */
  file: string;
  /** Position in the file's command list. */
  index: number;
  words: Word[];
  redirects: Redirect[];
  /**
   * Output redirects of the compound statements around the command (`{ docker cp …; } >
   * build.log 2>&1`, `done > log`), outermost first: the shell opens each once, before the
   * command's own redirects, and the command writes into what they opened. Absent: none.
   */
  around?: readonly Redirect[];
  /** Source range of the whole command, redirects included. */
  start: number;
  end: number;
  /** 1-based line where the command starts. */
  line: number;
  /** Repository-relative working directory the command runs in ('' is the root), null when unknown. */
  cwd: string | null;
  /** Index of the adapter's deletable unit (statement or chain member) this command is. */
  unit: number;
  /** Nesting that changes how often or whether the command runs. */
  conditional: boolean;
  loop: boolean;
  /**
   * The branches the command runs in, outermost first; absent or empty: on every path through
   * its snippet. Two commands run on the same paths when their branch lists are the same.
   */
  branches?: readonly Branch[];
  /**
   * Where the command's standard output goes when it is not the terminal: captured by a
   * command substitution (the symbol the capture reads as in other words, e.g. `${id}`),
   * or piped into another command (its index).
   */
  stdout: { kind: 'capture'; symbol: string } | { kind: 'pipe'; to: number; /** `|&`: standard error goes down the pipe too (after the command's own redirects). */ errors?: true } | null;
  /**
   * The subshells the command runs in (a `( )`, a member of a pipe, a `$(…)`), outermost first,
   * each named by where it starts (`/120/134`): what an `exec` changes there lasts to its end
   * only. Absent: the script's own shell (or a reader that does not say).
   */
  subshell?: string;
  /** Index of the command whose output is piped into this one. */
  stdinFrom: number | null;
  /** Set when the command is one reading of a loop body (`for svc in api worker`). */
  iteration: Iteration | null;
  /** The script variables the command sees (null: assigned a value only known at run time). */
  vars: ReadonlyMap<string, string | null>;
  /** Variables set for this command alone (`NAME=value docker build …`). */
  env?: ReadonlyMap<string, string | null>;
  /**
   * For a variable of `env` whose value is only known at run time, its value word's `same` key
   * (Word.same): two commands whose keys are equal set it to the same text (`P="$PLATFORM"
   * docker build …` twice, no assignment to PLATFORM between). Absent, or null: not known.
   */
  envKeys?: ReadonlyMap<string, string | null>;
  /**
   * The script's variables the program run sees in its environment: those it exported
   * (`export NAME=…`, `declare -x`, any assignment under `set -a`); absent when none. Their
   * values are in `vars`.
   */
  exported?: readonly string[];
  /**
   * For the variables of VERSIONED_VARIABLES the command sees with a value only known at run
   * time: which assignment that value comes from (src/analyze/shell/versions.ts), so two
   * commands of one reading can be proven to see the same value (`export
   * SOURCE_DATE_EPOCH=$(git log -1 --format=%ct)` before both builds). Absent: none such.
   */
  unknownVersions?: Readonly<Record<string, string>>;
  /**
   * The PATH the command's shell searches, as the versions of its assignments
   * (src/analyze/shell/versions.ts pathChain): its own first, then those whose value it begins
   * with, folders only appended after them. Absent: not read (a reader other than the shell's,
   * or a script that never appends to PATH).
   */
  pathVersions?: readonly string[];
  /**
   * The command as the file writes it, for messages, when its words are a translation (a
   * PowerShell statement read as shell: its words' `raw` is the shell text, `"${__ps_expression_…}"`
   * for what has no shell spelling). Absent: the words' own text is the file's.
   */
  shown?: string;
}

/** The variables whose unknown values commands carry the version of (ScriptCommand.unknownVersions): those the plan compares between builds. */
export const VERSIONED_VARIABLES: readonly string[] = ['SOURCE_DATE_EPOCH', 'PATH'];

/**
 * Whether a variable's assignments are told apart where its value is only known at run time:
 * VERSIONED_VARIABLES, and those of docker's build environment (`DOCKER_HOST`, `BUILDKIT_…`,
 * `BUILDX_…`), which must be the same at the builder build and the final build.
 */
export const isVersionedVariable = (name: string): boolean => VERSIONED_VARIABLES.includes(name) || /^(DOCKER|BUILDKIT|BUILDX)_/.test(name);

/**
 * Whether two commands surely see different values of `name`, both only known at run time:
 * different assignments in the script reach them (`export DOCKER_HOST=$A`, then `export
 * DOCKER_HOST=$B` between them). Not where both take it from where their reading started (a CI
 * step's environment, the script's caller): readings of separate snippets never share an id,
 * though each may start from the same job environment.
 */
export function differentUnknownValues(a: ScriptCommand, b: ScriptCommand, name: string): boolean {
  if (a.env?.has(name) || b.env?.has(name)) return !sameEnvironmentKey(a, b, name);
  const [va, vb] = [a.unknownVersions?.[name], b.unknownVersions?.[name]];
  if (va === undefined || vb === undefined || va === vb) return false;
  return !(va.endsWith('.0') && vb.endsWith('.0'));
}

/**
 * Whether both commands set `name` for themselves alone to a value only known at run time that
 * is surely the same text: the same words around the same variables, read at the same
 * assignments (`DOCKER_DEFAULT_PLATFORM="$P" docker build …` on both, P not assigned between).
 */
function sameEnvironmentKey(a: ScriptCommand, b: ScriptCommand, name: string): boolean {
  if (a.env?.get(name) !== null || b.env?.get(name) !== null) return false;
  const key = a.envKeys?.get(name);
  return key != null && key === b.envKeys?.get(name);
}

/**
 * Whether two commands surely see the same value of `name`, though it is only known at run
 * time: the same assignment reaches both, or each sets it alone with the same words read at
 * the same assignments.
 */
export function sameUnknownValue(a: ScriptCommand, b: ScriptCommand, name: string): boolean {
  if (a.env?.has(name) || b.env?.has(name)) return sameEnvironmentKey(a, b, name);
  const va = a.unknownVersions?.[name];
  return va !== undefined && va === b.unknownVersions?.[name];
}

/**
 * Whether `later` searches the PATH `earlier` searched with folders only appended after it
 * (`export PATH="$PATH:/opt/bin"` between them, or none): a program `earlier` found on its PATH
 * is the one `later` finds. Not where either sets PATH for itself alone.
 */
export function pathOnlyAppended(earlier: ScriptCommand, later: ScriptCommand): boolean {
  if (earlier.env?.has('PATH') || later.env?.has('PATH')) return false;
  const own = earlier.pathVersions?.[0];
  return own !== undefined && (later.pathVersions?.includes(own) ?? false);
}

/** A command as messages name it: the file's text where the words are a translation, else its words as written. */
export function shownCommand(cmd: ScriptCommand): string {
  return cmd.shown ?? cmd.words.map((w) => w.raw).join(' ');
}

/** The file a command or word was read from, for showing it as the file writes it. */
export type ShownIn = Pick<ScriptFile, 'file' | 'kind' | 'text'>;

/**
 * A word as messages name it: in a Makefile recipe, Make's own text (`$(IMAGE)-builder:$(VERSION)`,
 * which the recipe's shell reading spells `${IMAGE}-builder:${VERSION}`); elsewhere as written.
 */
export function shownWord(w: Word, script?: ShownIn): string {
  return script?.kind === 'make' ? script.text.slice(w.start, w.end) : w.raw;
}

/** A command as messages name it (shownCommand), a Makefile recipe's as Make's text writes it. */
export function shownCommandIn(cmd: ScriptCommand, script?: ShownIn): string {
  if (cmd.shown !== undefined || script?.kind !== 'make' || script.file !== cmd.file) return shownCommand(cmd);
  return cmd.words.map((w) => shownWord(w, script)).join(' ');
}

/**
 * A part of a script that runs only on some paths: an if/elif/else body (or a later elif's
 * condition), a case item, a function body, a loop whose items are not known, or a member of an
 * `&&`/`||` chain after its first.
 */
export interface Branch {
  /** Unique within the file. */
  id: string;
  /** A chain member: the commands before it in its chain, whose exit status decides whether it runs. */
  after?: readonly number[];
  /** A chain member: runs when those succeeded (only `&&` before it) or may run when one failed (a `||` before it). */
  on?: 'success' | 'failure';
  /** A chain member after a command run under `!` (`! cmd && next`): `on` says nothing about that command's own exit status. */
  negated?: true;
  /** An if/elif/else branch: runs when each of these condition lists (the commands in it) exits as wanted (true: success). */
  when?: readonly { cmds: readonly number[]; want: boolean }[];
  /**
   * A condition the host file puts on a whole snippet (a GitHub step's `if:`, a Make
   * `ifeq … endif`), for messages: where the command runs (`in a step with \`if: …\``).
   */
  where?: string;
  /**
   * The branch runs only when a command before it failed, and then fails the run in turn (a
   * JavaScript `catch` whose last statement is a `throw`): what runs there runs only on paths
   * where the run fails anyway.
   */
  failing?: true;
  /**
   * As `failing`, but the failing `exit` ends a subshell (`cmd || ( docker rm -f x; exit 1 )`, or
   * a `{ …; exit 1; }` inside a `( )` or a pipe): the statement holding it fails, which fails the
   * run only where errexit applies to that statement or it ends a Make recipe line
   * (../analyze/conditions.ts asks).
   */
  failsStatement?: true;
}

/** One pass of a loop whose items are static: the same source lines, the loop variable bound. */
export interface Iteration {
  loop: number;
  /** e.g. `svc=api` */
  label: string;
  /** How many passes the loop makes. */
  count: number;
}

/** What an adapter returns for one file. */
export interface ScriptFile {
  file: string;
  kind: ScriptKind;
  text: string;
  commands: ScriptCommand[];
  /** A shell script its callers run from another folder: the folder it starts in (absent: its own). */
  startCwd?: string | null;
  /**
   * The text of the file each placeholder name its reading reads in place of text it does not
   * model stands for (`__ci_expression_0` → `${{ github.workspace }}`: ./placeholders.ts), for messages;
   * '' for a name that stands for several texts in the file (which one a message means is not known).
   */
  placeholders?: Readonly<Record<string, string>>;
}

export type ScriptKind =
  | 'shell'
  | 'make'
  | 'package-json'
  | 'github-actions'
  | 'gitlab-ci'
  | 'travis-ci'
  | 'circleci'
  | 'azure-pipelines'
  | 'bitbucket-pipelines'
  | 'jenkinsfile'
  | 'javascript'
  | 'powershell';

/**
 * A word of a command the plan writes whole: a value, spelled by the adapter; a word of
 * command `from` of the same file, carried over as written there; or, before the program, a
 * variable set for this command alone (`NAME=value`, the value spelled by the adapter).
 */
export type NewWord = { value: string } | { copy: Word; from: number } | { env: string; to: string };

/**
 * A script language adapter: parse to commands, and map edits back into the language's
 * own syntax. The migration logic never sees the syntax, only ScriptCommands.
 */
export interface ScriptAdapter<S extends ScriptFile = ScriptFile> {
  kind: ScriptKind;
  /** Edits that remove the given commands (by index), or an error message (and what to do, when the usual hint does not fit) when that cannot be done safely. */
  deleteCommands(script: S, indices: readonly number[]): Edit[] | { error: string; hint?: string };
  /**
   * Commands that go with the given ones because their only job was to serve them (a
   * `|| exit 1` guard of a removed command): deleteCommands removes them too.
   */
  companions(script: S, indices: readonly number[]): number[];
  /** A word spelled so the language reads it back as exactly `value`. */
  quote(value: string): string;
  /** Edits that must accompany any in-place change of a command (e.g. repairing a broken continuation). */
  repairs(script: S, index: number): Edit[];
  /** Shell text spelled for insertion into the file next to command `index` (e.g. JSON-escaped). */
  encode(script: S, index: number, shellText: string): string;
  /**
   * Edits that add words to command `index` after its word `after`. Each word comes with its
   * source text (`raw`, in the syntax of the command it was taken from) and its value.
   */
  insertWords(script: S, index: number, after: number, words: readonly Word[]): Edit[] | { error: string };
  /** Edits that replace word `word` of command `index` with one word of value `value`. */
  replaceWord(script: S, index: number, word: number, value: string): Edit[] | { error: string };
  /**
   * Edits that replace command `index` whole (redirects included) with the command `words`
   * (the first its program), in the form the command is written in (shell text, an argv array).
   */
  replaceCommand(script: S, index: number, words: readonly NewWord[]): Edit[] | { error: string };
}
