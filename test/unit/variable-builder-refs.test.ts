/**
 * A runtime FROM / COPY --from / RUN --mount from= written with variables that may expand to
 * the builder image keeps the builder build (src/plan/variable-builder-refs.ts): the old
 * runtime build read the image that build had just tagged.
 */
import { describe, expect, it } from 'vitest';
import { variableRefNames } from '../../src/plan/variable-builder-refs.js';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nRUN go build -o /out/app .\n';
const script = (tag: string, runtimeFlags = '') => `#!/bin/sh\nset -e\ndocker build -t ${tag} -f Dockerfile.build .\ndocker create --name x ${tag}\ndocker cp x:/out/app ./app\ndocker rm x\ndocker build ${runtimeFlags}-t app:latest .\n`;
const migrated = (runtime: string, tag = 'myorg/app:build', runtimeFlags = '') => {
  const files = { 'Dockerfile.build': BUILDER, Dockerfile: runtime, 'build.sh': script(tag, runtimeFlags) };
  const plan = planFiles(files);
  expect(plan.setups[0]!.status).toBe('migrate');
  return { script: applied(files, plan)['build.sh']!, notes: plan.setups[0]!.notes.join('\n') };
};
const KEPT = (tag: string) => `docker build --target builder -t ${tag} -f Dockerfile .\ndocker build`;

describe('a runtime reference through a variable that may be the builder image', () => {
  it('keeps the builder build when the reference expands to its tag with the ARG default or the runtime build\'s --build-arg', () => {
    const fromVar = migrated('ARG TAG=build\nFROM myorg/app:${TAG}\nCOPY app /opt/app\n');
    expect(fromVar.script).toContain(KEPT('myorg/app:build'));
    expect(fromVar.notes).toContain('may still be used by `FROM myorg/app:${TAG}` (Dockerfile:2), given `myorg/app:${TAG}` expands to myorg/app:build');
    expect(migrated('ARG BASE=alpine:3.19\nFROM ${BASE}\nCOPY app /opt/app\n', 'appbuild', '--build-arg BASE=appbuild ').script).toContain(KEPT('appbuild'));
    expect(migrated('ARG SRC=myorg/app:build\nFROM alpine:3.19\nCOPY --from=${SRC} /etc/x /etc/x\nCOPY app /opt/app\n').script).toContain(KEPT('myorg/app:build'));
  });

  it('keeps it when the value is only known at build time and may be the tag', () => {
    const r = migrated('ARG TAG\nFROM alpine:3.19\nRUN --mount=type=bind,from=myorg/app:${TAG},target=/m true\nCOPY app /opt/app\n');
    expect(r.script).toContain(KEPT('myorg/app:build'));
    expect(r.notes).toContain('`myorg/app:${TAG}` is only known at build time and may expand to that name');
  });

  it('deletes it when the reference cannot name the builder image', () => {
    expect(migrated('ARG V=3.19\nFROM alpine:${V}\nCOPY app /opt/app\n').script).not.toContain('--target builder');
    expect(migrated('ARG V\nFROM alpine:${V}\nCOPY app /opt/app\n').script).not.toContain('--target builder');
  });
});

describe('variableRefNames', () => {
  const tags = ['myorg/app:build', 'appbuild:latest'];
  it('gives the value where every variable is known, maybe where one is not and the rest fits a spelling', () => {
    expect(variableRefNames('${B}', [{ name: 'B', value: 'alpine' }], new Map([['B', 'appbuild']]), tags)).toBe('appbuild');
    expect(variableRefNames('${B}', [{ name: 'B', value: 'alpine' }], new Map(), tags)).toBeNull();
    expect(variableRefNames('docker.io/myorg/${N}:build', [], new Map(), tags)).toBe('maybe');
    expect(variableRefNames('myorg/app:${T:-build}', [{ name: 'T', value: 'x' }], new Map(), tags)).toBe('maybe');
    expect(variableRefNames('ghcr.io/${N}', [], new Map(), tags)).toBeNull();
    // (a --build-arg whose name is only known at run time may set any variable)
    expect(variableRefNames('${B}', [{ name: 'B', value: 'alpine' }], null, tags)).toBe('maybe');
  });
});
