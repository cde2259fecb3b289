/**
 * A build that reads its Dockerfile from standard input (`-f - . < FILE`, `cat FILE | … -f - .`)
 * is the build of FILE, but for the ignore file: docker applies no FILE.dockerignore to standard
 * input. It migrates as the `-f FILE` build when none lies beside FILE, and refuses
 * DOCKERFILE_ON_STDIN (src/analyze/dockerfile-access.ts) when one does, or when what is fed is
 * no file of the repository. A Dockerfile that is the whole context (`docker build - < FILE`)
 * keeps refusing.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY relay /usr/local/bin/relay\nCMD ["relay"]\n',
  'main.go': 'package main\n',
};
const script = (builder: string, runtime = 'docker build -t relay:latest .', after: string[] = []) => ['#!/bin/sh', 'set -e', builder, 'docker create --name relay-x relay:build', 'docker cp relay-x:/out/relay ./relay', 'docker rm relay-x', runtime, ...after, ''].join('\n');

function run(build: string, over: Record<string, string> = {}) {
  const files = { ...FILES, ...over, 'build.sh': build };
  const plan = planFiles(files);
  const errors = plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, line: d.line, message: d.message, hint: d.hint })));
  return { plan, errors, after: applied(files, plan) };
}

describe('a Dockerfile on standard input', () => {
  it('a builder build fed by a redirect migrates as the build of that file', () => {
    const { errors, after } = run(script('docker build -t relay:build -f - . < Dockerfile.build'));
    expect(errors).toEqual([]);
    expect(after['Dockerfile.build']).toBeUndefined();
    expect(after['Dockerfile']).toContain('FROM golang:1.21 AS builder');
    expect(after['build.sh']).toBe('#!/bin/sh\nset -e\ndocker build -t relay:latest .\n');
  });

  it('a builder build fed by a plain `cat FILE |` migrates, the cat going with it', () => {
    const { errors, after } = run(script('cat Dockerfile.build | docker build -t relay:build -f - .'));
    expect(errors).toEqual([]);
    expect(after['build.sh']).toBe('#!/bin/sh\nset -e\ndocker build -t relay:latest .\n');
  });

  it('a runtime build fed its Dockerfile keeps reading it: the merged file is at that path', () => {
    const { errors, after } = run(script('docker build -t relay:build -f Dockerfile.build .', 'docker build -t relay:latest -f - . < Dockerfile'));
    expect(errors).toEqual([]);
    expect(after['Dockerfile']).toContain('COPY --from=builder');
    expect(after['build.sh']).toBe('#!/bin/sh\nset -e\ndocker build -t relay:latest -f - . < Dockerfile\n');
  });

  it('refuses the builder build fed a file with its own ignore file beside it, saying why', () => {
    const { errors } = run(script('docker build -t relay:build -f - . < Dockerfile.build'), { 'Dockerfile.build.dockerignore': '*.md\n' });
    expect(errors.map((e) => [e.code, e.line])).toEqual([['DOCKERFILE_ON_STDIN', 3]]);
    expect(errors[0]!.message).toContain('(`-f - < Dockerfile.build`), and docker applies no Dockerfile.build.dockerignore to it');
    expect(errors[0]!.hint).toContain('Write `-f Dockerfile.build` if Dockerfile.build.dockerignore should apply');
  });

  it('refuses a later build that may be the runtime build, fed a file with its own ignore file', () => {
    const { errors } = run(script('docker build -t relay:build -f Dockerfile.build .', 'docker build -t relay:latest -f - . < Dockerfile'), { 'Dockerfile.dockerignore': '*.md\n' });
    expect(errors.map((e) => [e.code, e.line])).toEqual([['DOCKERFILE_ON_STDIN', 7]]);
    expect(errors[0]!.message).toContain('the runtime build reads its Dockerfile from standard input');
  });

  it('refuses a Dockerfile fed from a heredoc, another program or a run-time path', () => {
    for (const builder of ['echo "FROM golang:1.21" | docker build -t relay:build -f - .', 'cat -v Dockerfile.build | docker build -t relay:build -f - .', 'docker build -t relay:build -f - . < "$DF"']) {
      const { errors } = run(script(builder));
      expect(errors.map((e) => e.code), builder).toEqual(['DOCKERFILE_ON_STDIN']);
    }
  });

  it('keeps refusing a Dockerfile that is the whole context', () => {
    const { errors } = run(script('docker build -t relay:build - < Dockerfile.build'));
    expect(errors.map((e) => [e.code, e.line])).toEqual([['DYNAMIC_BUILD_INPUT', 3]]);
    expect(errors[0]!.message).toContain('reads its context from standard input');
  });

  it('refuses to keep a builder build fed the Dockerfile the migration deletes', () => {
    const { errors } = run(script('docker build -t relay:build -f - . < Dockerfile.build', undefined, ['docker run --rm relay:build go vet ./...']));
    expect(errors.map((e) => e.code)).toEqual(['BUILDER_TAG_USED']);
    expect(errors[0]!.message).toContain('reads its Dockerfile from standard input, fed from the builder Dockerfile the migration deletes');
  });

  it('another build fed the runtime Dockerfile is one of its builds (RUNTIME_REBUILT from another context)', () => {
    const { errors } = run(script('docker build -t relay:build -f Dockerfile.build .'), { 'dbg.sh': '#!/bin/sh\ndocker build -t relay:dbg -f - ctx < Dockerfile\n', 'ctx/a': 'x\n' });
    expect(errors.map((e) => [e.code, e.line])).toEqual([['RUNTIME_REBUILT', 2]]);
    expect(errors[0]!.message).toContain('its context is ctx');
    // Piped in by `cat`, the same; and built by podman after the setup's final build.
    const piped = run(script('docker build -t relay:build -f Dockerfile.build .'), { 'dbg.sh': '#!/bin/sh\ncat Dockerfile | docker build -t relay:dbg -f - ctx\n', 'ctx/a': 'x\n' }).errors;
    expect(piped.map((e) => [e.code, e.line])).toEqual([['RUNTIME_REBUILT', 2]]);
    const podman = run(script('docker build -t relay:build -f Dockerfile.build .', undefined, ['podman build -t relay:dbg -f - ctx < Dockerfile']), { 'ctx/a': 'x\n' }).errors;
    expect(podman.map((e) => [e.code, e.line])).toEqual([['RUNTIME_REBUILT', 8]]);
    // Fed another file, it is no build of the runtime Dockerfile.
    expect(run(script('docker build -t relay:build -f Dockerfile.build .'), { 'dbg.sh': '#!/bin/sh\ndocker build -t relay:dbg -f - ctx < Dockerfile.dbg\n', 'Dockerfile.dbg': 'FROM alpine:3.19\n', 'ctx/a': 'x\n' }).errors).toEqual([]);
  });
});
