/**
 * Assignments whose left side is more than a plain variable: a typed one (`[string]$Out = …`,
 * the value as written; `[int]$n = …`, converted, now and at each later assignment), several
 * variables (`$a, $b = …`), each only known at run time afterwards (src/analyze/hosts/powershell.ts
 * assignedVariable).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
const codes = (p: ReturnType<typeof planFiles>) => p.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const ps = (...between: string[]) =>
  planFiles({ ...DOCKERFILES, 'build.ps1': ["$Out = './app'", 'docker build -t app:build -f Dockerfile.build .', 'docker create --name extract app:build', ...between, 'docker cp extract:/out/app $Out', 'docker rm extract', 'docker build -t app:latest .', ''].join('\n') });

describe('an assignment to more than a plain variable', () => {
  it('changes a typed variable', () => {
    expect(codes(ps("[string]$Out = './other'"))).toEqual([['refused', 'ARTIFACT_UNUSED']]);
    expect(codes(ps("if ($env:CI) { [string]$Out = './other' }"))).toEqual([['refused', 'DYNAMIC_ARTIFACT_PATH']]);
    expect(codes(ps("[string]$Out = './app'"))).toEqual([['migrate']]);
  });

  it('changes each of several variables', () => {
    expect(codes(ps("$Out, $Rest = './other', 'x'"))).toEqual([['refused', 'DYNAMIC_ARTIFACT_PATH']]);
  });

  it('makes a variable of another type convert its later values', () => {
    // (`[int]$n = 0; $n = '010'` holds 10)
    expect(codes(ps('[int]$n = 0', "$n = '010'", '$Out = "./app$n"'))).toEqual([['refused', 'DYNAMIC_ARTIFACT_PATH']]);
  });
});
