/**
 * What a PowerShell script brings into its session besides dot-sourcing: a module it imports
 * defines functions that run instead of programs of their names (`Import-Module
 * ./build/helpers.psm1` with `function docker`; a module by its name may define any), and
 * `Invoke-Expression` runs text only known at run time in the script's scope, which may set
 * any variable, move, or define any function (src/analyze/hosts/powershell-shadows.ts,
 * src/analyze/hosts/powershell.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
const codes = (p: ReturnType<typeof planFiles>) => p.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const SETUP = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name extract app:build', 'docker cp extract:/out/app $Out', 'docker rm extract', 'docker build -t app:latest .'];
const ps = (first: string, files: Record<string, string> = {}) => planFiles({ ...DOCKERFILES, ...files, 'build.ps1': ["$Out = './app'", first, ...SETUP, ''].join('\n') });
const HELPERS = { 'build/helpers.psm1': 'function docker { & /usr/bin/docker @args; Write-Host "ran docker" }\n', 'build/steps.psm1': 'function Write-Step { Write-Host "== $args" }\n' };

describe('Import-Module', () => {
  it('refuses where the module it reads defines a function of a step\'s name', () => {
    expect(codes(ps('Import-Module ./build/helpers.psm1', HELPERS))).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(codes(ps('Import-Module -Name "$PSScriptRoot/build/helpers.psm1" -Force', HELPERS))).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(codes(ps('Import-Module ./build/steps.psm1', HELPERS))).toEqual([['migrate']]);
  });

  it('refuses a module by its name, which may define any, but not one of PowerShell\'s own', () => {
    expect(codes(ps('Import-Module DockerTools'))).toEqual([['refused', 'COMMAND_SHADOWED']]);
    expect(codes(ps('Import-Module Microsoft.PowerShell.Archive'))).toEqual([['migrate']]);
  });
});

describe('Invoke-Expression', () => {
  it('may set any variable and move, before the builds too', () => {
    const p = ps('Invoke-Expression (Get-Content ./ci/vars.ps1 -Raw)', { 'ci/vars.ps1': "$Out = './other'\n" });
    expect(codes(p)[0]![0]).toBe('refused');
    expect(codes(p)[0]).toContain('DYNAMIC_ARTIFACT_PATH');
    expect(codes(p)[0]).toContain('COMMAND_SHADOWED');
  });
});
