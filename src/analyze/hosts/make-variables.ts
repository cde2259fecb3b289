/**
 * The Makefile's variables whose value the file alone decides, as Make would expand them in a
 * recipe (null: only known when Make runs). The file's defaults are taken as what runs, as for
 * every host (a `make IMAGE=x` or an environment variable may override them).
 *
 * - `NAME = text` is expanded where it is used, with the final values of what it names, so
 *   `RUN = docker run --rm $(IMAGE):builder` is `docker run --rm app:builder` in a recipe;
 *   `NAME := text` (`::=`, `:::=`) is expanded at once, with the values defined before it.
 * - `NAME ?= text` defines NAME only when no assignment before it did; `undefine NAME` takes
 *   the file's assignments before it back (the environment's value, unknown, holds then).
 * - `+=`, `!=` (a shell command's output), `define`, a global `private` one (no recipe sees
 *   it), a name MAKEFLAGS assigns in the file, a target-specific assignment
 *   (`image: IMAGE = x`, `image: export IMAGE = x`, wherever it stands: it holds in that
 *   target's recipes and those of the prerequisites made for it) and an assignment inside a
 *   conditional leave the value unknown, as does any expansion but `$(NAME)`/`${NAME}` of a
 *   variable the file decides (a function, `$$`, a variable the file never sets).
 * - A value is only known when the shell reads it as Make's text would be read: Make pastes the
 *   text into the recipe before the shell parses it, while the recipe's snippet reads the
 *   variable as a shell variable (./makefile.ts), so a value with quotes, a backslash, an
 *   operator, a glob or a comment (`--label "a b"`) is left unknown rather than read otherwise.
 */
import type { TsNode } from '../tree-sitter.js';
import { definedName } from './make-flags.js';

/** Directives that hold an assignment: `export NAME := value`, `override NAME = value`. */
export const DIRECTIVES = new Set(['export_directive', 'override_directive']);

type Definition = { kind: 'recursive'; raw: string } | { kind: 'simple'; value: string | null } | { kind: 'unknown' };

/** Characters whose meaning to the shell differs when pasted as text rather than read from a variable. */
const SHELL_SPECIAL = /["'\\`$;&|<>(){}*?[\]#~\n]/;

/** A reference Make expands to a variable's value: `$(NAME)` or `${NAME}`. */
const REFERENCE = /\$(?:\(([A-Za-z_][A-Za-z0-9_]*)\)|\{([A-Za-z_][A-Za-z0-9_]*)\})/g;

export function makeVariables(root: TsNode, text: string): Map<string, string | null> {
  const slice = (n: TsNode) => text.slice(n.startIndex, n.endIndex);
  const defs = new Map<string, Definition>();
  const forget = (name: string) => defs.set(name, { kind: 'unknown' });

  const assign = (a: TsNode) => {
    const name = a.namedChildren.find((c) => c.type === 'word');
    if (!name) return;
    const key = slice(name);
    // `image: IMAGE = x`: the targets come before the name (forgotten below).
    if (a.namedChildren.some((c) => c.type === 'list' || c.type === 'targets')) return;
    const value = a.namedChildren.find((c) => c.type === 'text');
    const op = text.slice(name.endIndex, value ? value.startIndex : a.endIndex).trim();
    const raw = value ? slice(value).trim() : '';
    if (op === '=') defs.set(key, { kind: 'recursive', raw });
    else if (op === ':=' || op === '::=' || op === ':::=') defs.set(key, { kind: 'simple', value: expand(raw, defs, new Set([key])) });
    else if (op === '?=') {
      if (!defs.has(key)) defs.set(key, { kind: 'recursive', raw });
    } else forget(key);
  };
  const nameOf = (n: TsNode) => {
    const w = n.namedChildren.find((c) => c.type === 'word');
    return w ? slice(w) : null;
  };

  const forgetAssignedIn = (c: TsNode) => {
    for (const a of c.descendantsOfType(['variable_assignment', 'shell_assignment', 'define_directive', 'undefine_directive'])) {
      const name = nameOf(a);
      if (name !== null) forget(name);
    }
  };
  // `undefine NAME` (also `override undefine NAME`): as if the file had never set it, so the
  // recipe reads the environment's value and a later `?=` sets it again.
  const undefine = (n: TsNode) => {
    const name = nameOf(n);
    if (name !== null) defs.delete(name);
  };
  for (const n of root.namedChildren) {
    if (n.type === 'variable_assignment') assign(n);
    else if (n.type === 'undefine_directive') undefine(n);
    // (where it stands, so a later `X := $(BIN)` reads no one value either)
    else if (n.type === 'conditional') forgetAssignedIn(n);
    else if (DIRECTIVES.has(n.type)) {
      n.namedChildren.filter((c) => c.type === 'variable_assignment').forEach(assign);
      n.namedChildren.filter((c) => c.type === 'undefine_directive').forEach(undefine);
    }
    else if (n.type === 'shell_assignment' || n.type === 'define_directive') {
      const name = nameOf(n);
      if (name !== null) forget(name);
    }
  }
  // `private BIN = x` outside a rule: no target inherits it, so every recipe reads BIN empty
  // (GNU make 4.3), whatever the file assigns it elsewhere; only the file's own expansions see it.
  for (const d of root.descendantsOfType('private_directive')) {
    for (const a of d.descendantsOfType('variable_assignment')) {
      const name = nameOf(a);
      if (name !== null) forget(name);
    }
  }
  // `MAKEFLAGS += BIN=x`: GNU make reads MAKEFLAGS again once the file is read, and an
  // assignment there is one of its command line, over the file's value in every recipe (a value
  // the file does not spell out may hold any; an option word, `-j$(NPROC)`, `--jobs=$(N)`, does not).
  for (const a of root.descendantsOfType(['variable_assignment', 'shell_assignment', 'define_directive'])) {
    if (nameOf(a) !== 'MAKEFLAGS') continue;
    const value = a.type === 'variable_assignment' ? a.namedChildren.find((c) => c.type === 'text') : undefined;
    const raw = value ? slice(value) : a.type === 'variable_assignment' ? '' : '$';
    for (const word of raw.split(/\s+/).filter((w) => w !== '' && !w.startsWith('-'))) {
      const name = definedName(word);
      if (name !== null && !name.includes('$')) forget(name);
      else if (word.includes('$')) [...defs.keys()].forEach(forget);
    }
  }
  // A target-specific value (wherever it stands in the file, and with `export`, `override` or
  // `private`, which the grammar reads as a rule) holds in some recipes only.
  for (const name of targetSpecificNames(root, text)) forget(name);
  // A variable assigned inside a conditional has that value only in some runs.
  root.descendantsOfType('conditional').forEach(forgetAssignedIn);

  const out = new Map<string, string | null>();
  for (const [name, d] of defs) out.set(name, d.kind === 'simple' ? d.value : d.kind === 'recursive' ? expand(d.raw, defs, new Set([name])) : null);
  return out;
}

/** `raw` with every reference replaced by the variable's value, or null when any part is unknown. */
function expand(raw: string, defs: ReadonlyMap<string, Definition>, seen: Set<string>): string | null {
  let unknown = false;
  const value = raw.replace(REFERENCE, (_, a: string | undefined, b: string | undefined) => {
    const name = (a ?? b)!;
    const d = defs.get(name);
    let v: string | null = null;
    if (d?.kind === 'simple') v = d.value;
    else if (d?.kind === 'recursive' && !seen.has(name)) v = expand(d.raw, defs, new Set([...seen, name]));
    if (v === null) unknown = true;
    return v ?? '';
  });
  return unknown || SHELL_SPECIAL.test(value) ? null : value;
}

/** Make's automatic variables (`$@`, `$<`, `$^`, `$+`, `$*`, `$?`, `$|`, and `$(@D)`-style forms): each recipe's own. */
const AUTOMATIC = /\$(?:[@<^+*?|%]|[({][@<^+*?|%][DF]?[)}])/;

/**
 * The variables whose value may differ from one rule's recipe to another's: a target-specific or
 * pattern-specific assignment (`binary: MSG := two`, `bin%: MSG := two`) gives that value in that
 * target's recipes only, and a recursively expanded value (`MSG = $@`, or naming such a
 * variable) is expanded in each recipe with its own automatic variables. Text written in one
 * rule's recipe and moved into another's (a builder build's `--build-arg MSG=$(MSG)`) then reads
 * another value there.
 */
export function perTargetVariables(root: TsNode, text: string): Set<string> {
  const slice = (n: TsNode) => text.slice(n.startIndex, n.endIndex);
  const out = targetSpecificNames(root, text);
  const recursive = new Map<string, string>();
  for (const a of root.descendantsOfType('variable_assignment')) {
    const name = a.namedChildren.find((c) => c.type === 'word');
    if (!name || a.namedChildren.some((c) => c.type === 'list' || c.type === 'targets')) continue;
    const key = slice(name);
    const value = a.namedChildren.find((c) => c.type === 'text');
    const op = text.slice(name.endIndex, value ? value.startIndex : a.endIndex).trim();
    if (op === '=' || op === '?=' || op === '+=') recursive.set(key, `${recursive.get(key) ?? ''} ${value ? slice(value) : ''}`);
  }
  // (a recursive value naming a variable that differs per target differs too)
  for (let changed = true; changed; ) {
    changed = false;
    for (const [name, raw] of recursive) {
      if (out.has(name)) continue;
      const names = [...raw.matchAll(REFERENCE)].map((m) => (m[1] ?? m[2])!);
      if (AUTOMATIC.test(raw) || names.some((n) => out.has(n))) {
        out.add(name);
        changed = true;
      }
    }
  }
  return out;
}

/**
 * The variables some target or pattern gives a value of its own (`image: TAG = v2`,
 * `bin%: TAG := v2`, with or without `export`, `private`, `override`). Make gives that value in
 * the target's recipe and, unless `private`, in the recipes of the prerequisites it makes for
 * that target (`image: builder`: `builder`'s recipe reads v2 when made through `image`, the
 * file's value when made alone), so no one value holds in every recipe.
 */
export function targetSpecificNames(root: TsNode, text: string): Set<string> {
  const slice = (n: TsNode) => text.slice(n.startIndex, n.endIndex);
  const out = new Set<string>();
  // `binary: export VERSION = 1.2.3` (also `private`, `override`): the grammar reads a
  // target-specific assignment with a modifier as a rule whose prerequisites hold an ERROR at
  // the `=`; the word before it is the variable.
  for (const r of root.descendantsOfType('rule')) {
    for (const list of r.namedChildren.filter((c) => c.type === 'prerequisites' || c.type === 'pattern_list')) {
      const kids = list.namedChildren;
      const eq = kids.findIndex((c) => c.type === 'ERROR' && /^[:+?!]*=$/.test(slice(c).trim()));
      if (eq > 0 && kids.slice(0, eq - 1).every((c) => ['export', 'private', 'override', 'unexport'].includes(slice(c)))) out.add(slice(kids[eq - 1]!));
    }
    // (`binary: export PATH := /opt/bin:$(PATH)`: a value starting with `/` joins the ERROR at the `=`)
    const errs = r.namedChildren.filter((c) => c.type === 'ERROR' && /^[:+?!]*=(\s|\/|$)/.test(slice(c).trim()));
    for (const e of errs) {
      const before = r.namedChildren.filter((c) => c.endIndex <= e.startIndex && c.type === 'pattern_list').pop();
      const last = before?.namedChildren[before.namedChildren.length - 1];
      if (last) out.add(slice(last));
    }
  }
  // (`binary: export PATH = /opt/bin` reads as an assignment whose name, past the modifier, the grammar holds in an ERROR)
  const MODIFIERS = new Set(['export', 'private', 'override', 'unexport']);
  for (const a of root.descendantsOfType('variable_assignment')) {
    if (!a.namedChildren.some((c) => c.type === 'list' || c.type === 'targets')) continue;
    const words = a.namedChildren.flatMap((c) => (c.type === 'word' ? [c] : c.type === 'ERROR' ? c.namedChildren.filter((w) => w.type === 'word') : []));
    const name = words.find((w) => !MODIFIERS.has(slice(w))) ?? words[0];
    if (name) out.add(slice(name));
  }
  return out;
}

/**
 * The variables each variable's assignments name (`BIN = $(OUT)/app`: BIN names OUT), over every
 * assignment of the file (in a conditional, target-specific, appended): a value given to OUT from
 * outside (`make OUT=…`) changes what BIN expands to.
 */
export function variableMentions(root: TsNode, text: string): Record<string, string[]> {
  const slice = (n: TsNode) => text.slice(n.startIndex, n.endIndex);
  const out: Record<string, string[]> = {};
  for (const a of root.descendantsOfType(['variable_assignment', 'define_directive'])) {
    const name = a.namedChildren.find((c) => c.type === 'word');
    if (!name) continue;
    const value = slice(a).slice(name.endIndex - a.startIndex);
    const names = [...value.matchAll(REFERENCE)].map((m) => (m[1] ?? m[2])!);
    if (names.length > 0) out[slice(name)] = [...new Set([...(out[slice(name)] ?? []), ...names])];
  }
  return out;
}

/** Functions whose result may differ each time Make expands them: they read the system as they run, or change the variables. */
const EACH_TIME = new Set(['shell', 'wildcard', 'file', 'eval']);

/**
 * The variables whose expansion may differ from one recipe line to another in one run of make,
 * with why. Make reads the file once per run: a simply expanded variable (`:=`, `::=`, `:::=`,
 * `!=`) holds the value it got then, and a recursively expanded one (`=`, `?=`, `+=`, `define`)
 * holds text expanded again at each use, which gives the same value each time unless it calls
 * a function that reads the system or changes variables (`$(shell …)`, `$(wildcard …)`,
 * `$(file <…)`, `$(eval …)`, a `$(call …)` of a variable that does, a computed variable name),
 * or names such a variable. `perTarget` (perTargetVariables) differ from rule to rule.
 * Every assignment counts, wherever it is (a conditional, a directive), as any may be the one
 * that holds. The file is read once, the variables given per target added per call.
 */
export function expandedEachUse(root: TsNode, text: string): (perTarget: ReadonlySet<string>) => Map<string, string> {
  const slice = (n: TsNode) => text.slice(n.startIndex, n.endIndex);
  const lineOf = (n: TsNode) => text.slice(0, n.startIndex).split('\n').length;
  /** Why each variable's own text differs at each use, in file order (`always`: a `define`, whose reason stands over any other). */
  const own: { name: string; why: string; always: boolean }[] = [];
  /** Recursive assignments: the variables they name. */
  const recursive: { name: string; shown: string; names: string[] }[] = [];
  for (const a of root.descendantsOfType(['variable_assignment', 'define_directive'])) {
    const nameNode = a.namedChildren.find((c) => c.type === 'word');
    if (!nameNode) continue;
    const name = slice(nameNode);
    const value = a.namedChildren.find((c) => c.type === 'text' || c.type === 'raw_text');
    const op = text.slice(nameNode.endIndex, value ? value.startIndex : a.endIndex).split('\n')[0]!.trim();
    if (a.type === 'define_directive') {
      if (/^:{1,3}=$/.test(op)) continue;
      // (a `define` body is not parsed: any expansion in it counts)
      if (value && slice(value).includes('$')) own.push({ name, why: `\`${name}\` is defined by \`define\` (line ${lineOf(a)}), whose text Make expands again at each use`, always: true });
      continue;
    }
    if (op !== '=' && op !== '?=' && op !== '+=') continue;
    const found = value ? eachTimeIn(value, text) : { volatile: null, names: [] };
    recursive.push({ name, shown: `${name} ${op}`, names: found.names });
    if (found.volatile !== null) own.push({ name, why: `\`${name} ${op} …\` (line ${lineOf(a)}) is expanded again at each use, and its value calls \`${found.volatile}\` each time`, always: false });
  }
  // The file is read once; the variables of `perTarget` and those naming them are added per call.
  return (perTarget) => {
    const out = new Map<string, string>();
    for (const name of perTarget) out.set(name, `\`${name}\` is given a value of its own in some targets' recipes, or reads their automatic variables`);
    for (const o of own) if (o.always || !out.has(o.name)) out.set(o.name, o.why);
    for (let changed = true; changed; ) {
      changed = false;
      for (const r of recursive) {
        const named = r.names.find((n) => out.has(n));
        if (out.has(r.name) || named === undefined) continue;
        out.set(r.name, `\`${r.shown} …\` is expanded again at each use, and reads \`${named}\`, which may differ each time`);
        changed = true;
      }
    }
    return out;
  };
}

/** What in a value differs each time Make expands it (a function call, shown as such), and the variables it names. */
function eachTimeIn(value: TsNode, text: string): { volatile: string | null; names: string[] } {
  const slice = (n: TsNode) => text.slice(n.startIndex, n.endIndex);
  const names: string[] = [];
  let volatile: string | null = null;
  for (const n of value.descendantsOfType(['shell_function', 'function_call', 'variable_reference', 'substitution_reference'])) {
    if (n.type === 'shell_function') volatile ??= '$(shell …)';
    else if (n.type === 'function_call') {
      const fn = /^\$[({]([a-z-]+)/.exec(slice(n))?.[1] ?? '';
      if (EACH_TIME.has(fn)) volatile ??= `$(${fn} …)`;
      else if (fn === 'call') {
        const args = n.namedChildren.find((c) => c.type === 'arguments');
        const callee = args ? slice(args).split(',')[0]!.trim() : '';
        if (/^[A-Za-z_][A-Za-z0-9_.-]*$/.test(callee)) names.push(callee);
        else volatile ??= '$(call …)';
      }
    } else {
      const first = n.namedChildren[0];
      const plain = first?.type === 'word' && (n.type === 'substitution_reference' || n.namedChildren.length === 1);
      if (plain) names.push(slice(first));
      // `${wildcard *.c}` (read as a reference by the grammar), or a computed name `$($(X)_V)`.
      else volatile ??= slice(n);
    }
  }
  return { volatile, names };
}
