/**
 * The interactive review through a real pseudo-terminal: keys typed, screen read.
 * Two setups (services api and worker): explicit answers only (no default), full words,
 * Backspace, help, quit keeping what was accepted, Ctrl+C writing nothing, view, the pager,
 * and a run piped into a pager.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { twoServices } from '../support/cli.js';
import { startCli, startShell } from '../support/pty.js';
import { copyToTemp, FIXTURES, readTree } from '../support/tree.js';

const PROMPT = 'Apply this setup (3 file changes) [y,n,a,q,v,?]?';
const NO_PAGER = ['--no-pager'];

describe('interactive review (pty)', () => {
  it('accepts one setup and skips the other; writes only the accepted one', async () => {
    const dir = twoServices();
    const before = readTree(dir);
    const s = startCli(NO_PAGER, dir);
    await s.waitForPrompt(PROMPT);
    expect(s.screen()).toContain('[1/2]');
    expect(s.screen()).toContain('+COPY --from=builder --chown=0:0 /go/src/github.com/alexellis/href-counter/app .');
    expect(readTree(dir)).toEqual(before);
    s.type('y\r');
    await s.waitForPrompt(PROMPT, 2);
    expect(s.screen()).toContain('[2/2]');
    s.type('n\r');
    expect(await s.exit).toBe(0);
    const after = readTree(dir);
    expect(after['api/Dockerfile']).toContain('COPY --from=builder');
    expect(after['api/Dockerfile.build']).toBeUndefined();
    for (const f of ['worker/Dockerfile', 'worker/Dockerfile.build', 'worker/build.sh']) expect(after[f]).toBe(before[f]);
    expect(s.screen()).toMatch(/1 setup\(s\) migrated, 1 skipped, 0 refused/);
  });

  it('Enter alone is no answer: it says so and asks again, writing nothing', async () => {
    const dir = twoServices();
    const before = readTree(dir);
    const s = startCli(NO_PAGER, dir);
    await s.waitForPrompt(PROMPT);
    s.type('\r');
    await s.waitFor('Enter alone does nothing: there is no default.');
    await s.waitForPrompt(PROMPT, 2);
    expect(s.screen()).not.toContain('[2/2]');
    expect(readTree(dir)).toEqual(before);
    s.type('\x03');
    expect(await s.exit).toBe(130);
    expect(readTree(dir)).toEqual(before);
  });

  it('takes yes and no typed in full', async () => {
    const dir = twoServices();
    const before = readTree(dir);
    const s = startCli(NO_PAGER, dir);
    await s.waitForPrompt(PROMPT);
    s.type('yes\r');
    await s.waitForPrompt(PROMPT, 2);
    s.type('NO\r');
    expect(await s.exit).toBe(0);
    const after = readTree(dir);
    expect(after['api/Dockerfile.build']).toBeUndefined();
    expect(after['worker/Dockerfile.build']).toBe(before['worker/Dockerfile.build']);
  });

  it('Backspace edits the answer: "x", Backspace, Enter asks again; "nx", Backspace, Backspace, "y", Enter is yes', async () => {
    const dir = twoServices();
    const before = readTree(dir);
    const s = startCli(NO_PAGER, dir);
    await s.waitForPrompt(PROMPT);
    s.type('x\x7f\r');
    await s.waitFor('Enter alone does nothing');
    await s.waitForPrompt(PROMPT, 2);
    expect(readTree(dir)).toEqual(before);
    s.type('nx\x7f\x7fy\r');
    await s.waitFor('[2/2]');
    await s.waitForPrompt(PROMPT, 3);
    s.type('n\r');
    expect(await s.exit).toBe(0);
    expect(readTree(dir)['api/Dockerfile.build']).toBeUndefined();
    expect(readTree(dir)['worker/Dockerfile.build']).toBe(before['worker/Dockerfile.build']);
  });

  it('an unknown answer is named and asked again; ? prints what each key does', async () => {
    const dir = twoServices();
    const s = startCli(NO_PAGER, dir);
    await s.waitForPrompt(PROMPT);
    s.type('maybe\r');
    await s.waitFor('"maybe" is not an answer');
    await s.waitForPrompt(PROMPT, 2);
    s.type('?\r');
    for (const line of ['y - yes', 'n - no', 'a - all', 'q - quit: stop here; write the setups accepted so far', 'v - view', '? - print this help', 'Ctrl+C stops at once and writes nothing']) await s.waitFor(line);
    await s.waitForPrompt(PROMPT, 3);
    s.type('\x03');
    expect(await s.exit).toBe(130);
  });

  it('"all" applies the current and every remaining setup', async () => {
    const dir = twoServices();
    const s = startCli(NO_PAGER, dir);
    await s.waitForPrompt(PROMPT);
    s.type('a\r');
    expect(await s.exit).toBe(0);
    expect(fs.existsSync(path.join(dir, 'api/Dockerfile.build'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'worker/Dockerfile.build'))).toBe(false);
  });

  it('q writes the setups accepted so far, says so first, and leaves the rest (exit 0)', async () => {
    const dir = twoServices();
    const before = readTree(dir);
    const s = startCli(NO_PAGER, dir);
    await s.waitForPrompt(PROMPT);
    s.type('y\r');
    await s.waitForPrompt(PROMPT, 2);
    s.type('q\r');
    expect(await s.exit).toBe(0);
    const screen = s.screen();
    expect(screen).toContain('Quit: writing the 1 setup(s) accepted so far (api/build.sh:4); the rest are left as they are.');
    expect(screen.indexOf('Quit: writing')).toBeLessThan(screen.indexOf('updated api/Dockerfile'));
    const after = readTree(dir);
    expect(after['api/Dockerfile.build']).toBeUndefined();
    for (const f of ['worker/Dockerfile', 'worker/Dockerfile.build', 'worker/build.sh']) expect(after[f]).toBe(before[f]);
  });

  it('q before accepting anything writes nothing and says so', async () => {
    const dir = twoServices();
    const before = readTree(dir);
    const s = startCli(NO_PAGER, dir);
    await s.waitForPrompt(PROMPT);
    s.type('q\r');
    expect(await s.exit).toBe(0);
    expect(s.screen()).toContain('Quit: nothing was accepted, so nothing is written.');
    expect(readTree(dir)).toEqual(before);
  });

  it('Ctrl+C writes nothing, even for setups already accepted (exit 130)', async () => {
    const dir = twoServices();
    const before = readTree(dir);
    const s = startCli(NO_PAGER, dir);
    await s.waitForPrompt(PROMPT);
    s.type('y\r');
    await s.waitForPrompt(PROMPT, 2);
    s.type('\x03');
    expect(await s.exit).toBe(130);
    expect(s.screen()).toContain('Interrupted: nothing was written.');
    expect(readTree(dir)).toEqual(before);
  });

  it('"view" shows the resulting files in full, then asks again', async () => {
    const dir = twoServices();
    const s = startCli(NO_PAGER, dir);
    await s.waitForPrompt(PROMPT);
    s.type('v\r');
    await s.waitFor('api/Dockerfile (after the change)');
    await s.waitFor('api/Dockerfile.build (deleted)');
    await s.waitForPrompt(PROMPT, 2);
    s.type('\x03');
    expect(await s.exit).toBe(130);
  });

  it('builders merged into one Dockerfile are one question, each diff shown once', async () => {
    const dir = copyToTemp(path.join(FIXTURES, 'shared-base', 'before'));
    const s = startCli(NO_PAGER, dir);
    await s.waitFor('Apply these 2 setups (4 file changes) [y,n,a,q,v,?]?');
    const screen = s.screen();
    expect(screen).toContain('[1/1]');
    expect(screen).toContain('These 2 setups change the same files, so they are reviewed together.');
    for (const header of screen.match(/^diff --git .*$/gm) ?? []) expect(screen.split(header).length - 1, header).toBe(1);
    s.type('y\r');
    expect(await s.exit).toBe(0);
    expect(readTree(dir)).toEqual(readTree(path.join(FIXTURES, 'shared-base', 'after')));
  });

  it('pages each setup through $PAGER (less), then asks with the prompt on screen', async () => {
    const dir = twoServices();
    // LESS without F: less waits for q even when the diff fits on the screen.
    const s = startCli([], dir, { LESS: 'R', PAGER: 'less' });
    // The 40-row screen holds the start of the setup; less waits at its own prompt (G: to the end).
    await s.waitFor('diff --git a/api/Dockerfile.build');
    expect(s.screen()).not.toContain(PROMPT);
    s.type('G');
    await s.waitFor('(END)');
    expect(s.screen()).not.toContain(PROMPT);
    s.type('q');
    await s.waitForPrompt(PROMPT);
    const screen = s.screen();
    expect(screen).toContain('[1/2] api/build.sh:4 (shown in the pager)');
    expect(screen.lastIndexOf(PROMPT)).toBeGreaterThan(screen.lastIndexOf('(END)'));
    s.type('n\r');
    await s.waitFor('diff --git a/worker/Dockerfile.build');
    s.type('q');
    await s.waitForPrompt(PROMPT, 2);
    s.type('n\r');
    expect(await s.exit).toBe(0);
  });

  it('--no-pager prints the diff instead of starting the pager', async () => {
    const dir = twoServices();
    const s = startCli(['--no-pager'], dir, { LESS: 'R', PAGER: 'less' });
    await s.waitForPrompt(PROMPT);
    expect(s.screen()).not.toContain('(END)');
    expect(s.screen()).toContain('+COPY --from=builder');
    s.type('\x03');
    expect(await s.exit).toBe(130);
  });

  it('a $PAGER that fails does not count as shown: the diff is printed, with why, and the pager is not tried again', async () => {
    const dir = twoServices();
    const s = startCli([], dir, { PAGER: 'false' });
    await s.waitForPrompt(PROMPT);
    expect(s.screen()).toContain('The pager (false) exited with status 1, so it may have shown nothing');
    expect(s.screen()).toContain('diff --git a/api/Dockerfile.build');
    expect(s.screen()).not.toContain('shown in the pager');
    s.type('n\r');
    await s.waitForPrompt(PROMPT, 2);
    expect(s.screen()).toContain('diff --git a/worker/Dockerfile.build');
    expect(s.screen().split('The pager (false)').length - 1).toBe(1);
    s.type('n\r');
    expect(await s.exit).toBe(0);
  });

  it('colours a terminal, not TERM=dumb (no colour, no progress line redrawn) unless FORCE_COLOR, and not stderr sent to a file', async () => {
    const SGR = /\x1b\[[0-9;]*m/;
    const run = async (env: Record<string, string>, line = '"$NODE" "$BIN" --dry-run') => {
      const s = startShell(`${line}; echo "-- ended --"; sleep 1`, twoServices(), { NO_COLOR: '', ...env });
      await s.waitFor('-- ended --');
      await s.exit;
      return s.raw();
    };
    expect(await run({ TERM: 'xterm' })).toMatch(SGR);
    const dumb = await run({ TERM: 'dumb' });
    expect(dumb).toContain('+COPY --from=builder');
    expect(dumb).not.toMatch(/\x1b\[/);
    expect(await run({ TERM: 'dumb', FORCE_COLOR: '1' })).toMatch(SGR);
    // --yes outside git warns NOT_IN_GIT on stderr: into a file, without escapes; the terminal still gets colours.
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-err-'));
    const both = await run({ TERM: 'xterm', ERR: path.join(dir, 'err') }, '"$NODE" "$BIN" --yes 2> "$ERR"');
    expect(both).toMatch(SGR);
    const err = fs.readFileSync(path.join(dir, 'err'), 'utf8');
    expect(err).toContain('warning NOT_IN_GIT');
    expect(err).not.toMatch(/\x1b/);
  });

  it('piped into a pager (stdout not a terminal), it says how to page the review instead', async () => {
    const dir = twoServices();
    const before = readTree(dir);
    // The line after the run, and the pause, keep the terminal open until all of the run's
    // output has been read: what a pty holds when its last process exits may be dropped.
    const s = startShell('"$NODE" "$BIN" | cat; echo "-- the piped run ended --"; sleep 1', dir);
    await s.waitFor('-- the piped run ended --');
    await s.exit;
    expect(s.screen()).toContain('The review asks on a terminal, so it is off while the output is piped.');
    expect(s.screen()).toContain('FORCE_COLOR=1 multistage-codemod --dry-run | less -R');
    expect(readTree(dir)).toEqual(before);
  });
});
