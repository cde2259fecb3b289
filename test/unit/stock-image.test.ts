import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const GO = 'package main\n\nfunc main() {}\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\n';
const script = (...lines: string[]) => `#!/bin/sh\nset -e\n${lines.join('\n')}\n`;
const errors = (plan: ReturnType<typeof planFiles>) => plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

describe('builds in a stock image with the sources mounted', () => {
  it('generate the builder stage from the mounted folder, with -w and -e', () => {
    const plan = planFiles({ 'main.go': GO, Dockerfile: RUNTIME, 'build.sh': script('docker run --rm -v "$PWD":/src -w /src -e GOOS=linux golang:1.21 go build -o bin/app .', 'docker build -t app .') });
    expect(errors(plan)).toEqual([]);
    const df = plan.changes.find((c) => c.path === 'Dockerfile')!.after!;
    expect(df).toBe('FROM golang:1.21 AS builder\nRUN ["rm", "-rf", "/src"]\nCOPY . /src\nWORKDIR /src\nENV GOOS="linux"\nRUN ["go", "build", "-o", "bin/app", "."]\n\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /src/bin/app /usr/local/bin/app\n');
    expect(plan.setups[0]!.builderDockerfile).toBeNull();
    expect(plan.changes.map((c) => c.action)).not.toContain('delete');
  });

  it("refuse a final build's flag that would now reach the generated stage: a platform, a network, a named context replacing the image, DOCKER_DEFAULT_PLATFORM", () => {
    const run = 'docker run --rm -v "$PWD":/src -w /src golang:1.21 go build -o bin/app .';
    const with_ = (build: string) => errors(planFiles({ 'main.go': GO, Dockerfile: RUNTIME, 'build.sh': script(run, build) }));
    // The old run compiled for the host's platform, with the default network, in golang:1.21.
    expect(with_('docker build --platform linux/arm64 -t app .')).toEqual(['FLAG_CONFLICT']);
    expect(with_('docker build --network none -t app .')).toEqual(['FLAG_CONFLICT']);
    expect(with_('docker build --build-context golang:1.21=docker-image://golang:1.22 -t app .')).toEqual(['FLAG_CONFLICT']);
    expect(with_('DOCKER_DEFAULT_PLATFORM=linux/arm64 docker build -t app .')).toEqual(['FLAG_CONFLICT']);
    // Flags that change nothing the stage sees still migrate.
    expect(with_('docker build --progress plain --build-context other=../x -t app .')).toEqual([]);
    expect(errors(planFiles({ 'main.go': GO, Dockerfile: RUNTIME, 'build.sh': script('export DOCKER_DEFAULT_PLATFORM=linux/amd64', run, 'docker build -t app .') }))).toEqual([]);
  });

  it('copy a mounted subfolder of the context to the mount point, and make the folder a mkdir made', () => {
    const plan = planFiles({
      'src/main.go': GO,
      Dockerfile: 'FROM alpine:3.19\nCOPY src/out/app /app\n',
      'build.sh': script('mkdir -p src/out', 'docker run --rm -v "$PWD/src":/work -w /work golang:1.21 go build -o out/app .', 'docker build -t app .', 'rm -rf src/out'),
    });
    expect(errors(plan)).toEqual([]);
    const df = plan.changes.find((c) => c.path === 'Dockerfile')!.after!;
    expect(df).toContain('COPY src /work\nRUN ["mkdir", "-p", "/work/out"]\nWORKDIR /work\n');
    expect(df).toContain('COPY --from=builder --chown=0:0 /work/out/app /app');
    expect(plan.changes.find((c) => c.path === 'build.sh')!.after).toBe(script('docker build -t app .'));
  });

  it('refuse output beside the copied files that the script still uses', () => {
    const plan = planFiles({ 'main.go': GO, Dockerfile: RUNTIME, 'build.sh': script('docker run --rm -v "$PWD":/src -w /src golang:1.21 go build -o bin/ .', 'docker build -t app .', 'tar -czf tools.tgz bin/tool') });
    expect(errors(plan)).toContain('STOCK_BUILD_UNSUPPORTED');
    expect(plan.changes).toEqual([]);
  });

  it('refuse a mounted docker socket, and a user only known at run time', () => {
    const plan = planFiles({ 'main.go': GO, Dockerfile: RUNTIME, 'build.sh': script('docker run --rm -v "$PWD":/src -v /var/run/docker.sock:/var/run/docker.sock -w /src golang:1.21 go build -o bin/app .', 'docker build -t app .') });
    expect(errors(plan)).toEqual(['STOCK_BUILD_UNSUPPORTED']);
    const dynamic = planFiles({ 'main.go': GO, Dockerfile: RUNTIME, 'build.sh': script('docker run --rm -u "$(id -u):$(id -g)" -v "$PWD":/src -w /src golang:1.21 go build -o bin/app .', 'docker build -t app .') });
    expect(dynamic.setups[0]!.diagnostics.filter((d) => d.severity === 'error').map((d) => [d.code, d.message.includes('only known at run time')])).toEqual([['STOCK_BUILD_UNSUPPORTED', true]]);
  });

  it('run as a literal -u user over sources it owns: COPY --chown, then USER before the folders it makes', () => {
    const plan = planFiles({ 'main.go': GO, Dockerfile: RUNTIME, 'build.sh': script('mkdir -p bin', 'docker run --rm --user=1000:1000 -v "$PWD":/src -w /src golang:1.21 go build -o bin/app .', 'docker build -t app .') });
    expect(errors(plan)).toEqual([]);
    expect(plan.changes.find((c) => c.path === 'Dockerfile')!.after).toContain('FROM golang:1.21 AS builder\nRUN ["rm", "-rf", "/src"]\nCOPY --chown=1000:1000 . /src\nUSER 1000:1000\nRUN ["mkdir", "-p", "/src/bin"]\nWORKDIR /src\nRUN ["go", "build", "-o", "bin/app", "."]\n\nFROM alpine:3.19\nCOPY --from=builder --chown=0:0 /src/bin/app /usr/local/bin/app\n');
  });

  it('refuse a runtime COPY of the whole mounted folder, where the build may have written more', () => {
    const plan = planFiles({ 'main.go': GO, Dockerfile: 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\nCOPY . /srv\n', 'build.sh': script('docker run --rm -v "$PWD":/src -w /src golang:1.21 go build -o bin/app .', 'docker build -t app .') });
    expect(errors(plan)).toContain('ARTIFACT_IN_BROAD_COPY');
  });

  it('refuse an image whose ENTRYPOINT the tool cannot see', () => {
    const plan = planFiles({ 'main.go': GO, Dockerfile: RUNTIME, 'build.sh': script('docker run --rm -v "$PWD":/src -w /src example/toolchain:2 make', 'docker build -t app .') });
    expect(errors(plan)).toContain('BUILD_AT_RUN_TIME');
  });

  it('report a build nothing later copies as not followed, not as a setup', () => {
    const plan = planFiles({ 'main.go': GO, Dockerfile: 'FROM alpine:3.19\nCOPY main.go /\n', 'build.sh': script('docker run --rm -v "$PWD":/src -w /src golang:1.21 go vet ./...', 'docker build -t app .') });
    expect(plan.setups).toEqual([]);
    expect(plan.diagnostics.map((d) => [d.code, d.line])).toContainEqual(['EXTRACTION_NOT_FOLLOWED', 3]);
  });

  it('clear the mount point before copying the sources there (the mount hid what the image had), and refuse a system folder', () => {
    const plan = planFiles({ 'main.go': GO, Dockerfile: RUNTIME, 'build.sh': script('docker run --rm -v "$PWD":/go/src/app -w /go/src/app golang:1.21 go build -o bin/app .', 'docker build -t app .') });
    expect(plan.changes.find((c) => c.path === 'Dockerfile')!.after).toContain('FROM golang:1.21 AS builder\nRUN ["rm", "-rf", "/go/src/app"]\nCOPY . /go/src/app\n');
    const usr = planFiles({ 'main.go': GO, Dockerfile: RUNTIME, 'build.sh': script('docker run --rm -v "$PWD":/usr/local -w /usr/local golang:1.21 go build -o bin/app .', 'docker build -t app .') });
    expect(errors(usr)).toContain('STOCK_BUILD_UNSUPPORTED');
    expect(usr.changes).toEqual([]);
  });

  it('refuse a runtime COPY of a tracked file under the mount, unless the command writes only its output', () => {
    const files = (cmd: string) => ({ 'main.go': GO, 'app.conf': 'x=1\n', Dockerfile: 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\nCOPY app.conf /etc/app.conf\n', 'build.sh': script(`docker run --rm -v "$PWD":/src -w /src golang:1.21 ${cmd}`, 'docker build -t app .') });
    const make = planFiles(files('make build'));
    expect(make.setups[0]!.diagnostics.filter((d) => d.code === 'STOCK_BUILD_UNSUPPORTED').map((d) => [d.file, d.line])).toEqual([['Dockerfile', 3]]);
    expect(errors(planFiles(files('go build -o bin/app .')))).toEqual([]);
  });

  it('refuse a later host command that uses a tracked file under the mount', () => {
    const plan = planFiles({ 'main.go': GO, 'version.txt': '1\n', Dockerfile: RUNTIME, 'build.sh': script('docker run --rm -v "$PWD":/src -w /src golang:1.21 make', 'cat version.txt', 'docker build -t app .') });
    expect(plan.setups[0]!.diagnostics.filter((d) => d.code === 'STOCK_BUILD_UNSUPPORTED').map((d) => d.line)).toEqual([4]);
  });
});
