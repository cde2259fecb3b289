/**
 * Build arguments that reach stages without an ARG (src/plan/build-flags.ts undeclaredReach):
 * a `BUILDKIT_*` one is an option of the whole build, and `SOURCE_DATE_EPOCH` sets the final
 * image's timestamps. Given to one old build only, the one merged build would now give it to
 * the other's stages too: ARG_LEAK. A proxy argument reaches every RUN as well, but changes
 * how it fetches, not what it builds (the Docker documentation's href-counter passes one to its
 * builder build only).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nRUN apk add --no-cache ca-certificates\nCOPY app /usr/local/bin/app\n';

const codes = (builderArgs: string, runtimeArgs: string) => {
  const build = ['#!/bin/sh', 'set -e', `docker build ${builderArgs}-t app:build -f Dockerfile.build .`, 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', `docker build ${runtimeArgs}-t app:latest .`, ''].join('\n');
  const s = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', 'build.sh': build }).setups[0]!;
  return s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}:${d.line}`);
};

describe('build arguments that reach stages without an ARG', () => {
  it('given to the builder build only: refused where the final image or the whole build would now get them', () => {
    expect(codes('--build-arg SOURCE_DATE_EPOCH=0 ', '')).toEqual(['ARG_LEAK:3']);
    expect(codes('--build-arg BUILDKIT_INLINE_CACHE=1 ', '')).toEqual(['ARG_LEAK:3']);
  });

  it('given to the runtime build only: refused where the builder stage would now get them', () => {
    expect(codes('', '--build-arg BUILDKIT_SYNTAX=docker/dockerfile:1.7 ')).toEqual(['ARG_LEAK:7']);
  });

  it('no concern: the same value to both, the final build\'s own timestamps, a proxy argument', () => {
    expect(codes('--build-arg BUILDKIT_INLINE_CACHE=1 ', '--build-arg BUILDKIT_INLINE_CACHE=1 ')).toEqual([]);
    expect(codes('', '--build-arg SOURCE_DATE_EPOCH=0 ')).toEqual([]);
    expect(codes('--build-arg HTTPS_PROXY=http://proxy:3128 ', '')).toEqual([]);
  });
});
