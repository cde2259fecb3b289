/**
 * A command after the final build that runs in another folder still reads the artifact by a
 * relative path (`sha256sum ../app` in release/): the folder is followed through `builtin cd`
 * and `command cd`, and where it is only known at run time (`cd "$DIR"`, a function that runs
 * `cd`) a relative path read there may be the artifact, so the export stage keeps it.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';
const script = (...after: string[]) =>
  ['#!/bin/bash', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .', 'mkdir -p release', ...after, ''].join('\n');
const exported = (...after: string[]) => {
  const plan = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', 'build.sh': script(...after) });
  expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
  return plan.changes.find((c) => c.path === 'Dockerfile')!.after!.includes('FROM scratch AS export');
};

describe('a read of the artifact from another folder after the final build', () => {
  for (const [name, lines] of [
    ['after `command cd release`', ['command cd release', 'sha256sum ../app > app.sha256']],
    ['after `builtin cd release`', ['builtin cd release', 'sha256sum ../app > app.sha256']],
    ['after `command -p cd release`', ['command -p cd release', 'sha256sum ../app > app.sha256']],
    ['after `cd "$RELEASE_DIR"` (a folder only known at run time)', ['cd "$RELEASE_DIR"', 'sha256sum ../app > app.sha256']],
    ['after a function that runs `cd`', ['to_release() { cd release; }', 'to_release', 'sha256sum ../app > app.sha256']],
    ['after a function that runs `builtin cd`', ['to_release() { builtin cd release; }', 'to_release', 'sha256sum ../app > app.sha256']],
    ['a move from a folder only known at run time', ['cd "$RELEASE_DIR"', 'mv ../app app-linux']],
  ] as const) {
    it(`keeps the artifact on the host ${name}`, () => {
      expect(exported(...lines)).toBe(true);
    });
  }

  for (const [name, lines] of [
    ['`command -v cd` (a look-up, no move): ../app is outside the repository', ['command -v cd', 'sha256sum ../app > app.sha256']],
    ['nothing read from the unknown folder', ['cd "$RELEASE_DIR"', 'echo done > /tmp/done']],
    ['only an absolute path read from the unknown folder', ['cd "$RELEASE_DIR"', 'sha256sum /etc/hosts > hosts.sha256']],
  ] as const) {
    it(`needs no export stage for ${name}`, () => {
      expect(exported(...lines)).toBe(false);
    });
  }
});
