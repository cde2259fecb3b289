/**
 * A bundle's text as ASCII only, for scripts/bundle.mjs.
 *
 * esbuild escapes every non-ASCII character in code (its default charset, `ascii`) but copies
 * the comments it keeps as they are. One such character anywhere in a file makes V8 hold the
 * whole source as a two-byte string, decoded from UTF-8 on the slow path at every start: a
 * single `…` in a comment cost a cold run of the bundled example about 3% of its instructions.
 * Each one left in a comment is spelt as its `\u` escape (inert text there); one outside a
 * comment fails the build, since its meaning would change.
 */
import { parse } from '@babel/parser';

const NON_ASCII = /[^\x00-\x7f]/;

/** `text` with every non-ASCII character in a comment written as `\uXXXX`; throws for one elsewhere. */
export function asciiSource(text, sourceType) {
  if (!NON_ASCII.test(text)) return text;
  const { comments } = parse(text, { sourceType, allowReturnOutsideFunction: true });
  let out = '';
  let from = 0;
  for (const c of comments) {
    const body = text.slice(c.start, c.end);
    if (!NON_ASCII.test(body)) continue;
    out += text.slice(from, c.start);
    for (const ch of body) out += ch.charCodeAt(0) < 0x80 ? ch : escapeOf(ch);
    from = c.end;
  }
  out += text.slice(from);
  const left = NON_ASCII.exec(out);
  if (left) throw new Error(`the bundle holds a non-ASCII character outside a comment at offset ${left.index}: ${JSON.stringify(out.slice(Math.max(0, left.index - 40), left.index + 40))}`);
  return out;
}

/** `\uXXXX` for each UTF-16 code unit of a character. */
function escapeOf(ch) {
  let s = '';
  for (let i = 0; i < ch.length; i++) s += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
  return s;
}
