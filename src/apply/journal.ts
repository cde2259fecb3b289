/**
 * The write journal: what one apply is about to do to one root, published (fsync'd, atomically)
 * after every new content is staged and before the first target changes, removed when the
 * last change is made. A run that finds a journal left by a crash finishes the change (every
 * staged content is still there) or undoes it (from the backups the journal holds), so every
 * setup ends wholly old or wholly new; if a file was edited since, it touches nothing and says so.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { diag, type Diagnostic } from '../model/diagnostics.js';
import { GitError } from './git.js';
import type { ProcessStart } from './durable.js';
import { tracked } from './git-guard.js';
import { absOf, fsyncDir, mutated, processAlive, processStart, recordedProcess, readRegular, renameCounted, runTag, sha256, TEMP_RE, tempName, unlinkCounted, unsafePath, writeNewFile } from './durable.js';

/** One journal per root. Ignore it in git (`.multistage-codemod.journal.json`); it only exists while a run writes, or after a crash. */
export const JOURNAL_NAME = '.multistage-codemod.journal.json';

export interface JournalEntry {
  /** Repository-relative target. */
  path: string;
  action: 'create' | 'update' | 'delete';
  /** Repository-relative staged new content (beside the target); null for a deletion. */
  temp: string | null;
  /** sha256 of the old bytes; null when the file did not exist (create). */
  oldSha256: string | null;
  /** sha256 of the new bytes; null when the file goes (delete). */
  newSha256: string | null;
  /** The old file's mode, to restore it with. */
  mode: number | null;
  /** The old bytes (base64), so the change can be undone; null for a create. */
  backup: string | null;
}

export interface Journal {
  tool: 'multistage-codemod';
  version: 1;
  pid: number;
  host: string;
  /**
   * When the process `pid` started (./durable.ts): the id of a run killed long ago may belong to
   * another process by now, which must not pass for the run still writing. Absent where /proc
   * cannot say, and in journals of earlier versions.
   */
  start?: ProcessStart;
  startedAt: string;
  /** The temporary name the journal itself was written under. */
  journalTemp: string;
  ops: JournalEntry[];
}

export type RecoveryOutcome = 'completed' | 'rolled-back' | 'cleaned' | 'blocked';

export interface RecoveryReport {
  root: string;
  /**
   * completed: the interrupted change was finished (every file is new); rolled-back: it was
   * undone (every file is old); cleaned: only temporary files of a run that stopped before
   * changing anything were removed; blocked: nothing was touched (see diagnostics).
   */
  outcome: RecoveryOutcome;
  /** False when blocked: the root should not be planned or written until the user resolves it. */
  ok: boolean;
  /** True when nothing was done because the caller only asked what would be done. */
  dryRun: boolean;
  /** What was found and done, as a sentence for the user. */
  message: string;
  /** Files recovery changed (repository-relative), with what was done to each. */
  changed: { path: string; action: 'created' | 'updated' | 'deleted' | 'restored' | 'removed' }[];
  /** Temporary files removed (repository-relative). */
  removedTemps: string[];
  /** Coded problems: errors when blocked; warnings (a git error passed over with --force) otherwise. */
  diagnostics: Diagnostic[];
}

const journalPath = (root: string) => path.join(root, JOURNAL_NAME);

/**
 * Publishes the journal: written under a temporary name, fsync'd, then linked into place (never
 * over another run's journal). The caller removes the temporary name afterwards (`dropJournalTemp`).
 */
export function publishJournal(root: string, journal: Journal): void {
  const tmp = absOf(root, journal.journalTemp);
  const target = journalPath(root);
  writeNewFile(tmp, Buffer.from(`${JSON.stringify(journal)}\n`, 'utf8'), 0o644);
  try {
    fs.linkSync(tmp, target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw new Error(`another run has left ${JOURNAL_NAME} in the way`);
    // File systems without hard links: a rename, after checking no journal is there.
    if (fs.existsSync(target)) throw new Error(`another run has left ${JOURNAL_NAME} in the way`);
    fs.renameSync(tmp, target);
  }
  mutated();
  fsyncDir(root);
}

/** Removes the journal's temporary name once the journal is published. */
export function dropJournalTemp(root: string, journal: Journal): void {
  unlinkCounted(absOf(root, journal.journalTemp));
}

export function removeJournal(root: string): void {
  unlinkCounted(journalPath(root));
  fsyncDir(root);
}

export function journalExists(root: string): boolean {
  try {
    fs.lstatSync(journalPath(root));
    return true;
  } catch {
    return false;
  }
}

function isSha(v: unknown): v is string | null {
  return v === null || (typeof v === 'string' && /^[0-9a-f]{64}$/.test(v));
}

/** Reads and checks the journal; a string is the reason it cannot be used. */
function readJournal(root: string): Journal | string | null {
  let text: string;
  try {
    const st = fs.lstatSync(journalPath(root));
    if (!st.isFile()) return `${JOURNAL_NAME} is not a regular file`;
    text = fs.readFileSync(journalPath(root), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    return `cannot read ${JOURNAL_NAME} (${(e as NodeJS.ErrnoException).code ?? String(e)})`;
  }
  let j: Journal;
  try {
    j = JSON.parse(text) as Journal;
  } catch {
    return `${JOURNAL_NAME} is not valid JSON`;
  }
  const ok =
    j !== null &&
    typeof j === 'object' &&
    j.tool === 'multistage-codemod' &&
    j.version === 1 &&
    typeof j.pid === 'number' &&
    typeof j.host === 'string' &&
    (j.start === undefined || (j.start !== null && typeof j.start === 'object' && typeof j.start.bootId === 'string' && typeof j.start.ticks === 'string')) &&
    typeof j.journalTemp === 'string' &&
    Array.isArray(j.ops) &&
    j.ops.every(
      (o) =>
        o !== null &&
        typeof o === 'object' &&
        typeof o.path === 'string' &&
        ['create', 'update', 'delete'].includes(o.action) &&
        (o.temp === null || typeof o.temp === 'string') &&
        (o.action === 'delete') === (o.temp === null) &&
        isSha(o.oldSha256) &&
        isSha(o.newSha256) &&
        (o.action === 'create') === (o.oldSha256 === null) &&
        (o.action === 'delete') === (o.newSha256 === null) &&
        (o.mode === null || typeof o.mode === 'number') &&
        (o.backup === null || typeof o.backup === 'string'),
    );
  if (!ok) return `${JOURNAL_NAME} is not a journal this version understands`;
  return j;
}

/** A journal's temporary paths must be temporaries beside their own targets (a journal from elsewhere cannot point anywhere else). */
function tempBeside(target: string, temp: string): boolean {
  const dir = (p: string) => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');
  const base = temp.slice(temp.lastIndexOf('/') + 1);
  const targetBase = target.slice(target.lastIndexOf('/') + 1);
  return dir(target) === dir(temp) && TEMP_RE.test(base) && base.startsWith(`.${targetBase}.msc-`);
}

type State = 'old' | 'new' | 'other';

function stateOf(root: string, e: JournalEntry): State {
  const cur = readRegular(absOf(root, e.path));
  if (cur === 'other') return 'other';
  const h = cur === null ? null : sha256(cur);
  if (h === e.newSha256) return 'new'; // also when old and new are equal: nothing left to do
  if (h === e.oldSha256) return 'old';
  return 'other';
}

const verb = { create: 'created', update: 'updated', delete: 'deleted' } as const;

function list(paths: string[]): string {
  if (paths.length <= 1) return paths.join('');
  return `${paths.slice(0, -1).join(', ')} and ${paths[paths.length - 1]}`;
}

function blocked(root: string, dryRun: boolean, message: string, diagnostics: Diagnostic[]): RecoveryReport {
  return { root, outcome: 'blocked', ok: false, dryRun, message, changed: [], removedTemps: [], diagnostics };
}

/**
 * Finishes or undoes the change a journal describes. `force: 'rollback'` undoes it (apply uses
 * it when a rename fails midway); otherwise the change is finished when every staged content
 * is still there, and undone when one is missing.
 *
 * A journal is only trusted as far as it can be checked: every path must be safe to write and
 * every target must hold exactly its old or its new bytes; and a journal (or staged file) that
 * is committed to git came with the repository, not from a crash here, so it is refused: a
 * repository cannot ship one that swaps its files for hidden ones on the first run.
 */
export function settleJournal(root: string, opts: { dryRun?: boolean; force?: 'rollback'; ownRun?: boolean; gitForce?: boolean; pidForce?: boolean } = {}): RecoveryReport | null {
  const dryRun = opts.dryRun ?? false;
  const journal = readJournal(root);
  if (journal === null) return null;
  const intro = `An earlier run was interrupted while it wrote its changes to ${root}`;
  if (typeof journal === 'string') {
    return blocked(root, dryRun, `${intro}, and its journal cannot be used (${journal}); nothing was done.`, [
      diag('READ_ERROR', 'error', `${journal}; the interrupted change cannot be finished or undone`, {
        file: JOURNAL_NAME,
        hint: 'Check the files the tool changes (Dockerfiles, scripts) by hand (e.g. with git status), then delete the journal and run again.',
      }),
    ]);
  }
  // The run that wrote the journal may still be writing: a process with its id that started
  // when it did is that run; one that started at another time only got its id afterwards.
  const writer = opts.ownRun || journal.pid === process.pid ? 'gone' : recordedProcess(journal.pid, journal.host, journal.start ?? null);
  if (writer === 'running') {
    return blocked(root, dryRun, `Another run (process ${journal.pid}) is writing changes to ${root} right now; nothing was done.`, [
      diag('WRITE_ERROR', 'error', `another multistage-codemod run (process ${journal.pid}) is writing to this repository`, {
        file: JOURNAL_NAME,
        hint: 'Wait for it to finish, then run again.',
      }),
    ]);
  }
  if (writer === 'unknown' && !opts.pidForce) {
    return blocked(root, dryRun, `Another run (process ${journal.pid}) may be writing changes to ${root} right now; nothing was done.`, [
      diag('WRITE_ERROR', 'error', `process ${journal.pid}, which began writing to this repository, may still be running: a process has its id, and nothing here tells whether it is that run or a later process that got the same id`, {
        file: JOURNAL_NAME,
        hint: `Wait for it to finish, then run again. If process ${journal.pid} is no multistage-codemod run (\`ps -p ${journal.pid} -o args=\` says what it is), the run that wrote the journal was interrupted: run again with --force to finish or undo its change.`,
      }),
    ]);
  }

  const unsafe: Diagnostic[] = [];
  const seen = new Set<string>();
  for (const e of journal.ops) {
    const base = e.path.slice(e.path.lastIndexOf('/') + 1);
    const own = e.path === JOURNAL_NAME || TEMP_RE.test(base) ? 'it is a file the tool keeps for itself' : seen.has(e.path) ? 'it is listed twice' : null;
    seen.add(e.path);
    const why = own ?? unsafePath(root, e.path) ?? (e.temp !== null ? (unsafePath(root, e.temp) ?? (tempBeside(e.path, e.temp) ? null : 'its staged copy is not beside it')) : null);
    if (why) unsafe.push(diag('UNSAFE_PATH', 'error', `the journal names ${e.path}, which is unsafe to write: ${why}`, { file: e.path, hint: `Nothing was done. Check ${JOURNAL_NAME}, delete it, and run again.` }));
  }
  if (!TEMP_RE.test(journal.journalTemp) || journal.journalTemp.includes('/')) {
    unsafe.push(diag('UNSAFE_PATH', 'error', `the journal names ${journal.journalTemp} as its own temporary file, which is not one`, { file: JOURNAL_NAME, hint: `Nothing was done. Check ${JOURNAL_NAME}, delete it, and run again.` }));
  }
  if (unsafe.length > 0) return blocked(root, dryRun, `${intro}, but its journal names paths the tool would never write; nothing was done.`, unsafe);
  let committed: string[];
  let warnings: Diagnostic[] = [];
  try {
    committed = tracked(root, [JOURNAL_NAME, journal.journalTemp, ...journal.ops.flatMap((e) => (e.temp === null ? [] : [e.temp]))]);
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    const check = `so it cannot tell whether ${JOURNAL_NAME} came with the repository (committed) or from a run that crashed here`;
    if (!opts.gitForce && !opts.ownRun) {
      return blocked(root, dryRun, `${intro}, but ${e.message}, ${check}; nothing was done.`, [
        diag('GIT_ERROR', 'error', `${e.message}; ${check}`, { file: JOURNAL_NAME, hint: 'Nothing was done. Fix what git reports (for "dubious ownership": run as the repository’s owner, or add it to safe.directory), or pass --force to finish or undo the interrupted change anyway.' }),
      ]);
    }
    committed = [];
    warnings = [diag('GIT_ERROR', 'warning', `${e.message}; ${check} (going on: --force)`, { file: JOURNAL_NAME })];
  }
  if (committed.length > 0) {
    return blocked(root, dryRun, `${root} holds a write journal that is committed to git, so it came with the repository rather than from a run that crashed here; nothing was done.`, [
      diag('UNSAFE_PATH', 'error', `${list(committed)} ${committed.length === 1 ? 'is' : 'are'} committed to the repository; the tool only finishes changes its own interrupted runs left`, {
        file: JOURNAL_NAME,
        hint: `Nothing was done. Remove ${list(committed)} from the repository (and check what ${JOURNAL_NAME} would have changed), then run again.`,
      }),
    ]);
  }

  const states = journal.ops.map((e) => stateOf(root, e));
  const edited = journal.ops.filter((_, i) => states[i] === 'other');
  if (edited.length > 0) {
    return blocked(
      root,
      dryRun,
      `${intro}, and ${list(edited.map((e) => e.path))} ${edited.length === 1 ? 'has' : 'have'} been changed since, so it can neither be finished nor undone; nothing was done.`,
      edited.map((e) =>
        diag('FILE_CHANGED', 'error', `${e.path} was changed after an interrupted run began writing (it is neither the old nor the new content)`, {
          file: e.path,
          hint: `Nothing was done. Put back the old or the new content (${JOURNAL_NAME} holds the old one, base64), or delete the journal and its .msc-*.tmp files to keep the files as they are; then run again.`,
        }),
      ),
    );
  }

  const pending = journal.ops.filter((_, i) => states[i] === 'old');
  const done = journal.ops.filter((_, i) => states[i] === 'new');
  const stagedOk = (e: JournalEntry) => {
    if (e.temp === null) return true;
    const t = readRegular(absOf(root, e.temp));
    return t !== null && t !== 'other' && sha256(t) === e.newSha256;
  };
  const forward = opts.force !== 'rollback' && pending.every(stagedOk);
  if (!forward) {
    const lost = done.filter((e) => e.action !== 'create' && (e.backup === null || sha256(Buffer.from(e.backup, 'base64')) !== e.oldSha256));
    if (lost.length > 0) {
      return blocked(root, dryRun, `${intro}; some of its new contents are missing, and the old contents of ${list(lost.map((e) => e.path))} are not in the journal, so it can neither be finished nor undone; nothing was done.`, lost.map((e) =>
        diag('READ_ERROR', 'error', `the journal has no usable copy of the old ${e.path}`, { file: e.path, hint: 'Check the files by hand (e.g. with git status), then delete the journal and run again.' }),
      ));
    }
  }

  const changed: RecoveryReport['changed'] = [];
  const removedTemps: string[] = [];
  const dirs = new Set<string>();
  const dirOf = (rel: string) => path.dirname(absOf(root, rel));
  if (forward) {
    for (const e of pending) {
      if (!dryRun) {
        if (e.action === 'delete') unlinkCounted(absOf(root, e.path));
        else renameCounted(absOf(root, e.temp!), absOf(root, e.path));
        dirs.add(dirOf(e.path));
      }
      changed.push({ path: e.path, action: verb[e.action] });
    }
  } else {
    const tag = runTag();
    for (const [i, e] of done.entries()) {
      if (!dryRun) {
        const target = absOf(root, e.path);
        if (e.action === 'create') unlinkCounted(target);
        else {
          const tmp = path.join(path.dirname(target), tempName(path.basename(target), tag, `r${i}`));
          writeNewFile(tmp, Buffer.from(e.backup!, 'base64'), e.mode);
          renameCounted(tmp, target);
        }
        dirs.add(dirOf(e.path));
      }
      changed.push({ path: e.path, action: e.action === 'create' ? 'removed' : 'restored' });
    }
  }
  // Finished, the staged contents of the pending changes became their targets: only the rest go.
  const renamed = new Set(forward ? pending.map((e) => e.temp) : []);
  for (const t of [...journal.ops.map((e) => e.temp), journal.journalTemp]) {
    if (t === null || (dryRun && renamed.has(t))) continue;
    if (dryRun ? readRegular(absOf(root, t)) !== null : unlinkCounted(absOf(root, t))) {
      removedTemps.push(t);
      dirs.add(dirOf(t));
    }
  }
  if (!dryRun) {
    for (const d of dirs) fsyncDir(d);
    removeJournal(root);
  }

  const would = (s: string, w: string) => (dryRun ? w : s);
  const total = journal.ops.length;
  const changes = list(changed.map((c) => `${c.action} ${c.path}`));
  let message: string;
  if (forward) {
    const what =
      changed.length === 0
        ? `every file had already been written; only the journal was left, and it ${would('was', 'would be')} removed`
        : `${would('it has now been completed', 'the next run that writes would complete it')}: ${changes}`;
    message = `${intro} (${total} file change(s), ${done.length} already made); ${what}. Every setup it was migrating ${would('is now', 'would then be')} wholly migrated.`;
  } else {
    const why = opts.force === 'rollback' ? 'it failed midway' : 'some of the new contents it had staged are gone';
    const what = changed.length === 0 ? 'no file had been changed yet' : `${would('the files it had already written were restored', 'the files it had already written would be restored')}: ${changes}`;
    message = `${intro}, and ${why}, so it ${would('was undone', 'would be undone')}; ${what}. Every file ${would('is', 'would be')} as it was before that run.`;
  }
  return { root, outcome: forward ? 'completed' : 'rolled-back', ok: true, dryRun, message, changed, removedTemps, diagnostics: warnings };
}

const SKIP_DIRS = new Set(['.git', '.hg', '.svn', 'node_modules']);

/**
 * Temporary files (`.*.msc-*.tmp`) left by runs that are no longer running, repository-relative.
 * Without a journal they are all a crash left: it stopped before changing any target.
 */
export function findStrayTemps(root: string): string[] {
  const out: string[] = [];
  const visit = (rel: string) => {
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(rel === '' ? root : absOf(root, rel), { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const r = rel === '' ? e.name : `${rel}/${e.name}`;
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name)) visit(r);
        continue;
      }
      if (!e.isFile() && !e.isSymbolicLink()) continue;
      const m = TEMP_RE.exec(e.name);
      if (m && !processAlive(Number(m[1]))) out.push(r);
    }
  };
  visit('');
  return out.sort();
}

/**
 * What a CLI run calls first, for each root: finishes or undoes a change a crashed run left
 * (see settleJournal), and removes temporary files of runs that stopped before changing
 * anything. Null when there was nothing to do. With dryRun, reports what it would do and
 * touches nothing. `force` (--force) goes on when git cannot say whether the journal is committed,
 * and when a process has the id of the run that wrote it but cannot be told apart from it.
 */
export function recoverJournal(root: string, opts: { dryRun?: boolean; temps?: readonly string[]; force?: boolean } = {}): RecoveryReport | null {
  const dryRun = opts.dryRun ?? false;
  const report = settleJournal(root, { dryRun, gitForce: opts.force ?? false, pidForce: opts.force ?? false });
  if (report && !report.ok) return report;
  return cleanStrayTemps(root, opts.temps ?? findStrayTemps(root), report, dryRun);
}

/**
 * Removes (or, with dryRun, reports) the temporary files among `temps` (repository-relative,
 * e.g. what the walk found) whose run is no longer running, adding a note to `report`. Only
 * files git does not track are removed: a committed file that merely looks like a leftover is
 * kept, and so is every one when git cannot tell (the note says so).
 */
export function cleanStrayTemps(root: string, temps: readonly string[], report: RecoveryReport | null, dryRun: boolean): RecoveryReport | null {
  const candidates = temps
    .filter((t) => {
      const m = TEMP_RE.exec(path.basename(t));
      return m !== null && !processAlive(Number(m[1])) && !report?.removedTemps.includes(t);
    })
    .sort();
  if (candidates.length === 0) return report;
  let kept: string[];
  let why: string;
  try {
    kept = tracked(root, candidates);
    why = 'committed to git';
  } catch (e) {
    if (!(e instanceof GitError)) throw e;
    kept = candidates;
    why = `${e.message}, so it cannot tell whether they are committed`;
  }
  const strays = candidates.filter((t) => !kept.includes(t));
  if (!dryRun) {
    const dirs = new Set<string>();
    for (const t of strays) {
      unlinkCounted(absOf(root, t));
      dirs.add(path.dirname(absOf(root, t)));
    }
    for (const d of dirs) fsyncDir(d);
  }
  const notes: string[] = [];
  if (strays.length > 0) notes.push(`${dryRun ? 'Would remove' : 'Removed'} ${strays.length} temporary file(s) left by an interrupted run that had not changed any file yet (${list(strays)}).`);
  if (kept.length > 0) notes.push(`Kept ${list(kept)}, named like the tool's temporary files: ${why}.`);
  const note = notes.join(' ');
  if (report) return { ...report, message: `${report.message} ${note}`, removedTemps: [...report.removedTemps, ...strays] };
  return { root, outcome: 'cleaned', ok: true, dryRun, message: note, changed: [], removedTemps: strays, diagnostics: [] };
}

/** A fresh journal record for a run (the caller fills `ops`). */
export function newJournal(tag: string): Journal {
  const start = processStart(process.pid);
  return { tool: 'multistage-codemod', version: 1, pid: process.pid, host: os.hostname(), ...(start ? { start } : {}), startedAt: new Date().toISOString(), journalTemp: tempName(JOURNAL_NAME, tag, 'journal'), ops: [] };
}
