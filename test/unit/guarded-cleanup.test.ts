/**
 * A cleanup guarded by a test of the path it removes (`[ -f app ] && rm app`, `if [ -f app ];
 * then rm app; fi`) after the runtime build is cleanup like `rm -f app`: migrated, with no
 * export stage for the test, and nothing left that would fail when the file is never made.
 */
import { describe, expect, it } from 'vitest';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const SETUP = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
const files = (after: string[]) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': ['#!/bin/sh', 'set -e', ...SETUP, ...after, ''].join('\n') });
const migrated = (after: string[]) => {
  const f = files(after);
  const p = planFiles(f);
  expect(p.setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)])).toEqual([['migrate', []]]);
  const out = applied(f, p);
  // No export stage: the guard was no use of the artifact.
  expect(out.Dockerfile).not.toContain('AS export');
  return out['build.sh'];
};

describe('guarded cleanups after the runtime build', () => {
  it('`[ -f app ] && rm app` goes whole, guard and removal', () => {
    expect(migrated(['[ -f app ] && rm app'])).toBe('#!/bin/sh\nset -e\ndocker build -t app:latest .\n');
    expect(migrated(['test -e app && rm -f app', 'echo done'])).toBe('#!/bin/sh\nset -e\ndocker build -t app:latest .\necho done\n');
  });

  it('`if [ -f app ]; then rm app; fi` loses its removal (the body keeps `:`)', () => {
    expect(migrated(['if [ -f app ]; then rm app; fi'])).toBe('#!/bin/sh\nset -e\ndocker build -t app:latest .\nif [ -f app ]; then :; fi\n');
  });

  it('a guard of another path, or one that guards more than the removal, is no cleanup', () => {
    const other = planFiles(files(['[ -f other ] && rm app']));
    expect(other.setups[0]!.diagnostics.map((d) => d.code)).toContain('CONDITIONAL_STEP');
    // Guarding more than the removal, the test is a use of the file: an export stage keeps it.
    const moreFiles = files(['if [ -f app ]; then rm app; echo removed; fi']);
    expect(applied(moreFiles, planFiles(moreFiles)).Dockerfile).toContain('AS export');
    // With an else branch, the test decides which branch runs: still a use of the file.
    const orElse = applied(files(['if [ -f app ]; then rm app; else echo missing; fi']), planFiles(files(['if [ -f app ]; then rm app; else echo missing; fi'])));
    expect(orElse.Dockerfile).toContain('AS export');
  });
});
