/**
 * The fuzzer's output folder given as a build argument (test/fuzz/out-arg-features.ts): the
 * builder declares `ARG OUT_DIR=/out` and writes through it, its build gives it `/opt/out`, and the
 * extraction reads `/opt/out`; `none` writes what was written before.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generate, normalize, type RepoSpec } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';
import { GIVEN_OUT } from '../fuzz/out-arg-features.js';

const file = (s: RepoSpec, p: RegExp) => render(s).files.find((f) => p.test(f.path))?.content ?? '';
const builderFile = (s: RepoSpec) => file(s, new RegExp(`(^|/)${s.builderFile.replace(/\./g, '\\.')}$`));
const runtimeFile = (s: RepoSpec) => file(s, /(^|\/)Dockerfile$/);

describe('fuzz: the builder\'s output folder as a build argument', () => {
  const drawn = Array.from({ length: 400 }, (_, k) => generate(170000 + k)).filter((s) => s.outArg !== 'none');

  it('is drawn, in both forms, and never for a build the container runs or a stock image', () => {
    expect(new Set(drawn.map((s) => s.outArg))).toEqual(new Set(['override', 'runtime-declares']));
    for (const s of drawn) expect(['run-name', 'mount-build', 'stock-build'], `seed ${s.seed}`).not.toContain(s.extraction);
    expect(normalize({ ...drawn[0]!, extraction: 'mount-build' }).outArg).toBe('none');
    expect(normalize({ ...drawn[0]!, dfPaths: 'builder-env' }).outArg).toBe('none');
  });

  it('writes through the ARG, gives the builder build another value, and extracts from that folder', () => {
    for (const s of drawn) {
      const b = builderFile(s);
      expect(b, `seed ${s.seed}`).toMatch(/^ARG OUT_DIR=\/out$/m);
      expect(b, `seed ${s.seed}`).toContain('${OUT_DIR}');
      expect(b, `seed ${s.seed}`).not.toMatch(/^RUN .*\/opt\/out/m);
      const all = render(s).files.map((f) => f.content).join('\n');
      // (a JS script's argument array splits the flag from its value)
      expect(all, `seed ${s.seed}`).toMatch(new RegExp(`--build-arg('?, '?| )OUT_DIR=${GIVEN_OUT}`));
      // the extraction reads the folder given, never the ARG's default
      expect(all, `seed ${s.seed}`).toContain(`${GIVEN_OUT}`);
      // (a second setup, the worker, has a builder of its own)
      expect(all.replaceAll(GIVEN_OUT, '').replaceAll('/out/worker', ''), `seed ${s.seed}`).not.toMatch(/[ :'"]\/out\b/);
      const r = runtimeFile(s);
      if (s.outArg === 'runtime-declares') expect(r, `seed ${s.seed}`).toMatch(/^ARG OUT_DIR=\/var\/lib\/\w+\nRUN echo "out=\$\{OUT_DIR\}"/m);
      else expect(r, `seed ${s.seed}`).not.toContain('OUT_DIR');
    }
    const script = drawn.find((s) => s.runner === 'script' && (s.driver === 'sh' || s.driver === 'bash'))!;
    expect(spawnSync(script.driver, ['-n'], { input: file(script, /build\.sh$/) }).status).toBe(0);
  });

  it('writes what was written before when the draw is none', () => {
    for (const s of drawn.slice(0, 20)) {
      const plain = render(normalize({ ...s, outArg: 'none' }));
      const text = plain.files.map((f) => f.content).join('\n');
      expect(text, `seed ${s.seed}`).not.toContain(GIVEN_OUT);
    }
  });
});
