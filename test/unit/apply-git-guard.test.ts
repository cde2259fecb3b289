/**
 * The dirty-tree guard and the "is it committed" check ask git, and git would run commands the
 * repository's config names (filter and diff drivers, core.fsmonitor, hooks, a pager). The
 * guard must still see edits and untracked files, in the file's own repository (submodules,
 * nested repositories), nothing from the repository may run, and a git that refuses the
 * repository is an error, never "not a repository".
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { GitError } from '../../src/apply/git.js';
import { tracked, uncommitted } from '../../src/apply/git-guard.js';
import { git } from '../support/cli.js';
import { tempTrees } from '../support/tree.js';

const { tree, cleanup } = tempTrees('msc-guard-');
afterAll(cleanup);
afterEach(() => {
  delete process.env.GIT_TEST_ASSUME_DIFFERENT_OWNER;
});

function committed(files: Record<string, string>): string {
  const dir = tree(files);
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'init');
  return dir;
}

/** Driver names git's `-c NAME=VALUE` cannot express (split at the first `=`) or that look like other keys. */
const ODD_NAMES = ['x=y', 'a.b', 'with space', 'q"uote', "s'ingle", 'semi;colon', 'back\\slash', 'evil'];

describe('git guard: nothing the repository configures runs', () => {
  it('sees modified and untracked files while filters, diff drivers, fsmonitor, hooks and the pager of any name stay off', () => {
    const files: Record<string, string> = { 'build.sh': '#!/bin/sh\n', Dockerfile: 'FROM a\n' };
    ODD_NAMES.forEach((_, i) => (files[`d${i}/Dockerfile`] = `FROM b${i}\n`));
    // An attribute value ends at whitespace: a driver whose name has a space is configured but cannot be selected.
    const attributes = ['* filter=evil diff=evil', ...ODD_NAMES.flatMap((n, i) => (/\s/.test(n) ? [] : [`d${i}/* filter=${n} diff=${n}`]))];
    files['.gitattributes'] = `${attributes.join('\n')}\n`;
    const dir = committed(files);
    const markers = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-marker-'));
    const touch = (what: string) => `touch '${markers}/${what}'; cat`;
    git(dir, 'config', 'core.fsmonitor', touch('fsmonitor'));
    git(dir, 'config', 'core.pager', touch('pager'));
    git(dir, 'config', 'diff.external', touch('external-diff'));
    fs.mkdirSync(path.join(dir, 'hooks'));
    for (const h of ['post-index-change', 'post-checkout', 'pre-commit', 'reference-transaction']) {
      fs.writeFileSync(path.join(dir, 'hooks', h), `#!/bin/sh\n${touch(`hook-${h}`)}\n`, { mode: 0o755 });
    }
    git(dir, 'config', 'core.hooksPath', path.join(dir, 'hooks'));
    ODD_NAMES.forEach((name, i) => {
      git(dir, 'config', `filter.${name}.clean`, touch(`clean-${i}`));
      git(dir, 'config', `filter.${name}.smudge`, touch(`smudge-${i}`));
      git(dir, 'config', `filter.${name}.process`, touch(`process-${i}`));
      git(dir, 'config', `filter.${name}.required`, 'true');
      git(dir, 'config', `diff.${name}.textconv`, touch(`textconv-${i}`));
      git(dir, 'config', `diff.${name}.command`, touch(`diffcmd-${i}`));
    });
    // Stat information that no longer matches the index makes git compare contents (through the filters).
    const old = new Date('2001-01-01');
    for (const f of Object.keys(files)) fs.utimesSync(path.join(dir, f), old, old);
    fs.writeFileSync(path.join(dir, 'Dockerfile'), 'FROM a\nRUN x\n');
    fs.writeFileSync(path.join(dir, 'd0/Dockerfile'), 'FROM changed\n');
    fs.writeFileSync(path.join(dir, 'new.sh'), '#!/bin/sh\n');

    const asked = ['build.sh', 'Dockerfile', 'new.sh', ...ODD_NAMES.map((_, i) => `d${i}/Dockerfile`)];
    expect(uncommitted(dir, asked)).toEqual({ dirty: ['Dockerfile', 'd0/Dockerfile'], untracked: ['new.sh'], outside: [] });
    expect(tracked(dir, asked)).toEqual(asked.filter((p) => p !== 'new.sh').sort());
    expect(fs.readdirSync(markers)).toEqual([]);
    // The same commands do run when git is asked without the guard's settings: the test sees what it claims to.
    spawnSync('git', ['status', '--porcelain'], { cwd: dir });
    expect(fs.readdirSync(markers).length).toBeGreaterThan(0);
  });
});

describe('git guard: each file asks its own repository', () => {
  it('a nested repository’s uncommitted edit is DIRTY, a clean file there is not', () => {
    const dir = committed({ 'build.sh': '#!/bin/sh\n', '.gitignore': 'nested/\n' });
    fs.mkdirSync(path.join(dir, 'nested'));
    fs.writeFileSync(path.join(dir, 'nested', 'Dockerfile'), 'FROM a\n');
    fs.writeFileSync(path.join(dir, 'nested', 'build.sh'), '#!/bin/sh\n');
    git(path.join(dir, 'nested'), 'init', '-q');
    git(path.join(dir, 'nested'), 'add', '-A');
    git(path.join(dir, 'nested'), 'commit', '-qm', 'init');
    fs.appendFileSync(path.join(dir, 'nested', 'Dockerfile'), 'RUN edit\n');
    expect(uncommitted(dir, ['build.sh', 'nested/Dockerfile', 'nested/build.sh', 'nested/new/Dockerfile'])).toEqual({ dirty: ['nested/Dockerfile'], untracked: [], outside: [] });
    expect(tracked(dir, ['nested/Dockerfile', 'nested/new/Dockerfile'])).toEqual(['nested/Dockerfile']);
  });

  it('a submodule’s uncommitted edit is DIRTY', () => {
    const upstream = committed({ Dockerfile: 'FROM a\n', 'build.sh': '#!/bin/sh\n' });
    const dir = committed({ 'README.md': 'x\n' });
    git(dir, '-c', 'protocol.file.allow=always', 'submodule', 'add', '-q', upstream, 'svc');
    git(dir, 'commit', '-qm', 'submodule');
    expect(uncommitted(dir, ['svc/Dockerfile', 'svc/build.sh'])).toEqual({ dirty: [], untracked: [], outside: [] });
    fs.appendFileSync(path.join(dir, 'svc', 'Dockerfile'), 'RUN edit\n');
    fs.writeFileSync(path.join(dir, 'svc', 'new.sh'), '#!/bin/sh\n');
    expect(uncommitted(dir, ['svc/Dockerfile', 'svc/build.sh', 'svc/new.sh'])).toEqual({ dirty: ['svc/Dockerfile'], untracked: ['svc/new.sh'], outside: [] });
    expect(tracked(dir, ['svc/Dockerfile', 'svc/new.sh'])).toEqual(['svc/Dockerfile']);
  });

  it('outside any repository every file is reported as unguarded', () => {
    const dir = tree({ a: 'a' });
    expect(uncommitted(dir, ['a', 'sub/new'])).toEqual({ dirty: [], untracked: [], outside: ['a', 'sub/new'] });
    expect(tracked(dir, ['a'])).toEqual([]);
  });
});

describe('git guard: a refused repository is an error', () => {
  it('dubious ownership throws GitError with git’s message, for the dirty check and the committed check', () => {
    const dir = committed({ Dockerfile: 'FROM a\n' });
    fs.appendFileSync(path.join(dir, 'Dockerfile'), 'RUN edit\n');
    process.env.GIT_TEST_ASSUME_DIFFERENT_OWNER = '1';
    expect(() => uncommitted(dir, ['Dockerfile'])).toThrow(GitError);
    expect(() => uncommitted(dir, ['Dockerfile'])).toThrow(/dubious ownership/);
    expect(() => tracked(dir, ['Dockerfile'])).toThrow(/dubious ownership/);
  });

  it('a repository owned by another user (root in a CI container, without sudo) throws GitError', () => {
    const dir = committed({ Dockerfile: 'FROM a\n' });
    if (process.getuid?.() === 0) {
      fs.chownSync(dir, 4242, 4242);
      fs.chownSync(path.join(dir, '.git'), 4242, 4242);
    } else process.env.GIT_TEST_ASSUME_DIFFERENT_OWNER = '1'; // git's own switch for this check, when the test cannot chown
    expect(() => uncommitted(dir, ['Dockerfile'])).toThrow(/dubious ownership/);
  });

  it('a broken .git is an error, not "no repository"', () => {
    const dir = tree({ Dockerfile: 'FROM a\n', '.git': 'gitdir: /nonexistent/elsewhere\n' });
    expect(() => uncommitted(dir, ['Dockerfile'])).toThrow(GitError);
  });
});
