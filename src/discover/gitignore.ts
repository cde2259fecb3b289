/**
 * gitignore patterns, compiled once per file into regular expressions.
 *
 * Why not the `ignore` package: its `ignores()`/`test()` re-check every parent folder inside
 * one rule set, so a deeper .gitignore cannot re-include a folder a higher one excluded
 * (`build/` at the root, `!build/` in `pkg/`): git keeps `pkg/build/x`, `ignore` drops it.
 * The walker never enters an excluded folder, so it only needs each path tested by itself,
 * deepest rule set first, which is what this does (and is cheaper). The syntax follows
 * gitignore(5) and git's wildmatch with WM_PATHNAME: `*`, `?` and `[…]` never match `/`.
 */

export interface IgnoreRule {
  /** `!pattern`: re-includes what an earlier rule excluded. */
  negative: boolean;
  /** `pattern/`: matches folders only. */
  dirOnly: boolean;
  /** No slash before the end: matched against the entry's name at any depth. */
  nameOnly: boolean;
  re: RegExp;
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
    line = line.replace(/\/+$/, '');
  }
  if (line === '') return null;
  const anchored = line.includes('/');
  if (line.startsWith('/')) line = line.slice(1);
  const body = globToRegExp(line);
  if (body === null) return null;
  return { negative, dirOnly, nameOnly: !anchored, re: new RegExp(`^${body}$`) };
}

/** True when the character at `i` is preceded by an odd number of backslashes. */
function escapedAt(s: string, i: number): boolean {
  let n = 0;
  for (let k = i - 1; k >= 0 && s[k] === '\\'; k--) n++;
  return n % 2 === 1;
}

const POSIX_CLASSES: Record<string, string> = {
  alnum: 'a-zA-Z0-9', alpha: 'a-zA-Z', blank: ' \\t', cntrl: '\\x00-\\x1f\\x7f', digit: '0-9',
  graph: '!-~', lower: 'a-z', print: ' -~', punct: '!-\\/:-@\\[-`{-~', space: ' \\t\\n\\r\\f\\v',
  upper: 'A-Z', xdigit: '0-9a-fA-F',
};

/** The regular-expression body for one glob, or null when it cannot match anything (a trailing lone `\`). */
function globToRegExp(glob: string): string | null {
  let out = '';
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
            out += '.*';
          } else {
            // `**/`: zero or more whole folders.
            out += '(?:.*/)?';
            j++;
          }
          i = j - 1;
          continue;
        }
        // Any other `**` is an ordinary `*`.
        i = j - 1;
      }
      out += '[^/]*';
    } else if (c === '?') {
      out += '[^/]';
    } else if (c === '[') {
      const cls = bracket(glob, i);
      if (cls) {
        out += cls.re;
        i = cls.end;
      } else {
        out += '\\[';
      }
    } else if (c === '\\') {
      if (i + 1 >= glob.length) return null;
      out += escapeRe(glob[++i]!);
    } else {
      out += escapeRe(c);
    }
  }
  return out;
}

/** A `[…]` class starting at `start`: its regular expression and the index of its `]`, or null when unclosed. */
function bracket(glob: string, start: number): { re: string; end: number } | null {
  let i = start + 1;
  let negate = false;
  if (glob[i] === '!' || glob[i] === '^') {
    negate = true;
    i++;
  }
  let body = '';
  let first = true;
  for (; i < glob.length; i++) {
    const c = glob[i]!;
    if (c === ']' && !first) return { re: negate ? `[^/${body}]` : `(?!/)[${body}]`, end: i };
    first = false;
    if (c === '[' && glob[i + 1] === ':') {
      const close = glob.indexOf(':]', i + 2);
      const name = close > 0 ? glob.slice(i + 2, close) : '';
      if (close > 0 && POSIX_CLASSES[name]) {
        body += POSIX_CLASSES[name];
        i = close + 1;
        continue;
      }
    }
    if (c === '\\' && i + 1 < glob.length) {
      body += escapeClass(glob[++i]!);
      continue;
    }
    body += c === '-' ? '-' : escapeClass(c);
  }
  return null;
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

function escapeClass(c: string): string {
  return /[\]\\^[-]/.test(c) ? `\\${c}` : c;
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
