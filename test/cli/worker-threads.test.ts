/**
 * Worker threads (MULTISTAGE_CODEMOD_WORKERS: the main thread walks and sends what it reads to
 * n - 1 analysis threads, then analyses beside them; analyze/thread-count.ts and
 * analyze/analyse-pool.ts; or, `walk`, a worker thread walks and the main thread analyses what
 * it sends, pipeline-walk-thread.ts) change only where the work runs: on one tree holding a generated monorepo and every fixture's
 * repository (refusals, JS files only read because a script names them, compose files, CI
 * kinds), the report and the text plan are the same bytes with 1, 2 and 3 threads and with the walk on a thread of its own.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.js';
import { largerThan, requestedThreads, walkThreadFor } from '../../src/analyze/thread-count.js';
import { analyzeFile, assemble, followCallers, type FileAnalysis } from '../../src/analyze/index.js';
import { NodeRepoFs } from '../../src/discover/node-fs.js';
import { walk } from '../../src/discover/walk.js';
import { planMigration } from '../../src/plan/index.js';
import { runRoot } from '../../src/pipeline.js';
import { runCli } from '../support/cli.js';
import { FIXTURES } from '../support/tree.js';

function mixedTree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-workers-'));
  generate(path.join(dir, 'mono'), { packages: 60, setups: 30, filesPerPackage: 9 });
  for (const name of fs.readdirSync(FIXTURES)) {
    const before = path.join(FIXTURES, name, 'before');
    if (fs.existsSync(before)) fs.cpSync(before, path.join(dir, 'fixtures', name), { recursive: true });
  }
  return dir;
}

describe('worker threads', () => {
  // Seven runs of the CLI on about 600 files: slow on a loaded machine, never timed.
  it('give the same bytes as one thread: the --json report and the text plan', { timeout: 240_000 }, () => {
    const dir = mixedTree();
    const outputs = (threads: string, modes = [['--dry-run', '--json'], ['--dry-run']]) =>
      modes.map((args) => {
        const r = runCli(['.', ...args], dir, { MULTISTAGE_CODEMOD_WORKERS: threads, MULTISTAGE_CODEMOD_TIMING: '1' });
        expect(r.code, r.stderr).toBe(1); // the fixtures' refusals
        const pool = threads !== '1' && threads !== 'walk';
        expect(r.stderr.includes(`analyze ran on ${threads} threads`), threads).toBe(pool);
        expect(r.stderr.includes(`went to ${Number(threads) - 1} worker thread`), threads).toBe(pool);
        expect(r.stderr.includes('discover ran on a worker thread while this one analysed'), threads).toBe(threads === 'walk');
        return r.stdout;
      });
    const one = outputs('1');
    const report = JSON.parse(one[0]!) as { setups: { status: string }[] };
    expect(report.setups.filter((s) => s.status === 'planned').length).toBeGreaterThan(30);
    expect(report.setups.some((s) => s.status === 'refused')).toBe(true);
    expect(outputs('2')).toEqual(one);
    expect(outputs('walk')).toEqual(one);
    expect(outputs('3', [['--dry-run', '--json']])).toEqual([one[0]]);
  });

  it('analysing the files in any order gives the same plan (what lets analysis start before the walk ends)', () => {
    const dir = mixedTree();
    const expected = runRoot(dir, { stageName: 'builder' }).plan;
    const fsys = new NodeRepoFs(dir);
    const walked = walk(dir, { repoFs: fsys });
    const dockerfiles = new Map();
    const analysed = new Map<string, FileAnalysis>();
    for (const rel of [...walked.files].reverse()) analysed.set(rel, analyzeFile(fsys, rel, dockerfiles));
    // Then, as both paths do, scripts that callers run from another folder are read from there.
    followCallers(fsys, walked.files, walked.quiet, analysed, dockerfiles);
    // And, as finishRoot does, the plan is told what the walk passed over (src/discover/passed-over.ts)
    // and which files may call a script (src/plan/caller-uses.ts).
    const analysis = assemble(walked.files, analysed, dockerfiles, fsys);
    analysis.passedOver = walked.passedOver;
    analysis.quiet = walked.quiet;
    const plan = planMigration(analysis, fsys, { stageName: 'builder' });
    expect(JSON.stringify(plan)).toBe(JSON.stringify(expected));
    expect(() => assemble([...walked.files, 'missing.sh'], analysed, dockerfiles, fsys)).toThrow('missing.sh was not analysed');
  });

  it('MULTISTAGE_CODEMOD_WORKERS takes a whole number or walk; anything else is a usage error', () => {
    expect(requestedThreads({})).toBeNull();
    expect(requestedThreads({ MULTISTAGE_CODEMOD_WORKERS: '' })).toBeNull();
    expect(requestedThreads({ MULTISTAGE_CODEMOD_WORKERS: '0' })).toBe(0);
    expect(requestedThreads({ MULTISTAGE_CODEMOD_WORKERS: '4' })).toBe(4);
    expect(requestedThreads({ MULTISTAGE_CODEMOD_WORKERS: 'walk' })).toBe('walk');
    // The walk has a thread of its own only when asked (README, Threads): never by default.
    expect(walkThreadFor({ MULTISTAGE_CODEMOD_WORKERS: 'walk' })).toBe(true);
    for (const v of [undefined, '', '0', '1', '2', '3']) expect(walkThreadFor({ MULTISTAGE_CODEMOD_WORKERS: v }), v).toBe(false);
    for (const bad of ['two', '-1', '1.5']) expect(() => requestedThreads({ MULTISTAGE_CODEMOD_WORKERS: bad })).toThrow('whole number');
    // More threads than the machine runs at once (each an isolate of its own): a usage error.
    const most = Math.max(4, os.availableParallelism());
    expect(requestedThreads({ MULTISTAGE_CODEMOD_WORKERS: String(most) })).toBe(most);
    expect(() => requestedThreads({ MULTISTAGE_CODEMOD_WORKERS: String(most + 1) })).toThrow(`give at most ${most}`);
    const many = runCli(['.', '--dry-run'], fs.mkdtempSync(path.join(os.tmpdir(), 'msc-workers-')), { MULTISTAGE_CODEMOD_WORKERS: '500' });
    expect(many.code).toBe(2);
    expect(many.stderr).toContain('MULTISTAGE_CODEMOD_WORKERS=500 asks for more threads than this machine runs at once');
    const r = runCli(['.', '--dry-run'], fs.mkdtempSync(path.join(os.tmpdir(), 'msc-workers-')), { MULTISTAGE_CODEMOD_WORKERS: 'many' });
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('MULTISTAGE_CODEMOD_WORKERS must be a whole number');
  });

  it('a tree is sized by a bounded breadth-first probe, VCS folders and node_modules left out', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-workers-'));
    for (let i = 0; i < 5; i++) fs.mkdirSync(path.join(dir, `a${i}`, 'b'), { recursive: true });
    for (let i = 0; i < 50; i++) fs.mkdirSync(path.join(dir, 'node_modules', `m${i}`), { recursive: true });
    fs.mkdirSync(path.join(dir, '.git', 'objects'), { recursive: true });
    expect(largerThan(dir, 9)).toBe(true);
    expect(largerThan(dir, 10)).toBe(false);
  });
});
