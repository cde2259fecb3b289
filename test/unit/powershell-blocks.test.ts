/**
 * PowerShell blocks run on some paths only: a step in an `if`/`else` body, a loop, a `catch` or
 * a function body is in a branch of its own, so a setup whose steps are in different ones is
 * CONDITIONAL_STEP, as in shell; a `try` and its `finally` run whenever the statement does. A
 * `return` outside a function, a `break` outside a loop, and a call of a function whose body
 * runs `exit` end the script with success (src/analyze/hosts/powershell.ts, src/analyze/conditions.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
const codes = (p: ReturnType<typeof planFiles>) => p.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const ps = (...lines: string[]) => planFiles({ ...DOCKERFILES, 'build.ps1': [...lines, ''].join('\n') });
const BUILD = 'docker build -t app:build -f Dockerfile.build .';
const EXTRACT = ['docker create --name extract app:build', 'docker cp extract:/out/app ./app', 'docker rm extract'];
const FINAL = ['docker build -t app:latest .', 'if ($LASTEXITCODE -ne 0) { exit 1 }'];

describe('PowerShell blocks as branches', () => {
  it('refuses a builder build or a copy in an if block the other steps are not in', () => {
    const build = ps("if ($env:SKIP_COMPILE -ne '1') { " + BUILD + ' }', ...EXTRACT, ...FINAL);
    expect(codes(build)).toEqual([['refused', 'CONDITIONAL_STEP']]);
    expect(build.setups[0]!.diagnostics[0]!.message).toContain('in a PowerShell if/elseif/else block');
    expect(codes(ps(BUILD, EXTRACT[0]!, 'if (-not (Test-Path ./app)) { ' + EXTRACT[1] + ' }', EXTRACT[2]!, ...FINAL))).toEqual([['refused', 'CONDITIONAL_STEP']]);
  });

  it('migrates a copy in a try block with its cleanup in the finally block: both always run', () => {
    expect(codes(ps(BUILD, EXTRACT[0]!, 'try {', `  ${EXTRACT[1]}`, '} finally {', `  ${EXTRACT[2]}`, '}', ...FINAL))).toEqual([['migrate']]);
  });

  it('refuses a copy in a catch block', () => {
    expect(codes(ps(BUILD, EXTRACT[0]!, 'try {', '  Get-Item ./missing', '} catch {', `  ${EXTRACT[1]}`, '}', EXTRACT[2]!, ...FINAL))).toEqual([['refused', 'CONDITIONAL_STEP']]);
  });
});

describe('PowerShell early exits between the steps', () => {
  it('refuses `return` or `break` in an if block outside any function or loop: the script ends with success there', () => {
    expect(codes(ps(BUILD, "if ($env:COMPILE_ONLY -eq '1') { return }", ...EXTRACT, ...FINAL))).toEqual([['refused', 'CONDITIONAL_STEP']]);
    expect(codes(ps(BUILD, "if ($env:COMPILE_ONLY -eq '1') { break }", ...EXTRACT, ...FINAL))).toEqual([['refused', 'CONDITIONAL_STEP']]);
  });

  it('migrates a `return` inside a function and a `break` inside a loop: they end only those', () => {
    expect(codes(ps('function Get-Version { if ($env:V) { return $env:V }; return "dev" }', BUILD, '$v = Get-Version', ...EXTRACT, ...FINAL))).toEqual([['migrate']]);
    expect(codes(ps(BUILD, 'foreach ($f in @("a", "b")) { if ($f -eq "b") { break } }', ...EXTRACT, ...FINAL))).toEqual([['migrate']]);
  });

  it('refuses a call of a function whose body runs `exit 0`', () => {
    const p = ps("function Complete-Early { Write-Host 'compile only'; exit 0 }", BUILD, "if ($env:COMPILE_ONLY -eq '1') { Complete-Early }", ...EXTRACT, ...FINAL);
    expect(codes(p)).toEqual([['refused', 'CONDITIONAL_STEP']]);
    expect(p.setups[0]!.diagnostics[0]!.message).toContain('a call of a function whose body runs `exit`');
  });
});

describe('shell functions that exit', () => {
  it('refuses a call between the steps of a function whose body runs `exit 0`', () => {
    const p = planFiles({ ...DOCKERFILES, 'build.sh': ['#!/bin/sh', "finish() { echo 'compile only'; exit 0; }", `${BUILD} || exit 1`, 'if [ "$COMPILE_ONLY" = 1 ]; then finish; fi', ...EXTRACT, 'docker build -t app:latest .', ''].join('\n') });
    expect(codes(p)).toEqual([['refused', 'CONDITIONAL_STEP']]);
  });

  it('migrates a call of a function whose body only fails', () => {
    const p = planFiles({ ...DOCKERFILES, 'build.sh': ['#!/bin/sh', "die() { echo \"$1\" >&2; exit 1; }", `${BUILD} || exit 1`, '[ -n "$HOME" ] || die "no home"', ...EXTRACT, 'docker build -t app:latest .', ''].join('\n') });
    expect(codes(p)).toEqual([['migrate']]);
  });
});
