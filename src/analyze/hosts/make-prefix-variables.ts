/**
 * Make variables whose value is only recipe prefixes (`Q := @`, for Kbuild's `$(Q)docker build …`).
 * Make expands a recipe line before it reads the line's prefixes, so the `@`, `-` and `+` (and the
 * blanks among them) a leading expansion gives are prefixes, not text for the shell (GNU make
 * 4.3: with `I := -`, `$(I)false` is ignored, "Error 1 (ignored)"). Only a value the file fixes
 * for every recipe counts: not one some targets set for themselves, one expanded anew at each
 * use, nor any in a file with an `include` or `$(eval …)`, which may set it otherwise. A
 * variable set under a conditional counts when every branch sets it to prefixes alone
 * (`ifeq ($(V),1)` `Q =` `else` `Q = @` `endif`): whichever branch Make reads, the line's
 * shell gets the same text.
 */
import type { TsNode } from '../tree-sitter.js';

const PREFIXES_ONLY = /^[@+\- \t]*$/;
const ASSIGNING = new Set(['=', ':=', '::=', ':::=', '?=']);
/** Where an assignment may stand: at the top, in a conditional's branch, under `override`/`export`. */
const AROUND = new Set(['conditional', 'else_directive', 'ifeq_directive', 'ifneq_directive', 'ifdef_directive', 'ifndef_directive', 'override_directive', 'export_directive']);

export function prefixVariables(
  root: TsNode,
  text: string,
  vars: ReadonlyMap<string, string | null>,
  perTarget: ReadonlySet<string>,
  eachUse: ReadonlySet<string>,
  joined: boolean,
): Map<string, string> {
  const out = new Map<string, string>();
  if (joined) return out;
  const slice = (n: TsNode) => text.slice(n.startIndex, n.endIndex);
  const nameOf = (n: TsNode) => {
    const w = n.namedChildren.find((c) => c.type === 'word');
    return w ? slice(w) : null;
  };
  const settings = root.descendantsOfType(['variable_assignment', 'shell_assignment', 'define_directive', 'undefine_directive']);
  // (a MAKEFLAGS the file sets may assign any variable on make's command line)
  const flagsSet = settings.some((n) => nameOf(n) === 'MAKEFLAGS');
  // The assignments standing where every recipe sees them: at the top, in a conditional's
  // branch, under `override`/`export` (not a rule's, nor under `private`).
  const reachable = new Set<number>();
  const walk = (n: TsNode) => {
    for (const c of n.namedChildren) {
      if (c.type === 'variable_assignment') reachable.add(c.startIndex);
      else if (AROUND.has(c.type)) walk(c);
    }
  };
  walk(root);
  for (const [name, value] of vars) {
    if (perTarget.has(name) || eachUse.has(name)) continue;
    if (value !== null) {
      if (PREFIXES_ONLY.test(value)) out.set(name, value);
      continue;
    }
    if (flagsSet) continue;
    const own = settings.filter((n) => nameOf(n) === name);
    const values = own.map((n) => (reachable.has(n.startIndex) ? prefixAssignment(n, text) : null));
    if (own.length === 0 || values.some((v) => v === null) || !setOnEveryPath(root.namedChildren, name, nameOf)) continue;
    // (a recipe reads one of them; each gives the same prefixes to the line's shell text)
    out.set(name, values[0]!);
  }
  return out;
}

/** The value of a plain assignment of prefixes alone standing where every recipe sees it, or null. */
function prefixAssignment(n: TsNode, text: string): string | null {
  if (n.type !== 'variable_assignment' || n.namedChildren.some((c) => c.type === 'list' || c.type === 'targets')) return null;
  const name = n.namedChildren.find((c) => c.type === 'word')!;
  const value = n.namedChildren.find((c) => c.type === 'text');
  const op = text.slice(name.endIndex, value ? value.startIndex : n.endIndex).trim();
  const raw = value ? text.slice(value.startIndex, value.endIndex).trim() : '';
  return ASSIGNING.has(op) && PREFIXES_ONLY.test(raw) ? raw : null;
}

/** Whether every way through these nodes (conditionals' branches) assigns `name`. */
function setOnEveryPath(nodes: readonly TsNode[], name: string, nameOf: (n: TsNode) => string | null): boolean {
  return nodes.some((n) => {
    if (n.type === 'variable_assignment') return nameOf(n) === name;
    if (n.type === 'override_directive' || n.type === 'export_directive') return setOnEveryPath(n.namedChildren, name, nameOf);
    if (n.type !== 'conditional') return false;
    const otherwise = n.namedChildren.filter((c) => c.type === 'else_directive' || c.type === 'elsif_directive');
    if (otherwise.length !== 1 || otherwise[0]!.type !== 'else_directive') return false;
    const first = n.namedChildren.filter((c) => c.type !== 'else_directive');
    return setOnEveryPath(first, name, nameOf) && setOnEveryPath(otherwise[0]!.namedChildren, name, nameOf);
  });
}
