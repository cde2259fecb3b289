/**
 * A setup step run in the background (`&`) that nothing waits for before the next step
 * (src/plan/run-failure.ts unwaitedBackground): the old steps ran side by side (the runtime build
 * read a half-written app, or none), while the merged build runs them in order.
 */
import { describe, expect, it } from 'vitest';
import { planFiles } from '../support/plan.js';

const BASE = {
  'Dockerfile.build': 'FROM busybox:latest\nRUN mkdir -p /out && printf x > /out/app\n',
  Dockerfile: 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\n',
};
const codes = (files: Record<string, string>) => planFiles({ ...BASE, ...files }).setups.map((s) => [s.status, s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)]);
const sh = (...lines: string[]) => ({ 'build.sh': ['#!/bin/sh', 'set -e', ...lines, ''].join('\n') });
const BUILD = 'docker build -t app:build -f Dockerfile.build .';
const CAT = 'docker run --rm app:build cat /out/app > app';
const FINAL = 'docker build -t app:latest .';

describe('setup steps run in the background', () => {
  it('refuses a step nothing waits for before the next, in a script, an npm script or a Makefile recipe', () => {
    expect(codes(sh(BUILD, `${CAT} &`, FINAL))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(codes(sh(`${BUILD} &`, CAT, FINAL))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(codes({ 'package.json': JSON.stringify({ scripts: { image: `${BUILD} && ${CAT} & ${FINAL}` } }) })).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(codes({ Makefile: ['.PHONY: image', 'image:', `\t${BUILD}`, `\t${CAT} &`, `\t${FINAL}`, ''].join('\n') })).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
  });

  it('migrates one waited for (`wait`, `wait $!`), or whose next step runs after it in the same job', () => {
    expect(codes(sh(`${BUILD} &`, 'docker build -t tools -f Dockerfile.tools . &', 'wait', CAT, FINAL))).toEqual([['migrate', []]]);
    expect(codes(sh(BUILD, `${CAT} &`, 'wait $!', FINAL))).toEqual([['migrate', []]]);
    expect(codes({ 'package.json': JSON.stringify({ scripts: { image: `${BUILD} && ${CAT} & wait; ${FINAL}` } }) })).toEqual([['migrate', []]]);
    expect(codes(sh(BUILD, `( ${CAT} & wait )`, FINAL))).toEqual([['migrate', []]]);
    expect(codes(sh(BUILD, `( ${CAT} ) &`, 'wait', FINAL))).toEqual([['migrate', []]]);
  });

  it('refuses a wait that may not run, runs in another shell, or is not the shell whose job the step is', () => {
    // the job is the subshell's, which has ended: the outer wait has nothing to wait for
    expect(codes(sh(BUILD, `( ${CAT} & )`, 'wait', FINAL))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    // a wait in a branch, a function body, a subshell of its own, or in the background
    expect(codes(sh(BUILD, `${CAT} &`, 'if [ -n "$SLOW" ]; then wait; fi', FINAL))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(codes(sh(BUILD, `${CAT} &`, 'later() { wait; }', FINAL))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(codes(sh(BUILD, `${CAT} &`, '( wait )', FINAL))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
    expect(codes(sh(BUILD, `${CAT} &`, 'wait &', FINAL))).toEqual([['refused', ['SCRIPT_EDIT_UNSAFE']]]);
  });
});
