/**
 * Travis CI jobs and deploys: `jobs.include` entries are jobs of their own that inherit the
 * root's keys, a `provider: script` deploy is shell read after after_success, a deploy runs on
 * some builds only (never a pull request's, the master branch's unless `on:` says otherwise), and another provider that names a path may read
 * the artifact. Also how --verify names and runs such jobs.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { runRoot } from '../../src/pipeline.js';
import { entryOf } from '../../src/verify/entry.js';
import { travisSteps } from '../../src/verify/jobs/travis.js';
import { applied, planFiles } from '../support/plan.js';
import { FIXTURES } from '../support/tree.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n';
const BUILD = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app app', 'docker rm x'];
const FINAL = 'docker build -t app .';

type Plan = ReturnType<typeof planFiles>;
const statuses = (plan: Plan) => plan.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const files = (ci: string) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.travis.yml': ci });
const items = (indent: string, lines: string[]) => lines.map((l) => `${indent}- ${l}\n`).join('');

describe('Travis CI jobs.include', () => {
  it('an include job is read on its own: its script migrates, the root keeps its env', () => {
    const ci = `language: minimal\nenv:\n  global:\n    - TAG=app\njobs:\n  include:\n    - stage: test\n      script: echo test\n    - stage: image\n      script:\n${items('        ', [...BUILD, 'docker build -t "$TAG" .'])}`;
    const plan = planFiles(files(ci));
    expect(statuses(plan)).toEqual([['migrate', []]]);
    expect(applied(files(ci), plan)['.travis.yml']).toBe(`language: minimal\nenv:\n  global:\n    - TAG=app\njobs:\n  include:\n    - stage: test\n      script: echo test\n    - stage: image\n      script:\n        - docker build -t "$TAG" .\n`);
  });

  it('matrix.include is the same list', () => {
    const ci = `language: minimal\nmatrix:\n  include:\n    - script:\n${items('        ', [...BUILD, FINAL])}`;
    expect(statuses(planFiles(files(ci)))).toEqual([['migrate', []]]);
  });

  it('a setup never links across jobs: the builder in one job, the runtime build in another', () => {
    const ci = `language: minimal\njobs:\n  include:\n    - script:\n${items('        ', BUILD)}    - script:\n${items('        ', [FINAL])}`;
    const plan = planFiles(files(ci));
    expect(plan.changes).toEqual([]);
    expect(plan.setups.map((s) => s.status)).not.toContain('migrate');
  });

  it('a job inherits the root phases it does not set: the root script runs in the include job', () => {
    const ci = `language: minimal\nscript:\n${items('  ', [...BUILD, FINAL])}jobs:\n  include:\n    - stage: image\n      before_script: echo ready\n`;
    const plan = planFiles(files(ci));
    expect(statuses(plan)).toEqual([['migrate', []]]);
    expect(applied(files(ci), plan)['.travis.yml']).toBe(`language: minimal\nscript:\n  - ${FINAL}\njobs:\n  include:\n    - stage: image\n      before_script: echo ready\n`);
  });

  it('an inherited phase read in its place carries its cd into the job', () => {
    const ci = `language: minimal\nbefore_install:\n  - cd svc\njobs:\n  include:\n    - script:\n${items('        ', [...BUILD, FINAL])}`;
    const tree = { 'svc/Dockerfile.build': BUILDER, 'svc/Dockerfile': RUNTIME, '.travis.yml': ci };
    const plan = planFiles(tree);
    expect(statuses(plan)).toEqual([['migrate', []]]);
    expect(Object.keys(applied(tree, plan)).sort()).toEqual(['.travis.yml', 'svc/Dockerfile']);
  });

  it("a job's own phase after an inherited one that changed folder elsewhere is refused, not guessed", () => {
    const ci = `language: minimal\nbefore_install:\n  - cd svc\njobs:\n  include:\n    - script: echo one\n    - script:\n${items('        ', [...BUILD, FINAL])}`;
    const plan = planFiles({ 'svc/Dockerfile.build': BUILDER, 'svc/Dockerfile': RUNTIME, 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.travis.yml': ci });
    expect(plan.changes).toEqual([]);
    expect(statuses(plan)).toEqual([['refused', ['SHELL_NOT_READ']]]);
  });
});

describe('Travis CI deploy', () => {
  const deploy = (body: string) => `language: minimal\nscript:\n${items('  ', BUILD)}deploy:\n${body}`;

  it('a script deploy is shell after after_success, run on some builds only even without `on:` (never a pull request\'s, only the master branch\'s): a runtime build there is refused', () => {
    const ci = `${deploy(`  provider: script\n  script: ${FINAL}\n  skip_cleanup: true\n`)}after_success:\n  - echo ok\n`;
    const plan = planFiles(files(ci));
    expect(plan.changes).toEqual([]);
    expect(statuses(plan)).toEqual([['refused', ['CONDITIONAL_STEP']]]);
    expect(plan.setups[0]!.diagnostics.map((d) => d.message)).toContain(".travis.yml deploy runs only on the builds Travis deploys from (never a pull request's, and only the master branch's where no `on:` says otherwise); the setup's steps there do not run on every build, and the merged build would run them there");
    // before_deploy runs only when deploying too
    const before = `language: minimal\nscript:\n${items('  ', BUILD)}before_deploy:\n  - ${FINAL}\ndeploy:\n  provider: script\n  script: docker push app\n`;
    expect(statuses(planFiles(files(before)))).toEqual([['refused', ['CONDITIONAL_STEP']]]);
  });

  it('a deploy without `on:` that only uses the final image is kept and does not block the migration', () => {
    const ci = `language: minimal\nscript:\n${items('  ', [...BUILD, FINAL])}deploy:\n  provider: script\n  script: docker push app\n`;
    const plan = planFiles(files(ci));
    expect(statuses(plan)).toEqual([['migrate', []]]);
    expect(applied(files(ci), plan)['.travis.yml']).toBe('language: minimal\nscript:\n  - docker build -t app .\ndeploy:\n  provider: script\n  script: docker push app\n');
  });

  it('a deploy with on: conditions runs on some builds only: a setup with a step there is refused', () => {
    const plan = planFiles(files(deploy(`  - provider: script\n    script: ${FINAL}\n    on:\n      branch: master\n`)));
    expect(plan.changes).toEqual([]);
    expect(statuses(plan)).toEqual([['refused', ['CONDITIONAL_STEP']]]);
  });

  it('a conditional deploy that only uses the final image is kept and does not block the migration', () => {
    const ci = `language: minimal\nscript:\n${items('  ', [...BUILD, FINAL])}deploy:\n  provider: script\n  script: docker push app\n  on:\n    tags: true\n`;
    const plan = planFiles(files(ci));
    expect(statuses(plan)).toEqual([['migrate', []]]);
    expect(applied(files(ci), plan)['.travis.yml']).toContain('script: docker push app\n  on:\n');
  });

  it('another provider that names a path may read the artifact: the job is refused', () => {
    const ci = `language: minimal\nscript:\n${items('  ', [...BUILD, FINAL])}deploy:\n  provider: releases\n  file: app\n  skip_cleanup: true\n`;
    const plan = planFiles(files(ci));
    expect(plan.changes).toEqual([]);
    expect(statuses(plan)).toEqual([['refused', ['SHELL_NOT_READ']]]);
  });

  it('another provider that names no path, run after its cleanup (`git stash --all`), is not a consumer', () => {
    const ci = `language: minimal\nscript:\n${items('  ', [...BUILD, FINAL])}deploy:\n  provider: heroku\n  app: demo\n`;
    expect(statuses(planFiles(files(ci)))).toEqual([['migrate', []]]);
    // dpl v2 cleans when told to
    expect(statuses(planFiles(files(`${ci}  edge: true\n  cleanup: true\n`)))).toEqual([['migrate', []]]);
  });

  it('a provider that names no path and skips the cleanup reads the folder as the job left it (S3 uploads the current folder): the job is refused', () => {
    const ci = (extra: string) => `language: minimal\nscript:\n${items('  ', [...BUILD, FINAL])}deploy:\n  provider: s3\n  bucket: builds\n${extra}`;
    for (const extra of ['  skip_cleanup: true\n', '  cleanup: false\n', '  edge: true\n']) {
      const plan = planFiles(files(ci(extra)));
      expect(plan.changes).toEqual([]);
      expect(statuses(plan)).toEqual([['refused', ['SHELL_NOT_READ']]]);
    }
    expect(planFiles(files(ci('  skip_cleanup: true\n'))).setups[0]!.diagnostics.map((d) => d.message)).toContain(".travis.yml deploy (provider s3) runs without cleaning the build's folder first (`skip_cleanup: true`), and the provider reads files from it, from the current folder where it names none; it may read the artifact, which the tool does not follow");
  });
});

describe('Travis CI artifacts addon', () => {
  it('uploads every untracked file after the job: the extracted file is used on the host, and no export build gives back exactly that (ARTIFACT_USED_ON_HOST)', () => {
    const ci = (addon: string) => `language: minimal\naddons:\n  artifacts:${addon}\nscript:\n${items('  ', [...BUILD, FINAL])}`;
    for (const addon of [' true', '\n    s3_region: us-west-1', '\n    paths:\n      - logs']) {
      const plan = planFiles(files(ci(addon)));
      expect(plan.changes).toEqual([]);
      expect(statuses(plan)).toEqual([['refused', ['ARTIFACT_USED_ON_HOST']]]);
    }
    expect(statuses(planFiles(files(ci(' false'))))).toEqual([['migrate', []]]);
  });
});

describe('--verify and Travis CI jobs', () => {
  it('names the include job of the fixture that runs both builds', () => {
    const run = runRoot(path.join(FIXTURES, 'travis-jobs-deploy', 'before'), { stageName: 'builder' });
    expect(entryOf(run.analysis.setups[0]!, run.analysis, run.fs)).toMatchObject({ kind: 'ci', ciKind: 'travis-ci', job: 'include 2', label: '.travis.yml job include 2' });
  });

  const bash = (ci: string, job: string) => {
    const s = travisSteps(ci, job);
    if ('none' in s) throw new Error(s.none);
    const r = spawnSync(s[0]!.argv[0]!, s[0]!.argv.slice(1), { env: { PATH: process.env['PATH'] }, encoding: 'utf8' });
    return { code: r.status, out: r.stdout };
  };

  it('an include job inherits root phases and env, adds its own, and runs its unconditional script deploys', () => {
    const ci = 'language: minimal\nenv:\n  global:\n    - A=root\nbefore_script: echo "before $A"\njobs:\n  include:\n    - env: B=own\n      script: echo "script $B"\n      before_deploy: echo pre\n      deploy:\n        - provider: script\n          script: echo "deploy $A $B"\n        - provider: script\n          script: echo never\n          on:\n            branch: release\n';
    expect(bash(ci, 'include 1')).toEqual({ code: 0, out: 'before root\nscript own\npre\ndeploy root own\n' });
    expect(travisSteps(ci, 'default')).toEqual({ none: expect.stringMatching(/no such job/) });
  });

  it("a phase left without a value runs a language's default, which only Travis CI knows: not run here", () => {
    expect(travisSteps('language: node_js\ninstall:\nscript:\n  - echo ok\n', 'default')).toEqual({ none: expect.stringContaining('it runs the default install of language: node_js') });
    expect(travisSteps('language: minimal\ninstall:\nscript:\n  - echo ok\n', 'default')).not.toHaveProperty('none');
  });

  it('a failing deploy fails the job', () => {
    expect(bash('language: minimal\nscript: true\ndeploy:\n  provider: script\n  script: (exit 4)\nafter_deploy: echo after\n', 'default').code).toBe(4);
  });
});

describe('Travis CI phases that stop the job', () => {
  const job = (phases: Record<string, string[]>) => `language: minimal\n${Object.entries(phases).map(([k, v]) => `${k}:\n${items('  ', v)}`).join('')}`;

  it('a builder build in before_script ended the job when it failed; a runtime build in script with commands after it lets them run: refused', () => {
    const plan = planFiles(files(job({ before_script: BUILD, script: [FINAL, 'echo done'] })));
    expect(plan.changes).toEqual([]);
    expect(statuses(plan)).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(plan.setups[0]!.diagnostics.map((d) => d.message)).toContain('the builder build `docker build -t app:build -f Dockerfile.build .` (line 3) ends the job when it fails (.travis.yml before_script: the job errors and stops), and `docker build -t app .` runs where the job goes on past a failure: merged, the compile runs in the runtime build, and a failing compile would now run `echo done` (line 9) and what follows, which the old job never reached');
    // install and before_install too, and after_failure counts as a command after it
    expect(statuses(planFiles(files(job({ install: BUILD, script: [FINAL], after_failure: ['echo failed'] }))))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
  });

  it('migrates where the runtime build stops the job too (a stopping phase), or ends it', () => {
    expect(statuses(planFiles(files(job({ before_install: BUILD, before_script: [FINAL], script: ['echo done'] }))))).toEqual([['migrate', []]]);
    expect(statuses(planFiles(files(job({ before_script: [...BUILD, FINAL], script: ['echo done'] }))))).toEqual([['migrate', []]]);
    expect(statuses(planFiles(files(job({ before_script: BUILD, script: [FINAL] }))))).toEqual([['migrate', []]]);
    expect(statuses(planFiles(files(job({ script: [...BUILD, FINAL, 'echo done'] }))))).toEqual([['migrate', []]]);
    // what runs only after success (after_success, the deploy) is not reached after a failure either
    expect(statuses(planFiles(files(job({ before_script: BUILD, script: [FINAL], after_success: ['echo built'] }))))).toEqual([['migrate', []]]);
  });
});

describe('Travis CI before_cache', () => {
  it('runs only where the cache is stored: a setup with a step there is refused (CONDITIONAL_STEP)', () => {
    const ci = `language: minimal\ncache:\n  directories:\n    - vendor\nscript:\n${items('  ', BUILD)}before_cache:\n${items('  ', [FINAL])}`;
    const plan = planFiles(files(ci));
    expect(plan.changes).toEqual([]);
    expect(statuses(plan)).toEqual([['refused', ['CONDITIONAL_STEP']]]);
    expect(plan.setups[0]!.diagnostics.map((d) => d.message)).toContain(".travis.yml before_cache runs only where the job's cache is stored (a `cache:` key; Travis stores only the caches of pushed builds); the setup's steps there do not run on every build, and the merged build would run them there");
  });
});
