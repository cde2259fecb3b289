/**
 * Travis CI machines and Bitbucket Pipelines' docker service run a docker before 23, which builds
 * with the legacy builder unless DOCKER_BUILDKIT=1 is set (src/analyze/hosts/host-buildkit.ts):
 * what only BuildKit builds (an export stage, `COPY --chmod`) is refused where the file does not
 * set it, and migrates where it does.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'main.go': 'package main\n',
};
const SETUP = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
const codes = (files: Record<string, string>) => planFiles({ ...BASE, ...files }).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);
const messages = (files: Record<string, string>) => planFiles({ ...BASE, ...files }).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`));

const travis = (env: string, after: string[]) => `language: minimal\nservices:\n  - docker\n${env}script:\n${[...SETUP, ...after].map((l) => `  - ${l}`).join('\n')}\n`;
const bitbucket = (first: string[], after: string[]) => `pipelines:\n  default:\n    - step:\n        services: [docker]\n        script:\n${[...first, ...SETUP, ...after].map((l) => `          - ${l}`).join('\n')}\n`;

describe('Travis CI: the legacy builder unless DOCKER_BUILDKIT=1', () => {
  it('refuses an export stage where the file sets no DOCKER_BUILDKIT', () => {
    const files = { '.travis.yml': travis('', ['sha256sum app']) };
    expect(codes(files)).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
    expect(messages(files)).toContain("UNSUPPORTED_BUILD_FLAG the build runs on a Travis CI machine, whose docker (before 23) builds with the legacy builder unless DOCKER_BUILDKIT=1 is set, and the file sets none (the repository's settings may); it cannot run an export stage built with --output, which the merged build needs");
    // in an include job too
    const include = `language: minimal\nservices:\n  - docker\njobs:\n  include:\n    - stage: image\n      script:\n${[...SETUP, 'sha256sum app'].map((l) => `        - ${l}`).join('\n')}\n`;
    expect(codes({ '.travis.yml': include })).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
  });

  it('refuses COPY --chmod the same way', () => {
    expect(codes({ '.travis.yml': travis('', []).replace('  - docker build -t app:latest .', '  - chmod 0555 app\n  - docker build -t app:latest .') })).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
  });

  it('migrates with DOCKER_BUILDKIT=1 in `env: global`, a job\'s `env:` or the script, and a merge BuildKit does not need anyway', () => {
    expect(codes({ '.travis.yml': travis('env:\n  global:\n    - DOCKER_BUILDKIT=1\n', ['sha256sum app']) })).toEqual([['migrate']]);
    expect(codes({ '.travis.yml': travis('', ['sha256sum app']).replace('script:\n', 'before_script:\n  - export DOCKER_BUILDKIT=1\nscript:\n') })).toEqual([['migrate']]);
    const include = `language: minimal\nservices:\n  - docker\njobs:\n  include:\n    - env: DOCKER_BUILDKIT=1\n      script:\n${[...SETUP, 'sha256sum app'].map((l) => `        - ${l}`).join('\n')}\n`;
    expect(codes({ '.travis.yml': include })).toEqual([['migrate']]);
    expect(codes({ '.travis.yml': travis('', []) })).toEqual([['migrate']]);
  });
});

describe('Bitbucket Pipelines: the legacy builder unless DOCKER_BUILDKIT=1', () => {
  it('refuses an export stage where the step sets no DOCKER_BUILDKIT', () => {
    const files = { 'bitbucket-pipelines.yml': bitbucket([], ['sha256sum app']) };
    expect(codes(files)).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
    expect(messages(files)).toContain('UNSUPPORTED_BUILD_FLAG the build runs in a Bitbucket Pipelines step, whose docker service builds with the legacy builder unless DOCKER_BUILDKIT=1 is set, and the step sets none before the build (a repository, workspace or deployment variable may); it cannot run an export stage built with --output, which the merged build needs');
  });

  it('refuses an export for an after-script that reads the file', () => {
    const files = { 'bitbucket-pipelines.yml': `${bitbucket([], [])}        after-script:\n          - sha256sum app\n` };
    expect(codes(files)).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
  });

  it('migrates with `export DOCKER_BUILDKIT=1` before the builds, and a merge BuildKit does not need anyway', () => {
    expect(codes({ 'bitbucket-pipelines.yml': bitbucket(['export DOCKER_BUILDKIT=1'], ['sha256sum app']) })).toEqual([['migrate']]);
    expect(codes({ 'bitbucket-pipelines.yml': bitbucket([], []) })).toEqual([['migrate']]);
  });
});

describe('Travis CI `env:` written as one string', () => {
  it('is the job\'s variables: `env: BIN=app` gives $BIN its value, `env: DOCKER_BUILDKIT=0` is the legacy builder', () => {
    const job = (env: string, cp: string, after: string[] = []) => `language: minimal\nservices:\n  - docker\njobs:\n  include:\n    - env: ${env}\n      script:\n${[...SETUP.map((l) => (l.startsWith('docker cp') ? cp : l)), ...after].map((l) => `        - ${l}`).join('\n')}\n`;
    expect(codes({ '.travis.yml': job('BIN=app', 'docker cp x:/out/app ./$BIN') })).toEqual([['migrate']]);
    expect(messages({ '.travis.yml': job('"DOCKER_BUILDKIT=0"', 'docker cp x:/out/app ./app', ['sha256sum app']) }).some((m) => m.includes('with DOCKER_BUILDKIT=0 from a caller of the script (the legacy builder)') || m.includes('DOCKER_BUILDKIT=0'))).toBe(true);
  });
});
