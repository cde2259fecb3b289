/**
 * Files the removed commands wrote through a redirect (src/plan/removed-outputs.ts): a command
 * that stays and reads one refuses the setup; one nothing reads is no longer written.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const repo = (lines: string[]) => ({
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -eu', ...lines, ''].join('\n'),
});
const BUILD = 'docker build -t app:build -f Dockerfile.build .';
const EXTRACT = ['docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x'];
const RUN = 'docker build -t app:latest .';

const codes = (lines: string[]) => {
  const plan = planFiles(repo(lines));
  expect(plan.setups).toHaveLength(1);
  return { status: plan.setups[0]!.status, used: plan.setups[0]!.diagnostics.filter((d) => d.code === 'REMOVED_OUTPUT_USED') };
};

describe('files the removed commands wrote', () => {
  it('a later read of a log the builder build wrote refuses, at the reading line', () => {
    const r = codes([`${BUILD} > build.log 2>&1`, ...EXTRACT, RUN, 'grep -c Step build.log']);
    expect(r.status).toBe('refused');
    expect(r.used.map((d) => [d.line, d.severity])).toEqual([[8, 'error']]);
    expect(r.used[0]!.message).toMatch(/uses build\.log, but it was written by `docker build -t app:build -f Dockerfile\.build \.` \(build\.sh:3\)/);
  });

  it('a pack of the folder holding it, and an append to it, refuse too', () => {
    expect(codes([`${BUILD} > logs/build.log`, ...EXTRACT, RUN, 'tar czf logs.tgz logs']).used).toHaveLength(1);
    expect(codes([`${BUILD} >> build.log`, ...EXTRACT, RUN, 'echo done >> build.log']).used).toHaveLength(1);
  });

  it('a log nothing reads afterwards, /dev/null and descriptor moves migrate', () => {
    expect(codes([`${BUILD} > build.log 2>&1`, ...EXTRACT, RUN, 'echo built']).status).toBe('migrate');
    expect(codes([`${BUILD} > /dev/null 2>&1`, ...EXTRACT, RUN, 'cat notes.txt']).status).toBe('migrate');
    // Read before it was written: no use of what the removed command wrote.
    expect(codes(['cat build.log || true', `${BUILD} > build.log`, ...EXTRACT, RUN]).status).toBe('migrate');
  });

  it('a removed command writing to a path only known at run time refuses', () => {
    const r = codes([`${BUILD} > "$LOG"`, ...EXTRACT, RUN]);
    expect(r.status).toBe('refused');
    expect(r.used[0]!.message).toMatch(/only known at run time/);
  });
});

describe('files the removed commands wrote, taken by a CI step', () => {
  it('a GitHub step uploading the builder build\'s log refuses; one uploading another file does not', () => {
    const workflow = (path: string) => ({
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
      'main.go': 'package main\n',
      '.github/workflows/image.yml': ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '      - run: |', '          docker build -t app:build -f Dockerfile.build . > build.log 2>&1', '          docker create --name x app:build', '          docker cp x:/out/app ./app', '          docker rm x', '          docker build -t app:latest .', '      - uses: actions/upload-artifact@v4', '        with:', `          path: ${path}`, ''].join('\n'),
    });
    const refused = planFiles(workflow('build.log'));
    expect(refused.setups[0]!.status).toBe('refused');
    expect(refused.setups[0]!.diagnostics.find((d) => d.code === 'REMOVED_OUTPUT_USED')?.message).toMatch(/actions\/upload-artifact@v4.*reads build\.log, but it was written by `docker build/);
    expect(planFiles(workflow('notes.txt')).setups[0]!.status).toBe('migrate');
  });
});
