/**
 * A variable of docker's build environment (`DOCKER_HOST`, `BUILDX_BUILDER`…) a CI step's own
 * `env:` (CircleCI's `environment:`) sets to a value only known at run time, at the builder
 * build and at the final build or an extraction step: each step's shell starts from it, so the
 * reader cannot tell two of them apart by the assignment; the text the steps give tells. Another
 * text (`${{ secrets.A }}` and `${{ secrets.B }}`) may name another engine: FLAG_CONFLICT. The
 * same text reads the same value where it reads only what the job fixes (a secret, a run
 * constant), until a step that may change what it reads.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n', Dockerfile: 'FROM alpine\nCOPY app /app\n' };

const outcome = (files: Record<string, string>) =>
  planFiles({ ...DOCKERFILES, ...files }).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);

const github = (builder: string, extract: string, final: string, between = '') => ({
  '.github/workflows/image.yml': `on: push
jobs:
  image:
    runs-on: ubuntu-latest
    steps:
      - uses: actions/checkout@v4
      - env:
          DOCKER_HOST: ${builder}
        run: docker build -t app-build -f Dockerfile.build .
      - env:
          DOCKER_HOST: ${extract}
        run: |
          docker create --name x app-build
          docker cp x:/out/app ./app
          docker rm x
${between}      - env:
          DOCKER_HOST: ${final}
        run: docker build -t app .
`,
});

describe("a build-environment variable a step's env: gives a value only known at run time", () => {
  it('refuses where the builder build and the final build give it other texts (GitHub)', () => {
    expect(outcome(github('${{ secrets.A }}', '${{ secrets.A }}', '${{ secrets.B }}'))).toEqual([['refused', 'FLAG_CONFLICT']]);
  });

  it('refuses where the extraction step gives it another text than the builder build (GitHub)', () => {
    expect(outcome(github('${{ secrets.A }}', '${{ secrets.C }}', '${{ secrets.A }}'))).toEqual([['refused', 'FLAG_CONFLICT']]);
  });

  it('migrates where every step gives it the same text of what the job fixes (GitHub)', () => {
    expect(outcome(github('${{ secrets.A }}', '${{ secrets.A }}', '${{ secrets.A }}'))).toEqual([['migrate']]);
    expect(outcome(github('tcp://${{ vars.HOST }}:2376', 'tcp://${{ vars.HOST }}:2376', 'tcp://${{ vars.HOST }}:2376'))).toEqual([['migrate']]);
  });

  it("refuses the same text where it may read another value in another step (another step's output, or after a step that may write the job's environment)", () => {
    expect(outcome(github('${{ steps.h.outputs.host }}', '${{ steps.h.outputs.host }}', '${{ steps.h.outputs.host }}'))).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(outcome(github('${{ env.HOST }}', '${{ env.HOST }}', '${{ env.HOST }}', '      - run: echo "HOST=tcp://other:2375" >> "$GITHUB_ENV"\n'))).toEqual([['refused', 'FLAG_CONFLICT']]);
    // (through a repository script the step runs)
    const switched = { ...github('${{ env.HOST }}', '${{ env.HOST }}', '${{ env.HOST }}', '      - run: ./ci/switch.sh\n'), 'ci/switch.sh': '#!/bin/sh\necho "HOST=tcp://other:2375" >> "$GITHUB_ENV"\n' };
    expect(outcome(switched)).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(outcome({ ...switched, 'ci/switch.sh': '#!/bin/sh\necho switching\n' })).toEqual([['migrate']]);
  });

  const azure = (final: string) => ({
    'azure-pipelines.yml': `pool:
  vmImage: ubuntu-latest
steps:
  - script: |
      docker build -t app-build -f Dockerfile.build .
      docker create --name x app-build
      docker cp x:/out/app ./app
      docker rm x
    env:
      DOCKER_HOST: $(hostA)
  - bash: docker build -t app .
    env:
      DOCKER_HOST: ${final}
`,
  });

  it('refuses other texts and migrates the same one (Azure Pipelines)', () => {
    expect(outcome(azure('$(hostB)'))).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(outcome(azure('$(hostA)'))).toEqual([['migrate']]);
  });

  const circle = (final: string) => ({
    '.circleci/config.yml': `version: 2.1
jobs:
  image:
    machine:
      image: ubuntu-2204:current
    steps:
      - checkout
      - run:
          environment:
            DOCKER_HOST: << pipeline.parameters.a >>
          command: |
            docker build -t app-build -f Dockerfile.build .
            docker create --name x app-build
            docker cp x:/out/app ./app
            docker rm x
      - run:
          environment:
            DOCKER_HOST: ${final}
          command: docker build -t app .
workflows:
  build:
    jobs:
      - image
`,
  });

  it('refuses other texts and migrates the same one (CircleCI)', () => {
    expect(outcome(circle('<< pipeline.parameters.b >>'))).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(outcome(circle('<< pipeline.parameters.a >>'))).toEqual([['migrate']]);
  });

  it('refuses an extraction the script runs with another assignment than the builder build (shell)', () => {
    const script = '#!/bin/sh\nset -e\nexport DOCKER_HOST="$A"\ndocker build -t app-build -f Dockerfile.build .\nexport DOCKER_HOST="$B"\ndocker create --name x app-build\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app .\n';
    const setups = planFiles({ ...DOCKERFILES, 'build.sh': script }).setups;
    expect(setups.flatMap((s) => s.diagnostics.filter((d) => d.code === 'FLAG_CONFLICT' && d.message.includes('another engine'))).length).toBe(1);
  });
});
