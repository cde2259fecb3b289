/**
 * A .dockerignore read in order, `!` exceptions included. Docker decides each path of the
 * context by the LAST rule that matches it or one of its parent folders: a rule excludes, a
 * `!` rule sends it again. An allowlist (`*`, then `!main.go`, `!bin`) therefore sends all of
 * `bin/` although `*` matches it.
 */
import path from 'node:path/posix';
import { globToRegExp } from '../model/glob.js';
import { mayExcludeUnder } from './context-subfolder.js';

export interface IgnoreRule {
  pattern: string;
  line: number;
  /** A `!` rule: what it matches is sent again. */
  negated: boolean;
}

/** Every rule of a .dockerignore text, in order, cleaned as Docker cleans them. */
export function ignoreRules(text: string): IgnoreRule[] {
  const out: IgnoreRule[] = [];
  text.split(/\r?\n/).forEach((raw, i) => {
    let p = raw.trim();
    if (p === '' || p.startsWith('#')) return;
    const negated = p.startsWith('!');
    if (negated) p = p.slice(1).trim();
    if (p === '') return;
    p = path.normalize(p);
    if (p.length > 1) p = p.replace(/^\/+/, '').replace(/\/+$/, '');
    out.push({ pattern: p, line: i + 1, negated });
  });
  return out;
}

/**
 * Does the `!` rule `pattern` match `rel` or one of its parent folders, so that it sends every
 * file under `rel`? Only plain segments with `*` and `?` are read (a `**`, a `[…]` class or an
 * escape is taken to match nothing): a segment-by-segment match of the pattern against the
 * first segments of `rel`, which is how Docker matches a pattern against a parent folder.
 */
function sendsAllUnder(pattern: string, rel: string): boolean {
  if (/\*\*|[[\\]/.test(pattern) || pattern === '.' || pattern.startsWith('../')) return false;
  const p = pattern.split('/');
  const r = rel.split('/');
  if (p.length > r.length) return false;
  return p.every((seg, k) => globToRegExp(seg).test(r[k]!));
}

/**
 * The rule that may leave a file under `rel` out of the context, or null when every file
 * there is provably sent: no rule may exclude one, or a `!` rule after the last that may
 * sends all of `rel` again.
 */
export function ruleHidingUnder(rules: IgnoreRule[], rel: string): IgnoreRule | null {
  let hiding: IgnoreRule | null = null;
  for (const r of rules) {
    if (!r.negated) {
      if (hiding === null && (rel === '' || mayExcludeUnder(r.pattern, rel))) hiding = r;
    } else if (hiding !== null && rel !== '' && sendsAllUnder(r.pattern, rel)) {
      hiding = null;
    }
  }
  return hiding;
}
