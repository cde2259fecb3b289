/**
 * Matching one gitignore glob against one path without a regular expression.
 *
 * A glob compiled to a RegExp backtracks: `*a*a*a…b` against a long name takes time exponential
 * in the number of stars, and a pattern a few hundred kilobytes long does not compile at all
 * ("regular expression too large"), so a hostile .gitignore could hang or crash a walk. Here a
 * glob is a list of tokens and a path is matched by keeping the set of tokens it could have
 * reached (a Thompson simulation, visiting only the states reached): no backtracking, and the
 * states alive after k characters are at most about 2k, so a match costs at most the square of
 * the path's length (paths are short), whatever the glob holds.
 *
 * Tokens follow git's wildmatch with WM_PATHNAME: `*`, `?` and `[…]` never match `/`; `**`
 * spans folders only as a whole segment (`**​/`: zero or more folders; a final `/**` or a bare
 * `**`: anything).
 */

/** Inclusive code-point ranges of a `[…]` class. */
type Ranges = [number, number][];

export type GlobToken =
  | { kind: 'char'; code: number }
  /** `?`: one character other than `/`. */
  | { kind: 'one' }
  /** `[…]` (never `/`). */
  | { kind: 'class'; negate: boolean; ranges: Ranges }
  /** `*`: any run of characters other than `/`. */
  | { kind: 'star' }
  /** A final `**` (or a bare one): anything, `/` included. */
  | { kind: 'any' }
  /** `**​/`: zero or more whole folders (nothing, or anything ending with `/`). */
  | { kind: 'dirs' };

export class GlobMatcher {
  /**
   * The shape most .gitignore lines have, matched without the simulation: a literal with at
   * most one `*` (`dist`, `*.log`, `/tmp-*`, `build-*.tar`) is a string that starts with what
   * comes before the star, ends with what comes after it, and holds no `/` in between. A walk
   * tests every entry against every rule, and the simulation allocates its state for each test.
   */
  private readonly simple: { head: string; star: boolean; tail: string } | null = null;

  constructor(private readonly tokens: readonly GlobToken[]) {
    const stars = tokens.filter((k) => k.kind === 'star').length;
    if (stars > 1 || !tokens.every((k) => k.kind === 'char' || k.kind === 'star')) return;
    const at = stars === 0 ? tokens.length : tokens.findIndex((k) => k.kind === 'star');
    const text = (list: readonly GlobToken[]) => list.map((k) => String.fromCharCode((k as { code: number }).code)).join('');
    this.simple = { head: text(tokens.slice(0, at)), star: stars === 1, tail: text(tokens.slice(at + 1)) };
  }

  /** Whether the whole of `s` matches the whole glob. */
  test(s: string): boolean {
    const simple = this.simple;
    if (simple !== null) {
      if (!simple.star) return s === simple.head;
      const { head, tail } = simple;
      if (s.length < head.length + tail.length || !s.startsWith(head) || !s.endsWith(tail)) return false;
      const slash = s.indexOf('/', head.length);
      return slash < 0 || slash >= s.length - tail.length;
    }
    const t = this.tokens;
    const m = t.length;
    // State 2i: before token i (2m: after the last). State 2i+1: inside the `dirs` token i
    // (after some characters, before its `/`). Only the states reached are visited, so a long
    // literal glob costs one state per character, not the glob's length per character.
    const mark = new Uint32Array(2 * m + 2);
    let gen = 1;
    let cur: number[] = [];
    let next: number[] = [];
    const add = (list: number[], state: number) => {
      // Adding "before token i" also adds what skipping a token that may match nothing reaches.
      for (;;) {
        if (mark[state] === gen) return;
        mark[state] = gen;
        list.push(state);
        if (state % 2 === 1 || state === 2 * m) return;
        const k = t[state / 2]!.kind;
        if (k !== 'star' && k !== 'any' && k !== 'dirs') return;
        state += 2;
      }
    };
    add(cur, 0);
    for (let p = 0; p < s.length; p++) {
      const c = s.charCodeAt(p);
      gen++;
      next.length = 0;
      for (const state of cur) {
        const i = state >> 1;
        if (state % 2 === 1) {
          // Inside `dirs`: any character keeps it there; a `/` may also end it.
          add(next, state);
          if (c === 47) add(next, 2 * (i + 1));
          continue;
        }
        if (i === m) continue;
        const tok = t[i]!;
        if (tok.kind === 'char') {
          if (c === tok.code) add(next, state + 2);
        } else if (tok.kind === 'one') {
          if (c !== 47) add(next, state + 2);
        } else if (tok.kind === 'class') {
          if (c !== 47 && inRanges(tok.ranges, c) !== tok.negate) add(next, state + 2);
        } else if (tok.kind === 'star') {
          if (c !== 47) add(next, state);
        } else if (tok.kind === 'any') {
          add(next, state);
        } else {
          add(next, state + 1);
          if (c === 47) add(next, state + 2);
        }
      }
      if (next.length === 0) return false;
      [cur, next] = [next, cur];
    }
    return cur.includes(2 * m);
  }
}

function inRanges(ranges: Ranges, c: number): boolean {
  for (const [lo, hi] of ranges) if (c >= lo && c <= hi) return true;
  return false;
}
