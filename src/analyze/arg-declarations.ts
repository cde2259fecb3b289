/**
 * The names an ARG instruction declares, as BuildKit reads them: each word is `name` or
 * `name=default` (`ARG A B=1` declares A and B).
 *
 * dockerfile-ast reads an ARG whose first word has no `=` and that has more words like ENV's
 * old `ENV name value` form (`ARG FLAVOR VERSION` as FLAVOR defaulting to "VERSION"). ARG has no
 * such form: BuildKit declares FLAVOR and VERSION, both without a default. Every reader of ARG
 * declarations goes through here so that no check sees the wrong names.
 */
import type { Arg, Instruction } from 'dockerfile-ast';

export interface ArgDeclaration {
  name: string;
  /** The default as written after `=` (null: none). */
  value: string | null;
}

export function argDeclarations(ins: Instruction): ArgDeclaration[] {
  const props = (ins as Arg).getProperties();
  const words = ins.getArguments();
  if (props.length === 1 && words.length > 1 && !words[0]!.getValue().includes('=')) {
    return words.map((w) => {
      const text = w.getValue();
      const eq = text.indexOf('=');
      return eq < 0 ? { name: text, value: null } : { name: text.slice(0, eq), value: text.slice(eq + 1) };
    });
  }
  return props.map((p) => ({ name: p.getName(), value: p.getValue() }));
}
