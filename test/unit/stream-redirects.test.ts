/**
 * A stream extraction writes exactly the file only when its redirects send the container's
 * standard output, and nothing else, into the file (or down the pipe to `tar -x`), and no
 * ENTRYPOINT of the builder image runs in front of its command.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const GO = 'package main\n\nfunc main() {}\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';
const TAR_RUNTIME = 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\n';
const builder = (from = 'golang:1.21', tail = '') => `FROM ${from}\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n${tail}`;
const script = (run: string, shell = 'sh') => `#!/bin/${shell}\nset -e\ndocker build -t app:build -f Dockerfile.build .\n${run}\ndocker build -t app .\nrm -rf app out\n`;
const repo = (run: string, opts: { runtime?: string; from?: string; tail?: string; shell?: string } = {}) => ({
  'main.go': GO,
  Dockerfile: opts.runtime ?? RUNTIME,
  'Dockerfile.build': builder(opts.from, opts.tail),
  'build.sh': script(run, opts.shell),
});
const errors = (f: Record<string, string>) => {
  const plan = planFiles(f);
  expect(plan.setups.length, 'the setup is found').toBe(1);
  return plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.line]));
};
const CAT = 'docker run --rm app:build cat /out/app';
const TAR = 'docker run --rm app:build tar -C /out -c app';

describe('the redirects around a cat stream', () => {
  for (const [name, run] of [
    ['standard error joins the file (> f 2>&1)', `${CAT} > app 2>&1`],
    ['standard error opens the file a second time (2> f > f)', `${CAT} 2> app > app`],
    ['standard error is appended to the same file (> f 2>> f)', `${CAT} > app 2>> app`],
  ] as const) {
    it(`refuses when ${name} (STREAM_STDERR)`, () => {
      expect(errors(repo(run))).toEqual([['STREAM_STDERR', 4]]);
    });
  }

  it('does not migrate when a later redirect takes standard output away (> f > /dev/null): no stream into the file', () => {
    const plan = planFiles(repo(`${CAT} > app > /dev/null`));
    expect(plan.setups.every((s) => s.status !== 'migrate')).toBe(true);
    expect(plan.changes).toEqual([]);
  });

  for (const [name, run] of [
    ['standard error goes elsewhere (2>/dev/null)', `${CAT} > app 2>/dev/null`],
    ['standard error is pointed at the terminal first (2>&1 > f)', `${CAT} 2>&1 > app`],
    ['standard error goes to a log', `${CAT} > app 2> build.log`],
    ['standard output is sent to standard error, then to the file', `${CAT} >&2 > app`],
  ] as const) {
    it(`migrates when ${name}`, () => {
      expect(errors(repo(run))).toEqual([]);
    });
  }
});

describe('the redirects around a tar pipe', () => {
  const tar = (run: string, shell?: string) => repo(`mkdir -p out\n${run}`, { runtime: TAR_RUNTIME, ...(shell ? { shell } : {}) });
  for (const [name, run, shell] of [
    ['standard error joins the pipe (2>&1 |)', `${TAR} 2>&1 | tar -x -C out`, undefined],
    ['standard error joins the pipe (|&)', `${TAR} |& tar -x -C out`, 'bash'],
  ] as const) {
    it(`refuses when ${name} (STREAM_STDERR)`, () => {
      expect(errors(tar(run, shell))).toEqual([['STREAM_STDERR', 5]]);
    });
  }

  it('does not migrate when standard output goes elsewhere (> /dev/null |): no archive went down the pipe', () => {
    const plan = planFiles(tar(`${TAR} > /dev/null | tar -x -C out`));
    expect(plan.setups.every((s) => s.status !== 'migrate')).toBe(true);
    expect(plan.changes).toEqual([]);
  });

  it('migrates when standard error goes elsewhere (2>/dev/null |)', () => {
    expect(errors(tar(`${TAR} 2>/dev/null | tar -x -C out`))).toEqual([]);
  });
});

describe('an ENTRYPOINT in front of the stream\'s command', () => {
  const WRAPPER = 'ENTRYPOINT ["/bin/sh", "-c", "echo starting; exec \\"$@\\"", "--"]\n';
  it('refuses a cat run behind the builder stage\'s ENTRYPOINT, which printed into the file too (STREAM_ENTRYPOINT)', () => {
    expect(errors(repo(`${CAT} > app`, { tail: WRAPPER }))).toEqual([['STREAM_ENTRYPOINT', 4]]);
  });

  it('refuses a tar pipe behind it', () => {
    expect(errors(repo(`mkdir -p out\n${TAR} | tar -x -C out`, { runtime: TAR_RUNTIME, tail: WRAPPER }))).toEqual([['STREAM_ENTRYPOINT', 5]]);
  });

  it('refuses a base image that may have an ENTRYPOINT the tool cannot see', () => {
    expect(errors(repo(`${CAT} > app`, { from: 'example/toolchain:1' }))).toEqual([['STREAM_ENTRYPOINT', 4]]);
  });

  for (const [name, run, tail] of [
    ['--entrypoint on the line replaces it', `docker run --rm --entrypoint cat app:build /out/app > app`, WRAPPER],
    ['an empty --entrypoint clears it', `docker run --rm --entrypoint "" app:build cat /out/app > app`, WRAPPER],
    ['ENTRYPOINT [] clears it', `${CAT} > app`, 'ENTRYPOINT []\n'],
    ['an official image known to declare none', `${CAT} > app`, ''],
  ] as const) {
    it(`migrates when ${name}`, () => {
      expect(errors(repo(run, { tail }))).toEqual([]);
    });
  }
});
