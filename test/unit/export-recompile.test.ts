/**
 * An export build compiles the builder stage where the extraction was, and the final build
 * compiles it again unless it reuses that compile (src/plan/export-recompile.ts): under
 * `--no-cache` it does not, and a compile that is not reproducible leaves the host and the image
 * different files.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const SCRIPT = (builderFlags: string, finalFlags: string) =>
  ['#!/bin/sh', 'set -e', `docker build ${builderFlags}-t app:build -f Dockerfile.build .`, 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', `docker build ${finalFlags}-t app:latest .`, 'sha256sum app > app.sha256', ''].join('\n');
const plan = (builder: string, extra: Record<string, string> = {}, flags: [string, string] = ['', '']) =>
  planFiles({ 'Dockerfile.build': builder, Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n', 'main.go': 'package main\n', 'build.sh': SCRIPT(...flags), ...extra });
const codes = (p: ReturnType<typeof planFiles>) => p.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const NARROW = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';

describe('the export build and the final build compiling the builder stage apart', () => {
  it('migrates with an export build where the final build reuses the export build\'s compile', () => {
    const p = plan(NARROW);
    expect(codes(p)).toEqual([['migrate']]);
    expect(p.changes.find((c) => c.path === 'build.sh')?.after).toContain('--target export');
  });

  it('refuses --no-cache on either build: each compiles on its own', () => {
    expect(codes(plan(NARROW, {}, ['--no-cache ', '']))).toEqual([['refused', 'ARTIFACT_USED_ON_HOST']]);
    expect(codes(plan(NARROW, {}, ['', '--no-cache ']))).toEqual([['refused', 'ARTIFACT_USED_ON_HOST']]);
  });
});
