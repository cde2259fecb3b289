/**
 * The fuzzer's temporary-name extraction (test/fuzz/extraction-features.ts): `docker cp` writes
 * `./.app.partial` and an `mv` renames it into place after the container is gone; `none`
 * writes what was written before.
 */
import { describe, expect, it } from 'vitest';
import { generate, normalize, type RepoSpec } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';
import { outRoot } from '../fuzz/out-arg-features.js';

// (package.json scripts hold their quotes escaped)
const text = (s: RepoSpec) => render(s).files.map((f) => f.content).join('\n').replace(/\\"/g, '"');

describe('fuzz: an extraction renamed into place', () => {
  const drawn = Array.from({ length: 600 }, (_, k) => generate(7450 + k)).filter((s) => s.tmpRename !== 'none');

  it('is drawn, in both forms', () => {
    expect(new Set(drawn.map((s) => s.tmpRename))).toEqual(new Set(['mv', 'mv-f']));
  });

  it('copies out to the temporary name and renames it to the artifact after the copy', () => {
    for (const s of drawn) {
      const t = text(s);
      const host = s.dest === 'rename' ? (s.spaceName ? `${s.app} linux` : `${s.app}-linux`) : s.app;
      const q = (p: string) => (p.includes(' ') ? `"${p}"` : p);
      const mv = `mv ${s.tmpRename === 'mv-f' ? '-f ' : ''}${q(`./.${host}.partial`)} ${q(`./${host}`)}`;
      expect(t, `seed ${s.seed}`).toContain(mv);
      // the copy names the temporary path first (a shell line, a CI step, a JS call or argument array)
      const cp = t.indexOf(`.${host}.partial`);
      expect(t.slice(Math.max(0, cp - 80), cp), `seed ${s.seed}`).toContain(`${outRoot(s)}/${s.app}`);
      expect(t.indexOf(mv), `seed ${s.seed}`).toBeGreaterThan(cp);
    }
  });

  it('writes what was written before when the draw is none', () => {
    const s = drawn[0]!;
    const plain = text(normalize({ ...s, tmpRename: 'none' } as RepoSpec));
    expect(plain).not.toContain('.partial');
    expect(plain).toContain(`:${outRoot(s)}/${s.app}`);
  });
});

describe('fuzz: where the container is removed', () => {
  const drawn = Array.from({ length: 600 }, (_, k) => generate(11120 + k)).filter((s) => s.removalAt !== 'step');
  /** Where each removal of a container, and the first build of the default Dockerfile (the final build: the others name theirs with -f), stand in the script's text. */
  const places = (s: RepoSpec) => {
    // (the file that drives the pattern: a script, the Makefile or package.json; the others may build too)
    const t = render(s).files.filter((f) => /(^|\/)(build\.sh|Makefile|package\.json)$/.test(f.path)).map((f) => f.content).join('\n').replace(/\\"/g, '"');
    const removals = [...t.matchAll(/\bdocker (?:container )?rm(?: -[fv])? /g)].map((m) => m.index!);
    const final = [...t.matchAll(/\bdocker (?:image )?build ([^&\n]*)/g)].find((m) => !/ -f /.test(m[1]!))?.index ?? -1;
    return { removals, final };
  };

  it('is drawn, in both forms, for scripts only', () => {
    expect(new Set(drawn.map((s) => s.removalAt))).toEqual(new Set(['end', 'again']));
    expect(drawn.every((s) => s.runner === 'script' && !s.trapCleanup)).toBe(true);
  });

  it('puts the removal after the final build (end), or a second `rm -f` there (again)', () => {
    for (const s of drawn) {
      const { removals, final } = places(s);
      expect(final, `seed ${s.seed}`).toBeGreaterThan(0);
      expect(removals.length, `seed ${s.seed}`).toBe(s.removalAt === 'again' ? 2 : 1);
      // (a Makefile writes the image target before the target it depends on, which runs first)
      if (s.driver === 'make') continue;
      expect(removals.at(-1)!, `seed ${s.seed}`).toBeGreaterThan(final);
      if (s.removalAt === 'again') expect(removals[0]!, `seed ${s.seed}`).toBeLessThan(final);
    }
  });

  it('writes what was written before when the draw is step', () => {
    const { removals, final } = places(normalize({ ...drawn[0]!, removalAt: 'step' } as RepoSpec));
    expect(removals.length).toBe(1);
    expect(removals[0]!).toBeLessThan(final);
  });
});
