/**
 * The interactive review through a real pseudo-terminal: keys typed, screen read.
 * Two setups (services api and worker): accept one and skip the other, quit midway,
 * Ctrl+C, and view the resulting files.
 */
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { twoServices } from '../support/cli.js';
import { startCli } from '../support/pty.js';
import { readTree } from '../support/tree.js';

const PROMPT = 'Apply this setup';

describe('interactive review (pty)', () => {
  it('accepts one setup and skips the other; writes only the accepted one', async () => {
    const dir = twoServices();
    const before = readTree(dir);
    const s = startCli([], dir);
    await s.waitFor(PROMPT);
    expect(s.screen()).toContain('[1/2]');
    expect(s.screen()).toContain('+COPY --from=builder /go/src/github.com/alexellis/href-counter/app .');
    expect(readTree(dir)).toEqual(before);
    s.type('y\r');
    await s.waitFor(PROMPT, 2);
    expect(s.screen()).toContain('[2/2]');
    s.type('n\r');
    expect(await s.exit).toBe(0);
    const after = readTree(dir);
    expect(after['api/Dockerfile']).toContain('COPY --from=builder');
    expect(after['api/Dockerfile.build']).toBeUndefined();
    for (const f of ['worker/Dockerfile', 'worker/Dockerfile.build', 'worker/build.sh']) expect(after[f]).toBe(before[f]);
    expect(s.screen()).toMatch(/1 setup\(s\) migrated, 1 skipped, 0 refused/);
  });

  it('"all" applies the current and every remaining setup', async () => {
    const dir = twoServices();
    const s = startCli([], dir);
    await s.waitFor(PROMPT);
    s.type('a\r');
    expect(await s.exit).toBe(0);
    expect(fs.existsSync(path.join(dir, 'api/Dockerfile.build'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'worker/Dockerfile.build'))).toBe(false);
  });

  it('quitting midway writes nothing, even for setups already accepted (exit 130)', async () => {
    const dir = twoServices();
    const before = readTree(dir);
    const s = startCli([], dir);
    await s.waitFor(PROMPT);
    s.type('y\r');
    await s.waitFor(PROMPT, 2);
    s.type('q\r');
    expect(await s.exit).toBe(130);
    expect(readTree(dir)).toEqual(before);
    expect(s.screen()).toContain('nothing was written');
  });

  it('Ctrl+C writes nothing (exit 130)', async () => {
    const dir = twoServices();
    const before = readTree(dir);
    const s = startCli([], dir);
    await s.waitFor(PROMPT);
    s.type('y\r');
    await s.waitFor(PROMPT, 2);
    s.type('\x03');
    expect(await s.exit).toBe(130);
    expect(readTree(dir)).toEqual(before);
  });

  it('"view" shows the resulting files in full, then asks again', async () => {
    const dir = twoServices();
    const s = startCli([], dir);
    await s.waitFor(PROMPT);
    s.type('v\r');
    await s.waitFor('api/Dockerfile (after the change)');
    await s.waitFor('api/Dockerfile.build (deleted)');
    await s.waitFor(PROMPT, 2);
    s.type('q\r');
    expect(await s.exit).toBe(130);
  });
});
