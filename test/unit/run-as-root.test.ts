/**
 * A run-time build run as root (`docker run --user root …` in a builder image whose USER
 * cannot write the build's output): the build step runs as root, between `USER root` and the
 * stage's own USER written again, so the stage ends as the image did. Where that user cannot be
 * written again (a USER with a variable, none in an image that is not known to run as root), or
 * the run is another user, it refuses saying why.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { applied, planFiles } from '../support/plan.js';

const builder = (tail: string, from = 'golang:1.21') => `FROM ${from}\nWORKDIR /src\nCOPY main.go .\n${tail}`;
const files = (run: string, tail: string, from?: string) => ({
  'Dockerfile.build': builder(tail, from),
  Dockerfile: 'FROM alpine:3.19\nCOPY out/tally /usr/local/bin/tally\nCMD ["tally"]\n',
  'main.go': 'package main\n',
  'build.sh': `#!/bin/sh\nset -e\ndocker build -t tally:build -f Dockerfile.build .\nmkdir -p out\ndocker run --rm ${run} -v "$PWD/out:/out" tally:build go build -o /out/tally .\ndocker build -t tally:latest .\n`,
});
const errors = (plan: Plan) => plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));

function builderStage(run: string, tail: string, from?: string): string {
  const all = files(run, tail, from);
  const plan = planFiles(all);
  expect(errors(plan).map((d) => d.message)).toEqual([]);
  const out = applied(all, plan)['Dockerfile']!;
  return out.slice(0, out.indexOf('\n\nFROM alpine'));
}

describe('a run-time build run as root', () => {
  it('runs the build step as root, then as the stage\'s USER again', () => {
    expect(builderStage('--user root', 'USER nobody\n')).toBe(
      `${builder('USER nobody\n')}USER root\nRUN ["mkdir", "-p", "/out"]\nRUN ["go", "build", "-o", "/out/tally", "."]\nUSER nobody`.replace('FROM golang:1.21', 'FROM golang:1.21 AS builder'),
    );
  });

  it('takes `-u 0:0` and a numeric USER alike', () => {
    const stage = builderStage('-u 0:0', 'USER 65534:65534\n');
    expect(stage).toMatch(/\nUSER 0:0\nRUN \["mkdir", "-p", "\/out"\]\nRUN \["go", "build", "-o", "\/out\/tally", "\."\]\nUSER 65534:65534$/);
  });

  it('writes no USER when the stage runs as root all along (an official image, no USER in the file)', () => {
    expect(builderStage('--user root', '')).toMatch(/COPY main\.go \.\nRUN \["mkdir", "-p", "\/out"\]\nRUN \["go", "build", "-o", "\/out\/tally", "\."\]$/);
  });

  it.each([
    ['--user root', 'ARG U=nobody\nUSER $U\n', undefined, 'the builder runs with --user root, and its USER $U is not literal, so the user its stage must return to after the build step cannot be written'],
    ['--user root', 'ENTRYPOINT []\n', 'example/toolchain:1', 'the builder runs with --user root, and Dockerfile.build declares no USER (the one example/toolchain:1 runs as is not known), so the user its stage must return to after the build step cannot be written'],
    ['--user 1000', 'USER nobody\n', undefined, 'the builder runs with `--user 1000`: only `--user root` is migrated (as `USER root` around the build step), another user\'s home, groups and file owners in a build step are not proven the same'],
    ['-u "$(id -u)"', 'USER nobody\n', undefined, 'the builder runs with `--user "$(id -u)"`, a user only known at run time (the host user, usually): only `--user root` is migrated (as `USER root` around the build step), another user\'s home, groups and file owners in a build step are not proven the same'],
  ])('refuses `%s` when it cannot be exact', (run, tail, from, message) => {
    const plan = planFiles(files(run, tail, from));
    expect(errors(plan).filter((d) => d.code === 'BUILD_AT_RUN_TIME').map((d) => [d.line, d.message])).toEqual([[5, message]]);
  });
});
