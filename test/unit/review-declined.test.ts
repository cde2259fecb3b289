import { describe, expect, it } from 'vitest';
import type { RootRun } from '../../src/pipeline.js';
import type { FileChange, Plan, SetupPlan } from '../../src/plan/index.js';
import { changeDifferences, settleDeclined, type SettleIo } from '../../src/review/declined.js';
import type { ReviewItem } from '../../src/review/prompt.js';

const setup = (id: string, status: 'migrate' | 'refused' = 'migrate'): SetupPlan => ({ id, script: id, status, diagnostics: status === 'refused' ? [{ code: 'RUNTIME_REBUILT', severity: 'error', message: 'rebuilt' }] : [] }) as unknown as SetupPlan;
const change = (path: string, after: string | null, setups: string[]): FileChange => ({ path, action: after === null ? 'delete' : 'update', before: 'x', after, setups });

function io(plans: Plan[], answers: ((items: ReviewItem[]) => ReviewItem[])[]) {
  const told: string[] = [];
  const asked: string[][] = [];
  const declinedSeen: string[][] = [];
  const s: SettleIo = {
    planAgain: (_run, declined) => {
      declinedSeen.push([...declined].sort());
      return plans.shift()!;
    },
    ask: async (items) => {
      asked.push(items.flatMap((i) => i.unit.setups.map((x) => x.id)));
      return { accepted: answers.shift()!(items), quit: false };
    },
    tell: (t) => told.push(t),
    shown: (_run, rel) => rel,
  };
  return { s, told, asked, declinedSeen };
}

describe('settleDeclined', () => {
  it('keeps the plan and asks nothing when nothing is declined', async () => {
    const a = setup('a');
    const run = { plan: { setups: [a], changes: [change('a/D', 'new', ['a'])], diagnostics: [] } } as unknown as RootRun;
    const t = io([], []);
    expect([...(await settleDeclined([run], new Set([a]), t.s))]).toEqual([a]);
    expect(t.declinedSeen).toEqual([]);
  });

  it('writes the new plan without asking when the accepted changes are the same', async () => {
    const a = setup('a'), b = setup('b');
    const run = { plan: { setups: [a, b], changes: [change('a/D', 'new', ['a']), change('b/D', 'B', ['b'])], diagnostics: [] } } as unknown as RootRun;
    const a2 = setup('a');
    const again: Plan = { setups: [a2, setup('b', 'refused')], changes: [change('a/D', 'new', ['a'])], diagnostics: [] };
    const t = io([again], []);
    const out = await settleDeclined([run], new Set([a]), t.s);
    expect([...out]).toEqual([a2]);
    expect(t.declinedSeen).toEqual([['b']]);
    expect(t.asked).toEqual([]);
    // The declined setup keeps its first plan (reported skipped), without changes.
    expect(run.plan.setups[1]).toBe(b);
    expect(run.plan.changes.map((c) => c.path)).toEqual(['a/D']);
  });

  it('an accepted setup the new plan refuses is said so, left out, and the rest planned again without it', async () => {
    const a = setup('a'), b = setup('b'), c = setup('c');
    const run = { plan: { setups: [a, b, c], changes: [change('a/D', 'A', ['a']), change('b/D', 'B', ['b']), change('c/D', 'C', ['c'])], diagnostics: [] } } as unknown as RootRun;
    const first: Plan = { setups: [setup('a', 'refused'), setup('b'), setup('c', 'refused')], changes: [change('b/D', 'B', ['b'])], diagnostics: [] };
    const b3 = setup('b');
    const second: Plan = { setups: [setup('a', 'refused'), b3, setup('c', 'refused')], changes: [change('b/D', 'B', ['b'])], diagnostics: [] };
    const t = io([first, second], []);
    const out = await settleDeclined([run], new Set([a, b]), t.s);
    expect(t.told.join('\n')).toContain('a is not written: with the setups declined left as they are, it is refused (RUNTIME_REBUILT: rebuilt)');
    expect(t.declinedSeen).toEqual([['c'], ['a', 'c']]);
    expect([...out]).toEqual([b3]);
    expect(run.plan.setups[0]!.status).toBe('refused');
  });

  it('asks again about a changed setup until the plan written is the one accepted', async () => {
    const a = setup('a'), b = setup('b');
    const run = { plan: { setups: [a, b], changes: [change('a/D', 'A', ['a']), change('b/D', null, ['b'])], diagnostics: [] } } as unknown as RootRun;
    const b2 = setup('b');
    const changed: Plan = { setups: [setup('a', 'refused'), b2], changes: [change('b/D', 'kept', ['b'])], diagnostics: [] };
    const b3 = setup('b');
    const same: Plan = { setups: [setup('a', 'refused'), b3], changes: [change('b/D', 'kept', ['b'])], diagnostics: [] };
    const t = io([changed, same], [(items) => items]);
    const out = await settleDeclined([run], new Set([b]), t.s);
    expect(t.asked).toEqual([['b']]);
    expect(t.told.join('\n')).toContain('b: b/D is changed differently');
    expect([...out]).toEqual([b3]);
    expect(run.plan.changes).toEqual(same.changes);
  });

  it('declined when asked again, nothing of the root is written', async () => {
    const a = setup('a'), b = setup('b');
    const run = { plan: { setups: [a, b], changes: [change('a/D', 'A', ['a']), change('b/D', null, ['b'])], diagnostics: [] } } as unknown as RootRun;
    const changed: Plan = { setups: [setup('a', 'refused'), setup('b')], changes: [change('b/D', 'kept', ['b'])], diagnostics: [] };
    const t = io([changed], [() => []]);
    expect((await settleDeclined([run], new Set([b]), t.s)).size).toBe(0);
    expect(run.plan.setups).toEqual([a, b]);
  });
});

describe('changeDifferences', () => {
  it('names each file that is no longer, now, or differently changed', () => {
    const was = new Map([['x', change('x', null, ['s'])], ['y', change('y', 'Y', ['s'])], ['z', change('z', 'Z', ['s'])]]);
    const now = new Map([['y', change('y', 'Y2', ['s'])], ['z', change('z', 'Z', ['s'])], ['w', change('w', 'W', ['s'])]]);
    expect(changeDifferences(was, now)).toEqual([
      { path: 'w', what: 'is now also changed' },
      { path: 'x', what: 'is no longer deleted' },
      { path: 'y', what: 'is changed differently' },
    ]);
    expect(changeDifferences(was, was)).toEqual([]);
  });
});
