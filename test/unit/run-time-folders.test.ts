/**
 * A folder change whose path is only known at run time: `mkdir -p "$OUT"` with OUT from the
 * environment (a caller's `OUT=dist ./build.sh`), from a sourced file or a `read`, may make
 * the very folder `docker cp x:/out/app dist` copies onto; docker cp then lands the file at
 * dist/app, and the runtime `COPY dist …` copies a folder, where `COPY --from` would copy the
 * file. Where the copy lands is not known: the setup is refused (ARTIFACT_DEST_EXISTS).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY dist /usr/local/bin/app\n';
const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app dist', 'docker rm x', 'docker build -t app:latest .'];

const repo = (pre: string[], extra: Record<string, string> = {}) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -e', ...pre, ...STEPS, ''].join('\n'),
  ...extra,
});

const verdict = (files: Record<string, string>) => {
  const s = planFiles(files).setups[0]!;
  return [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}:${d.line}`)];
};

describe('a folder made or removed at a path only known at run time', () => {
  it('mkdir of a variable from the environment, or rm -rf of one: refused at the copy', () => {
    for (const pre of [['mkdir -p "$OUT"'], ['mkdir "${OUT}"'], ['mkdir -p dist', 'rm -rf "$OUT"'], ['cp -r assets "$OUT"']]) {
      expect(verdict(repo(pre, { 'assets/x': 'x\n' })), pre.join('; ')).toEqual(['refused', [`ARTIFACT_DEST_EXISTS:${pre.length + 5}`]]);
    }
  });

  it('a variable the script set before a sourced file or a read: its value is no longer known', () => {
    const env = { 'env.sh': 'OUT=dist\n', 'out.txt': 'dist\n' };
    for (const change of ['. ./env.sh', 'source ./env.sh', 'read -r OUT < out.txt', 'read -p "where? " OUT < out.txt']) {
      const pre = ['OUT=build', change, 'mkdir -p "$OUT"'];
      expect(verdict(repo(pre, env)), change).toEqual(['refused', ['ARTIFACT_DEST_EXISTS:8']]);
    }
  });

  it('still migrates for a path outside the repository, a read of another name, or a variable set after the source', () => {
    for (const pre of [['mkdir -p "$HOME/.cache/app"'], ['mkdir -p "/tmp/$USER"'], ['OUT=build', 'read -r OTHER < out.txt', 'mkdir -p "$OUT"'], ['. ./env.sh', 'OUT=build', 'mkdir -p "$OUT"']]) {
      expect(verdict(repo(pre, { 'env.sh': 'X=1\n', 'out.txt': 'x\n' })), pre.join('; ')).toEqual(['migrate', []]);
    }
  });
});
