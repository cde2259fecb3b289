/**
 * Fault injection: the built CLI applies a two-setup monorepo and is killed (SIGKILL, a real
 * kill) right after its Nth file-system mutation, for every N. The next run's recovery must
 * leave each setup wholly old or wholly new, with no temporary file or journal behind; a crash
 * during that recovery must be recoverable too; and a normal run afterwards migrates
 * everything and a further run plans nothing.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { applyOps, CRASH_ENV, JOURNAL_NAME, recoverJournal } from '../../src/apply/apply.js';
import { mutationCount } from '../../src/apply/durable.js';
import { BIN, twoServices } from '../support/cli.js';
import { planDir } from '../support/plan.js';
import { copyToTemp, FIXTURES, readTree } from '../support/tree.js';

const DIST_APPLY = path.resolve(import.meta.dirname, '../../dist/src/apply/apply.js');
const BEFORE = readTree(path.join(FIXTURES, 'href-counter', 'before'));
const AFTER = readTree(path.join(FIXTURES, 'href-counter', 'after'));
const SERVICES = ['api', 'worker'];

function sub(tree: Record<string, string>, prefix: string): Record<string, string> {
  return Object.fromEntries(Object.entries(tree).filter(([k]) => k.startsWith(`${prefix}/`)).map(([k, v]) => [k.slice(prefix.length + 1), v]));
}

/** Each service is exactly the old or exactly the new tree, and nothing else is in the root. */
function serviceStates(dir: string): ('old' | 'new')[] {
  const tree = readTree(dir);
  expect(Object.keys(tree).filter((k) => !SERVICES.some((s) => k.startsWith(`${s}/`)))).toEqual([]);
  return SERVICES.map((s) => {
    const t = sub(tree, s);
    const mode = fs.statSync(path.join(dir, s, 'build.sh')).mode & 0o777;
    expect(mode, `${s}/build.sh keeps its mode`).toBe(0o755);
    if (JSON.stringify(t) === JSON.stringify(BEFORE)) return 'old';
    expect(t, `${s} is neither wholly old nor wholly new`).toEqual(AFTER);
    return 'new';
  });
}

interface Ran {
  status: number | null;
  signal: NodeJS.Signals | null;
  stderr: string;
}

/** Runs node with the crash hook set to `n` (0: unset); asynchronous, so runs go in parallel. */
function runNode(args: string[], cwd: string, n: number): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const env: NodeJS.ProcessEnv = { ...process.env, NO_COLOR: '1' };
    if (n > 0) env[CRASH_ENV] = String(n);
    else delete env[CRASH_ENV];
    const p = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.on('error', reject);
    p.on('close', (status, signal) => resolve({ status, signal, stderr }));
  });
}

/** Runs the tasks with at most `limit` at a time, keeping their order in the result. */
async function pool<T>(tasks: (() => Promise<T>)[], limit = Math.max(2, os.availableParallelism())): Promise<T[]> {
  const out: T[] = new Array(tasks.length);
  let next = 0;
  const worker = async () => {
    while (next < tasks.length) {
      const i = next++;
      out[i] = await tasks[i]!();
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, tasks.length) }, worker));
  return out;
}

const RECOVER = `import { recoverJournal } from ${JSON.stringify(DIST_APPLY)}; const r = recoverJournal(process.argv[1]); process.stdout.write(JSON.stringify(r));`;

/** The number of mutations one apply of the two-service repo makes (measured in process, as the CLI would apply it). */
function writePoints(): number {
  const dir = twoServices();
  const plan = planDir(dir);
  expect(plan.changes.length).toBe(6);
  const before = mutationCount();
  applyOps(dir, plan.changes);
  return mutationCount() - before;
}

describe('apply survives a crash after any write', () => {
  let total = 0;
  /** Copies of the trees a kill left with a journal, before recovery. */
  const crashed: string[] = [];
  let points: number[] = [];
  let dirs: string[] = [];
  let killed: Ran[] = [];
  beforeAll(async () => {
    expect(fs.existsSync(BIN), 'build first: npx tsc -p tsconfig.build.json').toBe(true);
    expect(fs.readFileSync(DIST_APPLY, 'utf8'), 'dist is older than src/apply: rebuild').toContain('recoverJournal');
    total = writePoints();
    points = Array.from({ length: total + 1 }, (_, i) => i + 1);
    dirs = points.map(() => twoServices());
    killed = await pool(points.map((n, i) => () => runNode([BIN, '.', '--yes'], dirs[i]!, n)));
    for (const dir of dirs) if (fs.existsSync(path.join(dir, JOURNAL_NAME))) crashed.push(copyToTemp(dir));
  }, 120_000);

  it('counts every mutation: 4 staged files, the journal (write, publish, drop its temp), 4 renames, 2 deletions, the journal removed', () => {
    expect(total).toBe(14);
  });

  it('after a kill at every write point, recovery leaves each setup wholly old or wholly new, and a rerun finishes the job', async () => {
    const seen = new Set<string>();
    for (const [i, n] of points.entries()) {
      const dir = dirs[i]!;
      const r = killed[i]!;
      if (n > total) {
        expect(r.signal, `N=${n}: past the last write there is no crash`).toBe(null);
        expect(r.status, r.stderr).toBe(0);
      } else {
        expect(r.signal, `N=${n}: killed (stderr: ${r.stderr})`).toBe('SIGKILL');
      }
      const journalLeft = fs.existsSync(path.join(dir, JOURNAL_NAME));
      const report = recoverJournal(dir);
      const states = serviceStates(dir);
      expect(new Set(states).size, `N=${n}: one run is one transaction`).toBe(1);
      seen.add(states[0]!);
      if (journalLeft) {
        expect(report?.outcome, `N=${n}`).toBe('completed');
        expect(states[0]).toBe('new');
        expect(report?.message).toMatch(/interrupted/);
      } else if (n < total) {
        // Killed before the journal was published: only temporary files exist, no target was touched.
        expect(report?.outcome, `N=${n}`).toBe('cleaned');
        expect(states[0]).toBe('old');
        expect(report?.removedTemps.length).toBeGreaterThan(0);
      } else {
        expect(report, `N=${n}`).toBe(null);
        expect(states[0]).toBe('new');
      }
      expect(recoverJournal(dir), `N=${n}: recovery is done once`).toBe(null);
    }
    expect([...seen].sort()).toEqual(['new', 'old']);

    const again = await pool(dirs.map((dir) => () => runNode([BIN, '.', '--yes'], dir, 0)));
    for (const [i, n] of points.entries()) {
      expect(again[i]!.status, `N=${n}: ${again[i]!.stderr}`).toBe(0);
      expect(serviceStates(dirs[i]!)).toEqual(['new', 'new']);
      expect(planDir(dirs[i]!).changes, `N=${n}: a further run plans nothing`).toEqual([]);
    }
  }, 120_000);

  it('a crash during recovery is recovered by the next recovery', async () => {
    // Every state a killed apply left a journal in, recovered by a process killed at each of its own write points.
    expect(crashed.length).toBeGreaterThan(5);
    const tries = 9;
    const cases = crashed.flatMap((c) => Array.from({ length: tries }, (_, k) => ({ c, m: k + 1, dir: copyToTemp(c) })));
    const runs = await pool(cases.map(({ dir, m }) => () => runNode(['--input-type=module', '-e', RECOVER, dir], dir, m)));
    const finished = new Set<string>();
    for (const [i, { c, m, dir }] of cases.entries()) {
      const r = runs[i]!;
      if (r.signal === null) {
        expect(r.status, r.stderr).toBe(0);
        finished.add(c);
        expect(fs.existsSync(path.join(dir, JOURNAL_NAME))).toBe(false);
      } else expect(r.signal).toBe('SIGKILL');
      recoverJournal(dir);
      expect(serviceStates(dir), `M=${m}`).toEqual(['new', 'new']);
      expect(recoverJournal(dir)).toBe(null);
    }
    expect(finished.size, `some recovery needs more than ${tries} writes`).toBe(crashed.length);
  }, 120_000);
});
