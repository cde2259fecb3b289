/**
 * `pushd DIR` … `popd`: the folder between them is DIR, and after the `popd` the one before the
 * `pushd`, when both run on the same paths and nothing between may leave first. A function whose
 * every `pushd` is so undone does not move its caller.
 */
import { describe, expect, it } from 'vitest';
import { parseShell } from '../../src/analyze/shell.js';
import { planFiles } from '../support/plan.js';

/** The folder each `echo` of the script runs in, by its word. */
const folders = (text: string) => {
  const script = parseShell('build.sh', `#!/bin/bash\n${text}\n`, { cwd: '' }).script!;
  return Object.fromEntries(script.commands.filter((c) => c.words[0]!.value === 'echo').map((c) => [c.words[1]!.value, c.cwd]));
};

describe('the directory stack', () => {
  it('pushd goes where cd would, popd comes back, whatever cd ran between', () => {
    expect(folders('pushd app\necho in\ncd sub\necho sub\npopd\necho out')).toEqual({ in: 'app', sub: 'app/sub', out: '' });
    expect(folders('cd web\npushd ../api > /dev/null\necho in\npopd > /dev/null\necho out')).toEqual({ in: 'api', out: 'web' });
  });

  it('in a function body: the body knows its folder, and the call leaves the caller where it was', () => {
    expect(folders('build() {\n  pushd app\n  echo in\n  popd\n}\nbuild\necho after')).toEqual({ in: 'app', after: '' });
    // A return before the pushd leaves from the caller's folder.
    expect(folders('build() {\n  [ -n "$SKIP" ] && return\n  pushd app\n  popd\n}\nbuild\necho after')).toEqual({ after: '' });
  });

  it('a path that may skip the popd leaves the folder unknown', () => {
    const unknown = [
      // a return, exit, break or continue between them, even under a condition
      'build() {\n  pushd app\n  [ -f skip ] && return\n  popd\n}\nbuild',
      'build() {\n  pushd app\n  if [ -f skip ]; then exit 0; fi\n  popd\n}\nbuild',
      'build() {\n  while true; do\n    pushd app\n    break\n    popd\n  done\n}\nbuild',
      // the popd in a branch the pushd is not in, or the other way round
      'build() {\n  pushd app\n  if [ -n "$X" ]; then popd; fi\n}\nbuild',
      'build() {\n  if [ -n "$X" ]; then pushd app; fi\n  popd\n}\nbuild',
      'pushd app && popd',
      // no popd, or one too many
      'build() {\n  pushd app\n}\nbuild',
      'build() {\n  pushd app\n  popd\n  popd\n}\nbuild',
      // stack commands the walk does not follow
      'pushd -n app\npopd',
      'pushd app\npushd +1\npopd',
      'pushd app\ndirs -c\npopd',
      'pushd app\npopd -n',
    ];
    for (const text of unknown) expect(folders(`${text}\necho after`), text).toEqual({ after: null });
  });

  it('inside the pushd, a cd or pushd under a condition is unknown, as cd is', () => {
    expect(folders('build() {\n  pushd app\n  if [ -n "$X" ]; then pushd sub; fi\n  echo in\n}')).toEqual({ in: null });
  });
});

describe('a setup inside pushd … popd in a function migrates', () => {
  const BUILDER = 'FROM golang:1.21\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
  const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
  const STEPS = ['docker build -t app:build -f Dockerfile.build .', 'docker create --name x app:build', 'docker cp x:/out/app ./app', 'docker rm x', 'docker build -t app:latest .'];
  /** The setup in the function `image`, called once. */
  const plan = (body: string[]) =>
    planFiles({ 'app/Dockerfile.build': BUILDER, 'app/Dockerfile': RUNTIME, 'app/main.go': 'package main\n', 'build.sh': ['#!/bin/bash', 'set -e', 'image() {', ...body.map((l) => `  ${l}`), '}', 'image', 'ls', ''].join('\n') });
  const codes = (body: string[]) => plan(body).setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));

  it('balanced: its builds run in the pushd folder, and the setup migrates', () => {
    const p = plan(['pushd app > /dev/null', ...STEPS, 'popd > /dev/null']);
    expect(p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error'))).toEqual([]);
    expect(p.setups.map((s) => s.status)).toEqual(['migrate']);
  });

  it('a pushd under a condition of its own: the builds run in a folder only known at run time', () => {
    expect(codes(['[ -d app ] && pushd app', ...STEPS, 'popd'])).toContain('DYNAMIC_BUILD_INPUT');
  });
});
