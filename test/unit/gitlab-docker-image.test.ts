/**
 * A GitLab job in a `docker:` image before 23 (`image: docker:20.10`) builds with the legacy
 * builder unless DOCKER_BUILDKIT says otherwise, which cannot write an export stage with
 * `--output` (src/analyze/hosts/gitlab-docker-image.ts): refused as DOCKER_BUILDKIT=0 is.
 */
import { describe, expect, it } from 'vitest';
import { dockerImageMajor } from '../../src/analyze/hosts/gitlab-docker-image.js';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'main.go': 'package main\n',
};
const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .', 'sha256sum app > app.sha256'];
const gitlab = (head: string, jobExtra = '') => `${head}build:\n${jobExtra}  services:\n    - docker:dind\n  script:\n${STEPS.map((l) => `    - ${l}`).join('\n')}\n`;
const codes = (text: string) => planFiles({ ...BASE, '.gitlab-ci.yml': text }).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);

describe('a GitLab job in an old docker image', () => {
  it('reads the docker CLI version a docker: tag names', () => {
    expect(['docker:20.10', 'docker:20.10.16-git', 'docker.io/library/docker:19.03', 'docker:24', 'docker:latest', 'docker:dind', 'alpine:3.19', 'docker:${DOCKER_VERSION}'].map(dockerImageMajor)).toEqual([20, 20, 19, 24, null, null, null, null]);
  });

  it('refuses an export stage under a docker CLI before 23 (the legacy builder), from the job, default: or the top level', () => {
    expect(codes(gitlab('', '  image: docker:20.10\n'))).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
    expect(codes(gitlab('', '  image:\n    name: docker:19.03.12\n'))).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
    expect(codes(gitlab('default:\n  image: docker:20.10\n'))).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
    expect(codes(gitlab('image: docker:20.10\n'))).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
  });

  it('migrates where BuildKit is asked for, or the CLI builds with it by default', () => {
    expect(codes(gitlab('', '  image: docker:20.10\n  variables:\n    DOCKER_BUILDKIT: "1"\n'))).toEqual([['migrate']]);
    expect(codes(gitlab('', '  image: docker:24\n'))).toEqual([['migrate']]);
    expect(codes(gitlab('', '  image: docker:latest\n'))).toEqual([['migrate']]);
  });
});
