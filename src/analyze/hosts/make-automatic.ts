/**
 * Make's automatic variables (`$@`, `$<`, `$^`, `$+`, `$|`, `$*`, and their `D`/`F` forms such
 * as `$(@D)`) in the recipe of a static rule: a rule whose targets and prerequisites are
 * written literally. Make puts their text into the recipe line before the shell reads it, so
 * a known value is emitted as that text; anything not provably known is left unknown (the
 * reader then treats the word as dynamic and a setup using it is refused).
 *
 * What keeps a value from being known:
 * - `$@` (and `$*`): a rule with several targets (one recipe, a different value for each),
 *   grouped (`&:`) targets, a pattern (`%`) or any expansion or glob in the target.
 * - prerequisite lists (`$<`, `$^`, `$+`, `$|`): the target has prerequisites from another
 *   rule (Make merges them), the file uses `VPATH`/`vpath` (`$<` is then the path Make found),
 *   `include`s another makefile (which may add prerequisites), `.SECONDEXPANSION`, or a
 *   prerequisite is not literal (expansion, glob, `~`, `%`, a backslash).
 * - `$*` in an explicit rule is the target less a known suffix (`.c`, `.o`, …, or one named by
 *   `.SUFFIXES`): known (empty) only when the target's file name has no dot and the file does
 *   not touch `.SUFFIXES`.
 * - `$?` (the prerequisites newer than the target) depends on file times: never known.
 */
import type { TsNode } from '../tree-sitter.js';

export interface RuleAutomatics {
  target: string | null;
  prereqs: string[] | null;
  orderOnly: string[] | null;
  stem: string | null;
}

const LITERAL = /^[A-Za-z0-9._/+@=,-]+$/;

/** What the file as a whole does that makes prerequisite lists unknowable. */
export function fileBlocksPrereqs(root: TsNode, text: string): boolean {
  return root.namedChildren.some(
    (n) =>
      n.type === 'include_directive' ||
      n.type === 'vpath_directive' ||
      n.type === 'VPATH_assignment' ||
      (n.type === 'rule' && /^\s*\.SECONDEXPANSION\b/.test(text.slice(n.startIndex, n.endIndex))),
  );
}

/** The automatic variables of each rule of a makefile, by rule node. */
export function ruleAutomatics(root: TsNode, text: string): Map<TsNode, RuleAutomatics> {
  const rules = root.namedChildren.filter((n) => n.type === 'rule');
  const wordsOf = (n: TsNode | undefined) => (n?.namedChildren ?? []).map((w) => text.slice(w.startIndex, w.endIndex));
  const blocked = fileBlocksPrereqs(root, text);
  const suffixes = rules.some((r) => wordsOf(r.namedChildren.find((c) => c.type === 'targets')).includes('.SUFFIXES'));
  // How many rules name each target: prerequisites of several rules are merged by Make.
  const rulesPerTarget = new Map<string, number>();
  for (const r of rules) for (const t of wordsOf(r.namedChildren.find((c) => c.type === 'targets'))) rulesPerTarget.set(t, (rulesPerTarget.get(t) ?? 0) + 1);

  const out = new Map<TsNode, RuleAutomatics>();
  for (const rule of rules) {
    const targets = wordsOf(rule.namedChildren.find((c) => c.type === 'targets'));
    const separator = rule.children.find((c) => !c.isNamed && /^&?::?$/.test(text.slice(c.startIndex, c.endIndex)));
    const op = separator ? text.slice(separator.startIndex, separator.endIndex) : null;
    const isStatic = op === ':' && !rule.namedChildren.some((c) => c.type === 'pattern_list');
    const target = isStatic && targets.length === 1 && LITERAL.test(targets[0]!) ? targets[0]! : null;
    const lists = rule.namedChildren.filter((c) => c.type === 'prerequisites');
    const normal = lists.filter((c) => c.field !== 'order_only').flatMap(wordsOf);
    const orderOnly = lists.filter((c) => c.field === 'order_only').flatMap(wordsOf);
    // Unknown: prerequisites merged from other rules (also across several targets of this one).
    const merged = targets.some((t) => (rulesPerTarget.get(t) ?? 0) > 1);
    const listsKnown = isStatic && !blocked && !merged && [...normal, ...orderOnly].every((w) => LITERAL.test(w));
    const base = target?.slice(target.lastIndexOf('/') + 1) ?? null;
    out.set(rule, {
      target,
      prereqs: listsKnown ? normal : null,
      orderOnly: listsKnown ? orderOnly : null,
      stem: target !== null && !suffixes && !base!.includes('.') ? '' : null,
    });
  }
  return out;
}

/** Make's `$^` and `$|`: each name once, in order of first appearance. */
const unique = (xs: string[]) => [...new Set(xs)];

/** `$(@D)`: the folder part without its trailing slash, `.` when there is none. */
function dirPart(name: string): string {
  const slash = name.lastIndexOf('/');
  if (slash < 0) return '.';
  return slash === 0 ? '/' : name.slice(0, slash);
}
const filePart = (name: string) => name.slice(name.lastIndexOf('/') + 1);

/** The text Make puts for an automatic variable as written (`$<`, `$(@D)`, `${^F}`), or null when unknown. */
export function automaticValue(src: string, rule: RuleAutomatics | undefined): string | null {
  const m = /^\$(?:([@<^+|*?%])|\(([@<^+|*?%])([DF])\)|\{([@<^+|*?%])([DF])\})$/.exec(src);
  if (!m || !rule) return null;
  const name = m[1] ?? m[2] ?? m[4]!;
  const part = m[3] ?? m[5] ?? null;
  let words: string[] | null;
  switch (name) {
    case '@':
      words = rule.target === null ? null : [rule.target];
      break;
    case '*':
      words = rule.stem === null ? null : [rule.stem];
      break;
    case '<':
      words = rule.prereqs === null ? null : rule.prereqs.slice(0, 1);
      break;
    case '^':
      words = rule.prereqs === null ? null : unique(rule.prereqs);
      break;
    case '+':
      words = rule.prereqs;
      break;
    case '|':
      words = rule.orderOnly === null ? null : unique(rule.orderOnly);
      break;
    default:
      words = null;
  }
  if (words === null) return null;
  // `$(*D)` of an empty stem, like every D/F form of an empty list, is empty.
  if (part === null) return words.join(' ');
  return words.filter((w) => w !== '').map(part === 'D' ? dirPart : filePart).join(' ');
}
