/**
 * `|| exit` guards. `docker cp x:/app . || exit 1`, `… || exit $?` and
 * `… || { echo "copy failed" >&2; exit 1; }` only fail the script when the commands before
 * them fail; when every one of those commands goes with a setup, the guard has nothing left
 * to guard and goes too. So does an ignored failure, `docker rmi app:build || true` (or `|| :`):
 * it only keeps the commands before it from failing the script. Only these exact shapes count:
 * anything else after `||` (a retry, a cleanup, a fallback, an `exit 0`) keeps the removal refused.
 *
 * The same guard written as the next statement, `if [ $? -ne 0 ]; then echo … >&2; exit 1; fi`
 * (`"$?"`, `!=`, `-gt`, `test` too), reads the status of the statement before it: when that goes,
 * the guard goes with it (./shell.ts), as only a failure of what went could run its body. An
 * `else`/`elif`, any other command in it, or a status kept for later (`rc=$?`) is not this shape.
 */
import type { ShellScript } from '../src/analyze/shell.js';
import type { ScriptCommand } from '../src/model/script.js';
import { addTo } from '../src/model/multimap.js';
import { dockerInvocation } from '../src/model/docker-command.js';

/** The members (unit indexes, in order) of every `&&`/`||`/`|` chain of the script. */
export function chainsOf(script: ShellScript): Map<number, number[]> {
  const chains = new Map<number, number[]>();
  script.units.forEach((u, k) => {
    if (u.chain !== null) addTo(chains, u.chain, k);
  });
  return chains;
}

/**
 * The unit of the chain's guard: its last member, joined by the chain's only `||`, when it is
 * `exit`, `exit N` (N not 0), `exit $?`, `true`, `:`, or a `{ }` group or `( )` subshell of `echo`/`printf` lines (to the
 * terminal or standard error) and removals of the setup's container (`removed`: the commands the
 * migration removes) ending in `exit N`. Null when the chain has no such guard.
 */
export function guardOfChain(script: ShellScript, members: readonly number[], removed: ReadonlySet<number>): number | null {
  if (members.length < 2) return null;
  const last = members[members.length - 1]!;
  const g = script.units[last]!;
  if (g.opBefore !== '||') return null;
  if (members.slice(1, -1).some((m) => !['&&', '|', '|&'].includes(script.units[m]!.opBefore ?? ''))) return null;
  const inside = (s: number, e: number) => s >= g.start && e <= g.stmtEnd;
  const cmds = script.commands.filter((c) => inside(c.start, c.end));
  if (cmds.length === 0) return null;
  const exit = cmds[cmds.length - 1]!;
  const text = script.text.slice(g.start, g.stmtEnd);
  // `( …; exit 1 )` fails its statement only, and the run only where that ends it (errexit, a
  // Make recipe line); as the guard of removed commands it goes as the `{ }` group does (for a
  // removal of the setup's container in it, ../src/analyze/conditions.ts asks whether it does).
  const group = text.startsWith('{') ? '}' : text.startsWith('(') && g.subshell === true ? ')' : null;
  if (group === null) {
    // A simple `exit`: the statement is the command.
    return cmds.length === 1 && exit.start === g.start && exit.end === g.stmtEnd && (isFailingExit(exit, true) || isNoop(exit)) ? last : null;
  }
  if (!text.endsWith(group) || !isFailingExit(exit, false)) return null;
  // A group: each statement in it is one of the commands, nothing else (no chains, no `$(…)`).
  const inner = script.units.filter((u, k) => k !== last && inside(u.start, u.end));
  if (inner.length !== cmds.length) return null;
  if (!inner.every((u) => cmds.some((c) => c.start === u.start && c.end === u.stmtEnd))) return null;
  return cmds.slice(0, -1).every((c) => isMessage(c) || removesContainer(c, removed)) ? last : null;
}

/**
 * `docker rm -f extract` that the migration removes: a removal of the setup's own container (a
 * removal of another container, or of a file, is no step of the setup's, or no container's).
 */
const removesContainer = (c: ScriptCommand, removed: ReadonlySet<number>) => removed.has(c.index) && dockerInvocation(c)?.verb === 'rm';

/** `true` or `:` alone, no arguments or redirects: the `|| true` that ignores a failure. */
const isNoop = (c: ScriptCommand) => (c.words[0]?.value === 'true' || c.words[0]?.value === ':') && c.words.length === 1 && c.redirects.length === 0;

/** `exit N` with N not 0; alone after `||`, also `exit` and `exit $?` (the failed command's status). */
function isFailingExit(c: ScriptCommand, alone: boolean): boolean {
  if (c.words[0]?.value !== 'exit' || c.words.length > 2 || c.redirects.length > 0) return false;
  const arg = c.words[1];
  if (!arg) return alone;
  if (arg.value !== null) return /^[0-9]+$/.test(arg.value) && Number(arg.value) % 256 !== 0;
  return alone && arg.raw === '$?';
}

/** `echo …` or `printf …`, written to the terminal or to standard error. */
function isMessage(c: ScriptCommand): boolean {
  if (c.words[0]?.value !== 'echo' && c.words[0]?.value !== 'printf') return false;
  return c.redirects.every((r) => r.op === '>&' && (r.fd === null || r.fd === '1') && r.target.value === '2');
}

/** `[ $? -ne 0 ]` or `test $? -ne 0` (also `"$?"`, `!=`, `-gt`; `0` or `"0"`), no redirects. */
function isFailedStatusTest(c: ScriptCommand): boolean {
  if (c.redirects.length > 0) return false;
  const w = c.words.map((x) => x.raw);
  const test = w[0] === '[' ? (w.length === 5 && w[4] === ']' ? w.slice(1, 4) : null) : w[0] === 'test' && w.length === 4 ? w.slice(1) : null;
  if (!test) return false;
  const [status, op, zero] = test;
  return (status === '$?' || status === '"$?"') && (op === '-ne' || op === '!=' || op === '-gt') && (zero === '0' || zero === '"0"');
}

/**
 * Whether unit `k` is `if <failed-status test>; then <messages>; exit N; fi`, exactly: one
 * condition, one then-body of `echo`/`printf` lines (to the terminal or standard error) ending in
 * a failing `exit N`, no `elif`/`else`, no redirect on the `if`.
 */
export function isStatusGuard(script: ShellScript, k: number): boolean {
  return isIfGuard(script, k, (cond) => !cond.negated && isFailedStatusTest(cond.cmd), new Set());
}

/**
 * Whether unit `k` is `if ! <removed command>; then …; exit N; fi`, the guard written around a
 * step of the setup: its body (messages, removals of the setup's container, a failing `exit N`)
 * runs only when that step failed, and goes with it.
 */
export function isNegatedStepGuard(script: ShellScript, k: number, removed: ReadonlySet<number>): boolean {
  return isIfGuard(script, k, ({ cmd, negated }) => negated && removed.has(cmd.index), removed);
}

/** The `if` guards shape: one condition statement `cond` accepts, one then-body ending in a failing exit. */
type Unit = ShellScript['units'][number];

/**
 * Unit `k` as an `if … fi` whose every statement is one of its commands (a condition may be that
 * command under `!`): its inner units, and the command each is; null for any other statement.
 */
function ifStatements(script: ShellScript, k: number): { inner: Unit[]; of: (x: Unit) => ScriptCommand | undefined } | null {
  const u = script.units[k]!;
  const text = script.text.slice(u.start, u.stmtEnd);
  if (!/^if[ \t]/.test(text) || !text.endsWith('fi')) return null;
  const inner = script.units.filter((x, j) => j !== k && x.start >= u.start && x.end <= u.stmtEnd);
  const cmds = script.commands.filter((c) => c.start >= u.start && c.end <= u.stmtEnd);
  const negation = (x: { start: number }, c: ScriptCommand) => /^![ \t]+$/.test(script.text.slice(x.start, c.start));
  const of = (x: Unit) => cmds.find((c) => c.end === x.stmtEnd && (c.start === x.start || (x.role === 'condition' && negation(x, c))));
  return inner.length !== cmds.length || inner.some((x) => x.chain !== null || !of(x)) ? null : { inner, of };
}

function isIfGuard(script: ShellScript, k: number, condOk: (c: { cmd: ScriptCommand; negated: boolean }) => boolean, removed: ReadonlySet<number>): boolean {
  const read = ifStatements(script, k);
  if (read === null) return false;
  const { inner, of } = read;
  const cond = inner.filter((x) => x.role === 'condition');
  const body = inner.filter((x) => x.role === 'body');
  if (cond.length !== 1 || body.length < 1 || cond.length + body.length !== inner.length) return false;
  if (cond[0]!.start > body[0]!.start || body.some((x) => x.list !== body[0]!.list)) return false;
  const at = (x: Unit) => of(x)!;
  const c = at(cond[0]!);
  if (!condOk({ cmd: c, negated: c.start !== cond[0]!.start })) return false;
  const last = body[body.length - 1]!;
  return isFailingExit(at(last), false) && body.slice(0, -1).every((x) => isMessage(at(x)) || removesContainer(at(x), removed));
}

/**
 * Whether unit `k` is `if <removed command>; then …; else …; exit N; fi` (or `if ! <removed
 * command>; then …; exit N; else …; fi`): the branch run when that step succeeded holds only
 * removed commands and `:`/`true`, the one run when it failed is a handler as above (messages,
 * removals of the setup's container, a failing `exit N`). Both go with the step: without it,
 * neither has anything left to do.
 */
export function isStepIfElseGuard(script: ShellScript, k: number, removed: ReadonlySet<number>): boolean {
  const read = ifStatements(script, k);
  if (read === null || read.inner.some((x) => x.group !== null)) return false;
  const { inner, of } = read;
  const cond = inner.filter((x) => x.role === 'condition');
  const body = inner.filter((x) => x.role === 'body');
  // One condition (no elif), then two bodies: the then-list and the else-list, in that order.
  if (cond.length !== 1 || cond.length + body.length !== inner.length || body.some((x) => x.start < cond[0]!.start)) return false;
  const lists = [...new Set(body.map((x) => x.list))];
  if (lists.length !== 2) return false;
  const [then, otherwise] = lists.map((l) => body.filter((x) => x.list === l).map(of) as ScriptCommand[]);
  const c = of(cond[0]!)!;
  if (!removed.has(c.index)) return false;
  const [succeeded, failed] = c.start !== cond[0]!.start ? [otherwise!, then!] : [then!, otherwise!];
  const last = failed[failed.length - 1]!;
  return (
    succeeded.every((x) => removed.has(x.index) || isNoop(x)) &&
    isFailingExit(last, false) &&
    failed.slice(0, -1).every((x) => isMessage(x) || removesContainer(x, removed))
  );
}

/** The `if ! <removed command>; then …; exit 1; fi` guards, and the if/else ones (isStepIfElseGuard), of the removed commands (unit indexes). */
export function negatedStepGuards(script: ShellScript, removed: ReadonlySet<number>): number[] {
  const out: number[] = [];
  script.units.forEach((u, k) => {
    if (u.list !== null && (isNegatedStepGuard(script, k, removed) || isStepIfElseGuard(script, k, removed))) out.push(k);
  });
  return out;
}

/** The status guards (unit indexes) that directly follow a unit in `doomed`, in the same list. */
export function statusGuardsAfter(script: ShellScript, doomed: ReadonlySet<number>): number[] {
  const byList = new Map<number, number[]>();
  script.units.forEach((u, k) => {
    if (u.list !== null) addTo(byList, u.list, k);
  });
  const out: number[] = [];
  for (const members of byList.values()) {
    for (let i = 0; i + 1 < members.length; i++) {
      if (doomed.has(members[i]!) && isStatusGuard(script, members[i + 1]!)) out.push(members[i + 1]!);
    }
  }
  return out;
}
