/**
 * A function's body is read once, where it is defined. Called from another folder, its commands
 * run there: their folder is only known at run time, never the one of the definition.
 */
import { describe, expect, it } from 'vitest';
import { parseShell } from '../../src/analyze/shell.js';
import { planFiles } from '../support/plan.js';

/** The folder each `echo` of the script runs in, by its word. */
const folders = (text: string) => {
  const script = parseShell('build.sh', `#!/bin/bash\n${text}\n`, { cwd: '' }).script!;
  return Object.fromEntries(script.commands.filter((c) => c.words[0]!.value === 'echo').map((c) => [c.words[1]!.value, c.cwd]));
};

describe('a function called from another folder than its definition', () => {
  it('runs its commands in a folder only known at run time', () => {
    expect(folders('step() { echo in; }\ncd app\nstep')).toEqual({ in: null });
    // Called from a function that pushd'ed elsewhere.
    expect(folders('step() { echo in; }\nouter() { pushd app; step; popd; }\nouter')).toEqual({ in: null });
  });

  it('keeps the folder when every call is made from the folder it was read in', () => {
    expect(folders('step() { echo in; }\nstep\ncd app\ncd ..\nstep')).toEqual({ in: '' });
    expect(folders('cd app\nstep() { echo in; }\nstep')).toEqual({ in: 'app' });
  });

  it('a setup in a function called after `cd app` is not read from the root', () => {
    const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
    const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
    const body = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
    const script = ['#!/bin/bash', 'set -e', 'image() {', ...body.map((l) => `  ${l}`), '}', 'cd svc', 'image', ''].join('\n');
    // The same Dockerfiles at the root and in svc/: the script builds svc/'s.
    const p = planFiles({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'main.go': 'package main\n', 'svc/Dockerfile.build': BUILDER, 'svc/Dockerfile': RUNTIME, 'svc/main.go': 'package main\n', 'build.sh': script });
    expect(p.changes.map((c) => c.path)).not.toContain('Dockerfile');
    expect(p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code))).toContain('DYNAMIC_BUILD_INPUT');
  });
});
