/**
 * Build arguments that reach stages without an ARG (src/plan/build-flags.ts undeclaredReach):
 * a `BUILDKIT_*` one is an option of the whole build, a proxy argument is in the environment of
 * every RUN, and `SOURCE_DATE_EPOCH` sets the final image's timestamps. Given to one old build
 * only, the one merged build would now give it to the other's stages too: ARG_LEAK.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';
import { undeclaredReach } from '../../src/plan/build-flags.js';
import { readDockerfile } from '../../src/analyze/dockerfile.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nRUN apk add --no-cache ca-certificates\nCOPY app /usr/local/bin/app\n';

const codes = (builderArgs: string, runtimeArgs: string, runtime = RUNTIME, env = '') => {
  const build = ['#!/bin/sh', 'set -e', `${env}docker build ${builderArgs}-t app:build -f Dockerfile.build .`, 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', `docker build ${runtimeArgs}-t app:latest .`, ''].join('\n');
  const s = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: runtime, 'main.go': 'package main\n', 'build.sh': build }).setups[0]!;
  return s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}:${d.line}`);
};

describe('build arguments that reach stages without an ARG', () => {
  it('given to the builder build only: refused where the final image or the whole build would now get them', () => {
    expect(codes('--build-arg SOURCE_DATE_EPOCH=0 ', '')).toEqual(['ARG_LEAK:3']);
    expect(codes('--build-arg BUILDKIT_INLINE_CACHE=1 ', '')).toEqual(['ARG_LEAK:3']);
  });

  it('given to the runtime build only: refused where the builder stage would now get them', () => {
    expect(codes('', '--build-arg BUILDKIT_SYNTAX=docker/dockerfile:1.7 ')).toEqual(['ARG_LEAK:7']);
  });

  it('no concern: the same value to both, the final build\'s own timestamps', () => {
    expect(codes('--build-arg BUILDKIT_INLINE_CACHE=1 ', '--build-arg BUILDKIT_INLINE_CACHE=1 ')).toEqual([]);
    expect(codes('', '--build-arg SOURCE_DATE_EPOCH=0 ')).toEqual([]);
  });
});

/** A RUN that writes the proxy into apt's configuration: it reads the value itself. */
const READS_PROXY = 'FROM debian:bookworm-slim\nRUN if [ -n "$http_proxy" ]; then echo "Acquire::http::Proxy \\"$http_proxy\\";" > /etc/apt/apt.conf.d/01proxy; fi\nCOPY app /usr/local/bin/app\n';
const READS_PROXY_BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app . && echo "via ${HTTPS_PROXY:-direct}" > /out/BUILD_INFO\n';

describe('proxy arguments, which reach every RUN without an ARG', () => {
  it('given to one build only, where a RUN of the other file reads a proxy variable or its environment: refused', () => {
    expect(codes('--build-arg http_proxy=http://proxy:3128 ', '', READS_PROXY)).toEqual(['ARG_LEAK:3']);
    expect(codes('--build-arg http_proxy ', '', READS_PROXY)).toEqual(['ARG_LEAK:3']);
    expect(codes('', '--build-arg no_proxy=internal ', READS_PROXY)).toEqual([]);
    const dumps = 'FROM alpine:3.19\nRUN printenv > /etc/build-env\nCOPY app /usr/local/bin/app\n';
    expect(codes('--build-arg ALL_PROXY=socks5://p:1080 ', '', dumps)).toEqual(['ARG_LEAK:3']);
  });

  it('given to one build only, where the other file\'s RUNs only fetch through it (`apk add`): migrated, as Docker\'s cache takes such a RUN as the same', () => {
    expect(codes('--build-arg HTTPS_PROXY=http://proxy:3128 ', '')).toEqual([]);
    expect(codes('--build-arg https_proxy=$https_proxy --build-arg http_proxy=$http_proxy ', '')).toEqual([]);
    expect(codes('', '--build-arg http_proxy=http://proxy:3128 ')).toEqual([]);
  });

  it('the message names the argument, the build that gave it and the RUN it would reach', () => {
    const build = ['#!/bin/sh', 'docker build --build-arg http_proxy=http://p:1 -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .', ''].join('\n');
    const d = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: READS_PROXY, 'main.go': 'package main\n', 'build.sh': build }).setups[0]!.diagnostics.find((x) => x.code === 'ARG_LEAK')!;
    expect(d.message).toContain('--build-arg http_proxy was given only to the builder build');
    expect(d.message).toContain('every RUN of every stage without an ARG line');
    expect(d.message).toContain('the RUN at Dockerfile:2');
  });

  it('given to the runtime build only, where a builder RUN reads it: refused', () => {
    const build = ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build --build-arg HTTPS_PROXY=http://p:1 -t app:latest .', ''].join('\n');
    const s = planFiles({ 'Dockerfile.build': READS_PROXY_BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', 'build.sh': build }).setups[0]!;
    expect(s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}:${d.line}`)).toEqual(['ARG_LEAK:7']);
  });

  it('the same value to both builds, or a file with no RUN to reach: migrated', () => {
    expect(codes('--build-arg http_proxy=http://proxy:3128 ', '--build-arg http_proxy=http://proxy:3128 ', READS_PROXY)).toEqual([]);
    expect(codes('--build-arg http_proxy ', '--build-arg http_proxy ', READS_PROXY)).toEqual([]);
    expect(codes('--build-arg HTTPS_PROXY=http://proxy:3128 ', '', 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n')).toEqual([]);
  });

  it('different values, or by name from environments that differ: refused, one build passes one value', () => {
    expect(codes('--build-arg http_proxy=http://a:1 ', '--build-arg http_proxy=http://b:2 ')).toEqual(['ARG_CONFLICT:3']);
    expect(codes('--build-arg http_proxy ', '--build-arg http_proxy ', RUNTIME, 'http_proxy=http://a:1 ')).toEqual(['ARG_CONFLICT:3']);
  });

  it('undeclaredReach: only the proxy names Docker predefines, in either case, and only where a RUN reads them', () => {
    const reads = readDockerfile('Dockerfile', READS_PROXY);
    const fetches = readDockerfile('Dockerfile', RUNTIME);
    const noRun = readDockerfile('Dockerfile', 'FROM alpine:3.19\nCOPY app /app\n');
    for (const n of ['HTTP_PROXY', 'http_proxy', 'HTTPS_PROXY', 'https_proxy', 'FTP_PROXY', 'ftp_proxy', 'NO_PROXY', 'no_proxy', 'ALL_PROXY', 'all_proxy']) {
      expect(undeclaredReach(n, reads, false), n).toContain('Dockerfile:2');
      expect(undeclaredReach(n, fetches, false), n).toBeNull();
      expect(undeclaredReach(n, noRun, false), n).toBeNull();
    }
    expect(undeclaredReach('Http_Proxy', reads, false)).toBeNull();
    expect(undeclaredReach('SOCKS_PROXY', reads, false)).toBeNull();
  });

  it('the builder container\'s command, now a RUN of its stage, which ran without any build argument: refused where it reads a proxy', () => {
    const builder = 'FROM golang:1.21\nCOPY main.go /src/main.go\n';
    const run = (b: string, r: string, cmd: string) => {
      const build = ['#!/bin/sh', 'set -e', `docker build ${b}-t t:tc -f Dockerfile.build .`, `docker run --name c -w /src t:tc ${cmd}`, 'docker cp c:/dist/app ./app', 'docker rm c', `docker build ${r}-t t:latest .`, ''].join('\n');
      const s = planFiles({ 'Dockerfile.build': builder, Dockerfile: 'FROM alpine:3.19\nCOPY app /app\n', 'main.go': 'package main\n', 'build.sh': build }).setups[0]!;
      return s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}:${d.line}`);
    };
    const compile = 'go build -o /dist/app .';
    const writes = `sh -c 'go build -o /dist/app . && echo "\${HTTPS_PROXY:-direct}" > /dist/via'`;
    expect(run('', '', writes)).toEqual([]);
    expect(run('', '--build-arg HTTPS_PROXY=http://p:1 ', compile)).toEqual([]);
    expect(run('', '--build-arg HTTPS_PROXY=http://p:1 ', writes)).toEqual(['ARG_LEAK:7']);
    expect(run('--build-arg http_proxy=http://p:1 ', '--build-arg http_proxy=http://p:1 ', writes)).toEqual(['ARG_LEAK:3', 'ARG_LEAK:7']);
  });
});
