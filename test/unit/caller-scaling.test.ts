/**
 * The plan's search for callers grows with the tree, not with the tree times its setups
 * (issue #18: a million files linear). A monorepo's packages share script names: each has a
 * Makefile setup and a `ci.sh` that runs `make image`, a script the walk passes over (it never
 * says docker) and that may run any of the Makefiles. Two counts, not timings:
 *  - the files read while finding who runs each `ci.sh` (src/plan/make-overrides.ts): each
 *    file was read once per `ci.sh`;
 *  - the setups' removed outputs worked out while marking what each `ci.sh` may read
 *    (src/plan/passed-over-callers.ts): once per naming file and setup.
 * And a monorepo whose packages each have a `build.sh` setup and a passed-over `release.py`
 * running `sh build.sh` (any package's, as far as the tool can tell): each naming was checked
 * against every script of that name, once per file.
 * Twice the packages must cost at most about twice as much (a quadratic search costs 4×).
 */
import { describe, expect, it, vi } from 'vitest';
import { analyze } from '../../src/analyze/index.js';
import { walk } from '../../src/discover/walk.js';
import { NodeRepoFs } from '../../src/discover/node-fs.js';
import { planMigration } from '../../src/plan/index.js';
import { writeTemp } from '../support/tree.js';

const calls = vi.hoisted(() => ({ leftOutputs: 0, mayBe: 0 }));
vi.mock('../../src/analyze/script-namings.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/analyze/script-namings.js')>();
  return {
    ...real,
    mayBe: (...args: Parameters<typeof real.mayBe>) => {
      calls.mayBe++;
      return real.mayBe(...args);
    },
  };
});
vi.mock('../../src/plan/removed-outputs.js', async (importOriginal) => {
  const real = await importOriginal<typeof import('../../src/plan/removed-outputs.js')>();
  return {
    ...real,
    leftOutputs: (...args: Parameters<typeof real.leftOutputs>) => {
      calls.leftOutputs++;
      return real.leftOutputs(...args);
    },
  };
});

class CountingFs extends NodeRepoFs {
  peeks = 0;
  override peekText(rel: string): string | null {
    this.peeks++;
    return super.peekText(rel);
  }
}

type Shape = 'make' | 'sh';

function monorepo(packages: number, shape: Shape): Record<string, string> {
  const files: Record<string, string> = {};
  for (let i = 1; i <= packages; i++) {
    const p = `pkg${i}`;
    files[`${p}/Dockerfile.build`] = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
    files[`${p}/Dockerfile`] = 'FROM alpine:3.19\nCOPY app /app\nCMD ["/app"]\n';
    const steps = `docker build -t app${i}-build -f Dockerfile.build .\ndocker create --name x${i} app${i}-build\ndocker cp x${i}:/out/app ./app\ndocker rm x${i}\ndocker build -t app${i} .\n`;
    if (shape === 'make') {
      files[`${p}/Makefile`] = `image:\n${steps.replace(/^/gm, '\t').slice(0, -1)}\n`;
      files[`${p}/ci.sh`] = '#!/bin/sh\nset -e\nmake image\n';
    } else {
      files[`${p}/build.sh`] = `#!/bin/sh\nset -e\n${steps}`;
      files[`${p}/release.py`] = 'import subprocess\nsubprocess.run(["sh", "build.sh"], check=True)\n';
    }
    files[`${p}/main.go`] = 'package main\n\nfunc main() {}\n';
  }
  return files;
}

function costs(packages: number, shape: Shape) {
  const dir = writeTemp(monorepo(packages, shape), 'msc-scaling-');
  const fs = new CountingFs(dir);
  const walked = walk(dir);
  const analysis = analyze(fs, walked.files, undefined, walked.quiet);
  analysis.passedOver = walked.passedOver;
  analysis.quiet = walked.quiet;
  fs.peeks = 0;
  calls.leftOutputs = 0;
  calls.mayBe = 0;
  const plan = planMigration(analysis, fs, { stageName: 'builder', stageNameFixed: false });
  // Every setup is planned, its artifact kept on the host for the `ci.sh` that may read it.
  expect(plan.setups.map((s) => s.status)).toEqual(Array(packages).fill('migrate'));
  expect(plan.setups[0]!.notes.some((n) => n.includes(shape === 'make' ? 'ci.sh:3 names make' : 'release.py:2 names pkg1/build.sh'))).toBe(true);
  return { peeks: fs.peeks, leftOutputs: calls.leftOutputs, mayBe: calls.mayBe };
}

describe('the search for callers in a monorepo of same-named scripts', () => {
  it('costs about twice as much for twice the packages (a Makefile and a ci.sh running make in each)', () => {
    const small = costs(20, 'make');
    const large = costs(40, 'make');
    expect(large.peeks, JSON.stringify({ small, large })).toBeLessThanOrEqual(small.peeks * 2.3);
    expect(large.leftOutputs, JSON.stringify({ small, large })).toBeLessThanOrEqual(small.leftOutputs * 2.3);
  });

  it('costs about twice as much for twice the packages (a build.sh and a release.py running it in each)', () => {
    const small = costs(20, 'sh');
    const large = costs(40, 'sh');
    expect(large.mayBe, JSON.stringify({ small, large })).toBeLessThanOrEqual(small.mayBe * 2.3);
    expect(large.leftOutputs, JSON.stringify({ small, large })).toBeLessThanOrEqual(small.leftOutputs * 2.3);
  });
});
