/**
 * An artifact still needed on the host is exported by the migrated script, so a removal of it
 * after the runtime build stays, also when it removes the folder holding it (`rm -rf out` after
 * `sha256sum out/app`): dropped, the migrated run left out/app behind (fuzz seed 650).
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';

const migrate = (files: Record<string, string>) => {
  const plan = planFiles(files);
  expect(plan.setups).toHaveLength(1);
  expect(plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(plan.setups[0]!.status).toBe('migrate');
  return applied(files, plan)['build.sh']!;
};

describe('removals of an artifact the host still uses', () => {
  it('keeps `rm -rf out` when a checksum reads out/app from the mounted folder', () => {
    const script = migrate({
      'Dockerfile.build': BUILDER,
      Dockerfile: 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\nCMD ["app"]\n',
      'main.go': 'package main\n',
      'build.sh': ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'mkdir -p out', 'docker run --rm -v "$PWD/out:/export" app:build cp /out/app /export/', 'docker build -t app:latest .', 'sha256sum out/app > app.sha256', 'rm -rf out', ''].join('\n'),
    });
    expect(script).toMatch(/--target export --output type=local,dest=out/);
    expect(script).toMatch(/^sha256sum out\/app > app.sha256\nrm -rf out\n$/m);
  });

  it('keeps the artifact on the host for `rm dist/app` (no -f) of a file the copy of a folder\'s contents put there: without it the removal fails', () => {
    const files = (rm: string) => ({
      'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/dist/app .\n',
      Dockerfile: 'FROM alpine:3.19\nCOPY dist/ /app/\n',
      'main.go': 'package main\n',
      'build.sh': ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'mkdir -p dist', 'docker create --name x app:build', 'docker cp x:/out/dist/. dist/', 'docker rm x', 'docker build -t app:latest .', rm, ''].join('\n'),
    });
    const script = migrate(files('rm dist/app'));
    expect(script).toMatch(/^docker build --target export --output type=local,dest=dist -f Dockerfile \.\ndocker build -t app:latest \.\nrm dist\/app\n$/m);
    // `rm -f` succeeds without it; `rm -r dist` removes the artifact itself, which goes with the extraction
    expect(migrate(files('rm -f dist/app'))).not.toMatch(/--target export/);
    expect(migrate(files('rm -r dist'))).not.toMatch(/--target export|rm -r dist/);
  });

  it('keeps `rm -rf bin` after a stock-image build whose output a checksum reads', () => {
    const script = migrate({
      Dockerfile: 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\nCMD ["app"]\n',
      'main.go': 'package main\n',
      'build.sh': ['#!/bin/sh', 'set -e', 'mkdir -p bin', 'docker run --rm -v "$PWD":/src -w /src golang:1.21 go build -o bin/app .', 'docker build -t app:latest .', 'sha256sum bin/app > app.sha256', 'rm -rf bin', ''].join('\n'),
    });
    expect(script).toMatch(/^mkdir -p bin\ndocker build --target export --output type=local,dest=bin /m);
    expect(script).toMatch(/^rm -rf bin$/m);
  });

  it('refuses when the folder the export writes into is made by the old build itself (go build -o bin/app)', () => {
    const plan = planFiles({
      Dockerfile: 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\nCMD ["app"]\n',
      'main.go': 'package main\n',
      'build.sh': ['#!/bin/sh', 'set -e', 'docker run --rm -v "$PWD":/src -w /src golang:1.21 go build -o bin/app .', 'docker build -t app:latest .', 'sha256sum bin/app > app.sha256', ''].join('\n'),
    });
    expect(plan.setups.map((x) => x.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.hint]))).toEqual([[['ARTIFACT_USED_ON_HOST', 'Make the folder first in build.sh (`mkdir -p bin` before the extraction), then run the tool again.']]]);
    expect(plan.changes).toEqual([]);
  });

  it('still drops `rm -rf out` when nothing on the host uses the artifact', () => {
    const script = migrate({
      'Dockerfile.build': BUILDER,
      Dockerfile: 'FROM alpine:3.19\nCOPY out/app /usr/local/bin/app\nCMD ["app"]\n',
      'main.go': 'package main\n',
      'build.sh': ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'mkdir -p out', 'docker run --rm -v "$PWD/out:/export" app:build cp /out/app /export/', 'docker build -t app:latest .', 'rm -rf out', ''].join('\n'),
    });
    expect(script).not.toMatch(/rm -rf out/);
  });
});
