/**
 * `cp -r extras app`, `mv`, `ln -s` or `install -d` before `docker cp x:/out/app ./app` may
 * leave a folder at app, and docker cp then lands the file at app/app, which the runtime
 * `COPY app …` reads as a folder. Where the copy lands is not known: the setup is refused, in a
 * body run once and in one run more than once.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const BODY = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];

const repo = (pre: string, calls: string[]) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  'extras/motd': 'hi\n',
  'assets/app/motd': 'hi\n',
  'build.sh': ['#!/bin/sh', 'set -e', 'image() {', ...BODY.map((l) => `  ${l}`), '}', pre, ...calls, ''].join('\n'),
});

// the last two copy assets/app into ., where it keeps its name
const PRE = ['cp -r extras app', 'cp -a extras app', 'mv extras app', 'ln -s extras app', 'install -d app', 'cp -r assets/app .', 'cp -r -t . assets/app'];

describe('a copy, move or link that may leave a folder where docker cp copies', () => {
  for (const calls of [['image'], ['image', 'image']]) {
    it(`refuses, called ${calls.length} time(s)`, () => {
      for (const pre of PRE) {
        const s = planFiles(repo(pre, calls)).setups[0]!;
        expect(s.status, `${pre}; ${calls.join('; ')}`).toBe('refused');
        expect(s.diagnostics.map((d) => d.code), pre).toContain('ARTIFACT_DEST_EXISTS');
      }
    });
  }

  it('still migrates when the copy or move names other paths, or a cp without -r (which copies no folder) names the destination', () => {
    for (const pre of ['cp -r extras assets', 'mv extras assets', 'cp README app.txt', 'cp README app']) {
      const files = { ...repo(pre, ['image']), README: 'x\n' };
      expect(planFiles(files).setups[0]!.status, pre).toBe('migrate');
    }
  });
});
