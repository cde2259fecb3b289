/**
 * The fuzzer's grammar (test/fuzz): seeds are deterministic, every repository it writes is well
 * formed (scripts pass `sh -n`/`bash -n`, package.json parses, the Makefile has the target, CI
 * steps pass `bash -n`, JS scripts `node --check`), seeds whose runner stays a script write what
 * they wrote before runners were drawn, the
 * grammar reaches every option of every feature, and the shrinker finds the smallest failing spec.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { activeFeatures, FEATURES, generate, HOST_FEATURES, LATE_FEATURES, normalize, PLAIN_LOGS_AND_IMAGES, RUNNER_FEATURES, runnerView, TWO_SETUP_FEATURES, type Feature, type RepoSpec } from '../fuzz/grammar.js';
import { DOCKERFILE_FEATURES, LATER_DOCKERFILE_FEATURES } from '../fuzz/dockerfile-features.js';
import { render } from '../fuzz/render.js';
import { writeRepo } from '../fuzz/run-seed.js';
import { shrink } from '../fuzz/shrink.js';
import { githubSteps, gitlabSteps } from '../../src/verify/ci-steps.js';
import type { EntryStep } from '../../src/verify/entry.js';

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

  it('reaches every option of every feature within 300 seeds (the rarer run-step and later-step ones within 2000)', () => {
    const seen = new Map<Feature, Set<unknown>>();
    for (const seed of SEEDS) for (const [k, v] of Object.entries(generate(seed))) seen.set(k as Feature, (seen.get(k as Feature) ?? new Set()).add(v));
    for (let seed = 301; seed <= 2000; seed++) for (const k of LATE_FEATURES) seen.get(k)!.add(generate(seed)[k]);
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
    let ciFiles = 0;
    let jsFiles = 0;
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
        if (f.path.endsWith('.yml')) {
          // every CI step's shell text, as the product reads the job
          const steps = f.path === '.gitlab-ci.yml' ? gitlabSteps(f.content, 'build-image') : githubSteps(f.content, 'image', '/work');
          expect('none' in steps ? steps.none : '', `seed ${seed} ${f.path}`).toBe('');
          // one bash -n for the file: each step's text the body of a function of its own
          const texts = (steps as EntryStep[]).map((step) => step.argv[step.argv.indexOf('-c') + 1]!);
          const all = texts.map((t, k) => `step_${k}() {\n${t}\n}`).join('\n');
          expect(spawnSync('bash', ['-n', '-c', all], { encoding: 'utf8' }).status, `seed ${seed} ${f.path}:\n${all}`).toBe(0);
          ciFiles += 1;
        }
        // node --check on the first 40 (each is a node start: the whole set would cost seconds)
        if (/^(scripts\/)?build\.m?js$/.test(f.path) && jsFiles < 40) {
          const r = spawnSync('node', ['--check', `--input-type=${f.path.endsWith('.mjs') ? 'module' : 'commonjs'}`], { input: f.content, encoding: 'utf8' });
          expect(r.status, `seed ${seed} ${f.path}: ${r.stderr}\n${f.content}`).toBe(0);
          jsFiles += 1;
        }
        if (f.path === 'Makefile') {
          expect(f.content).toMatch(/^image:.*\n(\t.+\n)+/m);
          makefiles.push([seed, repo]);
        }
      }
      expect(repo.files.some((f) => /^(svc\/)?Dockerfile$/.test(f.path) && /^CMD \[/m.test(f.content))).toBe(true);
    }
    expect(ciFiles).toBeGreaterThan(50);
    expect(jsFiles).toBeGreaterThan(20);
    // make itself reads every Makefile: its variables, its targets and their prerequisites
    expect(makefiles.length).toBeGreaterThan(20);
    for (const [seed, repo] of makefiles.slice(0, 40)) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-fuzz-make-'));
      try {
        writeRepo(dir, repo);
        const r = spawnSync('make', ['-n', 'image'], { cwd: dir, encoding: 'utf8' });
        expect(r.status, `seed ${seed}: ${r.stderr}`).toBe(0);
        expect(r.stdout, `seed ${seed}`).toMatch(/docker build (--iidfile \S+ )?(--build-arg \S+ )?-t \S+:latest \./);
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    }
    // several hundred shell, bash, make and node starts: seconds on a quiet machine, far more on a loaded one
  }, 120_000);

  it('keeps every seed\'s other features as they were before runners were drawn, and its repository when the runner is set back to a script', () => {
    // Hashes of the specs and renders of seeds 1-50 written before the runner features existed.
    const seeds = SEEDS.slice(0, 50);
    expect(seeds.filter((s) => generate(s).runner === 'script')).toEqual([1, 2, 5, 6, 10, 12, 14, 16, 19, 21, 22, 24, 29, 30, 33, 35, 36, 39, 40, 41, 42, 43, 46, 49, 50]);
    // (and before the Dockerfile shapes of a stream of their own: they change no other choice)
    // (and before the host-reach feature of a fourth stream, set back to `none`, and the second setup of a fifth)
    // (and before the run-step and later-step features of streams of their own, set back to `none`)
    const later = [...RUNNER_FEATURES, ...LATER_DOCKERFILE_FEATURES, ...HOST_FEATURES, ...TWO_SETUP_FEATURES, ...LATE_FEATURES] as string[];
    const earlier = (spec: RepoSpec) => Object.fromEntries(Object.entries(spec).filter(([k]) => !later.includes(k)));
    const plainLater = { ...Object.fromEntries(LATER_DOCKERFILE_FEATURES.map((k) => [k, DOCKERFILE_FEATURES[k][0]])), hostReach: 'none' as const, twoSetups: 'none' as const, ...Object.fromEntries(LATE_FEATURES.map((k) => [k, 'none'])) };
    const hash = (x: unknown) => createHash('sha256').update(JSON.stringify(x)).digest('hex').slice(0, 16);
    expect(hash(seeds.map((s) => earlier(generate(s))))).toBe('74e7bec64561b825');
    // (what runs after the build is a field of its own: nothing when the later-step features are plain)
    const rendered = seeds.map((s) => render(normalize({ ...generate(s), runner: 'script', ...plainLater })));
    expect(rendered.flatMap((r) => r.later)).toEqual([]);
    // (a9c9…: since the builder's tar pins its members' times, fuzz seed 6921)
    expect(hash(rendered.map(({ later: _, ...files }) => files))).toBe('a9c9e3df87f80d04');
    // a spec stored before they existed reads as a script-run one
    const stored = earlier(generate(1)) as RepoSpec;
    expect(render(normalize(stored))).toEqual(render(normalize({ ...generate(1), ...plainLater })));
  });

  it('writes each runner where the product looks for it, and runs it the way its users would', () => {
    const bySeed = (runner: string) => SEEDS.map(generate).find((s) => s.runner === runner && s.ciWorkdir === 'none' && s.jsEntry === 'node')!;
    expect(render(bySeed('github')).entry).toEqual({ kind: 'github', workflow: '.github/workflows/image.yml', job: 'image' });
    expect(render(bySeed('gitlab')).entry).toEqual({ kind: 'gitlab', job: 'build-image' });
    expect(render(bySeed('js')).entry.kind).toBe('node');
    // in svc/, every file of the repository but the CI file moves there, and so do the scratch paths
    const moved = SEEDS.map(generate).find((s) => s.runner === 'gitlab' && s.ciWorkdir !== 'none' && s.hostUse === 'none')!;
    const repo = render(moved);
    expect(repo.files.filter((f) => !f.path.startsWith('svc/')).map((f) => f.path)).toEqual(['.gitlab-ci.yml']);
    expect(repo.scratchPaths.every((p) => p.startsWith('svc/'))).toBe(true);
    // a JS script holds no shell state between calls: no `id=$(…)` extraction, no trap
    for (const spec of SEEDS.map(generate).filter((s) => s.runner === 'js').map(runnerView)) expect([spec.extraction, spec.trapCleanup]).toEqual([expect.not.stringMatching(/^id-var$/), false]);
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

  it('writes each host reach of the artifact where it says, after the final build', () => {
    const base = normalize({ ...generate(6424), hostReach: 'none', ...PLAIN_LOGS_AND_IMAGES, scriptFunction: 'none' });
    const script = (spec: RepoSpec) => {
      const r = render(spec);
      return { entry: r.entry, text: r.files.map((f) => `${f.path}:\n${f.content}`).join('\n'), scratch: r.scratchPaths };
    };
    expect(base.runner).toBe('script');
    const plainRun = script(base);
    const run = script(normalize({ ...base, hostReach: 'run' }));
    expect(run.text).toMatch(/docker build -t \S+:latest \.\n(.*\n)*\.\/\S+ > run\.log\n/);
    expect(run.scratch).toEqual([]);
    const caller = script(normalize({ ...base, hostReach: 'caller' }));
    expect(caller.entry).toEqual({ kind: 'script', script: 'ci.sh' });
    expect(caller.text).toMatch(/ci\.sh:\n#!\/bin\/sh\nset -e\n(sh|bash) (scripts\/)?build\.sh\n\.\/\S+ > run\.log\n/);
    // the script the caller runs leaves the binary behind
    expect(caller.text).not.toMatch(/^rm /m);
    expect(script(normalize({ ...base, hostReach: 'glob' })).text).toMatch(/^ls -d \S+\? > found\.txt$/m);
    // with none, exactly the repository as before
    expect(script(normalize({ ...base }))).toEqual(plainRun);
    // a folder artifact is not run; a caller is a sh or bash script's
    const folder = normalize({ ...base, artifact: 'folder', hostReach: 'run' });
    expect(folder.hostReach).toBe(folder.artifact === 'folder' ? 'glob' : 'run');
    expect(normalize({ ...base, driver: 'make', hostReach: 'caller' }).hostReach).not.toBe('caller');
  });

  it('writes a second setup into the same script, in the root or a folder of its own, after the first or before its runtime build', () => {
    const base = normalize({ ...generate(6424), twoSetups: 'none', scriptFunction: 'none' });
    const text = (spec: RepoSpec) => render(spec).files.map((f) => `${f.path}:\n${f.content}`).join('\n');
    const script = (spec: RepoSpec) => render(spec).files.find((f) => /build\.sh$/.test(f.path))!.content;
    const own = render(normalize({ ...base, twoSetups: 'other-folder' }));
    expect(own.finalTags).toContain('worker:latest');
    expect(own.files.map((f) => f.path)).toEqual(expect.arrayContaining(['worker/main.go', 'worker/Dockerfile.build', 'worker/Dockerfile']));
    expect(script(normalize({ ...base, twoSetups: 'other-folder' }))).toMatch(/docker build -t \S+:latest \.\n(.*\n)*docker build -t worker:build -f worker\/Dockerfile\.build worker\n(.*\n)*docker build -t worker:latest worker\nrm -f worker\/worker\n/);
    const root = normalize({ ...base, twoSetups: 'same-folder', secondBuild: 'stock', secondAt: 'between' });
    expect(text(root)).toContain('Dockerfile.worker:\n');
    // between the first setup's extraction and its runtime build
    expect(script(root)).toMatch(/docker run --rm -v "\$PWD":\/src -w \/src -e CGO_ENABLED=0 golang:1\.21 go build -o worker \.\ndocker build -t worker:latest -f Dockerfile\.worker \.\nrm -f worker\n(.*\n)*docker build -t \S+:latest \.\n/);
    // with none, exactly the repository as before; only a sh or bash script drives two setups
    expect(text(base)).not.toContain('worker');
    expect(render(base).finalTags).not.toContain('worker:latest');
    expect(normalize({ ...base, driver: 'make', twoSetups: 'same-folder' }).twoSetups).toBe('none');
    expect(normalize({ ...base, runner: 'github', twoSetups: 'same-folder' }).twoSetups).toBe('none');
  });
});
