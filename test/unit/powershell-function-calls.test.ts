/**
 * A call of a function of the script runs its body there, though the reader reads the body
 * where the function is defined: what the body assigns (`$script:Out = …`) and where it moves
 * (`Set-Location out`) are only known at run time after each call (src/analyze/hosts/powershell.ts
 * functionEffects).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
const codes = (p: ReturnType<typeof planFiles>) => p.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const ps = (...lines: string[]) => planFiles({ ...DOCKERFILES, 'build.ps1': [...lines, ''].join('\n') });
const REST = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name extract app:build', 'docker cp extract:/out/app $Out', 'docker rm extract', 'docker build -t app:latest .'];

describe('a call of a function of the script', () => {
  it('leaves what its body assigns only known at run time', () => {
    expect(codes(ps("function Set-Out { $script:Out = './other' }", "$Out = './app'", 'Set-Out', ...REST))).toEqual([['refused', 'DYNAMIC_ARTIFACT_PATH']]);
    // (through another function it calls)
    expect(codes(ps("function Set-Out { $script:Out = './other' }", 'function Prepare { Set-Out }', "$Out = './app'", 'Prepare', ...REST))).toEqual([['refused', 'DYNAMIC_ARTIFACT_PATH']]);
  });

  it('leaves the location only known at run time when its body moves', () => {
    expect(codes(ps('function Enter-Out { Set-Location out }', 'Set-Location $PSScriptRoot', 'Enter-Out', "$Out = './app'", ...REST))).toEqual([['refused', 'DYNAMIC_ARTIFACT_PATH', 'DYNAMIC_BUILD_INPUT', 'DYNAMIC_BUILD_INPUT']]);
  });

  it('changes nothing when its body assigns nothing and stays', () => {
    expect(codes(ps("function Write-Step([string]$m) { Write-Host \"== $m\" }", "$Out = './app'", "Write-Step 'compile'", ...REST))).toEqual([['migrate']]);
  });
});
