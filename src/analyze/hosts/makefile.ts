/**
 * Makefile host (tree-sitter-make): every recipe line is a snippet of shell run by its own
 * shell from the Makefile's folder. Make expands `$(VAR)` before the shell runs, so the
 * snippet reads `${VAR}` with the variable's static value (when it has one), `$$` as `$`,
 * and automatic variables (`$@`, `$<`, `$^`, `$(@D)`…) as their text when the rule is static
 * (make-automatic.ts). A target's sequence is its prerequisites' (in order, each once)
 * followed by its own recipe.
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../../model/diagnostics.js';
import type { ScriptCommand } from '../../model/script.js';
import { makePathFolders } from './make-path.js';
import { composeEmbedded, type MakeScript, type Snippet } from '../embedded.js';
import { parseWith, type TsNode } from '../tree-sitter.js';
import { automaticValue, ruleAutomatics, type RuleAutomatics } from './make-automatic.js';
import { prerequisiteWords } from './make-prerequisite-words.js';
import { conditioned, rulesIn, type Conditioned } from './make-conditionals.js';
import { LineIndex } from '../../model/text.js';
import { expandedEachUse, makeVariables, perTargetVariables, variableMentions } from './make-variables.js';
import { prefixVariables } from './make-prefix-variables.js';
import { newVersions, type Versions } from '../shell/versions.js';
import { phonyTargets, rulesNotPhony } from './make-phony.js';
import { revivable } from '../../model/revivable.js';
import { addTo } from '../../model/multimap.js';
import type { RepoFs } from '../../model/fs.js';
import { joinedOneShell, oneShellOf } from './make-joined.js';
import { ignoresErrors } from './make-flags.js';
import { emptiedRecipe, recipeLineRemoval } from './make-empty-recipe.js';
import { overriddenRecipes } from './make-overridden.js';
import { MAKE_EXPANSION_PLACEHOLDER } from '../../model/make-expansion.js';
import { shellNameUses, type Expanded } from './make-shell-names.js';
import { makeExports } from './make-exports.js';

/** A recipe line's encoder: `$` is written `$$` (a function that can cross threads: model/revivable.ts). */
const recipeEncode = revivable('makefile.encode', () => (s: string) => s.replace(/\$/g, '$$$$'));

const BACKSLASH = '\\'.charCodeAt(0);

/** The variable a recipe's shell reads in place of a Make expansion the reader does not model (`$(strip app)`): messages show the file's text. */
const EXPANSION_PLACEHOLDER = MAKE_EXPANSION_PLACEHOLDER;

/** A SHELL whose recipe lines are read as sh: sh, bash or dash, by a path or through `env`. */
const RECIPE_SHELL = /^(?:\S*\/)?(?:env[ \t]+)?(?:\S*\/)?(?:sh|bash|dash)$/;

/** Nodes inside a recipe whose text Make replaces before the shell sees it. */
const EXPANSIONS = new Set(['variable_reference', 'automatic_variable', 'escape', 'function_call', 'shell_function', 'substitution_reference']);

/**
 * `fs`: the repository, for the make files joined with this one by `include`, whose `.ONESHELL`
 * holds for its recipes too (./make-joined.ts); without it the file is read alone.
 */
export function parseMakefile(file: string, text: string, fs?: RepoFs): { script: MakeScript | null; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const root = parseWith('tree-sitter-make', text);
  const dir = path.dirname(file) === '.' ? '' : path.dirname(file);

  const vars = makeVariables(root, text);
  const lineOf = new LineIndex(text);
  // Make runs each recipe line with $(SHELL) (never taken from the environment): the lines are
  // read as sh, so a file that sets another shell, or one only known when make runs, is not read.
  const shell = vars.has('SHELL') ? vars.get('SHELL')! : '/bin/sh';
  if (shell === null || !RECIPE_SHELL.test(shell)) {
    diagnostics.push(diag('SHELL_PARSE_ERROR', 'warning', `${file} sets SHELL to ${shell === null ? 'a value only known when make runs' : `\`${shell}\``}, a shell whose recipes the tool does not read as sh; it was not analysed`, { file, hint: 'Migrate the setups it drives by hand, or let its recipes run in sh or bash.' }));
    return { script: null, diagnostics };
  }
  // `.RECIPEPREFIX` makes recipe lines start with another character than a tab: the grammar
  // reads them as rules, so the file is not read (and is searched as text: src/plan/passed-over-callers.ts).
  const prefix = root.descendantsOfType('RECIPEPREFIX_assignment')[0];
  if (prefix) {
    const line = lineOf.lineOf(prefix.startIndex);
    diagnostics.push(diag('SHELL_PARSE_ERROR', 'warning', `${file} sets .RECIPEPREFIX (line ${line}), so its recipe lines start with another character than a tab, which the tool does not read; it was not analysed`, { file, line, hint: 'Migrate the setups it drives by hand, or write its recipe lines after a tab.' }));
    return { script: null, diagnostics };
  }
  // (`exported`: what may be in a recipe's environment; `surelyExported`: what is in every run, ./make-exports.ts)
  const { maybe: exported, surely: surelyExported } = makeExports(root, text, vars.keys());
  // `$(MAKE)`, unless the file sets it, is the make program running the file: a recipe's
  // `$(MAKE) image BIN=…` (`-C sub`) is a make run as a caller's `make image BIN=…` is.
  if (!vars.has('MAKE')) vars.set('MAKE', 'make');
  // Each line runs as `$(SHELL) $(.SHELLFLAGS) LINE`, `/bin/sh -c` by default: without pipefail,
  // unless .SHELLFLAGS (or bash's SHELLOPTS, or a file joined by `include`) may give it.
  const pipefail = vars.has('.SHELLFLAGS') || vars.has('SHELLOPTS') || root.descendantsOfType('include_directive').length > 0 ? undefined : false;

  const found = rulesIn(root, text, (o) => lineOf.lineOf(o));
  let oneShell = oneShellOf(found, text);
  let oneShellUnknown: string | undefined;
  if (oneShell === false && fs) {
    const multiLine = found.some(({ node }) => (node.namedChildren.find((c) => c.type === 'recipe')?.descendantsOfType('recipe_line').length ?? 0) > 1);
    const joined = joinedOneShell(file, text, root, fs, multiLine);
    oneShell = joined.oneShell;
    oneShellUnknown = joined.unknown;
  }
  if (typeof oneShell === 'string') {
    diagnostics.push(diag('SHELL_PARSE_ERROR', 'warning', `${file} ${oneShell}; it was not analysed`, { file, hint: 'Migrate the setups it drives by hand.' }));
    return { script: null, diagnostics };
  }

  // `MAKEFLAGS += -i` ignores every recipe's failures, as `.IGNORE:` does (./make-flags.ts).
  const ignored = ignoresErrors(root, text) ? 'all' : ignoredTargets(found, text);
  const phony = phonyTargets(root, text);
  const automatics = ruleAutomatics(root, text);
  const perTarget = perTargetVariables(root, text);
  const evaluated = root.descendantsOfType(['function_call', 'variable_reference']).find((f) => /^\$[({]eval\s/.test(text.slice(f.startIndex, f.startIndex + 7)));
  const eachUseWith = expandedEachUse(root, text);
  const eachUse = eachUseWith(perTarget);
  const runVersions = oneRun(file, root, vars, eachUse, evaluated !== undefined);
  // (a variable whose every expansion may give another value is read as one expansion the reader does not model)
  const eachCall = new Set(eachUseWith(new Set()).keys());
  const prefixVars = prefixVariables(root, text, vars, perTarget, new Set([...eachCall, ...eachUse.keys()]), evaluated !== undefined || root.descendantsOfType('include_directive').length > 0);
  // The snippets whose lines start with such an expansion, and the variables it reads.
  const prefixReadsOf = new Map<number, string[]>();
  const snippets: Snippet[] = [];
  const recipeOf = new Map<string, number[]>();
  const prereqsOf = new Map<string, string[]>();
  const recipeHolding = new Map<number, number[]>();
  for (const { node: rule, branches: ruleBranches } of found) {
    const targets = (rule.namedChildren.find((c) => c.type === 'targets')?.namedChildren ?? []).map((w) => text.slice(w.startIndex, w.endIndex));
    const prereqs = rule.namedChildren.filter((c) => c.type === 'prerequisites').flatMap((p) => p.namedChildren.map((w) => text.slice(w.startIndex, w.endIndex)));
    const recipe = rule.namedChildren.find((c) => c.type === 'recipe');
    const lines = recipe ? conditioned(recipe, 'recipe_line', text, (o) => lineOf.lineOf(o), ruleBranches) : [];
    const ids: number[] = [];
    if (oneShell && lines.some((l) => l.branches.length > ruleBranches.length)) {
      // Which lines one shell runs then depends on the condition, and each line starts where the last one run ended.
      diagnostics.push(diag('SHELL_PARSE_ERROR', 'warning', `${file} uses .ONESHELL, and the recipe of ${targets[0] ?? 'a rule'} (line ${lineOf.lineOf(rule.startIndex)}) has lines under a conditional; it was not analysed`, { file, line: lineOf.lineOf(rule.startIndex), hint: 'Migrate the setups it drives by hand.' }));
      return { script: null, diagnostics };
    }
    // Names the lines' own shell text uses as Make's expansions cannot share (./make-shell-names.ts):
    // under .ONESHELL one shell runs the whole recipe, so a name one line clashes on clashes on all.
    const read = lines.map(({ node: line }, k) => shellOf(text, line, automatics.get(rule), true, oneShell && k > 0, eachCall, new Set(), prefixVars));
    const clashes = read.map((r) => clashingNames(r, vars, surelyExported));
    const recipeClash = oneShell ? { separate: new Set(clashes.flatMap((c) => [...c.separate])), ownStart: new Set(clashes.flatMap((c) => [...c.ownStart])) } : null;
    for (const [k, { node: line, branches }] of lines.entries()) {
      ids.push(snippets.length);
      const clash = recipeClash ?? clashes[k]!;
      const shell = clash.separate.size === 0 ? read[k]! : shellOf(text, line, automatics.get(rule), true, oneShell && k > 0, eachCall, clash.separate, prefixVars);
      if (shell.prefixReads.length > 0) prefixReadsOf.set(snippets.length, shell.prefixReads);
      const snippet = recipeSnippet(file, text, rule, line, targets[0] ?? '', shell, vars, dir, runVersions, clash.ownStart);
      // Under .ONESHELL one shell runs the whole recipe: each line starts where the last one ended
      // (its folder, its variables), and only the first line's `-` ignores the recipe's failure.
      if (oneShell && k > 0) {
        snippet.continues = true;
        if (snippets[ids[0]!]!.failureIgnored) snippet.failureIgnored = true;
      }
      if (branches.length > 0) snippet.branches = branches;
      if (pipefail === false) snippet.pipefail = false;
      if (targets.length > 0) snippet.entryNames = targets;
      if (exported.length > 0) snippet.exported = exported;
      if (ignored !== null && targets.length > 0 && targets.every((t) => ignored === 'all' || ignored.has(t))) snippet.failureIgnored = true;
      snippets.push(snippet);
    }
    // Every recipe line emptied: the rule keeps an empty recipe, unless .PHONY lists all its
    // targets (./make-empty-recipe.ts). (A pattern rule left with no recipe cancels the
    // implicit rule it names, and a special target is Make's own: neither is changed.)
    if (ids.length > 0 && targets.some((t) => !phony.has(t)) && !targets.some((t) => t.includes('%') || t.startsWith('.'))) {
      const host = { size: ids.length, remove: emptiedRecipe(text, rule, ids.flatMap((i) => snippets[i]!.remove ?? [])) };
      for (const i of ids) snippets[i]!.host = host;
    }
    // A `$(shell …)` in the recipe runs as Make expands the recipe, which it does whole before running its first line.
    for (const c of recipe?.descendantsOfType('shell_command') ?? []) recipeHolding.set(c.startIndex, ids);
    for (const c of (recipe?.descendantsOfType(['function_call', 'variable_reference']) ?? []).filter((f) => isWildcard(text, f))) recipeHolding.set(c.startIndex, ids);
    for (const t of targets) {
      addTo(recipeOf, t, ...ids);
      addTo(prereqsOf, t, ...prereqs);
    }
  }

  // Shell commands Make runs as it expands text: each is an entry of its own, as its time is not fixed.
  const inRule = new Map<number, RuleAutomatics | undefined>();
  for (const { node: rule } of found) for (const c of rule.descendantsOfType('shell_command')) inRule.set(c.startIndex, automatics.get(rule));
  const expansions: { id: number; name: string; recipe: number[] | null }[] = [];
  for (const command of root.descendantsOfType('shell_command')) {
    const line = lineOf.lineOf(command.startIndex);
    expansions.push({ id: snippets.length, name: `$(shell …) at line ${line}`, recipe: recipeHolding.get(command.startIndex) ?? null });
    snippets.push(expansionSnippet(file, text, command, inRule.get(command.startIndex), vars, dir, line));
  }
  // `$(wildcard ap*)` lists the files its patterns match as Make expands the text: read as the
  // listing `ls -d -- PATTERNS` run then (a pattern with a variable as one only known at run time).
  // (the grammar reads `${wildcard …}` as a variable reference: its text after the name is the patterns)
  for (const call of root.descendantsOfType(['function_call', 'variable_reference']).filter((f) => isWildcard(text, f))) {
    const line = lineOf.lineOf(call.startIndex);
    const patterns = text.slice(call.startIndex + '$(wildcard'.length, call.endIndex - 1).trim();
    const shell = `ls -d -- ${patterns === '' || /[$'"\\`;&|<>(){}]/.test(patterns) ? '"$__make_wildcard"' : patterns}`;
    expansions.push({ id: snippets.length, name: `$(wildcard …) at line ${line}`, recipe: recipeHolding.get(call.startIndex) ?? null });
    // (messages show the call as the file writes it: `translated`, its text from the call's start to its end)
    const toFile = [...Array.from({ length: shell.length }, () => call.startIndex), call.endIndex];
    snippets.push({ shell, toFile, encode: recipeEncode(), cwd: dir, vars, remove: null, label: `${file} $(wildcard …) at line ${line}`, translated: true });
  }

  const { script, diagnostics: parsed } = composeEmbedded(file, 'make', text, snippets, []);
  diagnostics.push(...parsed);
  if (oneShell && parsed.some((d) => d.code === 'SHELL_PARSE_ERROR')) {
    // A shell construct over several recipe lines (`if …; then` on one, `fi` on another) is one
    // text to the one shell, but each line is read alone: the whole file is left unread.
    diagnostics.push(diag('SHELL_PARSE_ERROR', 'warning', `${file} uses .ONESHELL, and a recipe line does not parse alone (a shell construct over several lines?); it was not analysed`, { file, hint: 'Migrate the setups it drives by hand.' }));
    return { script: null, diagnostics };
  }
  const commandsOf = (i: number): ScriptCommand[] => {
    const part = script.parts.find((p) => p.snippet === snippets[i]);
    return part ? script.commands.slice(part.first, part.first + part.script.commands.length) : [];
  };
  const sequence = (target: string, done: Set<string>): ScriptCommand[] => {
    if (done.has(target)) return [];
    done.add(target);
    const out: ScriptCommand[] = [];
    for (const p of prereqsOf.get(target) ?? []) out.push(...sequence(p, done));
    for (const i of recipeOf.get(target) ?? []) out.push(...commandsOf(i));
    return out;
  };
  const make: MakeScript = Object.assign(script, { kind: 'make' as const, prerequisiteWords: prerequisiteWords(root) });
  if (perTarget.size > 0) make.perTarget = perTarget;
  if (eachUse.size > 0) make.expandedEachUse = Object.fromEntries(eachUse);
  make.notPhony = rulesNotPhony(root, text);
  const mentions = variableMentions(root, text);
  if (Object.keys(mentions).length > 0) make.variableMentions = mentions;
  const prefixReads: Record<number, string[]> = {};
  for (const [id, names] of prefixReadsOf) for (const c of commandsOf(id)) prefixReads[c.index] = names;
  if (Object.keys(prefixReads).length > 0) make.prefixReads = prefixReads;
  // An exported PATH holding folders of the repository (./make-path.ts).
  const onPath = makePathFolders(root, text, dir, exported, (o) => lineOf.lineOf(o));
  if (onPath.length > 0) make.pathFolders = [...(make.pathFolders ?? []), ...onPath];
  if (oneShell) make.oneShell = true;
  if (oneShellUnknown !== undefined) make.oneShellUnknown = oneShellUnknown;
  // `$(eval …)` makes rules (and variables) from text the reader does not read as a Makefile.
  if (evaluated) make.evaluates = lineOf.lineOf(evaluated.startIndex);
  const overridden = overriddenRecipes(found, text, (o) => lineOf.lineOf(o));
  if (overridden.length > 0) make.overriddenRecipes = overridden;
  make.entries = [...recipeOf.keys()].filter((t) => !t.startsWith('.'));
  make.sequences = make.entries.map((t) => sequence(t, new Set()));
  if (expansions.length > 0) {
    make.expansionSequences = expansions.map((_, k) => make.entries!.length + k);
    make.expansionRecipes = expansions.map((e) => (e.recipe === null ? null : e.recipe.flatMap(commandsOf)));
  }
  for (const { id, name } of expansions) {
    // Make pastes what a `$(shell …)` prints into the text: its output is a result, not shown
    // (`echo $(shell ls dist) > LIST` lists the folder into a file).
    for (const c of commandsOf(id)) if (c.stdout === null) c.stdout = { kind: 'capture', symbol: name };
    make.entries.push(name);
    make.sequences.push(commandsOf(id));
  }
  return { script: make, diagnostics };
}

/**
 * `ownStart`: variables the file sets and does not export in every run that the line's shell reads as its own
 * (`$$TAG`): they start at a value only known when make runs, of this line alone.
 */
function recipeSnippet(file: string, text: string, rule: TsNode, line: TsNode, target: string, recipeShell: RecipeShell, vars: Map<string, string | null>, cwd: string, run: RunVersions, ownStart: ReadonlySet<string>): Snippet {
  const { shell, toFile, ignoreErrors, placeholders } = recipeShell;
  const seed = `${file}#recipe@${line.startIndex}`;
  const versions = run(seed, placeholders);
  let startVars = vars;
  if (ownStart.size > 0) {
    startVars = new Map(vars);
    for (const name of ownStart) {
      startVars.set(name, null);
      versions.of.set(name, { id: `${seed}.$${name}`, fallback: null });
    }
  }
  return {
    versions,
    shell,
    toFile,
    encode: recipeEncode(),
    cwd,
    vars: startVars,
    remove: [recipeLineRemoval(text, line)],
    label: `${file} recipe of ${target}`,
    placeholder: EXPANSION_PLACEHOLDER,
    scope: `rule@${rule.startIndex}`,
    ...(ignoreErrors ? { failureIgnored: true } : {}),
  };
}

/** The versions a recipe line's shell starts with (`seed` names the line; `placeholders`: how many expansions it reads as EXPANSION_PLACEHOLDER<n>). */
type RunVersions = (seed: string, placeholders: number) => Versions;

/**
 * The recipe lines of one run of make read its variables as one reading: Make expands
 * `$(NAME)` from the same definitions in every recipe line it runs (and the caller's
 * `make NAME=…` or environment is one value for the run), so two lines that write the same
 * expansion get the same text (../shell/versions.ts: the same version of each variable), and a
 * builder image tagged `$(IMAGE)-builder:$(VERSION)` is the one a later line runs as
 * `$(IMAGE)-builder:$(VERSION)`. Not so for a variable Make expands anew at each use with a
 * function that may give another value (`VERSION ?= $(shell git describe)`), one with a value of
 * its own in some targets, nor an expansion the reader does not model (a placeholder): each
 * line reads those at a version of its own (and a placeholder's value is not the environment's:
 * none it falls back to). When what the file reads is not all here (a file it includes, or
 * `$(eval …)`, may define variables otherwise), each line is a reading of its own.
 */
function oneRun(file: string, root: TsNode, vars: ReadonlyMap<string, string | null>, eachUse: ReadonlyMap<string, string>, evaluates: boolean): RunVersions {
  const shared = !evaluates && root.descendantsOfType('include_directive').length === 0;
  const runOf = shared ? newVersions(vars.keys(), `${file}#make-run`) : null;
  return (seed, placeholders) => {
    const run = runOf ?? newVersions(vars.keys(), seed);
    const of = new Map(run.of);
    const own = [...eachUse.keys(), ...Array.from({ length: placeholders }, (_, k) => `${EXPANSION_PLACEHOLDER}${k}`)];
    for (const name of own) of.set(name, { id: `${seed}.${name}`, fallback: null });
    return { ...run, of, exported: new Set(run.exported) };
  };
}

/** A `$(wildcard …)` call. */
function isWildcard(text: string, call: TsNode): boolean {
  return /^\$[({]wildcard\s/.test(text.slice(call.startIndex, call.startIndex + 12));
}

/**
 * The command of a `$(shell …)` (in a recipe, a variable's value, anywhere) or of a `NAME != …`
 * assignment: Make runs it in a shell of its own when it expands the text (when it reads the
 * file, or each time the variable is used, or before a recipe's first line runs), so its
 * commands run at a time the file does not fix. The snippet is never removed whole.
 */
function expansionSnippet(file: string, text: string, command: TsNode, automatic: RuleAutomatics | undefined, vars: Map<string, string | null>, cwd: string, line: number): Snippet {
  const { shell, toFile } = shellOf(text, command, automatic, false);
  return { shell, toFile, encode: recipeEncode(), cwd, vars, remove: null, label: `${file} $(shell …) at line ${line}` };
}

/** The shell text of a recipe line or shell command as Make passes it on, with each character's file offset. */
function shellOf(text: string, line: TsNode, automatic: RuleAutomatics | undefined, recipe: boolean, inner = false, eachCall: ReadonlySet<string> = new Set(), separate: ReadonlySet<string> = new Set(), prefixVars: ReadonlyMap<string, string> = new Map()): RecipeShell {
  let shell = '';
  const expanded: Expanded[] = [];
  const names = new Set<string>();
  const toFile: number[] = [];
  const emit = (s: string, at: number) => {
    for (const ch of s) {
      shell += ch;
      toFile.push(at);
    }
  };
  // The outermost expansions, in file order: they do not overlap, so each starts after the last.
  const expansions = line
    .descendantsOfType([...EXPANSIONS])
    .filter((n, _, all) => !all.some((o) => o !== n && o.startIndex <= n.startIndex && o.endIndex >= n.endIndex))
    .sort((a, b) => a.startIndex - b.startIndex);
  let next = 0;
  let i = line.startIndex;
  // Recipe prefixes: @ (silent), - (ignore errors), + (always run). Make reads them after it
  // expands the line, so a leading `$(Q)` whose value is only prefixes (./make-prefix-variables.ts)
  // gives prefixes too, and so do the blanks among them.
  let ignoreErrors = false;
  const prefixReads: string[] = [];
  const prefixAt = (at: number): string | undefined => {
    const x = expansions.find((e) => e.startIndex === at);
    const name = x?.type === 'variable_reference' ? /^\$[({]([A-Za-z_][A-Za-z0-9_]*)[)}]$/.exec(text.slice(x.startIndex, x.endIndex))?.[1] : undefined;
    return name !== undefined && prefixVars.has(name) ? name : undefined;
  };
  while (recipe && !inner && i < line.endIndex) {
    if ('@-+'.includes(text[i]!)) {
      ignoreErrors ||= text[i++] === '-';
      continue;
    }
    let j = i;
    while (j < line.endIndex && (text[j] === ' ' || text[j] === '\t')) j++;
    const name = prefixAt(j);
    if (j > i && name === undefined && !(j < line.endIndex && '@-+'.includes(text[j]!))) break;
    if (name === undefined) {
      if (j === i) break;
      i = j;
      continue;
    }
    ignoreErrors ||= prefixVars.get(name)!.includes('-');
    prefixReads.push(name);
    i = expansions.find((e) => e.startIndex === j)!.endIndex;
  }
  // A later line of a .ONESHELL recipe: Make drops its prefixes and the blanks among them
  // before the shell gets the recipe (for a POSIX shell), and they mean nothing there (GNU make
  // 4.3: `@-+ false` on a second line runs `false`, and the recipe goes on).
  if (inner) {
    while (i < line.endIndex && '@-+ \t'.includes(text[i]!)) i++;
    ignoreErrors = false;
  }
  let fn = 0;
  while (i < line.endIndex) {
    // The expansion starting here, if any (the walk only moves forward).
    while (next < expansions.length && expansions[next]!.startIndex < i) next++;
    const x = expansions[next]?.startIndex === i ? expansions[next] : undefined;
    if (x) {
      const src = text.slice(x.startIndex, x.endIndex);
      const from = shell.length;
      const name = src.slice(2, -1);
      if (x.type === 'escape') emit('$', i);
      // (tree-sitter-make reads `$|` as a variable reference.)
      else if ((x.type === 'automatic_variable' || x.type === 'variable_reference') && automaticValue(src, automatic) !== null) emit(automaticValue(src, automatic)!, i);
      else if (x.type === 'variable_reference' && /^\$[({][A-Za-z_][A-Za-z0-9_]*[)}]$/.test(src) && !eachCall.has(name) && !separate.has(name)) {
        emit(`\${${name}}`, i);
        names.add(name);
      } else emit(`\${${EXPANSION_PLACEHOLDER}${fn++}}`, i);
      if (x.type !== 'escape') expanded.push([from, shell.length]);
      i = x.endIndex;
      continue;
    }
    const c = text[i]!;
    // A continued line keeps backslash-newline for the shell; Make drops the next line's leading tab.
    if (c === '\\' && text[i + 1] === '\n') {
      emit('\\\n', i);
      toFile[toFile.length - 1] = i + 1;
      i += 2;
      if (text[i] === '\t') i++;
      continue;
    }
    // Text the shell sees as written, up to the next expansion or backslash: copied in one piece.
    const stop = Math.min(expansions[next]?.startIndex ?? line.endIndex, line.endIndex);
    let j = i + 1;
    while (j < stop && text.charCodeAt(j) !== BACKSLASH) j++;
    shell += text.slice(i, j);
    for (; i < j; i++) toFile.push(i);
  }
  toFile.push(line.endIndex);
  return { shell, toFile, ignoreErrors, placeholders: fn, expanded, names, prefixReads };
}

/**
 * The names a recipe line's own shell text uses in a way Make's expansions of them cannot share
 * (./make-shell-names.ts): `separate`, those whose expansions on the line are read as ones the
 * reader does not model; `ownStart`, those whose shell value starts unknown.
 */
function clashingNames(line: RecipeShell, vars: ReadonlyMap<string, string | null>, exported: ReadonlySet<string>): { separate: Set<string>; ownStart: Set<string> } {
  const { writes, reads } = shellNameUses(line.shell, line.expanded, new Set([...vars.keys(), ...line.names]));
  const ownStart = new Set([...reads].filter((n) => vars.has(n) && !exported.has(n)));
  return { separate: new Set([...writes, ...ownStart]), ownStart };
}

/** A recipe line's shell as Make passes it on. */
interface RecipeShell {
  shell: string;
  /** Each character's file offset. */
  toFile: number[];
  ignoreErrors: boolean;
  /** How many expansions it reads as EXPANSION_PLACEHOLDER<n>. */
  placeholders: number;
  /** The spans Make's expansions gave (not the line's own shell text), and the variables it read as the shell's `${NAME}`. */
  expanded: Expanded[];
  names: Set<string>;
  /** The variables whose expansions at its start Make read as prefixes (`$(Q)`). */
  prefixReads: string[];
}

/**
 * The targets whose recipes' errors Make ignores: those a `.IGNORE:` rule lists, or every target
 * when one lists none ('all'); null when there is no such rule. A `.IGNORE` in a conditional
 * holds in some runs only, and counts for none.
 */
function ignoredTargets(rules: readonly Conditioned[], text: string): Set<string> | 'all' | null {
  let out: Set<string> | 'all' | null = null;
  for (const { node, branches } of rules) {
    const targets = (node.namedChildren.find((c) => c.type === 'targets')?.namedChildren ?? []).map((w) => text.slice(w.startIndex, w.endIndex));
    if (!targets.includes('.IGNORE') || branches.length > 0) continue;
    const prereqs = node.namedChildren.filter((c) => c.type === 'prerequisites').flatMap((p) => p.namedChildren.map((w) => text.slice(w.startIndex, w.endIndex)));
    if (prereqs.length === 0) return 'all';
    out = new Set([...(out ?? []), ...prereqs]);
  }
  return out;
}
