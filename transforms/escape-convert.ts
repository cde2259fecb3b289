/**
 * A builder Dockerfile written with another `# escape=` character than the runtime file can
 * still be merged when its escape character only continues lines: each continuation becomes
 * the runtime's escape character. Proven, not assumed: the converted text, parsed with the
 * runtime's escape character, must hold the same instructions as the original parsed with its
 * own (same keywords, same argument text once continuations are joined, and, except where
 * Docker uses that text as it is (RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK's command, an ONBUILD
 * of one), the same words: src/analyze/instruction-words.ts); otherwise nothing is converted.
 */
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import type { DockerfileFacts } from '../src/analyze/dockerfile.js';
import { joinContinuations } from '../src/analyze/exec-form.js';
import { applyEdits, type Edit } from '../src/model/edits.js';
import { instructionWords, VERBATIM } from '../src/analyze/instruction-words.js';

/** Continuations: the escape character, then only spaces or tabs to the end of the line. */
function continuations(text: string, from: number, escape: string): number[] {
  const at: number[] = [];
  for (let i = text.indexOf(escape, from); i >= 0; i = text.indexOf(escape, i + 1)) {
    let j = i + 1;
    while (text[j] === ' ' || text[j] === '\t') j++;
    if (text[j] === '\n' || (text[j] === '\r' && text[j + 1] === '\n')) at.push(i);
  }
  return at;
}

interface Reading {
  keyword: string;
  /** Null where Docker uses the joined text as it is (an ONBUILD RUN). */
  values: string[] | null;
  joined: string;
}

function read(body: string, escape: string): Reading[] {
  const directive = escape === '\\' ? '' : `# escape=${escape}\n`;
  const text = directive + body;
  const starts: number[] = [0];
  for (let i = 0; i < text.length; i++) if (text[i] === '\n') starts.push(i + 1);
  const offset = (p: { line: number; character: number }) => (starts[p.line] ?? text.length) + p.character;
  return DockerfileParser.parse(text)
    .getInstructions()
    .map((ins: Instruction) => {
      const r = ins.getArgumentsRange();
      const raw = r ? text.slice(offset(r.start), offset(r.end)) : '';
      return { keyword: ins.getKeyword(), values: instructionWords(ins), joined: joinContinuations(raw, escape) };
    });
}

/**
 * Edits on the builder's text that turn its line continuations into `to`'s, or null when
 * that would change what any instruction means (or a continuation sits before the first
 * stage, in the text the merge moves as it is).
 */
export function continuationEdits(facts: DockerfileFacts, to: string): Edit[] | null {
  if (facts.escape === to) return [];
  const at = continuations(facts.text, facts.bodyStart, facts.escape);
  if (at.some((i) => i < facts.firstFromBlockStart)) return null;
  const edits = at.map((i) => ({ start: i, end: i + 1, text: to }));
  const before = read(facts.text.slice(facts.bodyStart), facts.escape);
  const after = read(applyEdits(facts.text, edits).slice(facts.bodyStart), to);
  if (before.length !== after.length) return null;
  for (let k = 0; k < before.length; k++) {
    const a = before[k]!;
    const b = after[k]!;
    if (a.keyword !== b.keyword || a.joined !== b.joined) return null;
    // Docker hands these to the shell (or reads them as JSON) as joined, without unescaping.
    if (VERBATIM.has(a.keyword)) continue;
    if (JSON.stringify(a.values) !== JSON.stringify(b.values)) return null;
  }
  return edits;
}
