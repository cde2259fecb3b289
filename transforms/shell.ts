/**
 * Shell adapter, writing side: maps "remove these commands" back into shell syntax.
 * A command alone on its lines loses its lines; one of several on a line loses itself and
 * its `;`; one member of an `&&` chain loses itself and its operator. A body the removal
 * would empty (then/else/do, `{ }`, `( )`, a case arm, a function) keeps a `:` in the place of
 * its last statement, before that statement's own terminator, so every one-line form stays
 * valid; a `{ }` or `( )` group emptied whole goes whole. Where removal would change what the rest means (inside `||`, half a pipe, the
 * condition of an `if`/`while`/`until`, a `while`/`until` loop that may wait for what the
 * removed command did) it refuses instead of guessing; the one `||` it
 * removes is a guard whose only job was failing with the removed commands (see guards.ts).
 */
import { shellQuote } from '../src/model/shell-quote.js';
import type { ShellScript } from '../src/analyze/shell.js';
import type { Edit } from '../src/model/edits.js';
import type { ScriptAdapter } from '../src/model/script.js';
import { isBlank } from '../src/model/text.js';
import { guardOfChain, chainsOf, negatedStepGuards, statusGuardsAfter } from './guards.js';
import { deleteLines } from './lines.js';
import { addTo } from '../src/model/multimap.js';

export const shellAdapter: ScriptAdapter<ShellScript> = {
  kind: 'shell',
  deleteCommands,
  companions: guardCommands,
  quote: shellQuote,
  repairs: (script, index) => script.continuationRepairs.get(index) ?? [],
  encode: (_script, _index, text) => text,
  replaceWord: (script, index, word, value) => {
    const w = script.commands[index]!.words[word]!;
    return [{ start: w.start, end: w.end, text: shellQuote(value) }];
  },
  insertWords: (script, index, after, words) => {
    const at = script.commands[index]!.words[after]!.end;
    return [{ start: at, end: at, text: ` ${words.map((w) => w.raw).join(' ')}` }];
  },
  replaceCommand: (script, index, words) => {
    const cmd = script.commands[index]!;
    const text = words.map((w) => ('value' in w ? shellQuote(w.value) : 'env' in w ? `${w.env}=${shellQuote(w.to)}` : script.text.slice(w.copy.start, w.copy.end))).join(' ');
    return [{ start: cmd.start, end: cmd.end, text }];
  },
};


function deleteCommands(script: ShellScript, indices: readonly number[]): Edit[] | { error: string } {
  const units = script.units;
  const removed = new Set(indices);
  const doomed = new Set<number>();
  for (const i of indices) {
    const c = script.commands[i];
    if (c) doomed.add(c.unit);
  }

  // A chain whose members all go is removed as one statement; so is one whose members all go
  // but a `|| exit 1` guard that only failed the script when they failed.
  const chains = chainsOf(script);
  // A `{ }` or `( )` group whose statements all go is removed whole.
  const groups = new Map<number, number[]>();
  units.forEach((u, k) => {
    if (u.group !== null) addTo(groups, u.group, k);
  });
  let changed = true;
  while (changed) {
    changed = false;
    for (const [group, members] of groups) {
      if (!doomed.has(group) && members.every((m) => doomed.has(m))) {
        members.forEach((m) => doomed.delete(m));
        doomed.add(group);
        changed = true;
      }
    }
    for (const members of chains.values()) {
      const parent = units[members[0]!]!.parent!;
      const guard = guardOfChain(script, members, removed);
      if (!doomed.has(parent) && members.every((m) => doomed.has(m) || m === guard)) {
        members.forEach((m) => doomed.delete(m));
        doomed.add(parent);
        changed = true;
      }
    }
  }

  // A guard statement whose every inner command goes, goes whole instead of command by command.
  const goWhole = (g: number) => {
    const u = units[g]!;
    const inner = units.map((x, j) => j).filter((j) => j !== g && units[j]!.start >= u.start && units[j]!.end <= u.stmtEnd);
    if (!inner.every((j) => doomed.has(j))) return;
    inner.forEach((j) => doomed.delete(j));
    doomed.add(g);
  };
  // An `if [ $? -ne 0 ]; then …; exit 1; fi` right after a removed statement goes with it (its
  // commands are companions: guardCommands); so does an `if ! <removed step>; then …; exit 1; fi`,
  // whose body runs only when that step failed.
  for (const g of statusGuardsAfter(script, doomed)) goWhole(g);
  for (const g of negatedStepGuards(script, removed)) goWhole(g);

  // Removing a command from a condition changes which branch runs, or whether a loop ends.
  for (const k of doomed) {
    const u = units[k]!;
    const owner = u.parent !== null ? units[u.parent]! : u;
    if (owner.role === 'condition') return { error: `line ${script.lines.lineOf(u.start)}: cannot remove a command from the condition of an if, while or until` };
    // A while/until loop repeats until it sees what its body did: without the body's docker
    // steps it may never end.
    if (u.inWhile) return { error: `line ${script.lines.lineOf(u.start)}: cannot remove a command from a while or until loop, whose end may wait for what the command did` };
  }

  // A statement that reads `$?` right after a removed one would read another command's status
  // (`command -v upx`, failing, before the removed `docker cp`; then `rc=$?`).
  const byList = new Map<number, number[]>();
  units.forEach((u, k) => {
    if (u.list !== null) addTo(byList, u.list, k);
  });
  for (const members of byList.values()) {
    for (let k = 0; k + 1 < members.length; k++) {
      const next = units[members[k + 1]!]!;
      const read = doomed.has(members[k]!) && !doomed.has(members[k + 1]!) ? readsStatus(script.text.slice(next.start, next.stmtEnd)) : null;
      if (read) return { error: `line ${script.lines.lineOf(next.start)}: reads \`${read.name}\`, ${read.what} before it, which the migration removes` };
    }
  }

  const edits: Edit[] = [];
  for (const members of chains.values()) {
    const gone = members.filter((m) => doomed.has(m));
    if (gone.length === 0) continue;
    const ops = members.slice(1).map((m) => units[m]!.opBefore);
    // Pipe groups: members joined by `|` stand or fall together.
    const groups: number[][] = [];
    members.forEach((m, k) => {
      if (k > 0 && (units[m]!.opBefore === '|' || units[m]!.opBefore === '|&')) groups[groups.length - 1]!.push(m);
      else groups.push([m]);
    });
    for (const g of groups) {
      const n = g.filter((m) => doomed.has(m)).length;
      if (n > 0 && n < g.length) return { error: `line ${script.lines.lineOf(units[g[0]!]!.start)}: cannot remove one side of a pipe` };
    }
    if (ops.some((o) => o === '||')) {
      return { error: `line ${script.lines.lineOf(units[members[0]!]!.start)}: cannot remove a command from a chain that uses ||` };
    }
    // Pure deletions (no rewritten text), so embedded hosts can map them back without re-encoding:
    // a removed run of groups goes with the separator before it, or after it when it leads.
    const gone_ = (g: number[]) => doomed.has(g[0]!);
    for (let i = 0; i < groups.length; ) {
      if (!gone_(groups[i]!)) {
        i++;
        continue;
      }
      let j = i;
      while (j + 1 < groups.length && gone_(groups[j + 1]!)) j++;
      const first = units[groups[i]![0]!]!;
      const last = units[groups[j]![groups[j]!.length - 1]!]!;
      if (i === 0) {
        const next = units[groups[j + 1]![0]!]!;
        edits.push({ start: first.start, end: next.start, text: '' });
      } else {
        const prev = units[groups[i - 1]![groups[i - 1]!.length - 1]!]!;
        edits.push({ start: prev.end, end: last.end, text: '' });
      }
      i = j + 1;
    }
  }

  // Statements in lists.
  const lines = new Set<number>();
  for (const [, members] of byList) {
    const gone = members.filter((m) => doomed.has(m));
    if (gone.length === 0) continue;
    const emptied = gone.length === members.length && !units[members[0]!]!.top;
    for (const m of gone) {
      const u = units[m]!;
      if (emptied && m === gone[gone.length - 1]) {
        // A body must not become empty: the no-op `:` takes the statement's place, and the
        // `;` or `&` that terminated it stays (`then :; fi`, `{ :; }`, `do :; done`).
        edits.push({ start: u.start, end: u.stmtEnd, text: ':' });
        continue;
      }
      const first = script.lines.lineOf(u.start);
      const last = script.lines.lineOf(Math.max(u.start, u.end - 1));
      const before = script.text.slice(script.lines.lineStart(first), u.start);
      const after = script.text.slice(u.end, script.lines.lineEnd(last));
      if (isBlank(before) && (isBlank(after) || after.trimStart().startsWith('#'))) {
        for (let l = first; l <= last; l++) lines.add(l);
        continue;
      }
      const k = members.indexOf(m);
      const prev = k > 0 ? units[members[k - 1]!]! : null;
      if (prev && script.lines.lineOf(Math.max(prev.start, prev.end - 1)) === first && !doomed.has(members[k - 1]!)) {
        edits.push({ start: prev.end, end: u.end, text: '' });
      } else {
        let e = u.end;
        while (e < script.text.length && (script.text[e] === ' ' || script.text[e] === '\t')) e++;
        edits.push({ start: u.start, end: e, text: '' });
      }
    }
  }
  // Inline edits on lines that are deleted whole are redundant.
  const lineEdits = deleteLines(script.text, lines);
  const inline = edits.filter((e) => !lineEdits.some((d) => e.start >= d.start && e.end <= d.end));
  return [...inline, ...lineEdits];
}

/** The commands of the `|| exit` guards that go with the removed commands (see guards.ts). */
function guardCommands(script: ShellScript, indices: readonly number[]): number[] {
  const doomedUnits = new Set(indices.map((i) => script.commands[i]?.unit).filter((u): u is number => u !== undefined));
  const removed = new Set(indices);
  const out: number[] = [];
  for (const members of chainsOf(script).values()) {
    const guard = guardOfChain(script, members, removed);
    if (guard === null || !members.every((m) => m === guard || doomedUnits.has(m))) continue;
    const g = script.units[guard]!;
    for (const c of script.commands) if (c.start >= g.start && c.end <= g.stmtEnd) out.push(c.index);
  }
  // A status guard after a removed statement (a whole statement: a chain's parent or a lone command).
  const whole = new Set([...doomedUnits].map((k) => script.units[k]!.parent ?? k).filter((k) => script.units[k]!.list !== null && isWhole(script, k, doomedUnits)));
  for (const g of statusGuardsAfter(script, whole)) {
    const u = script.units[g]!;
    for (const c of script.commands) if (c.start >= u.start && c.end <= u.stmtEnd) out.push(c.index);
  }
  // The body of an `if ! <removed step>; then …; exit 1; fi`.
  for (const g of negatedStepGuards(script, removed)) {
    const u = script.units[g]!;
    for (const c of script.commands) if (c.start >= u.start && c.end <= u.stmtEnd) out.push(c.index);
  }
  return out;
}

/** Whether statement `k` goes whole: it is removed, or every member of its chain is. */
function isWhole(script: ShellScript, k: number, doomed: ReadonlySet<number>): boolean {
  if (doomed.has(k)) return true;
  const members = script.units.map((u, j) => (u.parent === k ? j : -1)).filter((j) => j >= 0);
  return members.length > 0 && members.every((j) => doomed.has(j));
}

/**
 * What a statement's text expands of the command before it, anywhere: `$?` (or `${?}`), its exit
 * status; `PIPESTATUS` (`${PIPESTATUS[0]}`), the statuses of its pipeline's commands; `$_` (or
 * `${_}`), its last word. Null when none.
 */
function readsStatus(text: string): { name: string; what: string } | null {
  if (text.includes('$?') || text.includes('${?}')) return { name: '$?', what: 'the exit status of the command' };
  if (/\bPIPESTATUS\b/.test(text)) return { name: 'PIPESTATUS', what: 'the exit statuses of the pipeline' };
  if (/\$_(?![A-Za-z0-9_])|\$\{_\}/.test(text)) return { name: '$_', what: 'the last word of the command' };
  return null;
}
