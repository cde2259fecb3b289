/**
 * The walk on a worker thread (src/discover/walk-thread.ts, walk-worker.ts, run with the build's
 * worker) while the main thread analyses what arrives (src/pipeline-walk-thread.ts): the worker
 * sends every text and the walk's whole result; the run made from it is the one runRoot makes,
 * with the folders and files the walk could not read, the walk's progress, a walk that throws
 * (the run fails with its error) and a thread that dies (the run is made on one thread).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate } from '../../bench/generate.js';
import { analyze } from '../../src/analyze/index.js';
import { nodeIo, NodeRepoFs, type FileIo } from '../../src/discover/node-fs.js';
import { WalkThread, type WalkMessage, type WalkSource } from '../../src/discover/walk-thread.js';
import { walk } from '../../src/discover/walk.js';
import { finishRoot, runRoot } from '../../src/pipeline.js';
import { runRootAuto } from '../../src/pipeline-threaded.js';
import { runRootWalkThread } from '../../src/pipeline-walk-thread.js';
import { FIXTURES } from '../support/tree.js';

const WORKER = new URL('../../dist/src/discover/walk-worker.js', import.meta.url);
const FAULTY = new URL('../support/faulty-walk-worker.mjs', import.meta.url);
const OPTS = { stageName: 'builder' };

/** A generated monorepo (more than 256 folders: the walk reports progress) and every fixture's repository. */
function mixedTree(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-walk-thread-'));
  generate(path.join(dir, 'mono'), { packages: 60, setups: 20, filesPerPackage: 6 });
  for (const name of fs.readdirSync(FIXTURES)) {
    const before = path.join(FIXTURES, name, 'before');
    if (fs.existsSync(before)) fs.cpSync(before, path.join(dir, 'fixtures', name), { recursive: true });
  }
  return dir;
}

/** What a run shows: its plan and every diagnostic, as bytes. */
const shown = (run: { plan: unknown; analysis: { diagnostics: unknown[] } }) => JSON.stringify([run.plan, run.analysis.diagnostics]);

async function messages(source: WalkSource): Promise<WalkMessage[]> {
  const all: WalkMessage[] = [];
  for (let m = await source.next(); m !== null; m = await source.next()) {
    all.push(m);
    if (m.type === 'done' || m.type === 'failed') break;
  }
  return all;
}

/** The messages a walk on this thread would send, `io` injected: texts in batches of three. */
function walkedHere(root: string, io: FileIo): WalkMessage[] {
  const sent: WalkMessage[] = [];
  let texts: [string, string][] = [];
  const flush = () => {
    if (texts.length > 0) sent.push({ type: 'texts', texts });
    texts = [];
  };
  const result = walk(root, {
    io,
    repoFs: { prime: (rel, text) => (texts.push([rel, text]), texts.length === 3 && flush()) },
    progress: (_phase, folders) => sent.push({ type: 'progress', folders }),
  });
  flush();
  sent.push({ type: 'done', result, began: 0, ended: 0 });
  return sent;
}

/** A walk source that gives `sent`, then (`then`) stops as a dead thread does. */
function fed(sent: WalkMessage[]): WalkSource & { stopped: boolean } {
  const queue = [...sent];
  const done = sent.find((m) => m.type === 'done');
  return {
    startedAt: 0,
    stopped: false,
    // As the thread's: known once the result has arrived, here (messages queued at once) from the start.
    files: done?.type === 'done' ? done.result.files.length : null,
    next: async () => queue.shift() ?? null,
    async stop() {
      this.stopped = true;
    },
  };
}

describe('the walk on a worker thread', () => {
  it('sends every text in the walk\'s order and the walk\'s whole result', { timeout: 120_000 }, async () => {
    const root = mixedTree();
    const here = new Map<string, string>();
    const order: string[] = [];
    const folders: number[] = [];
    const expected = walk(root, { repoFs: { prime: (rel, text) => (here.set(rel, text), order.push(rel)) }, progress: (_phase, n) => folders.push(n) });
    const sent = await messages(new WalkThread(root, [], WORKER));
    const texts = sent.flatMap((m) => (m.type === 'texts' ? m.texts : []));
    expect(texts.map(([rel]) => rel)).toEqual(order);
    for (const [rel, text] of texts) expect(text, rel).toBe(here.get(rel));
    const done = sent.at(-1)!;
    expect(done.type).toBe('done');
    if (done.type === 'done') {
      expect(done.result).toEqual(expected);
      expect(done.ended).toBeGreaterThanOrEqual(done.began);
    }
    expect(folders.length).toBeGreaterThan(0);
    expect(sent.filter((m) => m.type === 'progress').map((m) => (m.type === 'progress' ? m.folders : 0))).toEqual(folders);
    // --ignore patterns reach the worker.
    const ignored = await messages(new WalkThread(root, ['mono/'], WORKER));
    expect(ignored.at(-1)).toMatchObject({ type: 'done', result: walk(root, { ignore: ['mono/'] }) });
  });

  it('gives the run runRoot gives: the same plan and diagnostics, unreadable folders and files included', async () => {
    const root = mixedTree();
    // A folder the walk cannot read, and a candidate it lists but cannot open (gone from the disk
    // when analysis reads it: READ_ERROR).
    const ghost = { name: 'ghost.sh', isFile: () => true, isDirectory: () => false, isSymbolicLink: () => false } as fs.Dirent;
    const io: FileIo = {
      readdir: (abs) => {
        if (abs.endsWith(`${path.sep}mono${path.sep}packages`)) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
        return abs === root ? [...nodeIo.readdir(abs), ghost] : nodeIo.readdir(abs);
      },
      readFile: (abs, max, regular) => {
        if (abs.endsWith('ghost.sh')) throw Object.assign(new Error('EACCES'), { code: 'EACCES' });
        return nodeIo.readFile(abs, max, regular);
      },
    };
    const walked = walk(root, { io });
    const oneFs = new NodeRepoFs(root);
    walk(root, { io, repoFs: oneFs });
    const one = finishRoot(root, root, oneFs, walked, analyze(oneFs, walked.files, undefined, walked.quiet), OPTS);
    const progress: [string, number, number | null][] = [];
    const source = fed(walkedHere(root, io));
    const threaded = (await runRootWalkThread(root, { ...OPTS, progress: (...p) => progress.push(p) }, source))!;
    expect(shown(threaded)).toBe(shown(one));
    expect(threaded.analysis.diagnostics.filter((d) => d.code === 'READ_ERROR').map((d) => d.file)).toEqual(['ghost.sh', 'mono/packages']);
    expect(one.plan.setups.filter((s) => s.status === 'migrate').length).toBeGreaterThan(3);
    expect(threaded.temps).toEqual(walked.temps);
    // The walk's progress as it went, then the files analysed out of the walk's count (every 64
    // files, as on one thread: the CLI checks the heap's size there).
    expect(progress.filter(([phase]) => phase === 'walking')).toEqual(walkedHere(root, io).flatMap((m) => (m.type === 'progress' ? [['walking', m.folders, null]] : [])));
    const analysing = progress.filter(([phase]) => phase === 'analysing');
    expect(analysing.at(-1)).toEqual(['analysing', walked.files.length, walked.files.length]);
    const counts = analysing.map(([, done]) => done);
    expect(walked.files.length).toBeGreaterThan(64);
    for (let k = 64; k <= walked.files.length; k += 64) expect(counts).toContain(k);
    // A walk whose result comes last: until then the analysis reports the walk's count.
    const late: [string, number, number | null][] = [];
    const walkOnly = walkedHere(root, io);
    await runRootWalkThread(root, { ...OPTS, progress: (...p) => late.push(p) }, { ...fed(walkOnly), files: null });
    // (0 when the walk, with its unreadable folder, saw too few folders to report any.)
    const lastFolders = walkOnly.flatMap((m) => (m.type === 'progress' ? [m.folders] : [])).at(-1) ?? 0;
    expect(late.filter(([phase]) => phase === 'walking').length).toBeGreaterThan(walkOnly.filter((m) => m.type === 'progress').length);
    expect(late.filter(([phase]) => phase === 'walking').at(-1)).toEqual(['walking', lastFolders, null]);
    expect(source.stopped).toBe(false);
  });

  it('from the worker, gives the bytes runRoot gives', { timeout: 120_000 }, async () => {
    const root = mixedTree();
    const threaded = (await runRootWalkThread(root, OPTS, new WalkThread(root, [], WORKER)))!;
    expect(shown(threaded)).toBe(shown(runRoot(root, OPTS)));
  });

  it('a walk that throws fails the run with its error (message and code), and the thread is stopped', async () => {
    const root = mixedTree();
    const sent = walkedHere(root, nodeIo).slice(0, 3);
    const source = fed([...sent, { type: 'failed', error: { name: 'Error', message: 'walk failed', stack: 'Error: walk failed\n    at visit', code: 'EIO' } }]);
    await expect(runRootWalkThread(root, OPTS, source)).rejects.toMatchObject({ message: 'walk failed', code: 'EIO', stack: 'Error: walk failed\n    at visit' });
    expect(source.stopped).toBe(true);
    process.env.MSC_TEST_WALK_FAULT = 'throw:fixtures';
    try {
      await expect(runRootWalkThread(root, OPTS, new WalkThread(root, [], FAULTY))).rejects.toMatchObject({ message: 'injected failure walking fixtures', code: 'EFAULTY' });
    } finally {
      delete process.env.MSC_TEST_WALK_FAULT;
    }
  });

  it('a thread that stops before the walk ends, or cannot load, leaves the run to one thread', { timeout: 120_000 }, async () => {
    const root = mixedTree();
    const expected = shown(runRoot(root, OPTS));
    process.env.MSC_TEST_WALK_FAULT = 'exit:fixtures';
    try {
      expect(await runRootWalkThread(root, OPTS, new WalkThread(root, [], FAULTY))).toBeNull();
      expect(shown(await runRootAuto(root, OPTS, {}, new WalkThread(root, [], FAULTY)))).toBe(expected);
    } finally {
      delete process.env.MSC_TEST_WALK_FAULT;
    }
    const missing = new URL('../support/no-such-walk-worker.mjs', import.meta.url);
    expect(await runRootWalkThread(root, OPTS, new WalkThread(root, [], missing))).toBeNull();
    expect(shown(await runRootAuto(root, OPTS, {}, new WalkThread(root, [], missing)))).toBe(expected);
    // Messages cut short (the last texts, no end): the same.
    expect(await runRootWalkThread(root, OPTS, fed(walkedHere(root, nodeIo).slice(0, -1)))).toBeNull();
  });
});
