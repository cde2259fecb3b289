/**
 * Here-documents in a Dockerfile instruction (`RUN <<EOF`, `COPY <<EOF /etc/x`), as dockerfile-ast
 * reads them, asked safely: dockerfile-ast 0.7 throws on some lines that hold none (a bare
 * carriage return after a line continuation, then a comment: found by the plan's property
 * test), so an instruction without `<<` is not asked, and one whose reading fails says so.
 */
import type { Instruction } from 'dockerfile-ast';
import { diag, type Diagnostic } from '../model/diagnostics.js';

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

/**
 * BuildKit's heredoc openers on a line: a word `<<NAME`, `<<-NAME`, `<< NAME` (its lexer keeps
 * the blanks after `<<` in the word), `3<<NAME` (a file descriptor), the name optionally quoted.
 * Not `<<<` (a here-string).
 */
const OPENER = /(?:^|[\s;&|(])\d*<<(?!<)(-?)[ \t]*(["']?)([A-Za-z_][\w.-]*)\2/g;

/**
 * `text` with what stands inside quotes blanked (a `<<` there starts no word, so no heredoc),
 * but for a heredoc opener's own quoted name (`<<'EOF'`, `<< "EOF"`), kept as written.
 */
function unquoted(text: string): string {
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (c !== '"' && c !== "'") {
      out += c;
      continue;
    }
    const close = text.indexOf(c, i + 1);
    const end = close < 0 ? text.length : close + 1;
    // (the name of an opener `<<` or `<<-` right before it, not a here-string `<<<`)
    const opener = /(^|[^<])<<-?[ \t]*$/.test(out);
    out += opener ? text.slice(i, end) : text.slice(i, end).replace(/[^\n]/g, ' ');
    i = end - 1;
  }
  return out;
}

/**
 * An instruction line BuildKit reads a heredoc from whose body dockerfile-ast did not take into
 * the instruction (`RUN cat << EOF > f` with a blank after `<<`, `RUN 3<<EOF …`): the parser here
 * then reads the heredoc's lines as instructions, and an edit there would change what the image
 * holds. The opener's text, or null. Only RUN, COPY and ADD take heredocs; openers are read on
 * the instruction's own line (and its continuations), not in a body dockerfile-ast did read, and
 * each must find its terminator line among the instruction's lines, the last one ending them.
 */
export function unreadHeredoc(ins: Instruction, escape: string): string | null {
  if (!['RUN', 'COPY', 'ADD'].includes(ins.getKeyword())) return null;
  const text = ins.getTextContent();
  if (!text.includes('<<')) return null;
  const lines = text.split('\n');
  let headLines = 0;
  for (const line of lines) {
    headLines++;
    if (!line.replace(/[ \t\r]+$/, '').endsWith(escape)) break;
  }
  const body = lines.slice(headLines).map((l) => l.replace(/\r$/, ''));
  let from = 0;
  let last: string | null = null;
  for (const m of unquoted(lines.slice(0, headLines).join('\n')).matchAll(OPENER)) {
    const [, chomp, , name] = m;
    last = m[0].replace(/^[\s;&|(]/, '');
    const end = body.findIndex((l, k) => k >= from && (chomp ? l.replace(/^\t+/, '') : l) === name);
    if (end < 0) return last;
    from = end + 1;
  }
  // The instruction goes on past its last heredoc's terminator: the parser read another one.
  return last !== null && body.slice(from).some((l) => l.trim() !== '') ? last : null;
}

/** The refusal for the first heredoc of a Dockerfile the parser here does not read (unreadHeredoc), or null. */
export function unreadHeredocIn(facts: { path: string; escape: string; readonly instructions: Instruction[] }, where: { setup?: string }): Diagnostic | null {
  for (const ins of facts.instructions) {
    const opener = unreadHeredoc(ins, facts.escape);
    if (opener) {
      return diag('HEREDOC_UNREAD', 'error', `\`${opener}\` in ${facts.path} opens a heredoc for BuildKit, which the Dockerfile parser the tool uses does not read as one: it would read the heredoc's lines as instructions (and could edit them)`, {
        file: facts.path,
        line: ins.getRange().start.line + 1,
        ...(where.setup === undefined ? {} : { setup: where.setup }),
        hint: 'Write the heredoc as `<<NAME` (no blank after `<<`, no file descriptor), then run the tool again; or migrate by hand.',
      });
    }
  }
  return null;
}
