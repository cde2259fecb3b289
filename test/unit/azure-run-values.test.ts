/**
 * What Azure Pipelines fixes for the run (`$(Build.SourceVersion)`, `$BUILD_BUILDID`…) is one
 * value in every step of a job (src/analyze/hosts/run-constants.ts AZURE_RUN_VARIABLES): a builder tagged with it
 * in one step is the image a later step names by the same text. Not `Build.BuildNumber` (a step
 * may change it), nor a name a step sets.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const files = (tag: string, between = '') => ({
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n',
  Dockerfile: 'FROM busybox:latest\nCOPY app /usr/local/bin/app\n',
  'azure-pipelines.yml': [
    'pool:',
    '  vmImage: ubuntu-latest',
    'steps:',
    `  - script: docker build -t app-builder:${tag} -f Dockerfile.build .`,
    ...(between ? [`  - script: ${between}`] : []),
    '  - script: |',
    `      docker create --name extract app-builder:${tag}`,
    '      docker cp extract:/out/app ./app',
    '      docker rm extract',
    '  - script: docker build -t app:latest .',
    '',
  ].join('\n'),
});
const statuses = (f: Record<string, string>) => planFiles(f).setups.map((s) => s.status);

describe('a builder tagged with a value Azure Pipelines fixes for the run, named in a later step', () => {
  it('migrates for the macro and the environment spelling, the builder build kept under its tag', () => {
    for (const tag of ['$(Build.SourceVersion)', '$BUILD_SOURCEVERSION', '$(Build.SourceBranchName)-$(Build.BuildId)']) {
      const f = files(tag);
      const plan = planFiles(f);
      expect(plan.setups.map((s) => s.status), tag).toEqual(['migrate']);
      expect(applied(f, plan)['azure-pipelines.yml']).toContain(`docker build --target builder -t app-builder:${tag} -f Dockerfile .`);
    }
  });

  it('does not follow Build.BuildNumber, or a name a step between sets', () => {
    expect(statuses(files('$(Build.BuildNumber)'))).not.toEqual(['migrate']);
    expect(statuses(files('$(Build.SourceVersion)', 'echo "##vso[task.setvariable variable=Build.SourceVersion]x"'))).not.toEqual(['migrate']);
  });
});
