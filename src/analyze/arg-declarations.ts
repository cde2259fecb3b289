/**
 * The names an ARG instruction declares, as BuildKit reads them.
 *
 * BuildKit joins the instruction's continuation lines (a line ending in the escape character,
 * blanks after it allowed; comment lines and blank lines inside are dropped), splits what
 * follows the keyword into words (blanks separate words except inside quotes or after the escape
 * character, which both stay in the word), and reads each word as `name` or `name=default`,
 * split at the first `=`. The default is expanded only when the ARG is evaluated, with its
 * quotes and escapes: so it is kept here as written, and two defaults are the same only when
 * written the same (`"$X"` and `'$X'` are not).
 *
 * dockerfile-ast's own reading differs in ways that change names: it reads `ARG FLAVOR VERSION`
 * like ENV's old `ENV name value` form (FLAVOR defaulting to "VERSION"), splits `A=a\ b` into
 * the names A and b, and strips quotes from defaults. Every reader of ARG declarations goes
 * through here so that no check sees other names than the build does.
 */
import type { Instruction } from 'dockerfile-ast';

export interface ArgDeclaration {
  name: string;
  /** The default as written after `=`, quotes and escapes kept (null: none). */
  value: string | null;
  /** The word's offsets in the instruction's text (from the start of its keyword). */
  start: number;
  end: number;
}

/** The instruction's declarations; `escape` is its file's escape character. */
export function argDeclarations(ins: Instruction, escape: string): ArgDeclaration[] {
  return declarationsIn(ins.getTextContent(), escape);
}

/** The declarations of one ARG instruction's text (keyword first, continuation lines included). */
export function declarationsIn(text: string, escape: string): ArgDeclaration[] {
  const { line, at } = logicalLine(text, escape);
  // The keyword, then the blanks after it.
  let i = 0;
  while (i < line.length && isBlank(line[i]!)) i++;
  while (i < line.length && !isBlank(line[i]!)) i++;
  return words(line, i, escape).map(([s, e]) => {
    const word = line.slice(s, e);
    const eq = word.indexOf('=');
    return { name: eq < 0 ? word : word.slice(0, eq), value: eq < 0 ? null : word.slice(eq + 1), start: at[s]!, end: at[e - 1]! + 1 };
  });
}

const isBlank = (c: string) => c === ' ' || c === '\t' || c === '\r' || c === '\n' || c === '\v' || c === '\f';

/** The instruction as one line, BuildKit's way, with each character's offset in `text`. */
function logicalLine(text: string, escape: string): { line: string; at: number[] } {
  let line = '';
  const at: number[] = [];
  let pos = 0;
  let first = true;
  while (pos <= text.length) {
    const nl = text.indexOf('\n', pos);
    const lineEnd = nl < 0 ? text.length : nl;
    let body = text.slice(pos, lineEnd);
    if (body.endsWith('\r')) body = body.slice(0, -1);
    const trimmed = body.replace(/^[ \t]+/, '');
    if (!first && (trimmed === '' || trimmed.startsWith('#'))) {
      if (nl < 0) break;
      pos = nl + 1;
      continue;
    }
    // A continuation: the escape character, then only blanks, at the end of the line.
    let keep = body.length;
    let k = body.length;
    while (k > 0 && (body[k - 1] === ' ' || body[k - 1] === '\t')) k--;
    const continued = k > 0 && body[k - 1] === escape;
    if (continued) keep = k - 1;
    for (let c = 0; c < keep; c++) {
      line += body[c];
      at.push(pos + c);
    }
    first = false;
    if (!continued || nl < 0) break;
    pos = nl + 1;
  }
  return { line, at };
}

/** BuildKit's word split of `line` from `from`: each word's [start, end) in `line`. */
function words(line: string, from: number, escape: string): [number, number][] {
  const out: [number, number][] = [];
  let start = -1;
  let quote = '';
  // A word made only of quotes (`""`) is a word; one made of nothing is not.
  let i = from;
  for (; i < line.length; i++) {
    const ch = line[i]!;
    if (start < 0) {
      if (isBlank(ch)) continue;
      start = i;
    }
    if (quote) {
      if (ch === quote) quote = '';
      else if (ch === escape && quote !== "'" && i + 1 < line.length) i++;
      continue;
    }
    if (isBlank(ch)) {
      out.push([start, i]);
      start = -1;
      continue;
    }
    if (ch === "'" || ch === '"') quote = ch;
    else if (ch === escape && i + 1 < line.length) i++;
  }
  if (start >= 0) out.push([start, line.length]);
  return out;
}
