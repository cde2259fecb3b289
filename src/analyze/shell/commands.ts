/** Simple commands (and `[ … ]` tests) read into ScriptCommands, with the effects of `cd` on the scope. */
import path from 'node:path/posix';
import { isVersionedVariable, type Redirect, type ScriptCommand, type Word } from '../../model/script.js';
import { absoluteSelf, cdOperand, folderOf, isFolderValue, scriptRelative, withoutFolderValues, wordInCwd } from '../script-folder.js';
import type { TsNode } from '../tree-sitter.js';
import { prefixAssignments } from './assignments.js';
import { REDIRECTS } from './node-types.js';
import { redirectOf } from './redirects.js';
import type { Ctx, Scope } from './types.js';
import { nested, src, Untrusted, type ShellWalk } from './walk.js';
import { evalWord } from './words.js';
import { callMayChangeFolder, noteCall } from './function-folders.js';
import { forgetStack, stackEffects } from './dir-stack.js';
import { pastShellPrefixes } from './shell-prefixes.js';
import { ASSIGNING_BUILTINS, havoc, MID_SCRIPT_TRAPS, pathChain, versionOf } from './versions.js';

function newCommand(w: ShellWalk, words: Word[], redirects: Redirect[], s: number, e: number, scope: Scope, unit: number, ctx: Ctx): ScriptCommand {
  const cmd: ScriptCommand = {
    file: w.file,
    index: w.script.commands.length,
    words: words.map((word) => wordInCwd(word, scope.cwd)),
    redirects: redirects.map((r) => (isFolderValue(r.target.value) ? { ...r, target: wordInCwd(r.target, scope.cwd) } : r)),
    start: s,
    end: e,
    line: w.lines.lineOf(s),
    cwd: scope.cwd,
    unit,
    conditional: ctx.conditional,
    loop: ctx.loop,
    ...(ctx.branches && ctx.branches.length > 0 ? { branches: ctx.branches } : {}),
    ...(ctx.around && ctx.around.length > 0 ? { around: ctx.around } : {}),
    ...(ctx.subshell ? { subshell: ctx.subshell } : {}),
    iteration: ctx.iteration ?? null,
    vars: snapshotOf(scope),
    stdout: null,
    stdinFrom: null,
    ...(scope.versions.exported.size > 0 ? { exported: [...scope.versions.exported] } : {}),
  };
  const unknown = versionedUnknowns(scope);
  if (unknown.length > 0) cmd.unknownVersions = Object.fromEntries(unknown.map((n) => [n, versionOf(scope.versions, n).id]));
  w.pathChains.push([cmd, pathChain(scope.versions)]);
  w.script.commands.push(cmd);
  return cmd;
}

function snapshotOf(scope: Scope): ReadonlyMap<string, string | null> {
  return (scope.snapshot ??= withoutFolderValues(scope.vars));
}

/** The names of the variables of isVersionedVariable only known at run time, listed once per snapshot of the scope's variables. */
const unknownsBySnapshot = new WeakMap<ReadonlyMap<string, string | null>, string[]>();
function versionedUnknowns(scope: Scope): string[] {
  const snapshot = snapshotOf(scope);
  let names = unknownsBySnapshot.get(snapshot);
  if (!names) {
    names = [];
    for (const [n, v] of scope.vars) if (v === null && isVersionedVariable(n)) names.push(n);
    unknownsBySnapshot.set(snapshot, names);
  }
  return names;
}

/**
 * `$(< dist/VERSION)`: the shell reads the file into the text itself, as `$(cat dist/VERSION)`
 * would; it is read as that `cat` (its word spans no text: nothing edits it).
 */
export function shellFileRead(w: ShellWalk, subst: TsNode, scope: Scope, ctx: Ctx, unit: number): ScriptCommand | null {
  const inputs = subst.namedChildren.filter((c) => c.type === 'file_redirect');
  if (inputs.length === 0 || subst.namedChildren.some((c) => c.type !== 'file_redirect' && c.type !== 'comment')) return null;
  const at = subst.startIndex;
  // Its one word shows the whole text in messages (`$(< dist/VERSION)` uses it).
  const cat: Word = { value: 'cat', symbol: 'cat', staticPrefix: 'cat', raw: src(w, subst), start: at, end: at };
  const cmd = newCommand(w, [cat], inputs.flatMap((r) => redirectOf(w, r, scope)), at, subst.endIndex, scope, unit, ctx);
  return cmd;
}

/**
 * `for f in dist/*`: the shell expands the patterns among the items into the names the folders
 * hold before the first pass, whatever the body does with them (`echo "$f"`): read as the listing
 * `ls -d -- PATTERNS` there (its first words span no text: nothing edits it).
 */
export function patternListing(w: ShellWalk, patterns: Word[], scope: Scope, ctx: Ctx, unit: number): ScriptCommand | null {
  if (patterns.length === 0) return null;
  const at = patterns[0]!.start;
  const word = (value: string): Word => ({ value, symbol: value, staticPrefix: value, raw: value, start: at, end: at });
  return newCommand(w, [word('ls'), word('-d'), word('--'), ...patterns], [], at, patterns[patterns.length - 1]!.end, scope, unit, ctx);
}

/** Where `cd ARG` goes from the scope's folder: null when only known at run time. */
function cdTarget(w: ShellWalk, arg: Word, scope: Scope): string | null {
  // A relative `$0` names the script's folder only from the folder the script started in.
  if (scriptRelative(arg.raw) !== null) return scope.cwd === w.startCwd || absoluteSelf(arg.raw) ? path.normalize(path.join(w.scriptDir, scriptRelative(arg.raw)!)).replace(/^\.$/, '').replace(/\/$/, '') : null;
  // `cd "$DIR/.."`: a folder value is absolute, whatever the folder before.
  if (isFolderValue(arg.value)) return folderOf(arg.value);
  // CDPATH set (by a CI environment, or the script): `cd deploy` goes to the first of its
  // folders holding `deploy`, and only a name starting with `/`, `.` or `..` is taken as written.
  const cdpath = scope.vars.has('CDPATH') ? scope.vars.get('CDPATH') : '';
  if (cdpath !== '' && arg.value !== null && !/^(\/|\.\.?(\/|$))/.test(arg.value)) return null;
  if (arg.value !== null && scope.cwd !== null) return path.normalize(path.join(scope.cwd, arg.value)).replace(/^\.$/, '').replace(/\/$/, '');
  return null;
}

/** A `pushd` in a branch of its own or a loop: the folder after it depends on the path taken (one straight in a function's body does not). */
function stackUncertain(ctx: Ctx): boolean {
  if (ctx.loop) return true;
  return ctx.conditional && (ctx.certainIn === undefined || ctx.branches?.[ctx.branches.length - 1]?.id !== ctx.certainIn);
}

/** Runs the effects of a simple command on the scope (`cd`, `pushd`). */
function effects(w: ShellWalk, all: Word[], scope: Scope, ctx: Ctx): void {
  const uncertain = ctx.conditional || ctx.loop;
  const words = builtinWords(all);
  const prog = words === null ? null : words[0]?.value;
  if (prog != null && w.functions.has(prog)) noteCall(w, prog, scope.cwd);
  if (words === null || prog === 'eval') {
    // `command "$X" …`, `eval "$STEP"`: may be a `cd` the walk cannot read.
    scope.cwd = null;
    forgetStack(scope);
  } else if (prog === 'cd') {
    const arg = cdOperand(words.slice(1));
    const before = scope.cwd;
    // `cd -` goes back to the folder the last `cd` left (OLDPWD), when nothing else moved since.
    const back = scope.cdBack !== undefined && !scope.vars.has('OLDPWD') && scope.cdBack.from === before && scope.cdBack.moves === (w.folderMoves ?? 0) ? scope.cdBack.to : null;
    scope.cwd = !arg || uncertain ? null : arg.raw === '-' ? back : cdTarget(w, arg, scope);
    w.folderMoves = (w.folderMoves ?? 0) + 1;
    if (before !== null && scope.cwd !== null) scope.cdBack = { from: scope.cwd, to: before, moves: w.folderMoves };
    else delete scope.cdBack;
  } else if (prog != null && stackEffects(prog, words.slice(1), scope, ctx, (arg) => (stackUncertain(ctx) ? null : cdTarget(w, arg, scope)))) {
    // `pushd DIR` … `popd` (./dir-stack.ts).
  } else if (prog != null && w.functions.has(prog) && callMayChangeFolder(w, prog)) {
    // `goto_deploy` whose body runs `cd deploy` in the caller's shell (./function-folders.ts).
    scope.cwd = null;
  } else if (prog === 'set') {
    const on = allExportOption(words.slice(1));
    // Under a condition or in a loop it may be on or off afterwards: on is the side that hides no export.
    if (on !== null) scope.versions.allExport = on || (uncertain && scope.versions.allExport === true);
  }
  // (a `pushd`/`popd` changes OLDPWD too)
  if (prog === 'pushd' || prog === 'popd') w.folderMoves = (w.folderMoves ?? 0) + 1;
  if (mayAssign(w, all)) havoc(scope.versions);
  forgetValues(words, scope);
}

/** `read` options that take a value (`read -p PROMPT NAME`). */
const READ_VALUED = /^-[ers]*[adinNptu]$/;

/**
 * Values a command gives variables the walk does not follow: a sourced file or an `eval` text
 * may give any variable any value, `read NAME` (and `getopts`, `let`, `printf -v`) gives its
 * names one read at run time. Each such variable's value is then not known (`OUT=build`,
 * `. ./env.sh`, `mkdir -p "$OUT"`: OUT may be anything there).
 */
function forgetValues(words: Word[] | null, scope: Scope): void {
  const prog = words?.[0]?.value;
  if (!words || prog == null) return;
  const forget = (name: string | null | undefined) => {
    if (name == null || !scope.vars.has(name) || scope.vars.get(name) === null) return;
    scope.vars.set(name, null);
    scope.snapshot = undefined;
  };
  const args = words.slice(1);
  if (prog === 'source' || prog === '.' || prog === 'eval') for (const name of [...scope.vars.keys()]) forget(name);
  else if (prog === 'read') {
    for (let k = 0; k < args.length; k++) {
      const v = args[k]!.value;
      if (v === null) return [...scope.vars.keys()].forEach(forget);
      if (READ_VALUED.test(v)) k++;
      else if (!v.startsWith('-')) forget(v);
    }
  } else if (prog === 'getopts') forget(args[1]?.value);
  else if (prog === 'let') for (const a of args) forget(a.value === null ? null : a.value.split(/[^A-Za-z0-9_]/)[0]);
  else if (prog === 'printf') args.forEach((a, k) => (a.value === '-v' ? forget(args[k + 1]?.value) : a.value?.startsWith('-v') ? forget(a.value.slice(2)) : undefined));
}

/**
 * The words of the builtin a command runs (./shell-prefixes.ts): `builtin cd app`, `command -p
 * cd app` run `cd app`; `command -v cd` only asks (no words). Null when the builtin is only
 * known at run time (`command "$X" …`).
 */
function builtinWords(words: Word[]): Word[] | null {
  const past = pastShellPrefixes(words);
  if (past === null) return [];
  if (past.length < words.length && past.length > 0 && past[0]!.value === null) return null;
  return [...past];
}

/**
 * What a `set` command does to the allexport option: `-a` (alone or among other letters,
 * `set -ea`) and `-o allexport` turn it on, `+a` and `+o allexport` off; null when it does not
 * touch it. A word only known at run time (`set $OPTS`) may turn it on.
 */
function allExportOption(args: Word[]): boolean | null {
  let on: boolean | null = null;
  for (let i = 0; i < args.length; i++) {
    const v = args[i]!.value;
    if (v === null) return true;
    if (v === '--' || v === '-' || !/^[-+]/.test(v)) break;
    const letters = v.slice(1);
    if (letters.includes('a')) on = v.startsWith('-');
    // `-o NAME`, also at the end of a cluster (`set -euo allexport`).
    if (letters.endsWith('o')) {
      const name = args[i + 1]?.value;
      if (name === null) return true;
      if (name === 'allexport') on = v.startsWith('-');
      i++;
    }
  }
  return on;
}

/** A command that may assign variables the walk does not follow (./versions.ts). */
function mayAssign(w: ShellWalk, words: Word[]): boolean {
  const prog = words[0]?.value;
  if (prog === undefined) return false;
  if (prog === null || ASSIGNING_BUILTINS.has(prog) || w.functions.has(prog)) return true;
  if (prog === 'printf') return words.slice(1).some((x) => x.value === null || x.value.startsWith('-v'));
  // `command read x`: the builtin it runs.
  if (prog === 'command') {
    if (words.slice(1).some((x) => x.value === '-v' || x.value === '-V')) return false;
    const next = words.slice(1).find((x) => x.value === null || !x.value.startsWith('-'));
    return next !== undefined && mayAssign(w, [next]);
  }
  // A trap body that runs between the script's own commands.
  if (prog === 'trap') return words.slice(2).some((x) => x.value === null || MID_SCRIPT_TRAPS.has(x.value.toUpperCase().replace(/^SIG/, '')));
  return false;
}

/**
 * A simple command's words (name first) and redirects, in source order. A shell never
 * separates a command's parts by an unescaped newline; the grammar does when assignments
 * end a line (`A=${B:-x} C=1` then the next line's command), so such a command is refused.
 */
function commandParts(w: ShellWalk, cmd: TsNode): { words: TsNode[]; redirects: TsNode[] } {
  const words: TsNode[] = [];
  const redirects: TsNode[] = [];
  let at = -1;
  for (const c of cmd.children) {
    if (at >= 0 && w.text.slice(at, c.startIndex).replace(/\\\r?\n/g, '').includes('\n')) throw new Untrusted('two lines read as one command', c.startIndex);
    at = c.endIndex;
    if (!c.isNamed) continue;
    if (c.type === 'command_name') words.push(c.namedChildren[0] ?? c);
    else if (REDIRECTS.has(c.type)) redirects.push(c);
    else if (c.type !== 'variable_assignment' && c.type !== 'comment') words.push(c);
  }
  return { words, redirects };
}

export function walkCommand(w: ShellWalk, stmt: Pick<TsNode, 'startIndex' | 'endIndex'>, cmd: TsNode, outer: TsNode[], scope: Scope, ctx: Ctx, unit: number, glued: TsNode | null): void {
  const savedUnit = w.currentUnit;
  const savedCtx = w.currentCtx;
  w.currentUnit = unit;
  w.currentCtx = ctx;
  const parts = commandParts(w, cmd);
  let words = parts.words.map((n) => evalWord(w, n, scope, true));
  w.currentUnit = savedUnit;
  w.currentCtx = savedCtx;
  // A here-document's `$(…)` run before the command, as the words' do: their commands are read in its place.
  const readRedirect = (r: TsNode) => {
    if (r.type !== 'heredoc_redirect') return redirectOf(w, r, scope);
    [w.currentUnit, w.currentCtx] = [unit, ctx];
    try {
      return redirectOf(w, r, scope);
    } finally {
      [w.currentUnit, w.currentCtx] = [savedUnit, savedCtx];
    }
  };
  let redirects = [...parts.redirects, ...outer, ...(ctx.inputs ?? [])].flatMap(readRedirect);
  if (glued) {
    const g = commandParts(w, glued);
    words = words.concat(g.words.map((n) => evalWord(w, n, scope, true)));
    redirects = redirects.concat(g.redirects.flatMap(readRedirect));
  }
  if (words.length > 0) {
    const c = newCommand(w, words, redirects, stmt.startIndex, glued ? glued.endIndex : stmt.endIndex, scope, unit, ctx);
    const { env, keys } = prefixAssignments(w, cmd, scope);
    if (env.size > 0) c.env = env;
    if (keys.size > 0) c.envKeys = keys;
    if (glued) {
      // Repair: keep the backslash, drop the blanks after it.
      const lineEnd = w.lines.lineEnd(w.lines.lineOf(Math.max(0, stmt.endIndex - 1)));
      const bs = w.text.lastIndexOf('\\', lineEnd);
      w.script.continuationRepairs.set(c.index, [{ start: bs + 1, end: lineEnd, text: '' }]);
    }
  }
  const saved = w.currentUnit;
  w.currentUnit = -1;
  effects(w, words, scope, ctx);
  w.currentUnit = saved;
}

/**
 * `[ -n "$id" ]` and `[[ … ]]` read as a command named by its bracket, the words of its
 * expression in order (operators included), so later passes see what it tests.
 */
export function testCommand(w: ShellWalk, stmt: TsNode, scope: Scope, ctx: Ctx, unit: number): void {
  const words: Word[] = [];
  const token = (n: TsNode): Word => ({ value: src(w, n), symbol: src(w, n), staticPrefix: src(w, n), raw: src(w, n), start: n.startIndex, end: n.endIndex });
  const savedUnit = w.currentUnit;
  w.currentUnit = unit;
  const flatten = (n: TsNode): void =>
    nested(w, n, () => {
      if (!n.isNamed || n.type === 'test_operator') words.push(token(n));
      else if (n.type === 'unary_expression' || n.type === 'binary_expression' || n.type === 'parenthesized_expression' || n.type === 'negated_expression') n.children.forEach(flatten);
      else if (n.type !== 'comment') words.push(evalWord(w, n, scope));
    });
  stmt.children.forEach(flatten);
  w.currentUnit = savedUnit;
  // `(( n++ ))` is arithmetic, which may assign.
  if (stmt.children[0]?.type === '((') havoc(scope.versions);
  if (words.length > 0) newCommand(w, words, [], stmt.startIndex, stmt.endIndex, scope, unit, ctx);
}
