/**
 * gitignore patterns, compiled once per file into glob matchers (glob-match.ts: no regular
 * expression, so no pattern can make a match slow or fail to compile).
 *
 * Why not the `ignore` package: its `ignores()`/`test()` re-check every parent folder inside
 * one rule set, so a deeper .gitignore cannot re-include a folder a higher one excluded
 * (`build/` at the root, `!build/` in `pkg/`): git keeps `pkg/build/x`, `ignore` drops it.
 * The walker never enters an excluded folder, so it only needs each path tested by itself,
 * deepest rule set first, which is what this does (and is cheaper). The syntax follows
 * gitignore(5) and git's wildmatch with WM_PATHNAME: `*`, `?` and `[…]` never match `/`.
 */

import { GlobMatcher, type GlobToken } from './glob-match.js';
import { trimTrailingSlashes } from '../model/text.js';

export interface IgnoreRule {
  /** `!pattern`: re-includes what an earlier rule excluded. */
  negative: boolean;
  /** `pattern/`: matches folders only. */
  dirOnly: boolean;
  /** No slash before the end: matched against the entry's name at any depth. */
  nameOnly: boolean;
  re: GlobMatcher;
}

/** Compiles the text of a .gitignore (or a list of --ignore patterns). Bad patterns are dropped, as git does. */
export function compileIgnore(text: string | readonly string[]): IgnoreRule[] {
  const lines = typeof text === 'string' ? text.split('\n') : text;
  const rules: IgnoreRule[] = [];
  for (const raw of lines) {
    const rule = compileLine(raw);
    if (rule) rules.push(rule);
  }
  return rules;
}

function compileLine(raw: string): IgnoreRule | null {
  let line = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
  if (line === '' || line.startsWith('#')) return null;
  // Trailing spaces go unless escaped with a backslash.
  let end = line.length;
  while (end > 0 && line[end - 1] === ' ' && !escapedAt(line, end - 1)) end--;
  line = line.slice(0, end);
  let negative = false;
  if (line.startsWith('!')) {
    negative = true;
    line = line.slice(1);
  }
  let dirOnly = false;
  if (line.endsWith('/') && !escapedAt(line, line.length - 1)) {
    dirOnly = true;
    line = trimTrailingSlashes(line);
  }
  if (line === '') return null;
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  const tokens = globTokens(line);
  if (tokens === null) return null;
  return { negative, dirOnly, nameOnly: !anchored, re: new GlobMatcher(tokens) };
}

/** True when the character at `i` is preceded by an odd number of backslashes. */
function escapedAt(s: string, i: number): boolean {
  let n = 0;
  for (let k = i - 1; k >= 0 && s[k] === '\\'; k--) n++;
  return n % 2 === 1;
}

const r = (lo: string, hi = lo): [number, number] => [lo.charCodeAt(0), hi.charCodeAt(0)];
const POSIX_CLASSES: Record<string, [number, number][]> = {
  alnum: [r('a', 'z'), r('A', 'Z'), r('0', '9')], alpha: [r('a', 'z'), r('A', 'Z')], blank: [r(' '), r('\t')], cntrl: [[0, 0x1f], [0x7f, 0x7f]],
  digit: [r('0', '9')], graph: [r('!', '~')], lower: [r('a', 'z')], print: [r(' ', '~')], punct: [r('!', '/'), r(':', '@'), r('[', '`'), r('{', '~')],
  space: [r(' '), [9, 13]], upper: [r('A', 'Z')], xdigit: [r('0', '9'), r('a', 'f'), r('A', 'F')],
};

/** The tokens of one glob, or null when it cannot match anything (a trailing lone `\`). */
function globTokens(glob: string): GlobToken[] | null {
  const out: GlobToken[] = [];
  for (let i = 0; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === '*') {
      if (glob[i + 1] === '*') {
        const atStart = i === 0 || glob[i - 1] === '/';
        let j = i;
        while (glob[j] === '*') j++;
        const atEnd = j === glob.length || glob[j] === '/';
        if (atStart && atEnd) {
          if (j === glob.length) {
            // `x/**`: everything inside (the `/` before it is already out); a bare `**`: everything.
            out.push({ kind: 'any' });
          } else {
            // `**/`: zero or more whole folders.
            out.push({ kind: 'dirs' });
            j++;
          }
          i = j - 1;
          continue;
        }
        // Any other `**` is an ordinary `*`.
        i = j - 1;
      }
      if (out[out.length - 1]?.kind !== 'star') out.push({ kind: 'star' }); // `**` inside a segment is one `*`
    } else if (c === '?') {
      out.push({ kind: 'one' });
    } else if (c === '[') {
      const cls = bracket(glob, i);
      if (cls) {
        out.push(cls.token);
        i = cls.end;
      } else {
        out.push({ kind: 'char', code: 91 });
      }
    } else if (c === '\\') {
      if (i + 1 >= glob.length) return null;
      out.push({ kind: 'char', code: glob.charCodeAt(++i) });
    } else {
      out.push({ kind: 'char', code: glob.charCodeAt(i) });
    }
  }
  return out;
}

/**
 * A `[…]` class starting at `start`: its token and the index of its `]`, or null when unclosed.
 * `!` or `^` first negates; a `]` first is literal; `a-z` is a range, a `-` first or last is
 * literal; `[:name:]` is a POSIX class; `\x` is `x`.
 */
function bracket(glob: string, start: number): { token: GlobToken; end: number } | null {
  let i = start + 1;
  let negate = false;
  if (glob[i] === '!' || glob[i] === '^') {
    negate = true;
    i++;
  }
  const ranges: [number, number][] = [];
  let first = true;
  let rangeStart: number | null = null; // the last single character, which a `-` can extend
  let dash = false;
  for (; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === ']' && !first) {
      if (dash) ranges.push([45, 45]);
      return { token: { kind: 'class', negate, ranges }, end: i };
    }
    first = false;
    if (c === '[' && glob[i + 1] === ':') {
      const close = glob.indexOf(':]', i + 2);
      const cls = close > 0 ? POSIX_CLASSES[glob.slice(i + 2, close)] : undefined;
      if (cls) {
        if (dash) ranges.push([45, 45]);
        ranges.push(...cls);
        dash = false;
        rangeStart = null;
        i = close + 1;
        continue;
      }
    }
    let code: number;
    if (c === '\\' && i + 1 < glob.length) code = glob.charCodeAt(++i);
    else if (c === '-' && rangeStart !== null && !dash) {
      dash = true;
      continue;
    } else code = glob.charCodeAt(i);
    if (dash) {
      ranges.pop();
      ranges.push([rangeStart!, code]);
      rangeStart = null;
      dash = false;
    } else {
      ranges.push([code, code]);
      rangeStart = code;
    }
  }
  return null;
}

/**
 * What one rule set says about an entry: true (excluded), false (re-included by a `!` rule) or
 * undefined (no rule matches). The last matching rule wins, as in git. `rel` is the path
 * relative to the rule set's folder, `name` its last segment.
 */
export function decide(rules: readonly IgnoreRule[], rel: string, name: string, isDir: boolean): boolean | undefined {
  for (let k = rules.length - 1; k >= 0; k--) {
    const r = rules[k]!;
    if (r.dirOnly && !isDir) continue;
    if (r.re.test(r.nameOnly ? name : rel)) return !r.negative;
  }
  return undefined;
}
