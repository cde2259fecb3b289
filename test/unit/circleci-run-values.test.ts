/**
 * What CircleCI fixes for the run (`$CIRCLE_SHA1`, `$CIRCLE_BUILD_NUM`…) is one value in every
 * step of a job (src/analyze/hosts/circleci.ts RUN_CONSTANT): a builder tagged with it in one
 * step is the image a later step names by the same text. A step writing it to `$BASH_ENV` for
 * the later ones still refuses.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const files = (tag: string, between = '') => ({
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n',
  Dockerfile: 'FROM busybox:latest\nCOPY app /usr/local/bin/app\n',
  '.circleci/config.yml': [
    'version: 2.1',
    'jobs:',
    '  build:',
    '    docker:',
    '      - image: cimg/base:2024.01',
    '    steps:',
    '      - checkout',
    '      - setup_remote_docker',
    `      - run: docker build -t app-builder:${tag} -f Dockerfile.build .`,
    ...(between ? [`      - run: ${between}`] : []),
    '      - run: |',
    `          docker create --name extract app-builder:${tag}`,
    '          docker cp extract:/out/app ./app',
    '          docker rm extract',
    '      - run: docker build -t app:latest .',
    'workflows:',
    '  main:',
    '    jobs: [build]',
    '',
  ].join('\n'),
});

describe('a builder tagged with a value CircleCI fixes for the run, named in a later step', () => {
  it('migrates, the builder build kept under its tag', () => {
    for (const tag of ['$CIRCLE_SHA1', '${CIRCLE_BRANCH}-${CIRCLE_BUILD_NUM}']) {
      const f = files(tag);
      const plan = planFiles(f);
      expect(plan.setups.map((s) => s.status), tag).toEqual(['migrate']);
      expect(applied(f, plan)['.circleci/config.yml']).toContain(`docker build --target builder -t app-builder:${tag} -f Dockerfile .`);
    }
  });

  it('refuses where a step between writes the value to $BASH_ENV for the later steps', () => {
    const plan = planFiles(files('$CIRCLE_SHA1', `echo 'export CIRCLE_SHA1=other' >> "$BASH_ENV"`));
    expect(plan.setups.map((s) => s.status)).not.toEqual(['migrate']);
  });
});
