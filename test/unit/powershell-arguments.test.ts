/**
 * What a PowerShell statement the tool does not model is given stays visible to the checks: the
 * elements of an array argument (`Start-Process docker -ArgumentList 'run', '--rm', 'app:build'`)
 * are words of their own, and the strings a .NET call is given are its words, so a run-time path
 * ending in a Dockerfile's name may be that Dockerfile (src/analyze/hosts/powershell.ts,
 * src/plan/host-effects.ts).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
const codes = (p: ReturnType<typeof planFiles>) => p.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const SETUP = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name extract app:build', 'docker cp extract:/out/app ./app', 'docker rm extract', 'docker build -t app:latest .', 'if ($LASTEXITCODE -ne 0) { exit 1 }'];
const ps = (before: string[], after: string[]) => planFiles({ ...DOCKERFILES, 'Dockerfile.template': 'FROM __BASE__\nCOPY app /app\n', 'build.ps1': [...before, ...SETUP, ...after, ''].join('\n') });

describe('array arguments of PowerShell commands', () => {
  it('keeps the builder build that Start-Process runs later by its tag, in an array or @(…)', () => {
    for (const args of ["'run', '--rm', 'app:build', '/out/app'", "@('run', '--rm', 'app:build', '/out/app')"]) {
      const p = ps([], ['Remove-Item ./app', `$p = Start-Process docker -ArgumentList ${args} -Wait -NoNewWindow -PassThru`, 'if ($p.ExitCode -ne 0) { exit 1 }']);
      expect(codes(p)).toEqual([['migrate']]);
      expect(p.setups[0]!.notes.join('\n')).toContain('the builder build stays as `--target builder`');
    }
  });

  it('refuses a later Start-Process that removes the extraction\'s container by its name', () => {
    expect(codes(ps([], ['Remove-Item ./app', "Start-Process docker -ArgumentList 'rm', 'extract' -Wait -NoNewWindow"]))).toEqual([['refused', 'REMOVED_NAME_USED']]);
  });
});

describe('a .NET call given a path', () => {
  it('refuses a write to a run-time path ending in the runtime Dockerfile\'s name', () => {
    const p = ps(["$df = (Get-Content Dockerfile.template -Raw).Replace('__BASE__', 'alpine:3.19')", '[IO.File]::WriteAllText("$PWD/Dockerfile", $df)'], []);
    expect(codes(p)).toEqual([['refused', 'DOCKERFILE_WRITTEN']]);
    expect(p.setups[0]!.diagnostics.find((d) => d.code === 'DOCKERFILE_WRITTEN')!.message).toContain('may write Dockerfile');
  });
});

describe('PowerShell variables set between the builds', () => {
  const plan = (change: string) =>
    planFiles({ ...DOCKERFILES, 'build.ps1': ["$Version = '1.0'", 'docker build --build-arg "VERSION=$Version" -t app:build -f Dockerfile.build .', 'if ($LASTEXITCODE -ne 0) { exit 1 }', change, 'docker create --name extract app:build', 'docker cp extract:/out/app ./app', 'docker rm extract', 'docker build -t "app:$Version" .', 'if ($LASTEXITCODE -ne 0) { exit 1 }', 'Remove-Item ./app', ''].join('\n') });

  it('refuses a builder flag reading a variable that Set-Variable or an assignment changes before the final build takes the flag', () => {
    for (const change of ["Set-Variable -Name Version -Value '2.0'", "sv Version '2.0'", "$Version = '2.0'"]) {
      const p = plan(change);
      expect(codes(p)).toEqual([['refused', 'FLAG_CONFLICT']]);
      expect(p.setups[0]!.diagnostics.find((d) => d.code === 'FLAG_CONFLICT')!.message).toContain('reads $version, which has another value at the final build');
    }
  });

  it('migrates when the variable set is another', () => {
    expect(codes(plan("Set-Variable -Name Other -Value '2.0'"))).toEqual([['migrate']]);
  });
});

describe('a number assigned to a variable', () => {
  it('is its decimal value: `$n = 010` tags app:10, which a later run uses, so the builder build stays', () => {
    const p = planFiles({ ...DOCKERFILES, 'build.ps1': ['$n = 010', 'docker build -t "app:$n" -f Dockerfile.build .', 'docker create --name extract "app:$n"', 'docker cp extract:/out/app ./app', 'docker rm extract', 'docker build -t app:latest .', 'docker run --rm app:10 /out/app', ''].join('\n') });
    expect(codes(p)).toEqual([['migrate']]);
    expect(p.setups[0]!.notes.join('\n')).toContain('the builder build stays as `--target builder`');
  });
});
