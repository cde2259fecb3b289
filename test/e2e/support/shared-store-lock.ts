/**
 * One test at a time may change the shared podman store or assert that it is left as it was.
 *
 * The e2e files run side by side (vitest.config.ts). Everything they build goes into stores of
 * their own (./run-store.ts), and the base images are built before any file starts
 * (./global-setup.ts), so the shared store stays still, except where a test is about it: the
 * run-store test tags and removes an image there on purpose, and --verify's test compares the
 * whole store before and after. Run at once, each would see the other's change. Such tests run
 * their body inside `withSharedStore`, a lock between processes: a directory created atomically
 * (renamed into place, which fails if it exists) holding the owner's pid, taken over when
 * that process is gone.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';

const SHARED_STORE_LOCK = path.join(os.tmpdir(), `msc-e2e-shared-store-${os.userInfo().uid}.lock`);
/** Longer than any one such test takes on a slow machine, short of the e2e test timeout. */
const GIVE_UP_MS = 240_000;

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function owner(lock: string): string {
  try {
    return fs.readFileSync(path.join(lock, 'pid'), 'utf8');
  } catch {
    return '';
  }
}

/** Renamed aside first, so the lock is never seen half removed. */
function release(lock: string): void {
  const aside = `${lock}-gone-${process.pid}-${Date.now()}`;
  try {
    fs.renameSync(lock, aside);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  fs.rmSync(aside, { recursive: true, force: true });
}

/** The lock directory is made aside with the pid in it, then renamed into place: never without its pid. */
function tryTake(lock: string): boolean {
  const mine = fs.mkdtempSync(`${lock}-`);
  fs.writeFileSync(path.join(mine, 'pid'), String(process.pid));
  try {
    fs.renameSync(mine, lock);
    return true;
  } catch (e) {
    fs.rmSync(mine, { recursive: true, force: true });
    if (!['EEXIST', 'ENOTEMPTY'].includes((e as NodeJS.ErrnoException).code ?? '')) throw e;
    const pid = Number(owner(lock));
    if (Number.isInteger(pid) && pid > 0 && !alive(pid)) release(lock);
    return false;
  }
}

/** `body` run while holding `lock` (a path), waiting for whoever holds it. */
export async function withLock<T>(lock: string, body: () => Promise<T>, giveUpMs = GIVE_UP_MS): Promise<T> {
  const start = Date.now();
  while (!tryTake(lock)) {
    if (Date.now() - start > giveUpMs) throw new Error(`the lock ${lock} was held for ${giveUpMs / 1000} s (by pid ${owner(lock)}); remove it if no test is running`);
    await sleep(250);
  }
  try {
    return await body();
  } finally {
    release(lock);
  }
}

export function withSharedStore<T>(body: () => Promise<T>): Promise<T> {
  return withLock(SHARED_STORE_LOCK, body);
}
