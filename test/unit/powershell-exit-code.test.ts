/**
 * A PowerShell CI step ends with `exit $LASTEXITCODE` (GitHub Actions appends it to a `pwsh`
 * step, Azure Pipelines' PowerShell task too), and a `.ps1` leaves its `$LASTEXITCODE` to a
 * PowerShell caller: the status is the last native program's. A failing native program does not
 * stop PowerShell, so removing the last one (the builder build, the extraction) would make an
 * earlier one that stays decide the status, failing where the old text went on
 * (src/plan/host-effects.ts newLastExitCode).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
const codes = (p: ReturnType<typeof planFiles>) => p.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const indent = (lines: string[]) => lines.map((l) => `          ${l}`).join('\n');
const workflow = (first: string[], second: string[]) =>
  planFiles({
    ...DOCKERFILES,
    '.github/workflows/ci.yml': `name: ci\non: push\njobs:\n  image:\n    runs-on: ubuntu-latest\n    steps:\n      - uses: actions/checkout@v4\n      - shell: pwsh\n        run: |\n${indent(first)}\n      - shell: pwsh\n        run: |\n${indent(second)}\n`,
  });
const COMPILE = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name extract app:build', 'docker cp extract:/out/app ./app', 'docker rm extract'];
const FINAL = ['docker build -t app:latest .'];

describe('the last native program of a PowerShell text', () => {
  it('refuses a GitHub pwsh step left ending with the status of a native program it went past', () => {
    const p = workflow(['git describe --tags --exact-match', ...COMPILE, 'Write-Host "compiled"'], FINAL);
    expect(codes(p)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(p.setups[0]!.diagnostics.find((d) => d.code === 'SCRIPT_EDIT_UNSAFE')!.message).toContain('`git describe --tags --exact-match` would now be the last native program');
  });

  it('refuses an Azure Pipelines pwsh step the same way', () => {
    const step = (lines: string[]) => `- pwsh: |\n${lines.map((l) => `    ${l}\n`).join('')}`;
    const p = planFiles({ ...DOCKERFILES, 'azure-pipelines.yml': `pool:\n  vmImage: ubuntu-latest\nsteps:\n- checkout: self\n${step(['git describe --tags --exact-match', ...COMPILE])}${step(FINAL)}` });
    expect(codes(p)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });

  it('refuses a captured native program too', () => {
    expect(codes(workflow(['$tag = git describe --tags --exact-match', ...COMPILE], FINAL))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });

  it('migrates when that program is guarded, or only cmdlets stay, or it stays after the removed ones', () => {
    expect(codes(workflow(['git describe --tags --exact-match', 'if ($LASTEXITCODE -ne 0) { exit 1 }', ...COMPILE], FINAL))).toEqual([['migrate']]);
    expect(codes(workflow(['New-Item -ItemType Directory -Force bin | Out-Null', ...COMPILE, 'Write-Host "compiled"'], FINAL))).toEqual([['migrate']]);
    expect(codes(workflow([...COMPILE, 'git describe --tags --exact-match'], FINAL))).toEqual([['migrate']]);
  });

  it('refuses a .ps1 script whose removed cleanup set its status after an unguarded runtime build', () => {
    const script = (...final: string[]) => planFiles({ ...DOCKERFILES, 'build.ps1': [...COMPILE.slice(0, 3), ...final, COMPILE[3], ''].join('\n') });
    expect(codes(script(...FINAL))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(codes(script(...FINAL, 'if ($LASTEXITCODE -ne 0) { exit 1 }'))).toEqual([['migrate']]);
  });

  it('refuses an Azure PowerShell step with ignoreLASTEXITCODE whose last statement goes, as its status is then not modelled', () => {
    const task = (lines: string[], ignore: string) => `- task: PowerShell@2\n  inputs:\n    targetType: inline\n    ignoreLASTEXITCODE: ${ignore}\n    script: |\n${lines.map((l) => `      ${l}\n`).join('')}`;
    const plan = (first: string[], ignore: string) => planFiles({ ...DOCKERFILES, 'azure-pipelines.yml': `pool:\n  vmImage: ubuntu-latest\nsteps:\n- checkout: self\n${task(first, ignore)}- pwsh: |\n    ${FINAL[0]}\n` });
    // a cmdlet that failed without stopping it (its `$?` false) would now end it
    const p = plan(['Remove-Item missing -ErrorAction SilentlyContinue', ...COMPILE], 'true');
    expect(codes(p)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(p.setups[0]!.diagnostics.find((d) => d.code === 'SCRIPT_EDIT_UNSAFE')!.message).toContain('would now be the last statement');
    expect(codes(plan(['Remove-Item missing -ErrorAction SilentlyContinue', ...COMPILE], '$(ignoreCodes)'))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    // without it, the host's `exit $LASTEXITCODE` decides, and no native program stays
    expect(codes(plan(['Remove-Item missing -ErrorAction SilentlyContinue', ...COMPILE], 'false'))).toEqual([['migrate']]);
    // the statement that ends it stays
    expect(codes(plan([...COMPILE, 'Write-Host "compiled"'], 'true'))).toEqual([['migrate']]);
  });
});
