/**
 * A run killed while writing is finished by the next CLI run: a review-only run reports it
 * and plans nothing; a writing run completes it, says so, and the tree is the migrated one.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRASH_ENV, JOURNAL_NAME } from '../../src/apply/apply.js';
import { BIN, runCli, twoServices } from '../support/cli.js';
import { FIXTURES, readTree } from '../support/tree.js';

describe('recovery from an interrupted run, through the CLI', () => {
  it('reports it on --dry-run, completes it on --yes', () => {
    const dir = twoServices();
    // Killed after the journal is published and the first renames are made (a write point well past staging).
    const killed = spawnSync(process.execPath, [BIN, '.', '--yes'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', [CRASH_ENV]: '10' }, encoding: 'utf8' });
    expect(killed.signal).toBe('SIGKILL');
    expect(fs.existsSync(path.join(dir, JOURNAL_NAME))).toBe(true);
    const halfway = readTree(dir);

    const review = runCli(['--dry-run'], dir);
    expect(review.code).toBe(3);
    expect(review.stderr).toMatch(/interrupted/i);
    expect(readTree(dir)).toEqual(halfway);

    const done = runCli(['.', '--yes'], dir);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toMatch(/completed/);
    const after = readTree(path.join(FIXTURES, 'href-counter', 'after'));
    const tree = readTree(dir);
    for (const svc of ['api', 'worker']) for (const [f, text] of Object.entries(after)) expect(tree[`${svc}/${f}`], `${svc}/${f}`).toBe(text);
    expect(fs.existsSync(path.join(dir, JOURNAL_NAME))).toBe(false);
    expect(Object.keys(tree).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('removes temporary files a run killed before its journal left, found by the same walk that plans', () => {
    const dir = twoServices();
    // PID 2^22+1 is above Linux's pid_max: no process can own this file.
    const stray = 'api/.build.sh.msc-4194305-abc123-x1.tmp';
    fs.writeFileSync(path.join(dir, stray), 'half a file');
    const review = runCli(['--dry-run'], dir);
    expect(review.code, review.stderr).toBe(0);
    expect(review.stderr).toContain(`Would remove 1 temporary file(s)`);
    expect(review.stderr).toContain(stray);
    expect(fs.existsSync(path.join(dir, stray))).toBe(true);

    const done = runCli(['.', '--yes'], dir);
    expect(done.code, done.stderr).toBe(0);
    expect(done.stderr).toContain(`Removed 1 temporary file(s)`);
    expect(fs.existsSync(path.join(dir, stray))).toBe(false);
  });

  it('a process that got the killed run’s id later does not block the journal; one it cannot tell apart blocks until --force', () => {
    const dir = twoServices();
    const killed = spawnSync(process.execPath, [BIN, '.', '--yes'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', [CRASH_ENV]: '10' }, encoding: 'utf8' });
    expect(killed.signal).toBe('SIGKILL');
    const jp = path.join(dir, JOURNAL_NAME);
    const journal = JSON.parse(fs.readFileSync(jp, 'utf8'));
    // Another program, started after the killed run, now has its process id.
    const other = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 60000)']);
    try {
      fs.writeFileSync(jp, JSON.stringify({ ...journal, pid: other.pid }));
      const done = runCli(['.', '--yes'], dir);
      expect(done.code, done.stderr).toBe(0);
      expect(done.stderr).toMatch(/completed/);
      expect(fs.existsSync(jp)).toBe(false);

      // A journal that does not say when its run started (an earlier version, or no /proc).
      const again = twoServices();
      const killedAgain = spawnSync(process.execPath, [BIN, '.', '--yes'], { cwd: again, env: { ...process.env, NO_COLOR: '1', [CRASH_ENV]: '10' }, encoding: 'utf8' });
      expect(killedAgain.signal).toBe('SIGKILL');
      const { start: _, ...old } = JSON.parse(fs.readFileSync(path.join(again, JOURNAL_NAME), 'utf8'));
      fs.writeFileSync(path.join(again, JOURNAL_NAME), JSON.stringify({ ...old, pid: other.pid }));
      const halfway = readTree(again);
      const blocked = runCli(['.', '--yes'], again);
      expect(blocked.code).toBe(3);
      expect(blocked.stderr).toContain(`ps -p ${other.pid} -o args=`);
      expect(blocked.stderr).toMatch(/run again with --force/);
      expect(readTree(again)).toEqual(halfway);
      const forced = runCli(['.', '--yes', '--force'], again);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stderr).toMatch(/completed/);
      expect(fs.existsSync(path.join(again, JOURNAL_NAME))).toBe(false);
    } finally {
      other.kill('SIGKILL');
    }
  });
});
