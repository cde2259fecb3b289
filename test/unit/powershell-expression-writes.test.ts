/**
 * A PowerShell expression statement whose value goes to a file (`"DOCKER_HOST=…" >>
 * $env:GITHUB_ENV`, `"// generated" >> main.go`) writes that file as Out-File does: it is read as
 * `echo VALUE >> FILE`, so the checks see the write (src/analyze/hosts/powershell.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'main.go': 'package main\nfunc main() {}\n', 'Dockerfile.build': 'FROM golang:1.21\nWORKDIR /src\nCOPY main.go .\nRUN go build -o /out/app .\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
const codes = (p: ReturnType<typeof planFiles>) => p.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const COMPILE = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name extract app:build', 'docker cp extract:/out/app ./app', 'docker rm extract'];
const FINAL = 'docker build -t app:latest .';
const workflow = (between: string) =>
  planFiles({
    ...DOCKERFILES,
    '.github/workflows/ci.yml': `name: ci\non: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        shell: pwsh\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n${COMPILE.map((l) => `          ${l}\n`).join('')}      - run: |\n          ${between}\n      - run: ${FINAL}\n`,
  });

describe('a PowerShell expression sent to a file', () => {
  it('is a write of $GITHUB_ENV: a DOCKER_HOST set for the runtime build refuses', () => {
    expect(codes(workflow('"DOCKER_HOST=tcp://other:2375" >> $env:GITHUB_ENV'))).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(codes(workflow("'DOCKER_BUILDKIT=0' > $env:GITHUB_ENV"))).toEqual([['refused', 'STEP_ENV_WRITTEN']]);
    expect(codes(workflow('"LOG_LEVEL=debug" >> $env:GITHUB_ENV'))).toEqual([['migrate']]);
  });

  it('is a write of $GITHUB_PATH: a folder of the repository holding docker put first refuses', () => {
    const p = planFiles({ ...DOCKERFILES, 'tools/docker': '#!/bin/sh\nexec /usr/bin/docker "$@"\n', '.github/workflows/ci.yml': `name: ci\non: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    defaults:\n      run:\n        shell: pwsh\n    steps:\n      - uses: actions/checkout@v4\n      - run: |\n          "$env:GITHUB_WORKSPACE/tools" >> $env:GITHUB_PATH\n      - run: |\n${COMPILE.map((l) => `          ${l}\n`).join('')}      - run: ${FINAL}\n` });
    expect(codes(p)).toEqual([['refused', 'COMMAND_SHADOWED']]);
  });

  it('is a write of the file it names: a builder input written between the builds refuses', () => {
    const p = planFiles({ ...DOCKERFILES, 'build.ps1': [...COMPILE, '"// generated" >> main.go', FINAL, ''].join('\n') });
    expect(codes(p)).toEqual([['refused', 'BUILDER_INPUT_CHANGED']]);
  });
});
