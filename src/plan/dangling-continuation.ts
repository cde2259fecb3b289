/**
 * A builder Dockerfile whose last instruction ends in a line continuation (`RUN make \`, then
 * only comments or blank lines) ends there only because the file does. Put before the runtime's
 * stages in the merged file, that continuation would swallow the runtime's FROM (the merge's
 * structural check catches it: merge-structure.ts).
 *
 * The merge drops that escape character (and the blanks around it): the instruction then ends on
 * its own line, as it ended at the end of its file. What Docker runs is the instruction's words,
 * the continuation joined and the comment lines inside it dropped, so it is unchanged, and the
 * builder stage is not the final image (its history is no part of what the old build shipped).
 * That is proven, not assumed: the instruction as edited, parsed with a FROM after it, must end
 * before that FROM and read as the same words. Where it does not (a line that would still end in
 * the escape character, `RUN echo \\`), the setup is refused, saying where and how to fix it.
 *
 * Read with dockerfile-ast: only the last instruction can run on, so it is parsed alone, under
 * the file's escape character, with a `FROM` after it; the FROM must come out as an instruction
 * of its own. (Every setup a sweep plans asks: the file's own parse is the analysis's.)
 */
import { DockerfileParser, type Instruction } from 'dockerfile-ast';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import type { Edit } from '../model/edits.js';

/** How a builder file ends: on its own (null), after an escape character the merge drops, or in a continuation it cannot end. */
export type BuilderEnding = null | { edit: Edit; note: string } | { refusal: Diagnostic };

const words = (ins: Instruction | undefined) => (ins ? [ins.getKeyword(), ...ins.getArguments().map((a) => a.getValue())] : []);

/** The tail parsed alone, under the file's escape character, with a FROM after it. */
function probe(tail: string, escape: string): Instruction[] {
  const directive = escape === '\\' ? '' : `# escape=${escape}\n`;
  return DockerfileParser.parse(`${directive}${tail}${/\r?\n$/.test(tail) ? '' : '\n'}FROM scratch\n`).getInstructions();
}

export function danglingContinuation(dockerfile: DockerfileFacts, setup: string): BuilderEnding {
  const last = dockerfile.instructions.at(-1);
  if (!last) return null;
  const { start, end } = last.getRange();
  const from = dockerfile.lines.offsetAt(start);
  const tail = dockerfile.text.slice(from);
  const endsAlone = (list: Instruction[]) => list.length === 2 && list[1]!.getKeyword() === 'FROM';
  if (endsAlone(probe(tail, dockerfile.escape))) return null;
  // The continued line (0-based, as dockerfile-ast counts): the instruction's last line that is
  // neither blank nor a comment.
  let line = Math.min(end.line, dockerfile.lines.lineCount - 1);
  while (line > start.line && /^\s*(#.*)?$/.test(dockerfile.lines.lineText(line + 1))) line--;
  const text = dockerfile.lines.lineText(line + 1);
  // The line without its escape character and the blanks around it; it must not end in another.
  const body = text.replace(/[ \t]+$/, '');
  const kept = body.endsWith(dockerfile.escape) ? body.slice(0, -dockerfile.escape.length).replace(/[ \t]+$/, '') : null;
  if (kept !== null && !kept.endsWith(dockerfile.escape)) {
    const lineStart = dockerfile.lines.lineStart(line + 1);
    const edit: Edit = { start: lineStart + kept.length, end: lineStart + text.length, text: '' };
    const edited = probe(tail.slice(0, edit.start - from) + tail.slice(edit.end - from), dockerfile.escape);
    if (endsAlone(edited) && JSON.stringify(words(edited[0])) === JSON.stringify(words(last))) {
      return {
        edit,
        note: `the escape character ending line ${line + 1} of ${dockerfile.path} goes: the file ended that ${last.getKeyword()} there, and in the merged Dockerfile the runtime's FROM follows it (the instruction's words are unchanged)`,
      };
    }
  }
  return {
    refusal: diag('BUILDER_ENDS_CONTINUED', 'error', `${dockerfile.path} ends inside a line continuation: line ${line + 1} ends with an escape character and only comments or blank lines follow, so in the merged Dockerfile that ${last.getKeyword()} would run on into the runtime's FROM, and without that escape character the line would still continue or read differently`, {
      file: dockerfile.path,
      line: line + 1,
      setup,
      hint: `End the instruction on line ${line + 1} of ${dockerfile.path} (so that it no longer ends with the escape character), then run the tool again.`,
    }),
  };
}
