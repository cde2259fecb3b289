/**
 * The fuzzer's grammar (test/fuzz): seeds are deterministic, every repository it writes is well
 * formed (scripts pass `sh -n`/`bash -n`, package.json parses, the Makefile has the target), the
 * grammar reaches every option of every feature, and the shrinker finds the smallest failing spec.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeFeatures, FEATURES, generate, normalize, type Feature, type RepoSpec } from '../fuzz/grammar.js';
import { render } from '../fuzz/render.js';
import { writeRepo } from '../fuzz/run-seed.js';
import { shrink } from '../fuzz/shrink.js';

const SEEDS = Array.from({ length: 300 }, (_, i) => i + 1);

describe('fuzz grammar', () => {
  it('gives the same repository for the same seed, and different ones across seeds', () => {
    expect(render(generate(42))).toEqual(render(generate(42)));
    const distinct = new Set(SEEDS.slice(0, 50).map((s) => JSON.stringify(render(generate(s)).files)));
    expect(distinct.size).toBe(50);
  });

  it('normalizes idempotently', () => {
    for (const seed of SEEDS) {
      const spec = generate(seed);
      expect(normalize(spec)).toEqual(spec);
    }
  });

  it('reaches every option of every feature within 300 seeds', () => {
    const seen = new Map<Feature, Set<unknown>>();
    for (const seed of SEEDS) for (const [k, v] of Object.entries(generate(seed))) seen.set(k as Feature, (seen.get(k as Feature) ?? new Set()).add(v));
    for (const [k, options] of Object.entries(FEATURES) as [Feature, readonly unknown[]][]) expect([...(seen.get(k) ?? [])].sort(), k).toEqual([...options].sort());
  });

  it('leaves four seeds in ten or so free of traps, so that many repositories migrate', () => {
    const trapFree = SEEDS.filter((s) => {
      const a = activeFeatures(generate(s));
      return !['compound', 'trapCleanup', 'guardedCp', 'inspectAfter', 'rmMkdirDest', 'postProcess', 'hostUse', 'secondConsumer', 'dockerfileEdit', 'copyIn', 'label', 'stageCapture', 'archiveAdd', 'globalArgInRuntime', 'trailingBackslash', 'builderUser', 'ignoreFile'].some((k) => k in a);
    });
    expect(trapFree.length).toBeGreaterThan(SEEDS.length * 0.3);
  });

  it('writes scripts the shell accepts, JSON that parses and a Makefile with its target', () => {
    const makefiles: [number, ReturnType<typeof render>][] = [];
    for (const seed of SEEDS) {
      const repo = render(generate(seed));
      for (const f of repo.files) {
        if (f.path.endsWith('.sh')) {
          const shell = f.content.startsWith('#!/usr/bin/env bash') ? 'bash' : 'sh';
          const r = spawnSync(shell, ['-n'], { input: f.content, encoding: 'utf8' });
          expect(r.status, `seed ${seed} ${f.path}: ${r.stderr}\n${f.content}`).toBe(0);
        }
        if (f.path === 'package.json') {
          const scripts = JSON.parse(f.content).scripts as Record<string, string>;
          expect(scripts.image).toBeDefined();
          for (const script of Object.values(scripts)) expect(spawnSync('sh', ['-n'], { input: script, encoding: 'utf8' }).status, `seed ${seed}: ${script}`).toBe(0);
        }
        if (f.path === 'Makefile') {
          expect(f.content).toMatch(/^image:.*\n(\t.+\n)+/m);
          makefiles.push([seed, repo]);
        }
      }
      expect(repo.files.some((f) => f.path === 'Dockerfile' && /^CMD \[/m.test(f.content))).toBe(true);
    }
    // make itself reads every Makefile: its variables, its targets and their prerequisites
    expect(makefiles.length).toBeGreaterThan(20);
    for (const [seed, repo] of makefiles.slice(0, 40)) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-fuzz-make-'));
      try {
        writeRepo(dir, repo);
        const r = spawnSync('make', ['-n', 'image'], { cwd: dir, encoding: 'utf8' });
        expect(r.status, `seed ${seed}: ${r.stderr}`).toBe(0);
        expect(r.stdout, `seed ${seed}`).toMatch(/docker build -t \S+:latest \./);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
  });

  it('shrinks a failing spec to the plainest one that still fails', async () => {
    // A failure that needs a folder artifact and a Makefile, whatever else is on.
    const start = SEEDS.map(generate).find((s) => s.artifact === 'folder' && s.driver === 'make' && Object.keys(activeFeatures(s)).length > 4)!;
    expect(start).toBeDefined();
    let trials = 0;
    const fails = async (s: RepoSpec) => {
      trials += 1;
      return s.artifact === 'folder' && s.driver === 'make';
    };
    const minimal = await shrink(start, fails);
    expect(activeFeatures(minimal)).toEqual({ driver: 'make', artifact: 'folder' });
    expect(trials).toBeLessThan(200);
  });
});
