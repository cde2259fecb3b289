import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const GO = 'package main\n\nfunc main() {}\n';
const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';
const sh = (...lines: string[]) => `#!/bin/sh\nset -e\n${lines.join('\n')}\n`;
const refusals = (plan: ReturnType<typeof planFiles>) => plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}:${d.line}`)]);

describe('docker exec into the builder container', () => {
  it('before the copy: EXEC_BUILD at the exec, whatever the container idles with', () => {
    for (const idle of ['sh', 'tail -f /dev/null', 'sleep infinity']) {
      const plan = planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': sh('docker build -t b -f Dockerfile.build .', `docker run -d -t --name x b ${idle}`, 'docker exec -w /src -e CGO_ENABLED=0 x go build -o /out/app .', 'docker cp x:/out/app app', 'docker rm -f x', 'docker build -t app .') });
      expect(refusals(plan)[0]![0]).toBe('refused');
      expect(refusals(plan)[0]![1]).toContain('EXEC_BUILD:5');
      expect(plan.changes).toEqual([]);
    }
  });

  it('docker container exec too', () => {
    const plan = planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': sh('docker build -t b -f Dockerfile.build .', 'docker run -d --name x b sleep infinity', 'docker container exec x make', 'docker cp x:/out/app app', 'docker build -t app .') });
    expect(refusals(plan)[0]![1]).toContain('EXEC_BUILD:5');
  });

  it('an exec into another container is not this', () => {
    const plan = planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': sh('docker build -t b -f Dockerfile.build .', 'docker create --name x b', 'docker exec db psql -c "select 1"', 'docker cp x:/out/app app', 'docker rm x', 'docker build -t app .') });
    expect(refusals(plan).flatMap((r) => r[1] as string[]).filter((c) => c.startsWith('EXEC_BUILD'))).toEqual([]);
  });
});

describe('rancher/dapper', () => {
  it('a dapper run with a Dockerfile.dapper is a setup, refused with DAPPER_BUILD', () => {
    const plan = planFiles({ 'Dockerfile.dapper': 'FROM golang:1.21\nENV DAPPER_OUTPUT ./bin\n', Makefile: 'ci:\n\t./.dapper ci\n', 'scripts/ci': '#!/bin/sh\ngo build -o bin/app .\n' });
    expect(refusals(plan)).toEqual([['refused', ['DAPPER_BUILD:2']]]);
    expect(plan.changes).toEqual([]);
  });

  it('dapper -f names the file; without the file there is nothing to refuse', () => {
    expect(refusals(planFiles({ 'build/dapper.Dockerfile': 'FROM golang:1.21\n', 'ci.sh': sh('dapper -f build/dapper.Dockerfile ci') }))).toEqual([['refused', ['DAPPER_BUILD:3']]]);
    expect(planFiles({ 'ci.sh': sh('dapper ci') }).setups).toEqual([]);
  });
});

describe('a Dockerfile swapped in before a build', () => {
  it('cp, mv and ln -s onto the Dockerfile: the setup is read with the file copied in, and refused', () => {
    for (const put of ['cp', 'mv', 'ln -sf']) {
      const plan = planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, 'Dockerfile.run': RUNTIME, 'build.sh': sh(`${put} Dockerfile.build Dockerfile`, 'docker build -t b .', 'docker create --name x b', 'docker cp x:/out/app app', 'docker rm x', 'cp Dockerfile.run Dockerfile', 'docker build -t app .') });
      expect(plan.setups.map((s) => [s.builderDockerfile, s.runtimeDockerfile])).toEqual([['Dockerfile.build', 'Dockerfile.run']]);
      expect(refusals(plan)).toEqual([['refused', expect.arrayContaining(['DOCKERFILE_SWAPPED:4', 'DOCKERFILE_SWAPPED:9'])]]);
    }
  });

  it('a copy onto another file does not count', () => {
    const plan = planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': sh('cp Dockerfile.build Dockerfile.bak', 'docker build -t b -f Dockerfile.build .', 'docker create --name x b', 'docker cp x:/out/app app', 'docker rm x', 'docker build -t app .') });
    expect(refusals(plan)).toEqual([['migrate', []]]);
  });
});
