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
