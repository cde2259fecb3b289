/**
 * A umask lasts as long as its shell: a GitHub Actions step's `umask 077` does not reach a later
 * step's extraction, while a GitLab job's `script:` items share one shell (src/analyze/host-umask.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /go/src/stamp\nCOPY main.go ./\nRUN go build -o stamp\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY stamp /usr/bin/stamp\nCMD ["stamp"]\n',
  'main.go': 'package main\n\nfunc main() {}\n',
};
const EXTRACT = ['docker build -t stamp-builder -f Dockerfile.build .', 'docker run --rm stamp-builder cat /go/src/stamp/stamp > stamp', 'chmod +x stamp', 'docker build -t stamp:latest .'];
const actions = (steps: string[][]) => `on: [push]\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n${steps.map((s) => `      - run: |\n${s.map((l) => `          ${l}\n`).join('')}`).join('')}`;
const codes = (files: Record<string, string>) => planFiles({ ...FILES, ...files }).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

describe('umask and the shells of CI steps', () => {
  it('does not count a umask of an earlier GitHub Actions step', () => {
    expect(codes({ '.github/workflows/image.yml': actions([['umask 077'], EXTRACT]) })).toEqual([]);
  });

  it('counts a umask earlier in the same step', () => {
    expect(codes({ '.github/workflows/image.yml': actions([['umask 077', ...EXTRACT]]) })).toContain('HOST_UMASK');
  });

  it('counts a umask of an earlier GitLab script item: the items share one shell', () => {
    const job = `build-image:\n  script:\n${['umask 077', ...EXTRACT].map((l) => `    - ${l}\n`).join('')}`;
    expect(codes({ '.gitlab-ci.yml': job })).toContain('HOST_UMASK');
  });

  it('counts a umask of a file the script sources (or one that file sources): it runs in the script\'s shell', () => {
    const sourcing = (lib: Record<string, string>) => planFiles({ ...FILES, ...lib, 'build.sh': ['#!/bin/sh', 'set -e', '. ./ci/env.sh', ...EXTRACT, ''].join('\n') }).setups[0]!.diagnostics.filter((d) => d.code === 'HOST_UMASK');
    const [d] = sourcing({ 'ci/env.sh': 'export CI_NAME=local\numask 077\n' });
    expect([d?.file, d?.line, d?.message]).toEqual(['ci/env.sh', 2, expect.stringContaining('(in ci/env.sh, which `. ./ci/env.sh` at build.sh:3 sources)')]);
    expect(sourcing({ 'ci/env.sh': '. ./ci/more.sh\n', 'ci/more.sh': 'umask 027\n' }).map((x) => `${x.file}:${x.line}`)).toEqual(['ci/more.sh:1']);
    expect(sourcing({ 'ci/env.sh': 'export CI_NAME=local\n' })).toEqual([]);
  });

  it('does not count a umask set after the file is made and given its mode', () => {
    expect(codes({ 'build.sh': ['#!/bin/sh', 'set -e', ...EXTRACT.slice(0, 3), 'umask 077', EXTRACT[3], ''].join('\n') })).toEqual([]);
  });
});
