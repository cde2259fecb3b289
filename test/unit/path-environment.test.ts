/**
 * PATH where the shell finds `docker`: a PATH given to the builder build and not to the final
 * build (`PATH=/opt/docker-20/bin:$PATH docker build …`, an `export PATH=…` between the builds,
 * Jenkins `withEnv(['PATH+X=…'])` around the builder build alone, a CI step's `env: PATH:`, a
 * Make target-specific `export PATH`) may run another docker client, another version with the
 * legacy builder or other defaults, and the merged build runs the final build's: refused
 * FLAG_CONFLICT (src/plan/build-flags.ts). The same PATH at both builds migrates.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM golang:1.21\nRUN go build -o /out/app .\n', Dockerfile: 'FROM alpine\nCOPY app /app\n' };
const EXTRACT = ['docker create --name x app-build', 'docker cp x:/out/app ./app', 'docker rm x'];

function outcome(files: Record<string, string>) {
  return planFiles({ ...DOCKERFILES, ...files }).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);
}
const sh = (builderPrefix: string, between = '', runtimePrefix = '', prelude = '') =>
  outcome({ 'build.sh': `#!/bin/sh\nset -e\n${prelude}${builderPrefix}docker build -t app-build -f Dockerfile.build .\n${EXTRACT.join('\n')}\n${between}${runtimePrefix}docker build -t app .\n` });

describe('a PATH for one build only', () => {
  it('is refused in a shell script: a prefix, an export between the builds, a subshell or function around the builder build', () => {
    expect(sh('PATH=/opt/docker-20/bin:$PATH ')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(sh('PATH=/opt/docker-20/bin ')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(sh('env PATH=/opt/docker-20/bin:/usr/bin ')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(sh('', 'export PATH=/opt/docker-20/bin:$PATH\n')).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(sh('', '', 'PATH=/opt/docker-20/bin:$PATH ')).toEqual([['refused', 'FLAG_CONFLICT']]);
    // two values only known at run time, from two assignments
    expect(sh('', 'export PATH=/opt/docker-27/bin:$PATH\n', '', 'export PATH=/opt/docker-20/bin:$PATH\n')).toEqual([['refused', 'FLAG_CONFLICT']]);
    const sub = `#!/bin/sh\nset -e\n(export PATH=/opt/docker-20/bin:$PATH; docker build -t app-build -f Dockerfile.build .)\n${EXTRACT.join('\n')}\ndocker build -t app .\n`;
    expect(outcome({ 'build.sh': sub })).toEqual([['refused', 'FLAG_CONFLICT']]);
    const fn = `#!/bin/bash\nset -e\nold() { local PATH=/opt/docker-20/bin:$PATH; docker build -t app-build -f Dockerfile.build .; }\nold\n${EXTRACT.join('\n')}\ndocker build -t app .\n`;
    expect(outcome({ 'build.sh': fn })[0]?.[0]).toBe('refused');
  });

  it('is refused in a Jenkinsfile withEnv around the builder build alone', () => {
    const steps = (open: string, close: string) => `pipeline {\n  agent any\n  stages {\n    stage('build') {\n      steps {\n${open}        sh 'docker build -t app-build -f Dockerfile.build .'\n${close}${EXTRACT.map((c) => `        sh '${c}'\n`).join('')}        sh 'docker build -t app .'\n      }\n    }\n  }\n}\n`;
    expect(outcome({ Jenkinsfile: steps("        withEnv(['PATH+X=/opt/docker-20/bin']) {\n", '        }\n') })).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(outcome({ Jenkinsfile: steps('', '') })).toEqual([['migrate']]);
  });

  it('is refused in a GitHub Actions step env on one of the two steps', () => {
    const wf = (env: string) => `on: push\njobs:\n  b:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker build -t app-build -f Dockerfile.build .\n${env}${EXTRACT.map((c) => `      - run: ${c}\n`).join('')}      - run: docker build -t app .\n`;
    expect(outcome({ '.github/workflows/ci.yml': wf('        env:\n          PATH: /opt/docker-20/bin:/usr/bin:/bin\n') })).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(outcome({ '.github/workflows/ci.yml': wf('') })).toEqual([['migrate']]);
  });

  it('is refused in a Makefile with a target-specific PATH on the builder rule', () => {
    const mk = (head: string) => `${head}image: binary\n\tdocker build -t app .\n\nbinary:\n\tdocker build -t app-build -f Dockerfile.build .\n${EXTRACT.map((c) => `\t${c}\n`).join('')}`;
    expect(outcome({ Makefile: mk('binary: export PATH := /opt/docker-20/bin:$(PATH)\n\n') })).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(outcome({ Makefile: mk('export PATH := /opt/docker-20/bin:$(PATH)\n\n') })).toEqual([['migrate']]);
  });

  it('migrates where both builds run with the same PATH', () => {
    expect(sh('', '', '', 'export PATH=/opt/docker-20/bin:$PATH\n')).toEqual([['migrate']]);
    expect(sh('', '', '', 'PATH=/opt/docker-20/bin:/usr/bin:/bin\n')).toEqual([['migrate']]);
    expect(sh('')).toEqual([['migrate']]);
  });
});

/**
 * Folders only appended to PATH between the builds: the builder build found `docker` in a folder
 * of the PATH it had, and the final build searches those folders first, so it finds the same one
 * (the shell reader records each PATH assignment whose value starts with the PATH before it).
 */
describe('a PATH only appended to between the builds', () => {
  it('migrates: the docker the builder build found comes first', () => {
    for (const between of [
      'export PATH="$PATH:/opt/bin"\n',
      'PATH=$PATH:/opt/bin\nexport PATH\n',
      'export PATH="${PATH}:$(cat .tools-dir)/bin"\n',
      'PATH="$PATH":"$HOME/.local/bin"\nPATH=$PATH\':/usr/local/go/bin\'\n',
      'if [ -d /opt/bin ]; then export PATH="$PATH:/opt/bin"; fi\n',
    ]) {
      expect(sh('', between), between).toEqual([['migrate']]);
      // after a PATH the script set itself
      expect(sh('', between, '', 'export PATH="/opt/docker-27/bin:$PATH"\n'), between).toEqual([['migrate']]);
    }
  });

  it('is refused where a folder may come first, or PATH is set otherwise between', () => {
    for (const between of [
      'export PATH="/opt/bin:$PATH"\n',
      'export PATH="$PATH:/opt/bin"\nexport PATH="/opt/other:$PATH"\n',
      'export PATH="${PATH:-/usr/bin}:/opt/bin"\n',
      'export PATH="$(echo "$PATH"):/opt/bin"\n',
      'export PATH="$PATH:/opt/bin"\n. ./env.sh\n',
      'export PATH="$OTHER:/opt/bin"\n',
    ]) {
      expect(sh('', between)[0]?.[0], between).toBe('refused');
    }
    // appended for the builder build alone, in a subshell
    const sub = `#!/bin/sh\nset -e\n(export PATH="$PATH:/opt/bin"; docker build -t app-build -f Dockerfile.build .)\n${EXTRACT.join('\n')}\ndocker build -t app .\n`;
    expect(outcome({ 'build.sh': sub })).toEqual([['refused', 'FLAG_CONFLICT']]);
  });
});
