/**
 * One file copied out in the body of a function that runs more than once: the second call's
 * `docker cp x:/out/app ./app` overwrites the file the first call left, where a folder copied
 * so would nest inside the first copy. Migrated when the builder stage proves the path a file
 * and nothing in the script makes `app` a folder; refused otherwise.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const FILE_BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const BODY = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
const CALLS = [['image', 'image'], ['for mode in a b; do', '  image', 'done'], ['release() {', '  image', '}', 'release']];

const repo = (calls: string[], builder = FILE_BUILDER, extra: string[] = []) => ({
  'Dockerfile.build': builder,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -e', 'image() {', ...BODY.map((l) => `  ${l}`), '}', ...calls, ...extra, ''].join('\n'),
});

const destCode = (files: Record<string, string>) => planFiles(files).setups[0]!.diagnostics.find((d) => d.code === 'ARTIFACT_DEST_EXISTS');

describe('one file copied out by a function that runs more than once', () => {
  it('migrates: every call lands the file at the same path', () => {
    for (const calls of CALLS) {
      const files = repo(calls);
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), calls.join('; ')).toEqual(['migrate']);
      const out = applied(files, plan);
      expect(out.Dockerfile).toContain('COPY --from=builder --chown=0:0 /out/app /usr/local/bin/app\n');
      expect(out['build.sh']).not.toContain('docker cp');
    }
  });

  it('refuses a path the builder stage makes a folder, or does not prove a file', () => {
    const folder = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN mkdir -p /out/app && go build -o /out/app/app .\n';
    expect(destCode(repo(['image', 'image'], folder))?.message).toContain('/out/app is a folder in the builder stage');
    const unproven = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN make install PREFIX=/out\n';
    expect(destCode(repo(['image', 'image'], unproven))?.message).toContain('an earlier call of image may have made or left');
  });

  it('refuses when the script makes the destination a folder, or may', () => {
    for (const extra of [['mkdir -p app/logs'], ['mkdir "$OUT"']]) {
      expect(destCode(repo(['image', 'image'], FILE_BUILDER, extra))?.message, extra.join('; ')).toContain('an earlier call of image may have made or left');
    }
  });
});
