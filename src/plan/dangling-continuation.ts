/**
 * A builder Dockerfile whose last instruction ends in a line continuation (`RUN make \`, then
 * only comments or blank lines) ends there only because the file does. Put before the runtime's
 * stages in the merged file, that continuation would swallow the runtime's FROM (the merge's
 * structural check catches it: merge-structure.ts). Dropping the backslash would change the
 * instruction as written, so the setup is refused, saying where and how to fix it.
 *
 * Read with dockerfile-ast: only the last instruction can run on, so it is parsed alone, under
 * the file's escape character, with a `FROM` after it; the FROM must come out as an instruction
 * of its own. (Every setup a sweep plans asks: the file's own parse is the analysis's.)
 */
import { DockerfileParser } from 'dockerfile-ast';
import type { DockerfileFacts } from '../analyze/dockerfile.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';

export function danglingContinuation(dockerfile: DockerfileFacts, setup: string): Diagnostic | null {
  const last = dockerfile.instructions.at(-1);
  if (!last) return null;
  const { start, end } = last.getRange();
  const tail = dockerfile.text.slice(dockerfile.lines.offsetAt(start));
  const directive = dockerfile.escape === '\\' ? '' : `# escape=${dockerfile.escape}\n`;
  const probe = DockerfileParser.parse(`${directive}${tail}${tail.endsWith('\n') ? '' : '\n'}FROM scratch\n`).getInstructions();
  if (probe.length === 2 && probe[1]!.getKeyword() === 'FROM') return null;
  // The continued line (0-based, as dockerfile-ast counts): the instruction's last line that is
  // neither blank nor a comment.
  let line = Math.min(end.line, dockerfile.lines.lineCount - 1);
  while (line > start.line && /^\s*(#.*)?$/.test(dockerfile.lines.lineText(line + 1))) line--;
  return diag('BUILDER_ENDS_CONTINUED', 'error', `${dockerfile.path} ends inside a line continuation: line ${line + 1} ends with an escape character and only comments or blank lines follow, so in the merged Dockerfile that ${last.getKeyword()} would run on into the runtime's FROM`, {
    file: dockerfile.path,
    line: line + 1,
    setup,
    hint: `Delete the escape character at the end of line ${line + 1} of ${dockerfile.path} (the instruction ends there), then run the tool again.`,
  });
}
