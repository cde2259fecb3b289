/**
 * A GitLab job that does not clean the runner's folder before its script (`GIT_STRATEGY: none`,
 * GIT_CLEAN_FLAGS that keep files) finds what an earlier job left there: a file the setup's job
 * extracted is still needed on the host for it (src/analyze/hosts/gitlab-git-strategy.ts).
 */
import { describe, expect, it } from 'vitest';
import { findsEarlierFiles } from '../../src/analyze/hosts/gitlab-git-strategy.js';
import { applied, planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
};
const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app app', 'docker rm x', 'docker build -t app:latest .'];
const ci = (smokeVars: string, head = '') => `${head}stages: [build, test]\nbuild:\n  stage: build\n  script:\n${STEPS.map((l) => `    - ${l}`).join('\n')}\nsmoke:\n  stage: test\n${smokeVars}  script:\n    - ./app --version\n`;
const exported = (text: string) => {
  const files = { ...BASE, '.gitlab-ci.yml': text };
  const plan = planFiles(files);
  expect(plan.setups.map((s) => s.status)).toEqual(['migrate']);
  return /AS export/.test(applied(files, plan)['Dockerfile']!);
};

describe('a GitLab job reusing the runner\'s folder', () => {
  it('reads which variables leave an earlier job\'s files in the folder', () => {
    const finds = (vars: Record<string, string | null>) => findsEarlierFiles(new Map(Object.entries(vars)));
    expect([finds({}), finds({ GIT_STRATEGY: 'fetch' }), finds({ GIT_STRATEGY: 'clone' }), finds({ GIT_CLEAN_FLAGS: '-ffdx' }), finds({ GIT_CLEAN_FLAGS: '-fdxq' })]).toEqual([false, false, false, false, false]);
    expect([finds({ GIT_STRATEGY: 'none' }), finds({ GIT_STRATEGY: null }), finds({ GIT_CLEAN_FLAGS: 'none' }), finds({ GIT_CLEAN_FLAGS: '-ffd' }), finds({ GIT_CLEAN_FLAGS: '-ffdx -e app' }), finds({ GIT_CLEAN_FLAGS: null })]).toEqual([true, true, true, true, true, true]);
  });

  it('a later job with `GIT_STRATEGY: none` (or GIT_CLEAN_FLAGS: none, also given file-wide) running the artifact keeps it on the host (export stage)', () => {
    expect(exported(ci('  variables:\n    GIT_STRATEGY: none\n'))).toBe(true);
    expect(exported(ci('  variables:\n    GIT_CLEAN_FLAGS: none\n'))).toBe(true);
    expect(exported(ci('', 'variables:\n  GIT_STRATEGY: none\n'))).toBe(true);
  });

  it('a later job that fetches and cleans (the default) finds nothing: no export', () => {
    expect(exported(ci(''))).toBe(false);
    expect(exported(ci('  variables:\n    GIT_STRATEGY: fetch\n    GIT_CLEAN_FLAGS: -ffdx\n'))).toBe(false);
  });

  it('a later such job reading a file a removed command wrote refuses (REMOVED_OUTPUT_USED)', () => {
    const text = ci('  variables:\n    GIT_STRATEGY: none\n').replace(' -f Dockerfile.build .\n', ' -f Dockerfile.build . > build.log 2>&1\n').replace('./app --version', 'grep -c Step build.log');
    const plan = planFiles({ ...BASE, '.gitlab-ci.yml': text });
    expect(plan.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))).toEqual(['REMOVED_OUTPUT_USED']);
  });
});
