/**
 * discover: which files to look at. Walks the root honouring .gitignore files at every
 * level, skips VCS folders and node_modules, never follows symbolic links, and returns
 * repository-relative paths of files that could drive a setup. Reads nothing else.
 */
import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';

const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules']);

export interface WalkResult {
  files: string[];
  /** Folders that could not be read, with the reason. */
  unreadable: { path: string; reason: string }[];
}

/**
 * Paths that can hold a script some adapter reads: shell scripts (extensionless files are
 * checked by shebang later), Makefiles, package.json, GitHub Actions workflows, GitLab CI.
 */
export function isCandidate(rel: string, name: string): boolean {
  return (
    /\.(sh|bash|mk)$/i.test(name) ||
    !name.includes('.') ||
    name === 'package.json' ||
    /^\.gitlab-ci\.ya?ml$/.test(name) ||
    /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(rel)
  );
}

export function walk(root: string): WalkResult {
  const result: WalkResult = { files: [], unreadable: [] };
  const visit = (dirRel: string, rules: { base: string; ig: Ignore }[]) => {
    const dirAbs = path.join(root, dirRel);
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dirAbs, { withFileTypes: true });
    } catch (e) {
      result.unreadable.push({ path: dirRel || '.', reason: (e as NodeJS.ErrnoException).code ?? String(e) });
      return;
    }
    const here = entries.find((e) => e.name === '.gitignore' && e.isFile());
    let scoped = rules;
    if (here) {
      try {
        scoped = [...rules, { base: dirRel, ig: ignore().add(fs.readFileSync(path.join(dirAbs, '.gitignore'), 'utf8')) }];
      } catch {
        /* an unreadable .gitignore ignores nothing */
      }
    }
    const ignored = (rel: string, dir: boolean) =>
      scoped.some(({ base, ig }) => {
        const sub = base === '' ? rel : rel.slice(base.length + 1);
        return ig.ignores(dir ? `${sub}/` : sub);
      });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const e of entries) {
      const rel = dirRel === '' ? e.name : `${dirRel}/${e.name}`;
      if (e.isSymbolicLink()) continue;
      if (e.isDirectory()) {
        if (SKIP_DIRS.has(e.name) || ignored(rel, true)) continue;
        visit(rel, scoped);
      } else if (e.isFile() && isCandidate(rel, e.name) && !ignored(rel, false)) {
        result.files.push(rel);
      }
    }
  };
  visit('', []);
  return result;
}
