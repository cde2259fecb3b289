/**
 * The files a run leaves in its copy of the repository: a snapshot of the tree (type, mode,
 * content hash; `.git` left out) before and after, and the comparison of what the old run
 * changed with what the migrated run left at the same paths.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export interface FileState {
  type: 'file' | 'dir' | 'symlink' | 'other';
  mode: number;
  /** sha256 of a file's content, a link's target; '' otherwise. */
  hash: string;
}

export type Tree = Map<string, FileState>;

export function snapshotTree(root: string): Tree {
  const out: Tree = new Map();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      if (rel === '' && e.name === '.git') continue;
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      const abs = path.join(root, r);
      const st = fs.lstatSync(abs);
      const mode = st.mode & 0o7777;
      if (st.isSymbolicLink()) out.set(r, { type: 'symlink', mode: 0, hash: fs.readlinkSync(abs) });
      else if (st.isDirectory()) {
        out.set(r, { type: 'dir', mode, hash: '' });
        walk(r);
      } else if (st.isFile()) out.set(r, { type: 'file', mode, hash: createHash('sha256').update(fs.readFileSync(abs)).digest('hex') });
      else out.set(r, { type: 'other', mode, hash: '' });
    }
  };
  walk('');
  return out;
}

const same = (a: FileState | undefined, b: FileState | undefined) => (a === undefined ? b === undefined : b !== undefined && a.type === b.type && a.mode === b.mode && a.hash === b.hash);

function describe(s: FileState | undefined): string {
  if (!s) return 'nothing';
  const mode = s.mode.toString(8).padStart(4, '0');
  return s.type === 'file' ? `a file (mode ${mode}, sha256 ${s.hash.slice(0, 12)})` : s.type === 'dir' ? `a folder (mode ${mode})` : s.type === 'symlink' ? `a link to ${s.hash}` : 'a special file';
}

/**
 * Differences between what the two runs left: every path either run created, changed or
 * removed must end the same in both. `exempt(path)` leaves out what the migration removes on
 * purpose (an extracted artifact no longer needed on the host).
 */
export function compareHostFiles(old: { before: Tree; after: Tree }, migrated: { before: Tree; after: Tree }, exempt: (p: string) => boolean): { compared: string[]; differences: string[] } {
  const touched = new Set<string>();
  for (const run of [old, migrated]) {
    for (const [p, s] of run.after) if (!same(run.before.get(p), s)) touched.add(p);
    for (const p of run.before.keys()) if (!run.after.has(p)) touched.add(p);
  }
  const compared = [...touched].filter((p) => !exempt(p)).sort();
  const differences: string[] = [];
  for (const p of compared) {
    const a = old.after.get(p);
    const b = migrated.after.get(p);
    if (!same(a, b)) differences.push(`host file ${p}: the old pipeline left ${describe(a)}, the migrated one ${describe(b)}`);
  }
  return { compared, differences };
}

/**
 * What a migration stops leaving on the host on purpose: the extracted artifacts, and a folder
 * the old run created that holds nothing but them (`go build -o bin/app` through a mount makes
 * `bin/`; the migrated run builds it in a stage instead).
 */
export function artifactFootprint(gone: readonly string[], oldBefore: Tree, oldAfter: Tree): (p: string) => boolean {
  const artifact = (p: string) => gone.some((g) => p === g || p.startsWith(`${g}/`));
  const createdDir = (p: string) => !oldBefore.has(p) && oldAfter.get(p)?.type === 'dir';
  const onlyArtifacts = (p: string) => createdDir(p) && [...oldAfter.keys()].filter((k) => k.startsWith(`${p}/`)).every((k) => artifact(k) || createdDir(k));
  return (p) => artifact(p) || (gone.some((g) => g.startsWith(`${p}/`)) && onlyArtifacts(p));
}
