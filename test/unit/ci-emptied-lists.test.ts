/**
 * Removing every item of a CI list leaves its key without a value (`script:` alone), and a step
 * removed whole leaves its anchor (`- &builder`): YAML reads both as null. The re-read of the
 * rewritten file (src/plan/emptied-yaml-keys.ts) refuses such an edit where the null changes what
 * the CI runs (GitLab and Bitbucket reject a null `script`, GitLab then runs the `default:`
 * `before_script`, Travis a language's default `install`), and lets it be where it does not.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';
import { emptiedYamlKey } from '../../src/plan/emptied-yaml-keys.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'main.go': 'package main\n',
};
const [BUILD, CREATE, CP, RM, FINAL] = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
const items = (indent: string, lines: string[]) => lines.map((l) => `${indent}- ${l}`).join('\n');
const outcome = (file: string, text: string) => {
  const plan = planFiles({ ...BASE, [file]: text });
  return [plan.setups.map((s) => s.status), plan.changes.length, plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.code === 'SCRIPT_REREAD_FAILED' || d.code === 'SHELL_NOT_READ').map((d) => d.message))[0] ?? ''] as const;
};

describe('an edit that empties a CI list', () => {
  const gitlabJob = `build:\n  image: docker:24\n  before_script:\n${items('    ', [BUILD])}\n  script:\n${items('    ', [CREATE, CP, RM, FINAL])}\n`;

  it('refuses a GitLab before_script the default one would then replace, and migrates one nothing replaces', () => {
    const withDefault = `default:\n  before_script:\n    - echo default\n${gitlabJob}`;
    const [status, changes, message] = outcome('.gitlab-ci.yml', withDefault);
    expect([status, changes]).toEqual([['refused'], 0]);
    expect(message).toContain("leaves `before_script:` without a value, which GitLab reads as never written: the job would then run the file's other `before_script`");
    expect(outcome('.gitlab-ci.yml', `include:\n  - local: ci/common.yml\n${gitlabJob.replace('  script:', '  after_script: []\n  artifacts:\n    paths: [build.log]\n  script:')}`)[2]).toContain('an included file may give it');
    // Nothing else in the file gives the job a before_script: the null one runs nothing, as the emptied list did.
    const files = { ...BASE, '.gitlab-ci.yml': gitlabJob };
    const plan = planFiles(files);
    expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
    expect(applied(files, plan)['.gitlab-ci.yml']).toBe(`build:\n  image: docker:24\n  before_script:\n  script:\n${items('    ', [FINAL])}\n`);
  });

  it('refuses a GitLab or Bitbucket script left without a value', () => {
    // (a plan empties `script:` only where the runtime build is in after_script, which is refused
    // before any edit, SCRIPT_EDIT_UNSAFE: the check is read on the edit itself)
    const gitlab = (script: string) => `build:\n  script:${script}\n  after_script:\n    - ${FINAL}\n`;
    expect(emptiedYamlKey('gitlab-ci', gitlab(`\n    - ${BUILD}`), gitlab(''))).toContain('leaves `script:` without a value (every item of its list goes), which the CI rejects');
    const bitbucket = (script: string) => `pipelines:\n  default:\n    - step:\n        script:${script}\n        after-script:\n          - ${FINAL}\n`;
    expect(emptiedYamlKey('bitbucket-pipelines', bitbucket(`\n          - ${BUILD}`), bitbucket(''))).toContain('leaves `script:` without a value');
    expect(emptiedYamlKey('gitlab-ci', gitlab(`\n    - echo a\n    - ${BUILD}`), gitlab('\n    - echo a'))).toBeNull();
    expect(outcome('.gitlab-ci.yml', gitlab(`\n${items('    ', [BUILD, CREATE, CP, RM])}`))[0]).toEqual(['refused']);
  });

  it("refuses a Travis install or script a language's default would replace, not one of a language without defaults", () => {
    const travis = (language: string) => `language: ${language}\nservices: [docker]\ninstall:\n${items('  ', [BUILD])}\nscript:\n${items('  ', [CREATE, CP, RM, FINAL])}\n`;
    const [status, changes, message] = outcome('.travis.yml', travis('node_js'));
    expect([status, changes]).toEqual([['refused'], 0]);
    expect(message).toContain('so Travis CI would run the default install phase of `language: node_js`');
    // no language: Travis's default is ruby
    expect(outcome('.travis.yml', travis('minimal').replace('language: minimal\n', ''))[2]).toContain('`language: ruby`');
    expect(outcome('.travis.yml', travis('minimal'))[0]).toEqual(['migrate']);
    // a phase without a default (before_install) runs nothing when null, as the emptied list did
    expect(outcome('.travis.yml', travis('node_js').replace('install:', 'before_install:').replace('script:', 'install:\n  - echo ready\nscript:'))[0]).toEqual(['migrate']);
  });

  it('edits a list that keeps an item as before', () => {
    const kept = `build:\n  image: docker:24\n  script:\n${items('    ', ['echo start', BUILD, CREATE, CP, RM, FINAL])}\n`;
    expect(outcome('.gitlab-ci.yml', kept)[0]).toEqual(['migrate']);
  });

  it('refuses removing a step that holds an anchor a kept step aliases (`env: &e` … `env: *e`)', () => {
    const wf = `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - env: &e\n          GREETING: hi\n        run: ${BUILD}\n      - run: |\n${[CREATE, CP, RM].map((l) => `          ${l}`).join('\n')}\n      - run: ${FINAL}\n      - env: *e\n        run: echo "$GREETING"\n`;
    const [status, changes, message] = outcome('.github/workflows/ci.yml', wf);
    expect([status, changes]).toEqual([['refused'], 0]);
    // (a workflow reusing YAML through an alias is not followed at all now: the re-read's own
    // check, `removes the anchor`, stays behind it for the files that reach it)
    expect(message).toMatch(/removes the anchor `&e`|reuses YAML through an alias \(`\*e`/);
  });

  it('refuses a GitHub step whose keys go while its anchor stays', () => {
    const wf = `on: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - &builder\n        name: builder\n        run: ${BUILD}\n      - run: |\n${[CREATE, CP, RM].map((l) => `          ${l}`).join('\n')}\n      - run: ${FINAL}\n  again:\n    runs-on: ubuntu-latest\n    steps:\n      - *builder\n`;
    const [status, , message] = outcome('.github/workflows/ci.yml', wf);
    expect(status).not.toContain('migrate');
    expect(message).toMatch(/leaves a list item without a value|reuses YAML through an alias \(`\*builder`/);
  });
});
