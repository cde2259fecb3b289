/**
 * Line endings inside heredocs. The merge writes the builder's lines with the runtime file's
 * line ending, which is safe for instructions: the Dockerfile parser drops the carriage return
 * of a CRLF line. A heredoc's body is not trimmed that way: BuildKit hands its lines to the
 * shell (`RUN <<EOF`) or writes them to the file (`COPY <<EOF /etc/x`) with their carriage
 * returns (moby/buildkit#4282, still open), so `set -e` becomes `set -e\r` and a file name gains
 * a CR. Converting a heredoc's line endings therefore changes what the builder stage runs or
 * writes; where the two files disagree inside a heredoc the merge refuses instead.
 */
import type { DockerfileFacts } from '../src/analyze/dockerfile.js';
import { heredocCount } from '../src/analyze/dockerfile-heredocs.js';

/** Instructions BuildKit reads heredocs for. */
const HEREDOC_KEYWORDS: ReadonlySet<string> = new Set(['RUN', 'COPY', 'ADD']);

/**
 * The 1-based line of the first instruction of `facts` with a heredoc whose line breaks are
 * not all `eol` (so writing it with `eol` would change the heredoc's text), or null.
 */
export function heredocEndingConflict(facts: DockerfileFacts, eol: string): number | null {
  for (const ins of facts.instructions) {
    if (!HEREDOC_KEYWORDS.has(ins.getKeyword())) continue;
    const count = heredocCount(ins);
    // (heredocs the parser cannot read: the merge cannot tell what converting their endings would change)
    if (count === null) return ins.getRange().start.line + 1;
    if (count === 0) continue;
    const range = ins.getRange();
    const text = facts.text.slice(facts.lines.offsetAt(range.start), facts.lines.offsetAt(range.end));
    const crlf = text.split('\r\n').length - 1;
    const breaks = text.split('\n').length - 1;
    const differs = eol === '\r\n' ? crlf < breaks : crlf > 0;
    if (differs) return range.start.line + 1;
  }
  return null;
}
