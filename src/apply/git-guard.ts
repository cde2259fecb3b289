/**
 * The dirty-tree guard and the "is it committed" check: a migration should land as its own
 * reviewable diff, so files it would change must not carry uncommitted edits (or be untracked,
 * or ignored: git could not bring them back)
 * unless --force says so; and files the tool would delete as its own leftovers must not be
 * committed ones.
 *
 * Each file is asked of its OWN repository (a submodule or a nested repository answers for the
 * files in it), through git.ts: nothing the repository configures runs, and a git that refuses
 * the repository throws GitError (never "not a repository").
 */
import { byRepository, gitIn } from './git.js';

export interface DirtyReport {
  /** Repository-relative paths of tracked files git reports as modified. */
  dirty: string[];
  /**
   * Repository-relative paths of existing files git does not track: untracked or ignored (an
   * ignored file is one git status never lists unless asked). Git cannot bring them back.
   */
  untracked: string[];
  /** Repository-relative paths no git repository holds: nothing can be checked for them. */
  outside: string[];
}

/** Which of `rels` (relative to `root`) have uncommitted changes, or are not tracked, in their own repository. Throws GitError. */
export function uncommitted(root: string, rels: readonly string[]): DirtyReport {
  const dirty = new Set<string>();
  const untracked = new Set<string>();
  const outside: string[] = [];
  for (const [repo, files] of byRepository(root, rels)) {
    if (repo === null) {
      outside.push(...files.map((f) => f.rel));
      continue;
    }
    const byInRepo = new Map(files.map((f) => [f.inRepo, f.rel]));
    // --ignored=traditional with --untracked-files=all lists each ignored file (`!!`), also in an ignored folder.
    const out = gitIn(repo, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignored=traditional', '--ignore-submodules=all', '--', ...files.map((f) => `:(literal)${f.inRepo}`)]);
    const entries = out.split('\0');
    for (let i = 0; i < entries.length; i++) {
      const e = entries[i]!;
      if (e.length < 4) continue;
      if (e[0] === 'R' || e[0] === 'C') i++; // the next entry is the rename's source
      const rel = byInRepo.get(e.slice(3));
      if (rel === undefined) continue;
      if (e.startsWith('??') || e.startsWith('!!')) untracked.add(rel);
      else dirty.add(rel);
    }
  }
  return { dirty: [...dirty].sort(), untracked: [...untracked].sort(), outside: outside.sort() };
}

/** Which of `rels` (relative to `root`) are committed (tracked) in their own repository. Throws GitError. */
export function tracked(root: string, rels: readonly string[]): string[] {
  const found: string[] = [];
  for (const [repo, files] of byRepository(root, rels)) {
    if (repo === null) continue;
    const byInRepo = new Map(files.map((f) => [f.inRepo, f.rel]));
    const out = gitIn(repo, ['ls-files', '-z', '--full-name', '--', ...files.map((f) => `:(literal)${f.inRepo}`)]);
    for (const p of out.split('\0')) {
      const rel = byInRepo.get(p);
      if (rel !== undefined) found.push(rel);
    }
  }
  return [...new Set(found)].sort();
}
