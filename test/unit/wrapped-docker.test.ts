/**
 * A setup whose own docker commands run through sudo (or another wrapper the docker model reads
 * through: src/model/docker-command.ts dockerAt; an `env` of assignments alone is read as docker's
 * environment, as assignments before the program are). Through sudo docker talks to root's daemon with
 * root's config and leaves root-owned files on the host: a setup run wholly through the very same
 * wrappers is migrated, the final build and an export build keeping them (src/plan/wrapped-docker.ts);
 * wrappers that differ between its commands refuse (DOCKER_WRAPPERS_DIFFER); a wrapper the model
 * does not read through (`command -v`, a variable docker reads set by the wrapper) leaves the
 * extraction a near miss, never passed over in silence. A time limit (`timeout`) goes with the
 * steps that go, and refuses on the final build, which would build both stages within it (FINAL_BUILD_TIMEOUT).
 */
import { describe, expect, it } from 'vitest';
import { parseShell } from '../../src/analyze/shell.js';
import { dockerAt } from '../../src/model/docker-command.js';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/relay .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY relay /usr/local/bin/relay\nCMD ["relay"]\n',
  'main.go': 'package main\n',
};
const plan = (lines: string[]) => planFiles({ ...FILES, 'build.sh': ['#!/bin/sh', 'set -e', ...lines, ''].join('\n') });
const codes = (p: ReturnType<typeof plan>) => [...p.diagnostics, ...p.setups.flatMap((s) => s.diagnostics)].filter((d) => d.severity !== 'info').map((d) => [d.code, d.line, d.message] as const);
/** The five steps of the setup, each behind the wrapper `w(k)` gives it, then `after`. */
const steps = (w: (k: number) => string, after: string[] = []) => plan([
  `${w(0)}docker build -t relay:build -f Dockerfile.build .`,
  `${w(1)}docker create --name x relay:build`,
  `${w(2)}docker cp x:/out/relay ./relay`,
  `${w(3)}docker rm x`,
  `${w(4)}docker build -t relay:latest .`,
  ...after,
]);
const outcome = (p: ReturnType<typeof plan>) => ({
  setups: p.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]),
  script: p.changes.find((c) => c.path === 'build.sh')?.after?.split('\n').slice(2, -1) ?? null,
});

describe('docker through sudo in a setup', () => {
  it('migrates a setup run wholly through sudo, the final build still through sudo', () => {
    expect(outcome(steps(() => 'sudo '))).toEqual({ setups: [['migrate', []]], script: ['sudo docker build -t relay:latest .'] });
  });

  it('writes the export build through the same wrappers (sudo -u ci, nice)', () => {
    expect(outcome(steps(() => 'sudo -u ci nice -n 10 ', ['sha256sum relay > relay.sha256']))).toEqual({
      setups: [['migrate', []]],
      script: ['sudo -u ci nice -n 10 docker build --target export --output type=local,dest=. -f Dockerfile .', 'sudo -u ci nice -n 10 docker build -t relay:latest .', 'sha256sum relay > relay.sha256'],
    });
  });

  it('refuses a setup whose docker commands run through different wrappers, naming them', () => {
    const p = steps((k) => (k === 2 ? 'sudo ' : ''));
    expect(p.changes).toEqual([]);
    const found = codes(p);
    expect(found.map(([c, l]) => [c, l])).toEqual([['DOCKER_WRAPPERS_DIFFER', 5]]);
    expect(found[0]![2]).toContain('`sudo docker cp x:/out/relay ./relay` (build.sh:5) runs docker through `sudo`, while `docker build -t relay:build -f Dockerfile.build .` runs docker directly');
    expect(outcome(steps((k) => (k === 4 ? 'sudo -u ci ' : 'sudo '))).setups).toEqual([['refused', ['DOCKER_WRAPPERS_DIFFER']]]);
    // A final build through sudo, or a stream extraction through it, after builds run directly.
    expect(outcome(steps((k) => (k === 4 ? 'sudo ' : ''))).setups).toEqual([['refused', ['DOCKER_WRAPPERS_DIFFER']]]);
    expect(outcome(plan(['docker build -t relay:build -f Dockerfile.build .', 'sudo docker run --rm relay:build cat /out/relay > relay', 'docker build -t relay:latest .'])).setups).toEqual([['refused', ['DOCKER_WRAPPERS_DIFFER']]]);
  });

  it('a removal of the container through sudo goes with it whatever the other steps run through', () => {
    expect(outcome(steps((k) => (k === 3 ? 'sudo ' : '')))).toEqual({ setups: [['migrate', []]], script: ['docker build -t relay:latest .'] });
  });

  it('reads an `env` of assignments alone as docker\'s environment, judged as assignments before the program are', () => {
    // on every step, or on the builds alone (DOCKER_BUILDKIT is read by builds only): the final build keeps it
    for (const w of [() => 'env DOCKER_BUILDKIT=0 ', (k: number) => (k === 0 || k === 4 ? 'env DOCKER_BUILDKIT=0 ' : '')]) {
      expect(outcome(steps(w))).toEqual({ setups: [['migrate', []]], script: ['env DOCKER_BUILDKIT=0 docker build -t relay:latest .'] });
    }
    // a variable docker does not read, on the builder build alone
    expect(outcome(steps((k) => (k === 0 ? 'env GOFLAGS=-mod=mod ' : '')))).toEqual({ setups: [['migrate', []]], script: ['docker build -t relay:latest .'] });
    // the copy reaching another engine than the one that built the image, however it is set
    for (const w of ['env DOCKER_HOST=tcp://ci:2375 ', 'DOCKER_HOST=tcp://ci:2375 ']) {
      const p = steps((k) => (k === 2 ? w : ''));
      expect(p.changes).toEqual([]);
      const found = codes(p);
      expect(found.map(([c, l]) => [c, l]), w).toEqual([['FLAG_CONFLICT', 5]]);
      expect(found[0]![2]).toContain(`\`${w}docker cp x:/out/relay ./relay\` runs with $DOCKER_HOST "tcp://ci:2375", the builder build with $DOCKER_HOST unset`);
    }
    // the same engine for every step: migrated, the final build keeping it
    expect(outcome(steps(() => 'env DOCKER_HOST=tcp://ci:2375 '))).toEqual({ setups: [['migrate', []]], script: ['env DOCKER_HOST=tcp://ci:2375 docker build -t relay:latest .'] });
    // an export build runs through the builder build's env: no second assignment in front of it
    expect(outcome(steps(() => 'env DOCKER_HOST=tcp://ci:2375 ', ['sha256sum relay > relay.sha256'])).script).toEqual([
      'env DOCKER_HOST=tcp://ci:2375 docker build --target export --output type=local,dest=. -f Dockerfile .',
      'env DOCKER_HOST=tcp://ci:2375 docker build -t relay:latest .',
      'sha256sum relay > relay.sha256',
    ]);
    // the legacy builder cannot write an export build (said of the merged build and of the export build)
    const legacy = codes(steps(() => 'env DOCKER_BUILDKIT=0 ', ['sha256sum relay > relay.sha256']));
    expect(legacy.map(([c]) => c)).toEqual(['UNSUPPORTED_BUILD_FLAG', 'UNSUPPORTED_BUILD_FLAG']);
    expect(legacy.map(([, , m]) => m).join('\n')).toContain('the export build would run with DOCKER_BUILDKIT=0 (the legacy builder)');
  });

  it('does not read through command -v, or a variable docker reads set by another wrapper or with env\'s options: the extraction is a near miss', () => {
    for (const w of ['sudo DOCKER_HOST=tcp://ci:2375 ', 'env -u DOCKER_CONFIG ', 'env -i DOCKER_BUILDKIT=0 ']) {
      expect(outcome(steps(() => w)).setups, w).not.toContainEqual(['migrate', []]);
    }
    const unread = codes(plan(['docker build -t relay:build -f Dockerfile.build .', 'docker create --name x relay:build', 'timeout "$T" docker cp x:/out/relay ./relay', 'docker build -t relay:latest .']));
    expect(unread.map(([c, l]) => [c, l])).toEqual([['EXTRACTION_NOT_FOLLOWED', 5]]);
    expect(unread[0]![2]).toContain('runs docker through `timeout`, which the tool does not read through here');
    // a copy read through sudo after a build it cannot read names that build
    const sudoBuild = codes(steps((k) => (k === 0 || k === 4 ? 'sudo BUILDKIT_PROGRESS=plain ' : 'sudo ')));
    expect(sudoBuild.map(([c, l]) => [c, l])).toEqual([['EXTRACTION_NOT_FOLLOWED', 5]]);
    expect(sudoBuild[0]![2]).toContain('may be the one `sudo BUILDKIT_PROGRESS=plain docker build -t relay:build -f Dockerfile.build .` (build.sh:3) builds, and the tool does not read that build');
    // a copy run directly after a build through a wrapper option the model does not read names that build
    const timed = codes(steps((k) => (k === 0 ? 'time -v ' : '')));
    expect(timed.map(([c, l]) => [c, l])).toEqual([['EXTRACTION_NOT_FOLLOWED', 5]]);
    expect(timed[0]![2]).toContain('may be the one `time -v docker build -t relay:build -f Dockerfile.build .` (build.sh:3) builds, and the tool does not read that build');
    // what its hint says to do is read
    expect(outcome(steps((k) => (k === 0 || k === 4 ? 'sudo env BUILDKIT_PROGRESS=plain ' : 'sudo ')))).toEqual({ setups: [['migrate', []]], script: ['sudo env BUILDKIT_PROGRESS=plain docker build -t relay:latest .'] });
  });

  it('lets a time limit go with the steps that go: the merged build runs as the runtime build did', () => {
    // on the copy alone, on every step but the final build (sudo kept), on the builder build with an export build keeping it
    expect(outcome(steps((k) => (k === 2 ? 'timeout 60 ' : '')))).toEqual({ setups: [['migrate', []]], script: ['docker build -t relay:latest .'] });
    expect(outcome(steps((k) => (k === 4 ? 'sudo ' : 'timeout -s KILL 10m sudo ')))).toEqual({ setups: [['migrate', []]], script: ['sudo docker build -t relay:latest .'] });
    expect(outcome(steps((k) => (k === 0 ? 'timeout 600 ' : ''), ['sha256sum relay > relay.sha256']))).toEqual({
      setups: [['migrate', []]],
      script: ['timeout 600 docker build --target export --output type=local,dest=. -f Dockerfile .', 'docker build -t relay:latest .', 'sha256sum relay > relay.sha256'],
    });
  });

  it('refuses a time limit on the final build: merged, the builder stage would be built within it too', () => {
    for (const w of [(k: number) => (k === 4 ? 'timeout 600 ' : ''), () => 'timeout 600 ']) {
      const p = steps(w);
      expect(p.changes).toEqual([]);
      const found = codes(p);
      expect(found.map(([c, l]) => [c, l])).toEqual([['FINAL_BUILD_TIMEOUT', 7]]);
      expect(found[0]![2]).toContain('runs the final build through `timeout`: merged, it would build the builder stage too');
    }
  });

  it('lets time, command and a bare env stand on some steps alone: they change nothing a step builds or copies', () => {
    // `time` on the builder build alone (then on the export build it becomes), and on both builds
    expect(outcome(steps((k) => (k === 0 ? 'time ' : '')))).toEqual({ setups: [['migrate', []]], script: ['docker build -t relay:latest .'] });
    expect(outcome(steps((k) => (k === 0 ? 'time ' : ''), ['sha256sum relay > relay.sha256'])).script).toEqual(['time docker build --target export --output type=local,dest=. -f Dockerfile .', 'docker build -t relay:latest .', 'sha256sum relay > relay.sha256']);
    expect(outcome(steps((k) => (k === 0 || k === 4 ? 'time -p ' : '')))).toEqual({ setups: [['migrate', []]], script: ['time -p docker build -t relay:latest .'] });
    // `command` and a bare `env` on some steps (no function or alias docker: they run the same program)
    expect(outcome(steps((k) => (k === 0 || k === 2 ? 'command ' : '')))).toEqual({ setups: [['migrate', []]], script: ['docker build -t relay:latest .'] });
    expect(outcome(steps((k) => (k === 1 ? 'env ' : k === 4 ? 'command ' : '')))).toEqual({ setups: [['migrate', []]], script: ['command docker build -t relay:latest .'] });
    // beside sudo, which must still be on every step
    expect(outcome(steps((k) => (k === 0 ? 'time sudo ' : 'sudo ')))).toEqual({ setups: [['migrate', []]], script: ['sudo docker build -t relay:latest .'] });
    expect(outcome(steps((k) => (k === 0 ? 'time sudo ' : '')))).toMatchObject({ setups: [['refused', ['DOCKER_WRAPPERS_DIFFER']]] });
  });

  it('reads `exec` on the final build, which keeps it, and refuses it on a step before', () => {
    expect(outcome(steps((k) => (k === 4 ? 'exec ' : '')))).toEqual({ setups: [['migrate', []]], script: ['exec docker build -t relay:latest .'] });
    expect(outcome(steps((k) => (k === 4 ? 'exec sudo ' : 'sudo ')))).toEqual({ setups: [['migrate', []]], script: ['exec sudo docker build -t relay:latest .'] });
    for (const k0 of [0, 2, 3]) {
      const p = steps((k) => (k === k0 ? 'exec ' : ''));
      expect(p.changes, String(k0)).toEqual([]);
      const found = codes(p);
      expect(found.map(([c, l]) => [c, l]), String(k0)).toEqual([['EXEC_BEFORE_FINAL_BUILD', k0 + 3]]);
      expect(found[0]![2]).toContain('runs docker through `exec`, which replaces the shell running it');
    }
  });

  it('a copy through sudo after no image build is no near miss (a log taken out of a service)', () => {
    expect(codes(plan(['sudo docker cp web:/var/log/app.log ./app.log']))).toEqual([]);
  });

  it('finds docker past the wrappers it reads through, and nowhere else', () => {
    const at = (text: string) => dockerAt(parseShell('b.sh', `${text}\n`).script!.commands[0]!.words);
    expect([at('docker build .'), at('sudo docker build .'), at('sudo -u ci -E docker build .'), at('nice -n 10 env GOFLAGS=-mod=mod docker build .'), at('command docker build .')]).toEqual([0, 1, 4, 5, 1]);
    expect(at('timeout -k 5 600 docker build .')).toBe(4);
    expect([at('time docker build .'), at('time -p docker build .'), at('exec docker build .'), at('exec sudo docker build .'), at('env docker build .')]).toEqual([1, 2, 1, 2, 1]);
    expect([at('timeout "$T" docker build .'), at('command -v docker'), at('sudo -D /srv docker build .'), at('nice -n "$N" docker build .'), at('sudo make')]).toEqual([null, null, null, null, null]);
    // GNU time's other options (bash's keyword would run `-v` as the program), exec with options or behind another wrapper
    expect([at('time -v docker build .'), at('time -f %e docker build .'), at('exec -a d docker build .'), at('exec -c docker build .'), at('nice exec docker build .')]).toEqual([null, null, null, null, null]);
  });
});
