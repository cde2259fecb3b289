/**
 * Every read of a global ARG must mean the same in the merged file as in its own file.
 *
 * The merged file holds every file's global ARGs in one block: the runtime's first, then each
 * builder file's (./dockerfile-merge.ts). A global is read by the FROM lines (image and flags),
 * by the defaults of later global ARGs, and by a stage's `ARG NAME`; each read sees the last
 * declaration of the name before it, and in the merged file that can now be another file's:
 * `ARG F=$X` in a file that never declared X read nothing, and reads a builder's `ARG X=1`
 * once merged; a runtime FROM reads a builder's later `ARG GO=$V` instead of its own `ARG GO=$V`
 * (written the same, worth something else). A read is safe when the declaration it sees is the
 * same one in both files, or the same literal default (no `$`), or no declaration at all.
 * Bare declarations (`ARG X`) on the way are compared as such, under either reading of whether
 * they keep an earlier default.
 *
 * Each instruction is taken as one read point, before its own words: BuildKit's reading of
 * `ARG A=1 B=$A` then gives the same in both files however it reads the same line.
 */
import type { Instruction } from 'dockerfile-ast';
import { argDeclarations } from '../src/analyze/arg-declarations.js';
import type { DockerfileFacts } from '../src/analyze/dockerfile.js';

export interface ChangedRead {
  /** The file whose read changes, the line of the reading instruction, the name read. */
  file: DockerfileFacts;
  line: number;
  name: string;
  /** Where the read's value comes from in its own file and in the merged file. */
  before: string;
  after: string;
}

interface Declaration {
  file: DockerfileFacts;
  line: number;
  name: string;
  value: string | null;
}

/**
 * The reads whose value changes when `files` (the runtime first, then the builder files in the
 * order their globals are inserted) are merged, `leftOut` naming the globals the merge removes.
 */
export function changedGlobalReads(files: readonly DockerfileFacts[], leftOut: ReadonlyMap<DockerfileFacts, ReadonlySet<string>>): ChangedRead[] {
  const globals = new Map<DockerfileFacts, { ins: Instruction; declarations: Declaration[] }[]>();
  for (const f of files) {
    const left = leftOut.get(f);
    const ins = f.instructions;
    const firstFrom = ins.findIndex((i) => i.getKeyword() === 'FROM');
    const head = ins.slice(0, firstFrom < 0 ? ins.length : firstFrom).filter((i) => i.getKeyword() === 'ARG');
    globals.set(
      f,
      head.map((i) => ({
        ins: i,
        declarations: argDeclarations(i, f.escape)
          .filter((d) => !left?.has(d.name))
          .map((d) => ({ file: f, line: i.getRange().start.line + 1, name: d.name, value: d.value })),
      })),
    );
  }
  const merged = files.flatMap((f) => globals.get(f)!.flatMap((g) => g.declarations));
  /** Where each file's declarations start in `merged`. */
  const startOf = new Map<DockerfileFacts, number>();
  files.reduce((n, f) => (startOf.set(f, n), n + globals.get(f)!.reduce((m, g) => m + g.declarations.length, 0)), 0);
  const out: ChangedRead[] = [];
  const check = (file: DockerfileFacts, line: number, names: Iterable<string>, own: Declaration[], all: Declaration[]) => {
    for (const name of new Set(names)) {
      const before = seen(own, name);
      const after = seen(all, name);
      if (before.key !== after.key) out.push({ file, line, name, before: before.text, after: after.text });
    }
  };
  for (const f of files) {
    const own = globals.get(f)!;
    const ownAll = own.flatMap((g) => g.declarations);
    // The defaults of global ARGs, each against what was declared before its instruction.
    let before = startOf.get(f)!;
    own.forEach((g, k) => {
      check(f, g.ins.getRange().start.line + 1, g.ins.getVariables().map((v) => v.getName()), own.slice(0, k).flatMap((x) => x.declarations), merged.slice(0, before));
      before += g.declarations.length;
    });
    // FROM lines and stages' bare `ARG NAME`: every global declared before the first stage.
    const firstFrom = f.instructions.findIndex((i) => i.getKeyword() === 'FROM');
    if (firstFrom < 0) continue;
    for (const ins of f.instructions.slice(firstFrom)) {
      const kw = ins.getKeyword();
      if (kw === 'FROM') check(f, ins.getRange().start.line + 1, ins.getVariables().map((v) => v.getName()), ownAll, merged);
      if (kw === 'ARG') {
        const bare = argDeclarations(ins, f.escape).filter((d) => d.value === null).map((d) => d.name);
        check(f, ins.getRange().start.line + 1, bare, ownAll, merged);
      }
    }
  }
  return out;
}

/** What a read of `name` sees after `declarations`: a key to compare, and words for a message. */
function seen(declarations: readonly Declaration[], name: string): { key: string; text: string } {
  let key = '';
  const text: string[] = [];
  for (let i = declarations.length - 1; i >= 0; i--) {
    const d = declarations[i]!;
    if (d.name !== name) continue;
    const where = `${d.file.path}:${d.line}`;
    if (d.value === null) {
      key += `bare ${where}|`;
      text.push(`\`ARG ${name}\` (${where})`);
      continue;
    }
    key += d.value.includes('$') ? `from ${where}` : `literal ${d.value}`;
    text.push(`\`ARG ${name}=${d.value}\` (${where})`);
    return { key, text: `set by ${text.join(' after ')}` };
  }
  return { key: key + 'unset', text: text.length ? `declared by ${text.join(' after ')} without a default` : 'undeclared (empty)' };
}
