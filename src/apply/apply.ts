/**
 * apply: the only code that writes. Everything is validated first (each file still has
 * the content the plan was made from, stays inside the root, is reached through no
 * symbolic link); then new contents go to temporary files beside their targets and are
 * renamed over them, deletions last. A file is never left half-written.
 */
import fs from 'node:fs';
import path from 'node:path';
import { diag, type Diagnostic } from '../model/diagnostics.js';

export interface WriteOp {
  /** Repository-relative path. */
  path: string;
  action: 'create' | 'update' | 'delete';
  before: string | null;
  after: string | null;
}

export class ApplyRefused extends Error {
  constructor(readonly diagnostics: Diagnostic[]) {
    super(diagnostics.map((d) => d.message).join('; '));
  }
}

function insideNoLinks(root: string, rel: string): string | null {
  const parts = rel.split('/');
  if (path.isAbsolute(rel) || parts.some((p) => p === '..' || p === '')) return 'the path leaves the repository';
  let cur = root;
  for (const p of parts) {
    cur = path.join(cur, p);
    try {
      if (fs.lstatSync(cur).isSymbolicLink()) return `${path.relative(root, cur)} is a symbolic link`;
    } catch {
      return null; // the rest does not exist yet
    }
  }
  return null;
}

/** Checks every operation against the disk; returns the problems (none means safe to write). */
export function validateOps(root: string, ops: readonly WriteOp[]): Diagnostic[] {
  const problems: Diagnostic[] = [];
  for (const op of ops) {
    const unsafe = insideNoLinks(root, op.path);
    if (unsafe) {
      problems.push(diag('UNSAFE_PATH', 'error', `refusing to write ${op.path}: ${unsafe}`, { file: op.path, hint: 'Nothing was written.' }));
      continue;
    }
    const abs = path.join(root, op.path);
    let current: string | null = null;
    try {
      current = fs.readFileSync(abs, 'utf8');
    } catch {
      current = null;
    }
    if (op.action === 'create' ? current !== null : current !== op.before) {
      problems.push(diag('FILE_CHANGED', 'error', `${op.path} changed after the plan was made`, { file: op.path, hint: 'Nothing was written. Run the tool again to plan from the current files.' }));
    }
  }
  return problems;
}

export function applyOps(root: string, ops: readonly WriteOp[]): void {
  const problems = validateOps(root, ops);
  if (problems.length > 0) throw new ApplyRefused(problems);
  const staged: { tmp: string; target: string }[] = [];
  try {
    for (const [i, op] of ops.entries()) {
      if (op.action === 'delete') continue;
      const target = path.join(root, op.path);
      const tmp = path.join(path.dirname(target), `.${path.basename(target)}.msc-${process.pid}-${i}.tmp`);
      let mode = 0o644;
      try {
        mode = fs.statSync(target).mode & 0o7777;
      } catch {
        /* a new file */
      }
      const fd = fs.openSync(tmp, 'wx', mode);
      try {
        fs.writeFileSync(fd, op.after ?? '');
        fs.fsyncSync(fd);
      } finally {
        fs.closeSync(fd);
      }
      fs.chmodSync(tmp, mode);
      staged.push({ tmp, target });
    }
  } catch (e) {
    for (const s of staged) fs.rmSync(s.tmp, { force: true });
    throw new ApplyRefused([diag('WRITE_ERROR', 'error', `could not stage the changes: ${(e as Error).message}`, { hint: 'Nothing was written.' })]);
  }
  for (const s of staged) fs.renameSync(s.tmp, s.target);
  for (const op of ops) if (op.action === 'delete') fs.rmSync(path.join(root, op.path), { force: true });
}
