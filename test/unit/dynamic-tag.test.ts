import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

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
    expect(codes(pattern('"$TAG"', { between: '. ./ci-env.sh\n' }))).toEqual(['DYNAMIC_IMAGE']);
    // Read differently each time.
    expect(codes(pattern('"app-$(date +%s)"', { create: '"app-$(date +%s)"' }))).toEqual(['DYNAMIC_IMAGE']);
  });

  it('refuses any other use of the image, which is no longer built', () => {
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', after: 'docker push "$TAG"\n' }))).toEqual(['REMOVED_NAME_USED']);
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', between: 'docker run --rm "$TAG" go test ./...\n' }))).toEqual(['REMOVED_NAME_USED']);
    // A literal name that is the tag's value when the environment sets none.
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', after: 'docker tag app-build app:tools\n' }))).toEqual(['REMOVED_NAME_USED']);
    // A later build reading it as its base.
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', after: 'docker build -f Dockerfile.test .\n' }), { 'Dockerfile.test': 'FROM app-build\nRUN go vet ./...\n' })).toEqual(['REMOVED_NAME_USED']);
  });

  it('refuses a use through another variable that may be the image, or a hand-off of the tag', () => {
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', after: 'docker run --rm "$CHECK" go vet\n' }))).toEqual(['DYNAMIC_IMAGE']);
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', after: './scripts/scan.sh "$TAG"\n' }))).toEqual(['DYNAMIC_IMAGE']);
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', after: 'echo "BUILDER=$TAG" >> "$GITHUB_ENV"\n' }))).toEqual(['DYNAMIC_IMAGE']);
    expect(codes(pattern('"$TAG"', { defs: 'export TAG=${TAG:-app-build}\n', after: './scripts/scan.sh\n' }))).toEqual(['DYNAMIC_IMAGE']);
    expect(codes(pattern('"$TAG"', { defs: 'export TAG=${TAG:-app-build}\n', after: 'docker compose up -d\n' }))).toEqual(['DYNAMIC_IMAGE']);
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', after: 'docker build --build-arg BASE="$TAG" -f Dockerfile.test .\n' }), { 'Dockerfile.test': 'ARG BASE\nFROM $BASE\n' })).toEqual(['DYNAMIC_IMAGE']);
    // A build between the builder build and the create that may tag the same name.
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', between: 'docker build -t "$OTHER" -f Dockerfile.test .\n' }), { 'Dockerfile.test': 'FROM alpine:3.19\n' })).toEqual(['DYNAMIC_IMAGE']);
  });

  it('lets through what is plainly another image: another literal tag after the variable, the runtime tag after its build', () => {
    expect(codes(pattern('"${IMAGE:-app}:build"', { after: 'docker push "${IMAGE:-app}:latest"\ndocker push "$IMAGE:latest"\n' }))).toEqual([]);
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', after: 'docker run --rm app:latest --version\n./scripts/scan.sh\n' }))).toEqual([]);
    expect(codes(pattern('"$IMAGE-api:build"', { after: 'docker run --rm "$IMAGE-worker:build" true\n' }))).toEqual([]);
    expect(codes(pattern('"$IMAGE"', { after: 'docker run --rm "$IMAGE:latest" true\n' }))).toEqual(['DYNAMIC_IMAGE']);
  });

  it('removes `docker rmi` of the image only when it names that very expansion', () => {
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', after: 'docker rmi "$TAG"\n' }))).toEqual([]);
    expect(codes(pattern('"$TAG"', { defs: 'TAG=${TAG:-app-build}\n', after: 'TAG=${NEXT:-x}\ndocker rmi "$TAG"\n' }))).not.toEqual([]);
  });

  it('follows a container named by a variable only while it keeps its value', () => {
    const extract = (between: string) => `C=\${C:-x}\ndocker build -t app-build -f Dockerfile.build .\ndocker create --name "$C" app-build\n${between}docker cp "$C":/out/app ./app\ndocker rm "$C"\ndocker build -t app:latest .\nrm app\n`;
    expect(codes(extract(''))).toEqual([]);
    expect(codes(extract('C=${NEXT:-y}\n'))).toEqual(['DYNAMIC_CONTAINER']);
  });
});
