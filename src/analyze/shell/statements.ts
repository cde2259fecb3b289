/** One statement of any kind (command, assignment, `if`, loop, `case`, function…) walked into the script. */
import type { TsNode } from '../tree-sitter.js';
import { assignments, declaration } from './assignments.js';
import { forgetStack, stackBalanced } from './dir-stack.js';
import { patternListing, testCommand, walkCommand } from './commands.js';
import { walkChain, walkList } from './lists.js';
import { REDIRECTS, STATEMENTS } from './node-types.js';
import { failingMark } from './failing-exit.js';
import { childScope, setVar, type Ctx, type Scope } from './types.js';
import { nested, src, type ShellWalk } from './walk.js';
import { evalWord } from './words.js';
import { holdsFolder, isFolderValue, wordInCwd } from '../script-folder.js';
import { redirectOf } from './redirects.js';
import type { Redirect, Word } from '../../model/script.js';

/** Redirect operators that only read: `<`, and `<&` of a descriptor (read as no file). */
const INPUT_OPS = new Set(['<']);

/** An output redirect of a compound statement, read where the compound opens it (its `$(…)` run there). */
function aroundRedirect(w: ShellWalk, r: TsNode, scope: Scope, unit: number, ctx: Ctx): Redirect[] {
  const saved = [w.currentUnit, w.currentCtx] as const;
  [w.currentUnit, w.currentCtx] = [unit, ctx];
  try {
    return redirectOf(w, r, scope).map((x) => (isFolderValue(x.target.value) ? { ...x, target: wordInCwd(x.target, scope.cwd) } : x));
  } finally {
    [w.currentUnit, w.currentCtx] = saved;
  }
}

/** Item words quoted whole: the shell expands no pattern in them. */
const QUOTED = new Set(['string', 'raw_string', 'ansi_c_string']);

/** A compound statement (`{ }`, `( )`, a loop, an `if`…) with `redirects` after it. */
export function walkCompoundRedirected(w: ShellWalk, body: TsNode, redirects: readonly TsNode[], scope: Scope, ctx: Ctx, unit: number): void {
  // `done < <(ls dist)`, `} < dist/app.conf`: each command inside reads that input.
  const inputs = redirects.filter((c) => c.type === 'file_redirect' && INPUT_OPS.has(c.children.find((k) => !k.isNamed)?.type ?? ''));
  // `} > build.log 2>&1`: opened once, around every command inside (ScriptCommand.around).
  const outputs = redirects.filter((c) => c.type === 'file_redirect' && !inputs.includes(c));
  const around = outputs.length > 0 ? [...(ctx.around ?? []), ...outputs.flatMap((r) => aroundRedirect(w, r, scope, unit, ctx))] : ctx.around;
  walkStmt(w, body, scope, { ...ctx, ...(inputs.length > 0 ? { inputs: [...(ctx.inputs ?? []), ...inputs] } : {}), ...(around ? { around } : {}) }, unit, null);
}

export function walkStmt(w: ShellWalk, stmt: TsNode, scope: Scope, ctx: Ctx, unit: number, glued: TsNode | null): void {
  nested(w, stmt, () => walkStmtIn(w, stmt, scope, ctx, unit, glued));
}

function walkStmtIn(w: ShellWalk, stmt: TsNode, scope: Scope, ctx: Ctx, unit: number, glued: TsNode | null): void {
  switch (stmt.type) {
    case 'command':
      walkCommand(w, stmt, stmt, [], scope, ctx, unit, glued);
      return;
    case 'redirected_statement': {
      const body = stmt.childForFieldName('body');
      if (!body) return;
      if (body.type === 'command') walkCommand(w, stmt, body, stmt.namedChildren.filter((c) => REDIRECTS.has(c.type)), scope, ctx, unit, null);
      // `! docker cp x:/a - > a.tar`: tree-sitter-bash reads the redirect around the `!`; the shell gives it to the command.
      else if (body.type === 'negated_command' && body.namedChildren.find((c) => STATEMENTS.has(c.type))?.type === 'command') {
        const inner = body.namedChildren.find((c) => STATEMENTS.has(c.type))!;
        walkCommand(w, { startIndex: inner.startIndex, endIndex: stmt.endIndex }, inner, stmt.namedChildren.filter((c) => REDIRECTS.has(c.type)), scope, ctx, unit, null);
      }
      // `a || b > f`: the redirect is the last command's (src/analyze/shell/lists.ts).
      else if (body.type === 'list' || body.type === 'pipeline') walkChain(w, stmt, scope, ctx, unit);
      else walkCompoundRedirected(w, body, stmt.namedChildren.filter((c) => REDIRECTS.has(c.type)), scope, ctx, unit);
      return;
    }
    case 'variable_assignment':
      assignments(w, [stmt], scope, ctx, unit);
      return;
    case 'variable_assignments':
      assignments(w, stmt.namedChildren.filter((c) => c.type === 'variable_assignment'), scope, ctx, unit);
      return;
    case 'declaration_command':
      declaration(w, stmt, scope, ctx, unit);
      return;
    case 'unset_command':
      for (const n of stmt.namedChildren) if (n.type === 'variable_name' || n.type === 'word') setVar(scope, src(w, n), null);
      return;
    case 'negated_command': {
      const inner = stmt.namedChildren.find((c) => STATEMENTS.has(c.type));
      if (inner) walkStmt(w, inner, scope, ctx, unit, null);
      return;
    }
    case 'list':
    case 'pipeline':
      walkChain(w, stmt, scope, ctx, unit);
      return;
    case 'subshell':
      // An `exit` inside ends the subshell only (./failing-exit.ts).
      w.script.units[unit]!.subshell = true;
      walkList(w, stmt.children, childScope(scope), { ...ctx, ...(ctx.exitScope === 'substitution' ? {} : { exitScope: 'subshell' as const }), subshell: `${ctx.subshell ?? ''}/${stmt.startIndex}` }, 'body', unit);
      return;
    case 'compound_statement':
      walkList(w, stmt.children, scope, ctx, 'body', unit);
      return;
    case 'if_statement': {
      const cond: Ctx = { ...ctx, conditional: true };
      // Each branch records the condition lists that decide it: those before it failed, its own succeeded.
      const failed: { cmds: number[]; want: boolean }[] = [];
      const branch = (part: string, own: { cmds: number[]; want: boolean } | null, failing: ReturnType<typeof failingMark> = {}): Ctx => ({
        ...cond,
        branches: (ctx.branches ?? []).concat({ id: `if${stmt.startIndex}:${part}`, when: own ? [...failed, own] : [...failed], ...failing }),
      });
      // The one condition runs a command not under `!` (`if docker cp …; then`): an else runs only when it failed.
      let plainCondition = false;
      const clauses = [clause(stmt), ...stmt.namedChildren.filter((c) => c.type === 'elif_clause').map(clause)];
      clauses.forEach((c, k) => {
        // A later elif's condition runs only when the conditions before it failed.
        const first = w.script.commands.length;
        walkList(w, c.cond, scope, k === 0 ? ctx : { ...branch(`cond${k}`, null), conditional: ctx.conditional }, 'condition');
        const cmds = Array.from({ length: w.script.commands.length - first }, (_, i) => first + i);
        // `if ! cmd; then`: the condition's exit status is the opposite of its last command's.
        const lastCond = c.cond.filter((n) => STATEMENTS.has(n.type)).pop();
        const negated = lastCond?.type === 'negated_command';
        // `if ! cmd; then …; exit 1; fi`: the body runs only when cmd failed, and fails the script in turn.
        walkList(w, c.body, scope, branch(`${k}`, { cmds, want: !negated }, k === 0 && negated ? failingMark(w.text, c.body, ctx) : {}), 'body');
        failed.push({ cmds, want: negated });
        plainCondition = clauses.length === 1 && !negated;
      });
      // `if cmd; then …; else …; exit 1; fi`: the else runs only when cmd failed, and fails the script in turn.
      const otherwise = stmt.namedChildren.find((c) => c.type === 'else_clause');
      if (otherwise) walkList(w, otherwise.children, scope, branch('else', null, plainCondition ? failingMark(w.text, otherwise.children, ctx) : {}), 'body');
      return;
    }
    case 'while_statement': {
      const body = stmt.childForFieldName('body');
      const loop = { ...ctx, loop: true, inWhile: true, branches: (ctx.branches ?? []).concat({ id: `loop${stmt.startIndex}` }) };
      walkList(w, stmt.children.filter((c) => c !== body), scope, loop, 'condition');
      if (body) walkList(w, body.children, scope, loop, 'body');
      return;
    }
    case 'for_statement': {
      const variable = stmt.childForFieldName('variable');
      const body = stmt.childForFieldName('body');
      const bodyKids = body?.children ?? [];
      const loopVar = variable ? src(w, variable) : null;
      // `for svc in api worker`: with static items the body is read once per item, the loop
      // variable bound, so each service's setup can be followed (and all must agree).
      // The items are expanded (and their `$(…)` run) once, before the first pass.
      const savedUnit = w.currentUnit;
      w.currentUnit = unit;
      const itemNodes = loopVar ? stmt.childrenForFieldName('value') : [];
      const items: Word[] = itemNodes.flatMap((n) => listFields(w, n, scope) ?? [evalWord(w, n, scope, true)]);
      w.currentUnit = savedUnit;
      // `for f in *`, `for f in out/*.tar.gz`, `for f in $PATTERN`: the shell expands the pattern
      // into the names it matches, so the variable holds those (a `"$f"` in the body names them),
      // not the pattern's text; which names they are is only known at run time.
      const expanded = items.some((word, k) => word.value !== null && /[*?[]/.test(word.value) && !QUOTED.has(itemNodes[k]!.type));
      // (the expansion lists the folders: a read of what they hold, ./commands.ts patternListing)
      patternListing(w, items.filter((word) => word.pattern === true), scope, ctx, unit);
      if (loopVar && !ctx.iteration && items.length > 0 && !expanded && items.every((word) => word.value !== null)) {
        const values = items.flatMap((word) => (/['"\\]/.test(word.raw) ? [word.value!] : word.value!.split(/\s+/).filter(Boolean)));
        const loop = w.loopCounter++;
        const passes: Scope[] = [];
        for (const v of values) {
          const inner: Scope = childScope(scope);
          setVar(inner, loopVar, v);
          walkList(w, bodyKids, inner, { ...ctx, loop: true, iteration: { loop, label: `${loopVar}=${v}`, count: values.length } }, 'body');
          passes.push(inner);
        }
        passes.forEach((inner) => afterPass(scope, inner));
        setVar(scope, loopVar, null);
        return;
      }
      if (loopVar) setVar(scope, loopVar, null);
      // Items not known: the body may run any number of times, none included.
      walkList(w, bodyKids, scope, { ...ctx, loop: true, branches: (ctx.branches ?? []).concat({ id: `loop${stmt.startIndex}` }) }, 'body');
      return;
    }
    case 'c_style_for_statement':
      walkList(w, stmt.childForFieldName('body')?.children ?? [], scope, { ...ctx, loop: true, branches: (ctx.branches ?? []).concat({ id: `loop${stmt.startIndex}` }) }, 'body');
      return;
    case 'case_statement': {
      // The word matched (`case "$(ls dist)" in`) is expanded first: its `$(…)` run then.
      const inAt = stmt.children.find((c) => !c.isNamed && c.type === 'in')?.startIndex ?? stmt.endIndex;
      const [savedUnit, savedCtx] = [w.currentUnit, w.currentCtx];
      [w.currentUnit, w.currentCtx] = [unit, ctx];
      for (const v of stmt.namedChildren.filter((c) => c.endIndex <= inAt && c.type !== 'comment')) evalWord(w, v, scope);
      [w.currentUnit, w.currentCtx] = [savedUnit, savedCtx];
      stmt.namedChildren.filter((c) => c.type === 'case_item').forEach((item, k) => {
        const close = item.children.findIndex((c) => !c.isNamed && c.type === ')');
        walkList(w, item.children.slice(close + 1), scope, { ...ctx, conditional: true, branches: (ctx.branches ?? []).concat({ id: `case${stmt.startIndex}:${k}` }) }, 'body');
      });
      return;
    }
    case 'test_command':
      testCommand(w, stmt, scope, ctx, unit);
      return;
    case 'function_definition': {
      // A function body runs when (and as often as) it is called: treat it as conditional.
      const body = stmt.childForFieldName('body');
      const fnName = stmt.childForFieldName('name');
      if (fnName) w.functions.add(src(w, fnName));
      if (fnName && body) w.functionBodies.set(src(w, fnName), body);
      // Its body's commands are found by this branch when the function is called (src/analyze/later-uses.ts).
      if (fnName) (w.script.functions ??= new Map()).set(src(w, fnName), `fn${stmt.startIndex}`);
      w.bodyFolders.set(`fn${stmt.startIndex}`, scope.cwd);
      // Its `{ }` or `( )` is the function's body, not a group that can go: the name must stay defined.
      const fnBranch = { id: `fn${stmt.startIndex}`, ...(fnName ? { where: `in the body of the function ${src(w, fnName)}` } : {}) };
      const fnCtx = { ...ctx, conditional: true, branches: (ctx.branches ?? []).concat(fnBranch), certainIn: `fn${stmt.startIndex}` };
      const fnScope = { ...childScope(scope), dirs: [] };
      if (body && (body.type === 'compound_statement' || body.type === 'subshell')) nested(w, body, () => walkList(w, body.children, fnScope, fnCtx, 'body'));
      else if (body) walkStmt(w, body, fnScope, fnCtx, unit, null);
      // Its `pushd`s each undone by a `popd` on every path: a call comes back to the folder it was made in (./function-folders.ts).
      if (fnName) {
        if (scope.cwd !== null && fnScope.cwd === scope.cwd && stackBalanced(fnScope)) w.returnsHome.add(src(w, fnName));
        else w.returnsHome.delete(src(w, fnName));
      }
      return;
    }
    default:
      return;
  }
}

/**
 * What one pass of a loop read with its items bound did to the shell the commands after the loop
 * run in: a variable it assigned, the folder it moved to, a `pushd` it left undone, is only known
 * at run time there (each pass was read from the state before the loop); what it exported stays
 * exported.
 */
function afterPass(scope: Scope, inner: Scope): void {
  for (const [name, value] of inner.vars) {
    if (scope.vars.get(name) !== value || !scope.vars.has(name) || inner.versions.of.get(name) !== scope.versions.of.get(name)) setVar(scope, name, null);
  }
  for (const name of inner.versions.exported) scope.versions.exported.add(name);
  if (inner.cwd !== scope.cwd) scope.cwd = null;
  if ((inner.dirs?.length ?? 0) !== (scope.dirs?.length ?? 0)) forgetStack(scope);
}

/** The lists of an `if`/`elif` clause: its condition and its body. */
function clause(node: TsNode): { cond: TsNode[]; body: TsNode[] } {
  const kids = node.children;
  const then = kids.findIndex((c) => !c.isNamed && c.type === 'then');
  const stop = kids.findIndex((c) => c.type === 'elif_clause' || c.type === 'else_clause' || (!c.isNamed && c.type === 'fi'));
  return { cond: kids.slice(0, then < 0 ? 0 : then), body: then < 0 ? [] : kids.slice(then + 1, stop < 0 ? kids.length : stop) };
}

/**
 * A `for` item that is one unquoted variable whose value is known (`for s in $SERVICES` after
 * `SERVICES="api web"`), with IFS left as it starts: the fields the shell splits it into, each
 * an item. Null for any other item (read as one word, or one only known at run time).
 */
function listFields(w: ShellWalk, n: TsNode, scope: Scope): Word[] | null {
  const plain = n.type === 'simple_expansion' || (n.type === 'expansion' && n.children.length === 3);
  if (!plain || scope.vars.has('IFS')) return null;
  const nameNode = n.type === 'simple_expansion' ? n.namedChildren[0] : n.children[1];
  if (!nameNode || nameNode.type !== 'variable_name') return null;
  const known = scope.vars.get(src(w, nameNode));
  // (a folder value holds the script's folder: known, but not as the text the shell splits)
  if (typeof known !== 'string' || holdsFolder(known)) return null;
  const raw = src(w, n);
  return known
    .split(/[ \t\n]+/)
    .filter((f) => f !== '')
    .map((f) => (/[*?[]/.test(f) ? { value: f, symbol: f, staticPrefix: f, raw, start: n.startIndex, end: n.endIndex, pattern: true } : { value: f, symbol: f, staticPrefix: f, raw, start: n.startIndex, end: n.endIndex }));
}
