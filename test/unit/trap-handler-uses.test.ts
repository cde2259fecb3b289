/**
 * A trap handler runs when the script ends, whenever the trap was set: a handler that reads an
 * artifact (in its own text, a function it calls, or set by a file the script sources) reads it
 * on the host after the runtime build, so an export stage keeps the file there.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
const EXPORT = 'docker build --target export --output type=local,dest=. -f Dockerfile .';

const repo = (lines: string[], extra: Record<string, string> = {}) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/bash', 'set -e', ...lines, ''].join('\n'),
  ...extra,
});

describe('a trap handler that reads an artifact', () => {
  it('keeps it on the host, whether the trap is set before or after the extraction', () => {
    const cases: [string[], Record<string, string>][] = [
      [["trap 'sha256sum app > SUMS' EXIT", ...STEPS], {}],
      [['sums() { sha256sum app > SUMS; }', 'trap sums EXIT', ...STEPS], {}],
      [['trap -- "ls -l app" EXIT', ...STEPS], {}],
      [[...STEPS.slice(0, 4), "trap 'sha256sum app > SUMS' EXIT", STEPS[4]!], {}],
      [['. ./lib.sh', ...STEPS], { 'lib.sh': "trap 'sha256sum app > SUMS' EXIT\n" }],
      [['trap "$ON_EXIT" EXIT', ...STEPS], {}],
    ];
    for (const [lines, extra] of cases) {
      const files = repo(lines, extra);
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), lines.join('; ')).toEqual(['migrate']);
      expect(applied(files, plan)['build.sh'], lines.join('; ')).toContain(EXPORT);
    }
  });

  it('needs no export stage where the handler does not read it', () => {
    for (const lines of [["trap 'echo done' EXIT", ...STEPS], ["trap '' INT", ...STEPS], ['trap - EXIT', ...STEPS], ['trap -p', ...STEPS]]) {
      const files = repo(lines);
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), lines.join('; ')).toEqual(['migrate']);
      expect(applied(files, plan)['build.sh'], lines.join('; ')).not.toContain('--target export');
    }
  });
});

describe('a trap handler that reads a file a removed command wrote', () => {
  it('refuses REMOVED_OUTPUT_USED, set before or after the removed command, in its text or a function it calls', () => {
    const logged = ['docker build -t app:build -f Dockerfile.build . > builder.log 2>&1', ...STEPS.slice(1)];
    for (const lines of [["trap 'tail -n 5 builder.log' EXIT", ...logged], ['show() { tail -n 5 builder.log; }', 'trap show EXIT', ...logged], [...logged.slice(0, 2), "trap 'cat builder.log' ERR", ...logged.slice(2)]]) {
      const plan = planFiles(repo(lines));
      expect(plan.setups.map((s) => s.status), lines.join('; ')).toEqual(['refused']);
      expect(plan.setups[0]!.diagnostics.map((d) => d.code), lines.join('; ')).toContain('REMOVED_OUTPUT_USED');
    }
  });

  it('migrates where the handler does not read it', () => {
    const plan = planFiles(repo(["trap 'echo done' EXIT", 'docker build -t app:build -f Dockerfile.build . > builder.log 2>&1', ...STEPS.slice(1)]));
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
  });
});
