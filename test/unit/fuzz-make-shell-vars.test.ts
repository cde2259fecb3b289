/**
 * The fuzzer's Makefile variables read by the recipes' shell (test/fuzz/make-shell-var-features.ts):
 * `exported` writes each definition with `export` and the builder's tag and the container's name
 * as `$${NAME}`, which make's real run expands to the same values; `none` writes what was
 * written before.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { generate, normalize, type RepoSpec } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';
import { writeRepo } from '../fuzz/run-seed.js';

const makefile = (s: RepoSpec) => render(s).files.find((f) => f.path === 'Makefile')?.content ?? '';

describe("fuzz: Makefile variables the recipes' shell reads", () => {
  const drawn = Array.from({ length: 3000 }, (_, k) => generate(172000 + k)).filter((s) => s.makeShellVars !== 'none');

  it('is drawn only for a Makefile run as the script, whose names are variables', () => {
    expect(drawn.length).toBeGreaterThan(50);
    for (const s of drawn) expect([s.runner, s.driver, s.vars === 'none'], `seed ${s.seed}`).toEqual(['script', 'make', false]);
    expect(normalize({ ...drawn[0]!, vars: 'none' }).makeShellVars).toBe('none');
  });

  it("exports every definition and reads the builder's tag through the shell, which make's run expands to the file's value", () => {
    for (const s of drawn) {
      const text = makefile(s);
      expect(text, `seed ${s.seed}`).not.toMatch(/^(?!export )[A-Z]+ (:|\?)= /m);
      if (s.extraction !== 'stock-build') expect(text, `seed ${s.seed}`).toContain('$${BUILDER}');
      expect(text, `seed ${s.seed}`).toContain('$(IMAGE)');
    }
    // make runs the recipe with docker as a stub that prints its arguments: the shell's ${BUILDER} is the file's value
    const s = drawn.find((x) => x.extraction !== 'stock-build' && x.toolCaller === 'none')!;
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-fuzz-shellvars-'));
    try {
      writeRepo(dir, render(s));
      fs.mkdirSync(path.join(dir, 'stub'));
      fs.writeFileSync(path.join(dir, 'stub', 'docker'), '#!/bin/sh\necho "stub: docker $*"\nexit 1\n', { mode: 0o755 });
      const r = spawnSync('make', ['-i', 'image'], { cwd: dir, encoding: 'utf8', env: { PATH: `${path.join(dir, 'stub')}:/usr/bin:/bin` } });
      const tag = /^export BUILDER (?::|\?)= (\S+)$/m.exec(makefile(s))![1]!;
      expect(r.stdout, `seed ${s.seed}: ${r.stdout}`).toMatch(new RegExp(`^stub: docker (\\S+ )+${tag.replace(/[.:]/g, '\\$&')}( |$)`, 'm'));
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('writes what was written before when the draw is none', () => {
    for (const s of drawn.slice(0, 20)) expect(makefile(normalize({ ...s, makeShellVars: 'none' })), `seed ${s.seed}`).not.toContain('$${');
  });
});
