/**
 * A file sourced between the builder build and the final build sets variables from there on;
 * merged, the compile runs in the final build, so a variable the builder build read would reach
 * it with the new value (src/plan/sourced-variables.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM busybox:latest\nARG VERSION=dev\nRUN mkdir -p /out && printf %s "$VERSION" > /out/app\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
const codes = (p: ReturnType<typeof planFiles>) => p.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const plan = (builderFlags: string, sourced: Record<string, string>, at: 'between' | 'before' = 'between') =>
  planFiles({
    ...DOCKERFILES,
    ...sourced,
    'build.sh': ['#!/bin/sh', 'set -e', ...(at === 'before' ? ['. ./env.sh'] : []), `docker build ${builderFlags}-t app:build -f Dockerfile.build .`, ...(at === 'between' ? ['. ./env.sh'] : []), 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .', 'rm ./app', ''].join('\n'),
  });

describe('a file sourced between the builder build and the final build', () => {
  it('refuses when it sets a variable a builder flag passes from the environment or reads', () => {
    const p = plan('--build-arg VERSION ', { 'env.sh': 'export VERSION=1.2.3\n' });
    expect(codes(p)).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(p.setups[0]!.diagnostics.find((d) => d.code === 'FLAG_CONFLICT')!.message).toContain('sources env.sh, which sets $VERSION');
    expect(codes(plan('--build-arg "VERSION=$VERSION" ', { 'env.sh': 'VERSION=1.2.3\n' }))).toEqual([['refused', 'FLAG_CONFLICT']]);
  });

  it('refuses when it sets a variable docker reads when it builds', () => {
    expect(codes(plan('', { 'env.sh': 'export DOCKER_DEFAULT_PLATFORM=linux/arm64\n' }))).toEqual([['refused', 'FLAG_CONFLICT']]);
  });

  it('refuses when it sources another file, which may set anything', () => {
    expect(codes(plan('--build-arg VERSION ', { 'env.sh': '. ./more.sh\n', 'more.sh': 'export VERSION=2\n' }))).toEqual([['refused', 'FLAG_CONFLICT']]);
  });

  it('migrates when it sets only names the compile does not read, or stands before the builder build', () => {
    expect(codes(plan('--build-arg VERSION ', { 'env.sh': 'export REGISTRY=example.org\n' }))).toEqual([['migrate']]);
    expect(codes(plan('--build-arg VERSION ', { 'env.sh': 'export VERSION=1.2.3\n' }, 'before'))).toEqual([['migrate']]);
  });
});

const ps = (callee: string, call: string) =>
  planFiles({
    ...DOCKERFILES,
    'ci-env.ps1': callee,
    'build.ps1': ['docker build --build-arg VERSION -t app:build -f Dockerfile.build .', 'if ($LASTEXITCODE -ne 0) { exit 1 }', call, 'docker create --name extract app:build', 'docker cp extract:/out/app ./app', 'docker rm extract', 'docker build -t app:latest .', 'if ($LASTEXITCODE -ne 0) { exit 1 }', 'Remove-Item ./app', ''].join('\n'),
  });

describe('a PowerShell script run or dot-sourced between the builder build and the final build', () => {
  it('refuses when it sets an environment variable the builder build passes on, run or dot-sourced (the environment is the process\'s)', () => {
    expect(codes(ps("$env:VERSION = '1.2.3'\n", '. ./ci-env.ps1'))).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(codes(ps("$env:VERSION = '1.2.3'\n", '& ./ci-env.ps1'))).toEqual([['refused', 'FLAG_CONFLICT']]);
  });

  it('refuses when it sets a variable docker reads when it builds', () => {
    expect(codes(ps("$env:DOCKER_DEFAULT_PLATFORM = 'linux/arm64'\n", '. ./ci-env.ps1'))).toEqual([['refused', 'FLAG_CONFLICT']]);
  });

  it('migrates when it sets other names only', () => {
    expect(codes(ps("$env:REGISTRY = 'example.org'\n$Version = '2'\n", '. ./ci-env.ps1'))).toEqual([['migrate']]);
  });
});
