/**
 * The legacy builder (DOCKER_BUILDKIT=0, a docker before 23) builds every stage of a Dockerfile
 * up to its target, needed or not; BuildKit only those the target depends on. A builder build
 * with `--target` never built the builder file's later stages: merged, they stand before the
 * final stage, and the legacy builder would now build them (src/plan/build-flags.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21 AS build\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n\nFROM build AS test\nRUN go test ./...\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'main.go': 'package main\n',
};
const script = (first: string[], target = '--target build ') => ['#!/bin/sh', 'set -e', ...first, `docker build ${target}-t app:build -f Dockerfile.build .`, 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .', 'rm app', ''].join('\n');
const run = (files: Record<string, string>) => planFiles({ ...BASE, ...files }).setups;
const codes = (files: Record<string, string>) => run(files).map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);
const messages = (files: Record<string, string>) => run(files).flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`));

describe('stages after the builder build\'s --target under the legacy builder', () => {
  it('refuses where the script picks the legacy builder, naming the stage it would now build', () => {
    const files = { 'build.sh': script(['export DOCKER_BUILDKIT=0']) };
    expect(codes(files)).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
    expect(messages(files)).toContain('UNSUPPORTED_BUILD_FLAG the build runs with DOCKER_BUILDKIT=0 (the legacy builder); the legacy builder builds every stage of a Dockerfile up to its target: merged, it would also build stage `test` (Dockerfile.build:6), after the builder build\'s --target build, which the old builder build never built (a failing or slow RUN there would now stop or slow the final build)');
  });

  it('refuses where DOCKER_BUILDKIT is only known at run time, and on a Travis CI machine that sets none', () => {
    expect(codes({ 'build.sh': script(['export DOCKER_BUILDKIT="$BK"']) })).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
    const travis = `language: minimal\nservices:\n  - docker\nscript:\n${script([]).split('\n').slice(2, -1).map((l) => `  - ${l}`).join('\n')}\n`;
    expect(codes({ '.travis.yml': travis })).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
  });

  it('migrates with BuildKit, which skips those stages as the old build did, and without --target or a later stage', () => {
    expect(codes({ 'build.sh': script([]) })).toEqual([['migrate']]);
    expect(codes({ 'build.sh': script(['export DOCKER_BUILDKIT=1']) })).toEqual([['migrate']]);
    // the legacy builder built every stage of the builder file before too
    expect(codes({ 'build.sh': script(['export DOCKER_BUILDKIT=0'], '') })).toEqual([['migrate']]);
    expect(codes({ 'build.sh': script(['export DOCKER_BUILDKIT=0'], '--target test ') })).toEqual([['migrate']]);
  });

  it('migrates where both builds are `docker buildx build`, BuildKit whatever DOCKER_BUILDKIT says', () => {
    const buildx = script(['export DOCKER_BUILDKIT=0']).replace(/docker build /g, 'docker buildx build --load ');
    expect(codes({ 'build.sh': buildx })).toEqual([['migrate']]);
  });
});

