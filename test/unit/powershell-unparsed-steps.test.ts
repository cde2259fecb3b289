/**
 * A PowerShell CI step tree-sitter-powershell cannot parse (`Compress-Archive -Path app,
 * README.md …`, valid PowerShell) still runs: it stands in its job as a program the tool does not
 * model (with docker in it, the job's setups refuse), never as no step at all
 * (src/analyze/hosts/ci-yaml.ts, src/analyze/hosts/azure-pipelines.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
const codes = (p: ReturnType<typeof planFiles>) => p.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const COMPILE = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name extract app:build', 'docker cp extract:/out/app ./app', 'docker rm extract'];
const ZIP = 'Compress-Archive -Path app, README.md -DestinationPath release.zip';
const github = (...steps: string[]) =>
  planFiles({
    ...DOCKERFILES,
    '.github/workflows/ci.yml': `name: ci\non: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        shell: pwsh\n    steps:\n      - uses: actions/checkout@v4\n${steps.map((s) => `      - run: |\n${s.split('\n').map((l) => `          ${l}\n`).join('')}`).join('')}`,
  });
const azure = (...steps: string[]) =>
  planFiles({
    ...DOCKERFILES,
    'azure-pipelines.yml': `pool:\n  vmImage: ubuntu-latest\nsteps:\n- checkout: self\n${steps.map((s) => `- pwsh: |\n${s.split('\n').map((l) => `    ${l}\n`).join('')}`).join('')}`,
  });

describe('a PowerShell step the grammar cannot parse', () => {
  it('GitHub Actions: after the extraction it may read the artifact, which an export build would keep, and PowerShell takes none: the setup refuses', () => {
    expect(codes(github(COMPILE.join('\n'), 'docker build -t app:latest .', ZIP))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(codes(github(COMPILE.join('\n'), 'docker build -t app:latest .'))).toEqual([['migrate']]);
  });

  it('Azure Pipelines: the same', () => {
    expect(codes(azure(COMPILE.join('\n'), 'docker build -t app:latest .', ZIP))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(codes(azure(COMPILE.join('\n'), 'docker build -t app:latest .'))).toEqual([['migrate']]);
  });

  it('with docker in it, refuses the setups of its job', () => {
    expect(codes(github(COMPILE.join('\n'), 'docker build -t app:latest .', `${ZIP}\ndocker push app:latest`))).toEqual([['refused', 'SHELL_NOT_READ']]);
    expect(codes(azure(COMPILE.join('\n'), 'docker build -t app:latest .', `${ZIP}\ndocker push app:latest`))).toEqual([['refused', 'SHELL_NOT_READ']]);
  });
});
