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
