/**
 * Function bodies run at their call, not where they are written (src/analyze/host-dirs.ts
 * runOrder): `prepare() { mkdir -p out; }` and `image() { … docker cp x:/out/app out; }`, then
 * `prepare; image`, make out before the copy, which lands at out/app. Where that order is not
 * known (a body called twice or under a condition, a folder change), the landing stays unknown.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\nCMD ["app"]\n';
const IMAGE = ['image() {', '  docker build -t app:build -f Dockerfile.build .', '  docker create --name x app:build', '  docker cp x:/out/app out', '  docker rm x', '  docker build -t app:latest .', '}'];

const repo = (prepare: string[], calls: string[]) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  'sub/keep': 'x\n',
  'build.sh': ['#!/bin/sh', 'set -e', 'prepare() {', ...prepare.map((l) => `  ${l}`), '}', ...IMAGE, ...calls, 'rm -rf out', ''].join('\n'),
});

describe('a folder made in the body of another function, called before the copy', () => {
  it('lands the copy inside it, and migrates', () => {
    const cases: [string[], string[]][] = [
      [['mkdir -p out'], ['prepare', 'image']],
      [['echo preparing', 'mkdir -p out'], ['prepare', 'echo go', 'image']],
    ];
    for (const [prepare, calls] of cases) {
      const files = repo(prepare, calls);
      const plan = planFiles(files);
      const what = `${prepare.join('; ')} / ${calls.join('; ')}`;
      expect(plan.setups.map((s) => s.status), what).toEqual(['migrate']);
      expect(applied(files, plan).Dockerfile, what).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
    }
  });

  it('still refuses where the order or the folder is not known', () => {
    const cases: [string[], string[]][] = [
      [['mkdir -p out'], ['prepare', 'prepare', 'image']],
      [['mkdir -p out'], ['if [ -n "$FRESH" ]; then prepare; fi', 'image']],
      [['if [ -n "$FRESH" ]; then mkdir -p out; fi'], ['prepare', 'image']],
      [['mkdir -p out'], ['cd sub', 'prepare', 'cd ..', 'image']],
      [['cd sub', 'mkdir -p out'], ['prepare', 'image']],
      [['mkdir -p out'], ['for i in 1 2; do prepare; done', 'image']],
      [['[ -n "$SKIP" ] && return', 'mkdir -p out'], ['prepare', 'image']],
      [['if [ -n "$SKIP" ]; then return 0; fi', 'mkdir -p out'], ['prepare', 'image']],
    ];
    for (const [prepare, calls] of cases) {
      const plan = planFiles(repo(prepare, calls));
      const what = `${prepare.join('; ')} / ${calls.join('; ')}`;
      expect(plan.setups.map((s) => s.status), what).toEqual(['refused']);
    }
  });
});
