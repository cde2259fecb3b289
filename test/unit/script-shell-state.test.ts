/**
 * Shell state a script sets for the setup's own steps: a function or alias under the name of a
 * program they run (COMMAND_SHADOWED), and a umask the mode of a `cat`-written file follows
 * (HOST_UMASK). Both changed what the old pipeline built; neither may migrate silently.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const GO = 'package main\n\nfunc main() {}\n';
const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';
const sh = (...lines: string[]) => `#!/bin/sh\nset -e\n${lines.join('\n')}\n`;
const errors = (plan: ReturnType<typeof planFiles>) => plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code}:${d.line}`)]);
const CP = ['docker build -t b -f Dockerfile.build .', 'docker create --name x b', 'docker cp x:/out/app app', 'docker rm x', 'docker build -t app .', 'rm app'];
const CAT = ['docker build -t b -f Dockerfile.build .', 'docker run --rm b cat /out/app > app'];

describe('a program of the setup redefined by the script', () => {
  it('a docker function that also chmods what it copied: refused at the first step it runs', () => {
    const plan = planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': sh('docker() {', '  command docker "$@"', '  if [ "$1" = cp ]; then chmod 0700 "$3"; fi', '}', ...CP) });
    expect(errors(plan)).toEqual([['refused', ['COMMAND_SHADOWED:7']]]);
    expect(plan.changes).toEqual([]);
  });

  it('an alias of docker, or of rm (the cleanup), refuses too', () => {
    expect(errors(planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': sh("alias docker='docker --log-level=warn'", ...CP) }))).toEqual([['refused', ['COMMAND_SHADOWED:4']]]);
    expect(errors(planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': sh('rm() { echo "keeping $*"; }', ...CP) }))).toEqual([['refused', ['COMMAND_SHADOWED:9']]]);
  });

  it('in a CI step too (each run: step read as shell)', () => {
    const step = ['docker() { command docker "$@"; if [ "$1" = cp ]; then chmod 0700 "$3"; fi; }', ...CP].map((l) => `          ${l}`).join('\n');
    const workflow = `name: image\non: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n${step}\n`;
    const plan = planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.github/workflows/image.yml': workflow });
    expect(errors(plan)).toEqual([['refused', ['COMMAND_SHADOWED:10']]]);
  });

  it('functions and aliases of other names are no concern', () => {
    const plan = planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': sh('log() { echo "== $*"; }', "alias ll='ls -l'", 'log building', ...CP) });
    expect(errors(plan)).toEqual([['migrate', []]]);
  });
});

describe('a umask the file `cat` writes follows', () => {
  it('umask 077 before the stream: refused, also when a chmod without who (which honours it) follows', () => {
    for (const after of [[], ['chmod +x app'], ['chmod 644 app', 'chmod +x app']]) {
      const plan = planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': sh('umask 077', ...CAT, ...after, 'docker build -t app .') });
      expect(errors(plan)).toEqual([['refused', ['HOST_UMASK:3']]]);
    }
  });

  it('an octal chmod after it sets the whole mode: migrated, with that mode', () => {
    const files = { 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': sh('umask 077', ...CAT, 'chmod 750 app', 'chmod u+w app', 'docker build -t app .') };
    const plan = planFiles(files);
    expect(errors(plan)).toEqual([['migrate', []]]);
    expect(applied(files, plan)['Dockerfile']).toContain('COPY --from=builder --chown=0:0 --chmod=750 /out/app /usr/local/bin/app\n');
  });

  it('a umask that only prints, one after the runtime build, or a docker cp extraction (which keeps the mode) are no concern', () => {
    expect(errors(planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': sh('umask', 'umask -S', ...CAT, 'chmod +x app', 'docker build -t app .', 'umask 077') }))).toEqual([['migrate', []]]);
    expect(errors(planFiles({ 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': sh('umask 077', ...CP) }))).toEqual([['migrate', []]]);
  });
});

describe('a umask a caller sets before running the script, which inherits it', () => {
  const FILES = { 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME };
  const STREAM = sh(...CAT, 'chmod +x app', 'docker build -t app .');
  const FOLD = sh('mkdir -p bin', ...CP.slice(0, 4), 'cp app bin/app', 'docker build -t app .');
  const BIN = { ...FILES, Dockerfile: 'FROM alpine:3.19\nCOPY bin/app /usr/local/bin/app\n' };

  it('a Makefile recipe or a CI step: refused at the umask, when the file `cat` wrote or a plain cp gave a mode', () => {
    // Before: app is 0700 (0600 from `cat`, then +x through the umask); merged, COPY --chmod=755.
    expect(errors(planFiles({ ...FILES, 'build.sh': STREAM, Makefile: 'image:\n\tumask 077 && ./build.sh\n' }))).toEqual([['refused', ['HOST_UMASK:2']]]);
    // Before: bin/app is the stage's 0755 less 077; merged, the stage's 0755.
    const step = ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - run: |', '          umask 077', '          ./build.sh', ''].join('\n');
    expect(errors(planFiles({ ...BIN, 'build.sh': FOLD, '.github/workflows/ci.yml': step }))).toEqual([['refused', ['HOST_UMASK:7']]]);
    // Another script: the same.
    expect(errors(planFiles({ ...FILES, 'build.sh': STREAM, 'ci.sh': sh('umask 027', './build.sh') }))).toEqual([['refused', ['HOST_UMASK:3']]]);
  });

  it('a umask after the call, an octal chmod, a docker cp extraction or cp -p are no concern', () => {
    expect(errors(planFiles({ ...FILES, 'build.sh': STREAM, 'ci.sh': sh('./build.sh', 'umask 077') }))).toEqual([['migrate', []]]);
    expect(errors(planFiles({ ...FILES, 'build.sh': sh(...CAT, 'chmod 755 app', 'docker build -t app .'), 'ci.sh': sh('umask 077', './build.sh') }))).toEqual([['migrate', []]]);
    expect(errors(planFiles({ ...FILES, 'build.sh': sh(...CP), 'ci.sh': sh('umask 077', './build.sh') }))).toEqual([['migrate', []]]);
    expect(errors(planFiles({ ...BIN, 'build.sh': FOLD.replace('cp app', 'cp -p app'), 'ci.sh': sh('umask 077', './build.sh') }))).toEqual([['migrate', []]]);
  });
});

describe('a umask a host `tar -x` unpacks with', () => {
  const TAR = { 'main.go': GO, 'Dockerfile.build': BUILDER, Dockerfile: 'FROM alpine:3.19\nCOPY build/ /opt/app/\n' };
  const UNPACK = ['docker build -t b -f Dockerfile.build .', 'mkdir -p build', 'docker run --rm b tar -C /out -c . | tar -x -C build/', 'docker build -t app .', 'rm -rf build'];

  it('set by the script before the unpack: refused (run by any user but root, tar -x gives the modes less the umask)', () => {
    expect(errors(planFiles({ ...TAR, 'build.sh': sh('umask 077', ...UNPACK) }))).toEqual([['refused', ['HOST_UMASK:3']]]);
    expect(errors(planFiles({ ...TAR, 'build.sh': sh(...UNPACK) }))).toEqual([['migrate', []]]);
  });
});

describe('a folder change the script reading does not see', () => {
  // (A builder that reads no context: a command between the builds then changes none of its inputs.)
  const DEPLOY = { 'Dockerfile.build': 'FROM golang:1.21\nRUN mkdir -p /out && echo app > /out/app\n', Dockerfile: RUNTIME, 'deploy/Dockerfile': RUNTIME };
  const STEPS = ['docker build -t b -f Dockerfile.build .', 'docker create --name x b', 'MOVE', 'docker cp x:/out/app app', 'docker rm x', 'docker build -t app .', 'rm app'];
  const at = (move: string) => STEPS.map((s) => (s === 'MOVE' ? move : s));

  it('a call of a function whose { } body runs cd: what follows is in a folder not known, and refused', () => {
    const plan = planFiles({ ...DEPLOY, 'build.sh': sh('goto_deploy() { cd deploy; }', 'step() { goto_deploy; }', ...at('step')) });
    expect(errors(plan)).toEqual([['refused', ['DYNAMIC_ARTIFACT_PATH:8', 'DYNAMIC_BUILD_INPUT:10']]]);
  });

  it('a function with a ( ) body, or one that does not cd, moves nothing', () => {
    expect(errors(planFiles({ ...DEPLOY, 'build.sh': sh('goto_deploy() ( cd deploy; ls )', ...at('goto_deploy')) }))).toEqual([['migrate', []]]);
    expect(errors(planFiles({ ...DEPLOY, 'build.sh': sh('say() { echo "$@"; }', ...at('say copying')) }))).toEqual([['migrate', []]]);
  });

  it('a sourced file that ends in another folder (or cannot be read) refuses at the source; one that only sets variables does not', () => {
    expect(errors(planFiles({ ...DEPLOY, 'env.sh': 'APP_ENV=prod\ncd deploy\n', 'build.sh': sh(...at('. ./env.sh')) }))).toEqual([['refused', ['DYNAMIC_BUILD_INPUT:5']]]);
    expect(errors(planFiles({ ...DEPLOY, 'build.sh': sh(...at('. ./missing.sh')) }))).toEqual([['refused', ['DYNAMIC_BUILD_INPUT:5']]]);
    expect(errors(planFiles({ ...DEPLOY, 'env.sh': 'APP_ENV=prod\n', 'build.sh': sh(...at('source ./env.sh')) }))).toEqual([['migrate', []]]);
  });
});

describe('a runtime base image the script built, with ONBUILD triggers', () => {
  const BASE_BUILD = 'docker build -t base:1 -f Dockerfile.base .';
  const files = (trigger: string) => ({ 'main.go': GO, 'Dockerfile.build': BUILDER, 'Dockerfile.base': `FROM alpine:3.19\nONBUILD ${trigger}\n`, Dockerfile: 'FROM base:1\nCOPY app /usr/local/bin/app\n', 'build.sh': sh(BASE_BUILD, ...CP) });

  it('a trigger that reads the context (COPY, ADD, RUN --mount) refuses at the runtime FROM', () => {
    for (const trigger of ['COPY . /ctx', 'ADD --chown=1:1 . /ctx', 'RUN --mount=target=/ctx ls /ctx > /list']) {
      expect(errors(planFiles(files(trigger))), trigger).toEqual([['refused', ['ARTIFACT_IN_BROAD_COPY:1']]]);
    }
  });

  it('one that does not (a RUN, a COPY --from) is no concern', () => {
    for (const trigger of ['RUN echo hi > /hi', 'COPY --from=busybox:1.36 /bin/busybox /bin/']) {
      expect(errors(planFiles(files(trigger))), trigger).toEqual([['migrate', []]]);
    }
  });
});
