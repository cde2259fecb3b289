/**
 * The variables Make puts in every recipe's environment: `export NAME[ := value]`, `export A B`,
 * all of the file's after a bare `export` or with a `.EXPORT_ALL_VARIABLES:` target; `unexport
 * NAME` takes a name back and a bare `unexport` the bare `export` before it. The directives act
 * in file order (GNU make 4.3: `unexport BIN` then `export BIN` exports it), a name's own
 * directive over the bare ones, and `.EXPORT_ALL_VARIABLES` over a bare `unexport` wherever it
 * stands (make reads it once the file is read).
 *
 * A directive under a conditional holds in some runs only: `maybe` holds every name that may
 * be exported (what a recipe's programs may find in their environment: a `DOCKER_*` setting
 * counts), `surely` those exported in every run (a recipe's `$$BIN` reads the file's value only
 * then; otherwise it may read the environment's).
 */
import type { TsNode } from '../tree-sitter.js';

/** What a directive may have left: exported, not, or (for a name) what the bare directives say. */
type Outcome = 'yes' | 'no' | 'default';

/** The outcomes after a directive giving `to`: that alone, or under a conditional that or what was. */
const after = (was: ReadonlySet<Outcome>, to: Outcome, conditional: boolean): Set<Outcome> => new Set(conditional ? [...was, to] : [to]);

export function makeExports(root: TsNode, text: string, names: Iterable<string>): { maybe: string[]; surely: Set<string> } {
  const words = (n: TsNode) => n.descendantsOfType('word').map((w) => text.slice(w.startIndex, w.endIndex));
  const conditionals = root.descendantsOfType('conditional');
  const underConditional = (n: TsNode) => conditionals.some((c) => c.startIndex <= n.startIndex && n.endIndex <= c.endIndex);
  const own = new Map<string, Set<Outcome>>();
  let all = new Set<Outcome>(['no']);
  let exportAll = new Set<Outcome>(['no']);
  const directives = root.descendantsOfType(['export_directive', 'unexport_directive', 'rule']).sort((a, b) => a.startIndex - b.startIndex);
  for (const d of directives) {
    const conditional = underConditional(d);
    if (d.type === 'rule') {
      const targets = d.namedChildren.find((c) => c.type === 'targets');
      if (targets && words(targets).includes('.EXPORT_ALL_VARIABLES')) exportAll = after(exportAll, 'yes', conditional);
      continue;
    }
    const to = d.type === 'export_directive' ? 'yes' : 'no';
    const named = d.namedChildren;
    if (named.length === 0) all = after(all, to, conditional);
    for (const c of named) {
      const listed = c.type === 'variable_assignment' ? words(c).slice(0, 1) : words(c);
      for (const name of listed) own.set(name, after(own.get(name) ?? new Set(['default']), to, conditional));
    }
  }
  // (`.EXPORT_ALL_VARIABLES` stands over a bare `unexport` wherever it is)
  const byDefault = new Set<Outcome>([...(exportAll.has('yes') ? ['yes' as const] : []), ...(exportAll.has('no') ? all : [])]);
  const maybe: string[] = [];
  const surely = new Set<string>();
  for (const name of new Set([...names, ...own.keys()])) {
    const outcomes = new Set([...(own.get(name) ?? ['default'])].flatMap((o) => (o === 'default' ? [...byDefault] : [o])));
    if (outcomes.has('yes')) maybe.push(name);
    if (outcomes.size === 1 && outcomes.has('yes')) surely.add(name);
  }
  return { maybe, surely };
}
