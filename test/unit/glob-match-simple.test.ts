/**
 * A glob that is a literal with at most one `*` is matched by comparing its two ends instead of
 * the general simulation: both must give the same answer. The reference is a regular
 * expression (`*` as `[^/]*`), which is exact for these shapes.
 */
import { describe, expect, it } from 'vitest';
import { GlobMatcher, type GlobToken } from '../../src/discover/glob-match.js';

const tokensOf = (glob: string): GlobToken[] => [...glob].map((c) => (c === '*' ? { kind: 'star' } : { kind: 'char', code: c.charCodeAt(0) }));
const reference = (glob: string) => new RegExp(`^${glob.split('*').map((p) => p.replace(/[.\\/+?()[\]{}^$|-]/g, '\\$&')).join('[^/]*')}$`);
/** The same glob through the general simulation: its first character as a one-character class. */
const simulated = (glob: string) => {
  const t = tokensOf(glob);
  const i = t.findIndex((k) => k.kind === 'char' && k.code !== 47);
  if (i < 0) return null;
  const code = (t[i] as { code: number }).code;
  t[i] = { kind: 'class', negate: false, ranges: [[code, code]] };
  return new GlobMatcher(t);
};

describe('globs with at most one star', () => {
  it('match as git does for the common .gitignore shapes', () => {
    const m = (glob: string, s: string) => new GlobMatcher(tokensOf(glob)).test(s);
    expect(m('dist', 'dist')).toBe(true);
    expect(m('dist', 'dist2')).toBe(false);
    expect(m('dist', 'xdist')).toBe(false);
    expect(m('*.log', 'a.log')).toBe(true);
    expect(m('*.log', '.log')).toBe(true);
    expect(m('*.log', 'a/b.log')).toBe(false);
    expect(m('*.log', 'a.logx')).toBe(false);
    expect(m('tmp-*', 'tmp-')).toBe(true);
    expect(m('tmp-*', 'tmp-x/y')).toBe(false);
    expect(m('a/*.sh', 'a/b.sh')).toBe(true);
    expect(m('a/*.sh', 'a/b/c.sh')).toBe(false);
    expect(m('ab*ba', 'aba')).toBe(false);
    expect(m('ab*ba', 'abba')).toBe(true);
    expect(m('*', '')).toBe(true);
    expect(m('*', 'a/b')).toBe(false);
  });

  it('agree with the simulation and a regular expression on every short glob and path', () => {
    const alphabet = ['a', 'b', '/', '.'];
    const strings = (n: number): string[] => (n === 0 ? [''] : strings(n - 1).flatMap((s) => (s.length === n - 1 ? [s, ...alphabet.map((c) => s + c)] : [s])));
    const paths = strings(5);
    const globs = [...new Set(strings(3).flatMap((g) => [g, ...Array.from({ length: g.length + 1 }, (_, i) => `${g.slice(0, i)}*${g.slice(i)}`)]))];
    let compared = 0;
    const wrong: string[] = [];
    for (const glob of globs) {
      const fast = new GlobMatcher(tokensOf(glob));
      const slow = simulated(glob);
      const re = reference(glob);
      for (const p of paths) {
        const got = fast.test(p);
        if (got !== re.test(p) || (slow !== null && slow.test(p) !== got)) wrong.push(`${glob} against ${p}`);
        compared++;
      }
    }
    expect(wrong).toEqual([]);
    expect(compared).toBeGreaterThan(10_000);
  });
});
