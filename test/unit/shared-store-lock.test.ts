/**
 * The lock the e2e files take around tests that change or compare the whole shared podman
 * store (test/e2e/support/shared-store-lock.ts): bodies never overlap, a lock left by a process
 * that is gone is taken over, and one held by a live process is waited for, then given up on.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withLock } from '../e2e/support/shared-store-lock.js';

let dir: string;
let lock: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-lock-test-'));
  lock = path.join(dir, 'store.lock');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('withLock', () => {
  it('runs bodies one at a time and leaves nothing behind', async () => {
    const events: string[] = [];
    const body = (name: string) => async () => {
      events.push(`${name} in`);
      await sleep(300);
      events.push(`${name} out`);
      return name;
    };
    const results = await Promise.all([withLock(lock, body('a')), withLock(lock, body('b')), withLock(lock, body('c'))]);
    expect(results).toEqual(['a', 'b', 'c']);
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]).toMatch(/ in$/);
      expect(events[i + 1]).toBe(events[i]!.replace(' in', ' out'));
    }
    expect(fs.readdirSync(dir)).toEqual([]);
  });

  it('releases the lock when the body throws', async () => {
    await expect(withLock(lock, () => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    expect(fs.existsSync(lock)).toBe(false);
    await expect(withLock(lock, () => Promise.resolve(1))).resolves.toBe(1);
  });

  it('takes over a lock whose owner is gone', async () => {
    const gone = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), gone);
    await expect(withLock(lock, () => Promise.resolve('mine'), 5_000)).resolves.toBe('mine');
  });

  it('waits for a live owner and says who holds it when giving up', async () => {
    fs.mkdirSync(lock);
    fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
    let ran = false;
    const attempt = withLock(lock, async () => void (ran = true), 1_000);
    await expect(attempt).rejects.toThrow(`held for 1 s (by pid ${process.pid})`);
    expect(ran).toBe(false);
    expect(fs.existsSync(lock)).toBe(true);
  });
});
