/**
 * Shell adapter, reading side: parses POSIX sh / bash with mvdan/sh (the parser behind
 * shfmt, through its JavaScript build `mvdan-sh`) and reduces the file to ScriptCommands.
 *
 * Why mvdan-sh and not sh-syntax (the WASM build of the same parser): sh-syntax's JSON
 * bridge only carries statement positions (a statement's Cmd has no words), which is not
 * enough to read a docker command. mvdan-sh exposes the full syntax tree.
 *
 * Nothing from the script is executed. Variables and `cd` are followed only where their
 * values are static; everything else is marked dynamic and the linker refuses to guess.
 */
import { createRequire } from 'node:module';
import path from 'node:path/posix';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { Edit } from '../model/edits.js';
import type { Iteration, Redirect, ScriptCommand, ScriptFile, Word } from '../model/script.js';
import { LineIndex } from '../model/text.js';

/** A deletable unit: a statement in a list, or one member of an `&&`/`||`/`|` chain. */
export interface ShellUnit {
  start: number;
  end: number;
  /** Statement list the unit belongs to (units of one list share it); chain members have none. */
  list: number | null;
  /** True for the file's top-level list. */
  top: boolean;
  /** For chain members: the chain, and the operator that joins this member to the previous one. */
  chain: number | null;
  opBefore: string | null;
  /** For chain members: the unit of the whole chain statement. */
  parent: number | null;
}

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

let syntaxModule: any;
let sharedParser: any;
/** mvdan-sh is 1.5 MB of JavaScript; load it only when a shell file needs parsing. */
function syntax(): any {
  if (!syntaxModule) syntaxModule = createRequire(import.meta.url)('mvdan-sh').syntax;
  return syntaxModule;
}

interface Scope {
  vars: Map<string, string | null>;
  cwd: string | null;
}

/** Converts mvdan/sh byte offsets (UTF-8) to JavaScript string indices. */
function offsetMapper(text: string): (byteOffset: number) => number {
  if (!/[^\x00-\x7f]/.test(text)) return (b) => b;
  const map: number[] = [];
  let byte = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    const len = cp < 0x80 ? 1 : cp < 0x800 ? 2 : cp < 0x10000 ? 3 : 4;
    for (let k = 0; k < len; k++) map[byte + k] = i;
    byte += len;
    if (cp >= 0x10000) i++;
  }
  map[byte] = text.length;
  return (b) => map[b] ?? text.length;
}

export interface ShellInit {
  /** Variables known before the script starts (e.g. Makefile or CI `env:` values). */
  vars?: ReadonlyMap<string, string | null>;
  /** Working directory the script starts in; default: the script's folder. */
  cwd?: string | null;
}

export function parseShell(file: string, text: string, init: ShellInit = {}): ShellParseResult {
  const sx = syntax();
  const diagnostics: Diagnostic[] = [];
  let ast: any;
  try {
    sharedParser ??= sx.NewParser(sx.KeepComments(true), sx.Variant(sx.LangBash));
    ast = sharedParser.Parse(text, file);
  } catch (e: any) {
    const line = typeof e?.Pos?.Line === 'function' ? Number(e.Pos.Line()) : undefined;
    const message = typeof e?.Text === 'string' ? e.Text : String(e?.message ?? e);
    diagnostics.push(
      diag('SHELL_PARSE_ERROR', 'warning', `cannot parse shell script: ${message}; it was not analysed`, {
        file,
        ...(line !== undefined ? { line } : {}),
        hint: 'Fix the syntax error (check it with `sh -n`), then run the tool again.',
      }),
    );
    return { script: null, diagnostics };
  }

  const off = offsetMapper(text);
  const lines = new LineIndex(text);
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
  let listCounter = 0;
  let loopCounter = 0;
  let chainCounter = 0;

  const start = (n: any): number => off(Number(n.Pos().Offset()));
  const end = (n: any): number => off(Number(n.End().Offset()));
  const src = (n: any): string => text.slice(start(n), end(n));
  const type = (n: any): string => sx.NodeType(n);

  /** Static evaluation of one word. */
  function evalWord(word: any, scope: Scope): Word {
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
    const visit = (parts: any[], quoted: boolean) => {
      for (const p of parts) {
        switch (type(p)) {
          case 'Lit':
            addStatic(unescapeLit(String(p.Value), quoted));
            break;
          case 'SglQuoted':
            if (p.Dollar && String(p.Value).includes('\\')) addDynamic(src(p));
            else addStatic(String(p.Value));
            break;
          case 'DblQuoted':
            visit(p.Parts, true);
            break;
          case 'ParamExp':
            paramExp(p, scope, addStatic, addDynamic);
            break;
          case 'CmdSubst': {
            const inner = src(p).replace(/\s+/g, ' ');
            const symbol = /^\$\(\s*pwd\s*\)$|^`\s*pwd\s*`$/.test(inner) ? '${PWD}' : inner;
            captureSubst(p, symbol, scope);
            addDynamic(symbol);
            break;
          }
          default:
            addDynamic(src(p));
        }
      }
    };
    visit(word.Parts, false);
    // Each Pos()/End() call crosses into GopherJS (slow): read them once per word.
    const ws = start(word);
    const we = end(word);
    return { value, symbol, staticPrefix, raw: text.slice(ws, we), start: ws, end: we };
  }

  /** The commands of a `$(…)` run before the command that uses it; their output is captured. */
  let currentUnit = -1;
  let currentCtx: Ctx = { conditional: false, loop: false };
  function captureSubst(p: any, symbol: string, scope: Scope): void {
    if (currentUnit < 0) return;
    const first = script.commands.length;
    const inner: Scope = { vars: new Map(scope.vars), cwd: scope.cwd };
    for (const st of p.Stmts ?? []) walkStmt(st, inner, currentCtx, currentUnit, null);
    const made = script.commands.slice(first);
    if (made.length === 1) made[0]!.stdout = { kind: 'capture', symbol };
  }

  function paramExp(p: any, scope: Scope, addStatic: (s: string) => void, addDynamic: (s: string) => void): void {
    const name = String(p.Param?.Value ?? '');
    const plain = !p.Exp && !p.Index && !p.Slice && !p.Repl && !p.Length && !p.Excl && !p.Width;
    const known = scope.vars.get(name);
    if (plain) {
      if (known != null) addStatic(known);
      else addDynamic(`\${${name}}`);
      return;
    }
    if (p.Exp && !p.Index && !p.Slice && !p.Repl && !p.Length && !p.Excl) {
      const opStart = end(p.Param);
      const wordStart = p.Exp.Word ? start(p.Exp.Word) : end(p) - 1;
      const op = text.slice(opStart, wordStart);
      const dflt = p.Exp.Word ? evalWord(p.Exp.Word, scope).value : '';
      if (known != null && (op === ':-' || op === ':=' || op === ':?')) {
        addStatic(known === '' && dflt !== null && op !== ':?' ? dflt : known);
        return;
      }
      if (known != null && (op === '-' || op === '=' || op === '?')) {
        addStatic(known);
        return;
      }
    }
    addDynamic(src(p));
  }

  function newCommand(words: Word[], redirects: Redirect[], s: number, e: number, scope: Scope, unit: number, ctx: Ctx): ScriptCommand {
    const cmd: ScriptCommand = {
      file,
      index: script.commands.length,
      words,
      redirects,
      start: s,
      end: e,
      line: lines.lineOf(s),
      cwd: scope.cwd,
      unit,
      conditional: ctx.conditional,
      loop: ctx.loop,
      iteration: ctx.iteration ?? null,
      vars: new Map(scope.vars),
      stdout: null,
      stdinFrom: null,
    };
    script.commands.push(cmd);
    return cmd;
  }

  interface Ctx {
    conditional: boolean;
    loop: boolean;
    iteration?: Iteration;
  }

  /** Runs the effects of a simple command on the scope (assignments, cd). */
  function effects(call: any, words: Word[], scope: Scope, ctx: Ctx): void {
    const uncertain = ctx.conditional || ctx.loop;
    if (words.length === 0) {
      for (const a of call.Assigns ?? []) {
        const name = String(a.Name?.Value ?? '');
        const v = a.Value ? evalWord(a.Value, scope).value : '';
        scope.vars.set(name, uncertain || a.Append || a.Array ? null : v);
      }
      return;
    }
    const prog = words[0]!.value;
    if (prog === 'cd') {
      const arg = words[1];
      if (!arg) scope.cwd = null;
      else if (/^"?\$\(\s*dirname\s+"?\$(0|\{0\}|BASH_SOURCE(\[0\])?|\{BASH_SOURCE(\[0\])?\})"?\s*\)"?$/.test(arg.raw)) scope.cwd = uncertain ? null : scriptDir;
      else if (arg.value !== null && scope.cwd !== null && !uncertain) scope.cwd = path.normalize(path.join(scope.cwd, arg.value)).replace(/^\.$/, '').replace(/\/$/, '');
      else scope.cwd = null;
    } else if (prog === 'pushd' || prog === 'popd') {
      scope.cwd = null;
    }
  }

  function declEffects(decl: any, scope: Scope, ctx: Ctx): void {
    const uncertain = ctx.conditional || ctx.loop;
    for (const a of decl.Args ?? []) {
      if (!a.Name) continue;
      const name = String(a.Name.Value);
      const v = a.Value ? evalWord(a.Value, scope).value : a.Naked ? (scope.vars.get(name) ?? null) : '';
      scope.vars.set(name, uncertain ? null : v);
    }
  }

  function redirectsOf(stmt: any, scope: Scope): Redirect[] {
    return (stmt.Redirs ?? []).map((r: any) => {
      const opStart = off(Number(r.OpPos.Offset()));
      const target = evalWord(r.Word, scope);
      return { op: text.slice(opStart, target.start).trim(), fd: r.N ? String(r.N.Value) : null, target };
    });
  }

  /** Walks a statement list: each statement is a unit of its own. */
  function walkList(stmts: any[], scope: Scope, ctx: Ctx, top: boolean): void {
    const list = listCounter++;
    for (let i = 0; i < stmts.length; i++) {
      const stmt = stmts[i];
      const glued = brokenContinuation(stmts, i);
      const unit = script.units.length;
      const stmtStart = start(stmt);
      script.units.push({ start: stmtStart, end: end(glued ?? stmt), list, top, chain: null, opBefore: null, parent: null });
      walkStmt(stmt, scope, ctx, unit, glued);
      if (glued) i++;
    }
  }

  /**
   * The Docker documentation prints `docker build … \` with two spaces after the backslash,
   * so the next line runs as a command of its own. When a statement ends in such an escaped
   * space and the next line is visibly its continuation (indented, or starting with a flag),
   * read the two as the one command the author meant, and say so.
   */
  function brokenContinuation(stmts: any[], i: number): any | null {
    const stmt = stmts[i];
    const next = stmts[i + 1];
    if (!next) return null;
    // Cheap text test first: the statement's last line must end in a backslash and blanks.
    const stmtEnd = end(stmt);
    if (!/\\[ \t]+$/.test(text.slice(lines.lineStart(lines.lineOf(Math.max(0, stmtEnd - 1))), lines.lineEnd(lines.lineOf(Math.max(0, stmtEnd - 1)))))) return null;
    if (!stmt.Cmd || type(stmt.Cmd) !== 'CallExpr' || !next.Cmd || type(next.Cmd) !== 'CallExpr') return null;
    if ((stmt.Redirs ?? []).length > 0) return null;
    const args = stmt.Cmd.Args ?? [];
    const last = args[args.length - 1];
    if (!last || !/^\\[ \t]$/.test(src(last))) return null;
    const backslashLine = lines.lineOf(start(last));
    const rest = text.slice(end(last), lines.lineEnd(backslashLine));
    if (!/^[ \t]*$/.test(rest)) return null;
    const nextLine = lines.lineOf(start(next));
    if (nextLine !== backslashLine + 1) return null;
    const nextText = lines.lineText(nextLine);
    if (!/^[ \t]+\S|^-/.test(nextText)) return null;
    diagnostics.push(
      diag(
        'BROKEN_CONTINUATION',
        'warning',
        `the backslash at the end of line ${backslashLine} is followed by ${rest.length + 1} space(s), so line ${nextLine} runs as a separate command; read as one command, as evidently intended`,
        { file, line: backslashLine, hint: 'Delete the spaces after the backslash so the line continues.' },
      ),
    );
    return next;
  }

  function walkStmt(stmt: any, scope: Scope, ctx: Ctx, unit: number, glued: any | null): void {
    const cmd = stmt.Cmd;
    if (!cmd) return;
    switch (type(cmd)) {
      case 'CallExpr': {
        const savedUnit = currentUnit;
        const savedCtx = currentCtx;
        currentUnit = unit;
        currentCtx = ctx;
        // `id=$(docker create …)`: the captured output is read later as `${id}`.
        const argNodes: any[] = cmd.Args ?? [];
        if (argNodes.length === 0) {
          for (const a of cmd.Assigns ?? []) {
            const parts = a.Value?.Parts ?? [];
            const only = parts.length === 1 && type(parts[0]) === 'CmdSubst' ? parts[0] : parts.length === 1 && type(parts[0]) === 'DblQuoted' && parts[0].Parts?.length === 1 && type(parts[0].Parts[0]) === 'CmdSubst' ? parts[0].Parts[0] : null;
            const before = script.commands.length;
            if (only) {
              const inner: Scope = { vars: new Map(scope.vars), cwd: scope.cwd };
              for (const st of only.Stmts ?? []) walkStmt(st, inner, ctx, unit, null);
              const made = script.commands.slice(before);
              if (made.length === 1) made[0]!.stdout = { kind: 'capture', symbol: `\${${String(a.Name?.Value ?? '')}}` };
            }
          }
        }
        let words: Word[] = argNodes.map((w: any) => evalWord(w, scope));
        currentUnit = savedUnit;
        currentCtx = savedCtx;
        let redirects = redirectsOf(stmt, scope);
        let e = end(stmt);
        if (glued) {
          words = words.slice(0, -1).concat((glued.Cmd.Args ?? []).map((w: any) => evalWord(w, scope)));
          redirects = redirects.concat(redirectsOf(glued, scope));
          e = end(glued);
        }
        if (words.length > 0) {
          const c = newCommand(words, redirects, start(stmt), e, scope, unit, ctx);
          if (glued) {
            const args = argNodes;
            const last = args[args.length - 1];
            const bs = start(last);
            // Repair: keep the backslash, drop the spaces after it.
            script.continuationRepairs.set(c.index, [{ start: bs + 1, end: lines.lineEnd(lines.lineOf(bs)), text: '' }]);
          }
        }
        // Assignments are evaluated for their values only: their `$(…)` commands were walked above.
        const saved = currentUnit;
        currentUnit = -1;
        effects(cmd, words, scope, ctx);
        currentUnit = saved;
        return;
      }
      case 'DeclClause':
        declEffects(cmd, scope, ctx);
        return;
      case 'BinaryCmd':
        walkChain(stmt, scope, ctx, unit);
        return;
      case 'Subshell': {
        const inner: Scope = { vars: new Map(scope.vars), cwd: scope.cwd };
        walkList(cmd.Stmts ?? [], inner, ctx, false);
        return;
      }
      case 'Block':
        walkList(cmd.Stmts ?? [], scope, ctx, false);
        return;
      case 'IfClause': {
        let clause = cmd;
        const cond: Ctx = { ...ctx, conditional: true };
        while (clause) {
          walkList(clause.Cond ?? [], scope, ctx, false);
          walkList(clause.Then ?? [], scope, cond, false);
          clause = clause.Else;
        }
        return;
      }
      case 'WhileClause':
        walkList(cmd.Cond ?? [], scope, { ...ctx, loop: true }, false);
        walkList(cmd.Do ?? [], scope, { ...ctx, loop: true }, false);
        return;
      case 'ForClause': {
        const loopVar = cmd.Loop && type(cmd.Loop) === 'WordIter' ? String(cmd.Loop.Name.Value) : null;
        // `for svc in api worker`: with static items the body is read once per item, the loop
        // variable bound, so each service's setup can be followed (and all must agree).
        // The items are expanded (and their `$(…)` run) once, before the first pass.
        const savedUnit = currentUnit;
        currentUnit = unit;
        const items: Word[] = loopVar ? (cmd.Loop.Items ?? []).map((w: any) => evalWord(w, scope)) : [];
        currentUnit = savedUnit;
        if (loopVar && !ctx.iteration && items.length > 0 && items.every((w) => w.value !== null)) {
          const values = items.flatMap((w) => (/['"\\]/.test(w.raw) ? [w.value!] : w.value!.split(/\s+/).filter(Boolean)));
          const loop = loopCounter++;
          for (const v of values) {
            const inner: Scope = { vars: new Map(scope.vars), cwd: scope.cwd };
            inner.vars.set(loopVar, v);
            walkList(cmd.Do ?? [], inner, { ...ctx, loop: true, iteration: { loop, label: `${loopVar}=${v}`, count: values.length } }, false);
          }
          scope.vars.set(loopVar, null);
          return;
        }
        if (loopVar) scope.vars.set(loopVar, null);
        walkList(cmd.Do ?? [], scope, { ...ctx, loop: true }, false);
        return;
      }
      case 'CaseClause':
        for (const item of cmd.Items ?? []) walkList(item.Stmts ?? [], scope, { ...ctx, conditional: true }, false);
        return;
      case 'FuncDecl':
        // A function body runs when (and as often as) it is called: treat it as conditional.
        walkStmt(cmd.Body, { vars: new Map(scope.vars), cwd: scope.cwd }, { ...ctx, conditional: true }, unit, null);
        return;
      default:
        return;
    }
  }

  /** Flattens `a && b || c | d` into members, each a unit of its own within one chain. */
  function walkChain(stmt: any, scope: Scope, ctx: Ctx, stmtUnit: number): void {
    const chain = chainCounter++;
    const members: { stmt: any; op: string | null }[] = [];
    const flatten = (s: any, op: string | null) => {
      const c = s.Cmd;
      if (c && type(c) === 'BinaryCmd' && (s.Redirs ?? []).length === 0 && !s.Negated) {
        const opText = text.slice(off(Number(c.OpPos.Offset())), off(Number(c.OpPos.Offset())) + 2).replace(/[^&|]/g, '');
        flatten(c.X, op);
        flatten(c.Y, opText === '|&' || opText === '|' ? opText : opText.slice(0, 2));
      } else {
        members.push({ stmt: s, op });
      }
    };
    flatten(stmt, null);
    let afterOr = false;
    let previousLast: ScriptCommand | null = null;
    for (const m of members) {
      const unit = script.units.length;
      script.units.push({ start: start(m.stmt), end: end(m.stmt), list: null, top: false, chain, opBefore: m.op, parent: stmtUnit });
      if (m.op === '||') afterOr = true;
      const first = script.commands.length;
      // Each side of a pipe runs in its own subshell: a `cd` there changes nothing after it.
      const piped = m.op === '|' || m.op === '|&' || members[members.indexOf(m) + 1]?.op === '|';
      const memberScope = piped ? { vars: new Map(scope.vars), cwd: scope.cwd } : scope;
      walkStmt(m.stmt, memberScope, { ...ctx, conditional: ctx.conditional || afterOr || m.op === '||' }, unit, null);
      const made = script.commands.slice(first).filter((c) => c.unit === unit);
      if (previousLast && (m.op === '|' || m.op === '|&') && made[0]) {
        previousLast.stdout = { kind: 'pipe', to: made[0].index };
        made[0].stdinFrom = previousLast.index;
      }
      previousLast = made[made.length - 1] ?? null;
    }
  }

  const top: Scope = { vars: new Map(init.vars ?? []), cwd: init.cwd !== undefined ? init.cwd : scriptDir };
  walkList(ast.Stmts ?? [], top, { conditional: false, loop: false }, true);
  script.final = { vars: top.vars, cwd: top.cwd };
  return { script, diagnostics };
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
