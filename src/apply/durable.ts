/**
 * The low-level writing primitives apply and recovery share: every file-system mutation
 * goes through `mutated()` (so a test can kill the process after any one of them), files
 * are written to temporary names beside their targets and fsync'd, and folders are fsync'd
 * after entries in them appear, move or go.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { TEMP_RE, tempName } from '../model/temp-names.js';
import { crypto } from '../model/node-lazy.js';

/**
 * Test-only fault injection: when set to N, the process kills itself with SIGKILL right after
 * its Nth file-system mutation (a temporary file written, the journal written or published,
 * a rename, a deletion, a folder created). A real kill, not an exception: nothing runs after it.
 */
export const CRASH_ENV = 'MULTISTAGE_CODEMOD_CRASH_AFTER_WRITES';

let mutations = 0;

/** Counts one file-system mutation (and dies there when the crash hook asks for it). */
export function mutated(): void {
  mutations++;
  const at = process.env[CRASH_ENV];
  if (at !== undefined && at !== '' && Number(at) === mutations) process.kill(process.pid, 'SIGKILL');
}

/** How many mutations this process has made (tests use it to count the write points of a run). */
export function mutationCount(): number {
  return mutations;
}

export { TEMP_RE, tempName };

export function runTag(): string {
  return crypto().randomBytes(4).toString('hex');
}

export function sha256(data: Buffer): string {
  return crypto().createHash('sha256').update(data).digest('hex');
}

/** Whether a process with this id is running on this machine (unknown elsewhere: assumed gone). */
export function processAlive(pid: number, host: string = os.hostname()): boolean {
  if (host !== os.hostname() || !Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/**
 * When a process started, as the kernel tells it: the boot it belongs to
 * (/proc/sys/kernel/random/boot_id) and its start in clock ticks after that boot (field 22 of
 * /proc/<pid>/stat). Process ids are reused; an id with this same start is the same process.
 * Null where /proc cannot say (not Linux, /proc not mounted or hiding the process).
 */
export interface ProcessStart {
  bootId: string;
  ticks: string;
}

function bootId(): string | null {
  try {
    const id = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    return id === '' ? null : id;
  } catch {
    return null;
  }
}

/** Field 22 (starttime) of /proc/<pid>/stat; the second field (the command's name, in parentheses) may hold spaces and `)`. */
function startTicks(pid: number): string | null {
  let stat: string;
  try {
    stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return null;
  }
  // Fields 3 onwards follow the last `)`: field 22 is the 20th of them.
  const ticks = stat.slice(stat.lastIndexOf(')') + 1).trim().split(' ')[19];
  return ticks !== undefined && /^\d+$/.test(ticks) ? ticks : null;
}

export function processStart(pid: number): ProcessStart | null {
  if (!Number.isInteger(pid) || pid <= 0) return null;
  const boot = bootId();
  const ticks = boot === null ? null : startTicks(pid);
  return boot === null || ticks === null ? null : { bootId: boot, ticks };
}

/**
 * Whether the process that recorded `start` under this id still runs on this machine: `gone`
 * (no process has the id, the machine was restarted since, or the id now belongs to a process
 * that started at another time: the id was reused), `running` (the same process, by its start),
 * or `unknown`: a process has the id, and nothing tells whether it is the one that recorded it
 * (no start was recorded, or /proc cannot show this process).
 */
export function recordedProcess(pid: number, host: string, start: ProcessStart | null): 'gone' | 'running' | 'unknown' {
  if (!processAlive(pid, host)) return 'gone';
  if (start === null) return 'unknown';
  const boot = bootId();
  if (boot === null) return 'unknown';
  if (boot !== start.bootId) return 'gone';
  const ticks = startTicks(pid);
  if (ticks === null) return processAlive(pid, host) ? 'unknown' : 'gone';
  return ticks === start.ticks ? 'running' : 'gone';
}

/** Writes a new file (never over an existing one), fsync'd, with the given mode (and owner, when root). */
export function writeNewFile(abs: string, data: Buffer, mode: number | null, owner?: { uid: number; gid: number }): void {
  const fd = fs.openSync(abs, 'wx', mode ?? 0o666);
  try {
    fs.writeFileSync(fd, data);
    if (mode !== null) fs.fchmodSync(fd, mode);
    if (owner && process.getuid?.() === 0) {
      try {
        fs.fchownSync(fd, owner.uid, owner.gid);
      } catch {
        /* best effort: the content is what matters */
      }
    }
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  mutated();
}

/** Makes a folder's entries (new, renamed, removed files) durable. Not every platform can. */
export function fsyncDir(dir: string): void {
  let fd: number | null = null;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    /* e.g. Windows cannot open folders; the rename itself is still atomic */
  } finally {
    if (fd !== null) fs.closeSync(fd);
  }
}

export function renameCounted(from: string, to: string): void {
  fs.renameSync(from, to);
  mutated();
}

/** Removes a file; true when there was one. */
export function unlinkCounted(abs: string): boolean {
  try {
    fs.unlinkSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
    throw e;
  }
  mutated();
  return true;
}

/** The bytes of a regular file, null when absent, 'other' when it is not a regular file (a link, a folder, a FIFO…). */
export function readRegular(abs: string): Buffer | null | 'other' {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(abs);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return null;
    throw e;
  }
  if (!st.isFile()) return 'other';
  return fs.readFileSync(abs);
}

/** Repository-relative path (forward slashes) → absolute path. */
export function absOf(root: string, rel: string): string {
  return path.join(root, ...rel.split('/'));
}

/**
 * Why a repository-relative path is unsafe to write (it leaves the root, or passes through a
 * symbolic link), or null when it is safe. Components that do not exist yet are fine.
 */
export function unsafePath(root: string, rel: string): string | null {
  const parts = rel.split('/');
  const win = process.platform === 'win32' && (rel.includes('\\') || /^[A-Za-z]:/.test(rel));
  if (rel === '' || win || path.isAbsolute(rel) || rel.includes('\0') || parts.some((p) => p === '..' || p === '')) {
    return 'the path leaves the repository';
  }
  let cur = root;
  for (const p of parts) {
    cur = path.join(cur, p);
    try {
      if (fs.lstatSync(cur).isSymbolicLink()) return `${path.relative(root, cur).split(path.sep).join('/')} is a symbolic link`;
    } catch {
      return null; // the rest does not exist yet
    }
  }
  return null;
}
