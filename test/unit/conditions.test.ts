/**
 * Conditional steps: a setup migrates only when its builder build, extraction, runtime build and
 * cleanup run on the same paths through the script; otherwise it is refused (CONDITIONAL_STEP).
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const BUILD = 'docker build -t app:build -f Dockerfile.build .';
const EXTRACT = ['docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x'];
const FINAL = 'docker build -t app:latest .';

const plan = (lines: string[], extra: Record<string, string> = {}) => planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', 'build.sh': ['#!/bin/sh', 'set -e', ...lines, ''].join('\n'), ...extra });
const errorCodes = (p: Plan) => p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
const migrates = (p: Plan) => {
  expect(p.setups).toHaveLength(1);
  expect(errorCodes(p)).toEqual([]);
  expect(p.setups[0]!.status).toBe('migrate');
};
const conditional = (p: Plan) => {
  expect(p.setups).toHaveLength(1);
  expect(errorCodes(p)).toEqual(['CONDITIONAL_STEP']);
  expect(p.changes).toEqual([]);
  return p.setups[0]!.diagnostics.find((d) => d.code === 'CONDITIONAL_STEP')!;
};

describe('steps on different paths are refused', () => {
  it('a builder extracted in both branches of an elif: CONDITIONAL_STEP, not GENERATED_DOCKERFILE_INVALID', () => {
    const d = conditional(plan([BUILD, 'if [ "$MODE" = a ]; then', ...EXTRACT, 'elif [ "$MODE" = b ]; then', 'docker create --name y app:build', 'docker cp y:/out/app ./app', 'docker rm y', 'fi', FINAL]));
    expect(d).toMatchObject({ file: 'build.sh', line: 5 });
    expect(d.message).toContain('runs only in an if/elif/else branch');
    expect(d.message).toContain('another branch of the same `if` also takes files out of a container, at line 9');
  });

  it('the same extraction in the if and else branches is refused, and the message says why', () => {
    const d = conditional(plan([BUILD, 'if [ -n "$CI" ]; then', ...EXTRACT, 'else', ...EXTRACT, 'fi', FINAL]));
    expect(d.message).toContain('another branch of the same `if` also takes files out of a container, at line 9');
    // An if whose other branch copies nothing says nothing of it.
    expect(conditional(plan([BUILD, 'if [ -n "$CI" ]; then', ...EXTRACT, 'else', 'echo skip', 'fi', FINAL])).message).not.toContain('another branch');
  });

  it('an extraction only in an if body, the builder and runtime builds on every path', () => {
    conditional(plan([BUILD, 'if [ ! -f app ]; then', ...EXTRACT, 'fi', FINAL]));
  });

  it('a runtime build only in an if body', () => {
    const d = conditional(plan([BUILD, ...EXTRACT, 'if [ -n "$RELEASE" ]; then', FINAL, 'fi']));
    expect(d.message).toMatch(/^the setup's steps do not all run on the same paths: the runtime build `docker build -t app:latest \.` \(build\.sh:8\) runs only in an if\/elif\/else branch/);
  });

  it('a copy after a test in an && list, or after ||', () => {
    const and = conditional(plan([BUILD, EXTRACT[0]!, `[ -d out ] && ${EXTRACT[1]}`, EXTRACT[2]!, FINAL]));
    expect(and.message).toContain('after a test in an `&&` list');
    const or = conditional(plan([BUILD, EXTRACT[0]!, `test -f app || ${EXTRACT[1]}`, EXTRACT[2]!, FINAL]));
    expect(or.message).toContain('after `||`');
  });

  it('an extraction in one case item, the runtime build in none', () => {
    conditional(plan([BUILD, 'case "$1" in', '  fresh)', ...EXTRACT.map((l) => `    ${l}`), '    ;;', 'esac', FINAL]));
  });

  it('a cleanup that only runs in some runs', () => {
    conditional(plan([BUILD, ...EXTRACT, FINAL, 'if [ -n "$CLEAN" ]; then rm app; fi']));
  });

  it('an if in one Makefile recipe line is not the if of another', () => {
    const make = 'image:\n\tif [ -n "$$X" ]; then docker build -t app:build -f Dockerfile.build .; fi\n\tif [ -n "$$X" ]; then docker create --name x app:build; fi\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\tdocker build -t app:latest .\n';
    const p = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Makefile: make });
    expect(errorCodes(p)).toEqual(['CONDITIONAL_STEP']);
  });
});

describe('steps on the same paths migrate', () => {
  it('every step in the same case item', () => {
    migrates(plan(['case "${1:-all}" in', '  all|image)', `    ${BUILD}`, ...EXTRACT.map((l) => `    ${l}`), `    ${FINAL}`, '    ;;', 'esac']));
  });

  it('every step in the same if body', () => {
    migrates(plan(['if [ -z "$SKIP_IMAGE" ]; then', BUILD, ...EXTRACT, FINAL, 'fi']));
  });

  it('&& lists that only wait on the setup\'s own steps or on commands expected to succeed', () => {
    migrates(plan([`${BUILD} && ${EXTRACT.join(' && ')}`, `cd . && ${FINAL}`]));
  });

  it('a test of the container id the extraction captured', () => {
    migrates(plan([BUILD, 'cid=$(docker create app:build)', '[ -n "$cid" ] && docker cp "$cid":/out/app ./app', 'docker rm "$cid"', FINAL]));
  });

  it('a test the repository decides: a file it holds, that no earlier command names', () => {
    migrates(plan([BUILD, 'if [ -f main.go ]; then docker create --name x app:build; fi', 'if [ ! -f main.go ]; then exit 1; else docker cp x:/out/app ./app; fi', EXTRACT[2]!, FINAL]));
    // A file the script itself touches first is not decided by the repository.
    conditional(plan(['rm -f main.go', BUILD, 'if [ -f main.go ]; then docker create --name x app:build; fi', EXTRACT[1]!, EXTRACT[2]!, FINAL]));
    // Nor is a file the repository does not hold (the branch never runs).
    conditional(plan([BUILD, 'if [ -f missing.go ]; then docker create --name x app:build; fi', EXTRACT[1]!, EXTRACT[2]!, FINAL]));
  });
});

describe('a command run under `!` inverts what decides the step', () => {
  it('a step after `! cmd &&` runs when cmd fails: never after `! echo`, so it is no unconditional step', () => {
    const d = conditional(plan([BUILD, ...EXTRACT, `! echo releasing && ${FINAL}`]));
    expect(d.message).toContain('after a command run under `!`');
    migrates(plan([BUILD, ...EXTRACT, `echo releasing && ${FINAL}`]));
  });

  it('`if ! TEST` is taken when the repository makes TEST fail, and not when it makes TEST succeed', () => {
    // The repository holds Dockerfile: `! [ -f Dockerfile ]` is false, and the extraction never ran.
    conditional(plan([BUILD, 'if ! [ -f Dockerfile ]; then', ...EXTRACT, 'fi', FINAL]));
    // No file `stamp`: `! [ -f stamp ]` holds, so the extraction always runs.
    migrates(plan([BUILD, 'if ! [ -f stamp ]; then', ...EXTRACT, 'fi', FINAL]));
  });
});
