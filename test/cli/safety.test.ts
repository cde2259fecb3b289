/**
 * Writing safely, through the CLI: a repository git refuses is an error (GIT_ERROR), never "no
 * repository"; a nested repository's own edits stop the run (DIRTY_TREE); stray-temp cleanup
 * never deletes a committed file; a journal that cannot be used says what to do; and a run
 * outside git warns that nothing guarded it (NOT_IN_GIT).
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { CRASH_ENV, JOURNAL_NAME } from '../../src/apply/apply.js';
import { committedExample, BIN, exampleCopy, git, runCli } from '../support/cli.js';
import { readTree, writeTemp } from '../support/tree.js';

const DUBIOUS = { GIT_TEST_ASSUME_DIFFERENT_OWNER: '1' }; // git's own switch: every repository looks owned by someone else


// Exit 3: a write refused for the repository's state (DIRTY_TREE, GIT_ERROR, an interrupted run that cannot be settled).
describe('a repository git refuses (dubious ownership)', () => {
  it('--yes writes nothing and says GIT_ERROR with git’s message; --force writes with a warning', () => {
    const dir = committedExample();
    const before = readTree(dir);
    const r = runCli(['.', '--yes'], dir, DUBIOUS);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/error GIT_ERROR .*dubious ownership/);
    expect(r.stderr).not.toMatch(/NOT_IN_GIT/);
    expect(readTree(dir)).toEqual(before);

    const forced = runCli(['.', '--yes', '--force'], dir, DUBIOUS);
    expect(forced.code, forced.stderr).toBe(0);
    expect(forced.stderr).toMatch(/warning GIT_ERROR .*dubious ownership/);
    expect(readTree(dir)).not.toEqual(before);
    expect(fs.existsSync(path.join(dir, 'Dockerfile.build'))).toBe(false);
  });

  it('a committed journal and staged file are not trusted when git cannot say they are committed', () => {
    const dir = committedExample();
    // A run killed right after publishing its journal (its staged files are all there).
    const killed = spawnSync(process.execPath, [BIN, '.', '--yes', '--force'], { cwd: dir, env: { ...process.env, NO_COLOR: '1', [CRASH_ENV]: '4' }, encoding: 'utf8' });
    expect(killed.signal).toBe('SIGKILL');
    expect(fs.existsSync(path.join(dir, JOURNAL_NAME))).toBe(true);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'ships a journal');
    const shipped = readTree(dir);

    const r = runCli(['.', '--yes'], dir, DUBIOUS);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/error GIT_ERROR .*dubious ownership/);
    expect(r.stderr).not.toMatch(/run again with --yes/);
    expect(readTree(dir)).toEqual(shipped);
    // And when git can read it, the committed journal is refused as before.
    const readable = runCli(['.', '--yes'], dir);
    expect(readable.code).toBe(3);
    expect(readable.stderr).toMatch(/committed to/);
    expect(readTree(dir)).toEqual(shipped);
  });
});

describe('nested repositories', () => {
  it('an uncommitted edit in a nested repository stops the run with DIRTY_TREE', () => {
    const outer = fs.mkdtempSync(path.join(path.dirname(exampleCopy()), 'msc-outer-'));
    fs.writeFileSync(path.join(outer, 'README.md'), 'services\n');
    git(outer, 'init', '-q');
    git(outer, 'add', '-A');
    git(outer, 'commit', '-qm', 'outer');
    const svc = committedExample();
    fs.renameSync(svc, path.join(outer, 'svc'));
    fs.appendFileSync(path.join(outer, 'svc', 'Dockerfile'), '# an edit not committed yet\n');
    const before = readTree(outer);
    const r = runCli(['.', '--yes'], outer);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stderr).toMatch(/svc\/Dockerfile: error DIRTY_TREE/);
    expect(readTree(outer)).toEqual(before);
  });
});

describe('files git does not track', () => {
  for (const how of ['ignored', 'untracked'] as const) {
    it(`an ${how} file the run would delete stops it with DIRTY_TREE (git could not restore it); --force writes`, () => {
      const dir = committedExample();
      git(dir, 'rm', '-q', '--cached', 'Dockerfile.build');
      git(dir, 'commit', '-qm', 'untrack');
      if (how === 'ignored') fs.appendFileSync(path.join(dir, '.git', 'info', 'exclude'), 'Dockerfile.build\n');
      const before = readTree(dir);
      const r = runCli(['.', '--yes'], dir);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toMatch(/Dockerfile\.build: error DIRTY_TREE Dockerfile\.build is not tracked by git \(untracked or ignored\), so git cannot restore it/);
      expect(r.stdout).not.toMatch(/deleted/);
      expect(readTree(dir)).toEqual(before);

      const forced = runCli(['.', '--yes', '--force'], dir);
      expect(forced.code, forced.stderr).toBe(0);
      expect(forced.stdout).toMatch(/deleted Dockerfile\.build/);
    });
  }
});

describe('stray temporary files', () => {
  it('removes an untracked leftover, never a committed file that looks like one', () => {
    const dir = exampleCopy();
    // PID 2^22+1 is above Linux's pid_max: no process can own these names.
    const committedTemp = '.build.sh.msc-4194305-abc123-x1.tmp';
    const strayTemp = '.Dockerfile.msc-4194305-abc123-x2.tmp';
    fs.writeFileSync(path.join(dir, committedTemp), 'a committed file\n');
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    fs.writeFileSync(path.join(dir, strayTemp), 'half a file');
    const r = runCli(['.', '--yes'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.existsSync(path.join(dir, strayTemp))).toBe(false);
    expect(fs.readFileSync(path.join(dir, committedTemp), 'utf8')).toBe('a committed file\n');
    expect(r.stderr).toContain(`Kept ${committedTemp}`);
  });

  it('keeps every leftover when git cannot tell whether it is committed', () => {
    const dir = committedExample();
    const stray = '.Dockerfile.msc-4194305-abc123-x2.tmp';
    fs.writeFileSync(path.join(dir, stray), 'half a file');
    const r = runCli(['.', '--dry-run'], dir, DUBIOUS);
    expect(r.stderr).toMatch(/Kept .*dubious ownership/);
    expect(fs.existsSync(path.join(dir, stray))).toBe(true);
  });
});

describe('a journal that cannot be used', () => {
  it('says what to do, not "run again with --yes" to someone who just did', () => {
    const dir = exampleCopy();
    fs.writeFileSync(path.join(dir, JOURNAL_NAME), '{"tool": "multistage-codemod", "vers');
    const r = runCli(['.', '--yes'], dir);
    expect(r.code).toBe(3);
    expect(r.stderr).toMatch(/not valid JSON/);
    expect(r.stderr).not.toMatch(/run again with --yes/i);
    expect(r.stderr).toMatch(/delete the journal/);
    expect(r.stderr).toMatch(/Do what the hint above says/);
    expect(fs.existsSync(path.join(dir, 'Dockerfile.build'))).toBe(true);
  });
});

describe('outside a git repository', () => {
  it('--yes writes, with a NOT_IN_GIT warning (text and JSON); inside git there is none', () => {
    const dir = exampleCopy();
    const r = runCli(['.', '--yes'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stderr).toMatch(/warning NOT_IN_GIT .*no git repository.*git cannot undo/);
    expect(fs.existsSync(path.join(dir, 'Dockerfile.build'))).toBe(false);

    const json = runCli(['.', '--yes', '--json'], exampleCopy());
    expect(json.code, json.stderr).toBe(0);
    const report = JSON.parse(json.stdout) as { diagnostics: { code: string; severity: string }[] };
    expect(report.diagnostics).toContainEqual(expect.objectContaining({ code: 'NOT_IN_GIT', severity: 'warning' }));

    const guarded = runCli(['.', '--yes'], committedExample());
    expect(guarded.code, guarded.stderr).toBe(0);
    expect(guarded.stderr).not.toMatch(/NOT_IN_GIT/);
  });

  it('a dry run does not warn (it writes nothing)', () => {
    const r = runCli(['.', '--dry-run'], exampleCopy());
    expect(r.stderr).not.toMatch(/NOT_IN_GIT/);
  });
});

describe('odd file names', () => {
  const ODD_DIR = 'svc\t"ü"\\ \x1b[2J';

  it('--patch quotes them as git does: git apply gives the same tree as --yes', () => {
    const parent = fs.mkdtempSync(path.join(path.dirname(exampleCopy()), 'msc-odd-'));
    fs.renameSync(exampleCopy(), path.join(parent, ODD_DIR));
    git(parent, 'init', '-q');
    git(parent, 'add', '-A');
    git(parent, 'commit', '-qm', 'init');
    const patched = fs.mkdtempSync(path.join(path.dirname(parent), 'msc-odd-copy-'));
    fs.cpSync(parent, patched, { recursive: true });

    const p = runCli(['--patch', '-'], parent);
    expect(p.code, p.stderr).toBe(0);
    expect(p.stdout).toContain('diff --git "a/svc\\t\\"\\303\\274\\"\\\\ \\033[2J/build.sh"');
    const applied = spawnSync('git', ['apply', '-'], { cwd: patched, input: p.stdout, encoding: 'utf8' });
    expect(applied.status, applied.stderr).toBe(0);

    const y = runCli(['.', '--yes'], parent);
    expect(y.code, y.stderr).toBe(0);
    expect(readTree(patched)).toEqual(readTree(parent));
    expect(fs.existsSync(path.join(parent, ODD_DIR, 'Dockerfile.build'))).toBe(false);
  });

  it('text output shows their control characters as escapes; JSON keeps the names as they are', () => {
    const parent = fs.mkdtempSync(path.join(path.dirname(exampleCopy()), 'msc-odd-'));
    fs.renameSync(exampleCopy(), path.join(parent, ODD_DIR));
    const r = runCli(['--dry-run'], parent);
    expect(r.code, r.stderr).toBe(0);
    for (const out of [r.stdout, r.stderr]) expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(r.stdout).toContain('svc\\t"ü"\\ \\x1b[2J/build.sh');
    const json = runCli(['--dry-run', '--json'], parent);
    const report = JSON.parse(json.stdout) as { setups: { script: string }[] };
    expect(report.setups[0]!.script).toBe(`${ODD_DIR}/build.sh`);
  });
});

describe('--ignore', () => {
  it('a file it leaves out is never changed: the setup that would delete it is refused (IGNORED_PATH), exit 1', () => {
    const dir = committedExample();
    const before = readTree(dir);
    const r = runCli(['.', '--yes', '--ignore', 'Dockerfile.build'], dir);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stdout + r.stderr).toMatch(/Dockerfile\.build: error IGNORED_PATH the migration would delete Dockerfile\.build, which --ignore Dockerfile\.build leaves out/);
    expect(r.stdout + r.stderr).toMatch(/hint: Run without --ignore Dockerfile\.build to migrate this setup/);
    expect(readTree(dir)).toEqual(before);

    const json = runCli(['.', '--yes', '--json', '--ignore', 'Dockerfile*', '--ignore', '!Dockerfile.build'], dir);
    expect(json.code, json.stderr).toBe(1);
    const report = JSON.parse(json.stdout) as { applied: boolean; setups: { status: string; diagnostics: { code: string; file: string }[] }[] };
    expect(report.applied).toBe(false);
    expect(report.setups[0]!.diagnostics).toContainEqual(expect.objectContaining({ code: 'IGNORED_PATH', file: 'Dockerfile' }));
    expect(readTree(dir)).toEqual(before);
  });

  it('a file it leaves out still runs: an ignored package.json that runs the script and reads its artifact keeps it on the host', () => {
    const dir = writeTemp({
      'build.sh': '#!/bin/sh\nset -e\ndocker build -t example/relay:build -f Dockerfile.build .\ndocker create --name relay-extract example/relay:build\nmkdir -p dist\ndocker cp relay-extract:/out/relay dist/relay\ndocker rm relay-extract\ndocker build -t example/relay:latest .\n',
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY dist/relay /usr/local/bin/relay\nCMD ["/usr/local/bin/relay"]\n',
      'main.go': 'package main\n\nfunc main() {}\n',
      'package.json': '{\n  "name": "svc",\n  "scripts": {\n    "image": "./build.sh && sha256sum dist/relay > relay.sha256"\n  }\n}\n',
    });
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    const pkg = fs.readFileSync(path.join(dir, 'package.json'), 'utf8');
    const r = runCli(['.', '--yes', '--ignore', 'package.json'], dir);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'package.json'), 'utf8')).toBe(pkg);
    expect(fs.readFileSync(path.join(dir, 'Dockerfile'), 'utf8')).toMatch(/^FROM scratch AS export$/m);
    expect(fs.readFileSync(path.join(dir, 'build.sh'), 'utf8')).toContain('docker build --target export --output type=local,dest=dist -f Dockerfile .');
  });
});
