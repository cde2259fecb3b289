/**
 * A builder tag that falls back to a name (`BUILDER=${BUILDER:-app-build}`) names another image
 * when a caller runs the script with the variable set (src/plan/caller-tags.ts): the caller, and
 * what runs after it, may use the image by that name, so the builder build stays as written.
 * Callers are found through the shell's own options (src/analyze/callers.ts calledPath).
 */
import { describe, expect, it } from 'vitest';
import { calledPath } from '../../src/analyze/callers.js';
import { parseShell } from '../../src/analyze/shell/index.js';
import { applied, planFiles } from '../support/plan.js';

const BUILD = [
  '#!/bin/sh',
  'set -e',
  'BUILDER=${BUILDER:-app-build}',
  'docker build -t "$BUILDER" -f Dockerfile.build .',
  'docker create --name x "$BUILDER"',
  'docker cp x:/out/app ./app',
  'docker rm x',
  'docker build -t app:latest .',
  'rm app',
  '',
].join('\n');
const repo = (ci: string) => ({
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'main.go': 'package main\n',
  'build.sh': BUILD,
  'ci.sh': `#!/bin/sh\nset -e\n${ci}\n`,
});
/** The migrated build.sh, or the refusal codes. */
const migrated = (ci: string) => {
  const files = repo(ci);
  const plan = planFiles(files);
  const errors = plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
  return errors.length > 0 ? errors : applied(files, plan)['build.sh'];
};

describe('a builder tag a caller names through the environment', () => {
  it('keeps the builder build when the caller sets the tag variable for the call', () => {
    expect(migrated('BUILDER=relay-build sh build.sh\ndocker run --rm relay-build go test ./...')).toContain('docker build --target builder -t "$BUILDER" -f Dockerfile .');
  });

  it('keeps it when the caller exports the variable before the call', () => {
    expect(migrated('export BUILDER=relay-build\n./build.sh\ndocker run --rm relay-build go test ./...')).toContain('docker build --target builder -t "$BUILDER" -f Dockerfile .');
  });

  it('finds the caller behind bash options that take a value (`-o errexit`, `-O expand_aliases`)', () => {
    expect(migrated('BUILDER=relay-build bash -o errexit -O expand_aliases build.sh\ndocker run --rm relay-build go test ./...')).toContain('docker build --target builder -t "$BUILDER" -f Dockerfile .');
  });

  it('keeps it when the caller sets the variable through env', () => {
    expect(migrated('env BUILDER=relay-build sh build.sh\ndocker run --rm relay-build go test ./...')).toContain('docker build --target builder -t "$BUILDER" -f Dockerfile .');
  });

  it('drops the builder build when the variables the caller sets leave the tag alone', () => {
    const out = migrated('VERBOSE=1 sh build.sh');
    expect(out).not.toContain('docker build --target builder');
    expect(out).toContain('docker build -t app:latest .');
  });
});

describe('calledPath', () => {
  const path = (line: string) => calledPath(parseShell('ci.sh', `${line}\n`).script!.commands[0]!);
  it('reads the script a shell runs past its options', () => {
    expect(path('bash -x build.sh')).toBe('build.sh');
    expect(path('bash -o errexit build.sh')).toBe('build.sh');
    expect(path('bash -eo pipefail scripts/build.sh')).toBe('scripts/build.sh');
    expect(path('bash +O extglob -O expand_aliases -- build.sh')).toBe('build.sh');
    expect(path('bash --rcfile ci/bashrc build.sh')).toBe('build.sh');
  });
  it('reads the script env runs, unless env changes its folder', () => {
    expect(path('env BUILDER=relay-build ./build.sh')).toBe('./build.sh');
    expect(path('env -i PATH=/bin bash -e build.sh')).toBe('build.sh');
    expect(path('env -C sub ./build.sh')).toBeNull();
  });
  it('reads no script where the shell runs text', () => {
    expect(path("bash -c 'make all' build.sh")).toBeNull();
    expect(path("bash -ec 'make all'")).toBeNull();
  });
});
