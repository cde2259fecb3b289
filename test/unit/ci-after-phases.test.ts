/**
 * CI phases that run after a job's script, in the same job: GitLab `after_script` (the job's
 * own, through anchors and templates, or `default:`), Bitbucket `after-script`, Travis
 * `before_cache`, `after_failure` and `after_script`. They are read as later commands of the
 * job, so a use there keeps the artifact on the host (an export stage) or the builder build,
 * and what cannot be read refuses.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const BASE = { 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n' };
const SETUP = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];

function outcome(files: Record<string, string>) {
  const all = { ...BASE, ...files };
  const plan = planFiles(all);
  const errors = plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, line: d.line, message: d.message })));
  const out = applied(all, plan);
  return { errors, out, exported: /^FROM scratch AS export$/m.test(out['Dockerfile'] ?? ''), builderKept: (file: string) => (out[file] ?? '').includes('--target builder -t app:build') };
}

const gitlab = (job: string[], top: string[] = []) => [...top, 'image-job:', '  script:', ...SETUP.map((c) => `    - ${c}`), ...job, ''].join('\n');

describe('GitLab CI after_script', () => {
  it('keeps the artifact for the job\'s own after_script', () => {
    const r = outcome({ '.gitlab-ci.yml': gitlab(['  after_script:', '    - sha256sum app > SHA256SUMS']) });
    expect(r.errors).toEqual([]);
    expect(r.exported).toBe(true);
    expect(r.out['.gitlab-ci.yml']).toContain('    - docker build --target export --output type=local,dest=. -f Dockerfile .\n');
  });

  it('keeps the artifact for the default and the top-level after_script', () => {
    expect(outcome({ '.gitlab-ci.yml': gitlab([], ['default:', '  after_script:', '    - sha256sum app']) }).exported).toBe(true);
    expect(outcome({ '.gitlab-ci.yml': gitlab([], ['after_script:', '  - sha256sum app']) }).exported).toBe(true);
  });

  it('does not run the default after_script in a job that turns it off with inherit', () => {
    const r = outcome({ '.gitlab-ci.yml': gitlab(['  inherit:', '    default: false'], ['default:', '  after_script:', '    - sha256sum app']) });
    expect(r.errors).toEqual([]);
    expect(r.exported).toBe(false);
  });

  it('reads after_script from a template the job extends and from a merged anchor', () => {
    expect(outcome({ '.gitlab-ci.yml': gitlab(['  extends: .sums'], ['.sums:', '  after_script:', '    - sha256sum app']) }).exported).toBe(true);
    expect(outcome({ '.gitlab-ci.yml': gitlab(['  <<: *sums'], ['.sums: &sums', '  after_script:', '    - sha256sum app']) }).exported).toBe(true);
    expect(outcome({ '.gitlab-ci.yml': gitlab(['  after_script:', '    - !reference [.sums, after_script]'], ['.sums:', '  after_script:', '    - sha256sum app']) }).exported).toBe(true);
  });

  it('reads after_script in a shell of its own, from the project folder, not where the script ended', () => {
    const files = {
      'svc/Dockerfile.build': BUILDER,
      'svc/Dockerfile': RUNTIME,
      'svc/main.go': 'package main\n',
      '.gitlab-ci.yml': ['image-job:', '  script:', '    - cd svc', ...SETUP.map((c) => `    - ${c}`), '  after_script:', '    - sha256sum svc/app', ''].join('\n'),
    };
    const plan = planFiles(files);
    expect(plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'))).toEqual([]);
    expect(applied(files, plan)['svc/Dockerfile']).toMatch(/^FROM scratch AS export$/m);
  });

  it('keeps the builder build for an after_script that runs its image', () => {
    const r = outcome({ '.gitlab-ci.yml': gitlab(['  after_script:', '    - docker run --rm app:build ls /out']) });
    expect(r.errors).toEqual([]);
    expect(r.builderKept('.gitlab-ci.yml')).toBe(true);
  });

  it('refuses when the after_script comes from a template the file does not hold, naming the extends line', () => {
    const r = outcome({ '.gitlab-ci.yml': gitlab(['  extends: .from-include'], ['include:', '  - local: /ci/common.yml']) });
    // The template may give a before_script too (a `set +e`): that is not known either.
    expect(r.errors).toEqual([
      { code: 'SHELL_NOT_READ', line: 10, message: expect.stringMatching(/^\.gitlab-ci\.yml job image-job extends `\.from-include`, which is not in this file .* so its before_script is not known; the job runs it among the commands/) },
      { code: 'SHELL_NOT_READ', line: 10, message: expect.stringMatching(/^\.gitlab-ci\.yml job image-job extends `\.from-include`, which is not in this file .* so its after_script is not known; it runs after the job's script/) },
    ]);
  });
});

describe('Bitbucket Pipelines after-script', () => {
  it('keeps the artifact for a step\'s after-script', () => {
    // (the docker service builds with the legacy builder, which cannot export, unless DOCKER_BUILDKIT=1)
    const bb = ['pipelines:', '  default:', '    - step:', '        script:', '          - export DOCKER_BUILDKIT=1', ...SETUP.map((c) => `          - ${c}`), '        after-script:', '          - sha256sum app > SHA256SUMS', ''].join('\n');
    const r = outcome({ 'bitbucket-pipelines.yml': bb });
    expect(r.errors).toEqual([]);
    expect(r.exported).toBe(true);
  });
});

describe('Travis CI phases after the script', () => {
  // (a Travis machine's docker builds with the legacy builder, which cannot export, unless DOCKER_BUILDKIT=1)
  const BUILDKIT = ['env:', '  global:', '    - DOCKER_BUILDKIT=1'];
  const travis = (rest: string[]) => ['language: minimal', 'script:', ...SETUP.map((c) => `  - ${c}`), ...rest, ...BUILDKIT, ''].join('\n');

  it('keeps the artifact for after_script and before_cache', () => {
    expect(outcome({ '.travis.yml': travis(['after_script:', '  - ./app > smoke.log']) }).exported).toBe(true);
    expect(outcome({ '.travis.yml': travis(['cache:', '  directories: [vendor]', 'before_cache:', '  - cp app vendor/']) }).exported).toBe(true);
  });

  it('reads an item written as an alias, and refuses one that is no command string', () => {
    const text = (item: string) => ['language: minimal', '_smoke: &smoke ./app > smoke.log', '_list: &list [./app]', 'script:', ...SETUP.map((c) => `  - ${c}`), 'after_script:', `  - ${item}`, ...BUILDKIT, ''].join('\n');
    const read = outcome({ '.travis.yml': text('*smoke') });
    expect(read.errors).toEqual([]);
    expect(read.exported).toBe(true);
    expect(outcome({ '.travis.yml': text('*list') }).errors).toEqual([{ code: 'SHELL_NOT_READ', line: 11, message: expect.stringMatching(/after_script: the item `\*list` is no command string/) }]);
  });

  it('keeps the builder build for after_failure', () => {
    const r = outcome({ '.travis.yml': travis(['after_failure:', '  - docker run --rm app:build ls -l /out']) });
    expect(r.errors).toEqual([]);
    expect(r.builderKept('.travis.yml')).toBe(true);
  });

  it('refuses a setup with a step in after_failure, which runs only when the script failed', () => {
    const t = ['language: minimal', 'script:', ...SETUP.slice(0, 4).map((c) => `  - ${c}`), 'after_failure:', `  - ${SETUP[4]}`, ''].join('\n');
    expect(outcome({ '.travis.yml': t }).errors.map((e) => e.code)).toContain('CONDITIONAL_STEP');
  });

  it('refuses when after_success changes the folder after_failure would start in', () => {
    const r = outcome({ '.travis.yml': travis(['after_success:', '  - cd dist', 'after_failure:', '  - sha256sum app']) });
    expect(r.errors).toContainEqual({ code: 'SHELL_NOT_READ', line: 11, message: expect.stringMatching(/^\.travis\.yml after_failure runs in the shell the script left/) });
  });
});
