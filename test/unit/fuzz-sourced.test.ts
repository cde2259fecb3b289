/**
 * The fuzzer's sourced file (test/fuzz/sourced-features.ts): drawn only for a sh or bash script,
 * `trap` and `cleanup` only where the script has that trap or removal to move; the file holds
 * the line the script no longer has, the script and the file still pass `sh -n` / `bash -n`, the
 * two that keep naming the removed container must be refused, and `none` writes what was
 * written before.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generate, normalize, type RepoSpec } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';
import { DROP, LIB, SOURCE_LINE, sourcedRefusal } from '../fuzz/sourced-features.js';

const files = (s: RepoSpec) => render(s).files;
const script = (s: RepoSpec) => files(s).find((f) => /(^|\/)build\.sh$/.test(f.path))!.content;
const lib = (s: RepoSpec) => files(s).find((f) => f.path === LIB)?.content ?? null;

describe('fuzz: a file the script sources', () => {
  const drawn = Array.from({ length: 1500 }, (_, k) => generate(200000 + k)).filter((s) => s.sourcedLib !== 'none');

  it('is drawn in each form, only for a sh or bash script', () => {
    for (const form of ['settings', 'trap', 'cleanup']) expect(drawn.filter((s) => s.sourcedLib === form).length, form).toBeGreaterThan(3);
    for (const s of drawn) expect([s.runner, s.driver === 'sh' || s.driver === 'bash'], `seed ${s.seed}`).toEqual(['script', true]);
    expect(normalize({ ...drawn[0]!, driver: 'make' }).sourcedLib).toBe('none');
    expect(normalize({ ...drawn[0]!, sourcedLib: 'trap', trapCleanup: false }).sourcedLib).toBe('settings');
  });

  it('moves the trap or the removal into the file, sources it, and both still parse', () => {
    for (const s of drawn) {
      const text = script(s);
      const held = lib(s)!;
      expect(text, `seed ${s.seed}`).toContain(SOURCE_LINE);
      if (s.sourcedLib === 'trap') expect([held, text.includes('trap ')], `seed ${s.seed}`).toEqual([expect.stringMatching(/^trap 'docker rm -f .* EXIT$/m), false]);
      if (s.sourcedLib === 'cleanup') expect([held, text.split('\n').some((l) => l.trim() === DROP || l.trim().endsWith(` ${DROP}`))], `seed ${s.seed}`).toEqual([expect.stringMatching(new RegExp(`^${DROP}\\(\\) \\{\\n  .*docker (container )?rm `, 'm')), true]);
      for (const t of [text, held]) expect(spawnSync(s.driver, ['-n'], { input: t }).status, `seed ${s.seed}`).toBe(0);
      // (another feature's refusal may come first: the holder must be refused all the same)
      if (s.sourcedLib !== 'settings') expect(render(s).refuseWith, `seed ${s.seed}`).toBeTruthy();
      expect(sourcedRefusal(s), `seed ${s.seed}`).toBe(s.sourcedLib === 'settings' ? null : 'REMOVED_NAME_USED');
    }
  });

  it('writes what was written before when the draw is none', () => {
    for (const s of drawn.slice(0, 20)) {
      const none = normalize({ ...s, sourcedLib: 'none' });
      expect(lib(none), `seed ${s.seed}`).toBeNull();
      expect(script(none), `seed ${s.seed}`).not.toContain(SOURCE_LINE);
    }
  });
});
