/**
 * Analysis on several threads when something goes wrong (src/analyze/analyse-pool.ts, run with
 * the build's worker): a file whose analysis throws in a worker, or a worker that dies in the
 * middle of a batch, loses nothing: the main thread analyses those files, and the plan is the
 * one a single thread makes. A file that throws on the main thread too throws the same error
 * as on one thread, instead of hanging.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.js';
import { AnalysePool } from '../../src/analyze/analyse-pool.js';
import { analyze, assemble, followCallers, scriptKindOf } from '../../src/analyze/index.js';
import { NodeRepoFs } from '../../src/discover/node-fs.js';
import { walk } from '../../src/discover/walk.js';
import { planMigration } from '../../src/plan/index.js';

const FAULTY = new URL('../support/faulty-analyse-worker.mjs', import.meta.url);

function tree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-pool-'));
  generate(dir, { packages: 100, setups: 30, filesPerPackage: 6 });
  return dir;
}

/** The plan made on several threads, the walk's candidates sent in batches of 8. */
async function pooled(root: string, workers: number) {
  const walked = walk(root, { repoFs: new NodeRepoFs(root) });
  const fsys = new NodeRepoFs(root);
  const reports: number[] = [];
  const totals: (number | null)[] = [];
  const pool = new AnalysePool(fsys, workers, (_phase, done, total) => (reports.push(done), totals.push(total)), (f) => f(), FAULTY);
  const reader = new NodeRepoFs(root);
  for (let i = 0; i < walked.files.length; i += 8) pool.add(walked.files.slice(i, i + 8).map((rel) => [rel, reader.readText(rel)!] as [string, string]));
  const { analysed, dockerfiles } = await pool.finish(walked.files);
  followCallers(fsys, walked.files, walked.quiet, analysed, dockerfiles);
  return { plan: JSON.stringify(planMigration(assemble(walked.files, analysed, dockerfiles, fsys), fsys, { stageName: 'builder' })), reports, totals, files: walked.files.length };
}

function single(root: string): string {
  const fsys = new NodeRepoFs(root);
  const walked = walk(root, { repoFs: fsys });
  return JSON.stringify(planMigration(analyze(fsys, walked.files, undefined, walked.quiet), fsys, { stageName: 'builder' }));
}

/** Where the faulty worker says it failed (the file is among the first batches, which go to the workers). */
function mark(): string {
  return (process.env.MSC_TEST_ANALYSE_MARK ??= path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msc-pool-mark-')), 'failed'));
}

const someScript = (root: string) => walk(root, { repoFs: new NodeRepoFs(root) }).files.find((f) => f.endsWith('.sh'))!;

describe('analysis threads during the walk', () => {
  it('are served while the main thread is busy walking: finished batches are counted in shared memory, no message needed', { timeout: 120_000 }, async () => {
    const root = tree();
    const walked = walk(root, { repoFs: new NodeRepoFs(root) });
    const fsys = new NodeRepoFs(root);
    const reader = new NodeRepoFs(root);
    const pool = new AnalysePool(fsys, 1, undefined, (f) => f(), FAULTY);
    const batches: [string, string][][] = [];
    for (let i = 0; i < walked.files.length; i += 4) batches.push(walked.files.slice(i, i + 4).map((rel) => [rel, reader.readText(rel)!]));
    expect(batches.length).toBeGreaterThan(10);
    // As the walk does: every batch added from one synchronous run, the event loop never reached.
    // Before each add, wait (busily, as a walk keeps the thread) until the worker has room.
    const deadline = Date.now() + 60_000;
    const room = () => {
      while (pool.handedOut - pool.finishedByWorkers >= 2 && Date.now() < deadline);
    };
    for (const b of batches) {
      room();
      pool.add(b);
    }
    // Adding nothing hands out what is queued.
    while (pool.waiting > 0 && Date.now() < deadline) {
      room();
      pool.add([]);
    }
    // Without the shared count only the first two batches could have gone: every one did.
    expect(pool.waiting).toBe(0);
    expect(pool.handedOut).toBeGreaterThanOrEqual(batches.length);
    const { analysed, dockerfiles } = await pool.finish(walked.files);
    followCallers(fsys, walked.files, walked.quiet, analysed, dockerfiles);
    expect(JSON.stringify(planMigration(assemble(walked.files, analysed, dockerfiles, fsys), fsys, { stageName: 'builder' }))).toBe(single(root));
  });
});

describe('a worker thread that is slow to begin', () => {
  afterEach(() => {
    delete process.env.MSC_TEST_ANALYSE_FAULT;
  });

  it('has its batches taken back by the main thread, all but the first it holds; the plan is unchanged', { timeout: 120_000 }, async () => {
    const root = tree();
    const go = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msc-pool-go-')), 'go');
    process.env.MSC_TEST_ANALYSE_FAULT = `wait:${go}`;
    const walked = walk(root, { repoFs: new NodeRepoFs(root) });
    const fsys = new NodeRepoFs(root);
    const reader = new NodeRepoFs(root);
    const pool = new AnalysePool(fsys, 1, undefined, (f) => f(), FAULTY);
    // Files for the workers alone (JavaScript) are left out: the main thread analyses them at the end.
    const files = walked.files.filter((rel) => scriptKindOf(rel, reader.readText(rel)!) !== 'javascript');
    expect(files.length).toBeGreaterThan(40);
    let batches = 0;
    for (let i = 0; i < files.length; i += 4, batches++) pool.add(files.slice(i, i + 4).map((rel) => [rel, reader.readText(rel)!] as [string, string]));
    // Every batch went to the worker (they fit in what it may hold), which does not start.
    expect(pool.handedOut).toBe(batches);
    const finished = pool.finish(walked.files);
    const deadline = Date.now() + 60_000;
    while (pool.takenBack < batches - 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    expect(pool.takenBack).toBe(batches - 1);
    fs.writeFileSync(go, '');
    const { analysed, dockerfiles } = await finished;
    followCallers(fsys, walked.files, walked.quiet, analysed, dockerfiles);
    expect(JSON.stringify(planMigration(assemble(walked.files, analysed, dockerfiles, fsys), fsys, { stageName: 'builder' }))).toBe(single(root));
  });
});

describe('analysis threads that fail', () => {
  const readText = NodeRepoFs.prototype.readText;
  afterEach(() => {
    delete process.env.MSC_TEST_ANALYSE_FAULT;
    delete process.env.MSC_TEST_ANALYSE_MARK;
    NodeRepoFs.prototype.readText = readText;
  });

  it('a file that throws in a worker is analysed on the main thread; the plan is unchanged', { timeout: 120_000 }, async () => {
    const root = tree();
    const failed = mark();
    process.env.MSC_TEST_ANALYSE_FAULT = `throw:${someScript(root)}`;
    const got = await pooled(root, 2);
    expect(fs.readFileSync(failed, 'utf8')).toBe('throw');
    expect(got.plan).toBe(single(root));
    expect(JSON.parse(got.plan).setups.length).toBeGreaterThan(10);
    // Progress was reported as analyses came in, out of the walk's files once it had ended.
    expect(got.reports.length).toBeGreaterThan(0);
    expect(got.reports).toEqual([...got.reports].sort((a, b) => a - b));
    expect(got.totals.every((t) => t === got.files)).toBe(true);
  });

  it('a worker that dies in the middle of a batch loses none of its files', { timeout: 120_000 }, async () => {
    const root = tree();
    const failed = mark();
    process.env.MSC_TEST_ANALYSE_FAULT = `exit:${someScript(root)}`;
    expect((await pooled(root, 2)).plan).toBe(single(root));
    expect(fs.readFileSync(failed, 'utf8')).toBe('exit');
  });

  it('a file that throws on every thread throws the error one thread throws, without hanging', { timeout: 120_000 }, async () => {
    const root = tree();
    const bad = someScript(root);
    process.env.MSC_TEST_ANALYSE_FAULT = `throw:${bad}`;
    NodeRepoFs.prototype.readText = function (rel: string) {
      if (rel === bad) throw new Error(`injected failure reading ${rel}`);
      return readText.call(this, rel);
    };
    expect(() => single(root)).toThrow(`injected failure reading ${bad}`);
    await expect(pooled(root, 2)).rejects.toThrow(`injected failure reading ${bad}`);
  });
});
