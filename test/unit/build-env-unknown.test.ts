/**
 * A variable of docker's build environment (`DOCKER_HOST`, `DOCKER_BUILDKIT`, `BUILDX_BUILDER`…)
 * whose value is only known at run time at both builds: the same value where one assignment
 * reaches both, another where the script assigns it again between them (`export
 * DOCKER_HOST=$A`, then `export DOCKER_HOST=$B`). Merged, the one build runs with the final
 * build's: two assignments refuse FLAG_CONFLICT (src/plan/build-flags.ts), one migrates.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n', Dockerfile: 'FROM alpine\nCOPY app /app\n' };
const EXTRACT = 'docker create --name x app-build\ndocker cp x:/out/app ./app\ndocker rm x\n';

const outcome = (prelude: string, between: string) =>
  planFiles({ ...DOCKERFILES, 'build.sh': `#!/bin/sh\nset -e\n${prelude}docker build -t app-build -f Dockerfile.build .\n${EXTRACT}${between}docker build -t app .\n` }).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);

describe('a build-environment variable only known at run time at both builds', () => {
  it('is refused where the script assigns it again between the builds', () => {
    expect(outcome('export DOCKER_HOST="tcp://$A:2375"\n', 'export DOCKER_HOST="tcp://$B:2375"\n')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(outcome('export DOCKER_HOST="$(cat host-a)"\n', 'DOCKER_HOST="$(cat host-b)"\n')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(outcome('export BUILDX_BUILDER="$1"\n', 'BUILDX_BUILDER="$2"\n')).toEqual([['refused', 'FLAG_CONFLICT']]);
  });

  it('migrates where one assignment reaches both builds, or the script never assigns it', () => {
    expect(outcome('export DOCKER_HOST="tcp://$A:2375"\n', '')).toEqual([['migrate']]);
    expect(outcome('export DOCKER_HOST="tcp://$A:2375"\n', 'echo "building on $DOCKER_HOST"\n')).toEqual([['migrate']]);
    expect(outcome('', '')).toEqual([['migrate']]);
  });
});

/**
 * The same variable set for each build alone (`DOCKER_DEFAULT_PLATFORM="$P" docker build …` on
 * both, `PATH=/opt/docker/bin:$PATH docker build …` on both): one value where both prefixes are
 * the same words read at the same assignments (the shell reader's keys), two where a variable
 * they read is assigned between the builds, or a prefix runs a command substitution.
 */
const prefixed = (prelude: string, builder: string, between: string, runtime: string, extract = EXTRACT) =>
  planFiles({ ...DOCKERFILES, 'build.sh': `#!/bin/sh\nset -e\n${prelude}${builder}docker build -t app-build -f Dockerfile.build .\n${extract}${between}${runtime}docker build -t app .\n` }).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);

describe('a build-environment variable set for each build alone, only known at run time', () => {
  it('is one value where both builds carry the same prefix, reading variables not assigned between', () => {
    for (const p of ['DOCKER_DEFAULT_PLATFORM="$P" ', 'PATH=/opt/docker/bin:$PATH ', 'DOCKER_DEFAULT_PLATFORM="linux/${ARCH:-amd64}" ', 'PATH="$HOME/bin:$PATH" DOCKER_BUILDKIT="$BK" ']) {
      expect(prefixed('', p, 'echo "$P $ARCH"\n', p), p).toEqual([['migrate']]);
    }
  });

  it('is refused where a variable the prefix reads is assigned between, the words differ, or a prefix runs a command', () => {
    expect(prefixed('', 'DOCKER_DEFAULT_PLATFORM="$P" ', 'P=linux/arm64\n', 'DOCKER_DEFAULT_PLATFORM="$P" ')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(prefixed('', 'PATH=/opt/docker/bin:$PATH ', 'export PATH="/opt/other:$PATH"\n', 'PATH=/opt/docker/bin:$PATH ')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(prefixed('', 'DOCKER_DEFAULT_PLATFORM="$P" ', '', 'DOCKER_DEFAULT_PLATFORM="$Q" ')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(prefixed('', 'DOCKER_DEFAULT_PLATFORM="$(cat platform)" ', '', 'DOCKER_DEFAULT_PLATFORM="$(cat platform)" ')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(prefixed('', 'DOCKER_DEFAULT_PLATFORM="$P" ', '', '')).toEqual([['refused', 'FLAG_CONFLICT']]);
  });

  it('reads a prefix value after the assignments before it in the same prefix, as the shell makes them in order', () => {
    // `P=linux/$ARCH DOCKER_DEFAULT_PLATFORM=$P`: the platform is the prefix's P, not the script's
    expect(prefixed('', 'P=linux/$A DOCKER_DEFAULT_PLATFORM=$P ', 'A=arm64\n', 'P=linux/$A DOCKER_DEFAULT_PLATFORM=$P ')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(prefixed('P=linux/amd64\n', 'P=linux/arm64 DOCKER_DEFAULT_PLATFORM=$P ', '', 'DOCKER_DEFAULT_PLATFORM=$P ')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(prefixed('P=linux/amd64\n', 'P=linux/arm64 DOCKER_DEFAULT_PLATFORM=$P ', '', 'DOCKER_DEFAULT_PLATFORM=linux/arm64 ')).toEqual([['migrate']]);
  });

  it('refuses an extraction on an engine set to another value only known at run time', () => {
    const away = EXTRACT.replace(/^docker/gm, 'DOCKER_HOST="$B" docker');
    expect(prefixed('', 'DOCKER_HOST="$A" ', '', 'DOCKER_HOST="$A" ', away)).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(prefixed('export DOCKER_HOST="$A"\n', '', '', '', away)).toEqual([['refused', 'FLAG_CONFLICT']]);
    // the same words on every step: one engine
    expect(prefixed('', 'DOCKER_HOST="$A" ', '', 'DOCKER_HOST="$A" ', EXTRACT.replace(/^docker/gm, 'DOCKER_HOST="$A" docker'))).toEqual([['migrate']]);
  });
});
