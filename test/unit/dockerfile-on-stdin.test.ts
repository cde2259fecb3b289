/**
 * A build that reads its Dockerfile from standard input (`-f -`) names no path for the
 * migration to merge, delete or build: refused with DOCKERFILE_ON_STDIN, which says how to
 * write it (src/analyze/dockerfile-access.ts), not with a DOCKERFILE_MISSING naming a file `-`.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY relay /usr/local/bin/relay\nCMD ["relay"]\n',
  'main.go': 'package main\n',
};
const script = (builder: string, runtime = 'docker build -t relay:latest .') => ['#!/bin/sh', 'set -e', builder, 'docker create --name relay-x relay:build', 'docker cp relay-x:/out/relay ./relay', 'docker rm relay-x', runtime, ''].join('\n');

function errors(build: string) {
  const plan = planFiles({ ...FILES, 'build.sh': build });
  return plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, line: d.line, message: d.message, hint: d.hint })));
}

describe('a Dockerfile on standard input', () => {
  it('refuses the builder build fed its Dockerfile by a redirect, naming the path to write', () => {
    const [e, ...rest] = errors(script('docker build -t relay:build -f - . < Dockerfile.build'));
    expect(rest).toEqual([]);
    expect(e).toMatchObject({ code: 'DOCKERFILE_ON_STDIN', line: 3 });
    expect(e!.message).toContain('the builder build reads its Dockerfile from standard input (`-f - < Dockerfile.build`)');
    expect(e!.hint).toContain('Write `-f Dockerfile.build` instead of `-f - < Dockerfile.build`');
  });

  it('refuses a later build that may be the runtime build', () => {
    const found = errors(script('docker build -t relay:build -f Dockerfile.build .', 'docker build -t relay:latest -f - . < Dockerfile'));
    expect(found.map((e) => [e.code, e.line])).toEqual([['DOCKERFILE_ON_STDIN', 7]]);
    expect(found[0]!.message).toContain('the runtime build reads its Dockerfile from standard input');
  });

  it('migrates the same setup with the path written', () => {
    expect(errors(script('docker build -t relay:build -f Dockerfile.build .'))).toEqual([]);
  });
});
