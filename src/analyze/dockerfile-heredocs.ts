/**
 * Here-documents in a Dockerfile instruction (`RUN <<EOF`, `COPY <<EOF /etc/x`), as dockerfile-ast
 * reads them, asked safely: dockerfile-ast 0.7 throws on some lines that hold none (a bare
 * carriage return after a line continuation, then a comment: found by the plan's property
 * test), so an instruction without `<<` is not asked, and one whose reading fails says so.
 */
import type { Instruction } from 'dockerfile-ast';

/** How many heredocs `ins` holds; null when dockerfile-ast cannot read them. */
export function heredocCount(ins: Instruction): number | null {
  const read = (ins as unknown as { getHeredocs?: () => unknown[] }).getHeredocs;
  if (typeof read !== 'function' || !ins.getTextContent().includes('<<')) return 0;
  try {
    return read.call(ins).length;
  } catch {
    return null;
  }
}

/** Whether `ins` may hold a heredoc: it holds one, or its heredocs cannot be read. */
export const mayHoldHeredoc = (ins: Instruction): boolean => heredocCount(ins) !== 0;
