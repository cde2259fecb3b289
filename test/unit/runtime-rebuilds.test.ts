/**
 * Other builds of a setup's runtime Dockerfile (src/plan/runtime-rebuilds.ts): merged, each of
 * them builds the builder stage too, so it must give that stage what the builder build gave it.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nARG GOFLAGS\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const EXTRACT = ['docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x'];

const repo = (build: string[], over: Record<string, string> = {}) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -eu', ...build, ''].join('\n'),
  ...over,
});

const verdict = (files: Record<string, string>) => {
  const plan = planFiles(files);
  expect(plan.setups).toHaveLength(1);
  const s = plan.setups[0]!;
  const rebuilt = s.diagnostics.filter((d) => d.code === 'RUNTIME_REBUILT');
  return { status: s.status, rebuilt, changes: plan.changes.length };
};

const refusedAt = (files: Record<string, string>, file: string, line: number, says: RegExp) => {
  const v = verdict(files);
  expect(v.status).toBe('refused');
  expect(v.changes).toBe(0);
  expect(v.rebuilt).toHaveLength(1);
  expect(v.rebuilt[0]!.severity).toBe('error');
  expect([v.rebuilt[0]!.file, v.rebuilt[0]!.line]).toEqual([file, line]);
  expect(v.rebuilt[0]!.message).toMatch(says);
};

describe('other builds of the runtime Dockerfile', () => {
  const BUILD = 'docker build -t app:build -f Dockerfile.build .';
  const RUN = 'docker build -t app:latest .';

  it('one with the same context and no flag of its own migrates with the setup', () => {
    const v = verdict(repo([BUILD, ...EXTRACT, RUN, 'docker build -t registry.example/app:1.0 --label v=1 .']));
    expect(v.rebuilt).toEqual([]);
    expect(v.status).toBe('migrate');
    // In another script, the same: it builds the merged file from the same context.
    expect(verdict(repo([BUILD, ...EXTRACT, RUN], { 'tag.sh': '#!/bin/sh\ndocker build -t app:again -f ./Dockerfile .\n' })).status).toBe('migrate');
  });

  it('one from another context refuses, wherever it is', () => {
    refusedAt(repo([BUILD, ...EXTRACT, RUN], { 'bundle.sh': '#!/bin/sh\nmkdir -p ctx && cp app ctx/\ndocker build -t app:bundle -f Dockerfile ctx\n' }), 'bundle.sh', 3, /its context is ctx/);
    refusedAt(repo([BUILD, ...EXTRACT, RUN], { 'sub/go.sh': '#!/bin/sh\ncd ..\ndocker build -t app:sub -f Dockerfile sub\n' }), 'sub/go.sh', 3, /its context is sub/);
  });

  it('one whose flags would reach the builder stage refuses', () => {
    refusedAt(repo([BUILD, ...EXTRACT, RUN, 'docker build --build-arg GOFLAGS=-race -t app:race .']), 'build.sh', 8, /--build-arg GOFLAGS .*Dockerfile\.build declares ARG GOFLAGS/);
    refusedAt(repo([BUILD, ...EXTRACT, RUN, 'docker build --platform linux/arm64 -t app:arm .']), 'build.sh', 8, /--platform/);
    // Before the setup's steps too (a stale image rebuilt first).
    refusedAt(repo(['docker build --platform linux/arm64 -t app:arm .', BUILD, ...EXTRACT, RUN]), 'build.sh', 3, /--platform/);
  });

  it('one without a flag the builder build had (which only the final build is given) refuses', () => {
    const withArg = 'docker build --build-arg GOFLAGS=-trimpath -t app:build -f Dockerfile.build .';
    refusedAt(repo([withArg, ...EXTRACT, RUN], { 'debug.sh': '#!/bin/sh\ndocker build -t app:debug .\n' }), 'debug.sh', 2, /without the builder build's --build-arg GOFLAGS=-trimpath/);
    // Given the same flag, it builds the same stage.
    expect(verdict(repo([withArg, ...EXTRACT, RUN], { 'debug.sh': '#!/bin/sh\ndocker build --build-arg GOFLAGS=-trimpath -t app:debug .\n' })).status).toBe('migrate');
  });

  it('one whose context is only known at run time refuses; one of another Dockerfile does not count', () => {
    refusedAt(repo([BUILD, ...EXTRACT, RUN, 'docker build -t app:x -f Dockerfile "$CTX"']), 'build.sh', 8, /only known at run time/);
    expect(verdict(repo([BUILD, ...EXTRACT, RUN, 'docker build -t other -f Dockerfile.other sub'], { 'Dockerfile.other': 'FROM alpine:3.19\n', 'sub/x': '' })).rebuilt).toEqual([]);
  });
});

describe('GitHub Actions steps that build the runtime Dockerfile', () => {
  const BUILD = 'docker build -t app:build -f Dockerfile.build .';
  const RUN = 'docker build -t app:latest .';
  const workflow = (step: string[]) => ['name: ci', 'on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', '      - run: sh build.sh', ...step.map((l) => `      ${l}`), ''].join('\n');
  const withWorkflow = (step: string[], build = BUILD) => repo([build, ...EXTRACT, RUN], { '.github/workflows/ci.yml': workflow(step) });

  it('docker/build-push-action from the same context, with no input that reaches every stage, migrates', () => {
    expect(verdict(withWorkflow(['- uses: docker/build-push-action@v5', '  with:', '    context: .', '    push: true', '    tags: ghcr.io/x/app:latest'])).status).toBe('migrate');
    // The builder build's cache flags are no input the stage needs. (`--no-cache` would be, here:
    // the action reads the context, so the artifact stays on the host through an export build,
    // and the export build and the final build would compile apart: src/plan/export-recompile.ts.)
    expect(verdict(withWorkflow(['- uses: docker/build-push-action@v5', '  with:', '    context: .'], 'docker build --pull -t app:build -f Dockerfile.build .')).status).toBe('migrate');
  });

  it('docker/build-push-action from the Git context, another context, or with stage inputs refuses', () => {
    refusedAt(withWorkflow(['- uses: docker/build-push-action@v5', '  with:', '    push: true']), '.github/workflows/ci.yml', 9, /Git context/);
    refusedAt(withWorkflow(['- uses: docker/build-push-action@v5', '  with:', '    context: ./ctx', '    file: ./Dockerfile']), '.github/workflows/ci.yml', 9, /its context is ctx/);
    refusedAt(withWorkflow(['- uses: docker/build-push-action@v5', '  with:', '    context: .', '    platforms: linux/amd64,linux/arm64']), '.github/workflows/ci.yml', 9, /with: platforms:/);
    refusedAt(withWorkflow(['- uses: docker/build-push-action@v5', '  with:', '    context: .'], 'docker build --build-arg GOFLAGS=-trimpath -t app:build -f Dockerfile.build .'), '.github/workflows/ci.yml', 9, /without the builder build's --build-arg/);
  });

  it('docker/build-push-action build-args reach the builder stage only where it declares the ARG', () => {
    const push = (args: string[]) => withWorkflow(['- uses: docker/build-push-action@v5', '  with:', '    context: .', '    build-args: |', ...args.map((a) => `      ${a}`)]);
    // PORT means nothing to Dockerfile.build: the image is the same.
    expect(verdict(push(['PORT=8080'])).status).toBe('migrate');
    refusedAt(push(['PORT=8080', 'GOFLAGS=-race']), '.github/workflows/ci.yml', 9, /`build-args:` GOFLAGS would now reach the builder stage, which declares ARG GOFLAGS/);
    refusedAt(push(['GOFLAGS=${{ inputs.flags }}']), '.github/workflows/ci.yml', 9, /only known at run time/);
    // The value the builder build gave it is the same stage.
    expect(verdict(withWorkflow(['- uses: docker/build-push-action@v5', '  with:', '    context: .', '    build-args: GOFLAGS=-trimpath'], 'docker build --build-arg GOFLAGS=-trimpath -t app:build -f Dockerfile.build .')).status).toBe('migrate');
  });

  it('docker/build-push-action build-args that make a COPY source written through a variable name the artifact refuse', () => {
    const runtime = 'FROM alpine:3.19\nARG EXTRA=NOTICE\nCOPY app /usr/local/bin/app\nCOPY ${EXTRA} /etc/app/\n';
    const push = (args: string[]) => ({ ...withWorkflow(['- uses: docker/build-push-action@v5', '  with:', '    context: .', '    build-args: |', ...args.map((a) => `      ${a}`)]), Dockerfile: runtime, NOTICE: 'n\n' });
    // Merged, the context no longer holds app: the step's COPY ${EXTRA} would fail.
    refusedAt(push(['EXTRA=app']), '.github/workflows/ci.yml', 9, /`COPY \$\{EXTRA\}` \(Dockerfile:4\) reads its source through `EXTRA`: "app" in this build, which names the extracted app/);
    refusedAt(push(['EXTRA=${{ inputs.extra }}']), '.github/workflows/ci.yml', 9, /a value the tool cannot know before the build/);
    // Another file of the context, as the setup's own build reads it: nothing changes.
    expect(verdict(push(['EXTRA=NOTICE'])).status).toBe('migrate');
  });

  it('another action handed the runtime Dockerfile refuses; one handed another file does not count', () => {
    refusedAt(withWorkflow(['- uses: example/image-action@v1', '  with:', '    dockerfile: Dockerfile']), '.github/workflows/ci.yml', 9, /is given Dockerfile \(`with: dockerfile:`\)/);
    expect(verdict(withWorkflow(['- uses: example/image-action@v1', '  with:', '    dockerfile: docs/Dockerfile.docs'])).status).toBe('migrate');
    // docker/build-push-action building another Dockerfile.
    expect(verdict(withWorkflow(['- uses: docker/build-push-action@v5', '  with:', '    context: docs'])).status).toBe('migrate');
  });
});

describe('compose services that build the runtime Dockerfile', () => {
  const BUILD = 'docker build -t app:build -f Dockerfile.build .';
  const RUN = 'docker build -t app:latest .';
  const compose = (build: string[]) => ['services:', '  web:', '    build:', ...build.map((l) => `      ${l}`), '    image: app:dev', ''].join('\n');
  const withCompose = (build: string[]) => repo([BUILD, ...EXTRACT, RUN], { 'docker-compose.yml': compose(build) });

  it('one from the same context, with no argument the builder declares, migrates', () => {
    expect(verdict(withCompose(['context: .'])).status).toBe('migrate');
    expect(verdict(withCompose(['context: .', 'args:', '  PORT: "8080"'])).status).toBe('migrate');
  });

  it('one passing an argument the builder declares, from another context, or with a key not reproduced refuses', () => {
    refusedAt(withCompose(['context: .', 'args:', '  GOFLAGS: -race']), 'docker-compose.yml', 2, /`args:` GOFLAGS would now reach the builder stage/);
    // A BuildKit option reaches the builder stage without an ARG; a proxy argument its RUNs, which
    // matters only where one reads it (`go build` fetches through it, as Docker's cache assumes).
    refusedAt(withCompose(['context: .', 'args:', '  BUILDKIT_SYNTAX: docker/dockerfile:1.7']), 'docker-compose.yml', 2, /`args:` BUILDKIT_SYNTAX=… would now reach the builder stage: BuildKit reads BUILDKIT_SYNTAX as an option of the whole build/);
    expect(verdict(withCompose(['context: .', 'args:', '  HTTP_PROXY: http://proxy:3128'])).status).toBe('migrate');
    const readsProxy = { 'Dockerfile.build': BUILDER.replace('RUN go build -o /out/app .', 'RUN go build -o /out/app . && echo "$HTTP_PROXY" > /out/via') };
    refusedAt({ ...withCompose(['context: .', 'args:', '  HTTP_PROXY: http://proxy:3128']), ...readsProxy }, 'docker-compose.yml', 2, /`args:` HTTP_PROXY=… would now reach the builder stage: HTTP_PROXY is one of Docker's predefined proxy arguments, which reach every RUN/);
    refusedAt(withCompose(['context: ./ctx', 'dockerfile: ../Dockerfile']), 'docker-compose.yml', 2, /its context is ctx/);
    refusedAt(withCompose(['context: .', 'platforms:', '  - linux/arm64']), 'docker-compose.yml', 2, /platforms/);
    // A service that would build the stage alike does not hide one after it that would not.
    const two = ['services:', '  web:', '    build: .', '  race:', '    build:', '      context: .', '      args:', '        GOFLAGS: -race', ''].join('\n');
    refusedAt(repo([BUILD, ...EXTRACT, RUN], { 'compose.yaml': two }), 'compose.yaml', 4, /`args:` GOFLAGS/);
  });

  it('one whose args make a COPY source written through a variable name the artifact refuses', () => {
    const runtime = 'FROM alpine:3.19\nARG EXTRA=NOTICE\nCOPY app /usr/local/bin/app\nCOPY ${EXTRA} /etc/app/\n';
    const files = (build: string[]) => ({ ...withCompose(build), Dockerfile: runtime, NOTICE: 'n\n' });
    refusedAt(files(['context: .', 'args:', '  EXTRA: app']), 'docker-compose.yml', 2, /`COPY \$\{EXTRA\}` \(Dockerfile:4\) reads its source through `EXTRA`: "app" in this build, which names the extracted app/);
    expect(verdict(files(['context: .', 'args:', '  EXTRA: NOTICE'])).status).toBe('migrate');
    // The ARG's default naming it reads it in the service's build, which passes no EXTRA.
    const byDefault = { ...files(['context: .']), Dockerfile: runtime.replace('EXTRA=NOTICE', 'EXTRA=app') };
    byDefault['build.sh'] = byDefault['build.sh'].replace(RUN, 'docker build --build-arg EXTRA=NOTICE -t app:latest .');
    refusedAt(byDefault, 'docker-compose.yml', 2, /"app" in this build/);
  });

  it('the setup\'s own compose build is not another build', () => {
    const own = repo(['docker compose build builder', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker compose build web'], {
      'docker-compose.yml': ['services:', '  builder:', '    build:', '      context: .', '      dockerfile: Dockerfile.build', '    image: app:build', '  web:', '    build:', '      context: .', '      args:', '        GOFLAGS: -race', '    image: app:latest', ''].join('\n'),
    });
    // Its argument reaching the builder stage is the setup's own check (ARG_LEAK), not a second finding.
    const plan = planFiles(own);
    expect(plan.setups).toHaveLength(1);
    expect(plan.setups[0]!.diagnostics.map((d) => d.code)).toContain('ARG_LEAK');
    expect(plan.setups[0]!.diagnostics.map((d) => d.code)).not.toContain('RUNTIME_REBUILT');
  });
});

describe('builds by other programs', () => {
  const BUILD = 'docker build -t app:build -f Dockerfile.build .';
  const RUN = 'docker build -t app:latest .';
  const after = (line: string) => repo([BUILD, ...EXTRACT, RUN, line]);

  it('podman, buildah and nerdctl builds, and docker through a wrapper, are read as the docker builds they spell', () => {
    refusedAt(after('podman build --build-arg GOFLAGS=-race -t app:race .'), 'build.sh', 8, /--build-arg GOFLAGS/);
    refusedAt(after('sudo -E docker build --build-arg GOFLAGS=-race -t app:race .'), 'build.sh', 8, /--build-arg GOFLAGS/);
    refusedAt(after('nerdctl image build --platform linux/arm64 -t app:arm .'), 'build.sh', 8, /--platform/);
    refusedAt(after('buildah bud -t app:bundle -f Dockerfile ctx'), 'build.sh', 8, /its context is ctx/);
    expect(verdict(after('buildah bud -t app:again .')).status).toBe('migrate');
    expect(verdict(after('sudo podman build -t other -f Dockerfile.other .')).rebuilt).toEqual([]);
  });

  it('a flag the tool does not know refuses unless -f names another Dockerfile', () => {
    refusedAt(after('podman build --format docker -t app:oci .'), 'build.sh', 8, /does not know its flag --format/);
    expect(verdict(after('podman build --format docker -t other -f Dockerfile.other .')).rebuilt).toEqual([]);
  });

  it('wrapper options are read with their values; one the tool does not read refuses', () => {
    refusedAt(after('sudo -u deploy docker build --build-arg GOFLAGS=-race -t app:race .'), 'build.sh', 8, /--build-arg GOFLAGS/);
    refusedAt(after('timeout -s KILL 1h docker build --platform linux/arm64 -t app:arm .'), 'build.sh', 8, /--platform/);
    expect(verdict(after('nice -n 10 docker build -t app:again .')).status).toBe('migrate');
    // Another folder (`-D`): which Dockerfile it builds is not known.
    refusedAt(after('sudo -D /srv/app docker build -t app:srv .'), 'build.sh', 8, /through sudo with an option the tool does not read/);
  });

  it('a bake in a folder holding the runtime Dockerfile refuses at the target that builds it; one elsewhere does not count', () => {
    const web = 'target "web" {\n  dockerfile = "Dockerfile"\n}\n';
    const docs = 'target "docs" {\n  context = "docs"\n  dockerfile = "Dockerfile.docs"\n}\n';
    refusedAt({ ...after('docker buildx bake'), 'docker-bake.hcl': docs + web }, 'docker-bake.hcl', 5, /`docker buildx bake` \(build\.sh:8\) builds `target "web" \{` \(docker-bake\.hcl:5\), which builds Dockerfile, and would now build the builder stage too/);
    refusedAt({ ...after('docker buildx bake -f ci.hcl web') }, 'build.sh', 8, /bake files the tool cannot read \(it reads ci\.hcl, which the tool does not read as a bake file/);
    // A bake whose targets build other Dockerfiles builds what it built (without a bake file it fails, as it did).
    expect(verdict({ ...after('docker buildx bake --push'), 'docker-bake.hcl': docs, 'docs/Dockerfile.docs': 'FROM alpine:3.19\n' }).rebuilt).toEqual([]);
    expect(verdict(after('docker buildx bake')).rebuilt).toEqual([]);
    // What the reader cannot follow may build it.
    refusedAt({ ...after('docker buildx bake --set docs.dockerfile=Dockerfile'), 'docker-bake.hcl': docs }, 'build.sh', 8, /its --set docs\.dockerfile=Dockerfile may override any target's attributes/);
    refusedAt({ ...after('docker buildx bake -f "$BAKE"'), 'docker-bake.hcl': docs }, 'build.sh', 8, /only known at run time/);
    expect(verdict(after('(cd docs && docker buildx bake)')).rebuilt).toEqual([]);
  });

  it('kaniko and buildctl builds that may build the runtime Dockerfile refuse; of another file they do not count', () => {
    refusedAt(after('/kaniko/executor --context "$PWD" --dockerfile Dockerfile --destination reg/app:1'), 'build.sh', 8, /with kaniko, whose context and build arguments the tool does not read/);
    // No --dockerfile: kaniko builds the context's Dockerfile.
    refusedAt(after('(cd /workspace && executor --context dir:///workspace --no-push)'), 'build.sh', 8, /a Dockerfile named Dockerfile from a folder only known at run time with kaniko/);
    refusedAt(after('/kaniko/executor -f "$DOCKERFILE" -c . --destination reg/app:1'), 'build.sh', 8, /builds a Dockerfile only known at run time with kaniko/);
    refusedAt(after('buildctl build --frontend dockerfile.v0 --local context=. --local dockerfile=. --output type=image,name=reg/app'), 'build.sh', 8, /builds Dockerfile with buildctl/);
    refusedAt(after('buildctl-daemonless.sh build --frontend=dockerfile.v0 --local context=. --local=dockerfile=. --opt filename=Dockerfile'), 'build.sh', 8, /with buildctl/);
    // A path only known at run time: any Dockerfile of the name.
    refusedAt(after('buildctl build --frontend dockerfile.v0 --local context=. --local dockerfile="$SRC"'), 'build.sh', 8, /named Dockerfile from a folder only known at run time with buildctl/);
    expect(verdict(after('buildctl-daemonless.sh build --frontend=dockerfile.v0 --local context=. --local dockerfile=deploy --opt filename=Dockerfile')).rebuilt).toEqual([]);
    expect(verdict(after('/kaniko/executor --context . --dockerfile=docker/Dockerfile.prod --destination reg/app:1')).rebuilt).toEqual([]);
    expect(verdict(after('buildctl build --frontend dockerfile.v0 --local context=. --local dockerfile=. --opt filename=Dockerfile.debug')).rebuilt).toEqual([]);
    // A program named executor that is not kaniko's: no kaniko flag.
    expect(verdict(after('./executor run-all')).status).toBe('migrate');
  });
});

describe('a build of the runtime Dockerfile after another setup\'s extraction', () => {
  const files = (release: string[]) => ({
    'Dockerfile.build': BUILDER,
    Dockerfile: RUNTIME,
    'main.go': 'package main\n',
    'build.sh': ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', ...EXTRACT, 'docker build -t app:latest .', 'rm -f app', ''].join('\n'),
    'release.sh': ['#!/bin/sh', 'set -e', ...release, ''].join('\n'),
  });

  it('refuses: a refused setup\'s script stays, and its build copied what its own extraction left', () => {
    // release.sh's setup is refused (the path is only known at run time), so release.sh stays as it is.
    const plan = planFiles(files(['docker build -t app:build2 -f Dockerfile.build .', 'docker create --name y app:build2', 'docker cp y:/out/$(cat NAME) ./app', 'docker rm y', 'docker build -t app:other .', 'rm -f app']));
    const main = plan.setups.find((s) => s.id.startsWith('build.sh'))!;
    expect(main.status).toBe('refused');
    expect(plan.changes).toEqual([]);
    const d = main.diagnostics.find((x) => x.code === 'RUNTIME_REBUILT');
    expect(d, JSON.stringify(main.diagnostics)).toMatchObject({ file: 'release.sh', line: 7, severity: 'error' });
    expect(d!.message).toMatch(/after the extraction of the builder build at release\.sh:3/);
  });

  it('refuses: a setup refused while planning keeps its script, whose final build is of the same runtime Dockerfile', () => {
    // release.sh's setup links its runtime build, and is refused for the strip between extraction and build.
    const plan = planFiles(files(['docker build -t app:build2 -f Dockerfile.build .', 'docker create --name y app:build2', 'docker cp y:/out/app ./app', 'docker rm y', 'strip app', 'docker build -t app:other .', 'rm -f app']));
    expect(plan.setups.map((s) => s.status)).toEqual(['refused', 'refused']);
    expect(plan.changes).toEqual([]);
    const main = plan.setups.find((s) => s.id.startsWith('build.sh'))!;
    const d = main.diagnostics.find((x) => x.code === 'RUNTIME_REBUILT');
    expect(d, JSON.stringify(main.diagnostics)).toMatchObject({ file: 'release.sh', line: 8, severity: 'error' });
    expect(d!.message).toMatch(/that setup is refused, so its script stays as it is/);
  });

  it('still migrates beside a build of the runtime Dockerfile in a script without an extraction', () => {
    const plan = planFiles(files(['docker build -t app:other .']));
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
  });
});
