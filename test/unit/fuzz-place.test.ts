/**
 * The fuzzer's host copy of the extracted file into place (test/fuzz/place-features.ts): `cp`,
 * `cp -p`, `cp -a`, `cp` into the folder, `install` or `install -m 0750` into bin/, the runtime
 * COPY reading the copy; `none` writes what was written before.
 */
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { generate, normalize, type RepoSpec } from '../fuzz/grammar.js';
import { layout, render } from '../fuzz/render.js';

const file = (s: RepoSpec, p: RegExp) => render(s).files.find((f) => p.test(f.path))?.content ?? '';
const runtimeFile = (s: RepoSpec) => file(s, /(^|\/)Dockerfile$/);
const all = (s: RepoSpec) => render(s).files.map((f) => f.content).join('\n');

describe('fuzz: the extracted file copied into place on the host', () => {
  const drawn = Array.from({ length: 600 }, (_, k) => generate(180000 + k)).filter((s) => s.hostPlace !== 'none');

  it('is drawn in every form, only for one file landed at the root', () => {
    expect(new Set(drawn.map((s) => s.hostPlace))).toEqual(new Set(['cp', 'cp-p', 'cp-a', 'cp-into', 'install', 'install-mode']));
    for (const s of drawn) {
      expect(s.artifact, `seed ${s.seed}`).toBe('file');
      expect(['same', 'rename'], `seed ${s.seed}`).toContain(s.dest);
      expect(s.makeAuto, `seed ${s.seed}`).toBe(false);
    }
    const one = drawn[0]!;
    expect(normalize({ ...one, extraction: 'volume-cp' }).hostPlace).toBe('none');
    expect(normalize({ ...one, extraction: 'create-cp', artifact: 'folder' }).hostPlace).toBe('none');
    expect(normalize({ ...one, extraction: 'create-cp', artifact: 'file', dest: 'bin-dir' }).hostPlace).toBe('none');
  });

  it('copies the landed file into bin/ after the extraction, and the runtime build reads the copy', () => {
    for (const s of drawn) {
      const l = layout(s);
      expect(l.landed, `seed ${s.seed}`).toBeDefined();
      expect(l.hostPath, `seed ${s.seed}`).toBe(s.hostPlace === 'cp-into' ? `bin/${l.landed}` : `bin/${s.app}`);
      const text = all(s);
      const words = { cp: 'cp', 'cp-p': 'cp -p', 'cp-a': 'cp -a', 'cp-into': 'cp', install: 'install', 'install-mode': 'install -m 0750' }[s.hostPlace as string];
      const to = s.hostPlace === 'cp-into' ? 'bin/' : l.hostPath;
      expect(text, `seed ${s.seed}`).toContain(`mkdir -p bin`);
      // (a spaced name is quoted as its runner quotes it: checked by the shell parse below)
      if (!l.landed!.includes(' ')) expect(text, `seed ${s.seed}`).toContain(`${words} ${l.landed} ${to}`);
      else expect(text, `seed ${s.seed}`).toContain(`${words} `);
      // the runtime line reads the copy (or the argument naming it)
      const r = runtimeFile(s);
      expect(r.includes(l.hostPath) || r.includes('${APP_SRC}'), `seed ${s.seed}`).toBe(true);
      // the extracted file is a by-product once copied
      expect(render(s).scratchPaths.some((p) => p === l.landed || p.endsWith(`/${l.landed}`)), `seed ${s.seed}`).toBe(true);
    }
    const script = drawn.find((s) => s.runner === 'script' && (s.driver === 'sh' || s.driver === 'bash'))!;
    expect(spawnSync(script.driver, ['-n'], { input: file(script, /build\.sh$/) }).status).toBe(0);
  });

  it('writes what was written before when the draw is none', () => {
    for (const s of drawn.slice(0, 20)) {
      const before = render(normalize({ ...s, hostPlace: 'none' }));
      expect(layout(normalize({ ...s, hostPlace: 'none' })).landed, `seed ${s.seed}`).toBeUndefined();
      expect(before.files.map((f) => f.content).join('\n'), `seed ${s.seed}`).not.toMatch(/^(\t| {2})*(install|cp( -[pa])?) \S+ bin\//m);
    }
  });
});
