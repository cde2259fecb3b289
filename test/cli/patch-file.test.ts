/**
 * --patch FILE: where the patch may be written (never over a file of the repository, a file git
 * tracks or a file the migration creates), one-line errors for a place nothing can be written to,
 * and paths `git apply` finds from the repository's top.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkAgainstChanges, checkPatchTarget, PatchTargetError } from '../../src/cli/patch-target.js';
import { BIN, committedExample, exampleCopy, git, runCli } from '../support/cli.js';
import { readTree } from '../support/tree.js';


describe('--patch FILE never replaces a file of the repository', () => {
  it('a tracked file (here one with an uncommitted edit) is refused: exit 2, the file as it was, nothing written', () => {
    const dir = committedExample();
    fs.appendFileSync(path.join(dir, 'build.sh'), 'echo my-work\n');
    const before = readTree(dir);
    const r = runCli(['--patch', 'build.sh'], dir);
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toMatch(/^multistage-codemod: --patch build\.sh: it is a file git tracks: the patch would replace it; nothing was written\./);
    expect(r.stdout).toBe('');
    expect(readTree(dir)).toEqual(before);
  });

  it('a link to a tracked file is refused as the file itself', () => {
    const dir = committedExample();
    fs.symlinkSync('build.sh', path.join(dir, 'out.patch'));
    const before = fs.readFileSync(path.join(dir, 'build.sh'), 'utf8');
    const r = runCli(['--patch', 'out.patch'], dir);
    expect(r.code, r.stderr).toBe(2);
    expect(fs.readFileSync(path.join(dir, 'build.sh'), 'utf8')).toBe(before);
  });

  it('an untracked file in the root that is not an earlier patch is refused, in git or not', () => {
    for (const dir of [committedExample(), exampleCopy()]) {
      fs.writeFileSync(path.join(dir, 'notes.txt'), 'my notes\n');
      const r = runCli(['--patch', 'notes.txt'], dir);
      expect(r.code, r.stderr).toBe(2);
      expect(r.stderr).toContain('it is an existing file in the repository, not an earlier patch');
      expect(fs.readFileSync(path.join(dir, 'notes.txt'), 'utf8')).toBe('my notes\n');
    }
  });

  it('a new file is written, and written again over the earlier patch; a file outside every root and repository may be replaced', () => {
    const dir = committedExample();
    const first = runCli(['--patch', 'migrate.patch'], dir);
    expect(first.code, first.stderr).toBe(0);
    const patch = fs.readFileSync(path.join(dir, 'migrate.patch'), 'utf8');
    expect(patch.startsWith('diff --git a/Dockerfile b/Dockerfile\n')).toBe(true);
    const again = runCli(['--patch', 'migrate.patch'], dir);
    expect(again.code, again.stderr).toBe(0);
    expect(fs.readFileSync(path.join(dir, 'migrate.patch'), 'utf8')).toBe(patch);

    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-out-'));
    fs.writeFileSync(path.join(elsewhere, 'plan.txt'), 'old\n');
    const out = runCli(['--patch', path.join(elsewhere, 'plan.txt')], dir);
    expect(out.code, out.stderr).toBe(0);
    expect(fs.readFileSync(path.join(elsewhere, 'plan.txt'), 'utf8')).toBe(patch);
  });

  it('a folder, or a folder that does not exist: one line, exit 3, no stack trace', () => {
    const dir = committedExample();
    const before = readTree(dir);
    for (const [target, why] of [
      [os.tmpdir(), 'is a folder'],
      ['/nonexistent-msc/x.patch', 'no such folder'],
      ['Dockerfile/x.patch', 'a part of the path is not a folder'],
    ] as const) {
      const r = runCli(['--patch', target], dir);
      expect(r.code, r.stderr).toBe(3);
      expect(r.stderr).toBe(`multistage-codemod: cannot write the patch to ${target}: ${why}\n`);
      expect(r.stdout).toBe('');
    }
    expect(readTree(dir)).toEqual(before);
  });

  it('a file the migration would create is refused', () => {
    const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'msc-create-')));
    const target = checkPatchTarget(path.join(dir, 'Dockerfile'), [dir]);
    expect(() => checkAgainstChanges(target, [{ root: dir, path: 'other' }])).not.toThrow();
    let err: unknown;
    try {
      checkAgainstChanges(target, [{ root: dir, path: 'Dockerfile' }]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(PatchTargetError);
    expect((err as PatchTargetError).exit).toBe(2);
    expect((err as PatchTargetError).message).toContain('it is Dockerfile, a file the migration creates');
  });
});

describe('--patch paths: `git apply` finds every file', () => {
  /** A repository `mono` with the example in `mono/svc`, and a copy of it migrated with --yes. */
  function monorepo(): { mono: string; migrated: Record<string, string> } {
    const parent = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-mono-'));
    const mono = path.join(parent, 'mono');
    fs.mkdirSync(mono);
    fs.renameSync(exampleCopy(), path.join(mono, 'svc'));
    git(mono, 'init', '-q');
    git(mono, 'add', '-A');
    git(mono, 'commit', '-qm', 'init');
    const copy = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-mono-yes-'));
    fs.cpSync(mono, copy, { recursive: true });
    const y = runCli(['svc', '--yes'], copy);
    expect(y.code, y.stderr).toBe(0);
    return { mono, migrated: readTree(copy) };
  }

  /** Runs the command the tool printed to apply the patch, in `cwd`. */
  function applyAsTold(stderr: string, cwd: string): string {
    const cmd = /apply it with `([^`]+)`/.exec(stderr)?.[1];
    expect(cmd, stderr).toBeDefined();
    const r = spawnSync('sh', ['-c', cmd!], { cwd, encoding: 'utf8' });
    expect(r.status, `${cmd}: ${r.stderr}`).toBe(0);
    expect(r.stderr).not.toMatch(/Skipped/);
    return cmd!;
  }

  it('a root that is a subfolder of the repository: paths from the top, and `git apply` from the root works', () => {
    const { mono, migrated } = monorepo();
    const svc = path.join(mono, 'svc');
    const r = runCli(['--patch', '../../m.patch'], svc);
    expect(r.code, r.stderr).toBe(0);
    expect(fs.readFileSync(path.join(mono, '..', 'm.patch'), 'utf8').startsWith('diff --git a/svc/Dockerfile b/svc/Dockerfile\n')).toBe(true);
    expect(applyAsTold(r.stderr, svc)).toBe('git apply ../../m.patch');
    expect(readTree(mono)).toEqual(migrated);
    // From the top folder too.
    git(mono, 'checkout', '-q', '.');
    git(mono, 'apply', path.join(mono, '..', 'm.patch'));
    expect(readTree(mono)).toEqual(migrated);
  });

  it('a root outside the current folder, in a repository or in none: the printed command applies it', () => {
    const { mono, migrated } = monorepo();
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-cwd-'));
    const r = runCli([path.join(mono, 'svc'), '--patch', 'm.patch'], elsewhere);
    expect(r.code, r.stderr).toBe(0);
    expect(applyAsTold(r.stderr, elsewhere)).toMatch(/^git -C \S+ apply \S+m\.patch$/);
    expect(readTree(mono)).toEqual(migrated);

    const loose = exampleCopy();
    const expected = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-loose-yes-'));
    fs.cpSync(loose, expected, { recursive: true });
    expect(runCli(['.', '--yes'], expected).code).toBe(0);
    const p = runCli([loose, '--patch', 'loose.patch'], elsewhere);
    expect(p.code, p.stderr).toBe(0);
    expect(fs.readFileSync(path.join(elsewhere, 'loose.patch'), 'utf8').startsWith('diff --git a/Dockerfile b/Dockerfile\n')).toBe(true);
    applyAsTold(p.stderr, elsewhere);
    expect(readTree(loose)).toEqual(readTree(expected));
  });

  it('--patch - says where to apply it when that is not here', () => {
    const { mono } = monorepo();
    const r = runCli(['mono/svc', '--patch', '-'], path.dirname(mono));
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.startsWith('diff --git a/svc/Dockerfile b/svc/Dockerfile\n')).toBe(true);
    expect(r.stderr).toBe(`The paths in the patch are relative to ${fs.realpathSync(mono)}: apply it with \`git -C mono apply\`.\n`);
    const applied = spawnSync('git', ['-C', 'mono', 'apply'], { cwd: path.dirname(mono), input: r.stdout, encoding: 'utf8' });
    expect(applied.status, applied.stderr).toBe(0);
  });
});

describe('--patch with nothing to migrate', () => {
  it('says there is nothing to apply instead of a git apply that would fail; the file is written empty over an earlier patch', () => {
    const dir = committedExample();
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM alpine:latest\nCOPY . /root/\n'); // the one setup is refused
    git(dir, 'commit', '-qam', 'copy everything');
    fs.writeFileSync(path.join(dir, 'migrate.patch'), 'diff --git a/old b/old\n'); // an earlier patch, now stale
    const r = runCli(['--patch', 'migrate.patch'], dir);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain('Nothing to apply: none of the 1 setup(s) found can be migrated (the report says why), so the patch written to migrate.patch is empty; `git apply` would reject it.');
    expect(r.stderr).not.toMatch(/apply it with/);
    expect(fs.readFileSync(path.join(dir, 'migrate.patch'), 'utf8')).toBe('');
    // Which is so: git rejects an empty patch.
    expect(spawnSync('git', ['apply', '--check', 'migrate.patch'], { cwd: dir, encoding: 'utf8' }).stderr).toMatch(/No valid patches in input/);

    const none = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-none-'));
    fs.writeFileSync(path.join(none, 'README'), 'no docker here\n');
    const out = runCli(['--patch', '-'], none);
    expect(out.code, out.stderr).toBe(0);
    expect(out.stdout).toBe('');
    expect(out.stderr).toContain('Nothing to apply: no change is planned, so the patch is empty');
    const file = runCli(['--patch', 'p.patch'], none);
    expect(file.code, file.stderr).toBe(0);
    expect(file.stderr).not.toMatch(/Wrote a patch|apply it with/);
  });

  it('the --help example for a pull request works with a patch and with an empty one', () => {
    const help = runCli(['--help'], os.tmpdir()).stdout;
    const example = /^ {4}(multistage-codemod --patch .*)$/m.exec(help)?.[1];
    expect(example).toBeDefined();
    // `multistage-codemod` on PATH is this build.
    const bin = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-bin-'));
    fs.writeFileSync(path.join(bin, 'multistage-codemod'), `#!/bin/sh\nexec "${process.execPath}" "${BIN}" "$@"\n`, { mode: 0o755 });
    const sh = (cwd: string) => spawnSync('sh', ['-c', example!], { cwd, env: { ...process.env, NO_COLOR: '1', PATH: `${bin}:${process.env['PATH']}` }, encoding: 'utf8' });
    const real = sh(committedExample());
    expect(real.status, real.stderr).toBe(0);
    expect(real.stdout).toMatch(/Dockerfile\.build \| +\d+ -+/);
    const refused = committedExample();
    fs.writeFileSync(path.join(refused, 'Dockerfile'), 'FROM alpine:latest\nCOPY . /root/\n');
    git(refused, 'commit', '-qam', 'copy everything');
    const empty = sh(refused);
    expect(empty.status, empty.stderr).toBe(0);
    expect(empty.stderr).toContain('Nothing to apply');
  });
});
