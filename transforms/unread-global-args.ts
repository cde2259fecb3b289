/**
 * The global ARGs (declared before the first FROM) that nothing in their own Dockerfile reads.
 *
 * Docker gives a global ARG's value to three readers only: the FROM lines (image and flags),
 * the values of other global ARGs, and the stages that declare the ARG again (`ARG NAME`). A
 * RUN that says `$NAME` in a stage that did not declare it reads the environment, not the ARG.
 * So a global ARG that none of those readers names changes nothing its file builds, and
 * leaving it out of a merged file changes none of that file's stages.
 *
 * The merge uses this where a builder's global default would otherwise reach a runtime stage
 * that declares the same ARG without a value (`ARG_LEAK`): an unread global can go instead of
 * the whole setup being refused. A line declaring only names that go is removed whole; from a
 * line that keeps other names, each word that goes is cut with the blanks (or continuation)
 * before it, as a person would edit it: `ARG GO=1.21 VERSION=dev` becomes `ARG GO=1.21`. The
 * names of an ARG holding a comment line (inside its continuations) stay, so that no comment
 * goes with them (and the setup is refused as before).
 */
import type { DockerfileFacts } from '../src/analyze/dockerfile.js';
import type { Edit } from '../src/model/edits.js';
import { argDeclarations, type ArgDeclaration } from '../src/analyze/arg-declarations.js';

export interface UnreadGlobals {
  /** The names that can be left out. */
  names: ReadonlySet<string>;
  /** The edits (on the file's text) that leave out `left`, a subset of `names`. */
  edits(left: ReadonlySet<string>): Edit[];
}

interface ArgLine {
  /** Offsets of the line's first character and of the end of its last line (terminator included). */
  lineStart: number;
  lineEnd: number;
  /** Where the instruction's text starts: declaration offsets are from there. */
  base: number;
  declarations: ArgDeclaration[];
}

export function unreadGlobalArgs(facts: DockerfileFacts): UnreadGlobals {
  const instructions = facts.instructions;
  const firstFrom = instructions.findIndex((i) => i.getKeyword() === 'FROM');
  if (firstFrom < 0) return { names: new Set(), edits: () => [] };
  const read = new Set<string>();
  instructions.forEach((ins, i) => {
    const kw = ins.getKeyword();
    if (kw === 'FROM' || (kw === 'ARG' && i < firstFrom)) for (const v of ins.getVariables()) read.add(v.getName());
    // A stage's ARG of that name, with or without a default: taken as a reader either way.
    if (kw === 'ARG' && i > firstFrom) for (const a of argDeclarations(ins, facts.escape)) read.add(a.name);
  });
  const lines: ArgLine[] = [];
  const candidates = new Set<string>();
  const blocked = new Set<string>();
  for (const ins of instructions.slice(0, firstFrom)) {
    if (ins.getKeyword() !== 'ARG') continue;
    const declarations = argDeclarations(ins, facts.escape);
    const r = ins.getRange();
    const base = facts.lines.offsetAt(r.start);
    const lineStart = facts.lines.offsetAt({ line: r.start.line, character: 0 });
    let lineEnd = facts.lines.offsetAt(r.end);
    if (facts.text.startsWith('\r\n', lineEnd)) lineEnd += 2;
    else if (facts.text[lineEnd] === '\n') lineEnd += 1;
    const line: ArgLine = { lineStart, lineEnd, base, declarations };
    // Only blanks may stand before the keyword on its line (always so for an instruction).
    const alone = facts.text.slice(lineStart, base).trim() === '';
    // A comment line inside a continued ARG would go with the words around it: such a line is left as it is.
    const commented = cutsComment(facts.text, [{ start: lineStart, end: lineEnd, text: '' }]);
    for (const d of declarations) {
      if (read.has(d.name)) continue;
      if (!alone || commented) blocked.add(d.name);
      else candidates.add(d.name);
    }
    lines.push(line);
  }
  for (const n of blocked) candidates.delete(n);
  return {
    names: candidates,
    edits(left) {
      const edits: Edit[] = [];
      for (const line of lines) {
        if (!line.declarations.some((d) => left.has(d.name))) continue;
        if (line.declarations.every((d) => left.has(d.name))) edits.push({ start: line.lineStart, end: line.lineEnd, text: '' });
        else edits.push(...cut(line, left));
      }
      return edits;
    },
  };
}

/** The edits cutting the words of `left` out of a line that keeps at least one other word. */
function cut(line: ArgLine, left: ReadonlySet<string>): Edit[] {
  const ds = line.declarations;
  const kept = ds.findIndex((d) => !left.has(d.name));
  if (kept < 0) return [{ start: line.lineStart, end: line.lineEnd, text: '' }];
  const edits: Edit[] = [];
  // Words before the first kept one go with the blanks up to it; later ones with the blanks before them.
  if (kept > 0) edits.push({ start: line.base + ds[0]!.start, end: line.base + ds[kept]!.start, text: '' });
  for (let i = kept + 1; i < ds.length; i++) {
    if (left.has(ds[i]!.name)) edits.push({ start: line.base + ds[i - 1]!.end, end: line.base + ds[i]!.end, text: '' });
  }
  return edits;
}

/** Whether an edit removes a comment line (one inside a continued instruction). */
function cutsComment(text: string, edits: Edit[]): boolean {
  return edits.some((e) => text.slice(e.start, e.end).split('\n').slice(1).some((l) => l.trimStart().startsWith('#')));
}
