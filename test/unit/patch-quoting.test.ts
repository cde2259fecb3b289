/**
 * `--patch` writes file names as git does: C-quoted when they hold tabs, newlines, quotes,
 * backslashes, control or non-ASCII characters, so `git apply` takes every change; and text
 * output shows control characters in names, messages and diffs as escapes, never raw.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { formatDiagnostic } from '../../src/review/report.js';
import { quoteGitPath, unifiedDiff } from '../../src/review/diff.js';
import { printable, printableName } from '../../src/review/printable.js';
import { diag } from '../../src/model/diagnostics.js';
import { makeColors } from '../../src/review/colors.js';
import { git } from '../support/cli.js';
import { readTree, tempTrees } from '../support/tree.js';

const { tree, cleanup } = tempTrees('msc-patch-');
afterAll(cleanup);

const ODD = ['tab\there.sh', 'new\nline.sh', 'quote"d.sh', 'back\\slash.sh', 'ünïcode.sh', 'with space.sh', 'trailing space .sh', 'esc\x1b[31m.sh', 'dir with\ttab/Dockerfile'];

describe('--patch quotes paths the way git does', () => {
  it('git apply takes updates, creations and deletions of oddly named files', () => {
    const before: Record<string, string> = {};
    for (const [i, name] of ODD.entries()) before[name] = `echo ${i}\nline two\n`;
    const dir = tree(before);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    const after: Record<string, string> = { ...before };
    const patch: string[] = [];
    for (const [i, name] of ODD.entries()) {
      if (i % 3 === 0) {
        patch.push(unifiedDiff({ path: name, action: 'update', before: before[name]!, after: `echo ${i} changed\nline two\n` }));
        after[name] = `echo ${i} changed\nline two\n`;
      } else if (i % 3 === 1) {
        patch.push(unifiedDiff({ path: name, action: 'delete', before: before[name]!, after: null }));
        delete after[name];
      } else {
        const created = `new-${name}`;
        patch.push(unifiedDiff({ path: created, action: 'create', before: null, after: 'fresh\n' }));
        after[created] = 'fresh\n';
      }
    }
    const r = spawnSync('git', ['apply', '-'], { cwd: dir, input: patch.join(''), encoding: 'utf8' });
    expect(r.status, r.stderr).toBe(0);
    expect(readTree(dir)).toEqual(after);
  });

  it('headers match what git diff writes', () => {
    const names = ODD.filter((n) => !n.includes('/'));
    const files = Object.fromEntries(names.map((n) => [n, 'a\n']));
    const dir = tree(files);
    git(dir, 'init', '-q');
    git(dir, 'add', '-A');
    git(dir, 'commit', '-qm', 'init');
    for (const n of names) fs.writeFileSync(path.join(dir, n), 'b\n');
    const gitHeaders = git(dir, '-c', 'core.quotePath=true', 'diff', '--no-color', '--no-ext-diff')
      .split('\n')
      .filter((l) => l.startsWith('diff --git') || l.startsWith('--- ') || l.startsWith('+++ '));
    const ours = [...names]
      .sort((x, y) => (Buffer.compare(Buffer.from(x), Buffer.from(y))))
      .flatMap((n) => unifiedDiff({ path: n, action: 'update', before: 'a\n', after: 'b\n' }).split('\n').slice(0, 3));
    expect(ours).toEqual(gitHeaders);
  });

  it('plain names stay unquoted', () => {
    expect(quoteGitPath('a/src/build.sh')).toBe('a/src/build.sh');
    expect(quoteGitPath('a/x\ty')).toBe('"a/x\\ty"');
    expect(quoteGitPath('a/é')).toBe('"a/\\303\\251"');
  });

  it('quotes a name exactly when one of its UTF-8 bytes is a control, a quote, a backslash or not ASCII', () => {
    const chars = ['a', '/', ' ', '~', '\x00', '\x1f', '"', '\\', '\x7f', '\x80', 'é', '\u2028', '\ud83d\ude00', '\ud800'];
    let names = [''];
    for (let i = 0; i < 3; i++) names = names.flatMap((n) => chars.map((c) => n + c));
    const quoted = names.filter((n) => quoteGitPath(n) !== n);
    expect(quoted).toEqual(names.filter((n) => Buffer.from(n, 'utf8').some((b) => b < 0x20 || b === 0x22 || b === 0x5c || b >= 0x7f)));
    expect(quoted.length).toBeGreaterThan(0);
    expect(quoted.length).toBeLessThan(names.length);
  });
});

describe('text output shows control characters as escapes', () => {
  it('in names, messages, hints and diffs (tabs and newlines of messages stay)', () => {
    expect(printableName('evil\x1b]0;title\x07\n.sh')).toBe('evil\\x1b]0;title\\x07\\n.sh');
    expect(printable('line one\n\tline two \x1b[2J\u202e')).toBe('line one\n\tline two \\x1b[2J\\u202e');
    const c = makeColors({ noColor: true, isTTY: false, env: {} });
    const text = formatDiagnostic(diag('DIRTY_TREE', 'error', 'x\x1b[8mhidden has changes', { file: 'a\x1b[2Kb.sh', hint: 'do \x9b1A this' }), { display: '.' }, c);
    expect(text).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f]/);
    expect(text).toContain('a\\x1b[2Kb.sh: error DIRTY_TREE x\\x1b[8mhidden has changes');
    expect(text).toContain('do \\x9b1A this');
  });
});

describe('the review shows control characters as escapes', () => {
  it('in the setup, its diffs and the files viewed with v', async () => {
    const { exampleCopy } = await import('../support/cli.js');
    const { runRoot } = await import('../../src/pipeline.js');
    const { reviewUnits } = await import('../../src/review/prompt.js');
    const { reviewUnits: unitsOf } = await import('../../src/review/units.js');
    const dir = exampleCopy();
    fs.appendFileSync(path.join(dir, 'Dockerfile'), '# \x1b]8;;http://evil.invalid\x07link\x1b]8;;\x07 \u202eright-to-left\n');
    fs.renameSync(path.join(dir, 'build.sh'), path.join(dir, 'b\x1b[2Kuild.sh'));
    const run = runRoot(dir, { stageName: 'builder' });
    const items = unitsOf(run.plan).map((unit) => ({ run, unit }));
    expect(items).toHaveLength(1);
    let out = '';
    const sink = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
    const answers = ['v', 'n'];
    const r = await reviewUnits(items, makeColors({ noColor: true, isTTY: false, env: {} }), sink, { ask: async () => answers.shift() ?? null }, null);
    expect(r.accepted).toEqual([]);
    expect(out).toContain('b\\x1b[2Kuild.sh');
    expect(out).toContain('\\x1b]8;;http://evil.invalid\\x07link');
    expect(out).toContain('\\u202eright-to-left');
    expect(out).not.toMatch(/[\x00-\x08\x0b-\x1f\x7f-\x9f\u202e]/);
  });
});
