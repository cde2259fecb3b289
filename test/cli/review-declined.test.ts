/**
 * Declining a setup in the review leaves its files as they are, which can change what another
 * setup must write: here a/build.sh names `Dockerfile.build` in a comment (b's too, for all a
 * script run from b/ knows), which a's migration removes. Declined, it stays, so b's builder
 * Dockerfile must be kept: b is shown again, with why, and written only if accepted again.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { startCli } from '../support/pty.js';
import { FIXTURES, readTree } from '../support/tree.js';
import os from 'node:os';

const PROMPT = 'Apply this setup (3 file changes) [y,n,a,q,v,?]?';
const AGAIN = 'Apply this setup (2 file changes) [y,n,a,q,v,?]?';

function twoFolders(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-declined-'));
  fs.cpSync(path.join(FIXTURES, 'builder-comment-removed', 'before'), path.join(dir, 'a'), { recursive: true });
  fs.cpSync(path.join(FIXTURES, 'rename-folder', 'before'), path.join(dir, 'b'), { recursive: true });
  return dir;
}

describe('a setup declined in the review', () => {
  it('shows again, with why, an accepted setup whose changes it alters, and writes what was accepted the second time', async () => {
    const dir = twoFolders();
    const before = readTree(dir);
    const s = startCli(['--no-pager'], dir);
    await s.waitForPrompt(PROMPT);
    expect(s.screen()).toContain('[1/2]');
    s.type('n\r');
    await s.waitForPrompt(PROMPT, 2);
    expect(s.screen()).toContain('b/Dockerfile.build is deleted: its instructions now live in b/Dockerfile');
    s.type('y\r');
    await s.waitFor('With a/build.sh:6 left as it is, a setup you accepted changes:');
    await s.waitFor('b/build.sh:4: b/Dockerfile.build is no longer deleted');
    await s.waitForPrompt(AGAIN);
    s.type('y\r');
    expect(await s.exit).toBe(0);
    const after = readTree(dir);
    for (const f of Object.keys(before).filter((f) => f.startsWith('a/'))) expect(after[f]).toBe(before[f]);
    expect(after['b/Dockerfile.build']).toBe(before['b/Dockerfile.build']);
    expect(after['b/Dockerfile']).toContain('COPY --from=builder');
    expect(after['b/build.sh']).not.toBe(before['b/build.sh']);
    expect(s.screen()).toMatch(/1 setup\(s\) migrated, 1 skipped, 0 refused/);
  });

  it('writes nothing for a setup declined when shown again', async () => {
    const dir = twoFolders();
    const before = readTree(dir);
    const s = startCli(['--no-pager'], dir);
    await s.waitForPrompt(PROMPT);
    s.type('n\r');
    await s.waitForPrompt(PROMPT, 2);
    s.type('y\r');
    await s.waitForPrompt(AGAIN);
    s.type('n\r');
    expect(await s.exit).toBe(0);
    expect(readTree(dir)).toEqual(before);
    expect(s.screen()).toMatch(/0 setup\(s\) migrated, 2 skipped, 0 refused/);
  });

  it('asks nothing again when the accepted setup does not depend on the declined one', async () => {
    const dir = twoFolders();
    const before = readTree(dir);
    const s = startCli(['--no-pager'], dir);
    await s.waitForPrompt(PROMPT);
    s.type('y\r');
    await s.waitForPrompt(PROMPT, 2);
    s.type('n\r');
    expect(await s.exit).toBe(0);
    expect(s.screen()).not.toContain('left as it is');
    const after = readTree(dir);
    expect(after['a/Dockerfile.build']).toBeUndefined();
    for (const f of Object.keys(before).filter((f) => f.startsWith('b/'))) expect(after[f]).toBe(before[f]);
  });
});
