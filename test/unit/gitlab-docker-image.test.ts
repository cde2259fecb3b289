/**
 * A GitLab job in a `docker:` image before 23 (`image: docker:20.10`) builds with the legacy
 * builder unless DOCKER_BUILDKIT says otherwise, which cannot write an export stage with
 * `--output` (src/analyze/hosts/gitlab-docker-image.ts): refused as DOCKER_BUILDKIT=0 is.
 */
import { describe, expect, it } from 'vitest';
import { dockerImageBuilder } from '../../src/analyze/hosts/gitlab-docker-image.js';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'main.go': 'package main\n',
};
const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .', 'sha256sum app > app.sha256'];
const gitlab = (head: string, jobExtra = '') => `${head}build:\n${jobExtra}  services:\n    - docker:dind\n  script:\n${STEPS.map((l) => `    - ${l}`).join('\n')}\n`;
const codes = (text: string) => planFiles({ ...BASE, '.gitlab-ci.yml': text }).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);
const codesOf = (files: Record<string, string>) => planFiles({ ...BASE, ...files }).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);
const messages = (files: Record<string, string>) => planFiles({ ...BASE, ...files }).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`));

describe('a GitLab job in an old docker image', () => {
  it('reads the docker CLI version a docker: tag names', () => {
    const read = (image: string) => {
      const r = dockerImageBuilder(image);
      return r === null ? null : r.builder === 'legacy' ? r.cli : r.builder;
    };
    expect(['docker:20.10', 'docker:20.10.16-git', 'docker.io/library/docker:19.03', 'docker:24', 'docker:latest', 'docker:dind', 'docker', 'alpine:3.19'].map(read)).toEqual(['20.10', '20.10.16', '19.03', 'buildkit', 'buildkit', 'buildkit', 'buildkit', null]);
    // the channel tags stopped at 19.03
    expect(['docker:stable', 'docker:stable-dind', 'docker:edge', 'docker:edge-git', 'docker:test'].map(read)).toEqual(['19.03', '19.03', '19.03', '19.03', '19.03']);
    // a mirror or proxy of Docker Hub's image
    expect(['mirror.gcr.io/library/docker:19.03', '${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/docker:20.10', 'gitlab.example.com:5050/proxy/docker:27.1'].map(read)).toEqual(['19.03', '20.10', 'buildkit']);
    // not known: a tag or name given through a variable, a digest alone, a tag the tool does not know
    expect(['docker:${DOCKER_VERSION}', '$DOCKER_IMAGE', '${IMAGE}:24', 'docker@sha256:0123', 'docker:nightly'].map(read)).toEqual(['unknown', 'unknown', 'unknown', 'unknown', 'unknown']);
  });

  it('refuses an export stage in docker:stable, edge or test (19.03), naming the image', () => {
    for (const image of ['docker:stable', 'docker:edge', 'docker:test', 'docker:stable-dind']) {
      expect(codes(gitlab('', `  image: ${image}\n`))).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
      expect(messages({ '.gitlab-ci.yml': gitlab('', `  image: ${image}\n`) })).toContain(`UNSUPPORTED_BUILD_FLAG the build runs in the job's image \`${image}\`, whose docker CLI (19.03) builds with the legacy builder unless DOCKER_BUILDKIT says otherwise; it cannot run an export stage built with --output, which the merged build needs`);
    }
  });

  it('reads an image given through a variable as GitLab expands it, and as not known where the file does not set it', () => {
    expect(messages({ '.gitlab-ci.yml': gitlab('variables:\n  DOCKER_IMAGE: docker:19.03\nimage: $DOCKER_IMAGE\n') })).toContain("UNSUPPORTED_BUILD_FLAG the build runs in the job's image `$DOCKER_IMAGE` (`docker:19.03`), whose docker CLI (19.03) builds with the legacy builder unless DOCKER_BUILDKIT says otherwise; it cannot run an export stage built with --output, which the merged build needs");
    expect(codes(gitlab('variables:\n  DOCKER_IMAGE: docker:27\nimage: ${DOCKER_IMAGE}\n'))).toEqual([['migrate']]);
    const unknown = messages({ '.gitlab-ci.yml': gitlab('image: $DOCKER_IMAGE\n') });
    expect(unknown.some((m) => m.startsWith("UNSUPPORTED_BUILD_FLAG the build runs in the job's image `$DOCKER_IMAGE`, whose docker CLI may build with the legacy builder") && m.includes('its name is only known at run time'))).toBe(true);
    // chosen in the Run-pipeline form: not its default
    expect(codes(gitlab('variables:\n  DOCKER_VERSION:\n    value: "27"\n    options: ["27", "20.10"]\nimage: docker:$DOCKER_VERSION\n'))).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
    expect(codes(gitlab('', '  image: ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/docker:20.10\n'))).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
    expect(codes(gitlab('', '  image: ${CI_DEPENDENCY_PROXY_GROUP_IMAGE_PREFIX}/docker:27\n'))).toEqual([['migrate']]);
    expect(codes(gitlab('', '  image: docker@sha256:0123456789abcdef\n'))).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
  });

  it('names the image of the job that runs the script holding the setup', () => {
    const script = `#!/bin/sh\nset -e\n${STEPS.join('\n')}\n`;
    const ci = 'build:\n  image: docker:stable\n  script:\n    - ./build.sh\n';
    expect(messages({ 'build.sh': script, '.gitlab-ci.yml': ci })).toContain("UNSUPPORTED_BUILD_FLAG the build runs where a caller of the script runs it, in the job's image `docker:stable`, whose docker CLI (19.03) builds with the legacy builder unless DOCKER_BUILDKIT says otherwise; it cannot run an export stage built with --output, which the merged build needs");
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

describe('a GitLab job building on an old Docker-in-Docker service', () => {
  const job = (services: string, image = 'docker:24', head = '') => `${head}build:\n  image: ${image}\n  services:\n${services}\n  variables:\n    DOCKER_HOST: tcp://docker:2375\n  script:\n${STEPS.map((l) => `    - ${l}`).join('\n')}\n`;

  it('refuses an export stage on a daemon before 23, whatever the CLI: the daemon offers the legacy builder', () => {
    expect(messages({ '.gitlab-ci.yml': job('    - docker:19.03-dind') })).toContain("UNSUPPORTED_BUILD_FLAG the build runs on the job's Docker-in-Docker service `docker:19.03-dind`, whose daemon (19.03) offers the legacy builder unless DOCKER_BUILDKIT says otherwise; it cannot run an export stage built with --output, which the merged build needs");
    expect(codes(job('    - name: docker:20.10.7-dind\n      alias: docker'))).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
    expect(codes(job('    - docker:20.10-dind', 'alpine:3.19'))).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
    // from `default:` or the top level
    expect(codes(`default:\n  services:\n    - docker:19.03-dind\n${job('    - postgres:16').replace(/  services:\n    - postgres:16\n/, '')}`)).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
    // an old CLI against a new daemon is still the legacy builder
    expect(codes(job('    - docker:27-dind', 'docker:20.10'))).toEqual([['refused', 'UNSUPPORTED_BUILD_FLAG']]);
  });

  it('reads a service only known at run time as not known; migrates on a current daemon or where BuildKit is asked for', () => {
    const unknown = messages({ '.gitlab-ci.yml': job('    - docker:${DIND_VERSION}-dind') });
    expect(unknown.some((m) => m.startsWith("UNSUPPORTED_BUILD_FLAG the build runs on the job's service `docker:${DIND_VERSION}-dind`, whose daemon may offer the legacy builder"))).toBe(true);
    expect(codes(job('    - docker:${DIND_VERSION}-dind', 'docker:24', 'variables:\n  DIND_VERSION: "27"\n'))).toEqual([['migrate']]);
    expect(codes(job('    - docker:24-dind'))).toEqual([['migrate']]);
    expect(codes(job('    - docker:dind\n    - postgres:16'))).toEqual([['migrate']]);
    expect(codes(job('    - docker:19.03-dind').replace('    DOCKER_HOST:', '    DOCKER_BUILDKIT: "1"\n    DOCKER_HOST:'))).toEqual([['migrate']]);
  });

  it("reads the services of a job with none of its own, in a file that includes others, as not known: an included `default: services` may give it an old daemon", () => {
    const included = (head: string, own: string) => ({
      '.gitlab-ci.yml': `include:\n  - local: ci/base.yml\n${head}${job('    - docker:24-dind').replace('  services:\n    - docker:24-dind\n', own).replace('  script:', '  before_script: []\n  after_script: []\n  artifacts:\n    paths: [app.sha256]\n  script:')}`,
      'ci/base.yml': 'default:\n  services:\n    - docker:19.03-dind\n',
    });
    const refused = messages(included('', ''));
    expect(refused).toContain("UNSUPPORTED_BUILD_FLAG the export build would run on services an included file's `default: services` may give the job, which may be a Docker-in-Docker daemon before 23 (give the job its own `services:`); it cannot write a build's result with --output");
    // services of its own, or of the file's `default:`, decide
    expect(codesOf(included('', '  services:\n    - docker:24-dind\n'))).toEqual([['migrate']]);
    expect(codesOf(included('default:\n  services:\n    - docker:27-dind\n', ''))).toEqual([['migrate']]);
  });
});
