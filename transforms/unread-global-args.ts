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
 * the whole setup being refused. Only a declaration alone on its instruction is removed (an
 * `ARG A=1 B=2` line is left to the refusal), and always its whole lines.
 */
import type { DockerfileFacts } from '../src/analyze/dockerfile.js';
import type { Edit } from '../src/model/edits.js';
import { argDeclarations } from '../src/analyze/arg-declarations.js';

/** Each unread global ARG of `facts` that can be removed, with the edits (on `facts.text`) that remove its declarations. */
export function unreadGlobalArgs(facts: DockerfileFacts): Map<string, Edit[]> {
  const instructions = facts.instructions;
  const firstFrom = instructions.findIndex((i) => i.getKeyword() === 'FROM');
  if (firstFrom < 0) return new Map();
  const read = new Set<string>();
  instructions.forEach((ins, i) => {
    const kw = ins.getKeyword();
    if (kw === 'FROM' || (kw === 'ARG' && i < firstFrom)) for (const v of ins.getVariables()) read.add(v.getName());
    // A stage's ARG of that name, with or without a default: taken as a reader either way.
    if (kw === 'ARG' && i > firstFrom) for (const a of argDeclarations(ins)) read.add(a.name);
  });
  const removable = new Map<string, Edit[]>();
  const blocked = new Set<string>();
  for (const ins of instructions.slice(0, firstFrom)) {
    if (ins.getKeyword() !== 'ARG') continue;
    const names = argDeclarations(ins).map((a) => a.name);
    if (names.length !== 1) {
      for (const n of names) blocked.add(n);
      continue;
    }
    const name = names[0]!;
    if (read.has(name)) continue;
    const r = ins.getRange();
    const start = facts.lines.offsetAt({ line: r.start.line, character: 0 });
    let end = facts.lines.offsetAt(r.end);
    if (facts.text.startsWith('\r\n', end)) end += 2;
    else if (facts.text[end] === '\n') end += 1;
    // Only blanks may stand before the keyword on its line (always so for an instruction).
    if (facts.text.slice(start, facts.lines.offsetAt(r.start)).trim() !== '') {
      blocked.add(name);
      continue;
    }
    removable.set(name, [...(removable.get(name) ?? []), { start, end, text: '' }]);
  }
  for (const n of blocked) removable.delete(n);
  return removable;
}
