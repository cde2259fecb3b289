/**
 * Removing the command that ended a text makes the one before it the last (src/plan/host-effects.ts
 * newEnding): an `&&` list there ends the text with a failing test's status.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const FILES = { 'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && echo x > /out/app\n', Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n' };
const codes = (files: Record<string, string>) => planFiles({ ...FILES, ...files }).setups.map((s) => [s.status, ...s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const sh = (before: string) => ({ 'build.sh': ['#!/bin/sh', 'docker build -t app:build -f Dockerfile.build .', 'docker create --name ex app:build', 'docker cp ex:/out/app ./app', 'docker build -t app:latest .', before, 'docker rm ex', ''].join('\n') });

describe('an early exit left ending a text', () => {
  it('refuses `test && exit 0` (or `&& true`) left last: a failing test is now the exit status', () => {
    expect(codes(sh('[ -n "$KEEP" ] && exit 0'))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    expect(codes(sh('[ -n "$KEEP" ] && true'))).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
    const make = { Makefile: 'binary:\n\t[ -f app ] && exit 0; docker build -t app:build -f Dockerfile.build .\n\tdocker create --name ex app:build\n\tdocker cp ex:/out/app ./app\n\tdocker rm ex\n\nimage: binary\n\tdocker build -t app:latest .\n' };
    expect(codes(make)).toEqual([['refused', 'SCRIPT_EDIT_UNSAFE']]);
  });

  it('migrates `|| exit 1` or `|| true` left last: what runs after `||` ends the list with its own status', () => {
    expect(codes(sh('[ -n "$HOME" ] || exit 1'))).toEqual([['migrate']]);
    expect(codes(sh('[ -n "$KEEP" ] || true'))).toEqual([['migrate']]);
  });
});
