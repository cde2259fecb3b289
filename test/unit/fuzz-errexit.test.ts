/**
 * The fuzzer's scripts without errexit (test/fuzz/errexit-features.ts): drawn only for a sh or
 * bash script, whose `set` line then keeps its other options (or goes), the scripts still pass
 * `sh -n` / `bash -n`; `on` writes what was written before.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generate, normalize, type RepoSpec } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';

const script = (s: RepoSpec) => render(s).files.find((f) => /(^|\/)build\.sh$/.test(f.path))!.content;
const setLines = (text: string) => text.split('\n').filter((l) => /^set /.test(l));

describe('fuzz: a script without errexit', () => {
  const drawn = Array.from({ length: 600 }, (_, k) => generate(190000 + k)).filter((s) => s.errexit === 'off');

  it('is drawn, only for a sh or bash script', () => {
    expect(drawn.length).toBeGreaterThan(20);
    for (const s of drawn) expect([s.runner, s.driver === 'sh' || s.driver === 'bash'], `seed ${s.seed}`).toEqual(['script', true]);
    expect(normalize({ ...drawn[0]!, driver: 'make' }).errexit).toBe('on');
    expect(normalize({ ...drawn[0]!, runner: 'gitlab' }).errexit).toBe('on');
  });

  it('writes the set line without -e, keeping the other options, and the script still parses', () => {
    const want = { e: [], eu: ['set -u'], euo: ['set -uo pipefail'] };
    const seen = new Set<string>();
    for (const s of drawn) {
      const text = script(s);
      expect(setLines(text), `seed ${s.seed}`).toEqual(want[s.shellOpts]);
      seen.add(s.shellOpts);
      expect(spawnSync(s.driver, ['-n'], { input: text }).status, `seed ${s.seed}`).toBe(0);
    }
    expect(seen.size).toBeGreaterThan(1);
  });

  it('writes what was written before when the draw is on', () => {
    for (const s of drawn.slice(0, 20)) {
      const on = script(normalize({ ...s, errexit: 'on' }));
      expect(setLines(on)[0], `seed ${s.seed}`).toBe(`set -${s.shellOpts === 'euo' ? 'euo pipefail' : s.shellOpts}`);
      // the same script but for that one line
      const off = script(s).split('\n');
      const lines = on.split('\n');
      const at = lines.findIndex((l) => /^set /.test(l));
      expect([...lines.slice(0, at), ...(s.shellOpts === 'e' ? [] : [off[at]!]), ...lines.slice(at + 1)], `seed ${s.seed}`).toEqual(off);
    }
  });
});
