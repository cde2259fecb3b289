/**
 * Which operands of `test`, `[` and `[[` name files. A file operator reads its operand
 * (`-f out/app`, `-x "$BIN"`), `-nt`/`-ot`/`-ef` read both sides; a string test reads none
 * (`-n "$PUBLISH"`, `-z "$X"`, `"$A" = b`, `"$A" != b`, `-eq`…, a bare `"$X"`), nor do `!`,
 * `(`, `)`, `-a`, `-o`, `&&`, `||` and the closing `]`/`]]`.
 */
import type { Word } from '../model/script.js';

/** Unary operators whose operand is a path (`-t` takes a file descriptor: not here). */
const FILE_TESTS = new Set(['-a', '-b', '-c', '-d', '-e', '-f', '-g', '-G', '-h', '-k', '-L', '-N', '-O', '-p', '-r', '-s', '-S', '-u', '-w', '-x']);
/** Unary operators whose operand is no path. */
const STRING_TESTS = new Set(['-n', '-z', '-t', '-o', '-v', '-R']);
/** Binary operators comparing two paths. */
const FILE_PAIRS = new Set(['-nt', '-ot', '-ef']);
/** Binary operators comparing strings or numbers. */
const STRING_PAIRS = new Set(['=', '==', '!=', '<', '>', '=~', '-eq', '-ne', '-lt', '-le', '-gt', '-ge']);
const JOINS = new Set(['!', '(', ')', '-a', '-o', '&&', '||']);

/** The operands of a test expression (`args`: the words after the program) that name files. */
export function testedPaths(args: readonly Word[], program: string): Word[] {
  const close = program === '[' ? ']' : program === '[[' ? ']]' : null;
  const words = close !== null && args[args.length - 1]?.value === close ? args.slice(0, -1) : [...args];
  const out: Word[] = [];
  let i = 0;
  while (i < words.length) {
    const v = words[i]!.value;
    const next = words[i + 1];
    const op = next?.value ?? null;
    // A binary test first: `-f = -f` compares strings, and `"$A" = b` is no unary test.
    if (next && words[i + 2] && op !== null && (FILE_PAIRS.has(op) || STRING_PAIRS.has(op))) {
      if (FILE_PAIRS.has(op)) out.push(words[i]!, words[i + 2]!);
      i += 3;
    } else if (v !== null && JOINS.has(v) && !(v === '-a' && next && !words[i + 2])) {
      // `-a` is a join between two tests; alone before one operand (`[ -a FILE ]`) it is a file test.
      i += 1;
    } else if (v !== null && FILE_TESTS.has(v) && next) {
      out.push(next);
      i += 2;
    } else if (v !== null && STRING_TESTS.has(v) && next) i += 2;
    else i += 1;
  }
  return out;
}
