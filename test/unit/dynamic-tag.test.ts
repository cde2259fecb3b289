import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';

/** Plans a repository whose build.sh is `script`; the error codes of its one setup (empty: it migrates). */
function codes(script: string, extra: Record<string, string> = {}): string[] {
  const plan = planFiles({ 'build.sh': `#!/bin/sh\nset -e\n${script}`, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', ...extra });
  expect(plan.setups.length, 'the setup is found').toBe(1);
  const s = plan.setups[0]!;
  const errors = [...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))];
  expect(s.status === 'migrate', JSON.stringify(s.diagnostics)).toBe(errors.length === 0);
  return errors;
}

/** The migrated build.sh of a repository whose build.sh is `script` (its one setup must migrate). */
function migrated(script: string, extra: Record<string, string> = {}): string {
  const files = { 'build.sh': `#!/bin/sh\nset -e\n${script}`, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', ...extra };
  const plan = planFiles(files);
  expect(plan.setups.length, 'the setup is found').toBe(1);
  expect(plan.setups[0]!.status, JSON.stringify(plan.setups[0]!.diagnostics)).toBe('migrate');
  return applied(files, plan)['build.sh']!;
}

/** The builder build kept as written, tagged `"$TAG"`. */
const KEPT = 'docker build --target builder -t "$TAG" -f Dockerfile .\n';

/** The builder pattern with the builder image named `tag`, and `between`/`after` around the runtime build. */
const pattern = (tag: string, opts: { defs?: string; between?: string; after?: string; create?: string } = {}) =>
  `${opts.defs ?? ''}docker build -t ${tag} -f Dockerfile.build .\n${opts.between ?? ''}docker create --name x ${opts.create ?? tag}\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm app\n${opts.after ?? ''}`;

describe('builder tags only known at run time', () => {
  it('migrates the same expansion at the build and the create', () => {
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n' }))).toEqual([]);
    expect(codes(pattern('"${IMAGE:-app}:build"'))).toEqual([]);
    expect(codes(pattern('"$TAG"', { defs: 'TAG="${TAG:-app-build}"\n', between: 'echo "built $TAG"\nmkdir -p out\n' }))).toEqual([]);
    // The runtime tag is only known at run time too: it stays as written, and may be used after.
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\nIMAGE=${IMAGE:-app:latest}\n', after: 'docker push app:latest\n' }))).toEqual([]);
  });

  it('refuses when the variable may hold another value at the create', () => {
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', between: 'TAG=${RELEASE:-$TAG}\n' }))).toEqual(['DYNAMIC_IMAGE']);
    expect(codes(pattern('"$TAG"', { between: 'read -r TAG < tag.txt\n' }))).toEqual(['DYNAMIC_IMAGE']);
    expect(codes(pattern('"$TAG"', { defs: 'pick() { TAG=other; }\n', between: 'pick\n' }))).toEqual(['DYNAMIC_IMAGE']);
    // (The sourced file is not in the repository: it may change folder too.)
    expect(codes(pattern('"$TAG"', { between: '. ./ci-env.sh\n' }))).toEqual(['DYNAMIC_IMAGE', 'DYNAMIC_BUILD_INPUT']);
    // Read differently each time.
    expect(codes(pattern('"app-$(date +%s)"', { create: '"app-$(date +%s)"' }))).toEqual(['DYNAMIC_IMAGE']);
  });

  it('keeps the builder build as written for a later use of the same expansion, or of the name it falls back to', () => {
    const defs = 'TAG=${TAG:-app-build}\n';
    // A push after the final build: the build stays, tagged as it was, and the push with it.
    expect(migrated(pattern('"$TAG"', { defs, after: 'docker push "$TAG"\n' }))).toBe(`#!/bin/sh\nset -e\n${defs}${KEPT}docker build -t app:latest .\ndocker push "$TAG"\n`);
    // Tests run in it between the build and the extraction only read it.
    expect(migrated(pattern('"$TAG"', { defs, between: 'docker run --rm "$TAG" go test ./...\n' }))).toBe(`#!/bin/sh\nset -e\n${defs}${KEPT}docker run --rm "$TAG" go test ./...\ndocker build -t app:latest .\n`);
    expect(migrated(pattern('"$TAG"', { defs, between: 'docker tag "$TAG" app:tools\ndocker image inspect "$TAG"\n' }))).toContain(KEPT);
    // A load after the extraction changes nothing the old containers read: no use.
    expect(migrated(pattern('"$TAG"', { defs, after: 'docker load -i tools.tar\n' }))).not.toContain('--target builder');
    // A literal name that is the tag's value when the environment sets none.
    expect(migrated(pattern('"$TAG"', { defs, after: 'docker tag app-build app:tools\n' }))).toContain(KEPT);
    // A later build reading it as its base.
    expect(migrated(pattern('"$TAG"', { defs, after: 'docker build -f Dockerfile.test .\n' }), { 'Dockerfile.test': 'FROM app-build\nRUN go vet ./...\n' })).toContain(KEPT);
    // The note says which use keeps it, and whether it surely is one.
    const notes = (after: string, extra: Record<string, string> = {}) => planFiles({ 'build.sh': `#!/bin/sh\nset -e\n${pattern('"$TAG"', { defs, after })}`, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, ...extra }).setups[0]!.notes.filter((n) => n.startsWith('the builder build stays'));
    expect(notes('docker push "$TAG"\n')).toEqual(['the builder build stays as `--target builder` of Dockerfile, because its image "$TAG" is still used by `docker push "$TAG"` (build.sh:10)']);
    expect(notes('docker run --rm "$CHECK" go vet\n')).toEqual(['the builder build stays as `--target builder` of Dockerfile, because its image "$TAG" may still be used by `docker run --rm "$CHECK" go vet` (build.sh:10), which names an image only known at run time']);
    expect(notes('docker build -f Dockerfile.test .\n', { 'Dockerfile.test': 'FROM app-build\n' })).toEqual(['the builder build stays as `--target builder` of Dockerfile, because its image "$TAG" may still be used by `docker build -f Dockerfile.test .` (build.sh:10)']);
    // Inline: the build keeps the expansion as written.
    expect(migrated(pattern('"${IMAGE:-app}:build"', { after: 'docker push "${IMAGE:-app}:build"\n' }))).toContain('docker build --target builder -t "${IMAGE:-app}:build" -f Dockerfile .\n');
  });

  it('keeps it for a use whose name may differ from the tag: the kept build names the same image under the same expansion', () => {
    const defs = 'TAG=${TAG:-app-build}\n';
    // The variable assigned again between the build and the use: the use names whatever it named before.
    expect(migrated(pattern('"$TAG"', { defs, after: 'TAG=${NEXT:-app-next}\ndocker push "$TAG"\n' }))).toContain(`${KEPT}docker build -t app:latest .\nTAG=\${NEXT:-app-next}\ndocker push "$TAG"\n`);
    // Another variable copied from the tag, or set from the environment.
    expect(migrated(pattern('"$TAG"', { defs: `${defs}OTHER=$TAG\n`, after: 'docker run --rm "$OTHER" go vet\n' }))).toContain(KEPT);
    expect(migrated(pattern('"$TAG"', { defs, after: 'docker run --rm "$CHECK" go vet\n' }))).toContain(KEPT);
    // Handed to a program, a file, a build argument, or exported to what runs.
    expect(migrated(pattern('"$TAG"', { defs, after: './scripts/scan.sh "$TAG"\n' }))).toContain(KEPT);
    expect(migrated(pattern('"$TAG"', { defs, after: 'echo "BUILDER=$TAG" >> "$GITHUB_ENV"\n' }))).toContain(KEPT);
    expect(migrated(pattern('"$TAG"', { defs: 'export TAG=${TAG:-app-build}\n', after: './scripts/scan.sh\n' }))).toContain(KEPT);
    expect(migrated(pattern('"$TAG"', { defs: 'export TAG=${TAG:-app-build}\n', after: 'docker compose up -d\n' }))).toContain(KEPT);
    expect(migrated(pattern('"$TAG"', { defs, after: 'docker build --build-arg BASE="$TAG" -f Dockerfile.test .\n' }), { 'Dockerfile.test': 'ARG BASE\nFROM $BASE\n' })).toContain(KEPT);
    // Under a condition: the use keeps its `if`, the build runs as it did.
    expect(migrated(pattern('"$TAG"', { defs, after: 'if [ -n "$PUSH" ]; then\n  docker push "$TAG"\nfi\n' }))).toContain(`${KEPT}docker build -t app:latest .\nif [ -n "$PUSH" ]; then\n  docker push "$TAG"\nfi\n`);
  });

  it('keeps the build where it was under a condition around the whole setup; a builder build alone under one still refuses', () => {
    const whole = 'TAG=${TAG:-app-build}\nif [ -z "$SKIP" ]; then\n  docker build -t "$TAG" -f Dockerfile.build .\n  docker create --name x "$TAG"\n  docker cp x:/out/app ./app\n  docker rm x\n  docker build -t app:latest .\n  rm app\nfi\ndocker push "$TAG"\n';
    expect(migrated(whole)).toBe('#!/bin/sh\nset -e\nTAG=${TAG:-app-build}\nif [ -z "$SKIP" ]; then\n  docker build --target builder -t "$TAG" -f Dockerfile .\n  docker build -t app:latest .\nfi\ndocker push "$TAG"\n');
    const alone = 'TAG=${TAG:-app-build}\nif [ -z "$SKIP" ]; then\n  docker build -t "$TAG" -f Dockerfile.build .\nfi\ndocker create --name x "$TAG"\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm app\ndocker push "$TAG"\n';
    expect(codes(alone)).toEqual(['CONDITIONAL_STEP']);
  });

  it('keeps it for a use before the build, which a later run of the script would find built', () => {
    const script = 'TAG=${TAG:-app-build}\ndocker pull "$TAG" || true\ndocker build -t "$TAG" -f Dockerfile.build .\ndocker create --name x "$TAG"\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build -t app:latest .\nrm app\n';
    expect(migrated(script)).toBe(`#!/bin/sh\nset -e\nTAG=\${TAG:-app-build}\ndocker pull "$TAG" || true\n${KEPT}docker build -t app:latest .\n`);
  });

  it('refuses a command between the build and the extraction that may point the name at another image', () => {
    const defs = 'TAG=${TAG:-app-build}\n';
    const refusal = (between: string, extra: Record<string, string> = {}) => {
      const plan = planFiles({ 'build.sh': `#!/bin/sh\nset -e\n${pattern('"$TAG"', { defs, between })}`, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', ...extra });
      const errors = plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error');
      expect(errors.map((d) => d.code), JSON.stringify(errors)).toEqual(['DYNAMIC_IMAGE']);
      expect(errors[0]!.message).toContain('between the build of the builder image `"$TAG"` (line 4) and the last step of the extraction from it (line');
      return errors[0]!.message;
    };
    expect(refusal('docker tag other:1 "$TAG"\n')).toContain('` tags another image with that name, between');
    expect(refusal('docker pull "$TAG"\n')).toContain('` changes which image that name holds, between');
    expect(refusal('docker rmi "$TAG"\n')).toContain('` removes that name, between');
    expect(refusal('docker load -i tools.tar\n')).toContain('` may write an image under that name, between');
    expect(refusal('docker image load -i tools.tar\n')).toContain('` may write an image under that name, between');
    expect(refusal('docker pull "$CHECK"\n')).toContain('` may be it, and changes which image that name holds');
    // (A second build tagged "$TAG" there is the one the containers are made from: the first is then the refused use.)
    expect(refusal('docker build -t "$OTHER" -f Dockerfile.test .\n', { 'Dockerfile.test': 'FROM alpine:3.19\n' })).toContain('may tag the same name');
    expect(refusal('docker tag "$TAG" "$OTHER"\n')).toContain('` may be it, and tags another image with that name');
    expect(refusal('./scripts/retag.sh "$TAG"\n')).toContain('hands the tag on');
    expect(refusal('docker run --rm -e IMAGE="$TAG" tools:1 retag\n')).toContain('hands the tag to a container');
  });

  it("follows a Make `$(TAG)` the Makefile gives no value: the caller's one value for the run, whose uses keep the build", () => {
    const makefile = (defs: string) => `${defs}build:\n\tdocker build -t $(TAG) -f Dockerfile.build .\n\tdocker create --name x $(TAG)\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\tdocker build -t app:latest .\n\trm app\n\tdocker push $(TAG)\n`;
    const files = (defs: string) => ({ Makefile: makefile(defs), 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n' });
    const given = planFiles(files(''));
    expect(given.setups[0]!.status).toBe('migrate');
    expect(applied(files(''), given).Makefile).toBe('build:\n\tdocker build --target builder -t $(TAG) -f Dockerfile .\n\tdocker build -t app:latest .\n\tdocker push $(TAG)\n');
    // With a value, the tag is a literal one, and the push keeps the build.
    const plan = planFiles(files('TAG ?= app-build\n'));
    expect(plan.setups[0]!.status).toBe('migrate');
    expect(applied(files('TAG ?= app-build\n'), plan).Makefile).toContain('\tdocker build --target builder -t $(TAG) -f Dockerfile .\n\tdocker build -t app:latest .\n\tdocker push $(TAG)\n');
  });

  it('keeps it for a use in another job of the same CI file that names what the tag falls back to', () => {
    const workflow = (push: string) =>
      `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          TAG=\${TAG:-app-build}\n          docker build -t "$TAG" -f Dockerfile.build .\n          docker create --name x "$TAG"\n          docker cp x:/out/app ./app\n          docker rm x\n          docker build -t app:latest .\n  push:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${push}\n`;
    const files = (push: string) => ({ '.github/workflows/ci.yml': workflow(push), 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n' });
    const kept = '          docker build --target builder -t "$TAG" -f Dockerfile .\n          docker build -t app:latest .\n';
    for (const push of ['docker push "${TAG:-app-build}"', 'docker push app-build', 'docker push "${BUILDER:-app-build}"']) {
      const plan = planFiles(files(push));
      expect(plan.setups[0]!.status).toBe('migrate');
      expect(applied(files(push), plan)['.github/workflows/ci.yml']).toContain(kept);
    }
    // Another name in the other job: the builder build goes.
    const other = planFiles(files('docker push app:latest'));
    expect(other.setups[0]!.status).toBe('migrate');
    expect(applied(files('docker push app:latest'), other)['.github/workflows/ci.yml']).not.toContain('--target builder');
    // A step after the build in the same job, whose shell has no TAG of its own: the build stays for it.
    const step = workflow('echo done').replace('  push:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo done\n', '      - run: docker push "$TAG"\n');
    const stepPlan = planFiles({ ...files(''), '.github/workflows/ci.yml': step });
    expect(applied({ ...files(''), '.github/workflows/ci.yml': step }, stepPlan)['.github/workflows/ci.yml']).toContain(`${kept}      - run: docker push "$TAG"\n`);
  });

  it('lets through what is plainly another image: another literal tag after the variable, the runtime tag after its build (the builder build goes)', () => {
    expect(migrated(pattern('"${IMAGE:-app}:build"', { after: 'docker push "${IMAGE:-app}:latest"\ndocker push "$IMAGE:latest"\n' }))).not.toContain('--target builder');
    expect(migrated(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', after: 'docker run --rm app:latest --version\n./scripts/scan.sh\necho "built $TAG"\n' }))).not.toContain('--target builder');
    expect(migrated(pattern('"$IMAGE-api:build"', { after: 'docker run --rm "$IMAGE-worker:build" true\n' }))).not.toContain('--target builder');
    // `"$IMAGE:latest"` may be the image tagged `"$IMAGE"`: its build stays.
    expect(migrated(pattern('"$IMAGE"', { after: 'docker run --rm "$IMAGE:latest" true\n' }))).toContain('docker build --target builder -t "$IMAGE" -f Dockerfile .\n');
  });

  it('removes `docker rmi` of the image with the build only when it names that very expansion', () => {
    expect(migrated(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', after: 'docker rmi "$TAG"\n' }))).toBe('#!/bin/sh\nset -e\nTAG=${TAG:-app-build}\ndocker build -t app:latest .\n');
    // Another image, maybe: the removal stays, and the builder build with it.
    expect(migrated(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', after: 'TAG=${NEXT:-x}\ndocker rmi "$TAG"\n' }))).toBe(`#!/bin/sh\nset -e\nTAG=\${TAG:-app-build}\n${KEPT}docker build -t app:latest .\nTAG=\${NEXT:-x}\ndocker rmi "$TAG"\n`);
  });

  it('follows a container named by a variable only while it keeps its value', () => {
    const extract = (between: string) => `C=\${C:-x}\ndocker build -t app-build -f Dockerfile.build .\ndocker create --name "$C" app-build\n${between}docker cp "$C":/out/app ./app\ndocker rm "$C"\ndocker build -t app:latest .\nrm app\n`;
    expect(codes(extract(''))).toEqual([]);
    expect(codes(extract('C=${NEXT:-y}\n'))).toEqual(['DYNAMIC_CONTAINER']);
  });
});
