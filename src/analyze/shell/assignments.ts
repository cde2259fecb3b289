/** `NAME=value` statements, `NAME=value cmd` prefixes and `export`/`local`/`readonly` declarations. */
import { folderOf, folderValue, isFolderValue, scriptFolderAssigned } from '../script-folder.js';
import { pathEntry } from '../path-entries.js';
import type { TsNode } from '../tree-sitter.js';
import { STATEMENTS } from './node-types.js';
import { walkStmt } from './statements.js';
import { childScope, setVar, type Ctx, type Scope } from './types.js';
import { src, type ShellWalk } from './walk.js';
import { evalWord } from './words.js';
import { patternListing, shellFileRead } from './commands.js';
import { havoc, versionOf } from './versions.js';

/** `NAME=value` statements: `id=$(docker create …)` captures its command's output as `${id}`. */
export function assignments(w: ShellWalk, nodes: TsNode[], scope: Scope, ctx: Ctx, unit: number): void {
  const uncertain = ctx.conditional || ctx.loop;
  for (const a of nodes) {
    const { name, value } = assignment(w, a);
    const subst = value ? onlySubstitution(value) : null;
    if (subst) {
      const before = w.script.commands.length;
      const inner: Scope = childScope(scope);
      for (const st of subst.namedChildren) if (STATEMENTS.has(st.type)) walkStmt(w, st, inner, ctx, unit, null);
      if (w.script.commands.length === before) shellFileRead(w, subst, inner, ctx, unit);
      const made = w.script.commands.slice(before);
      if (made.length === 1) made[0]!.stdout = { kind: 'capture', symbol: `\${${name}}` };
    }
    // A value that is one `$(…)` is evaluated for its text only: its commands were walked above.
    // Any other `$(…)` in it (`NAME="app-$(cat dist/VERSION)"`, `$(( $(wc -c < app) ))`) runs here.
    const [saved, savedCtx] = [w.currentUnit, w.currentCtx];
    [w.currentUnit, w.currentCtx] = subst ? [-1, savedCtx] : [unit, ctx];
    const folder = value ? folderAssigned(w, value, scope) : null;
    const word = value && folder === null ? evalWord(w, value, scope) : null;
    const v = ifsWhitespace(w, name, value) ?? folder ?? (word ? word.value : '');
    [w.currentUnit, w.currentCtx] = [saved, savedCtx];
    const append = a.children.some((c) => !c.isNamed && c.type === '+=');
    const unsure = uncertain || append || value?.type === 'array';
    arrayPatterns(w, value, scope, ctx, unit);
    notePath(w, name, word?.symbol ?? v, scope, a);
    setVar(scope, name, unsure ? null : v, unsure ? null : v ?? word?.fallback ?? null, !append && appendsToPath(w, name, value));
    if (scope.versions.allExport) scope.versions.exported.add(name);
  }
}

/**
 * `files=(dist/*)`: the shell expands a pattern among an array's elements into the names the
 * folder holds, a listing of it (./commands.ts patternListing). Plain words only: an element
 * with an expansion or a quote is not read here.
 */
function arrayPatterns(w: ShellWalk, value: TsNode | null, scope: Scope, ctx: Ctx, unit: number): void {
  if (value?.type !== 'array') return;
  const patterns = value.namedChildren.filter((el) => el.type === 'word' && /[*?[]/.test(src(w, el))).map((el) => evalWord(w, el, scope));
  patternListing(w, patterns.filter((word) => word.pattern === true), scope, ctx, unit);
}

/**
 * `IFS=$'\n\t'` (bash's "strict mode"): whitespace written as ANSI-C escapes, which the word
 * reader leaves unknown; the split characters are what matters to it (./words.ts fieldSplits).
 * Read as bash reads it (dash takes `$'…'` literally, which would split words at `n` and `t`: a
 * script written so for dash is broken either way). Null for any other assignment.
 */
function ifsWhitespace(w: ShellWalk, name: string, value: TsNode | null): string | null {
  if (name !== 'IFS' || value?.type !== 'ansi_c_string') return null;
  const inner = src(w, value).slice(2, -1);
  if (!/^(\\[nt]| )*$/.test(inner)) return null;
  return inner.replace(/\\n/g, '\n').replace(/\\t/g, '\t');
}

/** `DIR=$(cd "$(dirname "$0")" && pwd)` and kin: the script's folder as a folder value, else null. */
function folderAssigned(w: ShellWalk, value: TsNode, scope: Scope): string | null {
  const folder = scriptFolderAssigned(value, w.text, w.scriptDir, scope.cwd === w.startCwd);
  return folder === null ? null : folderValue(folder);
}

/**
 * `NAME=value cmd …`: the variables set in the command's own environment only, and for those
 * only known at run time the value word's `same` key (ScriptCommand.envKeys).
 */
export function prefixAssignments(w: ShellWalk, cmd: TsNode, scope: Scope): { env: Map<string, string | null>; keys: Map<string, string | null> } {
  const env = new Map<string, string | null>();
  const keys = new Map<string, string | null>();
  // The shell makes the assignments in order, each seen by the values after it (`P=linux/$A
  // DOCKER_DEFAULT_PLATFORM=$P docker …`): those are read in a scope of their own, where each
  // assignment made is a version of its own to this command.
  let made: Scope | null = null;
  for (const c of cmd.children) {
    if (c.type !== 'variable_assignment') continue;
    const { name, value } = assignment(w, c);
    const word = value ? evalWord(w, value, made ?? scope) : null;
    const v = word ? word.value : '';
    made ??= childScope(scope);
    setVar(made, name, v, v ?? word?.fallback ?? null);
    notePath(w, name, word?.symbol ?? v, scope, c);
    // (a folder value is the script's folder, known, but not as text: no key)
    env.set(name, isFolderValue(v) ? null : v);
    if (v === null) keys.set(name, word?.same ?? null);
    else keys.delete(name);
  }
  return { env, keys };
}

/**
 * A PATH assignment's folders of the repository (`"$PWD/tools:$PATH"`, `./bin:$PATH`,
 * `"$DIR/tools:$PATH"` with DIR the script's folder), recorded on the script: each entry of the
 * value as the walk spells it, `${PWD}` (also `$(pwd)`) read as the shell's folder, a variable
 * holding a folder of the repository as that folder, a relative entry from the shell's folder.
 * An absolute entry or one outside the repository names no folder the tool reads, and the PATH
 * the shell started with (`$PATH`) none the script added; a folder after it (`$PATH:./tools`) is
 * searched after the machine's own, which hold the programs the steps run. An entry under a
 * value only known at run time (`$ROOT/tools`, `$HOME/.local/bin`, `$(go env GOPATH)/bin`) is
 * kept with what follows that value (`tools`): it may be a folder of the repository ending so.
 */
function notePath(w: ShellWalk, name: string, symbol: string | null, scope: Scope, node: TsNode): void {
  if (name !== 'PATH' || symbol === null) return;
  const line = w.lines.lineOf(node.startIndex);
  for (const entry of symbol.split(':')) {
    // (after the PATH it started with: a program the machine has is found there first)
    if (entry === '${PATH}') break;
    const head = /^\$\{([A-Za-z_][A-Za-z0-9_]*)\}/.exec(entry);
    const held = head && head[1] !== 'PWD' ? scope.vars.get(head[1]!) : undefined;
    let rest: string;
    let from = scope.cwd;
    if (held !== undefined && held !== null && isFolderValue(held)) {
      // `$DIR/tools` with DIR the script's folder: from the root.
      const folder = folderOf(held);
      if (folder === null) continue;
      from = '';
      rest = `${folder === '' ? '.' : folder}${entry.slice(head![0].length)}`;
    } else if (entry.startsWith('${PWD}')) rest = `.${entry.slice('${PWD}'.length)}`;
    else rest = entry;
    const read = pathEntry(rest, from, line);
    if (read) (w.script.pathFolders ??= []).push(read);
  }
}

/**
 * Whether an assignment to PATH gives it the value it had with folders appended, each searched
 * after those it had: `$PATH:/opt/bin`, `"${PATH}:$HOME/bin"`, `"$PATH":"$(go env GOPATH)/bin"`
 * (read from the parse: a plain expansion of PATH first, then text starting with `:`).
 */
function appendsToPath(w: ShellWalk, name: string, value: TsNode | null): boolean {
  if (name !== 'PATH' || value === null) return false;
  const parts = value.type === 'concatenation' ? value.children : [value];
  const plainPath = (n: TsNode | undefined) =>
    n !== undefined && ((n.type === 'simple_expansion' && n.children.length === 2) || (n.type === 'expansion' && n.children.length === 3)) && n.namedChildren[0]?.type === 'variable_name' && src(w, n.namedChildren[0]) === 'PATH';
  /** The text a part starts with, a string's after its opening quote. */
  const startsWithColon = (n: TsNode | undefined) =>
    n !== undefined && (n.type === 'word' || n.type === 'raw_string' ? src(w, n).replace(/^'/, '').startsWith(':') : n.type === 'string' && n.children[1]?.type === 'string_content' && src(w, n.children[1]).startsWith(':'));
  const [first, second] = parts;
  if (plainPath(first)) return startsWithColon(second);
  if (first?.type !== 'string' || !plainPath(first.children[1])) return false;
  // `"$PATH:/opt/bin"`, or `"$PATH":/opt/bin`
  const after = first.children[2];
  if (after?.type === 'string_content') return src(w, after).startsWith(':');
  return after?.type === '"' && first.children.length === 3 && startsWithColon(second);
}

/** The name and value node of a `variable_assignment` (`NAME=value`; no value for `NAME=`). */
function assignment(w: ShellWalk, a: TsNode): { name: string; value: TsNode | null } {
  return { name: src(w, a.childForFieldName('name') ?? a.namedChildren[0]!), value: a.childForFieldName('value') };
}

/** `$(…)` or `"$(…)"` as a whole value. */
function onlySubstitution(value: TsNode): TsNode | null {
  if (value.type === 'command_substitution') return value;
  if (value.type === 'string') {
    const named = value.namedChildren;
    if (named.length === 1 && named[0]!.type === 'command_substitution' && value.children.length === 3) return named[0]!;
  }
  return null;
}

export function declaration(w: ShellWalk, decl: TsNode, scope: Scope, ctx: Ctx, unit: number): void {
  const uncertain = ctx.conditional || ctx.loop;
  const keyword = decl.children[0]?.type;
  const flags = decl.namedChildren.filter((c) => c.type === 'word').map((c) => src(w, c));
  // `declare -n ref=NAME`: assigning `ref` assigns NAME, which the walk does not follow.
  if (flags.some((f) => /^-[a-zA-Z]*n/.test(f))) havoc(scope.versions);
  const exports = keyword === 'export' || flags.some((f) => /^-[a-zA-Z]*x/.test(f));
  for (const a of decl.namedChildren) {
    if (a.type === 'variable_assignment') {
      const { name, value } = assignment(w, a);
      // Its `$(…)` run as the declaration does (`export TAG="v$(cat dist/VERSION)"`).
      const [saved, savedCtx] = [w.currentUnit, w.currentCtx];
      [w.currentUnit, w.currentCtx] = [unit, ctx];
      const folder = value ? folderAssigned(w, value, scope) : null;
      const word = value && folder === null ? evalWord(w, value, scope) : null;
      [w.currentUnit, w.currentCtx] = [saved, savedCtx];
      const v = ifsWhitespace(w, name, value) ?? folder ?? (word ? word.value : '');
      const unsure = uncertain || value?.type === 'array';
      arrayPatterns(w, value, scope, ctx, unit);
      notePath(w, name, word?.symbol ?? v, scope, a);
      setVar(scope, name, unsure ? null : v, unsure ? null : v ?? word?.fallback ?? null, appendsToPath(w, name, value));
      if (exports) scope.versions.exported.add(name);
    } else if (a.type === 'variable_name') {
      const name = src(w, a);
      const had = scope.vars.get(name) ?? null;
      // (`export PATH` keeps its value; `local PATH`, `declare PATH` in a function, make a variable of their own)
      setVar(scope, name, uncertain ? null : had, uncertain ? null : had ?? versionOf(scope.versions, name).fallback, keyword === 'export' && name === 'PATH');
      if (exports) scope.versions.exported.add(name);
    }
  }
}
