/**
 * The apply transaction's journal and recovery, on small trees: a process applying is killed
 * (SIGKILL) at chosen write points, then recovery runs under the conditions a user can create
 * (a file edited meanwhile, a staged file gone, a dry run, another run still writing, a journal
 * that names paths it should not), and apply's own refusals.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ApplyRefused, applyOps, CRASH_ENV, findStrayTemps, JOURNAL_NAME, recoverJournal, validateOps, type WriteOp } from '../../src/apply/apply.js';
import { processStart } from '../../src/apply/durable.js';
import { settleJournal } from '../../src/apply/journal.js';
import { walk } from '../../src/discover/walk.js';
import { git } from '../support/cli.js';
import { readTree, writeTemp } from '../support/tree.js';

const DIST_APPLY = path.resolve(import.meta.dirname, '../../dist/src/apply/apply.js');
const APPLY = `import fs from 'node:fs'; import { applyOps } from ${JSON.stringify(DIST_APPLY)}; applyOps(process.argv[1], JSON.parse(fs.readFileSync(process.argv[2], 'utf8')));`;

const OLD = { 'a.txt': 'old a\n', 'b.txt': 'old b\n', 'sub/keep': 'k\n' };
const NEW = { 'a.txt': 'new a\n', 'sub/c.txt': 'c\n', 'sub/keep': 'k\n' };
const ops = (): WriteOp[] => [
  { path: 'a.txt', action: 'update', before: 'old a\n', after: 'new a\n' },
  { path: 'b.txt', action: 'delete', before: 'old b\n', after: null },
  { path: 'sub/c.txt', action: 'create', before: null, after: 'c\n' },
];
// Write points: 2 staged files, journal written (3), published (4), its temporary removed (5),
// renames of a.txt (6) and sub/c.txt (7), b.txt deleted (8), journal removed (9).
const PUBLISHED = 5;

/** Applies `ops` to `dir` in a child process killed after its `n`th write. */
function crashApply(dir: string, n: number, theOps: WriteOp[] = ops()): void {
  const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msc-ops-')), 'ops.json');
  fs.writeFileSync(file, JSON.stringify(theOps));
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', APPLY, dir, file], { encoding: 'utf8', env: { ...process.env, [CRASH_ENV]: String(n) } });
  expect(r.signal, r.stderr).toBe('SIGKILL');
}

const temps = (dir: string) => Object.keys(readTree(dir)).filter((f) => /\.msc-.*\.tmp$/.test(f));
const withoutJournal = (t: Record<string, string>) => Object.fromEntries(Object.entries(t).filter(([k]) => k !== JOURNAL_NAME && !/\.msc-.*\.tmp$/.test(k)));

function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('journal and recovery', () => {
  it('publishes a journal listing every change with both hashes and a backup, before the first rename', () => {
    const dir = writeTemp(OLD);
    crashApply(dir, PUBLISHED);
    expect(withoutJournal(readTree(dir))).toEqual(OLD);
    const j = JSON.parse(fs.readFileSync(path.join(dir, JOURNAL_NAME), 'utf8'));
    expect(j.ops.map((o: { path: string; action: string }) => [o.path, o.action])).toEqual([
      ['a.txt', 'update'],
      ['b.txt', 'delete'],
      ['sub/c.txt', 'create'],
    ]);
    const [a, b, c] = j.ops;
    expect(a.temp).toMatch(/^\.a\.txt\.msc-\d+-[0-9a-f]+-0\.tmp$/);
    expect(a.oldSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(a.newSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Buffer.from(a.backup, 'base64').toString()).toBe('old a\n');
    expect([b.temp, b.newSha256, Buffer.from(b.backup, 'base64').toString()]).toEqual([null, null, 'old b\n']);
    expect([c.temp?.startsWith('sub/.c.txt.msc-'), c.oldSha256, c.backup]).toEqual([true, null, null]);
    expect(temps(dir)).toHaveLength(2); // the journal's own temporary is gone
  });

  it('completes a change interrupted midway and says what it did', () => {
    const dir = writeTemp(OLD);
    crashApply(dir, PUBLISHED + 1); // a.txt renamed, the rest not
    expect(readTree(dir)['a.txt']).toBe('new a\n');
    const r = recoverJournal(dir)!;
    expect(r.outcome).toBe('completed');
    expect(r.ok).toBe(true);
    expect(r.changed).toEqual([
      { path: 'b.txt', action: 'deleted' },
      { path: 'sub/c.txt', action: 'created' },
    ]);
    expect(r.message).toContain('interrupted');
    expect(r.message).toContain('deleted b.txt');
    expect(readTree(dir)).toEqual(NEW);
  });

  it('with a dry run only says what it would do', () => {
    const dir = writeTemp(OLD);
    crashApply(dir, PUBLISHED + 1);
    const before = readTree(dir);
    const r = recoverJournal(dir, { dryRun: true })!;
    expect([r.outcome, r.dryRun]).toEqual(['completed', true]);
    expect(r.message).toContain('would complete');
    expect(readTree(dir)).toEqual(before);
  });

  it('touches nothing when a file was edited after the crash, and tells which (FILE_CHANGED); apply refuses meanwhile', () => {
    const dir = writeTemp(OLD);
    crashApply(dir, PUBLISHED + 1);
    fs.writeFileSync(path.join(dir, 'a.txt'), 'my own edit\n');
    const before = readTree(dir);
    const r = recoverJournal(dir)!;
    expect([r.outcome, r.ok]).toEqual(['blocked', false]);
    expect(r.diagnostics.map((d) => [d.code, d.file])).toEqual([['FILE_CHANGED', 'a.txt']]);
    expect(r.message).toMatch(/a\.txt has been changed since/);
    expect(readTree(dir)).toEqual(before);
    expect(() => applyOps(dir, [{ path: 'sub/keep', action: 'update', before: 'k\n', after: 'x\n' }])).toThrow(ApplyRefused);
    expect(validateOps(dir, []).map((d) => d.code)).toEqual(['WRITE_ERROR']);
    // Putting back the content the run wrote lets recovery finish.
    fs.writeFileSync(path.join(dir, 'a.txt'), 'new a\n');
    expect(recoverJournal(dir)!.outcome).toBe('completed');
    expect(readTree(dir)).toEqual(NEW);
  });

  it('undoes the change when a staged content is gone, restoring what was already written', () => {
    const dir = writeTemp(OLD);
    crashApply(dir, PUBLISHED + 1); // a.txt written; sub/c.txt still staged
    const staged = temps(dir);
    expect(staged).toHaveLength(1);
    fs.rmSync(path.join(dir, staged[0]!));
    fs.chmodSync(path.join(dir, 'a.txt'), 0o600);
    const r = recoverJournal(dir)!;
    expect(r.outcome).toBe('rolled-back');
    expect(r.changed).toEqual([{ path: 'a.txt', action: 'restored' }]);
    expect(r.message).toMatch(/undone.*restored a\.txt/);
    expect(readTree(dir)).toEqual(OLD);
    expect(fs.statSync(path.join(dir, 'a.txt')).mode & 0o777).toBe(0o644); // the mode it had
  });

  it('undoes a change on request (what apply does when a rename fails midway)', () => {
    const dir = writeTemp(OLD);
    crashApply(dir, PUBLISHED + 2); // a.txt and sub/c.txt written, b.txt not yet deleted
    expect(readTree(dir)['sub/c.txt']).toBe('c\n');
    const r = settleJournal(dir, { force: 'rollback' })!;
    expect(r.outcome).toBe('rolled-back');
    expect(r.changed).toEqual([
      { path: 'a.txt', action: 'restored' },
      { path: 'sub/c.txt', action: 'removed' },
    ]);
    expect(r.message).toContain('failed midway');
    expect(readTree(dir)).toEqual(OLD);
  });

  it('leaves a journal alone while the run that wrote it is still running, even with --force', async () => {
    const dir = writeTemp(OLD);
    crashApply(dir, PUBLISHED);
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      const jp = path.join(dir, JOURNAL_NAME);
      const j = JSON.parse(fs.readFileSync(jp, 'utf8'));
      // The run that wrote it, as the journal records it: its id and when it started.
      fs.writeFileSync(jp, JSON.stringify({ ...j, pid: sleeper.pid, start: processStart(sleeper.pid!) }));
      const before = readTree(dir);
      for (const force of [false, true]) {
        const r = recoverJournal(dir, { force })!;
        expect([r.outcome, r.diagnostics.map((d) => d.code)]).toEqual(['blocked', ['WRITE_ERROR']]);
        expect(r.message).toContain(`Another run (process ${sleeper.pid}) is writing`);
        expect(readTree(dir)).toEqual(before);
      }
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('records when the run started, and a later process that got its id does not block the journal', async () => {
    const dir = writeTemp(OLD);
    crashApply(dir, PUBLISHED);
    const jp = path.join(dir, JOURNAL_NAME);
    const j = JSON.parse(fs.readFileSync(jp, 'utf8'));
    expect(j.start).toEqual({ bootId: expect.stringMatching(/\S/), ticks: expect.stringMatching(/^\d+$/) });
    // A process started after the killed run, holding its id now (the id reused).
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      // The killed run took at least a node start-up (tens of ms, several ticks) before it.
      expect(BigInt(processStart(sleeper.pid!)!.ticks)).toBeGreaterThan(BigInt(j.start.ticks));
      fs.writeFileSync(jp, JSON.stringify({ ...j, pid: sleeper.pid }));
      const r = recoverJournal(dir)!;
      expect([r.outcome, r.diagnostics]).toEqual(['completed', []]);
      expect(readTree(dir)).toEqual(NEW);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('a journal from before the machine restarted never blocks, whatever now has its id', async () => {
    const dir = writeTemp(OLD);
    crashApply(dir, PUBLISHED);
    const jp = path.join(dir, JOURNAL_NAME);
    const j = JSON.parse(fs.readFileSync(jp, 'utf8'));
    fs.writeFileSync(jp, JSON.stringify({ ...j, pid: process.ppid, start: { ...j.start, bootId: 'another-boot' } }));
    expect(recoverJournal(dir)!.outcome).toBe('completed');
    expect(readTree(dir)).toEqual(NEW);
  });

  it('a live id with no start to compare (an earlier journal) blocks, saying how to check, and --force goes on', async () => {
    const dir = writeTemp(OLD);
    crashApply(dir, PUBLISHED);
    const sleeper = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30000)']);
    try {
      const jp = path.join(dir, JOURNAL_NAME);
      const { start: _, ...j } = JSON.parse(fs.readFileSync(jp, 'utf8'));
      fs.writeFileSync(jp, JSON.stringify({ ...j, pid: sleeper.pid }));
      const before = readTree(dir);
      const r = recoverJournal(dir)!;
      expect([r.outcome, r.diagnostics.map((d) => d.code)]).toEqual(['blocked', ['WRITE_ERROR']]);
      expect(r.message).toContain(`process ${sleeper.pid}) may be writing`);
      expect(r.diagnostics[0]!.hint).toContain(`ps -p ${sleeper.pid} -o args=`);
      expect(r.diagnostics[0]!.hint).toContain('--force');
      expect(readTree(dir)).toEqual(before);
      expect(recoverJournal(dir, { force: true })!.outcome).toBe('completed');
      expect(readTree(dir)).toEqual(NEW);
    } finally {
      sleeper.kill('SIGKILL');
    }
  });

  it('refuses a journal that names paths outside the root or temporaries elsewhere (UNSAFE_PATH), touching nothing', () => {
    const outside = writeTemp({ 'victim.txt': 'keep me\n' });
    for (const evil of [{ path: `../${path.basename(outside)}/victim.txt` }, { temp: 'sub/keep' }, { path: 'link/x.txt' }]) {
      const dir = writeTemp(OLD);
      fs.symlinkSync(outside, path.join(dir, 'link'));
      crashApply(dir, PUBLISHED);
      const jp = path.join(dir, JOURNAL_NAME);
      const j = JSON.parse(fs.readFileSync(jp, 'utf8'));
      j.ops[0] = { ...j.ops[0], ...evil };
      fs.writeFileSync(jp, JSON.stringify(j));
      const before = readTree(dir);
      const r = recoverJournal(dir)!;
      expect([r.outcome, r.diagnostics.map((d) => d.code)], JSON.stringify(evil)).toEqual(['blocked', ['UNSAFE_PATH']]);
      expect(readTree(dir)).toEqual(before);
      expect(readTree(outside)).toEqual({ 'victim.txt': 'keep me\n' });
    }
  });

  it('refuses a journal committed to git: it came with the repository, not from a crash here (UNSAFE_PATH)', () => {
    const dir = writeTemp(OLD);
    crashApply(dir, PUBLISHED);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'a repository that ships a journal and a hidden staged file');
    const before = readTree(dir);
    const r = recoverJournal(dir)!;
    expect([r.outcome, r.diagnostics.map((d) => d.code)]).toEqual(['blocked', ['UNSAFE_PATH']]);
    expect(r.message).toContain('committed to git');
    expect(readTree(dir)).toEqual(before);
  });

  it('refuses a journal it cannot read (READ_ERROR)', () => {
    const dir = writeTemp({ ...OLD, [JOURNAL_NAME]: '{"tool": "multistage-codemod", "vers' });
    const r = recoverJournal(dir)!;
    expect([r.outcome, r.diagnostics.map((d) => [d.code, d.file])]).toEqual(['blocked', [['READ_ERROR', JOURNAL_NAME]]]);
  });

  it('removes temporaries of a run that died before its journal, and only those', () => {
    const dir = writeTemp(OLD);
    crashApply(dir, 2); // both staged, no journal
    const dead = deadPid();
    fs.writeFileSync(path.join(dir, `.b.txt.msc-${dead}-abcd1234-9.tmp`), 'stray');
    fs.writeFileSync(path.join(dir, `.b.txt.msc-${process.pid}-abcd1234-9.tmp`), 'a live run');
    fs.writeFileSync(path.join(dir, '.notes.msc-draft.tmp'), 'not ours');
    fs.mkdirSync(path.join(dir, 'node_modules'));
    fs.writeFileSync(path.join(dir, 'node_modules', `.x.msc-${dead}-abcd1234-1.tmp`), 'not looked at');
    expect(findStrayTemps(dir)).toHaveLength(3);
    const r = recoverJournal(dir)!;
    expect(r.outcome).toBe('cleaned');
    expect(r.removedTemps).toHaveLength(3);
    expect(r.message).toMatch(/Removed 3 temporary file\(s\)/);
    expect(Object.keys(readTree(dir)).sort()).toEqual(['.b.txt.msc-' + process.pid + '-abcd1234-9.tmp', '.notes.msc-draft.tmp', 'a.txt', 'b.txt', `node_modules/.x.msc-${dead}-abcd1234-1.tmp`, 'sub/keep'].sort());
    expect(recoverJournal(dir)).toBe(null);
  });

  it('is never read by analysis: the journal and temporaries are not candidate scripts', () => {
    const dir = writeTemp({ ...OLD, 'build.sh': '#!/bin/sh\ndocker build .\n' });
    crashApply(dir, 3, [{ path: 'build.sh', action: 'update', before: '#!/bin/sh\ndocker build .\n', after: '#!/bin/sh\n' }]);
    expect(fs.existsSync(path.join(dir, JOURNAL_NAME))).toBe(true);
    expect(temps(dir)).toHaveLength(2); // the staged script and the journal's own temporary
    const files = walk(dir).files;
    expect(files).toContain('build.sh');
    expect(files.filter((f) => f.includes(JOURNAL_NAME) || /\.msc-.*\.tmp$/.test(f))).toEqual([]);
  });
});

describe('apply refuses, writing nothing', () => {
  it('applying the same plan twice: the second run finds the files changed', () => {
    const dir = writeTemp(OLD);
    applyOps(dir, ops());
    expect(() => applyOps(dir, ops())).toThrow(/changed after the plan was made/);
    expect(readTree(dir)).toEqual(NEW);
  });

  it('a file that is not valid UTF-8 (the plan saw it decoded, so writing it back would change other bytes)', () => {
    const dir = writeTemp({});
    const bytes = Buffer.from([0x46, 0x52, 0x4f, 0x4d, 0x20, 0xff, 0xfe, 0x0a]);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), bytes);
    const before = bytes.toString('utf8');
    expect(() => applyOps(dir, [{ path: 'Dockerfile', action: 'update', before, after: `${before}RUN x\n` }])).toThrow(/not valid UTF-8/);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile')).equals(bytes)).toBe(true);
  });

  it('a FIFO, a folder, its own journal, or one path twice', () => {
    const dir = writeTemp({ 'a.txt': 'a' });
    spawnSync('mkfifo', [path.join(dir, 'pipe')]);
    fs.mkdirSync(path.join(dir, 'folder'));
    const cases: [WriteOp[], string][] = [
      [[{ path: 'pipe', action: 'update', before: '', after: 'x' }], 'UNSAFE_PATH'],
      [[{ path: 'folder', action: 'delete', before: '', after: null }], 'UNSAFE_PATH'],
      [[{ path: JOURNAL_NAME, action: 'create', before: null, after: '{}' }], 'UNSAFE_PATH'],
      [[{ path: '.a.txt.msc-1-ab-0.tmp', action: 'create', before: null, after: '' }], 'UNSAFE_PATH'],
      [
        [
          { path: 'a.txt', action: 'update', before: 'a', after: 'b' },
          { path: 'a.txt', action: 'update', before: 'a', after: 'c' },
        ],
        'WRITE_ERROR',
      ],
    ];
    for (const [theOps, code] of cases) {
      const before = readTree(dir);
      let err: unknown;
      try {
        applyOps(dir, theOps);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(theOps)).toBeInstanceOf(ApplyRefused);
      expect((err as ApplyRefused).diagnostics.map((d) => d.code)).toContain(code);
      expect(readTree(dir)).toEqual(before);
    }
  });

  it('a staging failure (WRITE_ERROR) leaves no temporary file and changes nothing', () => {
    const dir = writeTemp({ 'a.txt': 'old a\n', 'blocker': 'a file where a folder should be\n' });
    const theOps: WriteOp[] = [
      { path: 'a.txt', action: 'update', before: 'old a\n', after: 'new a\n' },
      { path: 'blocker/x/new.txt', action: 'create', before: null, after: 'x' },
    ];
    let err: ApplyRefused | null = null;
    try {
      applyOps(dir, theOps);
    } catch (e) {
      err = e as ApplyRefused;
    }
    expect(err?.diagnostics.map((d) => d.code)).toEqual(['WRITE_ERROR']);
    expect(readTree(dir)).toEqual({ 'a.txt': 'old a\n', 'blocker': 'a file where a folder should be\n' });
  });

  it('creates the folders a new file needs', () => {
    const dir = writeTemp({ 'a.txt': 'a' });
    applyOps(dir, [{ path: 'x/y/z.txt', action: 'create', before: null, after: 'z\n' }]);
    expect(readTree(dir)).toEqual({ 'a.txt': 'a', 'x/y/z.txt': 'z\n' });
  });
});
