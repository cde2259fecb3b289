/**
 * Shell embedded in another language: Makefile recipe lines, npm scripts, CI `run:` steps.
 * Each host adapter cuts its file into snippets of shell (decoded as the shell will see
 * them, with a map back to file offsets and an encoder for text going the other way); this
 * layer parses every snippet with the shell adapter and presents the whole file as one
 * ScriptFile, so the linker and planner never learn which language the commands came from.
 */
import type { OverriddenRecipes } from './hosts/make-overridden.js';
import type { Diagnostic } from '../model/diagnostics.js';
import type { Edit } from '../model/edits.js';
import type { ListSpans } from '../model/list-items.js';
import type { Branch, ScriptCommand, ScriptFile, ScriptKind, Word } from '../model/script.js';
import { parseShell, shellTrees, type ShellInit, type ShellScript } from './shell.js';
import type { Versions } from './shell/versions.js';
import type { PathFolder } from './shell/types.js';
import { fileOffset, type OffsetMap } from './offset-runs.js';
import { holdsPlaceholder, placeholderSpans } from '../model/placeholders.js';

export interface Snippet {
  /** The shell text as the shell receives it. */
  shell: string;
  /** File offset of every shell offset (length shell.length + 1: the last entry is the end). */
  toFile: OffsetMap;
  /** Spells shell text in the host language (escaping, indentation). */
  encode: (shellText: string) => string;
  cwd: string | null;
  vars: ReadonlyMap<string, string | null>;
  /** Names of `vars` the host puts in the snippet's environment (Make's `export NAME`): its programs see them. */
  exported?: readonly string[];
  /**
   * The variables' versions the snippet's shell starts with, when the host runs its snippets in
   * one environment (a JavaScript script's calls share its process's): a variable none of them
   * sets is then the same value in each. Absent: a reading of its own.
   */
  versions?: Versions;
  /**
   * Why the host gives a variable of `vars` the value it has where the file never writes it,
   * said as where the snippet runs (a GitLab job's `docker:` image gives DOCKER_BUILDKIT: "in
   * the job's image `docker:stable`, whose docker CLI (19.03) builds with the legacy builder…").
   */
  varNotes?: ReadonlyMap<string, string>;
  /** Host edits that remove the whole snippet (a recipe line, a step, a script entry), or null. */
  remove: Edit[] | null;
  /**
   * The snippet is item `index` of a separated list in the host (a package.json script, a
   * member of the `scripts` object): snippets of one list emptied together go together, run by
   * run (../model/list-items.ts), since their own `remove` edits would each claim the separator
   * between two neighbours.
   */
  listItem?: { list: ListSpans; index: number };
  /** A short name for messages (`target build`, `step 3`, `script "build"`). */
  label: string;
  /** The shell text is a translation of the file's (PowerShell, Make's `$(wildcard …)`): messages show each command as the file writes it. */
  translated?: true;
  /**
   * A name the snippet's shell reads in place of text of the file it does not model (Make's
   * `$(strip app)` read as `${__make_expansion_0}`): a word or command holding it is shown as the
   * file writes it.
   */
  placeholder?: string;
  /**
   * What placeholder names of the snippet's shell stand for, as the file writes it, where the
   * offsets do not say (a PowerShell argument's `$(…)` inside a `"…"` maps to the argument's
   * start): ../model/placeholders.ts.
   */
  placeholderTexts?: Readonly<Record<string, string>>;
  /**
   * Snippets with the same scope read text written in one of them as in another (the recipe
   * lines of one Make rule: the same variables, automatic ones included), so a word of one is
   * carried into another as written. Absent: only the snippet's own words are.
   */
  scope?: string;
  /**
   * The host goes on whatever the snippet's shell exits with (a Make recipe line written `-cmd`,
   * or a recipe of a target `.IGNORE` lists): a failure of its last command stops nothing.
   */
  failureIgnored?: boolean;
  /**
   * The host runs what follows the snippet even when it fails, or may (a GitHub Actions step's
   * `continue-on-error: true`, or an expression only known when the workflow runs; an Azure
   * Pipelines step's `continueOnError`; Travis CI's after_success, after_failure, after_deploy and
   * after_script, whose exit status does not count toward the build's result): whatever
   * stops the snippet's shell stops nothing after it. (A command's failure there is not taken
   * as harmless, as failureIgnored's is: the expression may be false.)
   */
  goesOnAfterFailure?: boolean;
  /** Why goesOnAfterFailure holds, for messages, where the host's own words say it better than a CI step's (`reject: false` on an execa call). */
  goesOnWhy?: string;
  /**
   * The time limit the host puts on the step holding the snippet, as written (a GitHub Actions
   * step's `timeout-minutes`, an Azure Pipelines step's `timeoutInMinutes`, a CircleCI run step's
   * `no_output_timeout`, a Jenkins `timeout(…) {}` block or stage `options { timeout(…) }`): a
   * compile moving into another step runs under that step's limit.
   */
  timeout?: string;
  /**
   * The blocks around the step that change what it sees beyond its known variables, as written
   * (a Jenkins `withCredentials`, `sshagent`, `docker.withRegistry`, `docker.withServer`, a
   * stage's `options { retry(…) }`): a compile moving into or out of one runs in another world
   * (bound credentials gone, another engine, tried again).
   */
  wrappedBy?: string;
  /**
   * The host starts the snippet with an environment of its own that does not pass on the one the
   * other snippets share (a JavaScript call's `env: { PATH: process.env.PATH }`, or options the
   * reader cannot see through), as written: a variable its text reads from the environment may
   * hold another value there, or none.
   */
  ownEnvironment?: string;
  /**
   * The shell the host runs the snippet's text with, where it says (Node's `/bin/sh` or its
   * `shell:` option, a Jenkins `sh` step's `sh -xe` or `#!` line, zx's bash): `sh` for a POSIX sh
   * (dash on Debian agents), `bash`. Text written for one may not run in the other.
   */
  shellName?: 'sh' | 'bash';
  /**
   * How the host spells the snippet's text, where one file mixes spellings that read the same
   * characters otherwise (JavaScript: a `'…'` or `"…"` string, where `${x}` is the shell's; a
   * template literal, where it is the script's own value; zx's template, which also quotes it):
   * a word is carried as written only between snippets of one spelling. Shown in messages.
   */
  spelling?: string;
  /**
   * The host does not wait for the step before running the next (a JavaScript `exec`/`spawn`
   * of Node's child_process, a promise not awaited): it runs alongside the steps after it.
   */
  concurrent?: boolean;
  /**
   * The host holds the step's output in a buffer that fails the step past a size (a JavaScript
   * execSync without `stdio: 'inherit'`: 1 MiB by default): a compile moving into it brings its log.
   */
  capturesOutput?: boolean;
  /** Where the buffer is not Node's (shelljs's `exec`): what it is, and how the call is given a way out, for the refusal. */
  buffer?: { what: string; hint: string };
  /**
   * The host starts the snippet's shell with errexit on (a GitHub Actions step's default
   * `bash -e {0}`, a CircleCI step's default `/bin/bash -eo pipefail`, the `set -eo pipefail` a
   * GitLab runner's bash or sh writes before a job's before_script and script, the `set -e`
   * Bitbucket Pipelines starts a step's script with, the `sh -xe` a Jenkins `sh` step runs its
   * text with when it has no `#!` line): a failing command stops it.
   */
  errexit?: boolean;
  /**
   * Whether the host starts the snippet's shell with pipefail on (a GitHub Actions step: `shell:
   * bash` does, the default `bash -e {0}` does not); absent where it is not read.
   */
  pipefail?: boolean;
  /**
   * The host runs the snippet even when the snippets before it in its sequence failed (GitLab's
   * `after_script`, Bitbucket's `after-script`, a GitHub Actions step under `if: always()`, a
   * CircleCI step with `when: always`): what a failure stopped before it does not stop it.
   */
  afterFailure?: boolean;
  /**
   * The host runs the snippet only after an earlier step failed (a GitHub Actions step under
   * `if: failure()`, an Azure Pipelines step with `condition: failed()`, a CircleCI step with
   * `when: on_fail`): a failure handler, which a failing compile moved past it no longer reaches.
   */
  onlyAfterFailure?: boolean;
  /**
   * The host ends the job when an item of the snippet's text fails, where it goes on past a
   * failing item of the snippets that do not say so (Travis CI's before_install, install and
   * before_script: the job errors and stops; in its script it fails and goes on).
   */
  stopsOnFailure?: boolean;
  /**
   * The host runs the snippet only when the snippets before it succeeded (Travis CI's
   * after_success, before_cache and deploy phases): nothing a failure there goes on to.
   */
  onlyAfterSuccess?: boolean;
  /**
   * The host item holding the text also runs elsewhere (GitLab's `default: before_script`, run by
   * every job without its own): where it is written and what else runs it, for messages.
   */
  shared?: string;
  /** Runs in the same shell as the snippet before it (GitLab `script:` items): starts where it ended. */
  continues?: boolean;
  /** Global indexes of commands that run this snippet (`npm run X`): they go when it goes. */
  callers?: number[];
  /**
   * The names a user or another file runs this snippet's text by (`npm run X` of an npm script,
   * `make X` of a target of the Make rule holding the recipe line): a name whose snippets the
   * migration all empties is gone (or does nothing) for every other caller (src/plan/removed-names.ts).
   */
  entryNames?: readonly string[];
  /**
   * For a snippet that adds words its own way (insertWords) and is still shell text (a Jenkins
   * `sh` string, which checks the words it adds for Groovy interpolations): true when whole
   * commands and words may be written into it as shell through `encode`, or why they may not
   * (its text holds an interpolation only the host fills in). Absent: a snippet with insertWords,
   * replaceCommand or replaceWord is no shell text.
   */
  shellText?: true | { error: string };
  /** For snippets that write the words they add their own way (an argv array, a Groovy string): how to add words after word `after`. */
  insertWords?: (cmd: ScriptCommand, after: number, words: readonly Word[]) => Edit[] | { error: string };
  /**
   * For snippets that are not shell text (an argv array): how to write command `cmd` anew,
   * each word a value or a text already written in this snippet's syntax.
   */
  replaceCommand?: (cmd: ScriptCommand, words: readonly SpelledWord[]) => Edit[] | { error: string };
  /** For snippets that are not shell text (PowerShell): how to replace word `word` with one of value `value`. */
  replaceWord?: (cmd: ScriptCommand, word: number, value: string) => Edit[] | { error: string };
  /**
   * Snippets that share one host item (the statements of one PowerShell CI step): when every
   * one of them is emptied, the item goes whole (`remove`) instead of each snippet, or the
   * edit is refused saying why it cannot go (`{ error }`; null: no reason to give).
   */
  host?: SnippetHost;
  /**
   * A PowerShell statement that runs a native program (or a function, a script or a command
   * computed at run time, which may): it sets `$LASTEXITCODE`, which a PowerShell CI step ends
   * with (SnippetHost.exitsWithLastExitCode) and a PowerShell caller of a `.ps1` reads after it.
   * `guarded`: its failure ends the text at once (`if ($LASTEXITCODE -ne 0) { exit 1 }`).
   */
  setsExitCode?: { guarded: boolean };
  /**
   * Conditions the host file puts on the whole snippet (a GitHub step's `if:`, the branch of a
   * Make `ifeq … endif` a recipe line is in), outermost first. Their ids are the host's own:
   * snippets under the same condition share them, so steps under one condition run together.
   */
  branches?: Branch[];
}

/** A host item holding snippets (Snippet.host). */
export interface SnippetHost {
  size: number;
  remove: Edit[] | { error: string; hint?: string } | null;
  /**
   * A host item that holds this one and `size` others like it, and cannot be left holding none
   * (a Jenkins `stages` block without a stage): when every one of them goes, the edit is refused.
   */
  within?: { size: number; error: string; hint?: string };
  /**
   * The host ends the item's text with `exit $LASTEXITCODE` (a GitHub Actions `shell: pwsh` or
   * `powershell` step, an Azure Pipelines PowerShell step): its status is that of the last
   * native program it ran (Snippet.setsExitCode), whatever ran after it. What it is, for messages.
   */
  exitsWithLastExitCode?: string;
  /**
   * The host does not end the item's text with `exit $LASTEXITCODE` (an Azure Pipelines
   * PowerShell step with `ignoreLASTEXITCODE: true`, or a value only known at run time): its
   * status is not the last native program's, and the tool does not model what it is. What it is,
   * for messages.
   */
  statusUnmodelled?: string;
}

/** A word of a command written anew: a value to spell, or text as written in the snippet's own syntax. */
export type SpelledWord = { value: string } | { written: string };

export interface Part {
  snippet: Snippet;
  /**
   * The snippet's own reading (offsets in the snippet's shell text): only editing needs it, so
   * once a file is analysed it is dropped and read again on demand (./release.ts).
   */
  script: ShellScript;
  /** Global index of the snippet's first command. */
  first: number;
  /** How many commands the snippet gave (script.commands.length, known without reading it). */
  count: number;
  /** What the snippet's reading started from (variables and folder), to read it again alike. */
  init: { vars: ReadonlyMap<string, string | null>; cwd: string | null; seed: string; versions?: Versions };
}

export interface EmbeddedScript extends ScriptFile {
  parts: Part[];
  /** Command sequences in the order they run (a target with its prerequisites, a job's steps…). */
  sequences: ScriptCommand[][];
  /** What a user runs to run sequence i (a Makefile target, an npm script, a CI job), when it has a name. */
  entries?: string[];
  /**
   * For CI files whose jobs may run one after another in one working folder (Azure Pipelines jobs
   * on the project's own agents that do not clean it: ./hosts/azure-pipelines.ts sharesWorkspace;
   * GitLab jobs in a runner's folder, one that does not clean it finding the others' files:
   * ./hosts/gitlab-git-strategy.ts):
   * per sequence, whether it may. A file one such sequence leaves may be read by another.
   */
  sharedWorkspace?: boolean[];
  /**
   * Per sequence, whether it clears the working folder before any of its commands run (a GitHub
   * job whose first step is a checkout of the workspace, which cleans it): it still leaves its
   * own files for the later ones, but finds none an earlier one left.
   */
  cleanedFirst?: boolean[];
  /** Steps of a sequence that run in a shell that is not read (Python, cmd…). */
  unread?: UnreadStep[];
  /**
   * The names of the shell functions any snippet defines: a step named like one may run it
   * instead of the program (src/analyze/shadowed-commands.ts). Gathered over every snippet,
   * whether or not they share a shell: a name defined in another step counts too.
   */
  definedFunctions?: Set<string>;
  /** Names a PowerShell script makes run a function or alias (./hosts/powershell-shadows.ts), each with what defines it. */
  shadowNames?: Map<string, string>;
  /** A PowerShell text's functions: lower-case name → the branch id its body's statements carry (./hosts/powershell.ts). */
  functionBodies?: Map<string, string>;
  /** Why some function or alias may be defined under a name the tool cannot tell (a PowerShell file dot-sourced and not read): every step may run one. */
  shadowUnknown?: string;
  /** The repository folders any snippet puts on PATH (./shell/types.ts ShellScript.pathFolders), at their lines of the file. */
  pathFolders?: PathFolder[];
  /** PATH entries the host file writes with a variable (a Jenkins `environment { PATH = "${WORKSPACE}/tools:…" }`), each with where: every step is taken to run with them (./hosts/ci-path-expressions.ts). */
  expressionPath?: { entry: PathFolder; at: string }[];
  /** The GitLab jobs that declare dotenv reports, whose variables the later jobs get (../gitlab-dotenv.ts). */
  dotenv?: DotenvReport[];
  /**
   * A package.json's lifecycle scripts after which npm packs the package's folder
   * (./hosts/package-json.ts PACK_HOOKS), each with its line and the commands it runs (the
   * scripts it calls read through).
   */
  packHooks?: readonly { hook: string; line: number; commands: readonly ScriptCommand[] }[];
  /**
   * A package.json's scripts read with their `preX`/`postX` scripts (./hosts/package-hooks.ts),
   * each with the commands those run, and the runners known to run them: a caller running such
   * a script through another (`pnpm image`, `npm run image --ignore-scripts`) runs it alone.
   */
  hooked?: { runners: readonly string[]; entries: readonly { entry: string; commands: readonly ScriptCommand[]; /** those of the `preX` script, run before X's own */ pre: readonly ScriptCommand[] }[] };
}

/** A GitLab job's `artifacts: reports: dotenv:` files (from the repository's root), or why they are not known. */
export type DotenvReport = { sequence: number; job: string; line: number } & ({ paths: string[] } | { unknown: string });

/** A Makefile as ./hosts/makefile.ts reads it. */
/** The part of an embedded file holding a command of the file, its position among the parts, and the command as that part's own reading has it; null when no part holds it. */
export function partHolding(script: ScriptFile, cmd: ScriptCommand): { part: Part; at: number; inner: ScriptCommand } | null {
  const parts = (script as Partial<EmbeddedScript>).parts ?? [];
  const at = parts.findIndex((p) => cmd.index >= p.first && cmd.index < p.first + p.count);
  const part = parts[at];
  const inner = part?.script.commands[cmd.index - part.first];
  return part && inner ? { part, at, inner } : null;
}

/**
 * Why `cmd` sees the value it has of the variable `name`, where its host gave that value and
 * nothing in its script changed it (Snippet.varNotes), or undefined.
 */
export function hostVarNote(script: ScriptFile, cmd: ScriptCommand, name: string): string | undefined {
  const snippet = partHolding(script, cmd)?.part.snippet;
  const note = snippet?.varNotes?.get(name);
  if (note === undefined || cmd.env?.has(name) || !cmd.vars.has(name) || cmd.vars.get(name) !== snippet!.vars.get(name)) return undefined;
  return note;
}

export interface MakeScript extends EmbeddedScript {
  kind: 'make';
  /** Where its top-level rules' prerequisites are, as start/end offset pairs (./hosts/make-prerequisite-words.ts). */
  prerequisiteWords: readonly number[];
  /** Variables whose value may differ from one rule's recipe to another's (./hosts/make-variables.ts perTargetVariables). */
  perTarget?: ReadonlySet<string>;
  /** Why a variable's expansion may differ from one recipe line to another in one run of make, where any may (./hosts/make-variables.ts expandedEachUse). */
  expandedEachUse?: Readonly<Record<string, string>>;
  /** Each rule's targets that `.PHONY` does not list, by its snippets' scope (./hosts/make-phony.ts). */
  notPhony?: Readonly<Record<string, readonly string[]>>;
  /** The variables each variable's assignments name (`BIN = $(OUT)/app`), where any do (./hosts/make-variables.ts). */
  variableMentions?: Readonly<Record<string, readonly string[]>>;
  /** The variables a command's recipe line read as its prefixes (`$(Q)docker …` with `Q := @`), by the command's index (./hosts/make-prefix-variables.ts). */
  prefixReads?: Readonly<Record<number, readonly string[]>>;
  /**
   * `.ONESHELL` holds: each rule's recipe runs in one shell (its later lines continue the first's,
   * Snippet.continues). Read for what other setups' checks need; a setup it holds is refused
   * (MAKE_ONESHELL: src/plan/index.ts), as the edits and the failure of its steps are not modelled.
   */
  oneShell?: boolean;
  /**
   * Why it is not known whether `.ONESHELL` holds for its recipes of several lines (a file joined
   * with it by `include` that the tool cannot resolve: ./hosts/make-joined.ts). The file is read
   * line by line, and also searched as a file the tool could not read
   * (src/plan/passed-over-callers.ts: markUnreadableNamers).
   */
  oneShellUnknown?: string;
  /**
   * The line of its first `$(eval …)`, whose text Make reads as more of the Makefile (rules
   * from a `define`), which the tool does not: the file is also searched as a file the tool
   * could not read (src/plan/passed-over-callers.ts: markUnreadableNamers).
   */
  evaluates?: number;
  /** Targets given a recipe by several rules, of which make runs only the last (./hosts/make-overridden.ts). */
  overriddenRecipes?: readonly OverriddenRecipes[];
  /**
   * Indexes of `sequences` (and `entries`) that are no targets: each holds the commands of one
   * `$(shell …)` or `NAME != …`, which Make runs as it expands text, at a time the file does not fix.
   */
  expansionSequences?: readonly number[];
  /**
   * For each of `expansionSequences`, the commands of the recipe holding that `$(shell …)`: Make
   * expands a recipe whole before it runs its first line, so the command runs right before the
   * recipe's (null: outside any recipe, run as Make reads the file or expands a variable).
   */
  expansionRecipes?: readonly (readonly ScriptCommand[] | null)[];
}

/** Every script of kind `make` the analysis holds was read by ./hosts/makefile.ts (released ones keep their words: ./release-scripts.ts). */
export function isMakeScript(script: ScriptFile): script is MakeScript {
  return script.kind === 'make';
}

/** A step not read as shell, by the index of the sequence it belongs to. */
export interface UnreadStep {
  sequence: number;
  diagnostic: Diagnostic;
  /** Only the setups with a step among these commands (a deploy that runs on some builds only); absent: every setup of the sequence. */
  commands?: ReadonlySet<ScriptCommand>;
  /**
   * A step that does not mention docker, at this offset of the file: it concerns only the setups
   * whose builder build comes before it (it may read the artifact or write what the builder
   * reads), and is reported only with them.
   */
  after?: number;
}

/** Whether an unread step concerns commands of a setup or call starting at `start`: one of its `commands`, and (for a step after builds) before it. */
export function unreadConcerns(u: UnreadStep, commands: readonly ScriptCommand[], start: number): boolean {
  return (!u.commands || commands.some((c) => u.commands!.has(c))) && (u.after === undefined || start < u.after);
}

/** Identity map for text that is its own shell (no escapes). */
export function identityMap(start: number, length: number): number[] {
  return Array.from({ length: length + 1 }, (_, i) => start + i);
}

export function composeEmbedded(
  file: string,
  kind: ScriptKind,
  text: string,
  snippets: Snippet[],
  sequencesOfSnippets: number[][],
): { script: EmbeddedScript; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const parts: Part[] = [];
  const commands: ScriptCommand[] = [];
  const perSnippet: ScriptCommand[][] = [];
  let previous: ShellScript | null = null;
  let functions: Set<string> | undefined;
  let pathFolders: PathFolder[] | undefined;
  const trees = shellTrees(snippets.map((s) => s.shell));
  const placeholders: Record<string, string> = {};
  const lineOfFile = lineIndexer(text);
  for (const [n, snippet] of snippets.entries()) {
    const init = snippet.continues && previous ? previous.final : { vars: snippet.vars, cwd: snippet.cwd, ...(snippet.versions ? { versions: snippet.versions } : {}) };
    // Seeded by its place, a snippet read again (./release.ts) gets the same variable versions.
    const seed = `${file}#${commands.length}`;
    // Built field by field rather than by spreading `init` (a snippet's start, or the last
    // one's final scope: two shapes), which cost more per snippet (callgrind, same output).
    const start: ShellInit = { vars: init.vars, cwd: init.cwd, seed, tree: trees[n] };
    if ('versions' in init) start.versions = init.versions;
    const { script, diagnostics: d } = parseShell(file, snippet.shell, start);
    previous = script;
    for (const name of script?.functions?.keys() ?? []) (functions ??= new Set()).add(name);
    const map = (o: number) => fileOffset(snippet.toFile, Math.min(o, snippet.toFile.length - 1))!;
    for (const p of script?.pathFolders ?? []) (pathFolders ??= []).push({ ...p, line: lineOfFile(map(script!.lines.lineStart(p.line))) });
    // What each placeholder of the snippet stands for, as the file writes it (../model/placeholders.ts).
    // A name that stands for other text elsewhere in the file is given '' (Make numbers each
    // recipe line's own, and which one a message took it from is not known).
    for (const p of placeholderSpans(snippet.shell)) {
      const written = snippet.placeholderTexts?.[p.name] ?? text.slice(map(p.start), map(p.end));
      if (written.trim() === '' || holdsPlaceholder(written)) continue;
      const was = placeholders[p.name];
      placeholders[p.name] = was === undefined || was === written ? written : '';
    }
    // One word mapper per snippet, not one per command.
    const hidden = (raw: string) => snippet.placeholder !== undefined && raw.includes(snippet.placeholder);
    const mapWord = (w: Word): Word => ({ ...w, start: map(w.start), end: map(w.end), ...(hidden(w.raw) ? { raw: text.slice(map(w.start), map(w.end)) } : {}) });
    diagnostics.push(...d.map((x) => ({ ...x, line: x.line !== undefined ? lineOfFile(map(script ? script.lines.lineStart(x.line) : 0)) : x.line })));
    if (!script) {
      perSnippet.push([]);
      continue;
    }
    const first = commands.length;
    const mine: ScriptCommand[] = [];
    for (const c of script.commands) {
      const g: ScriptCommand = {
        ...c,
        file,
        index: first + c.index,
        words: c.words.map(mapWord),
        redirects: c.redirects.map((r) => ({ ...r, target: mapWord(r.target) })),
        start: map(c.start),
        end: map(c.end),
        line: lineOfFile(map(c.start)),
        stdout: c.stdout?.kind === 'pipe' ? { ...c.stdout, to: first + c.stdout.to } : c.stdout,
        stdinFrom: c.stdinFrom === null ? null : first + c.stdinFrom,
        ...(snippet.exported?.length ? { exported: [...new Set([...snippet.exported, ...(c.exported ?? [])])] } : {}),
        // (one line of it: a backtick continuation and the indentation after it read as one space)
        ...(snippet.translated || c.words.some((w) => hidden(w.raw)) || c.redirects.some((r) => hidden(r.target.raw)) ? { shown: text.slice(map(c.start), map(c.end)).trim().replace(/\s*`?\r?\n\s*/g, ' ') } : {}),
        // Branch ids are unique within one snippet's parse: the snippet's number keeps them apart in the file.
        ...(c.branches || snippet.branches?.length ? { branches: [...(snippet.branches ?? []), ...(c.branches ?? []).map((b) => ({ ...b, id: `${n}/${b.id}`, ...(b.after ? { after: b.after.map((i) => first + i) } : {}), ...(b.when ? { when: b.when.map((w) => ({ ...w, cmds: w.cmds.map((i) => first + i) })) } : {}) }))] } : {}),
      };
      commands.push(g);
      mine.push(g);
    }
    parts.push({ snippet, script, first, count: script.commands.length, init: { vars: init.vars, cwd: init.cwd, seed, ...('versions' in init ? { versions: init.versions } : {}) } });
    perSnippet.push(mine);
  }
  const sequences = sequencesOfSnippets.map((seq) => seq.flatMap((i) => perSnippet[i] ?? []));
  const shown = Object.keys(placeholders).length > 0 ? { placeholders } : {};
  return { script: { file, kind, text, commands, parts, sequences, ...(functions ? { definedFunctions: functions } : {}), ...(pathFolders ? { pathFolders } : {}), ...shown }, diagnostics };
}

function lineIndexer(text: string): (offset: number) => number {
  const starts = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  return (offset) => {
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}
