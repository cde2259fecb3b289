/**
 * SOURCE_DATE_EPOCH in a build's environment: buildx passes it to the build as a build argument
 * where no --build-arg sets it (docker/buildx commands/build.go), so a builder Dockerfile's
 * `ARG SOURCE_DATE_EPOCH` got the builder build's value. The one merged build runs with the final
 * build's environment (src/plan/build-flags.ts epochConflicts): another value there, or one only
 * known at run time, refuses. (podman ignores the variable: --verify cannot show this.)
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM busybox:latest\nARG SOURCE_DATE_EPOCH\nRUN mkdir -p /out && printf "built at %s" "$SOURCE_DATE_EPOCH" > /out/app\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';
const STEPS = (b = '', r = '') => [`${b}docker build -t app:build -f Dockerfile.build .`, 'docker create --name x app:build', 'docker cp x:/out/app app', 'docker rm x', `${r}docker build -t app:latest .`];
const sh = (prelude: string, b = '', r = '') => `#!/bin/sh\nset -e\n${prelude}${STEPS(b, r).join('\n')}\n`;

function errors(files: Record<string, string>, builder = BUILDER) {
  const s = planFiles({ 'Dockerfile.build': builder, Dockerfile: RUNTIME, ...files }).setups[0]!;
  return s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`);
}
const codes = (files: Record<string, string>, builder?: string) => errors(files, builder).map((e) => e.split(' ')[0]);

describe('SOURCE_DATE_EPOCH in the environment of a build', () => {
  it('given to the builder build alone refuses, naming the variable and the values', () => {
    expect(errors({ 'build.sh': sh('', 'SOURCE_DATE_EPOCH=1700000000 ') })).toEqual([
      'FLAG_CONFLICT $SOURCE_DATE_EPOCH is "1700000000" in the builder build\'s environment, which buildx passes to the build as a build argument; the final build gives none, and the one merged build gives the builder stages the final build\'s',
    ]);
    // whatever the builder Dockerfile declares: BuildKit reads it for its timestamps too
    expect(codes({ 'build.sh': sh('', 'SOURCE_DATE_EPOCH=1700000000 ') }, 'FROM busybox:latest\nRUN mkdir -p /out && echo x > /out/app\n')).toEqual(['FLAG_CONFLICT']);
  });

  it('refuses another value, or one only known at run time, at the final build', () => {
    expect(codes({ 'build.sh': sh('', 'SOURCE_DATE_EPOCH=1700000000 ', 'SOURCE_DATE_EPOCH=1800000000 ') })).toEqual(['FLAG_CONFLICT']);
    // assigned again between the builds: the final build sees another run-time value
    const twice = sh('export SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"\n').replace('docker rm x\n', 'docker rm x\nSOURCE_DATE_EPOCH="$(date +%s)"\n');
    expect(codes({ 'build.sh': twice })).toEqual(['FLAG_CONFLICT']);
  });

  it('one run-time value both builds see (one export before both) migrates: the merged build gets the value the builder build got', () => {
    expect(codes({ 'build.sh': sh('export SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"\n') })).toEqual([]);
    // but not when a step between may set any variable (a sourced file)
    expect(codes({ 'build.sh': sh('export SOURCE_DATE_EPOCH="$(git log -1 --format=%ct)"\n').replace('docker rm x\n', 'docker rm x\n. ./ci/env.sh\n'), 'ci/env.sh': 'true\n' })).not.toEqual([]);
  });

  it('in a CI step\'s env: of the builder build alone refuses', () => {
    const wf = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${STEPS()[0]}\n        env:\n          SOURCE_DATE_EPOCH: 1700000000\n      - run: |\n${STEPS().slice(1).map((l) => `          ${l}`).join('\n')}\n`;
    expect(codes({ '.github/workflows/ci.yml': wf })).toEqual(['FLAG_CONFLICT']);
    // the job's env: reaches both builds alike
    const job = wf.replace('        env:\n          SOURCE_DATE_EPOCH: 1700000000\n', '').replace('    runs-on: ubuntu-latest\n', '    runs-on: ubuntu-latest\n    env:\n      SOURCE_DATE_EPOCH: 1700000000\n');
    expect(codes({ '.github/workflows/ci.yml': job })).toEqual([]);
  });

  it('is set for an export build written in a step without it, as the builder build had it', () => {
    const wf = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: ${STEPS()[0]}\n        env:\n          SOURCE_DATE_EPOCH: 1700000000\n      - run: |\n${STEPS().slice(1, 4).map((l) => `          ${l}`).join('\n')}\n      - run: ${STEPS()[4]}\n        env:\n          SOURCE_DATE_EPOCH: 1700000000\n      - run: sha256sum app\n`;
    const p = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.github/workflows/ci.yml': wf });
    expect(p.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(p.changes.find((c) => c.path === '.github/workflows/ci.yml')?.after).toContain('SOURCE_DATE_EPOCH=1700000000 docker build --target export');
  });

  it('given to the final build alone refuses where the builder Dockerfile declares the ARG', () => {
    expect(codes({ 'build.sh': sh('', '', 'SOURCE_DATE_EPOCH=1700000000 ') })).toEqual(['FLAG_CONFLICT']);
    expect(codes({ 'build.sh': sh('', '', 'SOURCE_DATE_EPOCH=1700000000 ') }, 'FROM busybox:latest\nRUN mkdir -p /out && echo x > /out/app\n')).toEqual([]);
  });

  it('migrates where both builds see the same value, or an empty one (buildx then passes none)', () => {
    expect(codes({ 'build.sh': sh('export SOURCE_DATE_EPOCH=1700000000\n') })).toEqual([]);
    expect(codes({ 'build.sh': sh('', 'SOURCE_DATE_EPOCH=1700000000 ', 'SOURCE_DATE_EPOCH=1700000000 ') })).toEqual([]);
    expect(codes({ 'build.sh': sh('', 'SOURCE_DATE_EPOCH= ') })).toEqual([]);
  });
});
