/**
 * GitHub Actions steps change the next steps' environment through files: a line `NAME=value`
 * appended to `$GITHUB_ENV` sets NAME for every later step of the job, a folder appended to
 * `$GITHUB_PATH` is put on PATH before the runner's own; Azure Pipelines steps do the same by
 * printing logging commands (`##vso[task.setvariable variable=NAME]value`,
 * `##vso[task.prependpath]DIR`), CircleCI steps by appending shell lines to the file `$BASH_ENV`
 * names, which every later step's bash sources. The tool reads each step with the
 * environment its YAML gives, so such a write is read here, from the commands before a setup's
 * last step in the job:
 *
 * - a PATH folder (`echo "$GITHUB_WORKSPACE/tools" >> "$GITHUB_PATH"`) joins the folders the
 *   shadow check follows (./shadowed-commands.ts): a file there named like a step's program
 *   runs instead of it;
 * - a variable that changes what the steps run (BASH_ENV, which bash sources first; DOCKER_*,
 *   BUILDKIT_*, BUILDX_*, which pick the engine, the builder or the platform) refuses the
 *   setup (STEP_ENV_WRITTEN), as does a write the tool cannot read (`cat >> "$GITHUB_ENV" <<EOF`,
 *   `tee -a`, a name only known at run time), which may set any of them;
 * - any other name a GitHub step written in the workflow sets is a value only known at run time
 *   in the later steps of its job (githubEnvNames, read by ./hosts/ci-yaml.ts): the runner's
 *   written value goes over the job's and the workflow's `env:`.
 *
 * A repository script an earlier step runs or sources (`run: ./ci/setup.sh`) writes the same
 * files for the later steps: it is read as a shell script from the folder it runs in (scripts
 * it runs in turn too, three deep), and its writes count as the step's; one that names them
 * and does not read as shell counts as a write the tool cannot read.
 */
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { RepoFs } from '../model/fs.js';
import { folderOf, resolveRel } from '../model/paths.js';
import { shownCommand, type ScriptCommand, type ScriptFile } from '../model/script.js';
import { setupCommands, type Setup } from '../model/setup.js';
import { pathEntry } from './path-entries.js';
import { fromCheckout } from './hosts/ci-path-expressions.js';
import { WRITABLE_JOB_WIDE } from './hosts/run-constants.js';
import { isJobEnvVersion } from './hosts/github-expressions.js';
import { keyVersions } from './shell/versions.js';
import { scriptRuns } from './script-runs.js';
import { parseShell } from './shell.js';
import { SOURCING } from './sourced-files.js';
import type { PathFolder } from './shell/types.js';

const FILES = ['GITHUB_ENV', 'GITHUB_PATH'] as const;
/** Programs given the file's name that only read it (or print the name). */
const READS_ONLY = new Set(['source', '.', 'cat', 'echo', 'printf', 'test', '[', 'ls', 'wc', 'grep']);
/** Of those, the ones that leave the shell as it was (not `source`/`.`). */
export const SHOWS_ONLY = new Set([...READS_ONLY].filter((p) => p !== 'source' && p !== '.'));
/** Variables a later step's setup reads through its environment. */
const MATTERS = /^(BASH_ENV|DOCKER_\w*|BUILDKIT_\w*|BUILDX_\w*)$/;
/** Text a script that writes one of the files holds. */
export const STEP_ENV_MENTIONS = ['GITHUB_ENV', 'GITHUB_PATH', 'BASH_ENV', '##vso['];
/** How deep scripts run by the scripts steps run are followed. */
const DEPTH = 3;

export interface Write {
  cmd: ScriptCommand;
  /** Its place in the sequence. */
  at: number;
  file: (typeof FILES)[number];
  /** How it is written: `$GITHUB_ENV`, `$GITHUB_PATH`, or an Azure Pipelines logging command. */
  via: string;
  /** The line written (its symbol: `${NAME}` for a value only known at run time), or null when the tool cannot read it. */
  line: string | null;
}

const names = (w: { symbol: string; raw: string }, file: string) => w.symbol.includes(`\${${file}}`) || w.raw.includes(file);

/** Whether `cmd` sends its standard output into the file variable `file` names (`>> "$GITHUB_ENV"`). */
const writesTo = (cmd: ScriptCommand, file: string) => cmd.redirects.some((r) => (r.op === '>>' || r.op === '>') && (r.fd === null || r.fd === '1') && names(r.target, file));

/** Reads a repository file's text (null: no such file). */
export type TextOf = (rel: string) => string | null;

const texts = new WeakMap<RepoFs, TextOf>();
/** One reader per file system, so the scripts read for their writes are read once per run. */
export const textOf = (fs: RepoFs): TextOf => {
  let t = texts.get(fs);
  if (!t) texts.set(fs, (t = (rel) => fs.readText(rel)));
  return t;
};

/** Each sequence's writes, read once for both checks of each of its setups. */
const read = new WeakMap<readonly ScriptCommand[], Write[]>();

/** The writes of the next steps' environment among `sequence`'s commands. */
function writes(sequence: readonly ScriptCommand[], text: TextOf): Write[] {
  let out = read.get(sequence);
  if (out === undefined) read.set(sequence, (out = sequence.flatMap((cmd, at) => [...writesOf(cmd, at), ...calleeWrites(cmd, at, text, 0)])));
  return out;
}

/**
 * Each repository script read from a folder for its writes, once per reader and depth: the
 * writes (their place `at` 0, given the call's when used), or null when it names the files and
 * does not read as shell. Only the writes are kept, not the script's reading.
 */
const callees = new WeakMap<TextOf, Map<string, readonly Write[] | null>>();

/** The writes the repository scripts `cmd` runs or sources make, as made at `at`. */
function calleeWrites(cmd: ScriptCommand, at: number, text: TextOf, depth: number): Write[] {
  if (depth >= DEPTH) return [];
  const sourced = SOURCING.has(cmd.words[0]?.value ?? '') && cmd.words[1]?.value ? [{ path: cmd.words[1].value, cwd: cmd.cwd }] : [];
  const out: Write[] = [];
  for (const run of [...sourced, ...scriptRuns(cmd)]) {
    if (run.path === null || run.cwd === null || run.path.startsWith('/') || run.path.startsWith('~')) continue;
    const rel = resolveRel(run.cwd, run.path);
    const found = scriptWrites(rel, 'ownFolder' in run && run.ownFolder ? folderOf(rel) : run.cwd, text, depth);
    if (found === null) out.push({ cmd, at, file: 'GITHUB_ENV', via: `${rel}, a script that names them and that the tool cannot read as a shell script`, line: null });
    else for (const w of found) out.push({ ...w, at });
  }
  return out;
}

/** The writes script `rel`, run from `cwd`, makes (scripts it runs in turn too, below `depth`); null: it names the files and does not read as shell. */
function scriptWrites(rel: string, cwd: string, text: TextOf, depth: number): readonly Write[] | null {
  let known = callees.get(text);
  if (!known) callees.set(text, (known = new Map()));
  const key = `${depth}\0${cwd}\0${rel}`;
  let found = known.get(key);
  if (found === undefined) {
    const body = text(rel);
    // (read whole, for the scripts it runs in turn; one that does not read as shell matters only when it names the files)
    const script = body === null ? null : parseShell(rel, body, { cwd }).script;
    found = script ? script.commands.flatMap((c) => [...writesOf(c, 0), ...calleeWrites(c, 0, text, depth + 1)]) : body !== null && STEP_ENV_MENTIONS.some((m) => body.includes(m)) ? null : [];
    known.set(key, found);
  }
  return found;
}

/** The writes of the next steps' environment `cmd` (at `at` in its sequence) makes. */
function writesOf(cmd: ScriptCommand, at: number): Write[] {
  const out: Write[] = [];
  for (const file of FILES) {
    const byRedirect = writesTo(cmd, file);
    const inWords = cmd.words.some((w) => names(w, file));
    if (!byRedirect && !inWords) continue;
    // (`cat "$GITHUB_ENV"`, `grep -q NAME "$GITHUB_ENV"`: a look at the file, no write; sourcing it is not, as it sets this step's variables)
    if (!byRedirect && SHOWS_ONLY.has(cmd.words[0]?.value ?? '')) continue;
    out.push({ cmd, at, file, via: `$${file}`, line: byRedirect && !inWords ? echoedLine(cmd) : null });
  }
  // CircleCI: each step's bash sources the file $BASH_ENV names (the runner sets it), so a line
  // appended there (`echo 'export PATH="$HOME/go/bin:$PATH"' >> "$BASH_ENV"`) runs before every
  // later step: an `export NAME=value` is read as a variable, PATH's entries before `$PATH` as
  // PATH folders, anything else as a write the tool cannot read.
  const toBashEnv = writesTo(cmd, 'BASH_ENV');
  if (toBashEnv || (!READS_ONLY.has(cmd.words[0]?.value ?? '') && cmd.words.slice(1).some((w) => names(w, 'BASH_ENV')))) {
    const line = toBashEnv && cmd.words[0]?.value === 'echo' && cmd.words.length === 2 ? cmd.words[1]!.value : null;
    const exp = line === null ? null : /^export ([A-Za-z_][A-Za-z0-9_]*)=("?)([^"$]*(?:\$\{?[A-Za-z_]\w*\}?[^"$]*)*)\2$/.exec(line);
    if (exp && exp[1] === 'PATH') {
      for (const entry of exp[3]!.split(':')) {
        if (entry === '$PATH' || entry === '${PATH}') break;
        out.push({ cmd, at, file: 'GITHUB_PATH', via: '$BASH_ENV', line: entry.replace(/^\$(\w+)/, '${$1}') });
      }
    } else out.push({ cmd, at, file: 'GITHUB_ENV', via: '$BASH_ENV', line: exp ? `${exp[1]}=${exp[3]}` : null });
  }
  // Azure Pipelines logging commands printed by a step: `##vso[task.prependpath]DIR` puts DIR on
  // PATH, `##vso[task.setvariable variable=NAME]VALUE` sets NAME (as an upper-case variable,
  // dots as underscores) for the later steps.
  const printed = cmd.words[0]?.value === 'echo' || cmd.words[0]?.value === 'printf' ? cmd.words.slice(1).map((w) => w.symbol).join(' ') : null;
  const vso = printed === null ? null : /##vso\[task\.(prependpath|setvariable)([^\]]*)\](.*)$/.exec(printed);
  if (vso) {
    const variable = /(?:^|;)\s*variable=([A-Za-z_][\w.]*)\s*(?:;|$)/.exec(vso[2]!)?.[1];
    if (vso[1] === 'prependpath') out.push({ cmd, at, file: 'GITHUB_PATH', via: '##vso[task.prependpath]', line: cmd.words[0]?.value === 'echo' ? vso[3]!.trim() : null });
    else out.push({ cmd, at, file: 'GITHUB_ENV', via: '##vso[task.setvariable]', line: variable === undefined ? null : `${variable.toUpperCase().replace(/\./g, '_')}=${vso[3]}` });
  } else if (printed !== null && /##vso\[task\.(prependpath|setvariable)/.test(printed)) {
    // (one the tool cannot read: `##vso[task.setvariable variable=$NAME]`)
    out.push({ cmd, at, file: 'GITHUB_ENV', via: '##vso[task.setvariable]', line: null });
  }
  return out;
}

/**
 * The names `commands` (one GitHub step's) write for the later steps through $GITHUB_ENV
 * (`echo "NAME=value" >> "$GITHUB_ENV"`, the `NAME<<EOF` form too): the runner gives the later
 * steps of the job that value over the job's and the workflow's `env:` (a step's own `env:` goes
 * over it), so the reader takes each as a value only known at run time there. A write the tool
 * cannot read, and one of a name that matters to docker (MATTERS), is not named here: it
 * refuses the setups after it (STEP_ENV_WRITTEN).
 */
export function githubEnvNames(commands: readonly ScriptCommand[]): string[] {
  return commands
    .flatMap((c, at) => writesOf(c, at))
    .flatMap((w) => (w.file === 'GITHUB_ENV' && w.via === '$GITHUB_ENV' && w.line !== null ? /^([A-Za-z_][A-Za-z0-9_]*)(=|<<)/.exec(w.line)?.[1] ?? [] : []))
    .filter((name) => !MATTERS.test(name));
}

/** The line `echo LINE >> FILE` writes (no option: the line is its words); null for any other command, which is not read. */
export function echoedLine(cmd: ScriptCommand): string | null {
  const words = cmd.words;
  const plain = words[0]?.value === 'echo' && words.length > 1 && !words.slice(1).some((w) => (w.value === null ? w.staticPrefix.startsWith('-') : w.value.startsWith('-')));
  return plain ? words.slice(1).map((w) => w.symbol).join(' ') : null;
}

/** The writes among `sequence`'s commands before the setup's last command. */
function writesBefore(setup: Setup, sequence: readonly ScriptCommand[], fs: RepoFs): Write[] {
  const own = new Set(setupCommands(setup));
  let last = -1;
  sequence.forEach((c, i) => {
    if (own.has(c)) last = i;
  });
  return writes(sequence, textOf(fs)).filter((w) => w.at < last);
}

/** A PATH entry written for the later steps, as a PATH folder (one not read: a folder only known at run time), with where it is written. */
function pathEntryOf(w: Write): { entry: PathFolder; at: string } | null {
  const at = w.via === '$GITHUB_PATH' ? `${w.cmd.file}:${w.cmd.line}, appended to $GITHUB_PATH` : `${w.cmd.file}:${w.cmd.line}, by ${w.via}`;
  // (the checkout's variable, `${GITHUB_WORKSPACE}`, is the repository's root; `${PWD}` the step's folder)
  const root = w.line === null ? null : fromCheckout(w.line);
  const here = w.line?.match(/^\$\{PWD\}(?=\/|$)/);
  const entry = w.line === null ? { folder: null, tail: '', line: w.cmd.line } : pathEntry(root ?? (here ? `.${w.line.slice(here[0].length)}` : w.line), root !== null ? '' : w.cmd.cwd, w.cmd.line);
  return entry ? { entry, at } : null;
}

/** What a write of a variable that matters to the later steps' docker commands says (null: it sets another name). */
export function envWriteWhat(w: Write, reads: ReadonlySet<string> = new Set()): string | null {
  const name = w.line === null ? null : /^([A-Za-z_][A-Za-z0-9_]*)=/.exec(w.line)?.[1] ?? null;
  if (name !== null && !MATTERS.test(name) && !reads.has(name)) return null;
  const read = name !== null && reads.has(name) && !MATTERS.test(name) ? `, which this setup's commands read (the tool took the YAML's value)` : '';
  return `\`${shownCommand(w.cmd)}\` (${w.cmd.file}:${w.cmd.line}) ${name === null ? `writes ${w.via} in a way the tool cannot read, which may set any variable for the later steps` : `sets ${name} for the later steps through ${w.via}${read}`}`;
}

/**
 * The variables a setup's commands expand in words the tool read a value for (`docker cp
 * "x:$BIN" app` with `BIN: /out/app` in the YAML reads BIN): a later value would change what
 * the migration wrote. (A word already only known at run time was not taken for any value, but
 * for one reading a value the service fixes for the run, `$CIRCLE_SHA1`, or a GitHub job's
 * `env:` value, each taken as one value in every step: ./hosts/run-constants.ts,
 * ./hosts/github-expressions.ts.)
 */
function readNames(setup: Setup): Set<string> {
  const out = new Set<string>();
  for (const cmd of setupCommands(setup)) {
    for (const w of cmd.words) for (const m of w.raw.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)) if (w.value !== null || WRITABLE_JOB_WIDE.has(m[1]!)) out.add(m[1]!);
    // (and a GitHub job's `env:` value only known at run time, taken as one value in every step)
    for (const w of cmd.words) for (const v of keyVersions(w.same ?? '')) if (isJobEnvVersion(v.id)) out.add(v.name);
  }
  return out;
}

/** The PATH entries earlier steps append to $GITHUB_PATH, as PATH folders (one not read: a folder only known at run time). */
export function githubPathEntries(setup: Setup, sequence: readonly ScriptCommand[], fs: RepoFs): { entry: PathFolder; at: string }[] {
  return writesBefore(setup, sequence, fs).flatMap((w) => (w.file === 'GITHUB_PATH' ? pathEntryOf(w) ?? [] : []));
}

/** STEP_ENV_WRITTEN for a setup whose steps run after an earlier step sets (or may set) a variable they depend on through $GITHUB_ENV. */
export function githubEnvWrites(setup: Setup, sequence: readonly ScriptCommand[], fs: RepoFs): Diagnostic[] {
  const reads = readNames(setup);
  for (const w of writesBefore(setup, sequence, fs)) {
    // A `$GITHUB_ENV` or `setvariable` write in the CI file's own text, which its reader already
    // follows: the name is only known at run time in the later steps (a GitHub step's own `env:`
    // over it), which judges what reads it (./hosts/ci-yaml.ts, ./hosts/azure-pipelines.ts). A
    // script's write the reader does not see, and CircleCI's `$BASH_ENV` (sourced after every
    // `environment:`), count here.
    const followed = w.cmd.file === setup.script && w.via !== '$BASH_ENV';
    const what = w.file === 'GITHUB_ENV' ? envWriteWhat(w, followed ? new Set() : reads) : null;
    if (what === null) continue;
    return [
      diag('STEP_ENV_WRITTEN', 'error', `${what}: a variable such as BASH_ENV, DOCKER_BUILDKIT or DOCKER_HOST changes what this setup's steps run, and the tool reads each step with the environment its YAML gives`, {
        file: w.cmd.file,
        line: w.cmd.line,
        setup: setup.id,
        hint: HINT,
      }),
    ];
  }
  return [];
}

export const HINT = 'Set the variable in the YAML (`env:` of the job or step), where the tool reads it, or write it as `echo "NAME=value" >> "$GITHUB_ENV"` for names that do not matter to docker; then run the tool again, or migrate by hand.';

/** The CI files whose steps pass an environment on through files. */
const STEP_HOSTS: ReadonlySet<ScriptFile['kind']> = new Set(['github-actions', 'azure-pipelines', 'circleci']);

/**
 * Whether the earlier steps of `caller` may write the environment files for its later ones:
 * a CI file of a kind that has them, naming them itself or running a script that names them
 * (cheap, before the caller's steps are read for it).
 */
export function mayWriteStepEnv(caller: ScriptFile, commands: readonly ScriptCommand[], text: TextOf): boolean {
  if (!STEP_HOSTS.has(caller.kind)) return false;
  return STEP_ENV_MENTIONS.some((m) => caller.text.includes(m)) || commands.some((c) => calleeWrites(c, 0, text, 0).length > 0);
}

/** Whether `commands` (one step's) run or source a repository script that writes (or may write) the environment files for the later steps. */
export function scriptsWriteStepEnv(commands: readonly ScriptCommand[], text: TextOf): boolean {
  return commands.some((c) => calleeWrites(c, 0, text, 0).length > 0);
}

/**
 * What the earlier steps of a caller's job leave for the script its command at `index` runs:
 * the PATH folders they append, and the first write of a variable that matters (or one the tool
 * cannot read), as a message. Every sequence of the caller holding the command counts.
 */
export function envBeforeCall(caller: ScriptFile, index: number, text: TextOf): { path: { entry: PathFolder; at: string }[]; env: string | null } {
  const out: { path: { entry: PathFolder; at: string }[]; env: string | null } = { path: [], env: null };
  const sequences = 'sequences' in caller ? (caller as { sequences: readonly (readonly ScriptCommand[])[] }).sequences : [caller.commands];
  for (const seq of sequences) {
    const at = seq.findIndex((c) => c.index === index);
    if (at < 0) continue;
    for (const w of writes(seq, text)) {
      if (w.at >= at) continue;
      if (w.file === 'GITHUB_PATH') {
        const e = pathEntryOf(w);
        if (e && !out.path.some((p) => p.at === e.at)) out.path.push(e);
      } else out.env ??= envWriteWhat(w);
    }
  }
  return out;
}
