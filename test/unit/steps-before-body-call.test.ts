/**
 * A setup read in a function's body, where it is defined: a top-level command between that
 * body and the function's one call runs before the whole setup. It is no later use of what the
 * body extracts (a guarded `mkdir` of the folder it lands in, `prepare` making it), and no copy
 * of it into place.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\n';
const BODY = ['build() {', '  docker build -t app:build -f Dockerfile.build .', '  docker create --name x app:build', '  docker cp x:/out/app ./out/app', '  docker rm x', '  docker build -t app:latest .', '}'];

const files = (lines: string[]) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', 'build.sh': ['#!/bin/sh', 'set -e', ...lines, ''].join('\n') });
const errors = (f: Record<string, string>) => planFiles(f).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

describe('top-level steps between the body holding the setup and its call', () => {
  it('a guarded mkdir of the landing folder, in a function called first, runs before the extraction: it migrates with no export', () => {
    const f = files(['prepare() {', '  [ -d out ] || mkdir out', '}', ...BODY, 'prepare', 'build']);
    const plan = planFiles(f);
    expect(errors(f)).toEqual([]);
    expect(applied(f, plan)['build.sh']).toBe(['#!/bin/sh', 'set -e', 'prepare() {', '  [ -d out ] || mkdir out', '}', 'build() {', '  docker build -t app:latest .', '}', 'prepare', 'build', ''].join('\n'));
  });

  it('so does the guarded mkdir written on the top level itself', () => {
    expect(errors(files([...BODY, '[ -d out ] || mkdir out', 'build']))).toEqual([]);
  });

  it('a use after the call is still one: the file stays on the host through an export stage', () => {
    const f = files(['mkdir -p out', ...BODY, 'build', 'sha256sum out/app']);
    const plan = planFiles(f);
    expect(errors(f)).toEqual([]);
    expect(applied(f, plan)['build.sh']).toContain('--target export');
  });

  it('in a `main` function calling both, the steps before the call of the setup\'s function run first too', () => {
    const f = files(['prepare() {', '  [ -d out ] || mkdir out', '}', ...BODY, 'main() {', '  prepare', '  build', '}', 'main "$@"']);
    expect(errors(f)).toEqual([]);
    expect(applied(f, planFiles(f))['build.sh']).toContain('build() {\n  docker build -t app:latest .\n}\nmain() {\n  prepare\n  build\n}\nmain "$@"\n');
    // a use after the call, in main, still keeps the file on the host (here refused: no folder made for the export)
    expect(errors(files(['prepare() {', '  [ -d out ] || mkdir out', '}', ...BODY, 'main() {', '  prepare', '  build', '  sha256sum out/app', '}', 'main "$@"']))).toContain('ARTIFACT_USED_ON_HOST');
    // main defined before the setup's body: its later steps stand before the extraction, so its call is read as a use
    expect(errors(files(['prepare() {', '  [ -d out ] || mkdir out', '}', 'main() {', '  prepare', '  build', '}', ...BODY, 'main "$@"']))).toContain('ARTIFACT_USED_ON_HOST');
  });

  it('a command in a branch is not read as running first', () => {
    expect(errors(files([...BODY, 'if [ -n "$CI" ]; then [ -d out ] || mkdir out; fi', 'build']))).toContain('ARTIFACT_USED_ON_HOST');
  });
});
