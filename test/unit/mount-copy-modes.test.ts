/**
 * A container's plain `cp` copying the artifact out through a bind mount (`docker run -v
 * "$PWD/dist:/export" IMG cp /build/app /export/`) gives the copy the stage's mode less the
 * umask (022), without setuid, setgid or sticky bits; `COPY --from` keeps the stage's mode. So
 * the setup migrates only where the builder stage provably gives the path no such bits
 * (src/plan/artifact-kind.ts plainCopyChangesModes), and refuses EXTRACTION_MODE_CHANGED
 * otherwise. `cp -p`/`-a` kept the stage's modes in the old pipeline too.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const builder = (...lines: string[]) => ['FROM golang:1.21', 'WORKDIR /src', 'COPY main.go config.yml ./', ...lines, ''].join('\n');
const files = (dockerfileBuild: string, cp = 'cp /build/app /export/', copy = 'COPY dist/app /usr/local/bin/app') => ({
  'Dockerfile.build': dockerfileBuild,
  Dockerfile: `FROM alpine:3.19\n${copy}\n`,
  'main.go': 'package main\n',
  'config.yml': 'a: 1\n',
  'build.sh': ['#!/bin/sh', 'set -e', 'mkdir -p dist', 'docker build -t app:build -f Dockerfile.build .', `docker run --rm -v "$PWD/dist:/export" app:build ${cp}`, 'docker build -t app:latest .', ''].join('\n'),
});
const outcome = (f: Record<string, string>) => {
  const s = planFiles(f).setups[0]!;
  const d = s.diagnostics.find((x) => x.code === 'EXTRACTION_MODE_CHANGED');
  return { status: s.status, why: d?.message ?? null };
};

describe('a plain cp out of the builder through a bind mount', () => {
  it('migrates a compiler output, also after a chmod that adds no group or other write', () => {
    expect(outcome(files(builder('RUN go build -o /build/app .')))).toEqual({ status: 'migrate', why: null });
    expect(outcome(files(builder('RUN go build -o /build/app . && chmod 0700 /build/app')))).toEqual({ status: 'migrate', why: null });
    expect(outcome(files(builder('RUN go build -o /build/app .', 'RUN chmod +x /build/app')))).toEqual({ status: 'migrate', why: null });
  });

  it('refuses where the stage may give the file group or other write or a special bit', () => {
    const cases: [string, RegExp][] = [
      [builder('RUN go build -o /build/app . && chmod 0775 /build/app'), /`chmod 0775 \/build\/app`/],
      [builder('RUN go build -o /build/app .', 'RUN chmod u+s /build/app'), /`chmod u\+s \/build\/app`/],
      [builder('RUN umask 0000 && go build -o /build/app .'), /`umask` in Dockerfile\.build/],
      [builder('RUN go build -o /src/app .', 'RUN cp -a /src/app /build/app'), /`cp -a \/src\/app \/build\/app`/],
    ];
    for (const [df, why] of cases) {
      const r = outcome(files(df));
      expect([df, r.status]).toEqual([df, 'refused']);
      expect(r.why).toMatch(why);
      expect(r.why).toContain('copies /build/app out with plain cp');
    }
  });

  it('refuses a file a COPY put there (it keeps the context\'s mode) or a folder of the base image', () => {
    const copied = outcome(files(builder('RUN mkdir -p /build', 'COPY config.yml /build/config.yml'), 'cp /build/config.yml /export/', 'COPY dist/config.yml /etc/app/config.yml'));
    expect(copied.status).toBe('refused');
    expect(copied.why).toMatch(/a COPY or ADD of Dockerfile\.build writes \/build\/config\.yml/);
    const gobin = outcome(files(builder('RUN go install .'), 'cp -r /go/bin/. /export/', 'COPY dist/ /usr/local/bin/'));
    expect(gobin.status).toBe('refused');
    expect(gobin.why).toMatch(/\/go\/bin lies in a folder the base image may already hold/);
    // a compiler writing into that folder (`-o DIR/`) makes no new folder of it
    const into = outcome(files(builder('RUN go build -o /go/bin/ .'), 'cp -r /go/bin /export/', 'COPY dist/bin/ /usr/local/bin/'));
    expect(into.status).toBe('refused');
    expect(into.why).toMatch(/\/go\/bin lies in a folder the base image may already hold/);
  });

  it('migrates the same with cp -p or -a, which kept the stage\'s modes', () => {
    for (const cp of ['cp -p /build/config.yml /export/', 'cp -a /build/config.yml /export/']) {
      const r = outcome(files(builder('RUN mkdir -p /build', 'COPY config.yml /build/config.yml'), cp, 'COPY dist/config.yml /etc/app/config.yml'));
      expect([cp, r]).toEqual([cp, { status: 'migrate', why: null }]);
    }
  });
});
