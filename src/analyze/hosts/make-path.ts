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
import path from 'node:path/posix';
import type { TsNode } from '../tree-sitter.js';
import type { PathFolder } from '../shell/types.js';

/** Make's spellings of the folder it runs in. */
const HERE = /^(\$\(CURDIR\)|\$\{CURDIR\}|\$\(shell pwd\)|\$\(PWD\)|\$\{PWD\}|\$\$PWD|\$\$\{PWD\})(?=\/|$)/;
/** Make's spellings of the PATH it started with. */
const STARTED = /^(\$\(PATH\)|\$\{PATH\}|\$\$PATH|\$\$\{PATH\})$/;

/** The PATH folders of the Makefile's exported PATH (`dir`: the folder make runs in), from its last top-level definition. */
export function makePathFolders(root: TsNode, text: string, dir: string, exported: readonly string[], line: (offset: number) => number): PathFolder[] {
  if (!exported.includes('PATH')) return [];
  let def: { raw: string; at: number } | null = null;
  const visit = (a: TsNode) => {
    const name = a.namedChildren.find((c) => c.type === 'word');
    if (!name || text.slice(name.startIndex, name.endIndex) !== 'PATH') return;
    const value = a.namedChildren.find((c) => c.type === 'text');
    def = { raw: value ? text.slice(value.startIndex, value.endIndex).trim() : '', at: a.startIndex };
  };
  for (const n of root.descendantsOfType('variable_assignment')) visit(n);
  if (def === null) return [];
  const { raw, at } = def as { raw: string; at: number };
  const out: PathFolder[] = [];
  for (const entry of raw.split(':')) {
    if (STARTED.test(entry)) break;
    const here = HERE.exec(entry);
    const rest = here ? `.${entry.slice(here[0].length)}` : entry;
    if (rest === '' || rest.startsWith('/') || rest.startsWith('~')) continue;
    if (rest.includes('$')) {
      const after = rest.slice(Math.max(rest.lastIndexOf('}'), rest.lastIndexOf(')')) + 1).replace(/^\/+/, '');
      const tail = after === '' ? '' : path.normalize(after).replace(/\/+$/, '').replace(/^\.$/, '');
      if (!tail.includes('$') && tail !== '..' && !tail.startsWith('../')) out.push({ folder: null, tail, line: line(at) });
      continue;
    }
    const folder = path.normalize(path.join(dir === '' ? '.' : dir, rest)).replace(/^\.$/, '').replace(/\/$/, '');
    if (folder === '..' || folder.startsWith('../')) continue;
    out.push({ folder, line: line(at) });
  }
  return out;
}

