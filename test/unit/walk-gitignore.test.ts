/**
 * gitignore semantics of the walker: pattern syntax, and nested .gitignore files checked
 * against git itself (`git ls-files --others --exclude-standard` lists exactly the files git
 * does not ignore), so the expected lists are git's, not ours.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { compileIgnore, decide } from '../../src/discover/gitignore.js';
import { isCandidate, walk } from '../../src/discover/walk.js';
import { tempTrees } from '../support/tree.js';

// Temporary trees made here are removed afterwards (the walker must not find old ones).
const { tree, cleanup } = tempTrees();
afterAll(cleanup);

const ignores = (patterns: string, rel: string, isDir = false) => decide(compileIgnore(patterns), rel, rel.split('/').pop()!, isDir) === true;

describe('gitignore patterns', () => {
  it('matches names at any depth unless a slash anchors them', () => {
    expect(ignores('*.log', 'a/b/x.log')).toBe(true);
    expect(ignores('build.sh', 'deep/build.sh')).toBe(true);
    expect(ignores('/build.sh', 'deep/build.sh')).toBe(false);
    expect(ignores('/build.sh', 'build.sh')).toBe(true);
    expect(ignores('ci/run.sh', 'ci/run.sh')).toBe(true);
    expect(ignores('ci/run.sh', 'x/ci/run.sh')).toBe(false);
  });

  it('* and ? stop at slashes; ** crosses folders only as a whole segment', () => {
    expect(ignores('a/*.sh', 'a/b.sh')).toBe(true);
    expect(ignores('a/*.sh', 'a/b/c.sh')).toBe(false);
    expect(ignores('a/?.sh', 'a/b.sh')).toBe(true);
    expect(ignores('**/gen/*.sh', 'gen/x.sh')).toBe(true);
    expect(ignores('**/gen/*.sh', 'p/q/gen/x.sh')).toBe(true);
    expect(ignores('a/**/b.sh', 'a/b.sh')).toBe(true);
    expect(ignores('a/**/b.sh', 'a/x/y/b.sh')).toBe(true);
    expect(ignores('a/**', 'a/x/y')).toBe(true);
    expect(ignores('a/**', 'a', true)).toBe(false);
    expect(ignores('a**b.sh', 'axxb.sh')).toBe(true);
    expect(ignores('a**b.sh', 'a/b.sh')).toBe(false);
  });

  it('a trailing slash matches folders only', () => {
    expect(ignores('out/', 'out', true)).toBe(true);
    expect(ignores('out/', 'out', false)).toBe(false);
  });

  it('handles negation, comments, escapes, classes, trailing spaces and CRLF', () => {
    expect(ignores('*.sh\n!keep.sh', 'keep.sh')).toBe(false);
    expect(ignores('*.sh\n!keep.sh', 'drop.sh')).toBe(true);
    expect(ignores('# comment.sh', '# comment.sh')).toBe(false);
    expect(ignores('\\#hash.sh', '#hash.sh')).toBe(true);
    expect(ignores('\\!bang.sh', '!bang.sh')).toBe(true);
    expect(ignores('run[0-9].sh', 'run7.sh')).toBe(true);
    expect(ignores('run[!0-9].sh', 'run7.sh')).toBe(false);
    expect(ignores('run[!0-9].sh', 'runx.sh')).toBe(true);
    expect(ignores('run[[:digit:]].sh', 'run3.sh')).toBe(true);
    expect(ignores('a[/]b', 'a/b')).toBe(false);
    expect(ignores('trail.sh   ', 'trail.sh')).toBe(true);
    expect(ignores('space\\ ', 'space ')).toBe(true);
    expect(ignores('crlf.sh\r\nother', 'crlf.sh')).toBe(true);
    expect(ignores('dot.sh', 'dotXsh')).toBe(false);
  });
});

describe('isCandidate', () => {
  // Regular expressions as the reference behaviour (those it replaced, plus scriptKindOf's JavaScript rule).
  const reference = (rel: string, name: string) =>
    (/\.[mc]?[jt]sx?$/i.test(name) && !/\.d\.[mc]?ts$/i.test(name)) ||
    /\.(sh|bash|mk)$/i.test(name) || !name.includes('.') || name === 'package.json' || /^\.gitlab-ci\.ya?ml$/.test(name) || /(^|\/)\.github\/workflows\/[^/]+\.ya?ml$/.test(rel);
  it('keeps exactly the files the adapters read', () => {
    const rels = ['build.sh', 'x/BUILD.SH', 'a.bash', 'rules.mk', 'Makefile', 'GNUmakefile', 'LICENSE', 'package.json', 'x/package.json', 'package.json5', '.gitlab-ci.yml', '.gitlab-ci.yaml', 'sub/.gitlab-ci.yml', '.github/workflows/ci.yml', 'svc/.github/workflows/ci.yaml', '.github/ci.yml', 'workflows/ci.yml', 'x.github/workflows/ci.yml', 'a.ts', 'b.mjs', 'c.cts', 'd.tsx', 'types.d.ts', 'x.d.mts', 'a.json', 'README.md', '.bashrc', 'Dockerfile.build', 'compose.yml'];
    for (const rel of rels) expect(isCandidate(rel, rel.split('/').pop()!), rel).toBe(reference(rel, rel.split('/').pop()!));
  });
});

const hasGit = spawnSync('git', ['--version']).status === 0;

describe.skipIf(!hasGit)('nested .gitignore files, against git', () => {
  it('lists exactly the candidates git does not ignore', () => {
    const dir = tree({
      '.gitignore': '*.log\nbuild/\n/root-only.sh\ngen-*.sh\n!gen-keep.sh\n',
      'root-only.sh': 'x',
      'a/root-only.sh': 'x',
      'gen-x.sh': 'x',
      'gen-keep.sh': 'x',
      'build/in-build.sh': 'x',
      'x.log': 'x',
      // A deeper file re-includes what the root excluded, and excludes more.
      'pkg/.gitignore': '!build/\n!gen-y.sh\n*.bash\nsub/**/deep.sh\n',
      'pkg/build/kept.sh': 'x',
      'pkg/gen-y.sh': 'x',
      'pkg/gen-z.sh': 'x',
      'pkg/a.bash': 'x',
      'pkg/sub/deep.sh': 'x',
      'pkg/sub/q/deep.sh': 'x',
      'pkg/sub/q/other.sh': 'x',
      // Deeper still: the closest .gitignore wins.
      'pkg/inner/.gitignore': '!*.bash\nMakefile\n',
      'pkg/inner/b.bash': 'x',
      'pkg/inner/Makefile': 'x',
      'pkg/inner/deeper/Makefile': 'x',
      'other/build/x.sh': 'x',
      'other/.gitignore': 'Makefile\n',
      'other/Makefile': 'x',
      'other/package.json': '{}',
    });
    const gitFiles = listUntracked(dir);
    const expected = gitFiles.filter((f) => isCandidate(f, f.split('/').pop()!) && !f.endsWith('.gitignore')).sort();
    const got = walk(dir, { mention: null }).files.sort();
    expect(got).toEqual(expected);
    // Guard against an oracle that agrees by listing nothing.
    expect(got).toContain('pkg/build/kept.sh');
    expect(got).toContain('gen-keep.sh');
    expect(got).not.toContain('pkg/gen-z.sh');
    expect(got).toContain('pkg/inner/b.bash');
    expect(got).not.toContain('pkg/inner/deeper/Makefile');
  });
});

/** Files git would add (untracked, not ignored), from a throw-away repository around `dir`. */
function listUntracked(dir: string): string[] {
  const gitDir = `${dir}.git`;
  fs.rmSync(gitDir, { recursive: true, force: true });
  const env = { ...process.env, GIT_DIR: gitDir, GIT_WORK_TREE: dir, GIT_CONFIG_NOSYSTEM: '1', GIT_CONFIG_GLOBAL: '/dev/null' };
  const init = spawnSync('git', ['init', '-q'], { cwd: dir, env, encoding: 'utf8' });
  if (init.status !== 0) throw new Error(init.stderr);
  const r = spawnSync('git', ['ls-files', '--others', '--exclude-standard', '-z'], { cwd: dir, env, encoding: 'utf8' });
  fs.rmSync(gitDir, { recursive: true, force: true });
  if (r.status !== 0) throw new Error(r.stderr);
  return r.stdout.split('\0').filter(Boolean);
}
