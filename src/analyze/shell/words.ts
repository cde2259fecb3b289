/** Static evaluation of words: literals, quotes, `$NAME`/`${NAME:-default}`, and the commands of `$(…)`. */
import type { Word } from '../../model/script.js';
import { isFolderValue } from '../script-folder.js';
import type { TsNode } from '../tree-sitter.js';
import { STATEMENTS } from './node-types.js';
import { walkStmt } from './statements.js';
import { shellFileRead } from './commands.js';
import { childScope, type Scope } from './types.js';
import { assigned, fallbackOf, havoc, variableKey, versionOf } from './versions.js';
import { MAX_DEPTH, nested, src, Untrusted, type ShellWalk } from './walk.js';

const DEFAULT_OPS = new Set([':-', '-', ':=', '=', ':?', '?']);

/** Static evaluation of one word (an argument, an assignment value, a redirect target). */
/**
 * The word `word` evaluates to. `split`: it is a command's word or a `for` item, which the shell
 * splits into fields where an unquoted expansion's value holds a character of IFS (by default
 * space, tab and newline): such a word is read as one only known at run time (`KEEP="app
 * README.md"; tar czf out.tgz $KEEP` names two files, not one called `app README.md`). An
 * assignment's value, a redirection's target or a `case` word are not split.
 */
/** A word starting `~+` or `~-` (then `/` or its end): bash's tilde prefixes for `$PWD` and `$OLDPWD`. */
const TILDE_DIR = /^~([+-])(?=\/|$)/;

export function evalWord(w: ShellWalk, word: TsNode, scope: Scope, split = false): Word {
  // Most words are one plain `word` node: its value is its text, unescaped (what evalParts
  // gives it, without the closures it makes for the general case).
  const raw = word.type === 'word' && word.isNamed ? src(w, word) : '';
  if (word.type === 'word' && word.isNamed && !(raw.charCodeAt(0) === 126 && TILDE_DIR.test(raw))) {
    if (w.depth + 1 > MAX_DEPTH) throw new Untrusted(`nested more than ${MAX_DEPTH} levels deep`, word.startIndex);
    const value = unescapeLit(raw, false);
    return unquotedPattern(raw) ? { value, symbol: value, staticPrefix: value, raw, start: word.startIndex, end: word.endIndex, pattern: true } : { value, symbol: value, staticPrefix: value, raw, start: word.startIndex, end: word.endIndex };
  }
  return evalParts(w, [word], word.startIndex, word.endIndex, scope, split);
}

/**
 * Static evaluation of the text between two offsets: the parts among `nodes` are read by
 * type, the text between them is literal (unquoted). A word is one part; the default of
 * `${X:-a$b}` is the parts after the operator.
 */
function evalParts(w: ShellWalk, nodes: readonly TsNode[], from: number, to: number, scope: Scope, split = false): Word {
  const text = w.text;
  let value: string | null = '';
  let symbol = '';
  let staticPrefix = '';
  let dynamicSeen = false;
  // The word's key and fallback (./versions.ts), built beside its value once it stops being
  // static (until then both are the value itself).
  let same: string | null = '';
  let fallback: string | null = '';
  // A `*`, `?` or `[` the shell sees unquoted: it expands the word into the names it matches.
  let pattern = false;
  const addStatic = (s: string) => {
    if (value !== null) value += s;
    else {
      if (same !== null) same += s;
      if (fallback !== null) fallback += s;
    }
    symbol += s;
    if (!dynamicSeen) staticPrefix += s;
  };
  const addDynamic = (sym: string, key: string | null = null, fb: string | null = null) => {
    if (value !== null) [same, fallback] = [value, value];
    value = null;
    symbol += sym;
    dynamicSeen = true;
    same = same !== null && key !== null ? same + key : null;
    fallback = fallback !== null && fb !== null ? fallback + fb : null;
  };
  /** The script's folder from a variable (../script-folder.ts): known, but not as literal text. */
  const addFolder = (folder: string, name: string) => {
    if (value !== null) value += folder;
    else {
      if (same !== null) same += folder;
      if (fallback !== null) fallback += folder;
    }
    symbol += `\${${name}}`;
    dynamicSeen = true;
  };
  /** `$NAME`/`${NAME}` whose value is not known. */
  const addVariable = (name: string) => {
    const v = versionOf(scope.versions, name);
    addDynamic(`\${${name}}`, variableKey(scope.versions, name, '', ''), v.fallback);
  };
  /** Text between parts (quotes aside) is literal; parts are read by type. */
  const visitParts = (parts: readonly TsNode[], from: number, to: number, quoted: boolean) => {
    let at = from;
    for (const p of parts) {
      if (!p.isNamed) continue;
      if (p.startIndex > at) addLiteral(text.slice(at, p.startIndex), quoted);
      visit(p, quoted);
      at = p.endIndex;
    }
    if (to > at) addLiteral(text.slice(at, to), quoted);
  };
  const addLiteral = (raw: string, quoted: boolean) => {
    if (!quoted && unquotedPattern(raw)) pattern = true;
    addStatic(unescapeLit(raw, quoted));
  };
  /** A variable's value, pattern characters and all, when the shell expands it unquoted. */
  const addExpanded = (quoted: boolean) => (s: string) => {
    if (split && !quoted && fieldSplits(s, scope)) return addDynamic(s);
    if (!quoted && /[*?[]/.test(s)) pattern = true;
    addStatic(s);
  };
  const visit = (p: TsNode, quoted: boolean): void => nested(w, p, () => visitIn(p, quoted));
  const visitIn = (p: TsNode, quoted: boolean): void => {
    switch (p.type) {
      case 'word':
      case 'string_content':
        addLiteral(src(w, p), quoted);
        return;
      case 'number':
      // The grammar reads the text of a default such as `${TAG:-app-build}` as `app` (a name) and `-build`.
      case 'variable_name':
        addStatic(src(w, p));
        return;
      case 'raw_string':
        addStatic(text.slice(p.startIndex + 1, p.endIndex - 1));
        return;
      case 'ansi_c_string': {
        const inner = text.slice(p.startIndex + 2, p.endIndex - 1);
        if (inner.includes('\\')) addDynamic(src(w, p));
        else addStatic(inner);
        return;
      }
      case 'string':
        visitParts(p.children, p.startIndex + 1, p.endIndex - 1, true);
        return;
      case 'concatenation':
        // `dist/{app,README.md}`: bash makes a word of each alternative (sh keeps the text);
        // which words there are is not read, so its value is only known at run time.
        if (!quoted && braceAlternatives(w, p)) return addDynamic(src(w, p));
        visitParts(p.children, p.startIndex, p.endIndex, quoted);
        return;
      case 'simple_expansion': {
        const name = text.slice(p.startIndex + 1, p.endIndex);
        const known = scope.vars.get(name);
        if (isFolderValue(known)) addFolder(known, name);
        else if (known != null) addExpanded(quoted)(known);
        else addVariable(name);
        return;
      }
      case 'expansion':
        expansion(w, p, scope, addExpanded(quoted), addDynamic, addFolder, addVariable);
        return;
      case 'command_substitution': {
        const inner = src(w, p).replace(/\s+/g, ' ');
        const sym = /^\$\(\s*pwd\s*\)$|^`\s*pwd\s*`$/.test(inner) ? '${PWD}' : inner;
        captureSubst(w, p, sym, scope);
        addDynamic(sym);
        return;
      }
      case 'arithmetic_expansion':
        // `$(( $(wc -c < app) ))`: the `$(…)` inside run first.
        substitutionsIn(p).forEach((c) => captureSubst(w, c, src(w, c), scope));
        // `$((n = n + 1))` may assign: no word read before it is the same as one after.
        havoc(scope.versions);
        addDynamic(src(w, p));
        return;
      default:
        addDynamic(src(w, p));
    }
  };
  // bash's `~+` and `~-` at the start of a word are the folder it runs in and the one before
  // (`$PWD`, `$OLDPWD`); sh leaves them as written: either way, a path only known at run time.
  const tilde = nodes.length === 1 && nodes[0]!.type === 'word' ? TILDE_DIR.exec(text.slice(from, to)) : null;
  if (tilde) {
    addVariable(tilde[1] === '+' ? 'PWD' : 'OLDPWD');
    addLiteral(text.slice(from + 2, to), false);
  } else visitParts(nodes, from, to, false);
  const raw = text.slice(from, to);
  // Two literals, not a spread: an object made by spreading has room for more fields, and a
  // sweep keeps every command's words until the plan is made.
  const word: Word = value === null ? { value, symbol, staticPrefix, raw, start: from, end: to, same, fallback } : { value, symbol, staticPrefix, raw, start: from, end: to };
  if (pattern) word.pattern = true;
  return word;
}

/** Whether the shell splits an unquoted expansion of `value` into fields: it holds a character of IFS (any, where IFS is only known at run time). */
function fieldSplits(value: string, scope: Scope): boolean {
  if (value === '') return false;
  const ifs = scope.vars.has('IFS') ? scope.vars.get('IFS')! : ' \t\n';
  if (ifs === null) return true;
  for (const c of ifs) if (value.includes(c)) return true;
  return false;
}

/** A concatenation holding an unquoted `{…,…}` (or `{a..c}`): bash's brace expansion. */
function braceAlternatives(w: ShellWalk, p: TsNode): boolean {
  const kids = p.namedChildren;
  const open = kids.findIndex((c) => c.type === 'word' && src(w, c) === '{');
  if (open < 0) return false;
  const close = kids.findIndex((c, k) => k > open && c.type === 'word' && src(w, c) === '}');
  return close > open && kids.slice(open + 1, close).some((c) => c.type === 'word' && /,|\.\./.test(src(w, c)));
}

/** Unquoted literal text holding a `*`, `?` or `[` no backslash escapes. */
function unquotedPattern(raw: string): boolean {
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '\\') i++;
    else if (raw[i] === '*' || raw[i] === '?' || raw[i] === '[') return true;
  }
  return false;
}

/** `${NAME}`, `${NAME:-default}` and kin; anything else (`${#x}`, `${x/a/b}`…) is dynamic. */
function expansion(
  w: ShellWalk,
  p: TsNode,
  scope: Scope,
  addStatic: (s: string) => void,
  addDynamic: (s: string, key?: string | null, fb?: string | null) => void,
  addFolder: (f: string, name: string) => void,
  addVariable: (name: string) => void,
): void {
  const inner = p.children.slice(1, -1);
  const nameNode = inner[0];
  if (!nameNode || (nameNode.type !== 'variable_name' && nameNode.type !== 'special_variable_name')) return addDynamic(src(w, p));
  const name = src(w, nameNode);
  const known = scope.vars.get(name);
  if (isFolderValue(known)) return inner.length === 1 ? addFolder(known, name) : addDynamic(src(w, p));
  if (inner.length === 1) {
    if (known != null) addStatic(known);
    else addVariable(name);
    return;
  }
  const op = inner[1]!;
  const closing = p.children[p.children.length - 1]!;
  if (op.isNamed || !DEFAULT_OPS.has(op.type)) return addDynamic(src(w, p));
  if (known == null) {
    // Not known: the same variable read the same way, with the same default, is the same text.
    // The default is read for its key alone: its `$(…)` commands are not walked again.
    const saved = w.currentUnit;
    w.currentUnit = -1;
    const dflt = evalParts(w, inner.slice(2), op.endIndex, closing.startIndex, scope);
    w.currentUnit = saved;
    const v = versionOf(scope.versions, name);
    const dfltKey = dflt.value !== null ? dflt.value : (dflt.same ?? null);
    const dfltFallback = dflt.value !== null ? dflt.value : (dflt.fallback ?? null);
    const fb = fallbackOf(v.fallback, op.type, dfltFallback, v.unset === true);
    addDynamic(src(w, p), variableKey(scope.versions, name, op.type, dfltKey), op.type === '?' || op.type === ':?' ? null : fb);
    // `${NAME:=default}` assigns the variable: a later read is another version.
    if (op.type === ':=' || op.type === '=') assigned(scope.versions, name, fb);
    return;
  }
  if (op.type === '-' || op.type === '=' || op.type === '?' || known !== '' || op.type === ':?') return addStatic(known);
  // The variable is set but empty: `:-`/`:=` give the default, read as an unquoted word.
  const dflt = evalParts(w, inner.slice(2), op.endIndex, closing.startIndex, scope).value;
  if (dflt === null) addDynamic(src(w, p));
  else addStatic(dflt);
}

/**
 * The outermost `$(…)` under a node (their own `$(…)` are theirs to read), in source order.
 * Iterative: a hostile script nests words far deeper than the stack (the walk's own depth limit,
 * MAX_DEPTH, applies when the substitutions found are walked).
 */
function substitutionsIn(n: TsNode): TsNode[] {
  const out: TsNode[] = [];
  const stack = [...n.namedChildren].reverse();
  for (let c = stack.pop(); c !== undefined; c = stack.pop()) {
    if (c.type === 'command_substitution') out.push(c);
    else for (let i = c.namedChildren.length - 1; i >= 0; i--) stack.push(c.namedChildren[i]!);
  }
  return out;
}

/** The commands of a `$(…)` run before the command that uses it; their output is captured. */
function captureSubst(w: ShellWalk, p: TsNode, symbol: string, scope: Scope): void {
  if (w.currentUnit < 0) return;
  const first = w.script.commands.length;
  const inner: Scope = childScope(scope);
  // An `exit` inside gives the substitution's status, which the command around it may not pass on (./failing-exit.ts).
  const ctx = { ...w.currentCtx, exitScope: 'substitution' as const, subshell: `${w.currentCtx.subshell ?? ''}/${p.startIndex}` };
  for (const st of p.namedChildren) if (STATEMENTS.has(st.type)) walkStmt(w, st, inner, ctx, w.currentUnit, null);
  if (w.script.commands.length === first) shellFileRead(w, p, inner, w.currentCtx, w.currentUnit);
  const made = w.script.commands.slice(first);
  if (made.length === 1) made[0]!.stdout = { kind: 'capture', symbol };
}

/** Removes shell backslash escapes from a literal, as the shell does before running a command. */
function unescapeLit(raw: string, quoted: boolean): string {
  if (!raw.includes('\\')) return raw;
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw[i]!;
    if (c !== '\\' || i + 1 >= raw.length) {
      out += c;
      continue;
    }
    const n = raw[i + 1]!;
    if (n === '\n') {
      i++;
      continue;
    }
    if (!quoted || '$`"\\'.includes(n)) {
      out += n;
      i++;
      continue;
    }
    out += c;
  }
  return out;
}
