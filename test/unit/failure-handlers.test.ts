/**
 * Failure handlers written around the setup's extraction steps: `docker cp … || { docker rm -f x;
 * exit 1; }` and `if ! docker cp …; then docker rm -f x; exit 1; fi` run only when that step
 * failed, and fail the script in turn; the removal of the setup's container in them is no step
 * that runs on another path (src/analyze/shell/failing-exit.ts), and the whole handler goes with
 * the step it guards (transforms/guards.ts). In a shell script, a Make recipe line and a GitHub
 * Actions `run:` alike. Anything else in the handler keeps the setup refused.
 */
import { describe, expect, it } from 'vitest';
import type { Plan } from '../../src/plan/index.js';
import { applied, planFiles } from '../support/plan.js';

const BUILDER = 'FROM golang:1.22\nWORKDIR /src\nCOPY . .\nRUN go build -o /out/app .\n';
const RUNTIME = 'FROM alpine:3.19\nCOPY app /usr/local/bin/app\nCMD ["app"]\n';
const BUILD = 'docker build -t app-builder -f Dockerfile.build .';
const CREATE = 'docker create --name extract app-builder';
const COPY = 'docker cp extract:/out/app ./app';
const FINAL = 'docker build -t app .';

const errorCodes = (p: Plan) => p.setups.flatMap((s) => s.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code));
const shell = (lines: string[], head = ['set -e']) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, 'build.sh': ['#!/bin/sh', ...head, BUILD, ...lines, 'docker rm extract', FINAL, ''].join('\n') });
const make = (lines: string[]) => ({ 'Dockerfile.build': BUILDER, Dockerfile: RUNTIME, Makefile: ['build:', ...[BUILD, ...lines, 'docker rm extract', FINAL].map((l) => `\t${l}`), ''].join('\n') });
const workflow = (lines: string[]) => ({
  'Dockerfile.build': BUILDER,
  Dockerfile: RUNTIME,
  '.github/workflows/ci.yml': ['on: push', 'jobs:', '  image:', '    runs-on: ubuntu-latest', '    steps:', '      - run: |', ...[BUILD, ...lines, 'docker rm extract', FINAL].map((l) => `          ${l}`), ''].join('\n'),
});

/** The migrated script (by path), after checking the setup migrates with no error. */
function migrated(files: Record<string, string>, path: string): string {
  const p = planFiles(files);
  expect(errorCodes(p)).toEqual([]);
  expect(p.setups.map((s) => s.status)).toEqual(['migrate']);
  return applied(files, p)[path]!;
}
const refused = (files: Record<string, string>) => {
  const p = planFiles(files);
  expect(p.setups.map((s) => s.status)).toEqual(['refused']);
  return errorCodes(p);
};

const HANDLED = [
  [CREATE, `${COPY} || { docker rm -f extract; exit 1; }`],
  [CREATE, `${COPY} || { echo "copy failed" >&2; docker rm -f extract >/dev/null 2>&1; exit 1; }`],
  [CREATE, `${COPY} || {`, '  echo "copy failed" >&2', '  docker rm -f extract >/dev/null 2>&1', '  exit 2', '}'],
  [`if ! ${CREATE}; then`, '  echo "cannot create the container" >&2', '  exit 1', 'fi', COPY],
  [CREATE, `if ! ${COPY}; then`, '  docker rm -f extract', '  exit 1', 'fi'],
];

const UNHANDLED: [string, string[]][] = [
  ['exit 0', [CREATE, `${COPY} || { docker rm -f extract; exit 0; }`]],
  ['another container', [CREATE, `${COPY} || { docker rm -f other; exit 1; }`]],
  ['a file', [CREATE, `${COPY} || { rm -f app; docker rm -f extract; exit 1; }`]],
  ['a retry', [CREATE, `${COPY} || { ${COPY}; docker rm -f extract; exit 1; }`]],
  ['a fallback copy', [CREATE, `${COPY} || { docker cp extract:/out/app.bak ./app; exit 1; }`]],
  ['another command', [CREATE, `${COPY} || { sleep 1; docker rm -f extract; exit 1; }`]],
  // `$?` after the removal is the removal's status: the old script could exit 0 there
  ['exit $? after the removal', [CREATE, `${COPY} || { docker rm -f extract; exit $?; }`]],
  ['an if that exits 0', [CREATE, `if ! ${COPY}; then`, '  docker rm -f extract', '  exit 0', 'fi']],
  ['an if with else', [CREATE, `if ! ${COPY}; then`, '  docker rm -f extract', '  exit 1', 'else', '  echo copied', 'fi']],
  ['an if removing another container', [CREATE, `if ! ${COPY}; then`, '  docker rm -f other', '  exit 1', 'fi']],
  ['an if removing a file', [CREATE, `if ! ${COPY}; then`, '  rm -f app', '  exit 1', 'fi']],
  ['an if without !', [CREATE, `if ${COPY}; then`, '  docker rm -f extract', '  exit 1', 'fi']],
];

/** `( …; exit 1 )` fails its statement only: the same as `{ …; exit 1; }` where errexit stops the script on it. */
const SUBSHELL = [
  [CREATE, `${COPY} || ( docker rm -f extract; exit 1 )`],
  [CREATE, `${COPY} || ( echo "copy failed" >&2; docker rm -f extract >/dev/null 2>&1; exit 1 )`],
  [CREATE, `( ${COPY} || { docker rm -f extract; exit 1; } )`],
];

/** The else form: the branch run when the step succeeded holds only removed commands or `:`. */
const IF_ELSE = [
  [`if ${CREATE}; then :; else echo "create failed" >&2; exit 1; fi`, COPY],
  [CREATE, `if ${COPY}; then`, '  :', 'else', '  echo "copy failed" >&2', '  docker rm -f extract', '  exit 1', 'fi'],
  [CREATE, `if ! ${COPY}; then docker rm -f extract; exit 1; else :; fi`],
];
const IF_ELSE_REMOVING = [CREATE, `if ${COPY}; then`, '  docker rm extract', 'else', '  docker rm -f extract', '  exit 1', 'fi'];

const UNHANDLED_ELSE: [string, string[]][] = [
  ['a subshell that exits 0', [CREATE, `${COPY} || ( docker rm -f extract; exit 0 )`]],
  ['a subshell writing a file', [CREATE, `${COPY} || ( docker rm -f extract; touch failed; exit 1 )`]],
  ['a subshell removing another container', [CREATE, `${COPY} || ( docker rm -f other; exit 1 )`]],
  ['a subshell after set +e', [CREATE, 'set +e', `${COPY} || ( docker rm -f extract; exit 1 )`]],
  ['a subshell piped on', [CREATE, `${COPY} || ( docker rm -f extract; exit 1 ) | cat`]],
  ['an else that exits 0', [CREATE, `if ${COPY}; then :; else docker rm -f extract; exit 0; fi`]],
  ['an else without exit', [CREATE, `if ${COPY}; then :; else docker rm -f extract; fi`]],
  ['an else writing a file', [CREATE, `if ${COPY}; then :; else docker rm -f extract; touch failed; exit 1; fi`]],
  ['an else retrying', [CREATE, `if ${COPY}; then :; else ${COPY}; exit 1; fi`]],
  ['a then-branch doing more', [CREATE, `if ${COPY}; then date > stamp; else docker rm -f extract; exit 1; fi`]],
  ['an elif', [CREATE, `if ${COPY}; then :; elif true; then :; else docker rm -f extract; exit 1; fi`]],
  ['an else removing another container', [CREATE, `if ${COPY}; then :; else docker rm -f other; exit 1; fi`]],
];

describe('a failure handler in a subshell, or in the else of an if', () => {
  it('goes with the setup where its failure ends the run (set -e, a GitHub Actions step, the end of a Make recipe line)', () => {
    for (const lines of SUBSHELL) {
      expect(migrated(shell(lines), 'build.sh'), lines.join('\n')).toBe(`#!/bin/sh\nset -e\n${FINAL}\n`);
      expect(migrated(workflow(lines), '.github/workflows/ci.yml'), lines.join('\n')).toContain(`      - run: |\n          ${FINAL}\n`);
      expect(migrated(make(lines), 'Makefile'), lines.join('\n')).toBe(`build:\n\t${FINAL}\n`);
    }
  });

  it('keeps the setup refused where the run goes on after the subshell failed', () => {
    for (const lines of SUBSHELL) expect(refused(shell(lines, [])), lines.join('\n')).toContain('CONDITIONAL_STEP');
    // make's `/bin/sh -c` runs without errexit: the recipe line fails only when the subshell is its last statement, and make stops only when it does not ignore that
    expect(refused(make([CREATE, `${COPY} || ( docker rm -f extract; exit 1 ); echo copied`]))).toContain('CONDITIONAL_STEP');
    expect(refused(make([CREATE, `-${COPY} || ( docker rm -f extract; exit 1 )`]))).toContain('CONDITIONAL_STEP');
  });

  it('goes with the setup when the else (or the then of `if !`) is the handler', () => {
    for (const lines of [...IF_ELSE, IF_ELSE_REMOVING]) {
      expect(migrated(shell(lines), 'build.sh'), lines.join('\n')).toBe(`#!/bin/sh\nset -e\n${FINAL}\n`);
      expect(migrated(workflow(lines), '.github/workflows/ci.yml'), lines.join('\n')).toContain(`      - run: |\n          ${FINAL}\n`);
    }
    expect(migrated(make([IF_ELSE[0]![0]!, COPY]), 'Makefile')).toBe(`build:\n\t${FINAL}\n`);
    expect(migrated(make([CREATE, IF_ELSE[2]![1]!]), 'Makefile')).toBe(`build:\n\t${FINAL}\n`);
  });

  it('keeps the setup refused when the handler does anything else', () => {
    for (const [what, lines] of UNHANDLED_ELSE) {
      expect(refused(shell(lines)), what).not.toEqual([]);
      expect(refused(workflow(lines)), `${what} (workflow)`).not.toEqual([]);
    }
  });
});

describe('a failure handler of a command that stays, between the setup\'s steps', () => {
  it('stays as written', () => {
    for (const handled of ['sleep 1 || { echo "no sleep" >&2; exit 1; }', 'if ! sleep 1; then echo "no sleep" >&2; exit 1; fi', 'if sleep 1; then :; else echo "no sleep" >&2; exit 1; fi', 'sleep 1 || ( echo "no sleep" >&2; exit 1 )']) {
      expect(migrated(shell([CREATE, COPY, handled]), 'build.sh'), handled).toBe(`#!/bin/sh\nset -e\n${handled}\n${FINAL}\n`);
    }
  });
});

describe('a failure handler around an extraction step', () => {
  it('goes with the setup in a shell script', () => {
    for (const lines of HANDLED) expect(migrated(shell(lines), 'build.sh'), lines.join('\n')).toBe(`#!/bin/sh\nset -e\n${FINAL}\n`);
  });

  it('goes with the setup on a Make recipe line', () => {
    for (const lines of HANDLED.filter((l) => l.length === 2)) expect(migrated(make(lines), 'Makefile'), lines.join('\n')).toBe(`build:\n\t${FINAL}\n`);
    const oneLine = [`if ! ${CREATE}; then echo "create failed" >&2; exit 1; fi`, `if ! ${COPY}; then docker rm -f extract; exit 1; fi`];
    expect(migrated(make(oneLine), 'Makefile')).toBe(`build:\n\t${FINAL}\n`);
  });

  it('goes with the setup in a GitHub Actions run block', () => {
    for (const lines of HANDLED) expect(migrated(workflow(lines), '.github/workflows/ci.yml'), lines.join('\n')).toContain(`      - run: |\n          ${FINAL}\n`);
  });

  it('keeps the setup refused when the handler does anything else', () => {
    for (const [what, lines] of UNHANDLED) {
      expect(refused(shell(lines)), what).not.toEqual([]);
      if (lines.length === 2) expect(refused(make(lines)), `${what} (make)`).not.toEqual([]);
      expect(refused(workflow(lines)), `${what} (workflow)`).not.toEqual([]);
    }
  });
});
