/**
 * apply: the only code that writes, one transaction per root.
 *
 * 1. Validate every change: the file still has exactly the bytes the plan was made from (or
 *    is absent, for a create), the path stays inside the root and passes through no symbolic
 *    link, it is a regular file, and its folder is writable. Any problem: nothing is written.
 * 2. Stage: each new content goes to a temporary file beside its target (fsync'd, with the
 *    target's mode).
 * 3. Publish the journal (see journal.ts): every change, with hashes of the old and new bytes
 *    and a backup of the old ones. From here on a crash is finished by the next run.
 * 4. Rename the temporary files over their targets, delete what goes, remove the journal.
 *
 * A crash before 3 leaves only temporary files (the next run removes them; no target was
 * touched); a crash after it is completed by `recoverJournal`. Either way every setup ends
 * wholly old or wholly new.
 */
import fs from 'node:fs';
import path from 'node:path';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { absOf, fsyncDir, mutated, readRegular, renameCounted, runTag, sha256, TEMP_RE, tempName, unlinkCounted, unsafePath, writeNewFile } from './durable.js';
import { dropJournalTemp, JOURNAL_NAME, journalExists, newJournal, publishJournal, removeJournal, settleJournal, type JournalEntry } from './journal.js';

export { CRASH_ENV } from './durable.js';
export { cleanStrayTemps, findStrayTemps, JOURNAL_NAME, recoverJournal, type RecoveryOutcome, type RecoveryReport } from './journal.js';

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

interface Current {
  bytes: Buffer | null;
  mode: number | null;
  owner: { uid: number; gid: number } | undefined;
}

const NOTHING = 'Nothing was written.';

function inspect(root: string, ops: readonly WriteOp[]): { problems: Diagnostic[]; current: Current[] } {
  const problems: Diagnostic[] = [];
  const current: Current[] = [];
  if (journalExists(root)) {
    problems.push(diag('WRITE_ERROR', 'error', `an earlier run was interrupted while writing to this repository (${JOURNAL_NAME} is there)`, { file: JOURNAL_NAME, hint: `${NOTHING} Run the tool again: it finishes or undoes the interrupted change first.` }));
  }
  const seen = new Set<string>();
  for (const op of ops) {
    const cur: Current = { bytes: null, mode: null, owner: undefined };
    current.push(cur);
    const base = op.path.slice(op.path.lastIndexOf('/') + 1);
    const unsafe = unsafePath(root, op.path) ?? (op.path === JOURNAL_NAME || TEMP_RE.test(base) ? 'it is a file the tool keeps for itself' : null);
    if (unsafe) {
      problems.push(diag('UNSAFE_PATH', 'error', `refusing to write ${op.path}: ${unsafe}`, { file: op.path, hint: NOTHING }));
      continue;
    }
    if (seen.has(op.path)) {
      problems.push(diag('WRITE_ERROR', 'error', `internal error: ${op.path} is changed twice in one run`, { file: op.path, hint: `${NOTHING} Please report this.` }));
      continue;
    }
    seen.add(op.path);
    const abs = absOf(root, op.path);
    let bytes: Buffer | null | 'other';
    try {
      bytes = readRegular(abs);
    } catch (e) {
      problems.push(diag('READ_ERROR', 'error', `cannot read ${op.path} (${(e as NodeJS.ErrnoException).code ?? String(e)})`, { file: op.path, hint: NOTHING }));
      continue;
    }
    if (bytes === 'other') {
      problems.push(diag('UNSAFE_PATH', 'error', `refusing to write ${op.path}: it is not a regular file`, { file: op.path, hint: NOTHING }));
      continue;
    }
    cur.bytes = bytes;
    if (bytes !== null) {
      const st = fs.statSync(abs);
      cur.mode = st.mode & 0o7777;
      cur.owner = { uid: st.uid, gid: st.gid };
    }
    const changed = () => problems.push(diag('FILE_CHANGED', 'error', `${op.path} changed after the plan was made`, { file: op.path, hint: `${NOTHING} Run the tool again to plan from the current files.` }));
    if (op.action === 'create') {
      if (bytes !== null) changed();
    } else if (bytes === null || op.before === null) {
      changed();
    } else if (!bytes.equals(Buffer.from(op.before, 'utf8'))) {
      if (bytes.toString('utf8') === op.before) {
        // The plan read the file through a lossy UTF-8 decoding: writing it back would change bytes it never meant to touch.
        problems.push(diag('READ_ERROR', 'error', `${op.path} is not valid UTF-8 text; rewriting it would change bytes outside the migration`, { file: op.path, hint: `${NOTHING} Convert the file to UTF-8, or migrate it by hand.` }));
      } else changed();
    }
    // The folder must take new entries (the staged copy) and lose old ones (the rename).
    let dir = path.dirname(abs);
    while (!fs.existsSync(dir) && dir !== path.dirname(dir)) dir = path.dirname(dir);
    try {
      fs.accessSync(dir, fs.constants.W_OK | fs.constants.X_OK);
    } catch {
      problems.push(diag('WRITE_ERROR', 'error', `cannot write ${op.path}: its folder is not writable`, { file: op.path, hint: `${NOTHING} Check permissions.` }));
    }
  }
  return { problems, current };
}

/** Checks every operation against the disk; returns the problems (none means safe to write). */
export function validateOps(root: string, ops: readonly WriteOp[]): Diagnostic[] {
  return inspect(root, ops).problems;
}

/**
 * Writes every operation, or none: throws ApplyRefused (nothing changed) when validation or
 * staging fails. Only a crash can leave a change half made, and the next `recoverJournal`
 * finishes it.
 */
export function applyOps(root: string, ops: readonly WriteOp[]): void {
  const { problems, current } = inspect(root, ops);
  if (problems.length > 0) throw new ApplyRefused(problems);
  if (ops.length === 0) return;

  const tag = runTag();
  const journal = newJournal(tag);
  const staged: string[] = [];
  const madeDirs: string[] = [];
  let published = false;
  try {
    for (const [i, op] of ops.entries()) {
      const cur = current[i]!;
      const target = absOf(root, op.path);
      const entry: JournalEntry = {
        path: op.path,
        action: op.action,
        temp: null,
        oldSha256: cur.bytes === null ? null : sha256(cur.bytes),
        newSha256: null,
        mode: cur.mode,
        backup: cur.bytes === null ? null : cur.bytes.toString('base64'),
      };
      if (op.action !== 'delete') {
        const data = Buffer.from(op.after ?? '', 'utf8');
        const dir = path.dirname(target);
        const missing: string[] = [];
        for (let d = dir; !fs.existsSync(d) && d !== path.dirname(d); d = path.dirname(d)) missing.unshift(d);
        for (const d of missing) {
          fs.mkdirSync(d);
          madeDirs.unshift(d);
          mutated();
        }
        const tmp = path.join(dir, tempName(path.basename(target), tag, i));
        staged.push(tmp);
        writeNewFile(tmp, data, cur.mode, cur.owner);
        entry.temp = path.relative(root, tmp).split(path.sep).join('/');
        entry.newSha256 = sha256(data);
      }
      journal.ops.push(entry);
    }
    for (const d of new Set(staged.map((t) => path.dirname(t)))) fsyncDir(d);
    // Last look before committing: a file edited while we staged is not written over.
    const late = ops.filter((op, i) => {
      const now = readRegular(absOf(root, op.path));
      return now === 'other' || (now === null ? current[i]!.bytes !== null : current[i]!.bytes === null || !now.equals(current[i]!.bytes!));
    });
    if (late.length > 0) {
      throw new ApplyRefused(late.map((op) => diag('FILE_CHANGED', 'error', `${op.path} changed while the changes were being staged`, { file: op.path, hint: `${NOTHING} Run the tool again to plan from the current files.` })));
    }
    publishJournal(root, journal);
    published = true;
    dropJournalTemp(root, journal);
  } catch (e) {
    if (!published) {
      for (const t of [...staged, absOf(root, journal.journalTemp)]) {
        try {
          unlinkCounted(t);
        } catch {
          /* best effort; the next run removes strays */
        }
      }
      for (const d of madeDirs) {
        try {
          fs.rmdirSync(d);
        } catch {
          /* an empty folder left behind is harmless */
        }
      }
    }
    if (e instanceof ApplyRefused) throw e;
    if (!published) throw new ApplyRefused([diag('WRITE_ERROR', 'error', `could not stage the changes: ${(e as Error).message}`, { hint: `${NOTHING} Check permissions and free space.` })]);
    // Published, and only the journal's temporary name could not be removed: the change goes on
    // (the next run's recovery removes that name).
  }

  // Committed: from here on, a crash is finished by the next run.
  try {
    const dirs = new Set<string>();
    for (const e of journal.ops) {
      if (e.temp === null) continue;
      renameCounted(absOf(root, e.temp), absOf(root, e.path));
      dirs.add(path.dirname(absOf(root, e.path)));
    }
    for (const e of journal.ops) {
      if (e.temp !== null) continue;
      unlinkCounted(absOf(root, e.path));
      dirs.add(path.dirname(absOf(root, e.path)));
    }
    for (const d of dirs) fsyncDir(d);
    removeJournal(root);
  } catch (e) {
    const why = (e as Error).message;
    let undone: string;
    try {
      const r = settleJournal(root, { force: 'rollback', ownRun: true });
      undone = r && !r.ok ? `${r.message} ${JOURNAL_NAME} was kept.` : `every file already written was restored. ${NOTHING}`;
    } catch (e2) {
      undone = `undoing it failed too (${(e2 as Error).message}); ${JOURNAL_NAME} was kept, and the next run finishes or undoes the change`;
    }
    throw new ApplyRefused([diag('WRITE_ERROR', 'error', `could not write the changes: ${why}`, { file: JOURNAL_NAME, hint: undone })]);
  }
}
