/**
 * GitLab `before_script`/`script` and Bitbucket `script` items the readers must not drop: lists
 * and items written as YAML aliases, `!reference` tags, lists a job gets through `extends:` or a
 * `<<:` merge key, `default:` lists `inherit:` turns off or a template replaces. A later command
 * there (`set +e` before the build in the container, `sha256sum out/heron` after the runtime
 * build) decides the migration; an item the tool cannot resolve refuses the job's setups.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY out/heron /usr/local/bin/heron\nENTRYPOINT ["heron"]\n',
  'main.go': 'package main\n\nfunc main() {}\n',
};
const BUILD = ['docker build -t heron-toolchain -f Dockerfile.build .', 'mkdir -p out', 'docker run --rm -v "$PWD/out:/out" heron-toolchain go build -o /out/heron .', 'docker build -t "example/heron:latest" .'];
const steps = (indent: string) => BUILD.map((c) => `${indent}- ${c.includes('"') || c.includes(':') ? `'${c}'` : c}`);

function outcome(files: Record<string, string>) {
  const all = { ...BASE, ...files };
  const plan = planFiles(all);
  expect(plan.setups).toHaveLength(1);
  const errors = plan.setups[0]!.diagnostics.filter((d) => d.severity === 'error');
  return { codes: errors.map((d) => d.code), errors, exported: /^FROM scratch AS export$/m.test(applied(all, plan)['Dockerfile'] ?? '') };
}
const gl = (...lines: string[]) => ({ '.gitlab-ci.yml': [...lines, ''].join('\n') });

describe('GitLab script items that reach the job another way', () => {
  it('reads a `!reference` item after the runtime build: the artifact stays on the host', () => {
    const r = outcome(gl('.publish:', '  script:', '    - sha256sum out/heron > heron.sha256', 'build-image:', '  script:', ...steps('    '), '    - !reference [.publish, script]'));
    expect(r.codes).toEqual([]);
    expect(r.exported).toBe(true);
  });

  it('reads an alias item to a list (GitLab flattens the nested list): the artifact stays on the host', () => {
    const r = outcome(gl('.publish: &publish', '  - sha256sum out/heron > heron.sha256', 'build-image:', '  script:', ...steps('    '), '    - *publish'));
    expect(r.codes).toEqual([]);
    expect(r.exported).toBe(true);
  });

  it('reads the before_script of a template the job extends', () => {
    const r = outcome(gl('.base:', '  before_script:', '    - set +e', 'build-image:', '  extends: .base', '  script:', ...steps('    ')));
    expect(r.codes).toEqual(['BUILD_AT_RUN_TIME']);
  });

  it('reads a before_script written as an alias of a list', () => {
    const r = outcome(gl('.setup: &setup', '  - set +e', 'build-image:', '  before_script: *setup', '  script:', ...steps('    ')));
    expect(r.codes).toEqual(['BUILD_AT_RUN_TIME']);
  });

  it('reads a before_script a `<<:` merge key gives', () => {
    const r = outcome(gl('.base: &base', '  before_script:', '    - set +e', 'build-image:', '  <<: *base', '  script:', ...steps('    ')));
    expect(r.codes).toEqual(['BUILD_AT_RUN_TIME']);
  });

  it('reads a `!reference` item before the build', () => {
    const r = outcome(gl('.setup:', '  script:', '    - set +e', 'build-image:', '  script:', '    - !reference [.setup, script]', ...steps('    ')));
    expect(r.codes).toEqual(['BUILD_AT_RUN_TIME']);
  });

  it('follows `!reference` tags that nest', () => {
    const r = outcome(gl('.a:', '  script:', '    - set +e', '.b:', '  script:', '    - !reference [.a, script]', 'build-image:', '  script:', '    - !reference [.b, script]', ...steps('    ')));
    expect(r.codes).toEqual(['BUILD_AT_RUN_TIME']);
  });

  it('does not run the default before_script in a job whose `inherit: default: false` turns it off', () => {
    const r = outcome(gl('default:', '  before_script:', '    - set +e', 'build-image:', '  inherit:', '    default: false', '  script:', ...steps('    ')));
    expect(r.codes).toEqual([]);
  });

  it('does not run the default before_script when `inherit: default:` lists other keys only', () => {
    const r = outcome(gl('default:', '  before_script:', '    - set +e', 'build-image:', '  inherit:', '    default: [image]', '  script:', ...steps('    ')));
    expect(r.codes).toEqual([]);
  });

  it('runs the before_script of the template the job extends, not the default one', () => {
    const r = outcome(gl('default:', '  before_script:', '    - set +e', '.strict:', '  before_script:', '    - echo strict', 'build-image:', '  extends: .strict', '  script:', ...steps('    ')));
    expect(r.codes).toEqual([]);
  });

  it('still runs the default before_script in a job with none of its own', () => {
    const r = outcome(gl('default:', '  before_script:', '    - set +e', 'build-image:', '  script:', ...steps('    ')));
    expect(r.codes).toEqual(['BUILD_AT_RUN_TIME']);
  });

  it('refuses a job with a `!reference` to a job the file does not hold, naming the item', () => {
    const r = outcome(gl('include:', '  - local: /ci/common.yml', 'build-image:', '  after_script: []', '  script:', '    - !reference [.setup, script]', ...steps('    ')));
    expect(r.codes).toEqual(['SHELL_NOT_READ']);
    expect(r.errors[0]!.line).toBe(6);
    expect(r.errors[0]!.message).toMatch(/job build-image has a `!reference \[\.setup, script\]` in its script that is not in this file/);
  });

  it('refuses a job that extends a template the file does not hold, which may give it a before_script', () => {
    const r = outcome(gl('include:', '  - local: /ci/common.yml', 'build-image:', '  extends: .from-include', '  script:', ...steps('    ')));
    expect(r.errors.map((d) => d.message)).toContainEqual(expect.stringMatching(/extends `\.from-include`, which is not in this file .* so its before_script is not known/));
  });

  it('refuses a job with an alias item to a map, or an item of a tag the tool does not read', () => {
    const map = outcome(gl('.vars: &vars', '  A: b', 'build-image:', '  script:', '    - *vars', ...steps('    ')));
    expect(map.codes).toEqual(['SHELL_NOT_READ']);
    expect(map.errors[0]!.message).toMatch(/job build-image has a script that is neither a command nor a list of commands/);
    const tag = outcome(gl('build-image:', '  script:', '    - !secret set +e', ...steps('    ')));
    expect(tag.codes).toEqual(['SHELL_NOT_READ']);
    expect(tag.errors[0]!.message).toMatch(/tagged `!secret`/);
  });

  it('refuses `!reference` tags nested deeper than GitLab follows', () => {
    const chain = Array.from({ length: 11 }, (_, i) => [`.r${i}:`, '  script:', i === 0 ? '    - set +e' : `    - !reference [.r${i - 1}, script]`]).flat();
    const r = outcome(gl(...chain, 'build-image:', '  script:', '    - !reference [.r10, script]', ...steps('    ')));
    expect(r.codes).toEqual(['SHELL_NOT_READ']);
    expect(r.errors[0]!.message).toMatch(/deeper than the 10 levels/);
  });

  it('refuses to edit a docker command a template gives the job (its text is shared)', () => {
    const r = outcome(gl('.build:', '  script:', ...steps('    '), 'build-image:', '  extends: .build'));
    expect(r.codes).toContain('SHARED_CI_SCRIPT');
  });
});

describe('Bitbucket script items written as aliases', () => {
  const bb = (defs: string[], items: string[]) => ({ 'bitbucket-pipelines.yml': [...defs, 'pipelines:', '  default:', '    - step:', '        services: [docker]', '        script:', ...items, ...steps('          '), ''].join('\n') });

  it('reads an alias of a string', () => {
    const r = outcome(bb(['definitions:', '  scripts:', '    - &relax set +e'], ['          - *relax']));
    expect(r.codes).toEqual(['BUILD_AT_RUN_TIME']);
  });

  it('refuses a step with an alias item that is no command string, naming it', () => {
    const r = outcome(bb(['definitions:', '  scripts: &many', '    - set +e'], ['          - *many']));
    expect(r.codes).toEqual(['SHELL_NOT_READ']);
    expect(r.errors[0]!.message).toMatch(/the item `\*many` is no command string/);
    expect(r.errors[0]!.line).toBe(9);
  });
});

describe('Bitbucket pipes', () => {
  const bb = (before: string[], after: string[]) => ({ 'bitbucket-pipelines.yml': ['pipelines:', '  default:', '    - step:', '        services: [docker]', '        script:', ...before, ...steps('          '), ...after, ''].join('\n') });
  const upload = ['          - pipe: atlassian/aws-s3-deploy:1.1.0', '            variables:', '              S3_BUCKET: releases', '              LOCAL_PATH: out'];

  it('keeps the artifact on the host for a pipe after the runtime build, which runs from the clone and may upload it', () => {
    // (the docker service builds with the legacy builder, which cannot export, unless DOCKER_BUILDKIT=1)
    const r = outcome(bb(['          - export DOCKER_BUILDKIT=1'], upload));
    expect(r.codes).toEqual([]);
    expect(r.exported).toBe(true);
  });

  it('lets a pipe before the builder build be (the merged build still runs after it)', () => {
    const r = outcome(bb(['          - pipe: atlassian/slack-notify:2.0.0', '            variables:', '              MESSAGE: building'], []));
    expect(r).toEqual({ codes: [], errors: [], exported: false });
  });

  it('refuses a step with a map item that is no pipe', () => {
    const r = outcome(bb(['          - step-name: odd'], []));
    expect(r.codes).toEqual(['SHELL_NOT_READ']);
    expect(r.errors[0]!.message).toMatch(/an item is a map the tool does not read/);
  });
});
