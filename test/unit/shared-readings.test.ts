/**
 * Builder steps several sequences share (Travis jobs inheriting one root phase, Make targets
 * with a common prerequisite) are one text, edited once. A setup migrates only when every
 * sequence that reaches a runtime build reads it the same way, and no sequence without one uses
 * the artifact on the host afterwards; otherwise SHARED_STEPS_DIFFER names the sequences.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const SHARED = ['  - docker build -t app:build -f Dockerfile.build .', '  - docker create --name x app:build', '  - docker cp x:/out/app ./app', '  - docker rm x'];
const errors = (p: Plan) => p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'));
const refusedWith = (p: Plan, code: string) => {
  expect(p.setups).toHaveLength(1);
  expect(errors(p).map((d) => d.code)).toEqual([code]);
  expect(p.changes).toEqual([]);
  return errors(p)[0]!.message;
};
const travis = (lines: string[], extra: Record<string, string> = {}) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, '.travis.yml': [...lines, ''].join('\n'), ...extra });

describe('Travis jobs sharing a root phase', () => {
  it('jobs that build different runtime images from the shared extraction are refused, naming both', () => {
    const files = travis(['before_script:', ...SHARED, 'jobs:', '  include:', '    - script:', '        - docker build -t app:latest .', '    - script:', '        - docker build -t app:debug -f Dockerfile.debug .'], { 'Dockerfile.debug': RUNTIME });
    const msg = refusedWith(planFiles(files), 'SHARED_STEPS_DIFFER');
    expect(msg).toContain('is shared by `include 1`, `include 2`');
    expect(msg).toContain('`include 1` builds the runtime image with `docker build -t app:latest .` (line 9), `include 2` with `docker build -t app:debug -f Dockerfile.debug .` (line 11)');
  });

  it('a job that still needs the artifact on the host afterwards is a different reading', () => {
    const files = travis(['script:', ...SHARED, '  - docker build -t app:latest .', 'jobs:', '  include:', '    - env: A=1', '    - after_success:', '        - sha256sum app > app.sha256']);
    expect(refusedWith(planFiles(files), 'SHARED_STEPS_DIFFER')).toContain('`include 2` still needs the artifact on the host afterwards (`sha256sum app` (.travis.yml:11) uses it), `include 1` does not');
  });

  it('a job with no runtime build that uses the artifact on the host is refused; one that does not use it stays allowed', () => {
    const uses = travis(['before_script:', ...SHARED, 'jobs:', '  include:', '    - script:', '        - docker build -t app:latest .', '    - script:', '        - ./app --self-test']);
    expect(refusedWith(planFiles(uses), 'SHARED_STEPS_DIFFER')).toContain('`include 2` runs no runtime build after it but uses the artifact on the host (`./app --self-test`, line 11)');
    const lint = travis(['before_script:', ...SHARED, 'jobs:', '  include:', '    - script:', '        - docker build -t app:latest .', '    - script:', '        - test -f main.go']);
    const p = planFiles(lint);
    expect(errors(p)).toEqual([]);
    expect(applied(lint, p)['.travis.yml']).toBe('before_script:\njobs:\n  include:\n    - script:\n        - docker build -t app:latest .\n    - script:\n        - test -f main.go\n');
  });

  it('jobs that differ only where the setup does not look (their env: values) migrate', () => {
    const files = travis(['script:', ...SHARED, '  - docker build -t app:latest .', 'jobs:', '  include:', '    - env: CHANNEL=stable', '    - env: CHANNEL=edge']);
    const p = planFiles(files);
    expect(errors(p)).toEqual([]);
    expect(p.setups.map((s) => s.status)).toEqual(['migrate']);
  });

  it('a refusal only one job finds is the setup\'s: the edit reaches that job too', () => {
    // The second job's own step follows a shared phase that ended in another folder: not followed
    // there (the first job's own step is read right after the shared phase, in that folder).
    const files = travis(['script:', ...SHARED, '  - docker build -t app:latest .', '  - cd dist', 'jobs:', '  include:', '    - after_success:', '        - echo one', '    - after_success:', '        - ls'], { 'dist/.keep': '' });
    expect(refusedWith(planFiles(files), 'SHELL_NOT_READ')).toContain('include 2 (stage test) after_success runs after a phase the job inherits from the root');
  });
});

describe('Make targets sharing a prerequisite', () => {
  const make = (extra: string) => ({
    'Dockerfile.build': BUILDER,
    Dockerfile: RUNTIME,
    Makefile: `all: image\n\nbinary:\n\tdocker build -t app:build -f Dockerfile.build .\n\tdocker create --name x app:build\n\tdocker cp x:/out/app ./app\n\tdocker rm x\n\nimage: binary\n\tdocker build -t app:latest .\n${extra}`,
  });

  it('a `binary` target that `image` and `all` also run stays allowed', () => {
    const p = planFiles(make(''));
    expect(errors(p)).toEqual([]);
    expect(p.setups.map((s) => s.status)).toEqual(['migrate']);
  });

  it('a target that runs the prerequisite and then uses the binary on the host is refused', () => {
    const msg = refusedWith(planFiles(make('\ntest: binary\n\t./app --version\n')), 'SHARED_STEPS_DIFFER');
    expect(msg).toContain('`test` runs no runtime build after it but uses the artifact on the host (`./app --version`, line 13)');
  });
});
