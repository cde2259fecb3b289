/**
 * The dirty-tree guard: a migration should land as its own reviewable diff, so files it
 * would change must not carry uncommitted edits (or be untracked) unless --force says so.
 * Outside a git work tree there is nothing to guard.
 *
 * Nothing from the repository runs: `git status` would start commands the repository's own
 * config names (core.fsmonitor, the clean/process commands of filter drivers that
 * .gitattributes selects), so those are switched off for the call; it takes no optional
 * locks (it does not rewrite the index) and does not descend into submodules.
 */
import { spawnSync } from 'node:child_process';

const git = (root: string, args: string[]) => spawnSync('git', ['--no-optional-locks', '-C', root, ...args], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 });

/** `-c` options that switch off every command the repository's config could make `git status` run. */
export function neutralizingConfig(root: string): string[] {
  const out = ['-c', 'core.fsmonitor=false'];
  const r = git(root, ['config', '-z', '--get-regexp', '^filter\\.']);
  if (r.error || r.status !== 0) return out; // status 1: no filter configured
  const names = new Set<string>();
  for (const entry of r.stdout.split('\0')) {
    const key = entry.split('\n', 1)[0]!;
    const m = /^filter\.(.+)\.[^.]+$/.exec(key);
    if (m) names.add(m[1]!);
  }
  for (const n of names) out.push('-c', `filter.${n}.clean=`, '-c', `filter.${n}.smudge=`, '-c', `filter.${n}.process=`, '-c', `filter.${n}.required=false`);
  return out;
}

/** Repository-relative paths among `rels` that git reports as modified or untracked, or null outside git. */
export function uncommitted(root: string, rels: readonly string[]): string[] | null {
  if (rels.length === 0) return [];
  const inside = git(root, ['rev-parse', '--is-inside-work-tree']);
  if (inside.error || inside.status !== 0 || inside.stdout.trim() !== 'true') return null;
  const st = git(root, [...neutralizingConfig(root), 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--ignore-submodules=all', '--', ...rels.map((r) => `:(literal)${r}`)]);
  if (st.error || st.status !== 0) return null;
  const prefix = git(root, ['rev-parse', '--show-prefix']).stdout.trim();
  const dirty = new Set<string>();
  const entries = st.stdout.split('\0');
  for (let i = 0; i < entries.length; i++) {
    const e = entries[i]!;
    if (e.length < 4) continue;
    const status = e.slice(0, 2);
    const p = e.slice(3);
    if (status[0] === 'R' || status[0] === 'C') i++; // the next entry is the rename's source
    const rel = prefix && p.startsWith(prefix) ? p.slice(prefix.length) : p;
    if (rels.includes(rel)) dirty.add(rel);
  }
  return [...dirty].sort();
}

/** Repository-relative paths among `rels` that are committed (tracked) in git; empty outside git. */
export function tracked(root: string, rels: readonly string[]): string[] {
  if (rels.length === 0) return [];
  const r = git(root, [...neutralizingConfig(root), 'ls-files', '-z', '--full-name', '--', ...rels.map((x) => `:(literal)${x}`)]);
  if (r.error || r.status !== 0) return [];
  const prefix = git(root, ['rev-parse', '--show-prefix']).stdout.trim();
  return r.stdout
    .split('\0')
    .filter(Boolean)
    .map((p) => (prefix && p.startsWith(prefix) ? p.slice(prefix.length) : p))
    .filter((p) => rels.includes(p));
}
