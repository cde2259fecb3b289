/**
 * Once nothing will plan a root again, the CLI lets its analysis go (src/pipeline.ts
 * releaseAnalysis): the plan stays whole, nothing else keeps the analysis alive, and asking for
 * it afterwards fails loudly instead of reading an empty tree.
 */
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { describe, expect, it } from 'vitest';
import { releaseAnalysis, runRoot } from '../../src/pipeline.js';

v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc') as () => void;

const FIXTURE = path.join(import.meta.dirname, '../../fixtures/href-counter/before');

describe('releaseAnalysis', () => {
  it('keeps the plan, and the released analysis is collected', async () => {
    const run = runRoot(FIXTURE, { stageName: 'builder' });
    const plan = JSON.stringify(run.plan);
    expect(run.plan.setups.map((s) => s.status)).toEqual(['migrate']);
    const analysis = new WeakRef(run.analysis);
    releaseAnalysis(run);
    expect(JSON.stringify(run.plan)).toBe(plan);
    // A WeakRef's target lives until the current job ends: collect in a later one.
    await new Promise((r) => setTimeout(r, 0));
    gc();
    expect(analysis.deref()).toBeUndefined();
  });

  it('asking for the analysis after the release is an internal error', () => {
    const run = runRoot(FIXTURE, { stageName: 'builder' });
    releaseAnalysis(run);
    expect(() => run.analysis).toThrow(/internal error: the analysis of .* was asked for after it was released/);
  });
});
