/**
 * An alias shadows a step's program only where the shell expands it: bash running a script
 * expands none unless `shopt -s expand_aliases` or POSIX mode turns expansion on, while dash
 * (the usual `sh`) expands them in scripts too. So the interpreter the script really runs under
 * decides: its `#!` line, and how its callers run it.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
const ALIAS = "alias docker='docker --log-level warn'";

const codes = (files: Record<string, string>) =>
  planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', ...files }).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
const script = (shebang: string, lines: string[]) => [shebang, 'set -e', ...lines, ...STEPS, ''].join('\n');

describe('an alias bash never expands shadows nothing', () => {
  it('in a script bash runs as its #! line says, run by hand, as ./build.sh or as bash build.sh', () => {
    for (const shebang of ['#!/bin/bash', '#!/usr/bin/env bash', '#!/bin/bash -e']) expect(codes({ 'build.sh': script(shebang, [ALIAS]) }), shebang).toEqual([]);
    expect(codes({ 'build.sh': script('#!/bin/bash', [ALIAS]), Makefile: 'image:\n\t./build.sh\n' })).toEqual([]);
    expect(codes({ 'build.sh': script('#!/bin/bash', [ALIAS]), Makefile: 'image:\n\tbash build.sh\n' })).toEqual([]);
    const workflow = 'on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ./build.sh\n';
    expect(codes({ 'build.sh': script('#!/bin/bash', [ALIAS]), '.github/workflows/image.yml': workflow })).toEqual([]);
  });
});

describe('an alias that may be expanded still shadows the command', () => {
  const shadowed = (files: Record<string, string>) => expect(codes(files)).toContain('COMMAND_SHADOWED');

  it('under sh (dash expands aliases in scripts), or without a #! line', () => {
    shadowed({ 'build.sh': script('#!/bin/sh', [ALIAS]) });
    shadowed({ 'build.sh': ['set -e', ALIAS, ...STEPS, ''].join('\n') });
    shadowed({ 'build.sh': script('#!/bin/bash --posix', [ALIAS]) });
  });

  it('when the script may turn expansion on', () => {
    for (const on of ['shopt -s expand_aliases', 'set -o posix', 'export POSIXLY_CORRECT=1', '. ./ci-env.sh', 'eval "$SETUP"']) shadowed({ 'build.sh': script('#!/bin/bash', [on, ALIAS]), 'ci-env.sh': 'true\n' });
  });

  it('when a caller runs it with sh, with options that may expand aliases, or sources it', () => {
    shadowed({ 'build.sh': script('#!/bin/bash', [ALIAS]), Makefile: 'image:\n\tsh build.sh\n' });
    shadowed({ 'build.sh': script('#!/bin/bash', [ALIAS]), Makefile: 'image:\n\tbash -O expand_aliases build.sh\n' });
    shadowed({ 'build.sh': script('#!/bin/bash', [ALIAS]), 'ci.sh': '#!/bin/sh\n. ./build.sh\n' });
    shadowed({ 'build.sh': script('#!/bin/bash', [ALIAS]), Makefile: 'image:\n\tsudo bash build.sh\n' });
    // Named where the tool cannot tell how it runs: a README, a comment, a file it does not read.
    shadowed({ 'build.sh': script('#!/bin/bash', [ALIAS]), 'README.md': 'Run `sh build.sh`.\n' });
    shadowed({ 'build.sh': script('#!/bin/bash', [ALIAS]), Makefile: '# sh build.sh also works\nimage:\n\t./build.sh\n' });
  });

  it('a function shadows under any shell', () => {
    shadowed({ 'build.sh': script('#!/bin/bash', ['docker() { command docker "$@"; }']) });
  });
});
