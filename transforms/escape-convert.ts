/**
 * A builder Dockerfile written with another `# escape=` character than the runtime file can
 * still be merged when its escape character only continues lines: each continuation becomes
 * the runtime's escape character. Proven, not assumed: the converted text, parsed with the
 * runtime's escape character, must hold the same instructions as the original parsed with its
 * own (same keywords, same argument text once continuations are joined, and, except where
 * Docker uses that text as it is (RUN, CMD, ENTRYPOINT, SHELL, HEALTHCHECK's command, an ONBUILD
 * of one), the same words: src/analyze/instruction-words.ts); otherwise nothing is converted.
 * A heredoc's body is no instruction text: BuildKit takes its lines as they are, an escape
 * character ending one included (moby/buildkit frontend/dockerfile/parser/parser.go), so a
 * backslash there stays what the shell or the file gets, and is never converted.
 */
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import type { DockerfileFacts } from '../src/analyze/dockerfile.js';
import { joinContinuations } from '../src/analyze/exec-form.js';
import { applyEdits, type Edit } from '../src/model/edits.js';
import { instructionWords, VERBATIM } from '../src/analyze/instruction-words.js';
import { heredocCount } from '../src/analyze/dockerfile-heredocs.js';

interface Position {
  line: number;
  character: number;
}
type WithHeredocs = { getHeredocs(): { getContentRange(): { start: Position } | null; getDelimiterRange(): { start: Position } | null }[] };

/** The heredoc bodies of `ins` (each heredoc's content up to its closing line), as offsets of `offset`. */
function heredocBodies(ins: Instruction, offset: (p: Position) => number): [number, number][] {
  if (!heredocCount(ins)) return [];
  return (ins as unknown as WithHeredocs).getHeredocs().flatMap((h) => {
    const content = h.getContentRange();
    return content ? [[offset(content.start), offset(h.getDelimiterRange()?.start ?? ins.getRange().end)] as [number, number]] : [];
  });
}

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

/**
 * The words of an instruction with heredocs, its bodies left out (instructionWords reads a
 * body's lines as words, unescaped): the instruction's text without them, parsed on its own.
 */
function headWords(ins: Instruction, bodies: [number, number][], text: string, offset: (p: Position) => number, directive: string): string[] | null {
  let head = '';
  let at = offset(ins.getRange().start);
  for (const [a, b] of bodies) {
    head += text.slice(at, a);
    at = b;
  }
  const only = DockerfileParser.parse(directive + head).getInstructions();
  return only.length === 1 ? instructionWords(only[0]!) : null;
}

interface Reading {
  keyword: string;
  /** Null where Docker uses the joined text as it is (an ONBUILD RUN). */
  values: string[] | null;
  joined: string;
  /** The bodies of its heredocs, which BuildKit takes as written. */
  heredocs: string[];
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
      const bodies = heredocBodies(ins, offset);
      // (the instruction's own text without its heredoc bodies, which no escape character continues)
      let raw = '';
      let at = r ? offset(r.start) : 0;
      for (const [a, b] of bodies) {
        raw += text.slice(at, a);
        at = b;
      }
      raw += r ? text.slice(at, Math.max(at, offset(r.end))) : '';
      const heredocs = bodies.map(([a, b]) => text.slice(a, b));
      return { keyword: ins.getKeyword(), values: bodies.length ? headWords(ins, bodies, text, offset, directive) : instructionWords(ins), joined: joinContinuations(raw, escape), heredocs };
    });
}

/**
 * Edits on the builder's text that turn its line continuations into `to`'s, or null when
 * that would change what any instruction means (or a continuation sits before the first
 * stage, in the text the merge moves as it is).
 */
export function continuationEdits(facts: DockerfileFacts, to: string): Edit[] | null {
  if (facts.escape === to) return [];
  const bodies = facts.instructions.flatMap((ins) => heredocBodies(ins, (p) => facts.lines.offsetAt(p)));
  const at = continuations(facts.text, facts.bodyStart, facts.escape).filter((i) => !bodies.some(([a, b]) => i >= a && i < b));
  if (at.some((i) => i < facts.firstFromBlockStart)) return null;
  const edits = at.map((i) => ({ start: i, end: i + 1, text: to }));
  const before = read(facts.text.slice(facts.bodyStart), facts.escape);
  const after = read(applyEdits(facts.text, edits).slice(facts.bodyStart), to);
  if (before.length !== after.length) return null;
  for (let k = 0; k < before.length; k++) {
    const a = before[k]!;
    const b = after[k]!;
    if (a.keyword !== b.keyword || a.joined !== b.joined || JSON.stringify(a.heredocs) !== JSON.stringify(b.heredocs)) return null;
    // Docker hands these to the shell (or reads them as JSON) as joined, without unescaping.
    if (VERBATIM.has(a.keyword)) continue;
    if (JSON.stringify(a.values) !== JSON.stringify(b.values)) return null;
  }
  return edits;
}
