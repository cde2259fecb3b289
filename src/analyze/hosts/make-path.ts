/**
 * A Makefile that exports PATH (`export PATH := $(CURDIR)/tools:$(PATH)`, or `PATH = …` with
 * `export PATH`, or every variable exported) runs its recipes with that PATH: a folder of the
 * repository before the PATH make started with is searched first, and a `tools/docker` there
 * runs instead of docker. Its entries are read as the shell reader reads a PATH assignment
 * (../shell/assignments.ts): `$(CURDIR)`, `$(shell pwd)` and `$(PWD)` are the folder make runs
 * in (the Makefile's), a relative entry is from there, an entry under anything else only known
 * when make runs keeps what follows it (a folder of the repository may end so). Read by
 * ../shadowed-commands.ts.
 */
import { pathEntry } from '../path-entries.js';
import type { TsNode } from '../tree-sitter.js';
import type { PathFolder } from '../shell/types.js';

/** Make's spellings of the folder it runs in. */
const HERE = /^(\$\(CURDIR\)|\$\{CURDIR\}|\$\(shell pwd\)|\$\(PWD\)|\$\{PWD\}|\$\$PWD|\$\$\{PWD\})(?=\/|$)/;
/** Make's spellings of the PATH it started with. */
const STARTED = /^(\$\(PATH\)|\$\{PATH\}|\$\$PATH|\$\$\{PATH\})$/;

/** The PATH folders of the Makefile's exported PATH (`dir`: the folder make runs in), from its last definition. */
export function makePathFolders(root: TsNode, text: string, dir: string, exported: readonly string[], line: (offset: number) => number): PathFolder[] {
  if (!exported.includes('PATH')) return [];
  const def = root
    .descendantsOfType('variable_assignment')
    .filter((a) => {
      const name = a.namedChildren.find((c) => c.type === 'word');
      return name !== undefined && text.slice(name.startIndex, name.endIndex) === 'PATH';
    })
    .at(-1);
  if (def === undefined) return [];
  const value = def.namedChildren.find((c) => c.type === 'text');
  const raw = value ? text.slice(value.startIndex, value.endIndex).trim() : '';
  const out: PathFolder[] = [];
  for (const entry of raw.split(':')) {
    if (STARTED.test(entry)) break;
    const here = HERE.exec(entry);
    const read = pathEntry(here ? `.${entry.slice(here[0].length)}` : entry, dir, line(def.startIndex));
    if (read) out.push(read);
  }
  return out;
}
