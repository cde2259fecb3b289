/**
 * A `RUN --mount` bind mount of the build context reads files from it as a COPY would: a
 * runtime Dockerfile or another build that mounts the extracted file (or the folder holding it)
 * would find it gone once the extraction is (src/analyze/context-mounts.ts). Before, only COPY
 * and ADD sources counted, and such setups were migrated into a build that fails or lists other
 * files.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
  'main.go': 'package main\n',
};
const script = (after = '') => ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .', after, ''].join('\n');

function errors(extra: Record<string, string>, after = '') {
  const setup = planFiles({ ...FILES, 'build.sh': script(after), ...extra }).setups[0]!;
  return { status: setup.status, errors: setup.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`) };
}

describe('a RUN --mount of the build context', () => {
  it('in the runtime Dockerfile, over the whole context or the artifact itself, refuses the setup, naming the mount', () => {
    for (const run of ['RUN --mount=type=bind,target=/ctx ls /ctx > /listing', 'RUN --mount=target=/ctx,source=. ls /ctx > /listing', 'RUN --mount=type=bind,src=./app,target=/tmp/app cp /tmp/app /opt/app']) {
      const r = errors({ Dockerfile: `FROM alpine:3.19\nCOPY app /usr/local/bin/app\n${run}\n` });
      expect(r.status).toBe('refused');
      expect(r.errors).toHaveLength(1);
      expect(r.errors[0]).toMatch(/^ARTIFACT_IN_BROAD_COPY `RUN --mount=.*` mounts (the whole build context, which holds the extracted app|the extracted app); merged, the context no longer holds it/);
    }
  });

  it('in the runtime Dockerfile, of another path, a cache, a secret or a stage, changes nothing', () => {
    for (const run of ['RUN --mount=type=bind,source=conf,target=/conf ls /conf', 'RUN --mount=type=cache,target=/root/.cache true', 'RUN --mount=type=secret,id=npm true', 'RUN --mount=type=bind,from=alpine:3.19,target=/a true']) {
      const r = errors({ Dockerfile: `FROM alpine:3.19\nCOPY app /usr/local/bin/app\n${run}\n`, 'conf/x.conf': 'a=1\n' });
      expect([run, r.status, r.errors]).toEqual([run, 'migrate', []]);
    }
  });

  it('in the Dockerfile of a later build, makes it a second consumer of the artifact', () => {
    const r = errors({ 'Dockerfile.test': 'FROM alpine:3.19\nRUN --mount=type=bind,source=app,target=/app /app --selftest\n' }, 'docker build -t app:test -f Dockerfile.test .');
    expect(r.status).toBe('refused');
    expect(r.errors).toEqual(['ARTIFACT_SECOND_CONSUMER `docker build -t app:test -f Dockerfile.test .` also builds from the extracted files: `RUN --mount=type=bind,source=app,target=/app` (Dockerfile.test:2) mounts app']);
  });

  it('in the builder Dockerfile, with bind the default type, is what a command between the builds may change', () => {
    const builder = 'FROM golang:1.21\nWORKDIR /src\nRUN --mount=target=/src/conf,source=conf go build -o /out/app .\n';
    const r = planFiles({ ...FILES, 'Dockerfile.build': builder, 'conf/x.conf': 'a=1\n', 'build.sh': script().replace('docker build -t app:latest .', 'echo b=2 >> conf/x.conf\ndocker build -t app:latest .') }).setups[0]!;
    expect(r.diagnostics.map((d) => d.code)).toContain('BUILDER_INPUT_CHANGED');
  });
});
