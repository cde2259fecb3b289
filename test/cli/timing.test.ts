/**
 * MULTISTAGE_CODEMOD_TIMING=1 prints the time of each phase on stderr when the run ends, and
 * leaves stdout (the --json report) alone. No timing is asserted: only which phases are listed.
 */
import { describe, expect, it } from 'vitest';
import { PhaseTimes } from '../../src/model/timing.js';
import { exampleCopy, runCli } from '../support/cli.js';

const phaseLine = (name: string) => new RegExp(`^  ${name} +\\d+\\.\\d{3} s`, 'm');

describe('MULTISTAGE_CODEMOD_TIMING', () => {
  it('=1 lists discover, analyze, plan, review and apply, then the total and peak RSS, on stderr', () => {
    const dir = exampleCopy();
    const r = runCli(['.', '--dry-run', '--json'], dir, { MULTISTAGE_CODEMOD_TIMING: '1' });
    expect(r.code, r.stderr).toBe(0);
    expect(JSON.parse(r.stdout).setups).toHaveLength(1);
    expect(r.stderr).toContain('timing (MULTISTAGE_CODEMOD_TIMING=1):');
    for (const p of ['discover', 'analyze', 'plan', 'review', 'apply', 'other']) expect(r.stderr).toMatch(phaseLine(p));
    expect(r.stderr).not.toMatch(phaseLine('verify'));
    expect(r.stderr).toMatch(/^ {2}total +\d+\.\d{3} s {2}peak RSS \d+ MiB$/m);
    const order = ['discover', 'analyze', 'plan', 'review', 'apply'].map((p) => r.stderr.search(phaseLine(p)));
    expect(order).toEqual([...order].sort((a, b) => a - b));
  });

  it('is off without the variable and with 0', () => {
    const envs: Record<string, string>[] = [{}, { MULTISTAGE_CODEMOD_TIMING: '0' }];
    for (const env of envs) {
      const r = runCli(['.', '--dry-run'], exampleCopy(), env);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stderr).not.toContain('timing');
    }
  });

  it('sums a phase measured several times (once per root) and keeps the phase order', () => {
    const t = new PhaseTimes();
    expect(t.time('plan', () => 7)).toBe(7);
    const stop = t.start('discover');
    stop();
    t.time('plan', () => undefined);
    const lines = t.report(2048).split('\n');
    expect(lines[0]).toBe('timing (MULTISTAGE_CODEMOD_TIMING=1):');
    expect(lines.slice(1, 3).map((l) => l.trim().split(/ +/)[0])).toEqual(['discover', 'plan']);
    expect(lines.filter((l) => l.trim().startsWith('plan'))).toHaveLength(1);
    expect(lines.at(-2)).toMatch(/peak RSS 2 MiB$/);
    t.note("a note");
    t.note("a note");
    expect(t.report(2048).split("\n").slice(-3)).toEqual([expect.stringMatching(/peak RSS 2 MiB$/), "  a note", ""]);
    expect(() => t.time('analyze', () => {
      throw new Error('boom');
    })).toThrow('boom');
    expect(t.report()).toMatch(phaseLine('analyze'));
  });
});
