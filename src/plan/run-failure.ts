/**
 * A builder container that compiled when it ran becomes a RUN step of the builder stage
 * (./run-step.ts). A failing RUN step fails the merged build, so the fold is right only where
 * the old pipeline stopped when that container failed too: otherwise it went on, copied what
 * the stopped container held, and built the image the new build would not.
 *
 * The run's failure provably stops the old pipeline when
 *  - `set -e` (`set -o errexit`) is in effect where it runs, and errexit applies to it (not in a
 *    condition, not before `&&`/`||`, not piped into another command, not negated),
 *  - it is followed by `|| exit` (or `|| { …; exit 1; }`),
 *  - it is `&&`-chained to what follows, and the failure skips the runtime build or every later
 *    copy out of the container (then nothing is built from what the container left), or
 *  - it is the last command of a Make recipe line that does not ignore errors (make stops), or
 *    of an npm script each `npm run` of which stops in turn.
 *  - its host starts its shell with errexit on (a GitHub Actions step's default `bash -e {0}`,
 *    a CircleCI step's default `/bin/bash -eo pipefail`, a GitLab job's before_script and script
 *    in the runner's bash or sh, a Bitbucket step's script, a Jenkins `sh` step without a `#!`
 *    line: Snippet.errexit), which applies to it, and no earlier item of the same shell turned
 *    errexit off.
 * A host that goes on after the snippet holding the run failed (a Make recipe line `-cmd`, a
 * GitHub Actions step with `continue-on-error` true or an expression: Snippet.failureIgnored,
 * goesOnAfterFailure) keeps only the proofs that stop a runtime build (or every later copy) in
 * that same snippet. Errexit is off after a command that may turn it off: `set +e` (also as
 * `builtin set`, `command set`), `shopt -u -o errexit`, a sourced file or an `eval` (errexitEffect).
 * A run put in the background (`docker run … &`) reaches none of these: the shell goes on at once;
 * only a `wait $!` right after it returns its status, which then must stop the script in its stead.
 * Anything else (another CI step, an npm script nothing runs, a JavaScript call whose caller may
 * go on) is not proven, and the setup is refused. So is a run whose runtime build is in what
 * the host runs after a failure too (GitLab's after_script, Bitbucket's after-script, a GitHub
 * Actions step under `if: always()`, a CircleCI step with `when: always`: Snippet.afterFailure):
 * whatever stopped the script, that build still ran.
 *
 * The other steps the migration removes need no such check. A builder `docker build` that
 * fails leaves no builder image to run or copy from on a clean engine: the old pipeline's copy
 * failed, its final build failed on the missing artifact (one already in the repository is
 * refused as ARTIFACT_DEST_EXISTS), and the merged build fails in the builder stage: no image
 * either way, and every later command runs as it did. (Only an engine holding a stale builder
 * image from an earlier run could let the old pipeline succeed, with stale output: nothing the
 * migration should reproduce.) A copy out of the container (`docker cp`) that fails likewise
 * leaves the final build without its artifact, as the merged COPY --from fails.
 */
import { partHolding, type EmbeddedScript, type Part } from '../analyze/embedded.js';
import type { ShellScript } from '../analyze/shell.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { shownCommand, type ScriptCommand, type ScriptFile, type Word } from '../model/script.js';
import type { Setup } from '../model/setup.js';
import { isExpanded } from '../analyze/compose.js';
import type { RepoFs } from '../model/fs.js';
import { sourcedFile } from '../analyze/sourced-files.js';

/** Hosts that stop when a snippet's shell exits non-zero, unless the snippet says it ignores that (Snippet.failureIgnored). */
const STOPPING_HOSTS = new Set<ScriptFile['kind']>(['make']);

/** The refusal for a folded run step whose failure the old pipeline went past, or null. */
export function runFailureIgnored(setup: Setup, expanded: ScriptFile, fs?: RepoFs): Diagnostic | null {
  const run = setup.run;
  if (!run || run.idle !== undefined || !setup.runtime) return null;
  // Compose commands are read as the docker commands they run: their failure is the compose
  // command's, as written in the script.
  const compose = isExpanded(expanded) ? expanded.compose : null;
  const script = compose?.base ?? expanded;
  const written = (c: ScriptCommand) => (compose ? script.commands[compose.baseIndex[c.index]!]! : c);
  const cmd = written(run.at);
  const where = { file: cmd.file, line: cmd.line, setup: setup.id };
  const text = shownCommand(cmd);
  const call = compose?.calls.get(cmd.index);
  if (call?.subcommand === 'up' && !exitCodeFrom(cmd, call.named)) {
    return diag('BUILD_AT_RUN_TIME', 'error', `\`${text}\` compiles in the builder service's container, and exits 0 whatever that build exits with (no --exit-code-from): the old pipeline went on to build the image from whatever the container left; merged, a failing build would fail the builder stage's RUN step and no image would be built`, {
      ...where,
      hint: `Run the service with \`--exit-code-from ${call.named[0] ?? 'SERVICE'}\` (or \`docker compose run\`) if its failure should stop the script, then run the tool again; or migrate this setup by hand.`,
    });
  }
  const watched: Watched = {
    runtime: setup.runtime.inv.cmd.file === cmd.file ? written(setup.runtime.inv.cmd).index : null,
    copies: [...new Set(setup.artifacts.map((a) => written(a.via.cmd)).filter((c) => c !== cmd && c.file === cmd.file && c.start > cmd.start).map((c) => c.index))],
  };
  if (stops(cmd, script, watched, 0, fs)) return null;
  return diag(
    'BUILD_AT_RUN_TIME',
    'error',
    `\`${text}\` compiles in the builder container, and when it fails the old pipeline goes on (no \`set -e\` in effect there, no \`|| exit\` after it, nothing it is \`&&\`-chained to that skips the build): it built the image from whatever the container left; merged, the same failure would fail the builder stage's RUN step and no image would be built`,
    { ...where, hint: 'Make the script stop when the build in the container fails (`set -e` before it, or `|| exit 1` after it) if that is what it means, then run the tool again; or migrate this setup by hand.' },
  );
}

/** `docker compose up --exit-code-from SERVICE` (or `--exit-code-from=SERVICE`) naming the one service it runs: it exits with that container's status. */
function exitCodeFrom(cmd: ScriptCommand, named: readonly string[]): boolean {
  if (named.length !== 1) return false;
  return cmd.words.some((w, k) => (w.value === '--exit-code-from' && cmd.words[k + 1]?.value === named[0]) || w.value === `--exit-code-from=${named[0]}`);
}

/** A span of a script's text. */
type Range = { start: number; end: number };

interface Watched {
  /** The runtime build's index, when in the same file. */
  runtime: number | null;
  /** The later commands that copy artifacts out of the container. */
  copies: number[];
}

function stops(cmd: ScriptCommand, script: ScriptFile, watched: Watched, depth = 0, fs?: RepoFs): boolean {
  if (script.kind === 'shell') return shellStops(script as ShellScript, cmd, watched, false, fs);
  const parts = (script as Partial<EmbeddedScript>).parts ?? [];
  const at = parts.findIndex((p) => cmd.index >= p.first && cmd.index < p.first + p.count);
  const part = parts[at];
  const inner = part?.script.commands[cmd.index - part.first];
  if (!part || !inner) return false;
  // The runtime build in a snippet the host runs after a failure too (GitLab's after_script,
  // a step under `if: always()`) builds the image from whatever the container left, however
  // the failure ended the script.
  const runtimePart = watched.runtime === null ? undefined : parts.find((p) => watched.runtime! >= p.first && watched.runtime! < p.first + p.count);
  if (runtimePart?.snippet.afterFailure === true && part.snippet.afterFailure !== true) return false;
  // Watched commands of the same snippet, by their index in its own reading.
  const local = (i: number | null) => (i !== null && i >= part.first && i < part.first + part.count ? i - part.first : null);
  const own: Watched = { runtime: local(watched.runtime), copies: watched.copies.map(local).filter((i): i is number => i !== null) };
  // A copy in another snippet of the host runs whatever this snippet's chain skipped.
  if (own.copies.length < watched.copies.length) own.copies.push(-1);
  // A host that goes on after the snippet fails (a `-cmd` recipe line, a GitHub Actions step with
  // `continue-on-error`) runs its later snippets whatever stopped this one: stopping it proves
  // something only when the runtime build, or every later copy, is in this snippet itself.
  const goesOn = part.snippet.failureIgnored === true || part.snippet.goesOnAfterFailure === true;
  const within = own.runtime !== null || (own.copies.length > 0 && !own.copies.includes(-1));
  if ((!goesOn || within) && shellStops(part.script, inner, own, hostErrexit(script, parts, at, fs), fs)) return true;
  if (goesOn || !lastRun(part.script, inner)) return false;
  if (STOPPING_HOSTS.has(script.kind)) return true;
  // An npm script fails the `npm run X` that ran it: that command's failure must stop in turn.
  const callers = part.snippet.callers ?? [];
  return depth < 8 && callers.length > 0 && callers.every((i) => script.commands[i] !== undefined && stops(script.commands[i]!, script, watched, depth + 1, fs));
}

/**
 * Whether the host starts part `at`'s shell with errexit on (Snippet.errexit), and it is still on
 * where the part starts: a part that continues the shell of the ones before it (GitLab's script
 * items) starts as they left it, so none of them may touch errexit (`set +e`).
 */
function hostErrexit(script: ScriptFile, parts: readonly Part[], at: number, fs?: RepoFs): boolean {
  if (parts[at]?.snippet.errexit !== true) return false;
  for (let k = at; k > 0 && parts[k]!.snippet.continues === true; k--) {
    const before = parts[k - 1]!;
    // The file's own reading of the part's commands (its snippet reading may have been released).
    const cmds = script.commands.slice(before.first, before.first + before.count);
    if (cmds.some((c) => errexitEffect(c.words, fs ? { cmd: c, fs } : undefined) !== null)) return false;
  }
  return true;
}

/**
 * Whether `cmd` is the last command its snippet's shell runs, so the snippet exits with its
 * status: nothing runs after it but the members of its chains its failure skips
 * (`docker build -t app . && docker push app`, the last statement, fails with the build).
 */
function lastRun(script: ShellScript, cmd: ScriptCommand): boolean {
  const skipped: Range[] = [];
  if (cmd.stdout !== null || !errexitReaches(script, cmd, true, skipped)) return false;
  return script.commands.every((c) => c.start <= cmd.start || skipped.some((r) => c.start >= r.start && c.end <= r.end));
}

/** `errexit`: the host starts the shell with errexit on (Snippet.errexit). */
function shellStops(script: ShellScript, cmd: ScriptCommand, watched: Watched, errexit = false, fs?: RepoFs): boolean {
  const waited = waitedFor(script, cmd);
  if (waited) return (errexitOn(script, waited, errexit, fs) && errexitReaches(script, waited, false)) || orExit(script, waited);
  return (errexitOn(script, cmd, errexit, fs) && errexitReaches(script, cmd, false)) || orExit(script, cmd) || andSkips(script, cmd, watched);
}

/**
 * `cmd &` followed at once by `wait $!`: the wait exits with cmd's status, so its failure is the
 * wait's (errexit, `|| exit` apply to the wait). The `wait $!` command, or null.
 */
function waitedFor(script: ShellScript, cmd: ScriptCommand): ScriptCommand | null {
  const units = script.units;
  const unit = units[cmd.unit];
  if (cmd.stdout !== null || unit?.background !== true || unit.chain !== null || unit.start !== cmd.start || cmd.end !== unit.stmtEnd) return null;
  let next = -1;
  units.forEach((x, k) => {
    if (x.list === unit.list && x.start >= unit.end && (next < 0 || x.start < units[next]!.start)) next = k;
  });
  if (next < 0 || units[next]!.background === true) return null;
  const wait = script.commands.find((c) => c.start === units[next]!.start);
  if (!wait || wait.words.length !== 2 || wait.words[0]?.value !== 'wait' || !['$!', '"$!"', '${!}', '"${!}"'].includes(wait.words[1]!.raw)) return null;
  return wait;
}

/**
 * What a `set` command does to errexit: `-e` (alone or among other letters, `set -euo pipefail`)
 * and `-o errexit` turn it on, `+e` and `+o errexit` off; null when it does not touch it;
 * 'unknown' for a word only known at run time (`set $OPTS`).
 */
export function errexitOption(args: readonly Word[]): boolean | null | 'unknown' {
  let on: boolean | null = null;
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!.value;
    if (v === null) return 'unknown';
    if (v === '--' || v === '-' || !/^[-+]/.test(v)) break;
    const letters = v.slice(1);
    if (letters.includes('e')) on = v.startsWith('-');
    // `-o NAME`, also at the end of a cluster (`set -euo errexit`).
    if (letters.endsWith('o')) {
      const name = args[i + 1]?.value;
      if (name === undefined) break;
      if (name === null) return 'unknown';
      if (name === 'errexit') on = v.startsWith('-');
      i++;
    }
  }
  return on;
}

/** Words that run the command after them as it is (`builtin set +e`, `command set +e`). */
const PASS_THROUGH = new Set(['builtin', 'command']);
/** An alias's text that may touch errexit: it runs `set`, `shopt`, a sourced file or `eval`, maybe through `builtin`/`command`. */
const ALIAS_MAY_TOUCH = /(^|[\s;&|(`{])(set|shopt|eval|source|\.|builtin|command)(\s|$|;)/;
/** Commands that run text in this shell: a sourced file, `eval`. */
const RUNS_UNREAD = new Set(['.', 'source', 'eval']);

/**
 * What sourcing `cmd` does to errexit, read from the file (with `fs`): nothing when no command
 * of it (function bodies and the files it sources included) may touch errexit; on (or off) when
 * the last of its own plain statements that does (`set -euo pipefail` at the top of a shared
 * settings file, or a file it sources in turn) turns it so, and none nested (a branch, a loop,
 * a function body, a chain) may turn it otherwise, nor a `return` stop the file before it;
 * 'unknown' when the file defines an alias (a script sh reads expands one, and `alias
 * relax='set +e'` then `relax` would turn it off), runs a command named at run time, may touch
 * errexit in any other way, or cannot be read.
 */
function sourcedEffect(cmd: ScriptCommand, fs: RepoFs, depth: number): boolean | null | 'unknown' {
  const read = sourcedFile(cmd, fs);
  if (read === null || 'unknown' in read || depth > 8) return 'unknown';
  const script = read.script;
  let effect: boolean | null = null;
  for (const c of [...script.commands].sort((a, b) => a.start - b.start)) {
    if (c.words[0]?.value === 'alias' || c.words[0]?.value === null) return 'unknown';
    const option = errexitEffect(c.words, { cmd: c, fs, depth: depth + 1 });
    if (option === null) continue;
    if (option === 'unknown') return 'unknown';
    if (plainStatement(script, c)) effect = option;
    // (a nested `set -e` where it is on already changes nothing; anything else may)
    else if (!(option && effect === true)) return 'unknown';
  }
  // (`[ -n "$RELAXED" ] && return`: the statements after it may not run)
  if (effect !== null && script.commands.some((c) => c.words[0]?.value === 'return')) return 'unknown';
  return effect;
}

/** Whether `c` is a statement of the script's top level on its own: not in a branch, loop, function body, subshell or chain. */
function plainStatement(script: ShellScript, c: ScriptCommand): boolean {
  const unit = script.units[c.unit];
  return unit !== undefined && unit.top && unit.chain === null && unit.start === c.start && !c.conditional && !c.loop;
}

/**
 * What a command does to errexit: `set` (also as `builtin set`, `command set`) as
 * errexitOption reads it, `shopt -s -o errexit` / `shopt -u -o errexit` (bash) on / off; null
 * when it does not touch it; 'unknown' when it may, in a way the tool does not read: a sourced
 * file (`. ./env.sh`, `source env.sh`) or `eval` may run `set +e` in this shell. With `sourcing`
 * (the command and the repository) a sourced file is read: see sourcedEffect.
 */
export function errexitEffect(words: readonly Word[], sourcing?: { cmd: ScriptCommand; fs: RepoFs; depth?: number }): boolean | null | 'unknown' {
  let k = 0;
  while (k < words.length && words[k]!.value !== null && PASS_THROUGH.has(words[k]!.value!)) k++;
  const name = words[k]?.value;
  if (name === undefined) return null;
  // A command named only at run time (`$DOCKER run …`) is read as not `set`, as before; after
  // `builtin`/`command` it may be.
  if (name === null) return k > 0 ? 'unknown' : null;
  // `command -p set …` and the like: read as unknown rather than parse every option.
  if (k > 0 && name.startsWith('-')) return 'unknown';
  if (name === 'set') return errexitOption(words.slice(k + 1));
  // `alias relax='set +e'`: sh expands aliases in scripts (bash where told to), so a later `relax` runs it.
  if (name === 'alias') return words.slice(k + 1).some((w) => w.value === null || ALIAS_MAY_TOUCH.test(w.value.slice(w.value.indexOf('=') + 1))) ? 'unknown' : null;
  if (name === 'shopt') return shoptErrexit(words.slice(k + 1));
  // A sourced file the tool reads (`. ./env.sh` itself, not through builtin or command) may leave errexit as it was.
  if ((name === '.' || name === 'source') && k === 0 && sourcing) return sourcedEffect(sourcing.cmd, sourcing.fs, sourcing.depth ?? 0);
  if (RUNS_UNREAD.has(name)) return 'unknown';
  return null;
}

/** `shopt [-s|-u] -o … errexit …`: -s turns it on, -u off; without -o it names bash's other options, never errexit. */
function shoptErrexit(args: readonly Word[]): boolean | null | 'unknown' {
  let set: boolean | null = null;
  let o = false;
  let i = 0;
  for (; i < args.length; i++) {
    const v = args[i]!.value;
    if (v === null) return 'unknown';
    if (v === '--') {
      i++;
      break;
    }
    if (!v.startsWith('-') || v === '-') break;
    for (const letter of v.slice(1)) {
      if (letter === 's') set = true;
      else if (letter === 'u') set = false;
      else if (letter === 'o') o = true;
    }
  }
  if (!o || set === null) return null;
  for (const a of args.slice(i)) {
    if (a.value === null) return 'unknown';
    if (a.value === 'errexit') return set;
  }
  return null;
}

/**
 * Whether errexit is surely on where `cmd` runs, in a shell script or in the snippet of another
 * kind that holds it (with the errexit its host starts the snippet's shell with, as earlier
 * items of the same shell left it: hostErrexit).
 */
export function errexitAt(cmd: ScriptCommand, script: ScriptFile, fs?: RepoFs): boolean {
  if (script.kind === 'shell') return errexitOn(script as ShellScript, cmd, false, fs);
  const held = partHolding(script, cmd);
  return held !== null && errexitOn(held.part.script, held.inner, hostErrexit(script, (script as EmbeddedScript).parts, held.at, fs), fs);
}

/**
 * Whether errexit stops the shell when `cmd` fails: it is on where `cmd` runs (errexitAt), and
 * the failure reaches it (no `if`/`while` condition, `!`, or chain member after it, no
 * background or pipe). In a function body, where it stands in the body is read, as if the
 * function's call were a plain statement (its caller decides the rest: the builder build must
 * run on the same paths, CONDITIONAL_STEP).
 */
export function errexitStops(cmd: ScriptCommand, script: ScriptFile, fs?: RepoFs): boolean {
  if (script.kind === 'shell') return errexitOn(script as ShellScript, cmd, false, fs) && errexitReaches(script as ShellScript, cmd, false, undefined, true);
  const held = partHolding(script, cmd);
  return held !== null && errexitOn(held.part.script, held.inner, hostErrexit(script, (script as EmbeddedScript).parts, held.at, fs), fs) && errexitReaches(held.part.script, held.inner, false, undefined, true);
}

/**
 * Whether a failure of the statement `cmd` ends (`cmd` its last command: an `exit 1` ending a
 * `( … )`) ends the run: errexit stops the shell there (errexitStops), or it is the last thing a
 * Make recipe line runs, so the line fails and make stops (unless it ignores the line's failure).
 */
export function failureEndsRun(cmd: ScriptCommand, script: ScriptFile, fs?: RepoFs): boolean {
  if (errexitStops(cmd, script, fs)) return true;
  if (!STOPPING_HOSTS.has(script.kind)) return false;
  const held = partHolding(script, cmd);
  return held !== null && held.part.snippet.failureIgnored !== true && held.part.snippet.goesOnAfterFailure !== true && lastRun(held.part.script, held.inner);
}

/**
 * Whether pipefail is surely off where `cmd` runs: its shell starts without it (a shell script
 * does; elsewhere the host says, Snippet.pipefail: a GitHub step's shell, Node's `/bin/sh` of an
 * execSync, a Jenkins `sh` step's `sh -xe`, a make recipe's `/bin/sh -c`), and nothing before it
 * in the same shell may have turned it on (pipefailMaySet). False where the host's is not read.
 */
export function pipefailOff(cmd: ScriptCommand, script: ScriptFile): boolean {
  if (script.kind === 'shell') return !pipefailMaySet(script.commands, cmd);
  const held = partHolding(script, cmd);
  if (held === null || held.part.snippet.pipefail !== false || pipefailMaySet(held.part.script.commands, held.inner)) return false;
  // Texts run earlier by the same shell (GitLab's script items) may have turned it on too.
  const parts = (script as EmbeddedScript).parts;
  for (let k = held.at; k > 0 && parts[k]!.snippet.continues === true; k--) {
    const before = parts[k - 1]!;
    if (pipefailMaySet(script.commands.slice(before.first, before.first + before.count), null)) return false;
  }
  return true;
}

/**
 * Whether a command of `commands` before `cmd` (all of them: null) may turn pipefail on: a `set
 * -o pipefail`, `set -euo pipefail`, a `set` or `shopt` with options only known at run time, a
 * sourced file, `eval` or an alias.
 */
function pipefailMaySet(commands: readonly ScriptCommand[], cmd: ScriptCommand | null): boolean {
  return commands.some((c) => {
    if (cmd !== null && c.start >= cmd.start) return false;
    const [first, ...rest] = c.words;
    const name = PASS_THROUGH.has(first?.value ?? '') ? rest[0]?.value : first?.value;
    if (name === undefined || name === null) return false;
    if (RUNS_UNREAD.has(name) || name === 'alias') return true;
    if (name !== 'set' && name !== 'shopt') return false;
    return c.words.some((w) => w.value === null || w.value === 'pipefail' || /^[-+][a-zA-Z]*o$/.test(w.value));
  });
}

/** `cmd || exit 1` (orExit) in a shell script or in the snippet of another kind that holds it. */
export function exitsOnFailure(cmd: ScriptCommand, script: ScriptFile): boolean {
  if (script.kind === 'shell') return orExit(script as ShellScript, cmd);
  const held = partHolding(script, cmd);
  return held !== null && orExit(held.part.script, held.inner);
}

/**
 * Whether `cmd` is the last command its shell runs (nothing after it in its text, nor in the texts
 * of the same shell after it: GitLab's later script items), so that its status is the shell's.
 * Never in a PowerShell script file, whose status is not its last command's.
 */
export function endsItsShell(cmd: ScriptCommand, script: ScriptFile): boolean {
  if (script.kind === 'shell') return lastRun(script as ShellScript, cmd);
  // `pwsh -File build.ps1` exits 0 unless the script calls `exit` (or a terminating error ends
  // it), whatever its last native command gave (PowerShell/PowerShell#11712).
  if (script.kind === 'powershell') return false;
  const held = partHolding(script, cmd);
  if (!held || !lastRun(held.part.script, held.inner)) return false;
  const parts = (script as EmbeddedScript).parts;
  for (let k = held.at + 1; k < parts.length && parts[k]!.snippet.continues === true; k++) if (parts[k]!.count > 0) return false;
  return true;
}

/**
 * Whether errexit is surely on where `cmd` runs: the last command before it (in the text) that
 * touches errexit (errexitEffect: `set`, `shopt -o`, a sourced file, `eval`) is a plain statement
 * of the top level that turns it on, and no such command nested anywhere before it (a branch, a
 * function, a subshell, a chain) may have turned it off.
 */
function errexitOn(script: ShellScript, cmd: ScriptCommand, initial = false, fs?: RepoFs): boolean {
  let on = initial;
  for (const c of [...script.commands].filter((c) => c.start < cmd.start).sort((a, b) => a.start - b.start)) {
    const option = errexitEffect(c.words, fs ? { cmd: c, fs } : undefined);
    if (option === null) continue;
    if (plainStatement(script, c)) on = option === true;
    else if (option !== true) on = false;
  }
  return on;
}

/**
 * Whether a failure of `cmd` reaches errexit (or, `asStatus`, the exit status of its snippet):
 * every statement holding it is no condition (`if`, `while`), the last member of any chain it
 * is in, and starts with the command itself (no `!` or `time` in front); it is neither captured
 * by a `$(…)` nor inside a function body (whose caller decides).
 */
function errexitReaches(script: ShellScript, cmd: ScriptCommand, asStatus: boolean, skipped?: Range[], inFunction = false): boolean {
  if (cmd.stdout !== null || backgrounded(script, cmd)) return false;
  const functions = new Set(script.functions?.values() ?? []);
  if (!inFunction && cmd.branches?.some((b) => functions.has(b.id))) return false;
  const units = script.units;
  let u = cmd.unit;
  if (units[u]?.start !== cmd.start) return false;
  for (let guard = 0; guard <= units.length; guard++) {
    const unit = units[u];
    if (!unit || unit.role === 'condition') return false;
    if (unit.chain !== null) {
      // Later members run on its failure, or (errexit) the chain's failure is not errexit's; for
      // its status, members joined by `&&` alone are skipped, and the chain fails with it.
      const later = units.filter((x, k) => k > u && x.chain === unit.chain);
      if (later.length > 0 && (!asStatus || skipped === undefined || later.some((x) => x.opBefore !== '&&'))) return false;
      skipped?.push(...later);
      if (unit.parent === null) return false;
      u = unit.parent;
      continue;
    }
    if (unit.group !== null) {
      u = unit.group;
      continue;
    }
    if (unit.top) return true;
    // A body statement: the smallest unit around it (its `if`, loop or case statement).
    let around = -1;
    units.forEach((x, k) => {
      if (k !== u && x.start <= unit.start && x.end >= unit.end && (x.start < unit.start || x.end > unit.end) && (around < 0 || x.end - x.start < units[around]!.end - units[around]!.start)) around = k;
    });
    if (around < 0) return false;
    // A loop body's status is the loop's only on its last pass, which may be another command's.
    if (asStatus && cmd.loop) return false;
    u = around;
  }
  return false;
}

/**
 * Whether `cmd` runs in the background: a statement around it (or it) ends in `&`
 * (`docker run … &`, `{ docker run …; } &`). The shell goes on at once, and its status reaches
 * neither errexit nor the snippet's status (a later `wait` returns 0 for all jobs); an `|| exit`
 * or `&&` chain around it ends or skips only the background job.
 */
function backgrounded(script: ShellScript, cmd: ScriptCommand): boolean {
  return script.units.some((u) => u.background === true && u.start <= cmd.start && cmd.end <= u.stmtEnd);
}

/** The innermost `( )` subshell unit holding `start`…`end` (other than `self`), or null in the shell's own. */
function subshellAround(script: ShellScript, start: number, end: number, self?: ShellScript['units'][number]): ShellScript['units'][number] | null {
  let best: ShellScript['units'][number] | null = null;
  for (const u of script.units) if (u !== self && u.subshell === true && u.start <= start && end <= u.stmtEnd && (best === null || u.start >= best.start)) best = u;
  return best;
}

/**
 * `cmd || exit`, `cmd || exit 1`, `cmd || { echo failed; exit 1; }`, `cmd && echo built || exit
 * 1` (the `&&` members are skipped on its failure): its failure ends the script. Not `cmd || (
 * echo failed; exit 1 )`, whose exit ends the subshell only.
 */
export function orExit(script: ShellScript, cmd: ScriptCommand): boolean {
  if (cmd.stdout !== null || backgrounded(script, cmd)) return false;
  const units = script.units;
  const unit = units[cmd.unit];
  if (!unit || unit.chain === null || unit.start !== cmd.start) return false;
  const next = units.findIndex((x, k) => k > cmd.unit && x.chain === unit.chain && x.opBefore !== '&&');
  if (next < 0 || units[next]!.opBefore !== '||') return false;
  return script.commands.some((c) => {
    if (c.words[0]?.value !== 'exit') return false;
    const status = c.words[1];
    // `exit` alone and `exit $?` give the failed command's status.
    if (status !== undefined && !(status.value !== null && /^[0-9]+$/.test(status.value) && Number(status.value) % 256 !== 0) && status.raw !== '$?' && status.raw !== '"$?"') return false;
    // The exit is a statement of that member, or of a `{ }` group that is (in a `( )` it ends the subshell only).
    let u = c.unit;
    while (u !== next && units[u]?.group !== null && units[u]?.group !== undefined && units[u]!.chain === null && units[units[u]!.group!]!.subshell !== true) u = units[u]!.group!;
    return u === next && units[u]!.start <= c.start;
  });
}

/**
 * `cmd && …`: the members after it up to the next `||` are skipped when it fails. That stops the
 * old pipeline from building what the container left when they hold the runtime build, or every
 * later copy out of the container (the artifact is then missing, and the runtime build fails).
 */
function andSkips(script: ShellScript, cmd: ScriptCommand, watched: Watched): boolean {
  if (cmd.stdout !== null || backgrounded(script, cmd)) return false;
  const units = script.units;
  const unit = units[cmd.unit];
  if (!unit || unit.chain === null || unit.start !== cmd.start) return false;
  const later = units.map((x, k) => ({ x, k })).filter(({ x, k }) => k > cmd.unit && x.chain === unit.chain);
  const skipped: { start: number; end: number }[] = [];
  for (const { x } of later) {
    if (x.opBefore !== '&&') break;
    skipped.push(x);
  }
  if (skipped.length === 0) return false;
  const within = (i: number) => {
    const c = script.commands[i];
    return c !== undefined && skipped.some((s) => c.start >= s.start && c.end <= s.end);
  };
  if (watched.runtime !== null && within(watched.runtime)) return true;
  return watched.copies.length > 0 && watched.copies.every(within);
}

/**
 * A step of the setup that runs in the background (`docker run … > app &`, `docker build … &`)
 * with no `wait` after it in its shell before the setup's next step: the next step ran while it
 * was still running (the runtime build read a half-written app, or none), where the merged build
 * runs them in order. A `wait` (for every job, or `wait $!` right after it) is the order the
 * migration keeps. Null when every step is waited for.
 */
export function unwaitedBackground(setup: Setup, script: ScriptFile): Diagnostic | null {
  const steps = [setup.builder.inv.cmd, ...(setup.run ? [setup.run.at] : []), ...setup.extraction].filter((c) => c.file === script.file);
  const all = [...steps, ...(setup.runtime ? [setup.runtime.inv.cmd] : [])].filter((c) => c.file === script.file).sort((a, b) => a.index - b.index);
  for (const cmd of steps) {
    const next = all.find((c) => c.index > cmd.index) ?? null;
    const held = script.kind === 'shell' ? { shell: script as ShellScript, inner: cmd } : (() => {
      const h = partHolding(script, cmd);
      return h ? { shell: h.part.script, inner: h.inner, at: h.at } : null;
    })();
    if (!held || !backgrounded(held.shell, held.inner)) continue;
    const sameShell = next !== null && (script.kind === 'shell' || partHolding(script, next)?.at === (held as { at?: number }).at);
    // (the next step in the same background job, `a && b &`, runs after it there)
    const nextInner = sameShell ? (script.kind === 'shell' ? next! : partHolding(script, next!)!.inner) : null;
    if (nextInner && held.shell.units.some((u) => u.background === true && u.start <= held.inner.start && held.inner.end <= u.stmtEnd && u.start <= nextInner.start && nextInner.end <= u.stmtEnd)) continue;
    // (a `wait` in a later text the same shell goes on to run, GitLab's next script item, waits for it too)
    const parts = script.kind === 'shell' ? [] : (script as EmbeddedScript).parts;
    const inSameShell = (c: ScriptCommand) => {
      if (script.kind === 'shell') return true;
      const at = partHolding(script, c)?.at;
      if (at === undefined) return false;
      for (let k = (held as { at: number }).at + 1; k <= at; k++) if (parts[k]!.snippet.continues !== true) return false;
      return true;
    };
    // The shell whose job it is: the innermost `( )` around the outermost `&` holding the step
    // (`( docker cp … & )`: the subshell's, which a `wait` after the subshell does not wait for).
    const job = held.shell.units.filter((u) => u.background === true && u.start <= held.inner.start && held.inner.end <= u.stmtEnd).sort((a, b) => a.start - b.start)[0]!;
    const owner = subshellAround(held.shell, job.start, job.stmtEnd, job);
    // (a `wait` that runs once where it is written, in that shell: not in a branch, a loop, a
    // function, a subshell of its own, nor in the background itself)
    const waits = (c: ScriptCommand) => {
      if (c.words.length !== 1 || c.words[0]?.value !== 'wait' || c.conditional || c.loop || (c.branches?.length ?? 0) > 0 || !inSameShell(c)) return false;
      const h = script.kind === 'shell' ? { shell: script as ShellScript, inner: c } : partHolding(script, c) && { shell: partHolding(script, c)!.part.script, inner: partHolding(script, c)!.inner };
      if (!h || backgrounded(h.shell, h.inner)) return false;
      return h.shell === held.shell ? subshellAround(h.shell, h.inner.start, h.inner.end) === owner : owner === null && subshellAround(h.shell, h.inner.start, h.inner.end) === null;
    };
    const waited = waitedFor(held.shell, held.inner) !== null || script.commands.some((c) => c.index > cmd.index && (next === null || c.index < next.index) && waits(c));
    if (waited) continue;
    return diag('SCRIPT_EDIT_UNSAFE', 'error', `\`${shownCommand(cmd)}\` runs in the background (\`&\`), and nothing waits for it before ${next ? `\`${shownCommand(next)}\` (line ${next.line})` : 'the run ends'}: the old steps ran side by side, the merged build runs them in order`, {
      file: cmd.file,
      line: cmd.line,
      setup: setup.id,
      hint: 'Run the step in the foreground (or `wait` for it before the next step), then run the tool again; or migrate by hand.',
    });
  }
  return null;
}
