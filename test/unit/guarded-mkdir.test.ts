/**
 * `[ -d out ] || mkdir out` (src/analyze/host-dirs.ts dirGuard): the mkdir runs only where out
 * is no folder, so out is one after the list wherever the test runs, as after a plain mkdir. A
 * `docker cp x:/out/app out` after it lands at out/app, and the setup migrates. A guard that
 * tests another path, another property, or sits where the copy may not run still leaves the
 * landing unknown.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\nCMD ["app"]\n';

const repo = (made: string[]) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', ...made, 'docker create --name x app:build', 'docker cp x:/out/app out', 'docker rm x', 'docker build -t app:latest .', 'rm -rf out', ''].join('\n'),
});

describe('a folder made by a mkdir guarded by a test that it is one', () => {
  it('lands the copy inside it, and migrates, keeping the guarded mkdir', () => {
    for (const made of ['[ -d out ] || mkdir out', 'test -d out || mkdir -p out', '[[ -d ./out ]] || mkdir out', '[ ! -d out ] && mkdir out']) {
      const files = repo([made]);
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), made).toEqual(['migrate']);
      const after = applied(files, plan);
      expect(after.Dockerfile, made).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
      expect(after['build.sh'], made).toContain(`${made}\ndocker build -t app:latest .\n`);
    }
  });

  it('still refuses where the guard does not prove the folder there', () => {
    for (const made of ['[ -d dist ] || mkdir out', '[ -e out ] || mkdir out', '[ -d out ] || mkdir out dist', 'if [ -n "$FRESH" ]; then [ -d out ] || mkdir out; fi', '[ -d out ] || [ -n "$X" ] || mkdir out']) {
      const plan = planFiles(repo([made]));
      expect(plan.setups.map((s) => s.status), made).toEqual(['refused']);
      expect(plan.setups[0]!.diagnostics.map((d) => d.code), made).toContain('ARTIFACT_DEST_EXISTS');
    }
  });
});
