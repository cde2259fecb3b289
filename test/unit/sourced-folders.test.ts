/**
 * A file sourced in the shell the setup's later steps run in may move that shell
 * (src/analyze/sourced-folders.ts); one sourced in another shell, an earlier CI step, cannot:
 * each step starts a shell of its own in its own folder.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const base = {
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
  'ci/env.sh': 'cd services\nexport MODE=ci\n',
  'ci/env.ps1': 'Set-Location services\n',
};
const setupLines = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
const workflow = (steps: string[][]) =>
  ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - uses: actions/checkout@v4', ...steps.flatMap((lines) => ['      - run: |', ...lines.map((l) => `          ${l}`)]), ''].join('\n');
const codes = (files: Record<string, string>) => planFiles(files).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);

describe('a file sourced before the setup', () => {
  it('refuses when it is sourced in the shell of the setup\'s later steps and moves it', () => {
    const files = { ...base, '.github/workflows/ci.yml': workflow([[...setupLines.slice(0, 2), '. ./ci/env.sh', ...setupLines.slice(2)]]) };
    expect(codes(files)).toEqual([['refused', 'DYNAMIC_BUILD_INPUT']]);
  });

  it('is no concern in an earlier GitHub step: the next step starts in the workspace again', () => {
    const files = { ...base, '.github/workflows/ci.yml': workflow([['. ./ci/env.sh'], setupLines]) };
    expect(codes(files)).toEqual([['migrate']]);
  });

  it('is no concern in an earlier Azure Pipelines step, whether a shell sources it or a PowerShell step runs a script it cannot read', () => {
    const steps = (first: string) => ['pool:', '  vmImage: ubuntu-latest', 'steps:', `  - ${first}`, '  - script: |', ...setupLines.map((l) => `      ${l}`), ''].join('\n');
    expect(codes({ ...base, 'azure-pipelines.yml': steps('script: . ./ci/env.sh') })).toEqual([['migrate']]);
    expect(codes({ ...base, 'azure-pipelines.yml': steps('pwsh: ./ci/missing.ps1') })).toEqual([['migrate']]);
  });
});
