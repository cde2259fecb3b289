/**
 * The fuzzer's Makefile variable set on make's command line (test/fuzz/make-override-features.ts):
 * the script that runs the image target passes `IMAGE=APP:ci` or `BUILDER=APP:ci-build`, the
 * Makefile defines that variable itself, and the trial compares the image under the tag given;
 * `none` writes what was written before.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, normalize, type RepoSpec } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';
import { writeRepo } from '../fuzz/run-seed.js';

const file = (s: RepoSpec, p: RegExp) => render(s).files.find((f) => p.test(f.path))?.content ?? '';
const caller = (s: RepoSpec) => file(s, /^(ci\.sh|ci\/image\.sh)$/);

describe('fuzz: a Makefile variable set on make\'s command line', () => {
  const drawn = Array.from({ length: 3000 }, (_, k) => generate(172000 + k)).filter((s) => s.makeOverride !== 'none');

  it('is drawn in both forms, only where a script runs a Makefile whose names are variables', () => {
    expect(new Set(drawn.map((s) => s.makeOverride))).toEqual(new Set(['image', 'builder']));
    for (const s of drawn) expect([s.runner, s.driver, s.toolCaller === 'none', s.vars === 'none'], `seed ${s.seed}`).toEqual(['script', 'make', false, false]);
    const one = drawn.find((s) => s.makeOverride === 'builder')!;
    expect(normalize({ ...one, tagUse: 'script' }).makeOverride).toBe('image');
    expect(normalize({ ...one, toolCaller: 'none' }).makeOverride).toBe('none');
  });

  it('passes the variable the Makefile defines, and compares the image under the tag given', () => {
    for (const s of drawn) {
      const name = s.makeOverride === 'image' ? 'IMAGE' : 'BUILDER';
      expect(caller(s), `seed ${s.seed}`).toMatch(new RegExp(`^make (-C \\.\\. )?image ${name}=${s.app}:ci(-build)?$`, 'm'));
      expect(file(s, /^Makefile$/), `seed ${s.seed}`).toMatch(new RegExp(`^(export )?${name} (:|\\?)= `, 'm'));
      expect(render(s).finalTags[0], `seed ${s.seed}`).toBe(s.makeOverride === 'image' ? `${s.app}:ci` : `${s.app}:latest`);
    }
    // make itself gives the command line's value to the recipe
    const s = drawn.find((x) => x.makeOverride === 'image' && x.toolCaller === 'root')!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-fuzz-override-'));
    try {
      writeRepo(dir, render(s));
      const r = spawnSync('make', ['-n', 'image', `IMAGE=${s.app}:ci`], { cwd: dir, encoding: 'utf8' });
      expect(r.stdout, `seed ${s.seed}`).toMatch(new RegExp(`docker build (\\S+ )*-t ${s.app}:ci \\.`));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes what was written before when the draw is none', () => {
    for (const s of drawn.slice(0, 20)) {
      const plain = normalize({ ...s, makeOverride: 'none' });
      expect(caller(plain), `seed ${s.seed}`).toMatch(/image\n$/);
      expect(render(plain).finalTags[0]).toBe(`${s.app}:latest`);
    }
  });
});
