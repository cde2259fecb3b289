/**
 * A builder Dockerfile whose last instruction ends in a line continuation (`RUN make \`, then
 * only comments or blank lines) ends there only because the file does. Put before the runtime's
 * stages in the merged file, that continuation would swallow the runtime's FROM (the merge's
 * structural check catches it: merge-structure.ts). Dropping the backslash would change the
 * instruction as written, so the setup is refused, saying where and how to fix it.
 *
 * Read with dockerfile-ast: the file is parsed alone and with a `FROM` after it; the FROM must
 * come out as an instruction of its own.
 */
import { DockerfileParser } from 'dockerfile-ast';
import { diag, type Diagnostic } from '../model/diagnostics.js';

export function danglingContinuation(dockerfile: { path: string; text: string }, setup: string): Diagnostic | null {
  const alone = DockerfileParser.parse(dockerfile.text).getInstructions();
  const last = alone.at(-1);
  if (!last) return null;
  const probe = `${dockerfile.text}${dockerfile.text.endsWith('\n') ? '' : '\n'}FROM scratch\n`;
  const joined = DockerfileParser.parse(probe).getInstructions();
  if (joined.length === alone.length + 1 && joined.at(-1)!.getKeyword() === 'FROM') return null;
  // The continued line: the instruction's last line that is neither blank nor a comment.
  const { start, end } = last.getRange();
  const lines = dockerfile.text.split('\n');
  let line = Math.min(end.line, lines.length - 1);
  while (line > start.line && /^\s*(#.*)?$/.test(lines[line] ?? '')) line--;
  return diag('BUILDER_ENDS_CONTINUED', 'error', `${dockerfile.path} ends inside a line continuation: line ${line + 1} ends with an escape character and only comments or blank lines follow, so in the merged Dockerfile that ${last.getKeyword()} would run on into the runtime's FROM`, {
    file: dockerfile.path,
    line: line + 1,
    setup,
    hint: `Delete the escape character at the end of line ${line + 1} of ${dockerfile.path} (the instruction ends there), then run the tool again.`,
  });
}
