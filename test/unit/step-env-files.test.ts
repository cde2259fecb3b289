/**
 * $GITHUB_ENV and $GITHUB_PATH written by an earlier step (src/analyze/step-env-files.ts): a PATH
 * folder joins the shadow check, a variable the steps depend on (or a write the tool cannot read)
 * refuses STEP_ENV_WRITTEN, any other variable changes nothing.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /app\n';
const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
const WRAPPER = '#!/bin/sh\necho "$*" >> docker-calls.log\nexec /usr/bin/docker "$@"\n';

const workflow = (before: string[]) =>
  `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${before.map((b) => `      - run: ${b}\n`).join('')}      - run: |\n${STEPS.map((l) => `          ${l}`).join('\n')}\n`;
const outcome = (before: string[], files: Record<string, string> = {}) =>
  planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.github/workflows/image.yml': workflow(before), ...files }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);

describe('an earlier step writing $GITHUB_PATH', () => {
  it('puts a folder of the repository on PATH: a file there named like a step\'s program refuses', () => {
    for (const line of ['echo "$GITHUB_WORKSPACE/tools" >> "$GITHUB_PATH"', 'echo "$PWD/tools" >> $GITHUB_PATH', 'echo tools >> "$GITHUB_PATH"', 'echo "$TOOLS_DIR/tools" >> "$GITHUB_PATH"']) {
      expect(outcome([`'${line}'`], { 'tools/docker': WRAPPER }), line).toEqual([['refused', 'COMMAND_SHADOWED']]);
    }
  });
  it('changes nothing without such a file, or for a folder outside the repository', () => {
    expect(outcome(['\'echo "$GITHUB_WORKSPACE/tools" >> "$GITHUB_PATH"\''], { 'tools/lint': '#!/bin/sh\n' })).toEqual([['migrate']]);
    expect(outcome(['\'echo "$HOME/.local/bin" >> "$GITHUB_PATH"\'', '\'echo /opt/go/bin >> "$GITHUB_PATH"\''], { 'tools/docker': WRAPPER })).toEqual([['migrate']]);
  });
});

describe('an earlier step writing $GITHUB_ENV', () => {
  it('a name the job\'s `env:` gives is only known at run time in the later steps: the runner\'s written value goes over it', () => {
    const both = 'FROM busybox:latest\nRUN mkdir -p /out && echo release > /out/app && echo debug > /out/app-debug\n';
    const text = (step: string[]) => ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    env:', '      SRC: /out/app', '    steps:', '      - uses: actions/checkout@v4', "      - if: github.ref != 'refs/heads/main'", '        run: echo "SRC=/out/app-debug" >> "$GITHUB_ENV"', '      - run: |', '          docker build -t app:build -f Dockerfile.build .', '          docker create --name x app:build', '          docker cp "x:$SRC" app', '          docker rm x', '          docker build -t app:latest .', ...step, ''].join('\n');
    const p = planFiles({ 'Dockerfile.build': both, Dockerfile: RUNTIME, '.github/workflows/image.yml': text([]) });
    expect(p.setups.map((s) => s.status)).toEqual(['refused']);
    const d = p.setups[0]!.diagnostics.find((x) => x.code === 'DYNAMIC_ARTIFACT_PATH')!;
    expect(d.message).toContain('`docker cp "x:$SRC" app`');
    expect(d.line).toBe(14);
    // a step's own `env:` goes over the written value: read as written
    const own = text([]).replace('      - run: |\n          docker build', '      - env:\n          SRC: /out/app\n        run: |\n          docker build');
    expect(planFiles({ 'Dockerfile.build': both, Dockerfile: RUNTIME, '.github/workflows/image.yml': own }).setups.map((s) => s.status)).toEqual(['migrate']);
    // another name written changes nothing
    const other = text([]).replace('SRC=/out/app-debug', 'VERSION=1.2');
    expect(planFiles({ 'Dockerfile.build': both, Dockerfile: RUNTIME, '.github/workflows/image.yml': other }).setups.map((s) => s.status)).toEqual(['migrate']);
  });
  it('setting a variable the steps depend on refuses STEP_ENV_WRITTEN', () => {
    expect(outcome(['echo "DOCKER_BUILDKIT=0" >> "$GITHUB_ENV"'])).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(outcome(['echo "BASH_ENV=$GITHUB_WORKSPACE/ci/env.sh" >> $GITHUB_ENV'])).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
  });
  it('a write the tool cannot read refuses; a line of another name changes nothing', () => {
    expect(outcome(['cat ci/vars >> "$GITHUB_ENV"'])).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(outcome(['echo "$NAME=1" >> "$GITHUB_ENV"'])).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(outcome(['echo "VERSION=$(cat VERSION)" >> "$GITHUB_ENV"'])).toEqual([['migrate']]);
    // A look at the file writes nothing: printing it, searching it, testing it.
    for (const look of ['cat "$GITHUB_ENV"', 'grep -q DOCKER "$GITHUB_ENV" || true', 'test -s "$GITHUB_PATH"', 'wc -l "$GITHUB_ENV"']) expect(outcome([`'${look}'`]), look).toEqual([['migrate']]);
    // Sourcing it sets the step's own variables from what earlier steps wrote: not read.
    expect(outcome(['\'. "$GITHUB_ENV"\''])[0]).toContain('STEP_ENV_WRITTEN');
  });
  it('setting a name whose YAML value the setup\'s commands read refuses; one they read as only known at run time does not', () => {
    const withEnv = (env: string, before: string) => {
      const text = workflow([before]).replace('    steps:', `    env:\n      ${env}\n    steps:`).replace('docker cp x:/out/app', 'docker cp "x:$BIN"');
      return planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.github/workflows/image.yml': text }).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
    };
    // written in the workflow: the reader makes BIN only known at run time in the later steps
    expect(withEnv('BIN: /out/app', 'echo "BIN=/out/app-debug" >> "$GITHUB_ENV"')).toEqual(['DYNAMIC_ARTIFACT_PATH']);
    // written by a script a step runs, which the workflow reader does not see: refused here
    const viaScript = (env: string) => {
      const text = workflow(['./ci/env.sh']).replace('    steps:', `    env:\n      ${env}\n    steps:`).replace('docker cp x:/out/app', 'docker cp "x:$BIN"');
      return planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.github/workflows/image.yml': text, 'ci/env.sh': '#!/bin/sh\necho "BIN=/out/app-debug" >> "$GITHUB_ENV"\n' }).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
    };
    expect(viaScript('BIN: /out/app')).toEqual(['STEP_ENV_WRITTEN']);
    expect(withEnv('BIN: /out/app', 'echo "OTHER=1" >> "$GITHUB_ENV"')).toEqual([]);
    expect(withEnv('BIN: ${{ vars.BIN }}', 'echo "BIN=/out/app-debug" >> "$GITHUB_ENV"')).not.toContain('STEP_ENV_WRITTEN');
  });
  it('after the setup\'s last step, it changes nothing', () => {
    const text = `${workflow([])}      - run: echo "DOCKER_BUILDKIT=0" >> "$GITHUB_ENV"\n`;
    expect(planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.github/workflows/image.yml': text }).setups.map((s) => s.status)).toEqual(['migrate']);
  });
});

describe('a script an earlier step runs, writing the files', () => {
  const SETUP = { 'ci/setup.sh': '#!/bin/sh\necho "$PWD/tools" >> "$GITHUB_PATH"\n', 'tools/docker': WRAPPER };
  it('counts as the step\'s write: run, run through bash, sourced, or run by a script it runs', () => {
    for (const step of ['./ci/setup.sh', 'bash ci/setup.sh', '. ci/setup.sh', './ci/prepare.sh']) {
      expect(outcome([step], { ...SETUP, 'ci/prepare.sh': '#!/bin/sh\nset -e\n./ci/setup.sh\n' }), step).toEqual([['refused', 'COMMAND_SHADOWED']]);
    }
    expect(outcome(['./ci/setup.sh'], { 'ci/setup.sh': '#!/bin/sh\necho "DOCKER_HOST=tcp://builder:2375" >> "$GITHUB_ENV"\n' })).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
  });
  it('one that writes other names, or none, changes nothing; one naming them that is not shell counts as a write the tool cannot read', () => {
    expect(outcome(['./ci/setup.sh'], { 'ci/setup.sh': '#!/bin/sh\necho "GOFLAGS=-mod=vendor" >> "$GITHUB_ENV"\n' })).toEqual([['migrate']]);
    expect(outcome(['./ci/setup.sh'], { 'ci/setup.sh': '#!/bin/sh\nmake deps\n', 'tools/docker': WRAPPER })).toEqual([['migrate']]);
    expect(outcome(['./ci/setup.sh'], { 'ci/setup.sh': '#!/bin/sh\nif then fi GITHUB_ENV\n' })).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
  });
});

describe('an earlier step of the job that runs the setup\'s script', () => {
  const SCRIPT = { 'build.sh': `#!/bin/sh\nset -e\n${STEPS.join('\n')}\n` };
  const job = (before: string[]) => `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n${before.map((b) => `      - run: ${b}\n`).join('')}      - run: ./build.sh\n`;
  const called = (before: string[], files: Record<string, string> = {}) =>
    planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.github/workflows/image.yml': job(before), ...SCRIPT, ...files }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
  it('appending a folder holding a program of the script to $GITHUB_PATH refuses COMMAND_SHADOWED, itself or through a script it runs', () => {
    expect(called([])).toEqual([['migrate']]);
    expect(called(['\'echo "$PWD/tools" >> "$GITHUB_PATH"\''], { 'tools/docker': WRAPPER })).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(called(['./ci/setup.sh'], { 'ci/setup.sh': '#!/bin/sh\necho "$GITHUB_WORKSPACE/tools" >> "$GITHUB_PATH"\n', 'tools/docker': WRAPPER })).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(called(['\'echo "$PWD/tools" >> "$GITHUB_PATH"\''], { 'tools/lint': WRAPPER })).toEqual([['migrate']]);
  });
  it('setting a docker variable through $GITHUB_ENV refuses STEP_ENV_WRITTEN; another name, or a write after the step, changes nothing', () => {
    expect(called(['echo "DOCKER_BUILDKIT=0" >> "$GITHUB_ENV"'])).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(called(['echo "VERSION=1.2.3" >> "$GITHUB_ENV"'])).toEqual([['migrate']]);
    const after = `${job([])}      - run: echo "DOCKER_BUILDKIT=0" >> "$GITHUB_ENV"\n`;
    expect(planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.github/workflows/image.yml': after, ...SCRIPT }).setups.map((s) => s.status)).toEqual(['migrate']);
  });
});

describe('an earlier Azure Pipelines step printing a logging command', () => {
  const azure = (before: string[]) => `trigger:\n  - main\npool:\n  vmImage: ubuntu-latest\nsteps:\n${before.map((b) => `  - bash: ${b}\n`).join('')}  - script: |\n${STEPS.map((l) => `      ${l}`).join('\n')}\n`;
  const outcomeAz = (before: string[], files: Record<string, string> = {}) =>
    planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'azure-pipelines.yml': azure(before), ...files }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
  it('##vso[task.prependpath] puts a folder on PATH; ##vso[task.setvariable] of a docker variable refuses; another name changes nothing', () => {
    expect(outcomeAz([])).toEqual([['migrate']]);
    expect(outcomeAz(['echo "##vso[task.prependpath]$(Build.SourcesDirectory)/tools"'], { 'tools/docker': WRAPPER })).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(outcomeAz(['echo "##vso[task.setvariable variable=DOCKER_BUILDKIT]0"'])).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(outcomeAz(['echo "##vso[task.setvariable variable=docker.host]tcp://builder:2375"'])).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(outcomeAz(['echo "##vso[task.setvariable variable=version]1.2.3"'])).toEqual([['migrate']]);
  });
});

describe('an earlier CircleCI step appending to the file $BASH_ENV names', () => {
  const circle = (before: string[]) => `version: 2.1\njobs:\n  image:\n    machine:\n      image: ubuntu-2204:current\n    steps:\n      - checkout\n${before.map((b) => `      - run: ${b}\n`).join('')}      - run: |\n${STEPS.map((l) => `          ${l}`).join('\n')}\nworkflows:\n  build:\n    jobs:\n      - image\n`;
  const outcomeCi = (before: string[], files: Record<string, string> = {}) =>
    planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.circleci/config.yml': circle(before), ...files }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
  it('an export of PATH puts its folders on PATH; of a docker variable, or anything else, refuses; of another name changes nothing', () => {
    expect(outcomeCi([])).toEqual([['migrate']]);
    expect(outcomeCi([`echo 'export PATH="$PWD/tools:$PATH"' >> "$BASH_ENV"`], { 'tools/docker': WRAPPER })).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(outcomeCi([`echo 'export PATH="$HOME/go/bin:$PATH"' >> "$BASH_ENV"`], { 'tools/docker': WRAPPER })).toEqual([['migrate']]);
    expect(outcomeCi([`echo 'export DOCKER_BUILDKIT=0' >> $BASH_ENV`])).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(outcomeCi([`echo 'docker() { podman "$@"; }' >> $BASH_ENV`])).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(outcomeCi([`echo 'export VERSION=1.2.3' >> $BASH_ENV`, 'cat $BASH_ENV'])).toEqual([['migrate']]);
  });
});

describe('a PATH the CI file gives the steps as a known value', () => {
  it('a GitHub Actions `env: PATH:` holding a folder of the repository refuses when it holds a file named like a step\'s program', () => {
    const text = (env: string) => `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    env:\n      PATH: ${env}\n    steps:\n      - run: |\n${STEPS.map((l) => `          ${l}`).join('\n')}\n`;
    const codes = (env: string) => planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.github/workflows/image.yml': text(env), 'tools/docker': WRAPPER }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
    expect(codes('tools:/usr/local/bin:/usr/bin:/bin')).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(codes('/usr/local/bin:/usr/bin:/bin')).toEqual([['migrate']]);
  });
  it('a PATH the CI file sets with an expression or a variable: the checkout\'s (`${{ github.workspace }}`, `$CI_PROJECT_DIR`, `$(Build.SourcesDirectory)`) is the root, another a folder only known at run time', () => {
    const inline = (path: string, files: Record<string, string> = {}) => {
      const text = workflow([]).replace('    runs-on: ubuntu-latest\n', `    runs-on: ubuntu-latest\n    env:\n      PATH: ${path}\n`);
      return planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.github/workflows/image.yml': text, ...files }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
    };
    expect(inline('${{ github.workspace }}/tools:/usr/bin:/bin', { 'tools/docker': WRAPPER })).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(inline('${{ inputs.root }}/tools:${{ env.PATH }}', { 'tools/docker': WRAPPER })).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(inline('${{ github.workspace }}/tools:/usr/bin:/bin')).toEqual([['migrate']]);
    expect(inline('${{ env.PATH }}:${{ github.workspace }}/tools', { 'tools/docker': WRAPPER })).toEqual([['migrate']]);
    // a relative entry is the folder a step runs in's: under `working-directory: app`, app/tools
    const inApp = (files: Record<string, string>) => {
      const text = workflow([]).replace('    runs-on: ubuntu-latest\n', '    runs-on: ubuntu-latest\n    defaults:\n      run:\n        working-directory: app\n    env:\n      PATH: tools:${{ env.PATH }}\n');
      return planFiles({ 'app/Dockerfile.build': BUILDER, 'app/Dockerfile': RUNTIME, '.github/workflows/image.yml': text, ...files }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
    };
    expect(inApp({ 'app/tools/docker': WRAPPER })).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(inApp({ 'app/tools/lint': WRAPPER })).toEqual([['migrate']]);
    // the same for a script the job runs
    const job = 'on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    env:\n      PATH: ${{ github.workspace }}/tools:/usr/bin:/bin\n    steps:\n      - run: ./build.sh\n';
    const called = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': `#!/bin/sh\nset -e\n${STEPS.join('\n')}\n`, '.github/workflows/ci.yml': job, 'tools/docker': WRAPPER }).setups[0]!;
    expect(called.diagnostics.find((d) => d.code === 'COMMAND_SHADOWED')?.message).toContain('which PATH holds (.github/workflows/ci.yml:6, a PATH the CI file sets)');
    // GitLab `variables:` and Azure `variables:` alike, with the checkout's variable as the root
    const gitlab = (path: string) => planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': `#!/bin/sh\nset -e\n${STEPS.join('\n')}\n`, '.gitlab-ci.yml': `variables:\n  PATH: "${path}"\nbuild-image:\n  script:\n    - ./build.sh\n`, 'tools/docker': WRAPPER }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
    expect(gitlab('$CI_PROJECT_DIR/tools:$PATH')).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(gitlab('$PATH:$CI_PROJECT_DIR/tools')).toEqual([['migrate']]);
    const azure = `trigger:\n  - main\nvariables:\n  PATH: $(Build.SourcesDirectory)/tools:/usr/bin:/bin\nsteps:\n  - script: ./build.sh\n`;
    expect(planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': `#!/bin/sh\nset -e\n${STEPS.join('\n')}\n`, 'azure-pipelines.yml': azure, 'tools/docker': WRAPPER }).setups.map((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))).toEqual([['COMMAND_SHADOWED']]);
  });

  it('a Jenkins `withEnv([\'PATH+TOOLS=…\'])` putting a folder of the repository first refuses', () => {
    const jenkins = (env: string) => `pipeline {\n  agent any\n  stages {\n    stage('image') {\n      steps {\n        withEnv(['${env}']) {\n${STEPS.map((l) => `          sh '${l}'`).join('\n')}\n        }\n      }\n    }\n  }\n}\n`;
    const codes = (env: string) => planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: jenkins(env), 'tools/docker': WRAPPER }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
    expect(codes('PATH+TOOLS=tools')).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(codes('PATH+GO=/usr/local/go/bin')).toEqual([['migrate']]);
  });

  it('a Jenkins PATH written with a Groovy interpolation (`${WORKSPACE}/tools`) is followed: the workspace is the root, any other value a folder only known at run time', () => {
    const declarative = (env: string, steps: readonly string[] = STEPS) => `pipeline {\n  agent any\n  environment {\n    ${env}\n  }\n  stages {\n    stage('image') {\n      steps {\n${steps.map((l) => `        sh '${l}'`).join('\n')}\n      }\n    }\n  }\n}\n`;
    const codes = (jenkinsfile: string, files: Record<string, string> = { 'tools/docker': WRAPPER }) => planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: jenkinsfile, ...files }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
    for (const env of ['PATH = "${WORKSPACE}/tools:${PATH}"', 'PATH = "${env.WORKSPACE}/tools:${env.PATH}"', 'PATH = "$WORKSPACE/tools:$PATH"', 'PATH = "${params.ROOT}/tools:${env.PATH}"']) {
      expect(codes(declarative(env)), env).toEqual([['refused', 'COMMAND_SHADOWED']]);
    }
    const message = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Jenkinsfile: declarative('PATH = "${WORKSPACE}/tools:${PATH}"'), 'tools/docker': WRAPPER }).setups[0]!.diagnostics.find((d) => d.code === 'COMMAND_SHADOWED')?.message;
    expect(message).toContain('is found first in tools/, which PATH holds (Jenkinsfile:4, a PATH the CI file sets)');
    // after the PATH it started with, or without a file there, nothing changes
    expect(codes(declarative('PATH = "${env.PATH}:${WORKSPACE}/tools"'))).toEqual([['migrate']]);
    expect(codes(declarative('PATH = "${WORKSPACE}/tools:${PATH}"'), {})).toEqual([['migrate']]);
    // withEnv's PATH+NAME alike, and a script the pipeline runs
    const scripted = `node {\n  withEnv(["PATH+TOOLS=\${env.WORKSPACE}/tools"]) {\n    sh './build.sh'\n  }\n}\n`;
    expect(codes(scripted, { 'build.sh': `#!/bin/sh\nset -e\n${STEPS.join('\n')}\n`, 'tools/docker': WRAPPER })).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(codes(scripted, { 'build.sh': `#!/bin/sh\nset -e\n${STEPS.join('\n')}\n` })).toEqual([['migrate']]);
  });
});

describe('a GitLab job\'s dotenv report', () => {
  const SCRIPT = `#!/bin/sh\nset -e\n${STEPS.join('\n')}\n`;
  const gitlab = (prepare: string[], report = 'dotenv: build.env', image = STEPS.map((l) => `    - ${l}`).join('\n')) =>
    `stages:\n  - prepare\n  - build\nprepare:\n  stage: prepare\n  script:\n${prepare.map((l) => `    - ${l}\n`).join('')}  artifacts:\n    reports:\n      ${report}\npackage:\n  stage: build\n  script:\n${image}\n`;
  const outcome = (text: string, files: Record<string, string> = {}) =>
    planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.gitlab-ci.yml': text, ...files }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
  it('setting a variable the later job\'s steps depend on refuses STEP_ENV_WRITTEN, in the job or a script it runs', () => {
    expect(outcome(gitlab(['echo "DOCKER_BUILDKIT=0" >> build.env']))).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(outcome(gitlab(['echo "DOCKER_HOST=tcp://builder:2375" > "$CI_PROJECT_DIR/build.env"']))).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(outcome(gitlab(['echo "DOCKER_BUILDKIT=0" >> build.env'], 'dotenv: build.env', '    - ./build.sh'), { 'build.sh': SCRIPT })).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    const message = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.gitlab-ci.yml': gitlab(['echo "DOCKER_BUILDKIT=0" >> build.env']) }).setups[0]!.diagnostics.find((d) => d.code === 'STEP_ENV_WRITTEN')?.message;
    expect(message).toContain('sets DOCKER_BUILDKIT for the later steps through the dotenv report of job prepare (.gitlab-ci.yml:5)');
  });
  it('a write the tool cannot read, or a report it cannot know, refuses; a line of another name changes nothing', () => {
    expect(outcome(gitlab(['printf \'VERSION=%s\\n\' "$(cat VERSION)" > build.env'])), 'case 1').toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(outcome(gitlab(['env | grep ^DOCKER_ > build.env'])), 'case 2').toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(outcome(gitlab(['./ci/version.sh']), { 'ci/version.sh': '#!/bin/sh\necho "VERSION=1" > build.env\n' }), 'case 3').toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(outcome(gitlab(['echo "VERSION=$(cat VERSION)" >> build.env', 'cat build.env'])), 'case 4').toEqual([['migrate']]);
    expect(outcome(gitlab(['./ci/version.sh']), { 'ci/version.sh': '#!/bin/sh\necho "VERSION=1"\n' }), 'case 5').toEqual([['migrate']]);
    // more reports a template the file does not hold may give (read where the file names a dotenv report: an included template alone is not followed)
    const templated = gitlab(['echo "VERSION=1" >> build.env']).replace('prepare:\n  stage: prepare\n', 'prepare:\n  extends: .reports\n  stage: prepare\n');
    expect(outcome(templated), 'case 6').toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    // a report of a template the file holds is read
    const held = `.reports:\n  artifacts:\n    reports:\n      dotenv: build.env\n${gitlab(['echo "DOCKER_BUILDKIT=0" >> build.env'], 'junit: report.xml').replace('prepare:\n  stage: prepare\n', 'prepare:\n  extends: .reports\n  stage: prepare\n')}`;
    expect(outcome(held), 'case 7').toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(outcome(held.replace('DOCKER_BUILDKIT=0', 'VERSION=1')), 'case 8').toEqual([['migrate']]);
  });
  it('the setup\'s own job\'s report reaches only the jobs after it', () => {
    const own = `package:\n  script:\n${STEPS.map((l) => `    - ${l}`).join('\n')}\n    - echo "DOCKER_BUILDKIT=0" >> build.env\n  artifacts:\n    reports:\n      dotenv: build.env\n`;
    expect(outcome(own)).toEqual([['migrate']]);
  });
});

describe('the runner\'s own files written between the builds', () => {
  it('are no files of the repository: `>> "$GITHUB_OUTPUT"` changes nothing the builder reads', () => {
    const reads = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
    const between = (line: string) => {
      const steps = [STEPS[0]!, line, ...STEPS.slice(1)];
      const text = `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n${steps.map((l) => `          ${l}`).join('\n')}\n`;
      return planFiles({ 'Dockerfile.build': reads, Dockerfile: RUNTIME, '.github/workflows/image.yml': text }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
    };
    for (const file of ['GITHUB_OUTPUT', 'GITHUB_STEP_SUMMARY', 'GITHUB_STATE']) expect(between(`echo "image=app:build" >> "$${file}"`), file).toEqual([['migrate']]);
    // a file only known at run time otherwise may be one the builder reads
    expect(between('echo "image=app:build" >> "$REPORT"')).toEqual([['refused', 'BUILDER_INPUT_CHANGED']]);
  });
});
