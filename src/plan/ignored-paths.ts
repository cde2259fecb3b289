/**
 * --ignore promises that the tool leaves matching paths out. The walk never reads a script it
 * ignores, but a build names its Dockerfiles by path, and the plan reads those wherever they are:
 * a setup whose migration would rewrite, delete or create a file an --ignore pattern matches
 * would change a file the user said to leave alone. Such a setup is refused (IGNORED_PATH),
 * naming the file and the pattern; reading an ignored Dockerfile changes nothing and is no
 * obstacle. Nor does ignoring a file stop it running: the walk records an ignored file by its
 * path (src/discover/walk.ts, WalkResult.ignored), and the plan searches its text for the
 * uses of what a migration removes as it searches an unreadable file's.
 *
 * The patterns are matched as the walk matches them (src/discover/walk.ts): relative to the
 * root, a folder they exclude excludes everything under it (the walk never enters it), and
 * within the patterns the last one matching a path decides (`!pattern` re-includes).
 */
import { compileIgnore, decide, type IgnoreRule } from '../discover/gitignore.js';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { shellQuote } from '../model/shell-quote.js';

/** Each --ignore pattern as written, with its compiled rule (none for a pattern git drops). */
export interface IgnorePatterns {
  patterns: readonly { text: string; rules: IgnoreRule[] }[];
}

export function ignorePatterns(list: readonly string[] | undefined): IgnorePatterns | null {
  if (!list || list.length === 0) return null;
  return { patterns: list.map((text) => ({ text, rules: compileIgnore([text]) })) };
}

/** The pattern that decides `rel` (a path or folder) is left out, as written; null when none does. */
function deciding(ignore: IgnorePatterns, rel: string, name: string, isDir: boolean): string | null {
  const ps = ignore.patterns;
  for (let k = ps.length - 1; k >= 0; k--) {
    const verdict = decide(ps[k]!.rules, rel, name, isDir);
    if (verdict !== undefined) return verdict ? ps[k]!.text : null;
  }
  return null;
}

/** The --ignore pattern that leaves out the repository-relative file `rel`, or null. */
export function ignoringPattern(ignore: IgnorePatterns | null, rel: string): string | null {
  if (!ignore) return null;
  const parts = rel.split('/');
  // A folder left out leaves out everything in it: no later pattern can take a file back.
  for (let i = 1; i < parts.length; i++) {
    const p = deciding(ignore, parts.slice(0, i).join('/'), parts[i - 1]!, true);
    if (p !== null) return p;
  }
  return deciding(ignore, rel, parts[parts.length - 1]!, false);
}

/** IGNORED_PATH for `rel` when the setup would change it (`how`) and an --ignore pattern leaves it out; else null. */
export function ignoredChange(ignore: IgnorePatterns | null, rel: string, how: 'update' | 'delete' | 'create', setup: string, script: string): Diagnostic | null {
  const pattern = ignoringPattern(ignore, rel);
  if (pattern === null) return null;
  const verb = how === 'update' ? 'rewrite' : how;
  const flag = `--ignore ${shellQuote(pattern)}`;
  return diag('IGNORED_PATH', 'error', `the migration would ${verb} ${rel}, which ${flag} leaves out: a file you told the tool to ignore is never changed`, {
    file: rel,
    setup,
    hint: `Run without ${flag} to migrate this setup, or migrate it by hand; to leave the setup out altogether, ignore its script too (--ignore ${shellQuote(script)}).`,
  });
}
