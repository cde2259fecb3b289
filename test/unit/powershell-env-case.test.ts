/**
 * Windows looks environment names up in any case: `$env:Docker_Host = …` sets DOCKER_HOST there,
 * which docker reads, and another name elsewhere. The name in capitals is then only known at run
 * time (src/analyze/hosts/powershell.ts windowsEnvName).
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const DOCKERFILES = { 'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo hi > /out/app\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
const codes = (p: ReturnType<typeof planFiles>) => p.setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const ps = (between: string) =>
  planFiles({ ...DOCKERFILES, 'build.ps1': ['docker build -t app:build -f Dockerfile.build .', 'docker create --name extract app:build', 'docker cp extract:/out/app ./app', 'docker rm extract', between, 'docker build -t app:latest .', ''].join('\n') });

describe('an environment name not in capitals', () => {
  it('may set the docker variable in capitals, on Windows', () => {
    expect(codes(ps('$env:Docker_Host = "tcp://other:2375"'))).toEqual([['refused', 'FLAG_CONFLICT']]);
    expect(codes(ps('if ($env:CI) { $env:docker_host = "tcp://other:2375" }'))).toEqual([['refused', 'FLAG_CONFLICT']]);
  });

  it('changes nothing docker reads otherwise', () => {
    expect(codes(ps('$env:Version = "1.2"'))).toEqual([['migrate']]);
  });
});
