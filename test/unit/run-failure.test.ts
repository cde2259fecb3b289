/**
 * A build the builder container ran becomes a RUN step of the builder stage. It migrates only
 * where the old pipeline stopped when that container failed (errexit, `|| exit`, an `&&` chain
 * that skips the image build, a Make recipe line, an npm script whose `npm run` stops), and
 * where nothing else reads the builder image as its build left it (a runtime `FROM` or `COPY
 * --from` of the builder tag): otherwise the merged build would differ, and it refuses.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { planFiles } from '../support/plan.js';
import { errexitEffect } from '../../src/plan/run-failure.js';
import type { Word } from '../../src/model/script.js';
import { parseShell } from '../../src/analyze/shell.js';
import { MemoryFs } from '../../src/model/fs.js';

const RUN = `docker run --name app-x app:build sh -c 'cp main.sh app && chmod 755 app'`;
const CP = 'docker cp app-x:/src/app ./app';
const base = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.sh .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n',
  'main.sh': '#!/bin/sh\necho hi\n',
};
/** A file the scripts may source. */
const ENV = 'export CGO_ENABLED=0\n';
/** Files the scripts may source: some leave errexit alone, some may not (read by the planner). */
const SOURCED = {
  'env.sh': ENV,
  'lib.sh': 'log() { printf \'[build] %s\\n\' "$*"; }\n. ./env.sh\n',
  'off.sh': 'set +e\n',
  'relax-fn.sh': 'relax() { set +e; }\n',
  'relax-alias.sh': "alias relax='set +e'\n",
  'nested.sh': '. ./off.sh\n',
  'strict.sh': '#!/bin/sh\n# shared settings\nset -euo pipefail\nexport CGO_ENABLED=0\n',
  'strict-nested.sh': '. ./strict.sh\n',
  'strict-maybe.sh': '[ -n "$RELAXED" ] && return\nset -e\n',
  'strict-branch.sh': 'if [ -z "$RELAXED" ]; then set -e; fi\n',
};
const shell = (body: string) => ({ ...base, 'build.sh': `#!/bin/sh\n${body}` });
/** The builder build, `lines` (the run and the copy, as the case writes them), then the rest. */
const script = (head: string, lines: string) => shell(`${head}docker build -t app:build -f Dockerfile.build .\n${lines}\ndocker rm app-x\ndocker build -t app:latest .\nrm app\n`);
const errors = (plan: Plan) => plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));
const codes = (files: Record<string, string>) => {
  const plan = planFiles(files);
  expect(plan.setups.length).toBe(1);
  return errors(plan).map((d) => d.code);
};

describe('a run-time build whose failure the old script went past', () => {
  it('refuses without set -e, saying where and why', () => {
    const plan = planFiles(script('', `${RUN}\n${CP}`));
    const [d, ...rest] = errors(plan);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'BUILD_AT_RUN_TIME', file: 'build.sh', line: 3 });
    expect(d!.message).toContain('when it fails the old pipeline goes on');
    expect(d!.message).toContain('no image would be built');
  });

  it.each([
    ['set -e before it', 'set -e\n', `${RUN}\n${CP}`],
    ['set -euo pipefail', 'set -euo pipefail\n', `${RUN}\n${CP}`],
    ['set -o errexit', 'set -o errexit\n', `${RUN}\n${CP}`],
    ['|| exit 1 after it', '', `${RUN} || exit 1\n${CP}`],
    ['|| exit after it', '', `${RUN} || exit\n${CP}`],
    ['|| { echo …; exit 1; }', '', `${RUN} || { echo failed; exit 1; }\n${CP}`],
    ['&& to the copy', '', `${RUN} && ${CP}`],
    ['set -e turned off and on again', 'set -e\nset +e\nset -e\n', `${RUN}\n${CP}`],
    ['set -e run through builtin', 'builtin set -e\n', `${RUN}\n${CP}`],
    ['errexit turned on by shopt', 'shopt -s -o errexit\n', `${RUN}\n${CP}`],
    ['another option turned off by shopt', 'set -e\nshopt -u -o nounset\nshopt -u nullglob\n', `${RUN}\n${CP}`],
    ['an alias that touches no shell option', "set -e\nalias ll='ls -l'\n", `${RUN}\n${CP}`],
    ['a sourced file turned off and set -e again', '. ./off.sh\nset -e\n', `${RUN}\n${CP}`],
    ['a sourced file that only sets variables and functions, read', 'set -e\n. ./env.sh\nsource ./env.sh\n. ./lib.sh\nlog start\n', `${RUN}\n${CP}`],
    ['a sourced file that turns errexit on', '. ./strict.sh\n', `${RUN}\n${CP}`],
    ['a sourced file that sources one turning errexit on', 'source ./strict-nested.sh\n', `${RUN}\n${CP}`],
    ['a sourced file turning errexit off, then one turning it on', 'set -e\n. ./off.sh\n. ./strict.sh\n', `${RUN}\n${CP}`],
    ['another command in the background', 'set -e\n', `sleep 1 &\n${RUN}\n${CP}`],
    ['the run in the background and waited for by wait $!', 'set -e\n', `${RUN} &\nwait $!\n${CP}`],
    ['the run in the background, wait "$!" || exit 1', '', `${RUN} &\nwait "$!" || exit 1\n${CP}`],
  ])('migrates with %s', (_, head, lines) => {
    expect(codes({ ...script(head, lines), ...SOURCED })).toEqual([]);
  });

  it.each([
    ['set -e turned off again', 'set -e\nset +e\n', `${RUN}\n${CP}`],
    ['set -e only in a branch', 'if true; then set -e; fi\n', `${RUN}\n${CP}`],
    ['set -e in a subshell', '( set -e )\n', `${RUN}\n${CP}`],
    ['set +e in a branch', 'set -e\nif [ -n "$X" ]; then set +e; fi\n', `${RUN}\n${CP}`],
    ['set with an option only known at run time', 'set -e\nset $OPTS\n', `${RUN}\n${CP}`],
    ['|| true', 'set -e\n', `${RUN} || true\n${CP}`],
    ['|| exit 0', '', `${RUN} || exit 0\n${CP}`],
    ['|| echo', 'set -e\n', `${RUN} || echo "build failed"\n${CP}`],
    // its exit ends the subshell only: without errexit, the script goes on
    ['|| ( echo …; exit 1 ) without set -e', '', `${RUN} || ( echo failed; exit 1 )\n${CP}`],
    ['&& to an echo, the copy on its own line', '', `${RUN} && echo built\n${CP}`],
    ['piped into tee', 'set -e\n', `${RUN} | tee build.log\n${CP}`],
    ['negated', 'set -e\n', `! ${RUN}\n${CP}`],
    ['set +e run through builtin', 'set -e\nbuiltin set +e\n', `${RUN}\n${CP}`],
    ['set +e run through command', 'set -e\ncommand set +e\n', `${RUN}\n${CP}`],
    ['errexit turned off by shopt', 'set -e\nshopt -u -o errexit\n', `${RUN}\n${CP}`],
    ['an alias that may turn errexit off (sh expands it)', "set -e\nalias relax='set +e'\nrelax\n", `${RUN}\n${CP}`],
    ['a sourced file that turns errexit off', 'set -e\n. ./off.sh\n', `${RUN}\n${CP}`],
    ['a file read with source that turns errexit off', 'set -e\nsource ./off.sh\n', `${RUN}\n${CP}`],
    ['a sourced file with a function that turns errexit off', 'set -e\n. ./relax-fn.sh\nrelax\n', `${RUN}\n${CP}`],
    ['a sourced file defining an alias (sh expands it: relax could be set +e)', 'set -e\n. ./relax-alias.sh\nrelax\n', `${RUN}\n${CP}`],
    ['a sourced file that sources one turning errexit off', 'set -e\n. ./nested.sh\n', `${RUN}\n${CP}`],
    ['a sourced file run through builtin', 'set -e\nbuiltin . ./env.sh\n', `${RUN}\n${CP}`],
    ['a sourced file that may return before it turns errexit on', '. ./strict-maybe.sh\n', `${RUN}\n${CP}`],
    ['a sourced file that turns errexit on in a branch', '. ./strict-branch.sh\n', `${RUN}\n${CP}`],
    ['a file turning errexit on, sourced in a branch', 'if [ -f strict.sh ]; then . ./strict.sh; fi\n', `${RUN}\n${CP}`],
    ['the run in the background', 'set -e\n', `${RUN} &\nwait\n${CP}`],
    ['the run in the background, || exit 1 after it', '', `${RUN} || exit 1 &\nwait\n${CP}`],
    ['the run in the background, && to the copy', '', `${RUN} && ${CP} &\nwait`],
    ['the run in a group put in the background', 'set -e\n', `{ ${RUN}; } &\nwait\n${CP}`],
    ['the run in the background, wait $! without set -e', '', `${RUN} &\nwait $!\n${CP}`],
    ['the run in the background, wait $! || true', 'set -e\n', `${RUN} &\nwait $! || true\n${CP}`],
  ])('refuses with %s', (_, head, lines) => {
    // (a chain the script edit cannot take apart may add SCRIPT_EDIT_UNSAFE)
    expect(codes({ ...script(head, lines), ...SOURCED })).toContain('BUILD_AT_RUN_TIME');
  });

  it('migrates a Make recipe line, which stops make when it fails', () => {
    const files = { ...base, Makefile: `image:\n\tdocker build -t app:build -f Dockerfile.build .\n\t${RUN}\n\t${CP}\n\tdocker rm app-x\n\tdocker build -t app:latest .\n` };
    expect(codes(files)).toEqual([]);
  });

  it.each([
    ['a recipe line written -cmd', `-${RUN}\n\t${CP}`],
    ['the run and the copy on one recipe line', `${RUN}; ${CP}`],
    ['a recipe line written -cmd, even with || exit 1', `-${RUN} || exit 1\n\t${CP}`],
  ])('refuses %s', (_, lines) => {
    const files = { ...base, Makefile: `image:\n\tdocker build -t app:build -f Dockerfile.build .\n\t${lines}\n\tdocker rm app-x\n\tdocker build -t app:latest .\n` };
    expect(codes(files)).toEqual(['BUILD_AT_RUN_TIME']);
  });

  it('follows an npm script to the `npm run` that runs it', () => {
    const pkg = (image: string) => ({
      ...base,
      'package.json': JSON.stringify({ name: 'app', private: true, scripts: { compile: `docker build -t app:build -f Dockerfile.build . && ${RUN.replace(/'/g, '\\"').replace(/\\"/g, "'")}`, image } }, null, 2),
    });
    expect(codes(pkg(`npm run compile && ${CP} && docker rm app-x && docker build -t app:latest .`))).toEqual([]);
    expect(codes(pkg(`npm run compile; ${CP} && docker rm app-x && docker build -t app:latest .`))).toEqual(['BUILD_AT_RUN_TIME']);
  });

  it('migrates a CI step whose shell starts with errexit (GitHub Actions, CircleCI by default), refuses one whose shell does not', () => {
    const steps = ['docker build -t app:build -f Dockerfile.build .', RUN, CP, 'docker rm app-x'];
    const block = (indent: string) => steps.map((l) => `${indent}${l}`).join('\n');
    const github = (shell: string) => ({
      ...base,
      '.github/workflows/image.yml': `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - name: Build the binary\n${shell}        run: |\n${block('          ')}\n      - run: docker build -t app:latest .\n`,
    });
    expect(codes(github(''))).toEqual([]);
    expect(codes(github('        shell: bash\n'))).toEqual([]);
    expect(codes(github('        shell: bash --noprofile --norc -eo pipefail {0}\n'))).toEqual([]);
    expect(codes(github('        shell: bash {0}\n'))).toEqual(['BUILD_AT_RUN_TIME']);
    const circle = (shell: string) => ({
      ...base,
      '.circleci/config.yml': `version: 2.1\njobs:\n  image:\n    machine:\n      image: ubuntu-2204:current\n    steps:\n      - checkout\n      - run:\n          name: Build the binary\n${shell}          command: |\n${block('            ')}\n      - run: docker build -t app:latest .\nworkflows:\n  build:\n    jobs:\n      - image\n`,
    });
    expect(codes(circle(''))).toEqual([]);
    expect(codes(circle('          shell: /bin/bash -eo pipefail\n'))).toEqual([]);
    expect(codes(circle('          shell: /bin/bash\n'))).toEqual(['BUILD_AT_RUN_TIME']);
  });

  it('refuses a GitHub Actions step that may continue on error when the image is built by a later step', () => {
    const steps = ['docker build -t app:build -f Dockerfile.build .', RUN, CP, 'docker rm app-x'];
    const github = (coe: string, runtimeHere = false) => ({
      ...base,
      '.github/workflows/image.yml': `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: docker build -t app:build -f Dockerfile.build .\n      - ${coe}run: |\n${steps.slice(1, runtimeHere ? 4 : 2).map((l) => `          ${l}`).join('\n')}${runtimeHere ? '\n          docker build -t app:latest .' : ''}\n${runtimeHere ? '' : `      - run: |\n${steps.slice(2).map((l) => `          ${l}`).join('\n')}\n      - run: docker build -t app:latest .\n`}`,
    });
    expect(codes(github(''))).toEqual([]);
    expect(codes(github('continue-on-error: false\n        '))).toEqual([]);
    expect(codes(github('continue-on-error: true\n        '))).toEqual(['BUILD_AT_RUN_TIME']);
    expect(codes(github('continue-on-error: ${{ matrix.experimental }}\n        '))).toEqual(['BUILD_AT_RUN_TIME']);
    // The step's errexit still stops a runtime build in the step itself; but merged, the builder
    // image's own build (its step did not continue on error) moves into that step too, whose
    // failure the job goes past (./compile-failure-counted.test.ts).
    expect(codes(github('continue-on-error: true\n        ', true))).toEqual(['SCRIPT_EDIT_UNSAFE']);
  });

  it('refuses a CI step whose shell stops when the image is built by a step that runs after a failure too', () => {
    const steps = ['docker build -t app:build -f Dockerfile.build .', RUN, CP, 'docker rm app-x'];
    const block = (indent: string) => steps.map((l) => `${indent}${l}`).join('\n');
    const github = (cond: string) => ({
      ...base,
      '.github/workflows/image.yml': `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n${block('          ')}\n      - ${cond}run: docker build -t app:latest .\n`,
    });
    expect(codes(github(''))).toEqual([]);
    expect(codes(github('if: always()\n        '))).toContain('BUILD_AT_RUN_TIME');
    expect(codes(github('if: ${{ !cancelled() }}\n        '))).toContain('BUILD_AT_RUN_TIME');
    const circle = (when: string) => ({
      ...base,
      '.circleci/config.yml': `version: 2.1\njobs:\n  image:\n    machine:\n      image: ubuntu-2204:current\n    steps:\n      - checkout\n      - run: |\n${block('          ')}\n      - run:\n${when}          command: docker build -t app:latest .\nworkflows:\n  build:\n    jobs:\n      - image\n`,
    });
    expect(codes(circle(''))).toEqual([]);
    expect(codes(circle('          when: always\n'))).toContain('BUILD_AT_RUN_TIME');
  });

  const steps = ['docker build -t app:build -f Dockerfile.build .', RUN, CP, 'docker rm app-x'];
  const block = (indent: string) => steps.map((l) => `${indent}${l}`).join('\n');
  const items = (indent: string) => steps.map((l) => `${indent}- ${l.includes(': ') || l.includes("'") ? JSON.stringify(l) : l}`).join('\n');

  it('migrates a GitLab job whose script runs in the runner\'s bash or sh, which starts with errexit, in a list item or a multi-line one', () => {
    const gitlab = (script: string, extra = '') => ({ ...base, '.gitlab-ci.yml': `stages:\n  - build\n\nimage-job:\n  stage: build\n${extra}  script:\n${script}\n` });
    expect(codes(gitlab(`${items('    ')}\n    - docker build -t app:latest .`))).toEqual([]);
    expect(codes(gitlab(`    - |\n${block('      ')}\n      docker build -t app:latest .`))).toEqual([]);
    // In before_script, which runs in the same shell.
    expect(codes(gitlab('    - docker build -t app:latest .', `  before_script:\n${items('    ')}\n`))).toEqual([]);
    // An earlier item turned errexit off in the shell the later ones run in.
    expect(codes(gitlab(`    - set +e\n${items('    ')}\n    - docker build -t app:latest .`))).toEqual(['BUILD_AT_RUN_TIME']);
    // An earlier item sourced a file that turned it off; one that only sets variables leaves it on.
    expect(codes({ ...gitlab(`    - . ./ci/env.sh\n${items('    ')}\n    - docker build -t app:latest .`), 'ci/env.sh': 'set +e\n' })).toEqual(['BUILD_AT_RUN_TIME']);
    expect(codes({ ...gitlab(`    - . ./ci/env.sh\n${items('    ')}\n    - docker build -t app:latest .`), 'ci/env.sh': ENV })).toEqual([]);
    // The run in the background: the job's shell goes on at once (and the copy right after it ran beside it).
    expect(codes(gitlab(`${items('    ').replace(RUN, `${RUN} &`)}\n    - wait\n    - docker build -t app:latest .`))).toEqual(['SCRIPT_EDIT_UNSAFE', 'BUILD_AT_RUN_TIME']);
    // after_script runs after a failed script too: a runtime build there is built from whatever the container left.
    // (and its failure does not fail the job, where the builder build's did: SCRIPT_EDIT_UNSAFE)
    expect(codes(gitlab(items('    '), '  after_script:\n    - docker build -t app:latest .\n'))).toEqual(['BUILD_AT_RUN_TIME', 'SCRIPT_EDIT_UNSAFE']);
    // The run itself in after_script: its failure stops nothing the job counts.
    expect(codes(gitlab('    - echo start', `  after_script:\n${items('    ')}\n    - docker build -t app:latest .\n`))).toEqual(['BUILD_AT_RUN_TIME']);
  });

  it('migrates a Bitbucket step\'s script, which Pipelines starts with set -e, not on a Windows runner nor with the image built in after-script', () => {
    const bitbucket = (script: string, extra = '') => ({ ...base, 'bitbucket-pipelines.yml': `pipelines:\n  default:\n    - step:\n        name: Image\n${extra}        script:\n${script}\n` });
    expect(codes(bitbucket(`${items('          ')}\n          - docker build -t app:latest .`))).toEqual([]);
    expect(codes(bitbucket(`          - |\n${block('            ')}\n            docker build -t app:latest .`))).toEqual([]);
    expect(codes(bitbucket(`${items('          ')}\n          - docker build -t app:latest .`, '        runs-on:\n          - self.hosted\n          - windows\n'))).toContain('BUILD_AT_RUN_TIME');
    expect(codes(bitbucket(items('          '), '        after-script:\n          - docker build -t app:latest .\n'))).toEqual(['BUILD_AT_RUN_TIME', 'SCRIPT_EDIT_UNSAFE']);
  });

  it('migrates a Jenkins sh step, which runs with sh -xe, not one whose #! line picks a shell without -e', () => {
    const jenkins = (text: string) => ({ ...base, Jenkinsfile: `pipeline {\n  agent any\n  stages {\n    stage('image') {\n      steps {\n        sh '''${text}\n${block('          ').replace(/'/g, "\\'")}\n        '''\n        sh 'docker build -t app:latest .'\n      }\n    }\n  }\n}\n` });
    expect(codes(jenkins(''))).toEqual([]);
    expect(codes(jenkins('#!/bin/sh'))).toEqual(['BUILD_AT_RUN_TIME']);
    // One option word with `e` on a sh/bash/dash path stops the step at the first failure too.
    expect(codes(jenkins('#!/bin/bash -e'))).toEqual([]);
    expect(codes(jenkins('#!/bin/sh -xe'))).toEqual([]);
    expect(codes(jenkins('#!/bin/bash -e -x'))).toEqual(['BUILD_AT_RUN_TIME']);
    expect(codes(jenkins('#!/bin/bash -x'))).toEqual(['BUILD_AT_RUN_TIME']);
    // A `#!` line after a newline is no interpreter line: Jenkins runs the text with sh -xe.
    expect(codes(jenkins('\n#!/bin/bash'))).toEqual([]);
    expect(codes(jenkins('  #!/bin/bash'))).toEqual([]);
    // A path that only ends in "sh" names another interpreter: the step is not followed.
    expect(planFiles(jenkins('#!/opt/fish-sh')).setups).toHaveLength(0);
    // `env` finding the shell on the PATH is read as that shell, without -e; `env` given `bash -e`
    // as one name (what the kernel passes) finds no program: not followed.
    expect(codes(jenkins('#!/usr/bin/env bash'))).toEqual(['BUILD_AT_RUN_TIME']);
    expect(planFiles(jenkins('#!/usr/bin/env bash -e')).setups).toHaveLength(0);
    expect(planFiles(jenkins('#!/usr/bin/env fish')).setups).toHaveLength(0);
  });

  it('still refuses an Azure Pipelines script step and a Travis script phase, which go on after a failing command', () => {
    const azure = { ...base, 'azure-pipelines.yml': `trigger:\n  - main\npool:\n  vmImage: ubuntu-latest\nsteps:\n  - script: |\n${block('      ')}\n  - script: docker build -t app:latest .\n` };
    expect(codes(azure)).toContain('BUILD_AT_RUN_TIME');
    const travis = { ...base, '.travis.yml': `language: minimal\nservices:\n  - docker\nscript:\n${items('  ')}\n  - docker build -t app:latest .\n` };
    expect(codes(travis)).toContain('BUILD_AT_RUN_TIME');
  });
});

describe('what sourcing a file does to errexit, read from the file', () => {
  const at = (file: string, text: string) => ({ ...parseShell('build.sh', text, { cwd: '' }).script!.commands[0]!, file });
  const effect = (files: Record<string, string>, line: string) => {
    const cmd = at('build.sh', line);
    return errexitEffect(cmd.words, { cmd, fs: new MemoryFs(files) });
  };
  it('is nothing for a file that only sets variables and functions, on or off for one whose own statements turn it so, else unknown', () => {
    expect(effect({ 'env.sh': 'export A=1\nf() { echo "$A"; }\n' }, '. ./env.sh')).toBeNull();
    expect(effect({ 'env.sh': 'export A=1\nset -e\n' }, 'source ./env.sh')).toBe(true);
    expect(effect({ 'env.sh': 'set -euo pipefail\nset +e\n' }, '. ./env.sh')).toBe(false);
    expect(effect({ 'env.sh': 'set +e\n. ./more.sh\n', 'more.sh': 'set -o errexit\n' }, '. ./env.sh')).toBe(true);
    expect(effect({ 'env.sh': 'set -e\nif [ -n "$X" ]; then set -e; fi\n' }, '. ./env.sh')).toBe(true);
    expect(effect({ 'env.sh': 'if [ -n "$X" ]; then set -e; fi\n' }, '. ./env.sh')).toBe('unknown');
    expect(effect({ 'env.sh': 'set -e\nif [ -n "$X" ]; then set +e; fi\n' }, '. ./env.sh')).toBe('unknown');
    expect(effect({ 'env.sh': '[ -n "$X" ] && return 0\nset -e\n' }, '. ./env.sh')).toBe('unknown');
    expect(effect({ 'env.sh': 'set -e\nf() { set +e; }\n' }, '. ./env.sh')).toBe('unknown');
    expect(effect({ 'env.sh': 'f() { set +e; }\n' }, '. ./env.sh')).toBe('unknown');
    expect(effect({ 'env.sh': "alias f='set +e'\n" }, '. ./env.sh')).toBe('unknown');
    expect(effect({ 'env.sh': '. ./more.sh\n', 'more.sh': 'shopt -u -o errexit\n' }, '. ./env.sh')).toBe(false);
    expect(effect({ 'env.sh': '. ./env.sh\n' }, '. ./env.sh')).toBe('unknown');
    expect(effect({}, '. ./missing.sh')).toBe('unknown');
    expect(effect({ 'env.sh': 'export A=1\n' }, '. "$ENV_FILE"')).toBe('unknown');
    expect(effect({ 'env.sh': 'export A=1\n' }, 'eval "$SETUP"')).toBe('unknown');
  });
});

describe('what a command does to errexit', () => {
  const words = (...vs: (string | null)[]): Word[] => vs.map((v) => ({ value: v, symbol: v ?? '$X', staticPrefix: v ?? '', raw: v ?? '$X', start: 0, end: 0 }));
  it.each([
    [['set', '-e'], true],
    [['set', '+o', 'errexit'], false],
    [['builtin', 'set', '+e'], false],
    [['command', 'set', '-e'], true],
    [['builtin', 'command', 'set', '+e'], false],
    [['command', '-p', 'set', '+e'], 'unknown'],
    [['shopt', '-u', '-o', 'errexit'], false],
    [['shopt', '-uo', 'nounset', 'errexit'], false],
    [['shopt', '-s', '-o', 'errexit'], true],
    [['shopt', '-o', 'errexit'], null],
    [['shopt', '-u', 'errexit'], null],
    [['shopt', '-u', '-o', 'nounset'], null],
    [['shopt', '-u', '-o', null], 'unknown'],
    [['.', './env.sh'], 'unknown'],
    [['source', 'env.sh'], 'unknown'],
    [['eval', 'echo', 'ready'], 'unknown'],
    [['builtin', 'eval', 'true'], 'unknown'],
    [['builtin', null, '+e'], 'unknown'],
    [[null, 'run', 'app:build'], null],
    [['echo', 'set', '+e'], null],
  ] as const)('%j: %s', (vs, effect) => {
    expect(errexitEffect(words(...vs))).toBe(effect);
  });
});

describe('a runtime Dockerfile that reads the builder image whose container ran the build', () => {
  const files = (runtime: string) => ({ ...script('set -e\n', `${RUN}\n${CP}`), Dockerfile: runtime });

  it('refuses FROM the builder tag, naming the line', () => {
    const plan = planFiles(files('FROM app:build\nCOPY app /usr/local/bin/app\nCMD ["app"]\n'));
    const [d, ...rest] = errors(plan);
    expect(rest).toEqual([]);
    expect(d).toMatchObject({ code: 'BUILDER_TAG_USED', file: 'Dockerfile', line: 1 });
    expect(d!.message).toContain('`FROM app:build` (Dockerfile:1) reads the builder image as its build left it, before its container ran (build.sh:4)');
  });

  it('refuses COPY --from the builder tag', () => {
    const plan = planFiles(files('FROM alpine:3.19\nCOPY --from=app:build /src/main.sh /main.sh\nCOPY app /usr/local/bin/app\n'));
    expect(errors(plan).map((d) => [d.code, d.line])).toEqual([['BUILDER_TAG_USED', 2]]);
  });

  it('migrates when the runtime starts from another image', () => {
    expect(errors(planFiles(files('FROM alpine:3.19\nCOPY app /usr/local/bin/app\n')))).toEqual([]);
  });
});
