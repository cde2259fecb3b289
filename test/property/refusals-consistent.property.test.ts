/**
 * A refused setup's files stay as they are, so the other setups of its root must be planned for
 * a tree where they do. A refusal can come late (after the others were drafted: a shared
 * runtime Dockerfile, a runtime rebuilt by a refused sharer), and the review plans again with
 * declined setups refused from the start (src/review/declined.ts): both rest on the plan being
 * the same either way. Checked over every fixture and over trees made of three fixtures side by
 * side (their scripts name the same tags, Dockerfile names and folders, so the setups meet):
 * planning again with the refused setups declined from the start changes no other setup, and a
 * refused setup has no change of its own in the plan.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRoot } from '../../src/pipeline.js';
import { planMigration } from '../../src/plan/index.js';
import { changeDifferences, changesFor } from '../../src/review/declined.js';
import { FIXTURES } from '../support/tree.js';

const TREES = Number(process.env.PROPERTY_RUNS ?? 100);

function differences(dir: string): string[] {
  const run = runRoot(dir, { stageName: 'builder' });
  const refused = run.plan.setups.filter((s) => s.status === 'refused').map((s) => s.id);
  if (refused.length === 0 || refused.length === run.plan.setups.length) return [];
  const again = planMigration(run.analysis, run.fs, { stageName: 'builder', declined: new Set(refused) });
  return run.plan.setups.flatMap((s) => {
    // A refused setup writes nothing either way; every other is planned the same.
    if (s.status !== 'migrate') return changesFor(run.plan, s.id).size > 0 ? [`${s.id}: refused, yet changes ${[...changesFor(run.plan, s.id).keys()].join(', ')}`] : [];
    const now = again.setups.find((x) => x.id === s.id)!;
    if (now.status !== 'migrate') return [`${s.id}: refused (${now.diagnostics.map((d) => d.code).join(', ')})`];
    return changeDifferences(changesFor(run.plan, s.id), changesFor(again, s.id)).map((d) => `${s.id}: ${d.path} ${d.what}`);
  });
}

describe('refusals are consistent', () => {
  const names = fs.readdirSync(FIXTURES).filter((n) => fs.existsSync(path.join(FIXTURES, n, 'before')));

  it('in every fixture', () => {
    const found = names.flatMap((n) => differences(path.join(FIXTURES, n, 'before')).map((d) => `${n}: ${d}`));
    expect(found).toEqual([]);
  }, 300_000);

  it(`in ${TREES} trees of three fixtures side by side`, () => {
    let seed = 11;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const found: string[] = [];
    let met = 0;
    for (let i = 0; i < TREES; i++) {
      const picks = [0, 1, 2].map(() => names[Math.floor(next() * names.length)]!);
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-three-'));
      picks.forEach((n, k) => fs.cpSync(path.join(FIXTURES, n, 'before'), path.join(dir, 'abc'[k]!), { recursive: true }));
      const run = runRoot(dir, { stageName: 'builder' });
      if (run.plan.setups.some((s) => s.status === 'refused') && run.plan.setups.some((s) => s.status === 'migrate')) met++;
      found.push(...differences(dir).map((d) => `${picks.join(' + ')}: ${d}`));
      fs.rmSync(dir, { recursive: true, force: true });
    }
    expect(found).toEqual([]);
    // The trees do hold refused setups beside migrating ones (else the check checks nothing).
    expect(met).toBeGreaterThan(TREES / 4);
  }, 600_000);
});
