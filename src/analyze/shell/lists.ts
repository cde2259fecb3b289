/** Statement lists and `&&`/`||`/`|` chains: each statement, and each chain member, a deletable unit. */
import type { Branch, Redirect, ScriptCommand } from '../../model/script.js';
import type { TsNode } from '../tree-sitter.js';
import { brokenContinuation } from './continuation.js';
import { REDIRECTS, STATEMENTS } from './node-types.js';
import { failingMark } from './failing-exit.js';
import { walkCommand } from './commands.js';
import { walkCompoundRedirected, walkStmt } from './statements.js';
import { childScope, type Ctx, type ListRole, type Scope } from './types.js';
import { Untrusted, type ShellWalk } from './walk.js';

/** Where a statement ends for deletion: after the `;` or `&` that terminates it, if any. */
function unitEnd(children: readonly TsNode[], i: number): number {
  const next = children[i + 1];
  return next && !next.isNamed && (next.type === ';' || next.type === '&') ? next.endIndex : children[i]!.endIndex;
}

/** Walks a statement list (the statements among `children`): each statement is a unit of its own. */
export function walkList(w: ShellWalk, children: readonly TsNode[], scope: Scope, ctx: Ctx, role: ListRole, group: number | null = null): void {
  const list = w.listCounter++;
  for (let i = 0; i < children.length; i++) {
    const stmt = children[i]!;
    if (!STATEMENTS.has(stmt.type)) continue;
    const glued = brokenContinuation(w, children, i);
    const unit = w.script.units.length;
    const end = glued ? unitEnd(children, glued.index) : unitEnd(children, i);
    const stmtEnd = glued ? glued.node.endIndex : stmt.endIndex;
    const terminator = children[(glued ? glued.index : i) + 1];
    const background = terminator !== undefined && !terminator.isNamed && terminator.type === '&';
    w.script.units.push({ start: stmt.startIndex, end, list, top: role === 'top', role, stmtEnd, inWhile: ctx.inWhile === true, group, chain: null, opBefore: null, parent: null, ...(background ? { background } : {}) });
    walkStmt(w, stmt, scope, ctx, unit, glued?.node ?? null);
    if (glued) i = glued.index;
  }
}

/**
 * Flattens `a && b || c | d` into members, each a unit of its own within one chain, each with
 * the operator written before it. The members and their operators are the tokens in the order
 * written, however the grammar groups them, and what each member's operator means is decided
 * below from that order (a member after `|` runs when the one it reads from runs; a `&&` or `||`
 * member after everything before it). So a grouping the shell would never make is read as the
 * shell reads it: tree-sitter-bash puts `a && b 2>&1 | c` in a
 * pipeline around the list `a && b`, where `|` binds tighter than `&&` for the shell.
 */
export function walkChain(w: ShellWalk, stmt: TsNode, scope: Scope, ctx: Ctx, stmtUnit: number): void {
  const script = w.script;
  const chain = w.chainCounter++;
  const members: { stmt: TsNode; op: string | null; redirects?: TsNode[]; end?: number }[] = [];
  const flatten = (s: TsNode, op: string | null) => {
    // tree-sitter-bash reads `a || b > f` as `(a || b) > f`; the shell redirects `b` alone, the
    // last command of the list (`a | b > f` likewise).
    const body = s.type === 'redirected_statement' ? s.childForFieldName('body') : null;
    if (body && (body.type === 'list' || body.type === 'pipeline')) {
      const at = members.length;
      flatten(body, op);
      const last = members[members.length - 1];
      if (!last || members.length === at) throw new Untrusted('a redirect read around a && or || list', s.startIndex);
      last.redirects = [...(last.redirects ?? []), ...s.namedChildren.filter((c) => REDIRECTS.has(c.type))];
      last.end = s.endIndex;
      return;
    }
    if (s.type !== 'list' && s.type !== 'pipeline') {
      members.push({ stmt: s, op });
      return;
    }
    let nextOp = op;
    for (const c of s.children) {
      if (!c.isNamed) nextOp = c.type;
      else if (c.type !== 'comment') {
        flatten(c, nextOp);
        nextOp = null;
      }
    }
  };
  flatten(stmt, null);
  let afterOr = false;
  let previousLast: ScriptCommand | null = null;
  // The commands of the member before, all of them (a compound statement's too).
  let previousAll: ScriptCommand[] = [];
  const chainFirst = script.commands.length;
  let memberBranches: readonly Branch[] | undefined = ctx.branches;
  // A member run under `!` inverts its exit status: what comes after it runs on the opposite of what `on` says.
  let negatedBefore = false;
  members.forEach((m, k) => {
    const unit = script.units.length;
    const end = m.end ?? m.stmt.endIndex;
    script.units.push({ start: m.stmt.startIndex, end, list: null, top: false, role: 'body', stmtEnd: end, inWhile: ctx.inWhile === true, group: null, chain, opBefore: m.op, parent: stmtUnit });
    if (m.op === '||') afterOr = true;
    const first = script.commands.length;
    // Each side of a pipe runs in its own subshell: a `cd` there changes nothing after it.
    const piped = m.op === '|' || m.op === '|&' || members[k + 1]?.op === '|' || members[k + 1]?.op === '|&';
    const memberScope = piped ? childScope(scope) : scope;
    // An `exit` there ends that side's subshell only (./failing-exit.ts).
    const exitCtx: Ctx = piped ? { ...ctx, ...(ctx.exitScope === undefined ? { exitScope: 'subshell' as const } : {}), subshell: `${ctx.subshell ?? ''}/${m.stmt.startIndex}` } : ctx;
    // A member after `&&`/`||` runs depending on the exit status of the commands before it; a
    // member after `|` runs with the one it reads from.
    if (m.op === '&&' || m.op === '||') {
      const after = Array.from({ length: first - chainFirst }, (_, i) => chainFirst + i);
      // After `||` a member runs only when something before it failed; one ending in `exit 1` fails the script in turn.
      const failing = afterOr ? failingMark(w.text, [m.stmt], exitCtx) : {};
      memberBranches = (ctx.branches ?? []).concat({ id: `chain${chain}:${k}`, after, on: afterOr ? 'failure' : 'success', ...(negatedBefore ? { negated: true as const } : {}), ...failing });
    }
    if (m.stmt.type === 'negated_command') negatedBefore = true;
    const memberCtx = { ...exitCtx, conditional: ctx.conditional || afterOr || m.op === '||', ...(memberBranches ? { branches: memberBranches } : {}) };
    if (m.redirects) walkRedirected(w, m.stmt, m.redirects, end, memberScope, memberCtx, unit);
    else walkStmt(w, m.stmt, memberScope, memberCtx, unit, null);
    const all = script.commands.slice(first);
    const made = all.filter((c) => c.unit === unit);
    if (m.op === '|' || m.op === '|&') {
      if (previousLast && made[0]) {
        previousLast.stdout = { kind: 'pipe', to: made[0].index, ...(m.op === '|&' ? { errors: true as const } : {}) };
        made[0].stdinFrom = previousLast.index;
      } else pipeAround(w, previousAll, all, m.op, m.stmt, end, ctx.around?.length ?? 0);
    }
    previousLast = made[made.length - 1] ?? null;
    previousAll = all;
  });
}

/**
 * A pipe whose writer or reader is a compound statement (`{ …; } | tee log`, `sh build.sh |
 * while read l; do …; done`), given to every command of the writer as a redirect around it
 * (Redirect.pipe), opened before the writer's own (at `at`, after those around the whole chain):
 * the commands of the reader take what the writer's commands print.
 */
function pipeAround(w: ShellWalk, writers: readonly ScriptCommand[], readers: readonly ScriptCommand[], op: string, reader: TsNode, end: number, at: number): void {
  if (writers.length === 0 || readers.length === 0) return;
  const text = w.text.slice(reader.startIndex, end).replace(/\s+/g, ' ');
  const raw = text.length > 60 ? `${text.slice(0, 57)}...` : text;
  const pipe: Redirect = { op, fd: null, target: { value: null, symbol: raw, staticPrefix: '', raw, start: reader.startIndex, end }, pipe: readers.map((c) => c.index) };
  for (const c of writers) {
    const around = c.around ?? [];
    const k = Math.min(at, around.length);
    c.around = [...around.slice(0, k), pipe, ...around.slice(k)];
  }
}

/**
 * The last member of a chain with the redirects the grammar read around the whole chain: a
 * simple command (with its own redirects first), or a compound statement (`sh build.sh | while
 * read l; do …; done > build.log`: around its commands, as its own); anything else is not read.
 */
function walkRedirected(w: ShellWalk, stmt: TsNode, redirects: TsNode[], end: number, scope: Scope, ctx: Ctx, unit: number): void {
  const range = { startIndex: stmt.startIndex, endIndex: end };
  if (stmt.type === 'command') return walkCommand(w, range, stmt, redirects, scope, ctx, unit, null);
  const body = stmt.type === 'redirected_statement' ? stmt.childForFieldName('body') : null;
  const own = body ? stmt.namedChildren.filter((c) => REDIRECTS.has(c.type)) : [];
  if (body?.type === 'command') return walkCommand(w, range, body, [...own, ...redirects], scope, ctx, unit, null);
  const compound = body ?? stmt;
  if (COMPOUNDS.has(compound.type)) return walkCompoundRedirected(w, compound, [...own, ...redirects], scope, ctx, unit);
  throw new Untrusted('a redirect read around a && or || list', stmt.startIndex);
}

/** Statements whose commands a redirect after them is around (ScriptCommand.around). */
const COMPOUNDS = new Set(['compound_statement', 'subshell', 'while_statement', 'for_statement', 'c_style_for_statement', 'if_statement', 'case_statement']);
