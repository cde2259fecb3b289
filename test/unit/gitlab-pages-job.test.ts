/**
 * A GitLab job named `pages` (the job whose `public` artifact GitLab Pages deploys) is a job like
 * any other, not a global keyword (src/analyze/hosts/ci-yaml.ts): its commands are read, it is a
 * caller of the scripts it runs, and it shares `default: before_script` with the other jobs.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = {
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && printf x > /out/app && printf docs > /out/index.html && chmod 755 /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'build.sh': '#!/bin/sh\nset -e\ndocker build -t app:build -f Dockerfile.build .\ndocker create --name x app:build\ndocker cp x:/out/app app\ndocker rm x\ndocker build -t app:latest .\n',
};
const plan = (ci: string) => planFiles({ ...FILES, '.gitlab-ci.yml': ci });
const errors = (ci: string) => plan(ci).setups.map((s) => [s.status, ...new Set(s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))]);
const calling = (job: string) => `${job}:\n  image: docker:24\n  script:\n    - ./build.sh\n    - mkdir -p public && cp app public/app\n  artifacts:\n    paths: [public]\n`;

describe('a GitLab job named pages', () => {
  it('is read as a caller of the script it runs, which then keeps app on the host', () => {
    for (const job of ['pages', 'release']) {
      const p = plan(calling(job));
      expect(p.setups.map((s) => s.status)).toEqual(['migrate']);
      expect(p.changes.find((c) => c.path === 'build.sh')?.after).toContain('--target export --output type=local');
    }
  });

  it('shares default: before_script with the other jobs', () => {
    const shared = (job: string) => `image: docker:24\ndefault:\n  before_script:\n    - docker build -t app:build -f Dockerfile.build .\nbuild:\n  script:\n    - docker create --name x app:build\n    - docker cp x:/out/app app\n    - docker rm x\n    - docker build -t app:latest .\n${job}:\n  script:\n    - mkdir -p public\n    - docker run --rm app:build cat /out/index.html > public/index.html\n  artifacts:\n    paths: [public]\n`;
    expect(errors(shared('docs'))[0]).toContain('SHARED_CI_SCRIPT');
    expect(errors(shared('pages'))[0]).toContain('SHARED_CI_SCRIPT');
  });
});
