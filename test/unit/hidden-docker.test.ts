/**
 * A container the migration no longer makes, named by a command the docker model does not read
 * as docker's: in a shell's `-c` text, behind a wrapper (`chronic`, `unbuffer`, `xvfb-run`, one
 * the tool does not know), in a command line another program is given (`su -c`, `script -c`,
 * `parallel :::`), or given to a program the tool does not model. Left in place, each would fail
 * or act on nothing once the container is gone (src/plan/hidden-docker.ts).
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const BUILD = 'docker build -t app:build -f Dockerfile.build .';
const RUN = 'docker build -t app:latest .';
const EXTRACT = ['docker create --name app-x app:build', 'docker cp app-x:/out/app ./app'];

/** build.sh: the builder build, the extraction and the final build, then `last`, with no other removal of the container. */
const repo = (last: string) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  'main.go': 'package main\n',
  'build.sh': ['#!/bin/sh', 'set -eu', BUILD, ...EXTRACT, RUN, last, ''].join('\n'),
});

const plan = (last: string) => {
  const files = repo(last);
  const p = planFiles(files);
  expect(p.setups).toHaveLength(1);
  return { files, p, setup: p.setups[0]! };
};

const refusedAt = (last: string) => {
  const { p, setup } = plan(last);
  expect(setup.status).toBe('refused');
  expect(p.changes).toEqual([]);
  const d = setup.diagnostics.find((x) => x.code === 'REMOVED_NAME_USED');
  expect(d, JSON.stringify(setup.diagnostics)).toBeDefined();
  expect(d!.line).toBe(7);
};

/** The setup migrates and `last` goes with the container: only the final build is left. */
const goes = (last: string) => {
  const { files, p, setup } = plan(last);
  expect(setup.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  expect(setup.status).toBe('migrate');
  expect(applied(files, p)['build.sh']).toBe(`#!/bin/sh\nset -eu\n${RUN}\n`);
};

describe('a removed container named where the docker model does not read it', () => {
  it('a removal through chronic, unbuffer or xvfb-run goes with the container, as one through nice does', () => {
    for (const w of ['chronic', 'chronic -e', 'unbuffer', 'xvfb-run -a', 'xvfb-run --server-args="-screen 0 1024x768x24"']) goes(`${w} docker rm app-x`);
  });

  it('a shell text that only removes the container goes; one doing other work too refuses', () => {
    goes("sh -c 'docker rm app-x'");
    goes("bash -c 'docker stop app-x; docker rm app-x'");
    refusedAt("sh -c 'docker rm app-x && echo removed > log.txt'");
  });

  it('a shell text is read for uses of the artifact as the script is: running it keeps it on the host', () => {
    const { files, p, setup } = plan("sh -c './app --selftest'");
    expect(setup.status).toBe('migrate');
    expect(applied(files, p)['build.sh']).toContain('--target export --output type=local,dest=.');
    expect(setup.notes.some((n) => n.includes('in the shell text'))).toBe(true);
  });

  it('a removal behind a wrapper the tool does not know refuses', () => {
    refusedAt('retry docker rm app-x');
    refusedAt('chronic docker inspect app-x');
    refusedAt('systemd-run --scope docker rm app-x');
  });

  it('a removal that is all the command line su, script or flock runs goes; with other work, or in a command line another program runs, it refuses', () => {
    goes("su -c 'docker rm app-x' ci");
    goes("script -qc 'docker rm -f app-x' /dev/null");
    // (flock's -c stays a wrapper the tool does not read through for the builder image: its build is kept.)
    const { files, p, setup } = plan("flock /tmp/app.lock -c 'docker rm app-x'");
    expect(setup.status).toBe('migrate');
    expect(applied(files, p)['build.sh']).not.toContain('app-x');
    refusedAt("su -c 'docker logs app-x > build.log; docker rm app-x' ci");
    refusedAt("su -l ci -c 'docker rm app-x'");
    refusedAt("parallel ::: 'docker rm app-x'");
    refusedAt("watch -n 5 'docker logs app-x'");
  });

  it('a docker command in a shell text is checked as the script\'s own: a build reading the artifact refuses as it would run directly', () => {
    const files = { ...repo(`sh -c 'docker build -f Dockerfile.debug -t app:debug .'`), 'Dockerfile.debug': 'FROM alpine:3.19\nCOPY app /debug/app\n' };
    const setup = planFiles(files).setups[0]!;
    expect(setup.status).toBe('refused');
    const d = setup.diagnostics.find((x) => x.code === 'ARTIFACT_SECOND_CONSUMER');
    expect(d, JSON.stringify(setup.diagnostics)).toBeDefined();
    expect(d!.line).toBe(7);
    expect(d!.message).toContain("(run by `sh -c 'docker build -f Dockerfile.debug -t app:debug .'`)");
  });

  it('the container handed to a program the tool does not model refuses; an echo of it is harmless', () => {
    refusedAt('./scripts/remove-container.sh app-x');
    const { setup } = plan('echo app-x');
    expect(setup.status).toBe('migrate');
  });
});
