/**
 * The fuzzer's pipeline inside a shell function (test/fuzz/function-features.ts): the body holds
 * the commands, the calls follow it, the variables and the `clean` branch stay at the top, the
 * scripts pass `sh -n` / `bash -n`; `none` writes what was written before.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generate, normalize, type RepoSpec } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';

const script = (s: RepoSpec) => render(s).files.find((f) => /(^|\/)build\.sh$/.test(f.path))!.content;

describe('fuzz: the pipeline inside a shell function', () => {
  const drawn = Array.from({ length: 600 }, (_, k) => generate(170000 + k)).filter((s) => s.scriptFunction !== 'none');

  it('is drawn, in both forms, only for a sh or bash script', () => {
    expect(new Set(drawn.map((s) => s.scriptFunction))).toEqual(new Set(['once', 'twice']));
    for (const s of drawn) expect([s.runner, s.driver === 'sh' || s.driver === 'bash'], `seed ${s.seed}`).toEqual(['script', true]);
    expect(normalize({ ...drawn[0]!, driver: 'make' }).scriptFunction).toBe('none');
    expect(normalize({ ...drawn[0]!, scriptFunction: 'twice', trapCleanup: true, extraction: 'create-cp' }).scriptFunction).toBe('once');
    expect(normalize({ ...drawn[0]!, scriptFunction: 'twice', trapCleanup: false, imageUse: 'save-runtime' }).scriptFunction).toBe('once');
    expect(normalize({ ...drawn[0]!, scriptFunction: 'twice', trapCleanup: false, imageUse: 'none' }).scriptFunction).toBe('twice');
  });

  it('defines the function around the docker commands, then calls it once or twice', () => {
    for (const s of drawn) {
      const text = script(s);
      const name = `build_${s.app}`;
      const open = text.indexOf(`\n${name}() {\n`);
      const close = text.indexOf('\n}\n', open);
      expect(open, `seed ${s.seed}`).toBeGreaterThan(0);
      // every docker build of the pipeline is in the body; what follows it is the calls alone
      expect(text.slice(0, open), `seed ${s.seed}`).not.toMatch(/docker build/);
      expect(text.slice(open, close), `seed ${s.seed}`).toMatch(/\n {2}(\S+ )*docker build /);
      const calls = text.slice(close + 3).trim().split('\n');
      expect(calls, `seed ${s.seed}`).toEqual(Array(s.scriptFunction === 'twice' ? 2 : 1).fill(`${name} "$@"`));
      expect(spawnSync(s.driver, ['-n'], { input: text }).status, `seed ${s.seed}`).toBe(0);
    }
  });

  it('writes what was written before when the draw is none', () => {
    for (const s of drawn.slice(0, 20)) {
      const plain = script(normalize({ ...s, scriptFunction: 'none' }));
      expect(plain, `seed ${s.seed}`).not.toContain(`build_${s.app}`);
      // the body, each command's first line back at the margin, where the function stood
      const text = script(s);
      const head = `\nbuild_${s.app}() {\n`;
      const open = text.indexOf(head);
      const body = text.slice(open + head.length, text.indexOf('\n}\n', open)).replace(/^ {2}/gm, '');
      expect(`${text.slice(0, open + 1)}${body}\n`, `seed ${s.seed}`).toBe(plain);
    }
  });
});
