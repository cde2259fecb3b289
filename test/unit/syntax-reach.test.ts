/**
 * A `# syntax=` directive moved to the top of the merged file chooses the frontend of the
 * other file's stages too: refused when that frontend is unknown, or pinned older than syntax
 * those stages (or the merge's own lines) use; the floating `docker/dockerfile:1` reads them
 * as before (transforms/syntax-reach.ts).
 */
import { describe, expect, it } from 'vitest';
import { frontendOf } from '../../transforms/syntax-reach.js';
import { planFiles } from '../support/plan.js';

const SCRIPT = ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .', 'rm -f app', ''].join('\n');
const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const HEREDOC_RUNTIME = 'FROM alpine:3.19\nRUN <<EOT\napk add --no-cache ca-certificates\nEOT\nCOPY --link app /usr/local/bin/app\nCMD ["app"]\n';

const plan = (builder: string, runtime: string) => {
  const p = planFiles({ 'Dockerfile.build': builder, Dockerfile: runtime, 'build.sh': SCRIPT });
  expect(p.setups).toHaveLength(1);
  return p.setups[0]!;
};
const codes = (s: ReturnType<typeof plan>) => s.diagnostics.map((d) => d.code);

describe('syntax directive reach', () => {
  it('refuses a builder pinned to 1.2 whose directive would read the runtime file\'s heredoc and COPY --link', () => {
    const s = plan(`# syntax=docker/dockerfile:1.2\n${BUILDER}`, HEREDOC_RUNTIME);
    expect(s.status).toBe('refused');
    const d = s.diagnostics.find((x) => x.code === 'SYNTAX_DIRECTIVE_REACH');
    expect(d, JSON.stringify(s.diagnostics)).toMatchObject({ file: 'Dockerfile.build', line: 1 });
    expect(d!.message).toContain('Dockerfile:2');
  });

  it('refuses a runtime file pinned to 1.3 whose directive would read the builder\'s RUN heredoc', () => {
    const s = plan('FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN <<EOF\ngo build -o /out/app .\nEOF\n', `# syntax=docker/dockerfile:1.3\n${RUNTIME}`);
    expect(codes(s)).toContain('SYNTAX_DIRECTIVE_REACH');
  });

  it('refuses a frontend the tool does not know, even over plain syntax', () => {
    for (const v of ['example/dockerfile-x:1', 'docker/dockerfile@sha256:' + 'a'.repeat(64)]) {
      expect(codes(plan(`# syntax=${v}\n${BUILDER}`, RUNTIME))).toContain('SYNTAX_DIRECTIVE_REACH');
    }
  });

  it('refuses a pinned frontend older than the COPY --chmod the merge writes', () => {
    const script = ['#!/bin/sh', 'set -e', 'mkdir -p bin', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'install -m 0750 app bin/app', 'docker build -t app:latest .', ''].join('\n');
    const p = planFiles({ 'Dockerfile.build': `# syntax=docker/dockerfile:1.2\n${BUILDER}`, Dockerfile: RUNTIME.replace('COPY app', 'COPY bin/app'), 'build.sh': script });
    const s = p.setups[0]!;
    if (s.status !== 'refused') throw new Error(JSON.stringify(s));
    expect(codes(s)).toContain('SYNTAX_DIRECTIVE_REACH');
  });

  it('merges under a pinned frontend that has every feature the other file uses', () => {
    expect(plan(`# syntax=docker/dockerfile:1.4\n${BUILDER}`, HEREDOC_RUNTIME).status).toBe('migrate');
    expect(plan(`# syntax=docker/dockerfile:1.2\n${BUILDER}`, RUNTIME).status).toBe('migrate');
  });

  it('merges under the floating channel whatever the other file uses', () => {
    expect(plan(`# syntax=docker/dockerfile:1\n${BUILDER}`, HEREDOC_RUNTIME).status).toBe('migrate');
  });

  it('excuses syntax the directive\'s own file already used under it', () => {
    const builder = `# syntax=docker/dockerfile:1.2\nFROM golang:1.21\nWORKDIR /src\nCOPY --chmod=644 . .\nRUN go build -o /out/app .\n`;
    expect(plan(builder, 'FROM alpine:3.19\nCOPY --chmod=755 app /usr/local/bin/app\nCMD ["app"]\n').status).toBe('migrate');
  });

  it('reads frontend references', () => {
    expect(frontendOf('docker/dockerfile:1')).toEqual({ kind: 'floating' });
    expect(frontendOf('docker.io/docker/dockerfile:1.7-labs')).toEqual({ kind: 'pinned', minor: 7 });
    expect(frontendOf('docker/dockerfile:1.4.3@sha256:' + 'b'.repeat(64))).toEqual({ kind: 'pinned', minor: 4 });
    expect(frontendOf('docker/dockerfile:experimental')).toEqual({ kind: 'pinned', minor: 1 });
    expect(frontendOf('docker/dockerfile:2')).toEqual({ kind: 'unknown' });
  });
});
