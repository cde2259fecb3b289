/**
 * A setup whose own docker commands run through sudo (or another wrapper). The linker follows
 * docker run directly: through sudo it talks to root's daemon with root's config and leaves
 * root-owned files on the host, which the migration does not model. Such a setup is never migrated, and never passed
 * over in silence: the extraction is a near miss, a final build through sudo is named.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY relay /usr/local/bin/relay\nCMD ["relay"]\n',
  'main.go': 'package main\n',
};
const plan = (lines: string[]) => planFiles({ ...FILES, 'build.sh': ['#!/bin/sh', 'set -e', ...lines, ''].join('\n') });
const codes = (p: ReturnType<typeof plan>) => [...p.diagnostics, ...p.setups.flatMap((s) => s.diagnostics)].filter((d) => d.severity !== 'info').map((d) => [d.code, d.line, d.message] as const);

describe('docker through sudo in a setup', () => {
  it('an extraction through sudo is a near miss naming sudo; nothing is written', () => {
    const p = plan(['sudo docker build -t relay:build -f Dockerfile.build .', 'sudo docker create --name x relay:build', 'sudo docker cp x:/out/relay ./relay', 'sudo docker rm x', 'sudo docker build -t relay:latest .']);
    expect(p.changes).toEqual([]);
    const found = codes(p);
    expect(found.map(([c, l]) => [c, l])).toEqual([['EXTRACTION_NOT_FOLLOWED', 5]]);
    expect(found[0]![2]).toContain("it runs docker through `sudo` (as root: root's daemon and config, and files left owned by root)");
    // Another wrapper says only what it is.
    const timed = codes(plan(['docker build -t relay:build -f Dockerfile.build .', 'docker create --name x relay:build', 'timeout 60 docker cp x:/out/relay ./relay', 'docker build -t relay:latest .']));
    expect(timed.map(([c, l]) => [c, l])).toEqual([['EXTRACTION_NOT_FOLLOWED', 5]]);
    expect(timed[0]![2]).toContain('it runs docker through `timeout`, and the tool only follows docker run directly');
    // `sudo -u ci`: the user is the wrapper's, docker still the program.
    expect(codes(plan(['docker build -t relay:build -f Dockerfile.build .', 'docker create --name x relay:build', 'sudo -u ci docker cp x:/out/relay ./relay', 'docker build -t relay:latest .'])).map(([c, l]) => [c, l])).toEqual([['EXTRACTION_NOT_FOLLOWED', 5]]);
  });

  it('a run through sudo that writes host files is a near miss too', () => {
    const p = plan(['docker build -t relay:build -f Dockerfile.build .', 'sudo docker run --rm relay:build cat /out/relay > relay', 'docker build -t relay:latest .']);
    expect(p.changes).toEqual([]);
    expect(codes(p).map(([c, l]) => [c, l])).toEqual([['EXTRACTION_NOT_FOLLOWED', 4]]);
    expect(codes(plan(['docker build -t relay:build -f Dockerfile.build .', 'sudo docker run --rm -v "$PWD/out:/out" relay:build cp /out/relay /out/', 'docker build -t relay:latest .'])).map(([c, l]) => [c, l])).toEqual([['EXTRACTION_NOT_FOLLOWED', 4]]);
  });

  it('a copy through sudo after no image build is no near miss (a log taken out of a service)', () => {
    expect(codes(plan(['sudo docker cp web:/var/log/app.log ./app.log']))).toEqual([]);
  });

  it('a final build through sudo refuses, naming it', () => {
    const p = plan(['docker build -t relay:build -f Dockerfile.build .', 'docker create --name x relay:build', 'docker cp x:/out/relay ./relay', 'docker rm x', 'sudo docker build -t relay:latest .']);
    expect(p.changes).toEqual([]);
    const [e, ...rest] = codes(p);
    expect(rest).toEqual([]);
    expect(e![0]).toBe('ARTIFACT_UNUSED');
    expect(e![2]).toContain("`sudo docker build -t relay:latest .` (build.sh:7) may, but it runs docker through `sudo` (as root: root's daemon and config");
  });
});
