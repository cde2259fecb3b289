/**
 * The review's pager: a text counts as shown only when $PAGER ends with status 0. A pager that
 * cannot start, is not found, fails or is killed may have shown nothing: the review prints the
 * text itself, says why, and does not start the pager again.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeColors } from '../../src/review/colors.js';
import { reviewUnits, type Pager } from '../../src/review/prompt.js';
import { terminalPager } from '../../src/review/terminal.js';
import { reviewUnits as unitsOf } from '../../src/review/units.js';
import { runRoot } from '../../src/pipeline.js';
import { exampleCopy } from '../support/cli.js';

const env = (PAGER: string) => ({ ...process.env, PAGER });

describe('terminalPager', () => {
  it('counts a text as shown only when the pager ends with status 0', () => {
    const seen = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msc-pager-')), 'seen');
    expect(terminalPager(env(`cat > ${seen}`))!('the diff\n')).toEqual({ shown: true });
    expect(fs.readFileSync(seen, 'utf8')).toBe('the diff\n');
    // Quitting early (not reading all of the text) is still showing it.
    expect(terminalPager(env('head -c 1 > /dev/null'))!('x'.repeat(1 << 20))).toEqual({ shown: true });
  });

  for (const [pager, why] of [
    ['false', /false\) exited with status 1, so it may have shown nothing/],
    ['exit 2', /exited with status 2/],
    ['no-such-pager-msc', /no-such-pager-msc\) was not found/],
    ['kill -9 $$', /was stopped by SIGKILL/],
  ] as const) {
    it(`a pager that fails (${pager}) shows nothing, says why once, and is not started again`, () => {
      const marks = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'msc-pager-')), 'marks');
      const page = terminalPager(env(`echo run >> ${marks}; ${pager}`))!;
      const first = page('the diff\n');
      expect(first.shown).toBe(false);
      expect(first.problem).toMatch(why);
      expect(page('the next diff\n')).toEqual({ shown: false });
      expect(fs.readFileSync(marks, 'utf8')).toBe('run\n');
    });
  }
});

describe('the review with a pager that failed', () => {
  it('prints the setup and the files viewed itself, after saying why, and never says "shown in the pager"', async () => {
    const run = runRoot(exampleCopy(), { stageName: 'builder' });
    const items = unitsOf(run.plan).map((unit) => ({ run, unit }));
    let out = '';
    const sink = { write: (s: string) => ((out += s), true) } as unknown as NodeJS.WritableStream;
    let calls = 0;
    const failing: Pager = () => (++calls === 1 ? { shown: false, problem: 'The pager (false) exited with status 1, so it may have shown nothing' } : { shown: false });
    const answers = ['v', 'n'];
    await reviewUnits(items, makeColors({ noColor: true, isTTY: false, env: {} }), sink, { ask: async () => answers.shift() ?? null }, failing);
    expect(calls).toBe(2);
    expect(out).toContain('The pager (false) exited with status 1');
    expect(out.indexOf('The pager (false)')).toBeLessThan(out.indexOf('diff --git a/Dockerfile b/Dockerfile'));
    expect(out).toContain('+COPY --from=builder');
    expect(out).toContain('Dockerfile (after the change)');
    expect(out).not.toContain('shown in the pager');
  });
});
