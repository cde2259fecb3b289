/**
 * --verify's runs of Travis CI, CircleCI, Azure Pipelines and Bitbucket Pipelines jobs: the
 * entry each fixture's setup gets, and the steps a job becomes, run here with bash (no engine)
 * to show the failure rules each CI service has.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRoot } from '../../src/pipeline.js';
import { entryOf, type EntryStep } from '../../src/verify/entry.js';
import { azureSteps } from '../../src/verify/jobs/azure.js';
import { bitbucketSteps } from '../../src/verify/jobs/bitbucket.js';
import { circleSteps } from '../../src/verify/jobs/circleci.js';
import { travisSteps } from '../../src/verify/jobs/travis.js';
import { FIXTURES } from '../support/tree.js';

function entryOfFixture(name: string) {
  const run = runRoot(path.join(FIXTURES, name, 'before'), { stageName: 'builder' });
  return entryOf(run.analysis.setups[0]!, run.analysis, run.fs);
}

/** Runs steps in a fresh folder the way run-entry does (stop at the first failing step); returns the exit status and output. */
function runHere(steps: EntryStep[] | { none: string }): { code: number; out: string; dir: string } {
  if ('none' in steps) throw new Error(steps.none);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'msc-ci-jobs-'));
  let out = '';
  for (const s of steps) {
    fs.mkdirSync(path.join(dir, s.cwd), { recursive: true });
    const r = spawnSync(s.argv[0]!, s.argv.slice(1), { cwd: path.join(dir, s.cwd), env: { PATH: process.env['PATH'], ...s.env }, encoding: 'utf8' });
    out += r.stdout;
    if (r.status !== 0) return { code: r.status ?? -1, out, dir };
  }
  return { code: 0, out, dir };
}

const steps = (x: EntryStep[] | { none: string }) => {
  if ('none' in x) throw new Error(x.none);
  return x;
};

describe('entry points of the CI kinds', () => {
  it('names the job (or Bitbucket step) that runs both builds', () => {
    expect(entryOfFixture('travis-ci')).toMatchObject({ kind: 'ci', ciKind: 'travis-ci', job: 'default', label: '.travis.yml job default' });
    expect(entryOfFixture('circleci')).toMatchObject({ kind: 'ci', ciKind: 'circleci', job: 'image', label: '.circleci/config.yml job image' });
    expect(entryOfFixture('azure-pipelines')).toMatchObject({ kind: 'ci', ciKind: 'azure-pipelines', job: 'Job' });
    expect(entryOfFixture('bitbucket-pipelines')).toMatchObject({ kind: 'ci', ciKind: 'bitbucket-pipelines', job: 'step 2', label: 'bitbucket-pipelines.yml step 2' });
  });
});

describe('Travis CI', () => {
  it('exports env: global, stops at a failing install command, runs every script command', () => {
    const ok = runHere(travisSteps('language: minimal\nenv:\n  global:\n    - NAME=lantern\nscript:\n  - echo "one $NAME"\n  - false\n  - echo two\nafter_success:\n  - echo never\n', 'default'));
    expect(ok.code).toBe(1);
    expect(ok.out).toBe('one lantern\ntwo\n');
    const install = runHere(travisSteps('language: minimal\ninstall:\n  - (exit 3)\n  - echo after\nscript: echo script\n', 'default'));
    expect(install).toMatchObject({ code: 3, out: '' });
  });

  it('carries a cd on, does not stop inside a multi-line item, and ignores after_success failures', () => {
    const r = runHere(travisSteps('language: generic\nbefore_script:\n  - mkdir sub && cd sub\nscript:\n  - |\n    false\n    pwd\nafter_success:\n  - false\n  - echo done\n', 'default'));
    expect(r.code).toBe(0);
    expect(r.out).toBe(`${fs.realpathSync(r.dir)}/sub\ndone\n`);
  });

  it('runs after_script last, in the same shell, its failures ignored', () => {
    const r = runHere(travisSteps('language: minimal\nscript:\n  - mkdir sub && cd sub\nafter_success:\n  - echo success\nafter_script:\n  - false\n  - basename "$PWD"\n', 'default'));
    expect(r.code).toBe(0);
    expect(r.out).toBe('success\nsub\n');
  });

  it('cannot run secrets, an env matrix, a language default or Windows here', () => {
    expect(travisSteps('language: minimal\nenv:\n  global:\n    - secure: abc\nscript: true\n', 'default')).toEqual({ none: expect.stringMatching(/encrypted/) });
    expect(travisSteps('language: minimal\nenv:\n  - A=1\n  - A=2\nscript: true\n', 'default')).toEqual({ none: expect.stringMatching(/matrix makes 2 jobs/) });
    expect(travisSteps('language: go\nscript: true\n', 'default')).toEqual({ none: expect.stringMatching(/default install of language: go/) });
    expect(travisSteps('os: windows\nlanguage: minimal\nscript: true\n', 'default')).toEqual({ none: expect.stringMatching(/Windows/) });
  });
});

describe('CircleCI', () => {
  it('runs each run: step in bash -eo pipefail, in its working directory, with environment:', () => {
    const list = steps(circleSteps(fs.readFileSync(path.join(FIXTURES, 'circleci', 'before', '.circleci/config.yml'), 'utf8'), 'image'));
    expect(list.map((s) => s.argv.slice(0, 4))).toEqual(Array(3).fill(['/bin/bash', '-eo', 'pipefail', '-c']));
    expect(list[0]!.env['IMAGE']).toBe('example/beacon');
    const r = runHere(circleSteps('jobs:\n  j:\n    working_directory: ~/app\n    steps:\n      - checkout\n      - run: mkdir -p web\n      - run:\n          command: pwd; false; echo no\n          working_directory: ~/app/web\n      - run: echo never\n', 'j'));
    expect(r.code).toBe(1);
    expect(r.out).toBe(`${fs.realpathSync(r.dir)}/web\n`);
  });

  it('cannot run orb commands, workspaces, parameters or other shells here', () => {
    const job = (step: string) => `jobs:\n  j:\n    steps:\n      - ${step}\n`;
    expect(circleSteps(job('node/install'), 'j')).toEqual({ none: expect.stringMatching(/runs node\/install/) });
    expect(circleSteps(job('attach_workspace: { at: . }'), 'j')).toEqual({ none: expect.stringMatching(/attach_workspace/) });
    expect(circleSteps(job('run: docker build -t << parameters.tag >> .'), 'j')).toEqual({ none: expect.stringMatching(/parameters/) });
    expect(circleSteps(job('run: { command: x, shell: pwsh }'), 'j')).toEqual({ none: expect.stringMatching(/runs in pwsh/) });
  });

  it('reads a job\'s keys through a YAML merge (`<<: *defaults`), as CircleCI does', () => {
    const list = steps(circleSteps('defaults: &defaults\n  environment:\n    BIN: /out/app\njobs:\n  j:\n    <<: *defaults\n    steps:\n      - run: echo "$BIN"\n', 'j'));
    expect(list[0]!.env['BIN']).toBe('/out/app');
  });
});

describe('Azure Pipelines', () => {
  it('replaces macros, puts variables in the environment, runs each step without -e in its folder', () => {
    const text = 'variables:\n  tag: v1\nsteps:\n  - checkout: self\n  - bash: mkdir -p web\n  - script: |\n      false\n      echo "$(tag) $TAG $(Build.SourcesDirectory)"\n      pwd\n    workingDirectory: $(Build.SourcesDirectory)/web\n';
    const list = steps(azureSteps(text, 'Job', '/src/repo'));
    expect(list[1]!.argv).toEqual(['bash', '--noprofile', '--norc', '-c', 'false\necho "v1 $TAG /src/repo"\npwd\n']);
    expect(list[1]!).toMatchObject({ cwd: 'web', env: { TAG: 'v1' } });
    const r = runHere(azureSteps(text, 'Job', '/src/repo'));
    expect(r).toMatchObject({ code: 0, out: `v1 v1 /src/repo\n${fs.realpathSync(r.dir)}/web\n` });
  });

  it('gives what Azure fixes for the run one made-up value, as a macro and in the environment; not Build.BuildNumber', () => {
    const list = steps(azureSteps('steps:\n  - bash: docker build -t b:$(Build.SourceVersion) .\n  - bash: docker create b:$BUILD_SOURCEVERSION\n', 'Job', '/r'));
    const sha = list[1]!.env['BUILD_SOURCEVERSION']!;
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(list[0]!.argv.at(-1)).toBe(`docker build -t b:${sha} .`);
    expect(azureSteps('steps:\n  - bash: echo $(Build.BuildNumber)\n', 'Job', '/r')).toEqual({ none: expect.stringMatching(/Build\.BuildNumber/) });
  });

  it('names jobs in stages STAGE.JOB, and cannot run tasks, groups or conditions here', () => {
    const staged = 'stages:\n  - stage: build\n    jobs:\n      - job: image\n        pool: { vmImage: ubuntu-latest }\n        steps:\n          - bash: echo hi\n';
    expect(steps(azureSteps(staged, 'build.image', '/r'))).toHaveLength(1);
    expect(azureSteps('steps:\n  - task: Docker@2\n', 'Job', '/r')).toEqual({ none: expect.stringMatching(/runs task/) });
    expect(azureSteps('variables:\n  - group: secrets\nsteps:\n  - bash: echo $(token)\n', 'Job', '/r')).toEqual({ none: expect.stringMatching(/\$\(token\)/) });
    expect(azureSteps('steps:\n  - bash: echo\n    condition: always()\n', 'Job', '/r')).toEqual({ none: expect.stringMatching(/condition/) });
    expect(azureSteps('pool: { vmImage: windows-latest }\nsteps:\n  - script: echo\n', 'Job', '/r')).toEqual({ none: expect.stringMatching(/not Linux or macOS/) });
  });
});

describe('Bitbucket Pipelines', () => {
  it('runs a step\'s script items in one shell under set -e, stopping at the first failing line', () => {
    const text = fs.readFileSync(path.join(FIXTURES, 'bitbucket-pipelines', 'before', 'bitbucket-pipelines.yml'), 'utf8');
    expect(steps(bitbucketSteps(text, 'step 2'))[0]!.argv[2]).toMatch(/^export BITBUCKET_CLONE_DIR="\$PWD"\nset -e\ncd api\n/);
    const r = runHere(bitbucketSteps('pipelines:\n  default:\n    - step:\n        script:\n          - mkdir a && cd a\n          - pwd\n          - "(exit 4); pwd"\n          - echo never\n        after-script:\n          - echo after\n', 'step 1'));
    // Pipelines' own `set -e` stops inside a multi-line item too (the second pwd never runs)
    expect(r).toMatchObject({ code: 4, out: `${fs.realpathSync(r.dir)}/a\n` });
  });

  it('runs after-script from the clone, its failure not counted; cannot run pipes here', () => {
    const r = runHere(bitbucketSteps('pipelines:\n  default:\n    - step:\n        script:\n          - mkdir a && cd a\n        after-script:\n          - false\n          - pwd\n', 'step 1'));
    expect(r).toMatchObject({ code: 0, out: `${fs.realpathSync(r.dir)}\n` });
    expect(bitbucketSteps('pipelines:\n  default:\n    - step:\n        script:\n          - pipe: atlassian/aws-s3-deploy:1.1.0\n', 'step 1')).toEqual({ none: expect.stringMatching(/the pipe atlassian\/aws-s3-deploy/) });
  });
});
