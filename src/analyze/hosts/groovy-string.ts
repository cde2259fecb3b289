/**
 * Groovy string literals, as a Jenkinsfile spells shell text: decoded exactly into the text a
 * `sh` step receives (with a map back to file offsets), and encoded back for edits.
 *
 * - `'…'` and `'''…'''` are literal; `"…"` and `"""…"""` are GStrings, where `${expr}` and
 *   `$name.path` are evaluated by Groovy before the shell runs: each such span becomes an
 *   unknown value (`${__groovy_N}`, the same N for the same expression text).
 * - Escapes: `\b \t \n \f \r \\ \' \" \$`, `\uXXXX`, and a backslash before a line break in
 *   triple-quoted strings (the break is removed). Any other escape (octal, `\s`), a `$` that
 *   starts no interpolation, a carriage return in a multi-line string (Groovy normalises line
 *   ends there) or a quote inside `${…}` makes the literal undecodable: null, and the step is
 *   not read. Slashy and dollar-slashy strings are not read either.
 *
 * The tree-sitter Groovy grammar drops some escapes from its fragment nodes, so the literal is
 * decoded from its source text between the delimiters, which the tree does give exactly.
 */
import type { TsNode } from '../tree-sitter.js';

export type Quote = "'" | "'''" | '"' | '"""';

export interface GroovyString {
  quote: Quote;
  /** The string's value; interpolated spans read as `${__groovy_N}`. */
  value: string;
  /** File offset of every value offset (value.length + 1 entries). */
  toFile: number[];
  /** Whether the value holds an interpolated span. */
  interpolated: boolean;
}

/** The prefix of the shell variable an interpolated span reads as. */
export const INTERPOLATION_VAR = '__groovy_';

const SIMPLE: Record<string, string> = { b: '\b', t: '\t', n: '\n', f: '\f', r: '\r', '\\': '\\', "'": "'", '"': '"', $: '$' };

/** The quoting of a literal node (character_literal or string_literal), or null when it is not a plain string. */
export function quoteOf(node: TsNode, text: string): Quote | null {
  if (node.type === 'character_literal') return "'";
  if (node.type !== 'string_literal') return null;
  for (const q of ['"""', "'''", '"'] as const) {
    if (text.startsWith(q, node.startIndex) && text.startsWith(q, node.endIndex - q.length) && node.endIndex - node.startIndex >= 2 * q.length) return q;
  }
  return null;
}

/**
 * Decodes a string literal node. `exprs` numbers interpolated expressions across a file, so the
 * same expression text reads as the same unknown value everywhere.
 */
export function decodeGroovyString(node: TsNode, text: string, exprs: Map<string, number>, spans?: string[]): GroovyString | null {
  const quote = quoteOf(node, text);
  if (!quote) return null;
  const start = node.startIndex + quote.length;
  const end = node.endIndex - quote.length;
  const triple = quote.length === 3;
  const gstring = quote.startsWith('"');
  let value = '';
  const toFile: number[] = [];
  let interpolated = false;
  const push = (s: string, at: number) => {
    for (const ch of s) {
      value += ch;
      toFile.push(at);
    }
  };
  for (let i = start; i < end; ) {
    const ch = text[i]!;
    if (ch === '\r' && triple) return null;
    if (ch === '\n' && !triple) return null;
    if (ch === '\\') {
      const next = text[i + 1];
      if (next === undefined || i + 1 >= end) return null;
      if (next in SIMPLE) {
        push(SIMPLE[next]!, i);
        i += 2;
      } else if (next === 'u') {
        const hex = text.slice(i + 2, i + 6);
        if (hex.length !== 4 || ![...hex].every((h) => /[0-9a-fA-F]/.test(h)) || i + 6 > end) return null;
        push(String.fromCharCode(parseInt(hex, 16)), i);
        i += 6;
      } else if (next === '\n' && triple) {
        i += 2;
      } else return null;
      continue;
    }
    if (ch === '$' && gstring) {
      const spanEnd = interpolationEnd(text, i, end);
      if (spanEnd === null) return null;
      const expr = text.slice(i, spanEnd).replace(/^\$\{\s*|\s*\}$/g, '').replace(/^\$/, '');
      if (!exprs.has(expr)) {
        exprs.set(expr, exprs.size);
        spans?.push(text.slice(i, spanEnd));
      }
      push(`\${${INTERPOLATION_VAR}${exprs.get(expr)}}`, i);
      interpolated = true;
      i = spanEnd;
      continue;
    }
    push(ch, i);
    i++;
  }
  toFile.push(end);
  return { quote, value, toFile, interpolated };
}

const identStart = (c: string | undefined) => c !== undefined && ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || c === '_');
const identPart = (c: string | undefined) => identStart(c) || (c !== undefined && c >= '0' && c <= '9');

/** Where the interpolation starting at the `$` at `i` ends: `${…}` (braces balanced) or `$a.b.c`. */
function interpolationEnd(text: string, i: number, end: number): number | null {
  if (text[i + 1] === '{') {
    let depth = 0;
    for (let j = i + 1; j < end; j++) {
      const c = text[j];
      // A string inside the expression has its own quoting rules: not read.
      if (c === '"' || c === "'" || c === '\\') return null;
      if (c === '{') depth++;
      if (c === '}' && --depth === 0) return j + 1;
    }
    return null;
  }
  if (!identStart(text[i + 1])) return null;
  let j = i + 1;
  for (;;) {
    while (j < end && identPart(text[j])) j++;
    // `$name.path`: a dot followed by an identifier continues the property path.
    if (text[j] === '.' && j + 1 < end && identStart(text[j + 1])) {
      j++;
      continue;
    }
    return j;
  }
}

/** Spells shell text inside a literal of the given quoting so Groovy reads it back exactly. */
export function encodeGroovyString(quote: Quote, s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === '\\') out += '\\\\';
    else if (ch === "'" && quote.startsWith("'")) out += "\\'";
    else if (ch === '"' && quote.startsWith('"')) out += '\\"';
    else if (ch === '$' && quote.startsWith('"')) out += '\\$';
    else if (ch === '\n' && quote.length === 1) out += '\\n';
    else if (ch === '\r') out += '\\r';
    else out += ch;
  }
  return out;
}
