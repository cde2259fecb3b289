/**
 * Merged, the compile runs in the runtime build: where the host goes on after that build fails
 * (a GitHub step with `continue-on-error`, a GitLab `after_script`, a `|| true`) and did not
 * after the builder build, a failing compile would no longer fail the run (src/plan/host-effects.ts
 * failureLeniency): refused SCRIPT_EDIT_UNSAFE.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'main.go': 'package main\n',
};
const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];

const codes = (file: string, text: string) => planFiles({ ...BASE, [file]: text }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);

describe('the compile moving into a runtime build whose failure the host goes past', () => {
  const wf = (final: string[]) => `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${STEPS[0]}\n      - run: |\n${STEPS.slice(1, 4).map((l) => `          ${l}`).join('\n')}\n${final.join('\n')}\n`;
  it('refuses a GitHub step with continue-on-error, a GitLab after_script, a `|| true`', () => {
    expect(codes('.github/workflows/ci.yml', wf(['      - name: package (best effort)', '        continue-on-error: true', `        run: ${STEPS[4]}`]))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(codes('.github/workflows/ci.yml', wf([`      - run: ${STEPS[4]} || true`]))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    const gitlab = `build:\n  script:\n${STEPS.slice(0, 4).map((l) => `    - ${l}`).join('\n')}\n    - echo compiled\n  after_script:\n    - ${STEPS[4]}\n`;
    expect(codes('.gitlab-ci.yml', gitlab)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    const azure = `pool:\n  vmImage: ubuntu-latest\nsteps:\n  - bash: ${STEPS[0]}\n  - bash: |\n${STEPS.slice(1, 4).map((l) => `      ${l}`).join('\n')}\n  - bash: ${STEPS[4]}\n    continueOnError: true\n`;
    expect(codes('azure-pipelines.yml', azure)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(codes('azure-pipelines.yml', azure.replace('    continueOnError: true\n', ''))).toEqual([['migrate']]);
    const travis = `language: minimal\nservices:\n  - docker\nscript:\n${STEPS.slice(0, 4).map((l) => `  - ${l}`).join('\n')}\nafter_success:\n  - ${STEPS[4]}\n`;
    expect(codes('.travis.yml', travis)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(codes('.travis.yml', travis.replace('after_success:\n', ''))).toEqual([['migrate']]);
    // where its failure counts, as the builder build's did, it migrates
    expect(codes('.github/workflows/ci.yml', wf([`      - run: ${STEPS[4]}`]))).toEqual([['migrate']]);
    // `|| exit 1` fails the step as the build's own failure would
    expect(codes('.github/workflows/ci.yml', wf([`      - run: ${STEPS[4]} || exit 1`]))).toEqual([['migrate']]);
  });
});

describe('the compile moving past a `set +e`', () => {
  const shell = (lines: string[]) => codes('build.sh', ['#!/bin/sh', 'set -e', ...lines, ''].join('\n'));
  it('refuses where errexit was on for the builder build and is off for the runtime build, which does not end the script', () => {
    expect(shell([...STEPS.slice(0, 4), 'set +e', STEPS[4]!, 'echo done'])).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    const gitlab = `build-image:\n  script:\n${[...STEPS.slice(0, 4), 'set +e', STEPS[4], 'echo done'].map((l) => `    - ${l}`).join('\n')}\n`;
    expect(codes('.gitlab-ci.yml', gitlab)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });

  it('migrates where the runtime build still stops the script or ends it', () => {
    expect(shell([...STEPS.slice(0, 4), 'set +e', STEPS[4]!])).toEqual([['migrate']]);
    expect(shell([...STEPS.slice(0, 4), 'set +e', `${STEPS[4]} || exit 1`, 'echo done'])).toEqual([['migrate']]);
    expect(shell([...STEPS.slice(0, 4), 'set +e', 'echo between', 'set -e', STEPS[4]!, 'echo done'])).toEqual([['migrate']]);
    // errexit off for both, as before: the old script went past the builder's failure too
    expect(codes('build.sh', ['#!/bin/sh', ...STEPS, 'echo done', ''].join('\n'))[0]![0]).not.toBe('refused');
  });

  it('refuses a runtime build where errexit ignores its failure: an `if` condition, after `!`, before `&& echo` with more to run', () => {
    expect(shell([...STEPS.slice(0, 4), `if ! ${STEPS[4]}; then echo failed >&2; fi`, 'echo done'])).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(shell([...STEPS.slice(0, 4), `! ${STEPS[4]}`, 'echo done'])).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(shell([...STEPS.slice(0, 4), `${STEPS[4]} && echo built`, 'echo done'])).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    const wf = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: |\n${[...STEPS, 'echo built', 'echo done'].map((l, k) => `          ${k === 4 ? `${l} && echo built` : l}`).slice(0, 5).join('\n')}\n          echo done\n`;
    expect(codes('.github/workflows/ci.yml', wf)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });

  it('migrates a runtime build whose failed `&&` list ends the script, or that a `cd … &&` leads to', () => {
    expect(shell([...STEPS.slice(0, 4), `${STEPS[4]} && echo built`])).toEqual([['migrate']]);
    expect(shell([...STEPS.slice(0, 4), `cd . && ${STEPS[4]}`, 'echo done'])).toEqual([['migrate']]);
    expect(shell([...STEPS.slice(0, 4), `${STEPS[4]} && echo built || exit 1`, 'echo done'])).toEqual([['migrate']]);
  });
});

describe('the compile moving under another step\'s time limit', () => {
  const wf = (builderExtra: string, finalExtra: string) => `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - ${builderExtra}run: ${STEPS[0]}\n      - run: |\n${STEPS.slice(1, 4).map((l) => `          ${l}`).join('\n')}\n      - ${finalExtra}run: ${STEPS[4]}\n`;
  it('refuses where the runtime build\'s step has a limit the builder build\'s did not (GitHub, Azure, CircleCI)', () => {
    expect(codes('.github/workflows/ci.yml', wf('timeout-minutes: 60\n        ', 'timeout-minutes: 2\n        '))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(codes('.github/workflows/ci.yml', wf('', 'timeout-minutes: 2\n        '))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    const azure = `pool:\n  vmImage: ubuntu-latest\nsteps:\n  - bash: ${STEPS[0]}\n    timeoutInMinutes: 90\n  - bash: |\n${STEPS.slice(1, 4).map((l) => `      ${l}`).join('\n')}\n  - bash: ${STEPS[4]}\n    timeoutInMinutes: 1\n`;
    expect(codes('azure-pipelines.yml', azure)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    const circle = `version: 2.1\njobs:\n  image:\n    machine:\n      image: ubuntu-2204:current\n    steps:\n      - checkout\n      - run:\n          command: ${STEPS[0]}\n      - run: |\n${STEPS.slice(1, 4).map((l) => `          ${l}`).join('\n')}\n      - run:\n          no_output_timeout: 1m\n          command: ${STEPS[4]}\nworkflows:\n  build:\n    jobs:\n      - image\n`;
    expect(codes('.circleci/config.yml', circle)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    // a CircleCI run step without no_output_timeout has the 10-minute default: a builder step's 30m is no "no limit"
    const longer = circle.replace(`          command: ${STEPS[0]}`, `          no_output_timeout: 30m\n          command: ${STEPS[0]}`).replace('          no_output_timeout: 1m\n', '');
    expect(longer).toContain('30m');
    expect(codes('.circleci/config.yml', longer)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(codes('.circleci/config.yml', longer.replace('          no_output_timeout: 30m\n', ''))).toEqual([['migrate']]);
  });

  it('migrates the same limit on both, or a limit on the builder\'s step alone (the compile then runs under none)', () => {
    expect(codes('.github/workflows/ci.yml', wf('timeout-minutes: 30\n        ', 'timeout-minutes: 30\n        '))).toEqual([['migrate']]);
    expect(codes('.github/workflows/ci.yml', wf('timeout-minutes: 30\n        ', ''))).toEqual([['migrate']]);
  });
});

describe('a failure handler between the builder build and the runtime build', () => {
  const wf = (cond: string) => `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${STEPS[0]}\n      - if: ${cond}\n        run: echo "compile failed" >&2\n      - run: |\n${STEPS.slice(1, 4).map((l) => `          ${l}`).join('\n')}\n      - run: ${STEPS[4]}\n`;
  it('refuses one that runs only after a failure: the compile would fail after it (GitHub, Azure, CircleCI)', () => {
    expect(codes('.github/workflows/ci.yml', wf('failure()'))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    const azure = `pool:\n  vmImage: ubuntu-latest\nsteps:\n  - bash: ${STEPS[0]}\n  - bash: echo failed\n    condition: failed()\n  - bash: |\n${STEPS.slice(1, 4).map((l) => `      ${l}`).join('\n')}\n  - bash: ${STEPS[4]}\n`;
    expect(codes('azure-pipelines.yml', azure)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    const circle = `version: 2.1\njobs:\n  image:\n    machine:\n      image: ubuntu-2204:current\n    steps:\n      - checkout\n      - run: ${STEPS[0]}\n      - run:\n          when: on_fail\n          command: echo failed\n      - run: |\n${STEPS.slice(1, 4).map((l) => `          ${l}`).join('\n')}\n      - run: ${STEPS[4]}\nworkflows:\n  build:\n    jobs:\n      - image\n`;
    expect(codes('.circleci/config.yml', circle)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });

  it('migrates one that runs whatever happened before it (always()), which still runs', () => {
    expect(codes('.github/workflows/ci.yml', wf('always()'))).toEqual([['migrate']]);
  });
});

describe('a runtime build piped into another command', () => {
  const wf = (shell: string) => `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ${STEPS[0]}\n      - run: |\n${STEPS.slice(1, 4).map((l) => `          ${l}`).join('\n')}\n      - ${shell}run: ${STEPS[4]} 2>&1 | tee build.log\n`;
  it('refuses it in a GitHub step without pipefail (the default bash -e {0}): its failure is tee\'s success', () => {
    expect(codes('.github/workflows/ci.yml', wf(''))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(codes('.github/workflows/ci.yml', wf('shell: sh\n        '))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });
  it('migrates it under `shell: bash`, which adds pipefail', () => {
    expect(codes('.github/workflows/ci.yml', wf('shell: bash\n        '))).toEqual([['migrate']]);
  });
});

describe('a runtime build piped into another command by a host that starts its shell without pipefail', () => {
  const TEE = `${STEPS[4]} 2>&1 | tee build.log`;
  it('refuses it in a Jenkins sh step (`sh -xe`), alone or at the end of a multi-line step, or under a #! line without -o', () => {
    const node = (...lines: string[]) => codes('Jenkinsfile', `node {\n${lines.map((l) => `  ${l}`).join('\n')}\n}\n`);
    expect(node(...STEPS.slice(0, 4).map((l) => `sh '${l}'`), `sh '${TEE}'`)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(node(`sh '''\n${[...STEPS.slice(0, 4), TEE].join('\n')}\n'''`)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(node(...STEPS.slice(0, 4).map((l) => `sh '${l}'`), `sh '''#!/bin/bash -e\n${TEE}\n'''`)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    // pipefail turned on in the step's own text
    expect(node(...STEPS.slice(0, 4).map((l) => `sh '${l}'`), `sh '''#!/bin/bash -e\nset -o pipefail\n${TEE}\n'''`)).toEqual([['migrate']]);
  });

  it("refuses it in a Make recipe (`/bin/sh -c`), not where .SHELLFLAGS may turn pipefail on", () => {
    const make = (head: string) => codes('Makefile', `${head}image:\n${[...STEPS.slice(0, 4), TEE].map((l) => `\t${l}`).join('\n')}\n`);
    expect(make('')).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(make('SHELL := /bin/bash\n')).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(make('SHELL := /bin/bash\n.SHELLFLAGS := -eu -o pipefail -c\n')).toEqual([['migrate']]);
  });

  it("refuses it in Node's execSync (`/bin/sh -c`, or a `shell:` of its own), not in zx's `$`, which sets pipefail", () => {
    const js = (head: string, final: string) => planFiles({ ...BASE, 'package.json': '{ "scripts": { "image": "node build.mjs" } }\n', 'build.mjs': `${head}\n${[...STEPS.slice(0, 4).map((l) => (head.includes('zx') ? `await $\`${l}\`;` : `execSync('${l}', { stdio: 'inherit' });`)), final].join('\n')}\n` }).setups.map((x) => [x.status, ...x.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
    const cp = "import { execSync } from 'node:child_process';";
    expect(js(cp, `execSync('${TEE}', { stdio: 'inherit' });`)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(js(cp, `execSync('${TEE}', { stdio: 'inherit', shell: '/bin/bash' });`)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(js(cp, `execSync('set -o pipefail; ${TEE}', { stdio: 'inherit', shell: '/bin/bash' });`)).toEqual([['migrate']]);
    expect(js("import { $ } from 'zx';", `await $\`${TEE}\`;`)).toEqual([['migrate']]);
  });
});

describe('a runtime build piped into another command in a shell script', () => {
  const shell = (head: string[], final: string) => codes('build.sh', ['#!/bin/sh', ...head, ...STEPS.slice(0, 4), final, 'echo done', ''].join('\n'));
  it('refuses it under set -e without pipefail: the pipeline succeeds when the compile fails', () => {
    expect(shell(['set -e'], `${STEPS[4]} 2>&1 | tee build.log`)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });
  it('migrates it where pipefail may be on', () => {
    expect(shell(['set -euo pipefail'], `${STEPS[4]} 2>&1 | tee build.log`)).toEqual([['migrate']]);
    expect(shell(['set -e', 'set -o pipefail'], `${STEPS[4]} 2>&1 | tee build.log`)).toEqual([['migrate']]);
    // a sourced file may turn it on
    const sourced = planFiles({ ...BASE, 'ci/env.sh': 'set -o pipefail\n', 'build.sh': ['#!/bin/sh', 'set -e', '. ./ci/env.sh', ...STEPS.slice(0, 4), `${STEPS[4]} 2>&1 | tee build.log`, 'echo done', ''].join('\n') });
    expect(sourced.setups.map((x) => x.status)).toEqual(['migrate']);
  });
});

describe('a `docker run` whose command becomes a RUN of the builder stage, in a step of its own', () => {
  // step 1 builds the builder, step 2 runs the compile in its container and copies it out, step 3 builds the runtime image
  const RUN_STEPS = ['docker build -t app:build -f Dockerfile.build .', "docker run --name x app:build sh -c 'go build -o /out/app . && go test ./...'", 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
  const wf = (builderExtra: string, runExtra: string, finalExtra: string) => `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - ${builderExtra}run: ${RUN_STEPS[0]}\n      - ${runExtra}run: |\n${RUN_STEPS.slice(1, 4).map((l) => `          ${l}`).join('\n')}\n      - ${finalExtra}run: ${RUN_STEPS[4]}\n`;
  const diags = (text: string) => planFiles({ ...BASE, '.github/workflows/ci.yml': text }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.line}: ${d.message}`)]);

  it('refuses where the runtime build\'s step has a tighter limit than the run\'s, naming the run', () => {
    const [status, d] = (diags(wf('timeout-minutes: 5\n        ', 'timeout-minutes: 60\n        ', 'timeout-minutes: 5\n        ')) as [string, string][])[0]!;
    expect(status).toBe('refused');
    expect(d).toMatch(/^SCRIPT_EDIT_UNSAFE 14: `docker build -t app:latest \.` runs in a step with `timeout-minutes: 5`, and `docker run --name x app:build sh -c .*` \(line 10\), whose command becomes a RUN of the builder stage, in one with `timeout-minutes: 60`: merged, that command runs in the runtime build, under the first/);
    // the same limit on the three steps migrates (the builder build's step is compared as before)
    expect(codes('.github/workflows/ci.yml', wf('timeout-minutes: 5\n        ', 'timeout-minutes: 60\n        ', 'timeout-minutes: 60\n        '))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(codes('.github/workflows/ci.yml', wf('timeout-minutes: 60\n        ', 'timeout-minutes: 60\n        ', 'timeout-minutes: 60\n        '))).toEqual([['migrate']]);
  });

  it('refuses where the runtime build\'s failure is gone past and the run\'s was not, though the builder build\'s was too', () => {
    const coe = 'continue-on-error: true\n        ';
    const [status, d] = (diags(wf(coe, '', coe)) as [string, string][])[0]!;
    expect(status).toBe('refused');
    expect(d).toMatch(/^SCRIPT_EDIT_UNSAFE 13: `docker build -t app:latest \.` runs where its failure does not fail the job .*, and `docker run --name x app:build sh -c .*` \(line 9\), whose command becomes a RUN of the builder stage, did not: merged, that command \(a compile, tests\) runs in the runtime build, and a failing compile would no longer fail the run/);
    expect(codes('.github/workflows/ci.yml', wf(coe, coe, coe))).toEqual([['migrate']]);
  });
});

describe('the message says what the host does after a failure', () => {
  const message = (file: string, text: string) => planFiles({ ...BASE, [file]: text }).setups[0]!.diagnostics.find((d) => d.code === 'SCRIPT_EDIT_UNSAFE')?.message ?? '';
  it('a GitHub `if: always()` step fails the job when it fails: the refusal says it runs after an earlier failure, not that its failure is not counted', () => {
    const wf = `on: push\njobs:\n  build:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./test.sh\n      - run: ${STEPS[0]}\n      - if: always()\n        run: |\n${STEPS.slice(1).map((l) => `          ${l}`).join('\n')}\n`;
    const m = message('.github/workflows/ci.yml', wf);
    expect(m).toMatch(/runs where an earlier step's failure does not stop it \(`if: always\(\)`, `when: always`\), and the builder build .* did not: merged, .*after an unrelated failure the compile would now run and the image be built/);
    expect(m).not.toMatch(/does not fail the job/);
  });
  it('a GitLab after_script does not fail the job when it fails: the refusal says so', () => {
    const gitlab = `build:\n  script:\n${STEPS.slice(0, 4).map((l) => `    - ${l}`).join('\n')}\n    - echo compiled\n  after_script:\n    - ${STEPS[4]}\n`;
    expect(message('.gitlab-ci.yml', gitlab)).toMatch(/its own failure does not fail the job \(`after_script`, `after-script`\).*a failing compile would no longer fail the run/);
  });
});
