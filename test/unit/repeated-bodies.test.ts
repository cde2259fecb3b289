/**
 * A setup in the body of a shell function the script calls more than once: a later call finds
 * on the host what the earlier ones left there, so `docker cp x:/out ./dist` that made `dist`
 * in the first call lands inside it (dist/out) in the second, and the runtime COPY of `dist/`
 * takes the nested copy too. Where the copy lands must be known on every call, or the setup is
 * refused.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/bin/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY dist/ /opt/app/\nCMD ["/opt/app/bin/app"]\n';

/** A repository whose build.sh defines `image` with the body lines, then runs the call lines. */
const repo = (body: string[], calls: string[]) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -eu', 'image() {', ...body.map((l) => `  ${l}`), '}', ...calls, ''].join('\n'),
});
const extract = (before: string[] = []) => ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', ...before, 'docker cp x:/out ./dist', 'docker rm x', 'docker build -t app:latest .'];

describe('a setup in a function called more than once', () => {
  it('refuses a copy onto a folder an earlier call may have made: the second call nests it', () => {
    for (const calls of [['image', 'image'], ['for mode in a b; do', '  image', 'done'], ['release() {', '  image', '}', 'release']]) {
      const plan = planFiles(repo(extract(), calls));
      expect(plan.setups.map((s) => s.status), calls.join('; ')).toEqual(['refused']);
      expect(plan.changes).toEqual([]);
      const d = plan.setups[0]!.diagnostics.find((x) => x.code === 'ARTIFACT_DEST_EXISTS');
      expect(d?.message, calls.join('; ')).toContain('copies onto dist, which an earlier call of image may have made or left');
      expect(d?.line).toBe(6);
    }
  });

  it('migrates when the function runs once', () => {
    for (const [body, calls] of [[extract(), ['image']]] as const) {
      const files = repo([...body], [...calls]);
      const plan = planFiles(files);
      expect(plan.setups.map((s) => s.status), calls.join('; ')).toEqual(['migrate']);
      expect(applied(files, plan).Dockerfile).toMatch(/^COPY --from=builder .*\/out\/? \/opt\/app\/$/m);
    }
  });

  it('refuses, where the body removes the folder before the copy, for the export build\'s folder mode only, not for the nesting', () => {
    // Called twice, the artifact stays on the host through an export build, which would write
    // dist with the export stage's mode (src/plan/export-build.ts): refused for that reason
    // alone; the copy's nesting is known (the body removes dist first).
    const plan = planFiles(repo(extract(['rm -rf dist']), ['image', 'image']));
    expect(plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['ARTIFACT_USED_ON_HOST']);
    expect(plan.setups[0]!.diagnostics.find((d) => d.code === 'ARTIFACT_USED_ON_HOST')?.message).toContain("the exporter gives it the export stage's mode");
  });
});
