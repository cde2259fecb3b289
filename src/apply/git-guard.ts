/**
 * The dirty-tree guard: a migration should land as its own reviewable diff, so files it
 * would change must not carry uncommitted edits (or be untracked) unless --force says so.
 * Outside a git work tree there is nothing to guard.
 */
import { spawnSync } from 'node:child_process';

/** Repository-relative paths among `rels` that git reports as modified or untracked, or null outside git. */
export function uncommitted(root: string, rels: readonly string[]): string[] | null {
  if (rels.length === 0) return [];
  const inside = spawnSync('git', ['-C', root, 'rev-parse', '--is-inside-work-tree'], { encoding: 'utf8' });
  if (inside.error || inside.status !== 0 || inside.stdout.trim() !== 'true') return null;
  const st = spawnSync('git', ['-C', root, 'status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...rels.map((r) => `:(literal)${r}`)], {
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (st.error || st.status !== 0) return null;
  const prefix = spawnSync('git', ['-C', root, 'rev-parse', '--show-prefix'], { encoding: 'utf8' }).stdout.trim();
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
