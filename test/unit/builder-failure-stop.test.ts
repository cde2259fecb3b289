/**
 * Merged, the compile fails the runtime build. Where the builder build's failure ended the run
 * (errexit, a `|| exit 1` or PowerShell `$LASTEXITCODE` guard after it, or it ended a CI step
 * whose failure fails the job), the runtime build's failure must end it too, or a failing compile
 * would leave a green run (src/plan/host-effects.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
const codes = (p: ReturnType<typeof planFiles>) => p.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const message = (p: ReturnType<typeof planFiles>) => p.setups[0]!.diagnostics.find((d) => d.code === 'SCRIPT_EDIT_UNSAFE')?.message ?? '';

const sh = (builderGuard: string, runtimeLine: string, after: string[]) =>
  planFiles({ ...DOCKERFILES, 'build.sh': ['#!/bin/sh', `docker build -t app:build -f Dockerfile.build .${builderGuard}`, 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', runtimeLine, ...after, ''].join('\n') });

describe('a shell script whose builder build is guarded by `|| exit 1`', () => {
  it('refuses a runtime build that more commands follow, with no errexit and no exit after it', () => {
    const p = sh(' || exit 1', 'docker build -t app:latest .', ['echo done']);
    expect(codes(p)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(message(p)).toContain('ends the run when it fails (the exit after it)');
  });

  it('migrates a runtime build that ends the script, or has its own exit', () => {
    expect(codes(sh(' || exit 1', 'docker build -t app:latest .', []))).toEqual([['migrate']]);
    expect(codes(sh(' || exit 1', 'docker build -t app:latest . || exit 1', ['echo done']))).toEqual([['migrate']]);
  });

  it('leaves an unguarded builder build alone: its failure never ended the run', () => {
    expect(codes(sh('', 'docker build -t app:latest .', ['echo done']))).toEqual([['migrate']]);
  });
});

const ps = (runtime: string[]) =>
  planFiles({ ...DOCKERFILES, 'build.ps1': ['docker build -t app:build -f Dockerfile.build .', 'if ($LASTEXITCODE -ne 0) { exit 1 }', 'docker create --name extract app:build', 'docker cp extract:/out/app ./app', 'docker rm extract', ...runtime, ''].join('\n') });

describe('a PowerShell script whose builder build is guarded by a $LASTEXITCODE check', () => {
  it('refuses an unguarded runtime build, even as the last statement: pwsh -File exits 0 unless the script calls exit', () => {
    const p = ps(['docker build -t app:latest .', 'Remove-Item ./app']);
    expect(codes(p)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(message(p)).toContain('a PowerShell script run as a file exits 0 unless it calls `exit`');
    expect(codes(ps(['docker build -t app:latest .']))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });

  it('migrates a runtime build with its own guard', () => {
    expect(codes(ps(['docker build -t app:latest .', 'if ($LASTEXITCODE -ne 0) { exit 1 }', 'Remove-Item ./app']))).toEqual([['migrate']]);
  });
});

const workflow = (shell: string) =>
  planFiles({
    ...DOCKERFILES,
    '.github/workflows/image.yml': [
      'name: image',
      'on: push',
      'jobs:',
      '  image:',
      '    runs-on: ubuntu-latest',
      ...(shell ? ['    defaults:', '      run:', `        shell: ${shell}`] : []),
      '    steps:',
      '      - uses: actions/checkout@v4',
      '      - name: Compile',
      '        run: docker build -t app:build -f Dockerfile.build .',
      '      - name: Extract',
      '        run: |',
      '          docker create --name extract app:build',
      '          docker cp extract:/out/app ./app',
      '          docker rm extract',
      '      - name: Image',
      '        run: |',
      '          docker build -t app:latest .',
      '          docker image ls app',
      '',
    ].join('\n'),
  });

describe('a CI step holding the builder build alone', () => {
  it('refuses where the runtime build\'s step goes on after it fails (pwsh: the step\'s status is its last native command\'s)', () => {
    const p = workflow('pwsh');
    expect(codes(p)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(message(p)).toContain('it ends its step or recipe line, whose failure fails the job');
  });

  it('migrates under the default bash shell, whose errexit stops the runtime build\'s step', () => {
    expect(codes(workflow(''))).toEqual([['migrate']]);
  });
});
