/**
 * A function body's commands are conditional (the body runs when it is called), but its own
 * `mkdir -p out` before a `docker cp x:/out/app out` in the same body runs in every call that
 * copies: the copy lands at out/app. A folder made only on some paths through the body still
 * leaves the landing unknown.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\nCMD ["app"]\n';

const repo = (made: string[]) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -e', 'image() {', '  docker build -t app:build -f Dockerfile.build .', '  docker create --name x app:build', ...made.map((l) => `  ${l}`), '  docker cp x:/out/app out', '  docker rm x', '  docker build -t app:latest .', '}', 'image', ''].join('\n'),
});

describe('a folder made in the body of a function called once', () => {
  it('lands the copy inside the folder the body itself made before it', () => {
    for (const made of [['mkdir -p out'], ['mkdir out'], ['rm -rf out', 'mkdir out'], ['[ -d out ] || mkdir out']]) {
      const files = repo(made);
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), made.join('; ')).toEqual(['migrate']);
      expect(applied(files, plan).Dockerfile).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
    }
  });

  it('refuses a copy whose folder the script makes after the body is written but before it is called', () => {
    const files = repo([]);
    files['build.sh'] = files['build.sh'].replace('\nimage\n', '\nmkdir -p out\nimage\n');
    const plan = planFiles(files);
    expect(plan.setups.map((s) => s.status)).toEqual(['refused']);
    expect(plan.setups[0]!.diagnostics.map((d) => [d.code, d.line])).toContainEqual(['ARTIFACT_DEST_EXISTS', 6]);
    // the body's own mkdir before the copy still decides
    const own = repo(['mkdir -p out']);
    own['build.sh'] = own['build.sh'].replace('\nimage\n', '\nrm -rf out\nimage\n');
    expect(planFiles(own).setups.map((s) => s.status)).toEqual(['migrate']);
  });

  it('still refuses a folder the body makes only on some paths', () => {
    for (const made of [['if [ -n "$FRESH" ]; then mkdir -p out; fi'], ['[ -d dist ] || mkdir out'], ['for d in out; do mkdir -p "$d"; done']]) {
      const plan = planFiles(repo(made));
      expect(plan.setups.map((s) => s.status), made.join('; ')).toEqual(['refused']);
      expect(plan.setups[0]!.diagnostics.map((d) => d.code), made.join('; ')).toContain('ARTIFACT_DEST_EXISTS');
    }
  });
});
