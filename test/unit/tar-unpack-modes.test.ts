/**
 * A tar pipe (`docker run IMG tar -c … | tar -x -C out`) unpacks on the host: without `-p`,
 * GNU tar keeps the archive's modes only when root runs it; any other user's tar applies the
 * umask and drops setuid, setgid and sticky bits (`--no-same-permissions`, the default for
 * ordinary users). `COPY --from` keeps the stage's modes, so without `-p` the setup migrates
 * only where the builder stage provably gives the folder no such bits
 * (src/plan/artifact-kind.ts plainCopyChangesModes), and refuses EXTRACTION_MODE_CHANGED otherwise.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const builder = (...lines: string[]) => ['FROM golang:1.21', 'WORKDIR /src', 'COPY main.go ./', 'RUN go build -o /dist/bin/app .', ...lines, ''].join('\n');
const files = (dockerfileBuild: string, untar = 'tar -x -C out') => ({
  'Dockerfile.build': dockerfileBuild,
  Dockerfile: 'FROM alpine:3.19\nCOPY out/ /opt/app/\n',
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -e', 'docker build -t app:build -f Dockerfile.build .', 'mkdir -p out', `docker run --rm app:build tar -C /dist -c . | ${untar}`, 'docker build -t app:latest .', ''].join('\n'),
});
const outcome = (f: Record<string, string>) => {
  const s = planFiles(f).setups[0]!;
  const d = s.diagnostics.find((x) => x.code === 'EXTRACTION_MODE_CHANGED');
  return { status: s.status, why: d?.message ?? null };
};

describe('a host tar -x of a stream from the builder', () => {
  it('migrates a folder the stage makes with its RUNs\' umask', () => {
    expect(outcome(files(builder()))).toEqual({ status: 'migrate', why: null });
    expect(outcome(files(builder('RUN chmod 0700 /dist/bin/app')))).toEqual({ status: 'migrate', why: null });
  });

  it('refuses, without -p, a stage that may give a file group or other write or a special bit', () => {
    for (const [line, why] of [
      ['RUN chmod 4755 /dist/bin/app', /`chmod 4755 \/dist\/bin\/app`/],
      ['RUN chmod g+w /dist/bin/app', /`chmod g\+w \/dist\/bin\/app`/],
      ['COPY main.go /dist/share/main.go', /a COPY or ADD of Dockerfile\.build writes \/dist\/share\/main\.go/],
    ] as const) {
      const r = outcome(files(builder(line)));
      expect([line, r.status]).toEqual([line, 'refused']);
      expect(r.why).toMatch(why);
      expect(r.why).toContain('unpacks /dist with a host `tar -x` without `-p`');
    }
  });

  it('migrates the same stage when the host tar keeps the modes (-p, --same-permissions)', () => {
    for (const untar of ['tar -xp -C out', 'tar -x --preserve-permissions -C out', 'tar --same-permissions -x -C out', 'tar xpf - -C out']) {
      expect([untar, outcome(files(builder('RUN chmod 4755 /dist/bin/app'), untar))]).toEqual([untar, { status: 'migrate', why: null }]);
    }
  });
});
