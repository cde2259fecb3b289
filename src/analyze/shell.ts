/**
 * Shell adapter, reading side: parses POSIX sh / bash with tree-sitter-bash and reduces the
 * file to ScriptCommands.
 *
 * Why tree-sitter: compiled C (here as WebAssembly, see tree-sitter.ts), a tree costs
 * microseconds per line; the Go parser built to JavaScript that came before it cost about a
 * millisecond per line in field access alone, which dominated a monorepo sweep. tree-sitter
 * is error-tolerant where a shell is not, so a tree with an ERROR node, or one of the shapes
 * the grammar is known to misread (see `misread`), is not analysed at all: the file gets
 * SHELL_PARSE_ERROR and nothing is planned from it.
 *
 * Nothing from the script is executed. Variables and `cd` are followed only where their
 * values are static; everything else is marked dynamic and the linker refuses to guess.
 */
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { Edit } from '../model/edits.js';
import type { Branch, Iteration, Redirect, ScriptCommand, ScriptFile, Word } from '../model/script.js';
import { LineIndex } from '../model/text.js';
import { absoluteSelf, cdOperand, folderOf, folderValue, isFolderValue, scriptFolderAssigned, scriptRelative, withoutFolderValues, wordInCwd } from './script-folder.js';
import { parseWith, TsNode } from './tree-sitter.js';

/** A deletable unit: a statement in a list, or one member of an `&&`/`||`/`|` chain. */
export interface ShellUnit {
  start: number;
  end: number;
  /** Statement list the unit belongs to (units of one list share it); chain members have none. */
  list: number | null;
  /** True for the file's top-level list. */
  top: boolean;
  /**
   * What the unit's list is in the syntax tree: the file's top level, a body (then/else/do,
   * `{ }`, `( )`, a case arm, a function) that must not be left empty, or the condition of an
   * `if`/`elif`/`while`/`until`, whose commands decide what runs.
   */
  role: ListRole;
  /** End of the statement itself, before the `;` or `&` that terminates it (`end` includes it). */
  stmtEnd: number;
  /** Inside a `while`/`until` loop, which repeats until something the body did is seen. */
  inWhile: boolean;
  /** For the statements of a `{ }` or `( )` group (not a function body): the group's own unit. */
  group: number | null;
  /** For chain members: the chain, and the operator that joins this member to the previous one. */
  chain: number | null;
  opBefore: string | null;
  /** For chain members: the unit of the whole chain statement. */
  parent: number | null;
}

export type ListRole = 'top' | 'body' | 'condition';

export interface ShellScript extends ScriptFile {
  kind: 'shell';
  units: ShellUnit[];
  /** Per command index: edits that repair a broken continuation, applied when the command is rewritten. */
  continuationRepairs: Map<number, Edit[]>;
  lines: LineIndex;
  /** Variables and working directory when the script ends (a next snippet in the same shell starts there). */
  final: { vars: ReadonlyMap<string, string | null>; cwd: string | null };
}

export interface ShellParseResult {
  script: ShellScript | null;
  diagnostics: Diagnostic[];
}

interface Scope {
  vars: Map<string, string | null>;
  cwd: string | null;
  /** A frozen copy of `vars` that commands share until the next assignment (most share one). */
  snapshot?: ReadonlyMap<string, string | null> | undefined;
}

function setVar(scope: Scope, name: string, value: string | null): void {
  scope.vars.set(name, value);
  scope.snapshot = undefined;
}

interface Ctx {
  conditional: boolean;
  loop: boolean;
  /** The branches the statements walked run in (see ScriptCommand.branches). */
  branches?: readonly Branch[];
  /** Inside a while/until loop. */
  inWhile?: boolean;
  iteration?: Iteration;
}

export interface ShellInit {
  /** Variables known before the script starts (e.g. Makefile or CI `env:` values). */
  vars?: ReadonlyMap<string, string | null>;
  /** Working directory the script starts in; default: the script's folder. */
  cwd?: string | null;
  /** The text's syntax tree, when the caller parsed it already (see shellTrees). */
  tree?: TsNode | null;
}

/** Node types that are statements (what a list, body or chain member can hold). */
const STATEMENTS = new Set([
  'command',
  'variable_assignment',
  'variable_assignments',
  'declaration_command',
  'unset_command',
  'redirected_statement',
  'list',
  'pipeline',
  'negated_command',
  'subshell',
  'compound_statement',
  'if_statement',
  'while_statement',
  'for_statement',
  'c_style_for_statement',
  'case_statement',
  'function_definition',
  'test_command',
]);
const REDIRECTS = new Set(['file_redirect', 'heredoc_redirect', 'herestring_redirect']);
const DEFAULT_OPS = new Set([':-', '-', ':=', '=', ':?', '?']);

/** Statements nested deeper than this (subshells in subshells…) are not analysed: no real build script comes near it. */
const MAX_DEPTH = 200;
/** A tree the walk cannot trust: nested too deeply, or a shape the grammar is known to misread. */
class Untrusted extends Error {
  constructor(
    readonly why: string,
    readonly at: number,
  ) {
    super(why);
  }
}

export function parseShell(file: string, text: string, init: ShellInit = {}): ShellParseResult {
  const diagnostics: Diagnostic[] = [];
  const lines = new LineIndex(text);
  const root = init.tree ?? parseWith('tree-sitter-bash', text);
  /** The script is not analysed at all: say why, with the line. */
  const notAnalysed = (what: string, at: number, hint: string): ShellParseResult => {
    diagnostics.push(diag('SHELL_PARSE_ERROR', 'warning', `${what} at line ${lines.lineOf(at)}; it was not analysed`, { file, line: lines.lineOf(at), hint }));
    return { script: null, diagnostics };
  };
  if (root.hasError) {
    const bad = syntaxError(root);
    return notAnalysed(`cannot parse shell script: ${bad.why}`, bad.at, 'Fix the syntax error (check it with `sh -n`), then run the tool again.');
  }

  const script: ShellScript = {
    file,
    kind: 'shell',
    text,
    commands: [],
    units: [],
    continuationRepairs: new Map(),
    lines,
    final: { vars: new Map(), cwd: null },
  };
  const scriptDir = path.dirname(file) === '.' ? '' : path.dirname(file);
  /** The folder the script starts in: a relative `$0` is relative to it. */
  const startCwd = init.cwd !== undefined ? init.cwd : scriptDir;
  let listCounter = 0;
  let loopCounter = 0;
  let chainCounter = 0;
  /** How deep the walk is in statements and word parts (see nested). */
  let depth = 0;

  const src = (n: TsNode): string => text.slice(n.startIndex, n.endIndex);

  /** Static evaluation of one word (an argument, an assignment value, a redirect target). */
  function evalWord(word: TsNode, scope: Scope): Word {
    return evalParts([word], word.startIndex, word.endIndex, scope);
  }

  /**
   * Static evaluation of the text between two offsets: the parts among `nodes` are read by
   * type, the text between them is literal (unquoted). A word is one part; the default of
   * `${X:-a$b}` is the parts after the operator.
   */
  function evalParts(nodes: TsNode[], from: number, to: number, scope: Scope): Word {
    let value: string | null = '';
    let symbol = '';
    let staticPrefix = '';
    let dynamicSeen = false;
    const addStatic = (s: string) => {
      if (value !== null) value += s;
      symbol += s;
      if (!dynamicSeen) staticPrefix += s;
    };
    const addDynamic = (sym: string) => {
      value = null;
      symbol += sym;
      dynamicSeen = true;
    };
    /** The script's folder from a variable (./script-folder.ts): known, but not as literal text. */
    const addFolder = (folder: string, name: string) => {
      if (value !== null) value += folder;
      symbol += `\${${name}}`;
      dynamicSeen = true;
    };
    /** Text between parts (quotes aside) is literal; parts are read by type. */
    const visitParts = (parts: TsNode[], from: number, to: number, quoted: boolean) => {
      let at = from;
      for (const p of parts) {
        if (!p.isNamed) continue;
        if (p.startIndex > at) addStatic(unescapeLit(text.slice(at, p.startIndex), quoted));
        visit(p, quoted);
        at = p.endIndex;
      }
      if (to > at) addStatic(unescapeLit(text.slice(at, to), quoted));
    };
    const visit = (p: TsNode, quoted: boolean): void => nested(p, () => visitIn(p, quoted));
    const visitIn = (p: TsNode, quoted: boolean): void => {
      switch (p.type) {
        case 'word':
        case 'string_content':
          addStatic(unescapeLit(src(p), quoted));
          return;
        case 'number':
          addStatic(src(p));
          return;
        case 'raw_string':
          addStatic(text.slice(p.startIndex + 1, p.endIndex - 1));
          return;
        case 'ansi_c_string': {
          const inner = text.slice(p.startIndex + 2, p.endIndex - 1);
          if (inner.includes('\\')) addDynamic(src(p));
          else addStatic(inner);
          return;
        }
        case 'string':
          visitParts(p.children, p.startIndex + 1, p.endIndex - 1, true);
          return;
        case 'concatenation':
          visitParts(p.children, p.startIndex, p.endIndex, quoted);
          return;
        case 'simple_expansion': {
          const name = text.slice(p.startIndex + 1, p.endIndex);
          const known = scope.vars.get(name);
          if (isFolderValue(known)) addFolder(known, name);
          else if (known != null) addStatic(known);
          else addDynamic(`\${${name}}`);
          return;
        }
        case 'expansion':
          expansion(p, scope, addStatic, addDynamic, addFolder);
          return;
        case 'command_substitution': {
          const inner = src(p).replace(/\s+/g, ' ');
          const sym = /^\$\(\s*pwd\s*\)$|^`\s*pwd\s*`$/.test(inner) ? '${PWD}' : inner;
          captureSubst(p, sym, scope);
          addDynamic(sym);
          return;
        }
        default:
          addDynamic(src(p));
      }
    };
    visitParts(nodes, from, to, false);
    return { value, symbol, staticPrefix, raw: text.slice(from, to), start: from, end: to };
  }

  /** `${NAME}`, `${NAME:-default}` and kin; anything else (`${#x}`, `${x/a/b}`…) is dynamic. */
  function expansion(p: TsNode, scope: Scope, addStatic: (s: string) => void, addDynamic: (s: string) => void, addFolder: (f: string, name: string) => void): void {
    const inner = p.children.slice(1, -1);
    const nameNode = inner[0];
    if (!nameNode || (nameNode.type !== 'variable_name' && nameNode.type !== 'special_variable_name')) return addDynamic(src(p));
    const name = src(nameNode);
    const known = scope.vars.get(name);
    if (isFolderValue(known)) return inner.length === 1 ? addFolder(known, name) : addDynamic(src(p));
    if (inner.length === 1) {
      if (known != null) addStatic(known);
      else addDynamic(`\${${name}}`);
      return;
    }
    const op = inner[1]!;
    if (op.isNamed || !DEFAULT_OPS.has(op.type) || known == null) return addDynamic(src(p));
    if (op.type === '-' || op.type === '=' || op.type === '?' || known !== '' || op.type === ':?') return addStatic(known);
    // The variable is set but empty: `:-`/`:=` give the default, read as an unquoted word.
    const closing = p.children[p.children.length - 1]!;
    const dflt = evalParts(inner.slice(2), op.endIndex, closing.startIndex, scope).value;
    if (dflt === null) addDynamic(src(p));
    else addStatic(dflt);
  }

  /** The commands of a `$(…)` run before the command that uses it; their output is captured. */
  let currentUnit = -1;
  let currentCtx: Ctx = { conditional: false, loop: false };
  function captureSubst(p: TsNode, symbol: string, scope: Scope): void {
    if (currentUnit < 0) return;
    const first = script.commands.length;
    const inner: Scope = { vars: new Map(scope.vars), cwd: scope.cwd };
    for (const st of p.namedChildren) if (STATEMENTS.has(st.type)) walkStmt(st, inner, currentCtx, currentUnit, null);
    const made = script.commands.slice(first);
    if (made.length === 1) made[0]!.stdout = { kind: 'capture', symbol };
  }

  function newCommand(words: Word[], redirects: Redirect[], s: number, e: number, scope: Scope, unit: number, ctx: Ctx): ScriptCommand {
    const cmd: ScriptCommand = {
      file,
      index: script.commands.length,
      words: words.map((w) => wordInCwd(w, scope.cwd)),
      redirects: redirects.map((r) => (isFolderValue(r.target.value) ? { ...r, target: wordInCwd(r.target, scope.cwd) } : r)),
      start: s,
      end: e,
      line: lines.lineOf(s),
      cwd: scope.cwd,
      unit,
      conditional: ctx.conditional,
      loop: ctx.loop,
      ...(ctx.branches && ctx.branches.length > 0 ? { branches: ctx.branches } : {}),
      iteration: ctx.iteration ?? null,
      vars: (scope.snapshot ??= withoutFolderValues(scope.vars)),
      stdout: null,
      stdinFrom: null,
    };
    script.commands.push(cmd);
    return cmd;
  }

  /** Runs the effects of a simple command on the scope (`cd`, `pushd`). */
  function effects(words: Word[], scope: Scope, ctx: Ctx): void {
    const uncertain = ctx.conditional || ctx.loop;
    const prog = words[0]?.value;
    if (prog === 'cd') {
      const arg = cdOperand(words.slice(1));
      if (!arg || uncertain || arg.raw === '-') scope.cwd = null;
      // A relative `$0` names the script's folder only from the folder the script started in.
      else if (scriptRelative(arg.raw) !== null) scope.cwd = scope.cwd === startCwd || absoluteSelf(arg.raw) ? path.normalize(path.join(scriptDir, scriptRelative(arg.raw)!)).replace(/^\.$/, '').replace(/\/$/, '') : null;
      // `cd "$DIR/.."`: a folder value is absolute, whatever the folder before.
      else if (isFolderValue(arg.value)) scope.cwd = folderOf(arg.value);
      else if (arg.value !== null && scope.cwd !== null) scope.cwd = path.normalize(path.join(scope.cwd, arg.value)).replace(/^\.$/, '').replace(/\/$/, '');
      else scope.cwd = null;
    } else if (prog === 'pushd' || prog === 'popd') {
      scope.cwd = null;
    }
  }

  /** `NAME=value` statements: `id=$(docker create …)` captures its command's output as `${id}`. */
  function assignments(nodes: TsNode[], scope: Scope, ctx: Ctx, unit: number): void {
    const uncertain = ctx.conditional || ctx.loop;
    for (const a of nodes) {
      const { name, value } = assignment(a);
      const subst = value ? onlySubstitution(value) : null;
      if (subst) {
        const before = script.commands.length;
        const inner: Scope = { vars: new Map(scope.vars), cwd: scope.cwd };
        for (const st of subst.namedChildren) if (STATEMENTS.has(st.type)) walkStmt(st, inner, ctx, unit, null);
        const made = script.commands.slice(before);
        if (made.length === 1) made[0]!.stdout = { kind: 'capture', symbol: `\${${name}}` };
      }
      // The value is evaluated for its text only: its `$(…)` commands were walked above.
      const saved = currentUnit;
      currentUnit = -1;
      const v = value ? folderAssigned(value, scope) ?? evalWord(value, scope).value : '';
      currentUnit = saved;
      const append = a.children.some((c) => !c.isNamed && c.type === '+=');
      setVar(scope, name, uncertain || append || value?.type === 'array' ? null : v);
    }
  }

  /** `DIR=$(cd "$(dirname "$0")" && pwd)` and kin: the script's folder as a folder value, else null. */
  function folderAssigned(value: TsNode, scope: Scope): string | null {
    const folder = scriptFolderAssigned(value, text, scriptDir, scope.cwd === startCwd);
    return folder === null ? null : folderValue(folder);
  }

  /** `NAME=value cmd …`: the variables set in the command's own environment only. */
  function prefixAssignments(cmd: TsNode, scope: Scope): Map<string, string | null> {
    const env = new Map<string, string | null>();
    for (const c of cmd.children) {
      if (c.type !== 'variable_assignment') continue;
      const { name, value } = assignment(c);
      const v = value ? evalWord(value, scope).value : '';
      env.set(name, isFolderValue(v) ? null : v);
    }
    return env;
  }

  /** The name and value node of a `variable_assignment` (`NAME=value`; no value for `NAME=`). */
  function assignment(a: TsNode): { name: string; value: TsNode | null } {
    return { name: src(a.childForFieldName('name') ?? a.namedChildren[0]!), value: a.childForFieldName('value') };
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

  function declaration(decl: TsNode, scope: Scope, ctx: Ctx): void {
    const uncertain = ctx.conditional || ctx.loop;
    for (const a of decl.namedChildren) {
      if (a.type === 'variable_assignment') {
        const { name, value } = assignment(a);
        const v = value ? folderAssigned(value, scope) ?? evalWord(value, scope).value : '';
        setVar(scope, name, uncertain || value?.type === 'array' ? null : v);
      } else if (a.type === 'variable_name') {
        const name = src(a);
        setVar(scope, name, uncertain ? null : (scope.vars.get(name) ?? null));
      }
    }
  }

  function redirectOf(r: TsNode, scope: Scope): Redirect | null {
    const fdNode = r.namedChildren.find((c) => c.type === 'file_descriptor') ?? null;
    const fd = fdNode ? src(fdNode) : null;
    if (r.type === 'heredoc_redirect') {
      const delim = r.namedChildren.find((c) => c.type === 'heredoc_start');
      if (!delim) return null;
      const op = r.children.find((c) => !c.isNamed && (c.type === '<<' || c.type === '<<-'))?.type ?? '<<';
      return { op, fd, target: { value: null, symbol: src(delim), staticPrefix: '', raw: src(delim), start: delim.startIndex, end: delim.endIndex } };
    }
    const target = r.childForFieldName('destination') ?? r.namedChildren.filter((c) => c.type !== 'file_descriptor')[0];
    if (!target) return null;
    const word = evalWord(target, scope);
    return { op: text.slice(fdNode ? fdNode.endIndex : r.startIndex, target.startIndex).trim(), fd, target: word };
  }

  /** Where a statement ends for deletion: after the `;` or `&` that terminates it, if any. */
  function unitEnd(children: TsNode[], i: number): number {
    const next = children[i + 1];
    return next && !next.isNamed && (next.type === ';' || next.type === '&') ? next.endIndex : children[i]!.endIndex;
  }

  /** Walks a statement list (the statements among `children`): each statement is a unit of its own. */
  function walkList(children: TsNode[], scope: Scope, ctx: Ctx, role: ListRole, group: number | null = null): void {
    const list = listCounter++;
    for (let i = 0; i < children.length; i++) {
      const stmt = children[i]!;
      if (!STATEMENTS.has(stmt.type)) continue;
      const glued = brokenContinuation(children, i);
      const unit = script.units.length;
      const end = glued ? unitEnd(children, glued.index) : unitEnd(children, i);
      const stmtEnd = glued ? glued.node.endIndex : stmt.endIndex;
      script.units.push({ start: stmt.startIndex, end, list, top: role === 'top', role, stmtEnd, inWhile: ctx.inWhile === true, group, chain: null, opBefore: null, parent: null });
      walkStmt(stmt, scope, ctx, unit, glued?.node ?? null);
      if (glued) i = glued.index;
    }
  }

  /**
   * The Docker documentation prints `docker build … \` with two spaces after the backslash,
   * so the next line runs as a command of its own. When a command's line ends in such an
   * escaped space and the next line is visibly its continuation (indented, or starting with a
   * flag), read the two as the one command the author meant, and say so.
   */
  function brokenContinuation(children: TsNode[], i: number): { node: TsNode; index: number } | null {
    const stmt = children[i]!;
    if (stmt.type !== 'command') return null;
    const backslashLine = lines.lineOf(Math.max(0, stmt.endIndex - 1));
    const rest = text.slice(stmt.endIndex, lines.lineEnd(backslashLine));
    const m = /^[ \t]+\\([ \t]+)$/.exec(rest);
    if (!m) return null;
    let j = i + 1;
    while (j < children.length && !children[j]!.isNamed && children[j]!.type !== ';' && children[j]!.type !== '&') j++;
    const next = children[j];
    if (!next || next.type !== 'command' || lines.lineOf(next.startIndex) !== backslashLine + 1) return null;
    const nextLine = backslashLine + 1;
    if (!/^[ \t]+\S|^-/.test(lines.lineText(nextLine))) return null;
    diagnostics.push(
      diag(
        'BROKEN_CONTINUATION',
        'warning',
        `the backslash at the end of line ${backslashLine} is followed by ${m[1]!.length} space(s), so line ${nextLine} runs as a separate command; read as one command, as evidently intended`,
        { file, line: backslashLine, hint: 'Delete the spaces after the backslash so the line continues.' },
      ),
    );
    return { node: next, index: j };
  }

  /**
   * A simple command's words (name first) and redirects, in source order. A shell never
   * separates a command's parts by an unescaped newline; the grammar does when assignments
   * end a line (`A=${B:-x} C=1` then the next line's command), so such a command is refused.
   */
  function commandParts(cmd: TsNode): { words: TsNode[]; redirects: TsNode[] } {
    const words: TsNode[] = [];
    const redirects: TsNode[] = [];
    let at = -1;
    for (const c of cmd.children) {
      if (at >= 0 && text.slice(at, c.startIndex).replace(/\\\r?\n/g, '').includes('\n')) throw new Untrusted('two lines read as one command', c.startIndex);
      at = c.endIndex;
      if (!c.isNamed) continue;
      if (c.type === 'command_name') words.push(c.namedChildren[0] ?? c);
      else if (REDIRECTS.has(c.type)) redirects.push(c);
      else if (c.type !== 'variable_assignment' && c.type !== 'comment') words.push(c);
    }
    return { words, redirects };
  }

  function walkCommand(stmt: TsNode, cmd: TsNode, outer: TsNode[], scope: Scope, ctx: Ctx, unit: number, glued: TsNode | null): void {
    const savedUnit = currentUnit;
    const savedCtx = currentCtx;
    currentUnit = unit;
    currentCtx = ctx;
    const parts = commandParts(cmd);
    let words = parts.words.map((w) => evalWord(w, scope));
    currentUnit = savedUnit;
    currentCtx = savedCtx;
    let redirects = [...parts.redirects, ...outer].flatMap((r) => redirectOf(r, scope) ?? []);
    if (glued) {
      const g = commandParts(glued);
      words = words.concat(g.words.map((w) => evalWord(w, scope)));
      redirects = redirects.concat(g.redirects.flatMap((r) => redirectOf(r, scope) ?? []));
    }
    if (words.length > 0) {
      const c = newCommand(words, redirects, stmt.startIndex, glued ? glued.endIndex : stmt.endIndex, scope, unit, ctx);
      const env = prefixAssignments(cmd, scope);
      if (env.size > 0) c.env = env;
      if (glued) {
        // Repair: keep the backslash, drop the blanks after it.
        const lineEnd = lines.lineEnd(lines.lineOf(Math.max(0, stmt.endIndex - 1)));
        const bs = text.lastIndexOf('\\', lineEnd);
        script.continuationRepairs.set(c.index, [{ start: bs + 1, end: lineEnd, text: '' }]);
      }
    }
    const saved = currentUnit;
    currentUnit = -1;
    effects(words, scope, ctx);
    currentUnit = saved;
  }

  /** The lists of an `if`/`elif` clause: its condition and its body. */
  function clause(node: TsNode): { cond: TsNode[]; body: TsNode[] } {
    const kids = node.children;
    const then = kids.findIndex((c) => !c.isNamed && c.type === 'then');
    const stop = kids.findIndex((c) => c.type === 'elif_clause' || c.type === 'else_clause' || (!c.isNamed && c.type === 'fi'));
    return { cond: kids.slice(0, then < 0 ? 0 : then), body: then < 0 ? [] : kids.slice(then + 1, stop < 0 ? kids.length : stop) };
  }

  /** Runs `f` one level deeper; past MAX_DEPTH the script is not analysed (no stack overflow). */
  function nested(node: TsNode, f: () => void): void {
    if (++depth > MAX_DEPTH) throw new Untrusted(`nested more than ${MAX_DEPTH} levels deep`, node.startIndex);
    try {
      f();
    } finally {
      depth--;
    }
  }

  function walkStmt(stmt: TsNode, scope: Scope, ctx: Ctx, unit: number, glued: TsNode | null): void {
    nested(stmt, () => walkStmtIn(stmt, scope, ctx, unit, glued));
  }

  function walkStmtIn(stmt: TsNode, scope: Scope, ctx: Ctx, unit: number, glued: TsNode | null): void {
    switch (stmt.type) {
      case 'command':
        walkCommand(stmt, stmt, [], scope, ctx, unit, glued);
        return;
      case 'redirected_statement': {
        const body = stmt.childForFieldName('body');
        if (!body) return;
        if (body.type === 'command') walkCommand(stmt, body, stmt.namedChildren.filter((c) => REDIRECTS.has(c.type)), scope, ctx, unit, null);
        else walkStmt(body, scope, ctx, unit, null);
        return;
      }
      case 'variable_assignment':
        assignments([stmt], scope, ctx, unit);
        return;
      case 'variable_assignments':
        assignments(stmt.namedChildren.filter((c) => c.type === 'variable_assignment'), scope, ctx, unit);
        return;
      case 'declaration_command':
        declaration(stmt, scope, ctx);
        return;
      case 'unset_command':
        for (const n of stmt.namedChildren) if (n.type === 'variable_name' || n.type === 'word') setVar(scope, src(n), null);
        return;
      case 'negated_command': {
        const inner = stmt.namedChildren.find((c) => STATEMENTS.has(c.type));
        if (inner) walkStmt(inner, scope, ctx, unit, null);
        return;
      }
      case 'list':
      case 'pipeline':
        walkChain(stmt, scope, ctx, unit);
        return;
      case 'subshell':
        walkList(stmt.children, { vars: new Map(scope.vars), cwd: scope.cwd }, ctx, 'body', unit);
        return;
      case 'compound_statement':
        walkList(stmt.children, scope, ctx, 'body', unit);
        return;
      case 'if_statement': {
        const cond: Ctx = { ...ctx, conditional: true };
        // Each branch records the condition lists that decide it: those before it failed, its own succeeded.
        const failed: { cmds: number[]; want: boolean }[] = [];
        const branch = (part: string, own: { cmds: number[]; want: boolean } | null): Ctx => ({
          ...cond,
          branches: [...(ctx.branches ?? []), { id: `if${stmt.startIndex}:${part}`, when: own ? [...failed, own] : [...failed] }],
        });
        const clauses = [clause(stmt), ...stmt.namedChildren.filter((c) => c.type === 'elif_clause').map(clause)];
        clauses.forEach((c, k) => {
          // A later elif's condition runs only when the conditions before it failed.
          const first = script.commands.length;
          walkList(c.cond, scope, k === 0 ? ctx : { ...branch(`cond${k}`, null), conditional: ctx.conditional }, 'condition');
          const cmds = Array.from({ length: script.commands.length - first }, (_, i) => first + i);
          walkList(c.body, scope, branch(`${k}`, { cmds, want: true }), 'body');
          failed.push({ cmds, want: false });
        });
        const otherwise = stmt.namedChildren.find((c) => c.type === 'else_clause');
        if (otherwise) walkList(otherwise.children, scope, branch('else', null), 'body');
        return;
      }
      case 'while_statement': {
        const body = stmt.childForFieldName('body');
        const loop = { ...ctx, loop: true, inWhile: true, branches: [...(ctx.branches ?? []), { id: `loop${stmt.startIndex}` }] };
        walkList(stmt.children.filter((c) => c !== body), scope, loop, 'condition');
        if (body) walkList(body.children, scope, loop, 'body');
        return;
      }
      case 'for_statement': {
        const variable = stmt.childForFieldName('variable');
        const body = stmt.childForFieldName('body');
        const bodyKids = body?.children ?? [];
        const loopVar = variable ? src(variable) : null;
        // `for svc in api worker`: with static items the body is read once per item, the loop
        // variable bound, so each service's setup can be followed (and all must agree).
        // The items are expanded (and their `$(…)` run) once, before the first pass.
        const savedUnit = currentUnit;
        currentUnit = unit;
        const items: Word[] = loopVar ? stmt.childrenForFieldName('value').map((w) => evalWord(w, scope)) : [];
        currentUnit = savedUnit;
        if (loopVar && !ctx.iteration && items.length > 0 && items.every((w) => w.value !== null)) {
          const values = items.flatMap((w) => (/['"\\]/.test(w.raw) ? [w.value!] : w.value!.split(/\s+/).filter(Boolean)));
          const loop = loopCounter++;
          for (const v of values) {
            const inner: Scope = { vars: new Map(scope.vars), cwd: scope.cwd };
            setVar(inner, loopVar, v);
            walkList(bodyKids, inner, { ...ctx, loop: true, iteration: { loop, label: `${loopVar}=${v}`, count: values.length } }, 'body');
          }
          setVar(scope, loopVar, null);
          return;
        }
        if (loopVar) setVar(scope, loopVar, null);
        // Items not known: the body may run any number of times, none included.
        walkList(bodyKids, scope, { ...ctx, loop: true, branches: [...(ctx.branches ?? []), { id: `loop${stmt.startIndex}` }] }, 'body');
        return;
      }
      case 'c_style_for_statement':
        walkList(stmt.childForFieldName('body')?.children ?? [], scope, { ...ctx, loop: true, branches: [...(ctx.branches ?? []), { id: `loop${stmt.startIndex}` }] }, 'body');
        return;
      case 'case_statement':
        stmt.namedChildren.filter((c) => c.type === 'case_item').forEach((item, k) => {
          const close = item.children.findIndex((c) => !c.isNamed && c.type === ')');
          walkList(item.children.slice(close + 1), scope, { ...ctx, conditional: true, branches: [...(ctx.branches ?? []), { id: `case${stmt.startIndex}:${k}` }] }, 'body');
        });
        return;
      case 'test_command':
        testCommand(stmt, scope, ctx, unit);
        return;
      case 'function_definition': {
        // A function body runs when (and as often as) it is called: treat it as conditional.
        const body = stmt.childForFieldName('body');
        // Its `{ }` or `( )` is the function's body, not a group that can go: the name must stay defined.
        const fnCtx = { ...ctx, conditional: true, branches: [...(ctx.branches ?? []), { id: `fn${stmt.startIndex}` }] };
        const fnScope = { vars: new Map(scope.vars), cwd: scope.cwd };
        if (body && (body.type === 'compound_statement' || body.type === 'subshell')) nested(body, () => walkList(body.children, fnScope, fnCtx, 'body'));
        else if (body) walkStmt(body, fnScope, fnCtx, unit, null);
        return;
      }
      default:
        return;
    }
  }

  /**
   * `[ -n "$id" ]` and `[[ … ]]` read as a command named by its bracket, the words of its
   * expression in order (operators included), so later passes see what it tests.
   */
  function testCommand(stmt: TsNode, scope: Scope, ctx: Ctx, unit: number): void {
    const words: Word[] = [];
    const token = (n: TsNode): Word => ({ value: src(n), symbol: src(n), staticPrefix: src(n), raw: src(n), start: n.startIndex, end: n.endIndex });
    const savedUnit = currentUnit;
    currentUnit = unit;
    const flatten = (n: TsNode): void =>
      nested(n, () => {
        if (!n.isNamed || n.type === 'test_operator') words.push(token(n));
        else if (n.type === 'unary_expression' || n.type === 'binary_expression' || n.type === 'parenthesized_expression' || n.type === 'negated_expression') n.children.forEach(flatten);
        else if (n.type !== 'comment') words.push(evalWord(n, scope));
      });
    stmt.children.forEach(flatten);
    currentUnit = savedUnit;
    if (words.length > 0) newCommand(words, [], stmt.startIndex, stmt.endIndex, scope, unit, ctx);
  }

  /** Flattens `a && b || c | d` into members, each a unit of its own within one chain. */
  function walkChain(stmt: TsNode, scope: Scope, ctx: Ctx, stmtUnit: number): void {
    const chain = chainCounter++;
    const members: { stmt: TsNode; op: string | null }[] = [];
    const flatten = (s: TsNode, op: string | null, inPipe: boolean) => {
      if (s.type !== 'list' && s.type !== 'pipeline') {
        members.push({ stmt: s, op });
        return;
      }
      // `|` binds tighter than `&&`/`||`: a list inside a pipeline is the grammar misreading.
      if (inPipe && s.type === 'list') throw new Untrusted('a pipeline read around a && or || list', s.startIndex);
      let nextOp = op;
      for (const c of s.children) {
        if (!c.isNamed) nextOp = c.type;
        else if (c.type !== 'comment') {
          flatten(c, nextOp, inPipe || s.type === 'pipeline');
          nextOp = null;
        }
      }
    };
    flatten(stmt, null, false);
    let afterOr = false;
    let previousLast: ScriptCommand | null = null;
    const chainFirst = script.commands.length;
    let memberBranches: readonly Branch[] | undefined = ctx.branches;
    members.forEach((m, k) => {
      const unit = script.units.length;
      script.units.push({ start: m.stmt.startIndex, end: m.stmt.endIndex, list: null, top: false, role: 'body', stmtEnd: m.stmt.endIndex, inWhile: ctx.inWhile === true, group: null, chain, opBefore: m.op, parent: stmtUnit });
      if (m.op === '||') afterOr = true;
      const first = script.commands.length;
      // Each side of a pipe runs in its own subshell: a `cd` there changes nothing after it.
      const piped = m.op === '|' || m.op === '|&' || members[k + 1]?.op === '|' || members[k + 1]?.op === '|&';
      const memberScope = piped ? { vars: new Map(scope.vars), cwd: scope.cwd } : scope;
      // A member after `&&`/`||` runs depending on the exit status of the commands before it; a
      // member after `|` runs with the one it reads from.
      if (m.op === '&&' || m.op === '||') {
        const after = Array.from({ length: first - chainFirst }, (_, i) => chainFirst + i);
        memberBranches = [...(ctx.branches ?? []), { id: `chain${chain}:${k}`, after, on: afterOr ? 'failure' : 'success' }];
      }
      walkStmt(m.stmt, memberScope, { ...ctx, conditional: ctx.conditional || afterOr || m.op === '||', ...(memberBranches ? { branches: memberBranches } : {}) }, unit, null);
      const made = script.commands.slice(first).filter((c) => c.unit === unit);
      if (previousLast && (m.op === '|' || m.op === '|&') && made[0]) {
        previousLast.stdout = { kind: 'pipe', to: made[0].index };
        made[0].stdinFrom = previousLast.index;
      }
      previousLast = made[made.length - 1] ?? null;
    });
  }

  const top: Scope = { vars: new Map(init.vars ?? []), cwd: startCwd };
  try {
    walkList(root.children, top, { conditional: false, loop: false }, 'top');
  } catch (e) {
    if (!(e instanceof Untrusted)) throw e;
    return notAnalysed(`cannot analyse shell script: ${e.why}`, e.at, 'Simplify that part of the script (or migrate this setup by hand), then run the tool again.');
  }
  script.final = { vars: top.vars, cwd: top.cwd };
  return { script, diagnostics };
}

/**
 * Syntax trees for many small scripts (npm scripts, recipe lines, CI steps) from one parse:
 * a parse call has a fixed cost that dwarfs a one-line script. The texts are parsed joined by
 * newlines; each gets the top-level statements inside its own range, re-based to its own
 * offsets. A text is parsed alone (null in the result) when joining could change how it reads:
 * it ends in a backslash, the joined tree has an error, or a statement crosses from one text
 * into the next (an unclosed quote, a here-document).
 */
export function shellTrees(texts: readonly string[]): (TsNode | null)[] {
  const out: (TsNode | null)[] = texts.map(() => null);
  const batch = texts.map((t, i) => ({ t, i })).filter(({ t }) => !/\\\s*$/.test(t));
  if (batch.length < 2) return out;
  const starts: number[] = [];
  let at = 0;
  for (const { t } of batch) {
    starts.push(at);
    at += t.length + 1;
  }
  const joined = batch.map(({ t }) => t).join('\n');
  const root = parseWith('tree-sitter-bash', joined);
  if (root.hasError) return out;
  const groups: TsNode[][] = batch.map(() => []);
  let k = 0;
  for (const child of root.children) {
    while (k + 1 < batch.length && child.startIndex >= starts[k + 1]!) k++;
    const end = starts[k]! + batch[k]!.t.length;
    if (child.endIndex > end) return out;
    groups[k]!.push(child);
  }
  batch.forEach(({ t, i }, b) => {
    const program = new TsNode('program', true, false, 0, t.length, null);
    for (const c of groups[b]!) program.children.push(rebase(c, starts[b]!));
    out[i] = program;
  });
  return out;
}

/** A copy of a subtree with every index moved back by `by` (iterative: trees can nest deeply). */
function rebase(node: TsNode, by: number): TsNode {
  const copy = (n: TsNode) => new TsNode(n.type, n.isNamed, n.isMissing, n.startIndex - by, n.endIndex - by, n.field);
  const top = copy(node);
  const stack: [TsNode, TsNode][] = [[node, top]];
  while (stack.length > 0) {
    const [from, to] = stack.pop()!;
    for (const c of from.children) {
      const d = copy(c);
      to.children.push(d);
      stack.push([c, d]);
    }
  }
  return top;
}

/** Where a syntax error is: the first ERROR or MISSING node on the way down. */
function syntaxError(root: TsNode): { why: string; at: number } {
  let n: TsNode = root;
  for (;;) {
    if (n.type === 'ERROR' || n.isMissing) return { why: n.isMissing ? `missing ${JSON.stringify(n.type)}` : 'syntax error', at: n.startIndex };
    const next = n.children.find((c) => c.hasError || c.isMissing);
    if (!next) return { why: 'syntax error', at: n.startIndex };
    n = next;
  }
}

/** Removes shell backslash escapes from a literal, as the shell does before running a command. */
function unescapeLit(raw: string, quoted: boolean): string {
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
